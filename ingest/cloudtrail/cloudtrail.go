// Package cloudtrail reads AWS CloudTrail logs and records who was seen
// calling what. Each calling identity gets an OBSERVED edge to each role,
// secret or resource its calls named. The edge aggregates the calls as
// evidence: times, actions, source addresses, user agents, access key ids.
//
// It reads the delivery format that CloudTrail writes to S3
// ({"Records": [...]}, gzip being undone by the caller), a bare JSON array
// of records, JSON Lines with one record per line, and records written one
// after another. Records are decoded one at a time, so memory grows with
// the number of distinct identities and targets, not with the file.
//
// Failed calls are kept apart: an edge whose calls all failed with an
// access error carries denied_only=true and is evidence of probing, never
// of use. Session credentials issued by an AssumeRole call in the same file
// are followed to the later calls made with them (attr linked_session).
//
// Limitations: sessions are linked within one file only; the linker can
// join files through the session_keys attribute and the access key ids in
// the evidence. IAM users and roles named only by name in request
// parameters get the path "/", so a principal with another path gets a
// second id. Records that name no usable identity (userIdentity missing,
// or of type Unknown) are counted but add no facts.
package cloudtrail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest"
)

// Parser reads CloudTrail logs.
type Parser struct{}

// New returns a CloudTrail parser.
func New() *Parser { return &Parser{} }

// Format returns "cloudtrail".
func (*Parser) Format() string { return "cloudtrail" }

var (
	// sourcePattern matches the eventSource of a CloudTrail record. Lambda
	// event payloads for S3, SQS and SNS also wrap records in "Records" but
	// name their source "aws:s3" and so on.
	sourcePattern = regexp.MustCompile(`"eventSource"\s*:\s*"[a-z0-9.-]+\.amazonaws\.com"`)
	recordsKey    = regexp.MustCompile(`"Records"\s*:\s*\[`)
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
)

// Detect reports whether the head of the file contains CloudTrail records:
// an object with a "Records" array, an array of records, or records one
// per line.
func (*Parser) Detect(f *ingest.File) bool {
	h := trimHead(f.Head)
	if len(h) == 0 || !sourcePattern.Match(h) || !bytes.Contains(h, []byte(`"eventName"`)) {
		return false
	}
	switch h[0] {
	case '[':
		return true
	case '{':
		// EventBridge wraps a CloudTrail record in "detail", so its
		// outer object is no record.
		return recordsKey.Match(h) || !bytes.Contains(h, []byte(`"detail-type"`))
	}
	return false
}

func trimHead(b []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
}

// maxLine bounds one line of a JSON Lines file.
const maxLine = 8 << 20

// Parse reads the records of the file one at a time and adds the identities,
// targets and OBSERVED edges they show.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	rc, err := f.Open()
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()

	br := bufio.NewReaderSize(rc, 64<<10)
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(ingest.HeadSize)
	h := bytes.TrimLeft(head, " \t\r\n")

	b := newBuilder(f.Path, env, res)
	switch {
	case len(h) == 0:
		return ingest.Errorf(ingest.Position{File: f.Path}, "file is empty")
	case h[0] == '[':
		err = b.readArray(ctx, newDecoder(br))
	case h[0] == '{' && recordsKey.Match(h):
		err = b.readDelivery(ctx, newDecoder(br))
	case h[0] == '{':
		err = b.readLines(ctx, br)
	default:
		return ingest.Errorf(ingest.Position{File: f.Path, Line: 1}, "not a CloudTrail log: expected a JSON object or array")
	}
	if err != nil && !errors.Is(err, errStopped) {
		return err
	}
	b.flush()
	return nil
}

// decoder is a JSON decoder that can tell the line of any byte it has
// read since the last record.
type decoder struct {
	*json.Decoder
	lines *lineCounter
}

func newDecoder(r io.Reader) *decoder {
	lc := &lineCounter{r: r, line: 1, col: 1}
	return &decoder{Decoder: json.NewDecoder(lc), lines: lc}
}

// next returns the line and column of the next token, the first byte after
// the decoder's position that is not white space, a comma or a colon.
func (d *decoder) next() (line, col int) {
	line, col, _ = d.lines.next(d.InputOffset())
	return line, col
}

// decodeRecord decodes the next value of the stream as a record and
// returns the line where it starts. err is a syntax or read error that
// ends the stream, and bad is set for a value that is no JSON object.
func (d *decoder) decodeRecord(rec *record) (line int, bad error, err error) {
	off := d.InputOffset()
	*rec = record{}
	err = d.Decode(rec)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		err = nil
	}
	if err != nil {
		return 0, nil, err
	}
	line, _, first := d.lines.next(off)
	if first != '{' {
		bad = errNotObject
	}
	return line, bad, nil
}

// decodeLine decodes one line of a JSON Lines file as a record.
func decodeLine(text []byte, rec *record) error {
	*rec = record{}
	if len(text) == 0 || text[0] != '{' {
		if !json.Valid(text) {
			return errInvalidJSON
		}
		return errNotObject
	}
	err := json.Unmarshal(text, rec)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return errInvalidJSON
	}
	return nil
}

var (
	errNotObject   = errors.New("is not a JSON object")
	errInvalidJSON = errors.New("is not valid JSON")
)

