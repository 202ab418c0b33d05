package lockfile

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Setuptools reads the setup.cfg and setup.py at the top of a repository
// for the name of the Python package that setuptools builds there when
// pyproject.toml names none. Only a name written as a literal is read:
// setup.py is a program, and a name it computes is not known before it
// runs.
type Setuptools struct{}

// NewSetuptools returns the setup.cfg and setup.py parser.
func NewSetuptools() *Setuptools { return &Setuptools{} }

// Format implements ingest.Parser.
func (*Setuptools) Format() string { return "setuptools" }

// Detect implements ingest.Parser. It claims only the setup.cfg and
// setup.py at the top of a repository.
func (*Setuptools) Detect(f *ingest.File) bool {
	return atRepoTop(f, "setup.cfg") || atRepoTop(f, "setup.py")
}

// Parse implements ingest.Parser.
func (*Setuptools) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	var name string
	var line int
	attrs := map[string]string{}
	key := graph.AttrPyPISetupCfgProject
	if f.RelPath == "setup.py" {
		key = graph.AttrPyPISetupPyProject
		var unknown bool
		name, line, unknown = setupPyName(data)
		if unknown {
			attrs[graph.AttrPyPISetupPyNameUnknown] = "true"
		}
	} else {
		name, line = setupCfgName(data)
	}
	if name != "" {
		if projectName(name) != name {
			res.Warnf(ingest.Position{File: f.Path, Line: line},
				"name %s is not a valid Python package name (letters and digits, with '.', '_' or '-' between them, as PEP 508 defines); no PyPI package is recorded for the repository",
				quoteName(name))
		} else {
			attrs[key] = graph.PyPIName(name)
		}
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// setupCfgName returns the name in the [metadata] section of a setup.cfg
// and its line, or "" when the section gives none or when a classifier
// starts with "Private ::" (pypi.org rejects the upload).
//
// The file is read as Python's configparser reads it for setuptools
// (checked with Python 3.11.7 and setuptools 65.5.0). A section name is
// the text between the first "[" and the last "]", unchanged. Keys of
// [metadata] match without case, and "=" or ":" ends a key. Lines that
// start with "#" or ";" are comments. A line indented deeper than its key
// continues the value, and [DEFAULT] keys apply to every section. A file
// that configparser rejects gives no name, because setuptools stops:
// invalid UTF-8, a line outside any section or without a delimiter, or a
// repeated section or key. Values are expanded as configparser's
// BasicInterpolation expands them, and an interpolation error in any
// value that setuptools reads also gives no name (see interpolationValid).
func setupCfgName(data []byte) (string, int) {
	if !utf8.Valid(data) {
		return "", 0
	}
	var (
		section   string
		inSection bool
		key       string // the option whose value an indented line continues
		indent    int    // the indentation of the last key or header
		file      = newCfgFile()
	)
	for i, line := range cfgLines(string(data)) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		lineIndent := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace))
		if key != "" && lineIndent > indent {
			// A continuation line of key's value.
			v := file.values[cfgOption{section, key}]
			v.lines = append(v.lines, trimmed)
			continue
		}
		indent = lineIndent
		if header, ok := cfgHeader(trimmed); ok {
			if !file.addSection(header) {
				return "", 0
			}
			section, inSection, key = header, true, ""
			continue
		}
		k, v, ok := cutSetting(trimmed)
		if !inSection || !ok {
			return "", 0
		}
		if !file.addValue(section, k, &cfgValue{lines: []string{v}, line: i + 1}) {
			return "", 0
		}
		key = k
	}
	if file.sections["metadata"] == nil || !file.interpolationValid() {
		return "", 0
	}
	expander := file.newExpander("metadata")
	if classifiers := file.metadataValue("classifiers"); classifiers != nil {
		text, ok := expander.expand(classifiers.text())
		if !ok {
			return "", 0
		}
		for _, c := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(c), "Private ::") {
				return "", 0
			}
		}
	}
	value := file.metadataValue("name")
	if value == nil {
		return "", 0
	}
	name, ok := expander.expand(value.text())
	// setuptools 65.5.0 keeps a name that starts with "attr:" or "file:"
	// as text, which is not a valid name. Such a name gets no warning.
	if !ok || strings.HasPrefix(name, "attr:") || strings.HasPrefix(name, "file:") {
		return "", 0
	}
	return name, value.line
}

