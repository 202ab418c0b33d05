package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/graph/storetest"
)

// testURI is the server the tests use: NEO4J_URI, or the one that
// scripts/neo4j-local starts.
func testURI() string {
	if u := os.Getenv("NEO4J_URI"); u != "" {
		return u
	}
	return "bolt://127.0.0.1:7687"
}

var warnOnce sync.Once

// openTest opens a store in a namespace of its own and drops the namespace
// when the test ends. Without a server the test is skipped, loudly, except
// on CI (CI=true), where a missing server fails it.
func openTest(t testing.TB, batch int) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := "test-" + t.Name() + "-" + randomHex(t)
	s, err := Open(ctx, Config{URI: testURI(), Namespace: ns, BatchSize: batch})
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("neo4j server needed on CI: %v", err)
		}
		warnOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "\n*** NEO4J STORE NOT TESTED: no server at %s (%v); start one with scripts/neo4j-local start ***\n\n", testURI(), err)
		})
		t.Skipf("NEO4J STORE NOT TESTED: no server at %s: %v", testURI(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := s.Drop(ctx); err != nil {
			t.Errorf("drop test namespace: %v", err)
		}
		s.Close()
	})
	return s
}

func randomHex(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func TestConformance(t *testing.T) {
	// A batch size of 2 makes every write span several UNWIND chunks.
	storetest.Run(t, func(t *testing.T) graph.Store { return openTest(t, 2) })
}

func TestOpenUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	uri := "bolt://" + addr
	const canary = "CANARY-neo4jstore-7f3a"

	start := time.Now()
	s, err := Open(context.Background(), Config{URI: uri, Username: "neo4j", Password: canary})
	took := time.Since(start)
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s) succeeded on a closed port", uri)
	}
	if took > 10*time.Second {
		t.Errorf("Open took %v, want an error within 10s", took)
	}
	if !strings.Contains(err.Error(), uri) {
		t.Errorf("error %q does not name the URI %s", err, uri)
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("error %q shows the password", err)
	}
	// A password inside the URI is hidden as well.
	_, err = Open(context.Background(), Config{URI: "bolt://neo4j:" + canary + "@" + addr})
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Errorf("Open with a password in the URI: error %v, want one without the password", err)
	}
}

