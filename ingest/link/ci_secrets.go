package link

import (
	"fmt"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkEnvironmentSecrets resolves the names in a GitHub Actions job's
// environment_secret_refs. Each goes to the environment's secret of that
// name when the graph declares one, because it takes precedence, else to
// the repository's secret.
func (v *view) linkEnvironmentSecrets() {
	for _, rt := range v.byKind[graph.NodeRuntime] {
		refs := graph.SplitList(rt.Attr("environment_secret_refs"))
		env, repo := rt.Attr("environment"), rt.Attr(graph.AttrRepository)
		if len(refs) == 0 || env == "" || repo == "" {
			continue
		}
		for _, name := range refs {
			e := graph.Edge{From: rt.ID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: rt.Pos}
			e.SetAttr(graph.AttrVia, "ci-secret")
			e.SetAttr(graph.AttrName, name)
			e.SetAttr("environment", env)
			if envID := graph.GHAEnvSecretID(repo, env, name); v.exists(envID) {
				e.To = envID
				e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %s, whose secret %s takes precedence over the repository's", env, name))
				v.addEdge(e)
				continue
			}
			e.To = graph.GHASecretID(repo, name)
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %s, which declares no secret %s in the input, so it reads the repository's", env, name))
			n := graph.Node{ID: e.To, Kind: graph.NodeSecret, Label: name, Pos: rt.Pos}
			n.SetAttr(graph.AttrProvider, "github")
			n.SetAttr("type", "actions-secret")
			n.SetAttr(graph.AttrName, name)
			n.SetAttr(graph.AttrRepository, repo)
			n.SetAttr(graph.AttrLongLived, "true")
			v.addNode(n)
			v.addEdge(e)
		}
	}
}

// exists reports whether a node is in the graph or derived in this run.
func (v *view) exists(id string) bool {
	_, ok := v.nodes[id]
	return ok || v.seenNodes[id]
}
