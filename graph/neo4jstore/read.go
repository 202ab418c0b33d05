package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/blastradius-dev/blastradius/graph"
)

// runner runs one statement; a managed transaction is one.
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error)
}

// reader implements graph.Reader through one transaction: a read
// transaction for the store's own reads, the write transaction for derive.
type reader struct {
	ns string
	// mu keeps statements apart: a transaction runs one at a time, and a
	// derive function may read from several goroutines.
	mu sync.Mutex
	tx runner
}

var _ graph.Reader = (*reader)(nil)

// read runs fn in a managed read transaction of its own.
func read[T any](ctx context.Context, s *Store, fn func(context.Context, *reader) (T, error)) (T, error) {
	ctx, cancel := bounded(ctx, s.readTimeout)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	return neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (T, error) {
		return fn(ctx, &reader{ns: s.ns, tx: tx})
	})
}

// Nodes returns the nodes with the given ids, skipping unknown ids.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) ([]graph.Node, error) { return r.Nodes(ctx, ids) })
}

// NodesByKind returns every node of a kind, sorted by id.
func (s *Store) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) ([]graph.Node, error) { return r.NodesByKind(ctx, kind) })
}

// Expand returns the edges of the given kinds that leave (Out) or enter
// (In) any of the given nodes; no kinds means every kind. The edges come
// grouped by the given ids, in their order, each group sorted by source
// node, kind and target node.
func (s *Store) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) ([]graph.Edge, error) { return r.Expand(ctx, ids, dir, kinds...) })
}

// EdgesByKind returns every edge of a kind, sorted by source node and
// target node.
func (s *Store) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) ([]graph.Edge, error) { return r.EdgesByKind(ctx, kind) })
}

// Stats counts nodes and edges by kind.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) (graph.Stats, error) { return r.Stats(ctx) })
}

// Sources returns the name of every source with at least one fact, sorted.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	return read(ctx, s, func(ctx context.Context, r *reader) ([]string, error) {
		recs, err := r.query(ctx, `CALL (){
				MATCH (n:Node {ns: $ns}) UNWIND n.sources AS s RETURN s
				UNION
				MATCH (:Node {ns: $ns})-[r]->() UNWIND r.sources AS s RETURN s
			}
			RETURN s ORDER BY s`, map[string]any{"ns": r.ns})
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out := make([]string, 0, len(recs))
		for _, rec := range recs {
			out = append(out, stringCol(rec, "s"))
		}
		return out, nil
	})
}