// skipValue consumes one JSON value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// readDelivery reads {"Records": [...]} objects, skipping other keys. More
// than one such object may follow another.
func (b *builder) readDelivery(ctx context.Context, dec *decoder) error {
	for {
		line, col := dec.next()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return b.syntax(dec, err)
		}
		if tok != json.Delim('{') {
			return b.failAt(line, col, "expected an object with a Records array")
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return b.syntax(dec, err)
			}
			if key != "Records" {
				if err := dec.Decode(&skipValue{}); err != nil {
					return b.syntax(dec, err)
				}
				dec.lines.at(dec.InputOffset())
				continue
			}
			if err := b.readArray(ctx, dec); err != nil {
				return err
			}
			dec.lines.at(dec.InputOffset())
		}
		if _, err := dec.Token(); err != nil {
			return b.syntax(dec, err)
		}
	}
}

// readArray reads one array of records.
func (b *builder) readArray(ctx context.Context, dec *decoder) error {
	line, col := dec.next()
	tok, err := dec.Token()
	if err != nil {
		return b.syntax(dec, err)
	}
	if tok != json.Delim('[') {
		return b.failAt(line, col, "expected an array of records")
	}
	var rec record
	for dec.More() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, bad, err := dec.decodeRecord(&rec)
		if err != nil {
			return b.syntax(dec, err)
		}
		b.record(&rec, bad, line)
	}
	if _, err := dec.Token(); err != nil {
		return b.syntax(dec, err)
	}
	return nil
}

// readLines reads JSON Lines, or, when the first line does not contain a
// whole record, JSON values one after another.
func (b *builder) readLines(ctx context.Context, br *bufio.Reader) error {
	first, lineNo, err := b.firstLine(br)
	if err != nil {
		return err
	}
	// A record written over several lines starts with a line that is not
	// a whole JSON value and does not end with a closing brace.
	if text := bytes.TrimSpace(first); !json.Valid(text) && !bytes.HasSuffix(text, []byte("}")) {
		return b.readValues(ctx, newDecoder(io.MultiReader(bytes.NewReader(first), strings.NewReader("\n"), br)))
	}
	var rec record
	line := first
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if text := bytes.TrimSpace(line); len(text) > 0 {
			bad := decodeLine(text, &rec)
			b.record(&rec, bad, lineNo)
		}
		var tooLong bool
		line, tooLong, err = readLine(br)
		if err == io.EOF && len(line) == 0 {
			return b.linesDone()
		}
		if err != nil && err != io.EOF {
			return b.failAt(lineNo+1, 0, fmt.Sprintf("read: %v", err))
		}
		lineNo++
		if tooLong {
			b.res.Warnf(ingest.Position{File: b.file, Line: lineNo}, "line longer than %d MiB skipped", maxLine>>20)
			line = nil
		}
	}
}

// firstLine returns the first line that is not blank and its number.
func (b *builder) firstLine(br *bufio.Reader) ([]byte, int, error) {
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, 0, ingest.Errorf(ingest.Position{File: b.file, Line: n}, "read: %v", err)
		}
		if tooLong {
			return nil, 0, ingest.Errorf(ingest.Position{File: b.file, Line: n}, "first line longer than %d MiB", maxLine>>20)
		}
		if len(bytes.TrimSpace(line)) > 0 || err == io.EOF {
			return line, n, nil
		}
	}
}

// readLine reads one line without its end of line. A line longer than
// maxLine is consumed and reported as too long, with no content.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxLine {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, err
	}
}

// readValues reads records written one after another.
func (b *builder) readValues(ctx context.Context, dec *decoder) error {
	var rec record
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, bad, err := dec.decodeRecord(&rec)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return b.syntax(dec, err)
		}
		b.record(&rec, bad, line)
	}
}

// syntax reports a decoder error. It rejects the file when no record was
// read. Otherwise the records before the error are kept and the rest is
// skipped, because a JSON decoder cannot resume inside a broken stream.
func (b *builder) syntax(dec *decoder, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return b.fail(dec, "file ends in the middle of a JSON value")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return b.fail(dec, "invalid JSON")
	}
	return b.fail(dec, fmt.Sprintf("read: %v", err))
}

// fail reports a problem at the decoder's next token.
func (b *builder) fail(dec *decoder, msg string) error {
	line, col := dec.next()
	return b.failAt(line, col, msg)
}

func (b *builder) failAt(line, col int, msg string) error {
	pos := ingest.Position{File: b.file, Line: line, Col: col}
	if b.res.Records == 0 {
		return &ingest.Error{Pos: pos, Msg: msg}
	}
	b.res.Warnf(pos, "%s; the rest of the file was skipped", msg)
	return errStopped
}

// errStopped ends reading after a problem that spoils the rest of the file
// but not the records before it.
var errStopped = errors.New("reading stopped")

// linesDone rejects a JSON Lines file in which no line contained a record.
func (b *builder) linesDone() error {
	if b.res.Records == 0 && b.firstBad > 0 {
		return ingest.Errorf(ingest.Position{File: b.file, Line: b.firstBad}, "no line contains a valid CloudTrail record")
	}
	return nil
}
