// Package query answers the questions of an incident over a graph.Store:
// the blast radius of a compromised package, secret, identity or runtime,
// with an explaining path, confidence and liveness for every reached node,
// and the order in which to contain and revoke.
//
// On an embedded store (memstore) the traversal reads the store's rows
// directly. On any other store it uses graph.Reader alone, and each
// breadth-first level costs two Expand calls. Both give the same result.
package query

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// DefaultMaxDepth bounds a traversal. Real attack paths found in the
// labs this project tests against are at most ten hops long.
const DefaultMaxDepth = 16

// forward lists the edge kinds walked from source to target.
var forward = []graph.EdgeKind{
	graph.EdgeExposes, graph.EdgeRunsOn, graph.EdgeAuthenticatesAs, graph.EdgeHolds,
	graph.EdgeCanAssume, graph.EdgeCanReadSecret, graph.EdgeCanMint, graph.EdgeCanModify,
	graph.EdgeCanPublish, graph.EdgeCanAccess, graph.EdgeDefines, graph.EdgeObserved,
	graph.EdgeCanGrant,
}

// backward lists the edge kinds walked from target to source: from a
// package to the packages that contain it and the runtimes executing it,
// and from a package's name node (reached when some unknown versions of
// it contain the compromised code) to its versions.
var backward = []graph.EdgeKind{graph.EdgeDependsOn, graph.EdgeExecutes, graph.EdgeVersionOf}

// Options tune a blast-radius query.
type Options struct {
	// Since is the compromise time: evidence after it is reported as use
	// after compromise. Zero means no compromise time is known.
	Since    time.Time
	MaxDepth int
	// AssumeAppFlaws follows the edges of graph.AppInputKinds: input a
	// runtime receives counts as code it may run (see flaws.go).
	AssumeAppFlaws bool
}

// Hop is one edge of an explaining path, in the attacker's direction.
type Hop struct {
	From       string           `json:"from"`
	To         string           `json:"to"`
	Kind       graph.EdgeKind   `json:"kind"`
	Reversed   bool             `json:"reversed,omitempty"` // walked from target to source
	Confidence graph.Confidence `json:"confidence"`
	Reason     string           `json:"reason,omitempty"`
	// Level and Actions come from CAN_ACCESS and similar edges.
	Level   string    `json:"level,omitempty"`
	Actions string    `json:"actions,omitempty"`
	Pos     graph.Pos `json:"pos"`
}

// Reached is one node in the blast radius.
type Reached struct {
	Node       graph.Node       `json:"node"`
	Depth      int              `json:"depth"`
	Confidence graph.Confidence `json:"confidence"`
	// Path leads from a start node to this node; its first step leaves
	// the start.
	Path []Hop `json:"path"`
	// Declared: an input declares the node (not only a log or a wildcard).
	Declared bool `json:"declared"`
	// Inspected: an identity reached only as the target of a CAN_ACCESS
	// edge (its definition read, say). The walk does not act as it.
	Inspected bool `json:"inspected,omitempty"`
	// Evidence merges the access-log records of identities in the blast
	// radius acting on this node, or of this identity acting.
	Evidence *graph.Evidence `json:"evidence,omitempty"`
	// UsedBy lists the identities whose logged calls on this node make up
	// Evidence, in the order met. They need not be on Path: another
	// identity of the blast radius may have made the calls.
	UsedBy []string `json:"usedBy,omitempty"`
	// Sessions is, for a role with logged calls and the nodes it acted
	// on, the split of those calls between the walk's sessions (Evidence)
	// and the role's other sessions.
	Sessions *Sessions `json:"sessions,omitempty"`
	// UsedAfter is true when the evidence shows use after Options.Since.
	UsedAfter bool `json:"usedAfter,omitempty"`
	// NewSources lists addresses and agents first seen after Since.
	NewSources []string `json:"newSources,omitempty"`
	// DeadEnd marks a credential from which the graph leads to no identity
	// and no other credential: no input shows what it acts as. MarkDeadEnds
	// sets it.
	DeadEnd bool `json:"deadEnd,omitempty"`
	// TakenOver marks a runtime that the compromised code reaches only by
	// changing it, invoking it or publishing what it runs (a path through
	// CAN_MODIFY, CAN_INVOKE or CAN_PUBLISH), not by running there
	// (Result.RanIn).
	TakenOver bool `json:"takenOver,omitempty"`
}

// Live reports whether the node is declared or seen in logs.
// A node used only by the other sessions of a role in the walk is live
// too, and Sessions.RoleUse contains that use.
func (r *Reached) Live() bool {
	return r.Declared || r.Evidence != nil || r.Sessions != nil && r.Sessions.RoleUse != nil
}

