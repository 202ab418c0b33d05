// Package registry reads, from CI shell scripts, the logins to container
// registries and the images pushed after them. A login names the
// credential a job hands to a registry, and a push names an image that
// credential can publish. Scripts are parsed as bash (shellscan), so the
// commands of groups, substitutions and pipelines over several lines are
// read, and the lines of here-documents are not. Nothing is run or
// expanded. A script that does not parse as bash is read line by line.
package registry

import (
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// DockerHub is the host that stands for Docker Hub and its aliases.
const DockerHub = "docker.io"

// Login is one registry login of a script.
type Login struct {
	// Host is the registry host, DockerHub for Docker Hub.
	Host string
	// Vars are the variables the password comes from: those of the
	// pipeline stages before a --password-stdin login or of its here-string,
	// or those of a --password value.
	Vars []string
	// AWS marks a password that `aws ecr get-login-password` (or
	// ecr-public) prints from the job's AWS credentials.
	AWS bool
	// GCP marks a login with the job's Google Cloud credentials: gcloud
	// as Docker's credential helper after `gcloud auth configure-docker`,
	// or a password that `gcloud auth print-access-token` prints.
	GCP bool
	// Literal is a password written into the script itself (-p VALUE
	// naming no variable). Callers match it to the script's literal
	// credentials and must not keep it.
	Literal string
	// Line is the script's line, from 1.
	Line int
}

// Push is one image a script pushes, or names after a login.
type Push struct {
	Image image.Ref
	Line  int
	// Direct marks a push command (docker push, buildx --push). Without
	// it, a command other than docker only names the image among its
	// arguments, as a release tool that pushes it does.
	Direct bool
	// Isolated marks a write from inside a container that the job's
	// Docker config does not reach, so the job's logins do not count for
	// it.
	Isolated bool
	// Logins are the logins that count for this push alone, to its
	// image's registry: the credentials given to the container it runs
	// in.
	Logins []Login
}

// NormalHost returns the host a registry name logs in to: a login to
// "registry.hub.docker.com/gitlab" logs in to Docker Hub.
func NormalHost(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "https://"), "http://")
	host, _, _ := strings.Cut(s, "/")
	switch host {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		return DockerHub
	}
	return host
}

// ImageHost returns the registry host of an image, DockerHub for Docker Hub.
func ImageHost(r image.Ref) string { return NormalHost(r.Registry) }

var (
	// varRef captures a variable that a shell reads: $NAME or ${NAME},
	// and PowerShell's $env:NAME, whose drive name matches in any case.
	varRef = regexp.MustCompile(`\$\{?(?:[Ee][Nn][Vv]:)?([A-Za-z_][A-Za-z0-9_]*)`)
	// anyShellRef is a variable reference of a POSIX shell ($NAME,
	// ${NAME}), PowerShell ($env:NAME, "env" in any case) or cmd.exe
	// (%NAME%). A cmd.exe name has two or more upper-case letters, digits
	// or underscores, so that a date format such as %Y%m%d does not match.
	anyShellRef = regexp.MustCompile(`\$(?i:env):([A-Za-z_][A-Za-z0-9_]*)|\$\{?([A-Za-z_][A-Za-z0-9_]*)|%([A-Z_][A-Z0-9_]+)%`)
	// wholeReference is a word that is one shell variable or one GitHub
	// Actions expression.
	wholeReference = regexp.MustCompile(`^(\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\{\{[^}]*\}\})$`)
	// assignment is a shell variable assignment before a command.
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
)

// Scan returns the logins and pushes of a script, in order. expand, when
// not nil, replaces the variables the CI system sets in registry hosts and
// image names; variable names of passwords are read before it.
//
// The shell script that a docker or podman run command runs (RunShell) is
// scanned as a script of its own, one level deep: a shell script inside it
// is not read.
func Scan(script string, expand func(string) string) (logins []Login, pushes []Push) {
	if expand == nil {
		expand = func(s string) string { return s }
	}
	return scan(script, expand, false)
}

// scan reads a script for Scan. nested is set for the script of a
// container's shell, whose own containers' shell scripts are not read.
// The script is parsed as bash (shellscan), so the commands of groups,
// substitutions and pipelines over several lines are read. A script that
// does not parse as bash is read line by line instead (scanLines).
func scan(script string, expand func(string) string, nested bool) (logins []Login, pushes []Push) {
	// The logins of Docker config files are read line by line. Each
	// comes before the commands of its line.
	var configs []Login
	for _, l := range logicalLines(script) {
		if cl, ok := configLogin(l.text, expand); ok {
			cl.Line = l.start + 1
			configs = append(configs, cl)
		}
	}
	flush := func(line int) {
		for len(configs) > 0 && configs[0].Line <= line {
			logins = append(logins, configs[0])
			configs = configs[1:]
		}
	}
	_, err := shellscan.Scan(script, ".", nil, shellscan.Options{}, func(c *shellscan.Command) bool {
		flush(c.Line)
		if c.Keyword {
			return true
		}
		words := c.Args()
		for _, r := range c.Redirs {
			// A redirection is one word, as the line reader gives it
			// when written without blanks: 2>&1, <<<"$PW".
			words = append(words, r.N+r.Op+r.Word.Text)
		}
		logins, pushes = scanCommand(logins, pushes, command(words), c.Piped, c.Line, expand, nested)
		return true
	})
	if err != nil {
		return scanLines(script, expand, nested)
	}
	flush(math.MaxInt)
	return logins, pushes
}

// scanLines is scan for a script that does not parse as bash: each
// logical line is split into commands at ;, && and || and into pipeline
// stages at |, outside quotes.
func scanLines(script string, expand func(string) string, nested bool) (logins []Login, pushes []Push) {
	for _, l := range logicalLines(script) {
		start, ln := l.start, l.text
		if cl, ok := configLogin(ln, expand); ok {
			cl.Line = start + 1
			logins = append(logins, cl)
		}
		// Commands first, then the stages of each command's pipeline, so
		// that only the stages piped into a login feed its password.
		for _, cmd := range splitCommands(ln) {
			stages := splitOutside(cmd, "|")
			for si, stage := range stages {
				words := command(fields(strings.TrimSpace(strings.Trim(strings.TrimSpace(stage), "()"))))
				logins, pushes = scanCommand(logins, pushes, words, stages[:si], start+1, expand, nested)
			}
		}
	}
	return logins, pushes
}

