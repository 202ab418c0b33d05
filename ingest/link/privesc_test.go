package link

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// The privilege-escalation tests build one small graph per case, by hand,
// and compare every edge the catalogue derives with the edges worked out
// from the policies.

const escAcct = "111122223333"

var escAdmin = graph.AWSAdministratorID(escAcct)

func escUserARN(name string) string  { return graph.IAMARN(escAcct, "user", "", name) }
func escRoleARN(name string) string  { return graph.IAMARN(escAcct, "role", "", name) }
func escGroupARN(name string) string { return graph.IAMARN(escAcct, "group", "", name) }
func escPolicyARN(name string) string {
	return graph.IAMARN(escAcct, "policy", "", name)
}

// escAllow and escDeny write one statement; escDoc wraps statements into
// a policy document.
func escAllow(resource string, actions ...string) string {
	return `{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"` + resource + `"}`
}

func escDeny(resource string, actions ...string) string {
	return strings.Replace(escAllow(resource, actions...), `"Allow"`, `"Deny"`, 1)
}

// escAllowIf adds a condition block, given as JSON, to an Allow statement.
func escAllowIf(resource, cond string, actions ...string) string {
	return strings.TrimSuffix(escAllow(resource, actions...), "}") + `,"Condition":` + cond + `}`
}

func escDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func escTrustService(services ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["` +
		strings.Join(services, `","`) + `"]},"Action":"sts:AssumeRole"}]}`
}

func escTrustAWS(arn string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + arn + `"},"Action":"sts:AssumeRole"}]}`
}

// escFixture collects the facts of one case.
type escFixture struct {
	nodes []graph.Node
	edges []graph.Edge
}

func (f *escFixture) node(id string, kind graph.NodeKind, attrs ...string) {
	n := graph.Node{ID: id, Kind: kind, Label: id, Pos: graph.Pos{File: "in.json", Line: len(f.nodes) + 1}}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	f.nodes = append(f.nodes, n)
}

func (f *escFixture) link(from string, kind graph.EdgeKind, to string, attrs ...string) {
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: "in.json"}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.SetAttr(attrs[i], attrs[i+1])
	}
	f.edges = append(f.edges, e)
}

// user adds an IAM user with one inline policy per document.
func (f *escFixture) user(name string, docs ...string) string {
	id := escUserARN(name)
	f.node(id, graph.NodeIdentity, "provider", "aws", "type", "user", "account", escAcct, "name", name)
	f.inline(id, docs...)
	return id
}

// role adds a role with a trust policy and inline policies; extra
// attributes follow the documents after a "--" marker.
func (f *escFixture) role(name, trust string, docs ...string) string {
	id := escRoleARN(name)
	var attrs []string
	for i, d := range docs {
		if d == "--" {
			attrs, docs = docs[i+1:], docs[:i]
			break
		}
	}
	f.node(id, graph.NodeIdentity, append([]string{"provider", "aws", "type", "role", "account", escAcct,
		"name", name, "trust_policy", trust}, attrs...)...)
	f.inline(id, docs...)
	return id
}

func (f *escFixture) group(name string, members []string, docs ...string) string {
	id := escGroupARN(name)
	f.node(id, graph.NodeIdentity, "provider", "aws", "type", "group", "account", escAcct, "name", name)
	f.inline(id, docs...)
	for _, m := range members {
		f.link(m, graph.EdgeMemberOf, id)
	}
	return id
}

func (f *escFixture) inline(owner string, docs ...string) {
	for i, d := range docs {
		pid := owner + "#inline/p" + string(rune('0'+i))
		f.node(pid, graph.NodePolicy, "document", d)
		f.link(owner, graph.EdgeHasPolicy, pid)
	}
}

// managed adds a customer managed policy attached to owner.
func (f *escFixture) managed(owner, name, doc string, attrs ...string) string {
	id := escPolicyARN(name)
	f.node(id, graph.NodePolicy, append([]string{"document", doc, "name", name}, attrs...)...)
	f.link(owner, graph.EdgeHasPolicy, id)
	return id
}

// Runtimes and what they expose.
var (
	escFunctionARN = "arn:aws:lambda:us-east-1:" + escAcct + ":function:worker"
	escFunction    = "runtime:aws:lambda:" + escFunctionARN
	escInstance    = "runtime:aws:ec2:" + escAcct + ":aws_instance.web"
)

func (f *escFixture) function() {
	f.node(escFunction, graph.NodeRuntime, "provider", "aws", "type", "lambda", "name", "worker")
}

var (
	escTask    = "runtime:aws:ecs-task:api"
	escProfile = "arn:aws:iam::" + escAcct + ":instance-profile/meek"
)

