package actions

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// tokenRegistries are the container registries that accept a job's
// GITHUB_TOKEN as a password.
var tokenRegistries = map[string]bool{"ghcr.io": true, "docker.pkg.github.com": true}

// imagePush is an image a step pushes with the job's GITHUB_TOKEN.
type imagePush struct {
	image image.Ref
	line  int
	step  string
	// maybe is set when an expression decides whether the push happens.
	maybe bool
}

// tokenRef reports whether s names the job's GITHUB_TOKEN: the
// secrets.GITHUB_TOKEN or github.token expressions, or a variable of env
// whose value is one of them, read by the shell ($NAME) or through the env
// context (${{ env.NAME }}).
func tokenRef(s string, env map[string]string) bool {
	low := strings.ToLower(s)
	if strings.Contains(low, "secrets.github_token") || strings.Contains(low, "github.token") {
		return true
	}
	for k, v := range env {
		if (strings.Contains(s, "$"+k) || strings.Contains(s, "${"+k+"}") || envContextRef(s, k)) && tokenRef(v, nil) {
			return true
		}
	}
	return false
}

// envContextRef reports whether s reads the variable name through the env
// context: env.NAME or env['NAME'].
func envContextRef(s, name string) bool {
	re := regexp.MustCompile(`\benv(\.` + regexp.QuoteMeta(name) + `\b|\[\s*['"]` + regexp.QuoteMeta(name) + `['"]\s*\])`)
	return re.MatchString(s)
}

// expandRepo replaces the expressions that name the workflow's repository
// and owner, the ones image names are usually built from.
func (w *workflow) expandRepo(s string) string {
	owner, _, _ := strings.Cut(w.repo, "/")
	for _, r := range []struct{ expr, value string }{
		{"github.repository_owner", owner},
		{"github.repository", w.repo},
	} {
		for _, form := range []string{"${{ " + r.expr + " }}", "${{" + r.expr + "}}"} {
			s = strings.ReplaceAll(s, form, r.value)
		}
	}
	s = strings.ReplaceAll(s, "${GITHUB_REPOSITORY_OWNER}", owner)
	s = strings.ReplaceAll(s, "$GITHUB_REPOSITORY_OWNER", owner)
	s = strings.ReplaceAll(s, "${GITHUB_REPOSITORY}", w.repo)
	return strings.ReplaceAll(s, "$GITHUB_REPOSITORY", w.repo)
}

// pushedImage parses an image reference a step pushes. Docker rejects
// image names with upper-case letters, so a push that succeeded used the
// lower-case form.
func (w *workflow) pushedImage(ref string) (image.Ref, bool) {
	img, ok := image.Parse(withoutVariableTag(strings.ToLower(w.expandRepo(strings.TrimSpace(ref)))))
	if !ok || !tokenRegistries[img.Registry] {
		return image.Ref{}, false
	}
	return img, true
}

// withoutVariableTag removes a tag or digest that an expression or a shell
// variable sets (app:${{ github.sha }}, app:$VERSION). The image's name, which
// CAN_PUBLISH targets, does not depend on it.
func withoutVariableTag(ref string) string {
	start := strings.LastIndexByte(ref, '/') + 1
	i := strings.IndexAny(ref[start:], ":@")
	if i < 0 {
		return ref
	}
	if i += start; strings.Contains(ref[i:], "$") {
		return ref[:i]
	}
	return ref
}

// readActionPublish records what a step of a publishing action does with
// the job's GITHUB_TOKEN. docker/login-action logs in to a registry with
// it. docker/build-push-action with push: true pushes its tags to the
// registries the job logged in to. elgohr/publish-docker-github-action
// logs in and pushes in one step.
func (w *workflow) readActionPublish(j *job, name, step string, line int, input func(string) string, env map[string]string) {
	switch strings.ToLower(name) {
	case "docker/login-action":
		reg := strings.ToLower(input("registry"))
		if tokenRegistries[reg] && tokenRef(input("password"), env) {
			j.logins[reg] = true
		}
	case "docker/build-push-action":
		push := strings.TrimSpace(input("push"))
		maybe := strings.Contains(push, "${{")
		if push != "true" && !maybe {
			return
		}
		for _, tag := range strings.FieldsFunc(input("tags"), func(r rune) bool { return r == ',' || r == '\n' }) {
			if img, ok := w.pushedImage(tag); ok && j.logins[img.Registry] {
				j.pushes = append(j.pushes, imagePush{image: img, line: line, step: step, maybe: maybe})
			}
		}
	case "elgohr/publish-docker-github-action":
		reg := strings.ToLower(input("registry"))
		if !tokenRegistries[reg] || !tokenRef(input("password"), env) {
			return
		}
		if img, ok := w.pushedImage(reg + "/" + input("name")); ok {
			j.pushes = append(j.pushes, imagePush{image: img, line: line, step: step})
		}
	}
}

// readScriptPublish records the docker login and docker push commands of
// a run: script. A login counts when it names a registry that accepts the
// GITHUB_TOKEN and its line (the pipeline that feeds it, say) names the
// token. A push counts once the job has logged in to the image's registry.
func (w *workflow) readScriptPublish(j *job, script, step string, line int, env map[string]string) {
	for _, ln := range strings.Split(w.expandRepo(script), "\n") {
		for _, cmd := range splitCommands(ln) {
			w.readDockerCommand(j, cmd, ln, step, line, env)
		}
	}
}

// readDockerCommand reads one command of a script line.
func (w *workflow) readDockerCommand(j *job, cmd, ln, step string, line int, env map[string]string) {
	words, _ := commandWords(cmd)
	if len(words) < 2 || words[0] != "docker" {
		return
	}
	switch {
	case words[1] == "login":
		for _, a := range words[2:] {
			if reg := strings.ToLower(a); tokenRegistries[reg] && tokenRef(ln, env) {
				j.logins[reg] = true
			}
		}
	case words[1] == "push", len(words) > 2 && words[1] == "image" && words[2] == "push":
		for _, a := range words[2:] {
			if strings.HasPrefix(a, "-") || a == "push" {
				continue
			}
			if img, ok := w.pushedImage(a); ok && j.logins[img.Registry] {
				j.pushes = append(j.pushes, imagePush{image: img, line: line, step: step})
			}
			return
		}
	}
}

// writePublish writes CAN_PUBLISH from the identity of the job's token to
// each image the job pushes with it. The push needs packages:write: certain
// when the job's permissions grant it, possible when they are the
// repository's default, which the input does not show.
func (w *workflow) writePublish(j *job) {
	if len(j.pushes) == 0 || w.calledOnly() {
		return
	}
	conf := graph.Certain
	reason := "the job pushes the image with its GITHUB_TOKEN, whose permissions grant packages:write"
	switch {
	case j.perms.Default:
		conf = graph.Possible
		reason = "the job pushes the image with its GITHUB_TOKEN; the repository's default token permissions are not in the input, and the push needs packages:write"
	case !j.perms.has("packages", "write"):
		return
	}
	ident := graph.GHATokenIdentityID(j.rid)
	for _, p := range j.pushes {
		name := p.image.PURL(false)
		c, text := conf, reason
		if p.maybe {
			c = graph.Possible
			text += "; an expression decides whether the step pushes"
		}
		w.b.node(name, graph.NodePackage, p.image.Name(), p.line, attrs{"ecosystem": "docker", "name": p.image.Name()})
		w.b.edge(ident, graph.EdgeCanPublish, name, c, p.line, attrs{
			graph.AttrReason: text,
			"step":           p.step,
		})
	}
}
