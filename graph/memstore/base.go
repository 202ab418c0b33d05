package memstore

import (
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// labelIsID marks a node whose label is its id, the common case, so the
// label costs nothing.
const labelIsID = ^uint32(0)

// base is one immutable version of the graph, laid out in columns.
//
// Every id that a node or an edge end names has a row, numbered in id
// order. Edges are numbered in (from, kind, to) order, so the edges that
// leave a node are one run of rows grouped by kind, and inEdges groups
// them by target the same way. Each node and edge owns a run of fact rows,
// one per source that asserts it, in source order. Strings other than ids
// live in one table of words, each stored once; attribute sets, and the
// kind, label and attributes of node facts, are stored once each.
//
// A base never changes once built, so any number of goroutines read it
// without a lock.
type base struct {
	ids   idtab
	words strtab
	times []time.Time // index 0 is the zero time

	nodeKinds []graph.NodeKind
	edgeKinds []graph.EdgeKind
	confs     []graph.Confidence

	// Node rows, one per id. The facts of row i are the fact rows of
	// run i of nFact, and an id without facts only ends edges. The edges
	// leaving row i are outStart[i] to outStart[i+1], those entering it
	// inEdges[inStart[i]:inStart[i+1]]. nBody is the body of the row's
	// facts (see factCols).
	nFact             runs
	outStart, inStart []uint32 // len(ids)+1 entries
	nFirst, nLast     []uint16
	nBody             []uint32

	// Node fact rows, and the bodies: a kind, a label and attributes.
	nf             factCols
	bKind          []uint8
	bLabel, bAttrs []uint32

	// Edge rows. The facts of edge e are the fact rows of run e of
	// eFact. eVal holds the attribute set of the edge's facts in its low
	// bits and the confidence above confShift (see factCols).
	eFact         runs
	eTo           []uint32
	eFirst, eLast []uint16
	eKind         []uint8
	eVal          []uint32
	inEdges       []uint32

	// Edge fact rows, and the evidence by edge fact row.
	ef       factCols
	evidence map[uint32]*graph.Evidence

	// Attribute sets. Set 0 is empty.
	sets attrTable

	sources   int // sources that assert at least one fact
	nodes     int // rows with facts
	nodeCount map[graph.NodeKind]int
	edgeCount map[graph.EdgeKind]int
	lastWrite time.Time
}

// confShift places an edge's confidence above its attribute set, below
// mixedBit.
const (
	confShift = 28
	attrMask  = 1<<confShift - 1
	maxConfs  = 1 << (31 - confShift)
)

func emptyBase() *base {
	b := &base{
		times:     []time.Time{{}},
		nFact:     newRuns(nil),
		outStart:  []uint32{0},
		inStart:   []uint32{0},
		eFact:     newRuns(nil),
		nBody:     []uint32{},
		sets:      newAttrTable(),
		evidence:  map[uint32]*graph.Evidence{},
		nodeCount: map[graph.NodeKind]int{},
		edgeCount: map[graph.EdgeKind]int{},
	}
	b.words = newStrtab([]string{"", graph.DerivedSource})
	return b
}

// lookup returns the row of an id.
func (b *base) lookup(id string) (uint32, bool) { return b.ids.find(id) }

func (b *base) hasFacts(i uint32) bool { return b.nFact.n[i] != 0 }

// from returns the row of the node edge e leaves.
func (b *base) from(e uint32) uint32 {
	return uint32(sort.Search(b.ids.len(), func(i int) bool { return b.outStart[i+1] > e }))
}

// attrs returns a new map of attribute set i, or nil for the empty set.
func (b *base) attrs(i uint32) map[string]string {
	keys, vals := b.sets.set(i)
	if len(keys) == 0 {
		return nil
	}
	m := make(map[string]string, len(keys))
	for j, k := range keys {
		m[b.words.at(k)] = b.words.at(vals[j])
	}
	return m
}

func (b *base) label(i, body uint32) string {
	if b.bLabel[body] == labelIsID {
		return b.ids.at(i)
	}
	return b.words.at(b.bLabel[body])
}

func (b *base) nodePos(f uint32) graph.Pos {
	return graph.Pos{File: b.words.at(b.nf.fileWord(f)), Line: b.nf.lineOf(f)}
}

// body returns the body of fact row f of row i.
func (b *base) body(i, f uint32) uint32 { return b.nf.value(b.nBody[i], b.nFact.start(i), f) }

func (b *base) nodeFact(i, f uint32) nodeFact {
	body := b.body(i, f)
	return nodeFact{
		Source: b.words.at(b.nf.source(f)),
		Pos:    b.nodePos(f),
		Kind:   b.nodeKinds[b.bKind[body]],
		Label:  b.label(i, body),
		Attrs:  b.attrs(b.bAttrs[body]),
	}
}

// nodeFacts returns the facts of row i as records.
func (b *base) nodeFacts(i uint32) []nodeFact {
	var out []nodeFact
	lo, hi := b.nFact.bounds(i)
	for f := lo; f < hi; f++ {
		out = append(out, b.nodeFact(i, f))
	}
	return out
}

// node returns the merged view of row i, which must have facts.
func (b *base) node(i uint32) graph.Node {
	if b.nFact.n[i] != 1 {
		return graph.MergeNode(b.ids.at(i), b.nodeFacts(i), b.times[b.nFirst[i]], b.times[b.nLast[i]])
	}
	f := b.nFact.start(i)
	body := b.nBody[i]
	return graph.Node{
		ID:        b.ids.at(i),
		Kind:      b.nodeKinds[b.bKind[body]],
		Label:     b.label(i, body),
		Attrs:     b.attrs(b.bAttrs[body]),
		Pos:       b.nodePos(f),
		FirstSeen: b.times[b.nFirst[i]],
		LastSeen:  b.times[b.nLast[i]],
	}
}

// nodeKind returns the merged kind of row i, the kind its first source
// gives, without building the node.
func (b *base) nodeKind(i uint32) graph.NodeKind {
	f := b.nFact.start(i)
	return b.nodeKinds[b.bKind[b.nf.value(b.nBody[i], f, f)]]
}

func (b *base) edgeKey(e uint32) graph.EdgeKey {
	return graph.EdgeKey{From: b.ids.at(b.from(e)), Kind: b.edgeKinds[b.eKind[e]], To: b.ids.at(b.eTo[e])}
}

func (b *base) edgePos(f uint32) graph.Pos {
	return graph.Pos{File: b.words.at(b.ef.fileWord(f)), Line: b.ef.lineOf(f)}
}

// edgeVal returns the confidence and attribute set of fact row f of edge e.
func (b *base) edgeVal(e, f uint32) uint32 {
	if v := b.eVal[e]; v&mixedBit == 0 {
		return v
	}
	return b.ef.value(b.eVal[e], b.eFact.start(e), f)
}

func (b *base) edgeFact(e, f uint32) edgeFact {
	v := b.edgeVal(e, f)
	return edgeFact{
		Source:     b.words.at(b.ef.source(f)),
		Pos:        b.edgePos(f),
		Confidence: b.confs[v>>confShift],
		Attrs:      b.attrs(v & attrMask),
		Evidence:   b.evidence[f],
	}
}

func (b *base) edgeFacts(e uint32) []edgeFact {
	var out []edgeFact
	lo, hi := b.eFact.bounds(e)
	for f := lo; f < hi; f++ {
		out = append(out, b.edgeFact(e, f))
	}
	return out
}

// edge returns the merged view of edge row e, which leaves row from.
func (b *base) edge(e, from uint32) graph.Edge {
	f := b.eFact.start(e)
	if b.eFact.n[e] != 1 || b.evidence[f] != nil {
		return graph.MergeEdge(b.edgeKey(e), b.edgeFacts(e), b.times[b.eFirst[e]], b.times[b.eLast[e]])
	}
	v := b.eVal[e]
	conf := b.confs[v>>confShift]
	if conf != graph.Certain {
		conf = graph.Possible
	}
	return graph.Edge{
		From:       b.ids.at(from),
		To:         b.ids.at(b.eTo[e]),
		Kind:       b.edgeKinds[b.eKind[e]],
		Confidence: conf,
		Attrs:      b.attrs(v & attrMask),
		Pos:        b.edgePos(f),
		FirstSeen:  b.times[b.eFirst[e]],
		LastSeen:   b.times[b.eLast[e]],
	}
}

// findEdge returns the row of an edge given by its ends' rows and kind.
func (b *base) findEdge(from, to uint32, kind uint8) (uint32, bool) {
	lo, hi := b.outStart[from], b.outStart[from+1]
	for lo < hi {
		m := lo + (hi-lo)/2
		if b.eKind[m] < kind || (b.eKind[m] == kind && b.eTo[m] < to) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < b.outStart[from+1] && b.eKind[lo] == kind && b.eTo[lo] == to {
		return lo, true
	}
	return 0, false
}

func (b *base) edgeKindIndex(k graph.EdgeKind) (uint8, bool) {
	for i, x := range b.edgeKinds {
		if x == k {
			return uint8(i), true
		}
	}
	return 0, false
}

// kindMask marks the kind indexes among kinds; no kinds marks every kind.
func (b *base) kindMask(kinds []graph.EdgeKind) *[256]bool {
	var m [256]bool
	if len(kinds) == 0 {
		for i := range b.edgeKinds {
			m[i] = true
		}
		return &m
	}
	for _, k := range kinds {
		if i, ok := b.edgeKindIndex(k); ok {
			m[i] = true
		}
	}
	return &m
}

// strtab is a table of strings kept in one string, so that a million
// strings cost one allocation and a uint32 each.
type strtab struct {
	data string
	ends []uint32
}

func newStrtab(list []string) strtab {
	n := 0
	for _, s := range list {
		n += len(s)
	}
	buf := make([]byte, 0, n)
	ends := make([]uint32, len(list))
	for i, s := range list {
		buf = append(buf, s...)
		ends[i] = uint32(len(buf))
	}
	return strtab{data: string(buf), ends: ends}
}

func (t *strtab) len() int { return len(t.ends) }

func (t *strtab) at(i uint32) string {
	lo := uint32(0)
	if i > 0 {
		lo = t.ends[i-1]
	}
	return t.data[lo:t.ends[i]]
}

// Footprint returns the bytes that the columns of the current version
// take: those of ids, node rows and node facts, and those of edge rows,
// edge facts and the index by target. Words, attribute sets, node fact
// bodies and times are shared and counted in neither.
func (s *Store) Footprint() (nodes, edges int64) {
	b := s.cur.Load()
	n := int64(len(b.ids.data)) + 4*int64(len(b.ids.blocks))
	n += 4*int64(len(b.outStart)+len(b.inStart)+len(b.nBody)) + 2*int64(len(b.nFirst)+len(b.nLast)) + b.nFact.bytes()
	n += b.nf.size()
	e := 4*int64(len(b.eTo)+len(b.inEdges)+len(b.eVal)) + 2*int64(len(b.eFirst)+len(b.eLast)) + int64(len(b.eKind)) + b.eFact.bytes()
	e += b.ef.size()
	return n, e
}

// size returns the bytes the columns take.
func (fc *factCols) size() int64 {
	return 4*int64(len(fc.file)+len(fc.side)) + 2*int64(len(fc.line)) +
		8*int64(len(fc.lines.rows)+len(fc.srcs.rows))
}
