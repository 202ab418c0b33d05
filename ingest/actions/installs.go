package actions

import (
	"path"
	"strings"
)

// Ecosystems named in the installs attribute.
const (
	ecoNPM      = "npm"
	ecoPyPI     = "pypi"
	ecoGo       = "golang"
	ecoCargo    = "cargo"
	ecoGem      = "gem"
	ecoComposer = "composer"
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
// The script is split into simple commands as a shell would, and cd and
// pushd move the directory of later commands. Quoting, functions and
// subshells are read only roughly.
func scriptInstalls(script, wd string) []install {
	script = strings.ReplaceAll(script, "\\\r\n", " ")
	script = strings.ReplaceAll(script, "\\\n", " ")
	base := wd
	if base == "" {
		base = "."
	}
	dir := base
	var stack []string
	var out []install
	for i, cmd := range splitCommands(script) {
		if i >= maxScriptCommands {
			break
		}
		words := commandWords(cmd)
		if len(words) == 0 {
			continue
		}
		name := path.Base(words[0])
		args := words[1:]
		switch name {
		case "cd":
			dir = changeDir(base, dir, args)
			continue
		case "pushd":
			stack = append(stack, dir)
			dir = changeDir(base, dir, args)
			continue
		case "popd":
			if len(stack) > 0 {
				dir = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
			continue
		}
		eco, sub := commandEcosystem(name, args)
		if eco == "" {
			continue
		}
		d := dir
		if sub != "" {
			d = joinDir(dir, sub)
		}
		out = append(out, install{Eco: eco, Dir: d})
	}
	return out
}

// changeDir applies cd ARG to dir. cd without an argument, or to a path
// outside the checkout, goes back to the step's directory base.
func changeDir(base, dir string, args []string) string {
	var target string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			target = a
			break
		}
	}
	if target == "" || target == "~" {
		return base
	}
	return joinDir(dir, target)
}

// joinDir joins a relative directory onto dir. Absolute paths and paths
// that start with a variable are kept as written.
func joinDir(dir, rel string) string {
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "$") || strings.HasPrefix(rel, "~") {
		return rel
	}
	if strings.Contains(dir, "${{") || strings.Contains(rel, "${{") {
		if dir == "." || dir == "" {
			return rel
		}
		return dir + "/" + rel
	}
	return path.Clean(path.Join(dir, rel))
}

// commandEcosystem names the ecosystem a command installs from, and a
// directory the command itself names (npm --prefix DIR), if any.
func commandEcosystem(name string, args []string) (eco, dir string) {
	sub, dir := firstArg(args)
	switch {
	case name == "npm":
		switch sub {
		case "ci", "install", "i", "add", "install-test", "it", "install-ci-test", "cit":
			return ecoNPM, dir
		}
	case name == "yarn":
		if sub == "" || sub == "install" || sub == "add" {
			return ecoNPM, dir
		}
	case name == "pnpm" || name == "bun":
		switch sub {
		case "i", "install", "add":
			return ecoNPM, dir
		}
	case name == "npx" || name == "pnpx" || name == "bunx":
		return ecoNPM, ""
	case isPip(name):
		if sub == "install" {
			return ecoPyPI, ""
		}
	case isPython(name):
		if hasSeq(args, "-m", "pip", "install") {
			return ecoPyPI, ""
		}
	case name == "poetry" || name == "pipenv":
		if sub == "install" || sub == "sync" {
			return ecoPyPI, ""
		}
	case name == "uv":
		if sub == "sync" || sub == "add" || hasSeq(args, "pip", "install") {
			return ecoPyPI, ""
		}
	case name == "pipx":
		if sub == "install" || sub == "run" {
			return ecoPyPI, ""
		}
	case name == "uvx":
		return ecoPyPI, ""
	case name == "go":
		switch sub {
		case "build", "test", "run", "install", "generate", "get":
			return ecoGo, ""
		case "mod":
			if hasSeq(args, "mod", "download") {
				return ecoGo, ""
			}
		}
	case name == "cargo":
		switch sub {
		case "build", "test", "run", "install", "check", "clippy", "bench", "doc":
			return ecoCargo, ""
		}
	case name == "bundle":
		if sub == "" || sub == "install" {
			return ecoGem, ""
		}
	case name == "gem":
		if sub == "install" {
			return ecoGem, ""
		}
	case name == "composer":
		switch sub {
		case "install", "update", "require":
			return ecoComposer, ""
		}
	}
	return "", ""
}

// firstArg returns the first argument that is not an option, and the
// directory of a --prefix or -C option met before it.
func firstArg(args []string) (sub, dir string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--prefix" || a == "-C" || a == "--cwd" || a == "--dir":
			if i+1 < len(args) {
				dir = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--prefix="), strings.HasPrefix(a, "--cwd="), strings.HasPrefix(a, "--dir="):
			dir = a[strings.IndexByte(a, '=')+1:]
		case strings.HasPrefix(a, "-"):
		default:
			return a, dir
		}
	}
	return "", dir
}

func isPip(name string) bool {
	return name == "pip" || strings.HasPrefix(name, "pip3")
}

func isPython(name string) bool {
	return name == "py" || name == "python" || strings.HasPrefix(name, "python3") || strings.HasPrefix(name, "python2")
}

// hasSeq reports whether want occurs in args as consecutive words.
func hasSeq(args []string, want ...string) bool {
	for i := 0; i+len(want) <= len(args); i++ {
		ok := true
		for j, w := range want {
			if args[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// splitCommands cuts a script into simple commands at newlines, at the
// operators ; & | && || and at grouping brackets outside quotes. Comments
// are dropped.
func splitCommands(script string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	var quote byte
	wordStart := true
	for i := 0; i < len(script); i++ {
		c := script[i]
		if quote != 0 {
			cur.WriteByte(c)
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
		case '\n', ';', '&', '|', '(', ')', '{', '}':
			flush()
		default:
			cur.WriteByte(c)
		}
		wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '{' || c == '}'
	}
	flush()
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
// assignments, sudo, env, time, exec, command, nohup, and shell keywords.
func commandWords(cmd string) []string {
	words := splitWords(cmd)
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "sudo" || w == "env" || w == "time" || w == "exec" || w == "command" || w == "nohup":
			words = words[1:]
			for len(words) > 0 && strings.HasPrefix(words[0], "-") {
				words = words[1:]
			}
		case w == "then" || w == "do" || w == "else" || w == "if" || w == "elif" || w == "while" || w == "until" || w == "!":
			words = words[1:]
		case isAssignment(w):
			words = words[1:]
		default:
			return words
		}
	}
	return nil
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

// actionInstall names the ecosystem whose packages a known action installs
// while it runs, given its inputs. Setup actions that only restore a cache
// (actions/setup-node with cache, say) install nothing and are absent.
func actionInstall(name string, with func(key string) string) string {
	switch name {
	case "bahmutov/npm-install", "cypress-io/github-action":
		return ecoNPM
	case "pnpm/action-setup":
		if v := with("run_install"); v != "" && v != "false" {
			return ecoNPM
		}
	case "ruby/setup-ruby":
		if with("bundler-cache") == "true" {
			return ecoGem
		}
	case "ramsey/composer-install", "php-actions/composer":
		return ecoComposer
	case "actions-rs/cargo":
		return ecoCargo
	case "goreleaser/goreleaser-action", "golangci/golangci-lint-action":
		return ecoGo
	}
	return ""
}
