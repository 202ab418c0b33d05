package memstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestRecordsKeepEverySource(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	s := New()
	b := &graph.Batch{Time: at,
		Nodes: []graph.Node{
			{ID: "pkg:npm/a@1.0.0", Kind: graph.NodePackage, Pos: graph.Pos{File: "r1/package-lock.json", Line: 4}, Attrs: map[string]string{"ecosystem": "npm"}},
			{ID: "pkg:npm/a@1.0.0", Kind: graph.NodePackage, Pos: graph.Pos{File: "r2/package-lock.json", Line: 9}},
			{ID: "repo:example-org/r1", Kind: graph.NodeRepository, Pos: graph.Pos{File: "r1/package-lock.json", Line: 1}},
		},
		Edges: []graph.Edge{
			{From: "repo:example-org/r1", Kind: graph.EdgeLocks, To: "pkg:npm/a@1.0.0", Pos: graph.Pos{File: "r1/package-lock.json", Line: 4}},
			{From: "repo:example-org/r2", Kind: graph.EdgeLocks, To: "pkg:npm/a@1.0.0", Pos: graph.Pos{File: "r2/package-lock.json", Line: 9},
				Confidence: graph.Possible, Attrs: map[string]string{"lockfile": "package-lock.json"}},
		},
	}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	nodes := slices.Collect(s.NodeRecords())
	wantNodes := []graph.NodeRecord{
		{ID: "pkg:npm/a@1.0.0", First: at, Last: at, Facts: []graph.NodeFact{
			{Source: "r1/package-lock.json", Pos: graph.Pos{File: "r1/package-lock.json", Line: 4}, Kind: graph.NodePackage, Attrs: map[string]string{"ecosystem": "npm"}},
			{Source: "r2/package-lock.json", Pos: graph.Pos{File: "r2/package-lock.json", Line: 9}, Kind: graph.NodePackage},
		}},
		// repo:example-org/r2 only ends an edge: it has no facts.
		{ID: "repo:example-org/r1", First: at, Last: at, Facts: []graph.NodeFact{
			{Source: "r1/package-lock.json", Pos: graph.Pos{File: "r1/package-lock.json", Line: 1}, Kind: graph.NodeRepository},
		}},
	}
	if diff := cmp.Diff(wantNodes, nodes); diff != "" {
		t.Errorf("node records (-want +got):\n%s", diff)
	}
	edges := slices.Collect(s.EdgeRecords())
	wantEdges := []graph.EdgeRecord{
		{Key: graph.EdgeKey{From: "repo:example-org/r1", Kind: graph.EdgeLocks, To: "pkg:npm/a@1.0.0"}, First: at, Last: at, Facts: []graph.EdgeFact{
			{Source: "r1/package-lock.json", Pos: graph.Pos{File: "r1/package-lock.json", Line: 4}, Confidence: graph.Certain},
		}},
		{Key: graph.EdgeKey{From: "repo:example-org/r2", Kind: graph.EdgeLocks, To: "pkg:npm/a@1.0.0"}, First: at, Last: at, Facts: []graph.EdgeFact{
			{Source: "r2/package-lock.json", Pos: graph.Pos{File: "r2/package-lock.json", Line: 9}, Confidence: graph.Possible, Attrs: map[string]string{"lockfile": "package-lock.json"}},
		}},
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edge records (-want +got):\n%s", diff)
	}
}
