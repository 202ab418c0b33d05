// Package memstore is the embedded graph store: the whole graph in process
// memory, persisted to one file that is replaced atomically on every write.
//
// Facts are kept per source (an input file, or graph.DerivedSource), so a
// write can replace one file's facts without touching the others. A
// node or edge is visible while at least one source asserts it; its merged
// view takes each attribute from the first source, in source order, that
// sets it.
package memstore

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// Store is an in-memory graph.Store. The zero value is not usable; call New
// or Open.
type Store struct {
	mu   sync.RWMutex
	path string // "" when the store is not persisted
	st   *state
}

type state struct {
	nodes     map[string]*nodeRec
	edges     map[graph.EdgeKey]*edgeRec
	out       map[string][]graph.EdgeKey
	in        map[string][]graph.EdgeKey
	bySource  map[string]*sourceRec
	lastWrite time.Time
}

type sourceRec struct {
	Nodes []string
	Edges []graph.EdgeKey
}

type nodeFact struct {
	Source string
	Pos    graph.Pos
	Kind   graph.NodeKind
	Label  string
	Attrs  map[string]string
}

type nodeRec struct {
	ID        string
	Facts     []nodeFact // sorted by Source
	FirstSeen time.Time
	LastSeen  time.Time
	merged    graph.Node
}

type edgeFact struct {
	Source     string
	Pos        graph.Pos
	Confidence graph.Confidence
	Attrs      map[string]string
	Evidence   *graph.Evidence
}

type edgeRec struct {
	Key       graph.EdgeKey
	Facts     []edgeFact // sorted by Source
	FirstSeen time.Time
	LastSeen  time.Time
	merged    graph.Edge
}

func newState() *state {
	return &state{
		nodes:    map[string]*nodeRec{},
		edges:    map[graph.EdgeKey]*edgeRec{},
		out:      map[string][]graph.EdgeKey{},
		in:       map[string][]graph.EdgeKey{},
		bySource: map[string]*sourceRec{},
	}
}

// New returns an empty store that lives only in memory.
func New() *Store { return &Store{st: newState()} }

// Write applies a batch and its derived facts atomically. On error the
// store keeps its previous content, in memory and on disk.
func (s *Store) Write(ctx context.Context, b *graph.Batch, derive graph.DeriveFunc) error {
	for _, n := range b.Nodes {
		if err := graph.CheckNode(n); err != nil {
			return err
		}
	}
	for _, e := range b.Edges {
		if err := graph.CheckEdge(e); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	tx := newTxn(s.st)
	replace := append([]string(nil), b.Replace...)
	for _, n := range b.Nodes {
		replace = append(replace, n.Pos.File)
	}
	for _, e := range b.Edges {
		replace = append(replace, e.Pos.File)
	}
	if derive != nil {
		// derive reads the graph without the facts it derived last time.
		replace = append(replace, graph.DerivedSource)
	}
	for _, src := range dedupe(replace) {
		tx.retireSource(src)
	}
	for _, n := range b.Nodes {
		tx.putNode(n.Pos.File, n, b.Time)
	}
	for _, e := range b.Edges {
		tx.putEdge(e.Pos.File, e, b.Time)
	}
	tx.finish()

	if derive != nil {
		nodes, edges, err := derive(ctx, &reader{st: s.st})
		if err != nil {
			tx.rollback()
			return fmt.Errorf("derive edges: %w", err)
		}
		tx.retireSource(graph.DerivedSource)
		for _, n := range nodes {
			tx.putNode(graph.DerivedSource, n, b.Time)
		}
		for _, e := range edges {
			tx.putEdge(graph.DerivedSource, e, b.Time)
		}
		tx.finish()
	}
	if err := ctx.Err(); err != nil {
		tx.rollback()
		return err
	}
	s.st.lastWrite = b.Time
	if s.path != "" {
		if err := save(s.path, s.st); err != nil {
			tx.rollback()
			return err
		}
	}
	return nil
}

// Nodes returns the nodes with the given ids.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return (&reader{st: s.st}).Nodes(ctx, ids)
}

// NodesByKind returns every node of a kind, sorted by id.
func (s *Store) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return (&reader{st: s.st}).NodesByKind(ctx, kind)
}

// Expand returns the edges of the given kinds at the given nodes.
func (s *Store) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return (&reader{st: s.st}).Expand(ctx, ids, dir, kinds...)
}

// EdgesByKind returns every edge of a kind.
func (s *Store) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return (&reader{st: s.st}).EdgesByKind(ctx, kind)
}

// Stats counts nodes and edges by kind.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return (&reader{st: s.st}).Stats(ctx)
}

// Close releases the store. The file is already up to date after every
// write, so Close has nothing to flush.
func (s *Store) Close() error { return nil }

// reader reads a state without locking; the caller holds the lock.
type reader struct{ st *state }

func (r *reader) Nodes(_ context.Context, ids []string) ([]graph.Node, error) {
	out := make([]graph.Node, 0, len(ids))
	for _, id := range ids {
		if rec, ok := r.st.nodes[id]; ok {
			out = append(out, rec.merged)
		}
	}
	return out, nil
}

func (r *reader) NodesByKind(_ context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	var out []graph.Node
	for _, rec := range r.st.nodes {
		if rec.merged.Kind == kind {
			out = append(out, rec.merged)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (r *reader) Expand(_ context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	adj := r.st.out
	if dir == graph.In {
		adj = r.st.in
	}
	var out []graph.Edge
	for _, id := range ids {
		for _, k := range adj[id] {
			if len(kinds) > 0 && !hasKind(kinds, k.Kind) {
				continue
			}
			out = append(out, r.st.edges[k].merged)
		}
	}
	return out, nil
}

func (r *reader) EdgesByKind(_ context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	var out []graph.Edge
	for k, rec := range r.st.edges {
		if k.Kind == kind {
			out = append(out, rec.merged)
		}
	}
	sortEdges(out)
	return out, nil
}

func (r *reader) Stats(_ context.Context) (graph.Stats, error) {
	st := graph.Stats{
		Nodes:       len(r.st.nodes),
		Edges:       len(r.st.edges),
		NodesByKind: map[graph.NodeKind]int{},
		EdgesByKind: map[graph.EdgeKind]int{},
		Sources:     len(r.st.bySource),
		LastWrite:   r.st.lastWrite,
	}
	for _, rec := range r.st.nodes {
		st.NodesByKind[rec.merged.Kind]++
	}
	for k := range r.st.edges {
		st.EdgesByKind[k.Kind]++
	}
	return st, nil
}

func hasKind(kinds []graph.EdgeKind, k graph.EdgeKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func sortEdges(es []graph.Edge) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.To < b.To
	})
}

func dedupe(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
