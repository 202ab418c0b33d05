package jsonstream

import (
	"encoding/json"
	"testing"
)

// TestReason decodes broken documents: the reason names the character
// the decoder met and what it expected there, and keeps nothing longer.
func TestReason(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		// A missing comma between two members.
		{`{"a": 1 "b": 2}`, `invalid JSON: invalid character '"' after object key:value pair`},
		// A doubled comma.
		{`{"a": 1,, "b": 2}`, `invalid JSON: invalid character ',' looking for beginning of object key string`},
		// A bare word where a value goes: the decoder quotes one letter.
		{`{"a": canary-secret-X9x9}`, `invalid JSON: invalid character 'c' looking for beginning of value`},
		// A trailing comma in a list.
		{`[1, 2,]`, `invalid JSON: invalid character ']' looking for beginning of value`},
	} {
		var v any
		err := json.Unmarshal([]byte(tc.doc), &v)
		if got := Reason(err); got != tc.want {
			t.Errorf("%s: Reason = %q, want %q", tc.doc, got, tc.want)
		}
	}
	if got := Reason(nil); got != "invalid JSON" {
		t.Errorf("Reason(nil) = %q", got)
	}
}

// TestReasonPatternOneCharacter checks the pattern against messages that
// quote one character, as Go escapes it, and against longer quotes that a
// decoder could write and that must not reach a reason.
func TestReasonPatternOneCharacter(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{`invalid character 'c' looking for beginning of value`, true},
		{`invalid character 'é' looking for beginning of value`, true},
		{`invalid character '\x01' in string literal`, true},
		{`invalid character '\'' looking for beginning of value`, true},
		{`invalid character '\u2028' in string literal`, true},
		{`invalid character 'X9x9' looking for beginning of value`, false},
		{`invalid character 'ab' looking for beginning of value`, false},
		{`invalid character 'éé' looking for beginning of value`, false},
		{`invalid character '\xqq' looking for beginning of value`, false},
		{`invalid character '\q9' looking for beginning of value`, false},
	} {
		if got := decoderReason.MatchString(tc.msg); got != tc.want {
			t.Errorf("%s: match %v, want %v", tc.msg, got, tc.want)
		}
	}
}
