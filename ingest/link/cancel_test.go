package link

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestForEachStopsWhenContextEnds ends the context in the first call:
// each worker finishes the chunk it holds and starts no other, so of 32
// chunks of 32 items at most two run.
func TestForEachStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v := &view{workers: 2, ctx: ctx, seenNodes: map[string]bool{}, seenEdges: map[graph.EdgeKey]int{}}
	items := make([]int, 1024)
	for i := range items {
		items[i] = i
	}
	var calls atomic.Int32
	forEach(v, items, func(w *view, i int) {
		if calls.Add(1) == 1 {
			cancel()
		}
		w.addEdge(graph.Edge{From: "runtime:a", To: fmt.Sprint("secret:", i), Kind: graph.EdgeExposes})
	})
	if got := calls.Load(); got > 64 {
		t.Errorf("%d calls after the context ended in the first, want at most 64", got)
	}
	if got := len(v.derivedEdges); int32(got) != calls.Load() {
		t.Errorf("%d edges kept from %d calls", got, calls.Load())
	}
}

// TestDeriveEndedContext derives with a context that ends at once: the
// linker returns its error and no edges.
func TestDeriveEndedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nodes, edges, err := (&Linker{}).Derive(ctx, emptyReader{})
	if err == nil || len(nodes)+len(edges) != 0 {
		t.Errorf("Derive = %d nodes, %d edges, %v; want none and the context's error", len(nodes), len(edges), err)
	}
}

type emptyReader struct{}

func (emptyReader) Nodes(context.Context, []string) ([]graph.Node, error) { return nil, nil }
func (emptyReader) NodesByKind(context.Context, graph.NodeKind) ([]graph.Node, error) {
	return nil, nil
}
func (emptyReader) Expand(context.Context, []string, graph.Direction, ...graph.EdgeKind) ([]graph.Edge, error) {
	return nil, nil
}
func (emptyReader) EdgesByKind(context.Context, graph.EdgeKind) ([]graph.Edge, error) {
	return nil, nil
}
func (emptyReader) Stats(context.Context) (graph.Stats, error) { return graph.Stats{}, nil }
