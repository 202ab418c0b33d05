package link_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/internal/orggen"
)

// parsedStore ingests a folder without linking it.
func parsedStore(t *testing.T, dir string) *memstore.Store {
	t.Helper()
	s := memstore.New()
	p := &ingest.Pipeline{
		Parsers: formats.All(),
		Store:   s,
		Org:     "corpus",
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
		Now:     func() time.Time { return time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC) },
	}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	return s
}

// deriveBoth derives the graph of s with one worker and with four, and
// fails when the two differ in any node, edge or order.
func deriveBoth(t *testing.T, name string, s graph.Reader) (nodes []graph.Node, edges []graph.Edge) {
	t.Helper()
	ctx := context.Background()
	oneNodes, oneEdges, err := (&link.Linker{Workers: 1}).Derive(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	fourNodes, fourEdges, err := (&link.Linker{Workers: 4}).Derive(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(oneNodes, fourNodes); diff != "" {
		t.Errorf("%s: derived nodes, one worker against four (-one +four):\n%s", name, diff)
	}
	if diff := cmp.Diff(oneEdges, fourEdges); diff != "" {
		t.Errorf("%s: derived edges, one worker against four (-one +four):\n%s", name, diff)
	}
	return oneNodes, oneEdges
}

// The AWS principals of a generated organisation derive the same nodes
// and edges, in the same order, on four workers as on one.
func TestWorkersMatchOneWorkerOrg(t *testing.T) {
	dir := t.TempDir()
	if _, err := orggen.WriteFiles(dir, orggen.ForFileNodes(2000)); err != nil {
		t.Fatal(err)
	}
	_, edges := deriveBoth(t, "organisation", parsedStore(t, dir))

	// The comparison means something only when several principals
	// derive edges in the per-principal step.
	from := map[string]bool{}
	for _, e := range edges {
		if e.Kind == graph.EdgeCanAccess || e.Kind == graph.EdgeCanReadSecret {
			from[e.From] = true
		}
	}
	if len(from) < 4 {
		t.Errorf("%d principals reach a resource or secret, want at least 4", len(from))
	}
}

// Each lab of the corpus of real inputs derives the same nodes and edges,
// in the same order, on four workers as on one.
func TestWorkersMatchOneWorkerCorpus(t *testing.T) {
	const root = "../../../shared/corpus"
	labs, err := os.ReadDir(root)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	if testing.Short() {
		t.Skip("the corpus takes a while")
	}
	withAccess := 0
	for _, lab := range labs {
		if !lab.IsDir() {
			continue
		}
		_, edges := deriveBoth(t, lab.Name(), parsedStore(t, filepath.Join(root, lab.Name())))
		for _, e := range edges {
			if e.Kind == graph.EdgeCanAccess {
				withAccess++
				break
			}
		}
	}
	if withAccess < 3 {
		t.Errorf("%d labs derive CAN_ACCESS edges, want at least 3", withAccess)
	}
}
