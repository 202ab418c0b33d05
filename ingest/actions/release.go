package actions

import (
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
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

// releaseCreds returns the secrets a release step authenticates with: those
// its command line reads, those held by variables of env that the
// ecosystem's tools read, and, for npm, those written to .npmrc earlier.
func (j *job) releaseCreds(eco, line string, env map[string]string) []string {
	creds := secretNames(line, env)
	for k, v := range env {
		if registry.AuthEnv(eco, k) {
			creds = append(creds, secretNames(v, nil)...)
		}
	}
	if eco == "npm" {
		creds = append(creds, j.npmrcCreds...)
	}
	slices.Sort(creds)
	return slices.Compact(creds)
}

// releaseHost returns the registry a release command sends to: the one
// its options name, else the one actions/setup-node set up, else the
// ecosystem's.
func (j *job) releaseHost(eco string, words []string) string {
	if h := registry.ReleaseHost(eco, words); h != "" {
		return h
	}
	if eco == "pypi" {
		return registry.PyPIRegistry
	}
	if j.npmHost != "" {
		return j.npmHost
	}
	return registry.NPMRegistry
}

// readScriptRelease records the package releases of a run: script, and
// the registry tokens it writes to .npmrc for later steps.
func (w *workflow) readScriptRelease(j *job, script, step string, line int, env map[string]string, wd string) {
	top := registry.AtTop(wd)
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
				top = top && len(words) > 1 && registry.AtTop(words[1])
				continue
			}
			eco, maybe := registry.ReleaseTool(words)
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

// readActionRelease records what a step of a releasing action does:
// actions/setup-node names the npm registry later steps use,
// JS-DevTools/npm-publish and changesets/action publish to npm, and
// pypa/gh-action-pypi-publish uploads to PyPI, with a token when given
// one and by trusted publishing otherwise.
func (w *workflow) readActionRelease(j *job, name, step string, line int, input func(string) string, env map[string]string) {
	r := release{line: line, step: step, root: true}
	switch strings.ToLower(name) {
	case "actions/setup-node":
		if h := registry.URLHost(input("registry-url")); h != "" {
			j.npmHost = h
		}
		return
	case "js-devtools/npm-publish":
		r.eco, r.host = "npm", j.releaseHost("npm", nil)
		if h := registry.URLHost(input("registry")); h != "" {
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
		r.root = registry.AtTop(input("cwd"))
	case "pypa/gh-action-pypi-publish":
		r.eco, r.host = "pypi", registry.PyPIHost(input("repository-url"))
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
		if len(r.creds) > 0 || j.perms.Default || !j.perms.has("id-token", "write") || !trustedPublishing[r.host] {
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

// trustedPublishing lists the registries that accept a workflow's OIDC
// token for a release. GitHub Packages takes the job's GITHUB_TOKEN
// instead.
var trustedPublishing = map[string]bool{registry.NPMRegistry: true, registry.PyPIRegistry: true, "test.pypi.org": true}

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
