package whatif

import (
	"context"
	"sort"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
)

// Overlay is a graph.Reader that shows a base graph with changes applied
// in memory: nodes put or deleted, edges put or deleted. The base is
// never written. Deleting a node hides its edges too.
type Overlay struct {
	base graph.Reader

	nodes    map[string]graph.Node
	delNodes map[string]bool
	edges    map[graph.EdgeKey]graph.Edge
	delEdges map[graph.EdgeKey]bool

	// ends indexes the keys of edges by each end for Expand, built on the
	// first read after a change. A re-derived overlay holds every derived
	// edge, 1.8 million in the generated organisation of a million nodes.
	mu   sync.Mutex
	ends *edgeEnds
}

type edgeEnds struct {
	out, in map[string][]graph.EdgeKey
}

// NewOverlay returns an overlay with no changes over base.
func NewOverlay(base graph.Reader) *Overlay {
	return &Overlay{base: base, nodes: map[string]graph.Node{}, delNodes: map[string]bool{},
		edges: map[graph.EdgeKey]graph.Edge{}, delEdges: map[graph.EdgeKey]bool{}}
}

// PutNode adds a node or replaces one of the base.
func (o *Overlay) PutNode(n graph.Node) {
	// The edited node is one statement of its own: the sources' facts,
	// such as an exported document the rules would read in place of the
	// edited one, no longer apply.
	n.Facts = nil
	delete(o.delNodes, n.ID)
	o.nodes[n.ID] = n
}

// DeleteNode hides a node and every edge that touches it.
func (o *Overlay) DeleteNode(id string) {
	delete(o.nodes, id)
	o.delNodes[id] = true
}

// PutEdge adds an edge or replaces the base's edge of the same key.
func (o *Overlay) PutEdge(e graph.Edge) {
	delete(o.delEdges, e.Key())
	if _, ok := o.edges[e.Key()]; !ok {
		o.dropEnds()
	}
	o.edges[e.Key()] = e
}

// DeleteEdge hides an edge.
func (o *Overlay) DeleteEdge(k graph.EdgeKey) {
	if _, ok := o.edges[k]; ok {
		o.dropEnds()
		delete(o.edges, k)
	}
	o.delEdges[k] = true
}

func (o *Overlay) dropEnds() {
	o.mu.Lock()
	o.ends = nil
	o.mu.Unlock()
}

// endIndex returns the index of the overlay's edges by end, building it
// when a change dropped it.
func (o *Overlay) endIndex() *edgeEnds {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ends == nil {
		ix := &edgeEnds{out: map[string][]graph.EdgeKey{}, in: map[string][]graph.EdgeKey{}}
		for k := range o.edges {
			ix.out[k.From] = append(ix.out[k.From], k)
			ix.in[k.To] = append(ix.in[k.To], k)
		}
		o.ends = ix
	}
	return o.ends
}

func (o *Overlay) edgeVisible(k graph.EdgeKey) bool {
	return !o.delEdges[k] && !o.delNodes[k.From] && !o.delNodes[k.To]
}

// Nodes returns the nodes with the given ids, skipping unknown ids.
func (o *Overlay) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	var fromBase []string
	for _, id := range ids {
		if _, ok := o.nodes[id]; !ok && !o.delNodes[id] {
			fromBase = append(fromBase, id)
		}
	}
	base, err := o.base.Nodes(ctx, fromBase)
	if err != nil {
		return nil, err
	}
	byID := map[string]graph.Node{}
	for _, n := range base {
		byID[n.ID] = n
	}
	out := make([]graph.Node, 0, len(ids))
	for _, id := range ids {
		if n, ok := o.nodes[id]; ok {
			out = append(out, n)
		} else if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// NodesByKind returns every node of a kind, sorted by id.
func (o *Overlay) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	base, err := o.base.NodesByKind(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Node, 0, len(base))
	for _, n := range base {
		if _, ok := o.nodes[n.ID]; ok || o.delNodes[n.ID] {
			continue
		}
		out = append(out, n)
	}
	for _, n := range o.nodes {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Expand returns the edges of the given kinds that leave (Out) or enter
// (In) any of the given nodes; no kinds means every kind.
func (o *Overlay) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	base, err := o.base.Expand(ctx, ids, dir, kinds...)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Edge, 0, len(base))
	for _, e := range base {
		if _, ok := o.edges[e.Key()]; ok || !o.edgeVisible(e.Key()) {
			continue
		}
		out = append(out, e)
	}
	if len(o.edges) == 0 {
		return out, nil
	}
	want := map[graph.EdgeKind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	ix := o.endIndex()
	byEnd := ix.out
	if dir == graph.In {
		byEnd = ix.in
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, k := range byEnd[id] {
			if (len(kinds) == 0 || want[k.Kind]) && o.edgeVisible(k) {
				out = append(out, o.edges[k])
			}
		}
	}
	return out, nil
}

// EdgesByKind returns every edge of a kind.
func (o *Overlay) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	base, err := o.base.EdgesByKind(ctx, kind)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Edge, 0, len(base))
	for _, e := range base {
		if _, ok := o.edges[e.Key()]; ok || !o.edgeVisible(e.Key()) {
			continue
		}
		out = append(out, e)
	}
	for k, e := range o.edges {
		if k.Kind == kind && o.edgeVisible(k) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Stats counts nodes and edges by kind as the overlay shows them.
func (o *Overlay) Stats(ctx context.Context) (graph.Stats, error) {
	st, err := o.base.Stats(ctx)
	if err != nil {
		return graph.Stats{}, err
	}
	out := graph.Stats{NodesByKind: map[graph.NodeKind]int{}, EdgesByKind: map[graph.EdgeKind]int{}, Sources: st.Sources, LastWrite: st.LastWrite}
	for _, k := range graph.NodeKinds {
		ns, err := o.NodesByKind(ctx, k)
		if err != nil {
			return graph.Stats{}, err
		}
		if len(ns) > 0 {
			out.NodesByKind[k] = len(ns)
			out.Nodes += len(ns)
		}
	}
	for _, k := range graph.EdgeKinds {
		es, err := o.EdgesByKind(ctx, k)
		if err != nil {
			return graph.Stats{}, err
		}
		if len(es) > 0 {
			out.EdgesByKind[k] = len(es)
			out.Edges += len(es)
		}
	}
	return out, nil
}

// node returns the overlay's view of one node.
func (o *Overlay) node(ctx context.Context, id string) (graph.Node, bool, error) {
	ns, err := o.Nodes(ctx, []string{id})
	if err != nil || len(ns) == 0 {
		return graph.Node{}, false, err
	}
	return ns[0], true, nil
}
