package actions

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// fileWrites maps GITHUB_ENV and GITHUB_OUTPUT to the pattern of a
// command that writes to the file the variable names: a redirection
// (>> $GITHUB_ENV, >> "$GITHUB_ENV", >> ${GITHUB_ENV}), or tee with its
// options after a pipe (| tee -a "$GITHUB_ENV"). The runner gives each
// step files of its own and reads them after the step, so > and tee
// without -a set the variables too, in place of what the step wrote
// there before.
var fileWrites = map[string]*regexp.Regexp{
	"GITHUB_ENV":    fileWrite("GITHUB_ENV"),
	"GITHUB_OUTPUT": fileWrite("GITHUB_OUTPUT"),
}

func fileWrite(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?:>>?|\|\s*tee(?:\s+-[-A-Za-z]*)*)\s*["']?\$(?:` + name + `\b|\{` + name + `\})`)
}

// envAssignment matches NAME=VALUE, envBlock the NAME<<DELIMITER line that
// starts a multi-line value, and envName the NAME= or NAME<< that starts a
// line of the $GITHUB_ENV file.
var (
	envAssignment = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	envBlock      = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)<<(\S+)$`)
	envName       = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(?:=|<<)`)
)

// githubEnvWrites returns the variables that a bash or sh run: script sets
// for the later steps of its job by writing NAME=VALUE lines to
// $GITHUB_ENV, with their values as written. The script is parsed as
// bash (shellscan). The lines that echo and printf print, and those of a
// cat of a here-document, give their values when their output goes to
// the file. Their own redirection, tee, or the redirection of a group,
// subshell, if or loop around them sends it there. The variables they read are
// replaced by their values when the step or the script sets them, except
// in single quotes and under a quoted here-document delimiter. A
// multi-line value is the lines written between NAME<<DELIMITER and
// DELIMITER. A name that another command writes, or whose delimiter
// line is missing, gets "", a value that contains no secret the input
// shows. A write with > or tee without -a replaces what the step wrote
// before. A script that does not parse as bash is read line by line
// (githubEnvWritesLines).
func githubEnvWrites(run string, env map[string]string) map[string]string {
	out, _ := githubFileWrites(run, env, "GITHUB_ENV")
	return out
}

// githubFileWrites is githubEnvWrites for the file that the variable
// file names: GITHUB_ENV, or GITHUB_OUTPUT, whose NAME=VALUE lines set
// the step's outputs in the same format. mixed lists the names whose
// value depends on a test of the script: a branch (shellscan.Command.Branch)
// gives one a value that another write does not.
func githubFileWrites(run string, env map[string]string, file string) (out map[string]string, mixed map[string]bool) {
	if !strings.Contains(run, file) {
		return nil, nil
	}
	var f envFile
	// replaced is the output whose write replaced the file last: the
	// commands of a group redirected with > empty it once.
	replaced := -1
	_, err := shellscan.Scan(run, ".", pkgcmd.Env(env), shellscan.Options{Expand: true, MaxCommands: maxScriptCommands},
		func(c *shellscan.Command) bool {
			appends, ok := writesFile(c.Stdout, file)
			if !ok || c.Keyword {
				return true
			}
			f.start()
			f.branch = c.Branch
			if !appends && c.Stdout.ID != replaced {
				f.replace()
				replaced = c.Stdout.ID
			}
			args := c.Args()
			if len(args) == 0 || writesNothingArgs(args) {
				return true
			}
			if args[0] == "cat" && len(args) == 1 {
				for _, r := range c.Redirs {
					if r.Op == "<<" || r.Op == "<<-" {
						for _, w := range strings.Split(strings.TrimSuffix(r.Doc, "\n"), "\n") {
							f.line(w)
						}
						return true
					}
				}
			}
			written, known := printedLines(args)
			if !known {
				var raw []string
				for _, w := range c.Words {
					raw = append(raw, w.Raw)
				}
				f.unknown(strings.Join(raw, " "))
				return true
			}
			for _, w := range written {
				f.line(w)
			}
			return true
		})
	if err != nil {
		return githubEnvWritesLines(run, env, file), nil
	}
	return f.out, f.mixed
}

