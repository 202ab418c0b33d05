package actions

import (
	"path"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// readScriptBuilds records the image builds and push commands of a run
// step whose working directory is wd ("" for the workspace). Image names
// read the variables of the step's env (expandStepVars).
func (w *workflow) readScriptBuilds(j *job, script, wd string, line int, env map[string]string) {
	dir := wd
	if dir == "" {
		dir = "."
	}
	ref := func(s string) (image.Ref, bool) { return w.pushedImage(expandStepVars(s, env)) }
	for _, s := range registry.ScanBuilds(w.expandRepo(script), dir, ref) {
		s.Line = line
		j.buildSteps = append(j.buildSteps, s)
	}
}

// readActionBuild records the build of docker/build-push-action. Without
// a context input the action builds the Git context, the repository's
// root, and {{defaultContext}}:DIR names a folder of it. The file input is
// read from the workspace and defaults to the context's Dockerfile. A
// push input that an expression sets may push or not. The target input
// names the stage the step builds.
func (w *workflow) readActionBuild(j *job, name string, line int, input func(string) string) {
	if !strings.EqualFold(name, "docker/build-push-action") {
		return
	}
	b := registry.Build{Line: line}
	b.Pushes, b.Maybe = actionPushes(input)
	b.SetTarget(input("target"))
	for _, tag := range j.actionTags(input("tags")) {
		if img, ok := w.pushedImage(tag); ok {
			b.Tags = append(b.Tags, img)
		}
	}
	ctx := strings.TrimSpace(input("context"))
	switch {
	case ctx == "" || ctx == "{{defaultContext}}":
		ctx = "."
	case strings.HasPrefix(ctx, "{{defaultContext}}:"):
		ctx = strings.TrimPrefix(ctx, "{{defaultContext}}:")
	}
	var ok bool
	if b.Context, ok = registry.RepoPath(ctx, "."); !ok {
		return
	}
	if file := strings.TrimSpace(input("file")); file == "" {
		b.Dockerfile = path.Join(b.Context, "Dockerfile")
	} else if b.Dockerfile, ok = registry.RepoPath(file, "."); !ok {
		return
	}
	j.buildSteps = append(j.buildSteps, registry.BuildStep{Build: &b, Line: line})
}

// metaOutput matches the tags output of a step, ${{ steps.ID.outputs.tags }}.
var metaOutput = regexp.MustCompile(`^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.tags\s*\}\}$`)

// actionTags splits the tags input of docker/build-push-action, given
// one to a line or separated by commas. The tags output of an earlier
// docker/metadata-action step is read as the images that step names.
func (j *job) actionTags(s string) []string {
	var out []string
	for _, tag := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if m := metaOutput.FindStringSubmatch(strings.TrimSpace(tag)); m != nil {
			if images, ok := j.metaImages[m[1]]; ok {
				out = append(out, images...)
				continue
			}
		}
		out = append(out, tag)
	}
	return out
}

// metadataImages returns the image names of the images input of
// docker/metadata-action: one to a line or separated by commas, or a
// line of KEY=VALUE attributes whose name attribute is the image.
func metadataImages(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "=") {
			for _, name := range strings.Split(line, ",") {
				if name = strings.TrimSpace(name); name != "" {
					out = append(out, name)
				}
			}
			continue
		}
		for _, kv := range strings.Split(line, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && strings.TrimSpace(k) == "name" {
				out = append(out, strings.TrimSpace(v))
			}
		}
	}
	return out
}

// actionPushes reports whether a step of docker/build-push-action pushes
// its tags: push is true, or a line of outputs is a registry output. maybe
// is set when only an expression in push decides.
func actionPushes(input func(string) string) (pushes, maybe bool) {
	if isTrue(input("push")) {
		return true, false
	}
	for _, out := range strings.Split(input("outputs"), "\n") {
		if registry.PushOutput(strings.TrimSpace(out)) {
			return true, false
		}
	}
	maybe = strings.Contains(input("push"), "${{")
	return maybe, maybe
}

// writeImageBuilds writes, for each image the job builds and pushes, the
// image's name node (the node CAN_PUBLISH targets) and its DEPENDS_ON edge
// to the Dockerfile it is built from, or to the stage that the build
// targets (registry.Build.BuiltNode). Paths are made relative to the
// repository when the job checks it out into a folder of the workspace.
func (w *workflow) writeImageBuilds(j *job) {
	root := ""
	if len(j.checkouts) == 1 && j.checkouts[0] != "." && !strings.Contains(j.checkouts[0], "${{") {
		root = j.checkouts[0]
	}
	for _, bi := range registry.PushedBuilds(j.buildSteps) {
		file, ctx := underRoot(bi.Build.Dockerfile, root), underRoot(bi.Build.Context, root)
		if file == "" || ctx == "" {
			continue
		}
		name := bi.Image.PURL(false)
		conf, reason := graph.Certain, bi.Build.PushReason(file, ctx)
		if bi.Build.Maybe {
			conf, reason = graph.Possible, reason+"; an expression decides whether the step pushes"
		}
		if bi.Build.TargetUnknown {
			conf = graph.Possible
		}
		w.b.node(name, graph.NodePackage, bi.Image.Name(), bi.Line, attrs{"ecosystem": "docker", graph.AttrName: bi.Image.Name()})
		dockerfile := graph.DockerfileID(w.f.RepoID(), file)
		w.b.node(dockerfile, graph.NodePackage, w.f.Repo+"/"+file, bi.Line, attrs{
			"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: w.f.Repo,
		})
		built := bi.Build.BuiltNode(dockerfile)
		if built != dockerfile {
			w.b.node(built, graph.NodePackage, w.f.Repo+"/"+file+"#"+bi.Build.Target, bi.Line, bi.Build.StageNodeAttrs(dockerfile, file, w.f.Repo))
		}
		w.b.edge(name, graph.EdgeDependsOn, built, conf, bi.Line, bi.Build.TargetAttrs(attrs{
			graph.AttrBuildContext: ctx, graph.AttrDockerfile: file, graph.AttrReason: reason,
		}))
	}
}

// underRoot makes a path of the workspace relative to the repository
// checked out into root, or returns "" for a path outside it.
func underRoot(p, root string) string {
	switch {
	case root == "":
		return p
	case p == root:
		return "."
	case strings.HasPrefix(p, root+"/"):
		return strings.TrimPrefix(p, root+"/")
	}
	return ""
}
