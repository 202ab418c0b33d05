package awsiam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// sharedDir holds real inputs and cases beside the project; tests that use
// it skip when it is absent.
const sharedDir = "../../../shared"

// fileAt returns an input file as the pipeline builds it.
func fileAt(t *testing.T, path, repo, rel string) *ingest.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytesFile(path, repo, rel, data)
}

func bytesFile(path, repo, rel string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path:    path,
		RelPath: rel,
		Repo:    repo,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func parse(t *testing.T, f *ingest.File) *ingest.Result {
	t.Helper()
	var res ingest.Result
	if err := New().Parse(context.Background(), f, &ingest.Env{}, &res); err != nil {
		t.Fatalf("Parse(%s): %v", f.Path, err)
	}
	if err := joined(&res); err != nil {
		t.Error(err)
	}
	return &res
}

// joined returns an error when an edge names a node the result lacks, a
// node id repeats, or a fact has no line.
func joined(res *ingest.Result) error {
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			return fmt.Errorf("node %s appears twice", n.ID)
		}
		ids[n.ID] = true
		if n.Pos.Line < 1 || n.Pos.File == "" {
			return fmt.Errorf("node %s has no position", n.ID)
		}
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("edge %s joins a node that is not in the result", e.Key())
		}
		if e.Pos.Line < 1 || e.Pos.File == "" {
			return fmt.Errorf("edge %s has no position", e.Key())
		}
	}
	return nil
}

type nodeWant struct {
	kind  graph.NodeKind
	line  int
	attrs map[string]string
}

func nodeMap(res *ingest.Result) map[string]nodeWant {
	out := map[string]nodeWant{}
	for _, n := range res.Nodes {
		out[n.ID] = nodeWant{kind: n.Kind, line: n.Pos.Line, attrs: n.Attrs}
	}
	return out
}

func edgeList(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		out = append(out, fmt.Sprintf("%s -%s-> %s @%d", e.From, e.Kind, e.To, e.Pos.Line))
	}
	sort.Strings(out)
	return out
}

func diagList(res *ingest.Result) []string {
	var out []string
	for _, d := range res.Diags {
		out = append(out, d.String())
	}
	sort.Strings(out)
	return out
}

func TestAuthorizationDetails(t *testing.T) {
	const file = "testdata/authorization-details.json"
	res := parse(t, fileAt(t, file, "example-org/iam", "authorization-details.json"))

	const (
		user     = "arn:aws:iam::111122223333:user/build-bot"
		group    = "arn:aws:iam::111122223333:group/team/deployers"
		auditor  = "arn:aws:iam::111122223333:group/auditors"
		role     = "arn:aws:iam::111122223333:role/ci/gha-api"
		deploy   = "arn:aws:iam::111122223333:policy/deploy"
		readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
		ecrDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`
		allDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		readDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::example-org-builds/*"}]}`
		trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/api:*"}}}]}`
	)
	wantNodes := map[string]nodeWant{
		group:                         {graph.NodeIdentity, 48, map[string]string{"live_export": "true", "provider": "aws", "type": "group", "name": "deployers", "account": "111122223333", "path": "/team/"}},
		group + "#inline/push-images": {graph.NodePolicy, 48, map[string]string{"live_export": "true", "name": "push-images", "document": ecrDoc}},
		user: {graph.NodeIdentity, 3, map[string]string{"live_export": "true", "provider": "aws", "type": "user", "name": "build-bot", "account": "111122223333", "path": "/",
			"permissions_boundary": "arn:aws:iam::111122223333:policy/boundary"}},
		user + "#inline/read-builds": {graph.NodePolicy, 3, map[string]string{"live_export": "true", "name": "read-builds", "document": readDoc}},
		readOnly:                     {graph.NodePolicy, 3, map[string]string{"live_export": "true", "name": "ReadOnlyAccess", "managed": "aws"}},
		auditor:                      {graph.NodeIdentity, 3, map[string]string{"live_export": "true", "provider": "aws", "type": "group", "name": "auditors", "account": "111122223333"}},
		role: {graph.NodeIdentity, 78, map[string]string{"live_export": "true", "provider": "aws", "type": "role", "name": "gha-api", "account": "111122223333", "path": "/ci/",
			"trust_policy": trust, "instance_profiles": "arn:aws:iam::111122223333:instance-profile/gha-api", "last_used": "2026-02-01T12:00:00Z"}},
		deploy: {graph.NodePolicy, 114, map[string]string{"live_export": "true", "name": "deploy", "path": "/", "document": ecrDoc, "default_version": "v2", "other_versions": "[" + allDoc + "]"}},
	}
	if diff := cmp.Diff(nodeMap(res), wantNodes, cmp.AllowUnexported(nodeWant{})); diff != "" {
		t.Errorf("nodes (-got +want):\n%s", diff)
	}

	wantEdges := []string{
		group + " -HAS_POLICY-> " + group + "#inline/push-images @48",
		group + " -HAS_POLICY-> " + deploy + " @48",
		user + " -HAS_POLICY-> " + user + "#inline/read-builds @3",
		user + " -HAS_POLICY-> " + readOnly + " @3",
		user + " -MEMBER_OF-> " + group + " @3",
		user + " -MEMBER_OF-> " + auditor + " @3",
		role + " -HAS_POLICY-> " + deploy + " @78",
	}
	sort.Strings(wantEdges)
	if diff := cmp.Diff(edgeList(res), wantEdges); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}

	wantDiags := []string{
		file + ":3: UserDetailList[0] inline policy 1: PolicyDocument is neither JSON nor URL-encoded JSON; skipped",
		file + ":40: UserDetailList[1] has no Arn; skipped",
		file + ":45: UserDetailList[2] is not a JSON object; skipped",
	}
	if diff := cmp.Diff(diagList(res), wantDiags); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}
	if res.Records != 5 {
		t.Errorf("Records = %d, want 5", res.Records)
	}
}