// script is a sequence of writes whose outcome the Neo4j store must read
// back exactly as the embedded store does.
func script() []struct {
	batch   *graph.Batch
	derive  graph.DeriveFunc
	wantErr bool
} {
	user := "arn:aws:iam::111122223333:user/ci"
	job := "runtime:gha:example-org/web/.github/workflows/ci.yml#build"
	key := "secret:gha:example-org/web/AWS_KEY"
	n := func(id string, kind graph.NodeKind, file string, line int, kv ...string) graph.Node {
		x := graph.Node{ID: id, Kind: kind, Pos: graph.Pos{File: file, Line: line}}
		for i := 0; i+1 < len(kv); i += 2 {
			x.SetAttr(kv[i], kv[i+1])
		}
		return x
	}
	e := func(from string, kind graph.EdgeKind, to, file string, line int, conf graph.Confidence, kv ...string) graph.Edge {
		x := graph.Edge{From: from, Kind: kind, To: to, Confidence: conf, Pos: graph.Pos{File: file, Line: line}}
		for i := 0; i+1 < len(kv); i += 2 {
			x.SetAttr(kv[i], kv[i+1])
		}
		return x
	}
	obs := func(file string, at time.Time, addr string) graph.Edge {
		x := e(user, graph.EdgeObserved, "arn:aws:s3:::example-org-data", file, 1, graph.Certain)
		x.Evidence = &graph.Evidence{}
		x.Evidence.Add(at, "s3:GetObject", addr, "aws-cli/2", "AKIAEXAMPLE", false, graph.Pos{File: file, Line: 1})
		x.Evidence.Add(at.Add(time.Minute), "s3:PutObject", addr, "aws-cli/2", "", true, graph.Pos{File: file, Line: 2})
		return x
	}
	// derive links each exposed secret to the user named by its attribute,
	// and marks the user as derived; it reads through the write.
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		secrets, err := r.NodesByKind(ctx, graph.NodeSecret)
		if err != nil {
			return nil, nil, err
		}
		var nodes []graph.Node
		var edges []graph.Edge
		for _, s := range secrets {
			in, err := r.Expand(ctx, []string{s.ID}, graph.In, graph.EdgeExposes)
			if err != nil {
				return nil, nil, err
			}
			if len(in) == 0 || s.Attr("user") == "" {
				continue
			}
			edges = append(edges, e(s.ID, graph.EdgeAuthenticatesAs, s.Attr("user"), graph.DerivedSource, 0, in[0].Confidence,
				"reason", "the secret holds a key of "+s.Attr("user")))
			nodes = append(nodes, n(s.Attr("user"), graph.NodeIdentity, graph.DerivedSource, 0, "derived", "true", "type", "derived"))
		}
		return nodes, edges, nil
	}
	return []struct {
		batch   *graph.Batch
		derive  graph.DeriveFunc
		wantErr bool
	}{
		{batch: &graph.Batch{Time: t0, Replace: []string{"ci.yml", "main.tf", "trail-1.json", "trail-2.json"},
			Nodes: []graph.Node{
				n(job, graph.NodeRuntime, "ci.yml", 3),
				n(key, graph.NodeSecret, "ci.yml", 9, "name", "AWS_KEY", "user", user),
				n(key, graph.NodeSecret, "ci.yml", 12, "name", "OTHER", "via", "env"),
				n(user, graph.NodeIdentity, "main.tf", 4, "type", "user"),
				n("pkg:npm/left-pad@1.3.0", graph.NodePackage, "main.tf", 1),
				n("pkg:npm/left-pad@1.3.0", graph.NodeRuntime, "ci.yml", 1, "install_script", "true"),
			},
			Edges: []graph.Edge{
				e(job, graph.EdgeExposes, key, "ci.yml", 9, graph.Possible, "via", "ci-secret"),
				e(job, graph.EdgeExposes, key, "ci.yml", 10, graph.Certain, "via", "env", "condition", "always"),
				e(job, graph.EdgeExecutes, "pkg:npm/left-pad@1.3.0", "ci.yml", 5, ""),
				e(job, graph.EdgeExecutes, "pkg:npm/left-pad@1.3.0", "main.tf", 5, graph.Possible),
				// No source declares the bucket, so the edge's end is bare.
				e(user, graph.EdgeCanAccess, "arn:aws:s3:::example-org-data", "main.tf", 7, graph.Possible, "level", "read"),
				obs("trail-1.json", t0, "198.51.100.1"),
				obs("trail-2.json", t0.Add(2*time.Hour), "203.0.113.9"),
			}}, derive: derive},
		// main.tf changes: the user is gone from it, but the derived facts
		// still assert it.
		{batch: &graph.Batch{Time: t1, Replace: []string{"main.tf"},
			Nodes: []graph.Node{
				n("arn:aws:iam::111122223333:role/deploy", graph.NodeIdentity, "main.tf", 2),
				n("pkg:npm/left-pad@1.3.0", graph.NodePackage, "main.tf", 1),
			},
			Edges: []graph.Edge{e(user, graph.EdgeCanAssume, "arn:aws:iam::111122223333:role/deploy", "main.tf", 3, graph.Certain)},
		}, derive: derive},
		// ci.yml no longer exposes the key: the derived edge goes, the
		// user is left as the end of log edges only, and left-pad, now
		// declared by main.tf alone, turns from a Runtime into a Package.
		{batch: &graph.Batch{Time: t1.Add(time.Hour), Replace: []string{"ci.yml"},
			Nodes: []graph.Node{n(job, graph.NodeRuntime, "ci.yml", 3), n(key, graph.NodeSecret, "ci.yml", 9, "name", "AWS_KEY")},
		}, derive: derive},
		// A failed derive changes nothing.
		{batch: &graph.Batch{Time: t1.Add(2 * time.Hour), Replace: []string{"trail-1.json", "trail-2.json"}},
			derive: func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
				return nil, nil, errors.New("linker failed")
			}, wantErr: true},
		// The logs are read again without derive: derived facts stay.
		{batch: &graph.Batch{Time: t1.Add(3 * time.Hour), Replace: []string{"trail-1.json", "trail-2.json"},
			Edges: []graph.Edge{obs("trail-2.json", t1, "203.0.113.10")}}},
		// Every source is emptied, and derive reads an empty graph.
		{batch: &graph.Batch{Time: t1.Add(4 * time.Hour), Replace: []string{"ci.yml", "main.tf", "trail-2.json"}}, derive: derive},
	}
}

