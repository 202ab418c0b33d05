package pkgcmd

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// Package is a package that a tool command fetches from a registry by
// name and runs: npx prettier@3.1.0, pnpm dlx, yarn dlx, bunx, uvx ruff,
// pipx run black. The ecosystem is the Effect's.
type Package struct {
	// Tool is the command as reasons quote it: npx, npm exec, pnpm dlx,
	// pnpx, yarn dlx, bunx, bun x, uvx, uv tool run or pipx run.
	Tool string
	// Name is the registry's name: @scope/name on npm, the PEP 503
	// normalised name on PyPI.
	Name string
	// Version is the exact version the command requests, or "".
	Version string
	// Requested is the range or tag (latest, next) the command requests
	// instead of an exact version, as written. It is "" when the command
	// names no version, and then the registry's latest version runs.
	Requested string
	// Computed is set when a variable sets the version, or when its text
	// is not in a form that reasons quote.
	Computed bool
	// Local is set when the command names no version and the tool runs
	// the project's installed copy of the package, whatever its version,
	// when there is one: npx, npm exec and bunx. With a version, range or
	// tag npx runs an installed copy only when it is the version the
	// registry gives. pnpm dlx, yarn dlx, uvx and pipx run always fetch
	// the package.
	Local bool
	// Initializer is the argument of npm init, npm create, yarn create or
	// pnpm create as written (vite@5.2.0, for the package create-vite),
	// or "" for other tools.
	Initializer string
	// Marker is set on a PyPI requirement with an environment marker,
	// which the tool installs only where the marker holds.
	Marker bool
}

// Command returns the command as reasons quote it: the tool and the
// package with the version it requests (npx prettier@3.1.0, uvx
// ruff==0.3.0), or the initializer and the package it names (npm create
// vite@5.2.0 (package create-vite)).
func (p Package) Command() string {
	if p.Initializer != "" && !p.Computed {
		return p.Tool + " " + p.Initializer + " (package " + p.Name + ")"
	}
	spec := p.Name
	switch {
	case p.Version != "" && pypiTool(p.Tool):
		spec += "==" + p.Version
	case p.Version != "":
		spec += "@" + p.Version
	case p.Requested != "" && pypiTool(p.Tool) && p.Requested != "latest":
		spec += p.Requested
	case p.Requested != "":
		spec += "@" + p.Requested
	}
	return p.Tool + " " + spec
}

func pypiTool(tool string) bool {
	return tool == "uvx" || tool == "uv tool run" || tool == "pipx run"
}

// ID returns the id of the Package node that the run executes: the
// version's when the command pins one, else the name's. Ids follow the
// lockfiles' scheme, so that a pinned run meets the locked version.
func (p Package) ID(eco string) string {
	if p.Version != "" {
		return PackageID(eco, p.Name, p.Version)
	}
	return PackageID(eco, p.Name, "")
}

// PackageID returns the purl of an npm or PyPI package, without a
// version when version is "". An npm scope becomes the namespace.
func PackageID(eco, name, version string) string {
	ns := ""
	if eco == NPM && strings.HasPrefix(name, "@") {
		if i := strings.IndexByte(name, '/'); i > 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	return packageurl.NewPackageURL(eco, ns, name, version, nil, "").ToString()
}

// Patterns of npm and PyPI names as the registries accept them, and of
// the versions and ranges that follow them.
var (
	npmName    = regexp.MustCompile(`^(@[A-Za-z0-9~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*$`)
	npmVersion = regexp.MustCompile(`^[=v]?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$`)
	npmRange   = regexp.MustCompile(`^[0-9A-Za-z.^~<>=*|, x+-]{1,64}$`)
	pypiName   = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
	pypiExact  = regexp.MustCompile(`^[0-9][0-9A-Za-z.!+_-]*$`)
	pypiRange  = regexp.MustCompile(`^[0-9A-Za-z.*<>=!~, +_-]{1,64}$`)
)

// credentialIn reports whether a version specifier holds a value shaped
// like a well-known token, which reasons and attributes must not quote.
func credentialIn(spec string) bool {
	for _, part := range strings.FieldsFunc(spec, func(r rune) bool { return strings.ContainsRune(",| @", r) }) {
		if literal.HasCredentialShape(strings.TrimLeft(part, "=<>!~^")) {
			return true
		}
	}
	return false
}

// maxNPMName is the length of the longest name the npm registry accepts.
const maxNPMName = 214

// tokenInName reports whether a package name, or a part of it between
// the "@" and "/" of an npm scope or a Go path, has the shape of a
// well-known token. Such a name must not reach node ids.
func tokenInName(name string) bool {
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '@' || r == '/' })
	return slices.ContainsFunc(parts, literal.HasCredentialShape)
}

