package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/githubaudit"
)

// revokedAt is the compromise and revocation time of these tests.
const revokedAt = "2026-11-03T12:00:00Z"

// replayLog is a CloudTrail delivery file: ci-deployer reads a bucket
// from its CI address before the compromise and from a new address and
// agent after it, assumes deploy-role just before it, and the role's
// session writes releases after it. bob's key is used only before.
const replayLog = `{"Records": [
{"eventTime": "2026-11-02T10:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.17.0 ci",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci-deployer", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLECIKEY0001", "userName": "ci-deployer"},
 "requestParameters": {"bucketName": "example-org-web-assets"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T09:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.17.0 ci",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci-deployer", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLECIKEY0001", "userName": "ci-deployer"},
 "requestParameters": {"bucketName": "example-org-web-assets"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T11:00:00Z", "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.17.0 ci",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci-deployer", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLECIKEY0001", "userName": "ci-deployer"},
 "requestParameters": {"roleArn": "arn:aws:iam::111122223333:role/deploy-role", "roleSessionName": "ci"},
 "responseElements": {"credentials": {"accessKeyId": "ASIAEXAMPLESESSION01", "sessionToken": "EXAMPLE-NOT-A-TOKEN"}}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T13:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "PutObject", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.66", "userAgent": "python-requests/2.31",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/deploy-role/ci", "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLESESSION01",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/deploy-role", "accountId": "111122223333", "userName": "deploy-role"}}},
 "requestParameters": {"bucketName": "example-org-releases"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T15:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.66", "userAgent": "python-requests/2.31",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci-deployer", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLECIKEY0001", "userName": "ci-deployer"},
 "requestParameters": {"bucketName": "example-org-web-assets"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T16:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.17.0 ci",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci-deployer", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLECIKEY0001", "userName": "ci-deployer"},
 "requestParameters": {"bucketName": "example-org-web-assets"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-02T11:00:00Z", "eventSource": "secretsmanager.amazonaws.com", "eventName": "GetSecretValue", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.11", "userAgent": "aws-cli/2.17.0",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob", "accountId": "111122223333", "accessKeyId": "AKIAEXAMPLEBOBKEY001", "userName": "bob"},
 "requestParameters": {"secretId": "prod/db"}, "recipientAccountId": "111122223333"}
]}
`

const unseenKey = `resource "aws_iam_user" "carol" {
  name = "carol"
}

resource "aws_iam_access_key" "carol" {
  user = aws_iam_user.carol.name
}
`

const (
	ciUser    = "arn:aws:iam::111122223333:user/ci-deployer"
	ciKey     = "secret:aws:access-key:" + ciUser + "/AKIAEXAMPLECIKEY0001"
	webAssets = "arn:aws:s3:::example-org-web-assets"
	releases  = "arn:aws:s3:::example-org-releases"
	bobUser   = "arn:aws:iam::111122223333:user/bob"
	dbSecret  = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db"
)

// replayDB ingests replayLog through the CLI into a fresh store.
func replayDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "salt"), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(logs, "trail.json"), []byte(replayLog), 0o644); err != nil {
		t.Fatal(err)
	}
	// carol's key is declared and never seen in the logs.
	if err := os.WriteFile(filepath.Join(logs, "main.tf"), []byte(unseenKey), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "graph.db")
	out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", logs)
	if code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	return db
}

// runCLI runs the CLI in process with the verify command, registered here
// until the root command registers it.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	root := withVerify(newRootCommand(&out, &errb), &out, &errb)
	root.SetArgs(args)
	err := root.Execute()
	code := exitCode(err)
	if ee, ok := err.(*exitError); ok && ee.err != nil {
		errb.WriteString(ee.err.Error())
	}
	return out.String(), errb.String(), code
}

// withVerify adds the verify command to root unless root has it, reading
// the shared flags that root binds to its own options.
func withVerify(root *cobra.Command, stdout, stderr io.Writer) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == "verify" {
			return root
		}
	}
	o := &options{stdout: stdout, stderr: stderr}
	cmd := newVerifyCommand(o)
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		o.db = c.Flag("db").Value.String()
		o.store = c.Flag("store").Value.String()
		o.logLevel = c.Flag("log-level").Value.String()
		o.logFormat = c.Flag("log-format").Value.String()
		return o.setupLogger()
	}
	root.AddCommand(cmd)
	return root
}

