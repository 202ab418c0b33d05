package registry

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// Build is an image build that one command runs.
type Build struct {
	// Dockerfile is the Dockerfile's path and Context the build context
	// folder, both relative to the repository's root ("." for the root).
	Dockerfile, Context string
	// Tags are the images the build names.
	Tags []image.Ref
	// Pushes is set when the command pushes its tags itself, and Maybe
	// when a condition the input does not decide chooses whether it does.
	Pushes, Maybe bool
	// Line is the line of the command in its script, from 1.
	Line int
	// Args and Secrets are the build arguments and the BuildKit
	// secrets the command passes to the build.
	Args    []BuildArg
	Secrets []BuildSecret
	// Target is the stage that the build builds (--target), lower-cased
	// as BuildKit compares stage names, or "" for the last stage.
	// TargetUnknown is set instead when a variable or an expression names
	// the stage.
	Target        string
	TargetUnknown bool
}

// SetTarget records the stage that a build's --target option or target
// input names. A value that reads a variable or an expression leaves the
// stage unknown.
func (b *Build) SetTarget(value string) {
	value = strings.Trim(strings.TrimSpace(value), `"'`)
	switch {
	case value == "":
		b.Target, b.TargetUnknown = "", false
	case strings.Contains(value, "$"):
		b.Target, b.TargetUnknown = "", true
	default:
		b.Target, b.TargetUnknown = strings.ToLower(value), false
	}
}

// BuildStep is a command of a job that builds an image or pushes images.
type BuildStep struct {
	// Build is the build a command runs, or nil for a push or tag command.
	Build *Build
	// Pushed are the images a push command (docker push) pushes.
	Pushed []image.Ref
	// Source and Tagged are the image that a tag command (docker tag
	// SOURCE TARGET) names and the names it gives that image.
	Source image.Ref
	Tagged []image.Ref
	// Line is the line of the step or command in its file.
	Line int
}

// BuiltImage is an image that a job builds from a Dockerfile and pushes.
type BuiltImage struct {
	Image image.Ref
	Build Build
	// Line is the line of the step that pushes it.
	Line int
}

// PushedBuilds returns the images that a job's steps, given in order,
// build and push. Those are the images a build pushes itself, and those
// a later push command pushes under a name that the build or a later tag
// command gave the built image. Images are matched by name, because a
// variable often sets the tag.
func PushedBuilds(steps []BuildStep) []BuiltImage {
	var out []BuiltImage
	seen := map[[4]string]bool{}
	add := func(img image.Ref, b Build, line int) {
		target := b.Target
		if b.TargetUnknown {
			target = "$"
		}
		k := [4]string{img.Name(), b.Dockerfile, b.Context, target}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, BuiltImage{Image: img, Build: b, Line: line})
	}
	built := map[string]Build{} // image name -> the latest build that tagged it
	for _, s := range steps {
		if s.Build != nil {
			for _, t := range s.Build.Tags {
				built[t.Name()] = *s.Build
				if s.Build.Pushes {
					add(t, *s.Build, s.Line)
				}
			}
			continue
		}
		if b, ok := built[s.Source.Name()]; ok && len(s.Tagged) > 0 {
			for _, t := range s.Tagged {
				built[t.Name()] = b
			}
		}
		for _, img := range s.Pushed {
			if b, ok := built[img.Name()]; ok {
				add(img, b, s.Line)
			}
		}
	}
	return out
}

// WorkspaceVars are the variables that CI systems set to the folder of
// the repository's clone: GitLab's CI_PROJECT_DIR, GitHub's
// GITHUB_WORKSPACE, CircleCI's CIRCLE_WORKING_DIRECTORY.
var WorkspaceVars = []string{"CI_PROJECT_DIR", "GITHUB_WORKSPACE", "CIRCLE_WORKING_DIRECTORY"}

