// Command storecompare writes the same generated organisation into the
// embedded store and a Neo4j server, runs the same blast-radius queries on
// both, checks that the answers agree, and prints the times and the ratio.
//
//	go run ./bench/storecompare -nodes 20000 -uri bolt://127.0.0.1:7687
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/graph/neo4jstore"
	"github.com/blastradius-dev/blastradius/internal/orggen"
	"github.com/blastradius-dev/blastradius/query"
)

func main() {
	nodes := flag.Int("nodes", 20000, "approximate size of the generated organisation, in nodes")
	uri := flag.String("uri", "bolt://127.0.0.1:7687", "Neo4j server")
	queries := flag.Int("queries", 50, "blast-radius queries per store")
	flag.Parse()
	if err := run(*nodes, *uri, *queries); err != nil {
		fmt.Fprintln(os.Stderr, "storecompare:", err)
		os.Exit(1)
	}
}

type result struct {
	write   time.Duration
	queries []time.Duration
	reached []int
}

func run(nodes int, uri string, queries int) error {
	ctx := context.Background()
	batch := orggen.Graph(orggen.ForNodes(nodes))
	fmt.Printf("organisation: %d nodes, %d edges (orggen.ForNodes(%d))\n", len(batch.Nodes), len(batch.Edges), nodes)

	dir, err := os.MkdirTemp("", "storecompare")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mem, err := memstore.Open(filepath.Join(dir, "graph.db"))
	if err != nil {
		return err
	}
	neo, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, Namespace: fmt.Sprintf("storecompare-%d", nodes)})
	if err != nil {
		return err
	}
	defer neo.Close()
	if err := neo.Drop(ctx); err != nil {
		return err
	}
	defer neo.Drop(ctx)

	// Packages ranked 20 and below in popularity have a typical reach: a
	// few repositories, not all of them.
	var starts []string
	for i := 0; i < queries; i++ {
		starts = append(starts, orggen.PackageID(20+i*7))
	}
	m, err := measure(ctx, mem, batch, starts)
	if err != nil {
		return fmt.Errorf("embedded store: %w", err)
	}
	n, err := measure(ctx, neo, batch, starts)
	if err != nil {
		return fmt.Errorf("neo4j store: %w", err)
	}
	for i := range starts {
		if m.reached[i] != n.reached[i] {
			return fmt.Errorf("answers differ for %s: embedded reached %d nodes, neo4j %d", starts[i], m.reached[i], n.reached[i])
		}
	}
	fmt.Printf("answers agree on all %d queries (median reach %d nodes)\n\n", len(starts), median(m.reached))
	fmt.Printf("%-10s %12s %12s %12s\n", "store", "write", "query p50", "query p99")
	fmt.Printf("%-10s %12s %12s %12s\n", "embedded", m.write.Round(time.Millisecond), pct(m.queries, 50), pct(m.queries, 99))
	fmt.Printf("%-10s %12s %12s %12s\n", "neo4j", n.write.Round(time.Millisecond), pct(n.queries, 50), pct(n.queries, 99))
	fmt.Printf("%-10s %11.1fx %11.1fx %11.1fx\n", "ratio", ratio(n.write, m.write),
		ratio(pctD(n.queries, 50), pctD(m.queries, 50)), ratio(pctD(n.queries, 99), pctD(m.queries, 99)))
	return nil
}

func measure(ctx context.Context, s graph.Store, batch *graph.Batch, starts []string) (*result, error) {
	res := &result{}
	t := time.Now()
	if err := s.Write(ctx, batch, nil); err != nil {
		return nil, err
	}
	res.write = time.Since(t)
	// One untimed query first, so that Neo4j's first-use costs (query
	// planning, page cache) do not count as query time.
	if ns, err := s.Nodes(ctx, starts[:1]); err == nil {
		query.BlastRadius(ctx, s, ns, starts[0], query.Options{})
	}
	for _, id := range starts {
		ns, err := s.Nodes(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		t := time.Now()
		r, err := query.BlastRadius(ctx, s, ns, id, query.Options{})
		if err != nil {
			return nil, err
		}
		res.queries = append(res.queries, time.Since(t))
		res.reached = append(res.reached, len(r.Reached))
	}
	return res, nil
}

func pctD(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func pct(ds []time.Duration, p int) string {
	return pctD(ds, p).Round(10 * time.Microsecond).String()
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

func median(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[len(s)/2]
}
