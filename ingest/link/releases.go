package link

import (
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkProjectReleases gives a registry account that releases the project
// at the top of a repository CAN_PUBLISH to the npm, PyPI, crates.io,
// RubyGems, Maven Central or NuGet package that the repository's
// top-level manifest or lockfile names. The workflow shows
// the release and the file the name, so only the whole graph joins them.
func (v *view) linkProjectReleases() {
	// The accounts of called workflows' releases are derived
	// (calledGPRRelease), the others read.
	var derived []graph.Node
	for _, n := range v.derivedNodes {
		if n.Kind == graph.NodeIdentity && n.Attr(graph.AttrReleasesProject) == "true" {
			derived = append(derived, n)
		}
	}
	for _, n := range slices.Concat(v.byKind[graph.NodeIdentity], derived) {
		eco := n.Attr("ecosystem")
		if n.Attr(graph.AttrReleasesProject) != "true" || !slices.Contains(projectEcosystems, eco) {
			continue
		}
		repo := n.Attr(graph.AttrRepository)
		name, file := projectName(v.get(graph.RepoIDOf(n)), eco)
		if name == "" {
			continue
		}
		if n.Attr("registry") == githubPackagesNPM && !ownerScope(name, repo) {
			// GitHub Packages takes an npm package only in the scope of
			// the repository's owner; a release of another name fails.
			continue
		}
		id := packageID(eco, name)
		v.addNode(graph.Node{ID: id, Kind: graph.NodePackage, Label: name, Pos: n.Pos,
			Attrs: map[string]string{"ecosystem": eco, graph.AttrName: name}})
		conf := graph.Certain
		reason := "the account releases the project at the top of " + repo + ", which its " + file + " names " + name
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

// githubPackagesNPM is GitHub Packages' npm registry.
const githubPackagesNPM = "npm.pkg.github.com"

// ownerScope reports whether an npm name is in the scope of the owner of
// a repository, "owner/name": @owner/..., compared without case.
func ownerScope(name, repo string) bool {
	owner, _, ok := strings.Cut(repo, "/")
	scope, _, scoped := strings.Cut(name, "/")
	return ok && scoped && strings.EqualFold(scope, "@"+owner)
}

// projectName returns the package name of an ecosystem that a
// repository's top-level files give, and the file it comes from. That is
// the [package] name of Cargo.toml for crates.io and the gemspec's for
// RubyGems. For Maven Central it is pom.xml's groupId:artifactId, and for
// NuGet the .csproj's PackageId.
// For npm and PyPI, the manifest (package.json, pyproject.toml) is what
// the release tool reads, so once it was read the lockfile's name is not
// used, even when the manifest names no package that the registry would
// accept. A pyproject.toml
// without a [project] or [tool.poetry] name leaves the name to setuptools,
// which takes it from setup.py, else setup.cfg, unless setup.py may pass
// a name that is not a literal.
func projectName(repo graph.Node, eco string) (name, file string) {
	switch eco {
	case "cargo":
		return repo.Attr(graph.AttrCargoProject), "Cargo.toml"
	case "gem":
		return repo.Attr(graph.AttrGemProject), "gemspec"
	case "maven":
		return repo.Attr(graph.AttrMavenProject), "pom.xml"
	case "nuget":
		return repo.Attr(graph.AttrNuGetProject), ".csproj"
	}
	if eco == "pypi" {
		switch {
		case repo.Attr(graph.AttrPyPIManifest) == "true":
			return repo.Attr(graph.AttrPyPIProject), "pyproject.toml"
		case repo.Attr(graph.AttrPyPISetupPyProject) != "":
			return repo.Attr(graph.AttrPyPISetupPyProject), "setup.py"
		case repo.Attr(graph.AttrPyPISetupPyNameUnknown) == "true":
			// setup() gets a name the input does not show, and it wins
			// over setup.cfg's.
			return "", "setup.py"
		case repo.Attr(graph.AttrPyPISetupCfgProject) != "":
			return repo.Attr(graph.AttrPyPISetupCfgProject), "setup.cfg"
		}
		return repo.Attr(graph.AttrPyPILockProject), "uv.lock"
	}
	if repo.Attr(graph.AttrNPMManifest) == "true" {
		return repo.Attr(graph.AttrNPMProject), "package.json"
	}
	return repo.Attr(graph.AttrNPMLockProject), repo.Attr(graph.AttrNPMLockProjectFile)
}

// projectEcosystems are the ecosystems whose releases of the project at
// the top of a repository the linker joins to its package.
var projectEcosystems = []string{"npm", "pypi", "cargo", "gem", "maven", "nuget"}

// packageID returns the purl of a package name, without a version. An npm
// scope becomes the purl's namespace, and so does a Maven groupId
// (groupId:artifactId).
func packageID(eco, name string) string {
	if eco == "maven" {
		group, artifact, _ := strings.Cut(name, ":")
		return packageurl.NewPackageURL("maven", group, artifact, "", nil, "").ToString()
	}
	ns := ""
	if strings.HasPrefix(name, "@") {
		if i := strings.IndexByte(name, '/'); i > 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	if eco != "npm" {
		return packageurl.NewPackageURL(eco, "", name, "", nil, "").ToString()
	}
	return packageurl.NewPackageURL("npm", ns, name, "", nil, "").ToString()
}