func TestSameAsMemstore(t *testing.T) {
	ctx := context.Background()
	ns := openTest(t, 3)
	ms := memstore.New()
	for i, step := range script() {
		errN := ns.Write(ctx, step.batch, step.derive)
		errM := ms.Write(ctx, step.batch, step.derive)
		if (errN != nil) != step.wantErr || (errM != nil) != step.wantErr {
			t.Fatalf("write %d: neo4j error %v, memstore error %v, want error %v", i, errN, errM, step.wantErr)
		}
		if diff := cmp.Diff(dump(t, ms), dump(t, ns)); diff != "" {
			t.Fatalf("after write %d the stores differ (-memstore +neo4j):\n%s", i, diff)
		}
		// Every declared node has labels Node and its kind; a bare edge
		// end has Node only.
		bad := rawQuery(t, ns, `MATCH (n:Node {ns: $ns})
			WHERE (n.kind IS NULL AND labels(n) <> ['Node'])
			   OR (n.kind IS NOT NULL AND NOT (size(labels(n)) = 2 AND n.kind IN labels(n)))
			RETURN n.id AS id, n.kind AS kind, labels(n) AS labels`)
		if len(bad) > 0 {
			t.Errorf("after write %d nodes with wrong labels: %v", i, bad)
		}
		checkStep(t, ns, i)
	}
	if st, _ := ns.Stats(ctx); st.Nodes != 0 || st.Edges != 0 || st.Sources != 0 {
		t.Errorf("stats after removing every source = %+v, want an empty graph", st)
	}
	// Bare edge ends went with their last edge.
	recs := rawQuery(t, ns, `MATCH (n:Node {ns: $ns}) RETURN count(n) AS c`)
	if c := recs[0]["c"].(int64); c != 0 {
		t.Errorf("%d nodes left in the namespace, want 0", c)
	}
}