// TestCaseSplitPolicy reads an account whose role ci-builder holds
// ec2:RunInstances and iam:PassRole through two separate managed
// policies; both attachments must be kept on the role.
func TestCaseSplitPolicy(t *testing.T) {
	path := filepath.Join(sharedDir, "cases", "05-cloudsplaining-split-policy-privesc", "account-authorization-details.json")
	if _, err := os.Stat(path); err != nil {
		t.Skip("case file not present")
	}
	f := fileAt(t, path, "", "account-authorization-details.json")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if res.Records != 6 || len(res.Diags) != 0 {
		t.Errorf("Records = %d with diagnostics %v, want 6 and none", res.Records, res.Diags)
	}

	const (
		builder = "arn:aws:iam::111122223333:role/ci-builder"
		linter  = "arn:aws:iam::111122223333:role/ci-linter"
		admin   = "arn:aws:iam::111122223333:role/ops-admin"
		launch  = "arn:aws:iam::111122223333:policy/ci-launch-instances"
		pass    = "arn:aws:iam::111122223333:policy/ci-pass-any-role"
		adminP  = "arn:aws:iam::aws:policy/AdministratorAccess"
	)
	wantEdges := []string{
		builder + " -HAS_POLICY-> " + launch + " @5",
		builder + " -HAS_POLICY-> " + pass + " @5",
		linter + " -HAS_POLICY-> " + launch + " @38",
		admin + " -HAS_POLICY-> " + adminP + " @67",
	}
	sort.Strings(wantEdges)
	if diff := cmp.Diff(edgeList(res), wantEdges); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}

	nodes := nodeMap(res)
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	checks := []struct {
		id, attr, want string
	}{
		{admin, "trust_policy", ec2Trust},
		{admin, "instance_profiles", "arn:aws:iam::111122223333:instance-profile/ops-admin-profile"},
		{builder, "type", "role"},
		{linter, "instance_profiles", ""},
		{launch, "document", `{"Version":"2012-10-17","Statement":[{"Sid":"Launch","Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*"}]}`},
		{pass, "document", `{"Version":"2012-10-17","Statement":[{"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`},
		{adminP, "document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{adminP, "managed", "aws"},
		{launch, "managed", ""},
	}
	for _, c := range checks {
		n, ok := nodes[c.id]
		if !ok {
			t.Errorf("node %s missing", c.id)
			continue
		}
		if got := n.attrs[c.attr]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.attr, got, c.want)
		}
	}
}

