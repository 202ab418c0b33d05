package actions

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// tokenScopes are the GITHUB_TOKEN permission scopes that a workflow can
// set. read-all, write-all and {} stand for all of them.
var tokenScopes = []string{
	"actions", "attestations", "checks", "contents", "deployments",
	"discussions", "id-token", "issues", "models", "packages", "pages",
	"pull-requests", "repository-projects", "security-events", "statuses",
}

// permDefault is the permissions attribute of a job whose workflow sets no
// permissions: the repository or organisation default applies, which the
// input does not show.
const permDefault = "default"

// permissions is the effective token permissions of a job: a level (read,
// write or none) per scope, or Default when nothing sets them.
type permissions struct {
	Default bool
	Levels  map[string]string
}

// readPermissions reads a permissions: value. ok is false when the value is
// not one GitHub accepts, and the caller then warns.
func readPermissions(n *yaml.Node) (perm permissions, ok bool) {
	levels := map[string]string{}
	if s, isScalar := scalar(n); isScalar {
		switch s {
		case "read-all":
			for _, sc := range tokenScopes {
				levels[sc] = "read"
			}
			levels["id-token"] = "none" // id-token has no read level
		case "write-all":
			for _, sc := range tokenScopes {
				levels[sc] = "write"
			}
			levels["models"] = "read" // models has no write level
		default:
			return permissions{Default: true}, false
		}
		return permissions{Levels: levels}, true
	}
	if !isMap(n) {
		return permissions{Default: true}, false
	}
	for _, sc := range tokenScopes {
		levels[sc] = "none"
	}
	ok = true
	for _, p := range pairs(n) {
		lvl, _ := scalar(p.val)
		switch lvl {
		case "read", "write", "none":
			levels[p.key.Value] = lvl
		default:
			ok = false
		}
	}
	return permissions{Levels: levels}, ok
}

// String renders the permissions as a sorted "scope:level" list that leaves
// out scopes at level none. It returns "none" when no scope is granted and
// "default" for Default.
func (p permissions) String() string {
	if p.Default {
		return permDefault
	}
	var out []string
	for sc, lvl := range p.Levels {
		if lvl != "none" {
			out = append(out, sc+":"+lvl)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// repoScopes renders, as String does, the scopes that act on the
// repository: every scope but id-token, which mints OIDC tokens.
func (p permissions) repoScopes() string {
	q := permissions{Levels: make(map[string]string, len(p.Levels))}
	for scope, lvl := range p.Levels {
		if scope != "id-token" {
			q.Levels[scope] = lvl
		}
	}
	return q.String()
}

// has reports whether scope is granted at level or higher.
func (p permissions) has(scope, level string) bool {
	got := p.Levels[scope]
	switch level {
	case "write":
		return got == "write"
	case "read":
		return got == "read" || got == "write"
	}
	return false
}

// level returns the highest level granted on any scope: write, read or "".
func (p permissions) level() string {
	best := ""
	for scope, lvl := range p.Levels {
		if scope == "id-token" {
			// id-token:write mints OIDC tokens; it grants nothing on the
			// repository itself.
			continue
		}
		switch lvl {
		case "write":
			return "write"
		case "read":
			best = "read"
		}
	}
	return best
}
