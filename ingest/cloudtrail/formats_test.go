package cloudtrail

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestWebIdentityAndAccounts covers a GitHub Actions job obtaining a role
// with its OIDC token, the calls made with that session, a pull request
// refused the role, a call into another account, and a record of type
// Role.
func TestWebIdentityAndAccounts(t *testing.T) {
	res := parse(t, fileAt(t, "testdata/webidentity.json"))
	checkJoined(t, res)

	const (
		mainSub  = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/deploy-tool:ref:refs/heads/main"
		prSub    = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/deploy-tool:pull_request"
		deploy   = "arn:aws:iam::111122223333:role/deploy"
		reporter = "arn:aws:iam::111122223333:user/reporter"
	)
	want := []string{
		mainSub + " -OBSERVED-> " + deploy + " [ref=refs/heads/main repository=example-org/deploy-tool session_keys=ASIAEXAMPLEWEBID0001 sub=repo:example-org/deploy-tool:ref:refs/heads/main] [sts:AssumeRoleWithWebIdentity] ok=1 denied=0",
		deploy + " -OBSERVED-> arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/deploy-key [assumed_by=" + mainSub + " linked_session=ASIAEXAMPLEWEBID0001 web_identity_provider=token.actions.githubusercontent.com] [secretsmanager:GetSecretValue] ok=1 denied=0",
		prSub + " -OBSERVED-> " + deploy + " [denied_only=true pull_request=true repository=example-org/deploy-tool sub=repo:example-org/deploy-tool:pull_request] [sts:AssumeRoleWithWebIdentity] ok=0 denied=1",
		reporter + " -OBSERVED-> arn:aws:s3:::example-partner-drop [cross_account=true] [s3:GetObject] ok=1 denied=0",
		"secret:aws:access-key:" + reporter + "/AKIAEXAMPLEREPORT001 -AUTHENTICATES_AS-> " + reporter + " [] [] ok=1 denied=0",
		"arn:aws:iam::111122223333:role/batch -OBSERVED-> arn:aws:sqs:us-east-1:111122223333:jobs [] [sqs:ReceiveMessage] ok=1 denied=0",
	}
	sort.Strings(want)
	if diff := cmp.Diff(edgeLines(res), want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 5 {
		t.Errorf("Records = %d, want 5", res.Records)
	}

	n := findNode(res, mainSub)
	if n == nil {
		t.Fatal("subject node missing")
	}
	wantAttrs := map[string]string{
		"provider": "oidc", "type": "oidc-subject-observed", "issuer": "https://token.actions.githubusercontent.com",
		"sub": "repo:example-org/deploy-tool:ref:refs/heads/main", "repository": "example-org/deploy-tool",
		"ref": "refs/heads/main", "observed": "true",
	}
	if diff := cmp.Diff(n.Attrs, wantAttrs); diff != "" {
		t.Errorf("subject attrs (-got +want):\n%s", diff)
	}
}

func TestGitHubClaims(t *testing.T) {
	tests := []struct {
		sub  string
		want map[string]string
	}{
		{"repo:o/r:ref:refs/tags/v1.2.0", map[string]string{"repository": "o/r", "ref": "refs/tags/v1.2.0"}},
		{"repo:o/r:environment:prod", map[string]string{"repository": "o/r", "environment": "prod"}},
		{"repo:o/r:pull_request", map[string]string{"repository": "o/r", "pull_request": "true"}},
		{"repo:o/r:environment:prod:job_workflow_ref:o/shared/.github/workflows/deploy.yml@refs/heads/main",
			map[string]string{"repository": "o/r", "environment": "prod", "job_workflow_ref": "o/shared/.github/workflows/deploy.yml@refs/heads/main"}},
		{"repository_owner_id:1234:repo:o/r:context:ref:refs/heads/main", map[string]string{"repository": "o/r"}},
		{"repo", map[string]string{}},
	}
	for _, tt := range tests {
		got := map[string]string{}
		githubClaims(tt.sub, got)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("githubClaims(%q) (-got +want):\n%s", tt.sub, diff)
		}
	}
}

