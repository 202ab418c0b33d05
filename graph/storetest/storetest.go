// Package storetest is the conformance suite every graph.Store must pass.
// Each backend's tests call Run with a constructor for an empty store.
package storetest

import (
	"context"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// Run runs the suite. newStore must return an empty store each call.
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	t.Run("WriteAndRead", func(t *testing.T) { testWriteAndRead(t, newStore(t)) })
	t.Run("ReplaceSource", func(t *testing.T) { testReplaceSource(t, newStore(t)) })
	t.Run("KeepFailedSource", func(t *testing.T) { testKeepFailedSource(t, newStore(t)) })
	t.Run("Idempotent", func(t *testing.T) { testIdempotent(t, newStore(t)) })
	t.Run("DeriveReplaced", func(t *testing.T) { testDeriveReplaced(t, newStore(t)) })
	t.Run("DeriveSeesNoOldDerived", func(t *testing.T) { testDeriveSeesNoOldDerived(t, newStore(t)) })
	t.Run("DeriveErrorRollsBack", func(t *testing.T) { testDeriveErrorRollsBack(t, newStore(t)) })
	t.Run("ObservedOnlyFromLogs", func(t *testing.T) { testObservedOnlyFromLogs(t, newStore(t)) })
	t.Run("MergeSources", func(t *testing.T) { testMergeSources(t, newStore(t)) })
	t.Run("EdgeFacts", func(t *testing.T) { testEdgeFacts(t, newStore(t)) })
	t.Run("NodeFacts", func(t *testing.T) { testNodeFacts(t, newStore(t)) })
	t.Run("Evidence", func(t *testing.T) { testEvidence(t, newStore(t)) })
	t.Run("DropThenDerive", func(t *testing.T) { testDropThenDerive(t, newStore(t)) })
	t.Run("EdgeWithoutNodes", func(t *testing.T) { testEdgeWithoutNodes(t, newStore(t)) })
	t.Run("KindFollowsFirstSource", func(t *testing.T) { testKindFollowsFirstSource(t, newStore(t)) })
	t.Run("Stats", func(t *testing.T) { testStats(t, newStore(t)) })
	t.Run("Parts", func(t *testing.T) { testParts(t, newStore(t)) })
}

var t0 = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)

func node(id string, kind graph.NodeKind, file string, line int, attrs ...string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Pos: graph.Pos{File: file, Line: line}}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	return n
}

func edge(from string, kind graph.EdgeKind, to, file string, line int) graph.Edge {
	return graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: file, Line: line}}
}

func sampleBatch(at time.Time) *graph.Batch {
	return &graph.Batch{
		Time: at,
		Nodes: []graph.Node{
			node("pkg:npm/bad@1.0.0", graph.NodePackage, "lock.json", 3),
			node("runtime:gha:o/r/ci.yml#build", graph.NodeRuntime, "ci.yml", 5),
			node("secret:gha:o/r/KEY", graph.NodeSecret, "ci.yml", 9, "name", "KEY"),
		},
		Edges: []graph.Edge{
			edge("runtime:gha:o/r/ci.yml#build", graph.EdgeExecutes, "pkg:npm/bad@1.0.0", "ci.yml", 7),
			edge("runtime:gha:o/r/ci.yml#build", graph.EdgeExposes, "secret:gha:o/r/KEY", "ci.yml", 9),
		},
	}
}

func write(t *testing.T, s graph.Store, b *graph.Batch, d graph.DeriveFunc) {
	t.Helper()
	if err := s.Write(context.Background(), b, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func ids(ns []graph.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.ID)
	}
	sort.Strings(out)
	return out
}

func keys(es []graph.Edge) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Key().String())
	}
	sort.Strings(out)
	return out
}

func allEdges(t *testing.T, s graph.Store) []string {
	t.Helper()
	var out []string
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, keys(es)...)
	}
	sort.Strings(out)
	return out
}

func allNodes(t *testing.T, s graph.Store) []string {
	t.Helper()
	var out []string
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(ns)...)
	}
	sort.Strings(out)
	return out
}

