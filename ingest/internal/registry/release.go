package registry

import (
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// Package registries that releases go to unless a command names another.
const (
	NPMRegistry      = "registry.npmjs.org"
	PyPIRegistry     = "pypi.org"
	CratesIORegistry = "crates.io"
	RubyGemsRegistry = "rubygems.org"
	// MavenCentralRegistry is Maven Central's publishing service, which
	// also takes the uploads of the older OSSRH hosts (MavenHost).
	MavenCentralRegistry = "central.sonatype.com"
	NuGetRegistry        = "nuget.org"
	// GitHubPackagesNPM is GitHub Packages' npm registry, where a
	// package's scope is its owner's name.
	GitHubPackagesNPM = "npm.pkg.github.com"
)

// Ecosystems are the ecosystems whose releases are read, named as purl
// types name them.
var Ecosystems = []string{"npm", "pypi", "cargo", "gem", "maven", "nuget"}

// DefaultRegistry returns the registry that an ecosystem's releases go to
// unless a command or setting names another, "" for an ecosystem whose
// releases are not read.
func DefaultRegistry(eco string) string {
	switch eco {
	case "npm":
		return NPMRegistry
	case "pypi":
		return PyPIRegistry
	case "cargo":
		return CratesIORegistry
	case "gem":
		return RubyGemsRegistry
	case "maven":
		return MavenCentralRegistry
	case "nuget":
		return NuGetRegistry
	}
	return ""
}

// Release is one package release a script makes to a package registry.
type Release struct {
	// Eco is "npm", "pypi", "cargo" (crates.io), "gem" (RubyGems),
	// "maven" (Maven Central) or "nuget" (nuget.org).
	Eco string
	// Host is the registry from the command's options, "" when they name
	// none (the job's default registry, or the ecosystem's).
	Host string
	// HostUnknown is set when an option names the registry with a
	// variable, whose value the script does not show.
	HostUnknown bool
	// Option is the value of the option that names the registry, as
	// written, "" when there is none.
	Option string
	// Vars are the variables the command line reads.
	Vars []string
	// Words are the words of the release command, without the package
	// runner that runs it (RunnerTarget).
	Words []string
	// Top is set when the release publishes the package in the folder
	// the script starts in: no cd before it left that folder, and it
	// names no other folder and no workspaces.
	Top bool
	// Maybe is set when the tool releases only when its configuration
	// enables it (semantic-release publishes to npm through a plugin).
	Maybe bool
	// Line is the script's line, from 1.
	Line int
	// Index is the position of the release's command in
	// Commands(script), from 0.
	Index int
	// PoetryRepository is the repository that poetry publish publishes
	// to (PoetryRepository), "" for other tools.
	PoetryRepository string
	// Berry is set for yarn npm publish, the release command of Yarn 2
	// and later (YarnBerryPublish).
	Berry bool
	// Removed are the variables that commands of the script before the
	// release took out of the environment of later commands (unset,
	// export -n, declare +x), so the release does not receive them
	// however the job sets them.
	Removed []string
	// EnvCleared is set when env -i runs the release with an empty
	// environment, so it receives no variable of the job.
	EnvCleared bool
}

// ReadsSetting reports whether the release sends a token that an earlier
// command wrote into configuration: into .yarnrc.yml (npmAuthToken) when
// yarnrc is set, else into .npmrc. Only Yarn 2 and later read .yarnrc.yml.
// They send an .npmrc token only if .yarnrc.yml, which the readers do not
// read, names it too, so for them such a token is unsure.
func (r Release) ReadsSetting(yarnrc bool) (reads, unsure bool) {
	switch {
	case r.Berry && !yarnrc:
		return true, true
	case !r.Berry && yarnrc:
		return false, false
	}
	return true, false
}

// ReadsEnv reports whether the release reads a token from the variable
// name (AuthEnv). Yarn 2 and later take most settings from a variable of
// its name in upper snake case after YARN_ (Yarn's .yarnrc.yml
// documentation), so YARN_NPM_AUTH_TOKEN is npmAuthToken, which npm and
// Yarn 1 do not read.
func (r Release) ReadsEnv(name string) bool {
	if !AuthEnv(r.Eco, name) || r.EnvCleared || slices.Contains(r.Removed, name) {
		return false
	}
	return r.Berry || !strings.HasPrefix(strings.ToUpper(name), "YARN_")
}

// Command is one command of a script: a part of a logical line between
// ;, &&, || and the | of a pipeline, without the parentheses of the
// subshells that it opens or closes.
type Command struct {
	Text string
	// Words are the command's words without quotes and without the
	// prefixes that only change how it runs: assignments, sudo, command,
	// exec and time.
	Words []string
	// Line is the script's line that the command's logical line starts
	// on, from 1.
	Line int
}

// Commands returns the commands of a script in order, without its comment
// lines. The commands of a script that a shell runs with -c (bash -c
// '...') count as commands of the script, at the line of the shell's
// command; ScanReleases does not read those.
func Commands(script string) []Command {
	return commandsAt(script, -1, 0)
}

// commandsAt returns the commands of a script. When line is 0 or more,
// every command is at that line: the script is the argument of a shell's
// -c on that line. depth counts the shells around the script.
func commandsAt(script string, line, depth int) []Command {
	var out []Command
	for _, l := range logicalLines(script) {
		at := l.start + 1
		if line >= 0 {
			at = line
		}
		for _, part := range splitOutside(l.text, commandSeparators...) {
			cmd, _, _ := subshellCommand(part)
			words := command(fields(cmd))
			if inner, ok := pkgcmd.ShellScript(words); ok && depth < pkgcmd.MaxShellDepth {
				out = append(out, commandsAt(inner, at, depth+1)...)
				continue
			}
			out = append(out, Command{Text: cmd, Words: words, Line: at})
		}
	}
	return out
}

// commandSeparators are the separators of the commands of a line. Each
// command of a pipeline runs as a command of its own, as in
// echo y | npm publish.
var commandSeparators = []string{";", "&&", "||", "|"}

// ScanReleases returns the package releases of a script, in order, and
// the variables its lines that write an npm token to .npmrc read, with
// the registries the settings scope them to (NPMTokenVars).
func ScanReleases(script string) (releases []Release, tokenVars []TokenVar) {
	releases, tokenVars, _ = ScanReleasesFrom(script, true)
	return releases, tokenVars
}

// ScanReleasesFrom is ScanReleases for a script that starts at the top of
// the workspace when top is set, and elsewhere when not. stillTop reports
// whether the script ends where it started, for the next script of a job
// that runs its scripts in one shell.
func ScanReleasesFrom(script string, top bool) (releases []Release, tokenVars []TokenVar, stillTop bool) {
	sh := &Shell{Top: top}
	releases, tokenVars = ScanShellReleases(script, sh)
	return releases, tokenVars, sh.Top
}

// Shell is the state that one script of a job leaves to the next script
// that runs in the same shell, as GitLab CI runs before_script and script.
type Shell struct {
	// Top is set when the shell is at the top of the workspace.
	Top     bool
	removed removedVars
}

// ScanShellReleases is ScanReleases for a script that runs in sh after
// the earlier scripts of sh, and updates sh for the next one: a variable
// that an earlier script unset stays out of the releases.
func ScanShellReleases(script string, sh *Shell) (releases []Release, tokenVars []TokenVar) {
	top := sh.Top
	// dir is the folder the script is in, relative to the top of the
	// workspace. A script that starts elsewhere starts in a folder whose
	// path is not known. A cd in a subshell, ( ... ), moves only that
	// subshell, so each subshell saves dir when it opens and gives it back
	// when it closes, and so does the set of variables taken out.
	dir := "."
	if !top {
		dir = unknownStart
	}
	var saved []string
	var folders Folders
	removed := maps.Clone(sh.removed)
	if removed == nil {
		removed = removedVars{}
	}
	var savedRemoved []removedVars
	index := -1
	release := func(cmd, ln string, line int) (Release, bool) {
		raw := fields(cmd)
		removed.apply(raw)
		words := command(raw)
		if len(words) == 0 {
			return Release{}, false
		}
		// env -C DIR moves its command alone.
		releaseDir := dir
		if wd := pkgcmd.WrapperDir(raw); wd != "" {
			releaseDir = shellscan.JoinDir(dir, wd)
		}
		if moved, ok := folders.Change(dir, words); ok {
			dir = moved
			return Release{}, false
		}
		words, inWorkspaces := RunnerTarget(words)
		if len(words) == 0 {
			return Release{}, false
		}
		eco, maybe := ReleaseTool(words)
		if eco == "" || DryRun(words) {
			return Release{}, false
		}
		option := ReleaseOption(eco, words)
		unset, cleared := pkgcmd.WrapperUnsets(raw)
		vars := credentialRefs(ln, option)
		if eco == "maven" {
			// A signing passphrase on the line logs in nowhere.
			vars = slices.DeleteFunc(vars, NotUploadSecret)
		}
		return Release{Eco: eco, Host: ReleaseHost(eco, words), HostUnknown: strings.Contains(option, "$") || ConfiguredRegistry(eco, words), Option: option, Vars: vars, Words: words,
			Top: AtTop(releaseDir) && !inWorkspaces && ReleasesCurrent(words), Maybe: maybe, Line: line, Index: index,
			PoetryRepository: PoetryRepository(words), Berry: YarnBerryPublish(words),
			Removed: slices.Compact(slices.Sorted(slices.Values(append(removed.list(), unset...)))), EnvCleared: cleared}, true
	}
	// scanLine reads one logical line at the given line of the script. The
	// loops are those of commandsAt, so that index counts the same
	// commands as Commands, and a shell's -c script is read as its
	// commands, at the shell's line.
	var scanLine func(ln string, line, depth int)
	scanLine = func(ln string, line, depth int) {
		if WritesNPMToken(ln) {
			for _, tv := range NPMTokenVars(ln) {
				tv.Line = line
				tokenVars = append(tokenVars, tv)
			}
		}
		for _, part := range splitOutside(ln, commandSeparators...) {
			cmd, opens, closes := subshellCommand(part)
			for range opens {
				saved = append(saved, dir)
				savedRemoved = append(savedRemoved, maps.Clone(removed))
			}
			if inner, ok := pkgcmd.ShellScript(command(fields(cmd))); ok && depth < pkgcmd.MaxShellDepth {
				// The shell's script runs in a shell of its own: a cd or
				// an unset there ends with it, as does the folder env -C
				// gives it.
				outer, outerRemoved := dir, maps.Clone(removed)
				if wd := pkgcmd.WrapperDir(fields(cmd)); wd != "" {
					dir = shellscan.JoinDir(dir, wd)
				}
				for _, il := range logicalLines(inner) {
					scanLine(il.text, line, depth+1)
				}
				dir, removed = outer, outerRemoved
			} else {
				index++
				if r, ok := release(cmd, ln, line); ok {
					releases = append(releases, r)
				}
			}
			for ; closes > 0 && len(saved) > 0; closes-- {
				dir = saved[len(saved)-1]
				saved = saved[:len(saved)-1]
				removed = savedRemoved[len(savedRemoved)-1]
				savedRemoved = savedRemoved[:len(savedRemoved)-1]
			}
		}
	}
	for _, l := range logicalLines(script) {
		scanLine(l.text, l.start+1, 0)
	}
	sh.Top, sh.removed = AtTop(dir), removed
	return releases, tokenVars
}

// removedVars are the variables that a script took out of the environment
// of its later commands.
type removedVars map[string]bool

// apply updates the set after one command: unset NAME (not unset -f,
// which removes functions), export -n NAME and declare +x NAME take NAME
// out, and a later export or declare -x of NAME puts it back. A plain
// assignment does not: after unset it makes a shell variable that is not
// exported, and after export -n the variable stays unexported.
func (r removedVars) apply(raw []string) {
	i := 0
	for i < len(raw) && assignment.MatchString(raw[i]) {
		i++
	}
	if i == len(raw) {
		return
	}
	prog, args := raw[i], raw[i+1:]
	switch prog {
	case "unset":
		if slices.Contains(args, "-f") {
			return
		}
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				r[a] = true
			}
		}
	case "export", "declare", "typeset", "local", "readonly":
		off := prog == "export" && slices.Contains(args, "-n") ||
			(prog == "declare" || prog == "typeset") && slices.Contains(args, "+x")
		for _, a := range args {
			if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+") {
				continue
			}
			name, _, _ := strings.Cut(a, "=")
			switch {
			case off:
				r[name] = true
			case prog == "export" || slices.Contains(args, "-x"):
				delete(r, name)
			}
		}
	}
}

