package main

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// safeWriter escapes control characters and invalid UTF-8 before they
// reach a terminal, so that names taken from hostile input (a job id with
// an escape sequence, a user agent from a log) cannot retitle the
// terminal, clear it or overwrite earlier lines. Newlines and tabs pass.
type safeWriter struct {
	w io.Writer
}

func (s safeWriter) Write(p []byte) (int, error) {
	var out []byte
	clean := true
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if needsEscape(r, size) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s.w.Write(p)
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if needsEscape(r, size) {
			for _, b := range p[i : i+size] {
				out = append(out, fmt.Sprintf(`\x%02x`, b)...)
			}
		} else {
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func needsEscape(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return true
	}
	if r == '\n' || r == '\t' {
		return false
	}
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || bidiControl(r)
}

// bidiControl reports whether r changes the direction of the text after it,
// which lets a name displayed in a terminal read as something else.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
