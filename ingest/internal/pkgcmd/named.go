package pkgcmd

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// NamedInstall is a package that an install command names on its command
// line and fetches from the ecosystem's registry: npm install -g
// semantic-release@22.0.0, pip install black==23.1.0, go install
// golang.org/x/tools/cmd/goimports@v0.1.0, cargo install ripgrep, gem
// install rubocop.
type NamedInstall struct {
	Eco string
	// Name is the registry's name: @scope/name on npm, the PEP 503
	// normalised name on PyPI, the module path on Go, the crate or gem
	// name.
	Name string
	// Version is the exact version the command installs, or "" when the
	// version floats: the registry decides it when the job runs.
	Version string
	// Requested is the range, tag or version query the command requests
	// instead of an exact version, as written, or "".
	Requested string
	// Computed is set when a variable sets the version.
	Computed bool
	// Text is the word of the command that names the package, as written.
	Text string
	// Command is the command as reasons quote it: the tool and the
	// package with the version it requests.
	Command string
	// Scripts is set when installing runs code of the package: npm's
	// install scripts, pip's build of a source distribution, cargo's
	// build scripts, a gem's native extensions.
	Scripts bool
	// GoPackage is the package path that go install builds. Name is the
	// module taken to contain it, and ModuleKnown is set when the path
	// alone shows that module.
	GoPackage   string
	ModuleKnown bool
	// Marker is set on a PyPI requirement with an environment marker
	// (black; python_version < "3.8"), which pip installs only where the
	// marker holds.
	Marker bool
}

// ViaInstall is the via of the EXECUTES edge from a job to a package
// that a command installs by name. Its pinned attribute is PinnedVersion
// or PinnedFloating, as for a tool run.
const ViaInstall = "install"

// NamedInstalls returns the packages that one simple command, given as
// its words with the program first and run with env, installs by name
// from a registry. Folders, archives, URLs and git references name no
// registry package, nor does a word that a variable builds. Options the
// reader does not know are skipped alone.
//
// NOTE: a package installed from another registry (npm --registry, pip
// --index-url) gets the id of the public registry's package of that name.
func NamedInstalls(argv []string, env Env) []NamedInstall {
	if len(argv) == 0 {
		return nil
	}
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	name = strings.TrimSuffix(name, ".cmd")
	args := argv[1:]
	switch {
	case name == "npm" || name == "yarn" || name == "pnpm" || name == "bun":
		return jsNamed(name, args, env)
	case isPip(name):
		return pipNamed(scriptName(name), args, env)
	case name == "uv" && hasSeq(args, "pip", "install"):
		return pipNamed("uv pip", afterWord(args, "pip"), env)
	case name == "pipx":
		return pipxNamed(args, env)
	case isPython(name):
		for i, a := range args {
			if a == "-m" && i+1 < len(args) && args[i+1] == "pip" {
				return pipNamed(scriptName(name)+" -m pip", args[i+2:], env)
			}
		}
	case name == "go":
		return goNamed(args)
	case name == "cargo":
		return cargoNamed(args)
	case name == "gem":
		return gemNamed(args)
	}
	return nil
}

// withNamed hands the packages that the command argv installs by name to
// its install effect, or adds one: yarn global add installs a tool
// outside the project.
func withNamed(effects []Effect, argv []string, env Env) []Effect {
	named := NamedInstalls(argv, env)
	if len(named) == 0 {
		return effects
	}
	for i := range effects {
		if effects[i].Install && effects[i].Eco == named[0].Eco {
			effects[i].Named = named
			if !installsProjectToo(argv) {
				// The command fetches the named packages alone, so the
				// project's locked packages and its scripts do not run.
				effects[i].Tool, effects[i].Run, effects[i].Cause = true, RunNone, ""
			}
			return effects
		}
	}
	return append(effects, Effect{Eco: named[0].Eco, Install: true, Tool: true, Named: named})
}

