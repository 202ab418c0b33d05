package pkgcmd

import (
	"cmp"
	"path"
	"strings"
)

// Services of the deploys that a Serverless Framework command makes. The
// Deploy's Dir is the service's folder and its Name the service file that
// --config names, or AnyServiceFile.
const (
	// DeployServerless is a deploy of a service (serverless deploy,
	// serverless deploy function), which ships its functions' code.
	DeployServerless = "serverless"
	// ServerlessPlugins is a command that loads the service and its
	// plugins without deploying its code: package, remove, offline and
	// invoke local.
	ServerlessPlugins = "serverless-plugins"
	// AnyServiceFile names whichever service file the folder holds.
	AnyServiceFile = "*"
)

// serverlessSubs are the subcommands of the framework read here, with
// whether they deploy the service's code. Each loads the service's
// plugins.
var serverlessSubs = map[string]bool{"deploy": true, "package": false, "remove": false, "offline": false}

// serverlessValued are the options of the framework that take the next
// word as their value.
var serverlessValued = set("-c", "--config", "-s", "--stage", "-r", "--region", "--aws-profile", "--app", "--org",
	"-f", "--function", "--param", "-p", "--path", "-d", "--data", "--package")

// Options of npm, pnpm and yarn before the framework's name: those that
// pick the folder the command runs in, those that pick workspace
// packages (-r runs in each of them), and others that take a value.
// npm exec --prefix finds the binary under the prefix but runs it in the
// current folder, so the prefix does not pick the service.
var (
	managerDirOptions       = set("-C", "--dir", "--cwd")
	managerWorkspaceOptions = set("-w", "--workspace", "--filter", "-F", "-r", "--recursive")
	managerValued           = set("-p", "--package", "--prefix", "--registry", "--userconfig", "--loglevel")
)

// serverlessOf finds a command of the Serverless Framework that loads a
// service and its plugins. Such commands are serverless or sls deploy,
// deploy function, package, remove, offline or invoke local, run directly
// or through npx, npm exec, pnpm exec or dlx, yarn or bunx. The framework and its plugins
// are npm packages, so the first effect may run any installed npm
// package. The second is a Deploy (DeployServerless or ServerlessPlugins)
// whose Dir is the service's folder.
func serverlessOf(argv []string) []Effect {
	args := argv
	managerDir := ""   // the folder a package manager's option picks
	workspace := false // a workspace option picks a folder by package name, or several
	prev := ""
	for len(args) > 0 {
		a := args[0]
		name := strings.TrimSuffix(path.Base(strings.ReplaceAll(a, `\`, "/")), ".cmd")
		if at := strings.IndexByte(name, '@'); at > 0 {
			name = name[:at] // npx serverless@3 deploy
		}
		if name == "serverless" || name == "sls" {
			break
		}
		opt, value, hasValue := strings.Cut(a, "=")
		switch {
		case managerDirOptions[opt]:
			if !hasValue && len(args) > 1 {
				value, args = args[1], args[1:]
			}
			managerDir = inDir(managerDir, value)
		case managerWorkspaceOptions[opt]:
			workspace = true
			if !hasValue && opt != "-r" && opt != "--recursive" && len(args) > 1 {
				args = args[1:]
			}
		case managerValued[opt]:
			if !hasValue && len(args) > 1 {
				args = args[1:]
			}
		case name == "workspace" && prev == "yarn" && len(args) > 1:
			// yarn workspace NAME runs a command in that package's folder.
			workspace = true
			args = args[1:]
		case name == "run" && prev == "yarn":
			// yarn run runs a package's binary when no script has the name.
		case name != "npx" && name != "npm" && name != "pnpm" && name != "pnpx" && name != "yarn" && name != "bunx" &&
			name != "exec" && name != "dlx" && name != "x" && name != "--" && !strings.HasPrefix(name, "-"):
			return nil
		}
		if !strings.HasPrefix(a, "-") {
			prev = name
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return nil
	}

	var words []string
	opts := map[string]string{}
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-") && strings.Contains(a, "="):
			// --stage=prod, and -s=prod, which the framework's option
			// parser reads as stage prod too.
			k, v, _ := strings.Cut(a, "=")
			opts[k] = v
		case serverlessValued[a] && i+1 < len(args):
			opts[a] = args[i+1]
			i++
		case strings.HasPrefix(a, "-"):
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return nil
	}

	sub := words[0]
	deploys, ok := serverlessSubs[sub]
	if sub == "invoke" && len(words) > 1 && words[1] == "local" {
		sub, ok = "invoke local", true
	}
	if !ok {
		return nil
	}
	if sub == "deploy" && len(words) > 1 && words[1] == "function" {
		sub = "deploy function"
	}
	if sub == "deploy" && len(words) > 1 && words[1] == "list" {
		deploys = false
	}

	d := &Deploy{Service: ServerlessPlugins, Name: AnyServiceFile}
	if deploys {
		d.Service = DeployServerless
	}
	dir := ""
	config := opts["--config"]
	if config == "" {
		config = opts["-c"]
	}
	if config != "" {
		d.Name = path.Base(config)
		if dir = path.Dir(config); dir == "." {
			dir = ""
		}
	}
	dir = inDir(managerDir, dir)
	if workspace {
		// The linker takes a folder that starts with a variable as one
		// the job computes, which may be any service's.
		dir = "$WORKSPACE"
	}
	d.Region = cmp.Or(opts["--region"], opts["-r"])
	if strings.Contains(d.Region, "$") {
		d.Region = ""
	}
	if d.Stage = cmp.Or(opts["--stage"], opts["-s"]); strings.Contains(d.Stage, "$") {
		d.Stage = ""
	}
	prog := "serverless " + sub
	return []Effect{
		{Eco: NPM, Run: RunMaybe, Cause: prog + " loads the framework and the service's plugins"},
		{Deploy: d, Dir: dir},
	}
}

// samOf finds sam build, and sam sync, which builds before it deploys.
// Each installs the dependencies of each function of the SAM template in
// its code folder: npm packages with their install scripts, and PyPI
// packages. The template is not read, so the folders
// are not known and the installs are given without one. The linker then
// takes the lockfiles of other folders than the job's as possible ones.
//
// NOTE: whether sam build leaves out npm development dependencies depends
// on its version, so they are taken as installed. A build with
// --use-container runs the installs in a container, and is read the same.
func samOf(argv []string) []Effect {
	if len(argv) < 2 || path.Base(strings.ReplaceAll(argv[0], `\`, "/")) != "sam" {
		return nil
	}
	sub, _ := firstArg(argv[1:])
	if sub != "build" && sub != "sync" {
		return nil
	}
	cause := "sam " + sub + " installs the dependencies of each function of the template"
	return []Effect{
		{Eco: NPM, Install: true, Cause: cause},
		{Eco: PyPI, Install: true, Cause: cause},
	}
}
