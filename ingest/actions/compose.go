package actions

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// readComposeCommands records the Compose commands of a run step's script
// that build or push images, at their lines of the workflow file. The
// step's environment can choose their files and profiles (COMPOSE_FILE,
// COMPOSE_PROFILES). The
// builds read the step's environment, so each variable of env maps to the
// job's secrets that give its value, and no other variable holds one. The
// script is read with its expressions as placeholders, each mapped to the
// secrets its expression reads, so that a --build-arg keeps them.
func (w *workflow) readComposeCommands(j *job, script, wd string, run *yaml.Node, env pkgcmd.Env) {
	dir := wd
	if dir == "" {
		dir = "."
	}
	text, exprs := placeExpressions(w.expandRepo(script))
	cmds := registry.ScanCompose(text, dir, env)
	if len(cmds) == 0 {
		return
	}
	vars := map[string][]string{}
	for k := range env {
		vars[k] = buildSecretNames("$"+k, nil, env)
	}
	for _, cmd := range cmds {
		for _, in := range cmd.Inputs {
			if _, variable, _ := strings.Cut(in, "="); strings.HasPrefix(variable, exprPlaceholder) {
				vars[variable] = buildSecretNames("${"+variable+"}", exprs, env)
			}
		}
	}
	block := false
	if n := deref(run); n != nil && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		block = true
	}
	for _, cmd := range cmds {
		line := run.Line
		if block {
			line += cmd.Line
		}
		cmd.Line, cmd.Vars, cmd.EnvKnown = line, vars, true
		j.composeCmds = append(j.composeCmds, cmd)
	}
}

// writeComposeCommands sets the job's graph.AttrComposeCommands, with the
// folders and files made relative to the repository when the job checks
// it out into a folder of the workspace. A command outside it is left out.
func (w *workflow) writeComposeCommands(j *job) {
	root := ""
	if len(j.checkouts) == 1 && j.checkouts[0] != "." && !strings.Contains(j.checkouts[0], "${{") {
		root = j.checkouts[0]
	}
	var out []registry.ComposeCommand
	for _, cmd := range j.composeCmds {
		if cmd.Dir = underRoot(cmd.Dir, root); cmd.Dir == "" {
			continue
		}
		files := cmd.Files
		cmd.Files = nil
		for _, f := range files {
			if f = underRoot(f, root); f != "" {
				cmd.Files = append(cmd.Files, f)
			}
		}
		if len(cmd.Files) < len(files) {
			continue
		}
		out = append(out, cmd)
	}
	if v := registry.EncodeCompose(out); v != "" {
		j.attrs[graph.AttrComposeCommands] = v
	}
}
