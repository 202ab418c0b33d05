package kubernetes

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// image is a container image reference split into its parts, named the
// way the GitHub Actions ingester names docker:// images, so that one
// image has one Package node whichever input mentions it.
type image struct {
	registry string // "" for Docker Hub
	repo     string // repository path without the registry
	tag      string
	digest   string
}

// parseImage splits [registry/]path[:tag][@digest]. Docker Hub's own
// names (docker.io and its aliases, library/) are dropped. It rejects
// references with characters no image name has, such as an unexpanded
// variable.
func parseImage(s string) (image, bool) {
	var img image
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !imageChar(r) }) >= 0 {
		return img, false
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		img.digest = s[at+1:]
		s = s[:at]
		if img.digest == "" {
			return img, false
		}
	}
	if colon := strings.LastIndexByte(s, ':'); colon > strings.LastIndexByte(s, '/') {
		img.tag = s[colon+1:]
		s = s[:colon]
		if img.tag == "" {
			return img, false
		}
	}
	if slash := strings.IndexByte(s, '/'); slash > 0 {
		first := s[:slash]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			img.registry = first
			s = s[slash+1:]
		}
	}
	switch img.registry {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		img.registry = ""
	}
	if img.registry == "" {
		s = strings.TrimPrefix(s, "library/")
	}
	if s == "" || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return img, false
	}
	img.repo = s
	return img, true
}

func imageChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("._-/:@+", r)
}

// version is the digest when there is one, else the tag, else latest.
func (img image) version() string {
	switch {
	case img.digest != "":
		return img.digest
	case img.tag != "":
		return img.tag
	}
	return "latest"
}

// pinned returns how the reference fixes the image's content.
func (img image) pinned() string {
	if img.digest != "" {
		return "digest"
	}
	return "tag"
}

// purl renders the image's purl, with its version when versioned is set.
func (img image) purl(versioned bool) string {
	ns, name := "", img.repo
	if i := strings.LastIndexByte(img.repo, '/'); i >= 0 {
		ns, name = img.repo[:i], img.repo[i+1:]
	}
	var q packageurl.Qualifiers
	if img.registry != "" {
		q = packageurl.QualifiersFromMap(map[string]string{"repository_url": img.registry})
	}
	v := ""
	if versioned {
		v = img.version()
	}
	return packageurl.NewPackageURL(packageurl.TypeDocker, ns, name, v, q, "").ToString()
}

// name is the image name with its registry.
func (img image) name() string {
	if img.registry != "" {
		return img.registry + "/" + img.repo
	}
	return img.repo
}