// TestReplayFlagged runs `query --since` on the replay log: use from an
// address and an agent first seen after the compromise is flagged, while
// the CI address seen before it is not, and a credential not used after
// the compromise is left unflagged.
func TestReplayFlagged(t *testing.T) {
	db := replayDB(t)
	out, errs, code := runCLI(t, "--db", db, "query", "--secret", "AKIAEXAMPLECIKEY0001", "--since", revokedAt, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	reached := reachedByID(t, out)
	for _, id := range []string{ciUser, webAssets} {
		r, ok := reached[id]
		if !ok {
			t.Errorf("%s not reached", id)
			continue
		}
		if !r.UsedAfter {
			t.Errorf("%s: usedAfterCompromise = false, want true", id)
		}
		if diff := cmp.Diff(r.NewSources, []string{"203.0.113.66", "python-requests/2.31"}); diff != "" {
			t.Errorf("%s: new sources (-got +want):\n%s", id, diff)
		}
	}
	// The role session obtained before the compromise was used after it
	// from the new address only.
	if r := reached[releases]; !r.UsedAfter || !slices.Contains(r.NewSources, "203.0.113.66") {
		t.Errorf("releases bucket: usedAfter=%v newSources=%v, want use from 203.0.113.66", r.UsedAfter, r.NewSources)
	}

	out, errs, code = runCLI(t, "--db", db, "query", "--secret", "AKIAEXAMPLEBOBKEY001", "--since", revokedAt, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	reached = reachedByID(t, out)
	for _, id := range []string{bobUser, dbSecret} {
		r, ok := reached[id]
		if !ok {
			t.Errorf("%s not reached", id)
			continue
		}
		if r.UsedAfter || len(r.NewSources) > 0 || r.Evidence == nil {
			t.Errorf("%s: usedAfter=%v newSources=%v evidence=%v, want seen before the compromise and unflagged", id, r.UsedAfter, r.NewSources, r.Evidence != nil)
		}
	}

	// A credential the logs never show is neither used nor replayed.
	out, errs, code = runCLI(t, "--db", db, "query", "--secret", "carol", "--since", revokedAt, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	reached = reachedByID(t, out)
	if len(reached) != 1 {
		t.Errorf("reached %d nodes from carol's key, want her user only", len(reached))
	}
	for id, r := range reached {
		if r.UsedAfter || len(r.NewSources) > 0 || r.Evidence != nil {
			t.Errorf("%s: usedAfter=%v newSources=%v evidence=%v, want no log evidence and no flag", id, r.UsedAfter, r.NewSources, r.Evidence != nil)
		}
	}
}

func reachedByID(t *testing.T, out string) map[string]reachedView {
	t.Helper()
	var res resultView
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("query output: %v\n%s", err, out)
	}
	m := map[string]reachedView{}
	for _, r := range res.Reached {
		m[r.Node.ID] = r
	}
	return m
}

func TestVerify(t *testing.T) {
	db := replayDB(t)
	tests := []struct {
		name    string
		revoked []string
		code    int
		uses    []string // from -> to of each use
	}{
		{"access key by id", []string{"AKIAEXAMPLECIKEY0001"}, exitContinued, []string{ciUser + " -> " + webAssets}},
		{"access key by node", []string{ciKey}, exitContinued, []string{ciUser + " -> " + webAssets}},
		{"key used only before", []string{"AKIAEXAMPLEBOBKEY001"}, exitOK, nil},
		{"session key without a node", []string{"ASIAEXAMPLESESSION01"}, exitContinued, []string{"arn:aws:iam::111122223333:role/deploy-role -> " + releases}},
		{"role by name", []string{"deploy-role"}, exitContinued, []string{"arn:aws:iam::111122223333:role/deploy-role -> " + releases}},
		{"user", []string{bobUser}, exitOK, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"--db", db, "verify", "--after", revokedAt, "--format", "json"}
			for _, r := range tt.revoked {
				args = append(args, "--revoked", r)
			}
			out, errs, code := runCLI(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs)
			}
			var rep verifyReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("output: %v\n%s", err, out)
			}
			var uses []string
			for _, u := range rep.Uses {
				uses = append(uses, u.From+" -> "+u.To)
			}
			if diff := cmp.Diff(uses, tt.uses); diff != "" {
				t.Errorf("uses (-got +want):\n%s", diff)
			}
			if rep.Continued != (tt.code == exitContinued) {
				t.Errorf("continued = %v with exit %d", rep.Continued, code)
			}
		})
	}
}

