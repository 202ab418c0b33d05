package ciscan

import (
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// ScriptLiterals are the literal credentials of one script (a GitLab
// script item, a CircleCI run step), by command, read once for all the
// releases of the script.
type ScriptLiterals struct {
	commands []commandLiterals
}

// commandLiterals are the literal credentials of one command of a script
// (registry.Commands).
type commandLiterals struct {
	found []literal.Finding
	// npmrc is set when the command writes an npm auth token, as
	// `npm config set` or an echo into .npmrc does.
	npmrc bool
}

// ScanLiterals reads the literal credentials of a script.
func ScanLiterals(script string) ScriptLiterals {
	var sl ScriptLiterals
	for _, c := range registry.Commands(script) {
		sl.commands = append(sl.commands, commandLiterals{
			found: literal.Scan(c.Text),
			npmrc: strings.Contains(c.Text, "_authToken"),
		})
	}
	return sl
}

// Tokens returns the inline secrets of the registry tokens that release r
// of the script logs in with. literals maps each literal value of the job
// to its inline secret. The tokens are those that the release's own
// command receives. For npm they are also those written to .npmrc before
// it: by earlier commands of the script, or by earlier scripts of the job
// (npmrc). A token that another command on the release's line receives,
// as echo does, logs in nowhere.
func (sl ScriptLiterals) Tokens(literals map[string]string, r registry.Release, npmrc []string) []string {
	var out []string
	if r.Eco == "npm" {
		out = append(out, npmrc...)
	}
	for i, c := range sl.commands {
		if i > r.Index {
			break
		}
		if i < r.Index && !(r.Eco == "npm" && c.npmrc) {
			continue
		}
		for _, f := range c.found {
			if id := literals[f.Value]; id != "" && literal.RegistryToken(r.Eco, f.Kind) {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// NPMRCTokens returns the inline secrets of the npm tokens the script
// writes to .npmrc, for the releases of later scripts.
func (sl ScriptLiterals) NPMRCTokens(literals map[string]string) []string {
	var out []string
	for _, c := range sl.commands {
		if !c.npmrc {
			continue
		}
		for _, f := range c.found {
			if id := literals[f.Value]; id != "" && literal.RegistryToken("npm", f.Kind) {
				out = append(out, id)
			}
		}
	}
	return out
}