// list returns the set's names in order, or nil.
func (r removedVars) list() []string {
	if len(r) == 0 {
		return nil
	}
	out := make([]string, 0, len(r))
	for name := range r {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// unknownStart is the folder of a script that does not start at the top
// of the workspace. It starts with $, so folders joined onto it stay text
// and are never the top.
const unknownStart = "$script_start"

// Folders is the stack of folders that pushd and popd keep, and the
// folder before the last cd, which cd - returns to.
type Folders struct {
	stack []string
	prev  string
}

// Change returns the folder that a cd, pushd or popd command moves the
// script from dir to, and ok when words is such a command. cd without a
// folder goes to the home folder.
func (f *Folders) Change(dir string, words []string) (_ string, ok bool) {
	args := words[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		args = args[1:]
	}
	target := "~"
	if len(args) > 0 {
		target = args[0]
	}
	switch words[0] {
	case "cd":
		if target == "-" {
			if f.prev == "" {
				return dir, true
			}
			target = f.prev
		}
		f.prev = dir
		return shellscan.JoinDir(dir, target), true
	case "pushd":
		if len(args) == 0 {
			if len(f.stack) == 0 {
				return dir, true
			}
			top := f.stack[len(f.stack)-1]
			f.stack[len(f.stack)-1] = dir
			return top, true
		}
		f.stack = append(f.stack, dir)
		return shellscan.JoinDir(dir, target), true
	case "popd":
		if len(f.stack) == 0 {
			return dir, true
		}
		top := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		return top, true
	}
	return dir, false
}

// Clone returns a copy of f that changes apart from it, for a subshell.
func (f Folders) Clone() Folders {
	return Folders{stack: slices.Clone(f.stack), prev: f.prev}
}

// subshellCommand returns a command of a line split at ;, && and ||,
// without the parentheses that open subshells before it and close them
// after it, and how many of each there are.
func subshellCommand(part string) (cmd string, opens, closes int) {
	cmd = strings.TrimSpace(part)
	for strings.HasPrefix(cmd, "(") {
		cmd = strings.TrimSpace(cmd[1:])
		opens++
	}
	for strings.HasSuffix(cmd, ")") {
		cmd = strings.TrimSpace(cmd[:len(cmd)-1])
		closes++
	}
	return cmd, opens, closes
}

// credentialRefs returns the variables a release's line reads, less one
// reference for each variable in the option that names the registry,
// because that variable contains the registry's address.
func credentialRefs(line, option string) []string {
	vars := refs(line)
	for _, name := range refs(option) {
		if i := slices.Index(vars, name); i >= 0 {
			vars = slices.Delete(vars, i, i+1)
		}
	}
	if len(vars) == 0 {
		return nil
	}
	return vars
}

// AtTop reports whether a working directory is the top of the workspace.
func AtTop(wd string) bool {
	wd = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(wd), "./"), "/")
	switch wd {
	case "", ".", "${{ github.workspace }}", "$GITHUB_WORKSPACE", "$CI_PROJECT_DIR", "${CI_PROJECT_DIR}":
		return true
	}
	return false
}

