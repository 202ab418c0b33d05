package actions

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// install is one package install found in a job: the ecosystem and the
// directory it ran in, relative to the checkout ("." for the root).
type install struct {
	Eco string
	Dir string
}

// maxScriptCommands bounds the commands read from one run: script.
const maxScriptCommands = 10000

// scriptInstalls finds the commands of a shell script that fetch packages
// from a registry. wd is the step's working directory ("" for the root).
func scriptInstalls(script, wd string) []install {
	var out []install
	for _, e := range scriptEffects(script, wd, nil) {
		if e.Install {
			out = append(out, install{Eco: e.Eco, Dir: e.Dir})
		}
	}
	return out
}

// scriptEffects reads what the commands of a shell script do with
// packages: installs, and code of the project or its dependencies run.
// wd is the step's working directory ("" for the root) and env the
// variables the step sets. The script is parsed as bash (shellscan), so
// every simple command is read, those of groups, loops and substitutions
// included. cd and pushd move the directory of later commands in the
// same shell. Assignments in front of a command and export set
// variables. Each effect's Dir is the directory the command ran in. A
// script that does not parse as bash is split into commands roughly
// instead (scriptEffectsSplit).
func scriptEffects(script, wd string, env pkgcmd.Env) []pkgcmd.Effect {
	effects, _ := scriptEffectsCut(script, wd, env)
	return effects
}

// scriptEffectsCut is scriptEffects that also returns the line of the
// script from which a bound of the scan (maxScriptCommands, or one of
// shellscan's on nesting, function calls and eval text) left commands
// unread, or 0 when it read them all.
func scriptEffectsCut(script, wd string, env pkgcmd.Env) ([]pkgcmd.Effect, int) {
	cut := 0
	effects := scriptEffectsAt(script, wd, env, 0, func(line int) { cut = line })
	return effects, cut
}

// scriptEffectsAt is scriptEffects for a script that depth shells run
// with -c inside the step's script. onLimit, when set, is shellscan's
// Options.OnLimit.
func scriptEffectsAt(script, wd string, env pkgcmd.Env, depth int, onLimit func(int)) []pkgcmd.Effect {
	base := wd
	if base == "" {
		base = "."
	}
	var out []pkgcmd.Effect
	_, err := shellscan.Scan(script, base, env, shellscan.Options{MaxCommands: maxScriptCommands, OnLimit: onLimit}, func(c *shellscan.Command) bool {
		if c.Keyword {
			return true
		}
		words := pkgcmd.FromPipe(c.Args(), c.Piped)
		for len(words) > 0 && (words[0] == "exec" || words[0] == "command" || words[0] == "builtin") {
			// exec and command run the command that follows, after
			// their options.
			words = words[1:]
			for len(words) > 0 && strings.HasPrefix(words[0], "-") {
				words = words[1:]
			}
		}
		if len(words) == 0 {
			return true
		}
		switch path.Base(words[0]) {
		case "cd", "pushd", "popd", "export":
			return true
		}
		out = append(out, commandEffects(words, c.Dir, c.Vars, depth)...)
		return true
	})
	if err != nil {
		return scriptEffectsSplit(script, wd, env, depth)
	}
	return out
}

// commandEffects returns the effects of one simple command run in dir
// with the variables vars, those of the script it runs with -c included.
func commandEffects(words []string, dir string, vars pkgcmd.Env, depth int) []pkgcmd.Effect {
	if inner, ok := pkgcmd.ShellScript(words); ok {
		if depth >= pkgcmd.MaxShellDepth {
			return nil
		}
		// bash -c '...' runs its script in this directory, with these
		// variables.
		return scriptEffectsAt(inner, dir, vars, depth+1, nil)
	}
	var out []pkgcmd.Effect
	for _, e := range pkgcmd.Effects(words, vars) {
		if e.Dir != "" {
			e.Dir = shellscan.JoinDir(dir, e.Dir)
		} else {
			e.Dir = dir
		}
		out = append(out, e)
	}
	return out
}

