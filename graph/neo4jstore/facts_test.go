package neo4jstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
)

var (
	t0 = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func TestChangeMergesNodeFacts(t *testing.T) {
	c := newChange(t1)
	// Loaded from the database: b.tf asserted the user at t0.
	c.nodes["u"] = &nodeRec{id: "u", first: t0, last: t0, asserted: true, oldKind: "Identity",
		facts: []nodeFact{{Source: "b.tf", Pos: graph.Pos{File: "b.tf", Line: 4}, Kind: graph.NodeIdentity, Attrs: map[string]string{"type": "user", "path": "/tf/"}}}}

	c.retire([]string{"a.json"})
	c.putNode("a.json", graph.Node{ID: "u", Kind: graph.NodeIdentity, Pos: graph.Pos{File: "a.json", Line: 2},
		Attrs: map[string]string{"path": "/"}})
	// a.json names the user again: its first position and values stay,
	// the label it lacked is taken.
	c.putNode("a.json", graph.Node{ID: "u", Kind: graph.NodeSecret, Label: "ci", Pos: graph.Pos{File: "a.json", Line: 9},
		Attrs: map[string]string{"path": "/other/", "arn": "arn:aws:iam::111122223333:user/ci"}})

	rec := c.nodes["u"]
	got := graph.MergeNode(rec.id, rec.facts, rec.first, rec.last)
	want := graph.Node{
		ID: "u", Kind: graph.NodeIdentity, Label: "ci",
		Attrs: map[string]string{"type": "user", "path": "/", "arn": "arn:aws:iam::111122223333:user/ci"},
		Pos:   graph.Pos{File: "a.json", Line: 2}, Also: []graph.Pos{{File: "b.tf", Line: 4}},
		FirstSeen: t0, LastSeen: t1,
		// The sources give different paths, so each one's fact is listed.
		Facts: []graph.NodeFact{
			{Source: "a.json", Pos: graph.Pos{File: "a.json", Line: 2}, Kind: graph.NodeIdentity, Label: "ci",
				Attrs: map[string]string{"path": "/", "arn": "arn:aws:iam::111122223333:user/ci"}},
			{Source: "b.tf", Pos: graph.Pos{File: "b.tf", Line: 4}, Kind: graph.NodeIdentity,
				Attrs: map[string]string{"type": "user", "path": "/tf/"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged node (-want +got):\n%s", diff)
	}

	c.retire([]string{"a.json", "b.tf"})
	if len(rec.facts) != 0 {
		t.Errorf("facts after retiring both sources = %+v, want none", rec.facts)
	}
}

func TestChangeMergesEdgeFacts(t *testing.T) {
	c := newChange(t0)
	k := graph.EdgeKey{From: "u", Kind: graph.EdgeObserved, To: "r"}
	mk := func(file string, conf graph.Confidence, at time.Time, addr string, attrs map[string]string) graph.Edge {
		e := graph.Edge{From: k.From, Kind: k.Kind, To: k.To, Confidence: conf, Pos: graph.Pos{File: file, Line: 1}, Attrs: attrs}
		e.Evidence = &graph.Evidence{}
		e.Evidence.Add(at, "s3:GetObject", addr, "", "", false, graph.Pos{})
		return e
	}
	c.putEdge("z.json", mk("z.json", graph.Possible, t0, "198.51.100.1", map[string]string{"via": "log"}))
	c.putEdge("z.json", mk("z.json", graph.Certain, t1, "198.51.100.2", map[string]string{"via": "other"}))
	c.putEdge("y.json", mk("y.json", graph.Possible, t1, "198.51.100.1", nil))

	rec := c.edges[k]
	got := graph.MergeEdge(k, rec.facts, rec.first, rec.last)
	want := graph.Edge{
		From: "u", Kind: graph.EdgeObserved, To: "r", Confidence: graph.Certain,
		Attrs: map[string]string{"via": "log"},
		Pos:   graph.Pos{File: "y.json", Line: 1}, Also: []graph.Pos{{File: "z.json", Line: 1}},
		Evidence: &graph.Evidence{First: t0, Last: t1, LastAllowed: t1, Count: 3, Actions: []string{"s3:GetObject"}, Addrs: []graph.Seen{
			{Value: "198.51.100.1", First: t0, Last: t1, Count: 2},
			{Value: "198.51.100.2", First: t1, Last: t1, Count: 1},
		}},
		FirstSeen: t0, LastSeen: t0,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(graph.Edge{}, "Facts")); diff != "" {
		t.Errorf("merged edge (-want +got):\n%s", diff)
	}
	// The two sources give different attributes, so each source's own
	// fact is listed too.
	var facts []string
	for _, f := range got.Facts {
		facts = append(facts, fmt.Sprintf("%s %s %v", f.Source, f.Confidence, f.Attrs))
	}
	wantFacts := []string{"y.json possible map[]", "z.json certain map[via:log]"}
	if diff := cmp.Diff(wantFacts, facts); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	// An edge only possible sources assert stays possible.
	c.retire([]string{"z.json"})
	if got := graph.MergeEdge(k, rec.facts, rec.first, rec.last).Confidence; got != graph.Possible {
		t.Errorf("confidence after retiring z.json = %s, want possible", got)
	}
}

func TestFactsRoundTrip(t *testing.T) {
	ev := &graph.Evidence{}
	ev.Add(t0, "s3:GetObject", "203.0.113.9", "aws-cli/2", "AKIAEXAMPLE", false, graph.Pos{File: "trail.json", Line: 3})
	ev.Add(t1, "s3:PutObject", "203.0.113.9", "", "", true, graph.Pos{})
	in := []edgeFact{
		{Source: "(derived)", Pos: graph.Pos{File: "(derived)"}, Confidence: graph.Possible},
		{Source: "trail.json", Pos: graph.Pos{File: "trail.json", Line: 3}, Confidence: graph.Certain,
			Attrs: map[string]string{"actions": "s3:GetObject"}, Evidence: ev},
	}
	s, err := encodeFacts(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeFacts[edgeFact](s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got, cmp.AllowUnexported()); diff != "" {
		t.Errorf("facts after JSON round trip (-want +got):\n%s", diff)
	}
}

func TestNodeProps(t *testing.T) {
	rec := &nodeRec{id: "secret:gha:o/r/KEY", first: t0, last: t1, facts: []nodeFact{
		{Source: "ci.yml", Pos: graph.Pos{File: "ci.yml", Line: 9}, Kind: graph.NodeSecret, Attrs: map[string]string{"name": "KEY"}},
		{Source: "env.yml", Pos: graph.Pos{File: "env.yml"}, Kind: graph.NodeSecret, Label: "KEY"},
	}}
	got, err := nodeProps("ns1", rec)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"key": "ns1\x00secret:gha:o/r/KEY", "ns": "ns1", "id": "secret:gha:o/r/KEY", "kind": "Secret",
		"label": "KEY", "pos": "ci.yml:9", "also": []string{"env.yml"}, "a_name": "KEY",
		"firstSeen": t0, "lastSeen": t1, "sources": []string{"ci.yml", "env.yml"},
		"facts": `[{"Source":"ci.yml","Pos":{"file":"ci.yml","line":9},"Kind":"Secret","Attrs":{"name":"KEY"}},` +
			`{"Source":"env.yml","Pos":{"file":"env.yml"},"Kind":"Secret","Label":"KEY"}]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("node properties (-want +got):\n%s", diff)
	}
}

func TestRelPattern(t *testing.T) {
	for _, tc := range []struct {
		kinds []graph.EdgeKind
		want  string
		ok    bool
	}{
		{nil, "[r]", true},
		{[]graph.EdgeKind{graph.EdgeExposes, graph.EdgeCanAssume}, "[r:`EXPOSES`|`CAN_ASSUME`]", true},
		{[]graph.EdgeKind{"A`B"}, "[r:`A``B`]", true},
		{[]graph.EdgeKind{""}, "", false},
	} {
		got, ok := relPattern(tc.kinds)
		if got != tc.want || ok != tc.ok {
			t.Errorf("relPattern(%q) = %q, %v; want %q, %v", tc.kinds, got, ok, tc.want, tc.ok)
		}
	}
}
