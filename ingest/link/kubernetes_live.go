package link

import (
	"fmt"
	"maps"
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
)

// boundBy is a binding that names an identity, with the confidence that
// the cluster binds the identity now.
type boundBy struct {
	b    graph.Node
	conf graph.Confidence
	// undecided is the reason a binding is possible: only a manifest
	// names the subject.
	undecided string
}

// liveBinding returns a binding as the cluster states it: where a dump
// (graph.AttrLiveExport) states it, its role and position are the
// dump's, of two dumps the later one's (graph.Node.LiveFacts).
func liveBinding(b graph.Node) graph.Node {
	b = withIDParts(b)
	b.SetAttr("role", b.PolicyAttr("role"))
	if lf := b.LiveFacts(); len(lf) > 0 {
		b.Pos = lf[0].Pos
	}
	return b
}

// liveBinding returns the binding b as the cluster states it
// (liveBinding), once for each role that the latest dumps of its objects
// name, with the uids of the objects that name it. A binding of one name
// in two clusters is one node, and each cluster's object may name another
// role. Ids carry no cluster, so a subject that the dump of one object
// names is bound to another object's role only possibly (boundToRole).
func liveBindings(b graph.Node) []liveVariant {
	base := liveBinding(b)
	out := []liveVariant{{b: base}}
	for _, f := range b.LatestLiveFacts() {
		role := f.Attrs["role"]
		if role == "" {
			continue
		}
		i := slices.IndexFunc(out, func(lv liveVariant) bool { return lv.b.Attr("role") == role })
		if i < 0 {
			n := base
			n.Attrs = maps.Clone(base.Attrs)
			n.SetAttr("role", role)
			n.Pos = f.Pos
			out = append(out, liveVariant{b: n})
			i = len(out) - 1
		}
		out[i].uids = append(out[i].uids, f.Attrs[graph.AttrLiveUID])
	}
	return out
}

// liveVariant is a binding as one or more objects of its name state it:
// their uids, none when no dump names its role.
type liveVariant struct {
	b    graph.Node
	uids []string
}

// boundToRole reports whether the subject of edge e, HAS_POLICY subject
// -> binding, is named by a dump of one of the objects uids.
func boundToRole(e graph.Edge, uids []string) bool {
	if len(e.Facts) == 0 {
		return e.Attr(graph.AttrLiveExport) == "true" && slices.Contains(uids, e.Attr(graph.AttrLiveUID))
	}
	for _, f := range e.Facts {
		if f.Attrs[graph.AttrLiveExport] == "true" && slices.Contains(uids, f.Attrs[graph.AttrLiveUID]) {
			return true
		}
	}
	return false
}

// subjectInForce decides whether binding b binds the subject of edge e,
// HAS_POLICY subject -> b, in the cluster. Without a dump of the binding,
// every input's subjects are bound. With one, the dump's subjects are
// bound, certain. A subject that only a manifest names is bound possibly,
// because an apply of the manifest writes its subjects again. One that
// only an older dump of an object names is not bound (ok is false), where
// the dumps of each object (uid, one per cluster) count on their own.
func subjectInForce(b graph.Node, e graph.Edge) (conf graph.Confidence, undecided string, ok bool) {
	if b.Attr(graph.AttrLiveExport) != "true" {
		return graph.Certain, "", true
	}
	dump := b.Pos
	if lf := b.LiveFacts(); len(lf) > 0 {
		dump = lf[0].Pos
	}
	latest := b.LatestLiveVersions()
	var manifest *graph.Pos
	check := func(attrs map[string]string, pos graph.Pos) bool {
		if attrs[graph.AttrLiveExport] == "true" {
			// Each object of the name (one per cluster) binds the
			// subjects of its own latest dump.
			version, ok := latest[attrs[graph.AttrLiveUID]]
			return !ok || attrs[graph.AttrResourceVersion] == version
		}
		if manifest == nil {
			manifest = &pos
		}
		return false
	}
	if len(e.Facts) == 0 {
		if check(e.Attrs, e.Pos) {
			return graph.Certain, "", true
		}
	}
	for _, f := range e.Facts {
		if check(f.Attrs, f.Pos) {
			return graph.Certain, "", true
		}
	}
	if manifest == nil {
		return "", "", false
	}
	return graph.Possible, fmt.Sprintf("the dump of the cluster (%s) does not name the subject, which %s names: it is not bound now, and an apply of that manifest would bind it again",
		dump.File, manifest.String()), true
}
