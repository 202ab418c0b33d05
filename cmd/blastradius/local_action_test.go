package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// A job that runs a composite action of its own repository (uses:
// ./.github/actions/setup) runs what that action uses. When a third-party
// action that the composite action uses by tag is compromised, as
// tj-actions/changed-files was in March 2025, the job and its secrets are
// reached, for certain: the job runs the action.yml of its checkout.
func TestLocalCompositeActionReachesJob(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".github/workflows/ci.yml": `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
`,
		".github/actions/setup/action.yml": `name: setup
runs:
  using: composite
  steps:
    - uses: tj-actions/changed-files@v45
`,
	}
	writeTree(t, dir, files)
	db := filepath.Join(t.TempDir(), "g.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "o", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "--log-level", "error", "query", "--package", "pkg:githubactions/tj-actions/changed-files@v45", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	var res struct {
		Reached []struct {
			Node       struct{ ID string }
			Confidence string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range res.Reached {
		got[r.Node.ID] = r.Confidence
	}
	repo := "o/" + filepath.Base(dir)
	for _, id := range []string{
		"pkg:githubactions/" + repo + "#.github/actions/setup",
		"runtime:gha:" + repo + "/.github/workflows/ci.yml#build",
		"secret:gha:" + repo + "/NPM_TOKEN",
	} {
		if got[id] != "certain" {
			t.Errorf("%s reached as %q, want certain", id, got[id])
		}
	}
}

// A job that runs a composite action of its own repository runs the
// action's run: steps. When they install the repository's lockfile, a
// locked package with an install script runs beside the job's secrets.
// When they run a tool by name without a version (npx cowsay), a
// compromised release of that tool may run there too.
func TestLocalCompositeActionRunSteps(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".github/workflows/ci.yml": `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
`,
		".github/actions/setup/action.yml": `name: setup
runs:
  using: composite
  steps:
    - run: npm ci
      shell: bash
    - run: npx cowsay hi
      shell: bash
`,
		"package-lock.json": `{"name":"app","lockfileVersion":3,"packages":{"":{"dependencies":{"esbuild":"0.19.0"}},"node_modules/esbuild":{"version":"0.19.0","hasInstallScript":true}}}`,
	}
	writeTree(t, dir, files)
	db := filepath.Join(t.TempDir(), "g.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "o", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	repo := "o/" + filepath.Base(dir)
	action := "pkg:githubactions/" + repo + "#.github/actions/setup"
	job := "runtime:gha:" + repo + "/.github/workflows/ci.yml#build"
	secret := "secret:gha:" + repo + "/NPM_TOKEN"
	tests := []struct {
		start string
		want  map[string]string
	}{
		// npm ci in the action runs esbuild's install script in the job.
		{"pkg:npm/esbuild@0.19.0", map[string]string{job: "certain", secret: "certain"}},
		// npx cowsay fetches the registry's latest version, which may be
		// 1.0.0, unless it runs an installed cowsay command.
		{"pkg:npm/cowsay@1.0.0", map[string]string{action: "possible", job: "possible", secret: "possible"}},
	}
	for _, tt := range tests {
		out, errs, code := run(t, "--db", db, "--log-level", "error", "query", "--package", tt.start, "--format", "json")
		if code != exitOK {
			t.Errorf("query %s exit %d: %s", tt.start, code, errs)
			continue
		}
		var res struct {
			Reached []struct {
				Node       struct{ ID string }
				Confidence string
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range res.Reached {
			got[r.Node.ID] = r.Confidence
		}
		for id, conf := range tt.want {
			if got[id] != conf {
				t.Errorf("query %s: %s reached as %q, want %q", tt.start, id, got[id], conf)
			}
		}
	}
}
