package lockfile

import (
	"encoding/json"
	"unicode/utf8"
)

// scanJSON reads a valid JSON document into the tree that decodeJSONStd
// builds, without encoding/json's tokenizer, which allocates an error for
// the end of every scalar it reads from a stream. It reports false for
// any input that is not valid JSON or nests deeper than maxJSONDepth, and
// decodeJSON then reads it with encoding/json to report the error.
func scanJSON(data []byte, idx lineIndex) (*jsonValue, bool) {
	// Lockfiles hold about one kept value and one kept member per 80
	// bytes, and a new key per 160; the first blocks are sized for that.
	guess := min(max(len(data)/80, 16), 4096)
	s := &jsonScanner{data: data, idx: idx, keys: make(map[string]string, guess/2)}
	s.vals = make([]jsonValue, 0, guess)
	s.members = make([]jsonMember, 0, guess)
	root, ok := s.value(0, false)
	if !ok {
		return nil, false
	}
	s.space()
	return root, s.pos == len(data)
}

type jsonScanner struct {
	data []byte
	pos  int
	idx  lineIndex
	// keys holds one copy of each object key, which lockfiles repeat for
	// every package.
	keys map[string]string
	// vals and members are blocks that values and the members of objects
	// are carved from, a few allocations for the whole document instead
	// of one or more per value. stack holds the members of the objects
	// being read, innermost last.
	vals    []jsonValue
	members []jsonMember
	stack   []jsonMember
	// lines counts the line breaks before lastOff, where position last
	// looked.
	lines   int
	lastOff int
}

// newValue returns a zero value from the current block.
func (s *jsonScanner) newValue() *jsonValue {
	if len(s.vals) == cap(s.vals) {
		s.vals = make([]jsonValue, 0, min(max(cap(s.vals), 16), 1024))
	}
	s.vals = s.vals[:len(s.vals)+1]
	return &s.vals[len(s.vals)-1]
}

// takeMembers moves the members stacked above base into a slice of their
// own length, or returns nil when there are none.
func (s *jsonScanner) takeMembers(base int) []jsonMember {
	n := len(s.stack) - base
	if n == 0 {
		return nil
	}
	if cap(s.members)-len(s.members) < n {
		s.members = make([]jsonMember, 0, max(n, min(max(cap(s.members), 16), 1024)))
	}
	at := len(s.members)
	s.members = append(s.members, s.stack[base:]...)
	s.stack = s.stack[:base]
	return s.members[at : at+n : at+n]
}

// position is idx.position for offsets that grow from call to call, as
// the scanner's do. It walks on from the previous offset instead of
// searching.
func (s *jsonScanner) position(off int) (line, col int) {
	if off < s.lastOff {
		return s.idx.position(int64(off))
	}
	for s.lines < len(s.idx) && s.idx[s.lines] < off {
		s.lines++
	}
	s.lastOff = off
	start := 0
	if s.lines > 0 {
		start = s.idx[s.lines-1] + 1
	}
	return s.lines + 1, off - start + 1
}

func (s *jsonScanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// next skips white space and returns the byte there, or 0 at the end.
func (s *jsonScanner) next() byte {
	s.space()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// value reads the next value. With skip set it checks the value and
// returns nil.
func (s *jsonScanner) value(depth int, skip bool) (*jsonValue, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	c := s.next()
	var v *jsonValue
	if !skip {
		v = s.newValue()
		v.Line, v.Col = s.position(s.pos)
	}
	switch {
	case c == '{':
		return v, s.object(v, depth, skip)
	case c == '[':
		return v, s.array(v, depth, skip)
	case c == '"':
		str, ok := s.str(false)
		if v != nil {
			v.Kind, v.Str = jsonString, str
		}
		return v, ok
	case c == '-' || '0' <= c && c <= '9':
		start := s.pos
		if !s.number() {
			return nil, false
		}
		if v != nil {
			v.Kind, v.Str = jsonNumber, string(s.data[start:s.pos])
		}
		return v, true
	case c == 't':
		return v, s.literal("true", v, jsonBool)
	case c == 'f':
		return v, s.literal("false", v, jsonBool)
	case c == 'n':
		return v, s.literal("null", v, jsonNull)
	}
	return nil, false
}

func (s *jsonScanner) object(v *jsonValue, depth int, skip bool) bool {
	s.pos++ // '{'
	if v != nil {
		v.Kind = jsonObject
	}
	if s.next() == '}' {
		s.pos++
		return true
	}
	base := len(s.stack)
	for {
		if s.next() != '"' {
			return false
		}
		keyAt := s.pos
		key, ok := s.str(true)
		if !ok || s.next() != ':' {
			return false
		}
		s.pos++
		drop := skip || skippedJSONKeys[key]
		var line, col int
		if !drop {
			line, col = s.position(keyAt)
		}
		mv, ok := s.value(depth+1, drop)
		if !ok {
			return false
		}
		if !drop {
			s.stack = append(s.stack, jsonMember{Key: key, Line: line, Col: col, Value: mv})
		}
		switch s.next() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			if v != nil {
				v.Members = s.takeMembers(base)
			}
			return true
		default:
			return false
		}
	}
}

func (s *jsonScanner) array(v *jsonValue, depth int, skip bool) bool {
	s.pos++ // '['
	if v != nil {
		v.Kind = jsonArray
	}
	if s.next() == ']' {
		s.pos++
		return true
	}
	for {
		iv, ok := s.value(depth+1, skip)
		if !ok {
			return false
		}
		if v != nil {
			v.Items = append(v.Items, iv)
		}
		switch s.next() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return true
		default:
			return false
		}
	}
}

// str reads a string. A string without escapes and with valid UTF-8 is
// its own bytes. Any other string is decoded by encoding/json, so escapes
// and invalid UTF-8 read as before. A key is kept once per document.
func (s *jsonScanner) str(key bool) (string, bool) {
	start := s.pos
	plain := true
	i := start + 1
	for ; i < len(s.data); i++ {
		c := s.data[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return "", false
		}
		if c == '\\' {
			plain = false
			i++ // the escaped byte, which may be a quote
		}
	}
	if i >= len(s.data) {
		return "", false
	}

	raw := s.data[start : i+1]
	s.pos = i + 1
	body := raw[1 : len(raw)-1]
	if plain && utf8.Valid(body) {
		if !key {
			return string(body), true
		}
		if k, ok := s.keys[string(body)]; ok {
			return k, true
		}
		k := string(body)
		s.keys[k] = k
		return k, true
	}

	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", false
	}
	return out, true
}

// number reads a number as RFC 8259 writes it.
func (s *jsonScanner) number() bool {
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		return false
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return false
		}
		i = j
	}
	s.pos = i
	return true
}

// digits returns the offset of the first byte at or after i that is not
// a decimal digit.
func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

func (s *jsonScanner) literal(word string, v *jsonValue, kind jsonKind) bool {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return false
	}
	s.pos += len(word)
	if v != nil {
		v.Kind = kind
		if kind == jsonBool {
			v.Str = word
		}
	}
	return true
}
