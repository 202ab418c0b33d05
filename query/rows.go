package query

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// The walk over an embedded store reads it by row number through
// memstore.Rows. Visits are found by row, and an edge stays an edge
// number until the walk needs its hop or the plan needs the edge. Rows
// sort as their ids do, so each level's edges come out of the store in
// the order the generic walk sorts them into, and the result is the same.

// noRow marks a start whose id has no row in the store.
const noRow = ^uint32(0)

// rowWalk is the state of one walk over rows. Its visits are found
// through a map while they are few, and through a slice indexed by row,
// of positions plus one, once they are many. A slice for the whole graph
// costs more to clear than a small walk takes.
type rowWalk struct {
	rows   *memstore.Rows
	small  map[uint32]int32
	slots  []int32
	visits []*visit
	chunk  []visit
}

// slotsAfter is the number of visits past which a walk indexes them by
// row through a slice.
var slotsAfter = 4096

func newRowWalk(rows *memstore.Rows) *rowWalk {
	return &rowWalk{rows: rows, small: map[uint32]int32{}}
}

// add makes the visit of a row (noRow for an id without one).
func (w *rowWalk) add(id string, row uint32) *visit {
	if len(w.chunk) == 0 {
		w.chunk = make([]visit, min(max(len(w.visits), 16), 1024))
	}
	v := &w.chunk[0]
	w.chunk = w.chunk[1:]
	v.id, v.row = id, row
	w.visits = append(w.visits, v)
	if row == noRow {
		return v
	}
	if w.slots != nil {
		w.slots[row] = int32(len(w.visits))
		return v
	}
	w.small[row] = int32(len(w.visits))
	if len(w.small) > slotsAfter {
		w.slots = make([]int32, w.rows.Len())
		for r, i := range w.small {
			w.slots[r] = i
		}
		w.small = nil
	}
	return v
}

func (w *rowWalk) get(row uint32) *visit {
	var i int32
	if w.slots != nil {
		i = w.slots[row]
	} else {
		i = w.small[row]
	}
	if i > 0 {
		return w.visits[i-1]
	}
	return nil
}

// traversable is the generic traversable read from rows.
func (w *rowWalk) traversable(ref memstore.EdgeRef, kind graph.EdgeKind) bool {
	if kind != graph.EdgeDependsOn && kind != graph.EdgeObserved {
		return true
	}
	fs, ok := w.rows.Facts(ref)
	if !ok {
		e := w.rows.Edge(ref)
		return traversable(&e, false)
	}
	if kind == graph.EdgeDependsOn {
		return fs.Attr(graph.AttrLockfile) == ""
	}
	return fs.Attr("denied_only") != "true"
}

// attr returns an attribute of edge ref.
func (w *rowWalk) attr(ref memstore.EdgeRef, key string) string {
	if fs, ok := w.rows.Facts(ref); ok {
		return fs.Attr(key)
	}
	e := w.rows.Edge(ref)
	return e.Attr(key)
}

// facts returns what the walk reads of edge ref: its confidence and
// whether a CAN_ACCESS edge has an escalation method.
func (w *rowWalk) facts(ref memstore.EdgeRef, kind graph.EdgeKind) (conf graph.Confidence, method bool) {
	fs, ok := w.rows.Facts(ref)
	if !ok {
		e := w.rows.Edge(ref)
		return e.Confidence, e.Attr("method") != ""
	}
	return fs.Confidence(), kind == graph.EdgeCanAccess && fs.Attr("method") != ""
}

