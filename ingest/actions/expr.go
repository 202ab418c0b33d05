package actions

import (
	"strings"
)

// secretRef is one use of the secrets context in an expression. All is set,
// and Name empty, when the expression reads the whole context:
// toJSON(secrets), a bare secrets, secrets.*, or an index computed at run
// time.
type secretRef struct {
	Name string
	All  bool
}

// secretRefs finds the uses of the secrets context in a string. Only text
// inside ${{ }} is an expression, unless whole is set: an if: condition is
// an expression even without the markers. Names are upper-cased, since
// GitHub matches secret names without regard to case.
func secretRefs(s string, whole bool) []secretRef {
	var refs []secretRef
	if whole && !strings.Contains(s, "${{") {
		refs, _ = scanExpr(s, 0, false)
		return refs
	}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${{")
		if j < 0 {
			break
		}
		found, end := scanExpr(s, i+j+3, true)
		refs = append(refs, found...)
		i = end
	}
	return refs
}

// withoutExpressions replaces each ${{ }} expression in a run: script with
// the shell variable $GITHUB_EXPRESSION. GitHub substitutes expressions
// before the shell splits the script, so spaces inside the markers do not
// split a word, and a word that holds the placeholder has an unknown value.
func withoutExpressions(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			break
		}
		_, end := scanExpr(s, i+3, true)
		b.WriteString(s[:i])
		b.WriteString("$GITHUB_EXPRESSION")
		s = s[end:]
	}
	b.WriteString(s)
	return b.String()
}

// scanExpr reads one expression from s[i:] up to the closing }} (when
// closed is set) or to the end of s. It returns the secret references found
// and the offset just past the expression. Unterminated strings and
// expressions end at the end of s.
func scanExpr(s string, i int, closed bool) ([]secretRef, int) {
	var refs []secretRef
	prevDot := false // the last token was a '.', so an identifier is a property
	for i < len(s) {
		c := s[i]
		switch {
		case closed && c == '}' && i+1 < len(s) && s[i+1] == '}':
			return refs, i + 2
		case c == '\'':
			_, i = readString(s, i)
			prevDot = false
		case isIdentStart(c):
			start := i
			i = readIdent(s, i)
			word := s[start:i]
			if !prevDot && strings.EqualFold(word, "secrets") {
				var ref secretRef
				ref, i = readSecretAccess(s, i)
				refs = append(refs, ref)
			}
			prevDot = false
		case c == '.':
			prevDot = true
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			prevDot = false
			i++
		}
	}
	return refs, i
}

// readSecretAccess reads what follows the word secrets at s[i:]: a property
// (.NAME), a literal index (['NAME']) or anything else, which reads the
// whole context.
func readSecretAccess(s string, i int) (secretRef, int) {
	j := skipSpace(s, i)
	if j >= len(s) {
		return secretRef{All: true}, i
	}
	switch s[j] {
	case '.':
		k := skipSpace(s, j+1)
		if k < len(s) && isIdentStart(s[k]) {
			end := readIdent(s, k)
			return secretRef{Name: strings.ToUpper(s[k:end])}, end
		}
		return secretRef{All: true}, j + 1
	case '[':
		k := skipSpace(s, j+1)
		if k < len(s) && s[k] == '\'' {
			lit, end := readString(s, k)
			m := skipSpace(s, end)
			if m < len(s) && s[m] == ']' && lit != "" {
				return secretRef{Name: strings.ToUpper(lit)}, m + 1
			}
		}
		// A computed index: the run-time value can name any secret. The
		// index expression itself is scanned by the caller, so only the
		// bracket is consumed here.
		return secretRef{All: true}, j + 1
	}
	return secretRef{All: true}, i
}

// readString reads a single-quoted literal at s[i], in which a doubled
// quote is one quote, and returns its value and the offset past it.
func readString(s string, i int) (string, int) {
	var b strings.Builder
	i++
	for i < len(s) {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			return b.String(), i + 1
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), i
}

func readIdent(s string, i int) int {
	for i < len(s) && isIdentChar(s[i]) {
		i++
	}
	return i
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c == '-' || (c >= '0' && c <= '9')
}