// attachedRequirement reports whether a pip argument names a requirements
// file in the same word: -rrequirements.txt.
func attachedRequirement(a string) bool {
	return strings.HasPrefix(a, "-r") && len(a) > 2
}

// installsProjectToo reports whether an install command that names
// packages also installs the project's own dependencies. npm, yarn and
// pnpm add the names to the project and install its whole tree, unless
// they install globally, and go get changes the project's go.mod. pip
// installs the project's packages only from a requirements file or a
// folder. go install NAME@VERSION, cargo install NAME and gem install
// NAME leave the project alone.
func installsProjectToo(argv []string) bool {
	name := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	name = strings.TrimSuffix(name, ".cmd")
	args := argv[1:]
	switch {
	case name == "npm" || name == "yarn" || name == "pnpm":
		return !hasFlag(args, "-g") && !hasFlag(args, "--global") && !hasFlag(args, "--location=global") &&
			!hasSeq(args, "--location", "global")
	case name == "bun":
		return !hasFlag(args, "-g") && !hasFlag(args, "--global")
	case name == "uv":
		args = afterWord(args, "pip")
		fallthrough
	case isPip(name) || isPython(name):
		return installsProject(args) || hasFlag(args, "-r") || hasFlag(args, "--requirement") ||
			slices.ContainsFunc(args, attachedRequirement)
	case name == "go":
		sub, _ := firstArg(args)
		return sub != "install"
	case name == "cargo":
		return hasFlag(args, "--path")
	}
	return false
}

// optionSet lists the options of a command that take the next word as
// their value, unless written as --option=value.
type optionSet map[string]bool

// positionals returns the words of args that are neither options nor
// option values, and the value of each option of want, the last one
// given. "--" ends the options, and with stop set it ends the words too.
func positionals(args []string, values optionSet, stop bool, want ...string) (words []string, got map[string]string) {
	got = map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if !stop {
				words = append(words, args[i+1:]...)
			}
			return words, got
		case strings.HasPrefix(a, "-") && len(a) > 1:
			opt, val, eq := strings.Cut(a, "=")
			if !eq && values[opt] && i+1 < len(args) {
				i++
				val = args[i]
			}
			for _, w := range want {
				if opt == w {
					got[w] = val
				}
			}
		default:
			words = append(words, a)
		}
	}
	return words, got
}

// computedWord reports whether a word is set at run time: a shell
// variable, a command substitution, a CI expression or a Windows
// variable.
func computedWord(s string) bool {
	return strings.ContainsAny(s, "$`%{}")
}