// Result is a blast radius.
type Result struct {
	Query  string       `json:"query"`
	Starts []graph.Node `json:"starts"`
	Since  time.Time    `json:"since,omitzero"`
	// AssumedAppFlaws reports that the walk followed application input
	// edges (Options.AssumeAppFlaws).
	AssumedAppFlaws bool       `json:"assumedAppFlaws,omitempty"`
	Reached         []*Reached `json:"reached"`
	// edges inside the blast radius, for the revocation plan, or lazy
	// when a walk over rows left them to be built on first use.
	edges []graph.Edge
	lazy  *lazyEdges
	index map[string]*Reached
	// modifiable holds the nodes the walk reached through CAN_MODIFY, and
	// its starts: only from these did it take DEFINES edges.
	modifiable map[string]bool
	// accounts maps a credential to the registry account it logs in as,
	// built by registryAccountOf on first use.
	accounts map[string]graph.Node
	// insteadOf maps a repository secret to the organisation secret that
	// jobs read in its place (orgSecretInstead), once a plan asks.
	insteadOf map[string]string
}

// walked returns the edges inside the blast radius in the order the walk
// took them. The walk also meets the DEFINES edges of repositories that
// it reached with read access only, and does not take them: read access
// runs none of the repository's jobs, so they are left out.
func (r *Result) walked() []graph.Edge {
	all := r.edges
	if r.lazy != nil {
		all = r.lazy.all()
	}
	out := make([]graph.Edge, 0, len(all))
	for _, e := range all {
		if e.Kind == graph.EdgeDefines && !r.modifiable[e.From] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// walkedOf returns the walked edges of one kind whose ends keep accepts,
// in walk order.
func (r *Result) walkedOf(kind graph.EdgeKind, keep func(from, to string) bool) []graph.Edge {
	if r.lazy != nil {
		return r.lazy.of(kind, keep)
	}
	var out []graph.Edge
	for _, e := range r.edges {
		if e.Kind == kind && keep(e.From, e.To) {
			out = append(out, e)
		}
	}
	return out
}

// Get returns the reached entry of a node id, or nil.
func (r *Result) Get(id string) *Reached { return r.index[id] }

// ByKind returns the reached nodes of a kind, in result order.
func (r *Result) ByKind(kind graph.NodeKind) []*Reached {
	var out []*Reached
	for _, x := range r.Reached {
		if x.Node.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

type visit struct {
	id      string
	reached Reached
	// row is the node's row in a walk over memstore rows, and hop the
	// hop of the parent edge there, read while the edge's rows are at hand.
	row uint32
	hop Hop
	// parent is the edge by which the generic walk last reached the
	// node, one of those a level's Expand returned, until the paths are
	// built. hasParent is false for a start.
	parent    *graph.Edge
	hasParent bool
	rev       bool
	from      string
	fromVisit *visit // the visit of from
	// modifiable marks a repository reached through CAN_MODIFY: only then
	// does the attacker get the runtimes it defines. Read access to a
	// repository reaches the repository and stops there.
	modifiable bool
	// inspected marks an identity reached only as the target of a
	// CAN_ACCESS edge. The caller does not act as it, so the walk stops
	// there until an edge that makes the caller the identity reaches it.
	inspected bool
	// expanded marks a node of an earlier frontier, whose walked edges
	// are already in Result.edges.
	expanded bool
	// queued is the depth whose frontier holds the node, or 0.
	queued int
	// partial marks a start that the walk left only to the runtimes
	// executing it (onlyExecutors). Reached again by an edge, it is
	// expanded again along every edge, and the in-edges left out the
	// first time are then new.
	partial bool
	// done marks reached.Path as final. cyclic marks a path built hop by
	// hop because the parent chain loops.
	done, cyclic bool
	// mark is the number of the pathBuilder walk that last passed the node.
	mark int
}

// RowsReader is a Reader that can also give the rows of an embedded
// store, which the walk reads without building nodes and edges. A
// memstore.Store is one; a reader that wraps one passes its rows on, or
// nil when it holds another store. The walk reads the rows it was given
// to the end, so a store that changes meanwhile does not mix two graphs.
type RowsReader interface {
	graph.Reader
	Rows() *memstore.Rows
}

// BlastRadius walks the graph from the start nodes.
func BlastRadius(ctx context.Context, r graph.Reader, starts []graph.Node, label string, opt Options) (*Result, error) {
	maxDepth := opt.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	res := &Result{Query: label, Starts: starts, Since: opt.Since, AssumedAppFlaws: opt.AssumeAppFlaws}
	if s, ok := r.(RowsReader); ok {
		if rows := s.Rows(); rows != nil {
			return blastRows(ctx, rows, res, maxDepth, opt.AssumeAppFlaws)
		}
	}
	visits := map[string]*visit{}
	// all lists the visits in the order the walk made them, frontier the
	// nodes to expand at the current depth.
	var all, frontier, next []*visit
	var frontierIDs []string
	for _, s := range starts {
		if _, ok := visits[s.ID]; ok {
			continue
		}
		v := &visit{id: s.ID, reached: Reached{Node: s, Confidence: startConfidence(s)}, modifiable: true, partial: onlyExecutors(s)}
		visits[s.ID] = v
		all = append(all, v)
		frontier = append(frontier, v)
	}
	var out, in []*graph.Edge
	// grants lists, per holder, the CAN_GRANT edges the walk met. The walk
	// takes each again whenever it reaches the holder or holds it more
	// surely, because a grant counts only as surely as its holder is held.
	grants := map[string][]metGrant{}
	// neverPulled contains the EXECUTES edges the walk left untaken because
	// the workload never pulls the pushed image (pushedRun). The walk
	// records such an edge when it takes it after all, from an image
	// version it reaches again in another way.
	neverPulled := map[graph.EdgeKey]bool{}
	fwd := forwardKinds(opt)
	for depth := 1; len(frontier) > 0 && depth <= maxDepth; depth++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		frontierIDs = frontierIDs[:0]
		for _, v := range frontier {
			frontierIDs = append(frontierIDs, v.id)
		}
		outEdges, err := r.Expand(ctx, frontierIDs, graph.Out, fwd...)
		if err != nil {
			return nil, err
		}
		if opt.AssumeAppFlaws {
			assumeAppFlaws(outEdges)
		}
		inEdges, err := r.Expand(ctx, frontierIDs, graph.In, backward...)
		if err != nil {
			return nil, err
		}
		// Stores return edges in their own order; the walk keeps the first
		// path it finds, so sorting makes the explanation the same on
		// every store. Edges the walk never takes are left out first.
		out = walkable(out[:0], outEdges, false)
		in = walkable(in[:0], inEdges, true)
		if depth == 1 {
			in = slices.DeleteFunc(in, func(e *graph.Edge) bool {
				v := visits[e.To]
				return v != nil && v.partial && !leavesPartial(v.reached.Node, e.Kind, e.Attr("pinned"), e.Attr("requested"))
			})
		}
		next = next[:0]
		var pv *visit
		var step func(e *graph.Edge, from, to string, rev, replay bool)
		step = func(e *graph.Edge, from, to string, rev, replay bool) {
			if pv == nil || pv.id != from {
				pv = visits[from]
			}
			var never bool
			var cached string
			if rev && e.Kind == graph.EdgeExecutes && pv.parent != nil {
				switch {
				case pv.fromVisit != nil && pv.fromVisit.parent != nil && pushedVersion(pv.parent.Kind, pv.fromVisit.parent.Kind, pv.fromVisit.id):
					never, cached = pushedRun(from, e.Attr(graph.AttrPullPolicy))
				case pushedName(pv.parent.Kind, from, e.Attr("pinned")):
					never, cached = pushedTag(e.Attr(graph.AttrPullPolicy))
				}
			}
			if never {
				neverPulled[e.Key()] = true
				return
			}
			retaken := len(neverPulled) > 0 && e.Kind == graph.EdgeExecutes && neverPulled[e.Key()]
			if !replay && (!pv.expanded || retaken || pv.partial && rev &&
				!leavesPartial(pv.reached.Node, e.Kind, e.Attr("pinned"), e.Attr("requested"))) {
				// A store returns an edge only from the Expand of the node
				// the walk leaves it from, and a frontier lists a node once,
				// so the edge is new unless that node was expanded before.
				res.edges = append(res.edges, *e)
				delete(neverPulled, e.Key())
			}
			if e.Kind == graph.EdgeDefines && !pv.modifiable {
				return
			}
			conf := pv.reached.Confidence.Weaker(e.Confidence)
			if rev && pv.parent != nil {
				if republished(e.Kind, pv.parent.Kind, from) {
					conf = graph.Possible
					e = withReason(e, graph.Possible, publishedVersion)
				} else if repushed(e.Kind, pv.parent.Kind, from, to) {
					conf = graph.Possible
					e = withReason(e, graph.Possible, pinnedDigest)
				}
			}
			if cached != "" {
				conf = graph.Possible
				e = withReason(e, graph.Possible, cached)
			}
			if e.Kind == graph.EdgeCanGrant {
				holder := e.Attr(graph.AttrHolder)
				if !replay {
					grants[holder] = append(grants[holder], metGrant{e: e, from: from})
				}
				hv := visits[holder]
				if hv == nil || hv.inspected {
					return
				}
				conf = conf.Weaker(hv.reached.Confidence)
			}
			modifies := e.Kind == graph.EdgeCanModify
			inspects := inspectsIdentity(e, rev, to)
			cur, ok := visits[to]
			if ok && inspects && !cur.inspected {
				// The caller already acts as the identity.
				return
			}
			// Only a repository needs the modifiable mark (DEFINES leaves
			// only repositories), so only a repository is walked again
			// when a CAN_MODIFY edge reaches it after another edge did.
			// An inspected identity is walked again once the caller acts
			// as it.
			upgrade := ok && ((cur.reached.Confidence == graph.Possible && conf == graph.Certain) ||
				(modifies && !cur.modifiable && kindFromID(to) == graph.NodeRepository) ||
				(cur.inspected && !inspects) || (cur.partial && !cur.hasParent))
			if ok && !upgrade {
				return
			}
			if !ok {
				cur = &visit{id: to}
				visits[to] = cur
				all = append(all, cur)
			}
			if modifies {
				cur.modifiable = true
			}
			cur.reached.Depth = depth
			cur.reached.Confidence = conf
			cur.parent, cur.hasParent, cur.rev, cur.from, cur.fromVisit = e, true, rev, from, pv
			cur.inspected = inspects
			cur.reached.Inspected = inspects
			if !inspects && cur.queued != depth+1 {
				cur.queued = depth + 1
				next = append(next, cur)
			}
			if !inspects {
				// The grants to this identity now count, or count more surely.
				for _, p := range grants[to] {
					step(p.e, p.from, p.e.To, false, true)
				}
			}
		}
		for i, e := range out {
			if i > 0 && sameKey(out[i-1], e) {
				continue
			}
			step(e, e.From, e.To, false, false)
		}
		for i, e := range in {
			if i > 0 && sameKey(in[i-1], e) {
				continue
			}
			step(e, e.To, e.From, true, false)
		}
		for _, v := range frontier {
			v.partial = v.partial && !v.expanded
			v.expanded = true
		}
		// The frontier needs no order because each level sorts its edges.
		frontier, next = next, frontier
	}

	// Load the reached nodes.
	slices.SortFunc(all, func(a, b *visit) int { return strings.Compare(a.id, b.id) })
	ids := make([]string, len(all))
	for i, v := range all {
		ids[i] = v.id
	}
	nodes, err := r.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	find := nodeFinder(nodes)
	load := func(v *visit) (graph.Node, bool) { return find(v.id) }
	return settle(ctx, r, res, all, load, func(v *visit) Hop { return hopOf(v.parent, v.rev) })
}

// metGrant is a CAN_GRANT edge the walk met, with the node the walk left
// it from.
type metGrant struct {
	e    *graph.Edge
	from string
}

// settle fills res from the visits of a walk, sorted by id: it loads the
// reached nodes with load, builds their paths from the hops of their
// parent edges, attaches the evidence and orders them. Ids without a node
// (a reference to an undeclared resource) get a node made from the id
// alone.
func settle(ctx context.Context, r graph.Reader, res *Result, all []*visit,
	load func(v *visit) (graph.Node, bool), hop func(v *visit) Hop) (*Result, error) {
	starts := map[string]*visit{}
	res.Reached = make([]*Reached, 0, len(all))
	res.index = make(map[string]*Reached, len(all))
	res.modifiable = map[string]bool{}
	for _, v := range all {
		id := v.id
		if v.modifiable {
			res.modifiable[id] = true
		}
		n, ok := load(v)
		if !ok {
			n = graph.Node{ID: id, Kind: kindFromID(id), Label: id}
		}
		v.reached.Node = n
		v.reached.Declared = ok && n.Attr("observed") != "true" && n.Attr("scope") != "true" && n.Attr("minted") != "true" &&
			n.Attr(graph.AttrPushedWorkflow) != "true"
		if !v.hasParent {
			starts[id] = v
			continue
		}
		res.Reached = append(res.Reached, &v.reached)
		res.index[id] = &v.reached
	}
	paths := pathBuilder{hop: hop}
	for _, v := range all {
		if v.hasParent {
			paths.build(v)
		}
	}
	for _, v := range all {
		v.parent = nil
	}
	// A start reached again by an edge (a possible start reached for
	// certain, or a start left only to its runtimes) keeps that entry.
	for _, s := range res.Starts {
		if v, ok := starts[s.ID]; ok {
			res.index[s.ID] = &v.reached
		}
	}
	if err := attachEvidence(ctx, r, res, res.Since); err != nil {
		return nil, err
	}
	res.markTakenOver()
	sortReached(res.Reached)
	return res, nil
}

// nodeFinder returns a function that finds nodes by id, to be called
// with ids in increasing order. Nodes sorted by id, as a store returns
// them for sorted ids, are matched in one pass, others through a map.
func nodeFinder(nodes []graph.Node) func(id string) (graph.Node, bool) {
	sorted := slices.IsSortedFunc(nodes, func(a, b graph.Node) int { return strings.Compare(a.ID, b.ID) })
	for i := 1; sorted && i < len(nodes); i++ {
		sorted = nodes[i-1].ID != nodes[i].ID
	}
	if !sorted {
		byID := make(map[string]int, len(nodes))
		for i, n := range nodes {
			byID[n.ID] = i
		}
		return func(id string) (graph.Node, bool) {
			i, ok := byID[id]
			if !ok {
				return graph.Node{}, false
			}
			return nodes[i], true
		}
	}
	j := 0
	return func(id string) (graph.Node, bool) {
		for j < len(nodes) && nodes[j].ID < id {
			j++
		}
		if j < len(nodes) && nodes[j].ID == id {
			return nodes[j], true
		}
		return graph.Node{}, false
	}
}

// walkable appends to dst pointers to the edges of es the walk may take,
// sorted by source, kind and target.
func walkable(dst []*graph.Edge, es []graph.Edge, rev bool) []*graph.Edge {
	for i := range es {
		if traversable(&es[i], rev) {
			dst = append(dst, &es[i])
		}
	}
	slices.SortFunc(dst, func(a, b *graph.Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return dst
}

// publishedVersion explains the step from a package name that the
// attacker can publish to a version some lockfile pins.
const publishedVersion = "a registry never replaces a published version, so the attacker's release reaches what locks this one only when it resolves the name again"

// republished reports whether walking an edge of kind backwards from the
// package name node, reached by an edge of kind parent, goes from a name
// the attacker can publish to a version that is already published. npm,
// PyPI and the other package registries never replace a version; an image
// tag is moved by a push, so it counts in full.
func republished(kind, parent graph.EdgeKind, name string) bool {
	return kind == graph.EdgeVersionOf && parent == graph.EdgeCanPublish && !strings.HasPrefix(name, "pkg:docker/")
}

// pinnedDigest explains the step from an image name that the attacker can
// push to a reference that pins a digest.
const pinnedDigest = "a digest names one image's content, which no push changes, so the attacker's image reaches what pins this digest only when the reference is changed"

// repushed reports whether a backward VERSION_OF step goes from an image
// name that the attacker can push to a reference that pins a digest.
func repushed(kind, parent graph.EdgeKind, name, version string) bool {
	return kind == graph.EdgeVersionOf && parent == graph.EdgeCanPublish && strings.HasPrefix(name, "pkg:docker/") &&
		imageVersion(version) == "digest"
}

// notCached explains the step from a pushed image tag to a workload that
// runs it with imagePullPolicy IfNotPresent.
const notCached = "with imagePullPolicy IfNotPresent the workload runs the pushed tag only on a node that has not cached it, and a node that has it keeps running the image it pulled before"

// notRedeployed explains the step from a pushed image tag to a runtime
// that resolved the tag to a digest when it was deployed.
const notRedeployed = "the service resolved the tag to an image digest when it was deployed, so it runs the pushed image only once it is deployed again"

// pushedVersion reports whether the walk reached an image version from a
// name the attacker can push: by a backward VERSION_OF step, kind, from
// the name, which it reached by an edge of kind parent.
func pushedVersion(kind, parent graph.EdgeKind, name string) bool {
	return kind == graph.EdgeVersionOf && parent == graph.EdgeCanPublish && strings.HasPrefix(name, "pkg:docker/")
}

// pushedRun decides a backward EXECUTES step from an image version that
// the walk reached from a name the attacker can push (pushedVersion),
// along an edge with the given pull policy (graph.AttrPullPolicy). A
// workload that never pulls the image never runs the attacker's, so the
// walk does not take the step (never). A workload that pulls a tag only
// on a node without it, or only at its next deploy, runs the attacker's
// image possibly, and why gives the reason. The step to a digest is possible already
// (repushed). An edge without a policy counts as pulled at every start.
func pushedRun(version, policy string) (never bool, why string) {
	switch {
	case policy == graph.PullNever:
		return true, ""
	case imageVersion(version) != "tag":
		return false, ""
	}
	return pushedTag(policy)
}

// pushedName reports whether a backward EXECUTES step goes from an image
// name that the attacker can push (reached by an edge of kind parent) to
// a runtime whose CI deploy sets the tag when it runs (pinned=computed).
// A push can move that tag as it moves a fixed one.
func pushedName(parent graph.EdgeKind, name, pinned string) bool {
	return parent == graph.EdgeCanPublish && pinned == pinnedComputed && strings.HasPrefix(name, "pkg:docker/")
}

// pushedTag decides a backward EXECUTES step to a runtime that runs an
// image tag the attacker can push, by the runtime's pull policy, as
// pushedRun does.
func pushedTag(policy string) (never bool, why string) {
	switch policy {
	case graph.PullNever:
		return true, ""
	case graph.PullIfNotPresent:
		return false, notCached
	case graph.PullOnDeploy:
		return false, notRedeployed
	}
	return false, ""
}

// imageVersion returns "digest" for the package id of an image reference
// that pins a digest, "tag" for one that names a tag, and "" for any other
// id. A Docker tag has no colon, so a version that contains one is a
// digest (sha256:...).
func imageVersion(id string) string {
	if !strings.HasPrefix(id, "pkg:docker/") {
		return ""
	}
	v, _, _ := strings.Cut(id, "?")
	at := strings.LastIndexByte(v, '@')
	switch {
	case at < 0:
		return ""
	case strings.Contains(v[at+1:], ":"):
		return "digest"
	}
	return "tag"
}

// withReason returns a copy of e with the given confidence and a reason
// added to its own.
func withReason(e *graph.Edge, conf graph.Confidence, reason string) *graph.Edge {
	c := *e
	c.Confidence = conf
	c.Attrs = maps.Clone(e.Attrs)
	c.SetAttr(graph.AttrReason, joinReason(e.Attr(graph.AttrReason), reason))
	return &c
}

func sameKey(a, b *graph.Edge) bool { return a.From == b.From && a.Kind == b.Kind && a.To == b.To }

// pathBuilder sets the explaining paths of reached nodes from their
// parent edges. A node's path is its parent's path and one hop, so each
// is built once from its parent's, in time linear in the total length of
// the paths. A parent chain that loops (a node walked again after a node
// below it) is built hop by hop instead, as chainPath does.
type pathBuilder struct {
	hop   func(v *visit) Hop
	chain []*visit
	walk  int
	// slab is the shared backing array of the paths, so that paths cost
	// few allocations.
	slab []Hop
	size int
}

func (pb *pathBuilder) build(v *visit) {
	pb.walk++
	pb.chain = pb.chain[:0]
	cyclic := false
	for v != nil && v.hasParent && !v.done {
		if v.mark == pb.walk {
			cyclic = true
			break
		}
		v.mark = pb.walk
		pb.chain = append(pb.chain, v)
		v = v.fromVisit
	}
	if v != nil && v.done && v.cyclic {
		cyclic = true
	}
	if cyclic {
		for _, c := range pb.chain {
			c.reached.Path = chainPath(c, pb.hop)
			c.done, c.cyclic = true, true
		}
		return
	}
	// v is a start or a node whose path is final.
	var prefix []Hop
	if v != nil && v.hasParent {
		prefix = v.reached.Path
	}
	for i := len(pb.chain) - 1; i >= 0; i-- {
		c := pb.chain[i]
		p := pb.cut(len(prefix) + 1)
		copy(p, prefix)
		p[len(prefix)] = pb.hop(c)
		c.reached.Path = p
		c.done = true
		prefix = p
	}
}

// cut returns a new path of n hops whose capacity is n, so that appending
// to it never writes into the next path.
func (pb *pathBuilder) cut(n int) []Hop {
	if len(pb.slab) < n {
		// Slabs grow with the walk, so a small one wastes little.
		pb.size = min(max(2*pb.size, 32), 4096)
		pb.slab = make([]Hop, max(n, pb.size))
	}
	p := pb.slab[:n:n]
	pb.slab = pb.slab[n:]
	return p
}

func hopOf(e *graph.Edge, rev bool) Hop {
	return Hop{From: e.From, To: e.To, Kind: e.Kind, Reversed: rev,
		Confidence: e.Confidence, Reason: e.Attr(graph.AttrReason), Level: e.Attr(graph.AttrLevel),
		Actions: e.Attr(graph.AttrActions), Pos: e.Pos}
}

// chainPath follows parent edges from v up to a start or to the first
// node already on the path.
func chainPath(v *visit, hop func(v *visit) Hop) []Hop {
	var steps []Hop
	seen := map[string]bool{}
	for cur := v; cur != nil && cur.hasParent && !seen[cur.from]; cur = cur.fromVisit {
		seen[cur.from] = true
		steps = append(steps, hop(cur))
	}
	slices.Reverse(steps)
	return steps
}

// inspectsIdentity reports whether an edge reaches an identity as the
// target of an action (iam:GetRole, or iam:PassRole alone) without making
// the caller act as it. CAN_ACCESS edges of an escalation method (those
// with a method attribute) do make the caller act as the identity. An
// OBSERVED edge inspects when its log records only read the identity's
// definition.
func inspectsIdentity(e *graph.Edge, rev bool, to string) bool {
	if rev || kindFromID(to) != graph.NodeIdentity {
		return false
	}
	switch e.Kind {
	case graph.EdgeCanAccess:
		return e.Attr("method") == ""
	case graph.EdgeObserved:
		return readsDefinitionOnly(e)
	}
	return false
}

// readsDefinitionOnly reports whether an OBSERVED edge records only IAM
// calls that read an identity's definition (iam:Get*, iam:List*), and
// sts:AssumeRole calls that loggedAssume does not count. None of them
// gives the caller a session or key of the identity. An action list that
// reached its cap may have left other actions out, so it does not.
func readsDefinitionOnly(e *graph.Edge) bool {
	if e.Evidence == nil || loggedAssume(*e) {
		return false
	}
	actions := e.Evidence.Actions
	if len(actions) == 0 || len(actions) >= graph.MaxSeen {
		return false
	}
	for _, a := range actions {
		if !strings.HasPrefix(a, "iam:Get") && !strings.HasPrefix(a, "iam:List") && !strings.HasPrefix(a, "sts:AssumeRole") {
			return false
		}
	}
	return true
}

// traversable filters edges the walk must not take: lockfile-scoped
// dependencies (the lockfile's own EXECUTES edges already say exactly
// which jobs run a locked version, and following a dependency found in
// another repository's lockfile would invent paths), and log records that
// show only denied calls.
func traversable(e *graph.Edge, rev bool) bool {
	if e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrLockfile) != "" {
		return false
	}
	if e.Kind == graph.EdgeObserved {
		// The merged evidence decides: one log file may show only denied
		// calls while another shows the same call succeeding.
		if e.Evidence != nil {
			return e.Evidence.Count > 0
		}
		return e.Attr("denied_only") != "true"
	}
	return true
}

// attachEvidence adds the access-log evidence of every identity in the
// blast radius: what it did (on the identity) and what was done to each
// target (on the target).
func attachEvidence(ctx context.Context, r graph.Reader, res *Result, since time.Time) error {
	var ids []string
	for _, x := range res.Reached {
		if x.Node.Kind == graph.NodeIdentity {
			ids = append(ids, x.Node.ID)
		}
	}
	for _, s := range res.Starts {
		if s.Kind == graph.NodeIdentity {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	obs, err := r.Expand(ctx, ids, graph.Out, graph.EdgeObserved)
	if err != nil {
		return err
	}
	sessions, err := sessionsOf(ctx, r, res, obs)
	if err != nil {
		return err
	}
	targets := targetSessions{}
	for _, e := range obs {
		// A node that roles acted on is narrowed only when the evidence
		// of every such role is.
		if rs := sessions[e.From]; rs != nil && e.From != e.To && sessions[e.To] == nil && res.index[e.To] != nil &&
			e.Evidence != nil && e.Evidence.Count > 0 {
			info := targets.of(e.To, res.index[e.To], rs)
			info.Narrowed = info.Narrowed && rs.info.Narrowed
		}
	}
	used := false // whether any reached node has evidence
	for _, e := range obs {
		if e.Evidence == nil || e.Evidence.Count == 0 {
			continue
		}
		for _, id := range []string{e.From, e.To} {
			x := res.index[id]
			if x == nil {
				continue
			}
			ev := e.Evidence
			if rs := sessions[e.From]; rs != nil && (id == e.From || targets[id] != nil) {
				// The role and what it acted on keep the walk's sessions'
				// calls, and RoleUse keeps the whole. A role acted on keeps
				// the calls on it whole.
				info := rs.info
				if id != e.From {
					info = targets[id].info
				}
				if info.RoleUse == nil {
					info.RoleUse = &graph.Evidence{}
				}
				info.RoleUse.Merge(ev)
				if info.Narrowed {
					if ev = rs.split(ev, info); ev == nil {
						continue
					}
				}
			}
			if x.Evidence == nil {
				x.Evidence = &graph.Evidence{}
			}
			x.Evidence.Merge(ev)
			if id == e.To && e.From != e.To && !containsString(x.UsedBy, e.From) {
				x.UsedBy = append(x.UsedBy, e.From)
			}
			used = true
		}
	}
	for _, rs := range sessions {
		rs.settle()
	}
	for _, t := range targets {
		t.settle()
	}
	if !used {
		return nil
	}
	// An access key shows the use of the user it acts as, narrowed to its
	// own key id when the key id is known.
	keys := func(from, to string) bool {
		user := res.index[to]
		if user == nil || user.Evidence == nil {
			return false
		}
		// An AWS access key, or a GitHub token, that the log names by
		// its key id.
		key := res.index[from]
		return key != nil && key.Node.Kind == graph.NodeSecret && (key.Node.Attr("type") == "access-key" || key.Node.Attr("key_id") != "")
	}
	for _, e := range res.walkedOf(graph.EdgeAuthenticatesAs, keys) {
		key, user := res.index[e.From], res.index[e.To]
		id := key.Node.Attr("key_id")
		if e.Evidence != nil {
			// The log ingester recorded the calls this key signed, but
			// not their actions, which the user's evidence keeps for the
			// key where it keeps them all.
			key.Evidence = e.Evidence.Clone()
			if u, ok := user.Evidence.KeyUse(id); ok && id != "" && len(key.Evidence.Actions) == 0 {
				if actions, _, _, _, shared := user.Evidence.Lists(u); !slices.Contains(shared, "actions") {
					key.Evidence.Actions = slices.Clone(actions)
				}
			}
			continue
		}
		if id != "" && !containsString(user.Evidence.Keys, id) && len(user.Evidence.Keys) < graph.MaxSeen {
			// A list with room names every key of the calls. A full one
			// may have left the key out, so the key takes the user's use.
			continue
		}
		key.Evidence = user.Evidence.Clone()
		if u, ok := user.Evidence.KeyUse(id); ok && id != "" {
			// The user's calls mix the key's with those of its other
			// keys, and the key's own times and counts tell when it was
			// used. Its own actions, addresses, agents and records do
			// too where the evidence keeps them all; else they stay the
			// user's (Evidence.Lists).
			key.Evidence.First, key.Evidence.Last, key.Evidence.LastAllowed = u.First, u.Last, u.LastAllowed
			key.Evidence.Count, key.Evidence.Denied = u.Count, u.Denied
			key.Evidence.Keys, key.Evidence.KeyUses = []string{id}, []graph.KeyUse{u}
			key.Evidence.Actions, key.Evidence.Addrs, key.Evidence.Agents, key.Evidence.Records, _ = key.Evidence.Lists(u)
		}
	}
	if since.IsZero() {
		return nil
	}
	// A source is new when the logs show calls before the compromise
	// without it. Logs that start after the compromise show every source
	// for the first time, so none is new then, and UsedAfter alone flags
	// the use.
	coversBefore := false
	for _, x := range res.index {
		if ev := x.Evidence; ev != nil && !ev.First.IsZero() && ev.First.Before(since) {
			coversBefore = true
			break
		}
	}
	for _, x := range res.index {
		ev := x.Evidence
		if ev == nil {
			continue
		}
		// A call that was denied is no use. Evidence stored before the
		// time of the last allowed call was kept has only Last.
		last := ev.Last
		if !ev.LastAllowed.IsZero() || ev.Count == 0 {
			last = ev.LastAllowed
		}
		x.UsedAfter = last.After(since)
		if !coversBefore || !x.UsedAfter {
			// A source first seen after the compromise made a call after
			// it. A key whose own times show no such call lists none,
			// because its user's addresses include its other keys' calls.
			continue
		}
		for _, s := range append(append([]graph.Seen(nil), ev.Addrs...), ev.Agents...) {
			if s.First.After(since) {
				x.NewSources = append(x.NewSources, s.Value)
			}
		}
		sort.Strings(x.NewSources)
	}
	return nil
}

// kindOrder ranks node kinds for the order of reached nodes; a kind
// not listed ranks first, with packages.
func kindOrder(k graph.NodeKind) int {
	switch k {
	case graph.NodeRepository:
		return 1
	case graph.NodeRuntime:
		return 2
	case graph.NodeSecret:
		return 3
	case graph.NodeIdentity:
		return 4
	case graph.NodeResource:
		return 5
	case graph.NodePolicy:
		return 6
	}
	return 0
}

// sortReached orders reached nodes, given in id order, by kind, depth
// and id.
func sortReached(rs []*Reached) {
	type keyed struct {
		rank, depth int
		r           *Reached
	}
	ks := make([]keyed, len(rs))
	for i, r := range rs {
		ks[i] = keyed{kindOrder(r.Node.Kind), r.Depth, r}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.depth - b.depth
	})
	for i, k := range ks {
		rs[i] = k.r
	}
}

// kindFromID guesses the kind of a node that no input declares, from the
// id forms of graph/ids.go.
func kindFromID(id string) graph.NodeKind {
	switch {
	case hasPrefix(id, "pkg:"):
		return graph.NodePackage
	case hasPrefix(id, "repo:"):
		return graph.NodeRepository
	case hasPrefix(id, "runtime:"):
		return graph.NodeRuntime
	case hasPrefix(id, "secret:"), hasPrefix(id, "arn:aws:secretsmanager:"), hasPrefix(id, "arn:aws:ssm:"), hasPrefix(id, "gcp:secret:"):
		return graph.NodeSecret
	case hasPrefix(id, "k8s:workload:"):
		return graph.NodeRuntime
	case hasPrefix(id, "k8s:sa:"), hasPrefix(id, "k8s:user:"), hasPrefix(id, "k8s:group:"), hasPrefix(id, "gcp:sa:"), hasPrefix(id, "gcp:user:"), hasPrefix(id, "gcp:wif:"):
		return graph.NodeIdentity
	case hasPrefix(id, "arn:aws:iam::"), hasPrefix(id, "arn:aws:sts::"), hasPrefix(id, "oidc:"), hasPrefix(id, "github:"), hasPrefix(id, "gitlab:"),
		hasPrefix(id, "aws:administrator:"):
		return graph.NodeIdentity
	default:
		return graph.NodeResource
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func dedupe(ids []string) []string {
	sort.Strings(ids)
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// startConfidence returns how sure a start is compromised: possible for a
// package name node that only a manifest's version range ties to the
// compromised version, certain otherwise.
func startConfidence(s graph.Node) graph.Confidence {
	if s.Attr(AttrRangeMatch) != "" || s.Attr(AttrComputedMatch) != "" {
		return graph.Possible
	}
	return graph.Certain
}

// onlyExecutors reports whether the walk leaves start s only to the
// runtimes that execute it (see AttrComputedMatch).
func onlyExecutors(s graph.Node) bool {
	return s.Attr(AttrComputedMatch) != "" && s.Attr(AttrRangeMatch) == ""
}

// leavesPartial reports whether the walk leaves a start that onlyExecutors
// marks along an edge into it, of kind, with the pinned and requested
// attributes. It does along an EXECUTES edge, unless it is a floating run
// whose request admits no version of the start's match. The same holds
// for a DEPENDS_ON edge of a floating or computed run (a composite
// action's step).
func leavesPartial(s graph.Node, kind graph.EdgeKind, pinned, requested string) bool {
	switch kind {
	case graph.EdgeExecutes:
	case graph.EdgeDependsOn:
		if pinned != pinnedFloating && pinned != pinnedComputed {
			return false
		}
	default:
		return false
	}
	return pinned != pinnedFloating || floatingAdmits(s.ID, requested, s.Attr(AttrComputedMatch))
}

// MarkDeadEnds sets DeadEnd on the credentials of res that no
// AUTHENTICATES_AS or HOLDS edge of the graph leaves, and returns how many
// it marked. A walk stops at such a credential because the input does
// not show what it acts as (a CI secret set by hand, a vault entry whose
// content no input names), not because it reaches nothing.
func MarkDeadEnds(ctx context.Context, r graph.Reader, res *Result) (int, error) {
	var ids []string
	for _, x := range res.Reached {
		if x.Node.Kind == graph.NodeSecret {
			ids = append(ids, x.Node.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	out, err := r.Expand(ctx, ids, graph.Out, graph.EdgeAuthenticatesAs, graph.EdgeHolds)
	if err != nil {
		return 0, err
	}
	leads := make(map[string]bool, len(out))
	for _, e := range out {
		leads[e.From] = true
	}
	n := 0
	for _, x := range res.Reached {
		if x.Node.Kind == graph.NodeSecret && !leads[x.Node.ID] {
			x.DeadEnd = true
			n++
		}
	}
	return n, nil
}
