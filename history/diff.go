package history

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	oldNodes, err := allNodes(ctx, from)
	if err != nil {
		return nil, err
	}
	newNodes, err := allNodes(ctx, to)
	if err != nil {
		return nil, err
	}
	d.NodesAdded, d.NodesRemoved = minus(newNodes, oldNodes), minus(oldNodes, newNodes)

	oldEdges, err := allEdges(ctx, from)
	if err != nil {
		return nil, err
	}
	newEdges, err := allEdges(ctx, to)
	if err != nil {
		return nil, err
	}
	d.EdgesAdded, d.EdgesRemoved = minus(newEdges, oldEdges), minus(oldEdges, newEdges)

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

func allNodes(ctx context.Context, r graph.Reader) (keyed[graph.Node], error) {
	var list []graph.Node
	for _, k := range graph.NodeKinds {
		ns, err := r.NodesByKind(ctx, k)
		if err != nil {
			return keyed[graph.Node]{}, err
		}
		list = append(list, ns...)
	}
	return index(list, func(n graph.Node) string { return n.ID }), nil
}

func allEdges(ctx context.Context, r graph.Reader) (keyed[graph.Edge], error) {
	var list []graph.Edge
	for _, k := range graph.EdgeKinds {
		es, err := r.EdgesByKind(ctx, k)
		if err != nil {
			return keyed[graph.Edge]{}, err
		}
		list = append(list, es...)
	}
	return index(list, func(e graph.Edge) string { return e.Key().String() }), nil
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
