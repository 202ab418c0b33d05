package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// maxDepth bounds the nesting of an SBOM document. CycloneDX nests
// components inside components; real documents stay far below this.
const maxDepth = 256

// kind is the type of a JSON value.
type kind byte

const (
	kindObject kind = iota + 1
	kindArray
	kindString
	kindNumber
	kindBool
	kindNull
)

// value is a JSON value with the line it starts on. Objects keep their
// members in input order.
type value struct {
	kind    kind
	line    int
	col     int
	str     string // string, number or bool text
	keys    []string
	members []*value
	items   []*value
}

// get returns the value of the last member named key, or nil: JSON
// decoders keep the last of duplicate keys, and so does this.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	for i := len(v.keys) - 1; i >= 0; i-- {
		if v.keys[i] == key {
			return v.members[i]
		}
	}
	return nil
}

// text returns the string value of member key, or "" when it is absent
// or not a string.
func (v *value) text(key string) string {
	m := v.get(key)
	if m == nil || m.kind != kindString {
		return ""
	}
	return m.str
}

// list returns the items of member key when it is an array.
func (v *value) list(key string) []*value {
	m := v.get(key)
	if m == nil || m.kind != kindArray {
		return nil
	}
	return m.items
}

// syntaxError is a decoding problem at the byte at offset.
type syntaxError struct {
	offset int64
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// decode reads one JSON document into a tree of values.
func decode(data []byte) (*value, lineIndex, error) {
	idx := newLineIndex(data)
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	root, err := readValue(d, data, idx, 0)
	if err != nil {
		return nil, idx, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, idx, &syntaxError{offset: d.InputOffset() - 1, msg: "unexpected data after the top-level value"}
	}
	return root, idx, nil
}

func readValue(d *json.Decoder, data []byte, idx lineIndex, depth int) (*value, error) {
	if depth > maxDepth {
		return nil, &syntaxError{offset: d.InputOffset(), msg: fmt.Sprintf("values nest deeper than %d levels", maxDepth)}
	}
	// The value starts after the white space, ':' and ',' that follow the
	// previous token.
	start := d.InputOffset()
	for start < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[start]) >= 0 {
		start++
	}
	tok, err := d.Token()
	if err != nil {
		return nil, tokenError(d, err)
	}
	v := &value{}
	v.line, v.col = idx.position(start)
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v.kind = kindObject
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, tokenError(d, err)
				}
				key, _ := kt.(string)
				m, err := readValue(d, data, idx, depth+1)
				if err != nil {
					return nil, err
				}
				v.keys = append(v.keys, key)
				v.members = append(v.members, m)
			}
		case '[':
			v.kind = kindArray
			for d.More() {
				it, err := readValue(d, data, idx, depth+1)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, it)
			}
		default:
			return nil, &syntaxError{offset: d.InputOffset(), msg: "unexpected delimiter"}
		}
		if _, err := d.Token(); err != nil {
			return nil, tokenError(d, err)
		}
	case string:
		v.kind, v.str = kindString, t
	case json.Number:
		v.kind, v.str = kindNumber, t.String()
	case bool:
		v.kind, v.str = kindBool, fmt.Sprint(t)
	case nil:
		v.kind = kindNull
	}
	return v, nil
}

// tokenError turns a decoder error into a syntaxError with an offset.
func tokenError(d *json.Decoder, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &syntaxError{offset: se.Offset, msg: jsonstream.Reason(err)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &syntaxError{offset: d.InputOffset(), msg: "file ends in the middle of a JSON value"}
	}
	return &syntaxError{offset: d.InputOffset(), msg: "invalid JSON"}
}

// lineIndex maps byte offsets to lines and columns.
type lineIndex []int64

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			idx = append(idx, int64(i+1))
		}
	}
	return idx
}

// position returns the 1-based line and column of offset.
func (idx lineIndex) position(offset int64) (int, int) {
	if offset < 0 {
		offset = 0
	}
	i := sort.Search(len(idx), func(i int) bool { return idx[i] > offset }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, int(offset-idx[i]) + 1
}
