// Package ciscan reads the parts of CI configuration that GitLab CI and
// CircleCI share: the shell scripts jobs run and the container images
// they name.
//
// Scripts are parsed as bash (shellscan), so every simple command is
// read, those of groups, loops and substitutions included. A script that
// does not parse as bash (PowerShell, cmd) is split into simple commands
// at newlines and shell operators instead, with quoting and substitutions
// kept whole. Aliases and eval are not followed, and a function's body is
// read once where it is defined.
package ciscan

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// Install is one command that fetches packages from a registry: the
// ecosystem, named as the linker's installs attribute names it (npm, pypi,
// golang, cargo, gem, composer), and the directory it ran in, relative to
// the checkout ("." for the root).
type Install struct {
	Eco string
	Dir string
}

// Read is one environment variable a script reads.
type Read struct {
	Name string
	// File is set when the script uses the value as a path (cat, source,
	// a redirect, a --*-file option) or its name ends in _FILE or _PATH.
	// CI systems hand file-type variables over as the path of a file that
	// contains the value.
	File bool
}

// Limits on what one Scanner reads, so that a hostile file cannot make
// it work without end.
const (
	maxCommands = 20000
	maxCommand  = 64 << 10 // bytes of one simple command
	maxNames    = 512      // distinct reads, sets and command names kept
)

// Scanner reads the scripts of one job in the order they run. A variable
// that an earlier script sets is not counted as read by a later one.
type Scanner struct {
	installs []Install
	effects  []pkgcmd.Effect
	env      pkgcmd.Env // variables set for every script of the job
	commands []string
	reads    []Read
	readAt   map[string]int
	set      map[string]bool
	// from maps each variable that a script assigned a value to the
	// variables those values read (Sources).
	from    map[string][]string
	seenCmd map[string]bool
	count   int
	// depth counts the shells (bash -c '...') around the script being
	// read.
	depth int
	// truncated is set when a limit stopped the Scanner short.
	truncated bool
}

// NewScanner returns an empty Scanner.
func NewScanner() *Scanner {
	return &Scanner{readAt: map[string]int{}, set: map[string]bool{}, from: map[string][]string{},
		seenCmd: map[string]bool{}, env: pkgcmd.Env{}}
}

// Installs returns the installs found so far.
func (s *Scanner) Installs() []Install { return s.installs }

// Effects returns what the commands read so far do with packages, in the
// order they run, each with the directory it ran in.
func (s *Scanner) Effects() []pkgcmd.Effect { return s.effects }

// SetEnv records a variable set for every later script of the job.
func (s *Scanner) SetEnv(name, value string) {
	if len(s.env) < maxNames {
		s.env[name] = value
	}
}

// Env returns the variables set for every script of the job. The map is
// the scanner's own and must not be modified.
func (s *Scanner) Env() pkgcmd.Env { return s.env }

// Add records the effect of a step that is not a script (an orb
// command), as if a command in directory "." had it.
func (s *Scanner) Add(e pkgcmd.Effect) {
	if e.Dir == "" {
		e.Dir = "."
	}
	s.effects = append(s.effects, e)
	if e.Install {
		s.installs = append(s.installs, Install{Eco: e.Eco, Dir: e.Dir})
	}
}

// Installed reports whether an install was found so far.
func (s *Scanner) Installed() bool { return len(s.installs) > 0 }

// Commands returns the names of the programs run so far, each once, in
// order of first use. Names that do not look like a program name are
// left out.
func (s *Scanner) Commands() []string { return s.commands }

// Reads returns the variables read before any script set them, each once,
// in order of first read.
func (s *Scanner) Reads() []Read { return s.reads }

// Sets reports whether a script assigned the variable.
func (s *Scanner) Sets(name string) bool { return s.set[name] }

// Sources returns the variables of the job's environment whose values a
// variable that the scripts read contains. That is the variable itself
// unless a script assigned it before any script read it. Otherwise they
// are the variables that the values assigned to it read outside command
// substitutions, followed back to the environment in the same way. A
// value that reads no variable (a literal, read's input, a command's
// output) adds none. Every value assigned counts, wherever it was
// assigned.
// NOTE: like Reads, this takes a variable that an earlier shell of the
// job assigned as assigned in the later shells too (GitLab's after_script,
// CircleCI's run steps without $BASH_ENV).
func (s *Scanner) Sources(name string) []string {
	if _, read := s.readAt[name]; read || !s.set[name] {
		return []string{name}
	}
	return s.from[name]
}

