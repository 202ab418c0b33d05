package main

import (
	"bytes"
	"testing"
)

func TestSafeWriterEscapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text\n\twith tab", "plain text\n\twith tab"},
		{"job \x1b]0;TITLE\a done", `job \x1b]0;TITLE\x07 done`},
		{"clear\x1b[2J", `clear\x1b[2J`},
		{"bad \xff byte", `bad \xff byte`},
		{"c1 \u009b control", `c1 \xc2\x9b control`},
		{"ünïcode stays", "ünïcode stays"},
		{"evil\u202egnp.js", `evil\xe2\x80\xaegnp.js`},
		{"isolate \u2066x\u2069", `isolate \xe2\x81\xa6x\xe2\x81\xa9`},
	}
	for _, tc := range tests {
		var b bytes.Buffer
		n, err := safeWriter{&b}.Write([]byte(tc.in))
		if err != nil || n != len(tc.in) {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", tc.in, n, err, len(tc.in))
		}
		if got := b.String(); got != tc.want {
			t.Errorf("Write(%q) wrote %q, want %q", tc.in, got, tc.want)
		}
	}
}
