// Package yamlerr reads the errors of the YAML decoder without the input
// text they may quote, so that a secret in a broken file never reaches a
// message.
package yamlerr

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	lineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	quotedRE = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`")
)

// Split returns the line a decoder error names (0 when it names none)
// and its message, without the "yaml:" prefix and with quoted input text
// dropped. Quoted punctuation (the token the decoder expected, such as
// ',' or ']') is kept, since it cannot be a secret.
func Split(err error) (line int, msg string) {
	msg = err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return line, clean(msg)
}

// clean drops quoted input text from a decoder message, keeping quoted
// punctuation, and joins its words with single spaces.
func clean(msg string) string {
	return strings.Join(strings.Fields(quotedRE.ReplaceAllStringFunc(msg, punctuationOnly)), " ")
}

func punctuationOnly(q string) string {
	for _, r := range q[1 : len(q)-1] {
		if r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 {
			return ""
		}
	}
	return q
}
