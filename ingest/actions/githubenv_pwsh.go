package actions

import (
	"maps"
	"path"
	"slices"
	"strings"
)

// envWrites returns the variables that a run: script exports through
// $GITHUB_ENV, read as the shell that runs it writes them. shell is the
// step's shell:, else the default of the job or the workflow. Without one,
// the shell is pwsh on Windows runners and bash elsewhere. cmd and python
// scripts are not read, and a shell or runner set by an expression reads
// the forms of both bash and PowerShell.
func (j *job) envWrites(shell, run string, env map[string]string) map[string]string {
	bash, pwsh := j.scriptShells(shell)
	var out map[string]string
	if bash {
		out = githubEnvWrites(run, env)
	}
	if pwsh {
		if out == nil {
			return pwshEnvWrites(run, env)
		}
		maps.Copy(out, pwshEnvWrites(run, env))
	}
	return out
}

// scriptShells reports whether a run: script with shell (as envWrites
// takes it) is read as bash, as PowerShell, or as both.
func (j *job) scriptShells(shell string) (bash, pwsh bool) {
	// A shell of blanks names no program, so it is read as no shell.
	shell = strings.TrimSpace(shell)
	bash, pwsh = !j.windows, j.windows
	switch {
	case strings.Contains(shell, "${{") || shell == "" && j.runnerComputed:
		bash, pwsh = true, true
	case shell != "":
		fields := strings.Fields(shell)
		name := strings.ToLower(strings.TrimSuffix(path.Base(strings.ReplaceAll(fields[0], "\\", "/")), ".exe"))
		switch name {
		case "pwsh", "powershell":
			bash, pwsh = false, true
		case "cmd", "python":
			bash, pwsh = false, false
		default:
			// bash, sh, and commands that run a shell such as bash.
			bash, pwsh = true, false
		}
	}
	return bash, pwsh
}

// pwshEnvWrites returns the variables that a PowerShell run: script (pwsh
// or powershell) sets for the later steps of its job through the file
// that $env:GITHUB_ENV names, as githubEnvWrites does for bash. The
// writes read are Out-File (appending with -Append, else replacing the
// file), Add-Content, Set-Content (replacing), and the redirections >>
// and >, of strings and of echo or Write-Output. A double-quoted string
// gets the values of the step's variables that it reads as $env:NAME, and
// a single-quoted one is kept as written. A name that another command
// writes there gets "". Other forms, such as .NET calls, are not read.
// NOTE: the encoding is not read. Windows PowerShell writes UTF-16
// without -Encoding, and whether the runner reads such a file is not
// checked: its lines are read as any others.
func pwshEnvWrites(run string, env map[string]string) map[string]string {
	var f envFile
	for _, st := range pwshStatements(run) {
		for _, pipeline := range pwshSplit(st, "chain") {
			pwshWrite(&f, pwshSplit(pipeline, "pipe"), env)
		}
	}
	return f.out
}

// pwshWrite reads one pipeline of elements, and records its write when
// its last element writes to the file.
func pwshWrite(f *envFile, elems []string, env map[string]string) {
	if len(elems) == 0 {
		return
	}
	last := pwshWords(elems[len(elems)-1])
	var lines []string
	known := false
	appends := true
	switch target, op, rest := pwshRedirect(last); {
	case target != "":
		if !pwshIsEnvFile(target) {
			return
		}
		appends = op == ">>"
		if len(elems) == 1 {
			lines, known = pwshOutput(rest, env)
		}
	case len(last) > 0 && pwshFileCmdlets[strings.ToLower(last[0])] != nil:
		w, ok := pwshFileCall(last)
		if !ok {
			if pwshNamesEnvFile(last) {
				f.unknown(strings.Join(elems, "|"))
			}
			return
		}
		if !pwshIsEnvFile(w.path) {
			return
		}
		appends = w.appends
		switch {
		case w.noNewline:
		case w.value != nil:
			lines, known = pwshValues(w.value, env)
		case len(elems) == 1:
			known = true
		case len(elems) == 2:
			lines, known = pwshOutput(pwshWords(elems[0]), env)
		}
	default:
		return
	}
	f.start()
	if !appends {
		f.replace()
	}
	if !known {
		f.unknown(strings.Join(elems, "|"))
		return
	}
	for _, l := range lines {
		f.line(l)
	}
}

