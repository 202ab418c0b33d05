package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

// write puts one batch into the store file db.
func write(t *testing.T, db string, b *graph.Batch) {
	t.Helper()
	s, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func names(list []Snapshot) []string {
	var out []string
	for _, s := range list {
		out = append(out, filepath.Base(s.Path))
	}
	return out
}

func TestRecordKeepsOldContent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	n := func(id string) graph.Node {
		return graph.Node{ID: id, Kind: graph.NodeSecret, Pos: graph.Pos{File: "a.yml", Line: 1}}
	}
	write(t, db, &graph.Batch{Time: t0, Nodes: []graph.Node{n("secret:one")}})
	if _, _, err := Record(db, t0, Retention{}); err != nil {
		t.Fatal(err)
	}
	write(t, db, &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"a.yml"}, Nodes: []graph.Node{n("secret:two")}})
	if _, _, err := Record(db, t0.Add(time.Hour), Retention{}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{t0, "secret:one"},
		{t0.Add(59 * time.Minute), "secret:one"},
		{t0.Add(time.Hour), "secret:two"},
		{t0.Add(48 * time.Hour), "secret:two"},
	} {
		snap, err := At(db, tc.at)
		if err != nil {
			t.Fatalf("At(%s): %v", tc.at, err)
		}
		s, err := Open(snap)
		if err != nil {
			t.Fatal(err)
		}
		ns, _ := s.NodesByKind(context.Background(), graph.NodeSecret)
		if len(ns) != 1 || ns[0].ID != tc.want {
			t.Errorf("as of %s: got %v, want only %s", tc.at, ns, tc.want)
		}
		if err := s.Write(context.Background(), &graph.Batch{}, nil); err == nil {
			t.Errorf("a snapshot accepted a write")
		}
	}
	if _, err := At(db, t0.Add(-time.Second)); !errors.Is(err, ErrNoSnapshot) {
		t.Errorf("At before the first snapshot: got %v, want ErrNoSnapshot", err)
	}
}

