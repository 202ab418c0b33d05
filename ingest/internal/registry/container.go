package registry

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// toolImages maps the images whose entrypoint is a registry copy tool to
// the tool's name, as Writes reads it. The sources are the skopeo image
// README (containers/image_build), Red Hat's "Running Skopeo in a
// container using authfiles", crane's README ("Images") and Kaniko's
// README, which documents running the executor as its image.
var toolImages = map[string]string{
	"quay.io/skopeo/stable":             "skopeo",
	"quay.io/skopeo/testing":            "skopeo",
	"quay.io/skopeo/upstream":           "skopeo",
	"quay.io/containers/skopeo":         "skopeo",
	"registry.redhat.io/rhel8/skopeo":   "skopeo",
	"registry.redhat.io/rhel9/skopeo":   "skopeo",
	"gcr.io/go-containerregistry/crane": "crane",
	"gcr.io/kaniko-project/executor":    "executor",
}

// authFileNames are the names of the files, and of the directory, that
// hold the registry credentials of Docker (config.json in .docker) and of
// the containers tools (auth.json).
var authFileNames = map[string]bool{"config.json": true, "auth.json": true, ".docker": true}

// RunTool reads a docker or podman run command (or container run) whose
// image runs a registry copy tool (toolImages). It returns the tool's
// command line with the tool's name first, and reports whether the job's
// Docker config reaches the container (see containerRun.mountsAuth), which
// gives the tool the logins written there. It reports false for other
// commands and for a run whose --entrypoint is another program.
func RunTool(words []string) (cmd []string, mountsAuth, ok bool) {
	run, ok := parseRun(words)
	if !ok || run.tool == "" {
		return nil, false, false
	}
	if run.entrypoint != "" && path.Base(run.entrypoint) != run.tool {
		return nil, false, false
	}
	rest := run.rest
	if len(rest) > 0 && path.Base(rest[0]) == run.tool {
		// The tool named again, as for an image without an
		// entrypoint: skopeo copy ...
		rest = rest[1:]
	}
	return append([]string{run.tool}, rest...), run.mountsAuth, true
}

// Run is a container that a script starts with docker run, docker
// container run or podman run.
type Run struct {
	Image image.Ref
	// Line is the script's line that the command starts on, from 1.
	Line int
}

// Runs returns the containers that a script's docker run, docker
// container run and podman run commands start, in order. expand replaces
// the CI system's variables in the image reference. A reference that still
// holds a variable after expand is left out, as the CI readers leave out
// such an image: key. Docker and podman reject repository names with
// upper-case letters, so the name is lower-cased: a variable that expands
// to a mixed-case repository path still names the image that ran.
//
// NOTE: the shell script that a container runs (RunShell) is not read for
// further runs, and a run on a line that only an if branch or a function
// reaches counts as run.
func Runs(script string, expand func(string) string) []Run {
	if expand == nil {
		expand = func(s string) string { return s }
	}
	return runs(script, expand, false)
}

// runs reads a script for Runs. nested is set for the script of a shell's
// -c, whose own shells are not read.
func runs(script string, expand func(string) string, nested bool) []Run {
	// Only docker and podman commands start containers here, and most
	// scripts name neither: they are not split into commands.
	if !strings.Contains(script, "docker") && !strings.Contains(script, "podman") {
		return nil
	}
	var out []Run
	for _, c := range Commands(script) {
		words := WithoutGlobalOptions(c.Words)
		if len(words) > 0 && shells[path.Base(words[0])] && !nested {
			if inner, ok := shellScript(words[1:]); ok {
				for _, r := range runs(inner, expand, true) {
					r.Line = c.Line
					out = append(out, r)
				}
				continue
			}
		}
		run, ok := parseRun(words)
		if !ok {
			continue
		}
		ref, ok := image.Parse(expand(run.image))
		if !ok {
			continue
		}
		ref.Registry, ref.Path = strings.ToLower(ref.Registry), strings.ToLower(ref.Path)
		out = append(out, Run{Image: ref, Line: c.Line})
	}
	return out
}