// computedText reports whether a word is set at run time: a shell
// variable, a command substitution or a CI expression.
func computedText(s string) bool {
	return strings.ContainsAny(s, "$`{}%")
}

// npmSpec reads NAME[@SPEC] as npm reads a package argument. ok is false
// for what is not a registry package: a variable name, a folder, a
// tarball, a git or GitHub reference, an alias.
func npmSpec(tool, word string, local bool) (Package, bool) {
	name, spec := word, ""
	from := 0
	if strings.HasPrefix(word, "@") {
		from = strings.IndexByte(word, '/') + 1
	}
	if at := strings.IndexByte(word[from:], '@'); at >= 0 {
		name, spec = word[:from+at], word[from+at+1:]
	}
	if computedText(name) || len(name) > maxNPMName || !npmName.MatchString(name) || tokenInName(name) {
		return Package{}, false
	}
	p := Package{Tool: tool, Name: name, Local: local && spec == ""}
	switch {
	case spec == "":
	case computedText(spec) || credentialIn(spec):
		p.Computed = true
	case npmVersion.MatchString(spec):
		p.Version = npmVersion.FindStringSubmatch(spec)[1]
	case strings.Contains(spec, ":"):
		// An alias of another package (npm:other@1.0.0).
		return Package{}, false
	case npmRange.MatchString(spec):
		p.Requested = spec
	default:
		p.Computed = true
	}
	return p, true
}

// pypiSpec reads a PEP 508 requirement (NAME[EXTRAS] SPECIFIERS), and
// NAME@VERSION as uv reads it when at is set. ok is false for a variable,
// a URL, a path or a file.
func pypiSpec(tool, word string, at bool) (Package, bool) {
	if computedText(word) || strings.ContainsAny(word, "/\\:") {
		return Package{}, false
	}
	name := pypiName.FindString(word)
	rest := strings.TrimSpace(word[len(name):])
	if name == "" || literal.HasCredentialShape(name) || strings.HasSuffix(word, ".whl") ||
		strings.HasSuffix(word, ".tar.gz") || strings.HasSuffix(word, ".zip") || strings.HasSuffix(word, ".py") {
		return Package{}, false
	}
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Package{}, false
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if rest != "" && !strings.ContainsAny(rest[:1], "@;=<>!~(") {
		// The name goes on with a character no PyPI name has.
		return Package{}, false
	}
	marker := false
	if i := strings.IndexByte(rest, ';'); i >= 0 {
		rest, marker = strings.TrimSpace(rest[:i]), true
	}
	p := Package{Tool: tool, Name: graph.PyPIName(name), Marker: marker}
	switch {
	case rest == "":
	case credentialIn(rest):
		p.Computed = true
	case strings.HasPrefix(rest, "@"):
		v := strings.TrimSpace(rest[1:])
		switch {
		case !at:
			// A direct reference (NAME @ URL).
			return Package{}, false
		case v == "latest":
			p.Requested = v
		case pypiExact.MatchString(v):
			p.Version = v
		default:
			return Package{}, false
		}
	case strings.HasPrefix(rest, "==") && !strings.HasPrefix(rest, "===") &&
		pypiExact.MatchString(strings.TrimSpace(rest[2:])):
		p.Version = strings.TrimSpace(rest[2:])
	case strings.HasPrefix(rest, "===") && pypiExact.MatchString(strings.TrimSpace(rest[3:])):
		p.Version = strings.TrimSpace(rest[3:])
	case pypiRange.MatchString(rest):
		p.Requested = rest
	default:
		p.Computed = true
	}
	return p, true
}