func testWriteAndRead(t *testing.T, s graph.Store) {
	ctx := context.Background()
	write(t, s, sampleBatch(t0), nil)

	ns, err := s.Nodes(ctx, []string{"secret:gha:o/r/KEY", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Kind != graph.NodeSecret || ns[0].Attr("name") != "KEY" {
		t.Fatalf("Nodes = %+v, want the KEY secret only", ns)
	}
	if got, want := ns[0].Pos, (graph.Pos{File: "ci.yml", Line: 9}); got != want {
		t.Errorf("Pos = %v, want %v", got, want)
	}

	out, err := s.Expand(ctx, []string{"runtime:gha:o/r/ci.yml#build"}, graph.Out, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"runtime:gha:o/r/ci.yml#build -EXPOSES-> secret:gha:o/r/KEY"}, keys(out)); diff != "" {
		t.Errorf("Expand Out EXPOSES (-want +got):\n%s", diff)
	}
	in, err := s.Expand(ctx, []string{"pkg:npm/bad@1.0.0"}, graph.In)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"runtime:gha:o/r/ci.yml#build -EXECUTES-> pkg:npm/bad@1.0.0"}, keys(in)); diff != "" {
		t.Errorf("Expand In (-want +got):\n%s", diff)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 3 || st.Edges != 2 {
		t.Errorf("Stats = %d nodes %d edges, want 3 and 2", st.Nodes, st.Edges)
	}
}

func testReplaceSource(t *testing.T, s graph.Store) {
	write(t, s, sampleBatch(t0), nil)
	// ci.yml is read again and no longer exposes KEY.
	b := &graph.Batch{
		Time:    t0.Add(time.Hour),
		Replace: []string{"ci.yml"},
		Nodes:   []graph.Node{node("runtime:gha:o/r/ci.yml#build", graph.NodeRuntime, "ci.yml", 5)},
		Edges:   []graph.Edge{edge("runtime:gha:o/r/ci.yml#build", graph.EdgeExecutes, "pkg:npm/bad@1.0.0", "ci.yml", 7)},
	}
	write(t, s, b, nil)
	if diff := cmp.Diff([]string{"pkg:npm/bad@1.0.0", "runtime:gha:o/r/ci.yml#build"}, allNodes(t, s)); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"runtime:gha:o/r/ci.yml#build -EXECUTES-> pkg:npm/bad@1.0.0"}, allEdges(t, s)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func testKeepFailedSource(t *testing.T, s graph.Store) {
	write(t, s, sampleBatch(t0), nil)
	// A later run reads only lock.json; ci.yml failed, so it is not in
	// Replace and its facts must survive.
	b := &graph.Batch{
		Time:    t0.Add(time.Hour),
		Replace: []string{"lock.json"},
		Nodes:   []graph.Node{node("pkg:npm/bad@1.0.0", graph.NodePackage, "lock.json", 3)},
	}
	write(t, s, b, nil)
	if got := len(allEdges(t, s)); got != 2 {
		t.Errorf("edges after partial run = %d, want 2", got)
	}
	ns, _ := s.Nodes(context.Background(), []string{"pkg:npm/bad@1.0.0"})
	if len(ns) != 1 || !ns[0].FirstSeen.Equal(t0) || !ns[0].LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("package seen = %+v, want firstSeen t0 and lastSeen t0+1h", ns)
	}
}

func testIdempotent(t *testing.T, s graph.Store) {
	write(t, s, sampleBatch(t0), nil)
	n1, e1 := allNodes(t, s), allEdges(t, s)
	write(t, s, sampleBatch(t0.Add(time.Hour)), nil)
	if diff := cmp.Diff(n1, allNodes(t, s)); diff != "" {
		t.Errorf("nodes changed on re-ingest (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(e1, allEdges(t, s)); diff != "" {
		t.Errorf("edges changed on re-ingest (-first +second):\n%s", diff)
	}
}

func testDeriveReplaced(t *testing.T, s graph.Store) {
	ctx := context.Background()
	calls := 0
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		calls++
		ns, err := r.NodesByKind(ctx, graph.NodeSecret)
		if err != nil {
			return nil, nil, err
		}
		var es []graph.Edge
		for _, n := range ns {
			es = append(es, edge(n.ID, graph.EdgeAuthenticatesAs, "user:"+n.Attr("name"), graph.DerivedSource, 0))
		}
		return []graph.Node{node("user:KEY", graph.NodeIdentity, graph.DerivedSource, 0)}, es, nil
	}
	write(t, s, sampleBatch(t0), derive)
	out, _ := s.Expand(ctx, []string{"secret:gha:o/r/KEY"}, graph.Out, graph.EdgeAuthenticatesAs)
	if len(out) != 1 || out[0].To != "user:KEY" {
		t.Fatalf("derived edge = %v, want KEY -> user:KEY", keys(out))
	}
	// Drop the secret: the derived edge must go with it.
	b := &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"ci.yml"}}
	none := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) { return nil, nil, nil }
	write(t, s, b, none)
	out, _ = s.Expand(ctx, []string{"secret:gha:o/r/KEY"}, graph.Out)
	if len(out) != 0 {
		t.Errorf("derived edges after removal = %v, want none", keys(out))
	}
	if calls != 1 {
		t.Errorf("derive called %d times, want 1", calls)
	}
}

