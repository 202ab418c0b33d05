package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type reviewView struct {
	Entries []struct {
		ID          string  `json:"id"`
		Kind        string  `json:"kind"`
		Score       float64 `json:"score"`
		Findings    []int   `json:"findings"`
		Fingerprint string  `json:"fingerprint"`
	} `json:"entries"`
	Findings []struct {
		Kind   string `json:"kind"`
		Node   string `json:"node"`
		Detail string `json:"detail"`
	} `json:"findings"`
	Comparison *struct {
		NewPaths    []any `json:"newPaths"`
		ClosedPaths []any `json:"closedPaths"`
		Rotated     []any `json:"rotated"`
	} `json:"comparison"`
}

// TestReviewExample checks the ranking of the example worked out by hand
// from EXPECTED.md, with customer-orders weighted critical (10), the
// finance bucket high (5) and the asset bucket the default 1:
//
//   - actions/checkout and actions/setup-node also run in the release job,
//     whose NPM_TOKEN logs in to registry.npmjs.org, so they reach the
//     packages published there (1) as well as all three: 17;
//   - the other four package versions the deploy job runs, the deploy
//     job's OIDC token and the web-deploy role reach all three: 16;
//   - prod/reporting-bot-key and the reporting-bot key reach orders and
//     finance: 15;
//   - the two CI secrets and the ci-deployer key reach the asset bucket,
//     and NPM_TOKEN the packages on registry.npmjs.org: 1.
//
// Each key is one entry, the Terraform one: the node the logs made of it
// (same user, the one key id the user's calls show) is folded into it and
// gives it its key id.
func TestReviewExample(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "review", "--format", "json", "--now", "2026-12-01T00:00:00Z",
		"--criticality", filepath.Join("testdata", "review", "criticality.yaml"))
	if code != exitOK {
		t.Fatalf("review exit %d: %s", code, errs)
	}
	var v reviewView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	group := func(from, to int) ([]string, []float64) {
		var ids []string
		var scores []float64
		for _, e := range v.Entries[from:to] {
			ids = append(ids, e.ID)
			scores = append(scores, e.Score)
		}
		sort.Strings(ids)
		return ids, scores
	}
	const (
		checkout   = "pkg:githubactions/actions/checkout@v4"
		setupNode  = "pkg:githubactions/actions/setup-node@v4"
		logFmt     = "pkg:npm/log-fmt@1.2.0"
		tinyRouter = "pkg:npm/tiny-router@3.0.1"
		repLogKey  = "secret:aws:access-key:arn:aws:iam::111122223333:user/reporting-bot/AKIAEXAMPLEREPORTBT7"
		ciLogKey   = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/AKIAEXAMPLECIDEPLOY9"
		npmToken   = "secret:gha:example-org/web-app/NPM_TOKEN"
	)
	for _, tc := range []struct {
		from, to int
		ids      []string
		score    float64
	}{
		{0, 2, sorted(checkout, setupNode), 17},
		{2, 8, sorted(exAction, examplePkg, logFmt, tinyRouter, exDeployOIDC, exWebDeploy), 16},
		{8, 10, sorted(exRepSecret, exRepKey), 15},
		{10, 14, sorted(exKeyIDSecret, exKeySecret, npmToken, exCIKey), 1},
	} {
		ids, scores := group(tc.from, tc.to)
		if diff := cmp.Diff(tc.ids, ids); diff != "" {
			t.Errorf("entries %d to %d (-want +got):\n%s", tc.from+1, tc.to, diff)
		}
		for i, s := range scores {
			if s != tc.score {
				t.Errorf("entry %d: score %v, want %v", tc.from+i+1, s, tc.score)
			}
		}
	}
	if v.Entries[14].Score != 0 {
		t.Errorf("entry 15 %s: score %v, want 0", v.Entries[14].ID, v.Entries[14].Score)
	}
	for _, e := range v.Entries {
		switch e.ID {
		case repLogKey, ciLogKey:
			t.Errorf("entry %s: a logged key ranked apart from its declared twin", e.ID)
		case exRepKey, exCIKey:
			want := map[string]string{exRepKey: "AKIAEXAMPLEREPORTBT7", exCIKey: "AKIAEXAMPLECIDEPLOY9"}[e.ID]
			if e.Fingerprint != want {
				t.Errorf("entry %s: fingerprint %q, want the logged key id %s", e.ID, e.Fingerprint, want)
			}
		}
	}

	var findings []string
	for _, f := range v.Findings {
		findings = append(findings, f.Kind+" "+f.Node)
		if f.Node == npmToken && !strings.Contains(f.Detail, "long-lived registry.npmjs.org token; trusted publishing") {
			t.Errorf("NPM_TOKEN finding %q, want one that proposes trusted publishing", f.Detail)
		}
	}
	want := []string{
		"long-lived-ci-secret " + exKeyIDSecret,
		"long-lived-ci-secret " + exKeySecret,
		"long-lived-ci-secret " + npmToken,
		"tag-pinned-action " + exAction,
	}
	if diff := cmp.Diff(want, findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// The example's logs cover 2026-11-01 08:00 to 2026-11-03 02:31, so
	// they show no credential unused for 90 days. A review on 2026-11-03
	// with --unused-days 1 finds the card processor key, whose only call
	// in the logs was denied.
	out, errs, code = run(t, "--db", db, "review", "--format", "json", "--now", "2026-11-03T03:00:00Z", "--unused-days", "1")
	if code != exitOK {
		t.Fatalf("review exit %d: %s", code, errs)
	}
	v = reviewView{}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	var unused []string
	for _, f := range v.Findings {
		if f.Kind == "unused-credential" {
			unused = append(unused, f.Node+": "+f.Detail)
		}
	}
	wantUnused := []string{"arn:aws:secretsmanager:us-east-1:111122223333:secret:payments/card-processor-key: " +
		"no use in the access logs of account 111122223333, which cover 2026-11-01T08:00:00Z to 2026-11-03T02:31:00Z"}
	if diff := cmp.Diff(wantUnused, unused); diff != "" {
		t.Errorf("unused credentials over one day (-want +got):\n%s", diff)
	}
}