// NPMRegistryEnv is the variable that sets npm's registry, above .npmrc
// and below --registry. npm reads npm_config_* without regard to case.
const NPMRegistryEnv = "NPM_CONFIG_REGISTRY"

// Destination returns the registry a release goes to: the one its options
// name, else for npm the one that NPM_CONFIG_REGISTRY names when the job
// sets it (npmRegistry, when set), else the ecosystem's. unknown is set
// when the registry that applies is chosen at run time, and host is then
// the one the release goes to without it.
func Destination(r Release, npmRegistry string, set bool) (host string, unknown bool) {
	if r.Host != "" || r.HostUnknown {
		host = r.Host
		if host == "" {
			host = DefaultRegistry(r.Eco)
		}
		return host, r.HostUnknown
	}
	if r.Eco != "npm" {
		return DefaultRegistry(r.Eco), false
	}
	if !set {
		return NPMRegistry, false
	}
	if h := URLHost(npmRegistry); h != "" {
		return h, false
	}
	return NPMRegistry, strings.Contains(npmRegistry, "$")
}

// Target returns the registry that an npm release sends its package to,
// as Destination chooses it, for matching the scopes of .npmrc tokens
// (TokenScope.Reaches).
func Target(r Release, npmRegistry string, set bool) NPMTarget {
	host, unknown := Destination(r, npmRegistry, set)
	def, defUnknown := Destination(Release{Eco: r.Eco}, npmRegistry, set)
	t := NPMTarget{URL: host, Default: host == def && !defUnknown, Unknown: unknown}
	switch {
	case r.Option != "":
		t.URL = r.Option
	case set && URLHost(npmRegistry) != "":
		t.URL = npmRegistry
	case !set:
		t.URL = "https://" + NPMRegistry + "/"
	}
	return t
}

// TrustedPublishing reports whether a registry accepts a workflow's OIDC
// token in place of a stored token (see graph.OffersTrustedPublishing).
func TrustedPublishing(host string) bool { return graph.OffersTrustedPublishing(host) }