// testDeriveSeesNoOldDerived checks that derive reads the graph without
// the facts an earlier derive wrote. A linker that adds a node only where
// none exists must find it missing on every run, or the node would come
// and go from one run to the next.
func testDeriveSeesNoOldDerived(t *testing.T, s graph.Store) {
	ctx := context.Background()
	const made = "aws:dynamodb:111122223333:table/orders"
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		have, err := r.Nodes(ctx, []string{made})
		if err != nil || len(have) > 0 {
			return nil, nil, err
		}
		return []graph.Node{node(made, graph.NodeResource, graph.DerivedSource, 0)}, nil, nil
	}
	for run := 1; run <= 3; run++ {
		write(t, s, sampleBatch(t0.Add(time.Duration(run)*time.Hour)), derive)
		if ns, _ := s.Nodes(ctx, []string{made}); len(ns) != 1 {
			t.Errorf("run %d: derived node present %d times, want 1", run, len(ns))
		}
	}
}

func testDeriveErrorRollsBack(t *testing.T, s graph.Store) {
	write(t, s, sampleBatch(t0), nil)
	n1, e1 := allNodes(t, s), allEdges(t, s)
	b := &graph.Batch{
		Time:    t0.Add(time.Hour),
		Replace: []string{"ci.yml", "lock.json"},
		Nodes:   []graph.Node{node("pkg:npm/other@2.0.0", graph.NodePackage, "lock.json", 1)},
	}
	boom := errors.New("boom")
	err := s.Write(context.Background(), b, func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return nil, nil, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write error = %v, want boom", err)
	}
	if diff := cmp.Diff(n1, allNodes(t, s)); diff != "" {
		t.Errorf("nodes after failed write (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(e1, allEdges(t, s)); diff != "" {
		t.Errorf("edges after failed write (-before +after):\n%s", diff)
	}
}

// testObservedOnlyFromLogs checks that a node a log names and another
// input declares is not marked observed-only.
func testObservedOnlyFromLogs(t *testing.T, s graph.Store) {
	ctx := context.Background()
	const bucket = "arn:aws:s3:::example-org-web-assets"
	b := &graph.Batch{Time: t0, Nodes: []graph.Node{
		node(bucket, graph.NodeResource, "a-trail.json", 3, graph.AttrObserved, "true"),
		node(bucket, graph.NodeResource, "main.tf", 12, "type", "aws_s3_bucket"),
		node("arn:aws:s3:::example-org-logs", graph.NodeResource, "a-trail.json", 4, graph.AttrObserved, "true"),
		node("arn:aws:s3:::example-org-logs", graph.NodeResource, "b-trail.json", 9, graph.AttrObserved, "true"),
	}}
	write(t, s, b, nil)
	ns, _ := s.Nodes(ctx, []string{bucket, "arn:aws:s3:::example-org-logs"})
	if len(ns) != 2 {
		t.Fatalf("got %d nodes, want 2", len(ns))
	}
	if v := ns[0].Attr(graph.AttrObserved) + ns[1].Attr(graph.AttrObserved); v != "true" {
		t.Errorf("observed attrs of the declared and the log-only bucket = %q, want one \"true\" (the log-only one)", v)
	}
	for _, n := range ns {
		if n.ID == bucket && n.Attr(graph.AttrObserved) != "" {
			t.Errorf("%s declared in main.tf is still marked observed", bucket)
		}
	}
}

func testMergeSources(t *testing.T, s graph.Store) {
	ctx := context.Background()
	b := &graph.Batch{Time: t0, Nodes: []graph.Node{
		node("arn:aws:iam::111122223333:user/ci", graph.NodeIdentity, "b.tf", 4, "type", "user"),
		node("arn:aws:iam::111122223333:user/ci", graph.NodeIdentity, "a.json", 2, "path", "/"),
	}}
	write(t, s, b, nil)
	ns, _ := s.Nodes(ctx, []string{"arn:aws:iam::111122223333:user/ci"})
	if len(ns) != 1 {
		t.Fatalf("got %d nodes, want 1", len(ns))
	}
	n := ns[0]
	if n.Attr("type") != "user" || n.Attr("path") != "/" {
		t.Errorf("attrs = %v, want type and path merged", n.Attrs)
	}
	if n.Pos.File != "a.json" || len(n.Also) != 1 || n.Also[0].File != "b.tf" {
		t.Errorf("positions = %v %v, want a.json first then b.tf", n.Pos, n.Also)
	}
	// Removing one source keeps the node with the other's facts.
	write(t, s, &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"a.json"}}, nil)
	ns, _ = s.Nodes(ctx, []string{"arn:aws:iam::111122223333:user/ci"})
	if len(ns) != 1 || ns[0].Attr("path") != "" || ns[0].Attr("type") != "user" {
		t.Errorf("after removing a.json: %+v, want only b.tf's facts", ns)
	}
	if sl, ok := s.(graph.SourceLister); ok {
		got, err := sl.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"b.tf"}, got); diff != "" {
			t.Errorf("sources after removing a.json (-want +got):\n%s", diff)
		}
	}
}

