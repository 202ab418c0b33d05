package actions

import (
	"errors"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/ingest/internal/image"
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
	Image image.Ref
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
		img, ok := image.Parse(strings.TrimPrefix(s, "docker://"))
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