// scanCommand appends the logins and pushes of one command, given as its
// words without the prefixes that run it (command). before are the
// pipeline stages that feed it, and line its line.
func scanCommand(logins []Login, pushes []Push, words, before []string, line int, expand func(string) string, nested bool) ([]Login, []Push) {
	words = WithoutGlobalOptions(words)
	if len(words) < 2 {
		return logins, pushes
	}
	if hosts, ok := ConfigureDockerHosts(words); ok {
		for _, h := range hosts {
			logins = append(logins, Login{Host: h, GCP: true, Line: line})
		}
	}
	if args, ok := LoginArgs(words); ok {
		if l, ok := login(args, before, expand); ok {
			l.Line = line
			logins = append(logins, l)
		}
		return logins, pushes
	}
	if shells[path.Base(words[0])] && !nested {
		// sh -c SCRIPT runs its script in the job: its logins
		// and writes are the job's. One level is read.
		if inner, ok := shellScript(words[1:]); ok {
			il, ip := scan(inner, expand, true)
			for i := range il {
				il[i].Line = line
			}
			for i := range ip {
				ip[i].Line = line
			}
			logins, pushes = append(logins, il...), append(pushes, ip...)
			return logins, pushes
		}
	}
	if inner, mountsAuth, isShell := RunShell(words); isShell && !nested {
		pushes = appendContainerScript(pushes, inner, mountsAuth, expand, line)
		return logins, pushes
	}
	run, mountsAuth, isRun := RunTool(words)
	switch tool := words[0]; {
	case isRun:
		pushes = appendContainerWrite(pushes, Writes(run, expand), mountsAuth, before, line)
	case tool == "docker" || tool == "podman" || tool == "buildah":
		for _, ref := range pushed(words[1:], expand) {
			pushes = append(pushes, Push{Image: ref, Line: line, Direct: true})
		}
	case copyTools[tool] || path.Base(tool) == "executor":
		logins, pushes = appendWrite(logins, pushes, Writes(words, expand), before, line)
	default:
		for _, w := range words[1:] {
			if r, ok := namedImage(expand(w)); ok {
				pushes = append(pushes, Push{Image: r, Line: line})
			}
		}
	}
	return logins, pushes
}

// appendWrite appends the images that a write command writes, and the
// login to their registry that its own credential options make. before
// are the pipeline stages that feed the command.
func appendWrite(logins []Login, pushes []Push, w Write, before []string, line int) ([]Login, []Push) {
	if len(w.Images) == 0 {
		return logins, pushes
	}
	if l, ok := ownLogin(w, before, line); ok {
		logins = append(logins, l)
	}
	for _, ref := range w.Images {
		pushes = append(pushes, Push{Image: ref, Line: line, Direct: true})
	}
	return logins, pushes
}

// appendContainerWrite appends the images that a write command run in a
// container writes. The login of its own credential options counts for
// these images alone, because it is made inside the container. The job's
// logins count too when its Docker config is mounted (mountsAuth).
// Without either, nothing the input shows logs the container in, so no
// image is appended.
func appendContainerWrite(pushes []Push, w Write, mountsAuth bool, before []string, line int) []Push {
	if len(w.Images) == 0 {
		return pushes
	}
	l, own := ownLogin(w, before, line)
	if !own && !mountsAuth {
		return pushes
	}
	for _, ref := range w.Images {
		p := Push{Image: ref, Line: line, Direct: true, Isolated: !mountsAuth}
		if own && ImageHost(ref) == l.Host {
			p.Logins = []Login{l}
		}
		pushes = append(pushes, p)
	}
	return pushes
}

// appendContainerScript appends the pushes of the shell script that a
// container runs, all at the line of its run command. The logins that the
// script makes stay in the container, so each counts for the script's
// pushes to its registry alone. The job's logins count too when its Docker
// config is mounted (mountsAuth). A push that no login the input shows
// would count for is not appended.
func appendContainerScript(pushes []Push, script string, mountsAuth bool, expand func(string) string, line int) []Push {
	innerLogins, innerPushes := scan(script, expand, true)
	for _, p := range innerPushes {
		p.Line = line
		if !p.Isolated {
			// A push from a container that this one starts gets
			// none of this container's logins.
			for _, l := range innerLogins {
				if l.Host == ImageHost(p.Image) {
					p.Logins = append(p.Logins, l)
				}
			}
		}
		p.Isolated = p.Isolated || !mountsAuth
		for i := range p.Logins {
			p.Logins[i].Line = line
		}
		if p.Isolated && len(p.Logins) == 0 {
			continue
		}
		pushes = append(pushes, p)
	}
	return pushes
}

// ownLogin returns the login that a write command's own credential options
// make, to the registry of its first image. before are the pipeline
// stages that feed the command.
func ownLogin(w Write, before []string, line int) (Login, bool) {
	var l Login
	for _, c := range w.Creds {
		l.password(c)
	}
	if w.PasswordStdin {
		l.stdin(before)
		for _, h := range w.HereStrings {
			l.Vars = append(l.Vars, refs(h)...)
		}
	}
	if len(l.Vars) == 0 && l.Literal == "" && !l.AWS && !l.GCP {
		return Login{}, false
	}
	l.Host, l.Line = ImageHost(w.Images[0]), line
	return l, true
}

// containerTools are the commands that log in to registries and push.
var containerTools = map[string]bool{
	"docker": true, "podman": true, "buildah": true,
	"skopeo": true, "crane": true, "oras": true, "regctl": true,
}

// MayWriteImages reports whether a script names a tool that LoginArgs,
// Writes, RunTool, RunShell or ConfigureDockerHosts read, or an "auths"
// object that ConfigLogin reads. A script for which it reports false
// logs in to no registry, writes no image and writes no Docker config.
func MayWriteImages(script string) bool {
	for _, tool := range []string{"docker", "podman", "buildah", "skopeo", "crane", "oras", "regctl", "executor", "gcloud", "auths"} {
		if strings.Contains(script, tool) {
			return true
		}
	}
	return false
}

