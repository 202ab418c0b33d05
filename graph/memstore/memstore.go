// Package memstore is the embedded graph store: the whole graph in process
// memory, persisted to one file that is replaced atomically on every write.
//
// Facts are kept per source (an input file, or graph.DerivedSource), so a
// write can replace one file's facts without touching the others. A
// node or edge is visible while at least one source asserts it; its merged
// view takes each attribute from the first source, in source order, that
// sets it.
//
// The graph is held in compact columns (see base): ids are numbered, edges
// are grouped by their source node and kind in one direction and by their
// target node and kind in the other, and every other string is stored
// once. A version is never changed: a write builds the next version beside
// it and swaps it in, so readers need no lock and never wait for a writer.
package memstore

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// Store is an in-memory graph.Store. The zero value is not usable; call New
// or Open.
type Store struct {
	wmu  sync.Mutex // serialises writers
	path string     // "" when the store is not persisted
	cur  atomic.Pointer[base]
	log  *slog.Logger
}

// SetLogger makes Write log how long each of its parts took, at debug
// level.
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

// logger returns the store's logger, or one that drops every record.
func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.log
}

// New returns an empty store that lives only in memory.
func New() *Store {
	s := &Store{}
	s.cur.Store(emptyBase())
	return s
}

// Write applies a batch and its derived facts atomically. On error the
// store keeps its previous content, in memory and on disk.
func (s *Store) Write(ctx context.Context, b *graph.Batch, derive graph.DeriveFunc) error {
	for n := range b.AllNodes() {
		if err := graph.CheckNode(*n); err != nil {
			return err
		}
	}
	for e := range b.AllEdges() {
		if err := graph.CheckEdge(*e); err != nil {
			return err
		}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	log := s.logger()
	start := time.Now()

	// Nothing below reads the batch after its facts are in the overlay,
	// so a caller that drops it lets the collector free it while the
	// linker runs.
	now := b.Time
	// Files repeat facts: in a generated organisation of 100k nodes, a
	// node is asserted five times (a package by every lockfile that pins
	// it) and an edge twice. The edge map is sized for as many derived
	// edges again, about what the linker adds there, so that it does not
	// grow while they are put.
	nn, ne := b.Len()
	ov := newOverlay(s.cur.Load(), now, nn/4, ne)
	replace := append([]string(nil), b.Replace...)
	// A batch lists each file's facts together, so appending a source
	// only when it differs from the last keeps the list short.
	for n := range b.AllNodes() {
		if last := len(replace) - 1; last < 0 || replace[last] != n.Pos.File {
			replace = append(replace, n.Pos.File)
		}
	}
	for e := range b.AllEdges() {
		if last := len(replace) - 1; last < 0 || replace[last] != e.Pos.File {
			replace = append(replace, e.Pos.File)
		}
	}
	if derive != nil {
		// derive reads the graph without the facts it derived last time.
		replace = append(replace, graph.DerivedSource)
	}
	for _, src := range dedupe(replace) {
		ov.retire(src)
	}
	// Node and edge puts share no state: they run on two cores.
	ov.byKind = nil
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := range b.AllNodes() {
			ov.putNode(n.Pos.File, n)
		}
	})
	for e := range b.AllEdges() {
		ov.putEdge(e.Pos.File, e)
	}
	wg.Wait()
	log.Debug("facts put", "node_facts", nn, "edge_facts", ne, "nodes", len(ov.nodes), "edges", len(ov.edges), "took", since(start))

	bl := ov.newBuilder()
	if derive != nil {
		primed := make(chan struct{})
		go func() {
			defer close(primed)
			// The build meets any error again, and Write returns
			// when ctx is done.
			_ = bl.prime(ctx)
		}()
		stepStart := time.Now()
		nodes, edges, err := derive(ctx, &view{b: ov.b, ov: ov})
		<-primed
		if err != nil {
			return fmt.Errorf("derive edges: %w", err)
		}
		log.Debug("facts derived", "took", since(stepStart))
		stepStart = time.Now()
		ov.phase = 2
		ov.byKind = nil
		ov.retire(graph.DerivedSource)
		for i := range nodes {
			ov.putNode(graph.DerivedSource, &nodes[i])
		}
		for i := range edges {
			ov.putEdge(graph.DerivedSource, &edges[i])
		}
		log.Debug("derived facts put", "took", since(stepStart))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stepStart := time.Now()
	next, err := bl.build()
	if err != nil {
		return err
	}
	log.Debug("store built", "took", since(stepStart))
	next.lastWrite = now
	if s.path != "" {
		stepStart = time.Now()
		if err := save(s.path, next); err != nil {
			return err
		}
		log.Debug("store file written", "took", since(stepStart))
	}
	s.cur.Store(next)
	return nil
}

// since returns the time from t to now, rounded for a log line.
func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func (s *Store) view() *view { return &view{b: s.cur.Load()} }

// Nodes returns the nodes with the given ids.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	return s.view().Nodes(ctx, ids)
}

// NodesByKind returns every node of a kind, sorted by id.
func (s *Store) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	return s.view().NodesByKind(ctx, kind)
}

