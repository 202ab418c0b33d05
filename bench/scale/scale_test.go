package scale

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/graph/neo4jstore"
	"github.com/blastradius-dev/blastradius/internal/orggen"
	"github.com/blastradius-dev/blastradius/query"
	"github.com/blastradius-dev/blastradius/review"
)

var (
	sizes    = flag.String("sizes", "10000", "comma-separated organisation sizes, in nodes")
	cacheDir = flag.String("cache", filepath.Join(os.TempDir(), "blastradius-scale"), "folder that keeps generated organisations between runs")
	queries  = flag.Int("queries", 200, "blast-radius queries behind the p50 and p99 figures")
	neoQuery = flag.Int("neo4j-queries", 200, "blast-radius queries asked of Neo4j, the first of those asked of the embedded store")
	neo4jURI = flag.String("neo4j", "", "Neo4j server to compare with, e.g. bolt://127.0.0.1:7687; empty skips it")
	reuse    = flag.Bool("reuse", false, "open the stores an earlier run left instead of ingesting again (no ingest time)")
	maxFiles = flag.Int("max-files", 1000000, "largest size ingested from files; larger sizes are written to the store directly")
	reviewOn = flag.Bool("review", true, "also time one review of every credential and package")
)

// buildCLI builds the blastradius command once per run.
func buildCLI(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(*cacheDir, "blastradius")
	if err := os.MkdirAll(*cacheDir, 0o755); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", bin, "github.com/blastradius-dev/blastradius/cmd/blastradius")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build blastradius: %v\n%s", err, out)
	}
	return bin
}

// generate writes the organisation of n nodes once and keeps it.
func generate(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(*cacheDir, fmt.Sprintf("org-%d", n))
	done := dir + ".complete"
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if _, err := orggen.WriteFiles(dir, orggen.ForFileNodes(n)); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// ingest runs `blastradius ingest` on the files into a new store and
// returns its wall time. Exit status 3 (a rejected file) fails the
// benchmark: every generated file must ingest.
func ingest(b *testing.B, bin, dir, db string) time.Duration {
	b.Helper()
	os.Remove(db)
	cmd := exec.Command(bin, "--db", db, "--log-level", "warn", "ingest", dir)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("ingest %s: %v\n%s", dir, err, out)
	}
	if !strings.Contains(string(out), "skipped: 0 files") {
		b.Logf("ingest summary:\n%s", out)
	}
	return took
}

func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// starts returns packages of typical reach: family roots past the most
// popular few, spread over the popularity ranks.
func starts(n int, shape orggen.FileShape) []string {
	var out []string
	for i := 0; i < n; i++ {
		f := 8 + (i*7919)%max(shape.Families/8, 1)
		out = append(out, orggen.FamilyPurl(f))
	}
	return out
}

// typicalTimes returns the times of the queries whose reach lies between
// the 10th and the 90th percentile of all reaches: the starts of typical
// reach, without the few that reach a large part of the organisation.
func typicalTimes(reached []int, times []time.Duration) []time.Duration {
	sorted := append([]int(nil), reached...)
	sort.Ints(sorted)
	lo, hi := sorted[len(sorted)/10], sorted[(len(sorted)*9)/10]
	var out []time.Duration
	for i, r := range reached {
		if r >= lo && r <= hi {
			out = append(out, times[i])
		}
	}
	return out
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func blast(b *testing.B, s graph.Store, id string) int {
	ctx := context.Background()
	ns, err := s.Nodes(ctx, []string{id})
	if err != nil {
		b.Fatal(err)
	}
	r, err := query.BlastRadius(ctx, s, ns, id, query.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return len(r.Reached)
}

func BenchmarkScale(b *testing.B) {
	bin := buildCLI(b)
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n <= 0 {
			b.Fatalf("invalid -sizes entry %q", field)
		}
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) { benchSize(b, bin, n) })
	}
}

// writeDirect builds the organisation of n nodes in memory with
// orggen.Graph and writes it to a new store file in one Write, without
// parsing or linking, and returns the time of the Write.
func writeDirect(b *testing.B, n int, db string) time.Duration {
	b.Helper()
	batch := orggen.Graph(directShape(n))
	os.Remove(db)
	s, err := memstore.Open(db)
	if err != nil {
		b.Fatal(err)
	}
	t := time.Now()
	if err := s.Write(context.Background(), batch, nil); err != nil {
		b.Fatal(err)
	}
	return time.Since(t)
}

