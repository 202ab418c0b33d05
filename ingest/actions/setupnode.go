package actions

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// readSetupNode records the .npmrc that actions/setup-node at ref writes
// for a registry-url, and the NODE_AUTH_TOKEN it exports to later steps
// (its src/authutil.ts). env contains the step's variables.
func (j *job) readSetupNode(owner, ref string, input func(string) string, env map[string]string) {
	url := strings.TrimSpace(input("registry-url"))
	if url == "" {
		return
	}
	// A later setup-node keeps the auth lines of earlier ones.
	key := setupNodeScope(url)
	j.nodeAuthKeys = slices.DeleteFunc(j.nodeAuthKeys, func(k registry.TokenScope) bool { return k == key })
	j.nodeAuthKeys = append(j.nodeAuthKeys, key)

	// The registry line is @scope:registry with a scope, which defaults
	// to the repository's owner on GitHub Packages, and else registry.
	scope := strings.TrimSpace(input("scope"))
	if scope == "" && strings.Contains(url, "npm.pkg.github.com") {
		scope = owner
	}
	if scope == "" {
		if h := registry.URLHost(url); h != "" {
			j.npmHost = h
		}
		j.npmHostComputed = computed(url)
	} else {
		if !strings.HasPrefix(scope, "@") {
			scope = "@" + scope
		}
		scope = strings.ToLower(scope)
		if computed(scope) {
			scope = ""
		}
		j.npmScopes = slices.DeleteFunc(j.npmScopes, func(s npmScope) bool { return scope != "" && s.scope == scope })
		j.npmScopes = append(j.npmScopes, npmScope{scope: scope, url: url})
	}

	// From v2.1.4 on, setup-node exports the value that NODE_AUTH_TOKEN
	// has in its own step. Earlier versions export a placeholder.
	if j.exported == nil {
		j.exported = map[string]string{}
	}
	if setupNodePlaceholder.MatchString(strings.ToLower(ref)) {
		j.exported["NODE_AUTH_TOKEN"] = "XXXXX-XXXXX-XXXXX-XXXXX"
	} else if v, ok := env["NODE_AUTH_TOKEN"]; ok {
		j.exported["NODE_AUTH_TOKEN"] = v
	}
}

// npmScope is an @scope:registry line of actions/setup-node's .npmrc.
type npmScope struct {
	// scope is the lower-case scope with its @, as @acme, or "" when an
	// expression sets it.
	scope string
	url   string
}

// scopeRegistry returns the URL of the @scope:registry line of
// actions/setup-node's .npmrc that npm publishes a package to. npm picks
// that line for a package of the scope before publishConfig's registry
// and --registry, and after publishConfig's @scope:registry. m is the
// package's package.json, when known is set. Without its name, the
// package is taken to be of the latest scope set up, unless the command
// names a registry (option).
// That assumption holds when the job publishes the package it set the
// scope up for, but a release of an unscoped package goes to the default
// registry instead, so assumed is set and the release is possible.
func (j *job) scopeRegistry(m registry.Manifest, known bool, option string) (url string, ok, assumed bool) {
	if len(j.npmScopes) == 0 {
		return "", false, false
	}
	if !known || m.Name == "" {
		if option != "" {
			return "", false, false
		}
		return j.npmScopes[len(j.npmScopes)-1].url, true, true
	}
	scope := strings.ToLower(m.Scope())
	if scope == "" || m.ScopeRegistry != "" {
		return "", false, false
	}
	for _, s := range slices.Backward(j.npmScopes) {
		if s.scope == scope {
			return s.url, true, false
		}
	}
	// A scope set by an expression may be the package's.
	for _, s := range slices.Backward(j.npmScopes) {
		if s.scope == "" {
			return s.url, true, false
		}
	}
	return "", false, false
}