// Truncated reports whether a limit on the commands or on the length of
// one command, or a bound of shellscan on nesting, function calls or eval
// text, left part of the scripts unread.
func (s *Scanner) Truncated() bool { return s.truncated }

// TruncatedWarning is the text of the warning that CI readers give for a
// job whose scripts a Scanner read only in part.
var TruncatedWarning = fmt.Sprintf("its scripts have more than %d commands, a command longer than %d KiB, or nesting, function calls or eval text past the reader's bounds, and the rest is not read, so packages, secrets and registry logins there are missing",
	maxCommands, maxCommand>>10)

// Scan reads one script that runs in directory wd ("" or "." for the
// checkout root).
func (s *Scanner) Scan(script, wd string) { s.ScanEnv(script, wd, nil) }

// ScanEnv reads one script that runs in directory wd with the variables
// of env besides those of the job. The script is parsed as bash
// (shellscan), so the commands of groups, loops and substitutions are
// read too. A script that does not parse as bash (PowerShell, cmd) is
// split into commands roughly instead (scanSplit).
func (s *Scanner) ScanEnv(script, wd string, env map[string]string) {
	if wd == "" {
		wd = "."
	}
	vars := pkgcmd.Env{}
	for k, v := range s.env {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	opt := shellscan.Options{OnLimit: func(int) { s.truncated = true }}
	_, err := shellscan.Scan(script, wd, vars, opt, func(c *shellscan.Command) bool {
		if s.count >= maxCommands {
			s.truncated = true
			return false
		}
		s.count++
		words, cut := commandWords(c)
		s.truncated = s.truncated || cut
		// The commands of the substitutions were listed before this
		// one, so its words' substitutions are not read again. The
		// redirections count for what the command reads and writes.
		args := s.record(append(words, redirWords(c)...), maxSubDepth)
		if len(args) > 0 && !c.Keyword {
			s.run(words, c.Piped, c.Dir, c.Vars)
		}
		return true
	})
	if err != nil {
		s.scanSplit(script, wd, vars)
	}
}

// commandWords returns the words of a command, the assignments in front
// of it first, up to maxCommand bytes: the word that crosses the limit
// and those after it are dropped, since a word cut short could name
// something else. cut reports whether any were.
func commandWords(c *shellscan.Command) (words []word, cut bool) {
	words = make([]word, 0, len(c.Prefix)+len(c.Words))
	size := 0
	for _, list := range [][]shellscan.Word{c.Prefix, c.Words} {
		for _, w := range list {
			size += len(w.Raw)
			if size > maxCommand {
				return words, true
			}
			words = append(words, word{text: w.Text, raw: w.Raw})
		}
	}
	return words, false
}

// redirWords returns the redirections of a command as the words that
// the lexer gives them: the operator, then the file. A here-document
// adds its text, whose variables the shell expands unless the delimiter
// is quoted.
func redirWords(c *shellscan.Command) []word {
	var out []word
	for _, r := range c.Redirs {
		out = append(out, word{text: r.Op, raw: r.Op}, word{text: r.Word.Text, raw: r.Word.Raw})
		if r.Doc == "" {
			continue
		}
		doc := word{text: r.Doc}
		if !strings.ContainsAny(r.Word.Raw, `"'\`) {
			doc.raw = r.Doc
		}
		out = append(out, doc)
	}
	return out
}

// scanSplit is ScanEnv for a script that does not parse as bash.
func (s *Scanner) scanSplit(script, wd string, vars pkgcmd.Env) {
	dir := wd
	var dirs []string // directories to return to when a subshell ends
	items, cut := lexAll(script)
	s.truncated = s.truncated || cut
	for _, c := range items {
		if s.count >= maxCommands {
			s.truncated = true
			return
		}
		s.count++
		switch c.op {
		case opOpen:
			dirs = append(dirs, dir)
			continue
		case opClose:
			if n := len(dirs); n > 0 {
				dir, dirs = dirs[n-1], dirs[:n-1]
			}
			continue
		}
		dir = s.command(c.words, wd, dir, &dirs, vars)
	}
}

// command reads one simple command and returns the directory later
// commands run in. vars holds the variables the shell has exported.
func (s *Scanner) command(words []word, base, dir string, dirs *[]string, vars pkgcmd.Env) string {
	args := s.record(words, 0)
	if len(args) == 0 {
		return dir
	}
	rest := args[1:]
	switch path.Base(strings.ReplaceAll(args[0], `\`, "/")) {
	case "cd", "Set-Location", "chdir":
		return shellscan.ChangeDir(base, dir, rest)
	case "pushd", "Push-Location":
		*dirs = append(*dirs, dir)
		return shellscan.ChangeDir(base, dir, rest)
	case "popd", "Pop-Location":
		if n := len(*dirs); n > 0 {
			d := (*dirs)[n-1]
			*dirs = (*dirs)[:n-1]
			return d
		}
		return dir
	case "export":
		for _, a := range rest {
			if k, v, ok := strings.Cut(a, "="); ok && validName(k) && len(vars) < maxNames {
				vars[k] = v
			}
		}
	}
	s.run(words, nil, dir, commandEnv(words, vars))
	return dir
}

// record records what one simple command reads, assigns and runs
// (Reads, Sources, Sets, Commands), following its command substitutions
// from depth, and returns the program and its arguments as program
// does.
func (s *Scanner) record(words []word, depth int) []string {
	s.reads1(words, depth)
	args, assigned := program(words)
	s.recordSources(words, args)
	for _, name := range assigned {
		s.assign(name)
	}
	if len(args) == 0 {
		return nil
	}
	name := path.Base(strings.ReplaceAll(args[0], `\`, "/"))
	s.command1(name)
	for _, n := range declared(name, args[1:], words) {
		s.assign(n)
	}
	return args
}

// run records the effects on packages of one simple command run in dir
// with the environment env. The whole command goes to pkgcmd, so that it
// reads the wrappers in front of the program (env -C DIR, env -i, sudo
// -D DIR).
func (s *Scanner) run(words []word, piped []string, dir string, env pkgcmd.Env) {
	argv := pkgcmd.FromPipe(wrapped(words), piped)
	if len(argv) == 0 {
		return
	}
	switch path.Base(strings.ReplaceAll(argv[0], `\`, "/")) {
	case "cd", "Set-Location", "chdir", "pushd", "Push-Location", "popd", "Pop-Location", "export":
		return
	}
	if inner, ok := pkgcmd.ShellScript(argv); ok {
		if s.depth < pkgcmd.MaxShellDepth {
			// bash -c '...' runs its script in this directory, with
			// these variables. A cd inside it ends with it.
			s.depth++
			s.ScanEnv(inner, dir, env)
			s.depth--
		}
		return
	}
	for _, e := range pkgcmd.Effects(argv, env) {
		if e.Dir != "" {
			e.Dir = shellscan.JoinDir(dir, e.Dir)
		} else {
			e.Dir = dir
		}
		s.effects = append(s.effects, e)
		if e.Install {
			s.installs = append(s.installs, Install{Eco: e.Eco, Dir: e.Dir})
		}
	}
}

// commandEnv returns vars with the assignments written in front of a
// command (NAME=value cmd) added.
func commandEnv(words []word, vars pkgcmd.Env) pkgcmd.Env {
	var env pkgcmd.Env
	for _, w := range words {
		name := assignmentName(w.text)
		if name == "" || strings.Contains(w.text, "+=") {
			break
		}
		if env == nil {
			env = pkgcmd.Env{}
			for k, v := range vars {
				env[k] = v
			}
		}
		env[name] = w.text[strings.IndexByte(w.text, '=')+1:]
	}
	if env == nil {
		return vars
	}
	return env
}

// maxSubDepth bounds how deep reads1 follows nested command substitutions.
const maxSubDepth = 4

// reads1 records the variables a command's words read, following command
// substitutions into the commands they run.
func (s *Scanner) reads1(words []word, depth int) {
	for i, w := range words {
		names, subs := refsIn(w.raw)
		for _, r := range names {
			s.read(Read{Name: r, File: fileUse(words, i) || fileName(r)})
		}
		if depth >= maxSubDepth {
			continue
		}
		for _, sub := range subs {
			items, cut := lexAll(sub)
			s.truncated = s.truncated || cut
			for _, it := range items {
				if s.count >= maxCommands {
					s.truncated = true
					return
				}
				s.count++
				if it.op == opCommand {
					s.reads1(it.words, depth+1)
				}
			}
		}
	}
}

func (s *Scanner) read(r Read) {
	if s.set[r.Name] {
		return
	}
	if i, ok := s.readAt[r.Name]; ok {
		s.reads[i].File = s.reads[i].File || r.File
		return
	}
	if len(s.reads) >= maxNames {
		return
	}
	s.readAt[r.Name] = len(s.reads)
	s.reads = append(s.reads, r)
}

// recordSources records the variables that the values a command assigns
// read (Sources): those of the assignments in front of its program, of
// the NAME=VALUE arguments of export, local, declare, readonly and
// typeset, and of the export lines it appends to $BASH_ENV. args are the
// program and its arguments, as program returns them.
func (s *Scanner) recordSources(words []word, args []string) {
	prefix := len(words) - len(args)
	valued := words[:prefix]
	if len(args) > 0 {
		switch args[0] {
		case "export", "local", "declare", "readonly", "typeset":
			valued = words
		}
	}
	sources := map[string][]string{}
	var order []string
	add := func(name, value string) {
		if _, ok := sources[name]; !ok {
			order = append(order, name)
		}
		names, _ := refsIn(value)
		list := sources[name]
		for _, n := range names {
			list = append(list, s.Sources(n)...)
		}
		sources[name] = list
	}
	for _, w := range valued {
		if name := assignmentName(w.text); name != "" {
			_, value, _ := strings.Cut(w.raw, "=")
			add(name, value)
		}
	}
	for _, w := range words {
		if !strings.Contains(w.raw, "BASH_ENV") {
			continue
		}
		for _, ww := range words {
			for _, m := range exportRE.FindAllStringSubmatchIndex(ww.text, -1) {
				value, _, _ := strings.Cut(ww.text[m[1]:], " ")
				add(ww.text[m[2]:m[3]], value)
			}
		}
		break
	}
	// The values are read before any of them is assigned, as for
	// reads1, so that A=$A reads the value A had before.
	for _, name := range order {
		if _, ok := s.from[name]; !ok && len(s.from) >= maxNames {
			continue
		}
		list := append(s.from[name], sources[name]...)
		slices.Sort(list)
		list = slices.Compact(list)
		if len(list) > maxNames {
			list = list[:maxNames]
		}
		s.from[name] = list
	}
}

func (s *Scanner) assign(name string) {
	if len(s.set) < maxNames {
		s.set[name] = true
	}
}

// commandName matches what is kept as a program name: lower case and
// short, with few digits, so that a token pasted in place of a command
// is not kept.
var commandName = regexp.MustCompile(`^[a-z][a-z0-9._+-]{0,31}$`)

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// builtins are shell builtins and keywords, left out of Commands.
var builtins = map[string]bool{
	"cd": true, "export": true, "set": true, "unset": true, "exit": true, "true": true, "false": true,
	"local": true, "declare": true, "readonly": true, "typeset": true, "read": true, "shift": true,
	"return": true, "eval": true, "test": true, "[": true, "[[": true, "echo": true, "printf": true,
	"source": true, ".": true, "for": true, "case": true, "in": true, "pushd": true, "popd": true,
	"trap": true, "wait": true, "sleep": true, "break": true, "continue": true,
}

func (s *Scanner) command1(name string) {
	if builtins[name] || s.seenCmd[name] || len(s.commands) >= maxNames || !commandName.MatchString(name) ||
		digits(name) > 4 || literal.HasCredentialShape(name) {
		return
	}
	s.seenCmd[name] = true
	s.commands = append(s.commands, name)
}

// wrapped returns the words of a command from the first that is neither
// a shell keyword nor an assignment, without exec, command and builtin
// and their options, which run the command that follows them.
func wrapped(words []word) []string {
	i := 0
	for i < len(words) {
		w := words[i].text
		switch {
		case w == "exec" || w == "command" || w == "builtin":
			i++
			for i < len(words) && strings.HasPrefix(words[i].text, "-") {
				i++
			}
		case w == "then" || w == "do" || w == "else" || w == "if" || w == "elif" || w == "while" ||
			w == "until" || w == "!" || w == "{" || w == "}" || w == "fi" || w == "done" || w == "esac":
			i++
		case assignmentName(w) != "":
			i++
		default:
			out := make([]string, 0, len(words)-i)
			for _, x := range words[i:] {
				out = append(out, x.text)
			}
			return out
		}
	}
	return nil
}

// program drops the words in front of the program a command runs
// (assignments, sudo, env, time, shell keywords) and returns the program
// and its arguments, and the variables the command assigns in front of it.
func program(words []word) (args []string, assigned []string) {
	i := 0
	for i < len(words) {
		w := words[i].text
		switch {
		case w == "sudo" || w == "env" || w == "time" || w == "exec" || w == "command" || w == "nohup" || w == "builtin":
			i++
			for i < len(words) && strings.HasPrefix(words[i].text, "-") {
				if pkgcmd.WrapperOptionValue(w, words[i].text) {
					// The value of sudo -u USER is not the command.
					i++
				}
				i++
			}
		case w == "then" || w == "do" || w == "else" || w == "if" || w == "elif" || w == "while" ||
			w == "until" || w == "!" || w == "{" || w == "}" || w == "fi" || w == "done" || w == "esac":
			i++
		case assignmentName(w) != "":
			assigned = append(assigned, assignmentName(w))
			i++
		default:
			args = make([]string, 0, len(words)-i)
			for _, x := range words[i:] {
				args = append(args, x.text)
			}
			if len(args) >= 2 && args[1] == "=" && isPowerShellEnv(args[0]) {
				// $env:NAME = value
				assigned = append(assigned, args[0][len("$env:"):])
				return nil, assigned
			}
			return args, assigned
		}
	}
	return nil, assigned
}

// declared returns the variables a builtin that declares or reads into
// variables sets: export, local, declare, readonly, typeset, for, read,
// and cmd's set NAME=value. A command that appends export lines to
// $BASH_ENV sets them for later steps.
func declared(name string, args []string, words []word) []string {
	var out []string
	switch name {
	case "export", "local", "declare", "readonly", "typeset":
		for _, a := range args {
			if strings.HasPrefix(a, "-") {
				continue
			}
			if n := assignmentName(a); n != "" {
				out = append(out, n)
			} else if validName(a) {
				out = append(out, a)
			}
		}
	case "for", "select":
		if len(args) > 0 && validName(args[0]) {
			out = append(out, args[0])
		}
	case "read":
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-p" || a == "-d" || a == "-t" || a == "-n" || a == "-N" || a == "-u" || a == "-a":
				i++
			case strings.HasPrefix(a, "-"):
			case validName(a):
				out = append(out, a)
			}
		}
	case "set":
		for _, a := range args {
			if n := assignmentName(a); n != "" {
				out = append(out, n)
			}
		}
	}
	for _, w := range words {
		if !strings.Contains(w.raw, "BASH_ENV") {
			continue
		}
		for _, ww := range words {
			for _, m := range exportRE.FindAllStringSubmatch(ww.text, -1) {
				out = append(out, m[1])
			}
		}
		break
	}
	return out
}

var exportRE = regexp.MustCompile(`export\s+([A-Za-z_][A-Za-z0-9_]*)=`)

func isPowerShellEnv(w string) bool {
	return len(w) > len("$env:") && strings.EqualFold(w[:len("$env:")], "$env:") && validName(w[len("$env:"):])
}

// assignmentName returns NAME for a word NAME=value or NAME+=value, else "".
func assignmentName(w string) string {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return ""
	}
	name := strings.TrimSuffix(w[:eq], "+")
	if !validName(name) {
		return ""
	}
	return name
}

func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// fileUse reports whether word i of a command uses its value as a path.
func fileUse(words []word, i int) bool {
	w := words[i].text
	if strings.HasPrefix(w, "@") || strings.HasPrefix(w, "<") || strings.Contains(strings.ToLower(w), "file=") {
		return true
	}
	if i == 0 {
		return false
	}
	prev := strings.ToLower(words[i-1].text)
	switch prev {
	case "<", "-f", "-e", "-r", "-s", "cat", "source", ".", "base64", "gpg", "--data-binary":
		return true
	}
	if strings.HasSuffix(prev, "file") || strings.HasSuffix(prev, "-path") {
		return true
	}
	first := words[0].text
	return first == "cat" || first == "source" || first == "."
}

// fileName reports whether a variable's name marks it as a path.
func fileName(name string) bool {
	u := strings.ToUpper(name)
	return strings.HasSuffix(u, "_FILE") || strings.HasSuffix(u, "_PATH") || strings.HasSuffix(u, "_FILENAME")
}
