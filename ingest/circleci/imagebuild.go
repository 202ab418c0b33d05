package circleci

import (
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
		c.b.PushedImage(bi, c.f.RepoID(), c.f.Repo, file, ctx)
	}
}
