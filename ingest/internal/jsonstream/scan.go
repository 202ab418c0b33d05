// Package jsonstream reads JSON logs from a stream without holding them
// whole: it finds where each value ends and checks its syntax without
// decoding it, keeps the line and column of every byte it hands out so
// that problems can be positioned, and reads the common layouts of log
// files (an array of records, objects that wrap such an array, JSON Lines,
// values one after another) record by record.
package jsonstream

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// Stream reads JSON values from a reader without decoding them: it finds
// where each value ends, checks its syntax, and hands out the bytes, which
// stay valid until the next call. It keeps the line and column of every
// byte it hands out, so that problems can be positioned.
//
// A value must fit in MaxValue bytes; the buffer grows to hold the largest
// value met and is reused, so reading allocates nothing per value.
type Stream struct {
	r   io.Reader
	buf []byte
	pos int // next byte of buf to read
	eof bool
	err error // read error other than io.EOF

	// mark is an offset in buf whose line and column are known; offsets
	// before it are never asked for again.
	mark        int
	mline, mcol int
	padded      bool
	chunk       int // how much the buffer grows by
}

// MaxValue bounds one JSON value (one record, or the whole of any value
// skipped outside the records).
const MaxValue = 64 << 20

// MaxLine bounds one line of JSON Lines.
const MaxLine = 8 << 20

var bom = []byte{0xEF, 0xBB, 0xBF}

// readSize is how much the stream reads at a time.
const readSize = 1 << 20

// buffers keeps read buffers between streams, so that reading many small
// files does not allocate one each.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, readSize); return &b }}

// New returns a stream reading r. Release gives its buffer back.
func New(r io.Reader) *Stream {
	return &Stream{r: r, buf: (*buffers.Get().(*[]byte))[:0], chunk: readSize, mline: 1, mcol: 1}
}

// NewSize returns a stream reading r, whose size is about size bytes:
// a small input gets a buffer of its size rather than a shared one.
func NewSize(r io.Reader, size int64) *Stream {
	if size <= 0 || size >= readSize/4 {
		return New(r)
	}
	n := int(size) + 512
	return &Stream{r: r, buf: make([]byte, 0, n), chunk: n, mline: 1, mcol: 1}
}

// Release gives the stream's buffer back for other streams to use; the
// stream and every slice it handed out must not be used after.
func (s *Stream) Release() {
	if cap(s.buf) == readSize {
		b := s.buf[:0]
		buffers.Put(&b)
	}
	s.buf = nil
}

// Errors of the scanning functions and of Value.
var (
	// ErrIncomplete means the bytes end before the value does.
	ErrIncomplete = errors.New("file ends in the middle of a JSON value")
	ErrSyntax     = errors.New("invalid JSON")
	ErrTooLarge   = errors.New("value larger than 64 MiB")
)

// fill reads more input, keeping buf[keep:]. It reports false at the end
// of input or on a read error.
func (s *Stream) fill(keep int) bool {
	if s.eof || s.err != nil {
		return false
	}
	if keep > 0 {
		s.advanceMark(keep)
		n := copy(s.buf, s.buf[keep:])
		s.buf = s.buf[:n]
		s.pos -= keep
		s.mark -= keep
	}
	if cap(s.buf)-len(s.buf) < s.chunk/2 {
		grown := make([]byte, len(s.buf), 2*cap(s.buf)+s.chunk)
		copy(grown, s.buf)
		s.buf = grown
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.err = err
	}
	return n > 0 || (!s.eof && s.err == nil)
}

// ensure reads until n bytes from the next unread one are buffered, or
// the input ends.
func (s *Stream) ensure(n int) {
	for len(s.buf)-s.pos < n && s.fill(0) {
	}
}

// SkipBOM moves past a UTF-8 byte order mark at the start of the input;
// columns count from after it.
func (s *Stream) SkipBOM() {
	s.ensure(readSize / 4)
	if bytes.HasPrefix(s.buf, bom) {
		s.pos, s.mark = len(bom), len(bom)
	}
}

// pad appends one space at the end of the input, once, so that a number
// that ends the input is seen whole. It reports false when it was done
// before.
func (s *Stream) pad() bool {
	if s.padded || !s.eof {
		return false
	}
	s.padded = true
	s.buf = append(s.buf, ' ')
	return true
}

