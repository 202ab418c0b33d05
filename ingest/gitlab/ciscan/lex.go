package ciscan

import "strings"

// word is one shell word: text with quotes removed, and raw as written.
type word struct {
	text string
	raw  string
}

// Kinds of lexed items.
const (
	opCommand = iota // a simple command
	opOpen           // ( starts a subshell
	opClose          // ) ends it
)

// item is one simple command, or the start or end of a subshell.
type item struct {
	op    int
	words []word
}

// lex splits a script into simple commands at newlines, at the operators
// ; & | && || and at subshell brackets outside quotes, and each command
// into words. Quoted strings, $( ), ${ }, $(( )) and backquotes stay
// inside their word. Comments are dropped and escaped newlines join lines.
func lex(script string) []item {
	items, _ := lexAll(script)
	return items
}

// lexAll is lex that also reports whether the script went past a limit:
// maxCommands items, or a command of more than maxCommand bytes, whose
// words from the one the limit cuts on are dropped.
func lexAll(script string) ([]item, bool) {
	l := lexer{src: script}
	l.run()
	return l.items, l.truncated
}

type lexer struct {
	src   string
	items []item
	words []word
	text  strings.Builder
	raw   strings.Builder
	in    bool // inside a word
	size  int  // bytes of the current command
	// cut is set once the current command is over maxCommand bytes, and
	// truncated once any command was, or the script has too many.
	cut, truncated bool
}

func (l *lexer) endWord() {
	if l.in && !l.cut {
		l.words = append(l.words, word{text: l.text.String(), raw: l.raw.String()})
	}
	l.text.Reset()
	l.raw.Reset()
	l.in = false
}

func (l *lexer) endCommand() {
	l.endWord()
	if len(l.words) > 0 {
		l.items = append(l.items, item{op: opCommand, words: l.words})
	}
	l.words = nil
	l.size = 0
	l.cut = false
}

// add appends s to the current word, both raw and unquoted.
func (l *lexer) add(raw, text string) {
	l.in = true
	if l.cut || l.size+len(raw) > maxCommand {
		// A word cut short could name something else, so it is dropped
		// with the rest of the command.
		l.cut, l.truncated = true, true
		return
	}
	l.size += len(raw)
	l.raw.WriteString(raw)
	l.text.WriteString(text)
}