// AuthEnv reports whether a variable of this name carries a registry
// token to the release tools of an ecosystem: the names that
// actions/setup-node, semantic-release, twine, uv, Poetry, Flit, Hatch
// and PDM read, and names that mention the registry. NPM_CONFIG_REGISTRY
// is the registry's address, not a token. Cargo reads crates.io's token
// from CARGO_REGISTRY_TOKEN and another registry's from
// CARGO_REGISTRIES_<NAME>_TOKEN, and gem push reads GEM_HOST_API_KEY.
// Their documentation names no other variable for a token.
func AuthEnv(eco, name string) bool {
	up := strings.ToUpper(name)
	switch eco {
	case "npm":
		return up == "NODE_AUTH_TOKEN" || (strings.Contains(up, "NPM") && credentialName(up))
	case "pypi":
		switch up {
		case "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD", "FLIT_PASSWORD", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD":
			return true
		}
		return strings.HasPrefix(up, "POETRY_PYPI_TOKEN_") || (strings.Contains(up, "PYPI") && credentialName(up))
	case "cargo":
		return up == "CARGO_REGISTRY_TOKEN" || cargoRegistriesToken.MatchString(up)
	case "gem":
		return up == "GEM_HOST_API_KEY"
	case "maven":
		return mavenAuthEnv(name)
	}
	return false
}

// mavenAuthEnv reports whether a variable of this name carries a password
// or token to a Maven or Gradle release. Maven reads a server's password
// through settings.xml (${env.NAME}), and Gradle reads project properties
// from ORG_GRADLE_PROJECT_<name> variables. Neither fixes the names, so a
// credential name (credentialName) counts when it mentions Maven, Central,
// OSSRH, Sonatype, Nexus, deploy or publish, or is a Gradle project
// property. Signing keys
// and passphrases (GPG, SIGNING) log in nowhere, and user names are not
// secret.
func mavenAuthEnv(name string) bool {
	up := strings.ToUpper(name)
	if !credentialName(up) || NotUploadSecret(name) {
		return false
	}
	if strings.HasPrefix(up, "ORG_GRADLE_PROJECT_") {
		return true
	}
	for _, w := range []string{"MAVEN", "OSSRH", "SONATYPE", "NEXUS", "CENTRAL", "DEPLOY", "PUBLISH"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// cargoRegistriesToken matches the variables from which Cargo reads the
// token of a registry its configuration names, in upper case.
var cargoRegistriesToken = regexp.MustCompile(`^CARGO_REGISTRIES_[A-Z0-9_-]+_TOKEN$`)

// credentialName reports whether an upper-case variable name says it holds
// a credential (NPM_TOKEN, PYPI_API_KEY, NPM_AUTH), unlike the names of
// settings such as NPM_CONFIG_REGISTRY or NPM_CONFIG_CACHE.
func credentialName(up string) bool {
	for _, w := range []string{"TOKEN", "AUTH", "KEY", "SECRET", "PASS"} {
		if strings.Contains(up, w) {
			return true
		}
	}
	return false
}

// releaseTools are the npm release tools that yarn and pnpm run by name.
var releaseTools = []string{"semantic-release", "changeset", "lerna"}

// RunnerTarget returns the command that shells and package runners in
// words run, else words. It unwraps bash -c or sh -c CMD, npx X, bunx X,
// bundle exec X, npm exec X, pnpm exec or dlx X, yarn exec or dlx X, and yarn or pnpm
// with a release tool's name. inWorkspaces is set when yarn runs the
// command in workspaces (yarn workspace NAME X, yarn workspaces foreach X).
func RunnerTarget(words []string) (cmd []string, inWorkspaces bool) {
	for len(words) > 0 {
		runner, args := words[0], WithoutOptions(words[1:])
		sub := ""
		if len(args) > 0 {
			sub = args[0]
		}
		switch {
		case (runner == "bash" || runner == "sh") && len(words) > 2 && words[1] == "-c":
			// The shell runs its -c argument, a command of its own.
			words = command(fields(words[2]))
		case runner == "npx" || runner == "bunx":
			words = args
		case runner == "bundle" && sub == "exec":
			words = WithoutOptions(args[1:])
		case runner == "npm" && (sub == "exec" || sub == "x"),
			runner == "pnpm" && (sub == "exec" || sub == "dlx"),
			runner == "yarn" && (sub == "exec" || sub == "dlx"):
			words = WithoutOptions(args[1:])
		case (runner == "yarn" || runner == "pnpm") && slices.Contains(releaseTools, toolName(sub)):
			words = args
		case runner == "yarn" && sub == "workspace" && len(args) > 1:
			words, inWorkspaces = args[2:], true
		case runner == "yarn" && sub == "workspaces" && len(args) > 1 && args[1] == "foreach":
			words, inWorkspaces = WithoutOptions(args[2:]), true
		default:
			return words, inWorkspaces
		}
		if len(words) > 0 && words[0] == "--" {
			words = words[1:]
		}
	}
	return words, inWorkspaces
}

// toolName returns the command a package runner's argument names: the
// base name, without a version (semantic-release@24) and with the
// changesets CLI package (@changesets/cli) as its command, changeset.
func toolName(arg string) string {
	if i := strings.LastIndexByte(arg, '@'); i > 0 {
		arg = arg[:i]
	}
	if arg == "@changesets/cli" {
		return "changeset"
	}
	return path.Base(arg)
}

// ReleaseTool returns the ecosystem a command releases to, "" for a
// command that releases nothing, and whether the release depends on the
// tool's configuration. Package runners are unwrapped first (RunnerTarget).
// rake release is a release to RubyGems when the Rakefile loads Bundler's
// gem tasks, which the input does not show, so it depends on configuration.
func ReleaseTool(words []string) (eco string, maybe bool) {
	switch words[0] {
	case "python", "python3":
		if len(words) > 2 && words[1] == "-m" {
			words = words[2:]
		}
	}
	if len(words) == 0 {
		return "", false
	}
	tool := toolName(words[0])
	switch pkgcmd.JavaTool(tool) {
	case "mvn":
		return mavenRelease(words[1:])
	case "gradle":
		return gradleRelease(words[1:])
	}
	args := WithoutOptions(words[1:])
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch tool {
	case "npm", "lerna", "changeset", "bun":
		if sub == "publish" {
			return "npm", false
		}
	case "pnpm":
		// pnpm takes options with values before the command
		// (pnpm --filter app publish).
		// pnpm run publish runs the package's script named publish.
		if i := slices.Index(args, "publish"); i >= 0 && !slices.Contains(args[:i], "run") {
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
	case "cargo":
		// cargo +TOOLCHAIN publish picks a toolchain through rustup.
		if strings.HasPrefix(sub, "+") {
			args = WithoutOptions(args[1:])
		}
		if len(args) > 0 && args[0] == "publish" {
			return "cargo", false
		}
	case "gem":
		if sub == "push" {
			return "gem", false
		}
	case "rake":
		// Bundler's gem tasks name the release release, with an optional
		// remote (release[origin]), and its push release:rubygem_push.
		for _, a := range args {
			if a == "release" || strings.HasPrefix(a, "release[") || a == "release:rubygem_push" {
				return "gem", true
			}
		}
	case "jreleaser", "jreleaser-cli":
		// JReleaser's deploy uploads to the Maven deployers its
		// configuration names, which the script does not show.
		if sub == "deploy" || sub == "full-release" {
			return "maven", true
		}
	case "dotnet":
		if len(args) > 1 && args[0] == "nuget" && args[1] == "push" && !localSource(nugetSource(words)) {
			return "nuget", false
		}
	case "nuget", "nuget.exe":
		if strings.EqualFold(sub, "push") && !localSource(nugetSource(words)) {
			return "nuget", false
		}
	}
	return "", false
}

// NotUploadSecret reports whether a variable's or secret's name marks a
// secret that a Maven or Gradle release holds but never logs in to its
// repository with. Those are signing keys and their passphrases: a word
// of the name is GPG or starts with SIGN (SIGNING_KEY, signingInMemoryKey,
// MAVEN_GPG_PASSPHRASE), while a word that only contains SIGN, as DESIGN,
// marks none. And they are keys of the Gradle Plugin Portal:
// gradle.publish.key and .secret, GRADLE_PUBLISH_KEY, or GRADLE_KEY and
// GRADLE_SECRET, as Maven builds that also publish a Gradle plugin name
// them.
func NotUploadSecret(name string) bool {
	words := nameWords(name)
	for i, w := range words {
		if strings.Contains(w, "GPG") || strings.HasPrefix(w, "SIGN") {
			return true
		}
		if i+1 < len(words) && (w == "GRADLE" && words[i+1] == "PUBLISH" || w == "PLUGIN" && words[i+1] == "PORTAL") {
			return true
		}
	}
	return slices.Equal(words, []string{"GRADLE", "KEY"}) || slices.Equal(words, []string{"GRADLE", "SECRET"})
}

// nameWords splits a name into upper-case words at characters other than
// letters and digits, and where a lower-case letter meets an upper-case
// one (signingKey is SIGNING and KEY).
func nameWords(name string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, strings.ToUpper(cur.String()))
			cur.Reset()
		}
	}
	prevLower := false
	for _, r := range name {
		isLower, isUpper, isDigit := r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9'
		switch {
		case !isLower && !isUpper && !isDigit:
			flush()
		case isUpper && prevLower:
			flush()
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
		prevLower = isLower
	}
	flush()
	return words
}

// operands returns the words of a command's arguments that are not
// options or the values of options that take the next word.
func operands(args, valueOptions []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case slices.Contains(valueOptions, a):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			out = append(out, a)
		}
	}
	return out
}

