package graph

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Direction selects which edges Expand follows.
type Direction int

const (
	// Out follows edges from the given nodes to their targets.
	Out Direction = iota
	// In follows edges from their sources to the given nodes.
	In
)

// Batch is the result of one ingest run, written atomically.
//
// A store keeps the facts of each source (an input file, or DerivedSource
// for edges the linker computed) apart. Writing a batch replaces the facts
// of every source named in Replace by those in the batch and leaves the
// facts of all other sources as they were, so that a file that failed to
// parse keeps its previous facts.
type Batch struct {
	Time    time.Time
	Replace []string
	Nodes   []Node
	Edges   []Edge
	// Parts holds more facts, in pieces such as one per input file. A run
	// over many files hands each parser's result over as it is instead of
	// copying millions of facts into Nodes and Edges. The batch's facts
	// are Nodes and Edges, then each part's, in order.
	Parts []Facts
}

// Facts is one piece of a batch.
type Facts struct {
	Nodes []Node
	Edges []Edge
}

// AllNodes yields every node fact of the batch, in order.
func (b *Batch) AllNodes() iter.Seq[*Node] {
	return func(yield func(*Node) bool) {
		for i := range b.Nodes {
			if !yield(&b.Nodes[i]) {
				return
			}
		}
		for _, p := range b.Parts {
			for i := range p.Nodes {
				if !yield(&p.Nodes[i]) {
					return
				}
			}
		}
	}
}

// AllEdges yields every edge fact of the batch, in order.
func (b *Batch) AllEdges() iter.Seq[*Edge] {
	return func(yield func(*Edge) bool) {
		for i := range b.Edges {
			if !yield(&b.Edges[i]) {
				return
			}
		}
		for _, p := range b.Parts {
			for i := range p.Edges {
				if !yield(&p.Edges[i]) {
					return
				}
			}
		}
	}
}

// Len returns the number of node facts and of edge facts in the batch.
func (b *Batch) Len() (nodes, edges int) {
	nodes, edges = len(b.Nodes), len(b.Edges)
	for _, p := range b.Parts {
		nodes += len(p.Nodes)
		edges += len(p.Edges)
	}
	return nodes, edges
}

// Flat returns every node fact and every edge fact of the batch in one
// list each. Without parts it returns Nodes and Edges themselves.
func (b *Batch) Flat() ([]Node, []Edge) {
	if len(b.Parts) == 0 {
		return b.Nodes, b.Edges
	}
	nn, ne := b.Len()
	nodes := make([]Node, 0, nn)
	edges := make([]Edge, 0, ne)
	nodes = append(nodes, b.Nodes...)
	edges = append(edges, b.Edges...)
	for _, p := range b.Parts {
		nodes = append(nodes, p.Nodes...)
		edges = append(edges, p.Edges...)
	}
	return nodes, edges
}

// DerivedSource is the source name of facts the linker derives from the
// whole graph. Every run recomputes and replaces them.
const DerivedSource = "(derived)"

// Reader is the read side of a store.
type Reader interface {
	// Nodes returns the nodes with the given ids, skipping unknown ids.
	Nodes(ctx context.Context, ids []string) ([]Node, error)
	// NodesByKind returns every node of a kind, sorted by id.
	NodesByKind(ctx context.Context, kind NodeKind) ([]Node, error)
	// Expand returns the edges of the given kinds that leave (Out) or enter
	// (In) any of the given nodes; no kinds means every kind.
	Expand(ctx context.Context, ids []string, dir Direction, kinds ...EdgeKind) ([]Edge, error)
	// EdgesByKind returns every edge of a kind.
	EdgesByKind(ctx context.Context, kind EdgeKind) ([]Edge, error)
	// Stats counts nodes and edges by kind.
	Stats(ctx context.Context) (Stats, error)
}

// DeriveFunc computes the derived facts of the whole graph. A store calls
// it inside Write, after the batch's source facts are applied and before
// they become visible, and replaces every DerivedSource fact by its result.
type DeriveFunc func(ctx context.Context, r Reader) (nodes []Node, edges []Edge, err error)

// Store holds the graph. Implementations are safe for concurrent use.
type Store interface {
	Reader
	// Write applies a batch and the facts derive returns (derive may be
	// nil) atomically: readers see all of it or none, and an error leaves
	// the previous graph as it was. The store may keep the batch's
	// evidence without copying it, so the caller must not change a batch
	// once written. Readers must not change the evidence they are given.
	Write(ctx context.Context, b *Batch, derive DeriveFunc) error
	Close() error
}

// SourceLister is implemented by stores that can list the sources whose
// facts they hold. An ingest run uses it to retire the facts of input files
// that no longer exist.
type SourceLister interface {
	// Sources returns the name of every source with at least one fact,
	// sorted, graph.DerivedSource included.
	Sources(ctx context.Context) ([]string, error)
}

// Stats counts what a store holds.
type Stats struct {
	Nodes       int              `json:"nodes"`
	Edges       int              `json:"edges"`
	NodesByKind map[NodeKind]int `json:"nodesByKind"`
	EdgesByKind map[EdgeKind]int `json:"edgesByKind"`
	Sources     int              `json:"sources"`
	LastWrite   time.Time        `json:"lastWrite"`
}

// CheckNode reports what makes a node unfit for a store, or nil.
func CheckNode(n Node) error {
	switch {
	case n.ID == "":
		return errors.New("node without an id")
	case n.Kind == "":
		return fmt.Errorf("node %s without a kind", n.ID)
	}
	return nil
}

// CheckEdge reports what makes an edge unfit for a store, or nil. Every
// store requires both ends and a kind (Neo4j cannot store a relationship
// without a type).
func CheckEdge(e Edge) error {
	switch {
	case e.From == "" || e.To == "":
		return fmt.Errorf("%s edge without both ends", e.Kind)
	case e.Kind == "":
		return fmt.Errorf("edge %s -> %s without a kind", e.From, e.To)
	}
	return nil
}
