package cloudtrail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// reader decodes the records of one file, in file order, into batches
// that a builder consumes on another goroutine. It decides by itself
// whether a problem rejects the file (no record read before it) or only
// ends it (a warning, the records before it kept).
type reader struct {
	file string
	s    *jsonstream.Stream
	dec  *decoder

	cur  *batch
	full chan *batch

	good     int // records decoded
	firstBad int // line of the first record that could not be decoded
}

// batch is a run of decoded records, or warnings, handed over at once so
// that the hand-off costs little per record.
type batch struct {
	items []item
	n     int
}

// item is one decoded record, one record that could not be decoded (bad
// set), or a warning (warn set).
type item struct {
	rec       record
	bad       error
	line, col int
	warn      string
}

const batchSize = 128

var batches = sync.Pool{New: func() any { return &batch{items: make([]item, batchSize)} }}

func newReader(file string, s *jsonstream.Stream) *reader {
	return &reader{file: file, s: s, dec: newDecoder(), full: make(chan *batch, 4)}
}

// consume runs read on a goroutine of its own and adds the records it
// decodes, in order. It returns the error that rejects the file, if any.
func (b *builder) consume(ctx context.Context, r *reader, read func(*reader, context.Context) error) error {
	var readErr error
	go func() {
		defer close(r.full)
		defer func() {
			if p := recover(); p != nil {
				readErr = ingest.Errorf(ingest.Position{File: r.file}, "internal error while reading records; the file was skipped, please report it")
			}
			r.flush()
		}()
		readErr = read(r, ctx)
	}()
	for bt := range r.full {
		for i := range bt.items[:bt.n] {
			it := &bt.items[i]
			if it.warn != "" {
				b.res.Warnf(ingest.Position{File: b.file, Line: it.line, Col: it.col}, "%s", it.warn)
				continue
			}
			b.record(&it.rec, it.bad, it.line)
		}
		bt.n = 0
		batches.Put(bt)
	}
	if readErr != nil && !errors.Is(readErr, errStopped) {
		return readErr
	}
	return nil
}

// next returns the record to decode into; commit hands it over.
func (r *reader) next() *record {
	if r.cur == nil {
		r.cur = batches.Get().(*batch)
	}
	return &r.cur.items[r.cur.n].rec
}

// commit hands over the record next returned, with the problem that kept
// it from being decoded (nil for none) and the line where it starts.
func (r *reader) commit(bad error, line int) {
	it := &r.cur.items[r.cur.n]
	it.bad, it.line, it.col, it.warn = bad, line, 0, ""
	if bad == nil {
		r.good++
	} else if r.firstBad == 0 {
		r.firstBad = line
	}
	r.cur.n++
	if r.cur.n == len(r.cur.items) {
		r.full <- r.cur
		r.cur = nil
	}
}

// warnf hands over a warning at a position.
func (r *reader) warnf(line, col int, format string, args ...any) {
	r.next()
	it := &r.cur.items[r.cur.n]
	it.bad, it.line, it.col, it.warn = nil, line, col, fmt.Sprintf(format, args...)
	r.cur.n++
	if r.cur.n == len(r.cur.items) {
		r.full <- r.cur
		r.cur = nil
	}
}

func (r *reader) flush() {
	if r.cur != nil && r.cur.n > 0 {
		r.full <- r.cur
	}
	r.cur = nil
}

// readDelivery reads {"Records": [...]} objects, and the {"Events": [...]}
// objects of lookup-events output, skipping other keys. More than one such
// object may follow another.
func (r *reader) readDelivery(ctx context.Context) error {
	s := r.s
	for {
		c, ok := s.Peek()
		if !ok {
			if s.Err() != nil {
				return r.failHere(fmt.Sprintf("read: %v", s.Err()))
			}
			return nil
		}
		if c != '{' {
			return r.failHere("expected an object with a Records array")
		}
		s.Advance()
		for first := true; ; first = false {
			c, ok := s.Peek()
			if !ok {
				return r.incomplete()
			}
			if c == '}' && first {
				s.Advance()
				break
			}
			if !first {
				if c == '}' {
					s.Advance()
					break
				}
				if c != ',' {
					return r.failHere("invalid JSON")
				}
				s.Advance()
			}
			key, err := r.key()
			if err != nil {
				return err
			}
			switch key {
			case "Records":
				err = r.readArray(ctx, false)
			case "Events":
				err = r.readArray(ctx, true)
			default:
				err = r.skip()
			}
			if err != nil {
				return err
			}
		}
	}
}

// key reads an object key and the colon after it, and returns the key
// when it is Records or Events, else "".
func (r *reader) key() (string, error) {
	var key string
	err := r.decode(func(buf []byte, i int) (int, error) {
		i = jsonstream.WS(buf, i)
		if i >= len(buf) {
			return i, jsonstream.ErrIncomplete
		}
		if buf[i] != '"' {
			return i, jsonstream.ErrSyntax
		}
		end, err := jsonstream.SkipString(buf, i)
		if err != nil {
			return end, err
		}
		j := jsonstream.WS(buf, end)
		if j >= len(buf) {
			return j, jsonstream.ErrIncomplete
		}
		if buf[j] != ':' {
			return j, jsonstream.ErrSyntax
		}
		switch raw := buf[i+1 : end-1]; string(raw) {
		case "Records":
			key = "Records"
		case "Events":
			key = "Events"
		default:
			key = ""
		}
		return j + 1, nil
	})
	return key, err
}

// skip reads past one value of no interest.
func (r *reader) skip() error {
	return r.decode(func(buf []byte, i int) (int, error) {
		i = jsonstream.WS(buf, i)
		if i >= len(buf) {
			return i, jsonstream.ErrIncomplete
		}
		return jsonstream.Skip(buf, i)
	})
}

