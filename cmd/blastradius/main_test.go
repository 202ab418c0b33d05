package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	exampleDir  = "../../examples/example-org"
	examplePkg  = "pkg:npm/color-streamer@2.4.1"
	exampleTime = "2026-11-03T00:00:00Z"
)

// run executes the CLI in process and returns its stdout, stderr and exit
// status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newRootCommand(&out, &errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	code := exitCode(err)
	if ee, ok := err.(*exitError); ok && ee.err != nil {
		errb.WriteString(ee.err.Error())
	}
	return out.String(), errb.String(), code
}

// exampleDB ingests the example organisation into a fresh store with a
// fixed fingerprint salt, so outputs do not depend on the installation.
func exampleDB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	if err := os.WriteFile(filepath.Join(dir, "salt"), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", exampleDir)
	if code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	return db
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, run go test -update and review the diff:\n%s", name, diff)
	}
}

func TestExampleGolden(t *testing.T) {
	db := exampleDB(t)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"example-query.json", []string{"query", "--package", examplePkg, "--since", exampleTime, "--format", "json"}},
		{"example-query.txt", []string{"query", "--package", examplePkg, "--since", exampleTime}},
		{"example-plan.json", []string{"plan", "--package", examplePkg, "--since", exampleTime, "--format", "json"}},
		{"example-plan.md", []string{"plan", "--package", examplePkg, "--since", exampleTime, "--format", "markdown"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			out, errs, code := run(t, append([]string{"--db", db}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden(t, tc.golden, out)
		})
	}
}

