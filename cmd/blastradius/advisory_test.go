package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdvisoryFlagErrors checks the exit statuses and messages of
// --advisory files that are missing, malformed or withdrawn.
func TestAdvisoryFlagErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", "{\n  \"id\": \"EXAMPLE-1\",\n  \"affected\": [}\n")
	withdrawn := write("withdrawn.json", `{"id": "EXAMPLE-MAL-9", "withdrawn": "2026-10-03T00:00:00Z",
		"affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"}, "versions": ["7.0.3"]}]}`)
	lock := "testdata/cases/13-scoped-alias"
	tests := []struct {
		name string
		args []string
		code int
		errs []string
	}{
		{"missing file", []string{"--advisory", filepath.Join(dir, "absent.json")}, exitUsage, []string{"read --advisory"}},
		{"malformed", []string{"--advisory", bad}, exitUsage, []string{bad + ":3:16: invalid JSON"}},
		{"withdrawn", []string{"--advisory", withdrawn}, exitNoMatch, []string{"advisory withdrawn: ignored", "EXAMPLE-MAL-9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "graph.db")
			if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--repo", "example-org/widget", lock); code != exitOK {
				t.Fatalf("ingest: exit %d: %s", code, errs)
			}
			_, errs, code := run(t, append([]string{"--db", db, "query"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			for _, want := range tt.errs {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr %q does not name %q", errs, want)
				}
			}
		})
	}
}

// TestPlanTakesAdvisory checks that plan starts from an advisory as query
// does.
func TestPlanTakesAdvisory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	dir := "testdata/cases/13-scoped-alias"
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--repo", "example-org/widget", dir); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "plan", "--advisory", filepath.Join(dir, "advisories/EXAMPLE-2026-0201.json"))
	if code != exitOK {
		t.Fatalf("plan: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "advisory EXAMPLE-2026-0201 (matched pkg:npm/%40example-org/text-wrapper@7.0.3)") {
		t.Errorf("plan does not name the advisory and what it matched:\n%s", out)
	}
	if !strings.Contains(out, "WIDGET_DEPLOY_TOKEN") {
		t.Errorf("plan does not revoke WIDGET_DEPLOY_TOKEN:\n%s", out)
	}
}
