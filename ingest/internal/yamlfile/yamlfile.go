// Package yamlfile reads YAML input files for the CI ingesters: bounded
// reads, the first document's top-level mapping, and decoder errors turned
// into positioned ingest errors that never quote input text.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/internal/yamlerr"
)

// ReadAll reads a whole file, rejecting one larger than limit bytes.
func ReadAll(f *ingest.File, limit int) ([]byte, error) {
	if f.Open == nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file cannot be opened: no opener is set")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Path, err)
	}
	defer rc.Close()
	// The size on disk is the usual length: read into one buffer of
	// that size instead of growing one.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(f.Size, 0), int64(limit))+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(rc, int64(limit)+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Path, err)
	}
	data := buf.Bytes()
	if len(data) > limit {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file is larger than %d MiB", limit>>20)
	}
	return data, nil
}

// Decode parses the first YAML document of data and returns its top-level
// mapping.
func Decode(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, SyntaxError(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, ingest.Errorf(ingest.Position{File: file}, "no yaml document found")
	}
	root := doc.Content[0]
	for root != nil && root.Kind == yaml.AliasNode {
		root = root.Alias
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, ingest.Errorf(ingest.Position{File: file, Line: doc.Content[0].Line, Col: doc.Content[0].Column}, "invalid top level: expected a mapping")
	}
	return root, nil
}

// anchorRE finds the anchor that an alias names but no node defines.
var anchorRE = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// SyntaxError turns a decoder error into a positioned *ingest.Error, with
// the decoder's message less the input text it quotes (yamlerr.Split).
//
// NOTE: the decoder reports a line but no column, so the column given is
// that of the line's first non-blank character. It can be left of the
// offending character, and for an unclosed scalar the line is where the
// scalar starts.
func SyntaxError(file string, data []byte, err error) error {
	pos := ingest.Position{File: file}
	line, msg := yamlerr.Split(err)
	if line > 0 {
		if last := lastTextLine(data); line > last && last > 0 {
			// The decoder met the end of the input, after the last line
			// that holds anything: that line is where the document
			// stops short.
			line = last
		}
		pos.Line, pos.Col = line, FirstColumn(data, line)
	} else if m := anchorRE.FindStringSubmatch(err.Error()); m != nil {
		// The decoder gives no line for an alias of an unknown anchor:
		// the first alias of that name is the place to look.
		pos.Line, pos.Col = aliasPosition(data, m[1])
	} else if l, c := BadCharPosition(data, err); l > 0 {
		// The decoder gives no line for a character that YAML does not
		// allow either: the first such character is the place to look.
		pos.Line, pos.Col = l, c
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = "unexpected value type"
	}
	return ingest.Errorf(pos, "yaml syntax: %s", msg)
}

// lastTextLine returns the 1-based number of the last line that holds a
// character other than a space or tab, or 0 when none does.
func lastTextLine(data []byte) int {
	starts := LineStarts(data)
	for i := len(starts) - 1; i >= 0; i-- {
		end := len(data)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		if len(bytes.TrimSpace(data[starts[i]:end])) > 0 {
			return i + 1
		}
	}
	return 0
}

// FirstColumn returns the 1-based column of the first character of a line
// that is not a space or tab, 1 for a blank line, and 0 past the end.
func FirstColumn(data []byte, line int) int {
	starts := LineStarts(data)
	if line < 1 || line > len(starts) {
		return 0
	}
	for i := starts[line-1]; i < len(data); i++ {
		switch data[i] {
		case ' ', '\t':
		case '\n', '\r':
			return 1
		default:
			return i - starts[line-1] + 1
		}
	}
	return 1
}

// LineStarts returns the offset of each line of data, counting line breaks
// as YAML does: LF, CR LF, a lone CR, NEL, LS and PS.
func LineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			starts = append(starts, i+1)
		case data[i] == '\n' || data[i] == '\r':
			starts = append(starts, i+1)
		case data[i] == 0xC2 && i+1 < len(data) && data[i+1] == 0x85:
			i++
			starts = append(starts, i+1)
		case data[i] == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			i += 2
			starts = append(starts, i+1)
		}
	}
	return starts
}

// readerErrRE matches the decoder's errors for a character that YAML does
// not allow or a byte sequence that is not UTF-8.
var readerErrRE = regexp.MustCompile(`control characters are not allowed|UTF-8 octet|length of a UTF-8 sequence|invalid Unicode character`)

// BadCharPosition returns, for a decoder error about a character that
// YAML does not allow or a byte sequence that is not UTF-8, the line and
// 1-based column, in characters, of the first such character of data. It
// returns zeros for other errors, and for data with a UTF-16 byte order
// mark, which the decoder reads as UTF-16.
func BadCharPosition(data []byte, err error) (line, col int) {
	if !readerErrRE.MatchString(err.Error()) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return 0, 0
	}
	starts := LineStarts(data)
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || !yamlPrintable(r) {
			line = sort.Search(len(starts), func(k int) bool { return starts[k] > i })
			return line, utf8.RuneCount(data[starts[line-1]:i]) + 1
		}
		i += size
	}
	return 0, 0
}

// yamlPrintable reports whether YAML allows character r in a stream: tab,
// line breaks, and the printable characters of the YAML 1.1 specification
// (production c-printable).
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// aliasPosition returns the line and column of the first alias *name in
// data, or zeros.
func aliasPosition(data []byte, name string) (line, col int) {
	for i, text := range strings.Split(string(data), "\n") {
		for j := strings.Index(text, "*"+name); j >= 0; {
			end := j + 1 + len(name)
			if end == len(text) || strings.ContainsRune(" ,]}\r\t", rune(text[end])) {
				return i + 1, j + 1
			}
			next := strings.Index(text[j+1:], "*"+name)
			if next < 0 {
				break
			}
			j += 1 + next
		}
	}
	return 0, 0
}
