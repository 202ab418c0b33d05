package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
