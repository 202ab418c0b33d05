package actions

import (
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// toolLogins are the secrets that earlier lines of a job stored in the
// files that cargo and gem read a registry token from when no option or
// variable gives one: cargo login writes $CARGO_HOME/credentials.toml, by
// registry name ("" for crates.io), and gem push reads
// ~/.gem/credentials (its rubygems_api_key).
type toolLogins struct {
	cargo map[string][]string
	gem   []string
}

var (
	// cargoLogin matches cargo login, with its toolchain and options, and
	// captures the registry that --registry names.
	cargoLogin = regexp.MustCompile(`\bcargo\s+(?:\+\S+\s+)?login\b(?:[^;&|]*?\s--registry(?:=|\s+)([A-Za-z0-9_-]+))?`)
	// cargoCredentials matches a write to Cargo's credentials file.
	cargoCredentials = regexp.MustCompile(`\.cargo/credentials(?:\.toml)?\b`)
	// gemCredentials matches RubyGems' credentials file and its key.
	gemCredentials = regexp.MustCompile(`\.gem/credentials\b|:rubygems_api_key:`)
)

// recordToolLogin records the secrets that a line of a script stores for
// cargo or gem: a cargo login (its argument, or the input a pipe gives
// it), a write to Cargo's credentials file (taken to be for crates.io),
// and a line that writes ~/.gem/credentials or its :rubygems_api_key:
// entry, as the body of a here-document does.
func (j *job) recordToolLogin(line string, env map[string]string) {
	name, cargo := "", false
	if m := cargoLogin.FindStringSubmatch(line); m != nil {
		name, cargo = m[1], true
	} else if cargoCredentials.MatchString(line) {
		cargo = true
	}
	if name == "crates-io" {
		name = ""
	}
	gem := gemCredentials.MatchString(line)
	if !cargo && !gem {
		return
	}
	secrets := secretNames(line, env)
	if len(secrets) == 0 {
		return
	}
	if cargo {
		if j.toolLogins.cargo == nil {
			j.toolLogins.cargo = map[string][]string{}
		}
		j.toolLogins.cargo[name] = append(j.toolLogins.cargo[name], secrets...)
	}
	if gem {
		j.toolLogins.gem = append(j.toolLogins.gem, secrets...)
	}
}

// withToolLogins adds to creds the secrets stored earlier for the tool of
// a release command: cargo's for the registry that --registry names (or
// crates.io), gem's for gem push and rake release.
func (j *job) withToolLogins(creds []string, eco string, words []string) []string {
	switch eco {
	case "cargo":
		name := ""
		for i, w := range words {
			if v, ok := strings.CutPrefix(w, "--registry="); ok {
				name = v
			} else if w == "--registry" && i+1 < len(words) {
				name = words[i+1]
			}
		}
		if name == "crates-io" {
			name = ""
		}
		if slices.ContainsFunc(words, func(w string) bool { return w == "--index" || strings.HasPrefix(w, "--index=") }) &&
			registry.ReleaseHost(eco, words) != registry.CratesIORegistry {
			// A login is stored by registry name; an index URL of
			// another registry matches none that the input shows.
			return creds
		}
		creds = append(creds, j.toolLogins.cargo[name]...)
	case "gem":
		creds = append(creds, j.toolLogins.gem...)
	default:
		return creds
	}
	slices.Sort(creds)
	return slices.Compact(creds)
}