// TestExampleExpected checks the answer worked out by hand in the
// example's EXPECTED.md, independently of the golden files.
func TestExampleExpected(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "query", "--package", examplePkg, "--since", exampleTime, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	var res resultView
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	reached := map[string]reachedView{}
	for _, r := range res.Reached {
		reached[r.Node.ID] = r
	}

	const (
		deployJob = "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
		lintJob   = "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#lint"
		ciKey     = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/ci"
		repKey    = "secret:aws:access-key:arn:aws:iam::111122223333:user/reporting-bot/reporting"
		webDeploy = "arn:aws:iam::111122223333:role/web-deploy"
		repSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting-bot-key"
		assets    = "arn:aws:s3:::example-org-web-assets"
		orders    = "arn:aws:dynamodb:us-east-1:111122223333:table/customer-orders"
		finance   = "arn:aws:s3:::example-org-finance-exports"
	)
	mustReach := []string{
		deployJob, lintJob,
		"secret:gha:example-org/web-app/CI_AWS_ACCESS_KEY_ID",
		"secret:gha:example-org/web-app/CI_AWS_SECRET_ACCESS_KEY",
		"secret:gha:oidc:example-org/web-app/.github/workflows/deploy.yml#deploy",
		ciKey, repKey, repSecret, webDeploy,
		"arn:aws:iam::111122223333:user/ci-deployer",
		"arn:aws:iam::111122223333:user/reporting-bot",
		assets, orders, finance,
	}
	for _, id := range mustReach {
		r, ok := reached[id]
		if !ok {
			t.Errorf("not reached: %s", id)
			continue
		}
		if r.Confidence != "certain" {
			t.Errorf("%s confidence = %s, want certain", id, r.Confidence)
		}
	}
	mustNot := []string{
		"runtime:gha:example-org/web-app/.github/workflows/release.yml#publish",
		"secret:gha:example-org/web-app/NPM_TOKEN",
		"arn:aws:iam::111122223333:role/billing-deploy",
		"arn:aws:secretsmanager:us-east-1:111122223333:secret:payments/card-processor-key",
	}
	for _, id := range mustNot {
		if _, ok := reached[id]; ok {
			t.Errorf("trap reached: %s", id)
		}
	}
	// Live services and replay after the compromise.
	for _, id := range []string{assets, orders, finance} {
		if !reached[id].Live {
			t.Errorf("%s not live, want live (declared in infra/main.tf)", id)
		}
	}
	for _, id := range []string{assets, orders, ciKey, repKey} {
		r := reached[id]
		if !r.UsedAfter || !contains(r.NewSources, "203.0.113.66") {
			t.Errorf("%s: usedAfter=%v newSources=%v, want use after compromise from 203.0.113.66", id, r.UsedAfter, r.NewSources)
		}
	}
	if r := reached[finance]; r.UsedAfter || r.Evidence != nil {
		t.Errorf("finance exports: evidence %+v, want none (no log record touches it)", r.Evidence)
	}
	// The OIDC hop names the subject that matched.
	hops := reached[webDeploy].Path
	if last := hops[len(hops)-1]; last.Kind != "CAN_ASSUME" || !strings.Contains(last.Reason, "repo:example-org/web-app:ref:refs/heads/main") {
		t.Errorf("last hop to web-deploy = %+v, want CAN_ASSUME naming the main-branch subject", last)
	}

	// The plan: contain both jobs with one item (they share a workflow),
	// then the ci key (first: replayed) and the web-deploy sessions, then
	// the reporting key.
	out, errs, code = run(t, "--db", db, "plan", "--package", examplePkg, "--since", exampleTime, "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	var plan planView
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, s := range plan.Steps {
		var ids []string
		for _, it := range s.Items {
			if it.Kind != "expire" {
				ids = append(ids, it.Node.ID+strings.Join(append([]string{""}, it.Also...), " + "))
			}
		}
		got = append(got, ids)
	}
	want := [][]string{{deployJob + " + " + lintJob}, {ciKey, webDeploy}, {repKey}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan steps (-want +got):\n%s", diff)
	}
	if len(plan.Steps) == 3 {
		rk := plan.Steps[2].Items[0]
		if !contains(rk.YieldedBy, webDeploy) || !contains(rk.Consumers, repSecret) {
			t.Errorf("reporting key item = %+v, want yielded by web-deploy and replacement into %s", rk, repSecret)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestExitStatuses(t *testing.T) {
	db := exampleDB(t)
	if _, _, code := run(t, "--db", db, "query", "--package", "pkg:npm/no-such-package@1.0.0"); code != exitNoMatch {
		t.Errorf("unknown package: exit %d, want %d", code, exitNoMatch)
	}
	if _, _, code := run(t, "--db", db, "query"); code != exitUsage {
		t.Errorf("no start: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := run(t, "--db", db, "query", "--package", examplePkg, "--format", "yaml"); code != exitUsage {
		t.Errorf("bad format: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := run(t, "--db", filepath.Join(t.TempDir(), "none.db"), "query", "--package", examplePkg); code != exitFailure {
		t.Errorf("missing store: exit %d, want %d", code, exitFailure)
	}
}

func TestUsageErrors(t *testing.T) {
	db := exampleDB(t)
	for _, args := range [][]string{
		{"query", "--package", "tj-actions/changed-files"},
		{"query", "--package", "pkg:npm/lodash@>=>=1"},
		{"query", "--package", examplePkg, "--depth", "0"},
		{"nodes", "--kind", "Bogus"},
		{"ingest"},
		{"ingest", "--repo", "notarepo", exampleDir},
		{"ingest", "--org", "a b", exampleDir},
		{"ingest", "--workers", "-5", exampleDir},
		{"no-such-command"},
	} {
		if _, errs, code := run(t, append([]string{"--db", db}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, errs, exitUsage)
		}
	}
	// A kind in lower case is accepted.
	if out, _, code := run(t, "--db", db, "nodes", "--kind", "identity"); code != exitOK || !strings.Contains(out, "ci-deployer") {
		t.Errorf("nodes --kind identity: exit %d, output lacks ci-deployer", code)
	}
}

func TestStatsTableMatchesJSON(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "stats", "--hash")
	if code != exitOK {
		t.Fatalf("stats exit %d: %s", code, errs)
	}
	var st struct {
		Nodes, Edges, Sources int
		NodesByKind           map[string]int
		EdgesByKind           map[string]int
		ContentHash           string
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}

	table, errs, code := run(t, "--db", db, "stats", "--hash", "--format", "table")
	if code != exitOK {
		t.Fatalf("stats --format table exit %d: %s", code, errs)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
		f := strings.Fields(line)
		rows[strings.Join(f[:len(f)-1], " ")] = f[len(f)-1]
	}

	want := map[string]string{
		"nodes":        strconv.Itoa(st.Nodes),
		"edges":        strconv.Itoa(st.Edges),
		"sources":      strconv.Itoa(st.Sources),
		"content hash": st.ContentHash,
	}
	for k, n := range st.NodesByKind {
		want["node "+k] = strconv.Itoa(n)
	}
	for k, n := range st.EdgesByKind {
		want["edge "+k] = strconv.Itoa(n)
	}
	delete(rows, "last write")
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("stats table rows (-json +table):\n%s", diff)
	}
}

func TestStoreSchemeUnsupported(t *testing.T) {
	// The driver rejects these schemes before it dials, so the test
	// needs no server. A wrong flag value is a usage error.
	for _, uri := range []string{"http://127.0.0.1:7474", "postgres://127.0.0.1:5432"} {
		_, errs, code := run(t, "--store", uri, "stats")
		if code != exitUsage {
			t.Errorf("--store %s: exit %d, want %d", uri, code, exitUsage)
		}
		if !strings.Contains(errs, "invalid --store") {
			t.Errorf("--store %s: stderr %q does not name the flag", uri, errs)
		}
		if !strings.Contains(errs, "bolt://HOST:7687") {
			t.Errorf("--store %s: stderr %q does not give a valid form", uri, errs)
		}
	}
}

// TestIngestSkipsOwnStore ingests a folder that holds the store itself,
// twice: the second walk meets the store file, its lock and its history
// folder, and must neither read them nor list them as skipped.
func TestIngestSkipsOwnStore(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	if err := os.WriteFile(filepath.Join(wf, "ci.yml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "g.db")
	for i := range 2 {
		out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--format", "json", "--org", "o", dir)
		if code != exitOK {
			t.Fatalf("run %d: exit %d: %s", i+1, code, errs)
		}
		var sum struct {
			Skipped []struct{ Path string } `json:"skipped"`
		}
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatal(err)
		}
		if len(sum.Skipped) != 0 {
			t.Errorf("run %d skipped %v, want nothing: they are the store's own files", i+1, sum.Skipped)
		}
	}
	if _, err := os.Stat(db + ".history"); err != nil {
		t.Fatalf("the store keeps no history beside it (%v): the test meets no history folder", err)
	}
}
