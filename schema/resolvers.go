package schema

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/advisory"
	"github.com/blastradius-dev/blastradius/query"
)

// maxTraversalDepth bounds the maxDepth argument.
const maxTraversalDepth = 64

// maxStartRefs bounds how many things one start may name.
const maxStartRefs = 1000

// resolver is the root of the schema: one per handler, shared by every
// request.
type resolver struct {
	store      graph.Reader
	maxResults int
	timeout    time.Duration
	log        *slog.Logger
	// slots bounds the traversals running at once across requests.
	slots chan struct{}
	reviewDeps
}

type startInput struct {
	Packages   *[]string
	Advisories *[]string
	Secrets    *[]string
	Identities *[]string
	Runtimes   *[]string
	Nodes      *[]string
	// AssumeAppFlaws sets query.Options.AssumeAppFlaws.
	AssumeAppFlaws *bool
}

type radiusArgs struct {
	Start    startInput
	Since    *string
	MaxDepth *int32
}

// request checks the arguments of blastRadius and revocationPlan.
func (a radiusArgs) request() (query.Start, query.Options, error) {
	deref := func(p *[]string) []string {
		if p == nil {
			return nil
		}
		return *p
	}
	s := query.Start{
		Packages:   deref(a.Start.Packages),
		Secrets:    deref(a.Start.Secrets),
		Identities: deref(a.Start.Identities),
		Runtimes:   deref(a.Start.Runtimes),
		Nodes:      deref(a.Start.Nodes),
	}
	for i, doc := range deref(a.Start.Advisories) {
		adv, _, err := advisory.Parse(fmt.Sprintf("advisories[%d]", i), []byte(doc))
		if err != nil {
			return s, query.Options{}, badInput("invalid start.%v: expected the JSON text of one OSV record", err)
		}
		s.Advisories = append(s.Advisories, adv)
	}
	opt := query.Options{MaxDepth: query.DefaultMaxDepth}
	if a.Start.AssumeAppFlaws != nil {
		opt.AssumeAppFlaws = *a.Start.AssumeAppFlaws
	}
	if s.Empty() {
		return s, opt, badInput("missing start: name packages, advisories, secrets, identities, runtimes or nodes")
	}
	if n := len(s.Packages) + len(s.Advisories) + len(s.Secrets) + len(s.Identities) + len(s.Runtimes) + len(s.Nodes); n > maxStartRefs {
		return s, opt, badInput("start names %d things, over the limit of %d: split the query", n, maxStartRefs)
	}
	for i, p := range s.Packages {
		if _, err := query.ParsePackage(p); err != nil {
			return s, opt, badInput("invalid start.packages[%d] %q: expected a purl with an optional version or range, e.g. pkg:npm/left-pad@1.3.0", i, p)
		}
	}
	if a.Since != nil {
		t, err := time.Parse(time.RFC3339, *a.Since)
		if err != nil {
			return s, opt, badInput("invalid since %q: expected an RFC 3339 time, e.g. 2026-10-05T09:00:00Z", *a.Since)
		}
		opt.Since = t.UTC()
	}
	if a.MaxDepth != nil {
		if *a.MaxDepth < 1 || *a.MaxDepth > maxTraversalDepth {
			return s, opt, badInput("invalid maxDepth %d: expected 1 to %d", *a.MaxDepth, maxTraversalDepth)
		}
		opt.MaxDepth = int(*a.MaxDepth)
	}
	return s, opt, nil
}

func (r *resolver) run(ctx context.Context, args radiusArgs) (*query.Result, error) {
	s, opt, err := args.request()
	if err != nil {
		return nil, err
	}
	if b, ok := ctx.Value(budgetKey{}).(*atomic.Int32); ok && b.Add(-1) < 0 {
		return nil, badInput("too many blastRadius and revocationPlan fields in one request: at most %d; send the rest in another request", MaxTraversalsPerRequest)
	}
	// Traversals hold their whole result in memory: bound how many run at
	// once across all requests.
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, classify(ctx, r.log, r.timeout, ctx.Err())
	}
	res, err := query.Run(ctx, r.store, s, opt)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	return res, nil
}

