package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Application input. The rules below derive the edges of
// graph.AppInputKinds: who can send input to a runtime (CAN_INVOKE), and
// who can receive the messages a runtime sends (CAN_RECEIVE). Each edge is
// a fact of the permissions and of the runtime's configuration. What the
// runtime's code does with the input is not, so a query follows these
// edges only with the option that assumes application flaws.

// Actions that hand input to a Lambda function.
var invokeActions = []string{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}

// linkAppInput derives CAN_INVOKE and CAN_RECEIVE from the CAN_ACCESS
// edges that linkAWS and linkAnonymous derived before it.
func (v *view) linkAppInput() {
	access := map[string][]graph.Edge{} // target -> CAN_ACCESS edges
	for _, e := range v.derivedEdges {
		if e.Kind == graph.EdgeCanAccess {
			access[e.To] = append(access[e.To], e)
		}
	}
	runtimes := append([]graph.Node(nil), v.byKind[graph.NodeRuntime]...)
	sort.Slice(runtimes, func(i, j int) bool { return runtimes[i].ID < runtimes[j].ID })
	for _, rt := range runtimes {
		v.invokeFunction(rt, access)
		v.internetInput(rt)
		v.loadCode(rt, access)
		v.receiveMessages(rt, access)
	}
}

// invokeFunction derives CAN_INVOKE to a Lambda runtime from each
// principal allowed to invoke its function, and from each principal that
// can send a message into a queue, stream or topic that triggers it.
func (v *view) invokeFunction(rt graph.Node, access map[string][]graph.Edge) {
	arn := rt.Attr("arn")
	if rt.Attr("type") != "lambda" || arn == "" {
		return
	}
	for _, e := range access[arn] {
		acts := actionsOf(e, invokeActions)
		if len(acts) == 0 {
			continue
		}
		in := graph.Edge{From: e.From, To: rt.ID, Kind: graph.EdgeCanInvoke, Confidence: e.Confidence, Pos: e.Pos}
		in.SetAttr(graph.AttrActions, graph.JoinList(acts))
		in.SetAttr(graph.AttrReason, fmt.Sprintf("%s on %s hands input to the function", strings.Join(acts, ", "), arn))
		v.addEdge(in)
	}
	for _, src := range graph.SplitList(rt.Attr(graph.AttrTriggeredBy)) {
		send := sendActions[awsService(src)]
		if send == "" {
			continue
		}
		for _, e := range access[src] {
			if len(actionsOf(e, []string{send})) == 0 {
				continue
			}
			in := graph.Edge{From: e.From, To: rt.ID, Kind: graph.EdgeCanInvoke, Confidence: e.Confidence, Pos: e.Pos}
			in.SetAttr(graph.AttrActions, send)
			in.SetAttr(graph.AttrReason, fmt.Sprintf("%s on %s, whose messages invoke the function", send, src))
			v.addEdge(in)
		}
	}
}

// sendActions maps the service of a function's trigger to the action that
// puts a message into it.
var sendActions = map[string]string{"sqs": "sqs:SendMessage", "sns": "sns:Publish", "kinesis": "kinesis:PutRecord"}

// awsService returns the service part of an ARN (arn:aws:SERVICE:...).
func awsService(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 {
		return ""
	}
	return parts[2]
}

// internetInput derives CAN_INVOKE from the anonymous caller to a runtime
// that the internet can send requests to (graph.AttrInternetIngress):
// certain when a security group on the way admits every address, possible
// when the admitted addresses are not resolved.
func (v *view) internetInput(rt graph.Node) {
	level := rt.Attr(graph.AttrInternetIngress)
	conf := graph.Certain
	switch level {
	case "open":
	case "undecided":
		conf = graph.Possible
	default:
		return
	}
	via := rt.Attr(graph.AttrInternetIngress + "_via")
	e := graph.Edge{From: AnonymousID, To: rt.ID, Kind: graph.EdgeCanInvoke, Confidence: conf, Pos: rt.Pos}
	reason := fmt.Sprintf("the internet can send requests to the runtime through %s", via)
	if conf == graph.Possible {
		reason += "; undecided: the addresses its security group admits are not resolved in the input"
	}
	e.SetAttr(graph.AttrReason, reason)
	v.addNode(anonymousNode())
	v.addEdge(e)
}

