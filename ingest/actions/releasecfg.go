package actions

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// toolLogins are the secrets that earlier lines of a job stored in the
// files that cargo, gem, Maven, Gradle and NuGet read a registry token
// from when no option or variable gives one. cargo login writes
// $CARGO_HOME/credentials.toml, kept here by registry name ("" for
// crates.io). gem push reads the rubygems_api_key of ~/.gem/credentials.
// Maven reads server passwords from settings.xml and Gradle project
// properties from gradle.properties. NuGet reads API keys and source
// passwords from NuGet.Config, which nuget setapikey and dotnet nuget add
// source write.
type toolLogins struct {
	cargo map[string][]string
	gem   []string
	maven []string
	// nuget is keyed by the registry a login is for, "source:NAME" for
	// a source that a later push names, and "*" when the line does not
	// show which (nugetLoginKeys).
	nuget map[string][]string
}

var (
	// cargoLogin matches cargo login, with its toolchain and options, and
	// captures the registry that --registry names.
	cargoLogin = regexp.MustCompile(`\bcargo\s+(?:\+\S+\s+)?login\b(?:[^;&|]*?\s--registry(?:=|\s+)([A-Za-z0-9_-]+))?`)
	// cargoCredentials matches a write to Cargo's credentials file.
	cargoCredentials = regexp.MustCompile(`\.cargo/credentials(?:\.toml)?\b`)
	// gemCredentials matches RubyGems' credentials file and its key.
	gemCredentials = regexp.MustCompile(`\.gem/credentials\b|:rubygems_api_key:`)
	// mavenCredentials matches a write to Maven's settings.xml, a server
	// password in it, a write to Gradle's gradle.properties, and a line
	// that sets a Maven Central, Sonatype or Nexus password property, as
	// the body of a here-document does.
	mavenCredentials = regexp.MustCompile(`\.m2/settings\.xml\b|<password>|\bgradle\.properties\b|\b(?:mavenCentral|sonatype|ossrh|nexus)[A-Za-z]*(?:Password|Token)\s*[=:]`)
	// nugetCredentials matches the commands that store a NuGet API key or
	// source password, and a NuGet.Config's stored password.
	nugetCredentials = regexp.MustCompile(`(?i)\bnuget(?:\.exe)?\s+setapikey\b|\bnuget\s+(?:add|update)\s+source\b|\bClearTextPassword\b|\bnuget\.config\b`)
)

// recordToolLogin records the secrets that a line of a script stores for
// cargo, gem, Maven, Gradle or NuGet. For cargo they are a cargo login's
// (its argument, or the input a pipe gives it) and a write to Cargo's
// credentials file (taken to be for crates.io). For gem they are a line
// that writes ~/.gem/credentials or its :rubygems_api_key: entry, as the
// body of a here-document does. For the others, they are a line that
// writes settings.xml or gradle.properties, or stores a NuGet key or
// password.
func (j *job) recordToolLogin(line string, env map[string]string) {
	tl := toolLoginsOf(line)
	name, cargo, gem, maven, nuget := tl.cargoRegistry, tl.cargo, tl.gem, tl.maven, tl.nuget
	if !cargo && !gem && !maven && !nuget {
		return
	}
	secrets := secretNames(line, env)
	if len(secrets) == 0 {
		return
	}

	if cargo {
		if j.toolLogins.cargo == nil {
			j.toolLogins.cargo = map[string][]string{}
		}
		j.toolLogins.cargo[name] = append(j.toolLogins.cargo[name], secrets...)
	}
	if gem {
		j.toolLogins.gem = append(j.toolLogins.gem, secrets...)
	}
	if maven {
		j.toolLogins.maven = append(j.toolLogins.maven, mavenLogins(line, env, secrets)...)
	}
	if nuget {
		if j.toolLogins.nuget == nil {
			j.toolLogins.nuget = map[string][]string{}
		}
		for _, key := range nugetLoginKeys(line) {
			j.toolLogins.nuget[key] = append(j.toolLogins.nuget[key], secrets...)
		}
	}
}

// toolLogin lists the tools that one script line stores a credential for.
type toolLogin struct {
	// cargoRegistry is the registry that cargo login --registry names,
	// "" for crates.io.
	cargoRegistry            string
	cargo, gem, maven, nuget bool
}