// pwshCall is a call of Out-File, Add-Content or Set-Content: the
// file it writes, whether it appends, the words of its value when given
// as a parameter, and whether it leaves out the line ends.
type pwshCall struct {
	path      string
	appends   bool
	value     []string
	noNewline bool
}

// pwshParam is a parameter of a cmdlet: its name and aliases, and whether
// it takes a value.
type pwshParam struct {
	names []string
	value bool
}

// pwshCommonParams are the common parameters that a call may add.
var pwshCommonParams = []pwshParam{
	{[]string{"erroraction", "ea"}, true}, {[]string{"warningaction", "wa"}, true},
	{[]string{"informationaction", "infa"}, true}, {[]string{"verbose", "vb"}, false},
	{[]string{"debug", "db"}, false}, {[]string{"whatif", "wi"}, false}, {[]string{"confirm", "cf"}, false},
}

// pwshFileCmdlets lists, by lower-case name, the parameters of the
// cmdlets that write a file: the path first, then the value, whose
// positions are 0 and 1 (Out-File's position 1 is its encoding).
var pwshFileCmdlets = map[string][]pwshParam{
	"out-file": {
		{[]string{"filepath", "path", "literalpath", "pspath", "lp"}, true},
		{[]string{"inputobject"}, true},
		{[]string{"encoding"}, true}, {[]string{"append"}, false}, {[]string{"force"}, false},
		{[]string{"noclobber", "nooverwrite"}, false}, {[]string{"nonewline"}, false}, {[]string{"width"}, true},
	},
	"add-content": pwshContentParams,
	"set-content": pwshContentParams,
}

var pwshContentParams = []pwshParam{
	{[]string{"path", "literalpath", "pspath", "lp"}, true},
	{[]string{"value"}, true},
	{[]string{"encoding"}, true}, {[]string{"force"}, false}, {[]string{"nonewline"}, false},
	{[]string{"passthru"}, false}, {[]string{"filter"}, true}, {[]string{"include"}, true},
	{[]string{"exclude"}, true}, {[]string{"credential"}, true}, {[]string{"stream"}, true},
	{[]string{"asbytestream"}, false},
}

// pwshFileCall reads the parameters of a call of a cmdlet of
// pwshFileCmdlets. A parameter may be shortened to a prefix that only it
// has, as PowerShell allows. It reports false for a parameter it does not
// know, or one whose value is missing.
func pwshFileCall(words []string) (pwshCall, bool) {
	name := strings.ToLower(words[0])
	params := slices.Concat(pwshFileCmdlets[name], pwshCommonParams)
	var w pwshCall
	w.appends = name == "add-content"

	var positional [][]string
	named := map[string][]string{}
	for i := 1; i < len(words); i++ {
		word := words[i]
		if len(word) < 2 || word[0] != '-' || word[1] == '-' || !isLetter(word[1]) {
			arg, next := pwshArgument(words, i)
			positional = append(positional, arg)
			i = next - 1
			continue
		}
		key, inline, hasInline := strings.Cut(word[1:], ":")
		p, ok := pwshFindParam(params, strings.ToLower(key))
		if !ok {
			return w, false
		}
		switch {
		case !p.value:
			on := !hasInline || !strings.EqualFold(inline, "$false")
			switch p.names[0] {
			case "append":
				w.appends = on
			case "nonewline":
				w.noNewline = on
			}
		case hasInline && inline != "":
			named[p.names[0]] = []string{inline}
		case i+1 < len(words):
			arg, next := pwshArgument(words, i+1)
			named[p.names[0]] = arg
			i = next - 1
		default:
			return w, false
		}
	}

	// Positional arguments fill the path, then the value, except for
	// Out-File, whose second position is its encoding.
	pathName, valueName := params[0].names[0], params[1].names[0]
	slots := []string{pathName}
	if name != "out-file" {
		slots = append(slots, valueName)
	}
	k := 0
	for _, arg := range positional {
		for k < len(slots) && named[slots[k]] != nil {
			k++
		}
		if k == len(slots) {
			break
		}
		named[slots[k]] = arg
	}
	if p := named[pathName]; len(p) == 1 {
		w.path = p[0]
	}
	w.value = named[valueName]
	return w, w.path != ""
}