// testEdgeFacts: an edge that two sources state with different
// attributes lists each source's fact, to readers and to the derive
// function alike.
func testEdgeFacts(t *testing.T, s graph.Store) {
	ctx := context.Background()
	mk := func(file, lockfile, dev string) graph.Edge {
		e := edge("repo:github.com/o/mono", graph.EdgeLocks, "pkg:npm/bad@1.0.0", file, 4)
		e.Attrs = map[string]string{"lockfile": lockfile}
		if dev != "" {
			e.Attrs["dev"] = dev
		}
		return e
	}
	facts := func(es []graph.Edge) []string {
		var out []string
		for _, e := range es {
			for _, f := range e.Facts {
				out = append(out, f.Source+" "+f.Pos.String()+" "+f.Attrs["lockfile"]+" dev="+f.Attrs["dev"])
			}
		}
		return out
	}
	want := []string{
		"mono/a/package-lock.json mono/a/package-lock.json:4 a/package-lock.json dev=true",
		"mono/b/package-lock.json mono/b/package-lock.json:4 b/package-lock.json dev=",
	}
	var derived []string
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		es, err := r.EdgesByKind(ctx, graph.EdgeLocks)
		derived = facts(es)
		return nil, nil, err
	}
	write(t, s, &graph.Batch{Time: t0, Edges: []graph.Edge{
		mk("mono/b/package-lock.json", "b/package-lock.json", ""),
		mk("mono/a/package-lock.json", "a/package-lock.json", "true"),
	}}, derive)
	if diff := cmp.Diff(want, derived); diff != "" {
		t.Errorf("facts the derive function reads (-want +got):\n%s", diff)
	}
	es, err := s.Expand(ctx, []string{"repo:github.com/o/mono"}, graph.Out, graph.EdgeLocks)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, facts(es)); diff != "" {
		t.Errorf("facts after the write (-want +got):\n%s", diff)
	}
}

