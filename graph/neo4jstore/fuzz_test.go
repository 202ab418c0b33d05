package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// sim replays writes as Write does, with the records in memory instead of
// on a server: each phase loads every record, applies the change, and
// keeps the records some source still asserts.
type sim struct {
	nodes map[string]*nodeRec
	edges map[graph.EdgeKey]*edgeRec
}

func (s *sim) phase(now time.Time, fs *factSet) {
	c := newChange(now)
	for id, r := range s.nodes {
		cp := *r
		cp.facts = append([]nodeFact(nil), r.facts...)
		c.nodes[id] = &cp
	}
	for k, r := range s.edges {
		cp := *r
		cp.facts = append([]edgeFact(nil), r.facts...)
		c.edges[k] = &cp
	}
	c.retire(fs.replace)
	for _, n := range fs.nodes {
		c.putNode(fs.source(n.Pos), n)
	}
	for _, e := range fs.edges {
		c.putEdge(fs.source(e.Pos), e)
	}
	s.nodes, s.edges = map[string]*nodeRec{}, map[graph.EdgeKey]*edgeRec{}
	for id, r := range c.nodes {
		if len(r.facts) > 0 {
			s.nodes[id] = r
		}
	}
	for k, r := range c.edges {
		if len(r.facts) > 0 {
			s.edges[k] = r
		}
	}
}

// fuzzInput turns bytes into small writes over a few ids, files and kinds,
// so that facts collide often.
type fuzzInput struct{ data []byte }

func (in *fuzzInput) next(n int) int {
	if len(in.data) == 0 {
		return 0
	}
	b := in.data[0]
	in.data = in.data[1:]
	return int(b) % n
}

var (
	fuzzIDs   = []string{"x", "y", "z"}
	fuzzFiles = []string{"a.yml", "b.tf", "c.json"}
	fuzzVals  = []string{"", "v1", "v2"}
)

func (in *fuzzInput) attrs() map[string]string {
	var m map[string]string
	for _, k := range []string{"k1", "k2"} {
		if v := fuzzVals[in.next(3)]; v != "" {
			if m == nil {
				m = map[string]string{}
			}
			m[k] = v
		}
	}
	return m
}

func (in *fuzzInput) pos(derived bool) graph.Pos {
	if derived {
		return graph.Pos{File: graph.DerivedSource}
	}
	return graph.Pos{File: fuzzFiles[in.next(3)], Line: in.next(4)}
}

func (in *fuzzInput) facts(derived bool) ([]graph.Node, []graph.Edge) {
	var nodes []graph.Node
	var edges []graph.Edge
	for range in.next(6) {
		if in.next(2) == 0 {
			kind := []graph.NodeKind{graph.NodePackage, graph.NodeRuntime}[in.next(2)]
			nodes = append(nodes, graph.Node{ID: fuzzIDs[in.next(3)], Kind: kind, Label: fuzzVals[in.next(3)],
				Pos: in.pos(derived), Attrs: in.attrs()})
			continue
		}
		e := graph.Edge{From: fuzzIDs[in.next(3)], To: fuzzIDs[in.next(3)],
			Kind:       []graph.EdgeKind{graph.EdgeExecutes, graph.EdgeObserved}[in.next(2)],
			Confidence: []graph.Confidence{"", graph.Possible, graph.Certain}[in.next(3)],
			Pos:        in.pos(derived), Attrs: in.attrs()}
		if in.next(2) == 1 {
			e.Evidence = &graph.Evidence{}
			e.Evidence.Add(t0.Add(time.Duration(in.next(5))*time.Hour), "s3:GetObject", fuzzVals[in.next(3)], "", "", in.next(2) == 1, e.Pos)
		}
		edges = append(edges, e)
	}
	return nodes, edges
}

var errReferencePanic = errors.New("the embedded store panicked")

// writeReference writes to the embedded store and turns its panics into
// errors.
//
// NOTE: the embedded store panics when a write drops the last fact of a
// node or edge and derive asserts it again in the same write. The fuzz
// test skips such inputs, so TestDeriveRevivesDroppedNode covers the case.
func writeReference(ctx context.Context, ms *memstore.Store, b *graph.Batch, derive graph.DeriveFunc) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errReferencePanic, p)
		}
	}()
	return ms.Write(ctx, b, derive)
}

// FuzzMergeMatchesEmbeddedStore checks the merge rules of this package
// against the embedded store: after any sequence of writes both hold the
// same merged nodes and edges.
func FuzzMergeMatchesEmbeddedStore(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{7, 5, 0, 0, 0, 1, 2, 1, 1, 0, 1, 1, 2, 1, 0, 2, 1, 2, 2, 1, 1, 3, 0, 1, 2, 4, 1, 1, 0, 1, 1})
	f.Add([]byte("a write, a derive, a replace and a failed source, spelled in bytes"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		in := &fuzzInput{data: data}
		ms := memstore.New()
		sm := &sim{nodes: map[string]*nodeRec{}, edges: map[graph.EdgeKey]*edgeRec{}}
		for w := 0; w < 4 && len(in.data) > 0; w++ {
			b := &graph.Batch{Time: t0.Add(time.Duration(w) * time.Hour)}
			mask := in.next(8)
			for i, f := range fuzzFiles {
				if mask&(1<<i) != 0 {
					b.Replace = append(b.Replace, f)
				}
			}
			b.Nodes, b.Edges = in.facts(false)
			var derive graph.DeriveFunc
			dn, de := in.facts(true)
			if in.next(2) == 1 {
				derive = func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) { return dn, de, nil }
			}
			if err := writeReference(ctx, ms, b, derive); err != nil {
				if errors.Is(err, errReferencePanic) {
					t.Skip(err)
				}
				t.Fatal(err)
			}

			batch := &factSet{replace: append([]string(nil), b.Replace...), nodes: b.Nodes, edges: b.Edges}
			for _, n := range b.Nodes {
				batch.replace = append(batch.replace, n.Pos.File)
			}
			for _, e := range b.Edges {
				batch.replace = append(batch.replace, e.Pos.File)
			}
			batch.replace = dedupe(batch.replace)
			sm.phase(b.Time, batch)
			if derive != nil {
				sm.phase(b.Time, &factSet{replace: []string{graph.DerivedSource}, nodes: dn, edges: de, derived: true})
			}

			want, err := ms.Nodes(ctx, fuzzIDs)
			if err != nil {
				t.Fatal(err)
			}
			var got []graph.Node
			for _, id := range fuzzIDs {
				if r := sm.nodes[id]; r != nil {
					got = append(got, graph.MergeNode(id, r.facts, r.first, r.last))
				}
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("write %d: nodes (-memstore +merge):\n%s", w, diff)
			}
			for _, kind := range []graph.EdgeKind{graph.EdgeExecutes, graph.EdgeObserved} {
				want, err := ms.EdgesByKind(ctx, kind)
				if err != nil {
					t.Fatal(err)
				}
				var got []graph.Edge
				for k, r := range sm.edges {
					if k.Kind == kind {
						got = append(got, graph.MergeEdge(k, r.facts, r.first, r.last))
					}
				}
				sort.Slice(got, func(i, j int) bool { return edgeLess(got[i].Key(), got[j].Key()) })
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("write %d: %s edges (-memstore +merge):\n%s", w, kind, diff)
				}
			}
		}
	})
}