// pwshArgument returns the words of the argument that starts at
// words[i], with the commas and further elements of a list, and the
// index after it.
func pwshArgument(words []string, i int) ([]string, int) {
	arg := []string{words[i]}
	i++
	for i+1 < len(words) && words[i] == "," {
		arg = append(arg, words[i+1])
		i += 2
	}
	return arg, i
}

// pwshFindParam finds the parameter that a name or a prefix of a name
// given on a call names: the one whose name or alias it is, else the one
// whose names alone it starts.
func pwshFindParam(params []pwshParam, key string) (pwshParam, bool) {
	var found []pwshParam
	for _, p := range params {
		for _, n := range p.names {
			if n == key {
				return p, true
			}
		}
		for _, n := range p.names {
			if strings.HasPrefix(n, key) {
				found = append(found, p)
				break
			}
		}
	}
	if len(found) != 1 {
		return pwshParam{}, false
	}
	return found[0], true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// pwshRedirect finds the redirection of a pipeline element's output
// (>, >>, 1>, 1>>, *> and *>>) and returns its target, its operator (>
// or >>), and the element's words without its redirections.
func pwshRedirect(words []string) (target, op string, rest []string) {
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.Contains(w, ">") || !pwshRedirection(w) {
			rest = append(rest, w)
			continue
		}
		if i+1 < len(words) && !strings.Contains(w, "&") {
			i++
			if o := strings.TrimLeft(w, "1*"); o == ">" || o == ">>" {
				target, op = words[i], o
			}
		}
	}
	return target, op, rest
}

// pwshRedirection reports whether a word is a redirection operator.
func pwshRedirection(w string) bool {
	w = strings.TrimLeft(w, "123456*")
	return w == ">" || w == ">>" || strings.HasPrefix(w, ">&")
}

// pwshIsEnvFile reports whether a word names the file of $env:GITHUB_ENV:
// $env:GITHUB_ENV, ${env:GITHUB_ENV}, or either in double quotes.
func pwshIsEnvFile(word string) bool {
	word = strings.TrimSuffix(strings.TrimPrefix(word, `"`), `"`)
	ref, n := pwshEnvRef(word, 0)
	return n == len(word) && strings.EqualFold(ref, "GITHUB_ENV")
}

// pwshNamesEnvFile reports whether a word of a call names the file of
// $env:GITHUB_ENV.
func pwshNamesEnvFile(words []string) bool {
	for _, w := range words {
		if _, v, ok := strings.Cut(w, ":"); ok && pwshIsEnvFile(v) || pwshIsEnvFile(w) {
			return true
		}
	}
	return false
}

// pwshEnvRef reads a reference to an environment variable, $env:NAME or
// ${env:NAME}, at s[i]. It returns the name and the offset after the
// reference, or 0 when there is none.
func pwshEnvRef(s string, i int) (string, int) {
	rest := s[i:]
	braced := strings.HasPrefix(rest, "${")
	if braced {
		rest = rest[2:]
	} else if strings.HasPrefix(rest, "$") {
		rest = rest[1:]
	} else {
		return "", 0
	}
	if len(rest) < 4 || !strings.EqualFold(rest[:4], "env:") {
		return "", 0
	}
	rest = rest[4:]
	n := 0
	for n < len(rest) && (isLetter(rest[n]) || rest[n] == '_' || rest[n] >= '0' && rest[n] <= '9') {
		n++
	}
	if n == 0 {
		return "", 0
	}
	end := len(s) - len(rest) + n
	if braced {
		if end >= len(s) || s[end] != '}' {
			return "", 0
		}
		end++
	}
	return rest[:n], end
}

