package memstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// restatedBatch has a package that four lockfiles restate: three with the
// same attributes, one with others and a label of its own, at lines that
// need more than 16 bits or are negative. Its edges are restated the
// same way, one of them possible in one lockfile only and with another
// value of the same key in another.
func restatedBatch(at time.Time) *graph.Batch {
	pkg, dep := "pkg:npm/left@1.0.0", "pkg:npm/pad@2.0.0"
	same := map[string]string{"name": "left", "version": "1.0.0"}
	b := &graph.Batch{Time: at}
	lines := []int{12, 70000, -3, 65535}
	for i, line := range lines {
		file := fmt.Sprintf("repos/r%d/package-lock.json", i)
		attrs, label := same, pkg
		if i == 2 {
			attrs, label = map[string]string{"name": "left", "version": "1.0.0", "dev": "true"}, "left (dev)"
		}
		b.Nodes = append(b.Nodes, graph.Node{ID: pkg, Kind: graph.NodePackage, Label: label, Attrs: attrs, Pos: graph.Pos{File: file, Line: line}})
		conf := graph.Certain
		if i == 1 {
			conf = graph.Possible
		}
		lockfile := "package-lock.json"
		if i == 3 {
			lockfile = "npm-shrinkwrap.json"
		}
		b.Edges = append(b.Edges,
			graph.Edge{From: pkg, To: dep, Kind: graph.EdgeDependsOn, Confidence: conf, Attrs: map[string]string{"lockfile": lockfile},
				Pos: graph.Pos{File: file, Line: line + 1}},
			graph.Edge{From: pkg, To: "pkg:npm/left", Kind: graph.EdgeVersionOf, Pos: graph.Pos{File: file, Line: line}})
	}
	return b
}

// wantFacts lists the facts of restatedBatch as the store must give them
// back, in source order, worked out from the batch by hand.
func wantFacts() ([]nodeFact, []edgeFact) {
	var ns []nodeFact
	var es []edgeFact
	lines := []int{12, 70000, -3, 65535}
	for i, line := range lines {
		file := fmt.Sprintf("repos/r%d/package-lock.json", i)
		n := nodeFact{Source: file, Pos: graph.Pos{File: file, Line: line}, Kind: graph.NodePackage, Label: "pkg:npm/left@1.0.0",
			Attrs: map[string]string{"name": "left", "version": "1.0.0"}}
		conf := graph.Certain
		if i == 1 {
			conf = graph.Possible
		}
		if i == 2 {
			n.Label, n.Attrs["dev"] = "left (dev)", "true"
		}
		ns = append(ns, n)
		lockfile := "package-lock.json"
		if i == 3 {
			lockfile = "npm-shrinkwrap.json"
		}
		es = append(es, edgeFact{Source: file, Pos: graph.Pos{File: file, Line: line + 1}, Confidence: conf,
			Attrs: map[string]string{"lockfile": lockfile}})
	}
	return ns, es
}

