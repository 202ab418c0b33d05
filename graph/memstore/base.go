package memstore

import (
	"hash/maphash"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// noFact marks a node row without facts of its own: an id that only the
// end of an edge names.
const noFact = ^uint32(0)

// labelIsID marks a node whose label is its id, the common case, so the
// label costs nothing.
const labelIsID = ^uint32(0)

// Confidences as stored in a column.
const (
	confCertain uint8 = iota
	confPossible
)

// base is one immutable version of the graph, laid out in columns. Every
// id that a node or an edge end names has a row, numbered in id order;
// edges are numbered in (from, kind, to) order, so the edges leaving a
// node are one run of rows, grouped by kind. Strings other than ids live
// in one table of words, each stored once. A node or edge with one fact
// keeps it in the columns; one with several facts, evidence or an unusual
// confidence keeps its facts in a side table and the columns point to it.
//
// A base is never changed once built, so any number of goroutines read it
// without a lock.
type base struct {
	ids   strtab
	index idIndex
	words strtab
	times []time.Time // index 0 is the zero time

	nodeKinds []graph.NodeKind
	edgeKinds []graph.EdgeKind

	// Node columns, one entry per id.
	nSrc, nFile, nLine, nLabel, nAttrs []uint32
	nFirst, nLast, nExtra              []uint32
	nKind                              []uint8
	outStart, inStart                  []uint32 // len(ids)+1 entries

	// Edge columns, one entry per edge.
	eFrom, eTo, eSrc, eFile, eLine, eAttrs []uint32
	eFirst, eLast, eExtra                  []uint32
	eKind, eConf                           []uint8
	inEdges                                []uint32 // edge rows grouped by target, then kind

	// Attribute set i holds the key and value words at
	// attrPairs[attrStart[i]:attrStart[i+1]]; set 0 is empty.
	attrStart, attrPairs []uint32

	nodeExtra [][]nodeFact // index 0 unused
	edgeExtra [][]edgeFact // index 0 unused

	sources   int // sources that assert at least one fact
	nodes     int // rows with facts
	nodeCount map[graph.NodeKind]int
	edgeCount map[graph.EdgeKind]int
	lastWrite time.Time
}

func emptyBase() *base {
	b := &base{
		times:     []time.Time{{}},
		outStart:  []uint32{0},
		inStart:   []uint32{0},
		attrStart: []uint32{0, 0},
		nodeExtra: [][]nodeFact{nil},
		edgeExtra: [][]edgeFact{nil},
		nodeCount: map[graph.NodeKind]int{},
		edgeCount: map[graph.EdgeKind]int{},
	}
	b.words = newStrtab([]string{""})
	b.index = buildIndex(&b.ids)
	return b
}

// lookup returns the row of an id.
func (b *base) lookup(id string) (uint32, bool) { return b.index.find(&b.ids, id) }

func (b *base) hasFacts(i uint32) bool { return b.nExtra[i] != 0 || b.nSrc[i] != noFact }

func (b *base) time(i uint32) time.Time { return b.times[i] }

// attrs returns a new map of attribute set i, or nil for the empty set.
func (b *base) attrs(i uint32) map[string]string {
	lo, hi := b.attrStart[i], b.attrStart[i+1]
	if lo == hi {
		return nil
	}
	m := make(map[string]string, (hi-lo)/2)
	for j := lo; j < hi; j += 2 {
		m[b.words.at(b.attrPairs[j])] = b.words.at(b.attrPairs[j+1])
	}
	return m
}

func (b *base) label(i uint32) string {
	if b.nLabel[i] == labelIsID {
		return b.ids.at(i)
	}
	return b.words.at(b.nLabel[i])
}

// nodeFacts returns the facts of row i as records.
func (b *base) nodeFacts(i uint32) []nodeFact {
	if x := b.nExtra[i]; x != 0 {
		return b.nodeExtra[x]
	}
	if b.nSrc[i] == noFact {
		return nil
	}
	return []nodeFact{{
		Source: b.words.at(b.nSrc[i]),
		Pos:    graph.Pos{File: b.words.at(b.nFile[i]), Line: int(int32(b.nLine[i]))},
		Kind:   b.nodeKinds[b.nKind[i]],
		Label:  b.label(i),
		Attrs:  b.attrs(b.nAttrs[i]),
	}}
}

// node returns the merged view of row i, which must have facts.
func (b *base) node(i uint32) graph.Node {
	if b.nExtra[i] != 0 {
		return mergeNode(b.ids.at(i), b.nodeExtra[b.nExtra[i]], b.time(b.nFirst[i]), b.time(b.nLast[i]))
	}
	return graph.Node{
		ID:        b.ids.at(i),
		Kind:      b.nodeKinds[b.nKind[i]],
		Label:     b.label(i),
		Attrs:     b.attrs(b.nAttrs[i]),
		Pos:       graph.Pos{File: b.words.at(b.nFile[i]), Line: int(int32(b.nLine[i]))},
		FirstSeen: b.time(b.nFirst[i]),
		LastSeen:  b.time(b.nLast[i]),
	}
}

// nodeKind returns the merged kind of row i without building the node.
func (b *base) nodeKind(i uint32) graph.NodeKind {
	if x := b.nExtra[i]; x != 0 {
		for _, f := range b.nodeExtra[x] {
			if f.Kind != "" {
				return f.Kind
			}
		}
		return ""
	}
	return b.nodeKinds[b.nKind[i]]
}

func (b *base) edgeKey(e uint32) graph.EdgeKey {
	return graph.EdgeKey{From: b.ids.at(b.eFrom[e]), Kind: b.edgeKinds[b.eKind[e]], To: b.ids.at(b.eTo[e])}
}

func (b *base) edgeFacts(e uint32) []edgeFact {
	if x := b.eExtra[e]; x != 0 {
		return b.edgeExtra[x]
	}
	return []edgeFact{{
		Source:     b.words.at(b.eSrc[e]),
		Pos:        graph.Pos{File: b.words.at(b.eFile[e]), Line: int(int32(b.eLine[e]))},
		Confidence: confOf(b.eConf[e]),
		Attrs:      b.attrs(b.eAttrs[e]),
	}}
}

// edge returns the merged view of edge row e.
func (b *base) edge(e uint32) graph.Edge {
	if x := b.eExtra[e]; x != 0 {
		return mergeEdge(b.edgeKey(e), b.edgeExtra[x], b.time(b.eFirst[e]), b.time(b.eLast[e]))
	}
	return graph.Edge{
		From:       b.ids.at(b.eFrom[e]),
		To:         b.ids.at(b.eTo[e]),
		Kind:       b.edgeKinds[b.eKind[e]],
		Confidence: confOf(b.eConf[e]),
		Attrs:      b.attrs(b.eAttrs[e]),
		Pos:        graph.Pos{File: b.words.at(b.eFile[e]), Line: int(int32(b.eLine[e]))},
		FirstSeen:  b.time(b.eFirst[e]),
		LastSeen:   b.time(b.eLast[e]),
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

func confOf(c uint8) graph.Confidence {
	if c == confPossible {
		return graph.Possible
	}
	return graph.Certain
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

// idIndex finds a string's position in a strtab: an open-addressing hash
// table of positions plus one, at most half full.
type idIndex struct {
	seed  maphash.Seed
	slots []uint32
}

func buildIndex(t *strtab) idIndex {
	size := 8
	for size < 2*t.len() {
		size *= 2
	}
	x := idIndex{seed: maphash.MakeSeed(), slots: make([]uint32, size)}
	mask := uint64(size - 1)
	for i := 0; i < t.len(); i++ {
		h := maphash.String(x.seed, t.at(uint32(i))) & mask
		for x.slots[h] != 0 {
			h = (h + 1) & mask
		}
		x.slots[h] = uint32(i) + 1
	}
	return x
}

func (x *idIndex) find(t *strtab, s string) (uint32, bool) {
	mask := uint64(len(x.slots) - 1)
	h := maphash.String(x.seed, s) & mask
	for {
		v := x.slots[h]
		if v == 0 {
			return 0, false
		}
		if t.at(v-1) == s {
			return v - 1, true
		}
		h = (h + 1) & mask
	}
}