var (
	goVersioned   = regexp.MustCompile(`\.v\d+$`)
	rangePattern  = regexp.MustCompile(`^[0-9A-Za-z.^~<>=!*|, x+_-]{1,64}$`)
	pypiPinned    = regexp.MustCompile(`^===?\s*([0-9][0-9A-Za-z.!+_-]*)$`)
	goPathPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~+-]*\.[A-Za-z0-9._~+-]*(/[A-Za-z0-9._~+-]+)*$`)
	goExact       = regexp.MustCompile(`^(v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+incompatible)?)$`)
	goQuery       = regexp.MustCompile(`^[0-9A-Za-z.<>=_/+-]{1,64}$`)
	crateName     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	gemName       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	gemExact      = regexp.MustCompile(`^=?\s*(\d+(?:\.[0-9A-Za-z]+)*)$`)
)

// jsValues are the options of npm, yarn and pnpm that take a value. npm
// and pnpm read any other option as a flag.
var jsValues = optionSet(set("--prefix", "-C", "--dir", "--cwd", "--registry", "--tag", "--omit", "--include",
	"--install-strategy", "--loglevel", "--cache", "--userconfig", "--globalconfig",
	"--location", "--before", "--cpu", "--os", "--libc", "--script-shell", "--save-prefix", "--otp",
	"--auth-type", "--scope", "--fetch-retries", "--fetch-timeout", "--proxy", "--https-proxy", "--noproxy",
	"--cafile", "--node-options", "--filter", "-F", "--reporter", "--store-dir", "--virtual-store-dir",
	"--modules-dir", "--lockfile-dir", "--global-dir", "--global-bin-dir", "--modules-folder",
	"--cache-folder", "--network-timeout", "--network-concurrency", "--mutex", "--global-folder",
	"--link-folder", "--preferred-cache-folder", "--use-yarnrc", "--mode"))

// npmValues adds npm's workspace options, which name a folder of the
// project. pnpm's -w and --workspace are flags.
var npmValues = func() optionSet {
	m := optionSet(set("-w", "--workspace"))
	for k := range jsValues {
		m[k] = true
	}
	return m
}()

// jsNamed reads npm install|i|add, yarn add, yarn global add and pnpm
// add.
func jsNamed(tool string, args []string, env Env) []NamedInstall {
	values := jsValues
	if tool == "npm" {
		values = npmValues
	}
	words, _ := positionals(args, values, false)
	if len(words) == 0 {
		return nil
	}
	sub, specs := words[0], words[1:]
	switch {
	case tool == "npm" && npmInstallAliases[sub]:
	case tool == "yarn" && sub == "add":
	case tool == "yarn" && sub == "global" && len(specs) > 0 && specs[0] == "add":
		sub, specs = "global add", specs[1:]
	case tool == "pnpm" && sub == "add":
	case tool == "bun" && (sub == "add" || sub == "a" || sub == "install" || sub == "i"):
	default:
		return nil
	}
	off := hasFlag(args, "--ignore-scripts") || env.scriptsOff(NPM) ||
		tool == "yarn" && (hasFlag(args, "--mode=skip-build") || hasSeq(args, "--mode", "skip-build"))
	var out []NamedInstall
	for _, w := range specs {
		if n, ok := npmInstallSpec(w); ok {
			n.Text, n.Scripts = w, !off
			n.Command = tool + " " + sub + " " + n.spec("@")
			out = append(out, n)
		}
	}
	return out
}

// npmInstallAliases are the names of npm install.
var npmInstallAliases = set("install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta",
	"isntal", "isntall", "add")

// npmInstallSpec reads NAME, NAME@VERSION, NAME@RANGE, NAME@TAG and
// ALIAS@npm:SPEC.
func npmInstallSpec(w string) (NamedInstall, bool) {
	name, ver := w, ""
	if i := strings.IndexByte(w[min(1, len(w)):], '@'); i >= 0 && len(w) > 1 {
		name, ver = w[:i+1], w[i+2:]
	}
	if rest, ok := strings.CutPrefix(ver, "npm:"); ok {
		return npmInstallSpec(rest)
	}
	if computedWord(name) || len(name) > maxNPMName || !npmName.MatchString(name) || tokenInName(name) ||
		strings.HasSuffix(name, ".tgz") ||
		strings.HasSuffix(name, ".tar") || strings.HasSuffix(name, ".tar.gz") {
		// npm reads a name ending in a tarball's extension as a file.
		return NamedInstall{}, false
	}
	n := NamedInstall{Eco: NPM, Name: name}
	return n, n.setVersion(ver, npmVersion, rangePattern)
}

// setVersion reads what a command writes after the name: an exact
// version (exact's first group, or the whole text), a requested range or
// tag, a version a variable sets, or nothing. It returns false for any other
// text. A version with a token-shaped word is taken as computed, so that
// no attribute or reason quotes it.
func (n *NamedInstall) setVersion(v string, exact, requested *regexp.Regexp) bool {
	switch {
	case v == "":
	case computedWord(v) || credentialIn(v):
		n.Computed = true
	case exact.MatchString(v):
		m := exact.FindStringSubmatch(v)
		n.Version = m[0]
		if len(m) > 1 && m[1] != "" {
			n.Version = m[1]
		}
	case requested.MatchString(v):
		n.Requested = v
	default:
		return false
	}
	return true
}

// spec renders the package with the version it requests, joined by sep
// (@ for npm and Go, == for PyPI).
func (n NamedInstall) spec(sep string) string {
	switch {
	case n.Version != "":
		return n.Name + sep + n.Version
	case n.Requested != "" && sep == "==":
		return n.Name + n.Requested
	case n.Requested != "":
		return n.Name + sep + n.Requested
	}
	return n.Name
}

// pipValues are the options of pip install that take a value.
var pipValues = optionSet(set("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
	"--prefix", "--root", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--platform",
	"--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy", "--no-binary",
	"--only-binary", "--progress-bar", "-C", "--config-settings", "--global-option", "--install-option",
	"--log", "--proxy", "--retries", "--timeout", "--exists-action", "--trusted-host", "--cert",
	"--client-cert", "--cache-dir", "--report", "--python", "--keyring-provider", "--root-user-action",
	"--use-feature", "--use-deprecated", "--build", "-b"))

// uvPipValues are the options of uv pip install that take a value:
// pip's, and uv's own (--python, --index-strategy, ...).
var uvPipValues = optionSet(union(union(pipValues, uvxOptions.value),
	set("--extra", "--group", "--target", "--prefix", "--python-version")))

// pipNamed reads pip install's requirement specifiers, and those of uv pip
// install, whose options that take a value are uv's and whose --no-build,
// like --only-binary :all:, installs wheels only.
func pipNamed(tool string, args []string, env Env) []NamedInstall {
	values := pipValues
	if tool == "uv pip" {
		values = uvPipValues
	}
	words, _ := positionals(args, values, false)
	if len(words) == 0 || words[0] != "install" {
		return nil
	}
	scripts := !onlyBinary(args) && !env.scriptsOff(PyPI) && !(tool == "uv pip" && hasFlag(args, "--no-build"))
	var out []NamedInstall
	for _, w := range words[1:] {
		if n, ok := pypiRequirement(w); ok {
			n.Text, n.Scripts = w, scripts
			n.Command = tool + " install " + n.spec("==")
			out = append(out, n)
		}
	}
	return out
}

// pipxValues are the options of pipx install that take a value.
var pipxValues = optionSet(set("--python", "--pip-args", "--suffix", "--index-url", "-i", "--backend",
	"--preinstall", "--spec"))

// pipxNamed reads pipx install NAME[==VERSION]: pipx installs each named
// package, as pip does, into an environment of its own.
func pipxNamed(args []string, env Env) []NamedInstall {
	words, _ := positionals(args, pipxValues, false)
	if len(words) == 0 || words[0] != "install" {
		return nil
	}
	scripts := !env.scriptsOff(PyPI)
	var out []NamedInstall
	for _, w := range words[1:] {
		if n, ok := pypiRequirement(w); ok {
			n.Text, n.Scripts = w, scripts
			n.Command = "pipx install " + n.spec("==")
			out = append(out, n)
		}
	}
	return out
}

// pypiRequirement reads a PEP 508 requirement by name:
// NAME[EXTRAS]SPECIFIERS, with environment markers after ";". A
// requirement by URL, a path and an archive name no registry package.
func pypiRequirement(w string) (NamedInstall, bool) {
	req, _, marker := strings.Cut(w, ";")
	req = strings.TrimSpace(req)

	name := pypiName.FindString(req)
	if name == "" || strings.ContainsAny(req, "/\\:") || literal.HasCredentialShape(name) {
		return NamedInstall{}, false
	}
	rest := strings.TrimSpace(req[len(name):])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return NamedInstall{}, false
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if computedWord(name) || strings.HasPrefix(rest, "@") || strings.HasSuffix(name, ".whl") ||
		strings.HasSuffix(name, ".zip") || strings.HasSuffix(name, ".gz") {
		return NamedInstall{}, false
	}
	if rest != "" && !strings.ContainsAny(rest[:1], "=<>!~") {
		return NamedInstall{}, false
	}

	n := NamedInstall{Eco: PyPI, Name: graph.PyPIName(name), Marker: marker}
	switch {
	case computedWord(rest) || credentialIn(rest):
		n.Computed = true
	case strings.Contains(rest, "*") || strings.Contains(rest, ","):
		if !rangePattern.MatchString(rest) {
			return NamedInstall{}, false
		}
		n.Requested = rest
	default:
		if !n.setVersion(rest, pypiPinned, rangePattern) {
			return NamedInstall{}, false
		}
	}
	return n, true
}

// goValues are the build flags of go install that take a value.
var goValues = optionSet(set("-C", "-p", "-asmflags", "-buildmode", "-compiler", "-gccgoflags", "-gcflags",
	"-installsuffix", "-ldflags", "-mod", "-modfile", "-overlay", "-pgo", "-pkgdir", "-tags", "-toolexec",
	"-covermode", "-coverpkg", "--C", "--ldflags", "--tags", "--gcflags", "--mod"))

// goNamed reads go install PKG@VERSION, which builds the package in the
// module that contains it and ignores the project's go.mod. Without a
// version, go install builds the project's own packages.
func goNamed(args []string) []NamedInstall {
	words, _ := positionals(args, goValues, false)
	if len(words) == 0 || words[0] != "install" {
		return nil
	}
	var out []NamedInstall
	for _, w := range words[1:] {
		pkg, ver, ok := strings.Cut(w, "@")
		pkg = strings.TrimSuffix(pkg, "/...")
		if !ok || computedWord(pkg) || !goPathPattern.MatchString(pkg) || tokenInName(pkg) {
			continue
		}
		mod, known := goModule(pkg)
		n := NamedInstall{Eco: Go, Name: mod, Text: w, GoPackage: pkg, ModuleKnown: known}
		if !n.setVersion(ver, goExact, goQuery) || ver == "" {
			continue
		}
		v := ver
		if n.Computed {
			v = ""
		}
		n.Command = "go install " + pkg
		if v != "" {
			n.Command += "@" + v
		}
		out = append(out, n)
	}
	return out
}

// goRepoHosts are code hosts whose repositories are the first two path
// elements after the host.
var goRepoHosts = set("github.com", "bitbucket.org", "gitlab.com", "codeberg.org", "gitee.com", "git.sr.ht")

var goMajor = regexp.MustCompile(`^v([2-9]|[1-9][0-9]+)$`)

// goModule returns the module taken to contain a package path, and
// whether the path alone shows it. On a code host that puts repositories
// at a known depth (github.com/OWNER/REPO, golang.org/x/REPO), it is the
// repository's root module, with a major version suffix (/v2) when the
// path has one. A gopkg.in module ends at the element with the version
// (.v3). The path shows the module only when it is that root, because a
// repository may contain nested modules (golang.org/x/tools/gopls).
// Elsewhere the module is the part before /cmd/, or else the whole path.
func goModule(pkg string) (string, bool) {
	parts := strings.Split(pkg, "/")
	root := 0
	switch {
	case goRepoHosts[parts[0]] || parts[0] == "golang.org" && len(parts) > 1 && parts[1] == "x":
		root = 3
	case parts[0] == "gopkg.in":
		for i, p := range parts {
			if goVersioned.MatchString(p) {
				root = i + 1
				break
			}
		}
	}
	if root > 0 && root <= len(parts) {
		if root < len(parts) && goMajor.MatchString(parts[root]) {
			root++
		}
		mod := strings.Join(parts[:root], "/")
		return mod, mod == pkg
	}
	if i := strings.Index(pkg, "/cmd/"); i > 0 {
		return pkg[:i], false
	}
	return pkg, false
}

// cargoValues are the options of cargo install that take a value.
var cargoValues = optionSet(set("--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path", "--root",
	"--index", "--registry", "-F", "--features", "--target", "--target-dir", "--profile", "--bin", "--example",
	"-j", "--jobs", "--color", "--config", "-Z", "--message-format", "--lockfile-path"))

// cargoNamed reads cargo install NAME[@VERSION] [--version V]. A version
// without a requirement operator is that exact version. --git and --path
// install from elsewhere than the registry.
func cargoNamed(args []string) []NamedInstall {
	words, opts := positionals(args, cargoValues, true, "--version", "--vers", "--git", "--path")
	for len(words) > 0 && strings.HasPrefix(words[0], "+") {
		words = words[1:] // a toolchain: cargo +nightly install
	}
	if len(words) == 0 || words[0] != "install" {
		return nil
	}
	if _, ok := opts["--git"]; ok {
		return nil
	}
	if _, ok := opts["--path"]; ok {
		return nil
	}
	flag, hasFlag := opts["--version"]
	if v, ok := opts["--vers"]; ok {
		flag, hasFlag = v, true
	}
	var out []NamedInstall
	for _, w := range words[1:] {
		name, ver, at := strings.Cut(w, "@")
		if computedWord(name) || !crateName.MatchString(name) || literal.HasCredentialShape(name) {
			continue
		}
		n := NamedInstall{Eco: Cargo, Name: name, Text: w, Scripts: true}
		v := ver
		if !at && hasFlag {
			v = flag
		}
		if !n.setVersion(v, semverPatternEq, rangePattern) {
			continue
		}
		switch {
		case at:
			n.Command = "cargo install " + n.spec("@")
		case n.Version != "":
			n.Command = "cargo install " + name + " --version " + n.Version
		case n.Requested != "":
			n.Command = "cargo install " + name + " --version " + n.Requested
		default:
			n.Command = "cargo install " + name
		}
		out = append(out, n)
	}
	return out
}

// semverPatternEq is an exact version as cargo reads it: MAJOR.MINOR.PATCH
// alone or after "=".
var semverPatternEq = regexp.MustCompile(`^=?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)