// directShape is the shape of the organisation writeDirect builds: five
// edges per node, the proportion of ingested organisations.
func directShape(n int) orggen.Shape {
	shape := orggen.ForNodes(n)
	shape.LocksPerRepo = 70
	return shape
}

// directStarts returns packages of typical reach in a directly written
// organisation, spread over the popularity ranks of the most popular
// eighth past the first twenty, as starts does for family roots.
func directStarts(n int, shape orggen.Shape) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, orggen.PackageID(20+(i*7919)%max(shape.Packages/8-20, 1)))
	}
	return out
}

func benchSize(b *testing.B, bin string, n int) {
	db := filepath.Join(*cacheDir, fmt.Sprintf("org-%d.db", n))
	var ingestTime, writeTime time.Duration
	var ids []string
	_, err := os.Stat(db)
	fresh := !*reuse || err != nil
	if n <= *maxFiles {
		ids = starts(*queries, orggen.ForFileNodes(n))
		if fresh {
			ingestTime = ingest(b, bin, generate(b, n), db)
		}
	} else {
		ids = directStarts(*queries, directShape(n))
		if fresh {
			writeTime = writeDirect(b, n, db)
		}
	}
	runtime.GC()

	before := heapInUse()
	t := time.Now()
	s, err := memstore.Open(db)
	openTime := time.Since(t)
	if err != nil {
		b.Fatal(err)
	}
	heap := heapInUse() - before
	st, err := s.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	nodeBytes, edgeBytes := s.Footprint()

	blast(b, s, ids[0])
	times := make([]time.Duration, len(ids))
	cpus := make([]time.Duration, len(ids))
	reached := make([]int, len(ids))
	for i, id := range ids {
		t, c := time.Now(), cpuTime()
		reached[i] = blast(b, s, id)
		times[i], cpus[i] = time.Since(t), cpuTime()-c
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		blast(b, s, ids[i%len(ids)])
	}
	b.StopTimer()

	// Split the measured heap between nodes and edges in the proportion of
	// the columns each owns.
	share := float64(nodeBytes) / float64(max(nodeBytes+edgeBytes, 1))
	b.ReportMetric(float64(st.Nodes), "nodes")
	b.ReportMetric(float64(st.Edges), "edges")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(heap)*share/float64(max(st.Nodes, 1)), "B/node")
	b.ReportMetric(float64(heap)*(1-share)/float64(max(st.Edges, 1)), "B/edge")
	b.ReportMetric(100*float64(heap)/float64(128*st.Nodes+48*st.Edges), "heap-%budget")
	b.ReportMetric(ms(openTime), "open-ms")
	if ingestTime > 0 {
		b.ReportMetric(ingestTime.Seconds(), "ingest-s")
	}
	if writeTime > 0 {
		b.ReportMetric(writeTime.Seconds(), "write-s")
	}
	b.ReportMetric(ms(percentile(times, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(times, 99)), "p99-ms")
	if cpuTime() > 0 {
		// Processor time is less sensitive than wall time to other jobs
		// on a shared machine.
		b.ReportMetric(ms(percentile(cpus, 50)), "cpu-p50-ms")
		b.ReportMetric(ms(percentile(cpus, 99)), "cpu-p99-ms")
	}
	typical := typicalTimes(reached, times)
	b.ReportMetric(ms(percentile(typical, 99)), "typical-p99-ms")
	sorted := append([]int(nil), reached...)
	sort.Ints(sorted)
	b.ReportMetric(float64(sorted[len(sorted)/2]), "reach")
	b.ReportMetric(float64(sorted[len(sorted)-1]), "max-reach")
	if *reviewOn {
		// The quarterly review ranks every credential and package by its
		// blast radius: one query per entry, on every core.
		t := time.Now()
		rv, err := review.Run(context.Background(), s, review.Options{UnusedDays: 90})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t).Seconds(), "review-s")
		b.ReportMetric(float64(len(rv.Entries)), "review-entries")
	}
	if *neo4jURI != "" {
		k := min(*neoQuery, len(ids))
		compareNeo4j(b, s, ids[:k], reached[:k], times[:k])
	}
	runtime.KeepAlive(s)
}

// loadFacts copies every fact of the store into a Neo4j namespace of its
// own with LoadRecords, the nodes and relationships that Store.Write would
// make, and returns the time it took. The namespace is dropped after.
func loadFacts(b *testing.B, s *memstore.Store) time.Duration {
	neo := openEmptyNeo4j(b, "scale-bench-facts")
	defer neo.Close()
	defer dropNeo4j(b, neo)
	t := time.Now()
	if err := neo.LoadRecords(context.Background(), s.NodeRecords(), s.EdgeRecords(), time.Now().UTC()); err != nil {
		b.Fatal(err)
	}
	return time.Since(t)
}