// TestVerifyEvidence checks what verify prints for the replayed key: the
// calls on the edge, and only the addresses and agents seen after the
// revocation.
func TestVerifyEvidence(t *testing.T) {
	db := replayDB(t)
	out, errs, code := runCLI(t, "--db", db, "verify", "--revoked", "AKIAEXAMPLECIKEY0001", "--after", revokedAt, "--format", "json")
	if code != exitContinued {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep verifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Uses) != 1 {
		t.Fatalf("uses = %d, want 1", len(rep.Uses))
	}
	u := rep.Uses[0]
	var addrs, agents []string
	for _, s := range u.Addrs {
		addrs = append(addrs, s.Value)
	}
	for _, s := range u.Agents {
		agents = append(agents, s.Value)
	}
	got := []any{u.Calls, u.Denied, u.First.Format("2006-01-02T15"), u.Last.Format("2006-01-02T15"), u.Actions, addrs, agents, u.Key, u.Confidence, len(u.Records)}
	want := []any{int64(4), int64(0), "2026-11-02T10", "2026-11-03T16", []string{"s3:GetObject"},
		[]string{"192.0.2.10", "203.0.113.66"}, []string{"aws-cli/2.17.0 ci", "python-requests/2.31"}, "AKIAEXAMPLECIKEY0001", graph.Certain, 4}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("use (-got +want):\n%s", diff)
	}

	for _, format := range []string{"table", "markdown"} {
		out, _, code := runCLI(t, "--db", db, "verify", "--revoked", "AKIAEXAMPLECIKEY0001", "--after", revokedAt, "--format", format)
		if code != exitContinued || !strings.Contains(out, "203.0.113.66") || !strings.Contains(out, webAssets) {
			t.Errorf("%s output (exit %d) lacks the use:\n%s", format, code, out)
		}
	}
}

func TestVerifyUsage(t *testing.T) {
	db := replayDB(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no revoked", []string{"verify", "--after", revokedAt}, exitUsage},
		{"no time", []string{"verify", "--revoked", "AKIAEXAMPLECIKEY0001"}, exitUsage},
		{"bad time", []string{"verify", "--revoked", "AKIAEXAMPLECIKEY0001", "--after", "yesterday"}, exitUsage},
		{"bad format", []string{"verify", "--revoked", "AKIAEXAMPLECIKEY0001", "--after", revokedAt, "--format", "yaml"}, exitUsage},
		{"unknown", []string{"verify", "--revoked", "no-such-credential", "--after", revokedAt}, exitNoMatch},
		{"unknown key id", []string{"verify", "--revoked", "AKIAEXAMPLENOTSEEN01", "--after", revokedAt}, exitNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, errs, code := runCLI(t, append([]string{"--db", db}, tt.args...)...); code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errs)
			}
		})
	}
}

