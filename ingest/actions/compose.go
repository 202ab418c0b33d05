package actions

import (
	"maps"
	"slices"
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
		if cmd.Pushes {
			cmd.Publishers = w.composePublishers(j, line)
		}
		j.composeCmds = append(j.composeCmds, cmd)
	}
}

// composePublishers returns the identities that the job's registry
// logins so far act as, for a Compose command that pushes at line. They
// are the job's GITHUB_TOKEN when its permissions let it push
// (tokenPublish), the accounts of the secrets and written passwords it
// logs in with, and the cloud identities of logins to one registry. The
// logins of the command's own step count too, as for a docker push.
func (w *workflow) composePublishers(j *job, line int) []registry.ComposePublisher {
	hosts := map[string]bool{}
	for h := range j.logins {
		hosts[h] = true
	}
	for h := range j.secretLogins {
		hosts[h] = true
	}
	for h := range j.literalLogins {
		hosts[h] = true
	}
	tokenOK, tokenConf, tokenReason := w.tokenPublish(j)
	var out []registry.ComposePublisher
	for _, h := range slices.Sorted(maps.Keys(hosts)) {
		if tokenOK && tokenRegistries[h] && j.logins[h] {
			out = append(out, registry.ComposePublisher{Host: h, ID: graph.GHATokenIdentityID(j.rid),
				Possible: tokenConf == graph.Possible, Reason: tokenReason})
		}
		for _, cred := range j.secretLogins[h] {
			out = append(out, registry.ComposePublisher{Host: h, ID: w.registryAccount(line, h, cred),
				Reason: "the job logs in to " + h + " with secret " + cred + " and pushes the image with Docker Compose"})
		}
		for _, lit := range j.literalLogins[h] {
			out = append(out, registry.ComposePublisher{Host: h, ID: w.literalAccount(line, h, lit),
				Reason: "the job logs in to " + h + " with a password written into the workflow and pushes the image with Docker Compose"})
		}
	}
	for _, l := range j.cloudLogins {
		h := l.registryHost()
		if h == "" {
			continue
		}
		for _, id := range l.identsAt(j) {
			w.writeCloudIdentity(j, id)
			out = append(out, registry.ComposePublisher{Host: h, ID: id.id, Possible: l.maybe || id.maybe,
				Reason: "the job logs in to " + h + " with " + l.tool + " as " + id.label + " and pushes the image with Docker Compose"})
		}
	}
	return out
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
