package literal

import (
	"regexp"
	"strings"
)

// maxHops is the most assignments a literal value is followed through,
// from the one that assigns the value (NAME=VALUE, one hop) to those
// that copy it to other variables (NAME=$OTHER).
const maxHops = 4

// Variables are the shell variables of a script that contain a literal
// credential, by name: assigned a value that Scan finds, or assigned
// another such variable in a plain assignment, as in NAME=$OTHER,
// export NAME="${OTHER}", up to maxHops assignments from the value. No
// other expansion is evaluated (command substitution, arithmetic,
// ${NAME:-default}). The zero value has none.
type Variables struct {
	vars map[string]variable
}

// variable is the literal value of a variable, how many assignments
// carried it there, and whether the script exported the variable.
type variable struct {
	value    string
	hops     int
	exported bool
}

// reference matches $NAME and ${NAME}, with the name in group 1 or 2.
var reference = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// Expand returns cmd with each reference to a variable of v replaced by
// its value, as bash expands it: outside single quotes. Inside single
// quotes only ${NAME} of an exported variable is replaced, because npm
// expands that form from the environment when it reads the .npmrc line
// that such a command writes (npm's npmrc documentation, "Files").
func (v *Variables) Expand(cmd string) string {
	if len(v.vars) == 0 || !strings.Contains(cmd, "$") {
		return cmd
	}
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote == '\'' && c == '\'', quote == '"' && c == '"':
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case c == '$':
			if m := reference.FindStringSubmatchIndex(cmd[i:]); m != nil && m[0] == 0 {
				name := cmd[i+m[2] : i+m[3]]
				if m[2] < 0 {
					name = cmd[i+m[4] : i+m[5]]
				}
				if x, ok := v.vars[name]; ok && (quote != '\'' || m[2] >= 0 && x.exported) {
					b.WriteString(x.value)
					i += m[1] - 1
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Assign records the variables that a command of assignments alone sets
// (NAME=VALUE ..., export NAME=VALUE ..., declare -x NAME=VALUE ... and
// the same with typeset, local or readonly), and those that unset drops.
// found are the findings of Scan in the command, after Expand: a
// variable whose value is one of them, or a reference to a variable of
// v, contains a literal value. Any other value drops the variable.
func (v *Variables) Assign(cmd string, found []Finding) {
	words := commandWords(cmd, 0)
	if len(words) == 0 {
		return
	}
	export := false
	switch words[0].text {
	case "export":
		export, words = true, words[1:]
	case "declare", "typeset", "local", "readonly":
		// -x exports the names (man bash, declare).
		words = words[1:]
		for len(words) > 0 && (strings.HasPrefix(words[0].text, "-") || strings.HasPrefix(words[0].text, "+")) {
			export = export || words[0].text[0] == '-' && strings.Contains(words[0].text, "x")
			words = words[1:]
		}
	case "unset":
		for _, w := range words[1:] {
			delete(v.vars, w.text)
		}
		return
	}
	for _, w := range words {
		name, raw, ok := strings.Cut(w.text, "=")
		if !ok {
			if !export || !validName(name) {
				return
			}
			if x, ok := v.vars[name]; ok {
				x.exported = true
				v.vars[name] = x
			}
			continue
		}
		if !validName(name) {
			return
		}
		v.assign(name, raw, export, found)
	}
}

// assign sets the variable name to the value that raw, its value as
// written, gives it.
func (v *Variables) assign(name, raw string, export bool, found []Finding) {
	exported := export
	if old, ok := v.vars[name]; ok {
		exported = exported || old.exported
	}
	delete(v.vars, name)
	x := variable{exported: exported}
	if ref := reference.FindStringSubmatch(strings.Trim(raw, `"`)); ref != nil && ref[0] == strings.Trim(raw, `"`) && !strings.HasPrefix(raw, "'") {
		from, ok := v.vars[ref[1]+ref[2]]
		if !ok || from.hops >= maxHops {
			return
		}
		x.value, x.hops = from.value, from.hops+1
	} else {
		value := unquote(raw)
		literal := false
		for _, f := range found {
			literal = literal || f.Value == value
		}
		if !literal {
			return
		}
		x.value, x.hops = value, 1
	}
	if v.vars == nil {
		v.vars = map[string]variable{}
	}
	v.vars[name] = x
}

// validName reports whether s is a shell variable's name.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Reset drops every variable, for a script that runs in a new shell.
func (v *Variables) Reset() { v.vars = nil }