// Expand returns the edges of the given kinds at the given nodes.
func (s *Store) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	return s.view().Expand(ctx, ids, dir, kinds...)
}

// EdgesByKind returns every edge of a kind.
func (s *Store) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	return s.view().EdgesByKind(ctx, kind)
}

// Stats counts nodes and edges by kind.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	return s.view().Stats(ctx)
}

// Close releases the store. The file is already up to date after every
// write, so Close has nothing to flush.
func (s *Store) Close() error { return nil }

// view reads one base, through the overlay of a write in progress when ov
// is not nil.
type view struct {
	b  *base
	ov *overlay
}

func (v *view) Nodes(_ context.Context, ids []string) ([]graph.Node, error) {
	out := make([]graph.Node, 0, len(ids))
	for _, id := range ids {
		if v.ov != nil {
			if n, ok := v.ov.readNode(id); ok {
				out = append(out, n)
			}
			continue
		}
		if i, ok := v.b.lookup(id); ok && v.b.hasFacts(i) {
			out = append(out, v.b.node(i))
		}
	}
	return out, nil
}

func (v *view) NodesByKind(_ context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	var out []graph.Node
	b := v.b
	for i := uint32(0); int(i) < b.ids.len(); i++ {
		if v.ov == nil || v.ov.baseRowUntouched(i) {
			if b.hasFacts(i) && b.nodeKind(i) == kind {
				out = append(out, b.node(i))
			}
			continue
		}
		if n, ok := v.ov.readRow(i); ok && n.Kind == kind {
			out = append(out, n)
		}
	}
	if v.ov == nil {
		return out, nil // rows are in id order
	}
	added := readParallel(v.ov.kinds().nodes[kind], v.ov.readRec)
	// Both lists are in id order, and no id is in both.
	return mergeSorted(out, added, func(x, y *graph.Node) bool { return x.ID < y.ID }), nil
}

func (v *view) Expand(_ context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	b := v.b
	mask := b.kindMask(kinds)
	var out []graph.Edge
	add := func(e, from uint32) {
		if !mask[b.eKind[e]] {
			return
		}
		if v.ov == nil {
			out = append(out, b.edge(e, from))
		} else if ed, ok := v.ov.readEdge(e, from); ok {
			out = append(out, ed)
		}
	}
	for _, id := range ids {
		if i, ok := b.lookup(id); ok {
			if dir == graph.Out {
				for e := b.outStart[i]; e < b.outStart[i+1]; e++ {
					add(e, i)
				}
			} else {
				for j := b.inStart[i]; j < b.inStart[i+1]; j++ {
					if e := b.inEdges[j]; mask[b.eKind[e]] {
						add(e, b.from(e))
					}
				}
			}
		}
		if v.ov == nil {
			continue
		}
		ends := v.ov.newEnds()
		recs := ends.out[id]
		if dir == graph.In {
			recs = ends.in[id]
		}
		for _, rec := range recs {
			if len(kinds) > 0 && !hasKind(kinds, rec.key.Kind) {
				continue
			}
			if ed, ok := v.ov.readEdgeRec(rec); ok {
				out = append(out, ed)
			}
		}
	}
	return out, nil
}

func (v *view) EdgesByKind(_ context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	b := v.b
	var out []graph.Edge
	if k, ok := b.edgeKindIndex(kind); ok {
		for from := uint32(0); int(from) < b.ids.len(); from++ {
			for e := b.outStart[from]; e < b.outStart[from+1]; e++ {
				if b.eKind[e] != k {
					continue
				}
				if v.ov == nil {
					out = append(out, b.edge(e, from))
				} else if ed, ok := v.ov.readEdge(e, from); ok {
					out = append(out, ed)
				}
			}
		}
	}
	if v.ov == nil {
		return out, nil // rows are in (from, kind, to) order
	}
	added := readParallel(v.ov.kinds().edges[kind], v.ov.readEdgeRec)
	// Both lists are in (from, to) order, and no edge is in both.
	return mergeSorted(out, added, func(x, y *graph.Edge) bool {
		if x.From != y.From {
			return x.From < y.From
		}
		return x.To < y.To
	}), nil
}

func (v *view) Stats(ctx context.Context) (graph.Stats, error) {
	b := v.b
	st := graph.Stats{
		NodesByKind: map[graph.NodeKind]int{},
		EdgesByKind: map[graph.EdgeKind]int{},
		LastWrite:   b.lastWrite,
	}
	if v.ov == nil {
		st.Nodes, st.Edges, st.Sources = b.nodes, len(b.eKind), b.sources
		for k, n := range b.nodeCount {
			st.NodesByKind[k] = n
		}
		for k, n := range b.edgeCount {
			st.EdgesByKind[k] = n
		}
		return st, nil
	}
	// A write in progress: count what a build would keep.
	next, err := v.ov.build()
	if err != nil {
		return st, err
	}
	next.lastWrite = b.lastWrite
	return (&view{b: next}).Stats(ctx)
}

func hasKind(kinds []graph.EdgeKind, k graph.EdgeKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
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