// cfgLines splits a file into lines as Python's text files do: at "\n",
// "\r\n" and a lone "\r".
func cfgLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// cfgHeader returns the section name of a configparser section header,
// the text between the first "[" and the last "]" on the line, unchanged.
func cfgHeader(line string) (string, bool) {
	end := strings.LastIndexByte(line, ']')
	if line[0] != '[' || end < 2 {
		return "", false
	}
	return line[1:end], true
}

// cutSetting splits a configparser line at the first "=" or ":".
func cutSetting(line string) (key, value string, ok bool) {
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), true
}

// setupPyName returns the name that setup.py passes to setup() as a
// string literal, and its line. It returns "" when the call passes no
// name= argument, and "" with unknown set when setup() may get a name
// that is not a literal: a computed name= argument, ** unpacking without
// a literal name, or a file that Python rejects (an unclosed string or
// bracket, a repeated name= argument). Only a name= argument of the
// setup() call itself counts, not one of a call inside it such as
// Extension(name=...), and only the first call of setup() at the level of
// code, not in a comment or a string.
func setupPyName(data []byte) (name string, line int, unknown bool) {
	sc := &pyScanner{s: string(data)}
	if !sc.findSetupCall() {
		return "", 0, sc.invalid()
	}
	found, computed := false, false
	depth := 1
	argStart := true
	for depth > 0 {
		tok, ok := sc.next()
		if !ok {
			return "", 0, true
		}
		atArgStart := argStart
		argStart = false
		switch {
		case tok.kind == pyOp && strings.Contains("([{", tok.text):
			depth++
		case tok.kind == pyOp && strings.Contains(")]}", tok.text):
			depth--
		case depth > 1:
		case tok.kind == pyOp && tok.text == ",":
			argStart = true
		case atArgStart && tok.kind == pyOp && tok.text == "**":
			computed = true
		case atArgStart && tok.kind == pyName && tok.text == "name":
			after := *sc
			if eq, _ := sc.next(); eq.kind != pyOp || eq.text != "=" {
				*sc = after
				continue
			}
			if found {
				// Python rejects a repeated keyword argument.
				return "", 0, true
			}
			found = true
			value := *sc
			v, off, ok := sc.literalArgument()
			if !ok {
				*sc = value
				computed = true
				continue
			}
			name, line = v, sc.lineAt(off)
		}
	}
	// Python compiles the whole file before it runs any of it.
	if sc.skipRest(); sc.invalid() {
		return "", 0, true
	}
	if name != "" {
		return name, line, false
	}
	return "", 0, computed
}

// pyScanner splits Python source into names, string literals and
// operators, skipping white space, comments and line continuations. It
// records an unclosed string literal and unbalanced or too deeply nested
// brackets, which make the file invalid.
type pyScanner struct {
	s          string
	pos        int
	unclosed   bool
	depth      int
	unbalanced bool
}

// maxPyNesting is the maximum depth of brackets that CPython accepts.
// CPython 3.11.7 runs 200 nested parentheses and rejects 201 with "too
// many nested parentheses".
const maxPyNesting = 200

// pyToken is one token of Python source. A string token's text is its
// contents between the quotes. plain is true for a str literal (no b or
// f prefix), whose value pyStringValue decodes, and raw for an r prefix.
type pyToken struct {
	kind  int
	text  string
	plain bool
	raw   bool
	off   int
}

const (
	pyName = iota + 1
	pyString
	pyOp
)

func (sc *pyScanner) invalid() bool { return sc.unclosed || sc.unbalanced || sc.depth != 0 }

// next returns the next token, or false at the end of the source and
// once the source is known to be invalid.
func (sc *pyScanner) next() (pyToken, bool) {
	if sc.unclosed || sc.unbalanced {
		return pyToken{}, false
	}
	s := sc.s
	for sc.pos < len(s) {
		i := sc.pos
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\\':
			sc.pos++
		case c == '#':
			for sc.pos < len(s) && s[sc.pos] != '\n' && s[sc.pos] != '\r' {
				sc.pos++
			}
		case c == '\'' || c == '"':
			return sc.stringAt(i, ""), true
		case nameByte(c):
			end := i
			for end < len(s) && nameByte(s[end]) {
				end++
			}
			word := s[i:end]
			if end < len(s) && (s[end] == '\'' || s[end] == '"') && stringPrefix(word) {
				return sc.stringAt(end, strings.ToLower(word)), true
			}
			sc.pos = end
			return pyToken{kind: pyName, text: word, off: i}, true
		default:
			n := 1
			if i+1 < len(s) && (s[i+1] == '=' && strings.IndexByte("=!<>:+-*/%&|^@", c) >= 0 || c == '*' && s[i+1] == '*') {
				n = 2
			}
			sc.pos = i + n
			switch c {
			case '(', '[', '{':
				sc.depth++
				if sc.depth > maxPyNesting {
					sc.unbalanced = true
				}
			case ')', ']', '}':
				sc.depth--
				if sc.depth < 0 {
					sc.unbalanced = true
				}
			}
			return pyToken{kind: pyOp, text: s[i : i+n], off: i}, true
		}
	}
	return pyToken{}, false
}