// readArray reads one array of records, or with events set one array of
// lookup-events entries, each holding a record as JSON text.
func (r *reader) readArray(ctx context.Context, events bool) error {
	s := r.s
	c, ok := s.Peek()
	if !ok {
		return r.incomplete()
	}
	if c != '[' {
		return r.failHere("expected an array of records")
	}
	s.Advance()
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, ok := s.Peek()
		if !ok {
			return r.incomplete()
		}
		if c == ']' && first {
			s.Advance()
			return nil
		}
		if !first {
			if c == ']' {
				s.Advance()
				return nil
			}
			if c != ',' {
				return r.failHere("invalid JSON")
			}
			s.Advance()
			if _, ok := s.Peek(); !ok {
				return r.incomplete()
			}
		}
		rec := r.next()
		start := s.Offset()
		var bad error
		err := r.decode(func(buf []byte, i int) (int, error) {
			start = i
			if events {
				end, problem, err := r.dec.event(buf, i, rec)
				bad = problem
				return end, err
			}
			end, notObject, err := r.dec.record(buf, i, rec)
			bad = nil
			if notObject {
				bad = errNotObject
			}
			return end, err
		})
		if err != nil {
			return err
		}
		line := 0
		if bad != nil {
			line, _ = s.Position(start)
		}
		r.commit(bad, line)
	}
}

// readLines reads JSON Lines, or, when the first line does not contain a
// whole record, JSON values one after another.
func (r *reader) readLines(ctx context.Context) error {
	s := r.s
	lineNo, _ := s.Here()
	first, start, tooLong, err := s.Line()
	if err != nil {
		return r.failAt(lineNo, 0, fmt.Sprintf("read: %v", err))
	}
	// A record written over several lines starts with a line that is not
	// a whole JSON value and does not end with a closing brace.
	if text := bytes.TrimSpace(first); tooLong || (!jsonstream.IsValue(text) && !bytes.HasSuffix(text, []byte("}"))) {
		s.Rewind(start)
		return r.readValues(ctx)
	}
	line := first
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if tooLong {
			r.warnf(lineNo, 0, "line longer than %d MiB skipped", jsonstream.MaxLine>>20)
		} else if text := bytes.TrimSpace(line); len(text) > 0 {
			rec := r.next()
			r.commit(r.dec.line(text, rec), lineNo)
		}
		line, _, tooLong, err = s.Line()
		if err == io.EOF {
			return r.linesDone()
		}
		if err != nil {
			return r.failAt(lineNo+1, 0, fmt.Sprintf("read: %v", err))
		}
		lineNo++
	}
}

// readValues reads records written one after another.
func (r *reader) readValues(ctx context.Context) error {
	s := r.s
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, ok := s.Peek(); !ok {
			if s.Err() != nil {
				return r.failHere(fmt.Sprintf("read: %v", s.Err()))
			}
			return nil
		}
		rec := r.next()
		start := s.Offset()
		var notObject bool
		err := r.decode(func(buf []byte, i int) (int, error) {
			start = i
			end, no, err := r.dec.record(buf, i, rec)
			notObject = no
			return end, err
		})
		if err != nil {
			return err
		}
		if notObject {
			line, _ := s.Position(start)
			r.commit(errNotObject, line)
			continue
		}
		r.commit(nil, 0)
	}
}

// decode runs fn over the buffered input from the next unread byte,
// reading more while fn finds the value cut short, and reports a problem
// at the start of the value fn was reading.
func (r *reader) decode(fn func(buf []byte, i int) (int, error)) error {
	err := r.s.Value(fn)
	switch err {
	case nil:
		return nil
	case jsonstream.ErrIncomplete:
		if r.s.Err() == nil {
			return r.failHere("file ends in the middle of a JSON value")
		}
	case jsonstream.ErrTooLarge:
		return r.failHere("record larger than 64 MiB")
	case jsonstream.ErrSyntax:
		return r.failHere("invalid JSON")
	}
	if r.s.Err() != nil {
		return r.failHere(fmt.Sprintf("read: %v", r.s.Err()))
	}
	return r.failHere("invalid JSON")
}

var (
	errNotObject   = errors.New("is not a JSON object")
	errInvalidJSON = errors.New("is not valid JSON")
)

// incomplete reports input that ends where more was expected.
func (r *reader) incomplete() error {
	if r.s.Err() != nil {
		return r.failHere(fmt.Sprintf("read: %v", r.s.Err()))
	}
	return r.failHere("file ends in the middle of a JSON value")
}

// failHere reports a problem at the next unread byte.
func (r *reader) failHere(msg string) error {
	line, col := r.s.Here()
	return r.failAt(line, col, msg)
}

// failAt rejects the file when no record was read. Otherwise the records
// before the problem are kept and the rest is skipped, because a JSON
// reader cannot resume inside a broken stream.
func (r *reader) failAt(line, col int, msg string) error {
	if r.good == 0 {
		return &ingest.Error{Pos: ingest.Position{File: r.file, Line: line, Col: col}, Msg: msg}
	}
	r.warnf(line, col, "%s; the rest of the file was skipped", msg)
	return errStopped
}

// errStopped ends reading after a problem that spoils the rest of the file
// but not the records before it.
var errStopped = errors.New("reading stopped")

// linesDone rejects a JSON Lines file in which no line contained a record.
func (r *reader) linesDone() error {
	if r.good == 0 && r.firstBad > 0 {
		return ingest.Errorf(ingest.Position{File: r.file, Line: r.firstBad}, "no line contains a valid CloudTrail record")
	}
	return nil
}
