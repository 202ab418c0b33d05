// Package observe gathers what access logs show into graph facts: one
// node per identity or target, one OBSERVED edge per caller and target
// with the calls aggregated as evidence, and for credentials seen signing
// calls an AUTHENTICATES_AS edge whose evidence holds those calls alone.
// The audit-log ingesters share it.
package observe

import (
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Attributes every log ingester sets.
const (
	AttrObserved   = "observed"    // node: seen in an access log
	AttrDeniedOnly = "denied_only" // OBSERVED: every call failed
)

// MaxField bounds a source address or user agent kept as evidence.
const MaxField = 256

// maxAction bounds an action name kept as evidence.
const maxAction = 128

// Node is an identity, credential or target as a log names it.
type Node struct {
	ID    string
	Kind  graph.NodeKind
	Attrs map[string]string
}

// Call is one log record: who did what to what, when, from where.
type Call struct {
	From, To string
	At       graph.Pos // the record, for positions and evidence
	Time     time.Time
	Action   string
	Addr     string
	Agent    string
	Key      string // the credential's id, never its value
	Denied   bool   // the call failed
	// Attrs are set on the OBSERVED edge when the edge lacks them.
	Attrs map[string]string
}

// Builder merges the facts of one file.
type Builder struct {
	file      string
	nodes     map[string]*graph.Node
	nodeOrder []string
	edges     map[graph.EdgeKey]*edge
	edgeOrder []graph.EdgeKey
}

type edge struct {
	e  graph.Edge
	ev graph.Evidence
}

// New returns a builder for the facts of file.
func New(file string) *Builder {
	return &Builder{file: file, nodes: map[string]*graph.Node{}, edges: map[graph.EdgeKey]*edge{}}
}

// Node adds a node, or adds the attributes it lacks to the node already
// there. Empty attribute values are left out.
func (b *Builder) Node(n Node, at graph.Pos) {
	if have, ok := b.nodes[n.ID]; ok {
		for k, v := range n.Attrs {
			if _, set := have.Attrs[k]; !set && v != "" {
				have.SetAttr(k, v)
			}
		}
		return
	}
	node := &graph.Node{ID: n.ID, Kind: n.Kind, Pos: at}
	for k, v := range n.Attrs {
		if v != "" {
			node.SetAttr(k, v)
		}
	}
	node.SetAttr(AttrObserved, "true")
	for _, k := range []string{graph.AttrName, "email", "sub"} {
		if v := node.Attr(k); v != "" {
			node.Label = v
			break
		}
	}
	b.nodes[n.ID] = node
	b.nodeOrder = append(b.nodeOrder, n.ID)
}

// AddToList adds value to the list attribute key (graph.JoinList) of the
// node id, which Node must have added. An empty value adds nothing.
func (b *Builder) AddToList(id, key, value string) {
	n, ok := b.nodes[id]
	if !ok || value == "" {
		return
	}
	n.SetAttr(key, graph.JoinList(append(graph.SplitList(n.Attr(key)), value)))
}

// Observe records a call on the OBSERVED edge from c.From to c.To. Both
// nodes must have been added. A call whose caller is its target is
// dropped.
func (b *Builder) Observe(c Call) {
	if c.From == c.To {
		return
	}
	b.add(graph.EdgeObserved, c)
}

// Signed records that the credential c.From signed a call made as the
// identity c.To: the AUTHENTICATES_AS edge between them keeps the calls of
// that credential alone as its evidence.
func (b *Builder) Signed(c Call) {
	b.add(graph.EdgeAuthenticatesAs, c)
}

func (b *Builder) add(kind graph.EdgeKind, c Call) {
	k := graph.EdgeKey{From: c.From, Kind: kind, To: c.To}
	ed := b.edges[k]
	if ed == nil {
		ed = &edge{e: graph.Edge{From: c.From, To: c.To, Kind: kind, Confidence: graph.Certain, Pos: c.At}}
		b.edges[k] = ed
		b.edgeOrder = append(b.edgeOrder, k)
	}
	action := ""
	if kind == graph.EdgeObserved {
		action = truncate(c.Action, maxAction)
		for key, v := range c.Attrs {
			if _, set := ed.e.Attrs[key]; !set && v != "" {
				ed.e.SetAttr(key, v)
			}
		}
	}
	ed.ev.Add(c.Time, action, truncate(c.Addr, MaxField), truncate(c.Agent, MaxField), c.Key, c.Denied, c.At)
}

// Flush appends the merged facts to res in the order first seen.
func (b *Builder) Flush(res *ingest.Result) {
	for _, id := range b.nodeOrder {
		res.AddNode(*b.nodes[id])
	}
	for _, k := range b.edgeOrder {
		ed := b.edges[k]
		e := ed.e
		ev := ed.ev
		e.Evidence = &ev
		if e.Kind == graph.EdgeObserved && ev.Count == 0 && ev.Denied > 0 {
			e.SetAttr(AttrDeniedOnly, "true")
		}
		res.AddEdge(e)
	}
}

// truncate cuts s to at most n bytes, on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
