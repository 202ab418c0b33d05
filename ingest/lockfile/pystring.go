package lockfile

import (
	"strconv"
	"strings"
	"unicode"
)

// pyStringValue returns the value of a str literal whose contents between
// the quotes are body, as Python 3.11 decodes it. Line breaks in body
// read as "\n". Unless raw, backslash escapes are decoded, and a
// backslash before a line break joins the lines. It returns false for an
// escape that Python rejects (\x, \u or \U with too few hex digits, or
// a code point past U+10FFFF) and for \N{name}.
//
// NOTE: \N{name} is not decoded, because Go's standard library has no
// table of Unicode character names, so such a name is unknown.
func pyStringValue(body string, raw bool) (string, bool) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	if raw || !strings.Contains(body, `\`) {
		return body, true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 == len(body) {
			b.WriteByte(body[i])
			continue
		}
		i++
		c := body[i]
		switch c {
		case '\n':
			// A line continuation inside the literal.
		case '\\', '\'', '"':
			b.WriteByte(c)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			// One to three octal digits.
			end := i + 1
			for end < len(body) && end < i+3 && body[end] >= '0' && body[end] <= '7' {
				end++
			}
			n, _ := strconv.ParseUint(body[i:end], 8, 32)
			b.WriteRune(rune(n))
			i = end - 1
		case 'x', 'u', 'U':
			digits := 2
			if c == 'u' {
				digits = 4
			} else if c == 'U' {
				digits = 8
			}
			if i+digits >= len(body) {
				return "", false
			}
			n, err := strconv.ParseUint(body[i+1:i+1+digits], 16, 32)
			if err != nil || n > unicode.MaxRune {
				return "", false
			}
			b.WriteRune(rune(n))
			i += digits
		case 'N':
			return "", false
		default:
			// Python keeps an unknown escape as written.
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