// writesFile reports whether an output goes to the file that the
// variable file names ($GITHUB_ENV), by a redirection or through tee,
// and whether the write appends to it (>>, tee -a) rather than replacing
// it.
func writesFile(out shellscan.Output, file string) (appends, ok bool) {
	if r := out.Redir; r != nil {
		if !isFile(r.Word.Text, file) {
			return false, false
		}
		return r.Op == ">>" || r.Op == "&>>", true
	}
	if len(out.Pipe) == 0 || path.Base(out.Pipe[0]) != "tee" {
		return false, false
	}
	for _, a := range out.Pipe[1:] {
		if isFile(a, file) {
			ok = true
		}
		if a == "--append" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "a") {
			appends = true
		}
	}
	return appends, ok
}

// isFile reports whether a word reads the variable file, as
// $GITHUB_ENV or ${GITHUB_ENV}.
func isFile(w, file string) bool {
	return w == "$"+file || w == "${"+file+"}"
}

// writesNothingArgs reports whether a command writes nothing to its
// output: a builtin that sets or declares variables or changes the
// directory.
func writesNothingArgs(args []string) bool {
	switch args[0] {
	case "export", "local", "readonly", "declare", "typeset", "unset", "set", "cd", "pushd", "popd", ":", "true", "false":
		return true
	}
	return false
}

// printedLines returns the lines that an echo or printf command prints,
// given its words after quote removal, and reports false for another
// command. echo prints its arguments joined by blanks.
func printedLines(args []string) ([]string, bool) {
	switch args[0] {
	case "echo":
		rest := args[1:]
		for len(rest) > 0 && (rest[0] == "-e" || rest[0] == "-n" || rest[0] == "-E") {
			rest = rest[1:]
		}
		return []string{strings.Join(rest, " ")}, true
	case "printf":
		if text, ok := printfText(args); ok {
			return strings.Split(strings.TrimSuffix(text, "\n"), "\n"), true
		}
	}
	return nil, false
}

// githubEnvWritesLines is githubFileWrites for a script that does not
// parse as bash. Its lines are split into commands roughly, and only the
// step's variables are replaced by their values.
// NOTE: an if, case, for or while redirected as a whole is not read here.
func githubEnvWritesLines(run string, env map[string]string, file string) map[string]string {
	var f envFile
	var groups groupReader
	// docEnd is the delimiter of a here-document written to $GITHUB_ENV
	// or by a command of a group while its lines are read, docExpand is
	// set when the shell expands variables in it, and docItem is the
	// command of the group. skipEnd is the delimiter of another
	// here-document, whose lines are no commands.
	var docEnd, skipEnd string
	var docExpand bool
	var docItem *groupItem

	for _, line := range strings.Split(run, "\n") {
		if docEnd != "" {
			w := strings.TrimLeft(line, "\t")
			switch {
			case w == docEnd:
				docEnd, docItem = "", nil
			case docItem != nil:
				docItem.lines = append(docItem.lines, w)
			default:
				if docExpand {
					w = expandShellVars(w, env)
				}
				f.line(w)
			}
			continue
		}
		var closed map[int]*groupFrame
		if skipEnd != "" {
			if strings.TrimLeft(line, "\t") == skipEnd {
				skipEnd = ""
			}
		} else {
			var doc *groupItem
			var delim string
			closed, doc, delim = groups.scan(line)
			if doc != nil {
				docEnd, docItem = delim, doc
				continue
			}
			skipEnd = delim
		}
		// prev is the end of the line's previous write, before which the
		// command of the next write does not start.
		prev := 0
		writes := fileWrites[file].FindAllStringIndex(line, -1)
		for i, loc := range writes {
			// next is where the line's next write starts.
			next := len(line)
			if i+1 < len(writes) {
				next = writes[i+1][0]
			}
			f.start()
			appends := appendsToFile(line[loc[0]:loc[1]])
			from := prev
			prev = loc[1]
			if prev < len(line) && (line[prev] == '"' || line[prev] == '\'') {
				prev++ // the quote that closes the file's name
			}
			if g := closed[len(strings.TrimRight(line[:loc[0]], " \t"))]; g != nil {
				if !appends {
					f.replace()
				}
				g.writeTo(&f, env)
				continue
			}
			cmd, ok := lastCommand(line[from:loc[0]])
			if !ok {
				continue
			}
			if !appends {
				f.replace()
			}
			var m []string
			if strings.HasPrefix(cmd, "cat") {
				m = hereDocument.FindStringSubmatch(line[from:next])
			}
			if m != nil {
				docEnd, docItem, skipEnd = m[1], nil, ""
				docExpand = !strings.ContainsAny(m[0], `"'`)
				break
			}
			written, known := writtenLines(cmd, env)
			if !known {
				f.unknown(cmd)
				continue
			}
			for _, w := range written {
				f.line(w)
			}
		}
	}
	return f.out
}