// TestVerifyGitHubToken revokes a personal access token that a GitHub
// audit log shows cloning after the revocation.
func TestVerifyGitHubToken(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	lines := `{"@timestamp": 1793692800000, "action": "git.clone", "actor": "octo-dev", "actor_ip": "192.0.2.80", "org": "example-org", "repo": "example-org/payments-api", "token_id": 555001, "programmatic_access_type": "Personal access token (classic)"}
{"@timestamp": 1793718000000, "action": "git.clone", "actor": "octo-dev", "actor_ip": "203.0.113.90", "org": "example-org", "repo": "example-org/payments-api", "token_id": 555001, "programmatic_access_type": "Personal access token (classic)"}
`
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "graph.db")
	store, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	p := &ingest.Pipeline{Parsers: []ingest.Parser{githubaudit.New()}, Store: store, Env: &ingest.Env{}}
	if _, err := p.Run(context.Background(), []string{log}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	// 1793692800000 is 2026-11-03T08:00:00Z, 1793718000000 15:00.
	out, errs, code := runCLI(t, "--db", db, "verify", "--revoked", "555001", "--after", revokedAt)
	if code != exitContinued {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	for _, want := range []string{"USE CONTINUED", "github:user:octo-dev acted on repo:github.com/example-org/payments-api", "203.0.113.90"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "192.0.2.80") {
		t.Errorf("output lists an address seen only before the revocation:\n%s", out)
	}
}

func TestVerifyDeniedAfterIsAttempt(t *testing.T) {
	at := time.Date(2026, 11, 12, 4, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	rec := graph.Pos{File: "ct.json", Line: 5}
	ev.Add(at.Add(-40*time.Minute), "dynamodb:Scan", "198.51.100.4", "aws-cli/2", "AKIAEXAMPLEBILLING01", false, rec)
	ev.Add(at.Add(time.Hour), "dynamodb:Scan", "198.51.100.4", "aws-cli/2", "AKIAEXAMPLEBILLING01", true, rec)
	e := graph.Edge{From: "arn:aws:iam::111122223333:user/billing", To: "arn:aws:dynamodb:us-east-1:111122223333:table/invoices",
		Kind: graph.EdgeObserved, Evidence: ev}
	_, attempt, ok := useOf(e, scope{revoked: "AKIAEXAMPLEBILLING01"}, at)
	if !ok || !attempt {
		t.Errorf("allowed call before and denied call after: ok %v attempt %v, want a denied attempt", ok, attempt)
	}
	ev.Add(at.Add(2*time.Hour), "dynamodb:Scan", "198.51.100.4", "aws-cli/2", "AKIAEXAMPLEBILLING01", false, rec)
	if _, attempt, ok := useOf(e, scope{revoked: "AKIAEXAMPLEBILLING01"}, at); !ok || attempt {
		t.Errorf("allowed call after: ok %v attempt %v, want a use", ok, attempt)
	}
}

// TestVerifyMarksEarlierCalls checks that the table marks counted calls that
// start before the revocation. ci-deployer's key was used on 2026-11-02,
// before revokedAt, and the deploy-role session only at 13:00, after it.
func TestVerifyMarksEarlierCalls(t *testing.T) {
	db := replayDB(t)
	const note = "some before the revocation"

	out, errs, code := runCLI(t, "--db", db, "verify", "--after", revokedAt, "--revoked", "AKIAEXAMPLECIKEY0001")
	if code != exitContinued {
		t.Fatalf("exit %d, want %d: %s", code, exitContinued, errs)
	}
	if !strings.Contains(out, note) {
		t.Errorf("calls from before the revocation are not marked:\n%s", out)
	}

	out, errs, code = runCLI(t, "--db", db, "verify", "--after", revokedAt, "--revoked", "ASIAEXAMPLESESSION01")
	if code != exitContinued {
		t.Fatalf("exit %d, want %d: %s", code, exitContinued, errs)
	}
	if strings.Contains(out, note) {
		t.Errorf("calls all after the revocation are marked as earlier ones:\n%s", out)
	}
}

// TestVerifyFoldsOneCallSeenTwice checks that one logged call is one use.
// The example's single AssumeRoleWithWebIdentity record (line 3 of its
// CloudTrail file) is on two edges: from the OIDC subject the log names,
// and from the job the linker attributes it to.
func TestVerifyFoldsOneCallSeenTwice(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "verify", "--revoked", "web-deploy", "--after", "2026-11-01T00:00:00Z", "--format", "json")
	if code != exitContinued {
		t.Fatalf("exit %d, want %d: %s", code, exitContinued, errs)
	}
	var rep verifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	const (
		job     = "oidc:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
		subject = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/web-app:ref:refs/heads/main"
	)
	var assumed []useView
	for _, u := range rep.Uses {
		if u.Obtained {
			assumed = append(assumed, u)
		}
	}
	if len(assumed) != 1 {
		t.Fatalf("%d uses that assume web-deploy, want 1: %+v", len(assumed), assumed)
	}
	u := assumed[0]
	if u.From != job || !slices.Equal(u.AlsoFrom, []string{subject}) {
		t.Errorf("use from %s, also %v, want from %s, also %s", u.From, u.AlsoFrom, job, subject)
	}
	if u.Calls != 1 || len(u.Records) != 1 || !strings.HasSuffix(u.Records[0], ".json:3") {
		t.Errorf("use of %d calls, records %v, want 1 call at line 3", u.Calls, u.Records)
	}
}

// TestVerifyDeclaredKeyTakesItsLoggedID checks that revoking the example's
// ci-deployer key by its Terraform node, which has no key id, gives the
// same certain use as revoking AKIAEXAMPLECIDEPLOY9. That is the one key id
// the user's logged calls show.
func TestVerifyDeclaredKeyTakesItsLoggedID(t *testing.T) {
	db := exampleDB(t)
	for _, ref := range []string{"secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/ci", "AKIAEXAMPLECIDEPLOY9"} {
		out, errs, code := run(t, "--db", db, "verify", "--revoked", ref, "--after", "2026-11-03T00:00:00Z", "--format", "json")
		if code != exitContinued {
			t.Fatalf("%s: exit %d, want %d: %s", ref, code, exitContinued, errs)
		}
		var rep verifyReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Uses) != 1 {
			t.Fatalf("%s: %d uses, want 1: %+v", ref, len(rep.Uses), rep.Uses)
		}
		u := rep.Uses[0]
		if u.Key != "AKIAEXAMPLECIDEPLOY9" || u.Confidence != graph.Certain {
			t.Errorf("%s: use with key %q, confidence %s (%s), want AKIAEXAMPLECIDEPLOY9, certain", ref, u.Key, u.Confidence, u.Reason)
		}
	}
}

