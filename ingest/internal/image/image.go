// Package image parses container image references and names them as
// package URLs. Every ingester uses it, so one image has one Package node
// whichever input mentions it.
package image

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// Ref is a container image reference split into its parts.
type Ref struct {
	Registry string // empty for Docker Hub
	Path     string // repository path without the registry
	Tag      string
	Digest   string
}

// Parse splits [registry/]path[:tag][@digest]. Docker Hub's own names
// (docker.io and its aliases, library/) are dropped. It reports false for a
// reference with a character no image name has (a blank, an unexpanded
// variable), an empty tag or digest, or an empty path.
func Parse(s string) (Ref, bool) {
	var r Ref
	if s == "" || strings.IndexFunc(s, func(c rune) bool { return !refChar(c) }) >= 0 {
		return r, false
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		r.Digest, s = s[at+1:], s[:at]
		if r.Digest == "" {
			return r, false
		}
	}
	if colon := strings.LastIndexByte(s, ':'); colon > strings.LastIndexByte(s, '/') {
		r.Tag, s = s[colon+1:], s[:colon]
		if r.Tag == "" {
			return r, false
		}
	}
	if slash := strings.IndexByte(s, '/'); slash > 0 {
		if first := s[:slash]; strings.ContainsAny(first, ".:") || first == "localhost" {
			r.Registry, s = first, s[slash+1:]
		}
	}
	switch r.Registry {
	case "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		r.Registry = ""
	}
	if r.Registry == "" {
		s = strings.TrimPrefix(s, "library/")
	}
	if s == "" || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return r, false
	}
	r.Path = s
	return r, true
}

// ParseComputedVersion parses a reference whose tag or digest is an
// unexpanded variable, as in app:${var.tag}, to the image name it names.
// The name part must hold no variable. It reports false for any other
// reference; Parse reads those.
func ParseComputedVersion(s string) (Ref, bool) {
	i := strings.Index(s, "${")
	if i < 0 {
		return Ref{}, false
	}
	// The name ends where its tag or digest starts: at an '@', else at
	// the last ':' after the last '/' (a ':' before it ends the host,
	// as in registry:5000/app).
	head := s[:i]
	cut := strings.IndexByte(head, '@')
	if cut < 0 {
		cut = strings.LastIndexByte(head, ':')
		if cut < strings.LastIndexByte(head, '/') {
			return Ref{}, false
		}
	}
	if cut <= 0 || slashOutsideVariables(s[cut:]) {
		return Ref{}, false
	}
	r, ok := Parse(s[:cut])
	if !ok || r.Tag != "" || r.Digest != "" {
		return Ref{}, false
	}
	return r, true
}

// slashOutsideVariables reports whether s contains a '/' outside its ${...}
// sequences. Tags and digests contain no '/', so such a '/' means the ':'
// before it ended a registry host, as in host:${var.port}/app.
func slashOutsideVariables(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '{' && depth > 0:
			depth++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == '/' && depth == 0:
			return true
		}
	}
	return false
}

// PinnedComputed is the pinned attribute of an EXECUTES edge to an image
// name whose tag or digest the input computes, beside Pinned's "digest"
// and "tag".
const PinnedComputed = "computed"

// ComputedVersionReason explains an EXECUTES edge to an image name whose
// tag or digest the input computes (ParseComputedVersion).
const ComputedVersionReason = "the tag or digest is computed when the configuration is applied, which the input does not show: the runtime runs some version of this image"

func refChar(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.ContainsRune("._-/:@+", c)
}

// Version is the digest when there is one, else the tag, else latest.
func (r Ref) Version() string {
	switch {
	case r.Digest != "":
		return r.Digest
	case r.Tag != "":
		return r.Tag
	}
	return "latest"
}

// Pinned returns how firmly the reference fixes the image's content: "digest"
// or "tag".
func (r Ref) Pinned() string {
	if r.Digest != "" {
		return "digest"
	}
	return "tag"
}

// Name is the image name with its registry.
func (r Ref) Name() string {
	if r.Registry != "" {
		return r.Registry + "/" + r.Path
	}
	return r.Path
}

// PURL renders the image's package URL, with its version when versioned is
// set: pkg:docker/namespace/name@version?repository_url=registry.
func (r Ref) PURL(versioned bool) string {
	ns, name := "", r.Path
	if i := strings.LastIndexByte(r.Path, '/'); i >= 0 {
		ns, name = r.Path[:i], r.Path[i+1:]
	}
	var q packageurl.Qualifiers
	if r.Registry != "" {
		q = packageurl.QualifiersFromMap(map[string]string{"repository_url": r.Registry})
	}
	version := ""
	if versioned {
		version = r.Version()
	}
	return packageurl.NewPackageURL(packageurl.TypeDocker, ns, name, version, q, "").ToString()
}
