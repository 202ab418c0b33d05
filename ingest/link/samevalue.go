package link

import (
	"slices"
	"sort"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkSameValues joins secrets that hold the same value, by their salted
// fingerprints: a token written into two CI files, or a password in
// Terraform and in a script, is one credential. Reading one copy gives
// the other, so secrets with one fingerprint each HOLDS the others, and a
// plan revokes them together. A secret that holds several values
// (a list of fingerprints) HOLDS a secret of one of them, but not the
// reverse: that value does not give its other values.
func (v *view) linkSameValues() {
	type group struct{ copies, holders []string }
	groups := map[string]*group{}
	for _, n := range v.byKind[graph.NodeSecret] {
		prints := graph.SplitList(n.Attr(graph.AttrFingerprint))
		for _, fp := range prints {
			g := groups[fp]
			if g == nil {
				g = &group{}
				groups[fp] = g
			}
			if len(prints) == 1 {
				g.copies = append(g.copies, n.ID)
			} else {
				g.holders = append(g.holders, n.ID)
			}
		}
	}
	prints := make([]string, 0, len(groups))
	for fp, g := range groups {
		if len(g.copies) > 0 && len(g.copies)+len(g.holders) > 1 {
			prints = append(prints, fp)
		}
	}
	sort.Strings(prints)
	for _, fp := range prints {
		g := groups[fp]
		slices.Sort(g.copies)
		slices.Sort(g.holders)
		// The copies join through the first, so that a value written
		// in many places costs edges in proportion to them.
		hub := g.copies[0]
		for _, id := range g.copies[1:] {
			v.addEdge(v.sameValueEdge(hub, id, fp))
			v.addEdge(v.sameValueEdge(id, hub, fp))
		}
		for _, id := range g.holders {
			v.addEdge(v.sameValueEdge(id, hub, fp))
		}
	}
}

// sameValueEdge returns the HOLDS edge between two secrets of one value.
// It is certain between values that CI scripts give as credentials. Other
// secrets (a Terraform variable, a Kubernetes secret's key) may hold a
// short, common value, such as a namespace's name, so the edge between
// them is possible.
func (v *view) sameValueEdge(from, to, fp string) graph.Edge {
	e := graph.Edge{From: from, To: to, Kind: graph.EdgeHolds, Confidence: graph.Possible}
	reason := "both hold the same value (fingerprint " + fp + "), which may be a common one"
	src, okFrom := v.node(from)
	dst, okTo := v.node(to)
	if okTo {
		e.Pos = dst.Pos
	}
	if okFrom && okTo && src.Attr("type") == literalType && dst.Attr("type") == literalType {
		e.Confidence = graph.Certain
		reason = "both hold the same token (fingerprint " + fp + ")"
	}
	e.Attrs = map[string]string{graph.AttrVia: "same-value", graph.AttrReason: reason}
	return e
}

// literalType is the type of a secret that a CI script writes out as a
// literal: a token by its shape, or the value of an option that takes
// nothing but a credential.
const literalType = "inline-value"