// gemValues are the options of gem install that take a value.
var gemValues = optionSet(set("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--build-root",
	"-P", "--trust-policy", "-s", "--source", "--platform", "-p", "--http-proxy", "--document", "-g",
	"--file", "--config-file", "--target-rbconfig", "-B", "--bulk-threshold", "--without", "--with"))

// gemNamed reads gem install NAME[:VERSION] [-v VERSION]. A bare version
// is an exact requirement, and "--" ends the words gem reads.
func gemNamed(args []string) []NamedInstall {
	words, opts := positionals(args, gemValues, true, "-v", "--version")
	if len(words) == 0 || words[0] != "install" {
		return nil
	}
	flag, hasFlag := opts["-v"]
	if v, ok := opts["--version"]; ok {
		flag, hasFlag = v, true
	}
	var out []NamedInstall
	for _, w := range words[1:] {
		name, ver, colon := strings.Cut(w, ":")
		if computedWord(name) || !gemName.MatchString(name) || literal.HasCredentialShape(name) ||
			strings.HasSuffix(name, ".gem") {
			continue
		}
		n := NamedInstall{Eco: Gem, Name: name, Text: w, Scripts: true}
		v := ver
		if !colon && hasFlag {
			v = flag
		}
		if !n.setVersion(strings.TrimSpace(v), gemExact, rangePattern) {
			continue
		}
		n.Command = "gem install " + name
		switch {
		case n.Version != "":
			n.Command += " -v " + n.Version
		case n.Requested != "":
			n.Command += " -v " + n.Requested
		}
		out = append(out, n)
	}
	return out
}