// appendsToFile reports whether a write that fileWrites matched
// appends to the file: >> does, and tee with -a or --append.
func appendsToFile(write string) bool {
	if strings.HasPrefix(write, ">>") {
		return true
	}
	if !strings.HasPrefix(write, "|") {
		return false
	}
	for _, opt := range strings.Fields(write) {
		if opt == "--append" || strings.HasPrefix(opt, "-") && !strings.HasPrefix(opt, "--") && strings.Contains(opt, "a") {
			return true
		}
	}
	return false
}

// envFile is the contents of a step's $GITHUB_ENV file, read line by
// line as the runner reads it after the step.
type envFile struct {
	out map[string]string
	// block is the variable of the multi-line value being read, delim
	// its delimiter, and value its lines, or nil once a line the input
	// does not show is part of it.
	block, delim string
	value        []string
	// blockPrev is the value of block before its multi-line write began,
	// if blockHad.
	blockPrev string
	blockHad  bool
	// branch is set while a command in a branch of the script is read,
	// and mixed lists the names that a write in a branch gave a value
	// other than the one before.
	branch bool
	mixed  map[string]bool
}

// set records a value of a name. A write outside a branch decides the
// value whatever came before. A write in a branch that differs from the
// value before makes the name mixed.
func (f *envFile) set(name, value string) {
	prev, had := f.out[name]
	f.out[name] = value
	if !f.branch {
		delete(f.mixed, name)
		return
	}
	if had && prev != value {
		if f.mixed == nil {
			f.mixed = map[string]bool{}
		}
		f.mixed[name] = true
	}
}

// start records that the step writes to the file.
func (f *envFile) start() {
	if f.out == nil {
		f.out = map[string]string{}
	}
}

// line reads one line written to the file.
func (f *envFile) line(w string) {
	f.start()
	switch {
	case f.block != "" && w == f.delim:
		value := ""
		if f.value != nil {
			value = strings.Join(f.value, "\n")
		}
		f.out[f.block] = f.blockPrev
		if !f.blockHad {
			delete(f.out, f.block)
		}
		f.set(f.block, value)
		f.block = ""
	case f.block != "":
		if f.value != nil {
			f.value = append(f.value, w)
		}
	default:
		if m := envAssignment.FindStringSubmatch(w); m != nil {
			f.set(m[1], m[2])
		} else if m := envBlock.FindStringSubmatch(w); m != nil {
			f.block, f.delim, f.value = m[1], m[2], []string{}
			f.blockPrev, f.blockHad = f.out[f.block]
			f.out[f.block] = ""
		}
	}
}

