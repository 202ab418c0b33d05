// Package export writes a blast radius, or the whole graph, in formats
// other tools read: Graphviz DOT, Mermaid, CSV, GraphML and BloodHound
// OpenGraph JSON.
//
// It also writes a revocation plan as a Markdown runbook. The runbook's
// commands are printed for a person to run and are never executed.
package export

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// Formats lists the graph formats Write accepts.
var Formats = []string{"dot", "mermaid", "csv", "graphml", "opengraph"}

// Graph is the part of the graph to export: nodes sorted by id, edges by
// from, kind and to, and every edge joining two listed nodes.
type Graph struct {
	Nodes []graph.Node
	Edges []graph.Edge
	// Starts marks the nodes a blast radius starts from.
	Starts map[string]bool
}

// walked lists the edge kinds a blast radius follows (forwards or
// backwards); an export of a blast radius shows edges of these kinds.
var walked = []graph.EdgeKind{
	graph.EdgeDependsOn, graph.EdgeExecutes, graph.EdgeVersionOf,
	graph.EdgeExposes, graph.EdgeRunsOn, graph.EdgeAuthenticatesAs, graph.EdgeHolds,
	graph.EdgeCanAssume, graph.EdgeCanReadSecret, graph.EdgeCanMint, graph.EdgeCanModify,
	graph.EdgeCanPublish, graph.EdgeCanAccess, graph.EdgeDefines, graph.EdgeObserved,
	graph.EdgeCanGrant,
}

// FromResult returns the nodes of a blast radius (its starts included)
// and the edges among them of the kinds the walk follows, without log
// records of denied calls only and lockfile-scoped dependencies.
func FromResult(ctx context.Context, r graph.Reader, res *query.Result) (*Graph, error) {
	g := &Graph{Starts: map[string]bool{}}
	in := map[string]bool{}
	for _, s := range res.Starts {
		g.Starts[s.ID] = true
		if !in[s.ID] {
			in[s.ID] = true
			g.Nodes = append(g.Nodes, s)
		}
	}
	for _, x := range res.Reached {
		if !in[x.Node.ID] {
			in[x.Node.ID] = true
			g.Nodes = append(g.Nodes, x.Node)
		}
	}
	ids := make([]string, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	kinds := walked
	if res.AssumedAppFlaws {
		kinds = append(append([]graph.EdgeKind(nil), walked...), graph.AppInputKinds...)
	}
	es, err := r.Expand(ctx, ids, graph.Out, kinds...)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if !in[e.To] || !shown(e) {
			continue
		}
		g.Edges = append(g.Edges, e)
	}
	g.sort()
	return g, nil
}

// shown drops edges a blast radius never walks: log records of denied
// calls only, and dependencies scoped to one lockfile.
func shown(e graph.Edge) bool {
	switch e.Kind {
	case graph.EdgeObserved:
		if e.Evidence != nil {
			return e.Evidence.Count > 0
		}
		return e.Attr("denied_only") != "true"
	case graph.EdgeDependsOn:
		return e.Attr(graph.AttrLockfile) == ""
	}
	return true
}

// Whole returns every node and edge of the graph.
func Whole(ctx context.Context, r graph.Reader) (*Graph, error) {
	g := &Graph{Starts: map[string]bool{}}
	for _, k := range graph.NodeKinds {
		ns, err := r.NodesByKind(ctx, k)
		if err != nil {
			return nil, err
		}
		g.Nodes = append(g.Nodes, ns...)
	}
	for _, k := range graph.EdgeKinds {
		es, err := r.EdgesByKind(ctx, k)
		if err != nil {
			return nil, err
		}
		g.Edges = append(g.Edges, es...)
	}
	// Edges may end at ids no input declares (a resource only a policy
	// names); they get a node made from the id alone.
	have := map[string]bool{}
	for _, n := range g.Nodes {
		have[n.ID] = true
	}
	for _, e := range g.Edges {
		for _, id := range []string{e.From, e.To} {
			if !have[id] {
				have[id] = true
				g.Nodes = append(g.Nodes, graph.Node{ID: id})
			}
		}
	}
	g.sort()
	return g, nil
}

func (g *Graph) sort() {
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	sort.Slice(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.To < b.To
	})
}

// Write writes g in one of Formats.
func Write(w io.Writer, format string, g *Graph) error {
	switch format {
	case "dot":
		return WriteDOT(w, g)
	case "mermaid":
		return WriteMermaid(w, g)
	case "csv":
		return WriteCSV(w, g)
	case "graphml":
		return WriteGraphML(w, g)
	case "opengraph":
		return WriteOpenGraph(w, g)
	}
	return fmt.Errorf("unknown export format %q", format)
}

// unknownKind names the kind of a node made from an edge's end alone.
const unknownKind = "Unknown"

func kindOf(n graph.Node) string {
	if n.Kind == "" {
		return unknownKind
	}
	return string(n.Kind)
}

// label returns a node's display name.
func label(n graph.Node) string {
	if n.Label != "" {
		return n.Label
	}
	return n.ID
}