// TestRestatedFactsReadBack checks that facts whose values are kept once
// for their node or edge read back as written, source by source, also
// after reopening the file and after replacing one source.
func TestRestatedFactsReadBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// The derived edge's position names the lockfile it came from.
	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return nil, []graph.Edge{{From: "runtime:gha:example-org/r0/ci.yml#build", To: "pkg:npm/left@1.0.0", Kind: graph.EdgeExecutes,
			Pos: graph.Pos{File: "repos/r0/package-lock.json", Line: 12}, Attrs: map[string]string{"reason": "npm ci"}}}, nil
	}
	if err := s.Write(ctx, restatedBatch(t0), derive); err != nil {
		t.Fatal(err)
	}
	wantN, wantE := wantFacts()
	derived := edgeFact{Source: graph.DerivedSource, Pos: graph.Pos{File: "repos/r0/package-lock.json", Line: 12},
		Confidence: graph.Certain, Attrs: map[string]string{"reason": "npm ci"}}
	check := func(name string, s *Store, wantN []nodeFact, wantE []edgeFact) {
		t.Helper()
		b := s.cur.Load()
		i, ok := b.lookup("pkg:npm/left@1.0.0")
		if !ok {
			t.Fatalf("%s: package missing", name)
		}
		if diff := cmp.Diff(wantN, b.nodeFacts(i)); diff != "" {
			t.Errorf("%s: node facts (-want +got):\n%s", name, diff)
		}
		dep, _ := b.lookup("pkg:npm/pad@2.0.0")
		k, _ := b.edgeKindIndex(graph.EdgeDependsOn)
		e, ok := b.findEdge(i, dep, k)
		if !ok {
			t.Fatalf("%s: DEPENDS_ON missing", name)
		}
		if diff := cmp.Diff(wantE, b.edgeFacts(e)); diff != "" {
			t.Errorf("%s: edge facts (-want +got):\n%s", name, diff)
		}
		rt, _ := b.lookup("runtime:gha:example-org/r0/ci.yml#build")
		k, _ = b.edgeKindIndex(graph.EdgeExecutes)
		e, ok = b.findEdge(rt, i, k)
		if !ok {
			t.Fatalf("%s: EXECUTES missing", name)
		}
		if diff := cmp.Diff([]edgeFact{derived}, b.edgeFacts(e)); diff != "" {
			t.Errorf("%s: derived edge facts (-want +got):\n%s", name, diff)
		}
		srcs, _ := s.Sources(ctx)
		if want := len(wantN) + 1; len(srcs) != want || srcs[0] != graph.DerivedSource {
			t.Errorf("%s: sources %v, want %d with %s first", name, srcs, want, graph.DerivedSource)
		}
	}
	check("after write", s, wantN, wantE)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	check("after reopen", r, wantN, wantE)

	// VERSION_OF has one value for its four facts, the package node two
	// bodies, so only the node keeps one value per fact.
	b := r.cur.Load()
	if len(b.nf.side) != 4 || len(b.ef.side) != 4 {
		t.Errorf("values kept per fact: %d node, %d edge; want 4 and 4 (the package, DEPENDS_ON)", len(b.nf.side), len(b.ef.side))
	}

	// Five attribute sets besides the empty one, in four shapes: the two
	// lockfile sets share theirs.
	if b.sets.sets() != 6 || len(b.sets.shapeStart) != 5 {
		t.Errorf("%d attribute sets in %d shapes, want 6 in 4", b.sets.sets(), len(b.sets.shapeStart)-1)
	}

	// Replacing the lockfile with other attributes leaves three facts
	// that agree, and the merged views follow.
	if err := r.Write(ctx, &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"repos/r2/package-lock.json"}}, derive); err != nil {
		t.Fatal(err)
	}
	wantN = append(wantN[:2:2], wantN[3])
	wantE = append(wantE[:2:2], wantE[3])
	check("after replace", r, wantN, wantE)
	ns, _ := r.Nodes(ctx, []string{"pkg:npm/left@1.0.0"})
	if len(ns) != 1 || ns[0].Label != "pkg:npm/left@1.0.0" || ns[0].Attr("dev") != "" || len(ns[0].Also) != 2 ||
		ns[0].Also[0] != (graph.Pos{File: "repos/r1/package-lock.json", Line: 70000}) {
		t.Errorf("merged package after replace = %+v", ns)
	}
	es, _ := r.Expand(ctx, []string{"pkg:npm/left@1.0.0"}, graph.Out, graph.EdgeDependsOn)
	if len(es) != 1 || es[0].Confidence != graph.Certain || es[0].Pos.Line != 13 || len(es[0].Also) != 2 {
		t.Errorf("merged DEPENDS_ON after replace = %+v", es)
	}
	b = r.cur.Load()
	if len(b.nf.side) != 0 || len(b.ef.side) != 3 {
		t.Errorf("values kept per fact after replace: %d node, %d edge; want 0 and 3", len(b.nf.side), len(b.ef.side))
	}
	// The second write finds the sets it needs among the first's.
	if b.sets.sets() != 6 || len(b.sets.shapeStart) != 5 {
		t.Errorf("after replace: %d attribute sets in %d shapes, want 6 in 4", b.sets.sets(), len(b.sets.shapeStart)-1)
	}
}
