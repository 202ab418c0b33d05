package memstore

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// kindIndex groups the overlay's records that are not in the base by kind,
// each group sorted by id (edges by source, then target). The deriver
// reads the graph one kind at a time. In a fresh store every record is in
// the overlay, so without the index each read would walk every record and
// merge the facts of records of other kinds too.
type kindIndex struct {
	nodes map[graph.NodeKind][]*ovNode
	edges map[graph.EdgeKind][]*ovEdge
}

// kinds returns the index of the overlay's new records, building it on
// the first read after a change.
func (ov *overlay) kinds() *kindIndex {
	if ov.byKind != nil {
		return ov.byKind
	}
	ix := &kindIndex{nodes: map[graph.NodeKind][]*ovNode{}, edges: map[graph.EdgeKind][]*ovEdge{}}
	for _, rec := range ov.nodeList {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		// The merged kind is the first kind that a fact, in source
		// order, gives (graph.MergeNode).
		var kind graph.NodeKind
		for _, f := range rec.facts {
			if f.Kind != "" {
				kind = f.Kind
				break
			}
		}
		ix.nodes[kind] = append(ix.nodes[kind], rec)
	}
	for kind, recs := range ix.nodes {
		ix.nodes[kind] = sortParallel(recs, func(a, b *ovNode) int { return strings.Compare(a.id, b.id) })
	}
	for _, rec := range ov.edgeList {
		if rec.inBase || len(rec.facts) == 0 {
			continue
		}
		ix.edges[rec.key.Kind] = append(ix.edges[rec.key.Kind], rec)
	}
	for kind, recs := range ix.edges {
		ix.edges[kind] = sortParallel(recs, func(a, b *ovEdge) int {
			// Targets are compared only between edges of one source.
			if c := strings.Compare(a.key.From, b.key.From); c != 0 {
				return c
			}
			return strings.Compare(a.key.To, b.key.To)
		})
	}
	ov.byKind = ix
	return ix
}

// mergeSorted merges two lists sorted by less into one sorted list. No
// element of one list may equal an element of the other.
func mergeSorted[T any](a, b []T, less func(x, y *T) bool) []T {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if less(&b[j], &a[i]) {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