// mavenRelease returns the release that mvn, with args after the
// command, makes. The deploy phase, the deploy plugin's deploy goal and
// release:perform (which deploys the tagged version) upload artifacts to
// the repository of the pom's distributionManagement, and deploy-file
// uploads a file to the repository its url option names. The release
// readers do not read the pom, so unless an option names the repository,
// the release to Maven Central depends on configuration.
// -Dmaven.deploy.skip=true skips the upload. install, verify and package
// release nothing.
func mavenRelease(args []string) (eco string, maybe bool) {
	deploys := false
	for _, g := range operands(args, pkgcmd.MavenValueOptions) {
		switch deployGoal(g) {
		case "deploy", "deploy:deploy", "deploy:deploy-file", "release:perform",
			// The Nexus Staging plugin uploads to a staging repository
			// of Sonatype's (deploy) and publishes it (release);
			// JReleaser's deploy uploads to its Maven deployers.
			"nexus-staging:deploy", "nexus-staging:deploy-staged", "nexus-staging:release",
			"jreleaser:deploy", "jreleaser:full-release":
			deploys = true
		}
	}
	// -Dname without a value sets the property to true.
	if !deploys || slices.Contains(args, "-Dmaven.deploy.skip=true") || slices.Contains(args, "-Dmaven.deploy.skip") {
		return "", false
	}
	return "maven", mavenRepository(args) == ""
}

// deployGoal returns a goal of the deploy plugin that a command line names
// by the plugin's coordinates
// (org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy-file) by its
// prefix, as deploy:deploy-file, and any other goal or phase as it is.
func deployGoal(g string) string {
	if !strings.Contains(g, "maven-deploy-plugin:") {
		return g
	}
	switch goal := g[strings.LastIndexByte(g, ':')+1:]; goal {
	case "deploy", "deploy-file":
		return "deploy:" + goal
	}
	return g
}

// mavenRepositoryOption returns the value of the option by which mvn
// names its repository on the command line: the deploy plugin's
// altReleaseDeploymentRepository or altDeploymentRepository (id::url, or
// id::layout::url in older versions), or the url of deploy:deploy-file.
func mavenRepositoryOption(args []string) string {
	if v := flagValue(args, "-DaltReleaseDeploymentRepository", "-DaltDeploymentRepository"); v != "" {
		return v
	}
	if slices.ContainsFunc(args, func(a string) bool { return deployGoal(a) == "deploy:deploy-file" }) {
		return flagValue(args, "-Durl")
	}
	return ""
}

// mavenRepository returns the repository URL that mvn's options name
// (mavenRepositoryOption), or "".
func mavenRepository(args []string) string {
	v := mavenRepositoryOption(args)
	if v == "" {
		return ""
	}
	if i := strings.LastIndex(v, "::"); i >= 0 {
		return v[i+2:]
	}
	return v
}

