package registry

import "regexp"

// ComposeUnknown is the value, in the variables that ExpandCompose
// reads, of a variable that is set to a value the input does not show:
// the variable is left as it is, rather than take its default.
const ComposeUnknown = "\x00"

// composeVariable matches a Compose variable: $NAME or ${NAME<op>word}
// with the operators :-, -, :?, ?, :+ and +, and the escape $$.
var composeVariable = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// ExpandCompose replaces the variables of s as Compose interpolates a
// Compose file, with the values of vars. A variable that vars leaves out
// takes its default (:- and -), else stays as ${NAME}, and so does one
// set to ComposeUnknown.
func ExpandCompose(s string, vars map[string]string) string {
	return composeVariable.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return m
		}
		sub := composeVariable.FindStringSubmatch(m)
		name, op, word := sub[1]+sub[4], sub[2], sub[3]
		if v, ok := vars[name]; ok {
			if v == ComposeUnknown {
				return "${" + name + "}"
			}
			switch op {
			case ":-":
				if v == "" {
					return word
				}
			case ":+":
				if v == "" {
					return ""
				}
				return word
			case "+":
				return word
			}
			return v
		}
		if op == ":-" || op == "-" {
			return word
		}
		return "${" + name + "}"
	})
}

// ComposeVariables returns the names of the variables that s reads, in
// order, each once.
func ComposeVariables(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, sub := range composeVariable.FindAllStringSubmatch(s, -1) {
		if name := sub[1] + sub[4]; name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
