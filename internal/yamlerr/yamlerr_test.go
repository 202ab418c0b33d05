package yamlerr

import (
	"errors"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
		msg  string
	}{
		{"yaml: line 3: did not find expected ',' or '}'", 3, "did not find expected ',' or '}'"},
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