// gradleRelease returns the release that gradle, with args after the
// command, makes. publish runs every publication's task for every
// repository that the build script declares, which the release readers
// do not read, so its release to Maven Central depends on configuration.
// publishToSonatype (Gradle Nexus Publish Plugin) and the Maven Central
// tasks of the vanniktech plugin (publishToMavenCentral,
// publishAndReleaseToMavenCentral, publishAllPublicationsToMavenCentralRepository)
// upload to Maven Central. publishToMavenLocal and the tasks for
// MavenLocal copy to the local repository. A task path (:lib:publish)
// runs the task of that project.
func gradleRelease(args []string) (eco string, maybe bool) {
	found, central := false, false
	for _, t := range operands(args, pkgcmd.GradleValueOptions) {
		if i := strings.LastIndexByte(t, ':'); i >= 0 {
			t = t[i+1:]
		}
		switch {
		case t == "publishToSonatype", t == "publishToMavenCentral", t == "publishAndReleaseToMavenCentral",
			t == "publishAllPublicationsToMavenCentralRepository":
			found, central = true, true
		case t == "publish", t == "jreleaserDeploy", t == "jreleaserFullRelease",
			strings.HasPrefix(t, "publish") && strings.HasSuffix(t, "Repository") && !strings.HasSuffix(t, "ToMavenLocalRepository"):
			found = true
		}
	}
	if !found {
		return "", false
	}
	return "maven", !central
}

// nugetSource returns the source that dotnet nuget push (--source, -s)
// or nuget push (-Source, its options in any case) names, or "".
func nugetSource(words []string) string {
	return nugetOption(words, "--source", "-s", "-source")
}

// NuGetAPIKey returns the API key that dotnet nuget push (--api-key, -k)
// or nuget push (-ApiKey, its options in any case) gives, or "".
func NuGetAPIKey(words []string) string {
	return nugetOption(words, "--api-key", "-k", "-apikey")
}

// nugetOption returns the value of the first option of a push command
// line with one of the names (in lower case), written NAME VALUE or
// NAME=VALUE, or "".
func nugetOption(words []string, names ...string) string {
	for i, w := range words {
		name, value, inline := strings.Cut(w, "=")
		if !slices.Contains(names, strings.ToLower(name)) {
			continue
		}
		if inline {
			return value
		}
		if i+1 < len(words) {
			return words[i+1]
		}
	}
	return ""
}

// localSource reports whether a NuGet source is a folder, which
// nuget push copies the package into: a path, not a URL or the name of a
// source that NuGet.Config defines.
func localSource(src string) bool {
	if src == "" || strings.Contains(src, "://") || strings.Contains(src, "$") {
		return false
	}
	return strings.ContainsAny(src, "/\\") || strings.HasPrefix(src, ".") || strings.HasPrefix(src, "~") ||
		(len(src) > 1 && src[1] == ':')
}

// YarnBerryPublish reports whether a release command, as RunnerTarget
// returns it, is yarn npm publish, which only Yarn 2 and later have. Those
// versions read registry tokens from .yarnrc.yml (npmAuthToken) and the
// YARN_NPM_AUTH_TOKEN variable, never from .npmrc.
func YarnBerryPublish(words []string) bool {
	if len(words) == 0 || toolName(words[0]) != "yarn" {
		return false
	}
	args := WithoutOptions(words[1:])
	return len(args) > 1 && args[0] == "npm" && args[1] == "publish"
}

// WritesYarnrcToken reports whether a command or line writes Yarn's
// npmAuthToken, which only Yarn 2 and later read, from .yarnrc.yml.
func WritesYarnrcToken(cmd string) bool { return strings.Contains(cmd, "npmAuthToken") }

// WritesYarnrcTokenAt reports whether the command of line that holds the
// byte at offset at writes Yarn's npmAuthToken (WritesYarnrcToken). The
// commands of a line end at ;, && and || outside quotes, so that in
// echo "//host/:_authToken=$A" > .npmrc; yarn config set npmAuthToken "$B"
// only $B goes to .yarnrc.yml. The commands of a pipeline count as one.
func WritesYarnrcTokenAt(line string, at int) bool {
	for _, r := range splitOutsideIndex(line, ";", "&&", "||") {
		if at >= r[0] && at < r[1] {
			return WritesYarnrcToken(line[r[0]:r[1]])
		}
	}
	return WritesYarnrcToken(line)
}

// WritesNPMToken reports whether a command or line writes an npm auth
// token into configuration: an .npmrc setting such as
// //host/:_authToken, which npm config set also writes, or Yarn's
// npmAuthToken in .yarnrc.yml, which yarn config set also writes. The
// .npmrc settings _auth and _password, from which npm logs in with basic
// authentication, count too: after a registry (//host/:_auth), or alone
// on a line that names .npmrc or runs npm config set.
// The readers tell the two files apart (Release.ReadsSetting): npm and
// pnpm do not read .yarnrc.yml, and Yarn 2 and later send a token of
// .npmrc only if .yarnrc.yml names the same token (Verdaccio's Yarn setup
// guide, docs 6.x).
// npm 9 and later also reject an auth setting without a registry (npm's
// npmrc documentation, "Auth related configuration").
func WritesNPMToken(cmd string) bool {
	if strings.Contains(cmd, "_authToken") || strings.Contains(cmd, "npmAuthToken") {
		return true
	}
	// Both patterns need _auth or _password, which most lines lack.
	if !strings.Contains(cmd, "_auth") && !strings.Contains(cmd, "_password") {
		return false
	}
	if npmRegistryBasicAuth.MatchString(cmd) {
		return true
	}
	return npmBasicAuth.MatchString(cmd) && (strings.Contains(cmd, ".npmrc") || npmConfigSet.MatchString(cmd))
}

// WritesHomeNPMRC reports whether a command writes to the .npmrc of the
// home folder by path (~/.npmrc, $HOME/.npmrc or "$HOME"/.npmrc,
// /home/NAME/.npmrc or /root/.npmrc), through a redirection or tee with
// its options. npm reads that file as its user configuration unless
// NPM_CONFIG_USERCONFIG names another.
func WritesHomeNPMRC(cmd string) bool {
	return strings.Contains(cmd, ".npmrc") && homeNPMRC.MatchString(cmd)
}

