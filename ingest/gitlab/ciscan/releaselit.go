package ciscan

import (
	"cmp"
	"regexp"
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
// (registry.Commands), and the release tool configuration it writes them
// to.
type commandLiterals struct {
	text  string
	found []literal.Finding
	// npmrc is set when the command writes an npm auth token, as
	// `npm config set`, an echo into .npmrc or `yarn config set
	// npmAuthToken` does.
	npmrc bool
	// yarnrc is set when the token goes to Yarn's npmAuthToken in
	// .yarnrc.yml rather than to .npmrc.
	yarnrc bool
	// poetry is the repository whose credentials the command sets with
	// poetry config, "" for other commands.
	poetry string
}

// ConfigTokens are the inline secrets of the registry tokens that a job's
// scripts wrote into the configuration of release tools, for the releases
// of later scripts: npm's and Yarn's, and Poetry's by repository. They
// also hold the tokens that the scripts exported to variables that
// release tools read, until the shell that ran the scripts ends
// (NewShell). The zero value has none.
type ConfigTokens struct {
	npm    []npmToken
	poetry map[string][]string
	// exported are the exported tokens, by ecosystem.
	exported map[string][]string
	// vars are the shell's variables that contain literal values.
	vars literal.Variables
}

// npmToken is the inline secret of a token written to an .npmrc auth
// setting, and the registry the setting scopes it to.
type npmToken struct {
	id     string
	scope  registry.TokenScope
	yarnrc bool // as in commandLiterals
}

// NewShell drops the tokens that earlier scripts exported, and the
// variables they set, for scripts that run in a new shell. Files that the
// earlier scripts wrote remain.
func (ct *ConfigTokens) NewShell() {
	ct.exported = nil
	ct.vars.Reset()
}

// ScanLiterals reads the literal credentials of a script, with the
// references to the variables of ct's shell that contain literal values
// replaced by those values (literal.Variables). It records in ct the
// variables that the script sets, for the scripts after it.
func ScanLiterals(script string, ct *ConfigTokens) ScriptLiterals {
	var sl ScriptLiterals
	for _, c := range registry.Commands(script) {
		text := ct.vars.Expand(c.Text)
		found := literal.Scan(text)
		ct.vars.Assign(c.Text, found)
		sl.commands = append(sl.commands, commandLiterals{
			text:   text,
			found:  found,
			npmrc:  registry.WritesNPMToken(text),
			yarnrc: registry.WritesYarnrcToken(text),
			poetry: registry.PoetryConfigRepository(c.Words),
		})
	}
	return sl
}

// configures reports whether the command writes the configuration that
// release r reads its token from, or exports a variable that r's tools
// read (release r runs later in the same script).
func (c commandLiterals) configures(r registry.Release) bool {
	return r.Eco == "npm" && c.npmrc || r.PoetryRepository != "" && c.poetry == r.PoetryRepository ||
		registry.ExportsAuthEnv(r.Eco, c.text)
}

// Token is the inline secret of a registry token that a release logs in
// with, and the registry that the .npmrc auth setting it comes from scopes
// it to. A token that the release receives another way (on its command
// line, from an exported variable or from Yarn's npmAuthToken) has an
// Unknown scope: it goes wherever the release goes.
type Token struct {
	ID    string
	Scope registry.TokenScope
	// Unsure is set for an .npmrc token of a Yarn 2 release, which sends
	// it only if .yarnrc.yml names it (registry.Release.ReadsSetting).
	Unsure bool
}

// Tokens returns the inline secrets of the registry tokens that release r
// of the script logs in with, when it sends its package to target.
// literals maps each literal value of the job to its inline secret. The tokens are those that the release's own
// command receives, and those that earlier commands of the script
// exported to variables that release tools read. They are also those
// that earlier commands wrote into the configuration that the release
// tool reads, in the script or in earlier scripts of the job, and those
// that earlier scripts of the same shell exported (earlier).
// A token that another command on the release's line receives, as echo
// does, logs in nowhere, and neither does a token of an .npmrc setting
// scoped to another registry than target.
func (sl ScriptLiterals) Tokens(literals map[string]string, r registry.Release, target registry.NPMTarget, earlier ConfigTokens) []Token {
	var out []Token
	anywhere := func(ids ...string) {
		for _, id := range ids {
			out = append(out, Token{ID: id, Scope: registry.TokenScope{Unknown: true}})
		}
	}
	if r.Eco == "npm" {
		for _, t := range earlier.npm {
			reads, unsure := r.ReadsSetting(t.yarnrc)
			if reads && t.scope.Reaches(target) {
				out = append(out, Token{ID: t.id, Scope: t.scope, Unsure: unsure})
			}
		}
	}
	anywhere(earlier.exported[r.Eco]...)
	if r.PoetryRepository != "" {
		anywhere(earlier.poetry[r.PoetryRepository]...)
	}
	for i, c := range sl.commands {
		if i > r.Index {
			break
		}
		if i < r.Index && !c.configures(r) {
			continue
		}
		for _, f := range c.found {
			id := literals[f.Value]
			if id == "" || !literal.RegistryToken(r.Eco, f.Kind) {
				continue
			}
			if r.Eco != "npm" || !c.npmrc {
				anywhere(id)
				continue
			}
			scope := registry.NPMTokenScope(c.text, f.Value)
			reads, unsure := r.ReadsSetting(c.yarnrc)
			if reads && scope.Reaches(target) {
				out = append(out, Token{ID: id, Scope: scope, Unsure: unsure})
			}
		}
	}
	slices.SortFunc(out, func(a, b Token) int {
		return cmp.Or(strings.Compare(a.ID, b.ID), a.Scope.Compare(b.Scope), CompareBool(a.Unsure, b.Unsure))
	})
	// Of one token sent both ways, the sure one is kept.
	return slices.CompactFunc(out, func(a, b Token) bool { return a.ID == b.ID && a.Scope == b.Scope })
}

// NPMRCTokens returns the inline secrets of the npm registry tokens that
// the script writes into .npmrc auth settings, with the registry that
// each setting scopes its token to. literals maps each literal value of
// the job to its inline secret.
func (sl ScriptLiterals) NPMRCTokens(literals map[string]string) []Token {
	var out []Token
	for _, c := range sl.commands {
		if !c.npmrc {
			continue
		}
		for _, f := range c.found {
			if id := literals[f.Value]; id != "" && literal.RegistryToken("npm", f.Kind) {
				out = append(out, Token{ID: id, Scope: registry.NPMTokenScope(c.text, f.Value)})
			}
		}
	}
	return out
}

// AddConfigTokens adds to ct the inline secrets of the registry tokens
// that the script writes into the configuration of release tools, or
// exports to variables that they read, for the releases of later
// scripts.
func (sl ScriptLiterals) AddConfigTokens(ct *ConfigTokens, literals map[string]string) {
	for _, c := range sl.commands {
		for _, f := range c.found {
			id := literals[f.Value]
			if id == "" {
				continue
			}
			for _, eco := range registry.Ecosystems {
				if literal.RegistryToken(eco, f.Kind) && registry.ExportsAuthEnv(eco, c.text) {
					if ct.exported == nil {
						ct.exported = map[string][]string{}
					}
					ct.exported[eco] = append(ct.exported[eco], id)
				}
			}
			if c.npmrc && literal.RegistryToken("npm", f.Kind) {
				ct.npm = append(ct.npm, npmToken{id, registry.NPMTokenScope(c.text, f.Value), c.yarnrc})
			}
			if c.poetry != "" && literal.RegistryToken("pypi", f.Kind) {
				if ct.poetry == nil {
					ct.poetry = map[string][]string{}
				}
				ct.poetry[c.poetry] = append(ct.poetry[c.poetry], id)
			}
		}
	}
}

// CompareBool orders false before true.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// RecordAuthExports records in exported the values that commands give,
// by export NAME=VALUE or NAME=VALUE alone, to variables that the
// release tools of an ecosystem read (registry.ExportsAuthEnv). Values
// are kept as written, quotes included, for ValueRefs. A later value
// replaces an earlier one, and unset removes it.
func RecordAuthExports(exported map[string]string, commands []registry.Command, eco string) {
	for _, cmd := range commands {
		if len(cmd.Words) > 1 && cmd.Words[0] == "unset" {
			// unset NAME, or unset -v NAME, removes the variable.
			for _, name := range cmd.Words[1:] {
				delete(exported, name)
			}
			continue
		}
		if !registry.ExportsAuthEnv(eco, cmd.Text) {
			continue
		}
		for _, it := range lex(cmd.Text) {
			for _, w := range it.words {
				name, _, ok := strings.Cut(w.text, "=")
				if !ok || !registry.AuthEnv(eco, name) {
					continue
				}
				_, value, _ := strings.Cut(w.raw, "=")
				exported[name] = value
			}
		}
	}
}

// ValueRefs returns the variables that a value as written in a script
// reads: none inside single quotes, and none inside command
// substitutions, whose output holds no variable's value (as Sources).
func ValueRefs(value string) []string {
	names, _ := refsIn(value)
	return names
}

// RecordBashEnvExports records in exported the values of the
// export NAME=VALUE lines that commands append to $BASH_ENV, for the
// variables that the release tools of an ecosystem read. CircleCI
// sources that file at the start of each later run step of the job.
func RecordBashEnvExports(exported map[string]string, commands []registry.Command, eco string) {
	for _, cmd := range commands {
		if !strings.Contains(cmd.Text, "BASH_ENV") {
			continue
		}
		for _, m := range bashEnvExport.FindAllStringSubmatch(cmd.Text, -1) {
			if registry.AuthEnv(eco, m[1]) {
				exported[m[1]] = m[2]
			}
		}
	}
}

// bashEnvExport matches an export NAME=VALUE line in the text that a
// command appends to $BASH_ENV. VALUE ends at the first space.
var bashEnvExport = regexp.MustCompile(`\bexport\s+([A-Za-z_][A-Za-z0-9_]*)=(\S*)`)