func TestPolicyFiles(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::example-org-builds/*"}]}`
	tests := []struct {
		file, repo, rel string
		wantID          string
		wantAttrs       map[string]string
	}{
		{"testdata/policy.json", "example-org/infra", "iam/policy.json", "policy:file:example-org/infra/iam/policy.json",
			map[string]string{"name": "policy", "document": doc, "repository": "example-org/infra"}},
		{"testdata/policy.json", "", "policy.json", "policy:file:policy.json",
			map[string]string{"name": "policy", "document": doc}},
		{"testdata/policy-version.json", "example-org/infra", "policies/ECRPush.json", "policy:file:example-org/infra/policies/ECRPush.json",
			map[string]string{"name": "ECRPush", "repository": "example-org/infra",
				"document": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.wantID, func(t *testing.T) {
			f := fileAt(t, tt.file, tt.repo, tt.rel)
			if !New().Detect(f) {
				t.Error("Detect = false")
			}
			res := parse(t, f)
			want := map[string]nodeWant{tt.wantID: {graph.NodePolicy, 1, tt.wantAttrs}}
			if diff := cmp.Diff(nodeMap(res), want, cmp.AllowUnexported(nodeWant{})); diff != "" {
				t.Errorf("nodes (-got +want):\n%s", diff)
			}
			if len(res.Edges) != 0 || len(res.Diags) != 0 || res.Records != 1 {
				t.Errorf("got %d edges, %d diagnostics, %d records; want 0, 0, 1", len(res.Edges), len(res.Diags), res.Records)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       bool
	}{
		{"policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`, true},
		{"policy with id", `{"Id":"x","Statement":{"Effect":"Deny"}}`, true},
		{"policy cut in statement", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Al", true},
		{"policy version", `{"PolicyVersion":{"Document":{"Statement":[]}}}`, true},
		{"authorization details", `{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[`, true},
		{"authorization details roles only", `{"RoleDetailList":[],"Policies":[]}`, true},
		{"list-policies output", `{"Policies":[{"PolicyName":"AdministratorAccess"}]}`, false},
		{"version only", `{"Version":"2012-10-17"}`, false},
		{"terraform state", `{"version":4,"terraform_version":"1.5.0","resources":[]}`, false},
		{"cloudformation", `{"Resources":{"Role":{"Type":"AWS::IAM::Role"}},"Statement":[]}`, false},
		{"array", `[{"Statement":[]}]`, false},
		{"not json", `Statement: x`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New().Detect(bytesFile("x.json", "", "x.json", []byte(tt.head))); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSkipPolicyWithoutStatement(t *testing.T) {
	const reason = "IAM policy document without a Statement key, which IAM rejects"
	for _, tt := range []struct {
		name, head, want string
	}{
		{"misspelt statement", `{"Version":"2012-10-17","Statment":[{"Effect":"Allow"}]}`, reason},
		{"version only", `{"Version":"2012-10-17"}`, reason},
		{"policy", `{"Version":"2012-10-17","Statement":[]}`, ""},
		{"terraform state", `{"version":4,"terraform_version":"1.5.0","resources":[]}`, ""},
		{"many keys", `{"Version":"1","name":"x","scripts":{},"dependencies":{}}`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := New().Skip(bytesFile("x.json", "", "x.json", []byte(tt.head))); got != tt.want {
				t.Errorf("Skip = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"invalid json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [x]\n}", "x.json:3:17: invalid JSON: invalid character 'x' looking for beginning of value"},
		{"cut short", "{\"Statement\": [", "x.json:1:16: file ends in the middle of a JSON value"},
		{"no statement", `{"Version": "2012-10-17"}`, "x.json:1: not an IAM policy document or authorization details: unexpected top-level keys"},
		{"statement null", `{"Statement": null}`, "x.json:1: policy document: has no Statement"},
		{"policy version without document", `{"PolicyVersion": {"VersionId": "v1"}}`, "x.json:1: PolicyVersion.Document: missing"},
		{"policy version bad document", `{"PolicyVersion": {"Document": "%zz"}}`, "x.json:1: PolicyVersion.Document: is neither JSON nor URL-encoded JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile("x.json", "", "x.json", []byte(tt.input)), &ingest.Env{}, &res)
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

func TestWrongListShapes(t *testing.T) {
	input := "{\n\"UserDetailList\": {\"a\": [1]},\n\"GroupDetailList\": null,\n\"RoleDetailList\": 5,\n\"Policies\": [],\n\"IsTruncated\": true\n}\n"
	res := parse(t, bytesFile("x.json", "", "x.json", []byte(input)))
	want := []string{
		"x.json:2: UserDetailList is not an array; skipped",
		"x.json:4: RoleDetailList is not an array; skipped",
		"x.json:6: IsTruncated is true: this is one page of the output, and principals on other pages are missing",
	}
	if diff := cmp.Diff(diagList(res), want); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}
	if len(res.Nodes) != 0 || res.Records != 0 {
		t.Errorf("got %d nodes and %d records, want none", len(res.Nodes), res.Records)
	}
}

// TestCanary plants a value in tags, a policy description and a broken
// policy document, none of which may reach the result.
func TestCanary(t *testing.T) {
	const canary = "CANARY-awsiam-7f3a"
	data, err := os.ReadFile("testdata/authorization-details.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(data, []byte(canary)) != 4 {
		t.Fatal("test input does not hold the four canaries")
	}
	res := parse(t, bytesFile("x.json", "", "x.json", data))
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(canary)) {
		t.Errorf("canary value reached the result: %s", out)
	}
	for _, d := range res.Diags {
		if strings.Contains(d.String(), canary) {
			t.Errorf("canary value reached a diagnostic: %s", d)
		}
	}
}