// WritesHomeNPMRCAt reports whether the command of line that holds the
// byte at offset at writes to the home folder's .npmrc (WritesHomeNPMRC).
// The commands of a line end at ;, && and || outside quotes.
func WritesHomeNPMRCAt(line string, at int) bool {
	for _, r := range splitOutsideIndex(line, ";", "&&", "||") {
		if at >= r[0] && at < r[1] {
			return WritesHomeNPMRC(line[r[0]:r[1]])
		}
	}
	return WritesHomeNPMRC(line)
}

var homeNPMRC = regexp.MustCompile(`(?:>>?|\btee(?:\s+-[-A-Za-z]*)*\s)\s*["']?(?:~|\$HOME|\$\{HOME\}|/home/[A-Za-z0-9_.-]+|/root)["']?/\.npmrc\b`)

// npmRegistryBasicAuth matches the .npmrc keys of a registry's basic
// authentication, as in //host/:_auth, and npmBasicAuth the same keys
// without a registry. npmConfigSet matches the commands that set them.
var (
	npmRegistryBasicAuth = regexp.MustCompile(`:_(?:auth|password)\b`)
	npmBasicAuth         = regexp.MustCompile(`(?:^|[\s"'])_(?:auth|password)\b`)
	npmConfigSet         = regexp.MustCompile(`\b(?:npm\s+(?:config\s+)?set|pnpm\s+config\s+set)\s`)
)

// ExportsAuthEnv reports whether a command only sets variables, as
// export NAME=VALUE, declare -x NAME=VALUE (also typeset, local and
// readonly, after their options) or NAME=VALUE alone does, and one of them
// carries a registry token to the release tools of an ecosystem (AuthEnv).
// The variables hold for the rest of the shell's script.
func ExportsAuthEnv(eco, cmd string) bool {
	words := fields(cmd)
	if len(words) > 0 {
		switch words[0] {
		case "export", "declare", "typeset", "local", "readonly":
			words = words[1:]
			for len(words) > 0 && (strings.HasPrefix(words[0], "-") || strings.HasPrefix(words[0], "+")) {
				words = words[1:]
			}
		}
	}
	carries := false
	for _, w := range words {
		if !assignment.MatchString(w) {
			return false
		}
		name, _, _ := strings.Cut(w, "=")
		carries = carries || AuthEnv(eco, name)
	}
	return carries
}

// PoetryRepository returns the repository that a poetry publish command
// publishes to: the one that -r or --repository names, else pypi. It
// returns "" for other commands.
func PoetryRepository(words []string) string {
	if len(words) == 0 || toolName(words[0]) != "poetry" {
		return ""
	}
	if args := WithoutOptions(words[1:]); len(args) == 0 || args[0] != "publish" {
		return ""
	}
	if repo := flagValue(words, "--repository", "-r"); repo != "" {
		return repo
	}
	return "pypi"
}

// PoetryConfigRepository returns the repository whose credentials a
// poetry config command sets with the key pypi-token.NAME or
// http-basic.NAME: NAME. It returns "" for other commands, and for
// poetry config --unset.
func PoetryConfigRepository(words []string) string {
	if len(words) < 3 || toolName(words[0]) != "poetry" || words[1] != "config" || slices.Contains(words, "--unset") {
		return ""
	}
	args := WithoutOptions(words[2:])
	if len(args) < 2 {
		return ""
	}
	for _, prefix := range []string{"pypi-token.", "http-basic."} {
		if name, ok := strings.CutPrefix(args[0], prefix); ok && name != "" {
			return name
		}
	}
	return ""
}

// publishValueFlags are the options of npm, pnpm and yarn publish that
// take a value as the next word.
var publishValueFlags = []string{"--tag", "--access", "--otp", "--registry", "--auth-type", "--userconfig", "--loglevel", "--new-version", "--publish-branch"}

// ReleasesCurrent reports whether a release command publishes the package
// in its working directory. It does not when it names a folder, or
// publishes workspaces (npm --workspaces, pnpm --recursive or --filter,
// lerna). A tarball is taken to be of the package in the directory.
func ReleasesCurrent(words []string) bool {
	if len(words) == 0 {
		return true
	}
	tool, args := toolName(words[0]), words[1:]
	switch pkgcmd.JavaTool(tool) {
	case "mvn":
		return mavenCurrent(args)
	case "gradle":
		// The build script names the publications, and it is not read.
		return false
	}
	switch tool {
	case "lerna":
		return false
	case "cargo":
		return cargoCurrent(args)
	}
	for _, a := range args {
		name, _, _ := strings.Cut(a, "=")
		switch {
		case tool == "npm" && (name == "--workspaces" || name == "-ws" || name == "--workspace" || name == "-w"),
			tool == "pnpm" && (name == "--recursive" || name == "-r" || name == "--filter" || name == "-F"):
			return false
		}
	}
	i := slices.Index(args, "publish")
	if i < 0 {
		return true
	}
	args = args[i+1:]
	for k := 0; k < len(args); k++ {
		switch a := args[k]; {
		case slices.Contains(publishValueFlags, a):
			k++ // skip the option's value
		case strings.HasPrefix(a, "-"):
		default:
			return a == "." || a == "./" || strings.HasSuffix(a, ".tgz")
		}
	}
	return true
}

// cargoCurrent reports whether cargo publish, with args after cargo,
// publishes the package of its working directory: not when it picks a
// package of a workspace (-p, --package, --workspace) or another
// manifest (--manifest-path other than Cargo.toml).
func cargoCurrent(args []string) bool {
	for i, a := range args {
		name, value, inline := strings.Cut(a, "=")
		switch name {
		case "-p", "--package", "--workspace", "--all":
			return false
		case "--manifest-path":
			if !inline && i+1 < len(args) {
				value = args[i+1]
			}
			if strings.TrimPrefix(value, "./") != "Cargo.toml" {
				return false
			}
		}
		if strings.HasPrefix(a, "-p") && len(a) > 2 && !strings.HasPrefix(a, "--") {
			return false // -pNAME
		}
	}
	return true
}