// blastRows walks the rows of an embedded store as BlastRadius does.
func blastRows(ctx context.Context, rows *memstore.Rows, res *Result, maxDepth int, flaws bool) (*Result, error) {
	w := newRowWalk(rows)
	fwd, bwd := rows.Kinds(forwardKinds(Options{AssumeAppFlaws: flaws})...), rows.Kinds(backward...)

	var frontier, next []uint32
	startIDs := map[string]bool{}
	for _, s := range res.Starts {
		if startIDs[s.ID] {
			continue
		}
		startIDs[s.ID] = true
		row, ok := rows.Lookup(s.ID)
		if !ok {
			row = noRow
		}
		v := w.add(s.ID, row)
		v.reached = Reached{Node: s, Confidence: startConfidence(s)}
		v.modifiable = true
		v.partial = ok && onlyExecutors(s)
		if ok {
			frontier = append(frontier, row)
		}
	}
	var refs []memstore.EdgeRef
	lazy := &lazyEdges{rows: rows, flaws: flaws}
	var out, in []memstore.EdgeRef
	// grants lists, per holder row, the CAN_GRANT edges the walk met. The
	// walk takes each again whenever it reaches the holder or holds it
	// more surely.
	grants := map[uint32][]memstore.EdgeRef{}
	// neverPulled contains the EXECUTES edges left untaken because the
	// workload never pulls the pushed image, as in BlastRadius.
	neverPulled := map[memstore.EdgeRef]bool{}
	for depth := 1; len(frontier) > 0 && depth <= maxDepth; depth++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Rows in order give the edges in (source id, kind, target id)
		// order, as the generic walk sorts them.
		slices.Sort(frontier)
		refs = refs[:0]
		for _, row := range frontier {
			refs = rows.AppendOut(refs, row, fwd)
		}
		out = out[:0]
		for _, ref := range refs {
			if w.traversable(ref, rows.Kind(ref.Edge)) {
				out = append(out, ref)
			}
		}
		refs = refs[:0]
		for _, row := range frontier {
			refs = rows.AppendIn(refs, row, bwd)
		}
		in = in[:0]
		for _, ref := range refs {
			kind := rows.Kind(ref.Edge)
			if depth == 1 {
				if v := w.get(ref.To); v.partial && !leavesPartial(v.reached.Node, kind, w.attr(ref, "pinned"), w.attr(ref, "requested")) {
					continue
				}
			}
			if w.traversable(ref, kind) {
				in = append(in, ref)
			}
		}
		slices.SortFunc(in, func(a, b memstore.EdgeRef) int {
			if a.From != b.From {
				return cmp.Compare(a.From, b.From)
			}
			if ra, rb := rows.KindRank(a.Edge), rows.KindRank(b.Edge); ra != rb {
				return int(ra) - int(rb)
			}
			return cmp.Compare(a.To, b.To)
		})

		next = next[:0]
		var pv *visit
		var step func(ref memstore.EdgeRef, from, to uint32, rev, replay bool)
		step = func(ref memstore.EdgeRef, from, to uint32, rev, replay bool) {
			if pv == nil || pv.row != from {
				pv = w.get(from)
			}
			kind := rows.Kind(ref.Edge)
			var never bool
			var cached string
			if rev && kind == graph.EdgeExecutes && pv.hasParent {
				switch {
				case pv.fromVisit != nil && pv.fromVisit.hasParent && pushedVersion(pv.hop.Kind, pv.fromVisit.hop.Kind, pv.fromVisit.id):
					never, cached = pushedRun(pv.id, w.attr(ref, graph.AttrPullPolicy))
				case pushedName(pv.hop.Kind, pv.id, w.attr(ref, "pinned")):
					never, cached = pushedTag(w.attr(ref, graph.AttrPullPolicy))
				}
			}
			if never {
				neverPulled[ref] = true
				return
			}
			retaken := len(neverPulled) > 0 && neverPulled[ref]
			if !replay && (!pv.expanded || retaken || pv.partial && rev &&
				!leavesPartial(pv.reached.Node, kind, w.attr(ref, "pinned"), w.attr(ref, "requested"))) {
				lazy.refs = append(lazy.refs, ref)
				delete(neverPulled, ref)
			}
			if kind == graph.EdgeDefines && !pv.modifiable {
				return
			}
			econf, method := w.facts(ref, kind)
			flaw := appInput(kind)
			var via string
			if flaw {
				via = w.attr(ref, graph.AttrVia)
				flaw = via != graph.ViaPodNetwork
			}
			if flaw {
				econf = graph.Possible
			}
			conf := pv.reached.Confidence.Weaker(econf)
			published := rev && pv.hasParent && republished(kind, pv.hop.Kind, pv.id)
			pinned := rev && pv.hasParent && !published && kind == graph.EdgeVersionOf && repushed(kind, pv.hop.Kind, pv.id, rows.ID(to))
			if published || pinned || cached != "" {
				conf = graph.Possible
			}
			if kind == graph.EdgeCanGrant {
				hrow, ok := rows.Lookup(w.attr(ref, graph.AttrHolder))
				if !ok {
					return // a holder without a row is never held
				}
				if !replay {
					grants[hrow] = append(grants[hrow], ref)
				}
				hv := w.get(hrow)
				if hv == nil || hv.inspected {
					return
				}
				conf = conf.Weaker(hv.reached.Confidence)
			}
			modifies := kind == graph.EdgeCanModify
			inspects := !rev && kind == graph.EdgeCanAccess && !method && kindFromID(rows.ID(to)) == graph.NodeIdentity
			if !rev && kind == graph.EdgeObserved && kindFromID(rows.ID(to)) == graph.NodeIdentity {
				// The merged edge carries the evidence that decides.
				e := rows.Edge(ref)
				inspects = readsDefinitionOnly(&e)
			}
			cur := w.get(to)
			ok := cur != nil
			if ok && inspects && !cur.inspected {
				return
			}
			upgrade := ok && ((cur.reached.Confidence == graph.Possible && conf == graph.Certain) ||
				(modifies && !cur.modifiable && kindFromID(cur.id) == graph.NodeRepository) ||
				(cur.inspected && !inspects) || (cur.partial && !cur.hasParent))
			if ok && !upgrade {
				return
			}
			if !ok {
				cur = w.add(rows.ID(to), to)
			}
			if modifies {
				cur.modifiable = true
			}
			cur.reached.Depth = depth
			cur.reached.Confidence = conf
			cur.hop, cur.hasParent, cur.rev, cur.from, cur.fromVisit = rowHop(rows, ref, rev), true, rev, pv.id, pv
			if flaw {
				cur.hop.Confidence = graph.Possible
				cur.hop.Reason = joinReason(cur.hop.Reason, assumption(kind, via))
			}
			if published {
				cur.hop.Confidence = graph.Possible
				cur.hop.Reason = joinReason(cur.hop.Reason, publishedVersion)
			}
			if pinned {
				cur.hop.Confidence = graph.Possible
				cur.hop.Reason = joinReason(cur.hop.Reason, pinnedDigest)
			}
			if cached != "" {
				cur.hop.Confidence = graph.Possible
				cur.hop.Reason = joinReason(cur.hop.Reason, cached)
			}
			cur.inspected = inspects
			cur.reached.Inspected = inspects
			if !inspects && cur.queued != depth+1 {
				cur.queued = depth + 1
				next = append(next, to)
			}
			if !inspects {
				for _, r := range grants[to] {
					step(r, r.From, r.To, false, true)
				}
			}
		}
		for _, ref := range out {
			step(ref, ref.From, ref.To, false, false)
		}
		for _, ref := range in {
			step(ref, ref.To, ref.From, true, false)
		}
		for _, row := range frontier {
			v := w.get(row)
			v.partial = v.partial && !v.expanded
			v.expanded = true
		}
		frontier, next = next, frontier
	}
	res.lazy = lazy

	// The visits in row order are in id order; a start without a row
	// has no edges and may go anywhere.
	keys := make([]uint64, len(w.visits))
	for i, v := range w.visits {
		keys[i] = uint64(v.row)<<32 | uint64(i)
	}
	slices.Sort(keys)
	all := make([]*visit, len(keys))
	for i, k := range keys {
		all[i] = w.visits[uint32(k)]
	}
	load := func(v *visit) (graph.Node, bool) {
		if v.row == noRow {
			return graph.Node{}, false
		}
		return rows.Node(v.row)
	}
	return settle(ctx, rows.Reader(), res, all, load, func(v *visit) Hop { return v.hop })
}