func (r *reader) query(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, err := r.tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Columns every node and edge query returns, in this form.
const (
	nodeColumns = "n.id AS id, n.facts AS facts, n.firstSeen AS first, n.lastSeen AS last"
	edgeColumns = "a.id AS from, type(r) AS kind, b.id AS to, r.facts AS facts, r.firstSeen AS first, r.lastSeen AS last"
)

func (r *reader) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	if len(ids) == 0 {
		return []graph.Node{}, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = nodeKey(r.ns, id)
	}
	recs, err := r.query(ctx, `UNWIND $keys AS k
		MATCH (n:Node {key: k}) WHERE n.kind IS NOT NULL
		RETURN DISTINCT `+nodeColumns, map[string]any{"keys": keys})
	if err != nil {
		return nil, fmt.Errorf("read nodes: %w", err)
	}
	byID := make(map[string]graph.Node, len(recs))
	for _, rec := range recs {
		n, err := decodeNode(rec)
		if err != nil {
			return nil, err
		}
		byID[n.ID] = n
	}
	out := make([]graph.Node, 0, len(byID))
	for _, id := range ids {
		if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

func (r *reader) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	recs, err := r.query(ctx, `MATCH (n:Node {ns: $ns, kind: $kind}) RETURN `+nodeColumns,
		map[string]any{"ns": r.ns, "kind": string(kind)})
	if err != nil {
		return nil, fmt.Errorf("read %s nodes: %w", kind, err)
	}
	var out []graph.Node
	for _, rec := range recs {
		n, err := decodeNode(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (r *reader) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	rel, ok := relPattern(kinds)
	if !ok || len(ids) == 0 {
		return nil, nil
	}

	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = nodeKey(r.ns, id)
	}
	// a is always the edge's source and b its target; n is the given node.
	pattern := "(a:Node {key: k})-" + rel + "->(b:Node)"
	if dir == graph.In {
		pattern = "(a:Node)-" + rel + "->(b:Node {key: k})"
	}
	recs, err := r.query(ctx, `UNWIND range(0, size($keys) - 1) AS i
		WITH i, $keys[i] AS k
		MATCH `+pattern+`
		RETURN i, `+edgeColumns, map[string]any{"keys": keys})
	if err != nil {
		return nil, fmt.Errorf("expand edges: %w", err)
	}

	type row struct {
		i int64
		e graph.Edge
	}
	rows := make([]row, 0, len(recs))
	for _, rec := range recs {
		e, err := decodeEdge(rec)
		if err != nil {
			return nil, err
		}
		i, _ := rec.Get("i")
		n, _ := i.(int64)
		rows = append(rows, row{i: n, e: e})
	}
	sort.Slice(rows, func(x, y int) bool {
		if rows[x].i != rows[y].i {
			return rows[x].i < rows[y].i
		}
		return edgeLess(rows[x].e.Key(), rows[y].e.Key())
	})
	var out []graph.Edge
	for _, rw := range rows {
		out = append(out, rw.e)
	}
	return out, nil
}

func (r *reader) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	rel, ok := relPattern([]graph.EdgeKind{kind})
	if !ok {
		return nil, nil
	}
	recs, err := r.query(ctx, `MATCH (a:Node {ns: $ns})-`+rel+`->(b:Node) RETURN `+edgeColumns,
		map[string]any{"ns": r.ns})
	if err != nil {
		return nil, fmt.Errorf("read %s edges: %w", kind, err)
	}
	var out []graph.Edge
	for _, rec := range recs {
		e, err := decodeEdge(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sortEdges(out)
	return out, nil
}

func (r *reader) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{NodesByKind: map[graph.NodeKind]int{}, EdgesByKind: map[graph.EdgeKind]int{}}
	p := map[string]any{"ns": r.ns}
	recs, err := r.query(ctx, `MATCH (n:Node {ns: $ns}) WHERE n.kind IS NOT NULL
		RETURN n.kind AS kind, count(*) AS count`, p)
	if err != nil {
		return st, fmt.Errorf("count nodes: %w", err)
	}
	for _, rec := range recs {
		k, c := stringCol(rec, "kind"), intCol(rec, "count")
		st.NodesByKind[graph.NodeKind(k)] = c
		st.Nodes += c
	}

	recs, err = r.query(ctx, `MATCH (:Node {ns: $ns})-[r]->()
		RETURN type(r) AS kind, count(*) AS count`, p)
	if err != nil {
		return st, fmt.Errorf("count edges: %w", err)
	}
	for _, rec := range recs {
		k, c := stringCol(rec, "kind"), intCol(rec, "count")
		st.EdgesByKind[graph.EdgeKind(k)] = c
		st.Edges += c
	}

	recs, err = r.query(ctx, `CALL (){
			MATCH (n:Node {ns: $ns}) UNWIND n.sources AS s RETURN s
			UNION
			MATCH (:Node {ns: $ns})-[r]->() UNWIND r.sources AS s RETURN s
		}
		RETURN count(s) AS count`, p)
	if err != nil {
		return st, fmt.Errorf("count sources: %w", err)
	}
	if len(recs) == 1 {
		st.Sources = intCol(recs[0], "count")
	}

	recs, err = r.query(ctx, `MATCH (m:StoreMeta {ns: $ns}) RETURN m.lastWrite AS at`, p)
	if err != nil {
		return st, fmt.Errorf("read last write: %w", err)
	}
	if len(recs) == 1 {
		if st.LastWrite, err = timeCol(recs[0], "at"); err != nil {
			return st, err
		}
	}
	return st, nil
}

// relPattern renders a relationship pattern that matches the given kinds,
// or any kind when none is given. It reports false when no edge can match:
// an edge kind is never empty in the database.
func relPattern(kinds []graph.EdgeKind) (string, bool) {
	if len(kinds) == 0 {
		return "[r]", true
	}
	var types []string
	for _, k := range kinds {
		if k != "" {
			types = append(types, quoteName(string(k)))
		}
	}
	if len(types) == 0 {
		return "", false
	}
	return "[r:" + strings.Join(types, "|") + "]", true
}

// quoteName quotes a label or relationship type for Cypher.
func quoteName(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

func decodeNode(rec *neo4j.Record) (graph.Node, error) {
	id := stringCol(rec, "id")
	facts, err := decodeFacts[nodeFact](stringCol(rec, "facts"))
	if err != nil {
		return graph.Node{}, fmt.Errorf("node %s: %w", id, err)
	}
	first, err := timeCol(rec, "first")
	if err != nil {
		return graph.Node{}, fmt.Errorf("node %s: %w", id, err)
	}
	last, err := timeCol(rec, "last")
	if err != nil {
		return graph.Node{}, fmt.Errorf("node %s: %w", id, err)
	}
	return graph.MergeNode(id, facts, first, last), nil
}

func decodeEdge(rec *neo4j.Record) (graph.Edge, error) {
	k := graph.EdgeKey{From: stringCol(rec, "from"), Kind: graph.EdgeKind(stringCol(rec, "kind")), To: stringCol(rec, "to")}
	facts, err := decodeFacts[edgeFact](stringCol(rec, "facts"))
	if err != nil {
		return graph.Edge{}, fmt.Errorf("edge %s: %w", k, err)
	}
	first, err := timeCol(rec, "first")
	if err != nil {
		return graph.Edge{}, fmt.Errorf("edge %s: %w", k, err)
	}
	last, err := timeCol(rec, "last")
	if err != nil {
		return graph.Edge{}, fmt.Errorf("edge %s: %w", k, err)
	}
	return graph.MergeEdge(k, facts, first, last), nil
}

func stringCol(rec *neo4j.Record, key string) string {
	v, _ := rec.Get(key)
	s, _ := v.(string)
	return s
}

func intCol(rec *neo4j.Record, key string) int {
	v, _ := rec.Get(key)
	n, _ := v.(int64)
	return int(n)
}

// timeCol reads a datetime column as UTC; a missing value is the zero time.
func timeCol(rec *neo4j.Record, key string) (time.Time, error) {
	v, _ := rec.Get(key)
	switch t := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("invalid property %s: %T, expected a datetime", key, v)
}
