package observe

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2026-10-05T10:00:00Z"`, time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)},
		{`"2026-10-05T12:00:00.5+02:00"`, time.Date(2026, 10, 5, 10, 0, 0, 5e8, time.UTC)},
		{`"2026-10-05 10:00:00.250"`, time.Date(2026, 10, 5, 10, 0, 0, 25e7, time.UTC)},
		{`1791190800000`, time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)},
		{`"1791190800"`, time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)},
		{`"yesterday"`, time.Time{}},
		{`null`, time.Time{}},
		{`{}`, time.Time{}},
	}
	for _, tt := range tests {
		var got Time
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Unmarshal(%s) = %s, want %s", tt.in, got.Time, tt.want)
		}
	}
}

func TestBuilder(t *testing.T) {
	b := New("log.json")
	at := func(n int) graph.Pos { return graph.Pos{File: "log.json", Line: n} }
	t0 := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
	b.Node(Node{ID: "u", Kind: graph.NodeIdentity, Attrs: map[string]string{"name": "alice"}}, at(1))
	b.Node(Node{ID: "u", Kind: graph.NodeIdentity, Attrs: map[string]string{"name": "other", "type": "user"}}, at(2))
	b.Node(Node{ID: "r", Kind: graph.NodeResource}, at(1))
	b.Node(Node{ID: "k", Kind: graph.NodeSecret}, at(1))
	b.Observe(Call{From: "u", To: "r", At: at(1), Time: t0, Action: "read", Addr: "192.0.2.1", Key: "k1", Attrs: map[string]string{"via": "x"}})
	b.Observe(Call{From: "u", To: "r", At: at(2), Time: t0.Add(time.Hour), Action: "write", Denied: true})
	b.Observe(Call{From: "u", To: "u", At: at(3), Action: "self"})
	b.Signed(Call{From: "k", To: "u", At: at(1), Time: t0, Action: "read", Key: "k1"})

	var res ingest.Result
	b.Flush(&res)
	if len(res.Nodes) != 3 || res.Nodes[0].Label != "alice" || res.Nodes[0].Attr("type") != "user" || res.Nodes[0].Attr("observed") != "true" {
		t.Errorf("nodes = %+v, want u (label alice, type user, observed) first of three", res.Nodes)
	}
	if len(res.Edges) != 2 {
		t.Fatalf("edges = %d, want 2", len(res.Edges))
	}
	obs := res.Edges[0]
	ev := obs.Evidence
	if ev.Count != 1 || ev.Denied != 1 || !cmp.Equal(ev.Actions, []string{"read", "write"}) || !ev.Last.Equal(t0.Add(time.Hour)) || obs.Attr("via") != "x" || obs.Attr("denied_only") != "" {
		t.Errorf("OBSERVED edge = %+v evidence %+v", obs, ev)
	}
	if sig := res.Edges[1]; sig.Kind != graph.EdgeAuthenticatesAs || len(sig.Evidence.Actions) != 0 || sig.Evidence.Count != 1 {
		t.Errorf("AUTHENTICATES_AS edge = %+v evidence %+v, want one call without actions", sig, sig.Evidence)
	}
}