func TestLookupEvents(t *testing.T) {
	f := fileAt(t, "testdata/lookup-events.json")
	if !New().Detect(f) {
		t.Fatal("Detect = false for lookup-events output")
	}
	res := parse(t, f)
	checkJoined(t, res)
	const grace = "arn:aws:iam::111122223333:user/grace"
	want := []string{
		grace + " -OBSERVED-> arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db [] [secretsmanager:GetSecretValue] ok=1 denied=0",
		grace + " -OBSERVED-> aws:s3:111122223333:list [] [s3:ListBuckets] ok=1 denied=0",
		"secret:aws:access-key:" + grace + "/AKIAEXAMPLEGRACE001 -AUTHENTICATES_AS-> " + grace + " [] [] ok=2 denied=0",
	}
	if diff := cmp.Diff(edgeLines(res), want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 2 {
		t.Errorf("Records = %d, want 2", res.Records)
	}
	wantDiags := []string{"testdata/lookup-events.json:21: record 3 has a CloudTrailEvent that is not valid JSON; skipped"}
	if diff := cmp.Diff(diagLines(res), wantDiags); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}
}

func diagLines(res *ingest.Result) []string {
	var out []string
	for _, d := range res.Diags {
		out = append(out, d.String())
	}
	return out
}

func TestCSVExports(t *testing.T) {
	tests := []struct {
		file    string
		records int
		edges   []string
		first   time.Time // first call on the first edge listed
	}{
		{
			file:    "testdata/lake-export.csv",
			records: 3,
			edges: []string{
				"arn:aws:iam::111122223333:role/app -OBSERVED-> arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/api-key [] [secretsmanager:GetSecretValue] ok=1 denied=0",
				"arn:aws:iam::111122223333:user/heidi -OBSERVED-> arn:aws:s3:::example-org-exports [] [s3:GetObject] ok=1 denied=0",
				"arn:aws:iam::111122223333:user/heidi -OBSERVED-> arn:aws:s3:::example-org-finance [denied_only=true] [s3:GetObject] ok=0 denied=1",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/heidi/AKIAEXAMPLEHEIDI001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/heidi [] [] ok=1 denied=1",
			},
			first: time.Date(2026, 10, 5, 11, 0, 0, 0, time.UTC),
		},
		{
			file:    "testdata/athena-flat.csv",
			records: 2,
			edges: []string{
				"arn:aws:iam::111122223333:role/reader -OBSERVED-> arn:aws:dynamodb:eu-west-1:111122223333:table/orders [] [dynamodb:GetItem] ok=1 denied=0",
				"arn:aws:iam::111122223333:user/ivan -OBSERVED-> arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api/token [] [ssm:GetParameter] ok=1 denied=0",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/ivan/AKIAEXAMPLEIVAN0001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/ivan [] [] ok=1 denied=0",
			},
			first: time.Date(2026, 10, 5, 12, 1, 0, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			f := fileAt(t, tt.file)
			if !New().Detect(f) {
				t.Fatal("Detect = false for a CSV export")
			}
			res := parse(t, f)
			checkJoined(t, res)
			if diff := cmp.Diff(edgeLines(res), tt.edges); diff != "" {
				t.Errorf("edges (-got +want):\n%s", diff)
			}
			if res.Records != tt.records {
				t.Errorf("Records = %d, want %d", res.Records, tt.records)
			}
			e := findEdge(res, strings.Fields(tt.edges[0])[0], graph.EdgeObserved, strings.Fields(tt.edges[0])[2])
			if e == nil || !e.Evidence.First.Equal(tt.first) {
				t.Errorf("first edge evidence = %+v, want first call at %s", e, tt.first)
			}
		})
	}
}