func TestReviewFormatsAndCompare(t *testing.T) {
	db := exampleDB(t)
	dir := t.TempDir()
	out, errs, code := run(t, "--db", db, "review", "--format", "json", "--now", "2026-12-01T00:00:00Z")
	if code != exitOK {
		t.Fatalf("review exit %d: %s", code, errs)
	}
	prev := filepath.Join(dir, "prev.json")
	if err := os.WriteFile(prev, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, "--db", db, "review", "--format", "json", "--now", "2026-12-01T00:00:00Z", "--compare", prev)
	if code != exitOK {
		t.Fatalf("review --compare exit %d: %s", code, errs)
	}
	var v reviewView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if c := v.Comparison; c == nil || len(c.NewPaths)+len(c.ClosedPaths)+len(c.Rotated) != 0 {
		t.Errorf("comparing a review with itself: got %+v, want no changes", v.Comparison)
	}
	for _, format := range []string{"markdown", "csv", "html"} {
		out, errs, code := run(t, "--db", db, "review", "--format", format, "--now", "2026-12-01T00:00:00Z")
		if code != exitOK || out == "" {
			t.Errorf("review --format %s: exit %d, %d bytes: %s", format, code, len(out), errs)
		}
	}
	for _, args := range [][]string{
		{"review", "--format", "pdf"},
		{"review", "--criticality", filepath.Join(dir, "missing.yaml")},
		{"review", "--compare", filepath.Join("testdata", "review", "criticality.yaml")},
		{"review", "--unused-days", "-1"},
	} {
		if _, _, code := run(t, append([]string{"--db", db}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestReviewAsOfReadsHistory(t *testing.T) {
	db := exampleDB(t)
	_, errs, code := run(t, "--db", db, "review", "--as-of", "2000-01-01T00:00:00Z")
	if code != exitFailure || !strings.Contains(errs, "no snapshot at or before") {
		t.Errorf("review --as-of before the first ingest: exit %d, %q; want exit %d and no snapshot", code, errs, exitFailure)
	}
	out, errs, code := run(t, "--db", db, "review", "--format", "json", "--as-of", "2999-01-01T00:00:00Z")
	if code != exitOK {
		t.Fatalf("review --as-of after the last ingest: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"asOf": "2999-01-01T00:00:00Z"`) {
		t.Errorf("review --as-of did not review at that time: %.200s", out)
	}
}
