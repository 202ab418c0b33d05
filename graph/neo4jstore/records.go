package neo4jstore

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius-dev/blastradius/graph"
)

// LoadRecords copies a whole graph, every fact of every node and edge, into
// the store's namespace, which must be empty. It writes the nodes and
// relationships that Write would, with batched UNWIND ... CREATE
// statements that each run in their own transaction, so its memory on the
// server is one batch's and not the graph's. A batch ends at the store's
// batch size or at loadBatchBytes of properties, whichever comes first: a
// package that thousands of lockfiles pin has thousands of facts. The copy is not atomic: a
// failure leaves what was already loaded, which BulkDrop removes. at is
// recorded as the time of the namespace's last write.
func (s *Store) LoadRecords(ctx context.Context, nodes iter.Seq[graph.NodeRecord], edges iter.Seq[graph.EdgeRecord], at time.Time) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	run := func(cypher string, params map[string]any) error { return runOnce(ctx, sess, cypher, params) }
	if err := run(`CREATE (m:StoreMeta {ns: $ns, writes: 1})`, map[string]any{"ns": s.ns}); err != nil {
		return fmt.Errorf("load records: mark namespace %s: %w", s.ns, err)
	}

	byKind := map[graph.NodeKind][]any{}
	nodeBytes := map[graph.NodeKind]int{}
	flushNodes := func(kind graph.NodeKind) error {
		rows := byKind[kind]
		byKind[kind], nodeBytes[kind] = rows[:0], 0
		if len(rows) == 0 {
			return nil
		}
		stmt := `UNWIND $rows AS row CREATE (n:Node) SET n = row`
		if kind != "" {
			stmt = `UNWIND $rows AS row CREATE (n:Node:` + quoteName(string(kind)) + `) SET n = row`
		}
		return run(stmt, map[string]any{"rows": rows})
	}
	seen := map[string]bool{}
	for rec := range nodes {
		if len(rec.Facts) == 0 || seen[rec.ID] {
			continue
		}
		seen[rec.ID] = true
		props, err := nodeProps(s.ns, &nodeRec{id: rec.ID, facts: rec.Facts, first: rec.First, last: rec.Last})
		if err != nil {
			return fmt.Errorf("load records: node %s: %w", rec.ID, err)
		}
		kind := graph.NodeKind(props["kind"].(string))
		byKind[kind] = append(byKind[kind], props)
		nodeBytes[kind] += propsSize(props)
		if len(byKind[kind]) == s.batch || nodeBytes[kind] >= loadBatchBytes {
			if err := flushNodes(kind); err != nil {
				return fmt.Errorf("load records: %s nodes: %w", kind, err)
			}
		}
	}
	for _, kind := range sortedKeys(byKind) {
		if err := flushNodes(kind); err != nil {
			return fmt.Errorf("load records: %s nodes: %w", kind, err)
		}
	}

	var ends []any
	flushEnds := func() error {
		rows := ends
		ends = ends[:0]
		if len(rows) == 0 {
			return nil
		}
		return run(`UNWIND $rows AS row CREATE (:Node {key: row.key, ns: $ns, id: row.id})`, map[string]any{"rows": rows, "ns": s.ns})
	}
	rels := map[graph.EdgeKind][]any{}
	relBytes := map[graph.EdgeKind]int{}
	flushEdges := func(kind graph.EdgeKind) error {
		rows := rels[kind]
		rels[kind], relBytes[kind] = rows[:0], 0
		if len(rows) == 0 {
			return nil
		}
		return run(`UNWIND $rows AS row
			MATCH (a:Node {key: row.from}) MATCH (b:Node {key: row.to})
			CREATE (a)-[r:`+quoteName(string(kind))+`]->(b) SET r = row.props`, map[string]any{"rows": rows})
	}
	for rec := range edges {
		if len(rec.Facts) == 0 {
			continue
		}
		// An end that no node record names gets a bare node, as Write
		// gives it.
		for _, id := range []string{rec.Key.From, rec.Key.To} {
			if !seen[id] {
				seen[id] = true
				ends = append(ends, map[string]any{"key": nodeKey(s.ns, id), "id": id})
			}
		}
		props, err := edgeProps(&edgeRec{key: rec.Key, facts: rec.Facts, first: rec.First, last: rec.Last})
		if err != nil {
			return fmt.Errorf("load records: edge %s: %w", rec.Key, err)
		}
		kind := rec.Key.Kind
		rels[kind] = append(rels[kind], map[string]any{"from": nodeKey(s.ns, rec.Key.From), "to": nodeKey(s.ns, rec.Key.To), "props": props})
		relBytes[kind] += propsSize(props)
		if len(rels[kind]) == s.batch || relBytes[kind] >= loadBatchBytes {
			if err := flushEnds(); err != nil {
				return fmt.Errorf("load records: edge ends: %w", err)
			}
			if err := flushEdges(kind); err != nil {
				return fmt.Errorf("load records: %s edges: %w", kind, err)
			}
		}
	}
	if err := flushEnds(); err != nil {
		return fmt.Errorf("load records: edge ends: %w", err)
	}
	for _, kind := range sortedKeys(rels) {
		if err := flushEdges(kind); err != nil {
			return fmt.Errorf("load records: %s edges: %w", kind, err)
		}
	}
	if err := run(`MATCH (m:StoreMeta {ns: $ns}) SET m.lastWrite = $at`, map[string]any{"ns": s.ns, "at": at}); err != nil {
		return fmt.Errorf("load records: record write time: %w", err)
	}
	return nil
}

// loadBatchBytes bounds the properties of one LoadRecords batch. The
// server's transaction memory grows with the properties sent, and a
// package that thousands of lockfiles pin carries thousands of facts.
// Batches of 10,000 packages of a generated organisation of 100k nodes
// exceeded the 512 MiB of transaction memory that scripts/neo4j-local
// allows.
const loadBatchBytes = 4 << 20

// propsSize estimates the bytes of a property map: its strings, and 16
// bytes for any other value.
func propsSize(props map[string]any) int {
	n := 0
	for k, v := range props {
		n += len(k)
		switch v := v.(type) {
		case string:
			n += len(v)
		case []string:
			for _, x := range v {
				n += len(x)
			}
		default:
			n += 16
		}
	}
	return n
}

// runOnce runs one statement in a transaction of its own and commits it,
// without the driver's retries. A CREATE batch is not idempotent: when a
// commit's acknowledgement is lost, a retry would create the batch twice,
// so the load fails instead and the namespace is dropped and loaded again.
func runOnce(ctx context.Context, sess neo4j.SessionWithContext, cypher string, params map[string]any) error {
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return err
	}
	res, err := tx.Run(ctx, cypher, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		tx.Rollback(context.Background())
		return err
	}
	return tx.Commit(ctx)
}
