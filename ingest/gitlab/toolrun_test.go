package gitlab

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestScriptToolRuns(t *testing.T) {
	// npx NAME@VERSION runs that version. pipx run with a range runs the
	// version the registry picks, so the job executes the name.
	src := `lint:
  image: node:20
  script:
    - npx prettier@3.1.0 --check .
    - pipx run --spec 'Black>=24' black --check .
    - npx "$TOOL"

never:
  rules:
    - when: never
  script:
    - npx cowsay@1.5.0
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID(".gitlab-ci.yml", "lint")
	tests := []struct {
		to    string
		line  int
		attrs map[string]string
	}{
		{"pkg:npm/prettier@3.1.0", 4, map[string]string{"via": "tool-run", "tool": "npx", "pinned": "version",
			"reason": "the job runs npx prettier@3.1.0, which fetches that version from the registry"}},
		{"pkg:pypi/black", 5, map[string]string{"via": "tool-run", "tool": "pipx run", "pinned": "floating", "requested": ">=24",
			"reason": "the job runs pipx run black>=24, and the registry decides when the job runs which version >=24 names"}},
	}
	want := []string{"pkg:docker/node@20"}
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
		t.Errorf("lint EXECUTES (-got +want):\n%s", diff)
	}
	findEdge(t, res, "pkg:npm/prettier@3.1.0", graph.EdgeVersionOf, "pkg:npm/prettier")
	if got := targets(res, jobID(".gitlab-ci.yml", "never"), graph.EdgeExecutes); len(got) != 0 {
		t.Errorf("a job that never runs EXECUTES %v, want nothing", got)
	}
}

// TestScriptToolRunVariables checks that a version that the job's
// variables give is read as the shell expands it, so the job executes
// that version.
func TestScriptToolRunVariables(t *testing.T) {
	src := `lint:
  variables:
    PRETTIER_VERSION: "3.1.0"
  script:
    - npx prettier@$PRETTIER_VERSION --check .
    - npx stylelint@$UNSET .
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	job := jobID(".gitlab-ci.yml", "lint")
	for to, pinned := range map[string]string{"pkg:npm/prettier@3.1.0": "version", "pkg:npm/stylelint": "computed"} {
		e := findEdge(t, res, job, graph.EdgeExecutes, to)
		if e.Confidence != graph.Certain || e.Attr("pinned") != pinned {
			t.Errorf("EXECUTES %s: %s pinned=%q, want certain pinned=%q", to, e.Confidence, e.Attr("pinned"), pinned)
		}
	}
}
