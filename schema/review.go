package schema

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
	"github.com/blastradius-dev/blastradius/review"
	"github.com/blastradius-dev/blastradius/whatif"
)

//go:embed review.graphql
var reviewSDL string

func init() { SDL += "\n" + reviewSDL }

// reviewPageSize is the page length of review lists when first is
// omitted.
const reviewPageSize = 50

// reviewTimeout bounds one review computation, which goes on after the
// request that started it times out, so that a later request finds it.
const reviewTimeout = 10 * time.Minute

// reviewCache keeps the latest review, computed once for all requests
// with the same arguments.
type reviewCache struct {
	mu  sync.Mutex
	key string
	run *reviewRun
}

type reviewRun struct {
	done chan struct{}
	rv   *review.Review
	err  error
}

type reviewArgs struct {
	Criticality *string
	UnusedDays  *int32
	AsOf        *string
	Kind        *string
	First       *int32
	After       *string
}

// page reads first and after for a list of n items and returns the
// slice bounds.
func page(first *int32, after *string, n, limit int) (int, int, error) {
	size := min(reviewPageSize, limit)
	if first != nil {
		if *first < 1 || int(*first) > limit {
			return 0, 0, badInput("invalid first %d: expected 1 to %d", *first, limit)
		}
		size = int(*first)
	}
	from := 0
	if after != nil {
		i, err := cursorIndex(*after)
		if err != nil {
			return 0, 0, badInput("invalid after: expected an endCursor of an earlier page")
		}
		from = i + 1
	}
	from = min(from, n)
	return from, min(from+size, n), nil
}

// Review lists page by index: the cursor holds the index of the item.
func indexCursor(i int) string { return encodeCursor("i", strconv.Itoa(i)) }

func cursorIndex(c string) (int, error) {
	key, err := decodeCursor("i", c)
	if err != nil {
		return 0, err
	}
	i, err := strconv.Atoi(key)
	if err != nil || i < 0 {
		return 0, errors.New("not a cursor")
	}
	return i, nil
}

// pageEnd returns the page info of a page that ends before item to of n.
func pageEnd(to, n int) pageInfo {
	v := pageInfo{HasNextPage: to < n}
	if to > 0 {
		c := indexCursor(to - 1)
		v.EndCursor = &c
	}
	return v
}

// Review resolves Query.review.
func (r *resolver) Review(ctx context.Context, args reviewArgs) (*reviewConnection, error) {
	opt := review.Options{UnusedDays: 90}
	if args.UnusedDays != nil {
		if *args.UnusedDays < 0 || *args.UnusedDays > 36500 {
			return nil, badInput("invalid unusedDays %d: expected 0 to 36500", *args.UnusedDays)
		}
		opt.UnusedDays = int(*args.UnusedDays)
	}
	opt.AsOf = time.Now().UTC().Truncate(24 * time.Hour)
	if args.AsOf != nil {
		t, err := time.Parse(time.RFC3339, *args.AsOf)
		if err != nil {
			return nil, badInput("invalid asOf %q: expected an RFC 3339 time, e.g. 2026-10-05T09:00:00Z", *args.AsOf)
		}
		opt.AsOf = t.UTC()
	}
	crit := ""
	if args.Criticality != nil {
		crit = *args.Criticality
		c, err := review.ParseCriticality("criticality", []byte(crit))
		if err != nil {
			return nil, badInput("%s", err.Error())
		}
		opt.Criticality = c
	}
	kind := ""
	if args.Kind != nil {
		kind = *args.Kind
		if kind != review.KindCredential && kind != review.KindPackage {
			return nil, badInput("invalid kind %q: expected credential or package", kind)
		}
	}
	// A review is a traversal per credential and package: it counts
	// against the request's budget like blastRadius does.
	if b, ok := ctx.Value(budgetKey{}).(*atomic.Int32); ok && b.Add(-1) < 0 {
		return nil, badInput("too many traversal fields in one request: at most %d; send the rest in another request", MaxTraversalsPerRequest)
	}
	rv, err := r.review(ctx, opt, crit)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}

	var entries []*review.Entry
	ranks := map[*review.Entry]int{}
	for i, e := range rv.Entries {
		ranks[e] = i + 1
		if kind == "" || e.Kind == kind {
			entries = append(entries, e)
		}
	}
	from, to, err := page(args.First, args.After, len(entries), r.maxResults)
	if err != nil {
		return nil, err
	}
	findings := make([]*findingView, len(rv.Findings))
	for i, f := range rv.Findings {
		findings[i] = viewFinding(f)
	}
	out := &reviewConnection{AsOf: formatTime(rv.AsOf), TotalCount: clamp(int64(len(entries))),
		Edges: []*reviewEdge{}, PageInfo: pageEnd(to, len(entries)), Findings: findings}
	for i := from; i < to; i++ {
		e := entries[i]
		ev := &reviewEntry{Rank: clamp(int64(ranks[e])), ID: nodeID(e.ID), Kind: e.Kind, Type: optString(e.Type),
			Label: optString(e.Label), Score: e.Score, Reached: clamp(int64(e.Reached)), Credentials: clamp(int64(e.Credentials)),
			Identities: clamp(int64(e.Identities)), LongLived: e.LongLived, LastUsed: optTime(e.LastUsed),
			Targets: []reviewTarget{}, Findings: []*findingView{}}
		for _, t := range e.Targets {
			ev.Targets = append(ev.Targets, reviewTarget{ID: nodeID(t.ID), Label: optString(t.Label), Weight: t.Weight,
				Level: optString(t.Level), Confidence: string(t.Confidence), Scope: t.Scope})
		}
		for _, fi := range e.Findings {
			if fi >= 0 && fi < len(findings) {
				ev.Findings = append(ev.Findings, findings[fi])
			}
		}
		out.Edges = append(out.Edges, &reviewEdge{Cursor: indexCursor(i), Node: ev})
	}
	return out, nil
}

