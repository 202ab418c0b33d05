package ciscan

import (
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// ScriptLiterals are the literal credentials of one script (a GitLab
// script item, a CircleCI run step), with the script's lines, read once
// for all the releases of the script.
type ScriptLiterals struct {
	found []literal.Finding
	lines []string
}

// ScanLiterals reads the literal credentials of a script.
func ScanLiterals(script string) ScriptLiterals {
	return ScriptLiterals{found: literal.Scan(script), lines: strings.Split(script, "\n")}
}

// npmrc reports whether the finding f sits on a line that writes an npm
// auth token, as `npm config set` or an echo into .npmrc does.
func (sl ScriptLiterals) npmrc(f literal.Finding) bool {
	return f.Line <= len(sl.lines) && strings.Contains(sl.lines[f.Line-1], "_authToken")
}

// Tokens returns the inline secrets of the registry tokens that release r
// of the script logs in with. literals maps each literal value of the job
// to its inline secret. The tokens are those on the release's line. For
// npm they are also those written to .npmrc before it: in the script, or
// in earlier scripts of the job (npmrc).
func (sl ScriptLiterals) Tokens(literals map[string]string, r registry.Release, npmrc []string) []string {
	var out []string
	if r.Eco == "npm" {
		out = append(out, npmrc...)
	}
	for _, f := range sl.found {
		id := literals[f.Value]
		if id == "" || !literal.RegistryToken(r.Eco, f.Kind) {
			continue
		}
		if f.Line == r.Line || r.Eco == "npm" && f.Line < r.Line && sl.npmrc(f) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// NPMRCTokens returns the inline secrets of the npm tokens the script
// writes to .npmrc, for the releases of later scripts.
func (sl ScriptLiterals) NPMRCTokens(literals map[string]string) []string {
	var out []string
	for _, f := range sl.found {
		if id := literals[f.Value]; id != "" && literal.RegistryToken("npm", f.Kind) && sl.npmrc(f) {
			out = append(out, id)
		}
	}
	return out
}
