package link

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/awsiam"
	"github.com/blastradius-dev/blastradius/query"
)

// escStore writes the facts to a store with the linker's derived edges.
func escStore(t *testing.T, nodes []graph.Node, edges []graph.Edge) graph.Store {
	t.Helper()
	s := memstore.New()
	b := &graph.Batch{Time: time.Unix(0, 0), Nodes: nodes, Edges: edges}
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// escReach walks from start and returns the reached node, or nil.
func escReach(t *testing.T, s graph.Store, start, target string) *query.Reached {
	t.Helper()
	ctx := context.Background()
	ns, err := s.Nodes(ctx, []string{start})
	if err != nil || len(ns) != 1 {
		t.Fatalf("start %s: %v", start, err)
	}
	res, err := query.BlastRadius(ctx, s, ns, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Get(target)
}

// escParseIAM reads an authorization-details file with the aws-iam parser.
func escParseIAM(t *testing.T, path string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("case input not present: %v", err)
	}
	f := &ingest.File{Path: path, RelPath: filepath.Base(path), Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	p := awsiam.New()
	if !p.Detect(f) {
		t.Fatalf("%s not detected as %s", path, p.Format())
	}
	res := &ingest.Result{}
	env := &ingest.Env{Fingerprint: func(string) string { return "fp:test" }}
	if err := p.Parse(context.Background(), f, env, res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSplitPolicyEscalation: the role holds ec2:RunInstances in one policy
// and iam:PassRole in another; together they pass the admin role to a new
// instance. The control role holds only the first policy.
func TestSplitPolicyEscalation(t *testing.T) {
	res := escParseIAM(t, "../../../shared/cases/05-cloudsplaining-split-policy-privesc/account-authorization-details.json")
	s := escStore(t, res.Nodes, res.Edges)
	builder := "arn:aws:iam::111122223333:role/ci-builder"
	linter := "arn:aws:iam::111122223333:role/ci-linter"
	admin := "arn:aws:iam::111122223333:role/ops-admin"

	got := escReach(t, s, builder, admin)
	if got == nil {
		t.Fatalf("%s does not reach %s", builder, admin)
	}
	if len(got.Path) != 1 || got.Path[0].Kind != graph.EdgeCanAssume || got.Confidence != graph.Certain {
		t.Fatalf("path to %s = %+v (%s), want one certain CAN_ASSUME", admin, got.Path, got.Confidence)
	}
	es, err := s.Expand(context.Background(), []string{builder}, graph.Out, graph.EdgeCanAssume)
	if err != nil {
		t.Fatal(err)
	}
	var e *graph.Edge
	for i := range es {
		if es[i].To == admin {
			e = &es[i]
		}
	}
	if e == nil || e.Attr("method") != "PassRoleToEC2" {
		t.Fatalf("edge to %s = %+v, want method PassRoleToEC2", admin, e)
	}
	if got, want := e.Attr(graph.AttrActions), "ec2:RunInstances,iam:PassRole"; got != want {
		t.Errorf("actions = %q, want %q", got, want)
	}
	reason := e.Attr(graph.AttrReason)
	for _, want := range []string{
		"arn:aws:iam::111122223333:policy/ci-launch-instances (statement \"Launch\") allows ec2:RunInstances",
		"arn:aws:iam::111122223333:policy/ci-pass-any-role (statement \"Pass\") allows iam:PassRole on " + admin,
		"instance profile arn:aws:iam::111122223333:instance-profile/ops-admin-profile",
		"admits ec2.amazonaws.com",
	} {
		if !strings.Contains(reason, want) {
			t.Errorf("reason %q lacks %q", reason, want)
		}
	}
	if got := escReach(t, s, builder, "aws:*:111122223333:*"); got == nil {
		t.Errorf("%s does not reach the account through %s", builder, admin)
	}

	if got := escReach(t, s, linter, admin); got != nil {
		t.Errorf("%s reaches %s via %+v; it holds no iam:PassRole", linter, admin, got.Path)
	}
}

// TestEscalationReasons checks the reasons of edges that need more than
// the principal's own permissions.
func TestEscalationReasons(t *testing.T) {
	u, r := escUserARN("u"), escRoleARN("r")
	tests := []struct {
		name  string
		build func(f *escFixture)
		from  string
		to    string
		want  []string
	}{
		{"role reached by assuming it", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "iam:AttachRolePolicy", "sts:AssumeRole")))
			f.role("r", escTrustAWS(u))
		}, u, escAdmin, []string{
			"acting as " + u + " -> " + r,
			"attaches AdministratorAccess to " + r,
			u + "#inline/p0 (statement 1) allows iam:AttachRolePolicy on " + r,
		}},
		{"tag set before assuming", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:DeleteTags"), escAllow(r, "sts:AssumeRole")))
			f.role("r", escTrustAWS(u), escDoc(
				escAllowIf("*", `{"StringNotEquals":{"aws:ResourceTag/Name":"prod"}}`, "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")))
			f.instance("prod")
		}, u, escInstance, []string{
			"acting as " + u + " -> " + r,
			r + "#inline/p0 (statement 1) allows ec2:ModifyInstanceAttribute on arn:aws:ec2:*:" + escAcct + ":instance/* when the condition on aws:ResourceTag/Name holds",
			u + " first changes the tag: " + u + "#inline/p0 (statement 1) allows ec2:DeleteTags",
		}},
		{"console password of unknown state", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:UpdateLoginProfile")))
			f.user("v")
		}, u, "secret:aws:console-password:" + escUserARN("v"), []string{
			"sets the console password of " + escUserARN("v"),
			"this needs the user to have a console password already, which the input does not show",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &escFixture{}
			tc.build(f)
			_, edges := escDerive(t, f)
			var reason string
			for _, e := range edges {
				if e.From == tc.from && e.To == tc.to && e.Attr("method") != "" {
					reason = e.Attr(graph.AttrReason)
				}
			}
			if reason == "" {
				t.Fatalf("no escalation edge %s -> %s", tc.from, tc.to)
			}
			for _, w := range tc.want {
				if !strings.Contains(reason, w) {
					t.Errorf("reason %q lacks %q", reason, w)
				}
			}
		})
	}
}

