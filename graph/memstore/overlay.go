package memstore

import (
	"slices"
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

type (
	nodeFact = graph.NodeFact
	edgeFact = graph.EdgeFact
)

// overlay holds one write in progress on top of an immutable base: the
// sources it retires and the facts it adds. Reads through it see the base
// without the retired sources' facts, plus the added facts. A failed
// write drops the overlay; a successful one builds a new base from both.
type overlay struct {
	b     *base
	now   time.Time
	phase int // 1 while the batch is applied, 2 while derived facts are

	retired  map[string]int // source -> phase that retired it
	retiredW []uint8        // by base word: phase that retired the source
	words    map[string]uint32

	nodes map[string]*ovNode
	edges map[graph.EdgeKey]*ovEdge
	// The same records in the order they were made: a batch lists each
	// file's facts together, so walking these keeps a file's records
	// together, where walking the maps would jump about the heap.
	nodeList []*ovNode
	edgeList []*ovEdge
	hitN     map[uint32]*ovNode // base rows the write asserts
	hitE     map[uint32]*ovEdge // base edges the write asserts
	// ends indexes the edges the base does not hold by each end; nil
	// until Expand reads it after a change (see newEnds).
	ends *edgeEnds
	// The records that the derived source asserts, for its retire in
	// phase 2. A write retires every other source before it puts any of
	// that source's facts (see Store.Write), so no other source needs its
	// records listed. nodesPut and edgesPut hold those other sources, so
	// that retire can tell when that order is broken. Nodes and edges have
	// an index each, so that a write can put both at once.
	nodesBy  bySource[*ovNode]
	edgesBy  bySource[*ovEdge]
	nodesPut sourceSet
	edgesPut sourceSet
	// The records are cut from slabs: the collector then finds the
	// pointers to a run of records in one span instead of one span each.
	nodeSlab slab[ovNode]
	edgeSlab slab[ovEdge]
	// byKind indexes the new records by kind while nothing changes; nil
	// until read.
	byKind *kindIndex
}

type ovNode struct {
	id    string
	facts []nodeFact // sorted by source; all from retired sources
	row   uint32
	// pre is 1 plus the index of the record's first fact in the numbered
	// facts of a primed builder, 0 when they are not numbered (see prime).
	pre    uint32
	inBase bool
	// keepsFirst is set when the record keeps the first-seen time of its
	// base row, base time oldFirst. Otherwise it was first seen at the
	// write's time, and every record was last seen then.
	keepsFirst bool
	oldFirst   uint16
	// inline holds the first fact, so that a record with one fact (most of
	// them) needs no second allocation.
	inline [1]nodeFact
}

type ovEdge struct {
	key        graph.EdgeKey
	facts      []edgeFact
	row        uint32
	pre        uint32 // as in ovNode
	inBase     bool
	keepsFirst bool   // as in ovNode
	oldFirst   uint16 // as in ovNode
	inline     [1]edgeFact
}

// slab hands out zeroed values of T from arrays of slabSize.
type slab[T any] struct{ free []T }

const slabSize = 512

func (s *slab[T]) next() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabSize)
	}
	x := &s.free[0]
	s.free = s.free[1:]
	return x
}

// edgeEnds holds the overlay's edges that the base does not hold, by each
// end.
type edgeEnds struct {
	out, in map[string][]*ovEdge
}

// newEnds returns the index of the overlay's new edges by end, building
// it on the first read after a change. Writes read edges by end rarely,
// so the puts do not keep it up to date.
func (ov *overlay) newEnds() *edgeEnds {
	if ov.ends != nil {
		return ov.ends
	}
	ix := &edgeEnds{out: map[string][]*ovEdge{}, in: map[string][]*ovEdge{}}
	for _, rec := range ov.edgeList {
		if !rec.inBase {
			ix.out[rec.key.From] = append(ix.out[rec.key.From], rec)
			ix.in[rec.key.To] = append(ix.in[rec.key.To], rec)
		}
	}
	ov.ends = ix
	return ix
}

// bySource lists the records that each source asserts.
type bySource[R any] struct {
	m map[string]*[]R
	// The source of the last add, which the next add most often shares.
	last string
	list *[]R
}

func (s *bySource[R]) add(src string, r R) {
	if s.list == nil || s.last != src {
		l := s.m[src]
		if l == nil {
			if s.m == nil {
				s.m = map[string]*[]R{}
			}
			l = new([]R)
			s.m[src] = l
		}
		s.last, s.list = src, l
	}
	*s.list = append(*s.list, r)
}

// sourceSet is a set of sources. Puts come in runs of one source, so a
// source equal to the last one added is not looked up again.
type sourceSet struct {
	m    map[string]struct{}
	last string
}

