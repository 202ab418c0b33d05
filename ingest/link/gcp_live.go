package link

import (
	"fmt"

	"github.com/blastradius-dev/blastradius/graph"
)

// livePolicy returns the position of the export that states the whole
// allow policy of resource id as it is (graph.AttrLivePolicy), trying
// each id given, and whether there is one.
func (g *gcpView) livePolicy(ids ...string) (graph.Pos, bool) {
	for _, id := range ids {
		n, ok := g.v.node(id)
		if !ok || n.Attr(graph.AttrLivePolicy) != "true" {
			continue
		}
		for _, f := range n.Facts {
			if f.Attrs[graph.AttrLivePolicy] == "true" {
				return f.Pos, true
			}
		}
		return n.Pos, true
	}
	return graph.Pos{}, false
}

// staleGrant returns the reason a grant that only Terraform declares is
// not in force, or "". It is not in force when an export states the
// resource's whole allow policy and does not list it. An apply would grant
// it again, so the grant stays, possible. staleGrant records each such
// grant as drift, which Derive reports.
func (g *gcpView) staleGrant(n graph.Node) string {
	if n.Attr(graph.AttrLiveExport) == "true" {
		return ""
	}
	export, ok := g.livePolicy(g.canon(n.Attr("resource")), n.Attr("resource"))
	if !ok {
		return ""
	}
	g.v.drifts = append(g.v.drifts, drift{kind: driftGCPGrant, node: n.ID, attr: "bindings",
		used: export.String(), sources: []string{export.String(), n.Pos.String()}})
	return fmt.Sprintf("the allow policy of %s that %s states does not list it, which %s declares: it is not in force now, and an apply of the configuration would grant it again",
		n.Attr("resource"), export.File, n.Pos.String())
}
