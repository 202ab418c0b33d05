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