func (s *sourceSet) add(src string) {
	if s.m != nil && src == s.last {
		return
	}
	if s.m == nil {
		s.m = map[string]struct{}{}
	}
	s.m[src] = struct{}{}
	s.last = src
}

func (s *sourceSet) has(src string) bool {
	_, ok := s.m[src]
	return ok
}

// take returns the records of a source and removes them from the index.
func (s *bySource[R]) take(src string) []R {
	l := s.m[src]
	if l == nil {
		return nil
	}
	delete(s.m, src)
	if s.list == l {
		s.last, s.list = "", nil
	}
	return *l
}

// newOverlay returns an empty overlay on b. nodes and edges are how many
// node and edge facts the write is expected to put: the maps are made
// that large at once instead of growing step by step.
func newOverlay(b *base, now time.Time, nodes, edges int) *overlay {
	ov := &overlay{
		b: b, now: now, phase: 1,
		retired:  map[string]int{},
		retiredW: make([]uint8, b.words.len()),
		words:    make(map[string]uint32, b.words.len()),
		nodes:    make(map[string]*ovNode, nodes),
		edges:    make(map[graph.EdgeKey]*ovEdge, edges),
		nodeList: make([]*ovNode, 0, nodes),
		edgeList: make([]*ovEdge, 0, edges),
		hitN:     map[uint32]*ovNode{},
		hitE:     map[uint32]*ovEdge{},
	}
	for i := 0; i < b.words.len(); i++ {
		ov.words[b.words.at(uint32(i))] = uint32(i)
	}
	return ov
}

// retire removes every fact the source asserts, in the base and in the
// overlay.
func (ov *overlay) retire(src string) {
	if src != graph.DerivedSource && (ov.nodesPut.has(src) || ov.edgesPut.has(src)) {
		// Only the derived source's records are listed (see nodesBy).
		panic("memstore: source " + src + " retired after its facts were put")
	}
	ov.byKind = nil
	if ov.retired[src] == 0 {
		ov.retired[src] = ov.phase
		if w, ok := ov.words[src]; ok {
			ov.retiredW[w] = uint8(ov.phase)
		}
	}
	for _, n := range ov.nodesBy.take(src) {
		n.facts, n.pre = removeNodeFact(n.facts, src), 0
	}
	for _, e := range ov.edgesBy.take(src) {
		e.facts, e.pre = removeEdgeFact(e.facts, src), 0
	}
}

// visible reports whether a base fact whose source is word w is still
// visible after the retirements of the given phase.
func (ov *overlay) visible(w uint32, phase int) bool {
	p := ov.retiredW[w]
	return p == 0 || int(p) > phase
}

// baseNodeFacts returns the base facts of row i that are still visible.
func (ov *overlay) baseNodeFacts(i uint32, phase int) []nodeFact {
	b := ov.b
	var out []nodeFact
	lo, hi := b.nFact.bounds(i)
	for f := lo; f < hi; f++ {
		if ov.visible(b.nf.source(f), phase) {
			out = append(out, b.nodeFact(i, f))
		}
	}
	return out
}

func (ov *overlay) baseEdgeFacts(e uint32, phase int) []edgeFact {
	b := ov.b
	var out []edgeFact
	lo, hi := b.eFact.bounds(e)
	for f := lo; f < hi; f++ {
		if ov.visible(b.ef.source(f), phase) {
			out = append(out, b.edgeFact(e, f))
		}
	}
	return out
}

// baseRowUntouched reports whether row i reads the same through the
// overlay as in the base.
func (ov *overlay) baseRowUntouched(i uint32) bool {
	b := ov.b
	if ov.hitN[i] != nil {
		return false
	}
	lo, hi := b.nFact.bounds(i)
	for f := lo; f < hi; f++ {
		if ov.retiredW[b.nf.source(f)] != 0 {
			return false
		}
	}
	return true
}

func (ov *overlay) baseEdgeUntouched(e uint32) bool {
	b := ov.b
	if ov.hitE[e] != nil {
		return false
	}
	lo, hi := b.eFact.bounds(e)
	for f := lo; f < hi; f++ {
		if ov.retiredW[b.ef.source(f)] != 0 {
			return false
		}
	}
	return true
}

// firstSeen is when a record that the write asserts was first seen: kept
// from the base while the record lives on (keepsFirst), now when it starts
// anew (also when the batch dropped it and the linker asserts it again).
func (ov *overlay) firstSeen(keepsFirst bool, old uint16) time.Time {
	if keepsFirst {
		return ov.b.times[old]
	}
	return ov.now
}