// sessionsLog is a CloudTrail file in which role deployer invokes one
// function with two session keys: ASIAEXAMPLESESSION11 at 03:10 and
// ASIAEXAMPLESESSION12 at 14:00 on 2026-11-03. The log pools both calls
// on one OBSERVED edge.
const sessionsLog = `{"Records": [
{"eventTime": "2026-11-03T03:10:00Z", "eventSource": "lambda.amazonaws.com", "eventName": "Invoke", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.20", "userAgent": "aws-cli/2.17.0",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/deployer/s1", "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLESESSION11",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/deployer", "accountId": "111122223333", "userName": "deployer"}}},
 "requestParameters": {"functionName": "arn:aws:lambda:us-east-1:111122223333:function:publish"}, "recipientAccountId": "111122223333"},
{"eventTime": "2026-11-03T14:00:00Z", "eventSource": "lambda.amazonaws.com", "eventName": "Invoke", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.21", "userAgent": "aws-cli/2.17.0",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/deployer/s2", "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLESESSION12",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/deployer", "accountId": "111122223333", "userName": "deployer"}}},
 "requestParameters": {"functionName": "arn:aws:lambda:us-east-1:111122223333:function:publish"}, "recipientAccountId": "111122223333"}
]}
`

// TestVerifySessionKeyOnPooledEdge: the revoked session key's own last
// call, at 03:10, came before the revocation at 12:00, so it shows no
// use, while the other key's call at 14:00 is a certain use of one call.
func TestVerifySessionKeyOnPooledEdge(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), []byte(sessionsLog), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", filepath.Join(dir, "trail.json")); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}

	out, errs, code := runCLI(t, "--db", db, "verify", "--revoked", "ASIAEXAMPLESESSION11", "--after", revokedAt)
	if code != exitOK || !strings.HasPrefix(out, "no use after revocation") {
		t.Errorf("key last used at 03:10: exit %d, want %d:\n%s%s", code, exitOK, out, errs)
	}

	out, errs, code = runCLI(t, "--db", db, "verify", "--revoked", "ASIAEXAMPLESESSION12", "--after", revokedAt, "--format", "json")
	if code != exitContinued {
		t.Fatalf("key used at 14:00: exit %d, want %d: %s", code, exitContinued, errs)
	}
	var rep verifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Uses) != 1 {
		t.Fatalf("%d uses, want 1: %+v", len(rep.Uses), rep.Uses)
	}
	u := rep.Uses[0]
	at14 := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	got := []any{u.From, u.To, u.Key, u.Confidence, u.Reason, u.Calls, u.First, u.Last}
	want := []any{"arn:aws:iam::111122223333:role/deployer", "arn:aws:lambda:us-east-1:111122223333:function:publish",
		"ASIAEXAMPLESESSION12", graph.Certain, "", int64(1), at14, at14}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("use (-got +want):\n%s", diff)
	}
}

// TestVerifyPooledKeysWithoutKeyTimes: evidence stored without each key's
// times cannot tell the keys' calls apart, so a key it names beside
// another is possibly used when the edge's last call is after the
// revocation.
func TestVerifyPooledKeysWithoutKeyTimes(t *testing.T) {
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{First: at.Add(-9 * time.Hour), Last: at.Add(2 * time.Hour), LastAllowed: at.Add(2 * time.Hour), Count: 2,
		Keys: []string{"ASIAEXAMPLESESSION11", "ASIAEXAMPLESESSION12"}}
	e := graph.Edge{From: "arn:aws:iam::111122223333:role/deployer", To: "arn:aws:lambda:us-east-1:111122223333:function:publish",
		Kind: graph.EdgeObserved, Evidence: ev}
	u, attempt, ok := useOf(e, scope{revoked: "ASIAEXAMPLESESSION11", identity: e.From, key: "ASIAEXAMPLESESSION11"}, at)
	if !ok || attempt || u.Confidence != graph.Possible || u.Reason != "the calls mix key ASIAEXAMPLESESSION11 with 1 other keys" {
		t.Errorf("use %+v, attempt %v, ok %v; want a possible use of mixed keys", u, attempt, ok)
	}
}

