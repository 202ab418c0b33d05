package ciscan

import (
	"regexp/syntax"
	"strings"
)

// RegexGlob turns a regular expression into a glob over the names it
// matches, for OIDC subject patterns: literal text is kept, anything
// else becomes *. The glob matches every name the expression matches,
// and maybe more. It returns * when the expression cannot be read.
func RegexGlob(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "*"
	}
	re = re.Simplify()
	parts := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	}
	for len(parts) == 1 && parts[0].Op == syntax.OpCapture {
		inner := parts[0].Sub[0]
		parts = []*syntax.Regexp{inner}
		if inner.Op == syntax.OpConcat {
			parts = inner.Sub
		}
	}
	var b strings.Builder
	anchoredStart, anchoredEnd := false, false
	for i, p := range parts {
		switch {
		case (p.Op == syntax.OpBeginText || p.Op == syntax.OpBeginLine) && i == 0:
			anchoredStart = true
		case (p.Op == syntax.OpEndText || p.Op == syntax.OpEndLine) && i == len(parts)-1:
			anchoredEnd = true
		case p.Op == syntax.OpLiteral && p.Flags&syntax.FoldCase == 0:
			b.WriteString(string(p.Rune))
		case p.Op == syntax.OpEmptyMatch:
		default:
			b.WriteString("*")
		}
	}
	g := b.String()
	if !anchoredStart {
		g = "*" + g
	}
	if !anchoredEnd {
		g += "*"
	}
	for strings.Contains(g, "**") {
		g = strings.ReplaceAll(g, "**", "*")
	}
	return g
}
