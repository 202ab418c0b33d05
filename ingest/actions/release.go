package actions

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Package registries that releases go to unless a step names another.
const (
	npmRegistry  = "registry.npmjs.org"
	pypiRegistry = "pypi.org"
)

// release is a package release a step makes to a package registry (npm
// or PyPI), and what it authenticates with: secrets, or, with none, the
// job's OIDC token (trusted publishing).
type release struct {
	eco   string // npm or pypi
	host  string
	line  int
	step  string
	creds []string
	// root is set when the step releases the project at the top of the
	// repository, whose name the repository's lockfile gives.
	root bool
	// maybe is set when the tool releases only when its configuration
	// enables it (semantic-release publishes to npm through a plugin).
	maybe bool
}

// authEnv reports whether a variable of this name carries a registry
// token to the release tools of an ecosystem: the names that
// actions/setup-node, semantic-release, twine, uv, Poetry, Flit, Hatch
// and PDM read, and names that mention the registry.
func authEnv(eco, name string) bool {
	up := strings.ToUpper(name)
	switch eco {
	case "npm":
		return up == "NODE_AUTH_TOKEN" || strings.Contains(up, "NPM")
	case "pypi":
		switch up {
		case "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD", "FLIT_PASSWORD", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD":
			return true
		}
		return strings.HasPrefix(up, "POETRY_PYPI_TOKEN_") || strings.Contains(up, "PYPI")
	}
	return false
}

// releaseCreds returns the secrets a release step authenticates with: those
// its command line reads, those held by variables of env that the
// ecosystem's tools read, and, for npm, those written to .npmrc earlier.
func (j *job) releaseCreds(eco, line string, env map[string]string) []string {
	creds := secretNames(line, env)
	for k, v := range env {
		if authEnv(eco, k) {
			creds = append(creds, secretNames(v, nil)...)
		}
	}
	if eco == "npm" {
		creds = append(creds, j.npmrcCreds...)
	}
	slices.Sort(creds)
	return slices.Compact(creds)
}

// releaseTool returns the ecosystem a command releases to, "" for a
// command that releases nothing, and whether the release depends on the
// tool's configuration.
func releaseTool(words []string) (eco string, maybe bool) {
	switch words[0] {
	case "npx", "bunx":
		words = withoutFlags(words[1:])
	case "python", "python3":
		if len(words) > 2 && words[1] == "-m" {
			words = words[2:]
		}
	}
	if len(words) == 0 {
		return "", false
	}
	tool := path.Base(words[0])
	args := withoutFlags(words[1:])
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch tool {
	case "npm", "lerna", "changeset":
		if sub == "publish" {
			return "npm", false
		}
	case "pnpm":
		// pnpm takes options with values before the command
		// (pnpm --filter app publish).
		if slices.Contains(args, "publish") {
			return "npm", false
		}
	case "yarn":
		if sub == "publish" || (sub == "npm" && len(args) > 1 && args[1] == "publish") {
			return "npm", false
		}
	case "semantic-release":
		return "npm", true
	case "twine":
		if sub == "upload" {
			return "pypi", false
		}
	case "uv", "poetry", "flit", "hatch", "pdm":
		if sub == "publish" {
			return "pypi", false
		}
	}
	return "", false
}

// withoutFlags drops the options at the start of words.
func withoutFlags(words []string) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	return words
}

// flagValue returns the value of a command's option given as --name value
// or --name=value, or "".
func flagValue(words []string, names ...string) string {
	for i, w := range words {
		for _, n := range names {
			if w == n && i+1 < len(words) {
				return words[i+1]
			}
			if v, ok := strings.CutPrefix(w, n+"="); ok {
				return v
			}
		}
	}
	return ""
}

// registryHost returns the host of a registry URL, or "" when the URL is
// empty or computed at run time.
func registryHost(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.Contains(raw, "$") {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// releaseHost returns the registry a release command sends to.
func (j *job) releaseHost(eco string, words []string) string {
	if eco == "npm" {
		if h := registryHost(flagValue(words, "--registry")); h != "" {
			return h
		}
		if j.npmHost != "" {
			return j.npmHost
		}
		return npmRegistry
	}
	repo := flagValue(words, "--repository", "-r")
	if repo == "testpypi" {
		return "test.pypi.org"
	}
	return pypiHost(flagValue(words, "--repository-url", "--publish-url", "--index-url"))
}

// pypiHost returns the registry of a PyPI upload URL: pypi.org for its
// upload endpoint and for no URL, else the URL's host.
func pypiHost(raw string) string {
	h := registryHost(raw)
	if h == "" || h == "upload.pypi.org" {
		return pypiRegistry
	}
	return h
}

// readScriptRelease records the package releases of a run: script, and
// the registry tokens it writes to .npmrc for later steps.
func (w *workflow) readScriptRelease(j *job, script, step string, line int, env map[string]string, wd string) {
	top := atTop(wd)
	for _, ln := range strings.Split(script, "\n") {
		if strings.Contains(ln, "_authToken") {
			j.npmrcCreds = append(j.npmrcCreds, secretNames(ln, env)...)
		}
		for _, cmd := range splitCommands(ln) {
			words, _ := commandWords(cmd)
			if len(words) == 0 {
				continue
			}
			if words[0] == "cd" || words[0] == "pushd" {
				// A release after cd X publishes the package in X.
				top = top && len(words) > 1 && atTop(words[1])
				continue
			}
			eco, maybe := releaseTool(words)
			if eco == "" || slices.Contains(words, "--dry-run") {
				continue
			}
			j.releases = append(j.releases, release{
				eco: eco, host: j.releaseHost(eco, words), line: line, step: step,
				creds: j.releaseCreds(eco, ln, env), root: top, maybe: maybe,
			})
		}
	}
}

// atTop reports whether a working directory is the top of the workspace,
// where actions/checkout puts the repository.
func atTop(wd string) bool {
	wd = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(wd), "./"), "/")
	return wd == "" || wd == "." || wd == "${{ github.workspace }}" || wd == "$GITHUB_WORKSPACE"
}

