package lockfile

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
)

// Ecosystem names, as purl types and as the ecosystem attribute.
const (
	ecoNPM      = "npm"
	ecoGolang   = "golang"
	ecoPyPI     = "pypi"
	ecoCargo    = "cargo"
	ecoGem      = "gem"
	ecoComposer = "composer"
	ecoMaven    = "maven"
)

// purlOf renders a package as a purl, without a version when ref has none.
//
// npm scopes become the namespace (pkg:npm/%40scope/name). Go module paths
// are split at the last slash and lowercased, as the purl golang type
// requires, so that ids agree with purls parsed by packageurl-go; the
// module path as written stays in the name attribute. PyPI names are
// normalised as PEP 503 describes. Composer names split into vendor
// (namespace) and name, both lowercased as the purl composer type requires.
// Maven names (groupId:artifactId) split into the groupId (namespace) and
// the artifactId, both kept as written, as the SBOM reader splits them.
// Cargo crate and RubyGems names are kept as written.
func purlOf(ref pkgRef) string {
	var ns, name string
	switch ref.Eco {
	case ecoNPM:
		name = ref.Name
		if strings.HasPrefix(name, "@") {
			if i := strings.IndexByte(name, '/'); i > 0 {
				ns, name = name[:i], name[i+1:]
			}
		}
	case ecoGolang:
		name = strings.ToLower(ref.Name)
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	case ecoPyPI:
		name = graph.PyPIName(ref.Name)
	case ecoComposer:
		name = strings.ToLower(ref.Name)
		if i := strings.IndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	case ecoMaven:
		name = ref.Name
		if i := strings.IndexByte(name, ':'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	default:
		name = ref.Name
	}
	return packageurl.NewPackageURL(ref.Eco, ns, name, ref.Version, nil, "").ToString()
}
