package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// TestRejectionInsideFile ingests inputs that fuzzing found and checks
// that each rejection points at a line the file has.
func TestRejectionInsideFile(t *testing.T) {
	for _, tc := range []struct {
		name, path, content string
		// known names a wrong position that the parser still gives.
		known string
	}{
		{name: "workflow of a document marker only", path: ".github/workflows/empty.yml", content: "---"},
		{name: "workflow of a sequence", path: ".github/workflows/list.yml", content: "- a\n- b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "repo")
			file := filepath.Join(dir, tc.path)
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "graph.db")
			out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", "--format", "json", dir)
			if code != exitRejected {
				t.Fatalf("ingest exit %d, want %d (rejected): %s", code, exitRejected, errs)
			}
			var sum ingest.Summary
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatal(err)
			}
			if len(sum.Rejected) != 1 {
				t.Fatalf("%d rejected files, want 1: %v", len(sum.Rejected), sum.Rejected)
			}
			lines := strings.Count(tc.content, "\n")
			if !strings.HasSuffix(tc.content, "\n") {
				lines++
			}
			var problems []string
			if p := sum.Rejected[0].Pos; p.Line < 1 || p.Line > lines {
				problems = append(problems, "rejected at "+p.String()+", outside the file's lines")
			}
			report(t, tc.known, problems)
		})
	}
}
