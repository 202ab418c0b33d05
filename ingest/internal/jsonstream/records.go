package jsonstream

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// Record is one record of a log as Records hands it out.
type Record struct {
	// Raw is the record's JSON text, valid until the callback returns.
	// For JSON Lines it is the line as written, valid JSON or not.
	Raw []byte
	// Line is the line where the record starts.
	Line int
	// TooLong is set for a line of JSON Lines longer than MaxLine, which
	// is skipped: Raw is nil.
	TooLong bool
}

// Error is a problem that ends reading, at a position of the input.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Records reads a log and calls fn with each record, in order:
//
//   - the elements of a top-level array;
//   - the elements of the array that a top-level object holds under one of
//     keys (several such objects may follow each other; other members are
//     skipped);
//   - else each line of JSON Lines, when the first line is a whole value;
//   - else JSON values one after another.
//
// Elements of arrays and values are checked to be valid JSON; lines of
// JSON Lines are handed out as written. A problem in the structure ends
// reading with an *Error; an error fn returns ends it with that error.
func Records(ctx context.Context, s *Stream, keys []string, fn func(Record) error) error {
	c, ok := s.Peek()
	switch {
	case !ok && s.Err() != nil:
		return &Error{Line: 1, Col: 1, Msg: fmt.Sprintf("read: %v", s.Err())}
	case !ok:
		return nil
	case c == '[':
		return array(ctx, s, fn)
	case c == '{' && wraps(s.Head(), keys):
		return wrapped(ctx, s, keys, fn)
	case c == '{':
		return lines(ctx, s, fn)
	}
	return fail(s, "expected a JSON object or array")
}

// wraps reports whether the head of the input holds one of keys followed
// by an array.
func wraps(head []byte, keys []string) bool {
	for _, k := range keys {
		for i := 0; ; {
			j := bytes.Index(head[i:], []byte(`"`+k+`"`))
			if j < 0 {
				break
			}
			i += j + len(k) + 2
			rest := head[WS(head, i):]
			if len(rest) > 0 && rest[0] == ':' {
				rest = rest[1:]
				if r := rest[WS(rest, 0):]; len(r) > 0 && r[0] == '[' {
					return true
				}
			}
		}
	}
	return false
}

func fail(s *Stream, msg string) error {
	line, col := s.Here()
	return &Error{Line: line, Col: col, Msg: msg}
}

// failValue reports an error of Value at the value the stream stays at.
func failValue(s *Stream, err error) error {
	switch err {
	case ErrIncomplete, ErrTooLarge:
		return fail(s, err.Error())
	case ErrSyntax:
		return fail(s, "invalid JSON")
	}
	return fail(s, fmt.Sprintf("read: %v", err))
}

// incomplete reports input that ends where more was expected.
func incomplete(s *Stream) error {
	if s.Err() != nil {
		return fail(s, fmt.Sprintf("read: %v", s.Err()))
	}
	return fail(s, ErrIncomplete.Error())
}

// value hands the next value to fn.
func value(s *Stream, fn func(Record) error) error {
	start := s.Offset()
	var raw []byte
	err := s.Value(func(buf []byte, i int) (int, error) {
		start = i
		end, err := Skip(buf, i)
		if err == nil {
			raw = buf[i:end]
		}
		return end, err
	})
	if err != nil {
		return failValue(s, err)
	}
	line, _ := s.Position(start)
	return fn(Record{Raw: raw, Line: line})
}

func array(ctx context.Context, s *Stream, fn func(Record) error) error {
	c, ok := s.Peek()
	if !ok {
		return incomplete(s)
	}
	if c != '[' {
		return fail(s, "expected an array of records")
	}
	s.Advance()
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, ok := s.Peek()
		if !ok {
			return incomplete(s)
		}
		if c == ']' {
			s.Advance()
			return nil
		}
		if !first {
			if c != ',' {
				return fail(s, "invalid JSON")
			}
			s.Advance()
			if c, ok := s.Peek(); !ok {
				return incomplete(s)
			} else if c == ']' {
				return fail(s, "invalid JSON")
			}
		}
		if err := value(s, fn); err != nil {
			return err
		}
	}
}

// wrapped reads top-level objects, the records being the elements of
// their arrays under keys.
func wrapped(ctx context.Context, s *Stream, keys []string, fn func(Record) error) error {
	for {
		c, ok := s.Peek()
		if !ok {
			if s.Err() != nil {
				return fail(s, fmt.Sprintf("read: %v", s.Err()))
			}
			return nil
		}
		if c != '{' {
			return fail(s, "expected an object holding an array of records")
		}
		s.Advance()
		for first := true; ; first = false {
			c, ok := s.Peek()
			if !ok {
				return incomplete(s)
			}
			if c == '}' {
				s.Advance()
				break
			}
			if !first {
				if c != ',' {
					return fail(s, "invalid JSON")
				}
				s.Advance()
			}
			key, err := member(s)
			if err != nil {
				return err
			}
			if contains(keys, key) {
				err = array(ctx, s, fn)
			} else {
				err = s.Value(func(buf []byte, i int) (int, error) {
					i = WS(buf, i)
					if i >= len(buf) {
						return i, ErrIncomplete
					}
					return Skip(buf, i)
				})
				if err != nil {
					err = failValue(s, err)
				}
			}
			if err != nil {
				return err
			}
		}
	}
}

// member reads an object key and the colon after it.
func member(s *Stream) (string, error) {
	var key string
	err := s.Value(func(buf []byte, i int) (int, error) {
		i = WS(buf, i)
		if i >= len(buf) {
			return i, ErrIncomplete
		}
		if buf[i] != '"' {
			return i, ErrSyntax
		}
		end, err := SkipString(buf, i)
		if err != nil {
			return end, err
		}
		j := WS(buf, end)
		if j >= len(buf) {
			return j, ErrIncomplete
		}
		if buf[j] != ':' {
			return j, ErrSyntax
		}
		key = string(buf[i+1 : end-1])
		return j + 1, nil
	})
	if err != nil {
		return "", failValue(s, err)
	}
	return key, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lines reads JSON Lines, or, when the first line is not a whole value,
// values one after another.
func lines(ctx context.Context, s *Stream, fn func(Record) error) error {
	lineNo, _ := s.Here()
	line, start, tooLong, err := s.Line()
	if err != nil && err != io.EOF {
		return &Error{Line: lineNo, Msg: fmt.Sprintf("read: %v", err)}
	}
	if text := bytes.TrimSpace(line); tooLong || (!IsValue(text) && !bytes.HasSuffix(text, []byte("}"))) {
		s.Rewind(start)
		return values(ctx, s, fn)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if tooLong {
			if err := fn(Record{Line: lineNo, TooLong: true}); err != nil {
				return err
			}
		} else if text := bytes.TrimSpace(line); len(text) > 0 {
			if err := fn(Record{Raw: text, Line: lineNo}); err != nil {
				return err
			}
		}
		line, _, tooLong, err = s.Line()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &Error{Line: lineNo + 1, Msg: fmt.Sprintf("read: %v", err)}
		}
		lineNo++
	}
}

// values reads JSON values one after another.
func values(ctx context.Context, s *Stream, fn func(Record) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, ok := s.Peek(); !ok {
			if s.Err() != nil {
				return fail(s, fmt.Sprintf("read: %v", s.Err()))
			}
			return nil
		}
		if err := value(s, fn); err != nil {
			return err
		}
	}
}
