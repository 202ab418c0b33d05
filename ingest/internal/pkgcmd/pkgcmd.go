// Package pkgcmd classifies the commands a CI job runs by their effect on
// the packages of an ecosystem: whether it installs them from a registry,
// whether that install runs the packages' install scripts, and whether the
// command runs code (the project's or its dependencies') that loads them.
//
// The CI ingesters split scripts into commands their own way and hand each
// command's words here, so that GitHub Actions, GitLab CI and CircleCI
// agree on what a command does. A tool command (npx, pnpm dlx, yarn dlx,
// bunx, uvx, pipx run) also names the packages it fetches and runs
// (Effect.Runs). A command that deploys a folder to a function or service
// (aws lambda update-function-code, gcloud functions deploy, gcloud run
// deploy --source) gives an Effect whose Deploy names the target. A
// command that makes a function, service or workload run an image
// (gcloud run deploy --image, kubectl set image) gives an Effect whose
// ImageDeploy names the target and the image. A command that applies
// Kubernetes manifests or a chart (kubectl apply -f, helm upgrade) gives
// an Effect whose KubeApply names the paths, namespace and release.
//
// Known limits: a repository's .npmrc (ignore-scripts=true) and a
// package.json that lists the scripts a project defines are not read, so
// npm lifecycle scripts of the project are assumed to exist and scripts
// disabled only through .npmrc are taken as enabled. Bun, and pnpm from
// version 10, run the install scripts of allowed dependencies only; their
// installs are read as running them all.
package pkgcmd

