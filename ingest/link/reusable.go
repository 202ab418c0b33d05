package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkReusableCalls follows calls of reusable GitHub workflows: a called
// workflow's jobs run on behalf of the caller, so they receive the
// caller's secrets that the call passes (by name, or all of them with
// secrets: inherit) and the caller job's GITHUB_TOKEN, whose permissions
// the caller sets.
func (v *view) linkReusableCalls() {
	callees := map[string][]graph.Node{} // "owner/repo#workflow path" -> jobs
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") != "gha-job" {
			continue
		}
		key := strings.ToLower(rt.Attr(graph.AttrRepository)) + "#" + rt.Attr("workflow")
		callees[key] = append(callees[key], rt)
	}
	for _, caller := range v.byKind[graph.NodeRuntime] {
		for _, call := range v.edgesFrom(graph.EdgeExecutes, caller.ID) {
			if call.Attr("reusable") != "true" {
				continue
			}
			repo, path, ok := reusableTarget(call.To)
			if !ok {
				continue
			}
			for _, callee := range callees[repo+"#"+path] {
				v.passToCallee(caller, callee, call)
			}
		}
	}
}

// reusableTarget reads "owner/repo" and the workflow path from the purl of
// a called workflow, pkg:githubactions/owner/repo[@ref]#path.
func reusableTarget(id string) (repo, path string, ok bool) {
	rest, ok := strings.CutPrefix(id, "pkg:githubactions/")
	if !ok {
		return "", "", false
	}
	rest, path, ok = strings.Cut(rest, "#")
	if !ok {
		return "", "", false
	}
	if i := strings.Index(rest, "@"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(rest), path, true
}

func (v *view) passToCallee(caller, callee graph.Node, call graph.Edge) {
	callerRepo := caller.Attr(graph.AttrRepository)
	mapping := map[string]string{} // parameter (upper case) -> caller secret
	inherit := call.Attr("secrets") == "inherit"
	for _, pair := range graph.SplitList(call.Attr("secrets")) {
		param, secret, ok := strings.Cut(pair, "=")
		if ok && secret != "" {
			mapping[strings.ToUpper(param)] = secret
		}
	}
	for _, e := range v.edgesFrom(graph.EdgeExposes, callee.ID) {
		name := e.Attr(graph.AttrName)
		if name == "" {
			continue
		}
		secret := ""
		switch {
		case e.Attr("workflow_call_secret") == "true":
			secret = mapping[strings.ToUpper(name)]
			if secret == "" && inherit {
				secret = name
			}
		case inherit:
			secret = name
		}
		if secret == "" || secret == "*" {
			continue
		}
		ne := graph.Edge{From: callee.ID, To: graph.GHASecretID(callerRepo, secret), Kind: graph.EdgeExposes,
			Confidence: call.Confidence, Pos: call.Pos}
		ne.SetAttr(graph.AttrVia, "ci-secret")
		ne.SetAttr(graph.AttrName, secret)
		ne.SetAttr(graph.AttrReason, fmt.Sprintf("%s calls this workflow and passes its secret %s as %s", caller.Label, secret, name))
		v.addEdge(ne)
	}
	tok := graph.Edge{From: callee.ID, To: graph.GHATokenID(caller.ID), Kind: graph.EdgeExposes,
		Confidence: call.Confidence, Pos: call.Pos}
	tok.SetAttr(graph.AttrVia, "token")
	tok.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs on behalf of %s and gets its GITHUB_TOKEN, with the permissions the caller sets", caller.Label))
	v.addEdge(tok)
}