// options describes a tool's options: those that take a value, and
// whether an unknown option takes none. npm's and pnpm's option parser
// (nopt) reads an unknown --name without =VALUE as a flag. uv and pipx
// reject unknown options, so after one the next word may be its value.
type options struct {
	value        map[string]bool
	pkg          map[string]bool // options whose value is a package (--package)
	shell        map[string]bool // options that turn the positional argument into a shell command
	unknownFlags bool
}

// npmExecOptions are the npm options that take a value, as npx and npm
// exec read them. Every other option is a flag.
var npmExecOptions = options{
	value: set("--registry", "--cache", "--userconfig", "--globalconfig", "--prefix", "-C", "--workspace", "-w",
		"--loglevel", "--node-options", "--script-shell", "--include", "--omit", "--tag", "--before", "--otp",
		"--scope", "--shell", "--location", "--call", "-c", "--package"),
	pkg:          set("--package"),
	shell:        set("--call", "-c"),
	unknownFlags: true,
}

// npxOptions adds npx's -p, which npm exec reads as --parseable.
var npxOptions = options{
	value:        union(npmExecOptions.value, set("-p")),
	pkg:          set("--package", "-p"),
	shell:        npmExecOptions.shell,
	unknownFlags: true,
}

var pnpmOptions = options{
	value: set("--package", "--allow-build", "--dir", "-C", "--filter", "-F", "--reporter", "--loglevel",
		"--registry", "--store-dir", "--cache-dir", "--config-dir", "--workspace-dir"),
	pkg:          set("--package"),
	shell:        set("--shell-mode", "-c"),
	unknownFlags: true,
}

var yarnDlxOptions = options{
	value:        set("--package", "-p", "--cwd"),
	pkg:          set("--package", "-p"),
	unknownFlags: true,
}

var bunxOptions = options{
	value:        set("--package", "-p", "--cwd", "--config"),
	pkg:          set("--package", "-p"),
	unknownFlags: true,
}

// uvxOptions are the options of uv tool run that take a value.
var uvxOptions = options{
	value: set("--from", "--with", "--with-editable", "--with-requirements", "-w", "--python", "-p",
		"--index", "--index-url", "-i", "--extra-index-url", "--default-index", "--find-links", "-f",
		"--constraints", "--constraint", "-c", "--overrides", "--override", "--build-constraints", "-b",
		"--env-file", "--directory", "--project", "--config-file", "--cache-dir", "--color",
		"--index-strategy", "--keyring-provider", "--resolution", "--prerelease", "--exclude-newer",
		"--exclude-newer-package", "--link-mode", "--refresh-package", "--upgrade-package", "-P",
		"--reinstall-package", "--no-binary-package", "--no-build-package", "--config-setting", "-C",
		"--config-settings-package", "--no-build-isolation-package", "--allow-insecure-host",
		"--python-platform", "--torch-backend", "--fork-strategy", "--python-preference"),
	pkg: set("--from", "--with", "-w"),
}

// uvxFlags are the options of uv tool run without a value.
var uvxFlags = set("--isolated", "--no-cache", "-n", "--offline", "--refresh", "--upgrade", "-U",
	"--reinstall", "--no-build", "--no-binary", "--no-sources", "--no-build-isolation", "--quiet", "-q",
	"--verbose", "-v", "--no-progress", "--native-tls", "--no-config", "--no-python-downloads",
	"--managed-python", "--no-managed-python", "--no-env-file", "--show-resolution", "--compile-bytecode",
	"--no-index", "--lfs", "--preview", "--no-preview", "-h", "--help")

var pipxOptions = options{
	value: set("--spec", "--python", "--index-url", "-i", "--pip-args", "--backend"),
	pkg:   set("--spec"),
}

var pipxFlags = set("--no-cache", "--pypackages", "--system-site-packages", "--editable", "-e", "--verbose",
	"-v", "--quiet", "-q", "--path", "--fetch-missing-python", "--global", "-h", "--help")

