package ingest

import (
	"hash/maphash"
	"sync"
	"unsafe"

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
	// One pass over m hashes it and keeps its pairs, so that comparing
	// and interning need no further pass.
	var pairs [maxSharedSet][2]string
	n := 0
	var h uint64
	for k, v := range m {
		if len(v) > maxInterned {
			return m
		}
		// The sum of the pairs' hashes does not depend on the order
		// in which the map yields them.
		h += maphash.String(in.seed, k) ^ (maphash.String(in.seed, v) * 0x9e3779b97f4a7c15)
		pairs[n] = [2]string{k, v}
		n++
	}
	for _, c := range in.sets[h] {
		if hasExactly(c, pairs[:n]) {
			return c
		}
	}
	for _, p := range pairs[:n] {
		m[p[0]] = in.str(p[1])
	}
	in.sets[h] = append(in.sets[h], m)
	return m
}

// hasExactly reports whether c contains the given pairs, whose keys are
// distinct, and no other.
func hasExactly(c map[string]string, pairs [][2]string) bool {
	if len(c) != len(pairs) {
		return false
	}
	for _, p := range pairs {
		if v, ok := c[p[0]]; !ok || v != p[1] {
			return false
		}
	}
	return true
}

// run is the last attribute set that attrsInRun interned, as given and as
// shared. Parsers often give a row of facts one map (the DEPENDS_ON edges
// of a lockfile), and a map met again in a row is shared as the first time.
type run struct {
	in       map[string]string
	out      map[string]string
	hasInput bool
}

func (in *interner) attrsInRun(r *run, m map[string]string) map[string]string {
	if m != nil && r.hasInput && oneMap(m, r.in) {
		return r.out
	}
	r.in, r.out, r.hasInput = m, in.attrs(m), m != nil
	return r.out
}

// oneMap reports whether a and b are one map, not merely equal ones.
func oneMap(a, b map[string]string) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}

func (in *interner) nodes(ns []graph.Node) {
	var r run
	for i := range ns {
		n := &ns[i]
		n.ID = in.str(n.ID)
		if n.Label == n.ID {
			n.Label = n.ID
		} else {
			n.Label = in.str(n.Label)
		}
		n.Attrs = in.attrsInRun(&r, n.Attrs)
	}
}

func (in *interner) edges(es []graph.Edge) {
	var r run
	from := ""
	for i := range es {
		e := &es[i]
		// Edges in a row often leave one node.
		if e.From != from || from == "" {
			from = in.str(e.From)
		}
		e.From, e.To = from, in.str(e.To)
		e.Attrs = in.attrsInRun(&r, e.Attrs)
	}
}

// result stamps a parsed file's facts with its path (see stamp) and
// interns them. It is safe for concurrent use by the parse workers.
// Attribute sets are read under the lock too, because a parser may give
// facts of several files one map and attrs writes to the maps it keeps.
func (in *interner) result(res *Result, path string) {
	stamp(res.Nodes, path)
	stampEdges(res.Edges, path)
	in.mu.Lock()
	defer in.mu.Unlock()
	in.nodes(res.Nodes)
	in.edges(res.Edges)
}
