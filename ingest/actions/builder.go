package actions

import (
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// builder appends facts to a Result once each: a node or edge met again
// only fills in attributes it lacked. It gathers the facts in reused
// slices, and flush appends them to the Result in one step, so that the
// Result's slices are allocated once at their length.
type builder struct {
	file string
	// host is the GitHub host of the file's repository, "" for
	// github.com. Each node with an AttrRepository gets it as its
	// AttrRepositoryHost.
	host  string
	res   *ingest.Result
	s     *scratch
	nodes map[string]int // index in s.nodes
	edges map[graph.EdgeKey]int
}

// scratch holds the facts of one file until flush.
type scratch struct {
	nodes []graph.Node
	edges []graph.Edge
}

// appendExact is append, but when dst has to grow the new array has
// exactly the length needed: the pipeline copies a result whose slices
// have much unused capacity.
func appendExact[T any](dst, src []T) []T {
	if cap(dst)-len(dst) >= len(src) {
		return append(dst, src...)
	}
	out := make([]T, len(dst), len(dst)+len(src))
	copy(out, dst)
	return append(out, src...)
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

func newBuilder(file string, res *ingest.Result) *builder {
	return &builder{
		file: file, res: res, s: scratches.Get().(*scratch),
		nodes: map[string]int{}, edges: map[graph.EdgeKey]int{},
	}
}

// flush appends the facts to the Result. The builder is not used after.
func (b *builder) flush() {
	s := b.s
	b.res.Nodes = appendExact(b.res.Nodes, s.nodes)
	b.res.Edges = appendExact(b.res.Edges, s.edges)
	clear(s.nodes)
	clear(s.edges)
	s.nodes, s.edges = s.nodes[:0], s.edges[:0]
	b.s = nil
	scratches.Put(s)
}

// attrs is a set of attributes. Empty values are not stored.
type attrs map[string]string

// clean removes the empty values from a and returns it, or nil when none
// is left. The map becomes the fact's own: node and edge take the maps
// they are given, and callers build a new one for each call and change
// none after it.
func (a attrs) clean() map[string]string {
	for k, v := range a {
		if v == "" {
			delete(a, k)
		}
	}
	if len(a) == 0 {
		return nil
	}
	return a
}

func (b *builder) node(id string, kind graph.NodeKind, label string, line int, a attrs) {
	if b.host != "" && a[graph.AttrRepository] != "" && a[graph.AttrRepositoryHost] == "" {
		a[graph.AttrRepositoryHost] = b.host
	}
	if i, ok := b.nodes[id]; ok {
		n := &b.s.nodes[i]
		for k, v := range a {
			if v != "" && n.Attr(k) == "" {
				n.SetAttr(k, v)
			}
		}
		return
	}
	b.nodes[id] = len(b.s.nodes)
	b.s.nodes = append(b.s.nodes, graph.Node{
		ID:    id,
		Kind:  kind,
		Label: label,
		Attrs: a.clean(),
		Pos:   graph.Pos{File: b.file, Line: line},
	})
}

func (b *builder) edge(from string, kind graph.EdgeKind, to string, conf graph.Confidence, line int, a attrs) {
	key := graph.EdgeKey{From: from, Kind: kind, To: to}
	if i, ok := b.edges[key]; ok {
		e := &b.s.edges[i]
		for k, v := range a {
			if v != "" && e.Attr(k) == "" {
				e.SetAttr(k, v)
			}
		}
		if conf == graph.Certain {
			e.Confidence = graph.Certain
		}
		return
	}
	if conf == "" {
		// As ingest.Result.AddEdge sets it.
		conf = graph.Certain
	}
	b.edges[key] = len(b.s.edges)
	b.s.edges = append(b.s.edges, graph.Edge{
		From:       from,
		To:         to,
		Kind:       kind,
		Confidence: conf,
		Attrs:      a.clean(),
		Pos:        graph.Pos{File: b.file, Line: line},
	})
}

// toolRunPackages adds the Package nodes of a tool run: the name's, and
// the version's with its VERSION_OF when the command pins one. It returns
// the node the run executes, the version's or else the name's.
func (b *builder) toolRunPackages(r registry.ToolRun, line int) string {
	name, ver := r.Nodes(r.Eco)
	b.node(name.ID, graph.NodePackage, name.Label, line, name.Attrs)
	if ver == nil {
		return name.ID
	}
	b.node(ver.ID, graph.NodePackage, ver.Label, line, ver.Attrs)
	b.edge(ver.ID, graph.EdgeVersionOf, name.ID, graph.Certain, line, nil)
	return ver.ID
}
