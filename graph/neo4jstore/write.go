package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius-dev/blastradius/graph"
)

// Write applies a batch and the facts derive returns (derive may be nil)
// in one transaction: readers see all of it or none, and an error leaves
// the previous graph as it was.
func (s *Store) Write(ctx context.Context, b *graph.Batch, derive graph.DeriveFunc) error {
	if err := checkBatch(b); err != nil {
		return err
	}
	start := time.Now()
	ctx, cancel := bounded(ctx, s.writeTimeout)
	defer cancel()
	retry := func(err error, pause time.Duration) {
		s.log.Warn("neo4j write failed, retrying", "namespace", s.ns, "err", err, "pause", pause)
	}
	sum, err := retryWrite(ctx, writeRetryTime, 250*time.Millisecond, retry, func() (writeSummary, error) {
		return s.writeOnce(ctx, b, derive)
	})
	if err != nil {
		return fmt.Errorf("neo4j namespace %s: %w", s.ns, err)
	}
	s.log.Info("graph written", "namespace", s.ns,
		"nodes_written", sum.nodesWritten, "nodes_removed", sum.nodesRemoved,
		"edges_written", sum.edgesWritten, "edges_removed", sum.edgesRemoved,
		"duration", time.Since(start))
	return nil
}

// writeRetryTime bounds the retries of a write after transient errors, as
// the driver's default bounds those of a managed transaction.
const writeRetryTime = 30 * time.Second