// BlastRadius resolves Query.blastRadius.
func (r *resolver) BlastRadius(ctx context.Context, args radiusArgs) (*blastRadius, error) {
	res, err := r.run(ctx, args)
	if err != nil {
		return nil, err
	}
	if _, err := query.MarkDeadEnds(ctx, r.store, res); err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	return r.viewResult(res), nil
}

// RevocationPlan resolves Query.revocationPlan.
func (r *resolver) RevocationPlan(ctx context.Context, args radiusArgs) (*revocationPlan, error) {
	res, err := r.run(ctx, args)
	if err != nil {
		return nil, err
	}
	plan, err := query.BuildPlan(ctx, r.store, res)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	return r.viewPlan(plan), nil
}

// Node resolves Query.node.
func (r *resolver) Node(ctx context.Context, args struct{ ID nodeID }) (*node, error) {
	ns, err := r.store.Nodes(ctx, []string{string(args.ID)})
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	if len(ns) == 0 {
		return nil, nil
	}
	return r.node(ns[0]), nil
}

// Stats resolves Query.stats.
func (r *resolver) Stats(ctx context.Context) (*stats, error) {
	st, err := r.store.Stats(ctx)
	if err != nil {
		return nil, classify(ctx, r.log, r.timeout, err)
	}
	out := &stats{Nodes: clamp(int64(st.Nodes)), Edges: clamp(int64(st.Edges)), Sources: clamp(int64(st.Sources)),
		LastWrite: optTime(st.LastWrite)}
	nodeCounts := map[string]int{}
	for k, n := range st.NodesByKind {
		nodeCounts[string(k)] = n
	}
	edgeCounts := map[string]int{}
	for k, n := range st.EdgesByKind {
		edgeCounts[string(k)] = n
	}
	out.NodesByKind = kindCounts(nodeKindOrder, nodeCounts)
	out.EdgesByKind = kindCounts(edgeKindOrder, edgeCounts)
	return out, nil
}

var nodeKindOrder, edgeKindOrder []string

func init() {
	for _, k := range graph.NodeKinds {
		nodeKindOrder = append(nodeKindOrder, string(k))
	}
	for _, k := range graph.EdgeKinds {
		edgeKindOrder = append(edgeKindOrder, string(k))
	}
}

// kindCounts lists the non-zero counts in the given kind order, then any
// other kinds sorted by name.
func kindCounts(order []string, counts map[string]int) []kindCount {
	var out []kindCount
	known := map[string]bool{}
	for _, k := range order {
		known[k] = true
		if n := counts[k]; n > 0 {
			out = append(out, kindCount{Kind: k, Count: clamp(int64(n))})
		}
	}
	var rest []string
	for k, n := range counts {
		if !known[k] && n > 0 {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, kindCount{Kind: k, Count: clamp(int64(counts[k]))})
	}
	return out
}

// node is a graph node as the schema shows it. Its edges are read from
// the store only when a query selects them.
type node struct {
	n graph.Node
	r *resolver
}

func (r *resolver) node(n graph.Node) *node { return &node{n: n, r: r} }

func (n *node) ID() nodeID     { return nodeID(n.n.ID) }
func (n *node) Kind() string   { return string(n.n.Kind) }
func (n *node) Label() *string { return optString(n.n.Label) }
func (n *node) Attrs() []attr  { return attrs(n.n.Attrs) }
func (n *node) Pos() *string   { return optPos(n.n.Pos) }

type edgesArgs struct {
	Direction string
	Kinds     *[]string
	First     *int32
}