// stringAt reads the string literal whose opening quote is at s[i] and
// whose prefix, lower case, is prefix.
func (sc *pyScanner) stringAt(i int, prefix string) pyToken {
	s := sc.s
	q := s[i : i+1]
	if i+2 < len(s) && s[i+1] == s[i] && s[i+2] == s[i] {
		q = s[i : i+3]
	}
	body := i + len(q)
	tok := pyToken{kind: pyString, off: i, plain: !strings.ContainsAny(prefix, "bf"), raw: strings.Contains(prefix, "r")}
	for k := body; k < len(s); k++ {
		switch {
		case s[k] == '\\':
			if strings.HasPrefix(s[k+1:], "\r\n") {
				k++
			}
			k++
		case strings.HasPrefix(s[k:], q):
			tok.text = s[body:k]
			sc.pos = k + len(q)
			return tok
		case len(q) == 1 && (s[k] == '\n' || s[k] == '\r'):
			k = len(s)
		}
	}
	sc.unclosed = true
	sc.pos = len(s)
	tok.text = s[body:]
	return tok
}

// findSetupCall moves the scanner past the "(" of the first call of
// setup(...), setuptools.setup(...) or distutils.core.setup(...), and
// reports whether there is one. Names that an earlier import binds to
// setup, setuptools or distutils.core count too, as in
// "from setuptools import setup as s" and "import setuptools as st". A
// definition, def setup(...), is not a call, nor is a method such as
// self.setup(...).
//
// NOTE: an alias counts from its import on, even where later code binds
// the name to something else or the import is never run.
func (sc *pyScanner) findSetupCall() bool {
	aliases := setupAliases{functions: map[string]bool{"setup": true}, modules: map[string]bool{}}
	var before [4]pyToken // the tokens before tok, latest last
	for {
		tok, ok := sc.next()
		if !ok {
			return false
		}
		if (isPyName(tok, "import") || isPyName(tok, "from")) && !isPyOp(before[3], ".") {
			sc.readImport(tok.text, &aliases)
			before = [4]pyToken{}
			continue
		}
		if tok.kind == pyName && aliases.qualify(tok.text, before) {
			after := *sc
			if open, _ := sc.next(); open.kind == pyOp && open.text == "(" {
				return true
			}
			*sc = after
		}
		copy(before[:], before[1:])
		before[3] = tok
	}
}

// setupAliases is the names that setup.py binds to setuptools' setup
// function and to the setuptools or distutils.core module.
type setupAliases struct {
	functions map[string]bool
	modules   map[string]bool
}

// qualify reports whether name, after the tokens before, is setuptools'
// setup function: a function alias that nothing qualifies, or "setup"
// after "setuptools.", "distutils.core." or a module alias and ".", and
// not the name of a definition.
func (a *setupAliases) qualify(name string, before [4]pyToken) bool {
	last := before[3]
	if !isPyOp(last, ".") {
		return a.functions[name] && !isPyName(last, "def") && !isPyName(last, "class")
	}
	if name != "setup" {
		return false
	}
	if isPyName(before[2], "setuptools") || before[2].kind == pyName && a.modules[before[2].text] {
		return !isPyOp(before[1], ".")
	}
	return isPyName(before[2], "core") && isPyOp(before[1], ".") && isPyName(before[0], "distutils")
}