// RunShell reads a docker or podman run command whose container runs a
// shell script: the entrypoint is a shell (--entrypoint sh IMAGE -c
// SCRIPT), or the command after the image is one (IMAGE sh -c SCRIPT). It
// returns the script and reports whether the job's Docker config reaches
// the container (see containerRun.mountsAuth).
//
// NOTE: IMAGE sh -c SCRIPT is read as a shell also for an image whose own
// entrypoint is another program, which the input does not show.
func RunShell(words []string) (script string, mountsAuth, ok bool) {
	run, ok := parseRun(words)
	if !ok {
		return "", false, false
	}
	args := run.rest
	switch {
	case run.entrypoint != "":
		if !shells[path.Base(run.entrypoint)] {
			return "", false, false
		}
	case len(args) > 0 && shells[path.Base(args[0])]:
		args = args[1:]
	default:
		return "", false, false
	}
	script, ok = shellScript(args)
	return script, run.mountsAuth, ok
}

// shells are the shells whose -c option takes the script to run.
var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true}

// ContainerRunReason explains why a job that starts an image with docker
// run executes it only possibly: the job's code, with its secrets, does
// not run in the container.
const ContainerRunReason = "the job starts the image in a container of its own, which sees the job's secrets and files only through what the run passes in (-e, --env-file, mounts, the Docker socket)"

// ShellScript returns the script of a command that runs a shell on one
// (sh -c SCRIPT, bash -euc SCRIPT), and reports false for another command.
func ShellScript(words []string) (string, bool) {
	if len(words) < 2 || !shells[path.Base(words[0])] {
		return "", false
	}
	return shellScript(words[1:])
}

// shellScript returns the script that a shell's arguments run: the word
// after the option cluster that holds -c (sh -c, bash -euc). -o and a
// cluster that holds o take an option name as the next word (bash -euo
// pipefail -c). It reports false when the shell runs a script file.
func shellScript(args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--rcfile" || a == "--init-file":
			i++
		case strings.HasPrefix(a, "--"):
			// A long option of bash, such as --login or --norc.
		case len(a) > 1 && (a[0] == '-' || a[0] == '+'):
			script := i + 1
			if strings.ContainsRune(a[1:], 'o') {
				script++
				i++
			}
			if strings.ContainsRune(a[1:], 'c') {
				if script < len(args) {
					return args[script], true
				}
				return "", false
			}
		default:
			return "", false
		}
	}
	return "", false
}

// containerRun is a docker or podman run command, read up to its image.
type containerRun struct {
	// tool is the registry copy tool that the image runs (toolImages),
	// or "" for another image.
	tool string
	// image is the image reference as written.
	image string
	// rest are the words after the image: the command, or the
	// entrypoint's arguments.
	rest       []string
	entrypoint string
	// mountsAuth is set when a volume or bind mount puts a registry auth
	// file or a .docker directory into the container, or the folder that
	// the DOCKER_CONFIG passed in with -e names.
	mountsAuth bool
}