import (
	"cmp"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// Ecosystems, named as the installs attribute of a runtime names them.
// AnyEco stands for every ecosystem in what a command may run.
const (
	NPM      = "npm"
	PyPI     = "pypi"
	Go       = "golang"
	Cargo    = "cargo"
	Gem      = "gem"
	Composer = "composer"
	NuGet    = "nuget"
	Maven    = "maven"
	AnyEco   = "*"
)

// Run is the certainty that a command runs code that loads an ecosystem's
// packages.
type Run int

const (
	// RunNone: the command runs none of the installed packages' code.
	RunNone Run = iota
	// RunMaybe: the command runs code the input does not show (a make
	// target, the project's own lifecycle scripts), which may load them.
	RunMaybe
	// RunCertain: the command runs the project's code or a dependency's
	// program (npm test, pytest, go test, cargo build).
	RunCertain
)

// Effect is the outcome of one command for one ecosystem's packages.
type Effect struct {
	Eco string
	// Dir is the directory the command names for itself (npm --prefix
	// DIR) or a wrapper moves it to (env -C DIR), or "".
	Dir string
	// Install is set when the command fetches packages from a registry.
	Install bool
	// NoScripts is set on an install that runs no install scripts of the
	// packages it installs (npm ci --ignore-scripts, composer install
	// --no-plugins, pip install --only-binary :all:).
	NoScripts bool
	// NoDev is set on an install that leaves out the packages only the
	// project's development needs (npm ci --omit=dev, composer install
	// --no-dev, uv sync --no-dev, pipenv install without --dev).
	NoDev bool
	// Yarn1NoDev is set on a yarn install whose NoDev comes from
	// NODE_ENV=production alone. Yarn 1 honours it and Yarn 2 and later
	// ignore it, so the install leaves out the development dependencies
	// of a Yarn 1 lockfile only.
	Yarn1NoDev bool
	// Tool is set on an install of a program named on the command line
	// (npx, yarn dlx, pipx), which leaves the project's locked packages as
	// they are.
	Tool bool
	// Runs are the packages a tool install fetches by name and runs
	// (npx prettier@3.1.0, uvx ruff), in the order the command names them.
	Runs []Package
	Run  Run
	// Cause is the command that runs the code ("npm test") when Run is
	// RunCertain, or a clause ("npm ci runs the project's own lifecycle
	// scripts") when Run is RunMaybe. Reasons quote it. It contains no comma.
	Cause string
	// Named are the packages the install names on its command line
	// (pip install black==23.1.0), in the order it names them.
	Named []NamedInstall
	// Deploy is set on a command that ships a folder to a function or
	// service (deployOf), whose Dir is that folder. Eco is then "".
	Deploy *Deploy
	// Zip is set on a zip command that archives the folder Dir (zipOf):
	// the archive file it writes, relative to Dir. Eco is then "".
	Zip string
	// Template and Packaged are set on a command that packages the
	// template Template of folder Dir (sam package, aws cloudformation
	// package): Template is its name or AnyTemplate, and Packaged the
	// template the command writes, relative to Dir. Eco is then "".
	Template, Packaged string
	// ImageDeploy is set on a command that makes a function, service or
	// workload run an image (imageDeployOf). Eco is then "".
	ImageDeploy *ImageDeploy
	// KubeApply is set on a command that applies Kubernetes manifests or
	// a chart (kubeApplyOf). Eco is then "".
	KubeApply *KubeApply
	// Login is set on a command that exchanges an OIDC token for a cloud
	// identity's credentials (loginOf). Eco is then "".
	Login *CloudLogin
}

// Env is the environment a command runs with, as far as the input shows.
type Env map[string]string

// get returns a variable, matching its name without regard to case as
// npm and pip read their configuration variables.
func (e Env) get(name string) string {
	if v, ok := e[name]; ok {
		return v
	}
	for k, v := range e {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// scriptsOff reports whether the variables turn install scripts off for
// installs of eco.
func (e Env) scriptsOff(eco string) bool {
	switch eco {
	case NPM:
		if truthy(e.get("npm_config_ignore_scripts")) {
			return true
		}
		v := strings.ToLower(e.get("YARN_ENABLE_SCRIPTS"))
		return v == "false" || v == "0"
	case PyPI:
		return strings.Contains(e.get("PIP_ONLY_BINARY"), ":all:")
	}
	return false
}

func truthy(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v == "true" || v == "1" || v == "yes"
}

// Classify reads one simple command, given as its words with the program
// first, run with env. ok is false for a command that does nothing with
// any ecosystem's packages.
func Classify(argv []string, env Env) (eff Effect, ok bool) {
	if len(argv) == 0 {
		return Effect{}, false
	}
	prog := strings.ReplaceAll(argv[0], `\`, "/")
	name := strings.TrimSuffix(path.Base(prog), ".exe")
	name = strings.TrimSuffix(name, ".cmd")
	args := expandVars(argv[1:], env)
	var e Effect
	switch {
	case name == "npm":
		e = npmCommand(args, env)
	case name == "yarn":
		e = yarnCommand(args, env)
	case name == "pnpm":
		e = pnpmCommand(args, env)
	case name == "bun":
		e = bunCommand(args, env)
	case name == "npx" || name == "pnpx" || name == "bunx":
		e = Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: name}
		switch name {
		case "npx":
			e.Runs = npxRuns(name, args, true)
		case "pnpx":
			e.Runs = dlxRuns(name, args, pnpmOptions, false)
		default:
			e.Runs = dlxRuns(name, args, bunxOptions, true)
		}
	case name == "node" || nodeTools[name]:
		if !versionOnly(args) {
			e = Effect{Eco: NPM, Run: RunCertain, Cause: name}
		}
	case isPip(name):
		e = pipCommand(args, env)
	case isPython(name):
		e = pythonCommand(name, args, env)
	case name == "poetry" || name == "pipenv" || name == "uv" || name == "pdm" || name == "hatch" || name == "rye":
		e = pyManagerCommand(name, args, env)
	case name == "pipx" || name == "uvx":
		if sub, _ := firstArg(args); name == "uvx" || sub == "install" || sub == "run" {
			e = Effect{Eco: PyPI, Install: true, Tool: true}
			switch {
			case name == "uvx":
				e.Runs = uvxRuns(name, args)
			case sub == "run":
				e.Runs = pipxRuns(afterWord(args, "run"))
			}
		}
	case goTools[name]:
		e = Effect{Eco: Go, Run: RunCertain, Cause: name}
	case pythonTools[name]:
		e = Effect{Eco: PyPI, Run: RunCertain, Cause: name}
	case name == "go":
		e = goCommand(args)
	case name == "cargo":
		e = cargoCommand(args)
	case name == "bundle" || name == "gem":
		e = rubyCommand(name, args)
	case rubyTools[name]:
		e = Effect{Eco: Gem, Run: RunCertain, Cause: name}
	case name == "composer":
		e = composerCommand(args, env)
	case name == "dotnet" || strings.EqualFold(name, "msbuild") || strings.EqualFold(name, "nuget"):
		e = dotnetCommand(strings.ToLower(name), args)
	case name == "php" || phpTools[name]:
		if !versionOnly(args) {
			e = Effect{Eco: Composer, Run: RunCertain, Cause: phpWhat(name, args)}
		}
	case JavaTool(name) != "":
		e = javaCommand(name, args)
	default:
		e = opaqueCommand(prog, name, args)
	}
	return e, e.Eco != ""
}

// varRef matches a reference to a shell variable: $NAME or ${NAME}.
var varRef = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// plainValue matches a variable's value that expandVars puts into a word:
// a name, version or range, without a path, space, quote or expansion of
// its own.
var plainValue = regexp.MustCompile(`^[0-9A-Za-z._~^<>=*|,+-]{1,64}$`)

// imageValue matches a variable's value that expandImageVars puts into a
// word: a container image's registry, path, tag or digest, or a part of
// one, which plainValue leaves out for its slashes and colons. A URL
// (scheme://...) is no image reference.
var imageValue = regexp.MustCompile(`^[0-9A-Za-z._~^<>=*|,+@:/-]{1,255}$`)

// expandVars returns args with the variables of each word replaced by
// their values in env, as the shell expands them, when every variable of
// the word has a plain value there. A value that is named or shaped like
// a credential is never put into a word, since words reach reasons.
func expandVars(args []string, env Env) []string {
	return expandVarsOf(args, env, func(v string) bool { return plainValue.MatchString(v) }, false)
}

// expandImageVars is expandVars for the words of a command that names an
// image, whose variables commonly hold a registry and path
// (IMAGE=europe-west1-docker.pkg.dev/p/r/api). It substitutes the values
// env gives and leaves the other variables in place, so $IMAGE:$SHA becomes
// europe-west1-docker.pkg.dev/p/r/api:$SHA, whose tag the job sets.
func expandImageVars(args []string, env Env) []string {
	return expandVarsOf(args, env, func(v string) bool { return imageValue.MatchString(v) && !strings.Contains(v, "://") }, true)
}

// expandVarsOf is expandVars with the test of the values it puts in. With
// partial, a word whose variables are not all known gets the known ones.
func expandVarsOf(args []string, env Env, plain func(string) bool, partial bool) []string {
	var out []string
	for i, a := range args {
		if !strings.Contains(a, "$") {
			continue
		}
		whole := true
		x := varRef.ReplaceAllStringFunc(a, func(ref string) string {
			m := varRef.FindStringSubmatch(ref)
			name := m[1] + m[2]
			v, ok := env[name]
			if !ok || !plain(v) || literal.LooksLikeCredential(name, v) || literal.HasCredentialShape(v) {
				whole = false
				return ref
			}
			return v
		})
		if !whole && !partial || x == a {
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = x
	}
	if out == nil {
		return args
	}
	return out
}

// wrappers are the programs that run the command after their options and
// arguments, with the options that take the next word as their value and
// the number of arguments before the command: timeout DURATION CMD.
var wrappers = map[string]struct {
	values map[string]bool
	args   int
}{
	"timeout": {set("-s", "--signal", "-k", "--kill-after"), 1},
	"nice":    {set("-n", "--adjustment"), 0},
	"ionice":  {set("-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid", "-u", "--uid"), 0},
	"nohup":   {nil, 0},
	"stdbuf":  {set("-i", "-o", "-e", "--input", "--output", "--error"), 0},
	"xargs": {set("-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args",
		"-P", "--max-procs", "-s", "--max-chars", "--process-slot-var"), 0},
	"corepack": {nil, 0},
	"time":     {set("-f", "--format", "-o", "--output"), 0},
	"env":      {set("-u", "--unset", "-C", "--chdir", "-S", "--split-string"), 0},
	"sudo": {set("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user", "--group", "--chdir",
		"--prompt"), 0},
}

// WrapperOptionValue reports whether an option of a wrapper (sudo -u USER,
// env -C DIR, time -o FILE) takes the next word as its value.
func WrapperOptionValue(prog, option string) bool {
	return wrappers[prog].values[option]
}

// shells are the shells whose -c option takes the script to run.
var shells = set("sh", "bash", "zsh", "dash", "ksh", "ash", "mksh")

// MaxShellDepth bounds the scripts within scripts (bash -c '...') that a
// reader follows.
const MaxShellDepth = 8

// ShellScript returns the script that a shell command runs with -c (bash
// -c 'npm ci && npx x', sh -ec "..."): the first word that is no option
// after an option cluster that holds c. ok is false for any other command.
func ShellScript(argv []string) (script string, ok bool) {
	argv = unwrap(argv)
	if len(argv) < 2 || !shells[path.Base(argv[0])] {
		return "", false
	}
	hasC := false
	for i := 1; i < len(argv); i++ {
		w := argv[i]
		switch {
		case w == "-o" || w == "+o" || w == "-O" || w == "+O" || w == "--rcfile" || w == "--init-file":
			i++
		case w == "--":
		case strings.HasPrefix(w, "--"):
		case len(w) > 1 && (w[0] == '-' || w[0] == '+'):
			hasC = hasC || strings.ContainsRune(w[1:], 'c')
			if strings.ContainsAny(w[1:], "oO") {
				// -eo pipefail: o takes the next word.
				i++
			}
		case hasC:
			return w, true
		default:
			return "", false
		}
	}
	return "", false
}

// envAssignment matches the NAME=VALUE words that env and sudo read before the
// command.
var envAssignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// unwrap returns the command that a wrapper such as timeout, nice, nohup,
// xargs or corepack runs, with its arguments: timeout 60 npx x runs npx x.
// A wrapper without a command gives nothing.
func unwrap(argv []string) []string {
	return unwrapEnv(argv, nil).argv
}

// withoutAssignments returns argv without the NAME=VALUE words in front.
func withoutAssignments(argv []string) []string {
	for len(argv) > 0 && envAssignment.MatchString(argv[0]) {
		argv = argv[1:]
	}
	return argv
}

// WrapperDir returns the directory that the wrappers at the start of a
// command move it to (env -C DIR, sudo -D DIR), or "" when they move it
// nowhere. Variable assignments before the first wrapper are skipped.
func WrapperDir(argv []string) string {
	return unwrapEnv(withoutAssignments(argv), nil).dir
}

// SkipWrapper returns the words after the options and arguments of the
// wrapper that argv starts with (sudo, env, timeout, nice, nohup, time,
// xargs ...): timeout 60 npm publish gives npm publish. Grouped short
// options are read as getopt reads them (env -iC web). The NAME=VALUE words
// of env and sudo are left for the caller. ok is false when argv does not
// start with a wrapper.
func SkipWrapper(argv []string) (rest []string, ok bool) {
	if len(argv) == 0 {
		return nil, false
	}
	prog := path.Base(argv[0])
	w, ok := wrappers[prog]
	if !ok {
		return argv, false
	}
	i := min(wrapperOptions(prog, argv, nil)+w.args, len(argv))
	return argv[i:], true
}

// WrapperEnv returns the environment that the command after the wrappers
// at the start of argv runs with, when env is that of argv: env -i empties
// it, env -u NAME removes NAME, and NAME=VALUE after env or sudo sets
// NAME. The map env is not modified.
func WrapperEnv(argv []string, env Env) Env {
	return unwrapEnv(withoutAssignments(argv), env).env
}

// WrapperUnsets returns the variables that env -u NAME in the wrappers at
// the start of argv removes from the command's environment, and cleared
// when env -i empties it.
func WrapperUnsets(argv []string) (names []string, cleared bool) {
	u := unwrapEnv(withoutAssignments(argv), nil)
	return u.unset, u.cleared
}

// wrapperOptions calls fn, when set, with each option of the wrapper prog
// that argv starts with, and returns the index of the first word after
// the options. Clusters of short options are split as getopt splits them,
// and an option that takes a value and has none attached takes the next
// word.
func wrapperOptions(prog string, argv []string, fn func(name, value string, hasValue bool)) int {
	w := wrappers[prog]
	i := 1
	// env reads a lone - as -i, an option before the command.
	for i < len(argv) && strings.HasPrefix(argv[i], "-") && (argv[i] != "-" || prog == "env") {
		if argv[i] == "--" {
			return i + 1
		}
		opts := []string{argv[i]}
		if !strings.HasPrefix(argv[i], "--") && len(argv[i]) > 2 {
			opts = shortOptions(w.values, argv[i])
		}
		for k, o := range opts {
			name, value, hasValue := strings.Cut(o, "=")
			if !hasValue && w.values[name] && k == len(opts)-1 && i+1 < len(argv) {
				i++
				value, hasValue = argv[i], true
			}
			if fn != nil {
				fn(name, value, hasValue)
			}
		}
		i++
	}
	return i
}

// shortOptions splits a cluster of short options as getopt reads it:
// env -iC web is env -i -C web, and the first option of the cluster that
// takes a value takes the rest of the word (-vCweb is -v -Cweb).
func shortOptions(values map[string]bool, word string) []string {
	var out []string
	for i := 1; i < len(word); i++ {
		opt := "-" + word[i:i+1]
		if values[opt] {
			return append(out, opt+word[i+1:])
		}
		out = append(out, opt)
	}
	return out
}

// unwrapped is the command that the wrappers at the start of argv run,
// with the environment and folder they give it.
type unwrapped struct {
	// argv is the command the wrappers run, with its arguments.
	argv []string
	// env is the environment it runs with.
	env Env
	// dir is the directory that env -C DIR or sudo -D DIR moves it to,
	// or "".
	dir string
	// unset lists the variables env -u removes, and cleared is set when
	// env -i empties the environment.
	unset   []string
	cleared bool
}

// unwrapEnv returns the command as unwrap does, and the environment it
// runs with when env is the environment of the wrappers. env -i empties
// it, env -u NAME removes a variable, and NAME=VALUE after env or sudo
// sets one. The map env is not modified.
func unwrapEnv(argv []string, env Env) unwrapped {
	u := unwrapped{env: env}
	changed := false
	change := func() {
		if !changed {
			u.env = maps.Clone(u.env)
			if u.env == nil {
				u.env = Env{}
			}
			changed = true
		}
	}
	for range 8 {
		if len(argv) == 0 {
			break
		}
		prog := path.Base(argv[0])
		w, ok := wrappers[prog]
		if !ok {
			break
		}
		chdir := "-C"
		if prog == "sudo" {
			chdir = "-D"
		}
		i := wrapperOptions(prog, argv, func(name, value string, hasValue bool) {
			if prog == "env" || prog == "sudo" {
				switch {
				case (name == chdir || name == "--chdir") && hasValue:
					u.dir = inDir(u.dir, value)
				case strings.HasPrefix(name, chdir) && len(name) > 2:
					u.dir = inDir(u.dir, name[2:])
				}
			}
			if prog != "env" {
				return
			}
			switch {
			case name == "-i" || name == "-" || name == "--ignore-environment":
				change()
				clear(u.env)
				u.cleared = true
			case (name == "-u" || name == "--unset") && hasValue:
				change()
				delete(u.env, value)
				u.unset = append(u.unset, value)
			case strings.HasPrefix(name, "-u") && !strings.HasPrefix(name, "--"):
				change()
				delete(u.env, name[2:])
				u.unset = append(u.unset, name[2:])
			}
		})
		replace := ""
		if prog == "xargs" {
			replace = xargsReplace(argv[1:min(i, len(argv))])
		}
		i += w.args
		if prog == "env" || prog == "sudo" {
			// env NAME=VALUE CMD and sudo NAME=VALUE CMD set variables for
			// the command.
			for i < len(argv) && envAssignment.MatchString(argv[i]) {
				change()
				k, v, _ := strings.Cut(argv[i], "=")
				u.env[k] = v
				i++
			}
		}
		if i >= len(argv) {
			argv = nil
			break
		}
		argv = argv[i:]
		if replace != "" {
			// xargs -I R runs the command with each input line in place of
			// R, and the input does not show those lines.
			argv = slices.Clone(argv)
			for k := 1; k < len(argv); k++ {
				argv[k] = strings.ReplaceAll(argv[k], replace, "$XARGS_ITEM")
			}
		}
		if name, _, versioned := strings.Cut(argv[0], "@"); prog == "corepack" && versioned && corepackManagers[name] {
			// corepack pnpm@8.15.0 ARGS runs that version of pnpm.
			argv = append([]string{name}, argv[1:]...)
		}
	}
	u.argv = argv
	return u
}

// inDir returns the directory rel, relative to dir unless it is absolute
// or starts with a variable or ~. An empty rel or dir leaves the other.
func inDir(dir, rel string) string {
	switch {
	case rel == "":
		return dir
	case dir == "" || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "$") || strings.HasPrefix(rel, "~"):
		return rel
	}
	return path.Join(dir, rel)
}

// xargsReplace returns the replace-str that the options of xargs set
// (-I R, -IR, -i and --replace, whose default is {}), or "".
func xargsReplace(opts []string) string {
	replace := ""
	for k, o := range opts {
		switch {
		case o == "-I" && k+1 < len(opts):
			replace = opts[k+1]
		case strings.HasPrefix(o, "-I") && o != "-I":
			replace = o[len("-I"):]
		case strings.HasPrefix(o, "-i"):
			replace = cmp.Or(o[len("-i"):], "{}")
		case o == "--replace" || strings.HasPrefix(o, "--replace="):
			replace = cmp.Or(strings.TrimPrefix(strings.TrimPrefix(o, "--replace"), "="), "{}")
		}
	}
	return replace
}

// corepackManagers are the programs that corepack runs in a version that
// the command names after @ (corepack yarn@4.1.0 install).
var corepackManagers = set("npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg")

// Effects returns every effect of one simple command, given as its words
// with the program first, run with env: the one Classify finds, and for
// a program that runs an application the input does not show (the AWS
// CDK CLI synthesising an app, the Serverless Framework loading a
// service's plugins), the effect of that application, and for a
// command that deploys a folder to a function or service, the deploy,
// for one that makes a runtime run an image, the image deploys, and for
// one that applies Kubernetes manifests or a chart, the apply.
func Effects(argv []string, env Env) []Effect {
	u := unwrapEnv(argv, env)
	argv, env, dir := u.argv, u.env, u.dir
	var out []Effect
	if e, ok := Classify(argv, env); ok {
		out = append(out, e)
	}
	if e, ok := appRunner(argv); ok {
		out = append(out, e)
	}
	out = append(out, serverlessOf(argv)...)
	out = append(out, samOf(argv)...)
	if e, ok := deployOf(argv, env); ok {
		out = append(out, e)
	}
	if e, ok := stackDeployOf(argv, env); ok {
		out = append(out, e)
	}
	if e, ok := stackPackageOf(argv, env); ok {
		out = append(out, e)
	}
	if e, ok := zipOf(argv); ok {
		out = append(out, e)
	}
	out = append(out, imageDeployOf(argv, env)...)
	out = append(out, kubeApplyOf(argv, env)...)
	if e, ok := loginOf(argv, env); ok {
		out = append(out, e)
	}
	keepCredentialEnv(out, env)
	out = withNamed(out, argv, env)
	for k := range out {
		out[k].Dir = inDir(dir, out[k].Dir)
	}
	return out
}

// cdkApps are the cdk subcommands that synthesise the app, which runs the
// command cdk.json names unless --app names an assembly folder.
var cdkApps = set("synth", "synthesize", "deploy", "diff", "watch", "destroy", "ls", "list")

// appRunner finds a cdk command, run directly or through npx, npm exec,
// pnpm exec, pnpm dlx, yarn or yarn dlx, that runs the project's app.
func appRunner(argv []string) (Effect, bool) {
	args := argv
	for len(args) > 0 {
		name := strings.TrimSuffix(path.Base(strings.ReplaceAll(args[0], `\`, "/")), ".cmd")
		if name == "cdk" || name == "aws-cdk" {
			break
		}
		if name != "npx" && name != "npm" && name != "pnpm" && name != "yarn" && name != "exec" &&
			name != "dlx" && name != "x" && name != "--" && !strings.HasPrefix(name, "-") {
			return Effect{}, false
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return Effect{}, false
	}
	sub, _ := firstArg(args[1:])
	if !cdkApps[sub] {
		return Effect{}, false
	}
	for i, a := range args {
		app := ""
		if (a == "--app" || a == "-a") && i+1 < len(args) {
			app = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--app="); ok {
			app = v
		}
		if app != "" && !strings.Contains(app, " ") {
			// An assembly folder (cdk.out) runs no code.
			return Effect{}, false
		}
	}
	return Effect{Eco: AnyEco, Run: RunMaybe, Cause: "cdk " + sub + " runs the app that cdk.json names"}, true
}

// versionOnly reports whether a command only prints its version.
func versionOnly(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		switch a {
		case "-v", "-V", "--version", "version", "-version":
		default:
			return false
		}
	}
	return true
}

// nodeTools are programs that npm packages provide and that run the
// project's code or are themselves dependency code.
var nodeTools = set("ts-node", "tsx", "jest", "vitest", "mocha", "ava", "karma", "nyc", "c8", "tsc",
	"webpack", "webpack-cli", "next", "vite", "nuxt", "nuxi", "ng", "rollup", "esbuild", "parcel",
	"gulp", "grunt", "eslint", "prettier", "lerna", "nx", "turbo", "playwright", "cypress",
	"react-scripts", "vue-cli-service", "astro", "remix", "storybook", "svelte-kit", "changeset",
	"semantic-release", "electron-builder")

var pythonTools = set("pytest", "py.test", "tox", "nox", "coverage", "behave", "sphinx-build",
	"mkdocs", "uvicorn", "gunicorn", "django-admin", "flask", "celery", "ipython", "jupyter")

// goTools are test runners that run go test.
var goTools = set("gotestsum", "ginkgo", "richgo", "gotest")

var rubyTools = set("rake", "rspec", "rails", "ruby", "rubocop", "cucumber", "jekyll")

var phpTools = set("phpunit", "pest", "paratest", "phpstan", "psalm", "codecept", "behat", "artisan")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// lifecycle is the clause for an install that runs the project's own
// lifecycle scripts.
func lifecycle(cmd string) string {
	return cmd + " runs the project's own lifecycle scripts"
}

// npmNoDev reports whether an npm install leaves out devDependencies:
// --omit=dev, the older --production and --only=prod, or the same set by
// configuration variables or NODE_ENV=production, unless an option or
// variable brings them back (npmIncludesDev).
func npmNoDev(args []string, env Env) bool {
	if npmIncludesDev(args, env) {
		return false
	}
	return hasFlag(args, "--omit=dev") || hasSeq(args, "--omit", "dev") || prodFlag(args, "--production") ||
		hasFlag(args, "--only=prod") || hasFlag(args, "--only=production") ||
		env.get("npm_config_omit") == "dev" || truthy(env.get("npm_config_production")) ||
		env.get("NODE_ENV") == "production"
}

// npmIncludesDev reports whether an npm command's options or
// configuration variables ask for the devDependencies, which wins over
// any omission: --include=dev, and the older --production=false,
// --also=dev and --dev.
func npmIncludesDev(args []string, env Env) bool {
	for _, a := range args {
		switch {
		case a == "--include=dev", a == "--production=false", a == "--dev", a == "--dev=true",
			strings.HasPrefix(a, "--also=dev"):
			return true
		}
	}
	if hasSeq(args, "--include", "dev") || hasSeq(args, "--production", "false") || hasSeq(args, "--also", "dev") {
		return true
	}
	prod := strings.ToLower(strings.TrimSpace(env.get("npm_config_production")))
	return slices.Contains(strings.FieldsFunc(env.get("npm_config_include"), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t'
	}), "dev") || prod == "false" ||
		strings.HasPrefix(env.get("npm_config_also"), "dev") || truthy(env.get("npm_config_dev"))
}

// yarnProdOff reports whether Yarn 1's options set production mode off
// (--production=false, --prod=false).
func yarnProdOff(args []string) bool {
	for _, a := range args {
		for _, f := range []string{"--production=", "--prod="} {
			if v, ok := strings.CutPrefix(a, f); ok && !truthy(v) {
				return true
			}
		}
	}
	return hasSeq(args, "--production", "false") || hasSeq(args, "--prod", "false")
}

// prodFlag reports whether args hold one of the flags, bare or set to
// true (--production=true).
func prodFlag(args []string, flags ...string) bool {
	for _, f := range flags {
		if hasFlag(args, f) || hasFlag(args, f+"=true") {
			return true
		}
	}
	return false
}

// pyNoDev reports whether a Python project manager's install leaves out
// the development dependencies. pipenv installs the dev packages only
// with --dev (or PIPENV_DEV). poetry install --only main installs the main
// group only, and uv sync --no-dev leaves out the dev group.
func pyNoDev(name, sub string, args []string, env Env) bool {
	switch name {
	case "pipenv":
		return (sub == "install" || sub == "sync") && !hasFlag(args, "--dev") && !hasFlag(args, "-d") &&
			!truthy(env.get("PIPENV_DEV"))
	case "poetry":
		return sub == "install" && (hasFlag(args, "--only=main") || hasSeq(args, "--only", "main"))
	case "uv":
		return sub == "sync" && uvNoDev(args)
	}
	return false
}

// uvNoDev reports whether uv sync or uv run leaves out the dev group and
// adds no other: --no-dev, or --no-default-groups, without --group,
// --all-groups or --only-group.
func uvNoDev(args []string) bool {
	if !hasFlag(args, "--no-dev") && !hasFlag(args, "--no-default-groups") {
		return false
	}
	for _, a := range args {
		if a == "--group" || strings.HasPrefix(a, "--group=") || a == "--all-groups" ||
			a == "--only-group" || strings.HasPrefix(a, "--only-group=") || a == "--dev" || a == "--only-dev" {
			return false
		}
	}
	return true
}

func npmCommand(args []string, env Env) Effect {
	sub, dir := firstArg(args)
	off := hasFlag(args, "--ignore-scripts") || env.scriptsOff(NPM)
	e := Effect{Eco: NPM, Dir: dir}
	switch sub {
	case "ci", "clean-install", "install", "i", "add", "isntall", "update", "up", "upgrade", "rebuild", "rb":
		e.Install, e.NoScripts, e.NoDev = true, off, npmNoDev(args, env)
		if !off {
			e.Run, e.Cause = RunMaybe, lifecycle("npm "+sub)
		}
	case "install-test", "it", "install-ci-test", "cit":
		e.Install, e.NoScripts = true, off
		e.Run, e.Cause = RunCertain, "npm "+sub
	case "exec", "x":
		e.Install, e.Tool, e.Run, e.Cause = true, true, RunCertain, "npm exec"
		e.Runs = npxRuns("npm exec", withoutWord(args, sub), false)
	case "init", "create", "innit":
		// npm runs an initializer as npm exec runs a package, and an
		// installed copy when there is one.
		e.Runs = initRuns("npm "+sub, withoutWord(args, sub), true)
		if len(e.Runs) == 0 {
			return Effect{}
		}
		e.Install, e.Tool, e.Run, e.Cause = true, true, RunCertain, "npm "+sub
	case "test", "t", "tst", "start", "stop", "restart", "explore":
		e.Run, e.Cause = RunCertain, "npm "+sub
	case "run", "run-script", "rum", "urn":
		e.Run, e.Cause = RunCertain, "npm run"
	case "publish", "pack", "version":
		if off {
			return Effect{}
		}
		e.Run, e.Cause = RunMaybe, lifecycle("npm "+sub)
	default:
		return Effect{}
	}
	return e
}

// yarnBuiltins are yarn commands (classic and berry) that neither install
// nor run the project's code.
var yarnBuiltins = set("audit", "autoclean", "bin", "cache", "check", "config", "explain", "generate-lock-entry",
	"global", "help", "info", "init", "licenses", "link", "list", "login", "logout", "outdated", "owner",
	"patch", "patch-commit", "plugin", "policies", "set", "stage", "tag", "team", "unlink", "versions",
	"why", "constraints", "search", "-v", "--version", "--help", "-h")

func yarnCommand(args []string, env Env) Effect {
	sub, dir := firstArg(args)
	off := hasFlag(args, "--ignore-scripts") || hasFlag(args, "--mode=skip-build") ||
		hasSeq(args, "--mode", "skip-build") || env.scriptsOff(NPM)
	e := Effect{Eco: NPM, Dir: dir}
	switch {
	case sub == "" && len(args) > 0 && versionOnly(args):
		return Effect{}
	case sub == "" || sub == "install" || sub == "add" || sub == "up" || sub == "upgrade" ||
		sub == "remove" || sub == "import" || sub == "rebuild" || sub == "dedupe" || sub == "unplug":
		e.Install, e.NoScripts = true, off
		// Yarn 1 leaves out devDependencies with --production or when
		// NODE_ENV is production. --production=false installs them
		// whatever the value of NODE_ENV.
		// Yarn 2 and later reject --production and ignore NODE_ENV.
		e.NoDev = (sub == "" || sub == "install") && (prodFlag(args, "--production", "--prod") ||
			env.get("NODE_ENV") == "production" && !yarnProdOff(args))
		e.Yarn1NoDev = e.NoDev && !prodFlag(args, "--production", "--prod")
		if !off {
			e.Run, e.Cause = RunMaybe, lifecycle("yarn "+orInstall(sub))
		}
	case sub == "dlx" || sub == "create":
		e.Install, e.Tool, e.Run, e.Cause = true, true, RunCertain, "yarn "+sub
		if sub == "dlx" {
			e.Runs = dlxRuns("yarn dlx", withoutWord(args, sub), yarnDlxOptions, false)
		} else {
			e.Runs = initRuns("yarn create", withoutWord(args, sub), false)
		}
	case sub == "workspaces" || sub == "workspace":
		switch {
		case hasFlag(args, "focus"):
			e.Install, e.NoScripts, e.NoDev = true, off, hasFlag(args, "--production")
			if !off {
				e.Run, e.Cause = RunMaybe, lifecycle("yarn workspaces focus")
			}
		case hasFlag(args, "info") || hasFlag(args, "list"):
			return Effect{}
		default:
			e.Run, e.Cause = RunCertain, "yarn "+sub
		}
	case sub == "publish" || sub == "pack" || sub == "npm" || sub == "version":
		if off {
			return Effect{}
		}
		e.Run, e.Cause = RunMaybe, lifecycle("yarn "+sub)
	case yarnBuiltins[sub]:
		return Effect{}
	case sub == "run" || sub == "exec" || sub == "node":
		e.Run, e.Cause = RunCertain, "yarn "+sub
	default:
		// yarn NAME runs the project's script NAME.
		e.Run, e.Cause = RunCertain, "yarn "+scriptName(sub)
	}
	return e
}

// safeName matches a script or module name short and plain enough to
// quote in a reason. Anything else might be a pasted value, even a secret.
var safeName = regexp.MustCompile(`^[a-z][a-z0-9:._-]{0,31}$`)

// scriptName returns a script or module name as reasons quote it: itself
// when it looks like a name, else a placeholder.
func scriptName(s string) string {
	digits := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if !safeName.MatchString(s) || digits > 4 {
		return "SCRIPT"
	}
	return s
}

func orInstall(sub string) string {
	if sub == "" {
		return "install"
	}
	return sub
}

var pnpmBuiltins = set("audit", "list", "ls", "ll", "la", "outdated", "why", "licenses", "store", "server",
	"root", "bin", "setup", "init", "config", "c", "get", "set", "env", "doctor", "self-update", "link",
	"ln", "unlink", "patch", "patch-commit", "prune", "help", "-v", "--version", "--help", "-h")

func pnpmCommand(args []string, env Env) Effect {
	sub, dir := firstArg(args)
	off := hasFlag(args, "--ignore-scripts") || env.scriptsOff(NPM)
	e := Effect{Eco: NPM, Dir: dir}
	switch {
	case sub == "i" || sub == "install" || sub == "add" || sub == "update" || sub == "up" || sub == "upgrade" ||
		sub == "remove" || sub == "rm" || sub == "import" || sub == "fetch" || sub == "rebuild" || sub == "rb" ||
		sub == "deploy":
		e.Install, e.NoScripts = true, off
		e.NoDev = (sub == "i" || sub == "install" || sub == "deploy") &&
			(prodFlag(args, "--prod", "-P", "--production") || env.get("NODE_ENV") == "production") && !hasFlag(args, "--dev") && !hasFlag(args, "-D")
		if !off {
			e.Run, e.Cause = RunMaybe, lifecycle("pnpm "+sub)
		}
	case sub == "install-test" || sub == "it":
		e.Install, e.NoScripts = true, off
		e.Run, e.Cause = RunCertain, "pnpm "+sub
	case sub == "dlx" || sub == "x" || sub == "create":
		e.Install, e.Tool, e.Run, e.Cause = true, true, RunCertain, "pnpm "+sub
		switch sub {
		case "dlx":
			e.Runs = dlxRuns("pnpm dlx", withoutWord(args, sub), pnpmOptions, false)
		case "create":
			e.Runs = initRuns("pnpm create", withoutWord(args, sub), false)
		}
	case sub == "publish" || sub == "pack":
		if off {
			return Effect{}
		}
		e.Run, e.Cause = RunMaybe, lifecycle("pnpm "+sub)
	case sub == "" || pnpmBuiltins[sub]:
		return Effect{}
	case sub == "run" || sub == "run-script" || sub == "test" || sub == "t" || sub == "start" || sub == "exec":
		e.Run, e.Cause = RunCertain, "pnpm "+sub
	default:
		// pnpm NAME runs the project's script NAME.
		e.Run, e.Cause = RunCertain, "pnpm "+scriptName(sub)
	}
	return e
}

func bunCommand(args []string, env Env) Effect {
	sub, dir := firstArg(args)
	off := hasFlag(args, "--ignore-scripts") || env.scriptsOff(NPM)
	e := Effect{Eco: NPM, Dir: dir}
	switch sub {
	case "i", "install", "add", "a", "update", "remove", "rm":
		e.Install, e.NoScripts = true, off
		e.NoDev = (sub == "i" || sub == "install") && prodFlag(args, "--production", "-p")
		if !off {
			e.Run, e.Cause = RunMaybe, lifecycle("bun "+sub)
		}
	case "x":
		e.Install, e.Tool, e.Run, e.Cause = true, true, RunCertain, "bun x"
		e.Runs = dlxRuns("bun x", withoutWord(args, sub), bunxOptions, true)
	case "publish", "pack":
		if off {
			return Effect{}
		}
		e.Run, e.Cause = RunMaybe, lifecycle("bun "+sub)
	case "", "upgrade", "pm", "link", "unlink", "outdated", "init", "help", "-v", "--version", "--revision":
		return Effect{}
	default:
		// bun run, bun test, bun FILE and bun NAME run the project's code.
		e.Run, e.Cause = RunCertain, "bun "+scriptName(sub)
	}
	return e
}

func isPip(name string) bool {
	return name == "pip" || strings.HasPrefix(name, "pip3") || strings.HasPrefix(name, "pip2")
}

func isPython(name string) bool {
	return name == "py" || name == "python" || strings.HasPrefix(name, "python3") || strings.HasPrefix(name, "python2")
}

// pipCommand reads pip's arguments. pip builds a source distribution by
// running its setup code, and installing the project itself (pip install
// . or -e DIR) runs the project's build.
func pipCommand(args []string, env Env) Effect {
	sub, _ := firstArg(args)
	if sub != "install" {
		return Effect{}
	}
	e := Effect{Eco: PyPI, Install: true}
	e.NoScripts = onlyBinary(args) || env.scriptsOff(PyPI)
	if installsProject(args) {
		e.Run, e.Cause = RunCertain, "pip install of the project"
	}
	return e
}

// onlyBinary reports whether pip installs wheels only, which run no code.
func onlyBinary(args []string) bool {
	for i, a := range args {
		if a == "--only-binary" && i+1 < len(args) && strings.Contains(args[i+1], ":all:") {
			return true
		}
		if strings.HasPrefix(a, "--only-binary=") && strings.Contains(a, ":all:") {
			return true
		}
	}
	return false
}

// installsProject reports whether pip install names a folder of the
// checkout (., ./sub, -e .) rather than packages and requirement files.
func installsProject(args []string) bool {
	for i, a := range args {
		if a == "-e" || a == "--editable" {
			return true
		}
		if i > 0 && (args[i-1] == "-r" || args[i-1] == "--requirement" || args[i-1] == "-c" ||
			args[i-1] == "--constraint" || args[i-1] == "-t" || args[i-1] == "--target") {
			continue
		}
		if a == "." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, ".[") || strings.HasPrefix(a, "-e.") {
			return true
		}
	}
	return false
}

// pythonCommand reads python ARGS: -m pip installs, -m venv and a version
// query do nothing, anything else runs the project's code.
func pythonCommand(name string, args []string, env Env) Effect {
	for i, a := range args {
		if a != "-m" || i+1 >= len(args) {
			continue
		}
		switch args[i+1] {
		case "pip":
			return pipCommand(args[i+2:], env)
		case "venv", "virtualenv", "ensurepip", "site", "http.server", "json.tool":
			return Effect{}
		}
		return Effect{Eco: PyPI, Run: RunCertain, Cause: scriptName(name) + " -m " + scriptName(args[i+1])}
	}
	if versionOnly(args) {
		return Effect{}
	}
	return Effect{Eco: PyPI, Run: RunCertain, Cause: scriptName(name)}
}

// pyManagerCommand reads poetry, pipenv, uv, pdm, hatch and rye.
func pyManagerCommand(name string, args []string, env Env) Effect {
	sub, _ := firstArg(args)
	e := Effect{Eco: PyPI}
	switch {
	case sub == "install" || sub == "sync" || sub == "add":
		e.Install = true
		e.NoDev = pyNoDev(name, sub, args, env)
	case name == "uv" && hasSeq(args, "pip", "install"):
		e.Install = true
	case name == "uv" && sub == "tool" && hasSeq(args, "tool", "run"):
		e.Install, e.Tool = true, true
		e.Runs = uvxRuns("uv tool run", afterWord(args, "run"))
	case sub == "run" || (name == "hatch" && sub == "test"):
		// uv run, rye run and pdm run bring the environment in line with
		// the lockfile before they run.
		e.Install = name == "uv" || name == "rye" || name == "pdm"
		e.NoDev = name == "uv" && uvNoDev(args)
		e.Run, e.Cause = RunCertain, name+" "+sub
	default:
		return Effect{}
	}
	return e
}

// goCommand reads go ARGS. Go runs no module code while it fetches or
// compiles modules: only tests, go run and go generate run it.
func goCommand(args []string) Effect {
	sub, _ := firstArg(args)
	switch sub {
	case "build", "install", "get":
		return Effect{Eco: Go, Install: true}
	case "mod":
		if hasSeq(args, "mod", "download") {
			return Effect{Eco: Go, Install: true}
		}
	case "test", "run", "generate":
		return Effect{Eco: Go, Install: true, Run: RunCertain, Cause: "go " + sub}
	}
	return Effect{}
}

// cargoCommand reads cargo ARGS. Building a crate runs the build scripts
// and procedural macros of its dependencies, so every command that
// compiles runs their code.
func cargoCommand(args []string) Effect {
	sub, _ := firstArg(args)
	switch sub {
	case "build", "b", "test", "t", "run", "r", "check", "c", "clippy", "bench", "doc", "install",
		"publish", "nextest", "tarpaulin", "llvm-cov", "miri", "fuzz":
		return Effect{Eco: Cargo, Install: true, Run: RunCertain, Cause: "cargo " + sub}
	case "fetch", "vendor":
		return Effect{Eco: Cargo, Install: true}
	}
	return Effect{}
}

func rubyCommand(name string, args []string) Effect {
	sub, _ := firstArg(args)
	switch {
	case name == "bundle" && (sub == "" || sub == "install" || sub == "update"):
		return Effect{Eco: Gem, Install: true}
	case name == "bundle" && sub == "exec":
		return Effect{Eco: Gem, Run: RunCertain, Cause: "bundle exec"}
	case name == "gem" && sub == "install":
		return Effect{Eco: Gem, Install: true}
	}
	return Effect{}
}

// composerBuiltins are composer commands that neither install nor run
// the project's code.
var composerBuiltins = set("validate", "show", "info", "outdated", "audit", "config", "diagnose",
	"self-update", "selfupdate", "global", "depends", "why", "prohibits", "why-not", "status",
	"licenses", "search", "init", "fund", "check-platform-reqs", "clear-cache", "clearcache",
	"archive", "bump", "list", "help", "about", "suggests", "home", "browse", "-V", "--version")

// composerCommand reads composer ARGS. Composer runs the plugins among
// the packages it installs (unless --no-plugins) and the project's own
// scripts (unless --no-scripts).
func composerCommand(args []string, env Env) Effect {
	sub, _ := firstArg(args)
	e := Effect{Eco: Composer}
	noScripts := hasFlag(args, "--no-scripts")
	switch {
	case sub == "install" || sub == "i" || sub == "update" || sub == "u" || sub == "upgrade" ||
		sub == "require" || sub == "r" || sub == "remove" || sub == "reinstall" || sub == "create-project":
		e.Install, e.NoScripts = true, hasFlag(args, "--no-plugins")
		e.NoDev = (sub == "install" || sub == "i" || sub == "update" || sub == "u" || sub == "upgrade") &&
			(hasFlag(args, "--no-dev") || truthy(env.get("COMPOSER_NO_DEV")))
		if !noScripts {
			e.Run, e.Cause = RunMaybe, lifecycle("composer "+sub)
		}
	case sub == "dump-autoload" || sub == "dumpautoload":
		if noScripts {
			return Effect{}
		}
		e.Run, e.Cause = RunMaybe, lifecycle("composer "+sub)
	case sub == "" || composerBuiltins[sub]:
		return Effect{}
	case sub == "run-script" || sub == "run" || sub == "exec":
		e.Run, e.Cause = RunCertain, "composer "+sub
	default:
		// composer NAME runs the project's script NAME.
		e.Run, e.Cause = RunCertain, "composer "+scriptName(sub)
	}
	return e
}

// dotnetFetches lists the dotnet commands that restore the project's
// packages first, unless --no-restore or --no-build is given. All but
// restore then run package code: a build runs the packages' MSBuild
// targets and tasks, Roslyn analyzers and source generators, and test,
// run and watch load the packages.
var dotnetFetches = set("restore", "build", "test", "run", "publish", "pack", "watch", "format")

// dotnetValueOptions lists the options of the dotnet commands in
// dotnetFetches that take the next word as their value.
var dotnetValueOptions = set("-c", "--configuration", "-f", "--framework", "-r", "--runtime", "-o", "--output",
	"-v", "--verbosity", "-s", "--source", "--settings", "-a", "--arch", "--os", "--filter", "-l", "--logger",
	"-d", "--diag", "--results-directory", "--collect", "--test-adapter-path", "--blame-crash-dump-type",
	"--blame-hang-dump-type", "--blame-hang-timeout", "-e", "--environment", "--launch-profile", "-p", "--property",
	"--version-suffix", "--packages", "--configfile", "--lock-file-path", "--artifacts-path", "--severity",
	"--include", "--exclude", "--report", "--binarylog", "--verify-no-changes-level",
	"--diagnostics", "--exclude-diagnostics")

// dotnetFormatSubcommands are the words that dotnet format takes before
// its project to fix one kind of issue only.
var dotnetFormatSubcommands = set("whitespace", "style", "analyzers")

// dotnetProjectDir returns the folder of the project or solution that a
// dotnet command of dotnetFetches names, where its packages.lock.json
// files are. That is the first argument (a folder, or a .csproj, .fsproj,
// .vbproj, .proj, .sln or .slnx file), or --project for run and watch,
// whose other arguments go to the program. It returns "" when the command
// names none, the current folder, or a built .dll.
func dotnetProjectDir(sub string, args []string) string {
	project := ""
	positional := sub != "run" && sub != "watch"
	seenSub := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			i = len(args)
		case a == "--project" && i+1 < len(args):
			project = args[i+1]
			i++
		case strings.HasPrefix(a, "--project="):
			project = strings.TrimPrefix(a, "--project=")
		case a == "--self-contained" || a == "--sc":
			// An optional true or false follows.
			if i+1 < len(args) && (args[i+1] == "true" || args[i+1] == "false") {
				i++
			}
		case dotnetValueOptions[a]:
			i++
		case strings.HasPrefix(a, "-") || msbuildSwitch(a):
		case !seenSub && a == sub:
			seenSub = true
		case sub == "format" && project == "" && dotnetFormatSubcommands[a]:
		case positional && project == "":
			project = a
		}
	}
	project = path.Clean(strings.ReplaceAll(project, `\`, "/"))
	switch strings.ToLower(path.Ext(project)) {
	case ".dll", ".exe":
		return ""
	case ".csproj", ".fsproj", ".vbproj", ".proj", ".sln", ".slnx":
		project = path.Dir(project)
	}
	if project == "." {
		return ""
	}
	return project
}

// msbuildSwitch reports whether a word is an MSBuild switch written with
// a slash (/p:Configuration=Release, /m), not an absolute path.
func msbuildSwitch(a string) bool {
	name, _, _ := strings.Cut(a, ":")
	return strings.HasPrefix(name, "/") && !strings.Contains(name[1:], "/")
}

// dotnetCommand classifies dotnet, msbuild and nuget commands, with name
// in lower case. A restore runs no package code, because PackageReference
// packages have no install scripts.
func dotnetCommand(name string, args []string) Effect {
	e := Effect{Eco: NuGet}
	if name == "msbuild" {
		return msbuildEffect("msbuild", args)
	}
	sub, _ := firstArg(args)
	if name == "nuget" {
		if sub == "restore" || sub == "install" {
			e.Install = true
			return e
		}
		return Effect{}
	}
	switch {
	case sub == "msbuild":
		return msbuildEffect("dotnet msbuild", withoutWord(args, sub))
	case sub == "tool":
		// dotnet tool restore and install fetch tools, not the project's
		// packages.
		if hasSeq(args, "tool", "restore") || hasSeq(args, "tool", "install") || hasSeq(args, "tool", "update") {
			e.Install, e.Tool = true, true
			return e
		}
		return Effect{}
	case sub == "add":
		// dotnet add package restores unless --no-restore.
		if !hasSeq(args, "add", "package") && !hasSeq(args, "add", "reference") {
			return Effect{}
		}
		e.Install = !hasFlag(args, "--no-restore")
		return e
	case dotnetFetches[sub]:
		e.Install = !hasFlag(args, "--no-restore") && !hasFlag(args, "--no-build")
		e.Dir = dotnetProjectDir(sub, args)
		if sub != "restore" {
			e.Run, e.Cause = RunCertain, "dotnet "+sub
		}
		return e
	case sub == "exec" || sub == "vstest" || strings.HasSuffix(strings.ToLower(sub), ".dll"):
		// The built program or its tests load the packages.
		e.Run, e.Cause = RunCertain, "dotnet "+scriptName(sub)
		if strings.HasSuffix(strings.ToLower(sub), ".dll") {
			e.Cause = "dotnet"
		}
		return e
	}
	// The other commands (--version, --info, nuget push, new, clean)
	// neither fetch nor run packages.
	return Effect{}
}

// msbuildEffect classifies the switches of msbuild or dotnet msbuild,
// which cause names. -restore (-r) and -t:Restore restore the packages.
// Any target but Restore builds, which runs the packages' MSBuild targets,
// analyzers and source generators.
func msbuildEffect(cause string, args []string) Effect {
	e := Effect{Eco: NuGet}
	onlyRestore := false
	for _, a := range args {
		if len(a) < 2 || (a[0] != '-' && a[0] != '/') {
			continue
		}
		option, value, _ := strings.Cut(strings.ToLower(a[1:]), ":")
		switch option {
		case "restore", "r":
			if value != "false" {
				e.Install = true
			}
		case "t", "target":
			targets := strings.Split(value, ";")
			for i := range targets {
				targets[i] = strings.TrimSpace(targets[i])
			}
			if slices.Contains(targets, "restore") {
				e.Install = true
				onlyRestore = !slices.ContainsFunc(targets, func(t string) bool { return t != "restore" && t != "" })
			}
		}
	}
	if !onlyRestore {
		e.Run, e.Cause = RunCertain, cause
	}
	return e
}

func phpWhat(name string, args []string) string {
	if name == "php" && len(args) > 0 && path.Base(args[0]) == "artisan" {
		return "php artisan"
	}
	return name
}

// opaqueCommand reads programs that run commands the input does not show:
// make and its kin, a script of the checkout, a shell given a file.
func opaqueCommand(prog, name string, args []string) Effect {
	maybe := func(what string) Effect { return Effect{Eco: AnyEco, Run: RunMaybe, Cause: what} }
	switch name {
	case "make", "gmake", "just", "task", "mage", "earthly", "bazel", "bazelisk":
		return maybe(name + " runs commands the input does not show")
	case "bash", "sh", "zsh", "dash", "pwsh", "powershell":
		if sub, _ := firstArg(args); sub != "" && !hasFlag(args, "-c") && !hasFlag(args, "-Command") {
			return maybe("a script of the checkout runs commands the input does not show")
		}
		return Effect{}
	}
	if strings.Contains(prog, "/") && !strings.HasPrefix(prog, "/") && !strings.HasPrefix(prog, "$") &&
		!strings.HasPrefix(prog, "~") {
		return maybe("a script of the checkout runs commands the input does not show")
	}
	return Effect{}
}

// firstArg returns the first argument that is not an option, and the
// directory the last --prefix, -C, --cwd or --dir option names. Package
// managers read these options before or after the subcommand, up to "--".
func firstArg(args []string) (sub, dir string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return sub, dir
		case a == "--prefix" || a == "-C" || a == "--cwd" || a == "--dir":
			if i+1 < len(args) {
				dir = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--prefix=") || strings.HasPrefix(a, "--cwd=") || strings.HasPrefix(a, "--dir="):
			dir = a[strings.IndexByte(a, '=')+1:]
		case a == "--filter" || a == "-F":
			i++
		case strings.HasPrefix(a, "-"):
		case sub == "":
			sub = a
		}
	}
	return sub, dir
}

// hasFlag reports whether args hold flag, alone or as flag=VALUE with a
// value other than false.
func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok && v != "false" {
			return true
		}
	}
	return false
}

// hasSeq reports whether want occurs in args as consecutive words.
func hasSeq(args []string, want ...string) bool {
	for i := 0; i+len(want) <= len(args); i++ {
		match := true
		for j := range want {
			if args[i+j] != want[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// Attribute keys of a runtime that Attrs fills.
const (
	AttrInstalls    = "installs"            // ecosystems the job installs
	AttrInstallDirs = "install_dirs"        // directories the installs ran in
	AttrScriptsOff  = "install_scripts_off" // installed ecosystems whose locked packages' install scripts never run
	AttrDevOff      = "install_dev_off"     // installed ecosystems whose every install leaves out development dependencies
	// AttrDevOffBerry lists the ecosystems of AttrDevOff whose every
	// install leaves out the development dependencies of a Yarn 2+
	// lockfile too.
	AttrDevOffBerry = "install_dev_off_yarn_berry"
	AttrRuns        = "runs_code"        // ecosystems whose code the job certainly runs
	AttrRunsVia     = "runs_code_via"    // ECO=cause, one per ecosystem
	AttrMayRun      = "may_run_code"     // ecosystems (or *) whose code the job may run
	AttrMayRunVia   = "may_run_code_via" // ECO=cause, one per ecosystem
)

// Attrs sums up the effects of a job's commands, in the order they run,
// as runtime attributes. Each effect's Dir is the directory it ran in,
// resolved by the caller against the job's working directory.
func Attrs(effects []Effect) map[string]string {
	var ecos, dirs, runs, may []string
	on := map[string]bool{}  // ecosystems with a project install that runs install scripts
	dev := map[string]bool{} // ecosystems with a project install that installs development dependencies
	// berryDev: ecosystems with a project install that installs the
	// development dependencies of a Yarn 2+ lockfile.
	berryDev := map[string]bool{}
	runVia := map[string]string{}
	mayVia := map[string]string{}
	for _, e := range effects {
		// A tool install fetches the tool, not the project's locked
		// packages: the tool's own edges record it.
		if e.Install && !e.Tool {
			ecos = append(ecos, e.Eco)
			dirs = append(dirs, e.Dir)
			if !e.NoScripts {
				on[e.Eco] = true
			}
			if !e.NoDev {
				dev[e.Eco] = true
			}
			if !e.NoDev || e.Yarn1NoDev {
				berryDev[e.Eco] = true
			}
		}
		switch e.Run {
		case RunCertain:
			if _, ok := runVia[e.Eco]; !ok {
				runVia[e.Eco] = e.Cause
				runs = append(runs, e.Eco)
			}
		case RunMaybe:
			if _, ok := mayVia[e.Eco]; !ok {
				mayVia[e.Eco] = e.Cause
				may = append(may, e.Eco)
			}
		}
	}
	var scriptsOff, devOff, berryDevOff []string
	for _, eco := range ecos {
		if !on[eco] {
			scriptsOff = append(scriptsOff, eco)
		}
		if !dev[eco] {
			devOff = append(devOff, eco)
		}
		if !berryDev[eco] {
			berryDevOff = append(berryDevOff, eco)
		}
	}
	out := map[string]string{
		AttrInstalls:    graph.JoinList(ecos),
		AttrInstallDirs: graph.JoinList(dirs),
		AttrScriptsOff:  graph.JoinList(scriptsOff),
		AttrDevOff:      graph.JoinList(devOff),
		AttrDevOffBerry: graph.JoinList(berryDevOff),
		AttrRuns:        graph.JoinList(runs),
		AttrRunsVia:     viaList(runVia),
		AttrMayRun:      graph.JoinList(may),
		AttrMayRunVia:   viaList(mayVia),
	}
	if d := deployAttr(effects); d != "" {
		out[AttrDeploys] = d
	}
	if d := imageDeployAttr(effects); d != "" {
		out[AttrImageDeploys] = d
	}
	if a := kubeApplyAttr(effects); a != "" {
		out[AttrKubeApplies] = a
	}
	return out
}

func viaList(m map[string]string) string {
	var out []string
	for eco, what := range m {
		out = append(out, eco+"="+strings.ReplaceAll(what, ",", ";"))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Via returns what a runs_via or may_run_via attribute names for eco, or
// "".
func Via(list, eco string) string {
	for _, it := range graph.SplitList(list) {
		if k, v, ok := strings.Cut(it, "="); ok && k == eco {
			return v
		}
	}
	return ""
}
