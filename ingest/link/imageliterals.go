package link

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// bakedImages are the images built from the Dockerfiles that contain
// literal credentials (readBakedImages): by Dockerfile, the image names
// that DEPENDS_ON it and their versions.
type bakedImages map[string][]bakedImage

// bakedImage is an image built from a Dockerfile, with the confidence of
// its DEPENDS_ON edge to the Dockerfile: possible when the input does not
// show whether the job pushes it.
type bakedImage struct {
	id   string
	conf graph.Confidence
}

// bakedSecrets returns the literal credentials of Dockerfiles
// (graph.AttrBakedInto), by Dockerfile.
func (v *view) bakedSecrets() map[string][]graph.Node {
	var out map[string][]graph.Node
	for _, n := range v.byKind[graph.NodeSecret] {
		df := n.Attr(graph.AttrBakedInto)
		if df == "" || n.Attr("type") != literalType {
			continue
		}
		if out == nil {
			out = map[string][]graph.Node{}
		}
		out[df] = append(out[df], n)
	}
	return out
}

// readBakedImages reads the images built from the Dockerfiles that hold
// literal credentials: the image names that DEPENDS_ON each Dockerfile, as
// a CI job that builds and pushes the image writes, and the versions of
// those names.
func (v *view) readBakedImages(ctx context.Context, r graph.Reader) error {
	dfs := map[string]bool{}
	for df := range v.bakedSecrets() {
		dfs[df] = true
	}
	for _, n := range v.byKind[graph.NodePackage] {
		if n.Attr(graph.AttrEnvArgs) != "" {
			dfs[n.ID] = true
		}
	}
	if len(dfs) == 0 {
		return nil
	}

	ids := slices.Sorted(maps.Keys(dfs))
	deps, err := r.Expand(ctx, ids, graph.In, graph.EdgeDependsOn)
	if err != nil {
		return err
	}
	// A build whose --target names the last stage pushes an image that
	// DEPENDS_ON a node of that stage, which only a CI reader wrote: the
	// image the file's node stands for.
	var stubs []string
	fileOf := map[string]string{}
	for _, stub := range v.stages.stubs {
		if df, ok := v.lastStageFile(stub); ok && dfs[df.ID] {
			stubs = append(stubs, stub.ID)
			fileOf[stub.ID] = df.ID
		}
	}
	if len(stubs) > 0 {
		slices.Sort(stubs)
		viaStub, err := r.Expand(ctx, stubs, graph.In, graph.EdgeDependsOn)
		if err != nil {
			return err
		}
		for _, e := range viaStub {
			deps = append(deps, graph.Edge{From: e.From, To: fileOf[e.To], Kind: graph.EdgeDependsOn, Confidence: e.Confidence, Pos: e.Pos})
		}
	}

	v.baked = bakedImages{}
	byName := map[string][]graph.Edge{} // image name -> its edges to Dockerfiles
	var names []string
	for _, e := range deps {
		if n, ok := v.node(e.From); !ok || n.Attr("ecosystem") != "docker" {
			continue
		}
		v.baked[e.To] = append(v.baked[e.To], bakedImage{id: e.From, conf: e.Confidence})
		if len(byName[e.From]) == 0 {
			names = append(names, e.From)
		}
		byName[e.From] = append(byName[e.From], e)
	}
	if len(names) == 0 {
		return nil
	}

	slices.Sort(names)
	versions, err := r.Expand(ctx, names, graph.In, graph.EdgeVersionOf)
	if err != nil {
		return err
	}
	for _, e := range versions {
		for _, dep := range byName[e.To] {
			v.baked[dep.To] = append(v.baked[dep.To], bakedImage{id: e.From, conf: dep.Confidence.Weaker(e.Confidence)})
		}
	}
	return nil
}

