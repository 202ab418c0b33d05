package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// edgeLine renders an edge as one comparable line: ends, kind, attributes,
// and for OBSERVED edges the actions and the call counts.
func edgeLine(e graph.Edge) string {
	var attrs []string
	for k, v := range e.Attrs {
		attrs = append(attrs, k+"="+v)
	}
	sort.Strings(attrs)
	s := fmt.Sprintf("%s -%s-> %s %v", e.From, e.Kind, e.To, attrs)
	if ev := e.Evidence; ev != nil {
		s += fmt.Sprintf(" %v ok=%d denied=%d", ev.Actions, ev.Count, ev.Denied)
	}
	return s
}

func edgeLines(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		out = append(out, edgeLine(e))
	}
	sort.Strings(out)
	return out
}

func TestDeliveryFile(t *testing.T) {
	res := parse(t, fileAt(t, "testdata/delivery.json"))
	checkJoined(t, res)

	const (
		alice   = "arn:aws:iam::111122223333:user/alice"
		appRole = "arn:aws:iam::111122223333:role/app-role"
	)
	want := []string{
		"secret:aws:access-key:" + alice + "/AKIAEXAMPLEALICE0001 -AUTHENTICATES_AS-> " + alice + " [] [] ok=7 denied=2",
		alice + " -OBSERVED-> arn:aws:s3:::example-org-reports [] [s3:GetObject] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api/token [] [ssm:GetParameters] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:ssm:eu-west-1:111122223333:parameter/prod/db/url [] [ssm:GetParameters] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:lambda:eu-west-1:111122223333:function:billing-worker [] [lambda:UpdateFunctionCode20150331v2] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:iam::111122223333:user/bob [] [iam:CreateAccessKey] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:sqs:eu-west-1:111122223333:orders [] [sqs:SendMessage] ok=1 denied=0",
		alice + " -OBSERVED-> aws:ec2:111122223333:* [denied_only=true] [ec2:RunInstances] ok=0 denied=1",
		alice + " -OBSERVED-> aws:ec2:111122223333:list [] [ec2:DescribeInstances] ok=1 denied=0",
		alice + " -OBSERVED-> arn:aws:dynamodb:eu-west-1:111122223333:table/orders [has_errors=true] [dynamodb:GetItem] ok=1 denied=0",
		"arn:aws:iam::111122223333:root -OBSERVED-> aws:signin:111122223333:* [denied_only=true] [signin:ConsoleLogin] ok=0 denied=1",
		"aws:service:ec2.amazonaws.com -OBSERVED-> " + appRole + " [session_keys=ASIAEXAMPLEAPPROLE01] [sts:AssumeRole] ok=1 denied=0",
		appRole + " -OBSERVED-> arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/api-key [assumed_by=aws:service:ec2.amazonaws.com linked_session=ASIAEXAMPLEAPPROLE01] [secretsmanager:GetSecretValue] ok=1 denied=0",
		appRole + " -OBSERVED-> arn:aws:sns:eu-west-1:111122223333:alerts [] [sns:Publish] ok=1 denied=0",
		"arn:aws:iam::444455556666:root -OBSERVED-> arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-22bb-33cc-44dd-5555eeee6666 [cross_account=true] [kms:Decrypt] ok=1 denied=0",
		"aws:sso:carol -OBSERVED-> aws:sso:111122223333:list [] [sso:ListAccounts] ok=1 denied=0",
		alice + " -OBSERVED-> aws:s3:111122223333:list [] [s3:ListBuckets] ok=1 denied=0",
		"saml:sub:ExampleIdP:erin -OBSERVED-> arn:aws:iam::111122223333:role/sso-admin [session_keys=ASIAEXAMPLESAML00001] [sts:AssumeRoleWithSAML] ok=1 denied=0",
		alice + " -OBSERVED-> " + appRole + " [denied_only=true] [sts:AssumeRole] ok=0 denied=1",
		appRole + " -OBSERVED-> aws:iam:111122223333:* [assumed_by=aws:service:ec2.amazonaws.com linked_session=ASIAEXAMPLEAPPROLE01] [iam:GetRole] ok=1 denied=0",
	}
	sort.Strings(want)
	if diff := cmp.Diff(edgeLines(res), want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}

	if got, want := res.Records, 20; got != want {
		t.Errorf("Records = %d, want %d", got, want)
	}
	wantDiags := []string{"testdata/delivery.json:395: record 19 is not a JSON object; skipped"}
	var gotDiags []string
	for _, d := range res.Diags {
		gotDiags = append(gotDiags, d.String())
	}
	if diff := cmp.Diff(gotDiags, wantDiags); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}

	nodes := []struct {
		id    string
		kind  graph.NodeKind
		attrs map[string]string
	}{
		{alice, graph.NodeIdentity, map[string]string{"provider": "aws", "type": "user", "account": "111122223333", "name": "alice", "observed": "true"}},
		{appRole, graph.NodeIdentity, map[string]string{"provider": "aws", "type": "role", "account": "111122223333", "name": "app-role", "observed": "true", "session_keys": "ASIAEXAMPLEAPPROLE01"}},
		{"arn:aws:iam::111122223333:user/bob", graph.NodeIdentity, map[string]string{"provider": "aws", "type": "user", "account": "111122223333", "name": "bob", "observed": "true"}},
		{"secret:aws:access-key:" + alice + "/AKIAEXAMPLEALICE0001", graph.NodeSecret, map[string]string{"provider": "aws", "type": "access-key", "long_lived": "true", "key_id": "AKIAEXAMPLEALICE0001", "observed": "true"}},
		{"arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/api-key", graph.NodeSecret, map[string]string{"provider": "aws", "type": "secretsmanager", "name": "app/api-key", "account": "111122223333", "long_lived": "true", "observed": "true"}},
		{"arn:aws:ssm:eu-west-1:111122223333:parameter/prod/api/token", graph.NodeSecret, map[string]string{"provider": "aws", "type": "ssm-parameter", "name": "prod/api/token", "account": "111122223333", "observed": "true"}},
		{"arn:aws:s3:::example-org-reports", graph.NodeResource, map[string]string{"provider": "aws", "type": "s3", "name": "example-org-reports", "observed": "true"}},
		{"aws:ec2:111122223333:*", graph.NodeResource, map[string]string{"provider": "aws", "type": "service-scope", "service": "ec2", "account": "111122223333", "observed": "true"}},
		{"aws:ec2:111122223333:list", graph.NodeResource, map[string]string{"provider": "aws", "type": "service-listing", "service": "ec2", "account": "111122223333", "observed": "true"}},
		{"aws:service:ec2.amazonaws.com", graph.NodeIdentity, map[string]string{"provider": "aws", "type": "service", "name": "ec2.amazonaws.com", "observed": "true"}},
		{"aws:sso:carol", graph.NodeIdentity, map[string]string{"provider": "aws", "type": "sso-user", "name": "carol", "observed": "true"}},
		{"saml:sub:ExampleIdP:erin", graph.NodeIdentity, map[string]string{"provider": "saml", "type": "saml-subject-observed", "issuer": "ExampleIdP", "sub": "erin", "observed": "true"}},
		{"arn:aws:iam::444455556666:root", graph.NodeIdentity, map[string]string{"provider": "aws", "type": "root", "account": "444455556666", "name": "root", "observed": "true"}},
	}
	for _, w := range nodes {
		n := findNode(res, w.id)
		if n == nil {
			t.Errorf("node %s missing", w.id)
			continue
		}
		if n.Kind != w.kind {
			t.Errorf("node %s kind = %s, want %s", w.id, n.Kind, w.kind)
		}
		if diff := cmp.Diff(n.Attrs, w.attrs); diff != "" {
			t.Errorf("node %s attrs (-got +want):\n%s", w.id, diff)
		}
	}

	// Evidence of the ec2 scope: record 6, RunInstances, was denied.
	// Record 7, DescribeInstances, lists instances: it marks the listing.
	e := findEdge(res, alice, graph.EdgeObserved, "aws:ec2:111122223333:*")
	if e == nil {
		t.Fatal("ec2 scope edge missing")
	}
	if got, want := e.Evidence.First, time.Date(2026, 3, 2, 10, 6, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ec2 evidence first = %s, want %s", got, want)
	}
	if diff := cmp.Diff(e.Evidence.Records, []graph.Pos{{File: "testdata/delivery.json", Line: 6}}); diff != "" {
		t.Errorf("ec2 evidence records (-got +want):\n%s", diff)
	}
	if got, want := e.Evidence.Keys, []string{"AKIAEXAMPLEALICE0001"}; !cmp.Equal(got, want) {
		t.Errorf("ec2 evidence keys = %v, want %v", got, want)
	}
	l := findEdge(res, alice, graph.EdgeObserved, "aws:ec2:111122223333:list")
	if l == nil {
		t.Fatal("ec2 listing edge missing")
	}
	if diff := cmp.Diff(l.Evidence.Records, []graph.Pos{{File: "testdata/delivery.json", Line: 7}}); diff != "" {
		t.Errorf("ec2 listing evidence records (-got +want):\n%s", diff)
	}
}

