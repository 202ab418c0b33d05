package actions

import (
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// recordToolLogin records the secrets that a line of a script stores in
// the files that release tools read a registry token from
// (registry.ToolLogins.Record).
func (j *job) recordToolLogin(line string, env map[string]string) {
	j.toolLogins.Record(line, func(s string) []string { return secretNames(s, env) })
}

// withToolLogins adds to creds the secrets stored earlier for the tool of
// a release command (registry.ToolLogins.For).
func (j *job) withToolLogins(creds []string, eco string, words []string) []string {
	creds = append(creds, j.toolLogins.For(eco, words)...)
	slices.Sort(creds)
	return slices.Compact(creds)
}

// tokenOutput matches a reference to the token output of a step, and
// nugetKeyOutput one to the NUGET_API_KEY output of a step.
var (
	tokenOutput    = regexp.MustCompile(`\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.token\b`)
	nugetKeyOutput = regexp.MustCompile(`\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.NUGET_API_KEY\b`)
)

// readRegistryAuthAction records what the actions that exchange the job's
// OIDC token for a registry token do (trusted publishing).
// rust-lang/crates-io-auth-action returns a crates.io token as its token
// output, for the registry its url input names. rubygems/
// configure-rubygems-credentials sets up the credentials that gem push
// reads, for its gem-server input, with its api-token when given one and
// by trusted publishing otherwise. rubygems/release-gem runs that action
// unless setup-trusted-publisher is false, then Bundler's rake release.
// actions/setup-dotnet writes a NuGet.Config whose source-url logs in
// with the NUGET_AUTH_TOKEN variable of the commands that read it.
// NuGet/login returns an API key of the server of its token-service-url
// (nuget.org by default) as its NUGET_API_KEY output. actions/setup-java
// writes a settings.xml whose server password Maven reads from the
// variable that server-password-env-var names, GITHUB_TOKEN by default.
func (j *job) readRegistryAuthAction(name, id, step string, line int, input func(string) string, env map[string]string) {
	host := func(key, def string) string {
		if h := registry.URLHost(input(key)); h != "" {
			return h
		}
		return def
	}
	switch strings.ToLower(name) {
	case "actions/setup-dotnet":
		if raw := strings.TrimSpace(input("source-url")); raw != "" {
			j.nugetAuthTokenHost = registry.NuGetHost(raw)
			if computed(raw) {
				j.nugetAuthTokenHost = ""
			}
		}
	case "actions/setup-java":
		// server-password is the older name of server-password-env-var,
		// and without either the password is GITHUB_TOKEN's value.
		name := strings.TrimSpace(input("server-password-env-var"))
		if name == "" {
			name = strings.TrimSpace(input("server-password"))
		}
		if name == "" {
			name = "GITHUB_TOKEN"
		}
		if !computed(name) {
			j.mavenPasswordEnv = append(j.mavenPasswordEnv, name)
		}
	case "nuget/login":
		if id == "" {
			return
		}
		if j.nugetAuthSteps == nil {
			j.nugetAuthSteps = map[string]string{}
		}
		j.nugetAuthSteps[id] = registry.NuGetRegistry
		if raw := input("token-service-url"); raw != "" {
			j.nugetAuthSteps[id] = registry.NuGetHost(raw)
		}
	case "rust-lang/crates-io-auth-action":
		if id == "" {
			return
		}
		if j.cratesAuthSteps == nil {
			j.cratesAuthSteps = map[string]string{}
		}
		j.cratesAuthSteps[id] = host("url", registry.CratesIORegistry)
	case "rubygems/configure-rubygems-credentials":
		if secrets := secretNames(input("api-token"), env); len(secrets) > 0 {
			j.toolLogins.AddGem(secrets)
			return
		}
		j.gemOIDCHost = host("gem-server", registry.RubyGemsRegistry)
	case "rubygems/release-gem":
		r := release{eco: "gem", host: registry.RubyGemsRegistry, line: line, step: step, dir: ".", current: true, maybe: true}
		if strings.TrimSpace(input("setup-trusted-publisher")) != "false" {
			j.gemOIDCHost = registry.RubyGemsRegistry
			r.oidc = true
		} else {
			r.creds = j.withToolLogins(secretNamesIn(env, "gem"), "gem", nil)
			r.oidc = r.host == j.gemOIDCHost && len(r.creds) == 0
		}
		j.releases = append(j.releases, r)
	}
}

// withNuGetAuthToken adds to creds the secrets of NUGET_AUTH_TOKEN in env
// for a NuGet push to host without an API key option, when an earlier
// actions/setup-dotnet step set up host as its source-url.
func (j *job) withNuGetAuthToken(creds []string, eco, host string, words []string, env map[string]string) []string {
	if eco != "nuget" || j.nugetAuthTokenHost == "" || j.nugetAuthTokenHost != host || registry.NuGetAPIKey(words) != "" {
		return creds
	}
	creds = append(creds, secretNames(env["NUGET_AUTH_TOKEN"], nil)...)
	slices.Sort(creds)
	return slices.Compact(creds)
}

// secretNamesIn returns the secrets held by the variables of env that an
// ecosystem's release tools read.
func secretNamesIn(env map[string]string, eco string) []string {
	var out []string
	for k, v := range env {
		if registry.AuthEnv(eco, k) {
			out = append(out, secretNames(v, nil)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// oidcLogin reports whether a release to host authenticates with a token
// that an earlier action exchanged the job's OIDC token for, as it does
// when it has no secret. That is cargo reading the token output of
// crates-io-auth-action (on its command line or in a variable it reads),
// or gem after configure-rubygems-credentials logged in to that host.
func (j *job) oidcLogin(eco, host, line string, env map[string]string, creds []string) bool {
	if len(creds) > 0 {
		return false
	}
	switch eco {
	case "cargo":
		refs := slices.Clone(tokenOutput.FindAllStringSubmatch(line, -1))
		for k, v := range env {
			if registry.AuthEnv(eco, k) {
				refs = append(refs, tokenOutput.FindAllStringSubmatch(v, -1)...)
			}
		}
		for _, m := range refs {
			if h, ok := j.cratesAuthSteps[m[1]]; ok && h == host {
				return true
			}
		}
	case "gem":
		return j.gemOIDCHost != "" && j.gemOIDCHost == host
	case "nuget":
		// NuGet reads no variable for its key, so the output counts on
		// the command line or in a variable that the line reads.
		refs := slices.Clone(nugetKeyOutput.FindAllStringSubmatch(line, -1))
		for k, v := range env {
			if strings.Contains(line, "$"+k) || strings.Contains(line, "${"+k+"}") {
				refs = append(refs, nugetKeyOutput.FindAllStringSubmatch(v, -1)...)
			}
		}
		for _, m := range refs {
			if h, ok := j.nugetAuthSteps[m[1]]; ok && h == host {
				return true
			}
		}
	}
	return false
}