// Line returns the next line without its end of line and its offset in
// the buffer, both valid until the next call, and moves past it. A line
// longer than MaxLine is consumed and reported as too long, with no
// content. At the end of input it returns io.EOF.
func (s *Stream) Line() (line []byte, start int, tooLong bool, err error) {
	from := s.pos
	for {
		if i := bytes.IndexByte(s.buf[from:], '\n'); i >= 0 {
			start, end := s.pos, from+i
			s.pos = end + 1
			if end-start > MaxLine {
				return nil, start, true, nil
			}
			return bytes.TrimSuffix(s.buf[start:end], []byte{'\r'}), start, false, nil
		}
		if len(s.buf)-s.pos > MaxLine {
			return nil, s.pos, true, s.skipLine()
		}
		searched := len(s.buf) - s.pos
		if !s.fill(s.pos) {
			if s.err != nil {
				return nil, s.pos, false, s.err
			}
			if s.pos < len(s.buf) {
				start = s.pos
				s.pos = len(s.buf)
				if len(s.buf)-start > MaxLine {
					return nil, start, true, nil
				}
				return bytes.TrimSuffix(s.buf[start:], []byte{'\r'}), start, false, nil
			}
			return nil, s.pos, false, io.EOF
		}
		from = s.pos + searched
	}
}

// skipLine moves past the rest of the current line without keeping it.
func (s *Stream) skipLine() error {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:], '\n'); i >= 0 {
			s.pos += i + 1
			return nil
		}
		s.pos = len(s.buf)
		if !s.fill(s.pos) {
			return s.err
		}
	}
}

// advanceMark moves the known position forward to offset off.
func (s *Stream) advanceMark(off int) {
	if off <= s.mark {
		return
	}
	passed := s.buf[s.mark:off]
	if n := bytes.Count(passed, []byte{'\n'}); n > 0 {
		s.mline += n
		s.mcol = len(passed) - bytes.LastIndexByte(passed, '\n')
	} else {
		s.mcol += len(passed)
	}
	s.mark = off
}

// Position returns the line and column of offset off of the buffer.
func (s *Stream) Position(off int) (line, col int) {
	s.advanceMark(off)
	return s.mline, s.mcol
}

// Here returns the position of the next unread byte.
func (s *Stream) Here() (line, col int) { return s.Position(s.pos) }

// Peek moves past white space and returns the next byte without
// consuming it, or false at the end of input.
func (s *Stream) Peek() (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r', '\n':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill(s.pos) {
			return 0, false
		}
	}
}

// Advance consumes the byte Peek returned.
func (s *Stream) Advance() {
	if s.pos < len(s.buf) {
		s.pos++
	}
}

// Head returns the buffered bytes from the next unread one, valid until
// the next read.
func (s *Stream) Head() []byte { return s.buf[s.pos:] }

// Offset returns the buffer offset of the next unread byte, for Rewind,
// valid until the next read.
func (s *Stream) Offset() int { return s.pos }

// Rewind goes back to an offset that Offset or Line returned since the
// last read.
func (s *Stream) Rewind(off int) { s.pos = off }

// Value runs fn over the buffered bytes from the next unread one. fn
// returns the offset just past the value it read, or ErrIncomplete when
// the bytes end first; Value then reads more input and runs fn again. On
// success the stream moves past the value. On failure it stays at the
// start of the value and returns the error of fn, ErrTooLarge, or, when
// the input ends first, ErrIncomplete or the read error.
func (s *Stream) Value(fn func(buf []byte, i int) (int, error)) error {
	for {
		end, err := fn(s.buf, s.pos)
		switch {
		case err == nil:
			s.pos = end
			return nil
		case err != ErrIncomplete:
			return err
		case len(s.buf)-s.pos > MaxValue:
			return ErrTooLarge
		}
		if !s.fill(s.pos) {
			if s.err != nil {
				return s.err
			}
			if s.pad() {
				continue
			}
			return ErrIncomplete
		}
	}
}

// WS returns the offset of the first byte at or after i that is not
// white space.
func WS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\n', '\t', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// IsValue reports whether text is one whole JSON value.
func IsValue(text []byte) bool {
	if len(text) == 0 {
		return false
	}
	end, err := Skip(text, 0)
	return err == nil && WS(text, end) == len(text)
}

// Err returns the read error that ended the input, or nil.
func (s *Stream) Err() error { return s.err }

