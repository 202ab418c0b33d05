package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/history"
	"github.com/blastradius-dev/blastradius/query"
)

// CodeUnavailable: the store keeps no history, so snapshots and diff
// have no data to return.
const CodeUnavailable Code = "UNAVAILABLE"

// HistoryReader is a graph.Reader whose store keeps snapshots. The reader
// that serve passes to NewHandler implements it for the embedded store.
// Snapshots and diff then read the history of the store file HistoryDB
// names.
type HistoryReader interface {
	HistoryDB() string
}

// defaultPageSize is the page length when a query gives no first.
const defaultPageSize = 100

type pageInfo struct {
	HasNextPage bool
	EndCursor   *string
}

type snapshotView struct {
	Time string
	Size int32
}

type snapshotEdge struct {
	Cursor string
	Node   snapshotView
}

type snapshotConnection struct {
	Edges      []snapshotEdge
	PageInfo   pageInfo
	TotalCount int32
}

type changeView struct {
	Change  string
	Subject string
	Summary string
	Node    *node
	Edge    *edge
	Target  *nodeID
	Path    *[]hop
}

type changeEdge struct {
	Cursor string
	Node   *changeView
}

type diffConnection struct {
	From       snapshotView
	To         snapshotView
	Query      *string
	Edges      []changeEdge
	PageInfo   pageInfo
	TotalCount int32
}

func (r *resolver) historyDB() (string, error) {
	h, ok := r.store.(HistoryReader)
	if !ok || h.HistoryDB() == "" {
		return "", &codedError{code: CodeUnavailable, msg: history.ErrNoHistory.Error()}
	}
	return h.HistoryDB(), nil
}

func (r *resolver) pageSize(first *int32) (int, error) {
	if first == nil {
		return min(defaultPageSize, r.maxResults), nil
	}
	if *first < 1 || int(*first) > r.maxResults {
		return 0, badInput("invalid first %d: expected 1 to %d", *first, r.maxResults)
	}
	return int(*first), nil
}

// Cursors are opaque to clients: a kind, then the position's key.
func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

func decodeCursor(kind, cursor string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	key, ok := strings.CutPrefix(string(raw), kind+":")
	if err != nil || !ok {
		return "", badInput("invalid after: expected a cursor from pageInfo.endCursor of the same field")
	}
	return key, nil
}

func viewSnapshot(s history.Snapshot) snapshotView {
	return snapshotView{Time: s.Time.Format(time.RFC3339), Size: clamp(s.Size)}
}

// Snapshots resolves Query.snapshots.
func (r *resolver) Snapshots(ctx context.Context, args struct {
	First *int32
	After *string
}) (*snapshotConnection, error) {
	db, err := r.historyDB()
	if err != nil {
		return nil, err
	}
	n, err := r.pageSize(args.First)
	if err != nil {
		return nil, err
	}
	list, err := history.List(db)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Time.After(list[j].Time) })
	start := 0
	if args.After != nil {
		key, err := decodeCursor("snapshot", *args.After)
		if err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339, key)
		if err != nil {
			return nil, badInput("invalid after: expected a cursor from pageInfo.endCursor of the same field")
		}
		start = sort.Search(len(list), func(i int) bool { return list[i].Time.Before(t) })
	}
	out := &snapshotConnection{Edges: []snapshotEdge{}, TotalCount: clamp(int64(len(list)))}
	end := min(start+n, len(list))
	for _, s := range list[start:end] {
		out.Edges = append(out.Edges, snapshotEdge{Cursor: encodeCursor("snapshot", s.Time.Format(time.RFC3339)), Node: viewSnapshot(s)})
	}
	out.PageInfo = pageInfo{HasNextPage: end < len(list)}
	if len(out.Edges) > 0 {
		out.PageInfo.EndCursor = &out.Edges[len(out.Edges)-1].Cursor
	}
	return out, nil
}

type diffArgs struct {
	From     string
	To       *string
	Packages *[]string
	First    *int32
	After    *string
}

// change is one entry of a diff with its position: subject, then kind,
// then key.
type change struct {
	rank int // subject*2 + kind: NODE REMOVED, NODE ADDED, EDGE REMOVED, ...
	key  string
	view *changeView
}

func (c change) cursor() string { return encodeCursor("change", strconv.Itoa(c.rank)+":"+c.key) }

func (c change) after(rank int, key string) bool {
	return c.rank > rank || c.rank == rank && c.key > key
}

