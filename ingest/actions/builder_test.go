package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestBuilder(t *testing.T) {
	res := &ingest.Result{Nodes: []graph.Node{{ID: "earlier", Kind: graph.NodeRepository}}}
	b := newBuilder("ci.yml", res)
	b.node("job", graph.NodeRuntime, "build", 3, attrs{"a": "1", "empty": ""})
	b.node("job", graph.NodeRuntime, "", 9, attrs{"a": "2", "b": "3", "c": ""})
	b.node("secret", graph.NodeSecret, "TOKEN", 4, attrs{"gone": ""})
	b.edge("job", graph.EdgeExposes, "secret", graph.Possible, 4, nil)
	b.edge("job", graph.EdgeExposes, "secret", graph.Certain, 5, attrs{"via": "env"})
	b.edge("secret", graph.EdgeAuthenticatesAs, "job", "", 6, attrs{})
	b.flush()

	want := ingest.Result{
		Nodes: []graph.Node{
			{ID: "earlier", Kind: graph.NodeRepository},
			{ID: "job", Kind: graph.NodeRuntime, Label: "build", Attrs: map[string]string{"a": "1", "b": "3"}, Pos: graph.Pos{File: "ci.yml", Line: 3}},
			{ID: "secret", Kind: graph.NodeSecret, Label: "TOKEN", Pos: graph.Pos{File: "ci.yml", Line: 4}},
		},
		Edges: []graph.Edge{
			{From: "job", To: "secret", Kind: graph.EdgeExposes, Confidence: graph.Certain, Attrs: map[string]string{"via": "env"}, Pos: graph.Pos{File: "ci.yml", Line: 4}},
			{From: "secret", To: "job", Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: graph.Pos{File: "ci.yml", Line: 6}},
		},
	}
	if diff := cmp.Diff(want, *res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if cap(res.Nodes) != len(res.Nodes) || cap(res.Edges) != len(res.Edges) {
		t.Errorf("%d nodes in room for %d, %d edges in room for %d", len(res.Nodes), cap(res.Nodes), len(res.Edges), cap(res.Edges))
	}
}

// A second builder starts empty, whatever the first one held.
func TestBuilderAfterFlush(t *testing.T) {
	first := &ingest.Result{}
	b := newBuilder("a.yml", first)
	b.node("one", graph.NodeRuntime, "one", 1, nil)
	b.edge("one", graph.EdgeDefines, "one", graph.Certain, 1, nil)
	b.flush()
	second := &ingest.Result{}
	b = newBuilder("b.yml", second)
	b.node("two", graph.NodeRuntime, "two", 2, nil)
	b.flush()
	if len(second.Nodes) != 1 || second.Nodes[0].ID != "two" || len(second.Edges) != 0 {
		t.Errorf("second result = %+v", second)
	}
	if len(first.Nodes) != 1 || first.Nodes[0].ID != "one" || len(first.Edges) != 1 {
		t.Errorf("first result changed: %+v", first)
	}
}

func TestWorkflowResultExactSize(t *testing.T) {
	for _, name := range []string{"secrets.yml", "uses.yml", "publish.yml"} {
		res := parseFile(t, name)
		if len(res.Nodes) == 0 || cap(res.Nodes) != len(res.Nodes) || cap(res.Edges) != len(res.Edges) {
			t.Errorf("%s: %d nodes in room for %d, %d edges in room for %d",
				name, len(res.Nodes), cap(res.Nodes), len(res.Edges), cap(res.Edges))
		}
	}
}