// Two runs in one second leave one snapshot, the later graph, and the
// second Record reports that it replaced the first.
func TestRecordSameSecond(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	write(t, db, &graph.Batch{Time: t0})
	first, _, err := Record(db, t0, Retention{})
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := Record(db, t0.Add(400*time.Millisecond), Retention{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Replaced {
		t.Error("the first snapshot of a second says it replaced one")
	}
	if !second.Replaced {
		t.Error("the second snapshot of a second does not say it replaced the first")
	}
	list, err := List(db)
	if err != nil || len(list) != 1 {
		t.Errorf("snapshots = %v, %v; want one", names(list), err)
	}
}

func TestRetention(t *testing.T) {
	for _, tc := range []struct {
		name string
		ret  Retention
		want []string
	}{
		{"keep all", Retention{}, []string{"2026-11-01T09:00:00Z.db", "2026-11-02T09:00:00Z.db", "2026-11-03T09:00:00Z.db", "2026-11-03T10:00:00Z.db"}},
		{"keep 2", Retention{Keep: 2}, []string{"2026-11-03T09:00:00Z.db", "2026-11-03T10:00:00Z.db"}},
		{"25 hours, the boundary kept", Retention{MaxAge: 25 * time.Hour}, []string{"2026-11-02T09:00:00Z.db", "2026-11-03T09:00:00Z.db", "2026-11-03T10:00:00Z.db"}},
		{"keep 1", Retention{Keep: 1}, []string{"2026-11-03T10:00:00Z.db"}},
		{"older than anything", Retention{MaxAge: time.Minute}, []string{"2026-11-03T10:00:00Z.db"}},
		{"one day", Retention{MaxAge: 24 * time.Hour}, []string{"2026-11-03T09:00:00Z.db", "2026-11-03T10:00:00Z.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "graph.db")
			write(t, db, &graph.Batch{Time: t0})
			for _, at := range []time.Time{t0.Add(-48 * time.Hour), t0.Add(-24 * time.Hour), t0} {
				if _, _, err := Record(db, at, Retention{}); err != nil {
					t.Fatal(err)
				}
			}
			// A stray file in the folder is neither listed nor removed.
			os.WriteFile(filepath.Join(Dir(db), "notes.txt"), nil, 0o600)
			if _, _, err := Record(db, t0.Add(time.Hour), tc.ret); err != nil {
				t.Fatal(err)
			}
			list, err := List(db)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(names(list), tc.want); diff != "" {
				t.Errorf("snapshots kept (-got +want):\n%s", diff)
			}
			if _, err := os.Stat(filepath.Join(Dir(db), "notes.txt")); err != nil {
				t.Errorf("stray file removed: %v", err)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * 24 * time.Hour, true},
		{"0", 0, true},
		{"720h", 720 * time.Hour, true},
		{"-1h", 0, false},
		{"d", 0, false},
		{"1.5d", 0, false},
		{"x", 0, false},
	} {
		got, err := ParseAge(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCompareAcrossKinds(t *testing.T) {
	ctx := context.Background()
	pos := graph.Pos{File: "main.tf", Line: 1}
	node := func(id string, kind graph.NodeKind) graph.Node { return graph.Node{ID: id, Kind: kind, Pos: pos} }
	edge := func(from string, kind graph.EdgeKind, to string) graph.Edge {
		return graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: pos}
	}
	// "moved" is a secret in the older graph and an identity in the newer
	// one: the same id, so neither added nor removed. The added nodes and
	// edges are listed in the order of their ids and keys, not of their
	// kinds (secrets come before identities, EXPOSES before CAN_ACCESS).
	older := memstore.New()
	if err := older.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{node("moved", graph.NodeSecret), node("job", graph.NodeRuntime)}}, nil); err != nil {
		t.Fatal(err)
	}
	newer := memstore.New()
	nodes := []graph.Node{node("moved", graph.NodeIdentity), node("job", graph.NodeRuntime),
		node("a-identity", graph.NodeIdentity), node("z-secret", graph.NodeSecret), node("b-bucket", graph.NodeResource)}
	edges := []graph.Edge{edge("job", graph.EdgeExposes, "z-secret"), edge("a-identity", graph.EdgeCanAccess, "b-bucket")}
	if err := newer.Write(ctx, &graph.Batch{Time: t0, Nodes: nodes, Edges: edges}, nil); err != nil {
		t.Fatal(err)
	}

	d, err := Compare(ctx, older, newer, query.Start{}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}

	var added, removed, addedEdges []string
	for _, n := range d.NodesAdded {
		added = append(added, n.ID)
	}
	for _, n := range d.NodesRemoved {
		removed = append(removed, n.ID)
	}
	for _, e := range d.EdgesAdded {
		addedEdges = append(addedEdges, e.Key().String())
	}

	if diff := cmp.Diff([]string{"a-identity", "b-bucket", "z-secret"}, added); diff != "" {
		t.Errorf("nodes added (-want +got):\n%s", diff)
	}
	if len(removed) != 0 {
		t.Errorf("nodes removed %v, want none", removed)
	}
	if diff := cmp.Diff([]string{"a-identity -CAN_ACCESS-> b-bucket", "job -EXPOSES-> z-secret"}, addedEdges); diff != "" {
		t.Errorf("edges added (-want +got):\n%s", diff)
	}
	if len(d.EdgesRemoved) != 0 {
		t.Errorf("edges removed %v, want none", d.EdgesRemoved)
	}
}

func TestCompare(t *testing.T) {
	ctx := context.Background()
	pos := graph.Pos{File: "deploy.yml", Line: 3}
	pkg := graph.Node{ID: "pkg:npm/x@1.0.0", Kind: graph.NodePackage, Label: "x@1.0.0", Attrs: map[string]string{"ecosystem": "npm", "name": "x", "version": "1.0.0"}, Pos: pos}
	job := graph.Node{ID: "runtime:job", Kind: graph.NodeRuntime, Pos: pos}
	a := graph.Node{ID: "secret:a", Kind: graph.NodeSecret, Pos: pos}
	b := graph.Node{ID: "secret:b", Kind: graph.NodeSecret, Pos: pos}
	exec := graph.Edge{From: job.ID, To: pkg.ID, Kind: graph.EdgeExecutes, Confidence: graph.Certain, Pos: pos}
	exposeA := graph.Edge{From: job.ID, To: a.ID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	exposeB := graph.Edge{From: job.ID, To: b.ID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}

	older := memstore.New()
	if err := older.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{pkg, job, a}, Edges: []graph.Edge{exec, exposeA}}, nil); err != nil {
		t.Fatal(err)
	}
	newer := memstore.New()
	if err := newer.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{pkg, job, b}, Edges: []graph.Edge{exec, exposeB}}, nil); err != nil {
		t.Fatal(err)
	}
	d, err := Compare(ctx, older, newer, query.Start{Packages: []string{pkg.ID}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		NodesAdded, NodesRemoved, EdgesAdded, EdgesRemoved, PathsAdded, PathsRemoved []string
	}
	got := summary{}
	for _, n := range d.NodesAdded {
		got.NodesAdded = append(got.NodesAdded, n.ID)
	}
	for _, n := range d.NodesRemoved {
		got.NodesRemoved = append(got.NodesRemoved, n.ID)
	}
	for _, e := range d.EdgesAdded {
		got.EdgesAdded = append(got.EdgesAdded, e.Key().String())
	}
	for _, e := range d.EdgesRemoved {
		got.EdgesRemoved = append(got.EdgesRemoved, e.Key().String())
	}
	for _, p := range d.PathsAdded {
		got.PathsAdded = append(got.PathsAdded, p.String())
	}
	for _, p := range d.PathsRemoved {
		got.PathsRemoved = append(got.PathsRemoved, p.String())
	}
	want := summary{
		NodesAdded:   []string{"secret:b"},
		NodesRemoved: []string{"secret:a"},
		EdgesAdded:   []string{"runtime:job -EXPOSES-> secret:b"},
		EdgesRemoved: []string{"runtime:job -EXPOSES-> secret:a"},
		PathsAdded:   []string{"pkg:npm/x@1.0.0 <-EXECUTES- runtime:job -EXPOSES-> secret:b"},
		PathsRemoved: []string{"pkg:npm/x@1.0.0 <-EXECUTES- runtime:job -EXPOSES-> secret:a"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("diff (-got +want):\n%s", diff)
	}
}

// FuzzParse feeds ParseAge and ParseTime arbitrary text: neither may
// panic, and an accepted age is never negative.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"90d", "0", "720h", "-1h", "1.5d", "2026-11-03T09:00:00Z", "now", "", "9999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseAge(s); err == nil && d < 0 {
			t.Errorf("ParseAge(%q) = %v, a negative age", s, d)
		}
		if tm, err := ParseTime(s); err == nil && tm.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, not in UTC", s, tm)
		}
	})
}
