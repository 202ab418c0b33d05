package link

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// ecosystemDockerfile is the ecosystem attribute of a Dockerfile's
// Package node (graph.DockerfileID).
const ecosystemDockerfile = "dockerfile"

// readImageBuilds reads the build context folders of the images that CI
// jobs build from each Dockerfile that installs packages, or from one of
// its stages: the graph.AttrBuildContext of the DEPENDS_ON edges into it.
// A build of the last stage by name gives its context to the Dockerfile's
// node. A build whose target a variable names gives it to every stage of
// the Dockerfile, and readImageBuilds keeps its edge for linkTargetImages.
func (v *view) readImageBuilds(ctx context.Context, r graph.Reader) error {
	v.readStages()
	var ids []string
	for _, n := range v.byKind[graph.NodePackage] {
		if n.Attr("ecosystem") == ecosystemDockerfile && (n.Attr(graph.AttrInstallSources) != "" || len(v.stages.byFile[n.ID]) > 0) {
			ids = append(ids, n.ID)
		}
	}
	lastOf := map[string]string{} // stage node a CI reader wrote -> its Dockerfile's node
	for _, stub := range v.stages.stubs {
		if df, ok := v.lastStageFile(stub); ok {
			lastOf[stub.ID] = df.ID
			ids = append(ids, stub.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	es, err := r.Expand(ctx, ids, graph.In, graph.EdgeDependsOn)
	if err != nil {
		return err
	}
	v.buildContexts = map[string][]string{}
	add := func(to, c string) {
		if c != "" && !slices.Contains(v.buildContexts[to], c) {
			v.buildContexts[to] = append(v.buildContexts[to], c)
		}
	}
	for _, e := range es {
		to := e.To
		if df, ok := lastOf[to]; ok {
			to = df
		}
		unknown := e.Attr(graph.AttrBuildTargetUnknown) == "true"
		contexts := []string{e.Attr(graph.AttrBuildContext)}
		// Builds in several files that name other contexts give one
		// merged edge, whose attributes keep the first file's context.
		for _, f := range e.Facts {
			contexts = append(contexts, f.Attrs[graph.AttrBuildContext])
			unknown = unknown || f.Attrs[graph.AttrBuildTargetUnknown] == "true"
		}
		targets := []string{to}
		if unknown && len(v.stages.byFile[to]) > 0 {
			v.unknownTargets = append(v.unknownTargets, e)
			targets = append(targets, v.stages.byFile[to]...)
		}
		for _, t := range targets {
			for _, c := range contexts {
				add(t, c)
			}
		}
	}
	for _, cs := range v.buildContexts {
		slices.Sort(cs)
	}
	return nil
}

// installSource is one install of a Dockerfile's RUN instructions: the
// ecosystem, the folder of the build context its lockfile was copied
// from, and the line of the RUN instruction.
type installSource struct {
	eco, folder string
	line        int
}

// installSources reads a Dockerfile's graph.AttrInstallSources.
func installSources(n graph.Node) []installSource {
	var out []installSource
	for _, it := range graph.SplitList(n.Attr(graph.AttrInstallSources)) {
		eco, rest, ok := strings.Cut(it, "=")
		at := strings.LastIndexByte(rest, '@')
		if !ok || at < 0 {
			continue
		}
		line, err := strconv.Atoi(rest[at+1:])
		if err != nil {
			continue
		}
		out = append(out, installSource{eco: eco, folder: rest[:at], line: line})
	}
	return out
}

// linkImageBuilds makes each Dockerfile DEPENDS_ON the packages that its
// repository's lockfiles pin where its RUN instructions install them from:
// a lockfile of the installed ecosystem in the folder of the build context
// that a COPY or ADD put in place. A package needed for development only
// is left out when every install of its ecosystem leaves such packages
// out. The contexts are those of the CI builds that name the Dockerfile.
// Without such a build, the Dockerfile's own folder is taken as the
// context, and the edges are possible.
func (v *view) linkImageBuilds() {
	for _, n := range v.byKind[graph.NodePackage] {
		if n.Attr("ecosystem") != ecosystemDockerfile {
			continue
		}
		sources := installSources(n)
		if len(sources) == 0 {
			continue
		}
		file := n.Attr("path")
		contexts, conf, doubt := v.buildContexts[n.ID], graph.Certain, ""
		if len(contexts) == 0 {
			contexts, conf = []string{path.Dir(file)}, graph.Possible
			doubt = "; possible: no CI build in the input names this Dockerfile, so the build context is taken to be its folder"
		}
		devOff := graph.SplitList(n.Attr(pkgcmd.AttrDevOff))
		devOffBerry := graph.SplitList(n.Attr(pkgcmd.AttrDevOffBerry))
		for _, lock := range v.edgesFrom(graph.EdgeLocks, graph.RepoIDOf(n)) {
			if lock.Attr("replaced_by") != "" {
				continue
			}
			pkg, ok := v.node(lock.To)
			if !ok {
				continue
			}
			eco := ecosystemOf[pkg.Attr("ecosystem")]
			if eco == "" || devLeftOut(lock, eco, devOff, devOffBerry) {
				continue
			}
			lockfile := lock.Attr(graph.AttrLockfile)
			src, ctx, found := matchInstall(sources, contexts, eco, path.Dir(lockfile))
			if !found {
				continue
			}
			e := graph.Edge{From: n.ID, To: pkg.ID, Kind: graph.EdgeDependsOn, Confidence: lock.Confidence.Weaker(conf), Pos: lock.Pos}
			e.SetAttr(graph.AttrVia, "install")
			// Not graph.AttrLockfile: a walk does not take the DEPENDS_ON
			// edges that a lockfile's tree gives, and it must take this one.
			e.SetAttr("installed_from", lockfile)
			e.SetAttr(graph.AttrBuildContext, ctx)
			e.SetAttr("run_line", strconv.Itoa(src.line))
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the RUN instruction at line %d of %s installs %s dependencies from %s, which a COPY or ADD brings in from build context %s, and %s pins %s%s",
				src.line, file, eco, lockfile, ctx, lockfile, graph.ReadableID(pkg.ID), doubt))
			v.addEdge(e)
		}
	}
}

// matchInstall returns the first install of eco, and the build context,
// whose folder is dir, a folder of the repository.
func matchInstall(sources []installSource, contexts []string, eco, dir string) (installSource, string, bool) {
	for _, s := range sources {
		if s.eco != eco {
			continue
		}
		for _, c := range contexts {
			if path.Join(c, s.folder) == dir {
				return s, c, true
			}
		}
	}
	return installSource{}, "", false
}