// Diff resolves Query.diff.
func (r *resolver) Diff(ctx context.Context, args diffArgs) (*diffConnection, error) {
	db, err := r.historyDB()
	if err != nil {
		return nil, err
	}
	n, err := r.pageSize(args.First)
	if err != nil {
		return nil, err
	}
	from, err := time.Parse(time.RFC3339, args.From)
	if err != nil {
		return nil, badInput("invalid from %q: expected an RFC 3339 time, e.g. 2026-10-05T09:00:00Z", args.From)
	}
	to := time.Now()
	if args.To != nil {
		if to, err = time.Parse(time.RFC3339, *args.To); err != nil {
			return nil, badInput("invalid to %q: expected an RFC 3339 time, e.g. 2026-10-05T09:00:00Z", *args.To)
		}
	}
	var start query.Start
	if args.Packages != nil {
		if len(*args.Packages) > maxStartRefs {
			return nil, badInput("packages names %d purls, over the limit of %d", len(*args.Packages), maxStartRefs)
		}
		for i, p := range *args.Packages {
			if _, err := query.ParsePackage(p); err != nil {
				return nil, badInput("invalid packages[%d] %q: expected a purl with an optional version or range, e.g. pkg:npm/left-pad@1.3.0", i, p)
			}
		}
		start.Packages = *args.Packages
	}
	afterRank, afterKey := -1, ""
	if args.After != nil {
		key, err := decodeCursor("change", *args.After)
		if err != nil {
			return nil, err
		}
		rank, rest, ok := strings.Cut(key, ":")
		if afterRank, err = strconv.Atoi(rank); !ok || err != nil {
			return nil, badInput("invalid after: expected a cursor from pageInfo.endCursor of the same field")
		}
		afterKey = rest
	}

	// A diff loads two snapshots and may walk two blast radii: it counts
	// as a traversal.
	if b, ok := ctx.Value(budgetKey{}).(*atomic.Int32); ok && b.Add(-1) < 0 {
		return nil, badInput("too many blastRadius, revocationPlan and diff fields in one request: at most %d", MaxTraversalsPerRequest)
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, classify(ctx, r.log, r.timeout, ctx.Err())
	}
	older, err := snapshotAt(db, "from", from)
	if err != nil {
		return nil, err
	}
	newer, err := snapshotAt(db, "to", to)
	if err != nil {
		return nil, err
	}
	a, err := history.Open(older)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	b, err := history.Open(newer)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	d, err := history.Compare(ctx, a, b, start, query.Options{MaxDepth: query.DefaultMaxDepth})
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}

	changes := diffChanges(d, r.over(a), r.over(b))
	out := &diffConnection{From: viewSnapshot(older), To: viewSnapshot(newer), Query: optString(d.Query),
		Edges: []changeEdge{}, TotalCount: clamp(int64(len(changes)))}
	i := 0
	if afterRank >= 0 {
		i = sort.Search(len(changes), func(i int) bool { return changes[i].after(afterRank, afterKey) })
	}
	end := min(i+n, len(changes))
	for _, c := range changes[i:end] {
		out.Edges = append(out.Edges, changeEdge{Cursor: c.cursor(), Node: c.view})
	}
	out.PageInfo = pageInfo{HasNextPage: end < len(changes)}
	if len(out.Edges) > 0 {
		out.PageInfo.EndCursor = &out.Edges[len(out.Edges)-1].Cursor
	}
	return out, nil
}

func snapshotAt(db, arg string, t time.Time) (history.Snapshot, error) {
	s, err := history.At(db, t)
	if errors.Is(err, history.ErrNoSnapshot) {
		return s, &codedError{code: CodeNotFound, msg: fmt.Sprintf("%s: %v", arg, err)}
	}
	return s, err
}

// over returns a copy of r that reads another graph, so that the nodes
// and edges of a change resolve their fields in the snapshot that holds
// them.
func (r *resolver) over(g graph.Reader) *resolver {
	c := *r
	c.store = g
	return &c
}

// diffChanges lists a diff's changes in cursor order. Each list of d is
// already sorted by key.
func diffChanges(d *history.Diff, older, newer *resolver) []change {
	var out []change
	nodes := func(rank int, kind string, list []graph.Node, in *resolver) {
		for _, n := range list {
			out = append(out, change{rank: rank, key: n.ID, view: &changeView{Change: kind, Subject: "NODE", Summary: n.ID, Node: in.node(n)}})
		}
	}
	edges := func(rank int, kind string, list []graph.Edge, in *resolver) {
		for _, e := range list {
			k := e.Key().String()
			out = append(out, change{rank: rank, key: k, view: &changeView{Change: kind, Subject: "EDGE", Summary: k, Edge: &edge{e: e, r: in}}})
		}
	}
	paths := func(rank int, kind string, list []history.Path) {
		for _, p := range list {
			k := p.String()
			target := nodeID(p.To)
			hops := viewHops(p.Hops)
			out = append(out, change{rank: rank, key: k, view: &changeView{Change: kind, Subject: "PATH", Summary: k, Target: &target, Path: &hops}})
		}
	}
	nodes(0, "REMOVED", d.NodesRemoved, older)
	nodes(1, "ADDED", d.NodesAdded, newer)
	edges(2, "REMOVED", d.EdgesRemoved, older)
	edges(3, "ADDED", d.EdgesAdded, newer)
	paths(4, "REMOVED", d.PathsRemoved)
	paths(5, "ADDED", d.PathsAdded)
	return out
}

func viewHops(list []query.Hop) []hop {
	out := make([]hop, 0, len(list))
	for _, h := range list {
		out = append(out, hop{From: nodeID(h.From), Kind: string(h.Kind), To: nodeID(h.To),
			Reversed: h.Reversed, Confidence: string(h.Confidence), Reason: optString(h.Reason),
			Level: optString(h.Level), Actions: optString(h.Actions), Pos: optPos(h.Pos)})
	}
	return out
}