// copyTools are the commands, other than the container engines, that
// write images to a registry (see Writes). Kaniko's executor is known by
// its file name.
var copyTools = map[string]bool{"skopeo": true, "crane": true, "oras": true, "regctl": true}

// LoginArgs returns the arguments of a registry login command after its
// subcommand. regctl names its user and password options --user, --pass
// and --pass-stdin, so they are renamed to the options that the other
// tools use.
func LoginArgs(words []string) ([]string, bool) {
	switch {
	case words[1] == "login" && (words[0] == "docker" || words[0] == "podman" || words[0] == "buildah" ||
		words[0] == "skopeo"):
		return words[2:], true
	case words[1] == "login" && words[0] == "oras":
		// An identity token is the password of a token login.
		return renameOptions(words[2:], map[string]string{
			"--identity-token": "--password", "--identity-token-stdin": "--password-stdin",
		}), true
	case len(words) > 2 && words[0] == "crane" && words[1] == "auth" && words[2] == "login":
		return words[3:], true
	case words[0] == "crane" && words[1] == "login":
		// An alias of crane auth login.
		return words[2:], true
	case len(words) > 2 && words[0] == "regctl" && words[1] == "registry" && words[2] == "login":
		return renameOptions(words[3:], map[string]string{
			"--user": "--username", "--pass": "--password", "--pass-stdin": "--password-stdin",
		}), true
	}
	return nil, false
}

// renameOptions returns a copy of args with the options that names maps
// renamed, written alone or with "=VALUE".
func renameOptions(args []string, names map[string]string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		name, value, hasValue := strings.Cut(a, "=")
		to, ok := names[name]
		switch {
		case !ok:
		case hasValue:
			out[i] = to + "=" + value
		default:
			out[i] = to
		}
	}
	return out
}

// groupCommands are, by tool, the commands whose subcommand is the next
// word (regctl image copy, oras manifest push).
var groupCommands = map[string]map[string]bool{
	"regctl": {"image": true, "artifact": true, "manifest": true, "tag": true, "index": true},
	"oras":   {"manifest": true, "blob": true},
}

// orasRefWrites are the oras commands that write to the repository of
// their first argument, REF.
var orasRefWrites = map[string]bool{
	"push": true, "attach": true, "tag": true, "manifest push": true, "blob push": true,
}

// regctlRefWrites are the regctl commands, with their aliases, that write
// to the repository of their one argument, REF. manifest put pushes the
// manifest read from stdin, and index create, add and delete push an
// index. tag delete deletes a tag, and on a registry without the tag
// delete API it pushes a placeholder manifest first. The source is
// regctl's cmd/regctl/manifest.go, tag.go and index.go.
var regctlRefWrites = map[string]bool{
	"manifest put": true, "manifest push": true,
	"tag delete": true, "tag del": true, "tag rm": true, "tag remove": true,
	"index create": true, "index init": true, "index new": true, "index put": true,
	"index add": true, "index append": true, "index insert": true,
	"index delete": true, "index del": true, "index rm": true, "index remove": true,
}

// copyValueOptions are, by tool, the options of the commands that Writes
// reads that take their value as the next word, so that the value is not
// read as an image.
var copyValueOptions = map[string]map[string]bool{
	"skopeo": {"--authfile": true, "--src-authfile": true, "--dest-authfile": true, "--src-creds": true, "--dest-creds": true,
		"--src-registry-token": true, "--dest-registry-token": true, "--src-cert-dir": true, "--dest-cert-dir": true,
		"--format": true, "-f": true, "--sign-by": true, "--sign-by-sigstore": true, "--sign-by-sigstore-private-key": true,
		"--sign-passphrase-file": true, "--sign-identity": true, "--additional-tag": true, "--multi-arch": true,
		"--retry-times": true, "--retry-delay": true, "--encryption-key": true, "--decryption-key": true,
		"--dest-compress-format": true, "--dest-compress-level": true, "--digestfile": true,
		"--image-parallel-copies": true, "--src-shared-blob-dir": true, "--dest-shared-blob-dir": true,
		"--src-username": true, "--src-password": true, "--dest-username": true, "--dest-password": true,
		"--src-daemon-host": true, "--dest-daemon-host": true, "--encrypt-layer": true,
		// sync
		"--src": true, "-s": true, "--dest": true, "-d": true, "--append-suffix": true},
	"crane": {"--platform": true, "--new_layer": true, "-b": true, "--base": true, "--annotation": true,
		"--append": true, "--entrypoint": true, "--cmd": true, "--env": true, "--label": true, "-l": true,
		"--workdir": true, "--user": true, "--jobs": true, "-j": true, "--old_base": true, "--new_base": true,
		"-o": true, "--output": true, "-t": true, "--tag": true, "--new_tag": true, "-f": true, "--image-refs": true,
		"-r": true, "--repo": true, "-e": true, "-u": true, "--original": true, "--rebased": true},
	"oras": {"--artifact-type": true, "-a": true, "--annotation": true, "--annotation-file": true, "--config": true,
		"--export-manifest": true, "--concurrency": true, "--format": true, "--template": true, "--platform": true,
		"--artifact-platform": true, "--oci-layout-path": true, "--username": true, "-u": true, "--password": true,
		"-p": true, "--identity-token": true, "--registry-config": true, "--ca-file": true, "--cert-file": true,
		"--key-file": true, "--resolve": true, "--header": true, "-H": true, "--distribution-spec": true,
		"--image-spec":    true,
		"--from-username": true, "--from-password": true, "--from-registry-config": true, "--from-ca-file": true,
		"--from-cert-file": true, "--from-key-file": true, "--from-resolve": true, "--from-header": true,
		"--from-distribution-spec": true, "--from-oci-layout-path": true,
		"--to-username": true, "--to-password": true, "--to-registry-config": true, "--to-ca-file": true,
		"--to-cert-file": true, "--to-key-file": true, "--to-resolve": true, "--to-header": true,
		"--to-distribution-spec": true, "--to-oci-layout-path": true,
		// manifest push, blob push
		"--media-type": true, "--size": true},
	"regctl": {"--platform": true, "-p": true, "--platforms": true, "--format": true, "--referrers-src": true,
		"--referrers-tgt": true, "--name": true,
		// image mod
		"--create": true, "--annotation": true, "--annotation-base": true, "--buildarg-rm": true,
		"--buildarg-rm-regex": true, "--config-platform": true, "--config-time": true, "--config-time-max": true,
		"--data-max": true, "--expose-add": true, "--expose-rm": true, "--file-tar-time": true,
		"--file-tar-time-max": true, "--label": true, "--layer-rm-created-by": true, "--layer-rm-index": true,
		"--layer-strip-file": true, "--layer-time": true, "--layer-time-max": true, "--rebase-ref": true,
		"--time": true, "--time-max": true, "--volume-add": true, "--volume-rm": true,
		// artifact put
		"--artifact-type": true, "--config-file": true, "--config-media-type": true, "--file": true, "-f": true,
		"--file-media-type": true, "-m": true, "--manifest-media-type": true, "--media-type": true,
		"--subject": true, "--refers": true,
		// manifest put
		"--content-type": true, "-t": true,
		// index create, add and delete
		"--ref": true, "--digest": true, "--desc-annotation": true, "--desc-platform": true},
	"executor": {"--context": true, "-c": true, "--dockerfile": true, "--build-arg": true, "--cache-repo": true,
		"--target": true, "--tar-path": true, "--digest-file": true, "--image-name-with-digest-file": true,
		"--image-name-tag-with-digest-file": true, "--registry-mirror": true, "--kaniko-dir": true,
		"--snapshot-mode": true, "--verbosity": true, "--custom-platform": true, "--label-file": true,
		"--insecure-registry": true, "--skip-tls-verify-registry": true, "--registry-certificate": true,
		"--registry-client-cert": true, "--ignore-path": true, "--cache-dir": true, "--cache-ttl": true,
		"--git": true, "--compression": true, "--compression-level": true, "--push-retry": true,
		"--image-fs-extract-retry": true, "--reproducible-time": true, "--log-format": true,
		"--destination": true, "-d": true},
}

