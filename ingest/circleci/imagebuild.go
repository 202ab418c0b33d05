package circleci

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// imageBuilds writes, for each image the job's run steps build from a
// Dockerfile and push, the image's name node, which CAN_PUBLISH targets,
// and its DEPENDS_ON edge to the Dockerfile, or to the stage that the
// build targets (registry.Build.BuiltNode). Paths are read from the
// checkout's root.
//
// NOTE: a step's working_directory is not applied, so a build in a
// subfolder names a Dockerfile and context relative to the root.
func (c *converter) imageBuilds(j *jobState) {
	var steps []registry.BuildStep
	for _, s := range j.scripts {
		for _, st := range registry.ScanBuilds(s.text, ".", registry.ImageRef(nil)) {
			st.Line = s.line
			steps = append(steps, st)
		}
	}
	for _, bi := range registry.PushedBuilds(steps) {
		file, ctx := bi.Build.Dockerfile, bi.Build.Context
		name := bi.Image.PURL(false)
		c.b.Node(name, graph.NodePackage, bi.Image.Name(), bi.Line, attrs{"ecosystem": "docker", graph.AttrName: bi.Image.Name()})
		dockerfile := graph.DockerfileID(c.f.RepoID(), file)
		c.b.Node(dockerfile, graph.NodePackage, c.f.Repo+"/"+file, bi.Line, attrs{
			"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: c.f.Repo,
		})
		conf := graph.Certain
		if bi.Build.TargetUnknown {
			conf = graph.Possible
		}
		built := bi.Build.BuiltNode(dockerfile)
		if built != dockerfile {
			c.b.Node(built, graph.NodePackage, c.f.Repo+"/"+file+"#"+bi.Build.Target, bi.Line, bi.Build.StageNodeAttrs(dockerfile, file, c.f.Repo))
		}
		c.b.Edge(name, graph.EdgeDependsOn, built, conf, bi.Line, bi.Build.TargetAttrs(attrs{
			graph.AttrBuildContext: ctx, graph.AttrDockerfile: file,
			graph.AttrReason: bi.Build.PushReason(file, ctx),
		}))
	}
}