// pwshOutput returns the lines that a pipeline element writes to its
// output: a string, or a list of strings, or echo, write or Write-Output
// with strings or bare words. It reports false for another element.
func pwshOutput(words []string, env map[string]string) ([]string, bool) {
	if len(words) == 0 {
		return nil, false
	}
	switch strings.ToLower(words[0]) {
	case "echo", "write", "write-output":
		var args []string
		for _, w := range words[1:] {
			if !strings.EqualFold(w, "-NoEnumerate") {
				args = append(args, w)
			}
		}
		return pwshValues(args, env)
	}
	if c := words[0][0]; c != '"' && c != '\'' && c != '@' {
		return nil, false
	}
	return pwshValues(words, env)
}

// pwshValues returns the lines of a list of strings or bare words,
// separated by blanks or commas, each string on lines of its own. It
// reports false for a word that is computed otherwise, as $(...).
func pwshValues(words []string, env map[string]string) ([]string, bool) {
	var out []string
	for _, w := range words {
		if w == "," {
			continue
		}
		v, ok := pwshString(w, env)
		if !ok {
			return nil, false
		}
		out = append(out, strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n")...)
	}
	return out, true
}

// pwshString returns the value of a string, a here-string or a bare word,
// with the step's variables that it reads as $env:NAME replaced by their
// values outside single quotes. Other variables are kept as written. It
// reports false for a word that starts with a bracket or a call.
func pwshString(w string, env map[string]string) (string, bool) {
	switch {
	case strings.HasPrefix(w, `@'`):
		return pwshHereBody(w), true
	case strings.HasPrefix(w, `@"`):
		return pwshExpand(pwshHereBody(w), env, false), true
	case strings.HasPrefix(w, "'"):
		return strings.ReplaceAll(strings.TrimSuffix(w[1:], "'"), "''", "'"), true
	case strings.HasPrefix(w, `"`):
		return pwshExpand(strings.TrimSuffix(w[1:], `"`), env, true), true
	case w == "" || strings.ContainsAny(w[:1], "($@[{-"):
		return "", false
	}
	return pwshExpand(w, env, false), true
}

// pwshHereBody returns the text of a here-string, between the line of @"
// or @' and the line that starts with "@ or '@.
func pwshHereBody(w string) string {
	_, body, _ := strings.Cut(w, "\n")
	if i := strings.LastIndex(body, "\n"); i >= 0 {
		return strings.TrimSuffix(body[:i], "\r")
	}
	return ""
}

// pwshExpand replaces the escapes of a double-quoted string or a bare
// word (`n, `t, `" and the like, and "" in quotes) and the step's
// variables that it reads as $env:NAME.
func pwshExpand(s string, env map[string]string, quoted bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '`' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			default:
				b.WriteByte(s[i])
			}
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '$':
			name, end := pwshEnvRef(s, i)
			v, ok := pwshLookup(env, name)
			if end == 0 || !ok {
				b.WriteByte(c)
				continue
			}
			b.WriteString(v)
			i = end - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pwshLookup returns the value of a variable of env, matching its name
// without regard to case when no variable has it exactly, as on Windows.
func pwshLookup(env map[string]string, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	if v, ok := env[name]; ok {
		return v, true
	}
	for k, v := range env {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// pwshStatements cuts a PowerShell script into statements at newlines,
// semicolons and the braces of script blocks, outside strings, brackets
// and comments. A backtick at the end of a line continues the statement.
func pwshStatements(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if st := strings.TrimSpace(cur.String()); st != "" {
			out = append(out, st)
		}
		cur.Reset()
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '#' && (i == 0 || strings.ContainsRune(" \t\r\n;", rune(s[i-1]))):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "<#"):
			end := strings.Index(s[i:], "#>")
			if end < 0 {
				return append(out, strings.TrimSpace(cur.String()))
			}
			i += end + 2
		case c == '\n' || c == ';' || c == '{' || c == '}':
			flush()
			i++
		default:
			end := pwshEnd(s, i)
			cur.WriteString(s[i:end])
			i = end
		}
	}
	flush()
	return out
}