// TestCaseDeniedAssumeRole reads a CloudTrail delivery file in which a
// denied AssumeRole has null request parameters: the denied calls must
// stay apart from the used path, which a session key links up.
func TestCaseDeniedAssumeRole(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join(sharedDir, "cases", "15-*", "*_CloudTrail_*.json"))
	if len(matches) != 1 {
		t.Skip("case files not present")
	}
	res := parse(t, fileAt(t, matches[0]))
	checkJoined(t, res)

	if got, want := res.Records, 5; got != want {
		t.Errorf("Records = %d, want %d", got, want)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}

	const (
		ciDeployer = "arn:aws:iam::111122223333:user/ci-deployer"
		intern     = "arn:aws:iam::111122223333:user/intern-sandbox"
		prodDeploy = "arn:aws:iam::111122223333:role/prod-deploy"
		prodAdmin  = "arn:aws:iam::111122223333:role/prod-admin"
		payments   = "arn:aws:iam::111122223333:role/payments-deploy-prod"
		dbSecret   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/main"
		subject    = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/payments-api:environment:production"
	)
	want := []string{
		"secret:aws:access-key:" + ciDeployer + "/AKIAEXAMPLECIDEPLOY1 -AUTHENTICATES_AS-> " + ciDeployer + " [] [] ok=1 denied=0",
		"secret:aws:access-key:" + intern + "/AKIAEXAMPLEINTERN001 -AUTHENTICATES_AS-> " + intern + " [] [] ok=0 denied=2",
		ciDeployer + " -OBSERVED-> " + prodDeploy + " [session_keys=ASIAEXAMPLEPRODDEP01] [sts:AssumeRole] ok=1 denied=0",
		prodDeploy + " -OBSERVED-> " + dbSecret + " [assumed_by=" + ciDeployer + " linked_session=ASIAEXAMPLEPRODDEP01] [secretsmanager:GetSecretValue] ok=1 denied=0",
		intern + " -OBSERVED-> " + prodAdmin + " [denied_only=true] [sts:AssumeRole] ok=0 denied=1",
		intern + " -OBSERVED-> " + prodDeploy + " [denied_only=true] [sts:AssumeRole] ok=0 denied=1",
		subject + " -OBSERVED-> " + payments + " [environment=production repository=example-org/payments-api session_keys=ASIAEXAMPLEGHAPAY001 sub=repo:example-org/payments-api:environment:production] [sts:AssumeRoleWithWebIdentity] ok=1 denied=0",
	}
	sort.Strings(want)
	if diff := cmp.Diff(edgeLines(res), want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}

	times := []struct {
		from, to string
		first    time.Time
	}{
		{ciDeployer, prodDeploy, time.Date(2026, 10, 5, 9, 12, 41, 0, time.UTC)},
		{prodDeploy, dbSecret, time.Date(2026, 10, 5, 9, 13, 5, 0, time.UTC)},
		{subject, payments, time.Date(2026, 10, 5, 9, 31, 10, 0, time.UTC)},
	}
	for _, w := range times {
		e := findEdge(res, w.from, graph.EdgeObserved, w.to)
		if e == nil {
			t.Errorf("edge %s -> %s missing", w.from, w.to)
			continue
		}
		if !e.Evidence.First.Equal(w.first) {
			t.Errorf("edge %s -> %s first seen %s, want %s", w.from, w.to, e.Evidence.First, w.first)
		}
	}

	sub := findNode(res, subject)
	if sub == nil {
		t.Fatal("web identity subject missing")
	}
	wantAttrs := map[string]string{
		"provider": "oidc", "type": "oidc-subject-observed", "issuer": "https://token.actions.githubusercontent.com",
		"sub": "repo:example-org/payments-api:environment:production", "observed": "true",
		"repository": "example-org/payments-api", "environment": "production",
	}
	if diff := cmp.Diff(sub.Attrs, wantAttrs); diff != "" {
		t.Errorf("subject attrs (-got +want):\n%s", diff)
	}
	if n := findNode(res, prodDeploy); n == nil || n.Attr("session_keys") != "ASIAEXAMPLEPRODDEP01" {
		t.Errorf("role prod-deploy does not carry its session key")
	}
	if n := findNode(res, dbSecret); n == nil || n.Kind != graph.NodeSecret {
		t.Errorf("secret prod/db/main is not a Secret node")
	}
	if strings.Contains(marshal(t, res), "EXAMPLE-SESSION-TOKEN") {
		t.Error("a session token reached the result")
	}
}