// unknown reads a write by a command whose output the input does not
// show: each NAME= or NAME<< in its text gets "", and a multi-line value
// being read gets a line that is not known.
func (f *envFile) unknown(cmd string) {
	f.start()
	if f.block != "" {
		f.value = nil
		return
	}
	for _, m := range envName.FindAllStringSubmatch(cmd, -1) {
		f.set(m[1], "")
	}
}

// replace empties the file, as a write that replaces its contents does
// before its own lines.
func (f *envFile) replace() {
	f.out = map[string]string{}
	f.block, f.delim, f.value = "", "", nil
	f.mixed = nil
}

// groupFrame is a brace group or a subshell of a script, with the
// commands whose output is the group's output, in order.
type groupFrame struct {
	paren bool
	items []*groupItem
}

// groupItem is a command of a group, and the lines of the here-document
// of a cat command, which are what it writes, or a group inside the group.
type groupItem struct {
	cmd       string
	doc       bool
	docExpand bool
	lines     []string
	group     *groupFrame
}

// writeTo writes the output of a group's commands to the file, those of
// the groups inside it included.
func (g *groupFrame) writeTo(f *envFile, env map[string]string) {
	// todo lists the items left to write, the next last, so that deep
	// nesting takes no deep recursion.
	todo := slices.Clone(g.items)
	slices.Reverse(todo)
	for len(todo) > 0 {
		it := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if it.group != nil {
			for i := len(it.group.items) - 1; i >= 0; i-- {
				todo = append(todo, it.group.items[i])
			}
			continue
		}
		if it.doc {
			for _, w := range it.lines {
				if it.docExpand {
					w = expandShellVars(w, env)
				}
				f.line(w)
			}
			continue
		}
		written, known := writtenLines(withoutOtherOutputs(it.cmd), env)
		if !known {
			f.unknown(it.cmd)
			continue
		}
		for _, w := range written {
			f.line(w)
		}
	}
}

// groupReader follows the brace groups and subshells of a script, line
// by line.
type groupReader struct {
	frames []*groupFrame
}

