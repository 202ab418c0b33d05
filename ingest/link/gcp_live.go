package link

import (
	"fmt"

	"github.com/blastradius-dev/blastradius/graph"
)

// liveGrantKey names a grant apart from the name its resource and member
// go by: a project's id or number, a service account's email or unique
// id (gcpView.canon).
type liveGrantKey struct {
	resource, role, member, condition string
}

func (g *gcpView) grantKey(n graph.Node) liveGrantKey {
	member := g.canon(n.Attr("member_id"))
	if member == "" {
		member = n.Attr("member")
	}
	return liveGrantKey{g.canon(n.Attr("resource")), n.Attr("role"), member, n.Attr(graph.AttrCondition)}
}

// indexLive records the resources whose whole allow policy an export
// states (graph.AttrLivePolicy), with the position of that export, and
// the grants that exports list, each under the canonical names of its
// resource and member. It runs once the aliases are known.
func (g *gcpView) indexLive() {
	g.livePolicies = map[string]graph.Pos{}
	g.liveGrants = map[liveGrantKey]bool{}
	for _, kind := range []graph.NodeKind{graph.NodeResource, graph.NodeSecret, graph.NodeIdentity} {
		for _, n := range g.v.byKind[kind] {
			if n.Attr(graph.AttrLivePolicy) != "true" {
				continue
			}
			pos := n.Pos
			for _, f := range n.Facts {
				if f.Attrs[graph.AttrLivePolicy] == "true" {
					pos = f.Pos
					break
				}
			}
			id := g.canon(n.ID)
			if _, ok := g.livePolicies[id]; !ok {
				g.livePolicies[id] = pos
			}
		}
	}
	for _, n := range g.v.byKind[graph.NodePolicy] {
		if isGCP(n) && n.Attr("type") == "iam-grant" && n.Attr(graph.AttrLiveExport) == "true" {
			g.liveGrants[g.grantKey(n)] = true
		}
	}
}

// staleGrant returns the reason a grant that only Terraform declares is
// not in force, or "". It is not in force when an export states the
// resource's whole allow policy and no export lists the grant, under any
// name of its resource (a project's number, say, where Terraform names
// its id). An apply would grant it again, so the grant stays, possible.
// staleGrant records each such grant as drift, which Derive reports.
func (g *gcpView) staleGrant(n graph.Node) string {
	if n.Attr(graph.AttrLiveExport) == "true" {
		return ""
	}
	export, ok := g.livePolicies[g.canon(n.Attr("resource"))]
	if !ok || g.liveGrants[g.grantKey(n)] {
		return ""
	}
	g.v.drifts = append(g.v.drifts, drift{kind: driftGCPGrant, node: n.ID, attr: "bindings",
		used: export.String(), sources: []string{export.String(), n.Pos.String()}})
	return fmt.Sprintf("the allow policy of %s that %s states does not list it, which %s declares: it is not in force now, and an apply of the configuration would grant it again",
		n.Attr("resource"), export.File, n.Pos.String())
}
