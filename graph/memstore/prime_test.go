package memstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// The build takes the numbers of the batch's facts from prime, which
// numbers them while the deriver runs. A derived fact that lands on a
// record the batch made must drop those numbers: otherwise the build
// reads the next record's numbers for the record's second fact.
func TestDerivedFactsOnPrimedRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	at := func(line int) graph.Pos { return graph.Pos{File: "ci.yml", Line: line} }
	b := &graph.Batch{
		Time: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Nodes: []graph.Node{
			{ID: "job", Kind: graph.NodeRuntime, Pos: at(1), Attrs: map[string]string{"a": "1"}},
			{ID: "key", Kind: graph.NodeSecret, Pos: at(2), Attrs: map[string]string{"c": "3"}},
		},
		Edges: []graph.Edge{
			{From: "job", To: "key", Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: at(3),
				Attrs: map[string]string{"via": "env"}},
			{From: "key", To: "job", Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: at(4),
				Attrs: map[string]string{"via": "file"}},
		},
	}
	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return []graph.Node{{ID: "job", Kind: graph.NodeRuntime, Attrs: map[string]string{"b": "2"}}},
			[]graph.Edge{{From: "job", To: "key", Kind: graph.EdgeExposes, Confidence: graph.Certain,
				Attrs: map[string]string{"reason": "derived"}}}, nil
	}
	if err := s.Write(ctx, b, derive); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]graph.Reader{"after the write": s, "after reopening": reopened} {
		jobs, _ := r.Nodes(ctx, []string{"job"})
		if len(jobs) != 1 || jobs[0].Attr("a") != "1" || jobs[0].Attr("b") != "2" || jobs[0].Attr("c") != "" {
			t.Errorf("%s: job = %+v, want attributes a=1 and b=2 only", name, jobs)
		}
		out, _ := r.Expand(ctx, []string{"job"}, graph.Out, graph.EdgeExposes)
		if len(out) != 1 || out[0].Confidence != graph.Certain || out[0].Attr("via") != "env" ||
			out[0].Attr("reason") != "derived" || len(out[0].Also) != 1 || out[0].Also[0] != at(3) {
			t.Errorf("%s: job's edge = %+v, want certain, via env, reason derived, also at ci.yml:3", name, out)
		}
		back, _ := r.Expand(ctx, []string{"key"}, graph.Out, graph.EdgeExposes)
		if len(back) != 1 || back[0].Attr("via") != "file" || back[0].Attr("reason") != "" {
			t.Errorf("%s: key's edge = %+v, want via file only", name, back)
		}
	}
}
