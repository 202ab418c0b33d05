package circleci

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestScriptToolRuns(t *testing.T) {
	// yarn dlx -p NAME@VERSION runs that version. bunx NAME runs the
	// registry's latest version unless the project installed one.
	data := []byte(`version: 2.1
jobs:
  check:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: yarn dlx -p @example/cli@1.2.3 example lint
      - run:
          name: format
          command: |
            echo formatting
            bunx prettier --write .
workflows:
  main:
    jobs:
      - check
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("check")
	tests := []struct {
		to    string
		line  int
		attrs map[string]string
	}{
		{"pkg:npm/%40example/cli@1.2.3", 7, map[string]string{"via": "tool-run", "tool": "yarn dlx", "pinned": "version",
			"reason": "the job runs yarn dlx @example/cli@1.2.3, which fetches that version from the registry"}},
		{"pkg:npm/prettier", 12, map[string]string{"via": "tool-run", "tool": "bunx", "pinned": "floating", "prefers_installed": "true",
			"reason": "the job runs bunx prettier without a version, so the registry's latest version runs; " +
				"bunx runs a command of that name from the project's installed packages instead when there is one"}},
	}
	want := []string{"pkg:docker/cimg/node@20.11"}
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
	sortStrings(want)
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), want); diff != "" {
		t.Errorf("check EXECUTES (-got +want):\n%s", diff)
	}
	n := findNode(t, res, "pkg:npm/%40example/cli@1.2.3")
	if diff := cmp.Diff(n.Attrs, map[string]string{"ecosystem": "npm", "name": "@example/cli", "version": "1.2.3"}); diff != "" {
		t.Errorf("@example/cli@1.2.3 attrs (-got +want):\n%s", diff)
	}
}

func TestScriptToolRunAfterOrbInstall(t *testing.T) {
	// The node orb's install-packages step installs the project's
	// packages, so npx tsc may run the installed typescript's tsc in place
	// of the tsc package: possible.
	data := []byte(`version: 2.1
orbs:
  node: circleci/node@5.2.0
jobs:
  build:
    docker:
      - image: cimg/node:20.11
    steps:
      - node/install-packages
      - run: npx tsc -p .
workflows:
  main:
    jobs:
      - build
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	e := findEdge(t, res, jobID("build"), graph.EdgeExecutes, "pkg:npm/tsc")
	if e.Confidence != graph.Possible {
		t.Errorf("EXECUTES tsc: %s, want possible", e.Confidence)
	}
}

// TestScriptToolRunVariables checks that a version that the job's
// environment gives is read as the shell expands it, so the job executes
// that version.
func TestScriptToolRunVariables(t *testing.T) {
	data := []byte(`version: 2.1
jobs:
  check:
    docker:
      - image: cimg/node:20.11
    environment:
      PRETTIER_VERSION: 3.1.0
    steps:
      - run: npx prettier@$PRETTIER_VERSION --check .
      - run: npx stylelint@$UNSET .
workflows:
  main:
    jobs:
      - check
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	job := jobID("check")
	for to, pinned := range map[string]string{"pkg:npm/prettier@3.1.0": "version", "pkg:npm/stylelint": "computed"} {
		e := findEdge(t, res, job, graph.EdgeExecutes, to)
		if e.Confidence != graph.Certain || e.Attr("pinned") != pinned {
			t.Errorf("EXECUTES %s: %s pinned=%q, want certain pinned=%q", to, e.Confidence, e.Attr("pinned"), pinned)
		}
	}
}
