// Package gcpaudit reads Google Cloud audit logs and records who was seen
// calling what. Each calling principal gets an OBSERVED edge to each
// resource its calls named, with the calls aggregated as evidence: times,
// methods, caller addresses, user agents, service account key ids.
//
// It reads LogEntry objects whose protoPayload is an AuditLog: a JSON
// array as `gcloud logging read --format=json` prints it, JSON Lines as
// log sinks write them, and the {"entries": [...]} responses of the
// logging API. A call whose status code is not 0, or for which an
// authorizationInfo entry has granted set to false, counts as denied.
//
// Callers: principalEmail names a service account (gcp:sa:EMAIL), a
// Google account (gcp:user:EMAIL) or, for GKE entries, a Kubernetes
// service account or user; principalSubject names a workload identity
// pool principal. A call signed with a service account key adds the key,
// AUTHENTICATES_AS the service account, with the calls it signed; a call
// made by impersonation adds an OBSERVED edge from each delegating
// principal to the service account (attr delegation=true).
//
// Targets come from resourceName: buckets (objects stand for their
// bucket), Secret Manager secrets, service accounts and their keys,
// projects, Kubernetes objects for GKE entries, and any other resource by
// its full name. Token minting calls of the IAM credentials API target
// the service account whose token was minted.
//
// Limitations: Secret Manager secrets and projects are named as the log
// names them, by project number or id, so a secret logged under its
// project number and declared under its project id gets two ids.
package gcpaudit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
)

// Parser reads Google Cloud audit logs.
type Parser struct{}

// New returns a Google Cloud audit log parser.
func New() *Parser { return &Parser{} }

// Format returns "gcp-audit".
func (*Parser) Format() string { return "gcp-audit" }

var (
	protoPayload = regexp.MustCompile(`(?i)"protoPayload"\s*:\s*\{`)
	auditFields  = regexp.MustCompile(`"(methodName|serviceName|authenticationInfo|resourceName)"\s*:`)
)

// Detect reports whether the head of the file holds audit log entries:
// a protoPayload with the fields of an AuditLog.
func (*Parser) Detect(f *ingest.File) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(f.Head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(h) == 0 || (h[0] != '{' && h[0] != '[') {
		return false
	}
	return protoPayload.Match(h) && auditFields.Match(h)
}

// Parse reads the entries of the file one at a time.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	rc, err := f.Open()
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()

	s := jsonstream.NewSize(rc, f.Size)
	defer s.Release()
	s.SkipBOM()
	if _, ok := s.Peek(); !ok && s.Err() == nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "file is empty")
	}
	b := &builder{file: f.Path, res: res, obs: observe.New(f.Path)}
	err = jsonstream.Records(ctx, s, []string{"entries"}, b.record)
	var je *jsonstream.Error
	switch {
	case errors.As(err, &je):
		pos := ingest.Position{File: f.Path, Line: je.Line, Col: je.Col}
		if res.Records == 0 {
			return &ingest.Error{Pos: pos, Msg: je.Msg}
		}
		res.Warnf(pos, "%s; the rest of the file was skipped", je.Msg)
	case err != nil:
		return err
	}
	if res.Records == 0 && b.firstBad > 0 {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: b.firstBad}, "no record is a JSON object")
	}
	b.obs.Flush(res)
	return nil
}

type builder struct {
	file     string
	res      *ingest.Result
	obs      *observe.Builder
	index    int
	firstBad int
}

var (
	errNotObject = errors.New("is not a JSON object")
	errInvalid   = errors.New("is not valid JSON")
)

// record reads one log entry.
func (b *builder) record(rec jsonstream.Record) error {
	b.index++
	if rec.TooLong {
		b.res.Warnf(ingest.Position{File: b.file, Line: rec.Line}, "line longer than %d MiB skipped", jsonstream.MaxLine>>20)
		return nil
	}
	var e entry
	if err := decode(rec.Raw, &e); err != nil {
		b.res.Warnf(ingest.Position{File: b.file, Line: rec.Line}, "record %d %v; skipped", b.index, err)
		if b.firstBad == 0 {
			b.firstBad = rec.Line
		}
		return nil
	}
	b.res.Records++
	if e.ProtoPayload != nil {
		b.add(&e, graph.Pos{File: b.file, Line: b.index})
	}
	return nil
}

func decode(raw []byte, e *entry) error {
	if len(raw) == 0 || raw[0] != '{' {
		if !json.Valid(raw) {
			return errInvalid
		}
		return errNotObject
	}
	if err := json.Unmarshal(raw, e); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return errInvalid
		}
	}
	return nil
}

// add turns one entry into facts.
func (b *builder) add(e *entry, at graph.Pos) {
	p := e.ProtoPayload
	caller, ok := e.caller()
	if !ok {
		return
	}
	b.obs.Node(caller, at)
	call := observe.Call{
		At:     at,
		Time:   e.time(),
		Action: p.MethodName,
		Addr:   p.RequestMetadata.CallerIP,
		Agent:  p.RequestMetadata.CallerSuppliedUserAgent,
		Denied: e.denied(),
	}

	if key, ok := e.key(); ok {
		b.obs.Node(key, at)
		call.Key = key.Attrs[attrKeyID]
		signed := call
		signed.From, signed.To = key.ID, caller.ID
		b.obs.Signed(signed)
	}
	for _, d := range e.delegates() {
		b.obs.Node(d, at)
		c := call
		c.From, c.To = d.ID, caller.ID
		c.Attrs = map[string]string{"delegation": "true"}
		b.obs.Observe(c)
	}

	for _, t := range e.targets() {
		b.obs.Node(t, at)
		c := call
		c.From, c.To = caller.ID, t.ID
		b.obs.Observe(c)
	}
}
