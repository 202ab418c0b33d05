package gitlab

import (
	"strconv"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// buildRuns writes a Runtime for each image build of the job's scripts,
// pushed or not (graph.ImageBuildID), with the variables it receives as
// build arguments or BuildKit secrets. The job CAN_MODIFY the build,
// because its scripts choose what the build runs and receives.
func (c *converter) buildRuns(j *jobState) {
	ref := registry.ImageRef(func(s string) string { return c.expand(j, s) })
	for _, s := range j.scripts {
		line := c.lineOf(j, s)
		for _, st := range registry.ScanBuilds(s.str, ".", ref) {
			if st.Build == nil {
				continue
			}
			file, ctx := c.inRepo(st.Build.Dockerfile), c.inRepo(st.Build.Context)
			id := graph.ImageBuildID(j.rid, line)
			dockerfile := graph.DockerfileID(c.f.RepoID(), file)
			c.b.Node(dockerfile, graph.NodePackage, c.f.Repo+"/"+file, line, attrs{
				"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: c.f.Repo,
			})
			c.b.Node(id, graph.NodeRuntime, "image build of "+file+" at line "+strconv.Itoa(line)+" in "+j.r.name, line, st.Build.TargetAttrs(attrs{
				graph.AttrProvider:       "gitlab",
				"type":                   graph.RuntimeImageBuild,
				graph.AttrRepository:     c.project,
				"server":                 j.attrs["server"],
				graph.AttrJob:            j.rid,
				graph.AttrJobType:        "gitlab-job",
				"dockerfile_id":          dockerfile,
				graph.AttrDockerfile:     file,
				graph.AttrBuildContext:   ctx,
				graph.AttrBuildInputs:    graph.JoinList(st.Build.VariableInputs()),
				graph.AttrBuildArgValues: graph.JoinList(registry.ArgValues(registry.ExpandArgs(st.Build.Args, func(s string) string { return c.expand(j, s) }))),
			}))
			c.b.Edge(j.rid, graph.EdgeCanModify, id, graph.Certain, line, attrs{
				graph.AttrVia:    "build",
				graph.AttrReason: "the job runs the build: its script chooses the Dockerfile " + file + ", the context " + ctx + " and the arguments and secrets the build receives",
			})
		}
	}
}