// Write describes the images that one command writes to a registry, and
// the credentials that its own options give.
type Write struct {
	// Images are the images it writes.
	Images []image.Ref
	// Creds are the passwords and tokens its own options give for the
	// registry it writes, as written (a variable, an expression or a
	// value). Callers must not keep a value.
	Creds []string
	// PasswordStdin marks a password read from standard input (oras push
	// --password-stdin).
	PasswordStdin bool
	// HereStrings are the words that here-strings (<<< WORD) feed to the
	// command's standard input, as written.
	HereStrings []string
}

// Writes reads a command, split into words, that writes images to a
// registry:
//   - skopeo copy SRC DST, whose destination is written when it is a
//     docker:// reference, and skopeo sync --src docker --dest docker
//     SRC DEST (see skopeoSyncDestination), with the credentials of
//     --dest-creds, --dest-password or --dest-registry-token;
//   - crane push TARBALL IMAGE, crane copy|cp SRC DST, crane tag IMAGE TAG,
//     crane append with -t (--new_tag), crane mutate with -t (--tag) or
//     -r (--repo) or else over its images, and crane rebase with -t or
//     else over its image, unless append or mutate saves to a tarball
//     with -o (--output);
//   - oras push|attach REF FILES, oras tag REF TAGS, oras manifest push
//     REF FILE, oras blob push REF FILE, oras cp|copy SRC DST, with
//     --to-password or, for the others, --password or --password-stdin,
//     unless the target is an OCI image layout (--oci-layout,
//     --to-oci-layout);
//   - regctl image copy|cp SRC DST, regctl image mod REF (to --create
//     NEW, or else REF's repository), regctl image import REF TAR,
//     regctl artifact put|push REF (or, without REF, its --subject), and
//     the commands of regctlRefWrites (manifest put, tag delete, index
//     create|add|delete REF);
//   - Kaniko's executor with --destination (-d), unless --no-push is set,
//     and its cache repository with --cache=true (see kanikoCacheRepo).
//
// expand replaces the variables of the CI system in image names.
func Writes(words []string, expand func(string) string) Write {
	var w Write
	if len(words) < 2 {
		return w
	}
	tool, args := words[0], words[1:]
	if !copyTools[tool] {
		tool = path.Base(tool)
	}
	var sub string
	switch {
	case copyTools[tool] && len(args) > 0:
		sub, args = args[0], args[1:]
		if groupCommands[tool][sub] && len(args) > 0 {
			sub, args = sub+" "+args[0], args[1:]
		}
	case tool != "executor":
		return w
	}
	parsed := readArgs(args, tool, copyValueOptions[tool])
	pos, opts, noPush := parsed.positional, parsed.options, parsed.noPush
	w.HereStrings = parsed.hereStrings
	var tags, dests []string

	for _, name := range []string{"-t", "--tag", "--new_tag"} {
		tags = append(tags, opts[name]...)
	}
	switch {
	case tool == "skopeo" && sub == "copy" && len(pos) >= 2:
		dst, ok := strings.CutPrefix(pos[len(pos)-1], "docker://")
		if !ok {
			return w
		}
		dests = append(dests, dst)
		w.Creds = skopeoDestCreds(opts)
	case tool == "skopeo" && sub == "sync" && len(pos) >= 2:
		dst, ok := skopeoSyncDestination(opts, pos[0], pos[1], expand)
		if !ok {
			return w
		}
		dests = append(dests, dst)
		w.Creds = skopeoDestCreds(opts)
	case tool == "crane" && sub == "push" && len(pos) >= 2:
		dests = append(dests, pos[1])
	case tool == "crane" && (sub == "copy" || sub == "cp") && len(pos) >= 2:
		dests = append(dests, pos[1])
	case tool == "crane" && sub == "tag" && len(pos) >= 1:
		dests = append(dests, pos[0])
	case tool == "crane" && (sub == "append" || sub == "mutate") && len(opts["-o"])+len(opts["--output"]) > 0:
		// The image is saved to the output tarball, not pushed.
	case tool == "crane" && sub == "append":
		dests = append(dests, tags...)
	case tool == "crane" && sub == "mutate":
		// Without a tag, mutate pushes by digest to the repository of
		// -r, or else over each image it is given.
		repos := append(slices.Clone(opts["-r"]), opts["--repo"]...)
		switch {
		case len(tags) > 0:
			dests = append(dests, tags...)
		case len(repos) > 0:
			dests = append(dests, repos...)
		default:
			dests = append(dests, pos...)
		}
	case tool == "crane" && sub == "rebase":
		// --rebased is the older name of -t, and --original of the
		// image, which is pushed over when no tag is given.
		tags = append(tags, opts["--rebased"]...)
		if len(tags) > 0 {
			dests = append(dests, tags...)
		} else {
			dests = append(append(dests, opts["--original"]...), pos...)
		}
	case tool == "oras" && orasRefWrites[sub] && len(pos) >= 1 && !layoutTarget(opts, "--"):
		// attach pushes an artifact that refers to REF, and tag adds
		// tags, both in REF's repository. push and manifest push take
		// the tags of REF as a comma-separated list (name:v1,v2).
		ref, _, _ := strings.Cut(pos[0], ",")
		dests = append(dests, ref)
		w.PasswordStdin = len(opts["--password-stdin"]) > 0
		w.Creds = append(append(w.Creds, opts["--password"]...), opts["-p"]...)
	case tool == "oras" && (sub == "cp" || sub == "copy") && len(pos) >= 2 && !layoutTarget(opts, "--to-"):
		dests = append(dests, pos[1])
		w.Creds = append(w.Creds, opts["--to-password"]...)
	case tool == "regctl" && (sub == "image copy" || sub == "image cp" || sub == "artifact copy") && len(pos) >= 2:
		dests = append(dests, pos[1])
	case tool == "regctl" && sub == "image mod" && len(pos) >= 1:
		// The modified image goes to --create, which names a tag of
		// REF's repository unless it holds a "/" or ":", or else to
		// REF's repository (regctl's runImageMod).
		dest := pos[0]
		if c := opts["--create"]; len(c) > 0 && strings.ContainsAny(c[len(c)-1], "/:") {
			dest = c[len(c)-1]
		}
		dests = append(dests, dest)
	case tool == "regctl" && (sub == "image import" || regctlRefWrites[sub]) && len(pos) >= 1:
		dests = append(dests, pos[0])
	case tool == "regctl" && (sub == "artifact put" || sub == "artifact push"):
		// Without REF, the artifact goes to its subject's repository.
		switch {
		case len(pos) >= 1:
			dests = append(dests, pos[0])
		case len(opts["--subject"]) > 0:
			dests = append(dests, opts["--subject"]...)
		default:
			dests = append(dests, opts["--refers"]...)
		}
	case tool == "executor":
		if !noPush {
			dests = append(dests, opts["--destination"]...)
		}
		if cache, ok := kanikoCacheRepo(opts, expand); ok {
			dests = append(dests, cache)
		}
	}
	for _, d := range dests {
		if r, ok := parseImage(expand(d)); ok && !strings.Contains(r.Name(), "$") {
			w.Images = append(w.Images, r)
		}
	}
	return w
}