func TestRenderedStruct(t *testing.T) {
	v := parseRendered("{type=AssumedRole, arn=arn:aws:sts::111122223333:assumed-role/r/a,b=c, sessioncontext={sessionissuer={arn=arn:aws:iam::111122223333:role/r}, attributes={mfaauthenticated=false}}, invokedby=null}")
	for path, want := range map[string]string{
		"type":                             "AssumedRole",
		"arn":                              "arn:aws:sts::111122223333:assumed-role/r/a,b=c",
		"sessioncontext.sessionissuer.arn": "arn:aws:iam::111122223333:role/r",
		"invokedby":                        "",
		"missing.path":                     "",
	} {
		if got := v.get(path); got != want {
			t.Errorf("get(%q) = %q, want %q", path, got, want)
		}
	}
	list := parseRendered("[{arn=arn:aws:s3:::b/k, type=AWS::S3::Object}, {arn=arn:aws:s3:::b, type=AWS::S3::Bucket}]")
	if len(list.arr) != 2 || list.arr[1].get("arn") != "arn:aws:s3:::b" {
		t.Errorf("rendered list = %+v, want two elements, the second arn:aws:s3:::b", list.arr)
	}
}

func TestDigestSkipped(t *testing.T) {
	matches, _ := filepath.Glob("testdata/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/05/*.json")
	if len(matches) != 1 {
		t.Fatalf("digest test file missing: %v", matches)
	}
	f := fileAt(t, matches[0])
	f.RelPath = strings.TrimPrefix(matches[0], "testdata/")
	if New().Detect(f) {
		t.Error("Detect = true for a digest file")
	}
	if got := New().Skip(f); got != "CloudTrail digest file" {
		t.Errorf("Skip = %q, want %q", got, "CloudTrail digest file")
	}
	if got := New().Skip(fileAt(t, "testdata/delivery.json")); got != "" {
		t.Errorf("Skip(delivery.json) = %q, want none", got)
	}
}

// progressCounter is an ingest.Progress that sums the counts it receives.
type progressCounter struct {
	mu             sync.Mutex
	total          int64
	bytes, records int64
	starts         int
}

func (p *progressCounter) Start(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
	p.starts++
}

func (p *progressCounter) Add(bytes, records int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bytes += bytes
	p.records += records
}

// TestPipelineHooks runs the pipeline over a folder holding a log and a
// digest: the digest is skipped with its reason, and the progress hook
// hears of every byte read (of both files: the digest is read to tell it
// from a log) and every record of the log.
func TestPipelineHooks(t *testing.T) {
	dir := t.TempDir()
	digestDir := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1")
	logDir := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", "us-east-1")
	for _, d := range []string{digestDir, logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	digests, _ := filepath.Glob("testdata/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/05/*.json")
	copyFile(t, digests[0], filepath.Join(digestDir, "digest.json"))
	copyFile(t, "testdata/delivery.json", filepath.Join(logDir, "log.json"))
	var size int64
	for _, f := range []string{filepath.Join(logDir, "log.json"), filepath.Join(digestDir, "digest.json")} {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size += info.Size()
	}

	prog := &progressCounter{}
	p := &ingest.Pipeline{Parsers: []ingest.Parser{New()}, Store: memstore.New(), Env: testEnv(), Progress: prog}
	sum, err := p.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	wantSkip := []ingest.Skip{{Path: filepath.Join(digestDir, "digest.json"), Reason: "CloudTrail digest file"}}
	if diff := cmp.Diff(sum.Skipped, wantSkip); diff != "" {
		t.Errorf("skipped (-got +want):\n%s", diff)
	}
	if prog.starts != 1 || prog.total != size || prog.bytes != size || prog.records != 20 {
		t.Errorf("progress: %d starts, total %d, %d bytes, %d records; want 1 start, total and bytes %d, 20 records",
			prog.starts, prog.total, prog.bytes, prog.records, size)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
