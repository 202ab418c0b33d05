package ciscan

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// Image is a container image reference split into its parts.
type Image struct {
	Registry string // empty for Docker Hub
	Path     string // repository path without the registry
	Tag      string
	Digest   string
}

// ParseImage splits [registry/]path[:tag][@digest]. Docker Hub's own
// names (docker.io, library/) are dropped so that one image has one purl,
// the same one the GitHub Actions ingester gives it. It reports false for
// a reference with blanks, an unresolved variable or an empty path.
func ParseImage(s string) (Image, bool) {
	var img Image
	if s == "" || strings.ContainsAny(s, " \t\n$<>{}") {
		return img, false
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		img.Digest = s[at+1:]
		s = s[:at]
	}
	if colon := strings.LastIndexByte(s, ':'); colon > strings.LastIndexByte(s, '/') {
		img.Tag = s[colon+1:]
		s = s[:colon]
	}
	if slash := strings.IndexByte(s, '/'); slash > 0 {
		first := s[:slash]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			img.Registry = first
			s = s[slash+1:]
		}
	}
	switch img.Registry {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		img.Registry = ""
	}
	if img.Registry == "" {
		s = strings.TrimPrefix(s, "library/")
	}
	if s == "" || strings.HasSuffix(s, "/") || strings.Contains(s, "//") || strings.HasPrefix(s, "/") {
		return img, false
	}
	img.Path = s
	return img, true
}

// Version is the digest when there is one, else the tag, else latest.
func (img Image) Version() string {
	switch {
	case img.Digest != "":
		return img.Digest
	case img.Tag != "":
		return img.Tag
	}
	return "latest"
}

// Pinned returns how firmly the reference fixes the image: digest or tag.
func (img Image) Pinned() string {
	if img.Digest != "" {
		return "digest"
	}
	return "tag"
}

// Name is the image name with its registry.
func (img Image) Name() string {
	if img.Registry != "" {
		return img.Registry + "/" + img.Path
	}
	return img.Path
}

// PURL renders the purl of the image, with its version when versioned is
// set: pkg:docker/namespace/name@version?repository_url=registry.
func (img Image) PURL(versioned bool) string {
	ns, name := "", img.Path
	if i := strings.LastIndexByte(img.Path, '/'); i >= 0 {
		ns, name = img.Path[:i], img.Path[i+1:]
	}
	var q packageurl.Qualifiers
	if img.Registry != "" {
		q = packageurl.QualifiersFromMap(map[string]string{"repository_url": img.Registry})
	}
	version := ""
	if versioned {
		version = img.Version()
	}
	return packageurl.NewPackageURL(packageurl.TypeDocker, ns, name, version, q, "").ToString()
}
