package memstore

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// A node or edge with one fact reads the same through the overlay's fast
// path as through the general merge.
func TestOneFactMatchesMerge(t *testing.T) {
	first := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	last := first.Add(time.Hour)
	ev := &graph.Evidence{Count: 2, Actions: []string{"s3:GetObject"}}
	nodes := []nodeFact{
		{Source: "a.tf", Pos: graph.Pos{File: "a.tf", Line: 3}, Kind: graph.NodeIdentity, Label: "deployer"},
		{Source: "b.json", Pos: graph.Pos{File: "b.json"}, Kind: graph.NodeSecret, Attrs: map[string]string{}},
		{Source: "c.yml", Pos: graph.Pos{File: "c.yml", Line: 9}, Kind: graph.NodeRuntime, Attrs: map[string]string{"repository": "example-org/app", graph.AttrObserved: "true"}},
	}
	for _, f := range nodes {
		got := oneFactNode("id:1", f, first, last)
		want := graph.MergeNode("id:1", []nodeFact{f}, first, last)
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("node of %s (-got +want):\n%s", f.Source, diff)
		}
	}
	k := graph.EdgeKey{From: "id:1", Kind: graph.EdgeObserved, To: "id:2"}
	edges := []edgeFact{
		{Source: "a.tf", Pos: graph.Pos{File: "a.tf", Line: 3}, Confidence: graph.Certain},
		{Source: "b.json", Pos: graph.Pos{File: "b.json"}, Confidence: graph.Possible, Attrs: map[string]string{}},
		{Source: "c.yml", Confidence: "", Attrs: map[string]string{"via": "env"}, Evidence: ev},
	}
	for _, f := range edges {
		got := oneFactEdge(k, f, first, last)
		want := graph.MergeEdge(k, []edgeFact{f}, first, last)
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("edge of %s (-got +want):\n%s", f.Source, diff)
		}
	}
}

// The overlay lists the records of the derived source only, since a write
// retires every other source before it puts that source's facts. A
// retire of the derived source after its puts removes them; a retire of
// another source after its puts would keep them, so it panics.
func TestRetireAfterPut(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ov := newOverlay(emptyBase(), now, 0, 0)
	ov.putNode(graph.DerivedSource, &graph.Node{ID: "id:1", Kind: graph.NodeIdentity})
	ov.putEdge(graph.DerivedSource, &graph.Edge{From: "id:1", To: "id:2", Kind: graph.EdgeCanAssume})
	ov.retire(graph.DerivedSource)
	if n := len(ov.nodes["id:1"].facts); n != 0 {
		t.Errorf("node keeps %d facts of the derived source after its retire, want 0", n)
	}
	if n := len(ov.edges[graph.EdgeKey{From: "id:1", Kind: graph.EdgeCanAssume, To: "id:2"}].facts); n != 0 {
		t.Errorf("edge keeps %d facts of the derived source after its retire, want 0", n)
	}

	ov.putNode("a.tf", &graph.Node{ID: "id:3", Kind: graph.NodeIdentity})
	defer func() {
		if recover() == nil {
			t.Error("retire of a.tf after its put did not panic")
		}
	}()
	ov.retire("a.tf")
}
