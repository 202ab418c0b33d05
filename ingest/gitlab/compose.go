package gitlab

import (
	"path"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// composeCommands records on the job the Compose commands of its scripts
// that build or push images (graph.AttrComposeCommands), with their
// folders and files made relative to the repository. The linker joins
// them to the services of the Compose files. A job starts in the clone of
// its project, and its variables are passed to Compose by their names.
func (c *converter) composeCommands(j *jobState) {
	if j.attrs["type"] == "gitlab-bridge" {
		return
	}
	var cmds []registry.ComposeCommand
	for _, s := range j.scripts {
		for _, cmd := range registry.ScanCompose(s.str, ".") {
			cmd.Line = c.lineOf(j, s)
			cmd.Dir = path.Clean(c.inRepo(cmd.Dir))
			for i, f := range cmd.Files {
				cmd.Files[i] = path.Clean(c.inRepo(f))
			}
			cmds = append(cmds, cmd)
		}
	}
	if v := registry.EncodeCompose(cmds); v != "" {
		j.attrs[graph.AttrComposeCommands] = v
	}
}
