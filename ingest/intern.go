package ingest

import (
	"hash/maphash"
	"maps"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
)

// interner makes equal strings and equal attribute sets of different
// facts share one copy. Files name the same ids (a repository, a package,
// a role) again and again, and many edges carry the same few attributes.
// Without sharing, a run over a large organisation holds every copy until
// the write ends. Nothing changes a fact's attributes once its file is
// parsed, so facts may share a map.
type interner struct {
	mu   sync.Mutex
	strs map[string]string
	sets map[uint64][]map[string]string
	seed maphash.Seed
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, sets: map[uint64][]map[string]string{}, seed: maphash.MakeSeed()}
}

func (in *interner) str(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.strs[s]; ok {
		return c
	}
	in.strs[s] = s
	return s
}

// Attribute sets larger than maxSharedSet, or with a value longer than
// maxInterned, are rarely repeated (a policy document, a reason naming an
// id) and are kept as they are.
const (
	maxSharedSet = 8
	maxInterned  = 256
)

// attrs returns a map equal to m that other facts may share.
func (in *interner) attrs(m map[string]string) map[string]string {
	if len(m) == 0 || len(m) > maxSharedSet {
		return m
	}
	var h uint64
	for k, v := range m {
		if len(v) > maxInterned {
			return m
		}
		// The sum of the pairs' hashes does not depend on the order
		// in which the map yields them.
		h += maphash.String(in.seed, k) ^ (maphash.String(in.seed, v) * 0x9e3779b97f4a7c15)
	}
	for _, c := range in.sets[h] {
		if maps.Equal(c, m) {
			return c
		}
	}
	for k, v := range m {
		m[k] = in.str(v)
	}
	in.sets[h] = append(in.sets[h], m)
	return m
}

func (in *interner) nodes(ns []graph.Node) []graph.Node {
	for i := range ns {
		n := &ns[i]
		n.ID = in.str(n.ID)
		if n.Label == n.ID {
			n.Label = n.ID
		} else {
			n.Label = in.str(n.Label)
		}
		n.Attrs = in.attrs(n.Attrs)
	}
	return ns
}

func (in *interner) edges(es []graph.Edge) []graph.Edge {
	for i := range es {
		e := &es[i]
		e.From, e.To = in.str(e.From), in.str(e.To)
		e.Attrs = in.attrs(e.Attrs)
	}
	return es
}

// result stamps a parsed file's facts with its path (see stamp) and
// interns them. It is safe for concurrent use by the parse workers.
func (in *interner) result(res *Result, path string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.nodes(stamp(res.Nodes, path))
	in.edges(stampEdges(res.Edges, path))
}
