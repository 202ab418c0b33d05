package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNamedInstallsMeetLockfiles checks that the packages a workflow
// installs by name get the ids that the lockfiles give the same versions,
// so the graph contains each version once, and that a query for a version
// reaches the job that installs it.
func TestNamedInstallsMeetLockfiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".github/workflows/ci.yml": `name: ci
on: push
jobs:
  tools:
    runs-on: ubuntu-latest
    steps:
      - run: npm install -g semantic-release@22.0.0
      - run: pip install black==23.1.0
      - run: go install golang.org/x/tools/cmd/goimports@v0.1.0
      - run: cargo install ripgrep --version 13.0.0
      - run: gem install rubocop -v 1.50.0
`,
		"requirements.txt": "black==23.1.0\n",
		"Cargo.lock":       "version = 3\n\n[[package]]\nname = \"ripgrep\"\nversion = \"13.0.0\"\n",
		"Gemfile.lock":     "GEM\n  remote: https://rubygems.org/\n  specs:\n    rubocop (1.50.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rubocop\n",
		"go.mod":           "module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/tools v0.1.0\n",
		"package-lock.json": `{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app","devDependencies":{"semantic-release":"22.0.0"}},` +
			`"node_modules/semantic-release":{"version":"22.0.0","dev":true}}}`,
	}
	writeTree(t, dir, files)
	db := filepath.Join(t.TempDir(), "g.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "o", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}

	out, errs, code := run(t, "--db", db, "nodes", "--kind", "Package", "--format", "json")
	if code != exitOK {
		t.Fatalf("nodes exit %d: %s", code, errs)
	}
	var nodes []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &nodes); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range nodes {
		ids = append(ids, n.ID)
	}
	slices.Sort(ids)
	want := []string{
		"pkg:cargo/ripgrep", "pkg:cargo/ripgrep@13.0.0",
		"pkg:gem/rubocop", "pkg:gem/rubocop@1.50.0",
		"pkg:golang/golang.org/x/tools", "pkg:golang/golang.org/x/tools@v0.1.0",
		"pkg:npm/semantic-release", "pkg:npm/semantic-release@22.0.0",
		"pkg:pypi/black", "pkg:pypi/black@23.1.0",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Package nodes %v, want %v", ids, want)
	}

	out, errs, code = run(t, "--db", db, "--log-level", "error", "query", "--package", "pkg:pypi/black@23.1.0")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "ci / tools") || !strings.Contains(out, "pip install black==23.1.0") {
		t.Errorf("query of black 23.1.0 does not reach the job that installs it:\n%s", out)
	}
}

// A global npm install fetches the named tool alone: the project's
// locked packages are not installed, so their install scripts do not run
// in the job. A job that runs npm ci does install them.
func TestGlobalInstallLeavesLockfile(t *testing.T) {
	lock := `{"name":"app","lockfileVersion":3,"packages":{"":{"dependencies":{"esbuild":"0.19.0"}},` +
		`"node_modules/esbuild":{"version":"0.19.0","hasInstallScript":true}}}`
	for _, tt := range []struct {
		step    string
		reached bool
	}{
		{"npm install -g semantic-release@22.0.0", false},
		{"npm ci", true},
	} {
		dir := t.TempDir()
		workflow := "name: ci\non: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n      - run: " + tt.step + "\n"
		writeTree(t, dir, map[string]string{".github/workflows/ci.yml": workflow, "package-lock.json": lock})
		db := filepath.Join(t.TempDir(), "g.db")
		if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "o", dir); code != exitOK {
			t.Fatalf("%s: ingest exit %d: %s", tt.step, code, errs)
		}
		out, errs, code := run(t, "--db", db, "--log-level", "error", "query", "--package", "pkg:npm/esbuild@0.19.0")
		if code != exitOK {
			t.Fatalf("%s: query exit %d: %s", tt.step, code, errs)
		}
		if got := strings.Contains(out, "ci / rel"); got != tt.reached {
			t.Errorf("%s: the job reached by esbuild 0.19.0 is %v, want %v:\n%s", tt.step, got, tt.reached, out)
		}
	}
}