// pwshSplit cuts a statement at the operators of a pipeline (|) or,
// for "chain", at && and ||, outside strings and brackets.
func pwshSplit(st, at string) []string {
	var out []string
	start := 0
	for i := 0; i < len(st); {
		two := strings.HasPrefix(st[i:], "&&") || strings.HasPrefix(st[i:], "||")
		switch {
		case at == "chain" && two:
			out = append(out, strings.TrimSpace(st[start:i]))
			i += 2
			start = i
		case at == "pipe" && st[i] == '|':
			out = append(out, strings.TrimSpace(st[start:i]))
			i++
			start = i
		default:
			i = pwshEnd(st, i)
		}
	}
	return append(out, strings.TrimSpace(st[start:]))
}

// pwshWords splits a pipeline element into words at blanks outside
// strings and brackets. A comma and a redirection operator are words of
// their own.
func pwshWords(elem string) []string {
	var out []string
	start := -1
	flush := func(i int) {
		if start >= 0 {
			out = append(out, elem[start:i])
			start = -1
		}
	}
	for i := 0; i < len(elem); {
		c := elem[i]
		switch {
		case c == '`' && i+1 < len(elem) && (elem[i+1] == '\n' || elem[i+1] == '\r'):
			flush(i)
			i += 2
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			flush(i)
			i++
		case c == ',':
			flush(i)
			out = append(out, ",")
			i++
		case c == '>':
			op := ">"
			if start >= 0 && strings.Trim(elem[start:i], "123456*") == "" {
				op = elem[start:i] + op
				start = -1
			}
			flush(i)
			i++
			if i < len(elem) && elem[i] == '>' {
				op += ">"
				i++
			}
			if i+1 < len(elem) && elem[i] == '&' {
				op += elem[i : i+2]
				i += 2
			}
			out = append(out, op)
		default:
			if start < 0 {
				start = i
			}
			i = pwshEnd(elem, i)
		}
	}
	flush(len(elem))
	return out
}

// pwshEnd returns the offset just past the string, here-string, variable
// in braces, GitHub expression, or bracketed part that starts at s[i], or
// the offset after s[i] for another character. A backtick escapes the
// character after it.
func pwshEnd(s string, i int) int {
	rest := s[i:]
	switch {
	case rest[0] == '`':
		return min(i+2, len(s))
	case strings.HasPrefix(rest, "@\"\n") || strings.HasPrefix(rest, "@\"\r\n") ||
		strings.HasPrefix(rest, "@'\n") || strings.HasPrefix(rest, "@'\r\n"):
		if end := strings.Index(rest, "\n"+rest[1:2]+"@"); end >= 0 {
			return i + end + 3
		}
		return len(s)
	case rest[0] == '"' || rest[0] == '\'':
		q := rest[0]
		for j := i + 1; j < len(s); j++ {
			switch {
			case s[j] == '`' && q == '"':
				j++
			case s[j] == q && j+1 < len(s) && s[j+1] == q:
				j++
			case s[j] == q:
				return j + 1
			case q == '"' && strings.HasPrefix(s[j:], "$("):
				j = pwshEnd(s, j+1) - 1
			}
		}
		return len(s)
	case strings.HasPrefix(rest, "${{"):
		if end := strings.Index(rest, "}}"); end >= 0 {
			return i + end + 2
		}
		return len(s)
	case strings.HasPrefix(rest, "${"):
		if end := strings.IndexByte(rest, '}'); end >= 0 {
			return i + end + 1
		}
		return len(s)
	case strings.HasPrefix(rest, "$(") || strings.HasPrefix(rest, "@("):
		return pwshEnd(s, i+1)
	case rest[0] == '(' || rest[0] == '[':
		closing := byte(')')
		if rest[0] == '[' {
			closing = ']'
		}
		for j := i + 1; j < len(s); {
			if s[j] == closing {
				return j + 1
			}
			j = pwshEnd(s, j)
		}
		return len(s)
	}
	return i + 1
}