// testNodeFacts: a node that two sources state with different attributes
// lists each source's fact, to readers and to the derive function alike,
// and a node whose sources agree lists none.
func testNodeFacts(t *testing.T, s graph.Store) {
	ctx := context.Background()
	const workload = "k8s:workload:prod/Deployment/web"
	facts := func(ns []graph.Node) []string {
		var out []string
		for _, n := range ns {
			for _, f := range n.Facts {
				out = append(out, n.ID+" "+f.Source+" "+f.Pos.String()+" "+f.Attrs["manifest_repo"]+" "+f.Attrs["manifest"])
			}
		}
		return out
	}

	want := []string{
		workload + " app/deploy/web.yaml app/deploy/web.yaml:3 repo:github.com/o/app deploy/web.yaml",
		workload + " ops/prod/web.yaml ops/prod/web.yaml:8 repo:github.com/o/ops prod/web.yaml",
	}

	var derived []string
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		ns, err := r.NodesByKind(ctx, graph.NodeRuntime)
		derived = facts(ns)
		return nil, nil, err
	}

	write(t, s, &graph.Batch{Time: t0, Nodes: []graph.Node{
		node(workload, graph.NodeRuntime, "ops/prod/web.yaml", 8, "manifest_repo", "repo:github.com/o/ops", "manifest", "prod/web.yaml"),
		node(workload, graph.NodeRuntime, "app/deploy/web.yaml", 3, "manifest_repo", "repo:github.com/o/app", "manifest", "deploy/web.yaml"),
		// Two sources that agree give no facts.
		node("runtime:gha:o/app/ci.yml#build", graph.NodeRuntime, "app/ci.yml", 5, "type", "github-actions-job"),
		node("runtime:gha:o/app/ci.yml#build", graph.NodeRuntime, "app/ci-copy.yml", 5, "type", "github-actions-job"),
	}}, derive)
	if diff := cmp.Diff(want, derived); diff != "" {
		t.Errorf("facts the derive function reads (-want +got):\n%s", diff)
	}

	ns, err := s.Nodes(ctx, []string{workload, "runtime:gha:o/app/ci.yml#build"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, facts(ns)); diff != "" {
		t.Errorf("facts after the write (-want +got):\n%s", diff)
	}

	for _, n := range ns {
		if got := n.AttrValues("manifest"); n.ID == workload && !slices.Equal(got, []string{"deploy/web.yaml", "prod/web.yaml"}) {
			t.Errorf("manifest values = %v, want both files' paths", got)
		}
	}
}

// testEvidence: two files each log a call on one edge, and the second
// file also a call with another key that was denied. The stored evidence
// sums them and keeps each key's calls apart.
func testEvidence(t *testing.T, s graph.Store) {
	ctx := context.Background()
	mk := func(file string, at time.Time, addr string) graph.Edge {
		e := edge("arn:aws:iam::111122223333:user/ci", graph.EdgeObserved, "arn:aws:s3:::data", file, 1)
		e.Evidence = &graph.Evidence{}
		e.Evidence.Add(at, "s3:GetObject", addr, "aws-cli/2", "AKIAEXAMPLE", false, graph.Pos{File: file, Line: 1})
		return e
	}
	second := mk("trail-2.json", t0.Add(2*time.Hour), "203.0.113.9")
	second.Evidence.Add(t0.Add(time.Hour), "s3:GetObject", "203.0.113.9", "aws-cli/2", "AKIAEXAMPLEOTHER", true, graph.Pos{File: "trail-2.json", Line: 2})
	b := &graph.Batch{Time: t0, Edges: []graph.Edge{
		mk("trail-1.json", t0, "198.51.100.1"),
		second,
	}}
	write(t, s, b, nil)
	es, _ := s.Expand(ctx, []string{"arn:aws:iam::111122223333:user/ci"}, graph.Out, graph.EdgeObserved)
	if len(es) != 1 || es[0].Evidence == nil {
		t.Fatalf("observed edges = %+v, want one with evidence", es)
	}
	ev := es[0].Evidence
	if ev.Count != 2 || ev.Denied != 1 || !ev.First.Equal(t0) || !ev.Last.Equal(t0.Add(2*time.Hour)) || len(ev.Addrs) != 2 {
		t.Errorf("evidence = %+v, want 2 calls and 1 denied from 2 addresses spanning 2h", ev)
	}
	want := []graph.KeyUse{
		{Key: "AKIAEXAMPLE", First: t0, Last: t0.Add(2 * time.Hour), LastAllowed: t0.Add(2 * time.Hour), Count: 2},
		{Key: "AKIAEXAMPLEOTHER", First: t0.Add(time.Hour), Last: t0.Add(time.Hour), Denied: 1},
	}
	if len(ev.KeyUses) != len(want) {
		t.Fatalf("key uses = %+v, want %+v", ev.KeyUses, want)
	}
	for i, w := range want {
		g := ev.KeyUses[i]
		if g.Key != w.Key || !g.First.Equal(w.First) || !g.Last.Equal(w.Last) || !g.LastAllowed.Equal(w.LastAllowed) ||
			g.Count != w.Count || g.Denied != w.Denied {
			t.Errorf("key use %d = %+v, want %+v", i, g, w)
		}
	}
	// Each key keeps the addresses of its own calls: 198.51.100.1 and
	// 203.0.113.9 for the first key, only 203.0.113.9 for the other.
	wantAddrs := [][]string{{"198.51.100.1", "203.0.113.9"}, {"203.0.113.9"}}
	for i, w := range wantAddrs {
		g := ev.KeyUses[i]
		var addrs []string
		for _, a := range g.Addrs {
			addrs = append(addrs, a.Value)
		}
		if !g.Detailed || !slices.Equal(addrs, w) || !slices.Equal(g.Actions, []string{"s3:GetObject"}) || len(g.Records) != len(w) {
			t.Errorf("key use %d detail = %+v, want addresses %v, action s3:GetObject and %d records", i, g, w, len(w))
		}
	}
}