// review returns the review for opt, computing it once per graph write
// and arguments; concurrent requests for the same review share one run.
func (r *resolver) review(ctx context.Context, opt review.Options, crit string) (*review.Review, error) {
	st, err := r.store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s\x00%d\x00%s\x00%s", st.LastWrite.Format(time.RFC3339Nano), opt.UnusedDays, opt.AsOf.Format(time.RFC3339), crit)
	c := r.reviews
	c.mu.Lock()
	run := c.run
	if run == nil || c.key != key {
		run = &reviewRun{done: make(chan struct{})}
		c.key, c.run = key, run
		go func() {
			defer close(run.done)
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), reviewTimeout)
			defer cancel()
			select {
			case r.slots <- struct{}{}:
				defer func() { <-r.slots }()
			case <-bg.Done():
				run.err = bg.Err()
				return
			}
			run.rv, run.err = review.Run(bg, r.store, opt)
			if run.err != nil {
				c.mu.Lock()
				if c.run == run {
					c.run = nil
				}
				c.mu.Unlock()
			}
		}()
	}
	c.mu.Unlock()
	select {
	case <-run.done:
		return run.rv, run.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type reviewConnection struct {
	AsOf       string
	TotalCount int32
	Edges      []*reviewEdge
	PageInfo   pageInfo
	Findings   []*findingView
}

type reviewEdge struct {
	Cursor string
	Node   *reviewEntry
}

type reviewEntry struct {
	Rank        int32
	ID          nodeID
	Kind        string
	Type        *string
	Label       *string
	Score       float64
	Targets     []reviewTarget
	Reached     int32
	Credentials int32
	Identities  int32
	LongLived   bool
	LastUsed    *string
	Findings    []*findingView
}

type reviewTarget struct {
	ID         nodeID
	Label      *string
	Weight     float64
	Level      *string
	Confidence string
	Scope      bool
}

type findingView struct {
	Kind    string
	Node    nodeID
	Label   *string
	Detail  string
	Related []nodeID
	Pos     *string
}

func viewFinding(f *review.Finding) *findingView {
	return &findingView{Kind: f.Kind, Node: nodeID(f.Node), Label: optString(f.Label), Detail: f.Detail,
		Related: ids(f.Related), Pos: optString(f.Pos)}
}

type whatIfArgs struct {
	Changes  string
	Start    startInput
	Since    *string
	MaxDepth *int32
}

// WhatIf resolves Query.whatIf.
func (r *resolver) WhatIf(ctx context.Context, args whatIfArgs) (*whatIfView, error) {
	s, opt, err := radiusArgs{Start: args.Start, Since: args.Since, MaxDepth: args.MaxDepth}.request()
	if err != nil {
		return nil, err
	}
	edits, err := whatif.ParseChanges("changes", []byte(args.Changes))
	if err != nil {
		return nil, badInput("%s", err.Error())
	}
	// Each edit is re-applied alone: a what-if costs a traversal per edit
	// and two more.
	if b, ok := ctx.Value(budgetKey{}).(*atomic.Int32); ok && b.Add(-1) < 0 {
		return nil, badInput("too many traversal fields in one request: at most %d; send the rest in another request", MaxTraversalsPerRequest)
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, classify(ctx, r.log, r.timeout, ctx.Err())
	}
	rep, err := whatif.Run(ctx, r.store, edits, whatif.Options{Start: s, Query: opt, Derive: r.derive})
	switch {
	case errors.Is(err, whatif.ErrEdit), errors.Is(err, query.ErrInvalid):
		return nil, badInput("%s", err.Error())
	case err != nil:
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	v := &whatIfView{r: r, rep: rep, Query: rep.Query, Before: r.viewResult(rep.Before), After: r.viewResult(rep.After),
		PlanBefore: r.viewPlan(rep.PlanBefore), PlanAfter: r.viewPlan(rep.PlanAfter),
		PlanChanges: planChanges{Removed: ids(rep.Plan.Removed), Added: ids(rep.Plan.Added), Moved: rep.Plan.Moved}}
	for _, e := range rep.Edits {
		v.Edits = append(v.Edits, whatIfEdit{Kind: e.Edit.Kind, Description: e.Description, Rederived: e.Rederived,
			Closes: ids(e.Closes), Opens: ids(e.Opens)})
	}
	if v.Edits == nil {
		v.Edits = []whatIfEdit{}
	}
	return v, nil
}

type whatIfView struct {
	r           *resolver
	rep         *whatif.Report
	Query       string
	Edits       []whatIfEdit
	Before      *blastRadius
	After       *blastRadius
	PlanBefore  *revocationPlan
	PlanAfter   *revocationPlan
	PlanChanges planChanges
}

type whatIfEdit struct {
	Kind        string
	Description string
	Rederived   bool
	Closes      []nodeID
	Opens       []nodeID
}

type planChanges struct {
	Removed []nodeID
	Added   []nodeID
	Moved   []string
}

type pageArgs struct {
	First *int32
	After *string
}

// Closed resolves WhatIf.closed.
func (v *whatIfView) Closed(args pageArgs) (*pathChangeConnection, error) {
	return v.changes(v.rep.Closed, args)
}

// Opened resolves WhatIf.opened.
func (v *whatIfView) Opened(args pageArgs) (*pathChangeConnection, error) {
	return v.changes(v.rep.Opened, args)
}

func (v *whatIfView) changes(cs []whatif.Change, args pageArgs) (*pathChangeConnection, error) {
	first := args.First
	if first == nil {
		n := int32(min(v.r.maxResults, 1<<30))
		first = &n
	}
	from, to, err := page(first, args.After, len(cs), v.r.maxResults)
	if err != nil {
		return nil, err
	}
	out := &pathChangeConnection{TotalCount: clamp(int64(len(cs))), Edges: []*pathChangeEdge{}, PageInfo: pageEnd(to, len(cs))}
	for i := from; i < to; i++ {
		out.Edges = append(out.Edges, &pathChangeEdge{Cursor: indexCursor(i),
			Node: &pathChange{Node: v.r.node(cs[i].Node), Path: hops(cs[i].Path)}})
	}
	return out, nil
}

type pathChangeConnection struct {
	TotalCount int32
	Edges      []*pathChangeEdge
	PageInfo   pageInfo
}

type pathChangeEdge struct {
	Cursor string
	Node   *pathChange
}

type pathChange struct {
	Node *node
	Path []hop
}

func hops(path []query.Hop) []hop {
	out := make([]hop, 0, len(path))
	for _, h := range path {
		out = append(out, hop{From: nodeID(h.From), Kind: string(h.Kind), To: nodeID(h.To),
			Reversed: h.Reversed, Confidence: string(h.Confidence), Reason: optString(h.Reason),
			Level: optString(h.Level), Actions: optString(h.Actions), Pos: optPos(h.Pos)})
	}
	return out
}

// reviewDeps holds the linker and the review cache, which the review and
// whatIf fields need beyond the store.
type reviewDeps struct {
	derive  graph.DeriveFunc
	reviews *reviewCache
}