// TestJoinedGroupReach: a user who can add itself to a group reaches what
// the group's policies reach, and an administrator of the group's own
// policies reaches the account.
func TestJoinedGroupReach(t *testing.T) {
	u, g := escUserARN("u"), escGroupARN("ops")
	f := &escFixture{}
	f.user("u", escDoc(escAllow(g, "iam:AddUserToGroup")))
	f.group("ops", nil, escDoc(escAllow("*", "s3:GetObject", "iam:PutGroupPolicy")))
	s := escStore(t, f.nodes, f.edges)

	s3 := escReach(t, s, u, "aws:s3:"+escAcct+":*")
	if s3 == nil || len(s3.Path) != 2 || s3.Path[0].To != g {
		t.Fatalf("s3 scope reached as %+v, want through %s", s3, g)
	}
	admin := escReach(t, s, u, escAdmin)
	if admin == nil || admin.Path[len(admin.Path)-1].From != g {
		t.Fatalf("account reached as %+v, want from %s by PutGroupPolicy", admin, g)
	}
}

// TestEscalationCanary plants a value where an ingester should never put
// one and checks that no derived fact copies it.
func TestEscalationCanary(t *testing.T) {
	const canary = "CANARY-link-7f3a"
	f := &escFixture{}
	u := f.user("u", escDoc(escAllow("*", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode", "ec2:DescribeInstanceAttribute")))
	f.function()
	f.nodes[len(f.nodes)-1].SetAttr("user_data", canary)
	f.instance("web")
	f.nodes[len(f.nodes)-1].Label = canary
	f.node(graph.AWSEnvVarID(escFunction, "TOKEN"), graph.NodeSecret, "type", "env-var", "value_hint", canary)
	f.link(escFunction, graph.EdgeExposes, graph.AWSEnvVarID(escFunction, "TOKEN"), "via", "env", "note", canary)
	f.node("secret:inline:fp1", graph.NodeSecret, "type", "access-key", "stored_inline", "true")
	f.link(escInstance, graph.EdgeExposes, "secret:inline:fp1", "via", "file")
	nodes, edges := escDerive(t, f)
	if len(edges) == 0 {
		t.Fatalf("no derived edges for %s", u)
	}
	out, err := json.Marshal(struct {
		N []graph.Node
		E []graph.Edge
	}{nodes, edges})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(canary)) {
		t.Errorf("derived facts copy the planted value: %s", out)
	}
}

// opsAdminDetails returns an authorization-details export in which user
// ci has the given actions on every resource and may pass role
// ops-admin, an administrator with an instance profile. The role's trust
// policy has the given statements.
func opsAdminDetails(actions, trust string) string {
	return `{"UserDetailList": [{"UserName": "ci", "UserId": "AIDAEXAMPLECI0000001", "Arn": "arn:aws:iam::111122223333:user/ci",
  "UserPolicyList": [{"PolicyName": "build", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ` + actions + `, "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/ops-admin"}]}}]}],
 "RoleDetailList": [{"RoleName": "ops-admin", "RoleId": "AROAEXAMPLEOPSADMIN1", "Arn": "arn:aws:iam::111122223333:role/ops-admin",
  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": ` + trust + `},
  "InstanceProfileList": [{"Path": "/", "InstanceProfileName": "ops-admin", "InstanceProfileId": "AIPAEXAMPLEOPSADMIN1",
    "Arn": "arn:aws:iam::111122223333:instance-profile/ops-admin",
    "Roles": [{"Path": "/", "RoleName": "ops-admin", "RoleId": "AROAEXAMPLEOPSADMIN1", "Arn": "arn:aws:iam::111122223333:role/ops-admin"}]}],
  "RolePolicyList": [{"PolicyName": "admin", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}],
 "GroupDetailList": [], "Policies": []}`
}

// opsAdminEdges links the export and returns each CAN_ASSUME edge from
// user ci to role ops-admin as "confidence method=... methods=...".
func opsAdminEdges(t *testing.T, doc string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "account-authorization-details.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	res := escParseIAM(t, path)
	s := escStore(t, res.Nodes, res.Edges)
	es, err := s.Expand(context.Background(), []string{"arn:aws:iam::111122223333:user/ci"}, graph.Out, graph.EdgeCanAssume)
	if err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, e := range es {
		if e.To == "arn:aws:iam::111122223333:role/ops-admin" {
			got = append(got, string(e.Confidence)+" method="+e.Attr("method")+" methods="+e.Attr("methods"))
		}
	}
	return got
}

// TestEscalationKeepsEveryMethod: user ci can pass role ops-admin both to
// a new EC2 instance (through the role's instance profile) and to a new
// Lambda function. One CAN_ASSUME edge is both, and it lists both
// methods, so that the plan names both kinds of resource the role may
// have been passed to.
func TestEscalationKeepsEveryMethod(t *testing.T) {
	doc := opsAdminDetails(`["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"]`,
		`[{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]`)
	got := opsAdminEdges(t, doc)
	if len(got) != 1 || !strings.HasSuffix(got[0], " methods=PassRoleToEC2,PassRoleToLambda") {
		t.Errorf("edges to ops-admin = %q, want one listing methods PassRoleToEC2 and PassRoleToLambda", got)
	}
}

// TestEscalationMethodBesideTrust: role ops-admin trusts user ci, which
// may assume it, and ci may also pass the role to a new EC2 instance.
// The trust policy derives the CAN_ASSUME edge without a method. The edge
// still lists PassRoleToEC2, so the plan looks for instances the role was
// passed to, because their sessions outlive a revoked assume.
func TestEscalationMethodBesideTrust(t *testing.T) {
	doc := opsAdminDetails(`["ec2:RunInstances", "sts:AssumeRole"]`,
		`[{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/ci"}, "Action": "sts:AssumeRole"}]`)
	got := opsAdminEdges(t, doc)
	if want := []string{"certain method= methods=PassRoleToEC2"}; !slices.Equal(got, want) {
		t.Errorf("edges to ops-admin = %q, want %q", got, want)
	}
}
