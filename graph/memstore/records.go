package memstore

import (
	"iter"

	"github.com/blastradius-dev/blastradius/graph"
)

// NodeRecords yields every node that has facts, with its facts, in id
// order. It reads the graph as it is when called; a write that ends
// meanwhile does not change what it yields.
func (s *Store) NodeRecords() iter.Seq[graph.NodeRecord] {
	b := s.cur.Load()
	return func(yield func(graph.NodeRecord) bool) {
		for i := uint32(0); int(i) < b.ids.len(); i++ {
			if !b.hasFacts(i) {
				continue
			}
			rec := graph.NodeRecord{ID: b.ids.at(i), Facts: b.nodeFacts(i), First: b.times[b.nFirst[i]], Last: b.times[b.nLast[i]]}
			if !yield(rec) {
				return
			}
		}
	}
}

// EdgeRecords yields every edge with its facts, by source node, then kind
// and target. Like NodeRecords, it reads one version of the graph.
func (s *Store) EdgeRecords() iter.Seq[graph.EdgeRecord] {
	b := s.cur.Load()
	return func(yield func(graph.EdgeRecord) bool) {
		for from := uint32(0); int(from) < b.ids.len(); from++ {
			id := b.ids.at(from)
			for e := b.outStart[from]; e < b.outStart[from+1]; e++ {
				key := graph.EdgeKey{From: id, Kind: b.edgeKinds[b.eKind[e]], To: b.ids.at(b.eTo[e])}
				rec := graph.EdgeRecord{Key: key, Facts: b.edgeFacts(e), First: b.times[b.eFirst[e]], Last: b.times[b.eLast[e]]}
				if !yield(rec) {
					return
				}
			}
		}
	}
}