// runValueOptions are the options of docker run and podman run that take
// their value as the next word, from the docker-run(1) man page of Docker
// 26 and podman's podman-run.1.md.in.
//
// NOTE: an option missing here makes its value read as the image, so the
// command after the real image is not read.
var runValueOptions = map[string]bool{
	"--add-host": true, "--annotation": true, "-a": true, "--attach": true, "--blkio-weight": true,
	"--blkio-weight-device": true, "--cap-add": true, "--cap-drop": true, "--cgroup-parent": true,
	"--cgroupns": true, "--cidfile": true, "--cpu-period": true, "--cpu-quota": true, "--cpu-rt-period": true,
	"--cpu-rt-runtime": true, "--cpu-count": true, "--cpu-percent": true, "-c": true, "--cpu-shares": true,
	"--cpus": true, "--cpuset-cpus": true, "--cpuset-mems": true, "--detach-keys": true, "--device": true, "--device-cgroup-rule": true,
	"--device-read-bps": true, "--device-read-iops": true, "--device-write-bps": true,
	"--device-write-iops": true, "--dns": true, "--dns-option": true, "--dns-opt": true, "--dns-search": true,
	"--domainname": true, "--entrypoint": true, "-e": true, "--env": true, "--env-file": true,
	"--expose": true, "--gpus": true, "--group-add": true, "--health-cmd": true, "--health-interval": true,
	"--health-retries": true, "--health-start-period": true, "--health-start-interval": true,
	"--health-timeout": true, "-h": true, "--hostname": true, "--ip": true, "--ip6": true, "--ipc": true,
	"--isolation": true, "--kernel-memory": true, "-l": true, "--label": true, "--label-file": true,
	"--link": true, "--link-local-ip": true, "--log-driver": true, "--log-opt": true, "--mac-address": true,
	"-m": true, "--memory": true, "--memory-reservation": true, "--memory-swap": true,
	"--memory-swappiness": true, "--mount": true, "--name": true, "--network": true, "--net": true,
	"--network-alias": true, "--net-alias": true, "--oom-score-adj": true, "--pid": true,
	"--pids-limit": true, "--platform": true, "-p": true, "--publish": true, "--pull": true,
	"--restart": true, "--runtime": true, "--security-opt": true, "--shm-size": true,
	"--stop-signal": true, "--stop-timeout": true, "--storage-opt": true, "--sysctl": true,
	"--tmpfs": true, "--ulimit": true, "-u": true, "--user": true, "--userns": true, "--uts": true,
	"-v": true, "--volume": true, "--volume-driver": true, "--volumes-from": true, "-w": true,
	"--workdir": true,
	// podman run
	"--arch": true, "--authfile": true, "--cgroup-conf": true, "--cgroups": true, "--chrootdirs": true,
	"--conmon-pidfile": true, "--creds": true, "--decryption-key": true, "--env-merge": true,
	"--gidmap": true, "--group-entry": true, "--hostuser": true, "--image-volume": true,
	"--init-path": true, "--os": true, "--passwd-entry": true, "--personality": true, "--pod": true,
	"--pod-id-file": true, "--preserve-fds": true, "--rdt-class": true, "--requires": true,
	"--retry": true, "--retry-delay": true, "--sdnotify": true, "--seccomp-policy": true,
	"--secret": true, "--subgidname": true, "--subuidname": true, "--timeout": true, "--tz": true,
	"--uidmap": true, "--umask": true, "--unsetenv": true, "--variant": true,
	// podman run's health check options, from podman-healthcheck(1)
	"--health-on-failure": true, "--health-startup-cmd": true, "--health-startup-interval": true,
	"--health-startup-retries": true, "--health-startup-success": true, "--health-startup-timeout": true,
}

// runFlagOptions are common options of docker run and podman run that
// take no value, from the same sources as runValueOptions.
var runFlagOptions = map[string]bool{
	"--": true, "--rm": true, "-d": true, "--detach": true, "-i": true, "--interactive": true,
	"-t": true, "--tty": true, "-it": true, "-ti": true, "--init": true, "--privileged": true,
	"--read-only": true, "-P": true, "--publish-all": true, "--no-healthcheck": true,
	"--oom-kill-disable": true, "-q": true, "--quiet": true, "--disable-content-trust": true,
	// podman run
	"--replace": true, "--rootfs": true, "--env-host": true, "--no-hosts": true,
	"--read-only-tmpfs": true,
}

// takesValue reports whether the option word a takes the next word as
// its value (runValueOptions). In a cluster of short options (-dp), as
// pflag reads it, the first letter that takes a value takes the rest of
// the cluster, or the next word when it is the last letter.
func takesValue(a string) bool {
	if strings.Contains(a, "=") {
		return false
	}
	if runValueOptions[a] {
		return true
	}
	if len(a) < 3 || a[0] != '-' || a[1] == '-' {
		return false
	}
	for i := 1; i < len(a); i++ {
		if runValueOptions["-"+a[i:i+1]] {
			return i == len(a)-1
		}
	}
	return false
}

// mayTakeValue reports whether the word after a may be a's value: a is
// an option without an attached value that is not known to take none.
func mayTakeValue(a string) bool {
	if takesValue(a) {
		return true
	}
	if len(a) > 2 && a[0] == '-' && a[1] != '-' && !strings.Contains(a, "=") {
		// A cluster of known flags (-dit), or one whose value follows
		// its letter (-p80:80), takes no value. An unknown letter may.
		for i := 1; i < len(a); i++ {
			letter := "-" + a[i:i+1]
			if runValueOptions[letter] {
				return false
			}
			if !runFlagOptions[letter] {
				return true
			}
		}
		return false
	}
	return strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && !runFlagOptions[a]
}