// writeArgs are the arguments of a command that Writes reads, sorted out.
type writeArgs struct {
	positional []string
	// options maps each option to its values, "true" for a boolean one.
	options map[string][]string
	// hereStrings are the words that here-strings feed, as written.
	hereStrings []string
	noPush      bool
}

// readArgs sorts the arguments of a tool's command after its subcommand
// into positional words, options and here-strings. valueOptions are the
// tool's options that take the next word as their value.
func readArgs(args []string, tool string, valueOptions map[string]bool) writeArgs {
	out := writeArgs{options: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case strings.HasPrefix(arg, "<<<"):
			src := strings.TrimPrefix(arg, "<<<")
			if src == "" && i+1 < len(args) {
				i++
				src = args[i]
			}
			out.hereStrings = append(out.hereStrings, src)
		case strings.HasPrefix(arg, "<") || strings.HasPrefix(arg, ">") || strings.HasPrefix(arg, "2>"):
			// A redirection, whose file is no argument of the command.
			if arg == "<" || arg == ">" || arg == ">>" || arg == "2>" {
				i++
			}
		case arg == "--no-push":
			out.noPush = true
		case strings.HasPrefix(arg, "--no-push="):
			// A boolean option takes an explicit value after "=" only,
			// in any spelling strconv.ParseBool reads.
			out.noPush, _ = strconv.ParseBool(strings.TrimPrefix(arg, "--no-push="))
		case strings.HasPrefix(arg, "-"):
			name, value, hasValue := strings.Cut(arg, "=")
			if !hasValue && valueOptions[name] {
				if i+1 >= len(args) {
					continue
				}
				i++
				value, hasValue = args[i], true
			}
			if !hasValue {
				value = "true" // a boolean option
			}
			if tool == "executor" && name == "-d" {
				// One list keeps Kaniko's destinations in order, because
				// the first one names the default cache repository.
				name = "--destination"
			}
			out.options[name] = append(out.options[name], value)
		default:
			out.positional = append(out.positional, arg)
		}
	}
	return out
}

// kanikoCacheRepo returns the repository that Kaniko's executor pushes
// cache layers to: with --cache=true, unless --no-push-cache is set, the
// --cache-repo, or else the first destination's repository with /cache
// appended (Kaniko's --cache-repo help and its pkg/cache). --no-push does
// not stop it. A --cache-repo with the oci: prefix is an OCI layout on
// disk, which is no registry.
func kanikoCacheRepo(opts map[string][]string, expand func(string) string) (string, bool) {
	on := func(name string) bool {
		v := opts[name]
		if len(v) == 0 {
			return false
		}
		b, err := strconv.ParseBool(v[len(v)-1])
		return err == nil && b
	}
	if !on("--cache") || on("--no-push-cache") {
		return "", false
	}
	if repos := opts["--cache-repo"]; len(repos) > 0 {
		repo := repos[len(repos)-1]
		return repo, !strings.HasPrefix(repo, "oci:")
	}
	if dests := opts["--destination"]; len(dests) > 0 {
		if r, ok := parseImage(expand(dests[0])); ok {
			return r.Name() + "/cache", true
		}
	}
	return "", false
}