// testEdgeWithoutNodes: an edge may join ids that no source declares as
// nodes, such as a resource seen only in a log. The edge is readable while
// the ids are not nodes, and removing the node at one end keeps the edge.
func testEdgeWithoutNodes(t *testing.T, s graph.Store) {
	ctx := context.Background()
	b := &graph.Batch{Time: t0,
		Nodes: []graph.Node{node("arn:aws:iam::111122223333:user/ci", graph.NodeIdentity, "main.tf", 1)},
		Edges: []graph.Edge{edge("arn:aws:iam::111122223333:user/ci", graph.EdgeObserved, "arn:aws:s3:::logs", "trail.json", 4)},
	}
	write(t, s, b, nil)

	ns, err := s.Nodes(ctx, []string{"arn:aws:iam::111122223333:user/ci", "arn:aws:s3:::logs"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"arn:aws:iam::111122223333:user/ci"}, ids(ns)); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	in, err := s.Expand(ctx, []string{"arn:aws:s3:::logs"}, graph.In)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"arn:aws:iam::111122223333:user/ci -OBSERVED-> arn:aws:s3:::logs"}
	if diff := cmp.Diff(want, keys(in)); diff != "" {
		t.Errorf("Expand In of an undeclared id (-want +got):\n%s", diff)
	}

	write(t, s, &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"main.tf"}}, nil)
	if got := allNodes(t, s); len(got) != 0 {
		t.Errorf("nodes after main.tf is emptied = %v, want none", got)
	}
	if diff := cmp.Diff(want, allEdges(t, s)); diff != "" {
		t.Errorf("edges after main.tf is emptied (-want +got):\n%s", diff)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != 0 || st.Edges != 1 {
		t.Errorf("Stats = %d nodes %d edges, want 0 and 1", st.Nodes, st.Edges)
	}
}