func union(a, b map[string]bool) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// toolArgs reads a tool's arguments up to the first positional one. It
// returns the values of the package options, the positional argument
// ("" when there is none, or when an unknown option leaves it in doubt)
// and whether an option makes it a shell command.
func toolArgs(args []string, opt options, flags map[string]bool) (pkgs []string, positional string, shell bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				positional = args[i+1]
			}
			return pkgs, positional, shell
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return pkgs, a, shell
		}
		name, value, hasValue := strings.Cut(a, "=")
		if opt.shell[name] {
			shell = true
		}
		switch {
		case opt.value[name]:
			if !hasValue {
				if i+1 >= len(args) {
					return pkgs, "", shell
				}
				i++
				value = args[i]
			}
			if opt.pkg[name] {
				pkgs = append(pkgs, value)
			}
		case hasValue || flags[name] || opt.unknownFlags:
		default:
			// An option the tool does not know may take the next word.
			return pkgs, "", shell
		}
	}
	return pkgs, "", shell
}

// npxRuns reads the packages of npx ARGS or npm exec ARGS: those that
// --package names, else the first positional argument.
func npxRuns(tool string, args []string, npx bool) []Package {
	opt := npmExecOptions
	if npx {
		opt = npxOptions
	}
	return npmRuns(tool, args, opt, true)
}

// dlxRuns reads the packages of pnpm dlx, yarn dlx and bunx, which read
// their arguments as npx does.
func dlxRuns(tool string, args []string, opt options, local bool) []Package {
	return npmRuns(tool, args, opt, local)
}

func npmRuns(tool string, args []string, opt options, local bool) []Package {
	specs, positional, shell := toolArgs(args, opt, nil)
	if len(specs) == 0 && !shell && positional != "" {
		specs = []string{positional}
	}
	var out []Package
	for _, s := range specs {
		if p, ok := npmSpec(tool, s, local); ok {
			out = append(out, p)
		}
	}
	return out
}

// initOptions are the options of npm init, npm create, yarn create and
// pnpm create that take a value. The tools read any other option as a
// flag.
var initOptions = options{
	value: set("--scope", "-w", "--workspace", "--init-author-name", "--init-author-email", "--init-author-url",
		"--init-license", "--init-module", "--init-version", "--registry", "--userconfig", "--cache", "--prefix",
		"-C", "--dir", "--cwd", "--loglevel"),
	unknownFlags: true,
}

// initRuns reads npm init ARGS, npm create ARGS, yarn create ARGS or pnpm
// create ARGS. The first positional argument is an initializer, and the
// tool runs the package it names: create-NAME for NAME, @scope/create-NAME
// for @scope/NAME and @scope/create for @scope, each at the version the
// initializer gives. Without an initializer npm init writes a
// package.json and runs no package. An initializer that names a git
// repository or a folder names no registry package.
func initRuns(tool string, args []string, local bool) []Package {
	_, word, _ := toolArgs(args, initOptions, nil)
	if word == "" || strings.HasPrefix(word, ".") || strings.ContainsAny(word, ":\\") ||
		slices.ContainsFunc(strings.FieldsFunc(word, func(r rune) bool { return r == '@' || r == '/' }), literal.HasCredentialShape) {
		return nil
	}
	name, version := word, ""
	scopeOnly := false
	if scope, rest, ok := strings.Cut(strings.TrimPrefix(word, "@"), "/"); strings.HasPrefix(word, "@") && ok {
		name = "@" + scope + "/create-" + rest
	} else if strings.HasPrefix(word, "@") {
		scopeOnly = true
		scope, version, _ = strings.Cut(strings.TrimPrefix(word, "@"), "@")
		name = "@" + scope + "/create"
	} else if strings.Contains(word, "/") {
		// owner/repo: a repository on GitHub.
		return nil
	} else {
		name = "create-" + word
	}
	if !scopeOnly {
		// The version follows the last @ that is not the scope's.
		from := 0
		if strings.HasPrefix(name, "@") {
			from = strings.IndexByte(name, '/') + 1
		}
		if at := strings.IndexByte(name[from:], '@'); at >= 0 {
			name, version = name[:from+at], name[from+at+1:]
		}
	}
	spec := name
	if version != "" {
		spec += "@" + version
	}
	if p, ok := npmSpec(tool, spec, local); ok {
		p.Initializer = word
		return []Package{p}
	}
	return nil
}

