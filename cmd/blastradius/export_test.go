package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportExample(t *testing.T) {
	db := exampleDB(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"export", "--package", examplePkg, "--format", "dot"}, []string{"digraph blastradius {", `"` + exDeployJob + `" -> "` + exKeySecret + `" [label="EXPOSES"];`}},
		{[]string{"export", "--package", examplePkg, "--format", "mermaid"}, []string{"flowchart LR", "-->|CAN_ASSUME|"}},
		{[]string{"export", "--package", examplePkg, "--format", "csv"}, []string{"record,id,kind,label,from,to,confidence,attrs", "edge,,HOLDS,," + exKeySecret + "," + exCIKey + ",certain,"}},
		{[]string{"export", "--format", "graphml"}, []string{"<graphml", "payments/card-processor-key"}},
		{[]string{"export", "--package", examplePkg, "--since", exampleTime, "--format", "runbook"}, []string{"## Step 3: Revoke", "gh workflow disable"}},
		{[]string{"plan", "--package", examplePkg, "--since", exampleTime, "--format", "runbook"}, []string{"# Incident runbook: package " + examplePkg, "### 3.1 revoke"}},
	} {
		out, errs, code := run(t, append([]string{"--db", db}, tc.args...)...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", tc.args, code, errs)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q", tc.args, w)
			}
		}
	}

	// The OpenGraph export of the blast radius holds its 20 reached nodes
	// and the start.
	out, errs, code := run(t, "--db", db, "export", "--package", examplePkg, "--format", "opengraph")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Graph struct {
			Nodes []struct{ ID string } `json:"nodes"`
		} `json:"graph"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Graph.Nodes) != 21 {
		t.Errorf("opengraph has %d nodes, want 21", len(doc.Graph.Nodes))
	}
	if _, _, code := run(t, "--db", db, "export", "--format", "runbook"); code != exitUsage {
		t.Errorf("runbook without a start: exit %d, want %d", code, exitUsage)
	}
}

// TestCanariesNeverLeakFromReports runs the review, the exports and the
// runbook over the canary inputs: no planted secret may appear in them.
func TestCanariesNeverLeakFromReports(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	var all strings.Builder
	collect := func(args ...string) {
		t.Helper()
		out, errs, code := run(t, append([]string{"--db", db}, args...)...)
		if code != exitOK && code != exitNoMatch && code != exitRejected {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
		all.WriteString(out)
		all.WriteString(errs)
	}
	collect("--log-level", "error", "ingest", "--org", "example-org", "testdata/canary")
	for _, format := range []string{"markdown", "json", "csv", "html"} {
		collect("review", "--format", format, "--top", "0")
	}
	for _, format := range []string{"dot", "mermaid", "csv", "graphml", "opengraph"} {
		collect("export", "--format", format)
		collect("export", "--secret", "API_KEY", "--format", format)
	}
	collect("export", "--secret", "API_KEY", "--format", "runbook")
	if all.Len() < 1000 {
		t.Fatalf("collected %d bytes: the test would pass vacuously", all.Len())
	}
	for _, c := range canaries {
		if strings.Contains(all.String(), c) {
			t.Errorf("canary %s found in a report or export", c)
		}
	}
}

// --revoked-at fills in the time of revocation in every log query of the
// plan, so the runbook lists no such placeholder. A time that is not RFC
// 3339 is a usage error.
func TestPlanRevokedAt(t *testing.T) {
	db := exampleDB(t)
	const at = "2026-11-04T10:30:00Z"
	for _, format := range []string{"table", "runbook"} {
		out, errs, code := run(t, "--db", db, "plan", "--package", examplePkg, "--revoked-at", at, "--format", format)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, errs)
		}
		if strings.Contains(out, "<revocation time>") {
			t.Errorf("%s: the placeholder is still in the plan", format)
		}
		if !strings.Contains(out, "--start-time '"+at+"'") {
			t.Errorf("%s: no log query starts at %s", format, at)
		}
	}
	_, errs, code := run(t, "--db", db, "plan", "--package", examplePkg, "--revoked-at", "yesterday")
	if code != exitUsage || !strings.Contains(errs, "--revoked-at") {
		t.Errorf("invalid time: exit %d, stderr %q; want exit %d naming --revoked-at", code, errs, exitUsage)
	}
}
