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