// ID returns the id of the Package node the job executes: the version's
// when the command names an exact version, else the name's. Ids follow
// the lockfiles' purls, so that an install meets the locked version.
func (n NamedInstall) ID() string {
	return namedPURL(n.Eco, n.Name, n.Version)
}

// NameID returns the id of the package's name node.
func (n NamedInstall) NameID() string {
	return namedPURL(n.Eco, n.Name, "")
}

// namedPURL renders a package as a purl: an npm scope is the namespace,
// a Go module path is lower-cased and split at its last slash.
func namedPURL(eco, name, version string) string {
	ns := ""
	switch eco {
	case NPM:
		if strings.HasPrefix(name, "@") {
			if i := strings.IndexByte(name, '/'); i > 0 {
				ns, name = name[:i], name[i+1:]
			}
		}
	case Go:
		name = strings.ToLower(name)
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	return packageurl.NewPackageURL(eco, ns, name, version, nil, "").ToString()
}

// NodeAttrs returns the attributes of the name node, and of the version
// node when the command names a version, as lockfiles give them.
func (n NamedInstall) NodeAttrs() (name, version map[string]string) {
	name = map[string]string{"ecosystem": n.Eco, graph.AttrName: n.Name}
	if n.Version != "" {
		version = map[string]string{"ecosystem": n.Eco, graph.AttrName: n.Name, "version": n.Version}
	}
	return name, version
}

// Confidence returns the confidence of the job's EXECUTES edge: possible
// when go install names a package whose module the path alone does not
// show, and when an environment marker decides whether pip installs it.
func (n NamedInstall) Confidence() graph.Confidence {
	if n.Eco == Go && !n.ModuleKnown || n.Marker {
		return graph.Possible
	}
	return graph.Certain
}

// EdgeAttrs returns the attributes of the job's EXECUTES edge: via,
// pinned, requested, install_scripts, package (Go) and a reason that
// quotes the command.
func (n NamedInstall) EdgeAttrs() map[string]string {
	return n.EdgeAttrsBy("the job")
}

// EdgeAttrsBy is EdgeAttrs for an install by runner, "the job" or "the
// action", whom the reason names.
func (n NamedInstall) EdgeAttrsBy(runner string) map[string]string {
	a := map[string]string{graph.AttrVia: ViaInstall, "pinned": PinnedVersion, "install_scripts": "false"}
	var reason string
	switch {
	case n.Version != "":
		reason = runner + " runs " + n.Command + ", which installs that version from the registry"
	case n.Computed:
		reason = runner + " runs " + n.Command + " with a version that is set when " + runner + " runs"
	case n.Requested == "":
		reason = runner + " runs " + n.Command + " without a version, so the registry's latest version is installed"
	default:
		reason = runner + " runs " + n.Command + ", and the registry decides when " + runner + " runs which version " +
			n.Requested + " names"
	}
	switch {
	case n.Computed:
		a["pinned"] = PinnedComputed
	case n.Version == "":
		a["pinned"] = PinnedFloating
		if n.Requested != "" {
			a["requested"] = n.Requested
		}
	}
	if n.Scripts {
		a["install_scripts"] = "true"
	}
	switch {
	case n.Eco == NPM && n.Scripts:
		reason += "; its install scripts run"
	case n.Eco == NPM:
		reason += "; its install scripts do not run"
	case n.Eco == PyPI && n.Scripts:
		reason += "; pip runs its build code when it installs a source distribution"
	case n.Eco == PyPI:
		reason += "; pip installs wheels only, which run no code"
	case n.Eco == Cargo:
		reason += "; cargo builds it, which runs its build script and procedural macros"
	case n.Eco == Gem:
		reason += "; gem builds its native extensions, if it has any"
	case n.Eco == Go:
		reason += "; go runs no code of the module while it builds"
	}
	if n.Eco == Go && n.GoPackage != n.Name {
		a["package"] = n.GoPackage
	}
	if n.Marker {
		reason += "; pip installs it only where its environment marker holds, and the input does not show the job's environment"
	}
	if n.Eco == Go && !n.ModuleKnown {
		reason += "; the module is taken to be " + n.Name + ", since the path alone does not show which module holds the package"
	}
	a[graph.AttrReason] = reason
	return a
}
