package actions

import (
	"regexp"
	"strings"
)

// githubEnvWrite matches a command that appends to the file that
// $GITHUB_ENV names: a redirection (>> $GITHUB_ENV, >> "$GITHUB_ENV",
// >> ${GITHUB_ENV}), or tee with its options after a pipe (| tee -a
// "$GITHUB_ENV"). The runner gives each step a file of its own, so > and
// tee without -a set the variables too.
var githubEnvWrite = regexp.MustCompile(`(?:>>?|\|\s*tee(?:\s+-[-A-Za-z]*)*)\s*["']?\$(?:GITHUB_ENV\b|\{GITHUB_ENV\})`)

// envAssignment matches NAME=VALUE, envBlock the NAME<<DELIMITER line that
// starts a multi-line value, and envName the NAME= or NAME<< that starts a
// line of the $GITHUB_ENV file.
var (
	envAssignment = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	envBlock      = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)<<(\S+)$`)
	envName       = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(?:=|<<)`)
)

// githubEnvWrites returns the variables that a run: script sets for the
// later steps of its job by appending NAME=VALUE lines to $GITHUB_ENV, with
// their values as written. The lines that echo or printf write, and those
// of a here-document, give their values. The step's variables that they
// read are replaced by their values in env, except in single quotes for
// echo and under a quoted delimiter for a here-document. A
// multi-line value is the lines written between NAME<<DELIMITER and
// DELIMITER. A name that another command writes, or whose delimiter line
// is missing, gets "", a value that contains no secret the input shows.
// NOTE: only lines that write to $GITHUB_ENV themselves are read: a
// block redirected as a whole, and PowerShell's Out-File, are not.
func githubEnvWrites(run string, env map[string]string) map[string]string {
	var out map[string]string
	// block is the variable of the multi-line value being read, delim
	// its delimiter, and value its lines, or nil once a line the input
	// does not show is part of it.
	var block, delim string
	var value []string
	feed := func(w string) {
		switch {
		case block != "" && w == delim:
			if value != nil {
				out[block] = strings.Join(value, "\n")
			}
			block = ""
		case block != "":
			if value != nil {
				value = append(value, w)
			}
		default:
			if m := envAssignment.FindStringSubmatch(w); m != nil {
				out[m[1]] = m[2]
			} else if m := envBlock.FindStringSubmatch(w); m != nil {
				block, delim, value = m[1], m[2], []string{}
				out[block] = ""
			}
		}
	}

	// docEnd is the delimiter of a here-document written to $GITHUB_ENV
	// while its lines are read, and docExpand is set when the shell
	// expands variables in it.
	var docEnd string
	var docExpand bool

	for _, line := range strings.Split(run, "\n") {
		if docEnd != "" {
			w := strings.TrimLeft(line, "\t")
			if w == docEnd {
				docEnd = ""
				continue
			}
			if docExpand {
				w = expandShellVars(w, env)
			}
			feed(w)
			continue
		}
		loc := githubEnvWrite.FindStringIndex(line)
		if loc == nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		cmd, ok := lastCommand(line[:loc[0]])
		if !ok {
			continue
		}
		if m := hereDocument.FindStringSubmatch(line); m != nil && strings.HasPrefix(cmd, "cat") {
			docEnd = m[1]
			docExpand = !strings.ContainsAny(m[0], `"'`)
			continue
		}
		written, known := writtenLines(cmd, env)
		if !known {
			if block != "" {
				value = nil
				continue
			}
			for _, m := range envName.FindAllStringSubmatch(cmd, -1) {
				out[m[1]] = ""
			}
			continue
		}
		for _, w := range written {
			feed(w)
		}
	}
	return out
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