// mavenCurrent reports whether mvn, with args after mvn, deploys the
// project of its working directory, whose pom.xml names it: not when -pl
// picks modules, -f names another pom, or deploy:deploy-file uploads a
// file that options name.
func mavenCurrent(args []string) bool {
	for i, a := range args {
		name, value, inline := strings.Cut(a, "=")
		switch deployGoal(name) {
		case "-pl", "--projects":
			return false
		case "-f", "--file":
			if !inline && i+1 < len(args) {
				value = args[i+1]
			}
			if v := strings.TrimSuffix(strings.TrimPrefix(value, "./"), "/"); v != "pom.xml" && v != "." {
				return false
			}
		case "deploy:deploy-file":
			return false
		}
	}
	return true
}

// DryRun reports whether a release command only shows what it would
// publish: --dry-run (npm, pnpm, yarn, uv, cargo, gradle,
// semantic-release and others), semantic-release's -d, cargo's -n or
// gradle's -m. A command with --help, -h or -? (also -help for nuget)
// before any -- prints its usage and publishes nothing.
func DryRun(words []string) bool {
	tool := toolName(words[0])
	for _, w := range words[1:] {
		if w == "--" {
			break
		}
		if w == "--dry-run" || w == "--dry-run=true" || (w == "-d" && tool == "semantic-release") || (w == "-n" && tool == "cargo") ||
			(w == "-m" && pkgcmd.JavaTool(tool) == "gradle") {
			return true
		}
		if w == "--help" || w == "-h" || w == "-?" || (strings.EqualFold(w, "-help") && strings.HasPrefix(tool, "nuget")) {
			return true
		}
	}
	return false
}

// ReleaseOption returns the value of the option by which a release
// command names its registry, or "".
func ReleaseOption(eco string, words []string) string {
	switch eco {
	case "npm":
		return flagValue(words, "--registry")
	case "cargo":
		return flagValue(words, "--index", "--registry")
	case "gem":
		return flagValue(words, "--host")
	case "maven":
		return mavenRepositoryOption(words)
	case "nuget":
		return nugetSource(words)
	}
	return flagValue(words, "--repository-url", "--publish-url", "--index-url")
}

// ConfiguredRegistry reports whether a release command names its registry
// by a name that configuration the input does not show defines. That is
// cargo publish --registry NAME, for any NAME but crates-io, because
// Cargo's .cargo/config.toml maps NAME to an index URL. It is also a NuGet
// source's name other than nuget.org, which NuGet.Config maps to a URL,
// and a NuGet push without a source, which goes to NuGet.Config's
// DefaultPushSource (NuGet's push command reference).
func ConfiguredRegistry(eco string, words []string) bool {
	if eco == "nuget" {
		src := nugetSource(words)
		return !strings.Contains(src, "://") && !strings.EqualFold(src, "nuget.org")
	}
	if eco != "cargo" || flagValue(words, "--index") != "" {
		return false
	}
	name := flagValue(words, "--registry")
	return name != "" && name != "crates-io"
}

// ReleaseHost returns the registry a release command's options name, or
// "" when they name none.
func ReleaseHost(eco string, words []string) string {
	switch eco {
	case "npm":
		return URLHost(flagValue(words, "--registry"))
	case "cargo":
		if raw := flagValue(words, "--index"); raw != "" {
			return cargoIndexHost(raw)
		}
		if flagValue(words, "--registry") == "crates-io" {
			return CratesIORegistry
		}
		return ""
	case "gem":
		return URLHost(flagValue(words, "--host"))
	case "maven":
		if raw := mavenRepository(words); raw != "" {
			return MavenHost(raw)
		}
		return ""
	case "nuget":
		src := nugetSource(words)
		if strings.EqualFold(src, "nuget.org") {
			return NuGetRegistry
		}
		if strings.Contains(src, "://") {
			return NuGetHost(src)
		}
		return ""
	}
	if repo := flagValue(words, "--repository", "-r"); repo == "testpypi" {
		return "test.pypi.org"
	}
	if raw := flagValue(words, "--repository-url", "--publish-url", "--index-url"); raw != "" {
		return PyPIHost(raw)
	}
	return ""
}

// cargoIndexHost returns the registry of a Cargo index URL: crates.io for
// its sparse index (sparse+https://index.crates.io/) and its Git index on
// GitHub, else the URL's host without Cargo's sparse+ prefix.
func cargoIndexHost(raw string) string {
	raw = strings.TrimPrefix(strings.TrimSpace(raw), "sparse+")
	h := URLHost(raw)
	if h == "index.crates.io" || (h == "github.com" && strings.Contains(raw, "/rust-lang/crates.io-index")) {
		return CratesIORegistry
	}
	return h
}

// MavenHost returns the registry of a Maven repository URL: Maven
// Central for the upload endpoints of its publishing service and of
// Sonatype's OSSRH (oss.sonatype.org, s01.oss.sonatype.org), which
// release to Maven Central, else the URL's host.
func MavenHost(raw string) string {
	switch h := URLHost(raw); h {
	case "central.sonatype.com", "ossrh-staging-api.central.sonatype.com", "oss.sonatype.org", "s01.oss.sonatype.org":
		return MavenCentralRegistry
	default:
		return h
	}
}

// NuGetHost returns the registry of a NuGet source URL: nuget.org for its
// V3 index (api.nuget.org) and V2 push endpoint (www.nuget.org), else the
// URL's host.
func NuGetHost(raw string) string {
	switch h := URLHost(raw); h {
	case "api.nuget.org", "www.nuget.org", "nuget.org":
		return NuGetRegistry
	default:
		return h
	}
}

// PyPIHost returns the registry of a PyPI upload URL: pypi.org for its
// upload endpoint and for no URL, else the URL's host.
func PyPIHost(raw string) string {
	h := URLHost(raw)
	if h == "" || h == "upload.pypi.org" {
		return PyPIRegistry
	}
	return h
}

// URLHost returns the host of a registry URL, or "" when the URL is
// empty or computed at run time.
func URLHost(raw string) string {
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

// WithoutOptions drops the options at the start of words.
func WithoutOptions(words []string) []string {
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

// VarRefs returns the names of the shell variables s reads ($NAME,
// ${NAME}), in order.
func VarRefs(s string) []string { return refs(s) }
