package gcpiam

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"

	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// jval is a decoded JSON value that remembers where it starts.
type jval struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str  string
	b    bool
	keys []string
	vals []*jval
	arr  []*jval
	off  int64
}

// get returns the member of an object, or nil.
func (v *jval) get(key string) *jval {
	if v == nil || v.kind != 'o' {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// str returns a string member of an object, or "".
func (v *jval) getStr(keys ...string) string {
	for _, k := range keys {
		if m := v.get(k); m != nil && m.kind == 's' {
			return m.str
		}
	}
	return ""
}

// items returns the elements of an array member, or nil.
func (v *jval) items(key string) []*jval {
	if m := v.get(key); m != nil && m.kind == 'a' {
		return m.arr
	}
	return nil
}

// strings returns the string elements of an array member.
func (v *jval) strings(key string) []string {
	var out []string
	for _, e := range v.items(key) {
		if e.kind == 's' {
			out = append(out, e.str)
		}
	}
	return out
}

// maxDepth bounds the nesting the reader follows.
const maxDepth = 256

// reader decodes one file value by value, keeping byte offsets.
type reader struct {
	data  []byte
	dec   *json.Decoder
	lines []int // offsets of line starts
}

func newReader(data []byte) *reader {
	r := &reader{data: data, dec: json.NewDecoder(bytes.NewReader(data)), lines: []int{0}}
	r.dec.UseNumber()
	for i, c := range data {
		if c == '\n' {
			r.lines = append(r.lines, i+1)
		}
	}
	return r
}

// pos returns the line and column of a byte offset.
func (r *reader) pos(off int64) (line, col int) {
	i := sort.Search(len(r.lines), func(i int) bool { return int64(r.lines[i]) > off }) - 1
	return i + 1, int(off) - r.lines[i] + 1
}

// start returns the offset of the next value: past white space and the
// separators the decoder has not consumed.
func (r *reader) start() int64 {
	off := r.dec.InputOffset()
	for off < int64(len(r.data)) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// errSyntax carries the offset of invalid input, and the decoder's reason
// when it quotes no input (jsonstream.Reason).
type errSyntax struct {
	off    int64
	reason string
}

func (e *errSyntax) Error() string {
	if e.reason != "" {
		return e.reason
	}
	return "invalid JSON"
}

// fail converts a decoder error into an errSyntax. The errors of
// Decoder.Token give in Offset the offset of the invalid byte itself.
func (r *reader) fail(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &errSyntax{off: min(max(se.Offset, 0), int64(len(r.data))), reason: jsonstream.Reason(err)}
	}
	return &errSyntax{off: int64(len(r.data))}
}

// value decodes the next value.
func (r *reader) value(depth int) (*jval, error) {
	if depth > maxDepth {
		return nil, &errSyntax{off: r.start()}
	}
	off := r.start()
	tok, err := r.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, &errSyntax{off: int64(len(r.data))}
		}
		return nil, r.fail(err)
	}
	v := &jval{off: off}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v.kind = 'o'
			for r.dec.More() {
				kt, err := r.dec.Token()
				if err != nil {
					return nil, r.fail(err)
				}
				key, _ := kt.(string)
				m, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.keys = append(v.keys, key)
				v.vals = append(v.vals, m)
			}
		case '[':
			v.kind = 'a'
			for r.dec.More() {
				e, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
		default:
			return nil, &errSyntax{off: off}
		}
		if _, err := r.dec.Token(); err != nil {
			return nil, r.fail(err)
		}
	case string:
		v.kind, v.str = 's', t
	case json.Number:
		v.kind, v.str = 'n', t.String()
	case bool:
		v.kind, v.b = 'b', t
	case nil:
		v.kind = 'z'
	}
	return v, nil
}

// each calls fn for every record of the file: the elements of a top-level
// array, or each top-level value of a file that holds one or more values
// (JSON lines). It stops at the first decoding error.
func (r *reader) each(fn func(*jval) error) error {
	first := r.start()
	if first < int64(len(r.data)) && r.data[first] == '[' {
		if _, err := r.dec.Token(); err != nil {
			return r.fail(err)
		}
		for r.dec.More() {
			v, err := r.value(1)
			if err != nil {
				return err
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		if _, err := r.dec.Token(); err != nil {
			return r.fail(err)
		}
		return r.trailing()
	}
	for r.dec.More() {
		v, err := r.value(0)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return r.trailing()
}

// trailing rejects anything but white space after the last value.
func (r *reader) trailing() error {
	if _, err := r.dec.Token(); err != io.EOF {
		return &errSyntax{off: r.start()}
	}
	return nil
}

// headInfo holds the top-level keys of the first object in a file's first
// bytes (the first element when the file is an array), and the string
// values among them.
type headInfo struct {
	array bool
	keys  []string
	strs  map[string]string
}

func (h headInfo) has(keys ...string) bool {
	for _, k := range keys {
		for _, hk := range h.keys {
			if hk == k {
				return true
			}
		}
	}
	return false
}

// only reports whether every key is one of allowed.
func (h headInfo) only(allowed ...string) bool {
	for _, hk := range h.keys {
		ok := false
		for _, a := range allowed {
			if hk == a {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return len(h.keys) > 0
}

// scanHead reads what it can of the first object in data.
func scanHead(data []byte) headInfo {
	h := headInfo{strs: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return h
	}
	if tok == json.Delim('[') {
		h.array = true
		if tok, err = dec.Token(); err != nil {
			return h
		}
	}
	if tok != json.Delim('{') {
		return h
	}
	for {
		kt, err := dec.Token()
		key, ok := kt.(string)
		if err != nil || !ok {
			return h
		}
		h.keys = append(h.keys, key)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return h
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			h.strs[key] = s
		}
	}
}