// loadCode derives CAN_INVOKE to a runtime from each principal that can
// write an S3 object the runtime's configuration loads as code.
func (v *view) loadCode(rt graph.Node, access map[string][]graph.Edge) {
	for _, obj := range graph.SplitList(rt.Attr(graph.AttrLoadsCode)) {
		bucket, _, ok := strings.Cut(obj, "/")
		if !ok || !isBucket(bucket) {
			continue
		}
		for _, target := range []string{bucket, obj} {
			for _, e := range access[target] {
				acts := actionsOf(e, []string{"s3:PutObject"})
				if len(acts) == 0 {
					continue
				}
				in := graph.Edge{From: e.From, To: rt.ID, Kind: graph.EdgeCanInvoke, Confidence: e.Confidence, Pos: e.Pos}
				in.SetAttr(graph.AttrActions, "s3:PutObject")
				in.SetAttr(graph.AttrVia, graph.ViaLoadedCode)
				in.SetAttr(graph.AttrReason, fmt.Sprintf("s3:PutObject on %s writes %s, which the runtime's configuration loads as code", target, obj))
				if r := e.Attr(graph.AttrReason); e.Confidence == graph.Possible && r != "" {
					in.SetAttr(graph.AttrCondition, r)
				}
				v.addEdge(in)
			}
		}
	}
}

// receiveMessages derives CAN_RECEIVE from each principal that can
// subscribe to an SNS topic that the runtime's role can publish to, to
// each secret the runtime exposes.
func (v *view) receiveMessages(rt graph.Node, access map[string][]graph.Edge) {
	var secrets []string
	roles := map[string]bool{}
	for _, x := range v.edgesFrom(graph.EdgeExposes, rt.ID) {
		secrets = append(secrets, x.To)
		if v.get(x.To).Attr("type") != "role-credentials" {
			continue
		}
		for _, a := range v.edgesFrom(graph.EdgeAuthenticatesAs, x.To) {
			roles[a.To] = true
		}
	}
	if len(roles) == 0 || len(secrets) == 0 {
		return
	}
	sort.Strings(secrets)
	var topics []string
	publish := map[string]graph.Edge{}
	for _, es := range access {
		for _, e := range es {
			if roles[e.From] && strings.HasPrefix(e.To, "arn:aws:sns:") && len(actionsOf(e, []string{"sns:Publish"})) > 0 {
				cur, ok := publish[e.To]
				if !ok {
					topics = append(topics, e.To)
				}
				if !ok || (cur.Confidence == graph.Possible && e.Confidence == graph.Certain) {
					publish[e.To] = e
				}
			}
		}
	}
	sort.Strings(topics)
	for _, topic := range topics {
		pub := publish[topic]
		for _, sub := range access[topic] {
			if roles[sub.From] || len(actionsOf(sub, []string{"sns:Subscribe"})) == 0 {
				continue
			}
			for _, s := range secrets {
				in := graph.Edge{From: sub.From, To: s, Kind: graph.EdgeCanReceive,
					Confidence: sub.Confidence.Weaker(pub.Confidence), Pos: sub.Pos}
				in.SetAttr(graph.AttrActions, "sns:Subscribe")
				in.SetAttr(graph.AttrReason, fmt.Sprintf("sns:Subscribe on %s, to which %s may publish (its role holds sns:Publish); the runtime holds this secret", topic, rt.ID))
				v.addEdge(in)
			}
		}
	}
}

// actionsOf returns the actions of want that a CAN_ACCESS edge lists.
func actionsOf(e graph.Edge, want []string) []string {
	var out []string
	have := graph.SplitList(e.Attr(graph.AttrActions))
	for _, w := range want {
		if contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}
