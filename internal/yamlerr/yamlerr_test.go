package yamlerr

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		msg  string
	}{
		// A parser problem: the decoder counts its line from 0.
		{"yaml: line 3: did not find expected ',' or '}'", 4, "did not find expected ',' or '}'"},
		{"yaml: line 7: found character that cannot start any token", 7, "found character that cannot start any token"},
		{"yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `s3cr3t-v4lue` into int", 0, "unmarshal errors: line 2: cannot unmarshal !!str into int"},
		{"yaml: line 1: mapping values are not allowed in this context 'token: abc123'", 1, "mapping values are not allowed in this context"},
	} {
		line, msg := Split(errors.New(tc.in))
		if line != tc.line || msg != tc.msg {
			t.Errorf("Split(%q) = %d, %q; want %d, %q", tc.in, line, msg, tc.line, tc.msg)
		}
	}
}

// TestSplitDecoderLines decodes broken documents and checks the line Split
// names against the line worked out by hand: where the construct that is
// never finished begins, or where the bad character is.
func TestSplitDecoderLines(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		line int
	}{
		// The flow mapping opened on line 2 is never closed.
		{"a: 1\nb: {c: 2\nd: 3\n", 2},
		// The flow sequence opened on line 3 is never closed.
		{"a: 1\nb: 2\nc: [x,\n\n\nd: 4\n", 3},
		// Opened on the first line: the decoder names the problem's line,
		// where the next key follows without a comma.
		{"a: {b: 1\nc: 2\n", 2},
		// Line 3 is indented less than the mapping of line 2 and more
		// than the top one, which begins on the first line and finds no
		// key where line 3 begins.
		{"top:\n  a: 1\n b: 2\n", 3},
		// The scanner counts from 1: the @ on line 2 starts no token.
		{"a: 1\nb: @x\n", 2},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tc.doc), &n)
		if err == nil {
			t.Errorf("%q decoded without an error", tc.doc)
			continue
		}
		if line, msg := Split(err); line != tc.line {
			t.Errorf("%q: Split gives line %d (%s), want %d", tc.doc, line, msg, tc.line)
		}
	}
}