// dropNeo4j empties a namespace the benchmark loaded, so that the server
// does not keep a large graph between runs.
func dropNeo4j(b *testing.B, neo *neo4jstore.Store) {
	if err := neo.BulkDrop(context.Background()); err != nil {
		b.Errorf("empty the Neo4j namespace after the benchmark: %v", err)
	}
}

// openEmptyNeo4j opens a namespace of the Neo4j server and drops what an
// earlier run left in it.
func openEmptyNeo4j(b *testing.B, ns string) *neo4jstore.Store {
	ctx := context.Background()
	neo, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: *neo4jURI, Namespace: ns, BatchSize: 10000,
		ReadTimeout: 10 * time.Minute, WriteTimeout: 4 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	if err := neo.BulkDrop(ctx); err != nil {
		neo.Close()
		b.Fatal(err)
	}
	return neo
}

// compareNeo4j bulk-loads the store's graph into Neo4j and queries the
// same blast radius with one Cypher query per start.
func compareNeo4j(b *testing.B, s *memstore.Store, ids []string, reached []int, memTimes []time.Duration) {
	ctx := context.Background()
	neo := openEmptyNeo4j(b, "scale-bench")
	defer neo.Close()
	defer dropNeo4j(b, neo)

	t := time.Now()
	if err := neo.BulkLoad(ctx, allNodes(b, s), allEdges(b, s)); err != nil {
		b.Fatal(err)
	}
	load := time.Since(t)

	// The traversal follows DEFINES only from a repository reached through
	// CAN_MODIFY, a rule about the previous step that a path pattern's
	// per-step predicate cannot state. The generated organisation grants
	// no CAN_MODIFY, so leaving DEFINES out gives the same result there.
	var fwd []graph.EdgeKind
	for _, k := range forward {
		if k != graph.EdgeDefines {
			fwd = append(fwd, k)
		}
	}
	factsLoad := loadFacts(b, s)

	neo.ReachCount(ctx, ids[0], fwd, backward, query.DefaultMaxDepth)
	var times []time.Duration
	agree := 0
	for i, id := range ids {
		t := time.Now()
		got, err := neo.ReachCount(ctx, id, fwd, backward, query.DefaultMaxDepth)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t))
		if got == reached[i] {
			agree++
		} else if i < 3 {
			b.Logf("%s: embedded store reached %d nodes, Cypher %d", id, reached[i], got)
		}
	}
	b.ReportMetric(load.Seconds(), "neo4j-load-s")
	b.ReportMetric(factsLoad.Seconds(), "neo4j-facts-load-s")
	b.ReportMetric(ms(percentile(times, 50)), "neo4j-p50-ms")
	b.ReportMetric(ms(percentile(times, 99)), "neo4j-p99-ms")
	b.ReportMetric(float64(percentile(times, 50))/float64(max(percentile(memTimes, 50), 1)), "neo4j/mem-p50")
	b.ReportMetric(100*float64(agree)/float64(len(ids)), "agree-%")
}

// forward and backward are the edge kinds query.BlastRadius walks from
// source to target and from target to source; they must stay equal to the
// lists in query/blast.go.
var (
	forward = []graph.EdgeKind{
		graph.EdgeExposes, graph.EdgeRunsOn, graph.EdgeAuthenticatesAs, graph.EdgeHolds,
		graph.EdgeCanAssume, graph.EdgeCanReadSecret, graph.EdgeCanMint, graph.EdgeCanModify,
		graph.EdgeCanPublish, graph.EdgeCanAccess, graph.EdgeDefines, graph.EdgeObserved,
	}
	backward = []graph.EdgeKind{graph.EdgeDependsOn, graph.EdgeExecutes, graph.EdgeVersionOf}
)

func allNodes(b *testing.B, s graph.Store) iter.Seq[graph.Node] {
	return func(yield func(graph.Node) bool) {
		for _, k := range graph.NodeKinds {
			ns, err := s.NodesByKind(context.Background(), k)
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range ns {
				if !yield(n) {
					return
				}
			}
		}
	}
}

func allEdges(b *testing.B, s graph.Store) iter.Seq[graph.Edge] {
	return func(yield func(graph.Edge) bool) {
		for _, k := range graph.EdgeKinds {
			es, err := s.EdgesByKind(context.Background(), k)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range es {
				if !yield(e) {
					return
				}
			}
		}
	}
}