// TestVerifyKeyDeniedAfterIsAttempt: on an edge pooling two keys, the
// revoked key's only call after the revocation was denied, while the other
// key's call after it was allowed. The revoked key made an attempt, not a
// use.
func TestVerifyKeyDeniedAfterIsAttempt(t *testing.T) {
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	rec := graph.Pos{File: "ct.json", Line: 1}
	ev.Add(at.Add(-time.Hour), "lambda:Invoke", "192.0.2.20", "aws-cli/2", "ASIAEXAMPLESESSION11", false, rec)
	ev.Add(at.Add(time.Hour), "lambda:Invoke", "192.0.2.20", "aws-cli/2", "ASIAEXAMPLESESSION11", true, rec)
	ev.Add(at.Add(2*time.Hour), "lambda:Invoke", "192.0.2.21", "aws-cli/2", "ASIAEXAMPLESESSION12", false, rec)
	e := graph.Edge{From: "arn:aws:iam::111122223333:role/deployer", To: "arn:aws:lambda:us-east-1:111122223333:function:publish",
		Kind: graph.EdgeObserved, Evidence: ev}
	u, attempt, ok := useOf(e, scope{revoked: "ASIAEXAMPLESESSION11", identity: e.From, key: "ASIAEXAMPLESESSION11"}, at)
	if !ok || !attempt || u.Calls != 1 || u.Denied != 1 || !u.Last.Equal(at.Add(time.Hour)) {
		t.Errorf("use %+v, attempt %v, ok %v; want an attempt of 1 call and 1 denied, last at 13:00", u, attempt, ok)
	}
	// The key's own last allowed call, at 11:00, settles that the call
	// after the revocation was refused: the attempt is certain.
	if u.Confidence != graph.Certain {
		t.Errorf("attempt confidence %s (%s), want certain", u.Confidence, u.Reason)
	}
}

// manyKeysLog returns a CloudTrail file in which role deployer invokes one
// function with graph.MaxSeen session keys before 12:00 on 2026-11-03 and
// then, at 14:00, with one more key, ASIAEXAMPLEPOOLLATE1.
func manyKeysLog() string {
	var recs []string
	record := func(at, key string) string {
		return `{"eventTime": "` + at + `", "eventSource": "lambda.amazonaws.com", "eventName": "Invoke", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.20", "userAgent": "aws-cli/2.17.0",
 "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/deployer/s", "accountId": "111122223333", "accessKeyId": "` + key + `",
   "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/deployer", "accountId": "111122223333", "userName": "deployer"}}},
 "requestParameters": {"functionName": "arn:aws:lambda:us-east-1:111122223333:function:publish"}, "recipientAccountId": "111122223333"}`
	}
	for i := range graph.MaxSeen {
		at := time.Date(2026, 11, 3, 0, i, 0, 0, time.UTC).Format(time.RFC3339)
		recs = append(recs, record(at, fmt.Sprintf("ASIAEXAMPLEPOOL%05d", i)))
	}
	recs = append(recs, record("2026-11-03T14:00:00Z", "ASIAEXAMPLEPOOLLATE1"))
	return `{"Records": [` + strings.Join(recs, ",\n") + "]}\n"
}

// TestVerifyKeyBeyondKeptKeys: the evidence keeps graph.MaxSeen key ids
// per edge, so the key that called at 14:00 after 64 others is not among
// them. Its use after 12:00 cannot be ruled out: it is a possible use on
// the edge whose key list is full, not an unknown credential.
func TestVerifyKeyBeyondKeptKeys(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), []byte(manyKeysLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", filepath.Join(dir, "trail.json")); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "--db", db, "verify", "--revoked", "ASIAEXAMPLEPOOLLATE1", "--after", revokedAt, "--format", "json")
	if code != exitContinued {
		t.Fatalf("key used at 14:00: exit %d, want %d:\n%s%s", code, exitContinued, out, errs)
	}
	var rep verifyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Uses) != 1 {
		t.Fatalf("%d uses, want 1: %+v", len(rep.Uses), rep.Uses)
	}
	u := rep.Uses[0]
	if u.From != "arn:aws:iam::111122223333:role/deployer" || u.Confidence != graph.Possible {
		t.Errorf("use from %s, %s; want a possible use by role deployer", u.From, u.Confidence)
	}
	if !strings.Contains(u.Reason, "64") {
		t.Errorf("reason %q, want it to say the evidence keeps 64 key ids", u.Reason)
	}
}