// task adds an ECS task definition whose task role is role, run by the
// named services.
func (f *escFixture) task(role, services string) {
	f.node(escTask, graph.NodeRuntime, "provider", "aws", "type", "ecs-task", "account", escAcct, "services", services)
	creds := graph.AWSInstanceCredentialsID(escTask)
	f.node(creds, graph.NodeSecret, "type", "role-credentials")
	f.link(escTask, graph.EdgeExposes, creds, "via", "metadata")
	f.link(creds, graph.EdgeAuthenticatesAs, role)
}

func (f *escFixture) instance(name string) {
	f.node(escInstance, graph.NodeRuntime, "provider", "aws", "type", "ec2-instance", "name", name)
}

// escDerived runs the linker and returns the edges the catalogue made,
// as "from -KIND-> to (confidence) method", sorted.
func escDerived(t *testing.T, f *escFixture) []string {
	t.Helper()
	_, edges := escDerive(t, f)
	var out []string
	for _, e := range edges {
		if strings.HasPrefix(e.From, "aws:administrator:") {
			continue // the administrator's own reach; see TestAdministratorReach
		}
		if m := e.Attr("method"); m != "" {
			out = append(out, e.From+" -"+string(e.Kind)+"-> "+e.To+" ("+string(e.Confidence)+") "+m)
		}
	}
	sort.Strings(out)
	return out
}

