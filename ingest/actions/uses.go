package actions

import (
	"errors"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// purlTypeActions is the purl type of GitHub Actions and reusable workflows.
const purlTypeActions = "githubactions"

// Values of the pinned attribute of EXECUTES edges.
const (
	pinnedSHA    = "sha"
	pinnedRef    = "tag-or-branch"
	pinnedDigest = "digest"
	pinnedTag    = "tag"
)

// usesKind is the kind of target a uses: value names.
type usesKind int

const (
	usesRemote usesKind = iota // owner/repo[/path]@ref
	usesLocal                  // ./path in the same repository
	usesDocker                 // docker://image
)

// usesRef is a parsed uses: value.
type usesRef struct {
	Kind usesKind
	// Owner and Repo name the repository of a remote action or workflow,
	// lower-cased because GitHub names are case-insensitive. Path is the
	// directory or file inside it, and Ref the tag, branch or commit.
	Owner, Repo, Path, Ref string
	// Local is the path of a local action or workflow as written.
	Local string
	// Image is a docker image reference split into its parts.
	Image imageRef
}

var (
	errUsesExpression = errors.New("action named by an expression, which is not resolved")
	errUsesNoRef      = errors.New("uses is missing its @ref")
	errUsesForm       = errors.New("invalid uses: expected owner/repo[/path]@ref, ./path or docker://image")
)

// parseUses parses a step's or a job's uses: value.
func parseUses(s string) (usesRef, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.Contains(s, "${{"):
		return usesRef{}, errUsesExpression
	case strings.HasPrefix(s, "./") || s == ".":
		return usesRef{Kind: usesLocal, Local: s}, nil
	case strings.HasPrefix(s, "docker://"):
		img, ok := parseImage(strings.TrimPrefix(s, "docker://"))
		if !ok {
			return usesRef{}, errUsesForm
		}
		return usesRef{Kind: usesDocker, Image: img}, nil
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return usesRef{}, errUsesNoRef
	}
	name, ref := s[:at], s[at+1:]
	parts := strings.Split(name, "/")
	if ref == "" || len(parts) < 2 || strings.ContainsAny(s, " \t\n") {
		return usesRef{}, errUsesForm
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return usesRef{}, errUsesForm
		}
	}
	return usesRef{
		Kind:  usesRemote,
		Owner: strings.ToLower(parts[0]),
		Repo:  strings.ToLower(parts[1]),
		Path:  strings.Join(parts[2:], "/"),
		Ref:   ref,
	}, nil
}

// Name returns owner/repo.
func (u usesRef) Name() string { return u.Owner + "/" + u.Repo }

// Pinned returns how firmly the reference fixes the code that runs.
func (u usesRef) Pinned() string {
	if u.Kind == usesDocker {
		if u.Image.Digest != "" {
			return pinnedDigest
		}
		return pinnedTag
	}
	if isCommitSHA(u.Ref) {
		return pinnedSHA
	}
	return pinnedRef
}

// isCommitSHA reports whether a ref is a full 40-hex commit id.
func isCommitSHA(ref string) bool {
	if len(ref) != 40 {
		return false
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return true
}

// actionPURL renders the purl of a remote action or workflow. An empty ref
// gives the unversioned form.
func actionPURL(owner, repo, ref, subpath string) string {
	return packageurl.NewPackageURL(purlTypeActions, owner, repo, ref, nil, subpath).ToString()
}

// imageRef is a container image reference.
type imageRef struct {
	Registry string // empty for Docker Hub
	Path     string // repository path without the registry
	Tag      string
	Digest   string
}

// parseImage splits [registry/]path[:tag][@digest]. Docker Hub's own names
// (docker.io, library/) are dropped so that one image has one purl.
func parseImage(s string) (imageRef, bool) {
	var img imageRef
	if s == "" || strings.ContainsAny(s, " \t\n") || strings.Contains(s, "${{") {
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
	if s == "" || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return img, false
	}
	img.Path = s
	return img, true
}

// Version is the digest when there is one, else the tag, else latest.
func (img imageRef) Version() string {
	switch {
	case img.Digest != "":
		return img.Digest
	case img.Tag != "":
		return img.Tag
	}
	return "latest"
}

// PURL renders the purl of the image, with its version when versioned is
// set.
func (img imageRef) PURL(versioned bool) string {
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

// Name is the image name with its registry.
func (img imageRef) Name() string {
	if img.Registry != "" {
		return img.Registry + "/" + img.Path
	}
	return img.Path
}