// TestVerifyScopedKeyBeyondKeptKeys: a declared key whose id the full key
// list of its identity's edge leaves out is possibly used, and a key
// absent from a list that is not full is not used.
func TestVerifyScopedKeyBeyondKeptKeys(t *testing.T) {
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	for i := range graph.MaxSeen {
		ev.Add(at.Add(-time.Duration(i+1)*time.Minute), "lambda:Invoke", "192.0.2.20", "aws-cli/2", fmt.Sprintf("ASIAEXAMPLEPOOL%05d", i), false, graph.Pos{})
	}
	ev.Add(at.Add(2*time.Hour), "lambda:Invoke", "192.0.2.21", "aws-cli/2", "ASIAEXAMPLEPOOLLATE1", false, graph.Pos{})
	e := graph.Edge{From: "arn:aws:iam::111122223333:user/deployer", To: "arn:aws:lambda:us-east-1:111122223333:function:publish",
		Kind: graph.EdgeObserved, Evidence: ev}
	u, attempt, ok := useOf(e, scope{revoked: "key", identity: e.From, key: "ASIAEXAMPLEPOOLLATE1"}, at)
	if !ok || attempt || u.Confidence != graph.Possible {
		t.Errorf("use %+v, attempt %v, ok %v; want a possible use", u, attempt, ok)
	}

	small := &graph.Evidence{}
	small.Add(at.Add(2*time.Hour), "lambda:Invoke", "192.0.2.21", "aws-cli/2", "ASIAEXAMPLEPOOL00001", false, graph.Pos{})
	e.Evidence = small
	if u, _, ok := useOf(e, scope{revoked: "key", identity: e.From, key: "ASIAEXAMPLEPOOLLATE1"}, at); ok {
		t.Errorf("use %+v of a key that a list with room leaves out, want none", u)
	}
}

// Evidence written before the time of the last allowed call was kept
// (Count without LastAllowed) may hold allowed calls up to its Last. Once
// newer evidence of the same edge merges into it, an allowed call after
// the revocation is still possible: the merged evidence does not know the
// old calls' times, so verify reports a possible use, not an attempt.
func TestVerifyMergedOldEvidenceIsUse(t *testing.T) {
	at := time.Date(2026, 11, 12, 4, 0, 0, 0, time.UTC)
	// Older evidence: three allowed calls and one denied, the last call an
	// hour after the revocation, without the time of the last allowed one.
	old := &graph.Evidence{First: at.Add(-2 * time.Hour), Last: at.Add(time.Hour), Count: 3, Denied: 1}
	// Newer logs: one allowed call before the revocation, one denied after.
	newer := &graph.Evidence{}
	rec := graph.Pos{File: "ct.json", Line: 5}
	newer.Add(at.Add(-time.Hour), "dynamodb:Scan", "198.51.100.4", "aws-cli/2", "", false, rec)
	newer.Add(at.Add(30*time.Minute), "dynamodb:Scan", "198.51.100.4", "aws-cli/2", "", true, rec)
	for _, order := range []string{"old first", "new first"} {
		ev := old.Clone()
		if order == "new first" {
			ev = newer.Clone()
			ev.Merge(old)
		} else {
			ev.Merge(newer)
		}
		e := graph.Edge{From: "arn:aws:iam::111122223333:user/billing", To: "arn:aws:dynamodb:us-east-1:111122223333:table/invoices",
			Kind: graph.EdgeObserved, Evidence: ev}
		u, attempt, ok := useOf(e, scope{revoked: e.From, identity: e.From}, at)
		if !ok || attempt || u.Confidence != graph.Possible {
			t.Errorf("%s: ok %v attempt %v confidence %s, want a possible use: the old calls up to an hour after may have been allowed", order, ok, attempt, u.Confidence)
		}
	}
}

