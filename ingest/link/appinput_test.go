package link

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
)

// appFixture is a small account: a Lambda function with a role and an
// environment variable, an SNS topic, a bucket, an EC2 instance and three
// principals whose policies each case writes.
type appFixture struct {
	nodes []graph.Node
	edges []graph.Edge
}

const (
	appFnARN  = "arn:aws:lambda:us-east-1:111122223333:function:example-resize"
	appFn     = "runtime:aws:lambda:" + appFnARN
	appCreds  = "secret:aws:role-credentials:aws:lambda:" + appFnARN
	appFnRole = "arn:aws:iam::111122223333:role/example-resize"
	appEnv    = "secret:aws:env:aws:lambda:" + appFnARN + "/API_KEY"
	appTopic  = "arn:aws:sns:us-east-1:111122223333:example-events"
	appQueue  = "arn:aws:sqs:us-east-1:111122223333:example-jobs"
	appBucket = "arn:aws:s3:::example-org-assets"
	appHost   = "runtime:aws:ec2:111122223333:aws_instance.web"
	appAlice  = "arn:aws:iam::111122223333:user/alice"
	appBob    = "arn:aws:iam::111122223333:user/bob"
)

func newAppFixture() *appFixture {
	f := &appFixture{}
	f.nodes = []graph.Node{
		awsNode(appFn, graph.NodeRuntime, "type", "lambda", "arn", appFnARN),
		awsNode(appCreds, graph.NodeSecret, "type", "role-credentials"),
		awsNode(appEnv, graph.NodeSecret, "type", "env-var"),
		awsNode(appFnRole, graph.NodeIdentity, "type", "role"),
		awsNode(appTopic, graph.NodeResource),
		awsNode(appBucket, graph.NodeResource, "restrict_public_buckets", "false"),
		awsNode(appHost, graph.NodeRuntime, "type", "ec2-instance", graph.AttrLoadsCode, appBucket+"/app.js"),
		awsNode(appAlice, graph.NodeIdentity, "type", "user"),
		awsNode(appBob, graph.NodeIdentity, "type", "user"),
	}
	f.edges = []graph.Edge{
		edge(appFn, graph.EdgeExposes, appCreds),
		edge(appFn, graph.EdgeExposes, appEnv),
		edge(appCreds, graph.EdgeAuthenticatesAs, appFnRole),
	}
	return f
}

// allow attaches an inline policy allowing actions on a resource to a
// principal; cond, when set, is the statement's condition.
func (f *appFixture) allow(principal, resource, cond string, actions ...string) {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	pol := principal + "#inline/p" + string(rune('a'+len(f.nodes)))
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) +
		`"],"Resource":"` + resource + `"` + c + `}]}`
	f.nodes = append(f.nodes, awsNode(pol, graph.NodePolicy, "document", doc))
	f.edges = append(f.edges, edge(principal, graph.EdgeHasPolicy, pol))
}