func (l *lexer) run() {
	s := l.src
	var quote byte
	for i := 0; i < len(s); i++ {
		if len(l.items) >= maxCommands {
			l.truncated = true
			return
		}
		c := s[i]
		switch {
		case c == '\\' && quote != '\'':
			if i+1 < len(s) {
				if s[i+1] == '\n' {
					i++
					continue
				}
				if s[i+1] == '\r' && i+2 < len(s) && s[i+2] == '\n' {
					i += 2
					continue
				}
				l.add(s[i:i+2], s[i+1:i+2])
				i++
			} else {
				l.add(`\`, `\`)
			}
		case quote != 0:
			if c == quote {
				quote = 0
				l.add(string(c), "")
				continue
			}
			if c == '$' && quote == '"' {
				end := substitutionEnd(s, i)
				l.add(s[i:end], s[i:end])
				i = end - 1
				continue
			}
			l.add(string(c), string(c))
		case c == '\'' || c == '"':
			quote = c
			l.add(string(c), "")
		case c == '$':
			end := substitutionEnd(s, i)
			l.add(s[i:end], s[i:end])
			i = end - 1
		case c == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				end = len(s) - i - 1
			}
			l.add(s[i:i+end+1], s[i:i+end+1])
			i += end
		case c == '#' && !l.in:
			for i < len(s) && s[i] != '\n' {
				i++
			}
			l.endCommand()
		case c == ' ' || c == '\t' || c == '\r':
			l.endWord()
		case c == '\n' || c == ';' || c == '&' || c == '|':
			l.endCommand()
		case c == '(':
			l.endCommand()
			l.items = append(l.items, item{op: opOpen})
		case c == ')':
			l.endCommand()
			l.items = append(l.items, item{op: opClose})
		case c == '<' || c == '>':
			l.endWord()
			j := i
			for j < len(s) && (s[j] == '<' || s[j] == '>') {
				j++
			}
			if j < len(s) && s[j] == '&' {
				j++ // 2>&1 duplicates a descriptor: no command ends here
			}
			l.add(s[i:j], s[i:j])
			l.endWord()
			i = j - 1
		default:
			l.add(string(c), string(c))
		}
	}
	l.endCommand()
}

// substitutionEnd returns the offset just past a $( ), $(( )), ${ } or
// ${{ }} that starts at s[i], or past $NAME for a plain variable.
func substitutionEnd(s string, i int) int {
	if i+1 >= len(s) {
		return i + 1
	}
	switch s[i+1] {
	case '(', '{':
	default:
		j := i + 1
		for j < len(s) && isNameChar(s[j]) {
			j++
		}
		if j == i+1 {
			return i + 1
		}
		return j
	}
	depth := 0
	var quote byte
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '(', '{':
			depth++
		case ')', '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(s)
}

func isNameChar(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// refsIn returns the names of the variables a raw shell word reads: $NAME,
// ${NAME...}, PowerShell's $env:NAME and cmd's %NAME%, and the scripts of
// the command substitutions ($( ) and backquotes) in it, which the caller
// reads as scripts of their own. Text in single quotes is not expanded,
// $$ is the process id, and \$ is a dollar sign.
func refsIn(raw string) (names, subs []string) {
	return appendRefs(nil, &subs, raw, 0), subs
}

// maxRefDepth bounds how deep refsIn descends into nested ${ } values.
const maxRefDepth = 8

func appendRefs(out []string, subs *[]string, s string, depth int) []string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && quote != '\'':
			i++
		case quote == '\'' && c == '\'':
			quote = 0
		case quote == '\'':
		case c == '\'' && quote == 0:
			quote = '\''
		case c == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				end = len(s) - i - 1
			}
			*subs = append(*subs, s[i+1:i+1+end])
			i += end + 1
		case c == '"':
			if quote == '"' {
				quote = 0
			} else {
				quote = '"'
			}
		case c == '%' && quote == 0:
			end := strings.IndexByte(s[i+1:], '%')
			if end >= 2 && cmdName(s[i+1:i+1+end]) {
				out = append(out, s[i+1:i+1+end])
				i += end + 1
			}
		case c == '$' && i+1 < len(s):
			n := s[i+1]
			switch {
			case n == '$':
				i++
			case n == '{':
				end := substitutionEnd(s, i)
				inner := s[i+2 : max(i+2, end-1)]
				if name, rest := braceName(inner); name != "" {
					out = append(out, name)
					if depth < maxRefDepth {
						out = appendRefs(out, subs, rest, depth+1)
					}
				}
				i = end - 1
			case n == '(':
				end := substitutionEnd(s, i)
				*subs = append(*subs, strings.TrimSuffix(s[i+2:end], ")"))
				i = end - 1
			case len(s) > i+5 && strings.EqualFold(s[i+1:i+5], "env:"):
				j := i + 5
				for j < len(s) && isNameChar(s[j]) {
					j++
				}
				if validName(s[i+5 : j]) {
					out = append(out, s[i+5:j])
				}
				i = j - 1
			case n == '_' || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z'):
				j := i + 1
				for j < len(s) && isNameChar(s[j]) {
					j++
				}
				out = append(out, s[i+1:j])
				i = j - 1
			}
		}
	}
	return out
}

// braceName reads the variable name at the start of the inside of ${ }
// (after an optional # or !) and returns it with the rest, which may hold
// more references (${A:-$B}). A name that is not valid gives "".
func braceName(inner string) (string, string) {
	inner = strings.TrimLeft(inner, "#!")
	j := 0
	for j < len(inner) && isNameChar(inner[j]) {
		j++
	}
	name := inner[:j]
	if !validName(name) {
		return "", ""
	}
	return name, inner[j:]
}

// cmdName reports whether s may be a cmd.exe %NAME% reference: upper-case
// letters, digits and underscores, at least two characters, so that date
// formats such as %Y%m%d are not taken for one.
func cmdName(s string) bool {
	if len(s) < 2 || len(s) > 128 || !validName(s) {
		return false
	}
	return strings.ToUpper(s) == s
}

// Refs returns the names of the variables a string reads when a shell, or
// a CI system expanding variables the way a shell does, expands it: $NAME,
// ${NAME}, $env:NAME and %NAME%, outside single quotes. $$ escapes a
// dollar sign.
func Refs(s string) []string {
	names, subs := refsIn(s)
	for i := 0; i < len(subs) && i < maxNames; i++ {
		more, _ := refsIn(subs[i])
		names = append(names, more...)
	}
	return names
}
