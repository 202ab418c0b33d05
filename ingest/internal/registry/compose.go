package registry

import (
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// ComposeCommand is a command of a CI script that builds or pushes the
// images of Docker Compose services: docker compose build, up --build or
// push, docker-compose (Compose v1) with the same subcommands, and docker
// buildx bake with a Compose file. The CI readers cannot see the Compose
// file, so they record the command and the linker joins it to the
// services of the file.
type ComposeCommand struct {
	// Line is the line of the command in its script, from 1, or of the
	// step that runs the script.
	Line int `json:"line"`
	// Dir is the folder in which Compose looks for its default files
	// (compose.yaml and the others of ComposeDefaultFiles): the folder of
	// --project-directory, else the folder the command runs in, relative
	// to the repository's root.
	Dir string `json:"dir"`
	// Files are the Compose files that -f names, else those that
	// COMPOSE_FILE lists, relative to the repository's root, in order.
	// Without any, Compose reads the default files of Dir.
	Files []string `json:"files,omitempty"`
	// FilesUnknown is set when a variable whose value the input does not
	// show names part of a file's path. Files then hold that part as *,
	// a path.Match pattern, and each file that matches may be the one
	// Compose reads.
	FilesUnknown bool `json:"files_unknown,omitempty"`
	// ProjectDir is set when --project-directory gives Dir. The paths
	// that the files write then start from Dir, and otherwise from the
	// folder of the first file.
	ProjectDir bool `json:"project_dir,omitempty"`
	// Services are the services that the command names; none means all
	// those of the enabled profiles.
	Services []string `json:"services,omitempty"`
	// Profiles are the profiles that --profile and COMPOSE_PROFILES
	// enable. A service with profiles is built or pushed without being
	// named only when one of them is enabled. AllProfiles is set when
	// every profile counts: --profile '*', a value that a variable
	// gives, or docker buildx bake.
	Profiles    []string `json:"profiles,omitempty"`
	AllProfiles bool     `json:"all_profiles,omitempty"`
	// Dependencies is set when the command acts on the services that the
	// named ones depend on (depends_on) too: up and run, unless
	// --no-deps, build --with-dependencies and push --include-deps.
	Dependencies bool `json:"dependencies,omitempty"`
	// NoDotenv is set when Compose does not read the .env file of the
	// project directory: --env-file, COMPOSE_ENV_FILES or
	// COMPOSE_DISABLE_ENV_FILE name other files or none.
	NoDotenv bool `json:"no_dotenv,omitempty"`
	// Inputs are the graph.AttrBuildInputs entries of the --build-arg
	// options of docker compose build, which every service's build gets:
	// the variables that give the arguments, never their values.
	Inputs []string `json:"inputs,omitempty"`
	// Builds is set when the command builds the services' images, and
	// Pushes when it pushes them to their registries.
	Builds bool `json:"builds,omitempty"`
	Pushes bool `json:"pushes,omitempty"`
	// MayBuild is set, with Builds, for up and run without --build: they
	// build a service's image only when the runner does not have it
	// (pull_policy missing, the default), which a fresh runner does not.
	MayBuild bool `json:"may_build,omitempty"`
	// Env holds the variables of the command's environment, other than
	// the COMPOSE_ settings, with the value of each that
	// PlainArgValue lets be kept, and ComposeUnknown for the others.
	// Compose takes them over the .env file's when it interpolates the
	// Compose files.
	Env map[string]string `json:"env,omitempty"`
	// Vars maps a variable of the command's environment to the names of
	// the job's secrets that give its value, when they differ from the
	// variable's name (a GitHub Actions step's env: from secrets).
	Vars map[string][]string `json:"vars,omitempty"`
	// EnvKnown is set when Vars holds every variable of the command's
	// environment that a secret gives, so that any other variable gives
	// none (GitHub Actions, where a secret reaches a step only through
	// its env or an expression).
	EnvKnown bool `json:"env_known,omitempty"`
	// Publishers are, for a command that pushes, the identities that the
	// job's registry logins before it act as: the CI reader writes their
	// nodes, and the linker gives each CAN_PUBLISH to the pushed images
	// of its registry.
	Publishers []ComposePublisher `json:"publishers,omitempty"`
}

// ComposePublisher is an identity that a job's login to a registry acts
// as when a Compose command pushes to it.
type ComposePublisher struct {
	// Host is the registry (DockerHub for Docker Hub), ID the identity's
	// node.
	Host string `json:"host"`
	ID   string `json:"id"`
	// Possible is set when the job may not act as the identity when it
	// pushes. Reason is how it logs in, for the edge's reason.
	Possible bool   `json:"possible,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// ComposeDefaultFiles are the files that Compose reads when no -f names
// one, in the order it looks for them: the first that exists.
var ComposeDefaultFiles = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// ComposeOverrideFiles are the override files that Compose reads after
// the default file, when no -f names a file: the first that exists.
var ComposeOverrideFiles = []string{"compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"}

// composeGlobalValues are the options of docker compose and docker-compose
// that come before the subcommand and take the next word as their value.
var composeGlobalValues = map[string]bool{
	"-f": true, "--file": true, "-p": true, "--project-name": true, "--project-directory": true,
	"--env-file": true, "--profile": true, "--ansi": true, "--progress": true, "--parallel": true,
	"-H": true, "--host": true, "-c": true, "--context": true, "--tlscacert": true, "--tlscert": true, "--tlskey": true,
	"--log-level": true,
}

// composeValues are the options of the subcommands that ReadCompose reads
// that take the next word as their value. build --pull takes none, while
// up --pull names a policy.
var composeValues = map[string]map[string]bool{
	"build": {"--build-arg": true, "--builder": true, "-m": true, "--memory": true, "--ssh": true, "--progress": true},
	"up": {"--pull": true, "--scale": true, "-t": true, "--timeout": true, "--exit-code-from": true, "--attach": true,
		"--no-attach": true, "--wait-timeout": true},
	"bake": {"--set": true, "--metadata-file": true, "--call": true, "--allow": true, "--provenance": true, "--sbom": true,
		"--progress": true, "--builder": true},
	"run": {"-e": true, "--env": true, "--env-from-file": true, "-v": true, "--volume": true, "-p": true, "--publish": true,
		"-w": true, "--workdir": true, "-u": true, "--user": true, "--name": true, "--entrypoint": true, "-l": true,
		"--label": true, "--cap-add": true, "--cap-drop": true, "--pull": true},
}

// composeArgs returns the words after "compose" of docker compose, podman
// compose and docker-compose.
func composeArgs(words []string) ([]string, bool) {
	switch {
	case len(words) >= 1 && (path.Base(words[0]) == "docker-compose" || path.Base(words[0]) == "podman-compose"):
		return words[1:], true
	case len(words) >= 2 && (words[0] == "docker" || words[0] == "podman") && words[1] == "compose":
		return words[2:], true
	}
	return nil, false
}

// shellVariable matches a variable of a word: $NAME, ${...}, or a CI
// expression ${{ ... }}.
var shellVariable = regexp.MustCompile(`\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)

// ReadCompose reads one command, given as its words without the prefixes
// that run it, that builds or pushes the images of Compose services. dir
// is the folder the command runs in, relative to the repository's root,
// and env the environment it runs with, or nil. It reports false for any
// other command, for one whose files or folder the input does not show,
// and for --dry-run, which builds and pushes nothing.
//
// Without -f, the files are those that COMPOSE_FILE of env lists,
// separated by COMPOSE_PATH_SEPARATOR or else by a colon. A variable in
// a file's path becomes a * (FilesUnknown). The profiles
// are those of --profile, else those that COMPOSE_PROFILES lists,
// separated by commas.
//
// docker compose build builds the services' images, and pushes them too
// with --push. docker compose up builds them only with --build, and
// pushes nothing; so does docker compose run SERVICE, for that service. docker compose push pushes the images that the
// services name, which an earlier command built. docker buildx bake builds the services of
// the Compose files that -f names, or of the default files, and pushes
// them with --push.
func ReadCompose(words []string, dir string, env pkgcmd.Env) (ComposeCommand, bool) {
	words = WithoutGlobalOptions(words)
	if args, ok := composeArgs(words); ok {
		return readComposeArgs(args, dir, env)
	}
	if len(words) >= 3 && words[0] == "docker" && words[1] == "buildx" && words[2] == "bake" {
		return readBake(words[3:], dir)
	}
	return ComposeCommand{}, false
}

func readComposeArgs(args []string, dir string, env pkgcmd.Env) (ComposeCommand, bool) {
	cmd := ComposeCommand{}
	var files, profiles []string
	projectDir := ""
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
		name, value, has := strings.Cut(args[i], "=")
		if !has && composeGlobalValues[name] && i+1 < len(args) {
			i++
			value = args[i]
		}
		switch name {
		case "-f", "--file":
			files = append(files, value)
		case "--project-directory":
			projectDir = value
		case "--profile":
			profiles = append(profiles, value)
		case "--env-file":
			cmd.NoDotenv = true
		case "--dry-run":
			if !has || value == "true" {
				return ComposeCommand{}, false
			}
		}
	}
	if i >= len(args) {
		return ComposeCommand{}, false
	}
	switch strings.ToLower(env["COMPOSE_DISABLE_ENV_FILE"]) {
	case "1", "true":
		cmd.NoDotenv = true
	}
	if env["COMPOSE_ENV_FILES"] != "" {
		cmd.NoDotenv = true
	}
	if len(files) == 0 {
		if v, ok := env["COMPOSE_FILE"]; ok && v != "" {
			sep := ":"
			if s := env["COMPOSE_PATH_SEPARATOR"]; s != "" {
				sep = s
			}
			for _, f := range strings.Split(v, sep) {
				if f = strings.TrimSpace(f); f != "" {
					files = append(files, f)
				}
			}
		}
	}
	for k, f := range files {
		if !strings.Contains(f, "$") {
			continue
		}
		f = shellVariable.ReplaceAllString(f, "*")
		if strings.Contains(f, "$") {
			return ComposeCommand{}, false
		}
		files[k], cmd.FilesUnknown = f, true
	}
	if len(profiles) == 0 {
		for _, p := range strings.Split(env["COMPOSE_PROFILES"], ",") {
			if p = strings.TrimSpace(p); p != "" {
				profiles = append(profiles, p)
			}
		}
	}
	for _, p := range profiles {
		if p == "*" || strings.Contains(p, "$") {
			cmd.AllProfiles = true
		} else if !slices.Contains(cmd.Profiles, p) {
			cmd.Profiles = append(cmd.Profiles, p)
		}
	}
	if cmd.AllProfiles {
		cmd.Profiles = nil
	}

	cmd.Env = composeEnvValues(env)

	sub, rest := args[i], args[i+1:]
	var services []string
	var buildArgs []BuildArg
	build, noBuild, push, noDeps, withDeps := false, false, false, false, false
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		name, value, has := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			services = append(services, a)
			if sub == "run" {
				// The words after the service are its command.
				break
			}
			continue
		}
		if !has && composeValues[sub][name] && j+1 < len(rest) {
			j++
			value = rest[j]
		}
		switch name {
		case "--dry-run":
			// A global option that Compose also takes after the
			// subcommand.
			if !has || value == "true" {
				return ComposeCommand{}, false
			}
		case "--build":
			build = (sub == "up" || sub == "run") && (!has || value == "true")
		case "--no-build":
			noBuild = !has || value == "true"
		case "--no-deps":
			noDeps = true
		case "--with-dependencies", "--include-deps":
			withDeps = !has || value == "true"
		case "--push":
			push = sub == "build" && (!has || value == "true")
		case "--print", "--check":
			// build prints the equivalent bake file, or checks the
			// build configuration, and builds nothing.
			if sub == "build" && (!has || value == "true") {
				return ComposeCommand{}, false
			}
		case "--build-arg":
			if a, ok := readBuildArg(value); ok && sub == "build" {
				buildArgs = append(buildArgs, a)
			}
		}
	}

	switch sub {
	case "build":
		cmd.Builds, cmd.Pushes, cmd.Dependencies = true, push, withDeps
	case "up", "run":
		if noBuild || sub == "run" && len(services) == 0 {
			return ComposeCommand{}, false
		}
		cmd.Builds, cmd.MayBuild, cmd.Dependencies = true, !build, !noDeps
	case "push":
		cmd.Pushes, cmd.Dependencies = true, withDeps
	default:
		return ComposeCommand{}, false
	}
	cmd.Services = services
	cmd.Inputs = Build{Args: buildArgs}.VariableInputs()
	return cmd.place(dir, projectDir, files)
}

