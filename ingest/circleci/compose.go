package circleci

import (
	"maps"
	"slices"

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
	for i, s := range j.scripts {
		for _, cmd := range registry.ScanCompose(s.text, ".", s.env) {
			cmd.Line = s.line
			cmds = append(cmds, cmd)
			j.composeAt = append(j.composeAt, i)
		}
	}
	j.composeCmds = cmds
	if v := registry.EncodeCompose(cmds); v != "" {
		j.attrs[graph.AttrComposeCommands] = v
	}
}

// composePublishers records on the Compose commands of run step i that
// push the accounts that the job's logins so far act as, by registry
// host (see registryPublish), and reports whether it recorded any.
func (j *jobState) composePublishers(i int, accounts map[string][]string) bool {
	added := false
	for k, at := range j.composeAt {
		if at != i || !j.composeCmds[k].Pushes {
			continue
		}
		for _, h := range slices.Sorted(maps.Keys(accounts)) {
			for _, id := range accounts[h] {
				j.composeCmds[k].Publishers = append(j.composeCmds[k].Publishers, registry.ComposePublisher{
					Host: h, ID: id, Reason: "the job logs in to " + h + " and pushes the image with Docker Compose"})
				added = true
			}
		}
	}
	return added
}