// TestCaseGzipSame checks that the gzip delivery file gives the facts of
// the plain one.
func TestCaseGzipSame(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join(sharedDir, "cases", "15-*", "*_CloudTrail_*.json"))
	if len(matches) != 1 {
		t.Skip("case files not present")
	}
	plain := parse(t, fileAt(t, matches[0]))
	zipped := parse(t, fileAt(t, matches[0]+".gz"))
	if plain.Records != zipped.Records {
		t.Errorf("Records: plain %d, gzip %d", plain.Records, zipped.Records)
	}
	gotNodes, gotEdges := withFile(zipped, "log")
	wantNodes, wantEdges := withFile(plain, "log")
	if diff := cmp.Diff(gotNodes, wantNodes); diff != "" {
		t.Errorf("gzip nodes differ from plain nodes (-gzip +plain):\n%s", diff)
	}
	if diff := cmp.Diff(gotEdges, wantEdges); diff != "" {
		t.Errorf("gzip edges differ from plain edges (-gzip +plain):\n%s", diff)
	}
}

// withFile returns the facts with every position naming the same file.
func withFile(res *ingest.Result, name string) ([]graph.Node, []graph.Edge) {
	nodes := append([]graph.Node(nil), res.Nodes...)
	for i := range nodes {
		nodes[i].Pos.File = name
	}
	edges := append([]graph.Edge(nil), res.Edges...)
	for i := range edges {
		edges[i].Pos.File = name
		if ev := edges[i].Evidence.Clone(); ev != nil {
			for j := range ev.Records {
				ev.Records[j].File = name
			}
			for k := range ev.KeyUses {
				for j := range ev.KeyUses[k].Records {
					ev.KeyUses[k].Records[j].File = name
				}
			}
			edges[i].Evidence = ev
		}
	}
	return nodes, edges
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		file      string
		records   int
		edges     []string
		diags     []string
		evidenceN []int // record numbers behind the first OBSERVED edge
	}{
		{
			file:    "testdata/lines.jsonl",
			records: 2,
			edges: []string{
				"arn:aws:iam::111122223333:user/frank -OBSERVED-> arn:aws:secretsmanager:eu-west-1:111122223333:secret:ci/npm-token [] [secretsmanager:GetSecretValue] ok=2 denied=0",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/frank/AKIAEXAMPLEFRANK0001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/frank [] [] ok=2 denied=0",
			},
			diags:     []string{"testdata/lines.jsonl:2: record 2 is not valid JSON; skipped"},
			evidenceN: []int{1, 3},
		},
		{
			file:    "testdata/array.json",
			records: 2,
			edges: []string{
				"arn:aws:iam::111122223333:user/frank -OBSERVED-> arn:aws:secretsmanager:eu-west-1:111122223333:secret:ci/pypi-token [] [secretsmanager:DescribeSecret] ok=1 denied=0",
				"arn:aws:iam::111122223333:user/frank -OBSERVED-> aws:secretsmanager:111122223333:list [] [secretsmanager:ListSecrets] ok=1 denied=0",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/frank/AKIAEXAMPLEFRANK0001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/frank [] [] ok=2 denied=0",
			},
			evidenceN: []int{1},
		},
		{
			file:    "testdata/values.json",
			records: 2,
			edges: []string{
				"arn:aws:iam::111122223333:user/frank -OBSERVED-> aws:secretsmanager:111122223333:list [] [secretsmanager:ListSecrets] ok=2 denied=0",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/frank/AKIAEXAMPLEFRANK0001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/frank [] [] ok=2 denied=0",
			},
			evidenceN: []int{1, 2},
		},
		{
			file:    "testdata/truncated.json",
			records: 2,
			edges: []string{
				"arn:aws:iam::111122223333:user/frank -OBSERVED-> aws:secretsmanager:111122223333:list [] [secretsmanager:ListSecrets] ok=2 denied=0",
				"secret:aws:access-key:arn:aws:iam::111122223333:user/frank/AKIAEXAMPLEFRANK0001 -AUTHENTICATES_AS-> arn:aws:iam::111122223333:user/frank [] [] ok=2 denied=0",
			},
			diags:     []string{"testdata/truncated.json:37:3: file ends in the middle of a JSON value; the rest of the file was skipped"},
			evidenceN: []int{1, 2},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			f := fileAt(t, tt.file)
			if !New().Detect(f) {
				t.Errorf("Detect = false, want true")
			}
			res := parse(t, f)
			checkJoined(t, res)
			if res.Records != tt.records {
				t.Errorf("Records = %d, want %d", res.Records, tt.records)
			}
			sort.Strings(tt.edges)
			if diff := cmp.Diff(edgeLines(res), tt.edges); diff != "" {
				t.Errorf("edges (-got +want):\n%s", diff)
			}
			var diags []string
			for _, d := range res.Diags {
				diags = append(diags, d.String())
			}
			if diff := cmp.Diff(diags, tt.diags); diff != "" {
				t.Errorf("diagnostics (-got +want):\n%s", diff)
			}
			for _, e := range res.Edges {
				if e.Kind != graph.EdgeObserved {
					continue
				}
				var got []int
				for _, p := range e.Evidence.Records {
					got = append(got, p.Line)
				}
				if diff := cmp.Diff(got, tt.evidenceN); diff != "" {
					t.Errorf("evidence records of %s (-got +want):\n%s", e.Key(), diff)
				}
				break
			}
		})
	}
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"empty", "  \n", "x.json: file is empty"},
		{"text", "hello\n", "x.json:1: not a CloudTrail log: expected a JSON object or array"},
		{"bad first record", "{\"Records\": [\n  {\"eventName\": tru}\n]}", "x.json:2:3: invalid JSON"},
		{"records then number", "{\"Records\": []} 5", "x.json:1:17: expected an object with a Records array"},
		{"records not array", "{\"Records\": [], \"x\": 1, \"Records\": {}}", "x.json:1:36: expected an array of records"},
		{"record cut short", "{\"eventName\": 1\n{\"eventName\": 2}x\n", "x.json:1:1: invalid JSON"},
		{"cut before records", "[", "x.json:1:2: file ends in the middle of a JSON value"},
		{"no valid line", "\n{\"eventName\": }\n{\"a\": tru}\n", "x.json:2: no line contains a valid CloudTrail record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile("x.json", []byte(tt.input)), testEnv(), &res)
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want an *ingest.Error", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       bool
	}{
		{"delivery", `{"Records":[{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`, true},
		{"delivery other key first", `{"Digest":1,"Records":[{"eventSource":"iam.amazonaws.com","eventName":"GetUser"}]}`, true},
		{"array", "\xEF\xBB\xBF [{\"eventName\":\"GetUser\",\"eventSource\":\"iam.amazonaws.com\"}]", true},
		{"json lines", `{"eventName":"GetUser","eventSource":"iam.amazonaws.com","userIdentity":{}}` + "\n", true},
		{"s3 event notification", `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put"}]}`, false},
		{"eventbridge", `{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":{"eventSource":"iam.amazonaws.com","eventName":"CreateUser"}}`, false},
		{"digest", `{"awsAccountId":"111122223333","digestStartTime":"2026-01-01T00:00:00Z","logFiles":[]}`, false},
		{"policy", `{"Version":"2012-10-17","Statement":[]}`, false},
		{"empty", ``, false},
		// A delivery cut short before the first eventSource is still a
		// CloudTrail file, which the parser rejects.
		{"cut delivery", `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser"`, true},
		{"cut delivery at the key", `{"Records":[{"eventVersion":`, true},
		{"s3 event notification cut", `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New().Detect(bytesFile("x.json", []byte(tt.head))); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCanary plants a value in every field the parser must not keep and
// in a record it cannot read, and looks for it in the whole result.
func TestCanary(t *testing.T) {
	const canary = "CANARY-cloudtrail-7f3a"
	data, err := os.ReadFile("testdata/canary.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(canary)) {
		t.Fatal("test input holds no canary")
	}
	res := parse(t, bytesFile("canary.json", data))
	if res.Records != 4 {
		t.Errorf("Records = %d, want 4", res.Records)
	}
	if len(res.Diags) != 1 {
		t.Errorf("diagnostics = %v, want one for the record that is a string", res.Diags)
	}
	if s := marshal(t, res); strings.Contains(s, canary) {
		t.Errorf("canary value reached the result: %s", s)
	}
	for _, d := range res.Diags {
		if strings.Contains(d.String(), canary) {
			t.Errorf("canary value reached a diagnostic: %s", d)
		}
	}
	// The session key id is an identifier and is kept.
	if e := findEdge(res, "arn:aws:iam::111122223333:user/frank", graph.EdgeObserved, "arn:aws:iam::111122223333:role/deployer"); e == nil || e.Attr("session_keys") != "ASIAEXAMPLEDEPLOYER1" {
		t.Errorf("AssumeRole edge without its session key id")
	}
}

// TestContextCancelled checks that a cancelled context stops the parse
// with the context's error.
func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var res ingest.Result
	err := New().Parse(ctx, fileAt(t, "testdata/delivery.json"), testEnv(), &res)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Parse error = %v, want context.Canceled", err)
	}
}

// TestGzipDelivery reads a delivery file through a gzip reader, as the
// pipeline hands over .json.gz files.
func TestGzipDelivery(t *testing.T) {
	data, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(data)
	zw.Close()
	f := bytesFile("testdata/delivery.json", data)
	f.Open = func() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(zipped.Bytes())) }
	got := parse(t, f)
	want := parse(t, fileAt(t, "testdata/delivery.json"))
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("gzip result differs (-gzip +plain):\n%s", diff)
	}
}

// TestTruncatedGzip reads a delivery file whose gzip stream was cut short,
// as a partial download leaves it: the records before the cut are kept.
func TestTruncatedGzip(t *testing.T) {
	data, err := os.ReadFile("testdata/delivery.json")
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(data)
	zw.Close()
	cut := zipped.Bytes()[:zipped.Len()*2/3]

	f := bytesFile("cut.json", data)
	f.Open = func() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(cut)) }
	res := parse(t, f)
	checkJoined(t, res)
	if res.Records == 0 || res.Records >= 20 {
		t.Errorf("Records = %d, want some but not all 20", res.Records)
	}
	if len(res.Diags) != 1 || !strings.HasSuffix(res.Diags[0].Msg, "the rest of the file was skipped") {
		t.Errorf("diagnostics = %v, want one saying the rest was skipped", res.Diags)
	}
}