// composeEnvValues returns the ComposeCommand.Env of an environment.
func composeEnvValues(env pkgcmd.Env) map[string]string {
	var out map[string]string
	for k, v := range env {
		if strings.HasPrefix(k, "COMPOSE_") || !composeName.MatchString(k) {
			continue
		}
		// An empty value is known: Compose reads the variable as set
		// and empty.
		if v != "" && (strings.Contains(v, "$") || !PlainArgValue(k, v)) {
			v = ComposeUnknown
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

// composeName matches the name of a variable that a Compose file can read.
var composeName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// place sets the command's folder and files, made relative to the
// repository's root.
func (cmd ComposeCommand) place(dir, projectDir string, files []string) (ComposeCommand, bool) {
	cmd.Dir = dir
	if projectDir != "" {
		var ok bool
		if cmd.Dir, ok = RepoPath(projectDir, dir); !ok {
			return ComposeCommand{}, false
		}
		cmd.ProjectDir = true
	}
	for _, f := range files {
		p, ok := RepoPath(f, dir)
		if !ok || f == "-" {
			return ComposeCommand{}, false
		}
		cmd.Files = append(cmd.Files, p)
	}
	return cmd, true
}

// readBake reads docker buildx bake. It counts as a Compose command only
// when every file that -f names is a Compose file, or no -f names one,
// since bake then reads the default Compose files as well as its own.
func readBake(args []string, dir string) (ComposeCommand, bool) {
	cmd := ComposeCommand{Builds: true, AllProfiles: true}
	var files []string
	for j := 0; j < len(args); j++ {
		a := args[j]
		name, value, has := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			cmd.Services = append(cmd.Services, a)
			continue
		}
		if !has && (name == "-f" || name == "--file" || composeValues["bake"][name]) && j+1 < len(args) {
			j++
			value = args[j]
		}
		switch name {
		case "-f", "--file":
			if !composeFileName(value) {
				return ComposeCommand{}, false
			}
			files = append(files, value)
		case "--push":
			cmd.Pushes = !has || value == "true"
		case "--print", "--check":
			// Prints the options of the targets, or checks them, and
			// builds nothing.
			if !has || value == "true" {
				return ComposeCommand{}, false
			}
		case "--call":
			// A method other than build (check, outline, targets) builds
			// nothing.
			if value != "build" {
				return ComposeCommand{}, false
			}
		}
	}
	if len(cmd.Services) == 1 && cmd.Services[0] == "default" {
		cmd.Services = nil
	}
	return cmd.place(dir, "", files)
}

// BaseDir returns the folder from which Compose reads the relative paths
// of the command's files: --project-directory, else the folder of the
// first of Files, else Dir.
func (cmd ComposeCommand) BaseDir() string {
	if !cmd.ProjectDir && len(cmd.Files) > 0 {
		return path.Dir(cmd.Files[0])
	}
	return cmd.Dir
}

// composeFileName reports whether a file's name is that of a Compose
// file: compose.yaml, docker-compose.prod.yml and the like.
func composeFileName(p string) bool {
	base := path.Base(p)
	if !strings.HasSuffix(base, ".yml") && !strings.HasSuffix(base, ".yaml") {
		return false
	}
	return strings.HasPrefix(base, "compose") || strings.HasPrefix(base, "docker-compose")
}

// ScanCompose returns the Compose commands of a script that build or push
// images, in order, each at its line of the script. dir is the folder the
// script starts in, relative to the repository's root, and env the
// variables it starts with, or nil. A command also gets the variables
// that the script exports before it. A script that does not parse as
// bash gives none.
func ScanCompose(script, dir string, env pkgcmd.Env) []ComposeCommand {
	if !strings.Contains(script, "compose") && !strings.Contains(script, "bake") {
		return nil
	}
	var out []ComposeCommand
	_, err := shellscan.Scan(script, dir, env, shellscan.Options{MaxCommands: maxBuildCommands}, func(c *shellscan.Command) bool {
		if c.Keyword || len(c.Words) == 0 {
			return true
		}
		if cmd, ok := ReadCompose(command(c.Args()), c.Dir, c.Vars); ok {
			cmd.Line = c.Line
			out = append(out, cmd)
		}
		return true
	})
	if err != nil {
		return nil
	}
	return out
}

// EncodeCompose returns the value of a job's graph.AttrComposeCommands,
// or "" for no commands.
func EncodeCompose(cmds []ComposeCommand) string {
	if len(cmds) == 0 {
		return ""
	}
	b, err := json.Marshal(cmds)
	if err != nil {
		return ""
	}
	return string(b)
}

// DecodeCompose reads a job's graph.AttrComposeCommands.
func DecodeCompose(s string) []ComposeCommand {
	if s == "" {
		return nil
	}
	var out []ComposeCommand
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

// composeSettings are the variables of the environment that choose the
// files and profiles of a Compose command.
var composeSettings = []string{"COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR", "COMPOSE_PROFILES"}

// ComposeEnv returns env with the variables of composeSettings as a
// script leaves them for the commands after it in the same shell: those
// it exports, changes or unsets. A script that does not parse leaves env
// as it is.
func ComposeEnv(script string, env pkgcmd.Env) pkgcmd.Env {
	if !strings.Contains(script, "COMPOSE_") {
		return env
	}
	var last pkgcmd.Env
	// The environment of a command added after the script's end is
	// what the script leaves.
	_, err := shellscan.Scan(script+"\n:", ".", env, shellscan.Options{MaxCommands: maxBuildCommands}, func(c *shellscan.Command) bool {
		last = c.Vars
		return true
	})
	if err != nil || last == nil {
		return env
	}
	out := pkgcmd.Env{}
	for k, v := range env {
		out[k] = v
	}
	for _, k := range composeSettings {
		if v, ok := last[k]; ok {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	return out
}
