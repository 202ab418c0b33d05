package image

import "github.com/blastradius-dev/blastradius/graph"

// Runs returns the facts of a runtime that runs the image ref: the image
// version's and name's Package nodes, VERSION_OF between them, and the
// runtime's EXECUTES edge to the version, with via=image, pinned, and
// pull as graph.AttrPullPolicy when it is set. A reference whose tag or
// digest a variable sets (ParseComputedVersion) gives the name node and a
// possible EXECUTES edge to it. One that does not parse gives nothing.
// Readers add the facts with their own positions.
func Runs(runtime, ref, pull string) ([]graph.Node, []graph.Edge) {
	img, ok := Parse(ref)
	if !ok {
		img, ok := ParseComputedVersion(ref)
		if !ok {
			return nil, nil
		}
		name := nameNode(img)
		return []graph.Node{name}, []graph.Edge{{From: runtime, To: name.ID, Kind: graph.EdgeExecutes, Confidence: graph.Possible,
			Attrs: map[string]string{graph.AttrVia: "image", "pinned": PinnedComputed, graph.AttrReason: ComputedVersionReason}}}
	}
	name := nameNode(img)
	version := graph.Node{ID: img.PURL(true), Kind: graph.NodePackage, Label: img.Name() + "@" + img.Version(),
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name(), "version": img.Version()}}
	runs := graph.Edge{From: runtime, To: version.ID, Kind: graph.EdgeExecutes, Confidence: graph.Certain,
		Attrs: map[string]string{graph.AttrVia: "image", "pinned": img.Pinned()}}
	if pull != "" {
		runs.Attrs[graph.AttrPullPolicy] = pull
	}
	return []graph.Node{version, name}, []graph.Edge{
		{From: version.ID, To: name.ID, Kind: graph.EdgeVersionOf, Confidence: graph.Certain},
		runs,
	}
}

// nameNode returns the Package node of an image's name.
func nameNode(img Ref) graph.Node {
	return graph.Node{ID: img.PURL(false), Kind: graph.NodePackage, Label: img.Name(),
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()}}
}
