package actions

import (
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// tokenRegistries are the container registries that accept a job's
// GITHUB_TOKEN as a password.
var tokenRegistries = map[string]bool{"ghcr.io": true, "docker.pkg.github.com": true}

// imagePush is an image a step pushes after the job logged in to its
// registry: with the job's GITHUB_TOKEN (token), or with secrets (creds,
// their names).
type imagePush struct {
	image image.Ref
	line  int
	step  string
	// maybe is set when an expression decides whether the push happens.
	maybe bool
	token bool
	creds []string
	// literals are the inline secrets of passwords written into the
	// workflow that the job logged in to the image's registry with.
	literals []string
	// scope is set, to the registry host, for a push whose image names
	// the input does not show (tags computed at run time).
	scope string
	// clouds are the cloud identities that logged in to the image's
	// registry.
	clouds []cloudCredit
}

// secretNames returns the names of the secrets s reads, directly or
// through a variable of env whose value reads them.
func secretNames(s string, env map[string]string) []string {
	var out []string
	add := func(t string) {
		for _, r := range secretRefs(t, false) {
			if !r.All && r.Name != "GITHUB_TOKEN" && !slices.Contains(out, r.Name) {
				out = append(out, r.Name)
			}
		}
	}
	add(s)
	for k, v := range env {
		if shellVarRef(s, k) || strings.Contains(s, "${"+k+"}") || envContextRef(s, k) || windowsShellRef(s, k) {
			add(v)
		}
	}
	slices.Sort(out)
	return out
}

// shellVarRef reports whether s reads variable name as $NAME.
func shellVarRef(s, name string) bool { return wholeRef(s, "$"+name) }

// windowsShellRef reports whether s reads variable name as PowerShell
// ($env:NAME, "env" in any case) or cmd.exe (%NAME%) does, the shells of
// steps on Windows runners.
func windowsShellRef(s, name string) bool {
	return strings.Contains(s, "%"+name+"%") || wholeRef(strings.ToLower(s), strings.ToLower("$env:"+name))
}

// wholeRef reports whether s contains ref with no name character after
// it, so that $NUGET_KEY_PROD does not read NUGET_KEY.
func wholeRef(s, ref string) bool {
	for i := strings.Index(s, ref); i >= 0; {
		end := i + len(ref)
		if end == len(s) || !isNameByte(s[end]) {
			return true
		}
		next := strings.Index(s[end:], ref)
		if next < 0 {
			return false
		}
		i = end + next
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// login records a login to a registry with the job's token or with
// secrets.
func (j *job) login(host string, token bool, creds []string) {
	if token {
		j.logins[host] = true
	}
	for _, c := range creds {
		if !slices.Contains(j.secretLogins[host], c) {
			j.secretLogins[host] = append(j.secretLogins[host], c)
		}
	}
}

// pushUnnamed records a push whose image names are computed at run time:
// it may go to any registry the job logged in to with a secret, or with
// its cloud identity when the login names one registry (see
// cloudLogin.registryHost).
func (j *job) pushUnnamed(line int, step string, maybe bool) {
	hosts := make([]string, 0, len(j.secretLogins))
	for h := range j.secretLogins {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		j.pushes = append(j.pushes, imagePush{line: line, step: step, maybe: maybe, scope: h, creds: slices.Clone(j.secretLogins[h])})
	}
	for _, l := range j.cloudLogins {
		h := l.registryHost()
		if h == "" {
			continue
		}
		p := imagePush{line: line, step: step, maybe: maybe, scope: h}
		for _, id := range l.identsAt(j) {
			p.clouds = append(p.clouds, cloudCredit{ident: id, maybe: l.maybe || id.maybe, tool: l.tool})
		}
		if len(p.clouds) > 0 {
			j.pushes = append(j.pushes, p)
		}
	}
}

// push records an image pushed to a registry the job logged in to.
func (j *job) push(img image.Ref, line int, step string, maybe bool) {
	host := registry.ImageHost(img)
	p := imagePush{image: img, line: line, step: step, maybe: maybe,
		token: tokenRegistries[host] && j.logins[host], creds: slices.Clone(j.secretLogins[host]),
		literals: slices.Clone(j.literalLogins[host])}
	for _, l := range j.cloudLogins {
		if !l.matches(host) {
			continue
		}
		for _, id := range l.identsAt(j) {
			p.clouds = append(p.clouds, cloudCredit{ident: id, maybe: l.maybe || id.maybe, tool: l.tool})
		}
	}
	if p.token || len(p.creds) > 0 || len(p.literals) > 0 || len(p.clouds) > 0 {
		j.pushes = append(j.pushes, p)
	}
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
	// Most steps do not name the variable, and a substring test costs far
	// less than compiling the pattern.
	if !strings.Contains(s, name) {
		return false
	}
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
	return image.Parse(withoutVariableTag(strings.ToLower(w.expandRepo(strings.TrimSpace(ref)))))
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
// the job's GITHUB_TOKEN. docker/login-action, redhat-actions/podman-login
// and Azure/docker-login log in to a registry with it. docker/build-push-action
// with push: true, or a registry output, pushes its tags to the registries
// the job logged in to.
// elgohr/publish-docker-github-action and redhat-actions/push-to-registry
// log in (when given a password) and push in one step.
func (w *workflow) readActionPublish(j *job, name, step string, line int, input func(string) string, env map[string]string) {
	switch strings.ToLower(name) {
	case "docker/login-action":
		host := registry.NormalHost(input("registry"))
		pw := input("password")
		if w.cloudActionLogin(j, host, input("username"), pw, line, env) {
			return
		}
		j.login(host, tokenRegistries[host] && tokenRef(pw, env), secretNames(pw, env))
	case "aws-actions/configure-aws-credentials":
		// A step that may fail without stopping the job leaves the
		// credentials before it possibly in effect.
		w.readAWSCredentials(j, input, env, line, j.cond || j.mayFail)
	case "aws-actions/amazon-ecr-login":
		w.ecrLogin(j, input, env, line, j.cond)
	case "google-github-actions/auth":
		w.readGCPCredentials(j, input, env, line, j.cond || j.mayFail)
	case "docker/build-push-action":
		push, maybe := actionPushes(input)
		if !push {
			return
		}
		named := false
		for _, tag := range j.actionTags(input("tags")) {
			if img, ok := w.pushedImage(tag); ok {
				j.push(img, line, step, maybe)
				named = true
			}
		}
		if !named {
			j.pushUnnamed(line, step, maybe)
		}
	case "redhat-actions/podman-login":
		host := registry.NormalHost(input("registry"))
		pw := input("password")
		j.login(host, tokenRegistries[host] && tokenRef(pw, env), secretNames(pw, env))
	case "azure/docker-login":
		// login-server defaults to Docker Hub.
		host := registry.NormalHost(input("login-server"))
		pw := input("password")
		j.login(host, tokenRegistries[host] && tokenRef(pw, env), secretNames(pw, env))
	case "redhat-actions/push-to-registry":
		// registry is a host with an optional namespace, which the image
		// name follows; without it, image names its registry itself.
		ref := input("image")
		if reg := strings.TrimSuffix(strings.TrimSpace(input("registry")), "/"); reg != "" {
			ref = reg + "/" + ref
		}
		img, ok := w.pushedImage(ref)
		if !ok {
			if strings.Contains(ref, "${{") {
				j.pushUnnamed(line, step, false)
			}
			return
		}
		if pw := input("password"); pw != "" {
			host := registry.ImageHost(img)
			j.login(host, tokenRegistries[host] && tokenRef(pw, env), secretNames(pw, env))
		}
		j.push(img, line, step, false)
	case "imjasonh/setup-crane":
		// The action logs crane in to ghcr.io with the job's token.
		j.login("ghcr.io", tokenRegistries["ghcr.io"], nil)
	case "elgohr/publish-docker-github-action":
		host := registry.NormalHost(input("registry"))
		pw := input("password")
		j.login(host, tokenRegistries[host] && tokenRef(pw, env), secretNames(pw, env))
		reg := input("registry")
		if reg != "" {
			reg += "/"
		}
		if img, ok := w.pushedImage(reg + input("name")); ok {
			j.push(img, line, step, false)
		}
	}
}

// readScriptPublish records the registry logins and image writes of a
// run: script: docker, podman and buildah logins and pushes, and the
// logins and writes of skopeo, crane, oras, regctl and Kaniko (see
// registry.Writes), also when docker run starts them from their images
// (registry.RunTool), and in the shell script that a container runs
// (registry.RunShell). In a container the job's logins count only when
// their Docker config is mounted, and the logins made there stay there. A login counts when it names a
// registry that accepts the GITHUB_TOKEN and its line (the pipeline that
// feeds it, say) names the token, or when its line reads a secret. A line that writes a
// Docker config file (registry.ConfigLogin) logs in the same way with the
// password of its entry. A push counts once the job has logged in to the
// image's registry.
//
// literals maps the credentials written into the script to their inline
// secrets (writeScriptLiterals); a login whose line holds one logs in
// with it.
func (w *workflow) readScriptPublish(j *job, script, step string, line int, env map[string]string, literals map[string]string) {
	w.readScript(j, script, step, line, env, literals, false)
}

// readScript reads a script for readScriptPublish. nested is set for the
// script of a container's shell (registry.RunShell), whose own
// containers' shell scripts are not read.
// The script is parsed as bash (shellscan), so the commands of groups,
// substitutions and pipelines over several lines are read. A command's
// line, for the token and the secrets it names, is its logical line with
// the pipeline stages that feed it. A script that does not parse as bash
// is split line by line instead.
func (w *workflow) readScript(j *job, script, step string, line int, env map[string]string, literals map[string]string, nested bool) {
	expand := func(s string) string { return strings.ToLower(w.expandRepo(s)) }
	script = w.expandRepo(script)
	if !registry.MayWriteImages(script) {
		return
	}
	// logical holds each line of the script joined with the lines that
	// a trailing backslash continues it onto, at the index of each.
	raw := strings.Split(script, "\n")
	logical := make([]string, len(raw))
	for i := 0; i < len(raw); {
		k := i
		ln := raw[i]
		for strings.HasSuffix(strings.TrimSuffix(ln, "\r"), "\\") && k+1 < len(raw) {
			k++
			ln = strings.TrimSuffix(strings.TrimSuffix(ln, "\r"), "\\") + " " + raw[k]
		}
		for ; i <= k; i++ {
			logical[i] = ln
		}
	}
	// The Docker config files a line writes log in before the commands
	// of the line run.
	configDone := 0
	configs := func(upTo int) {
		for ; configDone < upTo && configDone < len(logical); configDone++ {
			if configDone > 0 && logical[configDone] == logical[configDone-1] {
				continue
			}
			if host, password, ok := registry.ConfigLogin(logical[configDone], expand); ok {
				// A Docker config file logs in with the token or the
				// secrets of its entry's password.
				j.login(host, tokenRegistries[host] && tokenRef(password, env), secretNames(password, env))
			}
		}
	}
	_, err := shellscan.Scan(script, ".", nil, shellscan.Options{MaxCommands: maxScriptCommands}, func(c *shellscan.Command) bool {
		configs(c.Line)
		if c.Keyword || len(c.Words) == 0 {
			return true
		}
		ln := ""
		if c.Line >= 1 && c.Line <= len(logical) {
			ln = logical[c.Line-1]
		}
		for _, p := range c.Piped {
			if !strings.Contains(ln, p) {
				ln = p + " | " + ln
			}
		}
		var cmd []string
		for _, w := range c.Words {
			cmd = append(cmd, w.Raw)
		}
		for _, r := range c.Redirs {
			cmd = append(cmd, r.N+r.Op+r.Word.Raw)
		}
		w.readRegistryCommand(j, strings.Join(cmd, " "), ln, step, line, env, literals, nested)
		return true
	})
	if err == nil {
		configs(len(logical))
		return
	}
	for _, ln := range strings.Split(joinContinued(script), "\n") {
		if host, password, ok := registry.ConfigLogin(ln, expand); ok {
			j.login(host, tokenRegistries[host] && tokenRef(password, env), secretNames(password, env))
		}
		for _, cmd := range splitCommands(ln) {
			w.readRegistryCommand(j, cmd, ln, step, line, env, literals, nested)
		}
	}
}

// readRegistryCommand reads one command of a script line. A login counts
// for the token when its line names the GITHUB_TOKEN, and for each secret
// its line reads. A command that writes images with credentials of its own
// options (skopeo copy --dest-creds, say) logs in with those alone.
func (w *workflow) readRegistryCommand(j *job, cmd, ln, step string, line int, env map[string]string, literals map[string]string, nested bool) {
	words, _ := commandWords(cmd)
	words = registry.WithoutGlobalOptions(words)
	if len(words) < 2 {
		return
	}
	if args, ok := registry.LoginArgs(words); ok {
		host := registry.LoginHost(args)
		if strings.Contains(host, "$") {
			return
		}
		h := registry.NormalHost(host)
		if w.cloudScriptLogin(j, h, ln, line, env) {
			return
		}
		j.login(h, tokenRegistries[h] && tokenRef(ln, env), secretNames(ln, env))
		if len(literals) > 0 {
			for _, f := range literal.Scan(cmd) {
				if id := literals[f.Value]; id != "" && !slices.Contains(j.literalLogins[h], id) {
					j.literalLogins[h] = append(j.literalLogins[h], id)
				}
			}
		}
		return
	}
	if script, ok := registry.ShellScript(words); ok && !nested {
		// The job's own shell: what its script does is the job's.
		w.readScript(j, script, step, line, env, literals, true)
		return
	}
	if script, mountsAuth, isShell := registry.RunShell(words); isShell && !nested {
		// The script's logins stay in the container.
		c := j.container(mountsAuth)
		w.readScript(c, script, step, line, env, literals, true)
		j.pushes = append(j.pushes, c.pushes...)
		return
	}
	if hosts, ok := registry.ConfigureDockerHosts(words); ok {
		for _, h := range hosts {
			j.cloudLogin(cloudLogin{host: h, helper: true, maybe: j.cond, tool: "gcloud auth configure-docker"})
		}
		return
	}
	expand := func(s string) string { return strings.ToLower(w.expandRepo(s)) }
	run, mountsAuth, isRun := registry.RunTool(words)
	switch tool := words[0]; {
	case isRun:
		c := j.container(mountsAuth)
		w.readWrite(c, registry.Writes(run, expand), ln, step, line, env)
		j.pushes = append(j.pushes, c.pushes...)
	case tool == "docker" || tool == "podman" || tool == "buildah":
		if words[1] != "push" && (len(words) < 3 || words[1] != "image" || words[2] != "push") {
			return
		}
		for _, a := range words[2:] {
			if strings.HasPrefix(a, "-") || a == "push" {
				continue
			}
			a = expandStepVars(a, env)
			if img, ok := w.pushedImage(a); ok {
				j.push(img, line, step, false)
			} else if strings.Contains(a, "$") {
				j.pushUnnamed(line, step, false)
			}
			return
		}
	default:
		w.readWrite(j, registry.Writes(words, expand), ln, step, line, env)
	}
}

// container returns a job that records the logins and pushes made inside
// a container that the job starts. It starts with the job's logins when
// the job's Docker config is mounted into the container (mountsAuth), or
// else with none. Its logins stay in the container.
func (j *job) container(mountsAuth bool) *job {
	c := &job{logins: map[string]bool{}, secretLogins: map[string][]string{}, literalLogins: map[string][]string{}, cond: j.cond}
	if !mountsAuth {
		return c
	}
	for h, ok := range j.logins {
		c.logins[h] = ok
	}
	for h, creds := range j.secretLogins {
		c.secretLogins[h] = slices.Clone(creds)
	}
	for h, ids := range j.literalLogins {
		c.literalLogins[h] = slices.Clone(ids)
	}
	c.cloudLogins = slices.Clone(j.cloudLogins)
	return c
}

// readWrite records the login that a write command's own credential
// options make, to the registry it writes, and the images it writes.
func (w *workflow) readWrite(j *job, wr registry.Write, ln, step string, line int, env map[string]string) {
	if len(wr.Images) == 0 {
		return
	}
	if len(wr.Creds) > 0 || wr.PasswordStdin {
		// A password read from stdin comes from the command's line, as
		// for a login.
		creds := strings.Join(wr.Creds, " ")
		if wr.PasswordStdin {
			creds += " " + ln
		}
		h := registry.ImageHost(wr.Images[0])
		j.login(h, tokenRegistries[h] && tokenRef(creds, env), secretNames(creds, env))
	}
	for _, img := range wr.Images {
		j.push(img, line, step, false)
	}
}

// writePublish writes CAN_PUBLISH from the identity of the job's token to
// each image the job pushes with it. The push needs packages:write: certain
// when the job's permissions grant it, possible when they are the
// repository's default, which the input does not show.
func (w *workflow) writePublish(j *job) {
	if len(j.pushes) == 0 {
		return
	}
	tokenOK, conf, reason := w.tokenPublish(j)
	ident := graph.GHATokenIdentityID(j.rid)
	for _, p := range j.pushes {
		if p.scope != "" {
			for _, cred := range p.creds {
				w.secretPushScope(p, cred)
			}
			for _, c := range p.clouds {
				w.cloudPushScope(j, p, c)
			}
			continue
		}
		name := p.image.PURL(false)
		if p.token && tokenOK {
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
		for _, cred := range p.creds {
			w.secretPublish(p, cred, name)
		}
		for _, lit := range p.literals {
			w.literalPublish(p, lit, name)
		}
		for _, c := range p.clouds {
			w.cloudPublish(j, p, c, name)
		}
	}
}

// tokenPublish reports whether the job's GITHUB_TOKEN can push images,
// with the confidence and the reason of its CAN_PUBLISH edges. The push
// needs packages:write: certain when the job's permissions grant it,
// possible when they are the repository's default, which the input does
// not show.
func (w *workflow) tokenPublish(j *job) (bool, graph.Confidence, string) {
	conf := graph.Certain
	reason := "the job pushes the image with its GITHUB_TOKEN, whose permissions grant packages:write"
	ok := true
	switch {
	case j.perms.Default:
		conf = graph.Possible
		reason = "the job pushes the image with its GITHUB_TOKEN; the repository's default token permissions are not in the input, and the push needs packages:write"
	case !j.perms.has("packages", "write"):
		ok = false
	}
	// A workflow that is only called runs with its caller's token
	// permissions, which it does not show. The secrets it logs in with are
	// its caller's, passed by name, so they still count.
	return ok && !w.calledOnly(), conf, reason
}

// literalPublish writes the registry account that a password written
// into the workflow logs in as, and its CAN_PUBLISH to an image pushed
// after the login.
func (w *workflow) literalPublish(p imagePush, lit, name string) {
	account := w.literalAccount(p.line, registry.ImageHost(p.image), lit)
	w.publishImage(p, account, name, "with a password written into the workflow")
}

// literalAccount writes the account on a registry host that a password
// written into the workflow logs in as, and returns its id.
func (w *workflow) literalAccount(line int, host, lit string) string {
	account := graph.RegistryAccountID(host, lit)
	w.b.node(account, graph.NodeIdentity, host+" account of a password written in "+w.rel, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host,
	})
	w.b.edge(lit, graph.EdgeAuthenticatesAs, account, graph.Certain, line, attrs{
		graph.AttrReason: "the job logs in to " + host + " with a password written into the workflow",
	})
	return account
}

// secretPublish writes the registry account a secret logs in as and its
// CAN_PUBLISH to an image pushed after the login. The account hangs off
// the repository's secret of that name, the node a job reading the name
// reaches.
func (w *workflow) secretPublish(p imagePush, cred, name string) {
	host := registry.ImageHost(p.image)
	account := w.registryAccount(p.line, host, cred)
	w.publishImage(p, account, name, "with secret "+cred)
}

// publishImage writes CAN_PUBLISH from a registry account to an image the
// job pushes after logging in; how says how it logs in ("with secret X").
func (w *workflow) publishImage(p imagePush, account, name, how string) {
	c, text := graph.Certain, "the job logs in to "+registry.ImageHost(p.image)+" "+how+" and pushes the image"
	if p.maybe {
		c = graph.Possible
		text += "; an expression decides whether the step pushes"
	}
	w.b.node(name, graph.NodePackage, p.image.Name(), p.line, attrs{"ecosystem": "docker", "name": p.image.Name()})
	w.b.edge(account, graph.EdgeCanPublish, name, c, p.line, attrs{graph.AttrReason: text, "step": p.step})
}

// secretPushScope writes CAN_ACCESS from a secret's registry account to
// the images it can push to a registry, for a push whose image names are
// computed at run time.
func (w *workflow) secretPushScope(p imagePush, cred string) {
	account := w.registryAccount(p.line, p.scope, cred)
	scope := graph.RegistryScopeID(p.scope)
	w.b.node(scope, graph.NodeResource, "images pushed to "+p.scope, p.line, attrs{
		graph.AttrProvider: "registry", "type": "registry-scope", "registry": p.scope, "scope": "true",
	})
	c, text := graph.Certain, "the job logs in to "+p.scope+" with secret "+cred+" and pushes images whose names are computed at run time"
	if p.maybe {
		c = graph.Possible
		text += "; an expression decides whether the step pushes"
	}
	w.b.edge(account, graph.EdgeCanAccess, scope, c, p.line, attrs{
		graph.AttrReason: text, graph.AttrLevel: "write", "step": p.step,
	})
}

// registryAccount writes the account a secret logs in as on a registry
// host, with its AUTHENTICATES_AS edge, and returns its id.
func (w *workflow) registryAccount(line int, host, cred string) string {
	sid := w.secretNode(line, cred)
	account := graph.RegistryAccountID(host, sid)
	w.b.node(account, graph.NodeIdentity, host+" account of "+cred, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host,
	})
	w.b.edge(sid, graph.EdgeAuthenticatesAs, account, graph.Certain, line, attrs{
		graph.AttrReason: "the job logs in to " + host + " with secret " + cred,
	})
	return account
}

// secretNode writes the repository's secret of a name that the job logs
// in with, and returns its id.
func (w *workflow) secretNode(line int, name string) string {
	sid := graph.GHASecretID(w.idRepo, name)
	// In a workflow that only runs when called, the name is a parameter
	// whose value the caller passes, the type the linker gives it too.
	typ := "actions-secret"
	if w.calledOnly() {
		typ = "workflow-call-secret"
	}
	w.b.node(sid, graph.NodeSecret, name, line, attrs{
		graph.AttrProvider:   "github",
		"type":               typ,
		graph.AttrName:       name,
		graph.AttrRepository: w.repo,
		graph.AttrLongLived:  "true",
	})
	return sid
}
