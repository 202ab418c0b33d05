package neo4jstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// BenchmarkWrite re-ingests a lockfile-shaped graph of 5000 packages in
// 50 files with 2 edges each, and a derive that reads it all back.
func BenchmarkWrite(b *testing.B) {
	s := openTest(b, 0)
	batch := &graph.Batch{Time: t0}
	pkg := func(i int) string { return fmt.Sprintf("pkg:npm/p%d@1.0.0", i) }
	for i := 0; i < 5000; i++ {
		f := fmt.Sprintf("lock-%d.json", i%50)
		batch.Replace = append(batch.Replace, f)
		batch.Nodes = append(batch.Nodes, graph.Node{ID: pkg(i), Kind: graph.NodePackage, Pos: graph.Pos{File: f, Line: i + 1}})
		if i > 0 {
			batch.Edges = append(batch.Edges,
				graph.Edge{From: pkg(i), Kind: graph.EdgeDependsOn, To: pkg(i / 2), Pos: graph.Pos{File: f, Line: i + 1}},
				graph.Edge{From: pkg(i), Kind: graph.EdgeLocks, To: pkg(i - 1), Pos: graph.Pos{File: f, Line: i + 1}})
		}
	}
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		if _, err := r.NodesByKind(ctx, graph.NodePackage); err != nil {
			return nil, nil, err
		}
		_, err := r.EdgesByKind(ctx, graph.EdgeDependsOn)
		return nil, nil, err
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Write(context.Background(), batch, derive); err != nil {
			b.Fatal(err)
		}
	}
}
