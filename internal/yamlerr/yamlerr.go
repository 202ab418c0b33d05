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
		if parserProblem(msg) {
			line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return line, clean(msg)
}

// clean drops quoted input text from a decoder message, keeping quoted
// punctuation, and joins its words with single spaces.
// parserProblems are the problems that the decoder's parser reports, as
// opposed to its scanner. For these, go-yaml v3 counts lines from 0, and
// the scanner from 1. The line is where the construct being parsed
// begins (an unclosed flow mapping, a block mapping missing a key). When
// that construct begins on the first line, it is the problem's line.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

func parserProblem(msg string) bool {
	for _, p := range parserProblems {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

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
