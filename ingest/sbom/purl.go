package sbom

import (
	"strings"
	"unicode"
	"unicode/utf8"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// pkg is a package an SBOM names, with the node ids every ingester gives
// it.
type pkg struct {
	eco     string // purl type
	name    string // the name as the ecosystem writes it
	version string
	id      string // version purl, or the name purl when version is ""
	nameID  string
	image   *image.Ref // set for container images
}

// label is the package's name and version for node labels.
func (p pkg) label() string {
	if p.version == "" {
		return p.name
	}
	return p.name + "@" + p.version
}

// packageOf reads a purl into a pkg. Qualifiers and subpaths are dropped
// and names normalised as the lockfile ingesters spell them, so that a
// package in an SBOM and the same package in a lockfile share one node.
// Container images (pkg:docker, pkg:oci) get the id the image parser
// gives their reference.
func packageOf(purl string) (pkg, bool) {
	p, ok := readPurl(purl)
	if !ok || !validText(p.name) || !validText(p.version) {
		return pkg{}, false
	}
	return p, true
}

// validText reports whether s is valid UTF-8 without control or
// bidirectional formatting characters, which no package name or version
// has and which could disguise a label.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return false
		}
	}
	return true
}

// readPurl reads a purl into a pkg without checking its text.
func readPurl(purl string) (pkg, bool) {
	p, err := packageurl.FromString(strings.TrimSpace(purl))
	if err != nil || p.Name == "" {
		return pkg{}, false
	}
	switch p.Type {
	case "docker", "oci":
		ref, ok := imageFromPURL(p)
		if !ok {
			return pkg{}, false
		}
		return imagePkg(ref), true
	}
	ns, name := p.Namespace, p.Name
	switch p.Type {
	case "golang":
		full := strings.ToLower(strings.Trim(ns+"/"+name, "/"))
		ns, name = "", full
		if i := strings.LastIndexByte(full, '/'); i >= 0 {
			ns, name = full[:i], full[i+1:]
		}
	case "pypi":
		name = graph.PyPIName(name)
	case "githubactions", "github":
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	}
	out := pkg{eco: p.Type, name: displayName(p.Type, ns, name), version: p.Version}
	out.nameID = packageurl.NewPackageURL(p.Type, ns, name, "", nil, "").ToString()
	out.id = out.nameID
	if p.Version != "" {
		out.id = packageurl.NewPackageURL(p.Type, ns, name, p.Version, nil, "").ToString()
	}
	return out, true
}

// displayName joins a purl namespace and name the way the ecosystem
// writes package names.
func displayName(typ, ns, name string) string {
	switch {
	case ns == "":
		return name
	case typ == "maven":
		return ns + ":" + name
	}
	return ns + "/" + name
}

// withNameTag adds to an image known by digest only the tag that the
// subject's name carries (trivy names an image "alpine:3.18" and gives
// the digest in its purl), when the name is of the same repository.
func withNameTag(p pkg, name string) pkg {
	if p.image == nil || p.image.Tag != "" {
		return p
	}
	named, ok := image.Parse(strings.TrimSpace(stripScheme(name)))
	if !ok || named.Tag == "" || named.Name() != p.image.Name() {
		return p
	}
	ref := *p.image
	ref.Tag = named.Tag
	return imagePkg(ref)
}

// imagePkg names a container image as every ingester does.
func imagePkg(ref image.Ref) pkg {
	r := ref
	return pkg{
		eco: "docker", name: ref.Name(), version: ref.Version(),
		id: ref.PURL(true), nameID: ref.PURL(false), image: &r,
	}
}

// imageFromPURL turns a pkg:docker or pkg:oci purl into an image
// reference. A docker purl keeps the registry in repository_url. An oci
// purl keeps the whole repository there, with the digest as version and
// the tag as a qualifier.
func imageFromPURL(p packageurl.PackageURL) (image.Ref, bool) {
	q := p.Qualifiers.Map()
	repo := strings.TrimSuffix(stripScheme(q["repository_url"]), "/")
	var ref string
	switch p.Type {
	case "docker":
		ref = p.Name
		if p.Namespace != "" {
			ref = p.Namespace + "/" + ref
		}
		if repo != "" {
			ref = repo + "/" + ref
		}
	case "oci":
		ref = p.Name
		if repo != "" {
			ref = repo
		}
	default:
		return image.Ref{}, false
	}
	return imageRef(ref, p.Version, q["tag"])
}

// imageRef builds an image reference from a name, a version that is a tag
// or a digest, and a tag known besides a digest.
func imageRef(name, version, tag string) (image.Ref, bool) {
	ref := strings.TrimSpace(stripScheme(name))
	if ref == "" {
		return image.Ref{}, false
	}
	if parsed, ok := image.Parse(ref); ok {
		if parsed.Tag != "" && tag == "" {
			tag = parsed.Tag
		}
		if parsed.Digest != "" && version == "" {
			version = parsed.Digest
		}
		ref = parsed.Name()
	}
	var digest string
	switch {
	case isDigest(version):
		digest = version
	case version != "" && tag == "":
		tag = version
	}
	if tag != "" {
		ref += ":" + tag
	}
	if digest != "" {
		ref += "@" + digest
	}
	return image.Parse(ref)
}

// isDigest reports whether v is a content digest (algorithm:hex): a tag
// never holds a colon.
func isDigest(v string) bool {
	alg, hex, ok := strings.Cut(v, ":")
	return ok && alg != "" && hex != ""
}

func stripScheme(s string) string {
	for _, p := range []string{"https://", "http://", "oci://", "docker://"} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}
