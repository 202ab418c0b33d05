package gitlab

import (
	"fmt"
	"maps"
	"path"
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// composeCommands records on the job the Compose commands of its scripts
// that build or push images (graph.AttrComposeCommands), with their
// folders and files made relative to the repository. The linker joins
// them to the services of the Compose files. A job starts in the clone of
// its project, and its variables are passed to Compose by their names.
// Its variables, and what the lines of its scripts export for the later
// lines of the same shell, can choose the files and profiles
// (COMPOSE_FILE, COMPOSE_PROFILES).
func (c *converter) composeCommands(j *jobState) {
	if j.attrs["type"] == "gitlab-bridge" {
		return
	}
	var cmds []registry.ComposeCommand
	base := pkgcmd.Env{}
	for k, vr := range j.vars {
		base[k] = vr.value
	}
	env := base
	for i, s := range j.scripts {
		if slices.Contains(j.shellStarts, i) {
			env = base
		}
		for _, cmd := range registry.ScanCompose(s.str, ".", env) {
			cmd.Line = c.lineOf(j, s)
			cmd.Dir = path.Clean(c.inRepo(cmd.Dir))
			for i, f := range cmd.Files {
				cmd.Files[i] = path.Clean(c.inRepo(f))
			}
			cmds = append(cmds, cmd)
			j.composeAt = append(j.composeAt, i)
		}
		// The lines of a shell share what they export.
		env = registry.ComposeEnv(s.str, env)
	}
	j.composeCmds = cmds
	if v := registry.EncodeCompose(cmds); v != "" {
		j.attrs[graph.AttrComposeCommands] = v
	}
}

// composePublishers records on the Compose commands of script i that
// push the identities that the job's logins so far act as, by registry
// host (see registryPublish), and reports whether it recorded any.
func (j *jobState) composePublishers(i int, logins map[string][]registryLogin) bool {
	added := false
	for k, at := range j.composeAt {
		if at != i || !j.composeCmds[k].Pushes {
			continue
		}
		for _, h := range slices.Sorted(maps.Keys(logins)) {
			for _, rl := range logins[h] {
				j.composeCmds[k].Publishers = append(j.composeCmds[k].Publishers, registry.ComposePublisher{
					Host: h, ID: rl.identity, Possible: rl.conf == graph.Possible,
					Reason: fmt.Sprintf("the job logs in to %s with %s and pushes the image with Docker Compose", h, rl.credential)})
				added = true
			}
		}
	}
	return added
}
