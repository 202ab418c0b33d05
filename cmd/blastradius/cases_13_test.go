package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stage13 copies files of a case folder into a fresh folder, each under
// the name it maps to, so that a lockfile kept under another name is read
// as package-lock.json.
func stage13(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("case folder not found: %v", err)
	}
	out := t.TempDir()
	for dst, src := range files {
		data, err := os.ReadFile(filepath.Join(dir, src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(out, dst)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestCaseOSVNPMAlias: npm installs text-wrapper 7.0.3 under the folder
// text-wrapper-legacy. An advisory for text-wrapper 7.0.3 must reach the
// job that runs npm ci (the version has an install script) and the secret
// in that job's environment; an advisory for the unrelated package named
// text-wrapper-legacy must match nothing. Both lockfile versions must
// agree. The variants under testdata/cases/13-* add a scoped alias split
// on its last "@", SEMVER and ECOSYSTEM ranges instead of version lists,
// and a PyPI advisory whose range only PEP 440 orders right.
func TestCaseOSVNPMAlias(t *testing.T) {
	const (
		shared  = casesDir + "/13-osv-npm-alias"
		scoped  = "testdata/cases/13-scoped-alias"
		pypi    = "testdata/cases/13-pypi-range"
		job     = "runtime:gha:example-org/status-page/.github/workflows/ci.yml#build"
		hook    = "secret:gha:example-org/status-page/STATUS_DEPLOY_HOOK"
		widget  = "secret:gha:example-org/status-page/WIDGET_DEPLOY_TOKEN"
		testJob = "runtime:gha:example-org/status-page/.github/workflows/test.yml#test"
		upload  = "secret:gha:example-org/status-page/REPORT_UPLOAD_KEY"
		tw7     = "pkg:npm/text-wrapper@7.0.3"
		scoped7 = "pkg:npm/%40example-org/text-wrapper@7.0.3"
		scoped8 = "pkg:npm/%40example-org/text-wrapper@8.2.0"
		install = "install script runs when the job installs dependencies"
		imports = "imported by the code the job builds and tests"
	)
	workflow := map[string]string{".github/workflows/ci.yml": ".github/workflows/ci.yml"}
	with := func(m map[string]string, dst, src string) map[string]string {
		out := map[string]string{dst: src}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	type start struct{ Advisories, Paths string }
	tests := []struct {
		name       string
		dir        string
		files      map[string]string
		advisories []string
		label      string
		starts     map[string]start
		// reach maps a reached node to the reason its first hop must
		// contain ("" when any path will do).
		reach   map[string]string
		noMatch string
	}{
		{
			name: "v3 real package", dir: shared, files: with(workflow, "package-lock.json", "package-lock.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0001.json"},
			label:      "advisory EXAMPLE-MAL-2026-0001 (matched " + tw7 + ")",
			starts:     map[string]start{tw7: {"EXAMPLE-MAL-2026-0001", "node_modules/text-wrapper-legacy"}},
			reach:      map[string]string{job: install, hook: install},
		},
		{
			name: "v3 alias folder", dir: shared, files: with(workflow, "package-lock.json", "package-lock.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0002.json"},
			noMatch:    "EXAMPLE-MAL-2026-0002",
		},
		{
			// Lockfile version 1 records no install scripts: the job still
			// installs the version, so it is reached all the same.
			name: "v1 real package", dir: shared, files: with(workflow, "package-lock.json", "package-lock.v1.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0001.json"},
			label:      "advisory EXAMPLE-MAL-2026-0001 (matched " + tw7 + ")",
			starts:     map[string]start{tw7: {"EXAMPLE-MAL-2026-0001", "node_modules/text-wrapper-legacy"}},
			reach:      map[string]string{job: "the job installs npm dependencies", hook: ""},
		},
		{
			name: "v1 alias folder", dir: shared, files: with(workflow, "package-lock.json", "package-lock.v1.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0002.json"},
			noMatch:    "EXAMPLE-MAL-2026-0002",
		},
		{
			name: "scoped alias, SEMVER range", dir: scoped, files: with(workflow, "package-lock.json", "package-lock.json"),
			advisories: []string{"advisories/EXAMPLE-2026-0201.json"},
			label:      "advisory EXAMPLE-2026-0201 (matched " + scoped7 + ")",
			starts:     map[string]start{scoped7: {"EXAMPLE-2026-0201", "node_modules/x"}},
			reach:      map[string]string{job: install, widget: install},
		},
		{
			name: "scoped alias v1, SEMVER range", dir: scoped, files: with(workflow, "package-lock.json", "package-lock.v1.json"),
			advisories: []string{"advisories/EXAMPLE-2026-0201.json"},
			label:      "advisory EXAMPLE-2026-0201 (matched " + scoped7 + ")",
			starts:     map[string]start{scoped7: {"EXAMPLE-2026-0201", "node_modules/x"}},
			reach:      map[string]string{job: "", widget: ""},
		},
		{
			name: "scoped alias folder", dir: scoped, files: with(workflow, "package-lock.json", "package-lock.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0202.json"},
			noMatch:    "EXAMPLE-MAL-2026-0202",
		},
		{
			name: "three advisories at once", dir: scoped, files: with(workflow, "package-lock.json", "package-lock.json"),
			advisories: []string{"advisories/EXAMPLE-MAL-2026-0202.json", "advisories/EXAMPLE-2026-0201.json", "advisories/EXAMPLE-2026-0203.json"},
			label: "advisory EXAMPLE-MAL-2026-0202 (matched nothing), advisory EXAMPLE-2026-0201 (matched " + scoped7 +
				"), advisory EXAMPLE-2026-0203 (matched " + scoped8 + ")",
			starts: map[string]start{
				scoped7: {"EXAMPLE-2026-0201", "node_modules/x"},
				scoped8: {"EXAMPLE-2026-0203", "node_modules/@example-org/text-wrapper"},
			},
			reach: map[string]string{job: "", widget: ""},
		},
		{
			name: "PyPI range in PEP 440 order", dir: pypi,
			files: map[string]string{
				"requirements.txt":           "requirements.txt",
				".github/workflows/test.yml": ".github/workflows/test.yml",
			},
			advisories: []string{"advisories/EXAMPLE-2026-0301.json"},
			label:      "advisory EXAMPLE-2026-0301 (matched pkg:pypi/text-wrapper@2.1.0)",
			starts:     map[string]start{"pkg:pypi/text-wrapper@2.1.0": {"EXAMPLE-2026-0301", ""}},
			reach:      map[string]string{testJob: imports, upload: imports},
		},
		{
			name: "PyPI post-release only", dir: pypi,
			files: map[string]string{
				"requirements.txt":           "requirements.txt",
				".github/workflows/test.yml": ".github/workflows/test.yml",
			},
			advisories: []string{"advisories/EXAMPLE-2026-0302.json"},
			noMatch:    "EXAMPLE-2026-0302",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := stage13(t, tt.dir, tt.files)
			var args []string
			for _, a := range tt.advisories {
				args = append(args, "--advisory", filepath.Join(tt.dir, a))
			}
			res, errs, code := sbomIngestQuery(t, []string{"--repo", "example-org/status-page", src}, args...)
			if tt.noMatch != "" {
				if code != exitNoMatch || !strings.Contains(errs, tt.noMatch) {
					t.Fatalf("exit %d, stderr %q; want exit %d naming %s", code, errs, exitNoMatch, tt.noMatch)
				}
				return
			}
			if code != exitOK {
				t.Fatalf("query: exit %d: %s", code, errs)
			}
			if res.Query != tt.label {
				t.Errorf("query label = %q, want %q", res.Query, tt.label)
			}
			starts := map[string]start{}
			for _, s := range res.Starts {
				starts[s.ID] = start{s.Attrs["advisories"], s.Attrs["paths"]}
			}
			if diff := cmp.Diff(starts, tt.starts); diff != "" {
				t.Errorf("starts (-got +want):\n%s", diff)
			}
			got := map[string]reachedView{}
			for _, r := range res.Reached {
				got[r.Node.ID] = r
			}
			for id, reason := range tt.reach {
				r, ok := got[id]
				if !ok {
					t.Errorf("not reached: %s", id)
					continue
				}
				if len(r.Path) == 0 || r.Path[0].Kind != "EXECUTES" || !strings.Contains(r.Path[0].Reason, reason) {
					t.Errorf("%s: first hop %+v, want EXECUTES because %q", id, r.Path, reason)
				}
			}
		})
	}
}