// testKindFollowsFirstSource: a node's kind is that of its first source in
// source order, and changes when that source stops asserting it.
func testKindFollowsFirstSource(t *testing.T, s graph.Store) {
	ctx := context.Background()
	b := &graph.Batch{Time: t0, Nodes: []graph.Node{
		node("x", graph.NodeRuntime, "a.yml", 1),
		node("x", graph.NodePackage, "b.json", 1),
	}}
	write(t, s, b, nil)
	kinds := func() []string {
		t.Helper()
		var out []string
		for _, k := range graph.NodeKinds {
			ns, err := s.NodesByKind(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				out = append(out, string(k)+" "+n.ID+" "+string(n.Kind))
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"Runtime x Runtime"}, kinds()); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	write(t, s, &graph.Batch{Time: t0.Add(time.Hour), Replace: []string{"a.yml"}}, nil)
	if diff := cmp.Diff([]string{"Package x Package"}, kinds()); diff != "" {
		t.Errorf("kinds after a.yml is emptied (-want +got):\n%s", diff)
	}
}

// testStats: counts by kind, the number of sources with facts (derived
// facts count as one) and the time of the last successful write.
func testStats(t *testing.T, s graph.Store) {
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Stats{NodesByKind: map[graph.NodeKind]int{}, EdgesByKind: map[graph.EdgeKind]int{}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Stats of an empty store (-want +got):\n%s", diff)
	}

	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return nil, []graph.Edge{edge("secret:gha:o/r/KEY", graph.EdgeAuthenticatesAs, "user:KEY", graph.DerivedSource, 0)}, nil
	}
	write(t, s, sampleBatch(t0), derive)
	boom := errors.New("boom")
	failed := s.Write(ctx, &graph.Batch{Time: t0.Add(time.Hour)}, func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return nil, nil, boom
	})
	if !errors.Is(failed, boom) {
		t.Fatalf("Write error = %v, want boom", failed)
	}

	if st, err = s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	want = graph.Stats{
		Nodes:       3,
		Edges:       3,
		NodesByKind: map[graph.NodeKind]int{graph.NodePackage: 1, graph.NodeRuntime: 1, graph.NodeSecret: 1},
		EdgesByKind: map[graph.EdgeKind]int{graph.EdgeExecutes: 1, graph.EdgeExposes: 1, graph.EdgeAuthenticatesAs: 1},
		Sources:     3, // lock.json, ci.yml and the derived facts
		LastWrite:   t0,
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func testDropThenDerive(t *testing.T, s graph.Store) {
	ctx := context.Background()
	write(t, s, &graph.Batch{Time: t0, Nodes: []graph.Node{node("x", graph.NodeRuntime, "a.tf", 1)},
		Edges: []graph.Edge{edge("x", graph.EdgeExposes, "y", "a.tf", 1)}}, nil)
	// a.tf no longer asserts x, but the linker does, in the same write.
	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		return []graph.Node{node("x", graph.NodeRuntime, graph.DerivedSource, 0)},
			[]graph.Edge{edge("x", graph.EdgeExposes, "y", graph.DerivedSource, 0)}, nil
	}
	later := t0.Add(time.Hour)
	write(t, s, &graph.Batch{Time: later, Replace: []string{"a.tf"}}, derive)
	ns, _ := s.Nodes(ctx, []string{"x"})
	if len(ns) != 1 || ns[0].Pos.File != graph.DerivedSource {
		t.Fatalf("node x = %+v, want it kept from the derived source", ns)
	}
	if !ns[0].FirstSeen.Equal(later) {
		t.Errorf("firstSeen = %v, want %v: a node dropped and asserted anew in one write starts anew", ns[0].FirstSeen, later)
	}
	es, _ := s.Expand(ctx, []string{"x"}, graph.Out)
	if len(es) != 1 {
		t.Errorf("edges of x = %v, want the derived edge", keys(es))
	}
}

// testParts writes the sample's facts split between the batch's lists and
// its parts, then a batch whose only part asserts one of ci.yml's facts
// again: ci.yml's other facts go, lock.json's stay.
func testParts(t *testing.T, s graph.Store) {
	sample := sampleBatch(t0)
	b := &graph.Batch{
		Time:  t0,
		Nodes: sample.Nodes[:1],
		Parts: []graph.Facts{
			{Nodes: sample.Nodes[1:2], Edges: sample.Edges[:1]},
			{Nodes: sample.Nodes[2:], Edges: sample.Edges[1:]},
		},
	}
	write(t, s, b, nil)
	wantNodes := []string{"pkg:npm/bad@1.0.0", "runtime:gha:o/r/ci.yml#build", "secret:gha:o/r/KEY"}
	if diff := cmp.Diff(wantNodes, allNodes(t, s)); diff != "" {
		t.Errorf("nodes after the first write (-want +got):\n%s", diff)
	}
	wantEdges := []string{
		"runtime:gha:o/r/ci.yml#build -EXECUTES-> pkg:npm/bad@1.0.0",
		"runtime:gha:o/r/ci.yml#build -EXPOSES-> secret:gha:o/r/KEY",
	}
	if diff := cmp.Diff(wantEdges, allEdges(t, s)); diff != "" {
		t.Errorf("edges after the first write (-want +got):\n%s", diff)
	}

	again := &graph.Batch{Time: t0.Add(time.Hour), Parts: []graph.Facts{{Nodes: sample.Nodes[1:2]}}}
	write(t, s, again, nil)
	wantNodes = []string{"pkg:npm/bad@1.0.0", "runtime:gha:o/r/ci.yml#build"}
	if diff := cmp.Diff(wantNodes, allNodes(t, s)); diff != "" {
		t.Errorf("nodes after ci.yml was written again (-want +got):\n%s", diff)
	}
	if got := allEdges(t, s); len(got) != 0 {
		t.Errorf("edges after ci.yml was written again: %v, want none", got)
	}
}