// scan reads a line of a script. It returns the groups that close on the
// line, by the offset just past their closing bracket. delim is the
// delimiter of a here-document that a command of the line starts, and doc
// that command when it is a cat of a group whose output is the group's.
// A group's commands are those whose output is not piped or redirected
// elsewhere. A group closed without a redirection passes its commands on
// to the group around it.
func (g *groupReader) scan(line string) (closed map[int]*groupFrame, doc *groupItem, delim string) {
	var cur strings.Builder
	// blank is set while cur holds only blanks.
	blank := true
	docAt := -1
	flush := func(piped bool) {
		raw := cur.String()
		cur.Reset()
		blank = true
		at := docAt
		docAt = -1
		if at >= 0 && delim == "" {
			if m := hereDocument.FindStringSubmatch(raw[at:]); m != nil {
				delim = m[1]
			} else {
				at = -1
			}
		}
		cmd := strings.TrimSpace(raw)
		for _, keyword := range []string{"then ", "do ", "else "} {
			cmd = strings.TrimSpace(strings.TrimPrefix(cmd, keyword))
		}
		if cmd == "" || piped || len(g.frames) == 0 || redirectsOutput(cmd) || writesNothing(cmd) {
			return
		}
		it := &groupItem{cmd: cmd}
		if at >= 0 {
			if words, _ := commandWords(cmd); len(words) == 0 || words[0] != "cat" {
				return
			}
			it.doc = true
			it.docExpand = !strings.ContainsAny(raw[at:], `"'`)
			doc = it
		}
		top := g.frames[len(g.frames)-1]
		top.items = append(top.items, it)
	}
	closeGroup := func(paren bool, end int) {
		flush(false)
		n := len(g.frames)
		if n == 0 || g.frames[n-1].paren != paren {
			return
		}
		fr := g.frames[n-1]
		g.frames = g.frames[:n-1]
		if closed == nil {
			closed = map[int]*groupFrame{}
		}
		closed[end] = fr
		rest := strings.TrimLeft(line[end:], " \t")
		if n > 1 && !strings.HasPrefix(rest, ">") && !strings.HasPrefix(rest, "|") && !strings.HasPrefix(rest, "&>") {
			parent := g.frames[n-2]
			parent.items = append(parent.items, &groupItem{group: fr})
		}
	}
	var quote byte
	textParens := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			cur.WriteByte(c)
			switch {
			case c == quote:
				quote = 0
			case c == '\\' && quote == '"' && i+1 < len(line):
				i++
				cur.WriteByte(line[i])
			}
			continue
		}
		atStart := blank
		if c != ' ' && c != '\t' && c != '\r' {
			blank = false
		}
		switch {
		case c == '\'' || c == '"':
			quote = c
			cur.WriteByte(c)
		case c == '\\' && i+1 < len(line):
			cur.WriteByte(c)
			i++
			cur.WriteByte(line[i])
		case c == '$':
			end := substitutionEnd(line, i)
			cur.WriteString(line[i:end])
			i = end - 1
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			flush(false)
			return closed, doc, delim
		case c == '<' && strings.HasPrefix(line[i:], "<<") && !strings.HasPrefix(line[i:], "<<<"):
			if docAt < 0 {
				docAt = cur.Len()
			}
			cur.WriteString("<<")
			i++
		case c == '(' && atStart:
			flush(false)
			g.frames = append(g.frames, &groupFrame{paren: true})
		case c == '(':
			textParens++
			cur.WriteByte(c)
		case c == ')' && textParens > 0:
			textParens--
			cur.WriteByte(c)
		case c == ')':
			closeGroup(true, i+1)
		case c == '{' && atStart && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t'):
			flush(false)
			g.frames = append(g.frames, &groupFrame{})
		case c == '}' && atStart && len(g.frames) > 0 && !g.frames[len(g.frames)-1].paren:
			closeGroup(false, i+1)
		case c == '|':
			if strings.HasPrefix(line[i:], "||") {
				flush(false)
				i++
			} else {
				flush(true)
			}
		case c == '&' && (i > 0 && line[i-1] == '>' || strings.HasPrefix(line[i:], "&>")):
			cur.WriteByte(c)
		case c == '&' || c == ';':
			flush(false)
		default:
			cur.WriteByte(c)
		}
	}
	flush(false)
	return closed, doc, delim
}

// redirectsOutput reports whether a simple command sends its output
// elsewhere than its standard output: a redirection with >, >>, &> or
// >&, except those of another descriptor, as 2>/dev/null.
func redirectsOutput(cmd string) bool {
	var quote byte
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$':
			i = substitutionEnd(cmd, i) - 1
		case c == '>':
			if i > 0 && cmd[i-1] >= '0' && cmd[i-1] <= '9' && cmd[i-1] != '1' {
				if strings.HasPrefix(cmd[i:], ">>") {
					i++
				}
				continue
			}
			return true
		}
	}
	return false
}

// withoutOtherOutputs removes from a simple command the redirections of
// descriptors other than its output, as 2>/dev/null and 2>&1, which
// redirectsOutput lets through.
func withoutOtherOutputs(cmd string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$':
			end := substitutionEnd(cmd, i)
			b.WriteString(cmd[i:end])
			i = end - 1
			continue
		case c >= '0' && c <= '9' && (i == 0 || cmd[i-1] == ' ' || cmd[i-1] == '\t') && strings.HasPrefix(strings.TrimLeft(cmd[i:], "0123456789"), ">"):
			// The descriptor, > or >>, then &N or a blank and a file.
			j := i + len(cmd[i:]) - len(strings.TrimLeft(cmd[i:], "0123456789>"))
			for j < len(cmd) && (cmd[j] == ' ' || cmd[j] == '\t' || cmd[j] == '&') {
				j++
			}
			for j < len(cmd) && !strings.ContainsRune(" \t;&|", rune(cmd[j])) {
				j++
			}
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}

