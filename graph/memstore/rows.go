package memstore

import (
	"sort"

	"github.com/blastradius-dev/blastradius/graph"
)

// Rows is one version of the graph read by row number. It serves
// traversals that visit many nodes, which would otherwise spend most of
// their time building graph.Edge values and hashing id strings.
//
// Every id that a node or an edge end names has a row, numbered in id
// order, so comparing rows compares ids. Every edge has an edge number.
// A version never changes, so a Rows value stays valid and consistent
// while later writes go on; it is safe for concurrent use.
type Rows struct {
	b *base
	// rank orders the edge kinds of the version by name.
	rank [256]uint8
	// byRank lists the kind indexes in name order.
	byRank []uint8
}

// EdgeRef names an edge by its number and the rows of its two ends.
type EdgeRef struct {
	Edge, From, To uint32
}

// KindSet marks a set of edge kinds of one Rows value.
type KindSet [256]bool

// Rows returns the current version of the graph read by row number.
func (s *Store) Rows() *Rows {
	b := s.cur.Load()
	r := &Rows{b: b}
	for i := range b.edgeKinds {
		r.byRank = append(r.byRank, uint8(i))
	}
	sort.Slice(r.byRank, func(i, j int) bool {
		return b.edgeKinds[r.byRank[i]] < b.edgeKinds[r.byRank[j]]
	})
	for k, i := range r.byRank {
		r.rank[i] = uint8(k)
	}
	return r
}

// Reader returns a graph.Reader of the same version.
func (r *Rows) Reader() graph.Reader { return &view{b: r.b} }

// Len returns the number of rows.
func (r *Rows) Len() int { return r.b.ids.len() }

// Lookup returns the row of an id.
func (r *Rows) Lookup(id string) (uint32, bool) { return r.b.lookup(id) }

// ID returns the id of a row.
func (r *Rows) ID(row uint32) string { return r.b.ids.at(row) }

// Node returns the merged node of a row, or false when no source
// asserts it (the id only ends edges).
func (r *Rows) Node(row uint32) (graph.Node, bool) {
	if !r.b.hasFacts(row) {
		return graph.Node{}, false
	}
	return r.b.node(row), true
}

// Kinds returns the set of the given edge kinds; no kinds means every
// kind.
func (r *Rows) Kinds(kinds ...graph.EdgeKind) *KindSet {
	return (*KindSet)(r.b.kindMask(kinds))
}

// Kind returns the kind of edge e.
func (r *Rows) Kind(e uint32) graph.EdgeKind { return r.b.edgeKinds[r.b.eKind[e]] }

// KindRank returns the position of edge e's kind among the version's edge
// kinds sorted by name.
func (r *Rows) KindRank(e uint32) uint8 { return r.rank[r.b.eKind[e]] }

// AppendOut appends the edges of the kinds in ks that leave row, in the
// order of their kind's name and then of their target's id.
func (r *Rows) AppendOut(dst []EdgeRef, row uint32, ks *KindSet) []EdgeRef {
	b := r.b
	lo, hi := b.outStart[row], b.outStart[row+1]
	if lo == hi {
		return dst
	}
	// The run is grouped by kind index; emit the groups in name order.
	for _, k := range r.byRank {
		if !ks[k] {
			continue
		}
		for e := lo; e < hi; e++ {
			if b.eKind[e] == k {
				dst = append(dst, EdgeRef{Edge: e, From: row, To: b.eTo[e]})
			}
		}
	}
	return dst
}

// AppendIn appends the edges of the kinds in ks that enter row, grouped
// by kind index and then in the order of their source's id.
func (r *Rows) AppendIn(dst []EdgeRef, row uint32, ks *KindSet) []EdgeRef {
	b := r.b
	for _, e := range b.inEdges[b.inStart[row]:b.inStart[row+1]] {
		if ks[b.eKind[e]] {
			dst = append(dst, EdgeRef{Edge: e, From: b.from(e), To: row})
		}
	}
	return dst
}

// Facts reads the merged view of an edge from its fact rows, without
// building it, when no fact of the edge carries evidence.
type Facts struct {
	b         *base
	e, lo, hi uint32
}

// Facts returns the facts of edge ref, or false when one of them carries
// evidence; Edge merges those.
func (r *Rows) Facts(ref EdgeRef) (Facts, bool) {
	b := r.b
	lo, hi := b.eFact.bounds(ref.Edge)
	if len(b.evidence) > 0 {
		for f := lo; f < hi; f++ {
			if b.evidence[f] != nil {
				return Facts{}, false
			}
		}
	}
	return Facts{b: b, e: ref.Edge, lo: lo, hi: hi}, true
}

// Confidence returns the merged confidence: certain when one fact is.
func (fs Facts) Confidence() graph.Confidence {
	b := fs.b
	if v := b.eVal[fs.e]; v&mixedBit == 0 {
		if b.confs[v>>confShift] == graph.Certain {
			return graph.Certain
		}
		return graph.Possible
	}
	for f := fs.lo; f < fs.hi; f++ {
		if b.confs[b.edgeVal(fs.e, f)>>confShift] == graph.Certain {
			return graph.Certain
		}
	}
	return graph.Possible
}

// Attr returns the merged value of an attribute, the first fact's that
// sets it, or "".
func (fs Facts) Attr(key string) string {
	b := fs.b
	hi := fs.hi
	if b.eVal[fs.e]&mixedBit == 0 {
		hi = fs.lo + 1 // every fact has the same attributes
	}
	for f := fs.lo; f < hi; f++ {
		keys, vals := b.sets.set(b.edgeVal(fs.e, f) & attrMask)
		for j, k := range keys {
			if b.words.at(k) == key {
				return b.words.at(vals[j])
			}
		}
	}
	return ""
}

// Pos returns the position of the first fact.
func (fs Facts) Pos() graph.Pos { return fs.b.edgePos(fs.lo) }

// Edge returns the merged view of edge ref, as Expand returns it.
func (r *Rows) Edge(ref EdgeRef) graph.Edge { return r.b.edge(ref.Edge, ref.From) }
