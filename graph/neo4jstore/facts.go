package neo4jstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

type (
	nodeFact = graph.NodeFact
	edgeFact = graph.EdgeFact
)

// nodeRec is a node as a write loads it: its facts and when it was seen.
type nodeRec struct {
	id       string
	facts    []nodeFact // sorted by Source
	first    time.Time
	last     time.Time
	oldKind  string // merged kind in the database before the write
	asserted bool   // the database holds it with facts, not as a bare endpoint
}

// edgeRec is an edge as a write loads it.
type edgeRec struct {
	key      graph.EdgeKey
	facts    []edgeFact // sorted by Source
	first    time.Time
	last     time.Time
	asserted bool
}

// change applies one phase of a write to the records it loaded: it drops
// the facts of the replaced sources and adds those of the batch. It holds
// no state outside itself, so a retried transaction starts a new one.
type change struct {
	now   time.Time
	nodes map[string]*nodeRec
	edges map[graph.EdgeKey]*edgeRec
}

func newChange(now time.Time) *change {
	return &change{now: now, nodes: map[string]*nodeRec{}, edges: map[graph.EdgeKey]*edgeRec{}}
}

// retire removes every fact the given sources asserted.
func (c *change) retire(sources []string) {
	retired := make(map[string]bool, len(sources))
	for _, s := range sources {
		retired[s] = true
	}
	for _, rec := range c.nodes {
		rec.facts = dropFacts(rec.facts, func(f nodeFact) bool { return retired[f.Source] })
	}
	for _, rec := range c.edges {
		rec.facts = dropFacts(rec.facts, func(f edgeFact) bool { return retired[f.Source] })
	}
}

func dropFacts[F any](fs []F, drop func(F) bool) []F {
	out := fs[:0]
	for _, f := range fs {
		if !drop(f) {
			out = append(out, f)
		}
	}
	return out
}

// putNode adds the facts src asserts about n. A source that names a node twice
// keeps its first position and kind, and its first value of each attribute.
func (c *change) putNode(src string, n graph.Node) {
	rec := c.nodes[n.ID]
	if rec == nil {
		rec = &nodeRec{id: n.ID, first: c.now}
		c.nodes[n.ID] = rec
	}
	rec.last = c.now
	i := sort.Search(len(rec.facts), func(i int) bool { return rec.facts[i].Source >= src })
	if i < len(rec.facts) && rec.facts[i].Source == src {
		f := &rec.facts[i]
		f.Attrs = graph.MergeSameSourceAttrs(f.Attrs, n.Attrs)
		if f.Label == "" {
			f.Label = n.Label
		}
		return
	}
	f := nodeFact{Source: src, Pos: n.Pos, Kind: n.Kind, Label: n.Label, Attrs: graph.MergeAttrs(nil, n.Attrs)}
	rec.facts = append(rec.facts, nodeFact{})
	copy(rec.facts[i+1:], rec.facts[i:])
	rec.facts[i] = f
}

// putEdge adds the facts src asserts about e. A source that names an edge
// twice keeps its first position and first attribute values. The edge is
// certain when either mention is, and the evidence of both is summed.
func (c *change) putEdge(src string, e graph.Edge) {
	k := e.Key()
	rec := c.edges[k]
	if rec == nil {
		rec = &edgeRec{key: k, first: c.now}
		c.edges[k] = rec
	}
	rec.last = c.now
	conf := e.Confidence
	if conf == "" {
		conf = graph.Certain
	}

	i := sort.Search(len(rec.facts), func(i int) bool { return rec.facts[i].Source >= src })
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
	f := edgeFact{Source: src, Pos: e.Pos, Confidence: conf, Attrs: graph.MergeAttrs(nil, e.Attrs), Evidence: e.Evidence.Clone()}
	rec.facts = append(rec.facts, edgeFact{})
	copy(rec.facts[i+1:], rec.facts[i:])
	rec.facts[i] = f
}

func encodeFacts[F any](facts []F) (string, error) {
	if len(facts) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(facts)
	if err != nil {
		return "", fmt.Errorf("encode facts: %w", err)
	}
	return string(b), nil
}

func decodeFacts[F any](s string) ([]F, error) {
	var facts []F
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &facts); err != nil {
		return nil, fmt.Errorf("decode facts: %w", err)
	}
	return facts, nil
}

func factSources[F any](facts []F, source func(F) string) []string {
	out := make([]string, 0, len(facts))
	for _, f := range facts {
		out = append(out, source(f))
	}
	return out
}

// attrPrefix marks attribute properties, so that they read as attributes
// in Neo4j Browser and never collide with the store's own properties.
const attrPrefix = "a_"

// nodeProps renders a node record as the full property map of its Neo4j
// node. The facts property is what reads decode; the others restate the
// merged view for people and Cypher queries.
func nodeProps(ns string, rec *nodeRec) (map[string]any, error) {
	facts, err := encodeFacts(rec.facts)
	if err != nil {
		return nil, err
	}
	n := graph.MergeNode(rec.id, rec.facts, rec.first, rec.last)
	p := map[string]any{
		"key":       nodeKey(ns, rec.id),
		"ns":        ns,
		"id":        rec.id,
		"kind":      string(n.Kind),
		"pos":       n.Pos.String(),
		"firstSeen": rec.first,
		"lastSeen":  rec.last,
		"facts":     facts,
		"sources":   factSources(rec.facts, func(f nodeFact) string { return f.Source }),
	}
	if n.Label != "" {
		p["label"] = n.Label
	}
	if len(n.Also) > 0 {
		p["also"] = posStrings(n.Also)
	}
	for k, v := range n.Attrs {
		p[attrPrefix+k] = v
	}
	return p, nil
}

// edgeProps renders an edge record as the full property map of its Neo4j
// relationship.
func edgeProps(rec *edgeRec) (map[string]any, error) {
	facts, err := encodeFacts(rec.facts)
	if err != nil {
		return nil, err
	}
	e := graph.MergeEdge(rec.key, rec.facts, rec.first, rec.last)
	p := map[string]any{
		"confidence": string(e.Confidence),
		"pos":        e.Pos.String(),
		"firstSeen":  rec.first,
		"lastSeen":   rec.last,
		"facts":      facts,
		"sources":    factSources(rec.facts, func(f edgeFact) string { return f.Source }),
	}
	if len(e.Also) > 0 {
		p["also"] = posStrings(e.Also)
	}
	if e.Evidence != nil {
		b, err := json.Marshal(e.Evidence)
		if err != nil {
			return nil, fmt.Errorf("encode evidence: %w", err)
		}
		p["evidence"] = string(b)
	}
	for k, v := range e.Attrs {
		p[attrPrefix+k] = v
	}
	return p, nil
}

func posStrings(ps []graph.Pos) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// nodeKey is the unique key of a node: the namespace, a NUL byte and the
// node id, so that namespaces never share a node.
func nodeKey(ns, id string) string { return ns + "\x00" + id }

func sortEdges(es []graph.Edge) {
	sort.SliceStable(es, func(i, j int) bool { return edgeLess(es[i].Key(), es[j].Key()) })
}

func edgeLess(a, b graph.EdgeKey) bool {
	if a.From != b.From {
		return a.From < b.From
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.To < b.To
}
