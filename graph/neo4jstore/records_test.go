package neo4jstore

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
)

// TestLoadRecordsMatchesWrite ingests two labs of real inputs into the
// embedded store and, through Write, into one Neo4j namespace, then copies
// the embedded store's records into a second namespace with LoadRecords.
// Every read of the copy must equal the same read after Write: the nodes
// and edges of every kind with their merged facts, the sources and the
// counts.
func TestLoadRecordsMatchesWrite(t *testing.T) {
	labs := []string{
		"../../../shared/corpus/step-security__github-actions-goat",
		"../../../shared/corpus/invictus-ir__aws_dataset",
	}
	for _, lab := range labs {
		if !isDir(lab) {
			t.Skipf("corpus not available: %s", lab)
		}
	}
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	ingestInto := func(s graph.Store) {
		p := &ingest.Pipeline{
			Parsers: formats.All(), Store: s, Derive: (&link.Linker{}).Derive,
			Env: &ingest.Env{Fingerprint: func(v string) string { return "fp" }},
			Org: "example-org", Now: func() time.Time { return at },
		}
		if _, err := p.Run(ctx, labs); err != nil {
			t.Fatal(err)
		}
	}
	mem := memstore.New()
	ingestInto(mem)
	written := openTest(t, 500)
	ingestInto(written)
	copied := openTest(t, 500)
	if err := copied.LoadRecords(ctx, mem.NodeRecords(), mem.EdgeRecords(), at); err != nil {
		t.Fatal(err)
	}

	nodes := 0
	for _, k := range graph.NodeKinds {
		want, err := written.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got, err := copied.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		nodes += len(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s nodes (-written +copied):\n%s", k, diff)
		}
	}
	edges := 0
	for _, k := range graph.EdgeKinds {
		want, err := written.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		got, err := copied.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		edges += len(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s edges (-written +copied):\n%s", k, diff)
		}
	}
	// The two labs hold workflows, lockfiles and CloudTrail records: a
	// copy of a near-empty graph would prove nothing.
	t.Logf("%d nodes, %d edges", nodes, edges)
	if nodes < 100 || edges < 100 {
		t.Errorf("Write made %d nodes and %d edges, want at least 100 of each", nodes, edges)
	}
	wantSrc, err := written.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotSrc, err := copied.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSrc, gotSrc); diff != "" {
		t.Errorf("sources (-written +copied):\n%s", diff)
	}
	wantSt, err := written.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotSt, err := copied.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSt, gotSt); diff != "" {
		t.Errorf("stats (-written +copied):\n%s", diff)
	}
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
