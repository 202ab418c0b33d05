package lockfile

import (
	"bytes"
	"context"
	"strings"

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
	key := graph.AttrPyPISetupCfgProject
	if f.RelPath == "setup.py" {
		key = graph.AttrPyPISetupPyProject
		name, line = setupPyName(data)
	} else {
		name, line = setupCfgName(data)
	}
	attrs := map[string]string{}
	if name != "" {
		if projectName(name) != name {
			res.Warnf(ingest.Position{File: f.Path, Line: line},
				"name %s is not a valid Python package name (letters and digits, with '.', '_' or '-' between them, as PEP 508 defines); no PyPI package is recorded for the repository",
				quoteName(name))
		} else {
			attrs[key] = normalizePyPI(name)
		}
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// setupCfgName returns the name in the [metadata] section of a setup.cfg
// and its line, or "" when the section gives none or when a classifier
// starts with "Private ::" (pypi.org rejects the upload). The file is
// read as Python's configparser reads it: keys without case, "=" or ":"
// between key and value, "#" and ";" starting comment lines, and indented
// lines continuing the value above.
func setupCfgName(data []byte) (string, int) {
	section, key := "", ""
	name, nameLine := "", 0
	private := false
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimRight(string(raw), " \t\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			continue
		case line[0] == ' ' || line[0] == '\t':
			// A continuation line of key's value.
			if section == "metadata" && key == "classifiers" && strings.HasPrefix(trimmed, "Private ::") {
				private = true
			}
			continue
		case trimmed[0] == '[':
			section, key = strings.TrimSpace(strings.Trim(trimmed, "[]")), ""
			continue
		}
		k, v, ok := cutSetting(trimmed)
		if !ok {
			key = ""
			continue
		}
		key = strings.ToLower(k)
		if section != "metadata" {
			continue
		}
		switch key {
		case "name":
			name, nameLine = v, i+1
		case "classifiers":
			if strings.HasPrefix(v, "Private ::") {
				private = true
			}
		}
	}
	// setuptools reads "attr:" and "file:" values from elsewhere.
	if private || strings.HasPrefix(name, "attr:") || strings.HasPrefix(name, "file:") {
		return "", 0
	}
	return name, nameLine
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
// string literal, and its line, or "" when it passes none or computes
// it. Only a name=... argument of the setup() call itself counts, not one
// of a call inside it such as Extension(name=...).
func setupPyName(data []byte) (string, int) {
	s := string(data)
	start := setupCall(s)
	if start < 0 {
		return "", 0
	}
	depth := 1
	for i := start; i < len(s) && depth > 0; i++ {
		switch c := s[i]; {
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			_, end := pyString(s, i)
			i = end - 1
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case depth == 1 && strings.HasPrefix(s[i:], "name") && (i == 0 || !identByte(s[i-1])):
			j := i + len("name")
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j >= len(s) || s[j] != '=' || strings.HasPrefix(s[j:], "==") {
				continue
			}
			j++
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
				j++
			}
			// Only a plain string literal followed by the end of the
			// argument is a literal name: not an f-string, a
			// concatenation or a call.
			if j < len(s) && (s[j] == '\'' || s[j] == '"') {
				v, end := pyString(s, j)
				k := end
				for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
					k++
				}
				if end > j && k < len(s) && (s[k] == ',' || s[k] == ')') && !strings.ContainsAny(v, "\\\n") {
					return v, 1 + strings.Count(s[:j], "\n")
				}
			}
			return "", 0
		}
	}
	return "", 0
}

// setupCall returns the offset just after the "(" of the first call of
// setup(...) or setuptools.setup(...) in a setup.py, or -1 when there is
// none. A definition, def setup(...), is not a call.
func setupCall(s string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], "setup")
		if i < 0 {
			return -1
		}
		i += off
		off = i + len("setup")
		if before := s[:i]; before != "" && identByte(before[len(before)-1]) &&
			!strings.HasSuffix(before, "setuptools.") && !strings.HasSuffix(before, "distutils.core.") {
			continue
		}
		j := off
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j >= len(s) || s[j] != '(' {
			continue
		}
		if strings.HasSuffix(strings.TrimRight(s[:i], " \t"), "def") {
			continue
		}
		return j + 1
	}
}

// pyString reads the Python string literal that starts at s[i], a quote,
// and returns its contents and the offset after its closing quote. An
// unclosed literal ends at the end of s.
func pyString(s string, i int) (string, int) {
	q := s[i : i+1]
	if strings.HasPrefix(s[i:], q+q+q) {
		q = q + q + q
	}
	body := i + len(q)
	for k := body; k < len(s); k++ {
		if s[k] == '\\' {
			k++
			continue
		}
		if strings.HasPrefix(s[k:], q) {
			return s[body:k], k + len(q)
		}
		if len(q) == 1 && s[k] == '\n' {
			return s[body:k], k
		}
	}
	return s[body:], len(s)
}

// identByte reports whether c may be part of a Python name or of a
// dotted one.
func identByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.'
}