func (ov *overlay) node(id string) *ovNode {
	rec := ov.nodes[id]
	if rec != nil {
		return rec
	}
	rec = ov.nodeSlab.next()
	rec.id = id
	rec.row, rec.inBase = ov.b.lookup(id)
	alive := false
	if rec.inBase && ov.b.hasFacts(rec.row) {
		alive = ov.phase == 1 || len(ov.baseNodeFacts(rec.row, 1)) > 0
	}
	if rec.inBase {
		rec.keepsFirst, rec.oldFirst = alive, ov.b.nFirst[rec.row]
		ov.hitN[rec.row] = rec
	}
	ov.nodes[id] = rec
	ov.nodeList = append(ov.nodeList, rec)
	return rec
}

func (ov *overlay) edge(k graph.EdgeKey) *ovEdge {
	rec := ov.edges[k]
	if rec != nil {
		return rec
	}
	rec = ov.edgeSlab.next()
	rec.key = k
	b := ov.b
	from, okF := b.lookup(k.From)
	to, okT := b.lookup(k.To)
	kind, okK := b.edgeKindIndex(k.Kind)
	if okF && okT && okK {
		rec.row, rec.inBase = b.findEdge(from, to, kind)
	}
	if rec.inBase {
		alive := ov.phase == 1 || len(ov.baseEdgeFacts(rec.row, 1)) > 0
		rec.keepsFirst, rec.oldFirst = alive, b.eFirst[rec.row]
		ov.hitE[rec.row] = rec
	} else {
		ov.ends = nil
	}
	ov.edges[k] = rec
	ov.edgeList = append(ov.edgeList, rec)
	return rec
}

// putNode adds a node fact. It touches no state that putEdge touches, so
// the two may run at once; the caller clears byKind.
func (ov *overlay) putNode(src string, n *graph.Node) {
	rec := ov.node(n.ID)
	rec.pre = 0
	i := factIndex(rec.facts, src, nodeSource)
	if i < len(rec.facts) && rec.facts[i].Source == src {
		f := &rec.facts[i]
		f.Attrs = graph.MergeSameSourceAttrs(f.Attrs, n.Attrs)
		if f.Label == "" {
			f.Label = n.Label
		}
		return
	}
	// The batch's map is shared, not copied: the overlay only lives while
	// Write runs, and merging into a fact makes a new map.
	f := nodeFact{Source: src, Pos: n.Pos, Kind: n.Kind, Label: n.Label, Attrs: n.Attrs}
	if rec.facts == nil {
		rec.facts = rec.inline[:0]
	}
	rec.facts = insertFact(rec.facts, i, f)
	if src == graph.DerivedSource {
		ov.nodesBy.add(src, rec)
	} else {
		ov.nodesPut.add(src)
	}
}

func (ov *overlay) putEdge(src string, e *graph.Edge) {
	rec := ov.edge(e.Key())
	rec.pre = 0
	conf := e.Confidence
	if conf == "" {
		conf = graph.Certain
	}
	i := factIndex(rec.facts, src, edgeSource)
	if i < len(rec.facts) && rec.facts[i].Source == src {
		f := &rec.facts[i]
		f.Attrs = graph.MergeAttrs(f.Attrs, e.Attrs)
		if conf == graph.Certain {
			f.Confidence = graph.Certain
		}
		if e.Evidence != nil {
			ev := f.Evidence.Clone()
			if ev == nil {
				ev = &graph.Evidence{}
			}
			ev.Merge(e.Evidence)
			f.Evidence = ev
		}
		return
	}
	// The store keeps the batch's evidence as it is: a batch belongs to
	// the store once written (see graph.Store.Write).
	f := edgeFact{Source: src, Pos: e.Pos, Confidence: conf, Attrs: e.Attrs, Evidence: e.Evidence}
	if rec.facts == nil {
		rec.facts = rec.inline[:0]
	}
	rec.facts = insertFact(rec.facts, i, f)
	if src == graph.DerivedSource {
		ov.edgesBy.add(src, rec)
	} else {
		ov.edgesPut.add(src)
	}
}

func nodeSource(f *nodeFact) string { return f.Source }
func edgeSource(f *edgeFact) string { return f.Source }

// factIndex returns where a fact of source src goes in facts, which are
// sorted by source. A batch lists files in the order of a walk of their
// folders, which is mostly the order of their paths, so a new fact
// mostly goes last and is placed without a search.
func factIndex[F any](facts []F, src string, source func(*F) string) int {
	n := len(facts)
	if n == 0 || source(&facts[n-1]) < src {
		return n
	}
	return sort.Search(n, func(i int) bool { return source(&facts[i]) >= src })
}

// insertFact inserts f at index i of facts.
func insertFact[F any](facts []F, i int, f F) []F {
	if i == len(facts) {
		return append(facts, f)
	}
	return slices.Insert(facts, i, f)
}

// nodeFactsOf returns every visible fact of a node, sorted by source.
func (ov *overlay) nodeFactsOf(rec *ovNode) []nodeFact {
	if !rec.inBase {
		return rec.facts
	}
	return mergeNodeFacts(ov.baseNodeFacts(rec.row, 2), rec.facts)
}