// checkStep checks what the script's writes do, worked out by hand.
func checkStep(t *testing.T, s *Store, step int) {
	t.Helper()
	ctx := context.Background()
	const (
		user   = "arn:aws:iam::111122223333:user/ci"
		bucket = "arn:aws:s3:::example-org-data"
		pad    = "pkg:npm/left-pad@1.3.0"
	)
	nodes := func(id string) []graph.Node {
		ns, err := s.Nodes(ctx, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	edges := func(id string, dir graph.Direction, kinds ...graph.EdgeKind) []string {
		es, err := s.Expand(ctx, []string{id}, dir, kinds...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Key().String()+" "+string(e.Confidence))
		}
		return out
	}
	switch step {
	case 0:
		if got := nodes(bucket); len(got) != 0 {
			t.Errorf("write 0: undeclared bucket read as %+v, want no node", got)
		}
		want := []string{
			user + " -CAN_ACCESS-> " + bucket + " possible",
			user + " -OBSERVED-> " + bucket + " certain",
		}
		if diff := cmp.Diff(want, edges(bucket, graph.In)); diff != "" {
			t.Errorf("write 0: edges into the bucket (-want +got):\n%s", diff)
		}
		// Possible in one mention, certain in the other: certain.
		want = []string{"runtime:gha:example-org/web/.github/workflows/ci.yml#build -EXPOSES-> secret:gha:example-org/web/AWS_KEY certain"}
		if diff := cmp.Diff(want, edges("secret:gha:example-org/web/AWS_KEY", graph.In)); diff != "" {
			t.Errorf("write 0: exposures (-want +got):\n%s", diff)
		}
		if got := nodes(pad); len(got) != 1 || got[0].Kind != graph.NodeRuntime || got[0].Pos.File != "ci.yml" {
			t.Errorf("write 0: left-pad = %+v, want the Runtime of ci.yml, first in source order", got)
		}
	case 1:
		got := nodes(user)
		if len(got) != 1 || got[0].Attr("type") != "derived" || got[0].Pos.File != graph.DerivedSource {
			t.Errorf("write 1: user = %+v, want the derived facts only", got)
		}
	case 2:
		if got := nodes(user); len(got) != 0 {
			t.Errorf("write 2: user = %+v, want no node", got)
		}
		// CAN_ACCESS went with the old main.tf in write 1.
		want := []string{
			user + " -CAN_ASSUME-> arn:aws:iam::111122223333:role/deploy certain",
			user + " -OBSERVED-> " + bucket + " certain",
		}
		if diff := cmp.Diff(want, edges(user, graph.Out)); diff != "" {
			t.Errorf("write 2: edges of the bare user (-want +got):\n%s", diff)
		}
		if got := nodes(pad); len(got) != 1 || got[0].Kind != graph.NodePackage || !got[0].FirstSeen.Equal(t0) {
			t.Errorf("write 2: left-pad = %+v, want a Package first seen at t0", got)
		}
	}
}

// storeDump is every read result of a store.
type storeDump struct {
	Stats  graph.Stats
	Nodes  map[graph.NodeKind][]graph.Node
	Edges  map[graph.EdgeKind][]graph.Edge
	ByID   []graph.Node
	Out    map[string][]graph.Edge
	In     map[string][]graph.Edge
	Missed []graph.Edge
}

func dump(t *testing.T, s graph.Store) storeDump {
	t.Helper()
	ctx := context.Background()
	d := storeDump{Nodes: map[graph.NodeKind][]graph.Node{}, Edges: map[graph.EdgeKind][]graph.Edge{},
		Out: map[string][]graph.Edge{}, In: map[string][]graph.Edge{}}
	var err error
	if d.Stats, err = s.Stats(ctx); err != nil {
		t.Fatal(err)
	}

	ids := map[string]bool{}
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		d.Nodes[k] = ns
		for _, n := range ns {
			ids[n.ID] = true
		}
	}
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		d.Edges[k] = es
		for _, e := range es {
			ids[e.From], ids[e.To] = true, true
		}
	}

	var list []string
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	if d.ByID, err = s.Nodes(ctx, append(list, "no-such-node")); err != nil {
		t.Fatal(err)
	}
	for _, id := range list {
		for dir, m := range map[graph.Direction]map[string][]graph.Edge{graph.Out: d.Out, graph.In: d.In} {
			es, err := s.Expand(ctx, []string{id}, dir)
			if err != nil {
				t.Fatal(err)
			}
			// The embedded store returns edges in the order it made them.
			sortEdges(es)
			m[id] = es
		}
	}
	if d.Missed, err = s.Expand(ctx, list, graph.Out, ""); err != nil {
		t.Fatal(err)
	}
	return d
}

// rawQuery runs Cypher against the store's database with $ns bound.
func rawQuery(t *testing.T, s *Store, cypher string) []map[string]any {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), s.drv, cypher, map[string]any{"ns": s.ns},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db))
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var out []map[string]any
	for _, r := range res.Records {
		out = append(out, r.AsMap())
	}
	return out
}

