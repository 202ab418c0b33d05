package terraform

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// image is a container image reference: registry (empty for Docker Hub),
// repository path, tag and digest.
type image struct {
	registry, path, tag, digest string
}

// parseImage splits [registry/]path[:tag][@digest]. Docker Hub's own names
// (docker.io, library/) are dropped, so that one image has one purl as in
// the workflows' docker:// steps. Unresolved references are refused.
func parseImage(s string) (image, bool) {
	var img image
	if s == "" || strings.ContainsAny(s, " \t\n") || strings.Contains(s, "${") {
		return img, false
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		img.digest, s = s[at+1:], s[:at]
	}
	if c := strings.LastIndexByte(s, ':'); c > strings.LastIndexByte(s, '/') {
		img.tag, s = s[c+1:], s[:c]
	}
	if slash := strings.IndexByte(s, '/'); slash > 0 {
		if first := s[:slash]; strings.ContainsAny(first, ".:") || first == "localhost" {
			img.registry, s = first, s[slash+1:]
		}
	}
	switch img.registry {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		img.registry = ""
	}
	if img.registry == "" {
		s = strings.TrimPrefix(s, "library/")
	}
	if s == "" || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return img, false
	}
	img.path = s
	return img, true
}

// version is the digest, else the tag, else latest.
func (img image) version() string {
	switch {
	case img.digest != "":
		return img.digest
	case img.tag != "":
		return img.tag
	}
	return "latest"
}

// pinned returns how the reference fixes the image: by digest or by tag.
func (img image) pinned() string {
	if img.digest != "" {
		return "digest"
	}
	return "tag"
}

// name is the image name with its registry.
func (img image) name() string {
	if img.registry != "" {
		return img.registry + "/" + img.path
	}
	return img.path
}

// purl renders the image's package URL, with its version when versioned
// is set; the registry goes in the repository_url qualifier.
func (img image) purl(versioned bool) string {
	ns, name := "", img.path
	if i := strings.LastIndexByte(img.path, '/'); i >= 0 {
		ns, name = img.path[:i], img.path[i+1:]
	}
	var q packageurl.Qualifiers
	if img.registry != "" {
		q = packageurl.QualifiersFromMap(map[string]string{"repository_url": img.registry})
	}
	version := ""
	if versioned {
		version = img.version()
	}
	return packageurl.NewPackageURL(packageurl.TypeDocker, ns, name, version, q, "").ToString()
}