// RepoPath returns a path that a command running in dir, a folder
// relative to the repository's root, names, made relative to the root. A
// path that starts with a workspace variable (WorkspaceVars, or GitHub's
// ${{ github.workspace }}) starts at the root. It reports false for a
// path outside the repository or one whose value the input does not show.
func RepoPath(p, dir string) (string, bool) {
	p = strings.TrimSpace(p)
	for _, v := range WorkspaceVars {
		for _, form := range []string{"${" + v + "}", "$" + v} {
			if rest, ok := strings.CutPrefix(p, form); ok && (rest == "" || rest[0] == '/') {
				p, dir = "."+rest, "."
			}
		}
	}
	for _, form := range []string{"${{ github.workspace }}", "${{github.workspace}}"} {
		if rest, ok := strings.CutPrefix(p, form); ok && (rest == "" || rest[0] == '/') {
			p, dir = "."+rest, "."
		}
	}
	if p == "" || strings.ContainsAny(p, "$~") || strings.HasPrefix(p, "/") || strings.Contains(dir, "$") {
		return "", false
	}
	out := path.Join(dir, strings.ReplaceAll(p, `\`, "/"))
	if out == ".." || strings.HasPrefix(out, "../") || path.IsAbs(out) {
		return "", false
	}
	return out, true
}

// remoteContext reports whether a build context is no folder of the
// checkout: a URL, a Git address, or standard input.
func remoteContext(s string) bool {
	return s == "-" || strings.Contains(s, "://") || strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "github.com/")
}

// buildValueOptions are the options of docker build, docker buildx
// build, podman build and buildah bud that take the next word as their
// value.
var buildValueOptions = map[string]bool{
	"-f": true, "--file": true, "-t": true, "--tag": true, "--build-arg": true, "--build-arg-file": true,
	"--target": true, "--platform": true, "--label": true, "-o": true, "--output": true, "--cache-from": true,
	"--cache-to": true, "--secret": true, "--ssh": true, "--network": true, "--iidfile": true, "--progress": true,
	"--builder": true, "--build-context": true, "--metadata-file": true, "--add-host": true, "--shm-size": true,
	"--ulimit": true, "--cgroup-parent": true, "-m": true, "--memory": true, "--memory-swap": true,
	"--cpu-shares": true, "-c": true, "--cpuset-cpus": true, "--cpuset-mems": true, "--cpu-period": true,
	"--cpu-quota": true, "--isolation": true, "--attest": true, "--annotation": true, "--allow": true,
	"--call": true, "--arch": true, "--os": true, "--variant": true, "--format": true, "--authfile": true,
	"--creds": true, "--layers": true, "--jobs": true, "--manifest": true, "--runtime": true, "--signature-policy": true,
	"--volume": true, "-v": true, "--from": true, "--userns": true, "--security-opt": true, "--cap-add": true,
	"--cap-drop": true, "--env": true, "--cache-ttl": true, "--timestamp": true, "--sbom": true, "--provenance": true,
	"--no-cache-filter": true, "--dns": true, "--dns-option": true, "--dns-search": true, "--device": true,
	"--ignorefile": true, "--logfile": true, "--retry": true, "--retry-delay": true, "--sign-by": true,
	"--source-date-epoch": true, "--unsetenv": true, "--unsetlabel": true, "--cert-dir": true, "--decryption-key": true,
	"--os-version": true, "--os-feature": true, "--layer-label": true, "--group-add": true, "--ipc": true, "--pid": true,
	"--uts": true, "--cgroupns": true,
}

// buildArgs returns the arguments after the subcommand of a command that
// builds an image from a Dockerfile: docker build, docker builder build,
// docker image build, docker buildx build (or b), podman build, podman
// buildx build, buildah bud and buildah build.
func buildArgs(words []string) ([]string, bool) {
	if len(words) < 2 {
		return nil, false
	}
	tool, sub := words[0], words[1]
	switch {
	case (tool == "docker" || tool == "podman") && sub == "build":
		return words[2:], true
	case (tool == "docker" || tool == "podman") && (sub == "buildx" || sub == "builder" || sub == "image") && len(words) > 2 &&
		(words[2] == "build" || sub == "buildx" && words[2] == "b"):
		return words[3:], true
	case tool == "buildah" && (sub == "bud" || sub == "build" || sub == "build-using-dockerfile"):
		return words[2:], true
	}
	return nil, false
}

// ReadBuild reads one command, given as its words without the prefixes
// that run it, that builds an image from a Dockerfile: a container
// engine's build (buildArgs), or Kaniko's executor. dir is the folder the
// command runs in, relative to the repository's root, and ref parses the
// image names the command tags, as the caller parses the images it
// pushes. It reports false for any other command, and for a build whose
// Dockerfile or context the input does not show.
//
// docker build -f names the Dockerfile from the command's folder, and it
// defaults to the context's Dockerfile. podman build without a context
// builds in the folder of the file -f names, else in the command's folder. Kaniko's --dockerfile is read
// from the context when it is relative, and --context may carry the
// dir:// scheme. Both read the stage that --target names (SetTarget).
func ReadBuild(words []string, dir string, ref func(string) (image.Ref, bool)) (Build, bool) {
	words = WithoutGlobalOptions(words)
	if len(words) == 0 {
		return Build{}, false
	}
	if path.Base(words[0]) == "executor" {
		return kanikoBuild(words[1:], dir, ref)
	}
	args, ok := buildArgs(words)
	if !ok {
		return Build{}, false
	}

	var b Build
	var file, context string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			if context == "" {
				context = a
			}
			continue
		}
		if !hasValue && buildValueOptions[name] && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
		}
		switch {
		case name == "-f" || name == "--file":
			file = value
		case name == "-t" || name == "--tag":
			if r, ok := ref(value); ok {
				b.Tags = append(b.Tags, r)
			}
		case name == "--push":
			b.Pushes = b.Pushes || !hasValue || value == "true"
		case name == "-o" || name == "--output":
			b.Pushes = b.Pushes || PushOutput(value)
		case name == "--build-arg" && hasValue:
			if a, ok := readBuildArg(value); ok {
				b.Args = append(b.Args, a)
			}
		case name == "--secret" && hasValue:
			if s, ok := readBuildSecret(value); ok {
				b.Secrets = append(b.Secrets, s)
			}
		case name == "--target" && hasValue:
			b.SetTarget(value)
		}
	}

	if context == "" && words[0] == "podman" {
		context = "."
		if file != "" && file != "-" {
			context = path.Dir(file)
		}
	}
	if context == "" || remoteContext(context) || file == "-" {
		return Build{}, false
	}
	if b.Context, ok = RepoPath(context, dir); !ok {
		return Build{}, false
	}
	if file == "" {
		b.Dockerfile = path.Join(b.Context, "Dockerfile")
	} else if b.Dockerfile, ok = RepoPath(file, dir); !ok {
		return Build{}, false
	}
	return b, true
}

// kanikoBuild reads the arguments of Kaniko's executor.
func kanikoBuild(args []string, dir string, ref func(string) (image.Ref, bool)) (Build, bool) {
	parsed := readArgs(args, "executor", copyValueOptions["executor"])
	last := func(names ...string) string {
		v := ""
		for _, n := range names {
			if vs := parsed.options[n]; len(vs) > 0 {
				v = vs[len(vs)-1]
			}
		}
		return v
	}

	context := strings.TrimPrefix(last("--context", "-c"), "dir://")
	if context == "" || remoteContext(context) {
		return Build{}, false
	}
	var b Build
	var ok bool
	if b.Context, ok = RepoPath(context, dir); !ok {
		return Build{}, false
	}

	file := last("--dockerfile", "-f")
	switch {
	case file == "":
		b.Dockerfile = path.Join(b.Context, "Dockerfile")
	case strings.HasPrefix(file, "/") || strings.HasPrefix(file, "$"):
		if b.Dockerfile, ok = RepoPath(file, dir); !ok {
			return Build{}, false
		}
	default:
		if b.Dockerfile, ok = RepoPath(file, b.Context); !ok {
			return Build{}, false
		}
	}

	for _, d := range parsed.options["--destination"] {
		if r, ok := ref(d); ok {
			b.Tags = append(b.Tags, r)
		}
	}
	for _, v := range parsed.options["--build-arg"] {
		if a, ok := readBuildArg(v); ok {
			b.Args = append(b.Args, a)
		}
	}
	if t := parsed.options["--target"]; len(t) > 0 {
		b.SetTarget(t[len(t)-1])
	}
	b.Pushes = !parsed.noPush
	return b, true
}

// ScanBuilds returns the image builds and the push commands of a script,
// in order, each at its line of the script. dir is the folder the script
// starts in, relative to the repository's root, and ref parses image
// names. A script that does not parse as bash gives none.
func ScanBuilds(script, dir string, ref func(string) (image.Ref, bool)) []BuildStep {
	if !MayWriteImages(script) {
		return nil
	}
	var out []BuildStep
	_, err := shellscan.Scan(script, dir, nil, shellscan.Options{MaxCommands: maxBuildCommands}, func(c *shellscan.Command) bool {
		if c.Keyword || len(c.Words) == 0 {
			return true
		}
		words := WithoutGlobalOptions(command(c.Args()))
		if b, ok := ReadBuild(words, c.Dir, ref); ok {
			b.Line = c.Line
			out = append(out, BuildStep{Build: &b, Line: c.Line})
			return true
		}
		if len(words) < 2 || (words[0] != "docker" && words[0] != "podman" && words[0] != "buildah") {
			return true
		}
		if st, ok := tagStep(words, ref); ok {
			st.Line = c.Line
			out = append(out, st)
			return true
		}
		if words[1] != "push" && (len(words) < 3 || words[1] != "image" || words[2] != "push") {
			return true
		}
		for _, a := range words[2:] {
			if strings.HasPrefix(a, "-") || a == "push" {
				continue
			}
			if r, ok := ref(a); ok {
				out = append(out, BuildStep{Pushed: []image.Ref{r}, Line: c.Line})
			}
			break
		}
		return true
	})
	if err != nil {
		return nil
	}
	return out
}

// tagStep reads docker tag SOURCE TARGET (also docker image tag), and
// podman tag and buildah tag, which take several targets.
func tagStep(words []string, ref func(string) (image.Ref, bool)) (BuildStep, bool) {
	args := words[1:]
	if args[0] == "image" && words[0] != "buildah" {
		args = args[1:]
	}
	if len(args) < 3 || args[0] != "tag" {
		return BuildStep{}, false
	}
	var names []string
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			names = append(names, a)
		}
	}
	if len(names) < 2 {
		return BuildStep{}, false
	}
	src, ok := ref(names[0])
	if !ok {
		return BuildStep{}, false
	}
	st := BuildStep{Source: src}
	for _, n := range names[1:] {
		if r, ok := ref(n); ok {
			st.Tagged = append(st.Tagged, r)
		}
	}
	return st, len(st.Tagged) > 0
}

// maxBuildCommands bounds the commands ScanBuilds reads from one script.
const maxBuildCommands = 10000

// ImageRef parses an image name as the GitLab and CircleCI readers do
// for the images a script pushes: expand replaces the CI system's
// variables, and a tag that a variable sets is dropped.
func ImageRef(expand func(string) string) func(string) (image.Ref, bool) {
	if expand == nil {
		expand = func(s string) string { return s }
	}
	return func(s string) (image.Ref, bool) { return parseImage(expand(s)) }
}