func escDerive(t testing.TB, f *escFixture) ([]graph.Node, []graph.Edge) {
	t.Helper()
	ctx := context.Background()
	s := memstore.New()
	if err := s.Write(ctx, &graph.Batch{Time: time.Unix(0, 0), Nodes: f.nodes, Edges: f.edges}, nil); err != nil {
		t.Fatal(err)
	}
	nodes, edges, err := (&Linker{}).Derive(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return nodes, edges
}

func escEdge(from string, kind graph.EdgeKind, to string, conf graph.Confidence, method string) string {
	return from + " -" + string(kind) + "-> " + to + " (" + string(conf) + ") " + method
}

// escCase is one method: a graph where its edge must appear, and a near
// miss where it must not.
type escCase struct {
	name  string
	build func(f *escFixture)
	want  []string
}

func TestEscalationMethods(t *testing.T) {
	const (
		certain  = graph.Certain
		possible = graph.Possible
		access   = graph.EdgeCanAccess
		assume   = graph.EdgeCanAssume
		mint     = graph.EdgeCanMint
		modify   = graph.EdgeCanModify
		read     = graph.EdgeCanReadSecret
	)
	u, v := escUserARN("u"), escUserARN("v")
	r := escRoleARN("r")
	g := escGroupARN("g")
	pw := func(user string) string { return "secret:aws:console-password:" + user }
	tests := []escCase{
		// CreatePolicyVersion: on a customer managed policy the user holds.
		{"CreatePolicyVersion", func(f *escFixture) {
			f.user("u")
			f.managed(u, "p", escDoc(escAllow(escPolicyARN("p"), "iam:CreatePolicyVersion")))
		}, []string{escEdge(u, access, escAdmin, certain, "CreatePolicyVersion")}},
		{"CreatePolicyVersion on another policy", func(f *escFixture) {
			f.user("u")
			f.managed(u, "p", escDoc(escAllow(escPolicyARN("other"), "iam:CreatePolicyVersion")))
		}, nil},
		{"CreatePolicyVersion with only inline policies", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:CreatePolicyVersion")))
		}, nil},

		// SetDefaultPolicyVersion: only when a stored version is admin.
		{"SetDefaultPolicyVersion", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:SetDefaultPolicyVersion")))
			f.managed(u, "p", escDoc(escAllow("*", "s3:ListAllMyBuckets")),
				"other_versions", `[`+escDoc(escAllow("*", "*"))+`]`)
		}, []string{escEdge(u, access, escAdmin, certain, "SetDefaultPolicyVersion")}},
		{"SetDefaultPolicyVersion without an admin version", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:SetDefaultPolicyVersion")))
			f.managed(u, "p", escDoc(escAllow("*", "s3:ListAllMyBuckets")),
				"other_versions", `[`+escDoc(escAllow("*", "s3:GetObject"))+`]`)
		}, nil},
		{"SetDefaultPolicyVersion with versions not in the input", func(f *escFixture) {
			// Terraform shows the current version only; earlier ones may
			// allow anything.
			f.user("u", escDoc(escAllow("*", "iam:SetDefaultPolicyVersion")))
			f.managed(u, "p", escDoc(escAllow("*", "s3:ListAllMyBuckets")))
		}, []string{escEdge(u, access, escAdmin, possible, "SetDefaultPolicyVersion")}},
		{"SetDefaultPolicyVersion with only the default version", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:SetDefaultPolicyVersion")))
			f.managed(u, "p", escDoc(escAllow("*", "s3:ListAllMyBuckets")), "default_version", "v1")
		}, nil},

		// AttachUserPolicy: the request names AdministratorAccess.
		{"AttachUserPolicy", func(f *escFixture) {
			f.user("u", escDoc(escAllow(u, "iam:AttachUserPolicy")))
		}, []string{escEdge(u, access, escAdmin, certain, "AttachUserPolicy")}},
		{"AttachUserPolicy limited to another policy", func(f *escFixture) {
			f.user("u", escDoc(escAllowIf(u, `{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}`, "iam:AttachUserPolicy")))
		}, nil},

		// AttachGroupPolicy: on a group of the user.
		{"AttachGroupPolicy", func(f *escFixture) {
			f.user("u", escDoc(escAllow(g, "iam:AttachGroupPolicy")))
			f.group("g", []string{u})
		}, []string{escEdge(u, access, escAdmin, certain, "AttachGroupPolicy")}},
		{"AttachGroupPolicy on foreign group", func(f *escFixture) {
			f.user("u", escDoc(escAllow(g, "iam:AttachGroupPolicy")))
			f.group("g", nil)
		}, nil},

		// AttachRolePolicy: on itself, or on a role it can assume.
		{"AttachRolePolicy on itself", func(f *escFixture) {
			f.role("r", escTrustService("ec2.amazonaws.com"), escDoc(escAllow(r, "iam:AttachRolePolicy")))
		}, []string{escEdge(r, access, escAdmin, certain, "AttachRolePolicy")}},
		{"AttachRolePolicy on a role it assumes", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "iam:AttachRolePolicy", "sts:AssumeRole")))
			f.role("r", escTrustAWS(u))
		}, []string{escEdge(u, access, escAdmin, certain, "AttachRolePolicy")}},
		{"AttachRolePolicy on unassumable role", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "iam:AttachRolePolicy", "sts:AssumeRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
			// u does not act as r, so the grant counts only for r's holder.
		}, []string{escEdge(u, graph.EdgeCanGrant, graph.AWSAdminGrantID(r), certain, "AttachRolePolicy")}},

		// Put*Policy.
		{"PutUserPolicy", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:PutUserPolicy")))
		}, []string{escEdge(u, access, escAdmin, certain, "PutUserPolicy")}},
		{"PutUserPolicy denied", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:PutUserPolicy"), escDeny(u, "iam:Put*")))
		}, nil},
		{"PutGroupPolicy", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:PutGroupPolicy")))
			f.group("g", []string{u})
		}, []string{escEdge(u, access, escAdmin, certain, "PutGroupPolicy")}},
		{"PutGroupPolicy without a group", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:PutGroupPolicy")))
		}, nil},
		{"PutRolePolicy", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(r, "iam:PutRolePolicy")))
		}, []string{escEdge(r, access, escAdmin, certain, "PutRolePolicy")}},
		{"PutRolePolicy on another role", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(escRoleARN("other"), "iam:PutRolePolicy")))
		}, nil},

		// AddUserToGroup: the group's policies then reach their targets.
		{"AddUserToGroup", func(f *escFixture) {
			f.user("u", escDoc(escAllow(g, "iam:AddUserToGroup")))
			f.group("g", nil, escDoc(escAllow("*", "s3:GetObject")))
		}, []string{escEdge(u, assume, g, certain, "AddUserToGroup")}},
		{"AddUserToGroup when already a member", func(f *escFixture) {
			f.user("u", escDoc(escAllow(g, "iam:AddUserToGroup")))
			f.group("g", []string{u}, escDoc(escAllow("*", "s3:GetObject")))
		}, nil},

		// UpdateAssumeRolePolicy: then assumes the role.
		{"UpdateAssumeRolePolicy", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "iam:UpdateAssumeRolePolicy")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "UpdateAssumeRolePolicy")}},
		{"UpdateAssumeRolePolicy with sts:AssumeRole denied", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "iam:UpdateAssumeRolePolicy"), escDeny("*", "sts:AssumeRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
		}, nil},

		// Console passwords: both actions make it certain, one possible.
		{"CreateLoginProfile and UpdateLoginProfile", func(f *escFixture) {
			f.user("u", escDoc(escAllow(v, "iam:CreateLoginProfile", "iam:UpdateLoginProfile")))
			f.user("v")
		}, []string{escEdge(u, mint, pw(v), certain, "LoginProfile")}},
		{"CreateLoginProfile alone", func(f *escFixture) {
			f.user("u", escDoc(escAllow(v, "iam:CreateLoginProfile")))
			f.user("v")
		}, []string{escEdge(u, mint, pw(v), possible, "LoginProfile")}},
		{"UpdateLoginProfile with known password", func(f *escFixture) {
			f.user("u", escDoc(escAllow(v, "iam:UpdateLoginProfile")))
			f.user("v")
			f.node(pw(v), graph.NodeSecret, "type", "console-password")
			f.link(pw(v), graph.EdgeAuthenticatesAs, v)
		}, []string{escEdge(u, mint, pw(v), certain, "LoginProfile")}},
		{"CreateLoginProfile with known password", func(f *escFixture) {
			f.user("u", escDoc(escAllow(v, "iam:CreateLoginProfile")))
			f.user("v")
			f.node(pw(v), graph.NodeSecret, "type", "console-password")
			f.link(pw(v), graph.EdgeAuthenticatesAs, v)
		}, nil},
		{"CreateLoginProfile on another user", func(f *escFixture) {
			f.user("u", escDoc(escAllow(escUserARN("w"), "iam:CreateLoginProfile")))
			f.user("v")
		}, nil},

		// CreateAccessKey: added here only when a tag it sets decides it.
		{"CreateAccessKey after tagging the user", func(f *escFixture) {
			f.user("u", escDoc(
				escAllowIf("*", `{"StringEquals":{"aws:ResourceTag/team":"dev"}}`, "iam:CreateAccessKey"),
				escAllow("*", "iam:TagUser")))
			f.user("v")
		}, []string{escEdge(u, mint, graph.AWSAccessKeyID(v, "new"), certain, "CreateAccessKey")}},
		{"CreateAccessKey under unmet tag condition", func(f *escFixture) {
			f.user("u", escDoc(escAllowIf("*", `{"StringEquals":{"aws:ResourceTag/team":"dev"}}`, "iam:CreateAccessKey")))
			f.user("v")
		}, nil},

		// PassRole to EC2.
		{"PassRoleToEC2", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"), "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		}, []string{escEdge(u, assume, r, certain, "PassRoleToEC2")}},
		{"PassRoleToEC2 without ec2:RunInstances", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:DescribeInstances"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"), "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		}, nil},
		{"PassRoleToEC2 passing another role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances"), escAllow(escRoleARN("other"), "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"), "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		}, nil},
		{"PassRoleToEC2 to Lambda role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"), "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		}, nil},
		{"PassRoleToEC2 with iam:PassedToService for Lambda", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances"),
				escAllowIf(r, `{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}`, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com", "lambda.amazonaws.com"), "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		}, nil},
		{"PassRoleToEC2 without instance profile", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
		}, nil},
		{"PassRoleToEC2 creating the instance profile", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToEC2")}},
		{"PassRoleToEC2 swapping profile role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
			f.node(escProfile, graph.NodeResource, "type", "aws_iam_instance_profile", "role", escRoleARN("meek"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToEC2")}},
		{"PassRoleToEC2 into empty profile", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances", "iam:AddRoleToInstanceProfile"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
			f.node(escProfile, graph.NodeResource, "type", "aws_iam_instance_profile")
		}, []string{escEdge(u, assume, r, certain, "PassRoleToEC2")}},
		{"PassRoleToEC2 into used profile", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:RunInstances", "iam:AddRoleToInstanceProfile"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
			f.node(escProfile, graph.NodeResource, "type", "aws_iam_instance_profile", "role", escRoleARN("meek"))
		}, []string{escEdge(u, assume, r, possible, "PassRoleToEC2")}},

		// PassRole to Lambda.
		{"PassRoleToLambda", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToLambda")}},
		{"PassRoleToLambda without invoking", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:CreateFunction", "iam:PassRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"))
		}, nil},
		{"PassRoleToLambda through event source", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:CreateFunction", "lambda:CreateEventSourceMapping", "iam:PassRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"))
		}, []string{escEdge(u, assume, r, possible, "PassRoleToLambda")}},
		{"PassRoleToLambda with a function name prefix", func(f *escFixture) {
			fn := "arn:aws:lambda:*:" + escAcct + ":function:dev-*"
			f.user("u", escDoc(escAllow(fn, "lambda:CreateFunction", "lambda:InvokeFunction"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToLambda")}},

		// PassRole to the other services.
		{"PassRoleToCloudFormation", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "cloudformation:CreateStack", "iam:PassRole")))
			f.role("r", escTrustService("cloudformation.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToCloudFormation")}},
		{"PassRoleToCloudFormation to an EC2 role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "cloudformation:CreateStack", "iam:PassRole")))
			f.role("r", escTrustService("ec2.amazonaws.com"))
		}, nil},
		{"PassRoleToGlue", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "glue:CreateDevEndpoint"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("glue.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToGlue")}},
		{"PassRoleToGlue passing another role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "glue:CreateDevEndpoint"), escAllow(escRoleARN("r2"), "iam:PassRole")))
			f.role("r", escTrustService("glue.amazonaws.com"))
		}, nil},
		{"PassRoleToDataPipeline", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline", "iam:PassRole")))
			f.role("r", escTrustService("datapipeline.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToDataPipeline")}},
		{"PassRoleToDataPipeline without activating it", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "iam:PassRole")))
			f.role("r", escTrustService("datapipeline.amazonaws.com"))
		}, nil},
		{"PassRoleToCodeBuild", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "codebuild:CreateProject", "codebuild:StartBuild", "iam:PassRole")))
			f.role("r", escTrustService("codebuild.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToCodeBuild")}},
		{"PassRoleToCodeBuild without starting a build", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "codebuild:CreateProject", "iam:PassRole")))
			f.role("r", escTrustService("codebuild.amazonaws.com"))
		}, nil},
		{"PassRoleToSageMaker", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "sagemaker:CreateTrainingJob", "iam:PassRole")))
			f.role("r", escTrustService("sagemaker.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToSageMaker")}},
		{"PassRoleToSageMaker with iam:PassedToService for EC2", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "sagemaker:CreateTrainingJob"),
				escAllowIf("*", `{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}`, "iam:PassRole")))
			f.role("r", escTrustService("sagemaker.amazonaws.com"))
		}, nil},
		{"PassRoleToECS", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:CreateCluster", "ecs:RunTask", "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToECS")}},
		{"PassRoleToECS with known service", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:UpdateService", "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
			f.node(escTask, graph.NodeRuntime, "type", "ecs-task", "account", escAcct, "services", "api")
		}, []string{
			escEdge(u, assume, r, certain, "PassRoleToECS"),
			// The service's task has no role: its code still changes.
			escEdge(u, modify, escTask, certain, "UpdateService"),
		}},
		{"PassRoleToECS without known service", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:UpdateService", "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
		}, []string{escEdge(u, assume, r, possible, "PassRoleToECS")}},
		{"PassRoleToECS without running a task", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
		}, nil},
		{"PassRoleToStepFunctions", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "states:CreateStateMachine", "states:StartExecution", "iam:PassRole")))
			f.role("r", escTrustService("states.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToStepFunctions")}},
		{"PassRoleToStepFunctions without starting it", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "states:CreateStateMachine", "iam:PassRole")))
			f.role("r", escTrustService("states.amazonaws.com"))
		}, nil},
		{"PassRoleToAppRunner", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "apprunner:CreateService", "iam:PassRole")))
			f.role("r", escTrustService("tasks.apprunner.amazonaws.com"))
		}, []string{escEdge(u, assume, r, certain, "PassRoleToAppRunner")}},
		{"PassRoleToAppRunner to a build role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "apprunner:CreateService", "iam:PassRole")))
			f.role("r", escTrustService("build.apprunner.amazonaws.com"))
		}, nil},

		// Lambda functions: runtimes, and functions seen only in logs.
		{"UpdateFunctionCode", func(f *escFixture) {
			f.user("u", escDoc(escAllow(escFunctionARN, "lambda:UpdateFunctionCode")))
			f.function()
		}, []string{escEdge(u, modify, escFunction, certain, "UpdateFunctionCode")}},
		{"UpdateFunctionCode on another function", func(f *escFixture) {
			f.user("u", escDoc(escAllow(escFunctionARN+"-other", "lambda:UpdateFunctionCode")))
			f.function()
		}, nil},
		{"UpdateFunctionCode on logged function", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:UpdateFunctionCode")))
			f.node(escFunctionARN, graph.NodeResource, "type", "lambda", "observed", "true")
		}, []string{escEdge(u, modify, escFunctionARN, certain, "UpdateFunctionCode")}},
		{"UpdateFunctionConfiguration", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:UpdateFunctionConfiguration")))
			f.function()
		}, []string{escEdge(u, modify, escFunction, certain, "UpdateFunctionConfiguration")}},
		{"UpdateFunctionConfiguration read-only", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:GetFunctionConfiguration")))
			f.function()
		}, nil},

		// EC2 instances, whose ARN the input does not give.
		{"ModifyInstanceUserData", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")))
			f.instance("web")
		}, []string{escEdge(u, modify, escInstance, certain, "ModifyInstanceUserData")}},
		{"ModifyInstanceUserData without starting it", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:ModifyInstanceAttribute", "ec2:StopInstances")))
			f.instance("web")
		}, nil},
		{"ModifyInstanceUserData on named instance", func(f *escFixture) {
			f.user("u", escDoc(escAllow("arn:aws:ec2:us-east-1:"+escAcct+":instance/i-0abc", "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")))
			f.instance("web")
		}, []string{escEdge(u, modify, escInstance, possible, "ModifyInstanceUserData")}},
		{"SSMCommand", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ssm:SendCommand")))
			f.instance("web")
		}, []string{escEdge(u, modify, escInstance, possible, "SSMCommand")}},
		{"SSMCommand on documents only", func(f *escFixture) {
			f.user("u", escDoc(escAllow("arn:aws:ssm:*:*:document/*", "ssm:SendCommand")))
			f.instance("web")
		}, nil},
		{"InstanceConnect", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2-instance-connect:SendSSHPublicKey")))
			f.instance("web")
		}, []string{escEdge(u, modify, escInstance, possible, "InstanceConnect")}},
		{"InstanceConnect serial console only", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2-instance-connect:SendSerialConsoleSSHPublicKey")))
			f.instance("web")
		}, nil},

		// Runtimes of other services, by type.
		{"UpdateDevEndpoint", func(f *escFixture) {
			ep := "arn:aws:glue:us-east-1:" + escAcct + ":devEndpoint/ep"
			f.user("u", escDoc(escAllow(ep, "glue:UpdateDevEndpoint")))
			f.node("runtime:aws:glue:"+ep, graph.NodeRuntime, "type", "glue-dev-endpoint")
		}, []string{escEdge(u, modify, "runtime:aws:glue:arn:aws:glue:us-east-1:"+escAcct+":devEndpoint/ep", certain, "UpdateDevEndpoint")}},
		{"UpdateDevEndpoint on another endpoint", func(f *escFixture) {
			ep := "arn:aws:glue:us-east-1:" + escAcct + ":devEndpoint/ep"
			f.user("u", escDoc(escAllow(ep+"2", "glue:UpdateDevEndpoint")))
			f.node("runtime:aws:glue:"+ep, graph.NodeRuntime, "type", "glue-dev-endpoint")
		}, nil},
		{"UpdateProject", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "codebuild:UpdateProject", "codebuild:StartBuild")))
			f.node("runtime:aws:codebuild:build", graph.NodeRuntime, "type", "codebuild-project")
		}, []string{escEdge(u, modify, "runtime:aws:codebuild:build", certain, "UpdateProject")}},
		{"UpdateProject without starting a build", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "codebuild:UpdateProject")))
			f.node("runtime:aws:codebuild:build", graph.NodeRuntime, "type", "codebuild-project")
		}, nil},
		{"UpdateService", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:UpdateService"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
			f.task(r, "api")
		}, []string{
			escEdge(u, assume, r, certain, "PassRoleToECS"),
			escEdge(u, modify, escTask, certain, "UpdateService"),
		}},
		{"UpdateService without passing task role", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:UpdateService"), escAllow(escRoleARN("other"), "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
			f.task(r, "api")
		}, nil},
		{"UpdateService of unused task", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:RegisterTaskDefinition", "ecs:UpdateService"), escAllow(r, "iam:PassRole")))
			f.role("r", escTrustService("ecs-tasks.amazonaws.com"))
			f.task(r, "")
		}, []string{
			// No service in the input, but one may exist.
			escEdge(u, assume, r, possible, "PassRoleToECS"),
		}},

		// Configuration that holds credentials.
		{"GetFunctionConfiguration", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:Get*")))
			f.function()
			f.node(graph.AWSEnvVarID(escFunction, "TOKEN"), graph.NodeSecret, "type", "env-var")
			f.node(graph.AWSInstanceCredentialsID(escFunction), graph.NodeSecret, "type", "role-credentials")
			f.link(escFunction, graph.EdgeExposes, graph.AWSEnvVarID(escFunction, "TOKEN"), "via", "env")
			f.link(escFunction, graph.EdgeExposes, graph.AWSInstanceCredentialsID(escFunction), "via", "env")
		}, []string{escEdge(u, read, graph.AWSEnvVarID(escFunction, "TOKEN"), certain, "GetFunctionConfiguration")}},
		{"GetFunctionConfiguration not allowed", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "lambda:ListFunctions")))
			f.function()
			f.node(graph.AWSEnvVarID(escFunction, "TOKEN"), graph.NodeSecret, "type", "env-var")
			f.link(escFunction, graph.EdgeExposes, graph.AWSEnvVarID(escFunction, "TOKEN"), "via", "env")
		}, nil},
		{"DescribeInstanceUserData", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:DescribeInstanceAttribute")))
			f.instance("web")
			f.node("secret:inline:fp1", graph.NodeSecret, "type", "access-key", "stored_inline", "true")
			f.link(escInstance, graph.EdgeExposes, "secret:inline:fp1", "via", "file")
		}, []string{escEdge(u, read, "secret:inline:fp1", certain, "DescribeInstanceUserData")}},
		{"DescribeInstanceUserData not allowed", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:DescribeInstances")))
			f.instance("web")
			f.node("secret:inline:fp1", graph.NodeSecret, "type", "access-key", "stored_inline", "true")
			f.link(escInstance, graph.EdgeExposes, "secret:inline:fp1", "via", "file")
		}, nil},

		{"DescribeTaskDefinition", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:DescribeTaskDefinition")))
			f.task(r, "")
			f.node(graph.AWSEnvVarID(escTask, "api/DB_PASSWORD"), graph.NodeSecret, "type", "env-var")
			f.link(escTask, graph.EdgeExposes, graph.AWSEnvVarID(escTask, "api/DB_PASSWORD"), "via", "env")
		}, []string{escEdge(u, read, graph.AWSEnvVarID(escTask, "api/DB_PASSWORD"), certain, "DescribeTaskDefinition")}},
		{"DescribeTaskDefinition not allowed", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ecs:ListTaskDefinitions")))
			f.task(r, "")
			f.node(graph.AWSEnvVarID(escTask, "api/DB_PASSWORD"), graph.NodeSecret, "type", "env-var")
			f.link(escTask, graph.EdgeExposes, graph.AWSEnvVarID(escTask, "api/DB_PASSWORD"), "via", "env")
		}, nil},
		{"DescribeConfigurationSettings", func(f *escFixture) {
			env := "runtime:aws:elasticbeanstalk:shop/prod"
			f.user("u", escDoc(escAllow("arn:aws:elasticbeanstalk:*:"+escAcct+":environment/shop/*", "elasticbeanstalk:DescribeConfigurationSettings")))
			f.node(env, graph.NodeRuntime, "provider", "aws", "type", "elasticbeanstalk-environment", "account", escAcct,
				"arn", "arn:aws:elasticbeanstalk:us-east-1:"+escAcct+":environment/shop/prod")
			f.node(graph.AWSEnvVarID(env, "API_KEY"), graph.NodeSecret, "type", "env-var")
			f.link(env, graph.EdgeExposes, graph.AWSEnvVarID(env, "API_KEY"), "via", "env")
		}, []string{escEdge(u, read, graph.AWSEnvVarID("runtime:aws:elasticbeanstalk:shop/prod", "API_KEY"), certain, "DescribeConfigurationSettings")}},
		{"DescribeConfigurationSettings of another application", func(f *escFixture) {
			env := "runtime:aws:elasticbeanstalk:shop/prod"
			f.user("u", escDoc(escAllow("arn:aws:elasticbeanstalk:*:"+escAcct+":environment/blog/*", "elasticbeanstalk:DescribeConfigurationSettings")))
			f.node(env, graph.NodeRuntime, "provider", "aws", "type", "elasticbeanstalk-environment", "account", escAcct,
				"arn", "arn:aws:elasticbeanstalk:us-east-1:"+escAcct+":environment/shop/prod")
			f.node(graph.AWSEnvVarID(env, "API_KEY"), graph.NodeSecret, "type", "env-var")
			f.link(env, graph.EdgeExposes, graph.AWSEnvVarID(env, "API_KEY"), "via", "env")
		}, nil},

		// Tag conditions: a tag the attacker may change counts as met.
		{"tag condition met by role", func(f *escFixture) {
			f.role("r", escTrustService("ec2.amazonaws.com"), escDoc(
				escAllowIf("*", `{"StringNotEquals":{"aws:ResourceTag/Name":"prod"}}`, "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"),
				escAllow("*", "ec2:CreateTags")))
			f.instance("prod")
		}, []string{escEdge(r, modify, escInstance, certain, "ModifyInstanceUserData")}},
		{"tag condition met by user", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "ec2:DeleteTags"), escAllow(r, "sts:AssumeRole")))
			f.role("r", escTrustAWS(u), escDoc(
				escAllowIf("*", `{"StringNotEquals":{"aws:ResourceTag/Name":"prod"}}`, "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")))
			f.instance("prod")
		}, []string{escEdge(u, modify, escInstance, certain, "ModifyInstanceUserData")}},
		{"tag condition nobody can meet", func(f *escFixture) {
			f.user("u", escDoc(escAllow(r, "sts:AssumeRole")))
			f.role("r", escTrustAWS(u), escDoc(
				escAllowIf("*", `{"StringNotEquals":{"aws:ResourceTag/Name":"prod"}}`, "ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances")))
			f.instance("prod")
		}, nil},
		{"tag condition on unknown tag", func(f *escFixture) {
			f.user("u", escDoc(escAllowIf("*", `{"StringEquals":{"aws:ResourceTag/env":"dev"}}`, "lambda:UpdateFunctionCode")))
			f.function()
		}, []string{escEdge(u, modify, escFunction, possible, "UpdateFunctionCode")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &escFixture{}
			tc.build(f)
			got := escDerived(t, f)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("derived escalation edges (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEscalationCatalogue checks the table itself: every method has a
// name, a target kind, an edge kind and ways, and names are unique.
func TestEscalationCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range escMethods {
		switch {
		case m.name == "" || seen[m.name]:
			t.Errorf("method %q: empty or repeated name", m.name)
		case len(m.ways) == 0:
			t.Errorf("method %s has no ways", m.name)
		case !strings.Contains(m.does, "%s"):
			t.Errorf("method %s: does %q names no target", m.name, m.does)
		case m.on == onPassedRole && !strings.HasSuffix(m.service, ".amazonaws.com"):
			t.Errorf("method %s passes a role to no service principal", m.name)
		case m.on == onRuntime && m.runtime == "":
			t.Errorf("method %s acts on runtimes of no type", m.name)
		}
		seen[m.name] = true
		for _, w := range m.ways {
			for _, a := range w.actions {
				if !strings.Contains(a, ":") || strings.Contains(a, "*") {
					t.Errorf("method %s: %q is not one action", m.name, a)
				}
			}
		}
	}
}

// A group that a user can join acts with its policies, through that user.
// A statement on the caller's own user (${aws:username}) then lets the
// joiner mint keys for itself only: the group mints no other user's key.
// A statement on every user does.
func TestJoinedGroupMintsByUserName(t *testing.T) {
	u, v, g := escUserARN("u"), escUserARN("v"), escGroupARN("g")
	for _, tc := range []struct {
		resource string
		want     []string
	}{
		{"arn:aws:iam::" + escAcct + ":user/${aws:username}", nil},
		{"arn:aws:iam::" + escAcct + ":user/*", []string{
			g + " -> " + graph.AWSAccessKeyID(u, "new"), g + " -> " + graph.AWSAccessKeyID(v, "new")}},
	} {
		f := &escFixture{}
		f.user("u", escDoc(escAllow(g, "iam:AddUserToGroup")))
		f.user("v")
		f.group("g", nil, escDoc(escAllow(tc.resource, "iam:CreateAccessKey")))
		_, edges := escDerive(t, f)
		var got []string
		for _, e := range edges {
			if e.Kind == graph.EdgeCanMint && e.From == g {
				got = append(got, e.From+" -> "+e.To)
			}
		}
		sort.Strings(got)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: CAN_MINT of the group (-want +got):\n%s", tc.resource, diff)
		}
	}
}

// A role's session carries no user name (aws:username is in the request
// context of IAM users only), so a statement on user/${aws:username}
// grants a role nothing, where on user/* it mints every user's key.
func TestRoleMintsNoKeyByUserName(t *testing.T) {
	r, v := escRoleARN("r"), escUserARN("v")
	for _, tc := range []struct {
		resource string
		want     []string
	}{
		{"arn:aws:iam::" + escAcct + ":user/${aws:username}", nil},
		{"arn:aws:iam::" + escAcct + ":user/*", []string{r + " -> " + graph.AWSAccessKeyID(v, "new")}},
	} {
		f := &escFixture{}
		f.role("r", escTrustService("ec2.amazonaws.com"), escDoc(escAllow(tc.resource, "iam:CreateAccessKey")))
		f.user("v")
		_, edges := escDerive(t, f)
		var got []string
		for _, e := range edges {
			if e.Kind == graph.EdgeCanMint && e.From == r {
				got = append(got, e.From+" -> "+e.To)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: CAN_MINT of the role (-want +got):\n%s", tc.resource, diff)
		}
	}
}

// A group acts through the user who joins it, whose ARN is not known: a
// condition on aws:PrincipalArn is undecided for the group, not judged
// against the group's own ARN, which is never a caller.
func TestJoinedGroupPrincipalArnUnknown(t *testing.T) {
	v, g := escUserARN("v"), escGroupARN("g")
	f := &escFixture{}
	f.user("u", escDoc(escAllow(g, "iam:AddUserToGroup")))
	f.user("v")
	f.group("g", nil, escDoc(escAllowIf("arn:aws:iam::"+escAcct+":user/*",
		`{"ArnEquals":{"aws:PrincipalArn":"`+g+`"}}`, "iam:CreateAccessKey")))
	_, edges := escDerive(t, f)
	var got []string
	for _, e := range edges {
		if e.Kind == graph.EdgeCanMint && e.From == g && e.To == graph.AWSAccessKeyID(v, "new") {
			got = append(got, string(e.Confidence))
		}
	}
	if diff := cmp.Diff([]string{"possible"}, got); diff != "" {
		t.Errorf("CAN_MINT of the group to v's key (-want +got):\n%s", diff)
	}
}
