package image

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestRunsFacts(t *testing.T) {
	const rt = "runtime:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:api"
	nodes, edges := Runs(rt, "ghcr.io/example-org/api:1.4", graph.PullOnDeploy)
	if len(nodes) != 2 || nodes[0].ID != "pkg:docker/example-org/api@1.4?repository_url=ghcr.io" ||
		nodes[1].ID != "pkg:docker/example-org/api?repository_url=ghcr.io" {
		t.Fatalf("nodes %+v, want the version and the name", nodes)
	}
	if len(edges) != 2 || edges[0].Kind != graph.EdgeVersionOf || edges[1].Kind != graph.EdgeExecutes {
		t.Fatalf("edges %+v, want VERSION_OF and EXECUTES", edges)
	}
	run := edges[1]
	if run.From != rt || run.To != nodes[0].ID || run.Confidence != graph.Certain ||
		run.Attr("pinned") != "tag" || run.Attr(graph.AttrPullPolicy) != graph.PullOnDeploy {
		t.Errorf("EXECUTES %+v, want certain to the tag with the pull policy", run)
	}

	// A computed tag leaves the name, possibly run.
	nodes, edges = Runs(rt, "ghcr.io/example-org/api:${var.tag}", "")
	if len(nodes) != 1 || len(edges) != 1 || edges[0].To != "pkg:docker/example-org/api?repository_url=ghcr.io" ||
		edges[0].Confidence != graph.Possible || edges[0].Attr("pinned") != PinnedComputed {
		t.Errorf("computed: %+v %+v, want a possible edge to the name", nodes, edges)
	}

	if nodes, edges := Runs(rt, "not an image", ""); nodes != nil || edges != nil {
		t.Errorf("unparsable reference gave %+v %+v", nodes, edges)
	}
}
