package link

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkProjectReleases gives a registry account that releases the project
// at the top of a repository CAN_PUBLISH to the npm package that the
// repository's top-level lockfile names. The workflow shows the release
// and the lockfile the name, so only the whole graph joins them.
func (v *view) linkProjectReleases() {
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr(graph.AttrReleasesProject) != "true" || n.Attr("ecosystem") != "npm" {
			continue
		}
		repo := n.Attr(graph.AttrRepository)
		name := v.get(graph.RepoID("", repo)).Attr(graph.AttrNPMProject)
		if name == "" {
			continue
		}
		id := npmPackageID(name)
		v.addNode(graph.Node{ID: id, Kind: graph.NodePackage, Label: name, Pos: n.Pos,
			Attrs: map[string]string{"ecosystem": "npm", graph.AttrName: name}})
		conf := graph.Certain
		reason := "the account releases the project at the top of " + repo + ", which its package-lock.json names " + name
		switch {
		case n.Attr("trusted_publisher") == "true":
			conf = graph.Possible
			reason += "; the registry accepts the release only if the package trusts this workflow, which the input does not show"
		case n.Attr(graph.AttrReleasesProjectCertain) != "true":
			conf = graph.Possible
			reason += "; the tool publishes it only when its configuration enables it"
		}
		e := graph.Edge{From: n.ID, To: id, Kind: graph.EdgeCanPublish, Confidence: conf, Pos: n.Pos}
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
}

// npmPackageID returns the purl of an npm package name, without a version;
// a scope becomes the purl's namespace.
func npmPackageID(name string) string {
	ns := ""
	if strings.HasPrefix(name, "@") {
		if i := strings.IndexByte(name, '/'); i > 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	return packageurl.NewPackageURL("npm", ns, name, "", nil, "").ToString()
}
