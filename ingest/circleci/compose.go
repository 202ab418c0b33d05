package circleci

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// composeCommands records on the job the Compose commands of its run
// steps that build or push images (graph.AttrComposeCommands). Paths are
// read from the checkout's root, as buildRuns reads them, and the job's
// variables are passed to Compose by their names. The environment of the
// job and the step can choose the files and profiles (COMPOSE_FILE,
// COMPOSE_PROFILES).
func (c *converter) composeCommands(j *jobState) {
	var cmds []registry.ComposeCommand
	for _, s := range j.scripts {
		for _, cmd := range registry.ScanCompose(s.text, ".", s.env) {
			cmd.Line = s.line
			cmds = append(cmds, cmd)
		}
	}
	if v := registry.EncodeCompose(cmds); v != "" {
		j.attrs[graph.AttrComposeCommands] = v
	}
}