// readActionRelease records what a step of a releasing action does:
// actions/setup-node names the npm registry later steps use,
// JS-DevTools/npm-publish and changesets/action publish to npm, and
// pypa/gh-action-pypi-publish uploads to PyPI, with a token when given
// one and by trusted publishing otherwise.
func (w *workflow) readActionRelease(j *job, name, step string, line int, input func(string) string, env map[string]string) {
	r := release{line: line, step: step, root: true}
	switch strings.ToLower(name) {
	case "actions/setup-node":
		if h := registryHost(input("registry-url")); h != "" {
			j.npmHost = h
		}
		return
	case "js-devtools/npm-publish":
		r.eco, r.host = "npm", j.releaseHost("npm", nil)
		if h := registryHost(input("registry")); h != "" {
			r.host = h
		}
		r.creds = j.releaseCreds("npm", input("token"), env)
		pkg := strings.TrimPrefix(strings.TrimSpace(input("package")), "./")
		r.root = pkg == "" || pkg == "package.json" || pkg == "."
	case "changesets/action":
		if strings.TrimSpace(input("publish")) == "" {
			return
		}
		r.eco, r.host = "npm", j.releaseHost("npm", nil)
		r.creds = j.releaseCreds("npm", input("publish"), env)
		r.root = atTop(input("cwd"))
	case "pypa/gh-action-pypi-publish":
		r.eco, r.host = "pypi", pypiHost(input("repository-url"))
		r.creds = secretNames(input("password"), env)
	default:
		return
	}
	j.releases = append(j.releases, r)
}

// writeReleases writes, for each release, the registry account that each
// of its secrets logs in as, or the trusted publisher its OIDC token acts
// as, and what that account can publish.
func (w *workflow) writeReleases(j *job) {
	for _, r := range j.releases {
		for _, cred := range r.creds {
			account := w.registryAccount(r.line, r.host, cred)
			w.releaseReach(account, r, "the job publishes to "+r.host+" with secret "+cred, false)
		}
		if len(r.creds) > 0 || j.perms.Default || !j.perms.has("id-token", "write") {
			continue
		}
		// With no token, the tools exchange the job's OIDC token for a
		// short-lived one: npm and PyPI call this trusted publishing.
		ident := graph.TrustedPublisherID(r.host, w.repo, w.rel)
		w.b.node(ident, graph.NodeIdentity, "trusted publisher "+w.repo+"/"+w.rel+" on "+r.host, r.line, attrs{
			graph.AttrProvider: "registry", "type": "registry-account", "registry": r.host,
			"ecosystem": r.eco, "trusted_publisher": "true",
		})
		w.b.edge(graph.GHAOIDCTokenID(j.rid), graph.EdgeAuthenticatesAs, ident, graph.Possible, r.line, attrs{
			graph.AttrReason: "the job publishes to " + r.host + " with no token, so with its OIDC token; the registry's trusted publishers are not in the input",
			"step":           r.step,
		})
		w.releaseReach(ident, r, "the job publishes to "+r.host+" as a trusted publisher", true)
	}
}

// releaseReach writes what a registry account that a release uses can
// publish: every package the account may publish on the registry, and,
// through the linker, the repository's own package when the release is
// of the project at the top of the repository.
func (w *workflow) releaseReach(account string, r release, how string, trustedPub bool) {
	a := attrs{graph.AttrProvider: "registry", "type": "registry-account", "registry": r.host, "ecosystem": r.eco}
	if r.root && r.eco == "npm" {
		a[graph.AttrRepository] = w.repo
		a[graph.AttrReleasesProject] = "true"
	}
	w.b.node(account, graph.NodeIdentity, "", r.line, a)
	scope := graph.RegistryScopeID(r.host)
	w.b.node(scope, graph.NodeResource, "packages published to "+r.host, r.line, attrs{
		graph.AttrProvider: "registry", "type": "registry-scope", "registry": r.host, "scope": "true", "ecosystem": r.eco,
	})
	text := how + "; a registry token may publish every package its account maintains unless it was made for fewer, which the input does not show"
	if trustedPub {
		text = how + "; it may publish each package on " + r.host + " that trusts this workflow, which the input does not show"
	}
	if r.maybe {
		text += "; the tool publishes to " + r.host + " only when its configuration enables it"
	}
	conf := graph.Certain
	if r.maybe {
		conf = graph.Possible
	}
	w.b.edge(account, graph.EdgeCanAccess, scope, conf, r.line, attrs{
		graph.AttrReason: text, graph.AttrLevel: "write", "step": r.step,
	})
}
