package query

import "github.com/blastradius-dev/blastradius/graph"

// containType returns the type by which the plan contains a runtime: its
// own, or for the image build of a CI job (graph.RuntimeImageBuild) the
// job's type. The build runs only when its job does, so the item that
// stops the job's workflow or pipeline stops the build too, and the build
// shares the attributes that command reads (repository, workflow).
func containType(n graph.Node) string {
	if t := n.Attr("type"); t != graph.RuntimeImageBuild {
		return t
	}
	return n.Attr(graph.AttrJobType)
}
