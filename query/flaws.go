package query

import (
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
)

// Application flaws. An edge of graph.AppInputKinds states that a principal
// can send input to a runtime (or receive what a runtime sends). By
// default the walk does not follow such edges: the input never shows
// that the code receiving the input can be made to run the sender's code
// or to send a secret it holds. Options.AssumeAppFlaws assumes it, and
// each such step is then possible, its reason naming the assumption.

// assumption is the sentence a step through an application input edge
// adds to its reason.
func assumption(k graph.EdgeKind, via string) string {
	switch {
	case k == graph.EdgeCanReceive:
		return "assumes the runtime sends the secret it holds in its messages"
	case via == graph.ViaLoadedCode:
		return "assumes the runtime loads the object again (a restart or a new instance runs its configuration), so the writer's code runs there"
	}
	return "assumes the runtime's input handling is exploitable, so the sender may run code there"
}

// appInput reports whether k is an application input kind.
func appInput(k graph.EdgeKind) bool {
	return slices.Contains(graph.AppInputKinds, k)
}

// forwardKinds returns the edge kinds walked from source to target.
func forwardKinds(opt Options) []graph.EdgeKind {
	if !opt.AssumeAppFlaws {
		return forward
	}
	return append(append([]graph.EdgeKind(nil), forward...), graph.AppInputKinds...)
}

// assumeAppFlaws makes each application input edge among es a possible
// step whose reason names the assumption. It changes es in place and
// gives each changed edge attributes of its own.
func assumeAppFlaws(es []graph.Edge) {
	for i := range es {
		e := &es[i]
		if !appInput(e.Kind) || e.Attr(graph.AttrVia) == graph.ViaPodNetwork {
			continue
		}
		attrs := make(map[string]string, len(e.Attrs)+1)
		for k, v := range e.Attrs {
			attrs[k] = v
		}
		attrs[graph.AttrReason] = joinReason(attrs[graph.AttrReason], assumption(e.Kind, attrs[graph.AttrVia]))
		e.Attrs = attrs
		e.Confidence = graph.Possible
	}
}

// joinReason appends the assumption to an edge's reason.
func joinReason(reason, assumed string) string {
	if reason == "" {
		return assumed
	}
	return reason + "; " + assumed
}
