package lockfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
)

// maxJSONDepth bounds the nesting of a package-lock.json. Version 1
// lockfiles nest three levels per level of node_modules, and real trees stay
// far below this.
const maxJSONDepth = 1000

// skippedJSONKeys name object members whose values no lockfile reader here
// uses; their values are consumed but not kept, to save memory on large
// lockfiles.
var skippedJSONKeys = map[string]bool{
	"integrity": true, "engines": true, "funding": true, "bin": true,
	"license": true, "cpu": true, "os": true, "libc": true, "deprecated": true,
}

// jsonKind is the type of a JSON value.
type jsonKind byte

const (
	jsonObject jsonKind = iota + 1
	jsonArray
	jsonString
	jsonNumber
	jsonBool
	jsonNull
)

// jsonValue is a JSON value with the line and column it starts on.
// Objects keep their members in input order.
type jsonValue struct {
	Kind    jsonKind
	Line    int
	Col     int
	Str     string // string, number or bool text
	Members []jsonMember
	Items   []*jsonValue
}

// jsonMember is one object member. Line and Col are where its key starts.
type jsonMember struct {
	Key   string
	Line  int
	Col   int
	Value *jsonValue
}

// get returns the value of the last member named key, or nil. JSON
// decoders keep the last of duplicate keys, and so does this.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.Kind != jsonObject {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// str returns the string value of member key, or "" when it is missing or
// not a string.
func (v *jsonValue) str(key string) string {
	m := v.get(key)
	if m == nil || m.Kind != jsonString {
		return ""
	}
	return m.Str
}

// flag reports whether member key is the boolean true.
func (v *jsonValue) flag(key string) bool {
	m := v.get(key)
	return m != nil && m.Kind == jsonBool && m.Str == "true"
}

// lineIndex maps byte offsets to 1-based lines and columns.
type lineIndex []int // offsets of every '\n'

func newLineIndex(data []byte) lineIndex {
	idx := make(lineIndex, 0, bytes.Count(data, []byte{'\n'}))
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return idx
		}
		idx = append(idx, off+i)
		off += i + 1
	}
}

// position returns the line and column of the byte at offset.
func (idx lineIndex) position(offset int64) (line, col int) {
	n := sort.Search(len(idx), func(i int) bool { return int64(idx[i]) >= offset })
	start := int64(0)
	if n > 0 {
		start = int64(idx[n-1]) + 1
	}
	return n + 1, int(offset-start) + 1
}

// jsonSyntaxError is a JSON problem at a byte offset. Its message names
// what is wrong without quoting the input.
type jsonSyntaxError struct {
	Offset int64
	Msg    string
}

func (e *jsonSyntaxError) Error() string { return e.Msg }

// decodeJSON reads one JSON document into a tree of positioned values.
func decodeJSON(data []byte) (*jsonValue, lineIndex, error) {
	idx := newLineIndex(data)
	if root, ok := scanJSON(data, idx); ok {
		return root, idx, nil
	}
	// The scanner stops at anything it might not read exactly as
	// encoding/json does, errors included. encoding/json then reads the
	// document again and reports the error.
	return decodeJSONStd(data, idx)
}

// decodeJSONStd is decodeJSON with encoding/json's tokenizer.
func decodeJSONStd(data []byte, idx lineIndex) (*jsonValue, lineIndex, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	d := &jsonDecoder{dec: dec, idx: idx, size: int64(len(data)), data: data}
	root, err := d.value(0, false)
	if err != nil {
		return nil, idx, err
	}
	// Anything but white space after the value is an error; report where
	// it starts.
	off := dec.InputOffset()
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
		off++
	}
	if off < int64(len(data)) {
		return nil, idx, &jsonSyntaxError{Offset: off, Msg: "unexpected data after the top-level value"}
	}
	return root, idx, nil
}

type jsonDecoder struct {
	dec  *json.Decoder
	idx  lineIndex
	size int64
	data []byte
}

// token reads the next token and returns it with the line and column
// where it starts: the decoder's offset before the read is the end of the
// previous token, and white space, ':' and ',' lie between.
func (d *jsonDecoder) token() (tok json.Token, line, col int, err error) {
	off := d.dec.InputOffset()
	tok, err = d.dec.Token()
	if err != nil {
		return nil, 0, 0, err
	}
	for off < int64(len(d.data)) && strings.IndexByte(" \t\r\n:,", d.data[off]) >= 0 {
		off++
	}
	line, col = d.idx.position(off)
	return tok, line, col, nil
}

func (d *jsonDecoder) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &jsonSyntaxError{Offset: se.Offset, Msg: "invalid JSON syntax"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonSyntaxError{Offset: d.size, Msg: "unexpected end of JSON input"}
	default:
		return &jsonSyntaxError{Offset: d.dec.InputOffset(), Msg: "invalid JSON syntax"}
	}
}

// value reads the next value. With skip set it consumes the value and
// returns nil.
func (d *jsonDecoder) value(depth int, skip bool) (*jsonValue, error) {
	if depth > maxJSONDepth {
		return nil, &jsonSyntaxError{Offset: d.dec.InputOffset(), Msg: "JSON nesting is too deep"}
	}
	tok, line, col, err := d.token()
	if err != nil {
		return nil, d.fail(err)
	}
	v := &jsonValue{Line: line, Col: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v.Kind = jsonObject
			for d.dec.More() {
				kt, line, col, err := d.token()
				if err != nil {
					return nil, d.fail(err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, &jsonSyntaxError{Offset: d.dec.InputOffset(), Msg: "object key is not a string"}
				}
				drop := skip || skippedJSONKeys[key]
				mv, err := d.value(depth+1, drop)
				if err != nil {
					return nil, err
				}
				if !drop {
					v.Members = append(v.Members, jsonMember{Key: key, Line: line, Col: col, Value: mv})
				}
			}
		case '[':
			v.Kind = jsonArray
			for d.dec.More() {
				iv, err := d.value(depth+1, skip)
				if err != nil {
					return nil, err
				}
				if !skip {
					v.Items = append(v.Items, iv)
				}
			}
		default:
			return nil, &jsonSyntaxError{Offset: d.dec.InputOffset(), Msg: "unexpected closing delimiter"}
		}
		// Read the closing delimiter.
		if _, err := d.dec.Token(); err != nil {
			return nil, d.fail(err)
		}
	case string:
		v.Kind, v.Str = jsonString, t
	case json.Number:
		v.Kind, v.Str = jsonNumber, t.String()
	case bool:
		v.Kind = jsonBool
		if t {
			v.Str = "true"
		} else {
			v.Str = "false"
		}
	case nil:
		v.Kind = jsonNull
	}
	if skip {
		return nil, nil
	}
	return v, nil
}