// parseRun reads a docker or podman [container] run command. The image is
// a copy tool's image (toolImages) in a place an image may be: after
// options, where no known option takes it as a value, and before any word
// that no option may take. Otherwise it is the first word that is no
// option or option value (runValueOptions).
func parseRun(words []string) (containerRun, bool) {
	var run containerRun
	if len(words) < 3 || words[0] != "docker" && words[0] != "podman" {
		return run, false
	}
	args := words[1:]
	if args[0] == "container" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] != "run" {
		return run, false
	}
	args = args[1:]
	image := -1
	for i, a := range args {
		if r, isImage := parseImage(a); isImage && toolImages[r.Name()] != "" && (i == 0 || !takesValue(args[i-1])) {
			image, run.tool = i, toolImages[r.Name()]
			break
		}
		if !strings.HasPrefix(a, "-") && (i == 0 || !mayTakeValue(args[i-1])) {
			// a is the image, so the words after it are its command.
			break
		}
	}
	if image < 0 {
		for i := 0; i < len(args); i++ {
			a := args[i]
			if !strings.HasPrefix(a, "-") {
				image = i
				break
			}
			if takesValue(a) {
				i++
			}
		}
	}
	if image < 0 {
		return run, false
	}
	run.image, run.rest = args[image], args[image+1:]

	var targets []string // the container paths that mounts write
	dockerConfig := ""   // the DOCKER_CONFIG that -e passes in
	for i, a := range args[:image] {
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue && i+1 < image {
			value = args[i+1]
		}
		switch {
		case name == "-v" || name == "--volume":
			run.mountsAuth = run.mountsAuth || mountsAuthFile(strings.Split(value, ":"))
			targets = append(targets, volumeTarget(value))
		case strings.HasPrefix(a, "-v") && !strings.HasPrefix(a, "--"):
			run.mountsAuth = run.mountsAuth || mountsAuthFile(strings.Split(a[2:], ":"))
			targets = append(targets, volumeTarget(a[2:]))
		case name == "--mount":
			// A comma-separated list of key=value fields, whose source
			// and target are paths.
			var paths []string
			for _, field := range strings.Split(value, ",") {
				k, v, _ := strings.Cut(field, "=")
				switch k {
				case "source", "src":
					paths = append(paths, v)
				case "target", "destination", "dst":
					paths = append(paths, v)
					targets = append(targets, v)
				}
			}
			run.mountsAuth = run.mountsAuth || mountsAuthFile(paths)
		case name == "--entrypoint":
			run.entrypoint = value
		case name == "-e" || name == "--env":
			// -e NAME passes the job's value, and -e NAME=VALUE sets one.
			envName, envValue, set := strings.Cut(value, "=")
			if envName == "DOCKER_CONFIG" {
				dockerConfig = "$DOCKER_CONFIG"
				if set {
					dockerConfig = envValue
				}
			}
		}
	}
	if dockerConfig != "" {
		for _, t := range targets {
			if samePath(t, dockerConfig) {
				run.mountsAuth = true
			}
		}
	}
	return run, true
}

// volumeTarget returns the container path of a -v value,
// SOURCE:TARGET[:OPTIONS], or TARGET alone for an anonymous volume.
func volumeTarget(v string) string {
	fields := strings.Split(v, ":")
	if len(fields) > 1 {
		return fields[1]
	}
	return fields[0]
}

// samePath reports whether two paths, as written, name one folder:
// ${DOCKER_CONFIG} is $DOCKER_CONFIG, and a trailing slash is dropped.
func samePath(a, b string) bool {
	clean := func(p string) string {
		p = strings.ReplaceAll(p, "${DOCKER_CONFIG}", "$DOCKER_CONFIG")
		if len(p) > 1 {
			p = strings.TrimSuffix(p, "/")
		}
		return p
	}
	return clean(a) == clean(b)
}

// mountsAuthFile reports whether one of the paths of a mount is a registry
// auth file or a .docker directory.
func mountsAuthFile(paths []string) bool {
	for _, p := range paths {
		if authFileNames[path.Base(strings.TrimSuffix(p, "/"))] {
			return true
		}
	}
	return false
}