// writesNothing reports whether a simple command writes nothing to its
// output: a variable assignment, or a builtin that sets or declares
// variables or changes the directory.
func writesNothing(cmd string) bool {
	words, _ := commandWords(cmd)
	if len(words) == 0 {
		return true
	}
	switch words[0] {
	case "export", "local", "readonly", "declare", "typeset", "unset", "set", "cd", ":", "true", "false":
		return true
	}
	return false
}

// writtenLines returns the lines that an echo or printf command writes,
// and reports false for another command.
func writtenLines(cmd string, env map[string]string) ([]string, bool) {
	if arg, quote, ok := echoArgument(cmd); ok {
		if quote != '\'' {
			arg = expandShellVars(arg, env)
		}
		return []string{arg}, true
	}
	if text, ok := printfOutput(cmd); ok {
		return strings.Split(strings.TrimSuffix(expandShellVars(text, env), "\n"), "\n"), true
	}
	return nil, false
}

// printfOutput returns what printf FORMAT ARGS... prints when the format
// uses only %s, %% and \n: each %s takes the next argument. It reports
// false for another command or format.
func printfOutput(cmd string) (string, bool) {
	words, _ := commandWords(cmd)
	return printfText(words)
}

// printfText is printfOutput for the words of the command.
func printfText(words []string) (string, bool) {
	if len(words) < 2 || words[0] != "printf" {
		return "", false
	}
	format, args := words[1], words[2:]
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		next := byte(0)
		if i+1 < len(format) {
			next = format[i+1]
		}
		switch {
		case c == '%' && next == 's':
			if len(args) > 0 {
				b.WriteString(args[0])
				args = args[1:]
			}
			i++
		case c == '%' && next == '%':
			b.WriteByte('%')
			i++
		case c == '\\' && next == 'n':
			b.WriteByte('\n')
			i++
		case c == '%' || c == '\\':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// lastCommand returns the simple command that ends s, after the last
// operator (; & | && ||) outside quotes and without a then, do or else
// before it. It reports false when s contains no command, as in a comment.
func lastCommand(s string) (string, bool) {
	parts := splitCommands(s)
	if len(parts) == 0 {
		return "", false
	}
	cmd := parts[len(parts)-1]
	for _, keyword := range []string{"then ", "do ", "else "} {
		cmd = strings.TrimPrefix(cmd, keyword)
	}
	return strings.TrimSpace(cmd), true
}

// shellVar matches a shell variable reference, $NAME or ${NAME}.
var shellVar = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)

// expandShellVars replaces the variables of env that s reads by their
// values, and leaves the others as written.
func expandShellVars(s string, env map[string]string) string {
	return shellVar.ReplaceAllStringFunc(s, func(ref string) string {
		if v, ok := env[strings.Trim(ref, "${}")]; ok {
			return v
		}
		return ref
	})
}

// echoArgument reads the argument of an echo command without the quotes
// around it, and returns the quote character, or 0 when it has none. A
// pipe after the argument (echo X=Y | tee) ends the command.
func echoArgument(cmd string) (arg string, quote byte, ok bool) {
	cmd = strings.TrimSpace(strings.TrimSuffix(cmd, "|"))
	words := strings.Fields(cmd)
	if len(words) < 2 || words[0] != "echo" {
		return "", 0, false
	}
	rest := strings.TrimSpace(strings.TrimPrefix(cmd, "echo"))
	for _, flag := range []string{"-e ", "-n ", "-E "} {
		rest = strings.TrimSpace(strings.TrimPrefix(rest, flag))
	}
	if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[len(rest)-1] == rest[0] {
		return rest[1 : len(rest)-1], rest[0], true
	}
	return rest, 0, true
}
