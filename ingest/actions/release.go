package actions

import (
	"cmp"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// release is a package release a step makes to a package registry (npm,
// PyPI, crates.io or RubyGems), and what it authenticates with: secrets,
// or, with none, the job's OIDC token (trusted publishing).
type release struct {
	eco   string // npm, pypi, cargo or gem
	host  string
	line  int
	step  string
	creds []string
	// literals are the inline secrets (see writeScriptLiterals) of
	// tokens written into the workflow that the release uses.
	literals []npmrcLiteral
	// npmrcLogins are the secrets that reach npm through .npmrc auth
	// settings, with the registry each logs in on.
	npmrcLogins []npmrcLogin
	// githubToken is set when the release authenticates with the job's
	// GITHUB_TOKEN, as releases to GitHub Packages do.
	githubToken bool
	// dir is the folder of the workspace the step publishes from, and
	// current is set when it publishes the package in that folder.
	dir     string
	current bool
	// root is set when the step releases the project at the top of the
	// repository, whose name its package.json, pyproject.toml or lockfile
	// gives. writeReleases works it out from dir, current and the job's
	// checkouts.
	root bool
	// maybe is set when the tool releases only when its configuration
	// enables it (semantic-release publishes to npm through a plugin).
	maybe bool
	// hostUnknown is set when the registry is set at run time; host is
	// then the registry the release would go to without that setting.
	hostUnknown bool
	// scopeAssumed is set when host is that of the scope the job set up,
	// because the package's name was not read (job.scopeRegistry).
	scopeAssumed bool
	// yarnrcUnread is set for the login of an .npmrc token by yarn npm
	// publish, which reads it only if .yarnrc.yml names it.
	yarnrcUnread bool
	// oidc is set when the release authenticates with a token that an
	// action exchanged the job's OIDC token for (oidcLogin).
	oidc bool
}

// releaseCreds returns the secrets a release step authenticates with
// wherever it publishes: those its command line reads and those held by
// variables of env that the ecosystem's tools read. npmrc are the secrets
// that reach npm through .npmrc auth settings instead, with their scopes:
// those that steps wrote there, and NODE_AUTH_TOKEN's after
// actions/setup-node wrote its .npmrc for a registry-url. The scopes of
// NODE_AUTH_TOKEN are the keys that npm sends it with to target
// (nodeAuthKeysFor).
func (j *job) releaseCreds(eco, line string, env map[string]string, target registry.NPMTarget, berry bool) (creds []string, npmrc []npmrcSecret, lits []npmrcLiteral) {
	creds = secretNames(line, env)
	release := registry.Release{Eco: eco, Berry: berry}
	for k, v := range env {
		if !release.ReadsEnv(k) && !(eco == "maven" && slices.Contains(j.mavenPasswordEnv, k)) {
			continue
		}
		if id := j.envLiteral(k, v); id != "" {
			// A literal token of an env block, with the keys that npm
			// sends NODE_AUTH_TOKEN with after setup-node.
			if eco == "npm" && k == "NODE_AUTH_TOKEN" && len(j.nodeAuthKeys) > 0 {
				for _, key := range j.nodeAuthKeysFor(target) {
					lits = append(lits, npmrcLiteral{id: id, scope: key, unsure: berry})
				}
			} else {
				lits = append(lits, anyRegistry([]string{id})...)
			}
			continue
		}
		if eco == "npm" && k == "NODE_AUTH_TOKEN" && len(j.nodeAuthKeys) > 0 {
			for _, name := range secretNames(v, nil) {
				for _, key := range j.nodeAuthKeysFor(target) {
					npmrc = append(npmrc, npmrcSecret{name: name, scope: key})
				}
			}
			continue
		}
		creds = append(creds, secretNames(v, nil)...)
	}
	if eco == "npm" {
		hidden := j.homeNPMRCHidden(env)
		for _, c := range j.npmrcCreds {
			if !c.home || !hidden {
				npmrc = append(npmrc, c)
			}
		}
		npmrc = readBy(npmrc, berry)
	}
	if eco == "maven" {
		// Maven and Gradle releases sign what they upload, and the
		// signing key's passphrase on the command line
		// (-Dgpg.passphrase, -Psigning.password) logs in nowhere.
		creds = slices.DeleteFunc(creds, registry.NotUploadSecret)
	}
	slices.Sort(creds)
	return slices.Compact(creds), npmrc, lits
}

// releaseToken reports whether a release authenticates with the job's
// GITHUB_TOKEN: its command line reads it, a variable of env that the
// ecosystem's tools read holds it, or, for npm, an earlier line wrote it
// to .npmrc.
func (j *job) releaseToken(eco, line string, env map[string]string) bool {
	if tokenRef(line, env) || eco == "npm" && j.npmrcToken {
		return true
	}
	for k, v := range env {
		if registry.AuthEnv(eco, k) && tokenRef(v, nil) {
			return true
		}
	}
	return false
}

// releaseHost returns the registry a release command sends to: the one
// its options name, else for npm the one NPM_CONFIG_REGISTRY or
// actions/setup-node set up, else the ecosystem's. known is false when
// one of those is set at run time (an expression or a variable): the
// release is then taken to go to the next one.
func (j *job) releaseHost(eco string, words []string, env map[string]string) (host string, known bool) {
	known = !computed(registry.ReleaseOption(eco, words)) && !registry.ConfiguredRegistry(eco, words)
	if h := registry.ReleaseHost(eco, words); h != "" {
		return h, known
	}
	if eco != "npm" {
		return registry.DefaultRegistry(eco), known
	}
	for k, v := range env {
		if !strings.EqualFold(k, registry.NPMRegistryEnv) {
			continue
		}
		if h := registry.URLHost(v); h != "" {
			return h, known
		}
		known = known && !computed(v)
	}
	if j.npmHost != "" {
		return j.npmHost, known && !j.npmHostComputed
	}
	return registry.NPMRegistry, known && !j.npmHostComputed
}

// actionHost returns the npm registry of a releasing action's step, and
// whether it is set at run time.
func (j *job) actionHost(env map[string]string) (host string, unknown bool) {
	host, known := j.releaseHost("npm", nil, env)
	return host, !known
}

// computed reports whether a value is set at run time: an expression or
// a shell variable.
func computed(v string) bool { return strings.Contains(v, "$") }

// hereDocument matches the start of a here-document, <<DELIMITER or
// <<-DELIMITER with the delimiter quoted or not, and captures the
// delimiter.
var hereDocument = regexp.MustCompile(`<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)

// maxStepReleases bounds the release commands read from one step's script.
// Reading one takes time in proportion to its line, so a line of many
// releases would take time in proportion to its square.
const maxStepReleases = 100

// readScriptRelease records the package releases of a run: script, and
// the registry tokens it writes to .npmrc for later steps.
//
// literals maps each literal registry token of the script to its inline
// secret. A release logs in with such a token when its own command
// receives it, or when an earlier command of the script exported it to a
// variable that release tools read, directly or through the script's
// variables (literal.Variables). It also logs in with the tokens that
// earlier commands of the job wrote into the configuration its tool reads
// (.npmrc, .yarnrc.yml, Poetry's credentials).
func (w *workflow) readScriptRelease(j *job, script, step string, line int, env map[string]string, wd string, literals map[string]string) {
	state := newScriptState(wd, env)
	script = joinContinued(script)
	// exported lists the inline secrets of the tokens that the script
	// exported to variables that release tools read, by ecosystem.
	exported := map[string][]string{}
	var vars literal.Variables
	// homeDelim is the delimiter of a here-document written to the home
	// folder's .npmrc, while its lines are read.
	var homeDelim string
	releases := 0
	// A function's body runs where the script calls it, with the state of
	// the call, as well as where it is written (a trap or a caller the
	// reader does not see may run it there).
	funcs := shellscan.FunctionLines(script)
	// A call inside a definition, read where it is written, runs only
	// when the function is called.
	inDefinition := func(line int) bool {
		for _, fn := range funcs {
			if line >= fn.First && line <= fn.Last {
				return true
			}
		}
		return false
	}
	// The lines of a definition read where it is written run in a shell of
	// their own, so an unset or export there leaves the script's state as
	// it was. outside keeps that state until line definitionEnd, 0 when
	// no such lines are being read.
	definitionEnd := 0
	var outside *scriptState
	lines := strings.Split(script, "\n")
	// ownLines returns the first and last lines of fn that contain only
	// its definition, an empty range for a definition on one line.
	// NOTE: a line that may hold other commands beside the definition is
	// read in the script's shell, so an unset in a one-line body still
	// takes the variable away from later commands.
	ownLines := func(name string, fn shellscan.Function) (int, int) {
		first, last := fn.First, fn.Last
		if first == last {
			return first, first - 1
		}
		head := strings.TrimSpace(lines[first-1])
		if !strings.HasPrefix(head, name) && !strings.HasPrefix(head, "function "+name) ||
			!strings.HasSuffix(head, "{") && !strings.HasSuffix(head, "(") {
			first++
		}
		if tail := strings.TrimSpace(lines[last-1]); tail != "}" && tail != ")" {
			last--
		}
		return first, last
	}
	calls, callLines := 0, 0
	var readLines func(lines []string, depth int) bool
	readLines = func(lines []string, depth int) bool {
		for i, ln := range lines {
			follow := depth > 0 || !inDefinition(i+1)
			if depth == 0 && definitionEnd == 0 {
				for name, fn := range funcs {
					if first, last := ownLines(name, fn); first == i+1 && last >= first && last > definitionEnd {
						definitionEnd = last
					}
				}
				if definitionEnd != 0 {
					outside = state
					state = state.clone()
				}
			}
			inHome := false
			switch {
			case homeDelim != "":
				if strings.TrimSpace(ln) == homeDelim {
					homeDelim = ""
				} else {
					inHome = true
				}
			case registry.WritesHomeNPMRC(ln):
				if m := hereDocument.FindStringSubmatch(ln); m != nil {
					homeDelim = m[1]
				}
			}
			j.recordToolLogin(ln, state.vars)
			if registry.WritesNPMToken(ln) {
				secrets := npmrcSecrets(ln, state.vars)
				for i := range secrets {
					secrets[i].home = secrets[i].home || inHome
				}
				j.npmrcCreds = append(j.npmrcCreds, secrets...)
				j.npmrcToken = j.npmrcToken || tokenRef(ln, state.vars)
				def, known := j.releaseHost("npm", nil, state.vars)
				if !known {
					def = ""
				}
				for _, s := range secrets {
					if h, ok := s.scope.LoginHost(def); ok {
						w.npmrcSecretLogin(line, h, s.name)
					}
				}
			}
			for _, part := range withSubstitutions(splitScript(ln), 0) {
				if part.subshell != 0 {
					state = state.subshell(part.subshell)
					continue
				}
				words, assigned := commandWords(part.cmd)
				if fn, ok := funcs[firstWord(words)]; ok && follow && depth < maxFuncDepth && calls < maxFuncCalls && callLines+len(fn.Body) <= maxCallLines {
					calls++
					callLines += len(fn.Body)
					if !readLines(fn.Body, depth+1) {
						return false
					}
					continue
				}
				// expanded is the command with the literal values of the
				// script's variables in place of their references.
				expanded := part.cmd
				var found []literal.Finding
				if len(literals) > 0 {
					expanded = vars.Expand(part.cmd)
					found = literal.Scan(expanded)
					vars.Assign(part.cmd, found)
					for _, l := range j.configLiterals(expanded, words, found, literals, inHome) {
						def, known := j.releaseHost("npm", nil, state.with(assigned))
						if !known {
							def = ""
						}
						if h, ok := l.scope.LoginHost(def); ok {
							w.npmrcLogin(h, l.id, line)
						}
					}
					for _, eco := range registry.Ecosystems {
						if registry.ExportsAuthEnv(eco, expanded) {
							exported[eco] = append(exported[eco], registryTokens(eco, found, literals)...)
						}
					}
				}
				if state.apply(words, assigned) {
					continue
				}
				words, inWorkspaces := registry.RunnerTarget(words)
				if len(words) == 0 {
					continue
				}
				eco, maybe := registry.ReleaseTool(words)
				if eco == "" || registry.DryRun(words) {
					continue
				}
				if releases == maxStepReleases {
					w.res.Warnf(ingest.Position{File: w.f.Path, Line: line},
						"job %s: step %s: more than %d release commands; the rest are not read", j.id, stepNumber(step), maxStepReleases)
					return false
				}
				releases++
				// env -u NAME and env -i take variables from the release.
				cmdEnv := map[string]string(pkgcmd.WrapperEnv(splitWords(part.cmd), state.with(assigned)))
				host, known := j.releaseHost(eco, words, cmdEnv)
				current := !inWorkspaces && registry.ReleasesCurrent(words)
				// env -C DIR moves its command alone.
				dir := state.dir
				if wd := pkgcmd.WrapperDir(splitWords(part.cmd)); wd != "" {
					dir = shellscan.JoinDir(dir, wd)
				}
				pkgURL, pkgKnown, assumed := w.releaseRegistry(j, eco, words, current && j.atRepoTop(dir))
				if pkgURL != "" {
					host, known = registry.URLHost(pkgURL), true
				}
				known = known && pkgKnown
				var target registry.NPMTarget
				if eco == "npm" {
					target = j.npmTarget(words, cmdEnv, host, known)
					if pkgURL != "" {
						target.URL = pkgURL
					}
				}
				// The option naming the registry contains its address, so the
				// secrets in it are no credentials of the release.
				credLine := ln
				if option := registry.ReleaseOption(eco, words); option != "" {
					credLine = strings.Replace(ln, option, "", 1)
				}
				berry := registry.YarnBerryPublish(words)
				creds, npmrc, lits := j.releaseCreds(eco, credLine, cmdEnv, target, berry)
				creds = j.withToolLogins(creds, eco, words)
				creds = j.withNuGetAuthToken(creds, eco, host, words, cmdEnv)
				oidc := j.oidcLogin(eco, host, credLine, cmdEnv, creds)
				var logins []npmrcLogin
				if eco == "npm" {
					logins = npmrcLogins(npmrc, target, host, j.defaultNPMHost(cmdEnv))
					// The tokens of this command's own .npmrc settings are
					// among j.npmrcLiterals, with their scopes.
					if registry.WritesNPMToken(expanded) {
						found = nil
					}
					hidden := j.homeNPMRCHidden(cmdEnv)
					for _, l := range j.npmrcLiterals {
						reads, unsure := registry.Release{Berry: berry}.ReadsSetting(l.yarnrc)
						if !reads || !l.scope.Reaches(target) || l.home && hidden {
							continue
						}
						l.unsure = unsure
						lits = append(lits, l)
					}
				}
				lits = append(lits, anyRegistry(registryTokens(eco, found, literals))...)
				lits = append(lits, anyRegistry(exported[eco])...)
				if repo := registry.PoetryRepository(words); repo != "" {
					lits = append(lits, anyRegistry(j.poetryLiterals[repo])...)
				}
				slices.SortFunc(lits, compareLiterals)
				j.releases = append(j.releases, release{
					eco: eco, host: host, hostUnknown: !known, line: line, step: step,
					creds: creds, literals: slices.Compact(lits), npmrcLogins: logins, githubToken: j.releaseToken(eco, credLine, cmdEnv),
					dir: dir, current: current, maybe: maybe, scopeAssumed: assumed, oidc: oidc,
				})
			}
			if depth == 0 && definitionEnd == i+1 {
				state, outside, definitionEnd = outside, nil, 0
			}
		}
		return true
	}
	readLines(lines, 0)
}

// firstWord returns the first of words, or "".
func firstWord(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

// Bounds on the function calls a release reader follows in one script.
// maxCallLines bounds the lines of bodies read again at calls. Each line
// read is scanned for literals: 100 calls of a 60000-line body took over a minute.
const (
	maxFuncDepth = 8
	maxFuncCalls = 100
	maxCallLines = 10000
)

// configLiterals records the registry tokens among the literals found
// in a command that writes them into the configuration of release tools,
// for the releases after it. It returns the tokens that the command writes
// into npm auth settings. home is set for a line of a here-document that
// goes to the home folder's .npmrc.
func (j *job) configLiterals(cmd string, words []string, found []literal.Finding, literals map[string]string, home bool) []npmrcLiteral {
	var npmrc []npmrcLiteral
	if registry.WritesNPMToken(cmd) {
		for _, f := range found {
			if id := literals[f.Value]; id != "" && literal.RegistryToken("npm", f.Kind) {
				npmrc = append(npmrc, npmrcLiteral{id: id, scope: registry.NPMTokenScope(cmd, f.Value),
					home: home || registry.WritesHomeNPMRC(cmd), yarnrc: registry.WritesYarnrcToken(cmd)})
			}
		}
		j.npmrcLiterals = append(j.npmrcLiterals, npmrc...)
	}
	if repo := registry.PoetryConfigRepository(words); repo != "" {
		if j.poetryLiterals == nil {
			j.poetryLiterals = map[string][]string{}
		}
		j.poetryLiterals[repo] = append(j.poetryLiterals[repo], registryTokens("pypi", found, literals)...)
	}
	return npmrc
}

// releaseRegistry returns the registry URL that the package's own
// configuration picks for a release: the @scope:registry line of
// actions/setup-node's .npmrc (job.scopeRegistry), else publishConfig
// (packageRegistry). atTop is set for a release of the package at the
// top of the repository, whose package.json is read. It returns "" when
// neither applies, and known is false when the line's URL is set at run
// time. assumed is set when the package's name was not read and the
// release is taken to be of the scope the job set up.
func (w *workflow) releaseRegistry(j *job, eco string, words []string, atTop bool) (url string, known, assumed bool) {
	if eco != "npm" {
		return "", true, false
	}
	var m registry.Manifest
	read := false
	if atTop {
		m, read = w.topManifest()
	}
	if u, ok, guess := j.scopeRegistry(m, read, registry.ReleaseOption(eco, words)); ok {
		if registry.URLHost(u) == "" || computed(u) {
			return "", false, false
		}
		return u, true, guess
	}
	if !atTop {
		return "", true, false
	}
	return w.packageRegistry(eco, words), true, false
}

// packageRegistry returns the registry URL that the publishConfig of the
// repository's top package.json sends an npm release command to
// (registry.WithPackageRegistry), or "" when the command's --registry
// option or the file's absence leaves the registry to the job. The file
// is read once, and not when it resolves outside the repository.
// NOTE: a release from another folder is taken to go where its options
// or the job send it, because the folder's package.json is not read.
func (w *workflow) packageRegistry(eco string, words []string) string {
	m, _ := w.topManifest()
	url, scoped := m.ScopeRegistry, true
	if url == "" {
		url, scoped = m.Registry, false
	}
	option := registry.ReleaseOption(eco, words)
	r := registry.WithPackageRegistry(registry.Release{Eco: eco, Option: option}, url, scoped)
	if r.Option == option {
		return ""
	}
	return r.Option
}

// topManifest returns the repository's top package.json, read once. ok
// is false when the file is missing, resolves outside the repository or
// is not valid JSON.
func (w *workflow) topManifest() (m registry.Manifest, ok bool) {
	if w.manifest == nil {
		w.manifest = &topManifest{}
		if data, err := registry.ReadTopFile(w.f.Path, w.f.RelPath, "package.json"); err == nil {
			w.manifest.m, w.manifest.ok = registry.ParseManifest(data)
		}
	}
	return w.manifest.m, w.manifest.ok
}

// topManifest is the repository's top package.json, and whether it was
// read.
type topManifest struct {
	m  registry.Manifest
	ok bool
}

// npmrcLiteral is the inline secret of a literal token that a step wrote
// to an .npmrc auth setting, and the registry the setting scopes it to. A
// release's token that comes from elsewhere, as its command line or an
// exported variable, has an Unknown scope: it goes wherever the release
// goes.
type npmrcLiteral struct {
	id                   string
	scope                registry.TokenScope
	home, yarnrc, unsure bool // as in npmrcSecret
}

// anyRegistry returns inline secrets as tokens that go to any registry.
func anyRegistry(ids []string) []npmrcLiteral {
	var out []npmrcLiteral
	for _, id := range ids {
		out = append(out, npmrcLiteral{id: id, scope: registry.TokenScope{Unknown: true}})
	}
	return out
}

// compareLiterals orders tokens by inline secret, then by scope.
func compareLiterals(a, b npmrcLiteral) int {
	return cmp.Or(strings.Compare(a.id, b.id), a.scope.Compare(b.scope))
}

// npmrcLogin writes the account on a registry that a literal token of an
// .npmrc auth setting for that registry logs in as. npm sends the token
// only to that registry, so it is a token of an account there whatever
// the job publishes, and whether it publishes at all.
func (w *workflow) npmrcLogin(host, cred string, line int) {
	id := graph.RegistryAccountID(host, cred)
	w.b.node(id, graph.NodeIdentity, host+" account of a token written in "+w.rel, line, attrs{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": host, "ecosystem": "npm",
	})
	w.b.edge(cred, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the job writes the token into an .npmrc auth setting for " + host + ", the only registry npm sends it to",
	})
}

// defaultNPMHost returns the job's default npm registry for a command
// with the variables env, or "" when it is set at run time.
func (j *job) defaultNPMHost(env map[string]string) string {
	def, known := j.releaseHost("npm", nil, env)
	if !known {
		return ""
	}
	return def
}

// actionTarget returns the registry that a releasing action sends to, for
// the scopes of .npmrc tokens: host, which the action's inputs or the job
// chose, with url as its address when the inputs name one.
func (j *job) actionTarget(env map[string]string, host string, unknown bool, url string) registry.NPMTarget {
	t := j.npmTarget(nil, env, host, !unknown)
	if registry.URLHost(url) != "" {
		t.URL = url
	}
	return t
}

// npmTarget returns the registry that an npm release command sends to,
// for the scopes of .npmrc tokens: host, which releaseHost chose, with the
// path that --registry or NPM_CONFIG_REGISTRY gives. The path of
// actions/setup-node's registry-url is not kept, so a release to it
// matches a scope by host alone.
func (j *job) npmTarget(words []string, env map[string]string, host string, known bool) registry.NPMTarget {
	def, defKnown := j.releaseHost("npm", nil, env)
	t := registry.NPMTarget{URL: host, Default: host == def && defKnown, Unknown: !known}
	if option := registry.ReleaseOption("npm", words); option != "" {
		t.URL = option
		return t
	}
	for k, v := range env {
		if strings.EqualFold(k, registry.NPMRegistryEnv) && registry.URLHost(v) != "" {
			t.URL = v
			return t
		}
	}
	if j.npmHost == "" {
		t.URL = "https://" + registry.NPMRegistry + "/"
	}
	return t
}

// registryTokens returns the inline secrets (literals) of the findings
// that are tokens the registries of an ecosystem take.
func registryTokens(eco string, found []literal.Finding, literals map[string]string) []string {
	var out []string
	for _, f := range found {
		if id := literals[f.Value]; id != "" && literal.RegistryToken(eco, f.Kind) {
			out = append(out, id)
		}
	}
	return out
}

// scriptState is the working directory (as cd, pushd and popd leave it)
// and the variables that the commands of a script so far set for the
// next ones.
type scriptState struct {
	dir     string
	folders registry.Folders
	vars    map[string]string
	// outer is the state of the shell around a subshell, nil outside one.
	outer *scriptState
}

// subshell returns the state inside a subshell that opens (step 1), a copy
// of s, or the state after one closes (step -1), the one it opened from.
// A closing parenthesis with no subshell open (a case pattern) leaves s.
func (s *scriptState) subshell(step int) *scriptState {
	if step < 0 {
		if s.outer == nil {
			return s
		}
		return s.outer
	}
	in := s.clone()
	in.outer = s
	return in
}

// clone returns a copy of s that changes apart from it.
func (s *scriptState) clone() *scriptState {
	return &scriptState{dir: s.dir, folders: s.folders.Clone(), vars: maps.Clone(s.vars)}
}

func newScriptState(wd string, env map[string]string) *scriptState {
	s := &scriptState{dir: cleanDir(wd), vars: map[string]string{}}
	for k, v := range env {
		s.vars[k] = v
	}
	return s
}

// apply records the effect of a command that changes the directory or
// sets variables, and reports whether it was one.
func (s *scriptState) apply(words, assigned []string) bool {
	if len(words) == 0 {
		for _, a := range assigned {
			k, v, _ := strings.Cut(a, "=")
			s.vars[k] = v
		}
		return true
	}
	if dir, ok := s.folders.Change(s.dir, words); ok {
		s.dir = cleanDir(dir)
		return true
	}
	args := registry.WithoutOptions(words[1:])
	switch words[0] {
	case "unset":
		// unset -f removes functions; otherwise the names are variables,
		// which later commands no longer receive.
		if slices.Contains(words[1:], "-f") {
			break
		}
		for _, a := range args {
			delete(s.vars, a)
		}
	case "export", "declare", "typeset", "local", "readonly":
		// The NAME=VALUE words set variables, whatever the options
		// (declare -x exports them). export -n and declare +x keep a
		// variable in the shell but stop passing it to commands, and
		// this reader keeps only what commands receive.
		unexport := words[0] == "export" && slices.Contains(words[1:], "-n") ||
			(words[0] == "declare" || words[0] == "typeset") && slices.Contains(words[1:], "+x")
		for _, a := range args {
			k, v, ok := strings.Cut(a, "=")
			switch {
			case unexport:
				delete(s.vars, k)
			case ok && isAssignment(a):
				s.vars[k] = v
			}
		}
	default:
		return false
	}
	return true
}

// with returns the variables of a command: the script's, and the
// assignments in front of the command.
func (s *scriptState) with(assigned []string) map[string]string {
	if len(assigned) == 0 {
		return s.vars
	}
	env := maps.Clone(s.vars)
	for _, a := range assigned {
		k, v, _ := strings.Cut(a, "=")
		env[k] = v
	}
	return env
}

// cleanDir returns a working directory relative to the workspace in the
// form joinDir keeps: "." for its top.
func cleanDir(wd string) string {
	if registry.AtTop(wd) {
		return "."
	}
	wd = strings.TrimSpace(wd)
	if strings.HasPrefix(wd, "$") || strings.HasPrefix(wd, "/") {
		return wd
	}
	return path.Clean(wd)
}

// atRepoTop reports whether a folder of the workspace is the top of the
// job's repository: the folder actions/checkout puts it in when the job
// checks it out into one folder (path:), else the top of the workspace.
func (j *job) atRepoTop(dir string) bool {
	if len(j.checkouts) == 1 && j.checkouts[0] != "." && !strings.Contains(j.checkouts[0], "${{") {
		return dir == j.checkouts[0]
	}
	return registry.AtTop(dir)
}

// readActionRelease records what a step of a releasing action, at ref,
// does: actions/setup-node names the npm registry later steps use,
// JS-DevTools/npm-publish and changesets/action publish to npm, and
// pypa/gh-action-pypi-publish uploads to PyPI, with a token when given
// one and by trusted publishing otherwise. gradle/gradle-build-action
// runs Gradle's arguments and jreleaser/release-action JReleaser's, and
// brandedoutcast/publish-nuget and its fork alirezanet/publish-nuget push
// a package to NuGet.
func (w *workflow) readActionRelease(j *job, name, ref, step string, line int, input func(string) string, env map[string]string) {
	r := release{line: line, step: step, dir: ".", current: true}
	switch strings.ToLower(name) {
	case "actions/setup-node":
		owner, _, _ := strings.Cut(w.repo, "/")
		j.readSetupNode(owner, ref, input, env)
		return
	case "js-devtools/npm-publish":
		r.eco = "npm"
		// package names the package's folder, its package.json or a
		// tarball, which is taken to be of the package at the top.
		switch pkg := strings.TrimSpace(input("package")); {
		case pkg == "" || strings.HasSuffix(pkg, ".tgz"):
		case path.Base(pkg) == "package.json":
			r.dir = cleanDir(path.Dir(pkg))
		default:
			r.dir = cleanDir(pkg)
		}
		w.npmPublishAction(j, &r, ref, input, env)
	case "changesets/action":
		if strings.TrimSpace(input("publish")) == "" {
			return
		}
		r.eco = "npm"
		r.host, r.hostUnknown = j.actionHost(env)
		r.githubToken = j.releaseToken("npm", input("publish"), env)
		words, _ := commandWords(input("publish"))
		words, inWorkspaces := registry.RunnerTarget(words)
		r.dir, r.current = cleanDir(input("cwd")), !inWorkspaces && registry.ReleasesCurrent(words)
		pkgURL, pkgKnown, assumed := w.releaseRegistry(j, "npm", words, r.current && j.atRepoTop(r.dir))
		r.scopeAssumed = assumed
		if pkgURL != "" {
			r.host, r.hostUnknown = registry.URLHost(pkgURL), false
		}
		r.hostUnknown = r.hostUnknown || !pkgKnown
		target := j.actionTarget(env, r.host, r.hostUnknown, pkgURL)
		var npmrc []npmrcSecret
		r.creds, npmrc, r.literals = j.releaseCreds("npm", input("publish"), env, target, registry.YarnBerryPublish(words))
		r.npmrcLogins = npmrcLogins(npmrc, target, r.host, j.defaultNPMHost(env))
	case "pypa/gh-action-pypi-publish":
		r.eco, r.host = "pypi", registry.PyPIHost(input("repository-url"))
		r.hostUnknown = computed(input("repository-url"))
		r.creds = secretNames(input("password"), env)
	case "gradle/gradle-build-action":
		// Before v3 the action ran Gradle with its arguments input.
		if !j.toolActionRelease(&r, "gradle", input("arguments"), env) {
			return
		}
	case "jreleaser/release-action":
		// The action runs JReleaser with its arguments input,
		// full-release when it is empty.
		args := input("arguments")
		if strings.TrimSpace(args) == "" {
			args = "full-release"
		}
		if !j.toolActionRelease(&r, "jreleaser", args, env) {
			return
		}
	case "brandedoutcast/publish-nuget", "alirezanet/publish-nuget":
		// The action packs PROJECT_FILE_PATH and pushes it with NUGET_KEY
		// to NUGET_SOURCE, https://api.nuget.org by default.
		r.eco, r.host = "nuget", registry.NuGetRegistry
		if src := input("NUGET_SOURCE"); src != "" {
			if h := registry.NuGetHost(src); h != "" {
				r.host = h
			}
			r.hostUnknown = computed(src)
		}
		r.dir = cleanDir(path.Dir(strings.TrimSpace(input("PROJECT_FILE_PATH"))))
		r.creds = secretNames(input("NUGET_KEY"), env)
	default:
		return
	}
	j.releases = append(j.releases, r)
}

// toolActionRelease fills r for an action that runs a Maven release tool
// with the given arguments, and reports whether they make a release.
func (j *job) toolActionRelease(r *release, tool, args string, env map[string]string) bool {
	words, _ := commandWords(tool + " " + args)
	eco, maybe := registry.ReleaseTool(words)
	if eco == "" || registry.DryRun(words) {
		return false
	}
	r.eco, r.host, r.maybe = eco, registry.MavenCentralRegistry, maybe
	r.current = registry.ReleasesCurrent(words)
	r.creds, _, _ = j.releaseCreds(eco, args, env, registry.NPMTarget{}, false)
	r.creds = j.withToolLogins(r.creds, eco, words)
	return true
}

// writeReleases writes, for each release, the registry account that each
// of its secrets logs in as, or the trusted publisher its OIDC token acts
// as, and what that account can publish.
func (w *workflow) writeReleases(j *job) {
	for _, r := range j.releases {
		r.root = r.current && j.atRepoTop(r.dir) && !r.hostUnknown
		for _, cred := range r.creds {
			account := w.registryAccount(r.line, r.host, cred)
			w.releaseReach(account, r, "the job publishes to "+r.host+" with secret "+cred, false)
		}
		publishes := false
		for _, l := range r.npmrcLogins {
			account := w.npmrcSecretLogin(r.line, l.host, l.name)
			if !l.publishes {
				continue
			}
			publishes = true
			login := r
			login.host, login.yarnrcUnread = l.host, l.unsure
			w.releaseReach(account, login, "the job publishes to "+l.host+" with secret "+l.name, false)
		}
		for _, lit := range r.literals {
			// A token of an .npmrc key that names a registry logs in
			// there, also when the registry is set at run time.
			login := r
			login.yarnrcUnread = lit.unsure
			if h, ok := lit.scope.LoginHost(r.host); ok {
				login.host = h
			}
			account := graph.RegistryAccountID(login.host, lit.id)
			w.b.node(account, graph.NodeIdentity, login.host+" account of a token written in "+w.rel, r.line, attrs{
				graph.AttrProvider: "registry", "type": "registry-account", "registry": login.host,
			})
			w.b.edge(lit.id, graph.EdgeAuthenticatesAs, account, graph.Certain, r.line, attrs{
				graph.AttrReason: "the job logs in to " + login.host + " with a token written into the workflow",
			})
			w.releaseReach(account, login, "the job publishes to "+login.host+" with a token written into the workflow", false)
		}
		if r.githubToken {
			w.githubPackagesRelease(j, r)
		}
		if len(r.creds) > 0 || len(r.literals) > 0 || publishes || r.githubToken || j.perms.Default || !j.perms.has("id-token", "write") || !(r.oidc || registry.TrustedPublishing(r.host)) {
			continue
		}
		// With no token, the tools exchange the job's OIDC token for a
		// short-lived one: npm and PyPI call this trusted publishing.
		ident := graph.TrustedPublisherID(r.host, w.idRepo, w.rel)
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

// githubPackagesRelease writes the account on GitHub Packages that a
// release with the job's GITHUB_TOKEN logs in as. The token publishes
// the packages associated with its repository, not every package of the
// registry, so the account reaches no registry scope. When the release is of the project at the top of the
// repository, the linker joins the account to the package the
// repository's files name, if its scope is the repository's owner, as
// GitHub Packages requires. The release needs packages:write: certain
// when the job's permissions grant it, possible when they are the
// repository's default, which the input does not show.
func (w *workflow) githubPackagesRelease(j *job, r release) {
	if r.eco != "npm" || r.host != registry.GitHubPackagesNPM {
		return
	}
	if w.calledOnly() {
		// The token and its permissions are the caller's, which this
		// file does not show: the job is marked for the linker, which
		// gives each caller's token the account (linkReusableCalls).
		mark := graph.GPRReleaseOther
		if r.root {
			mark = graph.GPRReleaseProject
			if r.maybe {
				mark = graph.GPRReleaseProjectMaybe
			}
		}
		w.b.node(j.rid, graph.NodeRuntime, "", r.line, attrs{graph.AttrGPRRelease: mark})
		return
	}
	conf := graph.Certain
	reason := "the job publishes to " + r.host + " with its GITHUB_TOKEN, whose permissions grant packages:write"
	switch {
	case j.perms.Default:
		conf = graph.Possible
		reason = "the job publishes to " + r.host + " with its GITHUB_TOKEN; the repository's default token permissions are not in the input, and the release needs packages:write"
	case !j.perms.has("packages", "write"):
		return
	}
	token := graph.GHATokenID(j.rid)
	account := graph.RegistryAccountID(r.host, token)
	a := attrs{graph.AttrProvider: "registry", "type": "registry-account", "registry": r.host, "ecosystem": r.eco}
	if r.root {
		a[graph.AttrRepository] = w.repo
		a[graph.AttrReleasesProject] = "true"
		if !r.maybe && conf == graph.Certain {
			a[graph.AttrReleasesProjectCertain] = "true"
		}
	}
	w.b.node(account, graph.NodeIdentity, r.host+" packages of "+w.repo+" (GITHUB_TOKEN of "+j.id+")", r.line, a)
	w.b.edge(token, graph.EdgeAuthenticatesAs, account, conf, r.line, attrs{graph.AttrReason: reason, "step": r.step})
}

// releaseReach writes what a registry account that a release uses can
// publish: every package the account may publish on the registry, and,
// through the linker, the repository's own package when the release is
// of the project at the top of the repository. That package is the one
// on registry.npmjs.org, pypi.org, crates.io or rubygems.org, the
// registries pkg:npm, pkg:pypi, pkg:cargo and pkg:gem purls name. reason starts the edge's reason with how the job publishes.
func (w *workflow) releaseReach(account string, r release, reason string, trustedPub bool) {
	a := attrs{graph.AttrProvider: "registry", "type": "registry-account", "registry": r.host, "ecosystem": r.eco}
	if r.root && r.host == registry.DefaultRegistry(r.eco) {
		a[graph.AttrRepository] = w.repo
		a[graph.AttrReleasesProject] = "true"
		if !r.maybe && !r.scopeAssumed && !r.yarnrcUnread {
			a[graph.AttrReleasesProjectCertain] = "true"
		}
	}
	w.b.node(account, graph.NodeIdentity, "", r.line, a)

	scope := graph.RegistryScopeID(r.host)
	w.b.node(scope, graph.NodeResource, "packages published to "+r.host, r.line, attrs{
		graph.AttrProvider: "registry", "type": "registry-scope", "registry": r.host, "scope": "true", "ecosystem": r.eco,
	})

	text := reason + "; a registry token may publish every package its account maintains unless it was made for fewer, which the input does not show"
	if trustedPub {
		text = reason + "; it may publish each package on " + r.host + " that trusts this workflow, which the input does not show"
	}
	if r.maybe {
		text += "; the tool publishes to " + r.host + " only when its configuration enables it"
	}
	if r.hostUnknown {
		text += "; the registry is set at run time, and taken here to be " + r.host
	}
	if r.scopeAssumed {
		text += "; the package's name was not read, so it is taken to be of the scope the job set up for " + r.host
	}
	if r.yarnrcUnread {
		text += "; yarn npm publish reads the token only if .yarnrc.yml, which the input does not show, names it"
	}

	conf := graph.Certain
	if r.maybe || r.hostUnknown || r.scopeAssumed || r.yarnrcUnread {
		conf = graph.Possible
	}
	w.b.edge(account, graph.EdgeCanAccess, scope, conf, r.line, attrs{
		graph.AttrReason: text, graph.AttrLevel: "write", "step": r.step,
	})
}