// Edges resolves Node.edges.
func (n *node) Edges(ctx context.Context, args edgesArgs) ([]*edge, error) {
	limit := n.r.maxResults
	if args.First != nil {
		if *args.First < 0 {
			return nil, badInput("invalid first %d: expected 0 or more", *args.First)
		}
		limit = min(limit, int(*args.First))
	}
	es, err := n.expand(ctx, args.Direction, args.Kinds)
	if err != nil {
		return nil, err
	}
	if len(es) > limit {
		es = es[:limit]
	}
	out := make([]*edge, len(es))
	for i, e := range es {
		out[i] = &edge{e: e, r: n.r}
	}
	return out, nil
}

// EdgeCount resolves Node.edgeCount.
func (n *node) EdgeCount(ctx context.Context, args struct {
	Direction string
	Kinds     *[]string
}) (int32, error) {
	es, err := n.expand(ctx, args.Direction, args.Kinds)
	if err != nil {
		return 0, err
	}
	return clamp(int64(len(es))), nil
}

func (n *node) expand(ctx context.Context, direction string, kinds *[]string) ([]graph.Edge, error) {
	dir := graph.Out
	if direction == "IN" {
		dir = graph.In
	}
	var ks []graph.EdgeKind
	if kinds != nil {
		if len(*kinds) == 0 {
			return nil, nil
		}
		for i, k := range *kinds {
			if !knownEdgeKind(k) {
				return nil, badInput("invalid kinds[%d] %q: expected one of %s", i, k, strings.Join(edgeKindOrder, ", "))
			}
			ks = append(ks, graph.EdgeKind(k))
		}
	}
	es, err := n.r.store.Expand(ctx, []string{n.n.ID}, dir, ks...)
	if err != nil {
		return nil, classify(ctx, n.r.log, n.r.timeout, err)
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.To < b.To
	})
	return es, nil
}

func knownEdgeKind(k string) bool {
	for _, e := range graph.EdgeKinds {
		if string(e) == k {
			return true
		}
	}
	return false
}

// edge is a graph edge as the schema shows it.
type edge struct {
	e graph.Edge
	r *resolver
}

func (e *edge) From() nodeID            { return nodeID(e.e.From) }
func (e *edge) Kind() string            { return string(e.e.Kind) }
func (e *edge) To() nodeID              { return nodeID(e.e.To) }
func (e *edge) Confidence() string      { return string(e.e.Confidence) }
func (e *edge) Attrs() []attr           { return attrs(e.e.Attrs) }
func (e *edge) Evidence() *evidenceView { return viewEvidence(e.e.Evidence) }
func (e *edge) Pos() *string            { return optPos(e.e.Pos) }

// FromNode resolves Edge.fromNode.
func (e *edge) FromNode(ctx context.Context) (*node, error) {
	return e.r.Node(ctx, struct{ ID nodeID }{nodeID(e.e.From)})
}

// ToNode resolves Edge.toNode.
func (e *edge) ToNode(ctx context.Context) (*node, error) {
	return e.r.Node(ctx, struct{ ID nodeID }{nodeID(e.e.To)})
}

// The types below are plain values: the schema resolves their fields by
// name (graphql.UseFieldResolvers).

type attr struct {
	Key   string
	Value string
}

type kindCount struct {
	Kind  string
	Count int32
}

type seenView struct {
	Value string
	First string
	Last  string
	Count int32
}

type evidenceView struct {
	First   string
	Last    string
	Count   int32
	Denied  int32
	Actions []string
	Addrs   []seenView
	Agents  []seenView
	Keys    []string
	KeyUses []keyUseView
	Records []string
}

type keyUseView struct {
	Key         string
	First       string
	Last        string
	LastAllowed *string
	Count       int32
	Denied      int32
	// The key's own lists; nil when the evidence does not keep them.
	Actions *[]string
	Addrs   *[]seenView
	Agents  *[]seenView
	Records *[]string
}

type hop struct {
	From       nodeID
	Kind       string
	To         nodeID
	Reversed   bool
	Confidence string
	Reason     *string
	Level      *string
	Actions    *string
	Pos        *string
}

