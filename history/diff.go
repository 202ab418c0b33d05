package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

// errReadOnly is the error of every Write to a snapshot.
var errReadOnly = errors.New("a snapshot is read-only: ingest into the current store instead")

// snapshotStore is a snapshot's graph: every read of the embedded store,
// and a Write that always fails.
type snapshotStore struct{ *memstore.Store }

func (snapshotStore) Write(context.Context, *graph.Batch, graph.DeriveFunc) error { return errReadOnly }

// Open loads a snapshot's graph, read-only.
func Open(s Snapshot) (graph.Store, error) {
	if _, err := os.Stat(s.Path); err != nil {
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	st, err := memstore.Open(s.Path)
	if err != nil {
		return nil, fmt.Errorf("open snapshot of %s: %w", s.Time.Format(time.RFC3339), err)
	}
	return snapshotStore{st}, nil
}

// Path is one explaining path of a blast radius: the hops from a start
// node to the reached node To, in the attacker's direction.
type Path struct {
	To   string      `json:"to"`
	Hops []query.Hop `json:"hops"`
}

// String renders the path as one line, e.g.
// "pkg:npm/x@1 <-EXECUTES- runtime:a -EXPOSES-> secret:b".
func (p Path) String() string {
	if len(p.Hops) == 0 {
		return p.To
	}
	var b strings.Builder
	first := p.Hops[0]
	if first.Reversed {
		b.WriteString(first.To)
	} else {
		b.WriteString(first.From)
	}
	for _, h := range p.Hops {
		if h.Reversed {
			fmt.Fprintf(&b, " <-%s- %s", h.Kind, h.From)
		} else {
			fmt.Fprintf(&b, " -%s-> %s", h.Kind, h.To)
		}
	}
	return b.String()
}

// Diff is the set of changes to the graph between two snapshots.
type Diff struct {
	From Snapshot `json:"from"`
	To   Snapshot `json:"to"`
	// Query is the start whose blast-radius paths were compared; empty
	// when none was given.
	Query        string       `json:"query,omitempty"`
	NodesAdded   []graph.Node `json:"nodesAdded"`
	NodesRemoved []graph.Node `json:"nodesRemoved"`
	EdgesAdded   []graph.Edge `json:"edgesAdded"`
	EdgesRemoved []graph.Edge `json:"edgesRemoved"`
	PathsAdded   []Path       `json:"pathsAdded"`
	PathsRemoved []Path       `json:"pathsRemoved"`
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return len(d.NodesAdded)+len(d.NodesRemoved)+len(d.EdgesAdded)+len(d.EdgesRemoved)+
		len(d.PathsAdded)+len(d.PathsRemoved) == 0
}

// Compare lists the nodes and edges that to has and from lacks (added)
// and the reverse (removed), by id and by from, kind and to. With a
// non-empty start it also compares the explaining paths of both blast
// radii: a path is added when the newer graph reaches its node along it
// and the older does not. A start that matches nothing in one graph
// reaches nothing there, and one that matches nothing in either is
// query.ErrNoMatch.
func Compare(ctx context.Context, from, to graph.Reader, start query.Start, opt query.Options) (*Diff, error) {
	d := &Diff{NodesAdded: []graph.Node{}, NodesRemoved: []graph.Node{}, EdgesAdded: []graph.Edge{},
		EdgesRemoved: []graph.Edge{}, PathsAdded: []Path{}, PathsRemoved: []Path{}}
	var err error
	d.NodesAdded, d.NodesRemoved, err = nodeChanges(ctx, from, to)
	if err != nil {
		return nil, err
	}

	d.EdgesAdded, d.EdgesRemoved, err = edgeChanges(ctx, from, to)
	if err != nil {
		return nil, err
	}

	if start.Empty() {
		return d, nil
	}
	d.Query = start.String()
	oldPaths, oldMatched, err := paths(ctx, from, start, opt)
	if err != nil {
		return nil, err
	}
	newPaths, newMatched, err := paths(ctx, to, start, opt)
	if err != nil {
		return nil, err
	}
	if !oldMatched && !newMatched {
		return nil, fmt.Errorf("%w in either snapshot: %s", query.ErrNoMatch, d.Query)
	}
	d.PathsAdded, d.PathsRemoved = minus(newPaths, oldPaths), minus(oldPaths, newPaths)
	return d, nil
}

// keyed maps the keys of a snapshot's items to the items, with the keys
// sorted.
type keyed[T any] struct {
	keys  []string
	items map[string]T
}

func index[T any](list []T, key func(T) string) keyed[T] {
	k := keyed[T]{items: make(map[string]T, len(list))}
	for _, x := range list {
		id := key(x)
		if _, dup := k.items[id]; !dup {
			k.keys = append(k.keys, id)
		}
		k.items[id] = x
	}
	sort.Strings(k.keys)
	return k
}

// minus returns the items of a whose keys b lacks, sorted by key.
func minus[T any](a, b keyed[T]) []T {
	out := []T{}
	for _, k := range a.keys {
		if _, ok := b.items[k]; !ok {
			out = append(out, a.items[k])
		}
	}
	return out
}

// nodeChanges returns the nodes that to has and from lacks (added) and
// the reverse (removed), by id, each sorted by id. The snapshots are
// compared one kind at a time, as edgeChanges does. A node whose kind
// changed is in one kind's added and another's removed, and is dropped
// from both, since its id is in both snapshots.
func nodeChanges(ctx context.Context, from, to graph.Reader) (added, removed []graph.Node, err error) {
	added, removed = []graph.Node{}, []graph.Node{}
	for _, k := range graph.NodeKinds {
		old, err := from.NodesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		cur, err := to.NodesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		added = appendMissingNodes(added, cur, old)
		removed = appendMissingNodes(removed, old, cur)
	}
	addedIDs, removedIDs := ids(added), ids(removed)
	added = slices.DeleteFunc(added, func(n graph.Node) bool { return removedIDs[n.ID] })
	removed = slices.DeleteFunc(removed, func(n graph.Node) bool { return addedIDs[n.ID] })
	byID := func(ns []graph.Node) []graph.Node {
		sort.SliceStable(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
		return ns
	}
	return byID(added), byID(removed), nil
}

func ids(ns []graph.Node) map[string]bool {
	out := make(map[string]bool, len(ns))
	for _, n := range ns {
		out[n.ID] = true
	}
	return out
}

// appendMissingNodes appends to out the nodes of a whose ids b lacks.
func appendMissingNodes(out, a, b []graph.Node) []graph.Node {
	inB := make(map[string]struct{}, len(b))
	for _, n := range b {
		inB[n.ID] = struct{}{}
	}
	for _, n := range a {
		if _, ok := inB[n.ID]; !ok {
			out = append(out, n)
		}
	}
	return out
}

// edgeChanges returns the edges that to has and from lacks (added) and
// the reverse (removed), each sorted by key. An edge's key holds its
// kind, so the snapshots are compared one kind at a time, and only that
// kind's edges are held at once: the generated organisation of a million
// nodes has five million edges.
func edgeChanges(ctx context.Context, from, to graph.Reader) (added, removed []graph.Edge, err error) {
	added, removed = []graph.Edge{}, []graph.Edge{}
	for _, k := range graph.EdgeKinds {
		old, err := from.EdgesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		cur, err := to.EdgesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		added = appendMissing(added, cur, old)
		removed = appendMissing(removed, old, cur)
	}
	return sortedEdges(added), sortedEdges(removed), nil
}

// appendMissing appends to out the edges of a whose keys b lacks.
func appendMissing(out, a, b []graph.Edge) []graph.Edge {
	inB := make(map[graph.EdgeKey]struct{}, len(b))
	for _, e := range b {
		inB[e.Key()] = struct{}{}
	}
	for _, e := range a {
		if _, ok := inB[e.Key()]; !ok {
			out = append(out, e)
		}
	}
	return out
}

// sortedEdges sorts edges by the text of their keys.
func sortedEdges(es []graph.Edge) []graph.Edge {
	keys := make([]string, len(es))
	order := make([]int, len(es))
	for i, e := range es {
		keys[i], order[i] = e.Key().String(), i
	}
	sort.Slice(order, func(i, j int) bool { return keys[order[i]] < keys[order[j]] })
	out := make([]graph.Edge, len(es))
	for i, j := range order {
		out[i] = es[j]
	}
	return out
}

// paths returns the explaining paths of start's blast radius in r, and
// whether start matched anything there.
func paths(ctx context.Context, r graph.Reader, start query.Start, opt query.Options) (keyed[Path], bool, error) {
	res, err := query.Run(ctx, r, start, opt)
	if errors.Is(err, query.ErrNoMatch) {
		return index([]Path(nil), Path.String), false, nil
	}
	if err != nil {
		return keyed[Path]{}, false, err
	}
	var list []Path
	for _, x := range res.Reached {
		list = append(list, Path{To: x.Node.ID, Hops: x.Path})
	}
	return index(list, Path.String), true, nil
}