// Skip returns the offset just past the JSON value that starts at
// b[i], checking its syntax. It returns ErrIncomplete when b ends first.
// Numbers are checked for the characters they may hold, not their form.
func Skip(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, ErrIncomplete
	}
	switch c := b[i]; {
	case c == '{' || c == '[':
		return skipComposite(b, i)
	case c == '"':
		return SkipString(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return skipNumber(b, i)
	}
	return i, ErrSyntax
}

// skipComposite walks an object or array with an explicit stack of the
// open brackets, so that deep nesting cannot exhaust the goroutine stack.
func skipComposite(b []byte, i int) (int, error) {
	var stackBuf [64]byte
	stack := stackBuf[:0]
	// expectValue: a value must come next (after '[', ',' in an array,
	// or ':'); expectKey: a key or '}' (after '{') or a key (after ',').
	const (
		valueOrClose = iota // just after '['
		keyOrClose          // just after '{'
		value               // after ':' or ',' in an array
		key                 // after ',' in an object
		colon               // after a key
		commaOrClose        // after a value
	)
	state := valueOrClose
	for {
		if i >= len(b) {
			return i, ErrIncomplete
		}
		c := b[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		switch state {
		case valueOrClose, value:
			if state == valueOrClose && c == ']' && len(stack) > 0 && stack[len(stack)-1] == '[' {
				stack = stack[:len(stack)-1]
				i++
				state = commaOrClose
				break
			}
			if c == '{' || c == '[' {
				if len(stack) >= 10000 {
					return i, ErrSyntax
				}
				stack = append(stack, c)
				i++
				if c == '{' {
					state = keyOrClose
				} else {
					state = valueOrClose
				}
				break
			}
			if len(stack) == 0 {
				// The value at the top was not a composite.
				return i, ErrSyntax
			}
			end, err := Skip(b, i)
			if err != nil {
				return end, err
			}
			i = end
			state = commaOrClose
		case keyOrClose, key:
			if state == keyOrClose && c == '}' {
				stack = stack[:len(stack)-1]
				i++
				state = commaOrClose
				break
			}
			if c != '"' {
				return i, ErrSyntax
			}
			end, err := SkipString(b, i)
			if err != nil {
				return end, err
			}
			i = end
			state = colon
		case colon:
			if c != ':' {
				return i, ErrSyntax
			}
			i++
			state = value
		case commaOrClose:
			if len(stack) == 0 {
				return i, nil
			}
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				i++
				if top == '{' {
					state = key
				} else {
					state = value
				}
			case c == '}' && top == '{', c == ']' && top == '[':
				stack = stack[:len(stack)-1]
				i++
				if len(stack) == 0 {
					return i, nil
				}
			default:
				return i, ErrSyntax
			}
		}
	}
}

// SkipString returns the offset past the string starting at b[i] == '"'.
// Escapes must be valid. Control characters, which JSON requires to be
// escaped, are let through: nothing here depends on their absence.
func SkipString(b []byte, i int) (int, error) {
	i++
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			if e := bytes.IndexByte(b[i:], '\\'); e >= 0 {
				if end, err := skipEscape(b, i+e); err != nil {
					return end, err
				}
			}
			return len(b), ErrIncomplete
		}
		e := bytes.IndexByte(b[i:i+q], '\\')
		if e < 0 {
			return i + q + 1, nil
		}
		end, err := skipEscape(b, i+e)
		if err != nil {
			return end, err
		}
		i = end
	}
}

// skipEscape returns the offset past the escape at b[i] == '\\'.
func skipEscape(b []byte, i int) (int, error) {
	if i+1 >= len(b) {
		return len(b), ErrIncomplete
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
		if i+6 > len(b) {
			return len(b), ErrIncomplete
		}
		for _, h := range b[i+2 : i+6] {
			if !isHex(h) {
				return i, ErrSyntax
			}
		}
		return i + 6, nil
	}
	return i, ErrSyntax
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	n := min(len(b)-i, len(lit))
	if string(b[i:i+n]) != lit[:n] {
		return i, ErrSyntax
	}
	if n < len(lit) {
		return len(b), ErrIncomplete
	}
	return i + len(lit), nil
}

func skipNumber(b []byte, i int) (int, error) {
	j := i
	for j < len(b) {
		switch c := b[j]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			j++
		default:
			if j == i || (j == i+1 && b[i] == '-') {
				return i, ErrSyntax
			}
			return j, nil
		}
	}
	return len(b), ErrIncomplete
}