// skopeoDestCreds returns the passwords and tokens that skopeo's
// options give for the destination registry.
func skopeoDestCreds(opts map[string][]string) []string {
	var creds []string
	for _, c := range opts["--dest-creds"] {
		// USER:PASSWORD, or USER alone, which makes skopeo ask. A value
		// that is one variable or expression is expanded before skopeo
		// splits it, so it holds both.
		if _, pw, ok := strings.Cut(c, ":"); ok {
			creds = append(creds, pw)
		} else if wholeReference.MatchString(c) {
			creds = append(creds, c)
		}
	}
	creds = append(creds, opts["--dest-password"]...)
	return append(creds, opts["--dest-registry-token"]...)
}

// skopeoSyncDestination returns the repository that skopeo sync writes
// from a docker source to a docker destination: DEST joined with the
// last path element of the source repository, or with its whole
// normalized name under --scoped (skopeo's cmd/skopeo/sync.go). It
// reports false for --dry-run, for other transports, and for a source
// it cannot parse.
//
// NOTE: a yaml or dir source names its images in files that are not
// read, so such a sync writes images under DEST that no Push names.
func skopeoSyncDestination(opts map[string][]string, src, dest string, expand func(string) string) (string, bool) {
	last := func(names ...string) string {
		var v []string
		for _, n := range names {
			v = append(v, opts[n]...)
		}
		if len(v) == 0 {
			return ""
		}
		return v[len(v)-1]
	}
	if last("--src", "-s") != "docker" || last("--dest", "-d") != "docker" {
		return "", false
	}
	if on, err := strconv.ParseBool(last("--dry-run")); err == nil && on {
		return "", false
	}
	r, ok := parseImage(expand(src))
	if !ok || strings.Contains(r.Name(), "$") {
		return "", false
	}
	suffix := path.Base(r.Path)
	if on, err := strconv.ParseBool(last("--scoped")); err == nil && on {
		// The normalized name spells out Docker Hub and its library/
		// namespace.
		host, repo := r.Registry, r.Path
		if host == "" {
			host = DockerHub
			if !strings.Contains(repo, "/") {
				repo = "library/" + repo
			}
		}
		suffix = host + "/" + repo
	}
	return strings.TrimSuffix(dest, "/") + "/" + suffix, true
}

// layoutTarget reports whether the options of an oras command, those of
// its target or with prefix "--to-" those of a copy's destination, make
// the target an OCI image layout on disk, which is no registry.
func layoutTarget(opts map[string][]string, prefix string) bool {
	if len(opts[prefix+"oci-layout-path"]) > 0 {
		return true
	}
	v := opts[prefix+"oci-layout"]
	if len(v) == 0 {
		return false
	}
	on, err := strconv.ParseBool(v[len(v)-1])
	return err == nil && on
}

// valueOptions are the options of those tools, global or of login, that
// take their value as the next word.
var valueOptions = map[string]bool{
	"--config": true, "-c": true, "--context": true, "-H": true, "--host": true, "-l": true, "--log-level": true,
	"--tlscacert": true, "--tlscert": true, "--tlskey": true,
	"--root": true, "--runroot": true, "--storage-driver": true, "--storage-opt": true, "--url": true,
	"--connection": true, "--identity": true, "--tmpdir": true, "--runtime": true, "--cgroup-manager": true,
	"--authfile": true, "--cert-dir": true, "--compat-auth-file": true, "--registries-conf": true,
	"--registries-conf-dir": true, "--registry-config": true,
	"--ca-file": true, "--cert-file": true, "--key-file": true, "--resolve": true, "--header": true,
	"--command-timeout": true, "--override-arch": true, "--override-os": true, "--override-variant": true,
	"--policy": true, "--registries.d": true, "--platform": true,
}

// WithoutGlobalOptions returns the words of a command line without the
// global options of a registry tool (docker, podman, buildah, skopeo,
// crane, oras or regctl) before its subcommand. The words of other
// commands are returned as they are.
func WithoutGlobalOptions(words []string) []string {
	if len(words) == 0 || !containerTools[words[0]] {
		return words
	}
	return append(words[:1:1], options(words[1:])...)
}

// options returns the words after a tool's global options.
func options(words []string) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		if valueOptions[words[0]] && len(words) > 1 {
			words = words[1:]
		}
		words = words[1:]
	}
	return words
}

// shellKeywords are the reserved words of sh that may come before a
// command in one list: if docker login ...; then docker push ...; fi.
var shellKeywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true,
	"while": true, "until": true, "!": true, "{": true}

// command returns the words of a command without the prefixes that run
// it: variable assignments, shell keywords, the command and exec builtins,
// and wrappers such as sudo, env, time and timeout with their options.
func command(words []string) []string {
	for len(words) > 0 {
		switch w := words[0]; {
		case w == "command" || w == "exec" || shellKeywords[w]:
			words = words[1:]
		case assignment.MatchString(w):
			words = words[1:]
		default:
			rest, ok := pkgcmd.SkipWrapper(words)
			if !ok {
				return words
			}
			words = rest
		}
	}
	return words
}

// login reads the arguments of a login command. before are the pipeline
// stages that feed it.
// LoginHost returns the registry that the arguments of a login command
// (those after "login") name: the first that is no option, option value or
// redirection. It returns "" when they name none, which means Docker Hub.
func LoginHost(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "<<<"):
			if a == "<<<" {
				i++
			}
		case strings.HasPrefix(a, "<") || strings.HasPrefix(a, ">") || strings.HasPrefix(a, "2>"):
			if a == "<" || a == ">" || a == ">>" || a == "2>" {
				i++
			}
		case a == "-p" || a == "--password" || a == "-u" || a == "--username" || valueOptions[a]:
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}