// scriptEffectsSplit is scriptEffectsAt for a script that does not parse
// as bash. It splits the script into simple commands at operators and
// brackets outside quotes, and reads substitutions, functions and
// subshells only roughly.
func scriptEffectsSplit(script, wd string, env pkgcmd.Env, depth int) []pkgcmd.Effect {
	script = joinContinued(script)
	base := wd
	if base == "" {
		base = "."
	}
	dir := base
	vars := pkgcmd.Env{}
	for k, v := range env {
		vars[k] = v
	}
	var stack []string
	var out []pkgcmd.Effect
	for i, cmd := range splitCommands(script) {
		if i >= maxScriptCommands {
			break
		}
		words, assigned := commandWords(cmd)
		if len(words) == 0 {
			for _, a := range assigned {
				k, v, _ := strings.Cut(a, "=")
				vars[k] = v
			}
			continue
		}
		args := words[1:]
		switch path.Base(words[0]) {
		case "cd":
			dir = shellscan.ChangeDir(base, dir, args)
			continue
		case "pushd":
			stack = append(stack, dir)
			dir = shellscan.ChangeDir(base, dir, args)
			continue
		case "popd":
			if len(stack) > 0 {
				dir = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
			continue
		case "export":
			for _, a := range args {
				if k, v, ok := strings.Cut(a, "="); ok && isAssignment(a) {
					vars[k] = v
				}
			}
			continue
		}
		cmdEnv := vars
		if len(assigned) > 0 {
			cmdEnv = pkgcmd.Env{}
			for k, v := range vars {
				cmdEnv[k] = v
			}
			for _, a := range assigned {
				k, v, _ := strings.Cut(a, "=")
				cmdEnv[k] = v
			}
		}
		out = append(out, commandEffects(words, dir, cmdEnv, depth)...)
	}
	return out
}

// splitCommands cuts a script into simple commands at newlines, at the
// operators ; & | && || and at grouping brackets outside quotes. Comments
// are dropped.
func splitCommands(script string) []string {
	var out []string
	for _, p := range splitScript(script) {
		if p.subshell == 0 {
			out = append(out, p.cmd)
		}
	}
	return out
}

// scriptPart is a simple command of a script, or the opening (subshell 1)
// or closing (subshell -1) parenthesis of a subshell.
type scriptPart struct {
	cmd      string
	subshell int
}

// splitScript is splitCommands that also lists where subshells open and
// close, because a cd inside one does not move the commands after it.
func splitScript(script string) []scriptPart {
	var out []scriptPart
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, scriptPart{cmd: s})
		}
		cur.Reset()
	}
	var quote byte
	wordStart := true
	for i := 0; i < len(script); i++ {
		c := script[i]
		if quote != 0 {
			cur.WriteByte(c)
			if quote == '"' && c == '\\' && i+1 < len(script) && dquoteEscaped(script[i+1]) {
				// The backslash escapes the next character, so \" does
				// not end the string.
				i++
				cur.WriteByte(script[i])
				continue
			}
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
			cur.WriteByte(c)
		case '$':
			end := substitutionEnd(script, i)
			cur.WriteString(script[i:end])
			i = end - 1
		case '#':
			if wordStart {
				for i < len(script) && script[i] != '\n' {
					i++
				}
				flush()
				wordStart = true
				continue
			}
			cur.WriteByte(c)
		case '(':
			flush()
			out = append(out, scriptPart{subshell: 1})
		case ')':
			flush()
			out = append(out, scriptPart{subshell: -1})
		case '\n', ';', '&', '|', '{', '}':
			flush()
		default:
			cur.WriteByte(c)
		}
		wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '{' || c == '}'
	}
	flush()
	return out
}

// maxSubstitutionDepth bounds how deep command substitutions and evals are
// read inside each other, so that a deeply nested script costs time in
// proportion to its length.
const maxSubstitutionDepth = 16

// maxSubstitutions bounds the command substitutions and evals read in one
// script line, because each release command found costs a pass over the line.
const maxSubstitutions = 64

// withSubstitutions returns parts with the commands of each command
// substitution ($(...)) of a command listed before it, in a subshell,
// because they run first and a cd inside them does not move the command.
// Substitutions in single quotes are text, and $(( )) is arithmetic.
// Substitutions past the first maxSubstitutions are not read.
func withSubstitutions(parts []scriptPart, depth int) []scriptPart {
	budget := maxSubstitutions
	return expandSubstitutions(parts, depth, &budget)
}