type reached struct {
	Node                *node
	Depth               int32
	Confidence          string
	Live                bool
	Declared            bool
	UsedAfterCompromise bool
	NewSources          []string
	DeadEnd             bool
	TakenOver           bool
	UsedBy              []nodeID
	Evidence            *evidenceView
	Sessions            *sessionsView
	Path                []hop
}

type sessionsView struct {
	Narrowed     bool
	Callers      []sessionCallerView
	Pooled       []string
	OtherCalls   int32
	OtherDenied  int32
	OtherCallers []nodeID
	OtherUntied  int32
	RoleUse      *evidenceView
}

type sessionCallerView struct {
	ID   nodeID
	Keys []string
	Refs []string
}

type blastRadius struct {
	Query     string
	Since     *string
	Starts    []*node
	Counts    []kindCount
	Reached   []*reached
	Total     int32
	Truncated bool
}

type revocationPlan struct {
	Query string
	Steps []*planStep
}

type planStep struct {
	Number int32
	Title  string
	Why    string
	Items  []*planItem
}

type planItem struct {
	Node      *node
	Also      []nodeID
	Kind      string
	Action    string
	Command   *string
	Consumers []nodeID
	ReadBy    []nodeID
	YieldedBy []nodeID
	Yields    []nodeID
	Reach     int32
	InUse     bool
	Strangers []string
	LongLived bool
	Verify    *string
}

type stats struct {
	Nodes       int32
	Edges       int32
	NodesByKind []kindCount
	EdgesByKind []kindCount
	Sources     int32
	LastWrite   *string
}

func (r *resolver) viewResult(res *query.Result) *blastRadius {
	v := &blastRadius{Query: res.Query, Starts: []*node{}, Reached: []*reached{}, Total: clamp(int64(len(res.Reached)))}
	if !res.Since.IsZero() {
		v.Since = optTime(res.Since)
	}
	for _, s := range res.Starts {
		v.Starts = append(v.Starts, r.node(s))
	}
	counts := map[string]int{}
	for _, x := range res.Reached {
		counts[string(x.Node.Kind)]++
	}
	v.Counts = kindCounts(nodeKindOrder, counts)
	list := res.Reached
	if len(list) > r.maxResults {
		list = list[:r.maxResults]
		v.Truncated = true
	}
	for _, x := range list {
		rv := &reached{Node: r.node(x.Node), Depth: clamp(int64(x.Depth)), Confidence: string(x.Confidence),
			Live: x.Live(), Declared: x.Declared, UsedAfterCompromise: x.UsedAfter, NewSources: x.NewSources,
			DeadEnd:   x.DeadEnd,
			TakenOver: x.TakenOver,
			UsedBy:    make([]nodeID, 0, len(x.UsedBy)),
			Evidence:  viewEvidence(x.Evidence), Sessions: viewSessions(x.Sessions), Path: make([]hop, 0, len(x.Path))}
		for _, id := range x.UsedBy {
			rv.UsedBy = append(rv.UsedBy, nodeID(id))
		}
		for _, h := range x.Path {
			rv.Path = append(rv.Path, hop{From: nodeID(h.From), Kind: string(h.Kind), To: nodeID(h.To),
				Reversed: h.Reversed, Confidence: string(h.Confidence), Reason: optString(h.Reason),
				Level: optString(h.Level), Actions: optString(h.Actions), Pos: optPos(h.Pos)})
		}
		v.Reached = append(v.Reached, rv)
	}
	return v
}