// nodeAuthKeysFor returns the keys of actions/setup-node's .npmrc that npm
// sends NODE_AUTH_TOKEN's value with to a release's target. With none,
// the value is the token of the latest key's registry, where it logs in
// without publishing.
func (j *job) nodeAuthKeysFor(target registry.NPMTarget) []registry.TokenScope {
	var out []registry.TokenScope
	for _, k := range j.nodeAuthKeys {
		if k.Reaches(target) {
			out = append(out, k)
		}
	}
	if len(out) == 0 && len(j.nodeAuthKeys) > 0 {
		out = append(out, j.nodeAuthKeys[len(j.nodeAuthKeys)-1])
	}
	return out
}

// setupNodePlaceholder matches the tags of actions/setup-node that export
// a placeholder as NODE_AUTH_TOKEN: v1.x, v2-beta, and v2.0.0 to v2.1.3.
// A branch or commit does not match, so it is taken to be a later version.
var setupNodePlaceholder = regexp.MustCompile(`^v1(\.\d+){0,2}$|^v2-beta$|^v2\.0(\.\d+)?$|^v2\.1\.[0-3]$`)

// npmPublishAction records the registry and tokens of a release by
// JS-DevTools/npm-publish at ref. The action writes an .npmrc of its own
// for its token input. v1 writes it into npm's user configuration, in
// place of the registry and _authToken lines there (its src/npm-config.ts).
// v2 and later write a file that replaces the user configuration (their
// src/npm/use-npm-environment.ts). Its key and registry line name the
// registry input, else, from v2 on, publishConfig's registry, else
// registry.npmjs.org. So actions/setup-node's .npmrc and NODE_AUTH_TOKEN
// play no part. npm still sends the package where publishConfig names, and
// else to NPM_CONFIG_REGISTRY, which comes before the user configuration.
// NOTE: v1 keeps the @scope:registry lines of setup-node's .npmrc, which
// are not followed here.
func (w *workflow) npmPublishAction(j *job, r *release, ref string, input func(string) string, env map[string]string) {
	v1 := actionV1.MatchString(strings.ToLower(ref))
	atTop := j.atRepoTop(r.dir)
	url := strings.TrimSpace(input("registry"))
	if url == "" && atTop && !v1 {
		m, _ := w.topManifest()
		url = m.Registry
	}
	if url == "" {
		url = "https://" + registry.NPMRegistry + "/"
	}
	key := setupNodeScope(url)
	if v1 && !key.Unknown {
		// v1's key is the registry's origin.
		key.Key = "//" + registry.URLHost(url) + "/"
	}

	// The default registry is the action's, unless NPM_CONFIG_REGISTRY
	// names another.
	def := url
	for k, v := range env {
		if strings.EqualFold(k, registry.NPMRegistryEnv) && strings.TrimSpace(v) != "" {
			def = strings.TrimSpace(v)
		}
	}
	target := registry.NPMTarget{URL: def, Default: true, Unknown: computed(def)}
	if atTop {
		if u := w.packageRegistry("npm", nil); u != "" {
			target = registry.NPMTarget{URL: u, Unknown: computed(u)}
		}
	}
	r.host, r.hostUnknown = registry.URLHost(target.URL), target.Unknown
	defHost := registry.URLHost(def)
	if r.host == "" {
		r.host, r.hostUnknown = registry.NPMRegistry, true
	}
	if computed(def) {
		defHost = ""
	}

	// The token input replaces NODE_AUTH_TOKEN.
	others := maps.Clone(env)
	delete(others, "NODE_AUTH_TOKEN")
	var npmrc []npmrcSecret
	r.creds, npmrc, r.literals = j.releaseCreds("npm", "", others, target, false)
	for _, name := range secretNames(input("token"), env) {
		npmrc = append(npmrc, npmrcSecret{name: name, scope: key})
	}
	r.npmrcLogins = npmrcLogins(npmrc, target, r.host, defHost)
	r.githubToken = j.releaseToken("npm", "", others) || tokenRef(input("token"), env) && key.Reaches(target)
}

// actionV1 matches the v1 tags of an action: v1, v1.2, v1.2.3.
var actionV1 = regexp.MustCompile(`^v1(\.\d+){0,2}$`)