// retryWrite calls once until it succeeds or fails with an error that is
// not transient, pausing between calls for pause, then twice as long each
// time, and stopping before the total would exceed limit. It calls retry
// before each pause. This is how the
// driver retries a managed transaction, except that a write over the
// server's transaction memory is not retried: it would need the same
// memory again. The driver retries that error too when it comes at commit.
func retryWrite(ctx context.Context, limit, pause time.Duration, retry func(error, time.Duration), once func() (writeSummary, error)) (writeSummary, error) {
	start := time.Now()
	for {
		sum, err := once()
		if err == nil {
			return sum, nil
		}
		err = outOfTxMemory(err)
		if !neo4j.IsRetryable(err) || time.Since(start)+pause > limit {
			return sum, err
		}
		retry(err, pause)
		select {
		case <-ctx.Done():
			return sum, fmt.Errorf("%w (after %w)", ctx.Err(), err)
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// writeOnce applies a batch in one explicit transaction, which it commits
// or rolls back.
func (s *Store) writeOnce(ctx context.Context, b *graph.Batch, derive graph.DeriveFunc) (writeSummary, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return writeSummary{}, err
	}
	// Close rolls back a transaction that was not committed.
	defer tx.Close(context.Background())
	w := &writer{ns: s.ns, batch: s.batch, now: b.Time, tx: tx}
	sum, err := w.write(ctx, b, derive)
	if err != nil {
		return sum, err
	}
	return sum, tx.Commit(ctx)
}

// memoryPoolCode is the status of a transaction that outgrew the server's
// transaction memory.
const memoryPoolCode = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"

// txMemoryError reports a write that needs more transaction memory than the
// server allows. It keeps the server's message but not its error, so that
// neo4j.IsRetryable, which retryWrite calls, is false for it.
type txMemoryError struct{ msg string }

func (e *txMemoryError) Error() string {
	return "the write needs more transaction memory than the server allows (" + e.msg + "): " +
		"raise dbms.memory.transaction.total.max and db.memory.transaction.max in neo4j.conf, or use the embedded store"
}

// outOfTxMemory turns the server's transaction-memory error into a
// txMemoryError and returns any other error as it is.
func outOfTxMemory(err error) error {
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) && nerr.Code == memoryPoolCode {
		return &txMemoryError{msg: nerr.Msg}
	}
	return err
}

// checkBatch rejects what Neo4j cannot hold: a relationship needs a type.
func checkBatch(b *graph.Batch) error {
	for e := range b.AllEdges() {
		if e.Kind == "" {
			return fmt.Errorf("invalid edge %s -> %s: missing kind", e.From, e.To)
		}
	}
	return nil
}

// writeSummary counts what one write changed, for the log.
type writeSummary struct {
	nodesWritten, nodesRemoved, edgesWritten, edgesRemoved int
}

// writer runs one attempt of a write transaction. The driver makes a new
// one for every retry, so nothing survives a failed attempt.
type writer struct {
	ns    string
	batch int
	now   time.Time
	tx    runner
	sum   writeSummary
}

// factSet is the facts one phase of a write asserts.
type factSet struct {
	replace []string // sources whose earlier facts are dropped
	nodes   []graph.Node
	edges   []graph.Edge
	derived bool // the facts belong to graph.DerivedSource, not to their Pos.File
}

func (f *factSet) source(p graph.Pos) string {
	if f.derived {
		return graph.DerivedSource
	}
	return p.File
}

func (w *writer) write(ctx context.Context, b *graph.Batch, derive graph.DeriveFunc) (writeSummary, error) {
	// Writing the namespace's meta node first locks it until commit, so
	// that two writers never merge facts from the same stale reads.
	if err := w.exec(ctx, `MERGE (m:StoreMeta {ns: $ns}) SET m.writes = coalesce(m.writes, 0) + 1`,
		map[string]any{"ns": w.ns}); err != nil {
		return w.sum, fmt.Errorf("lock namespace: %w", err)
	}

	nodes, edges := b.Flat()
	batch := &factSet{replace: append([]string(nil), b.Replace...), nodes: nodes, edges: edges}
	for _, n := range nodes {
		batch.replace = append(batch.replace, n.Pos.File)
	}
	for _, e := range edges {
		batch.replace = append(batch.replace, e.Pos.File)
	}
	if derive != nil {
		// derive reads the graph without the facts it derived last time;
		// the second phase writes its new ones.
		batch.replace = append(batch.replace, graph.DerivedSource)
	}
	batch.replace = dedupe(batch.replace)
	if err := w.phase(ctx, batch); err != nil {
		return w.sum, err
	}

	if derive != nil {
		nodes, edges, err := derive(ctx, &reader{ns: w.ns, tx: w.tx})
		if err != nil {
			return w.sum, fmt.Errorf("derive edges: %w", err)
		}
		for _, e := range edges {
			if e.Kind == "" {
				return w.sum, fmt.Errorf("derive edges: invalid edge %s -> %s: missing kind", e.From, e.To)
			}
		}
		derived := &factSet{replace: []string{graph.DerivedSource}, nodes: nodes, edges: edges, derived: true}
		if err := w.phase(ctx, derived); err != nil {
			return w.sum, err
		}
	}

	err := w.exec(ctx, `MATCH (m:StoreMeta {ns: $ns}) SET m.lastWrite = $at`,
		map[string]any{"ns": w.ns, "at": w.now})
	if err != nil {
		return w.sum, fmt.Errorf("record write time: %w", err)
	}
	return w.sum, nil
}

// phase replaces the facts of fs.replace by those of fs: it loads every
// record the phase touches, recomputes it in Go and writes it back.
func (w *writer) phase(ctx context.Context, fs *factSet) error {
	c, err := w.load(ctx, fs)
	if err != nil {
		return err
	}
	c.retire(fs.replace)
	for _, n := range fs.nodes {
		c.putNode(fs.source(n.Pos), n)
	}
	for _, e := range fs.edges {
		c.putEdge(fs.source(e.Pos), e)
	}
	return w.save(ctx, c)
}

// load reads the records that hold facts of the replaced sources, and the
// records the phase asserts.
func (w *writer) load(ctx context.Context, fs *factSet) (*change, error) {
	c := newChange(w.now)
	recs, err := w.query(ctx, `MATCH (n:Node {ns: $ns}) WHERE any(s IN n.sources WHERE s IN $sources)
		RETURN n.kind AS kind, `+nodeColumns, map[string]any{"ns": w.ns, "sources": fs.replace})
	if err != nil {
		return nil, fmt.Errorf("load nodes of replaced sources: %w", err)
	}
	if err := addNodeRecs(c, recs); err != nil {
		return nil, err
	}
	var keys []any
	seen := map[string]bool{}
	for _, n := range fs.nodes {
		if c.nodes[n.ID] == nil && !seen[n.ID] {
			seen[n.ID] = true
			keys = append(keys, nodeKey(w.ns, n.ID))
		}
	}
	err = w.each(keys, func(chunk []any) error {
		recs, err := w.query(ctx, `UNWIND $keys AS k
			MATCH (n:Node {key: k}) WHERE n.kind IS NOT NULL
			RETURN n.kind AS kind, `+nodeColumns, map[string]any{"keys": chunk})
		if err != nil {
			return fmt.Errorf("load nodes of the batch: %w", err)
		}
		return addNodeRecs(c, recs)
	})
	if err != nil {
		return nil, err
	}

	recs, err = w.query(ctx, `MATCH (a:Node {ns: $ns})-[r]->(b:Node) WHERE any(s IN r.sources WHERE s IN $sources)
		RETURN `+edgeColumns, map[string]any{"ns": w.ns, "sources": fs.replace})
	if err != nil {
		return nil, fmt.Errorf("load edges of replaced sources: %w", err)
	}
	if err := addEdgeRecs(c, recs); err != nil {
		return nil, err
	}
	var rows []any
	seenEdge := map[graph.EdgeKey]bool{}
	for _, e := range fs.edges {
		k := e.Key()
		if c.edges[k] == nil && !seenEdge[k] {
			seenEdge[k] = true
			rows = append(rows, map[string]any{"from": nodeKey(w.ns, k.From), "kind": string(k.Kind), "to": nodeKey(w.ns, k.To)})
		}
	}
	err = w.each(rows, func(chunk []any) error {
		recs, err := w.query(ctx, `UNWIND $rows AS row
			MATCH (a:Node {key: row.from})-[r]->(b:Node {key: row.to}) WHERE type(r) = row.kind
			RETURN `+edgeColumns, map[string]any{"rows": chunk})
		if err != nil {
			return fmt.Errorf("load edges of the batch: %w", err)
		}
		return addEdgeRecs(c, recs)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func addNodeRecs(c *change, recs []*neo4j.Record) error {
	for _, rec := range recs {
		id := stringCol(rec, "id")
		if c.nodes[id] != nil {
			continue
		}
		facts, err := decodeFacts[nodeFact](stringCol(rec, "facts"))
		if err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		first, err := timeCol(rec, "first")
		if err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		last, err := timeCol(rec, "last")
		if err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		c.nodes[id] = &nodeRec{id: id, facts: facts, first: first, last: last,
			oldKind: stringCol(rec, "kind"), asserted: true}
	}
	return nil
}

func addEdgeRecs(c *change, recs []*neo4j.Record) error {
	for _, rec := range recs {
		k := graph.EdgeKey{From: stringCol(rec, "from"), Kind: graph.EdgeKind(stringCol(rec, "kind")), To: stringCol(rec, "to")}
		if c.edges[k] != nil {
			continue
		}
		facts, err := decodeFacts[edgeFact](stringCol(rec, "facts"))
		if err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		first, err := timeCol(rec, "first")
		if err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		last, err := timeCol(rec, "last")
		if err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		c.edges[k] = &edgeRec{key: k, facts: facts, first: first, last: last, asserted: true}
	}
	return nil
}

// save writes the records of a change back: asserted records whole, and
// records no source asserts any more removed. A node that loses its last
// fact while an edge still joins it stays as a bare endpoint until the
// edge goes too.
func (w *writer) save(ctx context.Context, c *change) error {
	nodeUpserts := map[string][]any{} // kind -> rows
	unlabel := map[string][]any{}     // kind label to remove -> keys
	var retired []any                 // keys of nodes no source asserts
	prune := map[string]bool{}        // keys that may be left bare and unjoined
	for _, id := range sortedKeys(c.nodes) {
		rec := c.nodes[id]
		key := nodeKey(w.ns, id)
		if len(rec.facts) == 0 {
			if rec.asserted {
				retired = append(retired, key)
				prune[key] = true
				if rec.oldKind != "" {
					unlabel[rec.oldKind] = append(unlabel[rec.oldKind], key)
				}
			}
			continue
		}
		props, err := nodeProps(w.ns, rec)
		if err != nil {
			return fmt.Errorf("node %s: %w", id, err)
		}
		kind := props["kind"].(string)
		if rec.asserted && rec.oldKind != "" && rec.oldKind != kind {
			unlabel[rec.oldKind] = append(unlabel[rec.oldKind], key)
		}
		nodeUpserts[kind] = append(nodeUpserts[kind], map[string]any{"key": key, "props": props})
	}

	// The write holds the namespace lock and loaded every edge it
	// asserts, so an edge it did not load does not exist yet.
	edgeCreates := map[graph.EdgeKind][]any{}
	edgeUpdates := map[graph.EdgeKind][]any{}
	edgeDeletes := map[graph.EdgeKind][]any{}
	ends := map[string]string{} // key -> id of every end of a new edge
	keys := make([]graph.EdgeKey, 0, len(c.edges))
	for k := range c.edges {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return edgeLess(keys[i], keys[j]) })
	for _, k := range keys {
		rec := c.edges[k]
		from, to := nodeKey(w.ns, k.From), nodeKey(w.ns, k.To)
		if len(rec.facts) == 0 {
			if rec.asserted {
				edgeDeletes[k.Kind] = append(edgeDeletes[k.Kind], map[string]any{"from": from, "to": to})
				prune[from], prune[to] = true, true
			}
			continue
		}
		props, err := edgeProps(rec)
		if err != nil {
			return fmt.Errorf("edge %s: %w", k, err)
		}
		row := map[string]any{"from": from, "to": to, "props": props}
		if rec.asserted {
			edgeUpdates[k.Kind] = append(edgeUpdates[k.Kind], row)
			continue
		}
		edgeCreates[k.Kind] = append(edgeCreates[k.Kind], row)
		ends[from], ends[to] = k.From, k.To
	}

	for _, kind := range sortedKeys(unlabel) {
		err := w.execRows(ctx, "keys", unlabel[kind], `UNWIND $keys AS k
			MATCH (n:Node {key: k}) REMOVE n:`+quoteName(kind))
		if err != nil {
			return fmt.Errorf("relabel nodes: %w", err)
		}
	}
	for _, kind := range sortedKeys(nodeUpserts) {
		stmt := `UNWIND $rows AS row MERGE (n:Node {key: row.key}) SET n = row.props`
		if kind != "" {
			stmt += ` SET n:` + quoteName(kind)
		}
		if err := w.execRows(ctx, "rows", nodeUpserts[kind], stmt); err != nil {
			return fmt.Errorf("write %s nodes: %w", kind, err)
		}
		w.sum.nodesWritten += len(nodeUpserts[kind])
	}

	var endRows []any
	for _, key := range sortedKeys(ends) {
		endRows = append(endRows, map[string]any{"key": key, "id": ends[key]})
	}
	err := w.execRows(ctx, "rows", endRows, `UNWIND $rows AS row
		MERGE (n:Node {key: row.key}) ON CREATE SET n.ns = $ns, n.id = row.id`)
	if err != nil {
		return fmt.Errorf("write edge ends: %w", err)
	}
	for _, kind := range sortedKeys(edgeCreates) {
		err := w.execRows(ctx, "rows", edgeCreates[kind], `UNWIND $rows AS row
			MATCH (a:Node {key: row.from}) MATCH (b:Node {key: row.to})
			CREATE (a)-[r:`+quoteName(string(kind))+`]->(b) SET r = row.props`)
		if err != nil {
			return fmt.Errorf("write %s edges: %w", kind, err)
		}
		w.sum.edgesWritten += len(edgeCreates[kind])
	}
	for _, kind := range sortedKeys(edgeUpdates) {
		err := w.execRows(ctx, "rows", edgeUpdates[kind], `UNWIND $rows AS row
			MATCH (a:Node {key: row.from})-[r:`+quoteName(string(kind))+`]->(b:Node {key: row.to})
			SET r = row.props`)
		if err != nil {
			return fmt.Errorf("write %s edges: %w", kind, err)
		}
		w.sum.edgesWritten += len(edgeUpdates[kind])
	}
	for _, kind := range sortedKeys(edgeDeletes) {
		err := w.execRows(ctx, "rows", edgeDeletes[kind], `UNWIND $rows AS row
			MATCH (a:Node {key: row.from})-[r:`+quoteName(string(kind))+`]->(b:Node {key: row.to}) DELETE r`)
		if err != nil {
			return fmt.Errorf("remove %s edges: %w", kind, err)
		}
		w.sum.edgesRemoved += len(edgeDeletes[kind])
	}

	err = w.execRows(ctx, "keys", retired, `UNWIND $keys AS k
		MATCH (n:Node {key: k}) SET n = {key: n.key, ns: n.ns, id: n.id}`)
	if err != nil {
		return fmt.Errorf("retire nodes: %w", err)
	}
	var candidates []any
	for _, key := range sortedKeys(prune) {
		candidates = append(candidates, key)
	}
	err = w.execRows(ctx, "keys", candidates, `UNWIND $keys AS k
		MATCH (n:Node {key: k}) WHERE n.kind IS NULL AND NOT EXISTS { (n)--() } DELETE n`)
	if err != nil {
		return fmt.Errorf("remove nodes: %w", err)
	}
	w.sum.nodesRemoved += len(retired)
	return nil
}

func (w *writer) query(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := w.tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

func (w *writer) exec(ctx context.Context, cypher string, params map[string]any) error {
	res, err := w.tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// execRows runs an UNWIND statement over rows in chunks of the batch size,
// passing each chunk as parameter name and the namespace as $ns.
func (w *writer) execRows(ctx context.Context, name string, rows []any, cypher string) error {
	return w.each(rows, func(chunk []any) error {
		return w.exec(ctx, cypher, map[string]any{name: chunk, "ns": w.ns})
	})
}

// each calls fn with consecutive chunks of at most the batch size.
func (w *writer) each(rows []any, fn func([]any) error) error {
	for len(rows) > 0 {
		n := min(w.batch, len(rows))
		if err := fn(rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func dedupe(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
