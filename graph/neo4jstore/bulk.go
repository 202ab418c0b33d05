package neo4jstore

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius-dev/blastradius/graph"
)

// BulkLoad writes a whole graph into the store's namespace, which must be
// empty, with batched UNWIND ... CREATE statements that each run in their
// own transaction. It is for benchmarks that need a large graph in Neo4j
// quickly: it keeps no facts per source and no merged positions, only what
// a traversal reads. A node gets labels Node and its kind and the
// properties key, ns, id and kind; an edge gets its kind as type and the
// properties confidence, lockfile (when set) and live (false for an
// OBSERVED edge whose evidence shows only denied calls). Ids that only end
// edges get a bare Node. A failure leaves what was already loaded; Drop
// removes it.
func (s *Store) BulkLoad(ctx context.Context, nodes iter.Seq[graph.Node], edges iter.Seq[graph.Edge]) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	run := func(cypher string, rows []any) error {
		if len(rows) == 0 {
			return nil
		}
		return runOnce(ctx, sess, cypher, map[string]any{"rows": rows, "ns": s.ns})
	}

	seen := map[string]bool{}
	byKind := map[graph.NodeKind][]any{}
	flushNodes := func(kind graph.NodeKind) error {
		stmt := fmt.Sprintf(`UNWIND $rows AS r CREATE (n:Node:%s {key: r.key, ns: $ns, id: r.id, kind: r.kind})`, quoteName(string(kind)))
		err := run(stmt, byKind[kind])
		byKind[kind] = byKind[kind][:0]
		return err
	}
	for n := range nodes {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		byKind[n.Kind] = append(byKind[n.Kind], map[string]any{"key": nodeKey(s.ns, n.ID), "id": n.ID, "kind": string(n.Kind)})
		if len(byKind[n.Kind]) == s.batch {
			if err := flushNodes(n.Kind); err != nil {
				return fmt.Errorf("load nodes: %w", err)
			}
		}
	}
	for kind := range byKind {
		if err := flushNodes(kind); err != nil {
			return fmt.Errorf("load nodes: %w", err)
		}
	}

	var ends []any
	flushEnds := func() error {
		err := run(`UNWIND $rows AS r CREATE (:Node {key: r.key, ns: $ns, id: r.id})`, ends)
		ends = ends[:0]
		return err
	}
	rels := map[graph.EdgeKind][]any{}
	flushEdges := func(kind graph.EdgeKind) error {
		stmt := fmt.Sprintf(`UNWIND $rows AS r
			MATCH (a:Node {key: r.from}) MATCH (b:Node {key: r.to})
			CREATE (a)-[e:%s]->(b) SET e = r.props`, quoteName(string(kind)))
		err := run(stmt, rels[kind])
		rels[kind] = rels[kind][:0]
		return err
	}
	// Bare nodes first, so that every edge finds both ends.
	for e := range edges {
		for _, id := range []string{e.From, e.To} {
			if !seen[id] {
				seen[id] = true
				ends = append(ends, map[string]any{"key": nodeKey(s.ns, id), "id": id})
			}
		}
		if len(ends) >= s.batch {
			if err := flushEnds(); err != nil {
				return fmt.Errorf("load edge ends: %w", err)
			}
		}
		props := map[string]any{"confidence": string(e.Confidence), "live": e.Kind != graph.EdgeObserved || observedLive(e)}
		if l := e.Attr(graph.AttrLockfile); l != "" {
			props["lockfile"] = l
		}
		rels[e.Kind] = append(rels[e.Kind], map[string]any{"from": nodeKey(s.ns, e.From), "to": nodeKey(s.ns, e.To), "props": props})
		if len(rels[e.Kind]) == s.batch {
			if err := flushEnds(); err != nil {
				return fmt.Errorf("load edge ends: %w", err)
			}
			if err := flushEdges(e.Kind); err != nil {
				return fmt.Errorf("load %s edges: %w", e.Kind, err)
			}
		}
	}
	if err := flushEnds(); err != nil {
		return fmt.Errorf("load edge ends: %w", err)
	}
	for kind := range rels {
		if err := flushEdges(kind); err != nil {
			return fmt.Errorf("load %s edges: %w", kind, err)
		}
	}
	return nil
}

