package memstore

import (
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// txn changes a state in place, copying each record before its first
// change and remembering the original, so that rollback can restore the
// state exactly.
type txn struct {
	st         *state
	oldNodes   map[string]*nodeRec
	oldEdges   map[graph.EdgeKey]*edgeRec
	oldOut     map[string][]graph.EdgeKey
	oldIn      map[string][]graph.EdgeKey
	oldSources map[string]*sourceRec
	dirtyNodes map[string]bool
	dirtyEdges map[graph.EdgeKey]bool
}

func newTxn(st *state) *txn {
	return &txn{
		st:         st,
		oldNodes:   map[string]*nodeRec{},
		oldEdges:   map[graph.EdgeKey]*edgeRec{},
		oldOut:     map[string][]graph.EdgeKey{},
		oldIn:      map[string][]graph.EdgeKey{},
		oldSources: map[string]*sourceRec{},
		dirtyNodes: map[string]bool{},
		dirtyEdges: map[graph.EdgeKey]bool{},
	}
}

// node returns a private copy of the node record, creating it when absent.
func (t *txn) node(id string, now time.Time) *nodeRec {
	cur := t.st.nodes[id]
	if _, saved := t.oldNodes[id]; !saved {
		t.oldNodes[id] = cur
		if cur != nil {
			cp := *cur
			cp.Facts = append([]nodeFact(nil), cur.Facts...)
			cur = &cp
		} else {
			cur = &nodeRec{ID: id, FirstSeen: now}
		}
		t.st.nodes[id] = cur
	}
	if cur == nil {
		// Saved earlier in this write and dropped by finish: asserted
		// again (by the linker, say), it starts anew.
		cur = &nodeRec{ID: id, FirstSeen: now}
		t.st.nodes[id] = cur
	}
	t.dirtyNodes[id] = true
	return cur
}

func (t *txn) edge(k graph.EdgeKey, now time.Time) *edgeRec {
	cur := t.st.edges[k]
	if _, saved := t.oldEdges[k]; !saved {
		t.oldEdges[k] = cur
		if cur != nil {
			cp := *cur
			cp.Facts = append([]edgeFact(nil), cur.Facts...)
			cur = &cp
		} else {
			cur = &edgeRec{Key: k, FirstSeen: now}
			t.link(k)
		}
		t.st.edges[k] = cur
	}
	if cur == nil {
		cur = &edgeRec{Key: k, FirstSeen: now}
		t.link(k)
		t.st.edges[k] = cur
	}
	t.dirtyEdges[k] = true
	return cur
}

func (t *txn) source(src string) *sourceRec {
	cur := t.st.bySource[src]
	if _, saved := t.oldSources[src]; !saved {
		t.oldSources[src] = cur
		cp := &sourceRec{}
		if cur != nil {
			cp.Nodes = append([]string(nil), cur.Nodes...)
			cp.Edges = append([]graph.EdgeKey(nil), cur.Edges...)
		}
		t.st.bySource[src] = cp
		cur = cp
	}
	if cur == nil {
		cur = &sourceRec{}
		t.st.bySource[src] = cur
	}
	return cur
}

func (t *txn) saveAdj(m map[string][]graph.EdgeKey, old map[string][]graph.EdgeKey, id string) {
	if _, saved := old[id]; !saved {
		old[id] = m[id]
		m[id] = append([]graph.EdgeKey(nil), m[id]...)
	}
}

func (t *txn) link(k graph.EdgeKey) {
	t.saveAdj(t.st.out, t.oldOut, k.From)
	t.saveAdj(t.st.in, t.oldIn, k.To)
	t.st.out[k.From] = append(t.st.out[k.From], k)
	t.st.in[k.To] = append(t.st.in[k.To], k)
}

func (t *txn) unlink(k graph.EdgeKey) {
	t.saveAdj(t.st.out, t.oldOut, k.From)
	t.saveAdj(t.st.in, t.oldIn, k.To)
	t.st.out[k.From] = removeKey(t.st.out[k.From], k)
	t.st.in[k.To] = removeKey(t.st.in[k.To], k)
	if len(t.st.out[k.From]) == 0 {
		delete(t.st.out, k.From)
	}
	if len(t.st.in[k.To]) == 0 {
		delete(t.st.in, k.To)
	}
}

func removeKey(list []graph.EdgeKey, k graph.EdgeKey) []graph.EdgeKey {
	for i, x := range list {
		if x == k {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// retireSource removes every fact the source asserted.
func (t *txn) retireSource(src string) {
	rec := t.st.bySource[src]
	if rec == nil {
		return
	}
	if _, saved := t.oldSources[src]; !saved {
		t.oldSources[src] = rec
	}
	delete(t.st.bySource, src)
	for _, id := range rec.Nodes {
		if t.st.nodes[id] == nil {
			continue
		}
		n := t.node(id, time.Time{})
		n.Facts = removeNodeFact(n.Facts, src)
	}
	for _, k := range rec.Edges {
		if t.st.edges[k] == nil {
			continue
		}
		e := t.edge(k, time.Time{})
		e.Facts = removeEdgeFact(e.Facts, src)
	}
}

func removeNodeFact(fs []nodeFact, src string) []nodeFact {
	out := fs[:0]
	for _, f := range fs {
		if f.Source != src {
			out = append(out, f)
		}
	}
	return out
}

func removeEdgeFact(fs []edgeFact, src string) []edgeFact {
	out := fs[:0]
	for _, f := range fs {
		if f.Source != src {
			out = append(out, f)
		}
	}
	return out
}

func (t *txn) putNode(src string, n graph.Node, now time.Time) {
	rec := t.node(n.ID, now)
	rec.LastSeen = now
	i := sort.Search(len(rec.Facts), func(i int) bool { return rec.Facts[i].Source >= src })
	if i < len(rec.Facts) && rec.Facts[i].Source == src {
		f := &rec.Facts[i]
		f.Attrs = mergeAttrs(f.Attrs, n.Attrs)
		if f.Label == "" {
			f.Label = n.Label
		}
		return
	}
	f := nodeFact{Source: src, Pos: n.Pos, Kind: n.Kind, Label: n.Label, Attrs: mergeAttrs(nil, n.Attrs)}
	rec.Facts = append(rec.Facts, nodeFact{})
	copy(rec.Facts[i+1:], rec.Facts[i:])
	rec.Facts[i] = f
	s := t.source(src)
	s.Nodes = append(s.Nodes, n.ID)
}

func (t *txn) putEdge(src string, e graph.Edge, now time.Time) {
	rec := t.edge(e.Key(), now)
	rec.LastSeen = now
	conf := e.Confidence
	if conf == "" {
		conf = graph.Certain
	}
	i := sort.Search(len(rec.Facts), func(i int) bool { return rec.Facts[i].Source >= src })
	if i < len(rec.Facts) && rec.Facts[i].Source == src {
		f := &rec.Facts[i]
		f.Attrs = mergeAttrs(f.Attrs, e.Attrs)
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
	f := edgeFact{Source: src, Pos: e.Pos, Confidence: conf, Attrs: mergeAttrs(nil, e.Attrs), Evidence: e.Evidence.Clone()}
	rec.Facts = append(rec.Facts, edgeFact{})
	copy(rec.Facts[i+1:], rec.Facts[i:])
	rec.Facts[i] = f
	s := t.source(src)
	s.Edges = append(s.Edges, e.Key())
}

// mergeAttrs returns a new map with base's entries and add's entries for
// keys base lacks.
func mergeAttrs(base, add map[string]string) map[string]string {
	if len(base) == 0 && len(add) == 0 {
		return nil
	}
	out := make(map[string]string, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// finish drops records no source asserts any more and refreshes the merged
// view of the others.
func (t *txn) finish() {
	for id := range t.dirtyNodes {
		rec := t.st.nodes[id]
		if rec == nil {
			continue
		}
		if len(rec.Facts) == 0 {
			delete(t.st.nodes, id)
			continue
		}
		rec.merged = mergeNode(rec)
	}
	for k := range t.dirtyEdges {
		rec := t.st.edges[k]
		if rec == nil {
			continue
		}
		if len(rec.Facts) == 0 {
			delete(t.st.edges, k)
			t.unlink(k)
			continue
		}
		rec.merged = mergeEdge(rec)
	}
	t.dirtyNodes = map[string]bool{}
	t.dirtyEdges = map[graph.EdgeKey]bool{}
}

func (t *txn) rollback() {
	for id, old := range t.oldNodes {
		if old == nil {
			delete(t.st.nodes, id)
		} else {
			t.st.nodes[id] = old
		}
	}
	for k, old := range t.oldEdges {
		if old == nil {
			delete(t.st.edges, k)
		} else {
			t.st.edges[k] = old
		}
	}
	restoreAdj(t.st.out, t.oldOut)
	restoreAdj(t.st.in, t.oldIn)
	for src, old := range t.oldSources {
		if old == nil {
			delete(t.st.bySource, src)
		} else {
			t.st.bySource[src] = old
		}
	}
}

func restoreAdj(m, old map[string][]graph.EdgeKey) {
	for id, list := range old {
		if len(list) == 0 {
			delete(m, id)
		} else {
			m[id] = list
		}
	}
}

func mergeNode(rec *nodeRec) graph.Node {
	n := graph.Node{ID: rec.ID, FirstSeen: rec.FirstSeen, LastSeen: rec.LastSeen}
	for i, f := range rec.Facts {
		if i == 0 {
			n.Pos = f.Pos
		} else {
			n.Also = append(n.Also, f.Pos)
		}
		if n.Kind == "" {
			n.Kind = f.Kind
		}
		if n.Label == "" {
			n.Label = f.Label
		}
		n.Attrs = mergeAttrs(n.Attrs, f.Attrs)
	}
	return n
}

func mergeEdge(rec *edgeRec) graph.Edge {
	e := graph.Edge{From: rec.Key.From, To: rec.Key.To, Kind: rec.Key.Kind, Confidence: graph.Possible,
		FirstSeen: rec.FirstSeen, LastSeen: rec.LastSeen}
	for i, f := range rec.Facts {
		if i == 0 {
			e.Pos = f.Pos
		} else {
			e.Also = append(e.Also, f.Pos)
		}
		if f.Confidence == graph.Certain {
			e.Confidence = graph.Certain
		}
		e.Attrs = mergeAttrs(e.Attrs, f.Attrs)
		if f.Evidence != nil {
			if e.Evidence == nil {
				e.Evidence = &graph.Evidence{}
			}
			e.Evidence.Merge(f.Evidence)
		}
	}
	return e
}