// toolLoginsOf reads which tools' credentials a script line stores. Every
// script line comes here and few name a tool's credentials, so each
// pattern runs only when a word it needs is on the line.
func toolLoginsOf(line string) toolLogin {
	var tl toolLogin
	if strings.Contains(line, "cargo") {
		if m := cargoLogin.FindStringSubmatch(line); m != nil {
			tl.cargoRegistry, tl.cargo = m[1], true
		} else if cargoCredentials.MatchString(line) {
			tl.cargo = true
		}
	}
	if tl.cargoRegistry == "crates-io" {
		tl.cargoRegistry = ""
	}
	tl.gem = (strings.Contains(line, "credentials") || strings.Contains(line, "rubygems_api_key")) && gemCredentials.MatchString(line)
	tl.maven = (strings.Contains(line, "settings.xml") || strings.Contains(line, "<password>") || strings.Contains(line, "gradle.properties") ||
		strings.Contains(line, "Password") || strings.Contains(line, "Token")) && mavenCredentials.MatchString(line)
	tl.nuget = (containsFold(line, "nuget") || containsFold(line, "cleartextpassword")) && nugetCredentials.MatchString(line)
	return tl
}

var (
	// settingsElement captures an element of settings.xml written on one
	// line and its text: <username>...</username>.
	settingsElement = regexp.MustCompile(`<([A-Za-z][\w.-]*)>([^<]*)</([A-Za-z][\w.-]*)>`)
	// propertyAssignment captures a Gradle property that a line sets
	// (name=value or name: value) and its value, which may hold ${{ }}
	// expressions.
	propertyAssignment = regexp.MustCompile(`([A-Za-z][\w.-]*)\s*[=:]\s*("[^"]*"|'[^']*'|(?:\$\{\{[^}]*\}\}|[^\s"';&|])+)`)
)

// mavenLogins returns those of a line's secrets that log in to a Maven
// repository. The text of a settings.xml <username>, <passphrase> or
// <privateKey>, and the value of a user name or signing property
// (ossrhUsername=, signing.password=, <gpg.passphrase>), log in nowhere.
func mavenLogins(line string, env map[string]string, secrets []string) []string {
	var skip []string
	for _, m := range settingsElement.FindAllStringSubmatch(line, -1) {
		if m[1] != m[3] {
			continue
		}
		if tag := strings.ToLower(m[1]); tag == "username" || tag == "passphrase" || tag == "privatekey" || registry.NotUploadSecret(m[1]) {
			skip = append(skip, secretNames(m[2], env)...)
		}
	}
	for _, m := range propertyAssignment.FindAllStringSubmatch(line, -1) {
		name := strings.ToLower(m[1])
		if strings.HasSuffix(name, "username") || strings.HasSuffix(name, "user") || registry.NotUploadSecret(m[1]) {
			skip = append(skip, secretNames(m[2], env)...)
		}
	}
	var out []string
	for _, s := range secrets {
		if !slices.Contains(skip, s) {
			out = append(out, s)
		}
	}
	return out
}