// observedLive reports whether an OBSERVED edge shows a successful call,
// as the blast-radius traversal decides it.
func observedLive(e graph.Edge) bool {
	if e.Evidence != nil {
		return e.Evidence.Count > 0
	}
	return e.Attr("denied_only") != "true"
}

// ReachCount returns how many nodes one Cypher query reaches from the
// node with the given id, in at most maxDepth steps. Each step takes the
// forward kinds from source to target and the backward kinds from target
// to source. It skips DEPENDS_ON edges scoped to a lockfile and OBSERVED
// edges without a successful call. The query has one CALL subquery per
// depth that collects the distinct nodes one step from the previous
// depth's, and counts the distinct nodes of every depth. It reads a graph
// written by BulkLoad.
func (s *Store) ReachCount(ctx context.Context, id string, forward, backward []graph.EdgeKind, maxDepth int) (int, error) {
	fwd, bwd := make([]string, len(forward)), make([]string, len(backward))
	for i, k := range forward {
		fwd[i] = string(k)
	}
	for i, k := range backward {
		bwd[i] = string(k)
	}
	var sb strings.Builder
	sb.WriteString("MATCH (s:Node {key: $key})\nWITH s, [s] AS f0\n")
	levels := []string{}
	for d := 1; d <= maxDepth; d++ {
		fmt.Fprintf(&sb, `CALL (f%d) {
  UNWIND f%d AS f
  CALL (f) {
    MATCH (f)-[r]->(y) WHERE type(r) IN $fwd AND r.live RETURN y
    UNION
    MATCH (f)<-[r]-(y) WHERE type(r) IN $bwd AND (type(r) <> 'DEPENDS_ON' OR r.lockfile IS NULL) RETURN y
  }
  RETURN collect(DISTINCT y) AS f%d
}
`, d-1, d-1, d)
		levels = append(levels, fmt.Sprintf("f%d", d))
	}
	fmt.Fprintf(&sb, "UNWIND %s AS x\nWITH DISTINCT s, x WHERE x <> s\nRETURN count(x) AS reached", strings.Join(levels, " + "))
	cypher := sb.String()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, map[string]any{"key": nodeKey(s.ns, id), "fwd": fwd, "bwd": bwd})
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		n, _ := rec.Get("reached")
		return n, nil
	})
	if err != nil {
		return 0, fmt.Errorf("reach from %s: %w", id, err)
	}
	n, ok := out.(int64)
	if !ok {
		return 0, fmt.Errorf("reach from %s: unexpected result %T", id, out)
	}
	return int(n), nil
}

// BulkDrop deletes the store's namespace as Drop does. It removes the
// relationships first, so that deleting a node with thousands of edges (a
// popular package) never makes one large transaction. The server keeps a
// deleted entity's properties in the transaction until it commits, and an
// edge or node that thousands of files assert carries a facts property of
// megabytes (12 MiB on an edge of the generated 1M organisation). So the
// entities with large facts go first, one or ten to a transaction, and the
// rest 1,000 to a transaction.
func (s *Store) BulkDrop(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	var stmts []string
	for _, pass := range []struct {
		match    string // binds the variable
		variable string
	}{
		{"MATCH (:Node {ns: $ns})-[r]->()", "r"},
		{"MATCH (n:Node {ns: $ns})", "n"},
	} {
		size := "size(coalesce(" + pass.variable + ".facts, ''))"
		del := " CALL (" + pass.variable + ") { DELETE " + pass.variable + " } IN TRANSACTIONS OF "
		stmts = append(stmts,
			pass.match+" WHERE "+size+" > 65536"+del+"1 ROWS",
			pass.match+" WHERE "+size+" > 4096"+del+"10 ROWS",
			pass.match+del+"1000 ROWS",
		)
	}
	stmts = append(stmts, `MATCH (m:StoreMeta {ns: $ns}) DELETE m`)
	for _, stmt := range stmts {
		res, err := sess.Run(ctx, stmt, map[string]any{"ns": s.ns})
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return fmt.Errorf("drop namespace %s: %w", s.ns, err)
		}
	}
	return nil
}
