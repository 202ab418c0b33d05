package memstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/storetest"
)

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return New() })
}

func TestConformancePersisted(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s, err := Open(filepath.Join(t.TempDir(), "graph.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenGivesSameGraph(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := graph.Edge{From: "a", To: "b", Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: graph.Pos{File: "x.yml", Line: 2}}
	e.SetAttr("via", "env")
	b := &graph.Batch{
		Time:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Nodes: []graph.Node{{ID: "a", Kind: graph.NodeRuntime, Pos: graph.Pos{File: "x.yml", Line: 1}}},
		Edges: []graph.Edge{e},
	}
	if err := s.Write(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.Expand(ctx, []string{"a"}, graph.Out)
	want, _ := s.Expand(ctx, []string{"a"}, graph.Out)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges after reopen (-want +got):\n%s", diff)
	}
	if got[0].Confidence != graph.Possible || got[0].Attr("via") != "env" {
		t.Errorf("edge after reopen = %+v, want possible via env", got[0])
	}
}

// TestReopenKeepsKeyUses: each key's calls in an edge's evidence survive
// the store file. ASIAEXAMPLESESSION11 called at 03:10, and
// ASIAEXAMPLESESSION12 at 14:00 with a denied call at 15:00.
func TestReopenKeepsKeyUses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	ev.Add(day.Add(3*time.Hour+10*time.Minute), "lambda:Invoke", "", "", "ASIAEXAMPLESESSION11", false, graph.Pos{File: "ct.json", Line: 1})
	ev.Add(day.Add(14*time.Hour), "lambda:Invoke", "", "", "ASIAEXAMPLESESSION12", false, graph.Pos{File: "ct.json", Line: 2})
	ev.Add(day.Add(15*time.Hour), "lambda:Invoke", "", "", "ASIAEXAMPLESESSION12", true, graph.Pos{File: "ct.json", Line: 3})
	e := graph.Edge{From: "role", To: "fn", Kind: graph.EdgeObserved, Confidence: graph.Certain, Evidence: ev, Pos: graph.Pos{File: "ct.json", Line: 1}}
	if err := s.Write(ctx, &graph.Batch{Time: day, Edges: []graph.Edge{e}}, nil); err != nil {
		t.Fatal(err)
	}

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Expand(ctx, []string{"role"}, graph.Out, graph.EdgeObserved)
	if err != nil || len(got) != 1 || got[0].Evidence == nil {
		t.Fatalf("edges after reopen = %+v, %v; want one with evidence", got, err)
	}

	want := []graph.KeyUse{
		{Key: "ASIAEXAMPLESESSION11", First: day.Add(3*time.Hour + 10*time.Minute), Last: day.Add(3*time.Hour + 10*time.Minute),
			LastAllowed: day.Add(3*time.Hour + 10*time.Minute), Count: 1,
			Detailed: true, Actions: []string{"lambda:Invoke"}, Records: []graph.Pos{{File: "ct.json", Line: 1}}},
		{Key: "ASIAEXAMPLESESSION12", First: day.Add(14 * time.Hour), Last: day.Add(15 * time.Hour), LastAllowed: day.Add(14 * time.Hour), Count: 1, Denied: 1,
			Detailed: true, Actions: []string{"lambda:Invoke"}, Records: []graph.Pos{{File: "ct.json", Line: 2}, {File: "ct.json", Line: 3}}},
	}
	if diff := cmp.Diff(want, got[0].Evidence.KeyUses); diff != "" {
		t.Errorf("key uses after reopen (-want +got):\n%s", diff)
	}
}

func TestDamagedFileRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s, _ := Open(path)
	b := &graph.Batch{Nodes: []graph.Node{{ID: "a", Kind: graph.NodeRuntime, Pos: graph.Pos{File: "f"}}}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)-40] ^= 0xff
	os.WriteFile(path, data, 0o600)
	if _, err := Open(path); err == nil {
		t.Fatal("Open of a damaged file succeeded, want an error")
	}
	os.WriteFile(path, data[:len(data)/2], 0o600)
	if _, err := Open(path); err == nil {
		t.Fatal("Open of a truncated file succeeded, want an error")
	}
}
