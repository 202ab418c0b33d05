// Package cloudtrail reads AWS CloudTrail logs and records who was seen
// calling what. Each calling identity gets an OBSERVED edge to each role,
// secret or resource its calls named. The edge aggregates the calls as
// evidence: times, actions, source addresses, user agents, access key ids.
//
// It reads the delivery format that CloudTrail writes to S3
// ({"Records": [...]}, gzip being undone by the caller), a bare JSON array
// of records, JSON Lines with one record per line, records written one
// after another, the output of `aws cloudtrail lookup-events`
// ({"Events": [{"CloudTrailEvent": "<record as JSON text>"}]}), and CSV
// exports of CloudTrail Lake or Athena queries. Records are decoded one at
// a time by a decoder that reads only the fields it uses, so memory grows
// with the number of distinct identities and targets, not with the file.
// The digest files CloudTrail writes beside its logs are recognised and
// skipped.
//
// Failed calls are kept apart: an edge whose calls all failed with an
// access error carries denied_only=true and is evidence of probing, never
// of use. Session credentials issued by an AssumeRole call in the same file
// are followed to the later calls made with them (attrs linked_session and
// assumed_by). A role obtained with a web identity token keeps the token's
// subject, and for GitHub Actions the repository, ref and environment it
// names. Calls that land in another account than the caller's carry
// cross_account=true.
//
// One Parser counts each event once: a record that repeats the eventID,
// time, source and name of a record read before, in any file, adds no
// facts. A list call that names no resource (s3:ListBuckets) is observed
// on the service's listing node, not on the scope of the whole service.
//
// Sessions are linked within one file here. The linker joins sessions
// across files through the session_keys attribute and the access key ids in
// the evidence.
//
// Limitations: IAM users and roles named only by name in request
// parameters get the path "/", so a principal with another path gets a
// second id. Records that name no usable identity (userIdentity missing,
// or of type Unknown) are counted but add no facts.
package cloudtrail

import (
	"bytes"
	"context"
	"io"
	"path"
	"regexp"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// Parser reads CloudTrail logs. A record whose eventID an earlier record
// of the same parser had, in this file or another, adds no facts: log
// folders and exports often overlap, and each event happened once. Use
// one Parser per ingest run.
type Parser struct {
	events events
}

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
	// deliveryStart is how a CloudTrail delivery to S3 starts.
	deliveryStart = regexp.MustCompile(`^\{\s*"Records"\s*:\s*\[\s*\{\s*"eventVersion"\s*:`)
	eventsKey     = regexp.MustCompile(`"Events"\s*:\s*\[`)
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
)

// Detect reports whether the head of the file contains CloudTrail records:
// an object with a "Records" array, an array of records, records one per
// line, lookup-events output, or a CSV export.
func (*Parser) Detect(f *ingest.File) bool {
	h := trimHead(f.Head)
	if len(h) == 0 {
		return false
	}
	if h[0] != '{' && h[0] != '[' {
		return isCSVExport(h)
	}
	if isLookupEvents(h) {
		return true
	}
	if isCutDelivery(h) {
		return true
	}
	if !sourcePattern.Match(h) || !bytes.Contains(h, []byte(`"eventName"`)) {
		return false
	}
	if h[0] == '[' {
		return true
	}
	// EventBridge wraps a CloudTrail record in "detail", so its outer
	// object is no record.
	return recordsKey.Match(h) || !bytes.Contains(h, []byte(`"detail-type"`))
}

// isCutDelivery reports whether a head is a whole file that starts as a
// CloudTrail delivery and ends before its first record names its event
// source: a log cut short in transfer. The parser then rejects it with the
// position where it ends, where it would otherwise be skipped as a file of
// no known format.
func isCutDelivery(h []byte) bool {
	return len(h) < ingest.HeadSize && deliveryStart.Match(h) && !bytes.Contains(h, []byte(`"eventSource"`))
}

// isLookupEvents reports whether a head starts the output of
// `aws cloudtrail lookup-events`.
func isLookupEvents(h []byte) bool {
	return h[0] == '{' && eventsKey.Match(h) && bytes.Contains(h, []byte(`"CloudTrailEvent"`))
}

// Skip names the digest files CloudTrail delivers beside its logs, in
// CloudTrail-Digest folders, which hold hashes of log files and no calls.
func (*Parser) Skip(f *ingest.File) string {
	if isDigest(f) {
		return "CloudTrail digest file"
	}
	return ""
}

func isDigest(f *ingest.File) bool {
	h := trimHead(f.Head)
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	if bytes.Contains(h, []byte(`"digestPublicKeyFingerprint"`)) || bytes.Contains(h, []byte(`"digestS3Object"`)) {
		return true
	}
	for dir := path.Dir(f.RelPath); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if path.Base(dir) == "CloudTrail-Digest" {
			return bytes.Contains(h, []byte(`"digestStartTime"`))
		}
	}
	return false
}

func trimHead(b []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
}

// Parse reads the records of the file and adds the identities, targets
// and OBSERVED edges they show. One goroutine decodes records while the
// calling one turns them into facts.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	rc, err := f.Open()
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()

	s := jsonstream.NewSize(rc, f.Size)
	defer s.Release()
	s.SkipBOM()
	c, ok := s.Peek()
	h := s.Head()
	var read func(*reader, context.Context) error
	switch {
	case !ok && s.Err() != nil:
		return ingest.Errorf(ingest.Position{File: f.Path}, "read: %v", s.Err())
	case !ok:
		return ingest.Errorf(ingest.Position{File: f.Path}, "file is empty")
	case c == '[':
		read = func(r *reader, ctx context.Context) error { return r.readArray(ctx, false) }
	case c == '{' && (isLookupEvents(h) || recordsKey.Match(h)):
		read = (*reader).readDelivery
	case c == '{':
		read = (*reader).readLines
	case isCSVExport(h):
		read = func(r *reader, ctx context.Context) error {
			return r.readCSV(ctx, io.MultiReader(bytes.NewReader(h), rc))
		}
	default:
		return ingest.Errorf(ingest.Position{File: f.Path, Line: 1}, "not a CloudTrail log: expected a JSON object or array")
	}

	b := newBuilder(f.Path, env, res)
	b.events = &p.events
	if err := b.consume(ctx, newReader(f.Path, s), read); err != nil {
		return err
	}
	b.flush()
	return nil
}