// expandSubstitutions is withSubstitutions with the number of
// substitutions still to read in budget. An eval whose words hold no
// expansion is replaced by the commands of the text it runs, in the same
// shell. Each eval counts against the budget as a substitution does.
func expandSubstitutions(parts []scriptPart, depth int, budget *int) []scriptPart {
	if depth >= maxSubstitutionDepth {
		return parts
	}
	var out []scriptPart
	for _, p := range parts {
		if p.subshell == 0 {
			for _, body := range substitutions(p.cmd) {
				if *budget == 0 {
					break
				}
				*budget--
				out = append(out, scriptPart{subshell: 1})
				out = append(out, expandSubstitutions(splitScript(body), depth+1, budget)...)
				out = append(out, scriptPart{subshell: -1})
			}
			if text, ok := evalText(p.cmd); ok && *budget > 0 {
				*budget--
				out = append(out, expandSubstitutions(splitScript(text), depth+1, budget)...)
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// evalText returns the text that an eval command runs, its words joined
// by blanks, when the command holds no shell expansion. GitHub Actions
// expressions are substituted before the shell runs, so they count as
// text.
func evalText(cmd string) (string, bool) {
	if !strings.HasPrefix(cmd, "eval") {
		return "", false
	}
	if strings.ContainsAny(strings.ReplaceAll(withoutExpressions(cmd), "$GITHUB_EXPRESSION", ""), "$`") {
		return "", false
	}
	words := splitWords(cmd)
	if len(words) < 2 || words[0] != "eval" {
		return "", false
	}
	words = words[1:]
	if words[0] == "--" {
		words = words[1:]
	}
	return strings.Join(words, " "), len(words) > 0
}

// substitutions returns the bodies of the outermost command substitutions
// of a simple command, outside single quotes.
func substitutions(cmd string) []string {
	var out []string
	var quote byte
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '\'' && quote == 0:
			quote = c
		case c == '"':
			if quote == 0 {
				quote = c
			} else {
				quote = 0
			}
		case c == '$' && strings.HasPrefix(cmd[i+1:], "(") && !strings.HasPrefix(cmd[i+1:], "(("):
			// An unclosed substitution runs to the end of the command.
			end := substitutionEnd(cmd, i)
			out = append(out, strings.TrimSuffix(cmd[i+2:end], ")"))
			i = end - 1
		}
	}
	return out
}

// substitutionEnd returns the offset just past a $( ), ${ } or ${{ }}
// starting at script[i], or i+1 for a plain $.
func substitutionEnd(script string, i int) int {
	if i+1 >= len(script) || (script[i+1] != '(' && script[i+1] != '{') {
		return i + 1
	}
	depth := 0
	for j := i + 1; j < len(script); j++ {
		switch script[j] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(script)
}

// commandWords splits a simple command into words, unquoting them, and drops
// the prefixes that only change how the real command runs: variable
// assignments (returned apart as NAME=value), the exec and command
// builtins, shell keywords, and wrappers with their options (sudo, env,
// time, timeout, nice, nohup; see pkgcmd.SkipWrapper).
func commandWords(cmd string) (words, assigned []string) {
	words = splitWords(cmd)
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "exec" || w == "command":
			words = words[1:]
		case w == "then" || w == "do" || w == "else" || w == "if" || w == "elif" || w == "while" || w == "until" || w == "!":
			words = words[1:]
		case isAssignment(w):
			assigned = append(assigned, w)
			words = words[1:]
		default:
			rest, ok := pkgcmd.SkipWrapper(words)
			if !ok {
				return words, assigned
			}
			words = rest
		}
	}
	return nil, assigned
}

// splitWords splits a simple command at blanks outside quotes and outside
// $( ), ${ } and ${{ }}, and removes the quotes.
func splitWords(cmd string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote == '"' && c == '\\' && i+1 < len(cmd) && dquoteEscaped(cmd[i+1]):
			i++
			cur.WriteByte(cmd[i])
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote = c
			inWord = true
		case c == '$':
			end := substitutionEnd(cmd, i)
			cur.WriteString(cmd[i:end])
			i = end - 1
			inWord = true
		case c == ' ' || c == '\t' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// dquoteEscaped reports whether a backslash before c in double quotes
// escapes it. POSIX shells escape only $, `, " and \ there.
// NOTE: pwsh and cmd steps are read the same way, though a backslash
// escapes nothing in their strings.
func dquoteEscaped(c byte) bool {
	return c == '"' || c == '\\' || c == '$' || c == '`'
}

// isAssignment reports whether a word is NAME=value.
func isAssignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := w[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// actionEffect reads what a known action does with packages while it
// runs, given its inputs. Setup actions that only restore a cache
// (actions/setup-node with cache, say) install nothing and are absent.
func actionEffect(name string, with func(key string) string) (pkgcmd.Effect, bool) {
	install := func(eco string) pkgcmd.Effect { return pkgcmd.Effect{Eco: eco, Install: true} }
	lifecycle := func(eco string) pkgcmd.Effect {
		return pkgcmd.Effect{Eco: eco, Install: true, Run: pkgcmd.RunMaybe,
			Cause: "the action " + name + " runs the project's own lifecycle scripts"}
	}
	runs := func(eco string) pkgcmd.Effect {
		return pkgcmd.Effect{Eco: eco, Install: true, Run: pkgcmd.RunCertain, Cause: "the action " + name}
	}
	switch name {
	case "bahmutov/npm-install":
		return lifecycle(pkgcmd.NPM), true
	case "cypress-io/github-action":
		return runs(pkgcmd.NPM), true
	case "pnpm/action-setup":
		if v := with("run_install"); v != "" && v != "false" {
			return lifecycle(pkgcmd.NPM), true
		}
	case "ruby/setup-ruby":
		if with("bundler-cache") == "true" {
			return install(pkgcmd.Gem), true
		}
	case "ramsey/composer-install", "php-actions/composer":
		return lifecycle(pkgcmd.Composer), true
	case "actions-rs/cargo":
		return runs(pkgcmd.Cargo), true
	case "goreleaser/goreleaser-action":
		return pkgcmd.Effect{Eco: pkgcmd.Go, Install: true, Run: pkgcmd.RunMaybe,
			Cause: "the action " + name + " runs the hooks of its configuration"}, true
	case "golangci/golangci-lint-action":
		return install(pkgcmd.Go), true
	}
	return pkgcmd.Effect{}, false
}

// inertActions run none of the checkout's code: they set up tools, move
// artifacts, caches and credentials, or talk to an API.
var inertActions = map[string]bool{
	"actions/checkout": true, "actions/cache": true, "actions/upload-artifact": true,
	"actions/download-artifact": true, "actions/labeler": true, "actions/stale": true,
	"actions/create-release": true, "actions/upload-release-asset": true, "actions/configure-pages": true,
	"actions/upload-pages-artifact": true, "actions/deploy-pages": true, "actions/dependency-review-action": true,
	"actions/attest-build-provenance": true, "actions/first-interaction": true,
	"aws-actions/configure-aws-credentials": true, "aws-actions/amazon-ecr-login": true,
	"google-github-actions/auth": true, "azure/login": true, "docker/login-action": true,
	"docker/metadata-action": true, "codecov/codecov-action": true, "softprops/action-gh-release": true,
	"peaceiris/actions-gh-pages": true, "jamesives/github-pages-deploy-action": true,
	"github/codeql-action": true, "slackapi/slack-github-action": true, "ossf/scorecard-action": true,
	"dorny/paths-filter": true, "tj-actions/changed-files": true, "peter-evans/create-pull-request": true,
	"coverallsapp/github-action": true, "dtolnay/rust-toolchain": true,
}

// inertAction reports whether an action is known to run none of the
// checkout's code. Actions named setup-* or *-installer install tools.
// Names are lower case.
func inertAction(u usesRef) bool {
	if u.Owner+"/"+u.Repo == "github/codeql-action" {
		// autobuild builds the project; the other steps only analyse it.
		return u.Path != "autobuild"
	}
	if inertActions[u.Owner+"/"+u.Repo] {
		return true
	}
	name := u.Repo
	return strings.HasPrefix(name, "setup-") || strings.HasSuffix(name, "-setup") ||
		strings.HasSuffix(name, "-installer") || strings.HasSuffix(name, "-toolchain")
}

// opaqueStep is the effect of a step whose code the input does not show,
// run after the job installed packages: it may run any of them.
func opaqueStep(what string) pkgcmd.Effect {
	return pkgcmd.Effect{Eco: pkgcmd.AnyEco, Run: pkgcmd.RunMaybe, Cause: what + " runs code the input does not show"}
}

// joinContinued joins each line that ends in a backslash to the next, as
// the shell reads them.
func joinContinued(script string) string {
	script = strings.ReplaceAll(script, "\\\r\n", " ")
	return strings.ReplaceAll(script, "\\\n", " ")
}