func login(args, before []string, expand func(string) string) (Login, bool) {
	var l Login
	stdin := false
	var hereVars []string // variables of a here-string (<<<) fed to stdin
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--password-stdin":
			stdin = true
		case strings.HasPrefix(a, "<<<"):
			src := strings.TrimPrefix(a, "<<<")
			if src == "" && i+1 < len(args) {
				i++
				src = args[i]
			}
			hereVars = append(hereVars, refs(src)...)
		case strings.HasPrefix(a, "<") || strings.HasPrefix(a, ">") || strings.HasPrefix(a, "2>"):
			// A redirection, whose file is no registry.
			if a == "<" || a == ">" || a == ">>" || a == "2>" {
				i++
			}
		case a == "-p" || a == "--password":
			if i+1 < len(args) {
				l.password(args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--password="):
			l.password(strings.TrimPrefix(a, "--password="))
		case a == "-u" || a == "--username" || valueOptions[a]:
			i++
		}
	}
	host := expand(LoginHost(args))
	if stdin {
		l.stdin(before)
		l.Vars = append(l.Vars, hereVars...)
	}
	if strings.Contains(host, "$") {
		return l, false // a registry the script computes
	}
	l.Host = NormalHost(host)
	return l, len(l.Vars) > 0 || l.AWS || l.GCP || l.Literal != ""
}

var (
	// configAuths finds the first registry of the "auths" object of a
	// Docker config file that a script writes, with its quotes escaped
	// or not.
	configAuths = regexp.MustCompile(`\\?"auths\\?"\s*:\s*\{\s*\\?"([^"\\]+)\\?"\s*:`)
	// configPassword finds the "password" field of a registry's entry, up
	// to the entry's end: a script often closes its quotes around the
	// variable ("'"$PW"'").
	configPassword = regexp.MustCompile(`\\?"password\\?"\s*:([^}]*)`)
	// configEntry finds the start of a registry's entry, "host": {, which
	// ends the entry before it.
	configEntry = regexp.MustCompile(`\\?"[^"\\]+\\?"\s*:\s*\{`)
	// credentialRef finds a reference that a credential comes from: a
	// GitHub Actions expression or a shell variable.
	credentialRef = regexp.MustCompile(`\$\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*`)
	// configWrite finds the redirection or tee that writes the file: a
	// path whose last element is exactly config.json, so that
	// tsconfig.json and config.json.bak are not matched.
	configWrite = regexp.MustCompile(`(?:>>?|\btee(?:\s+-a)?)\s*["']?(?:[^\s"']*/)?config\.json(?:["'\s;&|)]|$)`)
)

// ConfigLogin reads a line that writes registry credentials into a
// Docker config file, as a Kaniko build does before its executor runs:
//
//	echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(printf "%s:%s" "$USER" "$PASS" | base64)\"}}}" > /kaniko/.docker/config.json
//
// It returns the registry of the file's first entry (DockerHub for Docker
// Hub) and the text of the entry that contains the password. That is the
// "password" field, or else the "auth" value from its second reference
// on, because the first is the user name when the value joins two. A reference is a
// shell variable or a GitHub Actions expression. Kaniko, crane and the
// container engines then log in to the registry with it. A printf
// format's conversions are read as the arguments that fill them.
//
// NOTE: only the first registry of the object is read, and a file
// written by a here-document, over several lines, is not.
func ConfigLogin(ln string, expand func(string) string) (host, password string, ok bool) {
	w := configWrite.FindStringIndex(ln)
	m := configAuths.FindStringSubmatchIndex(ln)
	if w == nil || m == nil || m[1] > w[0] {
		return "", "", false
	}
	if strings.Contains(ln[m[2]:m[3]], "%") {
		// A printf format: the file holds its arguments in place of its
		// conversions.
		text, ok := printfOutput(ln[:w[0]])
		if !ok {
			return "", "", false
		}
		return ConfigLogin(text+" "+ln[w[0]:], expand)
	}
	host = expand(ln[m[2]:m[3]])
	if strings.Contains(host, "$") {
		return "", "", false
	}
	entry := ln[m[1]:w[0]]
	if next := configEntry.FindStringIndex(entry); next != nil {
		entry = entry[:next[0]]
	}
	password = entry
	if pm := configPassword.FindStringSubmatch(entry); pm != nil {
		password = pm[1]
	} else if all := credentialRef.FindAllStringIndex(entry, 2); len(all) > 1 {
		password = entry[all[1][0]:]
	}
	return NormalHost(host), password, true
}

// configLogin returns the login of a line that writes a Docker config file
// (ConfigLogin), whose password comes from the variables of the entry.
func configLogin(ln string, expand func(string) string) (Login, bool) {
	host, password, ok := ConfigLogin(ln, expand)
	if !ok {
		return Login{}, false
	}
	l := Login{Host: host, Vars: refs(password)}
	return l, len(l.Vars) > 0
}

// stdin records a password read from standard input, which the pipeline
// stages before the command feed.
func (l *Login) stdin(before []string) {
	for _, s := range before {
		if AWSPassword(s) {
			// The password comes from the job's AWS credentials, so the
			// variables this command reads, such as its region, are no
			// password.
			l.AWS = true
			continue
		}
		if GCloudPassword(s) {
			l.GCP = true
			continue
		}
		l.Vars = append(l.Vars, refs(s)...)
	}
}

// printfOutput returns what the printf command of a script line whose
// format holds an "auths" object prints: the format with each conversion
// replaced by its argument as written. Escapes in the format are kept.
func printfOutput(ln string) (string, bool) {
	for _, cmd := range splitCommands(ln) {
		for _, stage := range splitOutside(cmd, "|") {
			words := command(fields(stage))
			if len(words) < 2 || words[0] != "printf" || !strings.Contains(words[1], "auths") {
				continue
			}
			format, args := words[1], words[2:]
			var out strings.Builder
			for i := 0; i < len(format); i++ {
				if format[i] != '%' || i+1 == len(format) {
					out.WriteByte(format[i])
					continue
				}
				i++
				if format[i] == '%' {
					out.WriteByte('%')
					continue
				}
				// Flags, width and precision come before the verb letter.
				for i < len(format)-1 && !unicode.IsLetter(rune(format[i])) {
					i++
				}
				if len(args) > 0 && !strings.HasPrefix(args[0], ">") && !strings.HasPrefix(args[0], "<") {
					out.WriteString(args[0])
					args = args[1:]
				}
			}
			return out.String(), true
		}
	}
	return "", false
}