func TestModelInNeo4j(t *testing.T) {
	s := openTest(t, 0)
	e := graph.Edge{From: "runtime:gha:o/r/ci.yml#build", Kind: graph.EdgeExposes, To: "secret:gha:o/r/KEY",
		Confidence: graph.Possible, Pos: graph.Pos{File: "ci.yml", Line: 9}, Attrs: map[string]string{"via": "env"}}
	b := &graph.Batch{Time: t0, Nodes: []graph.Node{
		{ID: "secret:gha:o/r/KEY", Kind: graph.NodeSecret, Pos: graph.Pos{File: "ci.yml", Line: 9}, Attrs: map[string]string{"name": "KEY"}},
	}, Edges: []graph.Edge{e}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}

	recs := rawQuery(t, s, `MATCH (n:Node {ns: $ns}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id`)
	if len(recs) != 2 {
		t.Fatalf("got %d nodes, want the secret and the job as a bare edge end", len(recs))
	}
	job, secret := recs[0], recs[1]
	if diff := cmp.Diff([]any{"Node"}, job["labels"]); diff != "" {
		t.Errorf("labels of the bare job (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"key": s.ns + "\x00runtime:gha:o/r/ci.yml#build", "ns": s.ns, "id": "runtime:gha:o/r/ci.yml#build"}, job["props"]); diff != "" {
		t.Errorf("properties of the bare job (-want +got):\n%s", diff)
	}
	labels := secret["labels"].([]any)
	sort.Slice(labels, func(i, j int) bool { return labels[i].(string) < labels[j].(string) })
	if diff := cmp.Diff([]any{"Node", "Secret"}, labels); diff != "" {
		t.Errorf("labels of the secret (-want +got):\n%s", diff)
	}
	props := secret["props"].(map[string]any)
	wantProps := map[string]any{
		"key": s.ns + "\x00secret:gha:o/r/KEY", "ns": s.ns, "id": "secret:gha:o/r/KEY", "kind": "Secret",
		"pos": "ci.yml:9", "a_name": "KEY", "sources": []any{"ci.yml"},
		"facts": `[{"Source":"ci.yml","Pos":{"file":"ci.yml","line":9},"Kind":"Secret","Attrs":{"name":"KEY"}}]`,
	}
	for k, want := range wantProps {
		if diff := cmp.Diff(want, props[k]); diff != "" {
			t.Errorf("secret property %s (-want +got):\n%s", k, diff)
		}
	}
	if first, ok := props["firstSeen"].(time.Time); !ok || !first.Equal(t0) {
		t.Errorf("secret firstSeen = %v (%T), want the datetime %v", props["firstSeen"], props["firstSeen"], t0)
	}

	recs = rawQuery(t, s, `MATCH (:Node {ns: $ns})-[r]->() RETURN type(r) AS type, properties(r) AS props`)
	if len(recs) != 1 || recs[0]["type"] != "EXPOSES" {
		t.Fatalf("relationships = %v, want one EXPOSES", recs)
	}
	rp := recs[0]["props"].(map[string]any)
	for k, want := range map[string]any{"confidence": "possible", "a_via": "env", "pos": "ci.yml:9", "sources": []any{"ci.yml"}} {
		if diff := cmp.Diff(want, rp[k]); diff != "" {
			t.Errorf("relationship property %s (-want +got):\n%s", k, diff)
		}
	}
	var facts []edgeFact
	if err := json.Unmarshal([]byte(rp["facts"].(string)), &facts); err != nil {
		t.Fatal(err)
	}
	want := []edgeFact{{Source: "ci.yml", Pos: graph.Pos{File: "ci.yml", Line: 9}, Confidence: graph.Possible, Attrs: map[string]string{"via": "env"}}}
	if diff := cmp.Diff(want, facts); diff != "" {
		t.Errorf("relationship facts (-want +got):\n%s", diff)
	}

	// The job becomes a real node once a source declares it.
	b = &graph.Batch{Time: t1, Nodes: []graph.Node{{ID: "runtime:gha:o/r/ci.yml#build", Kind: graph.NodeRuntime, Pos: graph.Pos{File: "jobs.yml", Line: 1}}}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	recs = rawQuery(t, s, `MATCH (n:Runtime {ns: $ns}) RETURN n.firstSeen AS first`)
	if len(recs) != 1 || !recs[0]["first"].(time.Time).Equal(t1) {
		t.Errorf("declared job = %v, want one Runtime first seen at %v", recs, t1)
	}
}

func TestNamespacesAreApart(t *testing.T) {
	ctx := context.Background()
	a, b := openTest(t, 0), openTest(t, 0)
	n := graph.Node{ID: "pkg:npm/shared@1.0.0", Kind: graph.NodePackage, Pos: graph.Pos{File: "lock.json", Line: 1}}
	if err := a.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{n}}, nil); err != nil {
		t.Fatal(err)
	}
	n.SetAttr("direct", "true")
	if err := b.Write(ctx, &graph.Batch{Time: t1, Nodes: []graph.Node{n}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := a.Nodes(ctx, []string{n.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Attr("direct") != "" || !got[0].LastSeen.Equal(t0) {
		t.Errorf("namespace a after writing and dropping b = %+v, want its own node untouched", got)
	}
	if st, _ := b.Stats(ctx); st.Nodes != 0 || !st.LastWrite.IsZero() {
		t.Errorf("namespace b after Drop = %+v, want empty", st)
	}
}

func TestDeriveSeesOnlyItsOwnWrite(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, 0)
	id := "pkg:npm/new@1.0.0"
	b := &graph.Batch{Time: t0, Nodes: []graph.Node{{ID: id, Kind: graph.NodePackage, Pos: graph.Pos{File: "lock.json"}}}}
	var inside, outside []graph.Node
	err := s.Write(ctx, b, func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		var err error
		if inside, err = r.Nodes(ctx, []string{id}); err != nil {
			return nil, nil, err
		}
		outside, err = s.Nodes(ctx, []string{id})
		return nil, nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 || len(outside) != 0 {
		t.Errorf("during the write, derive saw %d nodes and another reader %d; want 1 and 0", len(inside), len(outside))
	}
}

func TestCancelledWriteLeavesGraph(t *testing.T) {
	s := openTest(t, 0)
	first := &graph.Batch{Time: t0, Nodes: []graph.Node{{ID: "a", Kind: graph.NodeRuntime, Pos: graph.Pos{File: "a.yml"}}}}
	if err := s.Write(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	second := &graph.Batch{Time: t1, Replace: []string{"a.yml"},
		Nodes: []graph.Node{{ID: "b", Kind: graph.NodeRuntime, Pos: graph.Pos{File: "b.yml"}}}}
	// The client gives up after the batch is applied, before commit.
	err := s.Write(ctx, second, func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		cancel()
		return []graph.Node{{ID: "c", Kind: graph.NodeIdentity, Pos: graph.Pos{File: graph.DerivedSource}}}, nil, nil
	})
	if err == nil {
		t.Fatal("Write with a cancelled context succeeded")
	}
	if diff := cmp.Diff(before, dump(t, s)); diff != "" {
		t.Errorf("graph after a cancelled write (-before +after):\n%s", diff)
	}
}

func TestConcurrentWritersKeepEachOthersFacts(t *testing.T) {
	ctx := context.Background()
	a := openTest(t, 0)
	// A second client on the same namespace, as a second process would be.
	b, err := Open(ctx, Config{URI: testURI(), Namespace: a.ns})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const rounds = 4
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			file := fmt.Sprintf("writer-%d.yml", w)
			for i := range rounds {
				n := graph.Node{ID: "runtime:shared", Kind: graph.NodeRuntime, Pos: graph.Pos{File: file, Line: i + 1},
					Attrs: map[string]string{file: fmt.Sprint(i)}}
				if err := s.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{n}}, nil); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.Nodes(ctx, []string{"runtime:shared"})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Node{{ID: "runtime:shared", Kind: graph.NodeRuntime,
		Attrs: map[string]string{"writer-0.yml": "3", "writer-1.yml": "3"},
		Pos:   graph.Pos{File: "writer-0.yml", Line: 4}, Also: []graph.Pos{{File: "writer-1.yml", Line: 4}},
		FirstSeen: t0, LastSeen: t0,
		// The writers' last facts set different attributes, so each is
		// listed.
		Facts: []graph.NodeFact{
			{Source: "writer-0.yml", Pos: graph.Pos{File: "writer-0.yml", Line: 4}, Kind: graph.NodeRuntime, Attrs: map[string]string{"writer-0.yml": "3"}},
			{Source: "writer-1.yml", Pos: graph.Pos{File: "writer-1.yml", Line: 4}, Kind: graph.NodeRuntime, Attrs: map[string]string{"writer-1.yml": "3"}},
		}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("node both writers assert (-want +got):\n%s", diff)
	}
}

func TestDeriveRevivesDroppedNode(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, 0)
	x := graph.Node{ID: "arn:aws:iam::111122223333:role/x", Kind: graph.NodeIdentity, Pos: graph.Pos{File: "a.tf", Line: 2}}
	e := graph.Edge{From: x.ID, Kind: graph.EdgeCanAssume, To: "arn:aws:iam::111122223333:role/y", Pos: graph.Pos{File: "a.tf", Line: 3}}
	if err := s.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{x}, Edges: []graph.Edge{e}}, nil); err != nil {
		t.Fatal(err)
	}

	// a.tf no longer declares them; the linker derives both again.
	derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
		dx, de := x, e
		dx.Pos, de.Pos = graph.Pos{File: graph.DerivedSource}, graph.Pos{File: graph.DerivedSource}
		return []graph.Node{dx}, []graph.Edge{de}, nil
	}
	if err := s.Write(ctx, &graph.Batch{Time: t1, Replace: []string{"a.tf"}}, derive); err != nil {
		t.Fatal(err)
	}

	ns, err := s.Nodes(ctx, []string{x.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Node{{ID: x.ID, Kind: graph.NodeIdentity, Pos: graph.Pos{File: graph.DerivedSource}, FirstSeen: t1, LastSeen: t1}}
	if diff := cmp.Diff(want, ns); diff != "" {
		t.Errorf("node dropped by its file and derived again (-want +got):\n%s", diff)
	}
	es, err := s.Expand(ctx, []string{x.ID}, graph.Out)
	if err != nil {
		t.Fatal(err)
	}
	wantEdges := []graph.Edge{{From: x.ID, Kind: graph.EdgeCanAssume, To: e.To, Confidence: graph.Certain,
		Pos: graph.Pos{File: graph.DerivedSource}, FirstSeen: t1, LastSeen: t1}}
	if diff := cmp.Diff(wantEdges, es); diff != "" {
		t.Errorf("edge dropped by its file and derived again (-want +got):\n%s", diff)
	}
}

func TestTxMemoryErrorIsNotRetried(t *testing.T) {
	// A write over the server's transaction memory fails the same way each
	// time, so it is tried once, and its error names the settings to raise.
	serverErr := &neo4j.Neo4jError{Code: memoryPoolCode, Msg: "The allocation of an extra 2.0 MiB would use more than the limit 1.0 MiB."}
	calls := 0
	noRetry := func(err error, _ time.Duration) { t.Errorf("retry after %v", err) }
	_, err := retryWrite(context.Background(), time.Minute, time.Millisecond, noRetry, func() (writeSummary, error) {
		calls++
		return writeSummary{}, fmt.Errorf("commit: %w", serverErr)
	})
	if calls != 1 {
		t.Errorf("write tried %d times, want 1", calls)
	}
	var me *txMemoryError
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T), want a txMemoryError", err, err)
	}
	for _, want := range []string{"dbms.memory.transaction.total.max", "db.memory.transaction.max", serverErr.Msg} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestTransientWriteErrorIsRetried(t *testing.T) {
	// A deadlock is transient: the write is tried again until it succeeds.
	deadlock := &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}
	calls, retries := 0, 0
	sum, err := retryWrite(context.Background(), time.Minute, time.Millisecond, func(error, time.Duration) { retries++ }, func() (writeSummary, error) {
		calls++
		if calls < 3 {
			return writeSummary{}, deadlock
		}
		return writeSummary{nodesWritten: 7}, nil
	})
	if err != nil || sum.nodesWritten != 7 {
		t.Fatalf("retryWrite = %+v, %v, want the third attempt's summary", sum, err)
	}
	if calls != 3 || retries != 2 {
		t.Errorf("%d attempts and %d retries, want 3 and 2", calls, retries)
	}

	// A client error is not.
	calls = 0
	invalid := &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}
	_, err = retryWrite(context.Background(), time.Minute, time.Millisecond, func(error, time.Duration) {}, func() (writeSummary, error) {
		calls++
		return writeSummary{}, invalid
	})
	if calls != 1 || !errors.Is(err, invalid) {
		t.Errorf("syntax error: %d attempts, error %v, want 1 attempt and the error", calls, err)
	}
}
