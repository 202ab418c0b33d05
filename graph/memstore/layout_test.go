package memstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// everything returns every node, edge and the stats of a store.
func everything(t *testing.T, s graph.Reader) ([]graph.Node, []graph.Edge, graph.Stats) {
	t.Helper()
	ctx := context.Background()
	var ns []graph.Node
	for _, k := range graph.NodeKinds {
		got, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		ns = append(ns, got...)
	}
	var es []graph.Edge
	for _, k := range graph.EdgeKinds {
		got, err := s.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, got...)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ns, es, st
}

// mixedBatch holds every case the columns encode differently: a label
// other than the id, a node two sources assert, an edge with evidence,
// a possible edge, an edge whose ends no source declares, attributes.
func mixedBatch(at time.Time) *graph.Batch {
	ev := &graph.Evidence{}
	ev.Add(at, "s3:GetObject", "198.51.100.7", "aws-cli/2", "AKIAEXAMPLE", false, graph.Pos{File: "trail.json", Line: 3})
	user := "arn:aws:iam::111122223333:user/ci"
	return &graph.Batch{
		Time: at,
		Nodes: []graph.Node{
			{ID: user, Kind: graph.NodeIdentity, Label: "ci", Pos: graph.Pos{File: "iam.tf", Line: 4}, Attrs: map[string]string{"type": "user"}},
			{ID: user, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "a.json", Line: 2}, Attrs: map[string]string{"path": "/"}},
			{ID: "pkg:npm/left@1.0.0", Kind: graph.NodePackage, Label: "pkg:npm/left@1.0.0", Pos: graph.Pos{File: "lock.json", Line: 9}},
			{ID: "secret:gha:example-org/app/KEY", Kind: graph.NodeSecret, Pos: graph.Pos{File: "ci.yml", Line: 1}, Attrs: map[string]string{"name": "KEY"}},
		},
		Edges: []graph.Edge{
			{From: user, To: "arn:aws:s3:::logs", Kind: graph.EdgeObserved, Evidence: ev, Pos: graph.Pos{File: "trail.json", Line: 3}},
			{From: "secret:gha:example-org/app/KEY", To: user, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Possible, Pos: graph.Pos{File: "ci.yml", Line: 7}},
			{From: "runtime:gha:example-org/app/ci.yml#build", To: "pkg:npm/left@1.0.0", Kind: graph.EdgeExecutes,
				Pos: graph.Pos{File: "lock.json", Line: 9}, Attrs: map[string]string{"lockfile": "lock.json", "chain": "left"}},
		},
	}
}

func TestReopenKeepsEveryField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// A derived edge keeps the position of the file it was derived from.
	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return nil, []graph.Edge{{From: "arn:aws:iam::111122223333:user/ci", To: "arn:aws:s3:::logs", Kind: graph.EdgeCanAccess,
			Pos: graph.Pos{File: "iam.tf", Line: 4}, Attrs: map[string]string{"level": "read"}}}, nil
	}
	if err := s.Write(context.Background(), mixedBatch(t0), derive); err != nil {
		t.Fatal(err)
	}
	// A second write replaces one source and keeps the others.
	b := &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"a.json"}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	wn, we, ws := everything(t, s)
	gn, ge, gs := everything(t, r)
	if diff := cmp.Diff(wn, gn); diff != "" {
		t.Errorf("nodes after reopen (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(we, ge); diff != "" {
		t.Errorf("edges after reopen (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ws, gs); diff != "" {
		t.Errorf("stats after reopen (-want +got):\n%s", diff)
	}
	// Worked out from the batches: four nodes' worth of facts minus a.json's
	// path attribute; the user keeps iam.tf's label and type.
	ns, _ := r.Nodes(context.Background(), []string{"arn:aws:iam::111122223333:user/ci"})
	if len(ns) != 1 || ns[0].Label != "ci" || ns[0].Attr("type") != "user" || ns[0].Attr("path") != "" || len(ns[0].Also) != 0 {
		t.Errorf("user after reopen = %+v, want label ci, type user, no path", ns)
	}
	if gs.Nodes != 3 || gs.Edges != 4 || gs.Sources != 5 {
		t.Errorf("stats = %d nodes, %d edges, %d sources; want 3, 4, 5", gs.Nodes, gs.Edges, gs.Sources)
	}
	acc, _ := r.Expand(context.Background(), []string{"arn:aws:s3:::logs"}, graph.In, graph.EdgeCanAccess)
	if len(acc) != 1 || acc[0].Pos != (graph.Pos{File: "iam.tf", Line: 4}) || acc[0].Attr("level") != "read" {
		t.Errorf("derived edge after reopen = %+v, want iam.tf:4 with level read", acc)
	}
	es, _ := r.Expand(context.Background(), []string{"arn:aws:s3:::logs"}, graph.In, graph.EdgeObserved)
	if len(es) != 1 || es[0].Evidence == nil || es[0].Evidence.Count != 1 {
		t.Errorf("observed edge after reopen = %+v, want one call of evidence", es)
	}
}

func TestOldFormatNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	// Format 3 kept one value per fact and a hash table of ids.
	for _, v := range []string{"2", "3"} {
		if err := os.WriteFile(path, []byte("blastradius-memstore-"+v+"\nrest of an old file"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), `format "`+v+`"`) || !strings.Contains(err.Error(), "ingest again") {
			t.Errorf("Open of a format %s file: %v, want an error naming the format and what to do", v, err)
		}
	}
	if err := os.WriteFile(path, []byte("something else entirely"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "not a blastradius store file") {
		t.Errorf("Open of a foreign file: %v, want not a store file", err)
	}
}

// TestReadsDuringWrites reads while another goroutine writes; run it with
// -race. Every read returns one whole version: the runtime and its secret
// appear together.
func TestReadsDuringWrites(t *testing.T) {
	s := New()
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 30; i++ {
			if err := s.Write(ctx, crashBatch(i%5, 50), nil); err != nil {
				t.Error(err)
			}
		}
		close(stop)
	}()
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		default:
		}
		st, _ := s.Stats(ctx)
		if st.Nodes%2 != 0 || st.Nodes/2 != st.Edges {
			t.Fatalf("stats of a half-written version: %d nodes, %d edges", st.Nodes, st.Edges)
		}
		es, _ := s.Expand(ctx, []string{fmt.Sprintf("runtime:r%d-7", 1)}, graph.Out)
		for _, e := range es {
			if e.From == "" || e.To == "" {
				t.Fatalf("edge without ends: %+v", e)
			}
		}
	}
	wg.Wait()
}
