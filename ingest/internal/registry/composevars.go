package registry

import "strings"

// ComposeUnknown is the value, in the variables that ExpandCompose
// reads, of a variable that is set to a value the input does not show:
// the variable is left as it is, rather than take its default.
const ComposeUnknown = "\x00"

// composeRef is one variable reference of a Compose value: $NAME, or
// ${NAME<op>word} with the operators :-, -, :?, ?, :+ and +, whose word
// may contain references of its own (${A:-${B:-x}}). escape marks $$.
type composeRef struct {
	name, op, word string
	escape         bool
}

// readComposeRef reads the reference at the start of s, which starts
// with $, and returns it with its length, or a length of 0 when the $
// starts no reference and Compose keeps it as it is.
func readComposeRef(s string) (composeRef, int) {
	if strings.HasPrefix(s, "$$") {
		return composeRef{escape: true}, 2
	}

	braced := strings.HasPrefix(s, "${")
	start := 1
	if braced {
		start = 2
	}

	end := start
	for end < len(s) && (s[end] == '_' || s[end] >= 'A' && s[end] <= 'Z' || s[end] >= 'a' && s[end] <= 'z' ||
		end > start && s[end] >= '0' && s[end] <= '9') {
		end++
	}
	if end == start {
		return composeRef{}, 0
	}

	ref := composeRef{name: s[start:end]}
	if !braced {
		return ref, end
	}
	if end < len(s) && s[end] == '}' {
		return ref, end + 1
	}

	op := end
	if op < len(s) && s[op] == ':' {
		op++
	}
	if op >= len(s) || !strings.ContainsRune("-?+", rune(s[op])) {
		return composeRef{}, 0
	}
	ref.op = s[end : op+1]

	// The word runs to the brace that closes the reference, because the
	// braces of the references it contains come in pairs.
	depth := 0
	for i := op + 1; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			i++
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == '}':
			ref.word = s[op+1 : i]
			return ref, i + 1
		}
	}
	return composeRef{}, 0
}

// ExpandCompose replaces the variables of s as Compose interpolates a
// Compose file, with the values of vars. A variable that vars leaves out
// takes its default (:- and -), else stays as ${NAME}, and so does one
// set to ComposeUnknown. A default or alternative word is expanded in
// turn.
func ExpandCompose(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			b.WriteByte(s[i])
			i++
			continue
		}
		ref, n := readComposeRef(s[i:])
		switch {
		case n == 0:
			b.WriteByte('$')
			i++
			continue
		case ref.escape:
			b.WriteString("$$")
		default:
			b.WriteString(ref.expand(vars))
		}
		i += n
	}
	return b.String()
}

// expand returns the value of one reference, as ExpandCompose does.
func (ref composeRef) expand(vars map[string]string) string {
	v, ok := vars[ref.name]
	if !ok {
		if ref.op == ":-" || ref.op == "-" {
			return ExpandCompose(ref.word, vars)
		}
		return "${" + ref.name + "}"
	}
	if v == ComposeUnknown {
		return "${" + ref.name + "}"
	}
	switch ref.op {
	case ":-":
		if v == "" {
			return ExpandCompose(ref.word, vars)
		}
	case ":+":
		if v == "" {
			return ""
		}
		return ExpandCompose(ref.word, vars)
	case "+":
		return ExpandCompose(ref.word, vars)
	}
	return v
}

// ComposeVariables returns the names of the variables that s reads, in
// order, each once: those of a default or alternative word too.
func ComposeVariables(s string) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(string)
	walk = func(s string) {
		for i := 0; i < len(s); i++ {
			if s[i] != '$' {
				continue
			}
			ref, n := readComposeRef(s[i:])
			if n == 0 {
				continue
			}
			if ref.name != "" && !seen[ref.name] {
				seen[ref.name] = true
				out = append(out, ref.name)
			}
			walk(ref.word)
			i += n - 1
		}
	}
	walk(s)
	return out
}
