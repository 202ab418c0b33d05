package jsonstream

import (
	"encoding/json"
	"errors"
	"regexp"
)

// decoderReason matches the messages of encoding/json's syntax errors that
// quote at most one character of the input, which cannot hold a secret:
// "invalid character '\"' after object key:value pair". The character is
// one rune, or one Go escape of a single byte or rune (\x01, \u2028).
var decoderReason = regexp.MustCompile(`^invalid character '(?:[^'\\]|'|\\[abfnrtv\\'"]|\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8})' [a-z :-]+$`)

// Reason returns "invalid JSON", followed by what encoding/json found
// wrong when err is one of its syntax errors and its message quotes no
// more than one character of the input. Anything longer is left out, as
// it may be part of a secret.
func Reason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && decoderReason.MatchString(se.Error()) {
		return "invalid JSON: " + se.Error()
	}
	return "invalid JSON"
}