func (r *resolver) viewPlan(p *query.Plan) *revocationPlan {
	v := &revocationPlan{Query: p.Query, Steps: []*planStep{}}
	for _, s := range p.Steps {
		sv := &planStep{Number: clamp(int64(s.Number)), Title: s.Title, Why: s.Why, Items: []*planItem{}}
		for _, it := range s.Items {
			sv.Items = append(sv.Items, &planItem{Node: r.node(it.Node), Kind: it.Kind, Action: it.Action,
				Command: optString(it.Command), Also: ids(it.Also), Consumers: ids(it.Consumers), ReadBy: ids(it.ReadBy), YieldedBy: ids(it.YieldedBy),
				Yields: ids(it.Yields), Reach: clamp(int64(it.Reach)), InUse: it.InUse, Strangers: it.Strangers,
				LongLived: it.LongLived, Verify: optString(it.Verify)})
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}

func viewSessions(s *query.Sessions) *sessionsView {
	if s == nil {
		return nil
	}
	v := &sessionsView{Narrowed: s.Narrowed, Callers: []sessionCallerView{}, Pooled: append([]string{}, s.Pooled...),
		OtherCalls: clamp(s.OtherCalls), OtherDenied: clamp(s.OtherDenied), OtherCallers: ids(s.OtherCallers),
		OtherUntied: clamp(s.OtherUntied), RoleUse: viewEvidence(s.RoleUse)}
	for _, c := range s.Callers {
		v.Callers = append(v.Callers, sessionCallerView{ID: nodeID(c.ID), Keys: append([]string{}, c.Keys...), Refs: append([]string{}, c.Refs...)})
	}
	return v
}

func viewEvidence(ev *graph.Evidence) *evidenceView {
	if ev == nil {
		return nil
	}
	v := &evidenceView{First: formatTime(ev.First), Last: formatTime(ev.Last), Count: clamp(ev.Count),
		Denied: clamp(ev.Denied), Actions: ev.Actions, Addrs: viewSeen(ev.Addrs), Agents: viewSeen(ev.Agents),
		Keys: ev.Keys, KeyUses: []keyUseView{}}
	for _, u := range ev.KeyUses {
		kv := keyUseView{Key: u.Key, First: formatTime(u.First), Last: formatTime(u.Last), Count: clamp(u.Count), Denied: clamp(u.Denied)}
		if !u.LastAllowed.IsZero() {
			kv.LastAllowed = optString(formatTime(u.LastAllowed))
		}
		if u.Detailed {
			actions, addrs, agents := append([]string{}, u.Actions...), viewSeen(u.Addrs), viewSeen(u.Agents)
			records := []string{}
			for _, p := range u.Records {
				records = append(records, p.String())
			}
			kv.Actions, kv.Addrs, kv.Agents, kv.Records = &actions, &addrs, &agents, &records
		}
		v.KeyUses = append(v.KeyUses, kv)
	}
	for _, p := range ev.Records {
		v.Records = append(v.Records, p.String())
	}
	return v
}

func viewSeen(list []graph.Seen) []seenView {
	out := make([]seenView, len(list))
	for i, s := range list {
		out[i] = seenView{Value: s.Value, First: formatTime(s.First), Last: formatTime(s.Last), Count: clamp(s.Count)}
	}
	return out
}

func attrs(m map[string]string) []attr {
	out := make([]attr, 0, len(m))
	for k, v := range m {
		out = append(out, attr{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func ids(list []string) []nodeID {
	out := make([]nodeID, len(list))
	for i, s := range list {
		out[i] = nodeID(s)
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optPos renders a position as the CLI does: nothing for derived facts.
func optPos(p graph.Pos) *string {
	if p.File == "" || p.File == graph.DerivedSource {
		return nil
	}
	return optString(p.String())
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return optString(formatTime(t))
}

// clamp fits a count into GraphQL's 32-bit Int.
func clamp(n int64) int32 {
	switch {
	case n > math.MaxInt32:
		return math.MaxInt32
	case n < math.MinInt32:
		return math.MinInt32
	}
	return int32(n)
}

// MaxTraversalsPerRequest bounds the blastRadius and revocationPlan
// fields of one request, aliases included: each is a full traversal, so
// a document of 800 aliases would otherwise cost 800 of them.
const MaxTraversalsPerRequest = 8

// budgetKey marks the per-request traversal budget in a context.
type budgetKey struct{}
