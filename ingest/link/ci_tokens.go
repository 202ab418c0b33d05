package link

import (
	"fmt"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkTokenDispatch joins a GitHub token to the jobs it can start with
// code or inputs of its choosing. actions:write dispatches a workflow
// that has a workflow_dispatch trigger, on any branch. With
// contents:write as well, the token first pushes a branch with changed
// code (not workflow files, which GITHUB_TOKEN cannot change), so the
// dispatched job runs that code. contents:write alone creates repository_dispatch
// events, which start their workflows on the default branch, whose code
// the token can change unless branch protection stops it. Events that a
// GITHUB_TOKEN push causes start no other workflow.
func (v *view) linkTokenDispatch() {
	jobs := map[string][]graph.Node{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == "gha-job" {
			jobs[graph.GHARepoOf(rt)] = append(jobs[graph.GHARepoOf(rt)], rt)
		}
	}
	for _, id := range v.byKind[graph.NodeIdentity] {
		if id.Attr(graph.AttrProvider) != "github" || id.Attr("permissions") == "" {
			continue
		}
		perms := graph.SplitList(id.Attr("permissions"))
		actions, contents := contains(perms, "actions:write"), contains(perms, "contents:write")
		if !actions && !contents {
			continue
		}
		actor := "the token"
		if id.Attr("type") != "github-token" {
			actor = "the credential"
		}
		for _, rt := range jobs[graph.GHARepoOf(id)] {
			if graph.GHATokenIdentityID(rt.ID) == id.ID {
				continue // its own job
			}
			triggers := graph.SplitList(rt.Attr("triggers"))
			e := graph.Edge{From: id.ID, To: rt.ID, Kind: graph.EdgeCanModify, Pos: id.Pos}
			switch {
			case actions && contents && contains(triggers, "workflow_dispatch"):
				e.Confidence = graph.Certain
				e.SetAttr(graph.AttrActions, "actions:write,contents:write")
				e.SetAttr(graph.AttrReason, fmt.Sprintf("with contents:write %s pushes a branch with changed code, and with actions:write it dispatches workflow %s on that branch", actor, rt.Attr("workflow")))
			case actions && contains(triggers, "workflow_dispatch"):
				e.Confidence = graph.Possible
				e.SetAttr(graph.AttrActions, "actions:write")
				e.SetAttr(graph.AttrReason, fmt.Sprintf("with actions:write %s dispatches workflow %s with inputs of its choosing; the code stays the repository's, so the job is reached only if it acts on its inputs", actor, rt.Attr("workflow")))
			case contents && contains(triggers, "repository_dispatch"):
				e.Confidence = graph.Possible
				e.SetAttr(graph.AttrActions, "contents:write")
				e.SetAttr(graph.AttrReason, fmt.Sprintf("with contents:write %s pushes changed code to the default branch, unless branch protection stops it, and sends the repository_dispatch event that starts workflow %s", actor, rt.Attr("workflow")))
			default:
				continue
			}
			v.addEdge(e)
		}
	}
}
