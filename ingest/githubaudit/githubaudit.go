// Package githubaudit reads GitHub audit log exports and records who was
// seen doing what to which repository. Each actor gets an OBSERVED edge to
// each repository its actions named, with the actions aggregated as
// evidence: times, action names (git.clone, repo.destroy, ...), addresses,
// user agents, and the ids of the tokens used.
//
// It reads the JSON and JSON Lines exports of an organization's or
// enterprise's audit log, the audit log stream's records (with
// @timestamp), and, for mixed logs, webhook payloads that name a sender
// and a repository. A push payload counts as the sender's git.push.
//
// An action made with a token adds the token as a Secret that
// AUTHENTICATES_AS the actor, with the actions it made as evidence, and
// names the token in the evidence's keys. Personal access tokens, OAuth
// tokens and app tokens leave a token_id or a hashed_token in the log.
// Only those ids and hashes are kept, never a token value.
//
// Actions that name no repository target the user they name (membership
// changes), else the organization, else the enterprise. The audit log
// lists actions that were performed, so no action counts as denied.
package githubaudit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
)

// Parser reads GitHub audit logs.
type Parser struct {
	mu sync.Mutex
	// run gathers the token facts of every file of the current run. It
	// is nil until Prepare starts a run.
	run *runTokens
}

// Prepare implements ingest.Preparer: it starts a run, whose files' tokens
// join once every file is parsed.
func (p *Parser) Prepare([]*ingest.File) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.run = &runTokens{facts: newTokenFacts()}
}

// New returns a GitHub audit log parser.
func New() *Parser { return &Parser{} }

// Format returns "github-audit".
func (*Parser) Format() string { return "github-audit" }

var (
	// auditAction matches the dotted action of an audit log entry, such
	// as "repo.create" or "org.update_member".
	auditAction = regexp.MustCompile(`"action"\s*:\s*"[a-z0-9_]+\.[a-z0-9_.]+"`)
	auditFields = regexp.MustCompile(`"(actor|actor_id|org|business|repo|user|@timestamp|created_at)"\s*:`)
)

// Detect reports whether the head of the file holds audit log entries: a
// dotted action beside an actor, organization or time.
func (*Parser) Detect(f *ingest.File) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(f.Head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(h) == 0 || (h[0] != '{' && h[0] != '[') {
		return false
	}
	return auditAction.Match(h) && auditFields.Match(h) && !bytes.Contains(h, []byte(`"eventSource"`))
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
	b := &builder{file: f.Path, res: res, obs: observe.New(f.Path), tokens: newTokenFacts()}
	err = jsonstream.Records(ctx, s, []string{"entries", "records"}, b.record)
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
	// An entry may name a token by its hash alone, or without its type,
	// which a later entry or another file of the run gives. In a run, the
	// tokens join once every file is parsed: another file may pair a hash
	// with a second token_id, and then the hash joins neither.
	p.mu.Lock()
	run := p.run
	p.mu.Unlock()
	if run == nil {
		b.tokens.resolve(res)
		return nil
	}
	run.add(b.tokens)
	if hasSecret(res) {
		res.Check = run.check
	}
	return nil
}

// hasSecret reports whether res holds a node of a token.
func hasSecret(res *ingest.Result) bool {
	for i := range res.Nodes {
		if res.Nodes[i].Kind == graph.NodeSecret {
			return true
		}
	}
	return false
}

type builder struct {
	file     string
	res      *ingest.Result
	obs      *observe.Builder
	tokens   *tokenFacts
	index    int
	firstBad int
}

var (
	errNotObject = errors.New("is not a JSON object")
	errInvalid   = errors.New("is not valid JSON")
)

// record reads one entry.
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
	b.add(&e, graph.Pos{File: b.file, Line: b.index})
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
	b.tokens.learn(e)
	login := e.actor()
	if login == "" {
		return
	}
	actor := userNode(login)
	b.obs.Node(actor, at)
	call := observe.Call{
		At:     at,
		Time:   e.time(),
		Action: e.action(),
		Addr:   e.ActorIP,
		Agent:  e.UserAgent,
	}
	if tok, ok := e.token(); ok {
		b.obs.Node(tok, at)
		// A token acts in each organisation that grants it access, and
		// each one's log names it.
		b.obs.AddToList(tok.ID, "org", e.Org)
		call.Key = tok.Attrs[attrKeyID]
		signed := call
		signed.From, signed.To = tok.ID, actor.ID
		b.obs.Signed(signed)
	}
	target, ok := e.target()
	if !ok {
		return
	}
	b.obs.Node(target, at)
	call.From, call.To = actor.ID, target.ID
	b.obs.Observe(call)
}

// Ids this format writes that graph/ids.go does not spell.

// UserID returns the id of a GitHub account by login.
func UserID(login string) string { return "github:user:" + strings.ToLower(login) }

// OrgID returns the id of a GitHub organization.
func OrgID(org string) string { return "github:org:" + strings.ToLower(org) }

// EnterpriseID returns the id of a GitHub enterprise.
func EnterpriseID(slug string) string { return "github:enterprise:" + strings.ToLower(slug) }

// TokenID returns the id of a token by the id or hash GitHub logs for it.
func TokenID(id string) string { return "secret:github:token:" + id }

const attrKeyID = "key_id"

func userNode(login string) observe.Node {
	typ := "user"
	if strings.HasSuffix(login, "[bot]") {
		typ = "bot"
	}
	return observe.Node{ID: UserID(login), Kind: graph.NodeIdentity, Attrs: map[string]string{
		graph.AttrProvider: "github", "type": typ, graph.AttrName: login,
	}}
}