func TestAppInputEdges(t *testing.T) {
	const unknownIP = `{"IpAddress":{"aws:SourceIp":"${var.office}"}}`
	tests := []struct {
		name  string
		setup func(f *appFixture)
		kind  graph.EdgeKind
		want  []string
	}{
		{"invoke", func(f *appFixture) {
			f.allow(appAlice, appFnARN, "", "lambda:InvokeFunction")
		}, graph.EdgeCanInvoke, []string{appAlice + " -> " + appFn + " (certain)"}},
		{"invoke through a function url", func(f *appFixture) {
			f.allow(appAlice, appFnARN, "", "lambda:InvokeFunctionUrl")
		}, graph.EdgeCanInvoke, []string{appAlice + " -> " + appFn + " (certain)"}},
		{"invoke under an undecided condition", func(f *appFixture) {
			f.allow(appAlice, appFnARN, unknownIP, "lambda:InvokeFunction")
		}, graph.EdgeCanInvoke, []string{appAlice + " -> " + appFn + " (possible)"}},
		{"reading a function is no input", func(f *appFixture) {
			f.allow(appAlice, appFnARN, "", "lambda:GetFunction")
		}, graph.EdgeCanInvoke, nil},
		{"no permission", func(f *appFixture) {}, graph.EdgeCanInvoke, nil},
		{"subscriber receives what the function publishes", func(f *appFixture) {
			f.allow(appFnRole, appTopic, "", "sns:Publish")
			f.allow(appBob, appTopic, "", "sns:Subscribe")
		}, graph.EdgeCanReceive, []string{
			appBob + " -> " + appEnv + " (certain)",
			appBob + " -> " + appCreds + " (certain)",
		}},
		{"topic the function does not publish to", func(f *appFixture) {
			f.allow(appBob, appTopic, "", "sns:Subscribe")
		}, graph.EdgeCanReceive, nil},
		{"publisher alone receives nothing", func(f *appFixture) {
			f.allow(appFnRole, appTopic, "", "sns:Publish")
			f.allow(appBob, appTopic, "", "sns:Publish")
		}, graph.EdgeCanReceive, nil},
		{"sender to a queue that triggers the function", func(f *appFixture) {
			f.nodes[0].SetAttr(graph.AttrTriggeredBy, appQueue+","+appTopic)
			f.nodes = append(f.nodes, awsNode(appQueue, graph.NodeResource))
			f.allow(appAlice, appQueue, "", "sqs:SendMessage")
			f.allow(appBob, appQueue, "", "sqs:ReceiveMessage")
		}, graph.EdgeCanInvoke, []string{appAlice + " -> " + appFn + " (certain)"}},
		{"publisher to a topic that triggers the function", func(f *appFixture) {
			f.nodes[0].SetAttr(graph.AttrTriggeredBy, appTopic)
			f.allow(appBob, appTopic, "", "sns:Publish")
		}, graph.EdgeCanInvoke, []string{appBob + " -> " + appFn + " (certain)"}},
		{"sender to a queue that triggers nothing", func(f *appFixture) {
			f.nodes = append(f.nodes, awsNode(appQueue, graph.NodeResource))
			f.allow(appAlice, appQueue, "", "sqs:SendMessage")
		}, graph.EdgeCanInvoke, nil},
		{"writer of loaded code", func(f *appFixture) {
			f.allow(appAlice, appBucket+"/*", "", "s3:PutObject")
			f.allow(appBob, appBucket+"/*", "", "s3:GetObject")
		}, graph.EdgeCanInvoke, []string{appAlice + " -> " + appHost + " (certain)"}},
		{"writer of a bucket no runtime loads from", func(f *appFixture) {
			f.allow(appAlice, "arn:aws:s3:::example-org-other/*", "", "s3:PutObject")
		}, graph.EdgeCanInvoke, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newAppFixture()
			tc.setup(f)
			got := derivedOf(t, store(t, f.nodes, f.edges), tc.kind)
			if diff := cmp.Diff(got, tc.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s edges (-got +want):\n%s", tc.kind, diff)
			}
		})
	}
}

func TestAppInputAnonymousWriter(t *testing.T) {
	f := newAppFixture()
	f.nodes[5].SetAttr("resource_policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"`+appBucket+`/*"}]}`)
	s := store(t, f.nodes, f.edges)
	e := edgeOf(t, s, graph.EdgeCanInvoke, AnonymousID, appHost)
	if e == nil {
		t.Fatal("no CAN_INVOKE from anonymous callers to the runtime that loads the object")
	}
	if got, want := e.Attr(graph.AttrReason), "s3:PutObject on "+appBucket+" writes "+appBucket+"/app.js, which the runtime's configuration loads as code"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}

func TestAppInputInternet(t *testing.T) {
	tests := []struct {
		name  string
		attrs []string
		want  []string
	}{
		{"open", []string{graph.AttrInternetIngress, "open", graph.AttrInternetIngress + "_via", "aws_lb.public"},
			[]string{AnonymousID + " -> " + appHost + " (certain)"}},
		{"undecided", []string{graph.AttrInternetIngress, "undecided", graph.AttrInternetIngress + "_via", "public_ip"},
			[]string{AnonymousID + " -> " + appHost + " (possible)"}},
		{"no ingress", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := awsNode(appHost, graph.NodeRuntime, append([]string{"type", "ec2-instance"}, tc.attrs...)...)
			got := derivedOf(t, store(t, []graph.Node{n}, nil), graph.EdgeCanInvoke)
			if diff := cmp.Diff(got, tc.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CAN_INVOKE edges (-got +want):\n%s", diff)
			}
		})
	}
}
