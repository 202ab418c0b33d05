package ingest

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// fresh returns a copy of s in memory of its own, as a parser that decodes
// each file separately would hold it.
func fresh(s string) string { return string([]byte(s)) }

func sameString(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func sameMap(a, b map[string]string) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func TestInternerSharesAttributeSets(t *testing.T) {
	long := strings.Repeat("x", maxInterned+1)
	tests := []struct {
		name   string
		a, b   map[string]string
		shared bool
	}{
		{"equal sets", map[string]string{"direct": "true", "lockfile": "package-lock.json"}, map[string]string{"lockfile": fresh("package-lock.json"), "direct": fresh("true")}, true},
		{"one value differs", map[string]string{"direct": "true"}, map[string]string{"direct": "false"}, false},
		{"one key more", map[string]string{"direct": "true"}, map[string]string{"direct": "true", "chain": "left-pad"}, false},
		{"long value", map[string]string{"document": long}, map[string]string{"document": fresh(long)}, false},
		{"too many keys", manyAttrs(maxSharedSet + 1), manyAttrs(maxSharedSet + 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInterner()
			want := map[string]string{}
			for k, v := range tt.b {
				want[k] = v
			}
			a, b := in.attrs(tt.a), in.attrs(tt.b)
			if got := sameMap(a, b); got != tt.shared {
				t.Errorf("shared = %v, want %v", got, tt.shared)
			}
			if diff := cmp.Diff(b, want); diff != "" {
				t.Errorf("attributes changed (-got +want):\n%s", diff)
			}
		})
	}
}

func manyAttrs(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fresh(strings.Repeat("k", i+1))] = "v"
	}
	return m
}

func TestInternerResult(t *testing.T) {
	in := newInterner()
	const repo = "repo:github:example-org/app"
	first := Result{Nodes: []graph.Node{{ID: fresh(repo), Kind: graph.NodeRepository, Label: fresh(repo)}}}
	second := Result{
		Nodes: []graph.Node{{ID: "pkg:npm/left-pad@1.3.0", Kind: graph.NodePackage, Attrs: map[string]string{"ecosystem": "npm"}}},
		Edges: []graph.Edge{{From: fresh(repo), To: fresh("pkg:npm/left-pad@1.3.0"), Kind: graph.EdgeLocks, Pos: graph.Pos{Line: 4}}},
	}
	in.result(&first, "one/package.json")
	in.result(&second, "two/package-lock.json")

	if n := first.Nodes[0]; !sameString(n.ID, n.Label) {
		t.Error("a label equal to its id is not shared with it")
	}
	if !sameString(second.Edges[0].From, first.Nodes[0].ID) {
		t.Error("an edge end is not shared with the equal id of an earlier file")
	}
	if !sameString(second.Edges[0].To, second.Nodes[0].ID) {
		t.Error("an edge end is not shared with the equal id of its own file")
	}
	want := []graph.Edge{{From: repo, To: "pkg:npm/left-pad@1.3.0", Kind: graph.EdgeLocks, Pos: graph.Pos{File: "two/package-lock.json", Line: 4}}}
	if diff := cmp.Diff(second.Edges, want); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if got, want := first.Nodes[0].Pos.File, "one/package.json"; got != want {
		t.Errorf("node position file = %q, want %q", got, want)
	}
}

// A map that a row of facts shares and equal maps of other facts become
// one map. Edges in a row from one node share its id.
func TestInternerRows(t *testing.T) {
	in := newInterner()
	const repo = "repo:github.com/example-org/app"
	row := map[string]string{"lockfile": fresh("package-lock.json")}
	first := Result{
		Nodes: []graph.Node{{ID: fresh(repo), Kind: graph.NodeRepository}},
		Edges: []graph.Edge{
			{From: fresh(repo), To: "pkg:npm/a@1.0.0", Kind: graph.EdgeLocks, Attrs: row},
			{From: fresh(repo), To: "pkg:npm/b@1.0.0", Kind: graph.EdgeLocks, Attrs: row},
			{From: "pkg:npm/a@1.0.0", To: "pkg:npm/b@1.0.0", Kind: graph.EdgeDependsOn, Attrs: map[string]string{"direct": "true"}},
			{From: fresh(repo), To: "pkg:npm/c@1.0.0", Kind: graph.EdgeLocks, Attrs: row},
		},
	}
	second := Result{Edges: []graph.Edge{
		{From: fresh(repo), To: "pkg:npm/a@1.0.0", Kind: graph.EdgeLocks, Attrs: map[string]string{"lockfile": fresh("package-lock.json")}},
		{From: fresh(repo), To: "pkg:npm/a@1.0.0", Kind: graph.EdgeLocks, Attrs: nil},
		{From: fresh(repo), To: "pkg:npm/a@1.0.0", Kind: graph.EdgeLocks, Attrs: nil},
	}}
	in.result(&first, "a/package-lock.json")
	in.result(&second, "b/package-lock.json")

	all := append(append([]graph.Edge(nil), first.Edges...), second.Edges...)
	for i, e := range all {
		if e.From == repo && !sameString(e.From, first.Nodes[0].ID) {
			t.Errorf("edge %d: start is not shared with the node id", i)
		}
	}
	for _, i := range []int{0, 1, 3, 4} {
		if !sameMap(all[i].Attrs, row) {
			t.Errorf("edge %d: attributes are not the shared map", i)
		}
	}
	if got := all[2].Attrs; !cmp.Equal(got, map[string]string{"direct": "true"}) {
		t.Errorf("edge 2 attrs = %v", got)
	}
	if all[5].Attrs != nil || all[6].Attrs != nil {
		t.Errorf("edges without attributes got %v and %v", all[5].Attrs, all[6].Attrs)
	}
	if got := row["lockfile"]; got != "package-lock.json" || len(row) != 1 {
		t.Errorf("shared map = %v", row)
	}
}
