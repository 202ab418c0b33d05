package link

import (
	"fmt"
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
)

// dockerfileStages indexes the nodes of the named stages of Dockerfiles
// (graph.DockerfileStageID). byFile lists those the Dockerfile reader
// wrote, by the id of their Dockerfile's node. stubs are those that only
// a CI reader wrote for a build with --target, because the stage is the
// last one or the input lacks the file.
type dockerfileStages struct {
	byFile map[string][]string
	stubs  []graph.Node
}

// readStages indexes the stage nodes of Dockerfiles.
func (v *view) readStages() {
	v.stages = dockerfileStages{byFile: map[string][]string{}}
	for _, n := range v.byKind[graph.NodePackage] {
		file := n.Attr(graph.AttrStageOf)
		if file == "" || n.Attr("ecosystem") != ecosystemDockerfile {
			continue
		}
		if n.Attr("stages") == "" {
			v.stages.stubs = append(v.stages.stubs, n)
			continue
		}
		v.stages.byFile[file] = append(v.stages.byFile[file], n.ID)
	}
	for _, ids := range v.stages.byFile {
		slices.Sort(ids)
	}
}

// lastStageFile returns the node of the Dockerfile whose last stage a
// stage node that only a CI reader wrote names, if the input contains the
// file and that stage is its last.
func (v *view) lastStageFile(stub graph.Node) (graph.Node, bool) {
	df, ok := v.node(stub.Attr(graph.AttrStageOf))
	if !ok || df.Attr("stages") == "" || df.Attr("last_stage") != stub.Attr(graph.AttrStage) {
		return graph.Node{}, false
	}
	return df, true
}

// builtImage is a node of a Dockerfile or of one of its stages that an
// image build makes, with the confidence that it does and, for a possible
// one, why.
type builtImage struct {
	node  graph.Node
	conf  graph.Confidence
	doubt string
}

// targetDoubt explains why a build whose stage a variable names links
// each stage of its Dockerfile as possible.
const targetDoubt = "; possible: a variable names the stage the build targets (--target), which the input does not show"

// builtImages returns the nodes of the images that an image build makes.
// A build without a target makes the last stage, whose image is the
// Dockerfile's node. A build with --target NAME makes stage NAME, whose node
// the Dockerfile reader wrote unless NAME is the last stage. A build
// whose target a variable names may make any of them.
func (v *view) builtImages(b graph.Node) []builtImage {
	out := v.targetImages(b)
	if b.Attr(graph.AttrMayBuild) == "true" {
		for i := range out {
			out[i].conf = graph.Possible
			out[i].doubt += "; possible: Docker Compose builds the image only when the runner does not have it"
		}
	}
	return out
}

// targetImages returns what the image build b builds, by its target.
func (v *view) targetImages(b graph.Node) []builtImage {
	fileID := b.Attr("dockerfile_id")
	df, _ := v.node(fileID)
	if df.ID == "" {
		df.ID = fileID
	}
	switch {
	case b.Attr(graph.AttrBuildTarget) != "":
		target := b.Attr(graph.AttrBuildTarget)
		if st, ok := v.node(graph.DockerfileStageID(fileID, target)); ok && st.Attr("stages") != "" {
			return []builtImage{{node: st, conf: graph.Certain}}
		}
		if df.Attr("stages") != "" && df.Attr("last_stage") != target {
			return []builtImage{{node: df, conf: graph.Possible,
				doubt: fmt.Sprintf("; possible: the build targets stage %s, which %s does not name", target, df.Attr("path"))}}
		}
		return []builtImage{{node: df, conf: graph.Certain}}
	case b.Attr(graph.AttrBuildTargetUnknown) == "true":
		out := []builtImage{{node: df, conf: graph.Possible, doubt: targetDoubt}}
		for _, id := range v.stages.byFile[fileID] {
			if st, ok := v.node(id); ok {
				out = append(out, builtImage{node: st, conf: graph.Possible, doubt: targetDoubt})
			}
		}
		return out
	}
	return []builtImage{{node: df, conf: graph.Certain}}
}

// dockerfileName names a Dockerfile's node, or a stage's, in reasons.
func dockerfileName(df graph.Node) string {
	if st := df.Attr(graph.AttrStage); st != "" {
		return "stage " + st + " of " + df.Attr("path")
	}
	return df.Attr("path")
}

// linkTargetImages links the images that CI jobs build with --target and
// push to the stage they are. An image pushed from a build of the last
// stage by name DEPENDS_ON the Dockerfile's node, which is that image. An
// image pushed from a build whose target a variable names DEPENDS_ON
// each named stage's node, possible, besides the Dockerfile's node that
// the CI reader gave it.
func (v *view) linkTargetImages() {
	for _, stub := range v.stages.stubs {
		df, ok := v.lastStageFile(stub)
		if !ok {
			continue
		}
		e := graph.Edge{From: stub.ID, To: df.ID, Kind: graph.EdgeDependsOn, Confidence: graph.Certain, Pos: stub.Pos}
		e.SetAttr(graph.AttrReason, fmt.Sprintf("stage %s is the last stage of %s, so it makes the image of the file's node",
			stub.Attr(graph.AttrStage), df.Attr("path")))
		v.addEdge(e)
	}
	for _, in := range v.unknownTargets {
		for _, id := range v.stages.byFile[in.To] {
			e := graph.Edge{From: in.From, To: id, Kind: graph.EdgeDependsOn, Confidence: graph.Possible, Pos: in.Pos}
			for _, k := range []string{graph.AttrBuildContext, graph.AttrDockerfile, graph.AttrBuildTargetUnknown} {
				if val := in.Attr(k); val != "" {
					e.SetAttr(k, val)
				}
			}
			st, _ := v.node(id)
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the job builds an image from %s and pushes it, and a variable names the stage it builds (--target), which may be %s",
				in.Attr(graph.AttrDockerfile), st.Attr(graph.AttrStage)))
			v.addEdge(e)
		}
	}
}