// withToolLogins adds to creds the secrets stored earlier for the tool of
// a release command. cargo's are those for the registry that --registry
// names (or crates.io), and gem's count for gem push and rake release.
// Maven's and Gradle's count for their releases, and NuGet's for a push
// that gives no API key.
func (j *job) withToolLogins(creds []string, eco string, words []string) []string {
	switch eco {
	case "cargo":
		name := ""
		for i, w := range words {
			if v, ok := strings.CutPrefix(w, "--registry="); ok {
				name = v
			} else if w == "--registry" && i+1 < len(words) {
				name = words[i+1]
			}
		}
		if name == "crates-io" {
			name = ""
		}
		if slices.ContainsFunc(words, func(w string) bool { return w == "--index" || strings.HasPrefix(w, "--index=") }) &&
			registry.ReleaseHost(eco, words) != registry.CratesIORegistry {
			// A login is stored by registry name; an index URL of
			// another registry matches none that the input shows.
			return creds
		}
		creds = append(creds, j.toolLogins.cargo[name]...)
	case "gem":
		creds = append(creds, j.toolLogins.gem...)
	case "maven":
		// A signing key's passphrase written beside the password logs in
		// nowhere.
		for _, c := range j.toolLogins.maven {
			if !registry.NotUploadSecret(c) {
				creds = append(creds, c)
			}
		}
	case "nuget":
		if registry.NuGetAPIKey(words) != "" {
			return creds
		}
		creds = append(creds, j.toolLogins.nuget["*"]...)
		switch src := registry.ReleaseOption(eco, words); {
		case src == "":
			creds = append(creds, j.toolLogins.nuget[registry.NuGetRegistry]...)
		case registry.ConfiguredRegistry(eco, words):
			creds = append(creds, j.toolLogins.nuget["source:"+strings.ToLower(src)]...)
		case registry.ReleaseHost(eco, words) != "":
			creds = append(creds, j.toolLogins.nuget[registry.ReleaseHost(eco, words)]...)
		}
	default:
		return creds
	}
	slices.Sort(creds)
	return slices.Compact(creds)
}

var (
	// nugetSetAPIKey matches nuget setapikey, whose key is for the
	// source its -Source option names, nuget.org without one.
	nugetSetAPIKey = regexp.MustCompile(`(?i)\bsetapikey\b`)
	// nugetSourceOption captures the value of a NuGet -Source option.
	nugetSourceOption = regexp.MustCompile(`(?i)\s-{1,2}(?:source|src|s)(?:=|\s+)["']?([^\s"';&|]+)`)
	// nugetAddSource captures the URL of dotnet nuget add source.
	nugetAddSource = regexp.MustCompile(`(?i)\bnuget\s+add\s+source\s+["']?([^\s"';&|]+)`)
	// nugetSourceName captures the name that --name or -Name gives a
	// source that nuget adds or updates.
	nugetSourceName = regexp.MustCompile(`(?i)\bnuget\s+(?:add|update)\s+source\b[^;&|]*?\s-{1,2}n(?:ame)?(?:=|\s+)["']?([^\s"';&|]+)`)
	// nugetUpdateSource captures the name of the source that dotnet nuget
	// update source changes.
	nugetUpdateSource = regexp.MustCompile(`(?i)\bnuget\s+update\s+source\s+["']?([^\s"';&|-][^\s"';&|]*)`)
)

// nugetLoginKeys returns the keys under which a line's NuGet login is
// kept: the registry of nuget setapikey's -Source (nuget.org without one)
// or of the URL that dotnet nuget add source adds, and "source:NAME" for
// the name a source gets. A line that shows neither, as a NuGet.Config
// write, gives "*", which a push to any source reads.
func nugetLoginKeys(line string) []string {
	var keys []string
	if m := nugetAddSource.FindStringSubmatch(line); m != nil && strings.Contains(m[1], "://") {
		keys = append(keys, registry.NuGetHost(m[1]))
	}
	if m := nugetSourceName.FindStringSubmatch(line); m != nil {
		keys = append(keys, "source:"+strings.ToLower(m[1]))
	} else if m := nugetUpdateSource.FindStringSubmatch(line); m != nil {
		keys = append(keys, "source:"+strings.ToLower(m[1]))
	}
	if nugetSetAPIKey.MatchString(line) {
		switch m := nugetSourceOption.FindStringSubmatch(line); {
		case m == nil || strings.EqualFold(m[1], "nuget.org"):
			keys = append(keys, registry.NuGetRegistry)
		case strings.Contains(m[1], "://"):
			keys = append(keys, registry.NuGetHost(m[1]))
		default:
			keys = append(keys, "source:"+strings.ToLower(m[1]))
		}
	}
	if len(keys) == 0 {
		return []string{"*"}
	}
	return keys
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
			j.toolLogins.gem = append(j.toolLogins.gem, secrets...)
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

// containsFold reports whether s may contain the lower-case ASCII word w
// in any case as a (?i) pattern reads it. Such a pattern also matches
// U+017F (long s) for s and U+212A (Kelvin sign) for k, which take more
// bytes than the letters. So a line with any byte outside ASCII counts as
// containing w, and the pattern decides.
func containsFold(s, w string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}