func (ov *overlay) edgeFactsOf(rec *ovEdge) []edgeFact {
	if !rec.inBase {
		return rec.facts
	}
	return mergeEdgeFacts(ov.baseEdgeFacts(rec.row, 2), rec.facts)
}

// readRow returns the merged view of base row i through the overlay.
func (ov *overlay) readRow(i uint32) (graph.Node, bool) {
	if ov.baseRowUntouched(i) {
		if !ov.b.hasFacts(i) {
			return graph.Node{}, false
		}
		return ov.b.node(i), true
	}
	if rec := ov.hitN[i]; rec != nil {
		return ov.readRec(rec)
	}
	fs := ov.baseNodeFacts(i, 2)
	if len(fs) == 0 {
		return graph.Node{}, false
	}
	return graph.MergeNode(ov.b.ids.at(i), fs, ov.b.times[ov.b.nFirst[i]], ov.b.times[ov.b.nLast[i]]), true
}

func (ov *overlay) readRec(rec *ovNode) (graph.Node, bool) {
	fs := ov.nodeFactsOf(rec)
	if len(fs) == 0 {
		return graph.Node{}, false
	}
	if len(fs) == 1 {
		return oneFactNode(rec.id, fs[0], ov.firstSeen(rec.keepsFirst, rec.oldFirst), ov.now), true
	}
	return graph.MergeNode(rec.id, fs, ov.firstSeen(rec.keepsFirst, rec.oldFirst), ov.now), true
}

// oneFactNode is graph.MergeNode of a single fact, except that it shares
// the fact's attribute map instead of copying it. Only the deriver reads
// through an overlay, and it copies a map before it changes it. Without
// sharing, a large write holds a second copy of every new node's
// attributes while the linker runs.
func oneFactNode(id string, f nodeFact, first, last time.Time) graph.Node {
	n := graph.Node{ID: id, Kind: f.Kind, Label: f.Label, Pos: f.Pos, FirstSeen: first, LastSeen: last}
	if len(f.Attrs) > 0 {
		n.Attrs = f.Attrs
	}
	return n
}

// oneFactEdge is graph.MergeEdge of a single fact, sharing its attribute
// map as oneFactNode does.
func oneFactEdge(k graph.EdgeKey, f edgeFact, first, last time.Time) graph.Edge {
	e := graph.Edge{From: k.From, To: k.To, Kind: k.Kind, Confidence: graph.Possible, Pos: f.Pos,
		Evidence: f.Evidence, FirstSeen: first, LastSeen: last}
	if f.Confidence == graph.Certain {
		e.Confidence = graph.Certain
	}
	if len(f.Attrs) > 0 {
		e.Attrs = f.Attrs
	}
	return e
}

func (ov *overlay) readNode(id string) (graph.Node, bool) {
	if rec := ov.nodes[id]; rec != nil {
		return ov.readRec(rec)
	}
	if i, ok := ov.b.lookup(id); ok {
		return ov.readRow(i)
	}
	return graph.Node{}, false
}

func (ov *overlay) readEdge(e, from uint32) (graph.Edge, bool) {
	if ov.baseEdgeUntouched(e) {
		return ov.b.edge(e, from), true
	}
	if rec := ov.hitE[e]; rec != nil {
		return ov.readEdgeRec(rec)
	}
	fs := ov.baseEdgeFacts(e, 2)
	if len(fs) == 0 {
		return graph.Edge{}, false
	}
	return graph.MergeEdge(ov.b.edgeKey(e), fs, ov.b.times[ov.b.eFirst[e]], ov.b.times[ov.b.eLast[e]]), true
}

func (ov *overlay) readEdgeRec(rec *ovEdge) (graph.Edge, bool) {
	fs := ov.edgeFactsOf(rec)
	if len(fs) == 0 {
		return graph.Edge{}, false
	}
	if len(fs) == 1 {
		return oneFactEdge(rec.key, fs[0], ov.firstSeen(rec.keepsFirst, rec.oldFirst), ov.now), true
	}
	return graph.MergeEdge(rec.key, fs, ov.firstSeen(rec.keepsFirst, rec.oldFirst), ov.now), true
}

func mergeNodeFacts(a, b []nodeFact) []nodeFact {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]nodeFact, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

func mergeEdgeFacts(a, b []edgeFact) []edgeFact {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]edgeFact, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

func removeNodeFact(fs []nodeFact, src string) []nodeFact {
	out := fs[:0:0]
	for _, f := range fs {
		if f.Source != src {
			out = append(out, f)
		}
	}
	return out
}

func removeEdgeFact(fs []edgeFact, src string) []edgeFact {
	out := fs[:0:0]
	for _, f := range fs {
		if f.Source != src {
			out = append(out, f)
		}
	}
	return out
}
