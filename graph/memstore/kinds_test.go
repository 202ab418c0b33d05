package memstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// randomBatch asserts random nodes and edges from a few sources. Writes in
// turn leave base rows that a later write retires, asserts again or leaves
// alone. Some nodes get different kinds from different sources, and some
// edges have ends that no source declares.
func randomBatch(r *rand.Rand, at time.Time) *graph.Batch {
	b := &graph.Batch{Time: at}
	sources := []string{"a.tf", "b.json", "c.yml", "d.lock"}
	edgeKinds := []graph.EdgeKind{graph.EdgeDependsOn, graph.EdgeExecutes, graph.EdgeExposes, graph.EdgeCanAccess}
	for _, src := range sources {
		if r.IntN(4) == 0 {
			continue // this write leaves the source's facts as they were
		}
		b.Replace = append(b.Replace, src)
		for range r.IntN(30) {
			n := graph.Node{
				ID:   fmt.Sprintf("n%02d", r.IntN(40)),
				Kind: graph.NodeKinds[r.IntN(3)],
				Pos:  graph.Pos{File: src, Line: 1 + r.IntN(9)},
			}
			if r.IntN(2) == 0 {
				n.SetAttr("k", fmt.Sprint(r.IntN(3)))
			}
			b.Nodes = append(b.Nodes, n)
		}
		for range r.IntN(60) {
			e := graph.Edge{
				From: fmt.Sprintf("n%02d", r.IntN(45)), To: fmt.Sprintf("n%02d", r.IntN(45)),
				Kind: edgeKinds[r.IntN(len(edgeKinds))], Confidence: graph.Possible,
				Pos: graph.Pos{File: src, Line: 1 + r.IntN(9)},
			}
			if r.IntN(2) == 0 {
				e.Confidence = graph.Certain
			}
			b.Edges = append(b.Edges, e)
		}
	}
	return b
}

// What the deriver reads by kind through a write in progress equals what
// the store holds once that write is built. The reads through the
// overlay merge the base's rows with the write's new records; the store's
// reads walk the columns of the built version.
func TestOverlayKindReadsMatchBuild(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 7))
		s := New()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		for write := range 4 {
			var seenNodes []graph.Node
			var seenEdges []graph.Edge
			derive := func(ctx context.Context, rd graph.Reader) ([]graph.Node, []graph.Edge, error) {
				seenNodes, seenEdges, _ = everything(t, noStats{rd})
				return nil, nil, nil
			}
			b := randomBatch(r, at.Add(time.Duration(write)*time.Hour))
			if err := s.Write(ctx, b, derive); err != nil {
				t.Fatal(err)
			}
			wantNodes, wantEdges, _ := everything(t, s)
			if diff := cmp.Diff(wantNodes, seenNodes); diff != "" {
				t.Fatalf("seed %d, write %d: nodes through the overlay (-built +overlay):\n%s", seed, write, diff)
			}
			if diff := cmp.Diff(wantEdges, seenEdges); diff != "" {
				t.Fatalf("seed %d, write %d: edges through the overlay (-built +overlay):\n%s", seed, write, diff)
			}
			if write > 0 && len(wantNodes) == 0 {
				t.Fatalf("seed %d, write %d: the random graph is empty", seed, write)
			}
		}
	}
}

// noStats replaces Stats with an empty result, because a reader through
// an overlay computes Stats by building the whole write.
type noStats struct{ graph.Reader }

func (noStats) Stats(context.Context) (graph.Stats, error) { return graph.Stats{}, nil }
