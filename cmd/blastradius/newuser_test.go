package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

// TestQueryWarnsOfUnknownOwner ingests the example without --org, so the
// repository becomes local/web-app and the query logs a warning naming
// it. After an ingest with --org, the query logs no such warning.
func TestQueryWarnsOfUnknownOwner(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", exampleDir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	_, errs, code := run(t, "--db", db, "query", "--package", "pkg:npm/color-streamer@2.4.1")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "no known owner") || !strings.Contains(errs, "local/web-app") {
		t.Errorf("query without --org at ingest: stderr %q, want a warning naming local/web-app", errs)
	}
	_, errs, _ = run(t, "--db", exampleDB(t), "query", "--package", "pkg:npm/color-streamer@2.4.1")
	if strings.Contains(errs, "no known owner") {
		t.Errorf("query after ingest --org: stderr %q, want no owner warning", errs)
	}
}

// TestIngestMissingInputIsUsageError checks that a path that does not
// exist is a wrong argument (exit 2) that names the path, and that no
// store is written.
func TestIngestMissingInputIsUsageError(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	missing := filepath.Join(dir, "no-such-folder")
	_, errs, code := run(t, "--db", db, "ingest", exampleDir, missing)
	if code != exitUsage || !strings.Contains(errs, "input "+missing+" not found") {
		t.Errorf("ingest of a missing path: exit %d, %q; want exit %d naming the path", code, errs, exitUsage)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("ingest of a missing path wrote %s", db)
	}
}

// TestWarnSplitARNs checks the warning for a role and a secret that
// Terraform names without an account while logs name them in one. A
// resource whose account is known, or whose region differs, is no pair.
func TestWarnSplitARNs(t *testing.T) {
	ctx := context.Background()
	const (
		tfRole     = "arn:aws:iam:::role/deploy"
		logRole    = "arn:aws:iam::444455556666:role/deploy"
		tfSecret   = "arn:aws:secretsmanager:eu-west-1::secret:db"
		logSecret  = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:db"
		elsewhere  = "arn:aws:secretsmanager:us-east-1:444455556666:secret:db"
		knownRole  = "arn:aws:iam::111122223333:role/audit"
		knownTwin  = "arn:aws:iam::444455556666:role/audit"
		pos        = "test"
		identities = graph.NodeIdentity
	)
	var nodes []graph.Node
	for _, id := range []string{tfRole, logRole, knownRole, knownTwin} {
		nodes = append(nodes, graph.Node{ID: id, Kind: identities, Pos: graph.Pos{File: pos}})
	}
	for _, id := range []string{tfSecret, logSecret, elsewhere} {
		nodes = append(nodes, graph.Node{ID: id, Kind: graph.NodeSecret, Pos: graph.Pos{File: pos}})
	}
	s := memstore.New()
	if err := s.Write(ctx, &graph.Batch{Time: time.Now(), Nodes: nodes}, nil); err != nil {
		t.Fatal(err)
	}
	res := &query.Result{Reached: []*query.Reached{
		{Node: graph.Node{ID: tfRole, Kind: identities}},
		{Node: graph.Node{ID: tfSecret, Kind: graph.NodeSecret}},
		{Node: graph.Node{ID: knownRole, Kind: identities}},
	}}
	var buf bytes.Buffer
	if err := warnSplitARNs(ctx, slog.New(slog.NewTextHandler(&buf, nil)), s, res); err != nil {
		t.Fatal(err)
	}
	want := `pairs="` + tfRole + " and " + logRole + "; " + tfSecret + " and " + logSecret + `"`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("warning %q, want it to name %s", buf.String(), want)
	}
	if strings.Contains(buf.String(), elsewhere) || strings.Contains(buf.String(), knownTwin) {
		t.Errorf("warning %q names a resource of another region or a known account", buf.String())
	}
}

// TestIngestNamesSkippedFilesInDebugLog checks that the debug log names
// each skipped file, which the summary table only counts.
func TestIngestNamesSkippedFilesInDebugLog(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "notes.xyz")
	if err := os.WriteFile(odd, []byte("nothing to read\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, _ := run(t, "--db", filepath.Join(dir, "graph.db"), "--log-level", "debug", "ingest", dir)
	if !strings.Contains(errs, "file skipped") || !strings.Contains(errs, odd) {
		t.Errorf("debug log %q, want a line naming %s", errs, odd)
	}
}

// TestWarnSplitARNsFromLoggedRole starts from the role as CloudTrail
// names it, in its account, while Terraform without an account wrote the
// same role's trust and permissions on another node: the blast radius
// misses those, so the pair is named too.
func TestWarnSplitARNsFromLoggedRole(t *testing.T) {
	ctx := context.Background()
	const (
		tfRole  = "arn:aws:iam:::role/deploy"
		logRole = "arn:aws:iam::444455556666:role/deploy"
		other   = "arn:aws:iam::444455556666:role/audit"
	)
	var nodes []graph.Node
	for _, id := range []string{tfRole, logRole, other} {
		nodes = append(nodes, graph.Node{ID: id, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "test"}})
	}
	s := memstore.New()
	if err := s.Write(ctx, &graph.Batch{Time: time.Now(), Nodes: nodes}, nil); err != nil {
		t.Fatal(err)
	}
	res := &query.Result{
		Starts:  []graph.Node{{ID: logRole, Kind: graph.NodeIdentity}},
		Reached: []*query.Reached{{Node: graph.Node{ID: other, Kind: graph.NodeIdentity}}},
	}
	var buf bytes.Buffer
	if err := warnSplitARNs(ctx, slog.New(slog.NewTextHandler(&buf, nil)), s, res); err != nil {
		t.Fatal(err)
	}
	want := `pairs="` + tfRole + " and " + logRole + `"`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("warning %q, want it to name %s", buf.String(), want)
	}
}

// TestRepoFlagTakesGitLabGroups checks that --repo takes the path of a
// GitLab project in a subgroup, and still rejects names that are no path.
func TestRepoFlagTakesGitLabGroups(t *testing.T) {
	for repo, valid := range map[string]bool{
		"example-org/api":            true,
		"Acme-Corp/platform/Web-App": true,
		"acme/platform/tools/api":    true,
		"api":                        false,
		"acme//api":                  false,
		"acme/api/":                  false,
		"/acme/api":                  false,
	} {
		err := checkIngestFlags(repo, "local", 0)
		if valid && err != nil {
			t.Errorf("--repo %q: %v, want accepted", repo, err)
		}
		if !valid && err == nil {
			t.Errorf("--repo %q accepted, want rejected", repo)
		}
	}
}