// linkBakedSecrets gives the literal credentials of a Dockerfile
// (graph.AttrBakedInto) to the runtimes that have them.
//
// The builds of the Dockerfile (graph.RuntimeImageBuild) run its RUN
// instructions with its ENV and ARG values, so they EXPOSES those,
// certain. A literal of a RUN script is possible, because the input does
// not show whether a later command of the build reads it.
//
// A runtime that EXECUTES an image built from the Dockerfile runs it with
// the image's environment. Such an image is a name that DEPENDS_ON the
// Dockerfile, or a version of that name. The runtime EXPOSES the value of
// an ENV with the weaker confidence of those edges. The value of an ARG
// or RUN script is in the image's history, and a RUN may leave it in a
// layer, so those are possible. A runtime that runs an image built FROM
// such an image is not reached: only the images that a job builds from
// the Dockerfile itself count. The graph has no edge for who can pull
// the image. A literal of a stage that the image only copies from
// (graph.AttrBuildOnly) is exposed by the builds alone.
func (v *view) linkBakedSecrets() {
	secrets := v.bakedSecrets()
	envArgs := v.envArgSecrets()
	if len(secrets) == 0 && len(envArgs) == 0 {
		return
	}

	for _, b := range v.imageBuilds() {
		for _, s := range secrets[b.Attr("dockerfile_id")] {
			conf, reason := graph.Certain, bakedReason(s)+", which the build's RUN instructions read"
			if s.Attr(graph.AttrBakedAs) == "run" {
				conf, reason = graph.Possible, bakedReason(s)+"; possible: the input does not show whether a later command of the build reads it"
			}
			v.exposeBaked(b.ID, s, conf, b.Pos, reason)
		}
	}
	if len(v.baked) == 0 {
		return
	}

	// builtFrom maps an image's id to the Dockerfiles it is built from,
	// each with the confidence of that.
	builtFrom := map[string]map[string]graph.Confidence{}
	for df, images := range v.baked {
		for _, img := range images {
			if builtFrom[img.id] == nil {
				builtFrom[img.id] = map[string]graph.Confidence{}
			}
			if c, ok := builtFrom[img.id][df]; !ok || c == graph.Possible {
				builtFrom[img.id][df] = img.conf
			}
		}
	}

	runs := func(e graph.Edge) {
		if e.Kind != graph.EdgeExecutes {
			return
		}
		for _, df := range slices.Sorted(maps.Keys(builtFrom[e.To])) {
			built := builtFrom[e.To][df]
			rt, ok := v.node(e.From)
			if !ok || rt.Attr("type") == graph.RuntimeImageBuild && rt.Attr("dockerfile_id") == df {
				continue
			}
			for _, s := range secrets[df] {
				if s.Attr(graph.AttrBuildOnly) == "true" {
					continue
				}
				conf := e.Confidence.Weaker(built)
				reason := fmt.Sprintf("the runtime runs %s, an image built from %s: %s", graph.ReadableID(e.To), dfPath(v, df), bakedReason(s))
				if s.Attr(graph.AttrBakedAs) == "env" {
					reason += ", which every container of the image has in its environment"
				} else {
					conf = graph.Possible
					reason += ", which the image's history records; possible: the input does not show whether a file of the image keeps it, or whether code in the container can read the image's history"
				}
				v.exposeBaked(e.From, s, conf, e.Pos, reason)
			}
			for _, a := range envArgs[df] {
				conf := e.Confidence.Weaker(built).Weaker(a.edge.Confidence)
				if a.builds > 1 {
					conf = graph.Possible
				}
				reason := fmt.Sprintf("the runtime runs %s, an image built from %s, whose ENV %s copies build argument %s, which %s fills with this secret, so every container of the image has it in its environment",
					graph.ReadableID(e.To), dfPath(v, df), a.env, a.edge.Attr(graph.AttrName), graph.ReadableID(a.edge.From))
				if a.builds > 1 {
					reason += "; possible: other builds of the file may have made the image with other values"
				}
				x := graph.Edge{From: e.From, To: a.edge.To, Kind: graph.EdgeExposes, Confidence: conf, Pos: e.Pos}
				x.SetAttr(graph.AttrVia, "image")
				x.SetAttr(graph.AttrName, a.env)
				x.SetAttr(graph.AttrReason, reason)
				v.addEdge(x)
			}
		}
	}

	for _, es := range v.out[graph.EdgeExecutes] {
		for _, e := range es {
			runs(e)
		}
	}
	for _, e := range slices.Clone(v.derivedEdges) {
		runs(e)
	}
}

// envArgSecret is a secret that a build passes as a build argument which
// an ENV of the image copies (graph.AttrEnvArgs). edge is the build's
// EXPOSES edge to the secret, env is the ENV variable, and builds counts
// the builds of the Dockerfile.
type envArgSecret struct {
	edge   graph.Edge
	env    string
	builds int
}

// envArgSecrets returns, by Dockerfile or stage node (builtImages), the
// secrets that its builds pass as build arguments which an ENV of the
// image copies. The build's EXPOSES
// edges are those that linkBuildRuntimes derived.
func (v *view) envArgSecrets() map[string][]envArgSecret {
	builds := map[string]int{}
	for _, b := range v.imageBuilds() {
		for _, built := range v.builtImages(b) {
			builds[built.node.ID]++
		}
	}
	var out map[string][]envArgSecret
	for _, e := range v.derivedEdges {
		if e.Kind != graph.EdgeExposes || e.Attr(graph.AttrVia) != graph.BuildViaArg {
			continue
		}
		b, ok := v.node(e.From)
		if !ok || b.Attr("type") != graph.RuntimeImageBuild {
			continue
		}
		for _, built := range v.builtImages(b) {
			df := built.node
			for _, it := range graph.SplitList(df.Attr(graph.AttrEnvArgs)) {
				arg, env, ok := strings.Cut(it, "=")
				if !ok || arg != e.Attr(graph.AttrName) {
					continue
				}
				if out == nil {
					out = map[string][]envArgSecret{}
				}
				out[df.ID] = append(out[df.ID], envArgSecret{edge: e, env: env, builds: builds[df.ID]})
			}
		}
	}
	return out
}

// bakedReason returns the sentence that names where a Dockerfile contains
// a literal credential.
func bakedReason(s graph.Node) string {
	where := "a RUN instruction"
	switch s.Attr(graph.AttrBakedAs) {
	case "env":
		where = "ENV " + s.Attr(graph.AttrName)
	case "arg":
		where = "the default of ARG " + s.Attr(graph.AttrName)
	}
	return fmt.Sprintf("%s at line %d of the Dockerfile holds a literal credential", where, s.Pos.Line)
}

// dfPath names a Dockerfile in reasons: its path in its repository.
func dfPath(v *view, id string) string {
	if n, ok := v.node(id); ok && n.Attr("path") != "" {
		if repo := n.Attr(graph.AttrRepository); repo != "" {
			return repo + "/" + n.Attr("path")
		}
		return n.Attr("path")
	}
	return strings.TrimPrefix(id, "dockerfile:")
}

func (v *view) exposeBaked(rt string, s graph.Node, conf graph.Confidence, pos graph.Pos, reason string) {
	e := graph.Edge{From: rt, To: s.ID, Kind: graph.EdgeExposes, Confidence: conf, Pos: pos}
	e.SetAttr(graph.AttrVia, "image")
	e.SetAttr(graph.AttrName, s.Attr(graph.AttrName))
	e.SetAttr(graph.AttrReason, reason)
	v.addEdge(e)
}
