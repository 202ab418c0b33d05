package circleci

import (
	"strconv"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// buildRuns writes a Runtime for each image build of the job's run steps,
// pushed or not (graph.ImageBuildID), with the variables it receives as
// build arguments or BuildKit secrets. The job CAN_MODIFY the build,
// because its steps choose what the build runs and receives. Paths are
// read from the checkout's root, as imageBuilds reads them.
func (c *converter) buildRuns(j *jobState) {
	for _, s := range j.scripts {
		for _, st := range registry.ScanBuilds(s.text, ".", registry.ImageRef(nil)) {
			if st.Build == nil {
				continue
			}
			file, ctx := st.Build.Dockerfile, st.Build.Context
			id := graph.ImageBuildID(j.rid, s.line)
			dockerfile := graph.DockerfileID(c.f.RepoID(), file)
			c.b.Node(dockerfile, graph.NodePackage, c.f.Repo+"/"+file, s.line, attrs{
				"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: c.f.Repo,
			})
			c.b.Node(id, graph.NodeRuntime, "image build of "+file+" at line "+strconv.Itoa(s.line)+" in "+c.rel+" / "+j.inv.name, s.line, st.Build.TargetAttrs(attrs{
				graph.AttrProvider:       "circleci",
				"type":                   graph.RuntimeImageBuild,
				graph.AttrRepository:     c.repo,
				graph.AttrRepositoryHost: graph.RepoHostAttr(c.repoHost),
				graph.AttrJob:            j.rid,
				graph.AttrJobType:        "circleci-job",
				"dockerfile_id":          dockerfile,
				graph.AttrDockerfile:     file,
				graph.AttrBuildContext:   ctx,
				graph.AttrBuildInputs:    graph.JoinList(st.Build.VariableInputs()),
				graph.AttrBuildArgValues: graph.JoinList(registry.ArgValues(st.Build.Args)),
			}))
			c.b.Edge(j.rid, graph.EdgeCanModify, id, graph.Certain, s.line, attrs{
				graph.AttrVia:    "build",
				graph.AttrReason: "the job runs the build: its steps choose the Dockerfile " + file + ", the context " + ctx + " and the arguments and secrets the build receives",
			})
		}
	}
}
