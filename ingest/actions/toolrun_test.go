package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestScriptToolRuns(t *testing.T) {
	// npx NAME[@VERSION] fetches NAME from the registry, unless the
	// project installed a copy that fits, and runs it. Without a version
	// the registry's latest runs, so the job executes the name. pnpm dlx
	// and uvx always fetch.
	data := []byte(`on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npx cowsay hi
      - run: npx prettier@3.1.0 --check .
      - run: |
          uvx ruff@latest check
          pnpm dlx @example/tool@^2 build
      - run: npx $TOOL
      - run: npx prettier@${{ inputs.version }} --check .
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "lint")
	latest := "the job runs npx cowsay without a version, so the registry's latest version runs; " +
		"npx runs a command of that name from the project's installed packages instead when there is one"
	tests := []struct {
		to    string
		line  int
		attrs map[string]string
	}{
		{"pkg:npm/cowsay", 6, map[string]string{"via": "tool-run", "tool": "npx", "pinned": "floating", "step": "0",
			"prefers_installed": "true", "reason": latest}},
		{"pkg:npm/prettier@3.1.0", 7, map[string]string{"via": "tool-run", "tool": "npx", "pinned": "version", "step": "1",
			"reason": "the job runs npx prettier@3.1.0, which fetches that version from the registry"}},
		{"pkg:pypi/ruff", 8, map[string]string{"via": "tool-run", "tool": "uvx", "pinned": "floating", "step": "2",
			"requested": "latest",
			"reason":    "the job runs uvx ruff@latest, and the registry decides when the job runs which version latest names"}},
		{"pkg:npm/%40example/tool", 8, map[string]string{"via": "tool-run", "tool": "pnpm dlx", "pinned": "floating", "step": "2",
			"requested": "^2",
			"reason":    "the job runs pnpm dlx @example/tool@^2, and the registry decides when the job runs which version ^2 names"}},
		{"pkg:npm/prettier", 12, map[string]string{"via": "tool-run", "tool": "npx", "pinned": "computed", "step": "4",
			"reason": "the job runs npx prettier with a version that is set when the job runs"}},
	}
	var want []string
	for _, tt := range tests {
		want = append(want, tt.to)
		e := findEdge(t, res, job, graph.EdgeExecutes, tt.to)
		if e.Confidence != graph.Certain {
			t.Errorf("EXECUTES %s: %s, want certain", tt.to, e.Confidence)
		}
		if diff := cmp.Diff(e.Attrs, tt.attrs); diff != "" {
			t.Errorf("EXECUTES %s attrs (-got +want):\n%s", tt.to, diff)
		}
		if e.Pos.Line != tt.line {
			t.Errorf("EXECUTES %s: line %d, want %d", tt.to, e.Pos.Line, tt.line)
		}
	}
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), sorted(want)); diff != "" {
		t.Errorf("lint EXECUTES (-got +want):\n%s", diff)
	}
	v := findNode(t, res, "pkg:npm/prettier@3.1.0")
	if diff := cmp.Diff(v.Attrs, map[string]string{"ecosystem": "npm", "name": "prettier", "version": "3.1.0"}); diff != "" {
		t.Errorf("prettier@3.1.0 attrs (-got +want):\n%s", diff)
	}
	findEdge(t, res, "pkg:npm/prettier@3.1.0", graph.EdgeVersionOf, "pkg:npm/prettier")
	if n := findNode(t, res, "pkg:npm/%40example/tool"); n.Label != "@example/tool" || n.Attr("name") != "@example/tool" {
		t.Errorf("@example/tool: label %q, name %q", n.Label, n.Attr("name"))
	}
}

func TestScriptToolRunAfterInstall(t *testing.T) {
	// npx cdk without a version runs a cdk command of the project's
	// installed packages when there is one (aws-cdk provides it), and
	// only else fetches the cdk package. After npm ci the job may run
	// either: possible. The job without an install fetches it: certain.
	data := []byte(`on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npx cdk deploy
  bare:
    runs-on: ubuntu-latest
    steps:
      - run: npx cdk deploy
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/cd.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	tests := []struct {
		job    string
		conf   graph.Confidence
		reason string
	}{
		{"deploy", graph.Possible, "the job runs npx cdk without a version, so the registry's latest version runs; " +
			"npx runs a command of that name from the project's installed packages instead when there is one, and the job installs them"},
		{"bare", graph.Certain, "the job runs npx cdk without a version, so the registry's latest version runs; " +
			"npx runs a command of that name from the project's installed packages instead when there is one"},
	}
	for _, tt := range tests {
		e := findEdge(t, res, graph.GHAJobID(testRepo, ".github/workflows/cd.yml", tt.job), graph.EdgeExecutes, "pkg:npm/cdk")
		if e.Confidence != tt.conf {
			t.Errorf("%s EXECUTES cdk: %s, want %s", tt.job, e.Confidence, tt.conf)
		}
		if got := e.Attr("reason"); got != tt.reason {
			t.Errorf("%s EXECUTES cdk reason:\n got %q\nwant %q", tt.job, got, tt.reason)
		}
	}
}

// TestScriptToolRunVariables checks that a version that the job's or the
// step's env gives is read as the shell expands it, so the job executes
// that version, and that one the input does not show is computed.
func TestScriptToolRunVariables(t *testing.T) {
	data := []byte(`on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    env:
      PRETTIER_VERSION: 3.1.0
    steps:
      - run: npx prettier@$PRETTIER_VERSION --check .
      - run: npx eslint@${ESLINT} .
        env:
          ESLINT: 9.1.0
      - run: npx stylelint@$UNSET .
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "lint")
	for to, pinned := range map[string]string{
		"pkg:npm/prettier@3.1.0": "version",
		"pkg:npm/eslint@9.1.0":   "version",
		"pkg:npm/stylelint":      "computed",
	} {
		e := findEdge(t, res, job, graph.EdgeExecutes, to)
		if e.Confidence != graph.Certain || e.Attr("pinned") != pinned {
			t.Errorf("EXECUTES %s: %s pinned=%q, want certain pinned=%q", to, e.Confidence, e.Attr("pinned"), pinned)
		}
	}
}

// Runs of one name in several steps give one edge, which admits every
// version that one of the runs may fetch: the requests joined, none when
// one run requests none, and a computed version when one run computes it.
func TestToolRunsOfOneNameMerged(t *testing.T) {
	data := []byte(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: npx foo@^1 lint
      - run: npx foo@^2 build
      - run: npx bar@^1 lint
      - run: npx bar build
      - run: npx baz@^1 lint
      - run: npx baz@${{ inputs.version }} build
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "build")
	if got := findEdge(t, res, job, graph.EdgeExecutes, "pkg:npm/foo").Attr("requested"); got != "^1 || ^2" {
		t.Errorf("foo requested %q, want ^1 || ^2", got)
	}
	if got := findEdge(t, res, job, graph.EdgeExecutes, "pkg:npm/bar").Attr("requested"); got != "" {
		t.Errorf("bar requested %q, want none", got)
	}
	if got := findEdge(t, res, job, graph.EdgeExecutes, "pkg:npm/baz").Attr("pinned"); got != "computed" {
		t.Errorf("baz pinned %q, want computed", got)
	}
}