// uvxRuns reads uvx ARGS: the packages that --from and --with name, and
// the command's package NAME[@VERSION] when --from does not name it.
func uvxRuns(tool string, args []string) []Package {
	specs, positional, _ := toolArgs(args, uvxOptions, uvxFlags)
	if positional == "" {
		return nil
	}
	if !hasFrom(args) {
		specs = append([]string{positional}, specs...)
	}
	var split []string
	for _, s := range specs {
		split = append(split, requirementList(s)...)
	}
	return pypiRuns(tool, split, true)
}

// requirementList splits a --with value, which may list requirements
// separated by commas. Outside the brackets of extras, a comma inside a
// requirement comes before a version specifier's operator, not a name.
func requirementList(s string) []string {
	var out []string
	start, depth := 0, 0
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		}
		if c := s[i+1]; s[i] == ',' && depth == 0 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// hasFrom reports whether the options before the command name --from.
// The value of an option is skipped, so --python 3.12 --from X reads X.
func hasFrom(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || !strings.HasPrefix(a, "-") {
			return false
		}
		name, _, hasValue := strings.Cut(a, "=")
		if name == "--from" {
			return true
		}
		if uvxOptions.value[name] && !hasValue {
			i++
		}
	}
	return false
}

// pipxRuns reads the arguments of pipx run: the package --spec names,
// else the app NAME[==VERSION].
func pipxRuns(args []string) []Package {
	specs, positional, _ := toolArgs(args, pipxOptions, pipxFlags)
	if positional == "" {
		return nil
	}
	if len(specs) == 0 {
		specs = []string{positional}
	}
	return pypiRuns("pipx run", specs, false)
}

func pypiRuns(tool string, specs []string, at bool) []Package {
	var out []Package
	for _, s := range specs {
		if p, ok := pypiSpec(tool, s, at); ok {
			out = append(out, p)
		}
	}
	return out
}

// withoutWord returns args without the first word equal to w.
func withoutWord(args []string, w string) []string {
	for i, a := range args {
		if a == w {
			return append(append([]string(nil), args[:i]...), args[i+1:]...)
		}
	}
	return args
}

// afterWord returns the words of args after the first word equal to w.
func afterWord(args []string, w string) []string {
	for i, a := range args {
		if a == w {
			return args[i+1:]
		}
	}
	return nil
}

// Attribute keys and values of the EXECUTES edge from a job to a package
// that a tool command runs.
const (
	// ViaToolRun is the edge's via.
	ViaToolRun = "tool-run"
	// PinnedVersion is the pinned attribute of an edge to the version
	// that the command pins.
	PinnedVersion = "version"
	// PinnedFloating is the pinned attribute of an edge to the package's
	// name: the registry decides the version when the job runs.
	PinnedFloating = "floating"
	// PinnedComputed is the pinned attribute of an edge to the package's
	// name when a variable or expression that the input does not show
	// gives the version: it may name any version, an exact one too.
	PinnedComputed = "computed"
	// AttrRequested is the range or tag that a floating run requests.
	AttrRequested = "requested"
	// AttrPrefersInstalled is "true" on the edge of a run that uses the
	// project's installed copy when there is one (Package.Local).
	AttrPrefersInstalled = "prefers_installed"
	// AttrAfterInstall is "true" on the edge of such a run when a step
	// before it installed the project's packages, so that the installed
	// copy may be there when it runs.
	AttrAfterInstall = "after_install"
	// AttrTool is the tool command: npx, pnpm dlx, uvx (Package.Tool).
	AttrTool = "tool"
)

// PackageNode is a Package node that a tool run writes.
type PackageNode struct {
	ID, Label string
	Attrs     map[string]string
}

