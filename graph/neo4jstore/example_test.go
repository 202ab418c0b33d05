package neo4jstore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/cloudtrail"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
	"github.com/blastradius-dev/blastradius/internal/secret"
	"github.com/blastradius-dev/blastradius/query"
)

const exampleDir = "../../examples/example-org"

// ingestExample runs the CLI's ingest pipeline over the example
// organisation into s, with a fixed salt and clock.
func ingestExample(t *testing.T, s graph.Store) {
	t.Helper()
	fp := secret.New(bytes.Repeat([]byte{7}, secret.SaltSize))
	p := &ingest.Pipeline{
		Parsers: []ingest.Parser{
			actions.New(),
			lockfile.NewNPM(),
			lockfile.NewGoMod(),
			lockfile.NewPoetry(),
			lockfile.NewRequirements(),
			terraform.New(),
			cloudtrail.New(),
		},
		Store:   s,
		Derive:  (&link.Linker{}).Derive,
		Env:     &ingest.Env{Fingerprint: fp.Fingerprint},
		Org:     "example-org",
		Workers: 1,
		Now:     func() time.Time { return time.Date(2026, 11, 4, 8, 0, 0, 0, time.UTC) },
	}
	sum, err := p.Run(context.Background(), []string{exampleDir})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if len(sum.Rejected) > 0 {
		t.Fatalf("ingest rejected files: %v", sum.Rejected)
	}
}

// answer is the JSON of the blast radius and the revocation plan of the
// example's compromised package.
func answer(t *testing.T, r graph.Reader) string {
	t.Helper()
	ctx := context.Background()
	since := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	res, err := query.Run(ctx, r, query.Start{Packages: []string{"pkg:npm/color-streamer@2.4.1"}}, query.Options{Since: since})
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	plan, err := query.BuildPlan(ctx, r, res)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	out, err := json.MarshalIndent(struct {
		Result *query.Result `json:"result"`
		Plan   *query.Plan   `json:"plan"`
	}{res, plan}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestExampleSameAnswerAsMemstore(t *testing.T) {
	if _, err := os.Stat(exampleDir); err != nil {
		t.Skipf("example organisation not found: %v", err)
	}
	ns := openTest(t, 0)
	ingestExample(t, ns)
	ingestExample(t, ns) // a second run over the same files changes nothing but lastSeen

	// The CLI reads the embedded store back from its file.
	path := t.TempDir() + "/graph.db"
	ms, err := memstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ingestExample(t, ms)
	ingestExample(t, ms)
	reopened, err := memstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}

	want := answer(t, reopened)
	got := answer(t, ns)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answer (-memstore +neo4j):\n%s", diff)
	}
	// The answer must be about something: the example reaches the
	// finance exports bucket through the reporting key.
	if !bytes.Contains([]byte(got), []byte(`"arn:aws:s3:::example-org-finance-exports"`)) {
		t.Errorf("answer does not reach the finance exports bucket:\n%s", got)
	}
	if diff := cmp.Diff(dump(t, ms), dump(t, ns)); diff != "" {
		t.Errorf("graph (-memstore +neo4j):\n%s", diff)
	}
}