// TestVerifyKeyOwnActionsAndAddresses: on an edge pooling two keys, the
// revoked key called GetFunction before the revocation and
// InvokeFunction after it, from 192.0.2.20. The other key called
// UpdateFunctionCode from 203.0.113.5 with curl. The revoked key's use
// lists only its own actions, address, agent and records. Evidence that
// does not keep each key's lists shows the edge's, marked shared.
func TestVerifyKeyOwnActionsAndAddresses(t *testing.T) {
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	ev.Add(at.Add(-time.Hour), "lambda:GetFunction", "192.0.2.20", "aws-cli/2", "ASIAEXAMPLESESSION11", false, graph.Pos{File: "ct.json", Line: 1})
	ev.Add(at.Add(time.Hour), "lambda:InvokeFunction", "192.0.2.20", "aws-cli/2", "ASIAEXAMPLESESSION11", false, graph.Pos{File: "ct.json", Line: 2})
	ev.Add(at.Add(2*time.Hour), "lambda:UpdateFunctionCode", "203.0.113.5", "curl/8.5.0", "ASIAEXAMPLESESSION12", false, graph.Pos{File: "ct.json", Line: 3})
	e := graph.Edge{From: "arn:aws:iam::111122223333:role/deployer", To: "arn:aws:lambda:us-east-1:111122223333:function:publish",
		Kind: graph.EdgeObserved, Evidence: ev}
	sc := scope{revoked: "ASIAEXAMPLESESSION11", identity: e.From, key: "ASIAEXAMPLESESSION11"}

	u, attempt, ok := useOf(e, sc, at)
	if !ok || attempt || u.Confidence != graph.Certain {
		t.Fatalf("use %+v, attempt %v, ok %v; want a certain use", u, attempt, ok)
	}
	var addrs, agents []string
	for _, s := range u.Addrs {
		addrs = append(addrs, s.Value)
	}
	for _, s := range u.Agents {
		agents = append(agents, s.Value)
	}
	got := []any{u.Calls, u.Actions, addrs, agents, u.Records, u.Shared}
	want := []any{int64(2), []string{"lambda:GetFunction", "lambda:InvokeFunction"}, []string{"192.0.2.20"}, []string{"aws-cli/2"},
		[]string{"ct.json:1", "ct.json:2"}, ""}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("detailed use (-got +want):\n%s", diff)
	}

	old := ev.Clone()
	for i := range old.KeyUses {
		k := &old.KeyUses[i]
		k.Detailed, k.Actions, k.Addrs, k.Agents, k.Records = false, nil, nil, nil, nil
	}
	e.Evidence = old
	u, _, _ = useOf(e, sc, at)
	if len(u.Actions) != 3 || len(u.Addrs) != 2 || u.Shared != "actions, addresses and records of all 2 keys of these calls" {
		t.Errorf("use of evidence without each key's lists = %+v, want the edge's 3 actions and 2 addresses, marked shared", u)
	}
}

// TestVerifyKeyAddressPastItsCap: the revoked key called from 16 runner
// addresses before the revocation, the most a key's own list keeps, and
// from 203.0.113.66 after it. Its own list has no room for that address,
// so the use lists the edge's addresses, which contain it, marked shared
// with the other key.
func TestVerifyKeyAddressPastItsCap(t *testing.T) {
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	const revoked, other = "AKIAEXAMPLEREVOKED01", "AKIAEXAMPLEOTHER0002"
	ev := &graph.Evidence{}
	for i := range 16 {
		ev.Add(at.Add(-time.Duration(20-i)*time.Hour), "s3:GetObject", fmt.Sprintf("192.0.2.%d", 10+i), "aws-cli/2", revoked, false, graph.Pos{File: "ct.json", Line: i + 1})
	}
	ev.Add(at.Add(-time.Hour), "s3:GetObject", "198.51.100.7", "aws-cli/2", other, false, graph.Pos{File: "ct.json", Line: 17})
	ev.Add(at.Add(time.Hour), "s3:GetObject", "203.0.113.66", "curl/8.5.0", revoked, false, graph.Pos{File: "ct.json", Line: 18})
	e := graph.Edge{From: "arn:aws:iam::111122223333:user/ci", To: "arn:aws:s3:::example-org-secrets",
		Kind: graph.EdgeObserved, Evidence: ev}
	sc := scope{revoked: revoked, identity: e.From, key: revoked}

	u, attempt, ok := useOf(e, sc, at)
	if !ok || attempt {
		t.Fatalf("use %+v, attempt %v, ok %v; want a use", u, attempt, ok)
	}
	var addrs, agents []string
	for _, s := range u.Addrs {
		addrs = append(addrs, s.Value)
	}
	for _, s := range u.Agents {
		agents = append(agents, s.Value)
	}
	if !slices.Contains(addrs, "203.0.113.66") || !slices.Contains(agents, "curl/8.5.0") {
		t.Errorf("addresses %v and agents %v after the revocation, want 203.0.113.66 and curl/8.5.0 among them", addrs, agents)
	}
	if want := "addresses of all 2 keys of these calls"; u.Shared != want {
		t.Errorf("shared = %q, want %q", u.Shared, want)
	}
}
