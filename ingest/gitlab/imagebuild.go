package gitlab

import (
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// imageBuilds writes, for each image the job's scripts build from a
// Dockerfile and push (docker build and push, Kaniko's executor), the
// image's name node, which CAN_PUBLISH targets, and its DEPENDS_ON edge to
// the Dockerfile, or to the stage that the build targets
// (registry.Build.BuiltNode). A job starts in the clone of its project, so paths are
// read from the pipeline's root folder.
func (c *converter) imageBuilds(j *jobState) {
	ref := registry.ImageRef(func(s string) string { return c.expand(j, s) })
	var steps []registry.BuildStep
	for _, s := range j.scripts {
		for _, st := range registry.ScanBuilds(s.str, ".", ref) {
			st.Line = c.lineOf(j, s)
			steps = append(steps, st)
		}
	}
	for _, bi := range registry.PushedBuilds(steps) {
		file, ctx := c.inRepo(bi.Build.Dockerfile), c.inRepo(bi.Build.Context)
		c.b.PushedImage(bi, c.f.RepoID(), c.f.Repo, file, ctx)
	}
}