// readImport reads the rest of an import statement whose first token,
// "import" or "from", the scanner has just returned. It records the
// names that the statement binds to setup from setuptools or
// distutils.core, and to those modules. The scanner stops before the
// first token that does not fit the statement, and a "from" not followed
// by a module name and "import" is left unread.
func (sc *pyScanner) readImport(keyword string, aliases *setupAliases) {
	if keyword == "from" {
		start := *sc
		module, ok := sc.dottedName()
		if !ok || !sc.accept(pyName, "import") {
			// "yield from" and "raise ... from" take an expression.
			*sc = start
			return
		}
		sc.accept(pyOp, "(")
		for {
			name, ok := sc.acceptName()
			if !ok {
				return
			}
			bound := name
			if sc.accept(pyName, "as") {
				if bound, ok = sc.acceptName(); !ok {
					return
				}
			}
			if name == "setup" && isSetupModule(module) {
				aliases.functions[bound] = true
			}
			if !sc.accept(pyOp, ",") {
				return
			}
		}
	}
	for {
		module, ok := sc.dottedName()
		if !ok {
			return
		}
		if sc.accept(pyName, "as") {
			bound, ok := sc.acceptName()
			if !ok {
				return
			}
			if isSetupModule(module) {
				aliases.modules[bound] = true
			}
		}
		if !sc.accept(pyOp, ",") {
			return
		}
	}
}

// accept moves the scanner past the next token when it has kind and
// text, and reports whether it did.
func (sc *pyScanner) accept(kind int, text string) bool {
	at := *sc
	tok, ok := sc.next()
	if ok && tok.kind == kind && tok.text == text {
		return true
	}
	*sc = at
	return false
}

// acceptName moves the scanner past the next token when it is a name
// other than "import" and "from", and returns the name.
func (sc *pyScanner) acceptName() (string, bool) {
	at := *sc
	tok, ok := sc.next()
	if ok && tok.kind == pyName && tok.text != "import" && tok.text != "from" {
		return tok.text, true
	}
	*sc = at
	return "", false
}

// dottedName reads a module name such as "distutils.core". It stops at
// "import" and "from", so that each of those keywords starts at most one
// read and the source is read a bounded number of times. The returned
// name stops growing once it is longer than "distutils.core", which keeps
// it longer than any module that isSetupModule accepts.
func (sc *pyScanner) dottedName() (string, bool) {
	name, ok := sc.acceptName()
	if !ok {
		return "", false
	}
	for sc.accept(pyOp, ".") {
		part, ok := sc.acceptName()
		if !ok {
			return "", false
		}
		if len(name) <= len("distutils.core") {
			name += "." + part
		}
	}
	return name, true
}

// isSetupModule reports whether module provides setuptools' setup.
func isSetupModule(module string) bool {
	return module == "setuptools" || module == "distutils.core"
}

func isPyName(t pyToken, name string) bool { return t.kind == pyName && t.text == name }

func isPyOp(t pyToken, op string) bool { return t.kind == pyOp && t.text == op }

// literalArgument reads an argument value that is one or more adjacent
// plain string literals, optionally in parentheses, and then a "," or
// ")" that ends the argument. It returns their joined value and the
// offset of the first, leaving the scanner before the "," or ")".
func (sc *pyScanner) literalArgument() (string, int, bool) {
	var b strings.Builder
	off := -1
	parens := false
	for {
		at := *sc
		tok, ok := sc.next()
		switch {
		case !ok:
			return "", 0, false
		case tok.kind == pyString && tok.plain:
			value, ok := pyStringValue(tok.text, tok.raw)
			if !ok {
				return "", 0, false
			}
			if off < 0 {
				off = tok.off
			}
			b.WriteString(value)
		case tok.kind == pyOp && tok.text == "(" && off < 0 && !parens:
			parens = true
		case tok.kind == pyOp && tok.text == ")" && parens && off >= 0:
			parens = false
		case tok.kind == pyOp && (tok.text == "," || tok.text == ")") && !parens && off >= 0:
			*sc = at
			return b.String(), off, true
		default:
			return "", 0, false
		}
	}
}

// skipRest scans the source after the setup() call for an unclosed
// string or bracket.
func (sc *pyScanner) skipRest() {
	for {
		if _, ok := sc.next(); !ok {
			return
		}
	}
}

// lineAt returns the 1-based line of offset off, counting "\n", "\r\n"
// and a lone "\r" as line breaks, as Python does.
func (sc *pyScanner) lineAt(off int) int {
	head := sc.s[:off]
	return 1 + strings.Count(head, "\n") + strings.Count(head, "\r") - strings.Count(head, "\r\n")
}

// stringPrefix reports whether a name just before a quote is a string
// literal prefix (r, u, b, f and their combinations, in any case).
func stringPrefix(word string) bool {
	switch strings.ToLower(word) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// nameByte reports whether c may be part of a Python name or a number.
// Bytes of non-ASCII characters count, since names may contain them.
func nameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