// rowHop is hopOf read from rows, without building the edge unless it
// carries evidence.
func rowHop(rows *memstore.Rows, ref memstore.EdgeRef, rev bool) Hop {
	fs, ok := rows.Facts(ref)
	if !ok {
		e := rows.Edge(ref)
		return hopOf(&e, rev)
	}
	return Hop{From: rows.ID(ref.From), To: rows.ID(ref.To), Kind: rows.Kind(ref.Edge), Reversed: rev,
		Confidence: fs.Confidence(), Reason: fs.Attr(graph.AttrReason), Level: fs.Attr(graph.AttrLevel),
		Actions: fs.Attr(graph.AttrActions), Pos: fs.Pos()}
}

// lazyEdges holds the edges a walk over rows took, built into graph.Edge
// values only when a caller asks for them.
type lazyEdges struct {
	rows  *memstore.Rows
	flaws bool // the walk assumed application flaws
	refs  []memstore.EdgeRef
	once  sync.Once
	edges []graph.Edge
}

func (l *lazyEdges) all() []graph.Edge {
	l.once.Do(func() {
		if len(l.refs) == 0 {
			return
		}
		l.edges = make([]graph.Edge, len(l.refs))
		for i, ref := range l.refs {
			l.edges[i] = l.rows.Edge(ref)
		}
		if l.flaws {
			assumeAppFlaws(l.edges)
		}
	})
	return l.edges
}

func (l *lazyEdges) of(kind graph.EdgeKind, keep func(from, to string) bool) []graph.Edge {
	var out []graph.Edge
	for _, ref := range l.refs {
		if l.rows.Kind(ref.Edge) == kind && keep(l.rows.ID(ref.From), l.rows.ID(ref.To)) {
			out = append(out, l.rows.Edge(ref))
		}
	}
	if l.flaws {
		assumeAppFlaws(out)
	}
	return out
}