// password records the value of a password option: the variables it
// reads, or the value itself when it reads none.
func (l *Login) password(v string) {
	vars := refs(v)
	l.Vars = append(l.Vars, vars...)
	if len(vars) == 0 && !strings.Contains(v, "$") && v != "" {
		l.Literal = v
	}
}

// pushed returns the images a docker, podman or buildah command pushes.
func pushed(args []string, expand func(string) string) []image.Ref {
	var out []image.Ref
	switch {
	case args[0] == "push", len(args) > 1 && args[0] == "image" && args[1] == "push":
		for _, a := range args[1:] {
			if a == "push" || strings.HasPrefix(a, "-") {
				continue
			}
			if r, ok := parseImage(expand(a)); ok {
				out = append(out, r)
			}
			break
		}
	default:
		// docker build --push -t IMG, docker buildx build --push --tag IMG
		push := false
		var tags []string
		for i, a := range args {
			switch {
			case a == "--push":
				push = true
			case (a == "-o" || a == "--output") && i+1 < len(args):
				push = push || PushOutput(args[i+1])
			case strings.HasPrefix(a, "--output="):
				push = push || PushOutput(strings.TrimPrefix(a, "--output="))
			case (a == "-t" || a == "--tag") && i+1 < len(args):
				tags = append(tags, args[i+1])
			case strings.HasPrefix(a, "--tag="):
				tags = append(tags, strings.TrimPrefix(a, "--tag="))
			}
		}
		if push {
			for _, t := range tags {
				if r, ok := parseImage(expand(t)); ok {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// PushOutput reports whether a build output (buildx --output) pushes
// the image: type=registry, or an image output with push=true.
func PushOutput(spec string) bool {
	attrs := map[string]string{}
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		attrs[k] = v
	}
	return attrs["type"] == "registry" || attrs["type"] == "image" && attrs["push"] == "true"
}

// namedImage reads an argument that names an image with its registry
// host: a.example.org/team/app[:tag]. A bare name could be anything.
func namedImage(w string) (image.Ref, bool) {
	first, _, ok := strings.Cut(w, "/")
	if !ok || !strings.Contains(first, ".") || strings.Contains(w, "://") {
		return image.Ref{}, false
	}
	r, ok := parseImage(w)
	if !ok || r.Registry == "" && NormalHost(first) != DockerHub {
		return image.Ref{}, false
	}
	return r, true
}

// parseImage parses an image reference whose tag or digest may be a
// variable (app:$VERSION): the name does not depend on it.
func parseImage(ref string) (image.Ref, bool) {
	start := strings.LastIndexByte(ref, '/') + 1
	if i := strings.IndexAny(ref[start:], ":@"); i >= 0 && strings.Contains(ref[start+i:], "$") {
		ref = ref[:start+i]
	}
	return image.Parse(ref)
}

// refs returns the names of the variables s reads, in a POSIX shell,
// PowerShell or cmd.exe.
func refs(s string) []string {
	var out []string
	for _, m := range anyShellRef.FindAllStringSubmatch(s, -1) {
		for _, name := range m[1:] {
			if name != "" {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// splitCommands splits a line into its commands at ;, && and ||, and
// drops the parentheses of subshells.
func splitCommands(s string) []string {
	var out []string
	for _, part := range splitOutside(s, ";", "&&", "||") {
		part = strings.TrimSpace(strings.Trim(strings.TrimSpace(part), "()"))
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// splitOutside splits s at each separator outside quotes. A "|" that is
// half of "||" is no pipe.
func splitOutside(s string, seps ...string) []string {
	var out []string
	for _, r := range splitOutsideIndex(s, seps...) {
		out = append(out, s[r[0]:r[1]])
	}
	return out
}

// splitOutsideIndex returns the start and end offsets of the parts that
// splitOutside returns.
func splitOutsideIndex(s string, seps ...string) [][2]int {
	var out [][2]int
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"':
			quote = c
			continue
		}
		for _, sep := range seps {
			if !strings.HasPrefix(s[i:], sep) {
				continue
			}
			if sep == "|" && (strings.HasPrefix(s[i:], "||") || i > 0 && s[i-1] == '|') {
				continue
			}
			out = append(out, [2]int{start, i})
			start = i + len(sep)
			i = start - 1
			break
		}
	}
	return append(out, [2]int{start, len(s)})
}

// fields splits a command into words at blanks outside quotes and removes
// the quotes, as the shell does: --destination="a b" is the one word
// --destination=a b. A backslash outside single quotes escapes the next
// character. Empty words are left out.
func fields(s string) []string {
	var out []string
	var word strings.Builder
	var quote byte
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && quote != '\'' && i+1 < len(s):
			i++
			word.WriteByte(s[i])
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			word.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			flush()
		default:
			word.WriteByte(c)
		}
	}
	flush()
	return out
}

// logicalLine is a line of a script with the lines a trailing backslash
// continues it onto, and the index of its first line, from 0.
type logicalLine struct {
	start int
	text  string
}

// logicalLines splits a script into its logical lines, joining continued
// lines and leaving out comment lines.
func logicalLines(script string) []logicalLine {
	var out []logicalLine
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		start, ln := i, lines[i]
		for strings.HasSuffix(ln, "\\") && i+1 < len(lines) {
			i++
			ln = strings.TrimSuffix(ln, "\\") + " " + lines[i]
		}
		if !strings.HasPrefix(strings.TrimSpace(ln), "#") {
			out = append(out, logicalLine{start: start, text: ln})
		}
	}
	return out
}
