package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/dockerfile"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// linkBuildArgBases links the base images that a build chooses with its
// build arguments. A Dockerfile whose FROM names its image with a build
// argument (graph.AttrFromArgs) depends on the image that the argument
// values of each CI build of it give (graph.AttrBuildArgValues), with the
// ARG defaults for arguments the build does not pass. The Dockerfile
// reader already linked what the defaults alone give, so only other
// images are added here. The build itself runs its RUN instructions on
// that image.
func (v *view) linkBuildArgBases(b graph.Node, built builtImage) {
	df := built.node
	froms := graph.SplitList(df.Attr(graph.AttrFromArgs))
	if len(froms) == 0 {
		return
	}
	values := graph.SplitList(b.Attr(graph.AttrBuildArgValues))
	if len(values) == 0 {
		return
	}
	defaults := map[string]string{}
	for _, d := range graph.SplitList(df.Attr(graph.AttrFromArgDefaults)) {
		if k, val, ok := strings.Cut(d, "="); ok {
			defaults[k] = val
		}
	}
	args := make(map[string]string, len(defaults)+len(values))
	for k, val := range defaults {
		args[k] = val
	}
	for _, a := range values {
		if k, val, ok := strings.Cut(a, "="); ok {
			args[k] = val
		}
	}
	for _, from := range froms {
		parts := strings.SplitN(from, " ", 3)
		if len(parts) != 3 {
			continue
		}
		line, stage, raw := parts[0], parts[1], parts[2]
		var passed []string
		for _, a := range values {
			k, _, _ := strings.Cut(a, "=")
			if usesArg(raw, k) {
				passed = append(passed, a)
			}
		}
		ref, ok := dockerfile.ExpandReference(raw, args)
		if !ok || strings.EqualFold(ref, "scratch") {
			continue
		}
		if byDefault, ok := dockerfile.ExpandReference(raw, defaults); ok && byDefault == ref {
			continue
		}
		img, ok := image.Parse(ref)
		if !ok {
			continue
		}
		v.addBuildArgBase(b, built, img, stage, line, raw, passed)
	}
}

// addBuildArgBase adds the image's nodes, the Dockerfile's DEPENDS_ON
// edge to it and the build's EXECUTES edge.
func (v *view) addBuildArgBase(b graph.Node, built builtImage, img image.Ref, stage, line, raw string, passed []string) {
	df := built.node
	ver, name := img.PURL(true), img.PURL(false)
	v.addNode(graph.Node{ID: ver, Kind: graph.NodePackage, Label: img.Name() + "@" + img.Version(), Pos: b.Pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name(), "version": img.Version()}})
	v.addNode(graph.Node{ID: name, Kind: graph.NodePackage, Label: img.Name(), Pos: b.Pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()}})
	v.addEdge(graph.Edge{From: ver, To: name, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: b.Pos})

	file := df.Attr("path")
	reason := fmt.Sprintf("stage %s of %s is built FROM %s at line %s, and %s passes %s, so it is built FROM %s",
		stage, file, raw, line, b.Label, strings.Join(passed, " "), img.Name()+":"+img.Version())
	v.addEdge(graph.Edge{From: df.ID, To: ver, Kind: graph.EdgeDependsOn, Confidence: built.conf, Pos: b.Pos,
		Attrs: map[string]string{graph.AttrVia: viaBaseImage, "pinned": img.Pinned(), "stage": stage, graph.AttrReason: reason + built.doubt}})
	v.addEdge(graph.Edge{From: b.ID, To: ver, Kind: graph.EdgeExecutes, Confidence: built.conf, Pos: b.Pos,
		Attrs: map[string]string{graph.AttrVia: viaBaseImage, attrPhase: phaseRun,
			graph.AttrReason: "the build runs the RUN instructions of " + dockerfileName(df) + " on the files of " + graph.ReadableID(ver) + ": " + reason + built.doubt}})
}

// usesArg reports whether a FROM reference expands the build argument
// name: $NAME or ${NAME...} with no further letter, digit or underscore
// of the name, so that BASE is not taken for BASE_IMAGE.
func usesArg(raw, name string) bool {
	for _, prefix := range []string{"$" + name, "${" + name} {
		for rest := raw; ; {
			i := strings.Index(rest, prefix)
			if i < 0 {
				break
			}
			rest = rest[i+len(prefix):]
			if rest == "" || !isNameByte(rest[0]) {
				return true
			}
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