// Nodes returns the Package nodes of a run of a package of eco: the
// name's, and the version's when the command pins one, with the
// attributes lockfiles give them.
func (p Package) Nodes(eco string) (name PackageNode, version *PackageNode) {
	name = PackageNode{ID: PackageID(eco, p.Name, ""), Label: p.Name,
		Attrs: map[string]string{"ecosystem": eco, graph.AttrName: p.Name}}
	if p.Version == "" {
		return name, nil
	}
	return name, &PackageNode{ID: PackageID(eco, p.Name, p.Version), Label: p.Name + "@" + p.Version,
		Attrs: map[string]string{"ecosystem": eco, graph.AttrName: p.Name, "version": p.Version}}
}

// Exec returns the confidence and the attributes of the EXECUTES edge
// from a job to the node that ID names: via, tool, pinned, requested,
// prefers_installed and a reason that quotes the command. installed
// reports whether the job installs the project's packages of the run's
// ecosystem (ProjectInstall). A run that prefers an installed command is
// then possible, since npx looks the name up among the commands of the
// installed packages (npx tsc runs typescript's tsc) before it fetches
// the package of that name.
func (p Package) Exec(installed bool) (graph.Confidence, map[string]string) {
	return p.ExecBy("the job", installed)
}

// ExecBy is Exec for a run by runner, "the job" or "the action", whom the
// reason names: the edge of a composite action's step leaves the action.
func (p Package) ExecBy(runner string, installed bool) (graph.Confidence, map[string]string) {
	a := map[string]string{graph.AttrVia: ViaToolRun, "pinned": PinnedVersion, AttrTool: p.Tool}
	cmd := p.Command()
	var reason string
	switch {
	case p.Version != "":
		reason = runner + " runs " + cmd + ", which fetches that version from the registry"
	case p.Computed:
		reason = runner + " runs " + cmd + " with a version that is set when " + runner + " runs"
	case p.Requested == "":
		reason = runner + " runs " + cmd + " without a version, so the registry's latest version runs"
	default:
		reason = runner + " runs " + cmd + ", and the registry decides when " + runner + " runs which version " +
			p.Requested + " names"
	}
	switch {
	case p.Computed:
		a["pinned"] = PinnedComputed
	case p.Version == "":
		a["pinned"] = PinnedFloating
		if p.Requested != "" {
			a[AttrRequested] = p.Requested
		}
	}
	conf := graph.Certain
	if p.Marker {
		reason += "; it is installed only where its environment marker holds, and the input does not show the job's environment"
		conf = graph.Possible
	}
	if p.Local {
		a[AttrPrefersInstalled] = "true"
		reason += "; " + p.Tool + " runs a command of that name from the project's installed packages instead when there is one"
		if installed {
			reason += ", and " + runner + " installs them"
			conf = graph.Possible
			a[AttrAfterInstall] = "true"
		}
	}
	a[graph.AttrReason] = reason
	return conf, a
}

// ProjectInstall reports whether effects install the project's packages
// of eco, which a tool install does not.
func ProjectInstall(effects []Effect, eco string) bool {
	for _, e := range effects {
		if e.Install && !e.Tool && e.Eco == eco {
			return true
		}
	}
	return false
}

// MergeRequests returns the attributes of a job's earlier run of the
// package pkg, first, changed so that they also admit the versions that a
// later run, later, may fetch: one job's runs of one name give one edge. A
// computed version admits every version, a run without a request admits
// every version, and npm ranges are joined with ||. Other requests that
// differ admit every version, since their ecosystems have no union of
// ranges. first itself is not changed.
func MergeRequests(pkg string, first, later map[string]string) map[string]string {
	if first[AttrRequested] == later[AttrRequested] && first["pinned"] == later["pinned"] {
		return first
	}
	out := maps.Clone(first)
	if later["pinned"] == PinnedComputed {
		out["pinned"] = PinnedComputed
	}
	switch a, b := first[AttrRequested], later[AttrRequested]; {
	case a == b:
	case a == "" || b == "" || !strings.HasPrefix(pkg, "pkg:npm/"):
		delete(out, AttrRequested)
	default:
		out[AttrRequested] = a + " || " + b
	}
	return out
}
