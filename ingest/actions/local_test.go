package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// A step's local action is an action of the job's own repository, under
// the workspace folder of the job's checkout. GitHub resolves ./PATH
// against the workspace, so a checkout into a folder moves the action
// under it, and a folder outside that checkout or one that a variable
// sets names no action of the input.
func TestLocalActionFolders(t *testing.T) {
	tests := []struct {
		name, steps string
		want        []string
	}{
		{"root checkout", "- uses: actions/checkout@v4\n      - uses: ./.github/actions/setup/", []string{"#.github/actions/setup"}},
		{"action at the root", "- uses: actions/checkout@v4\n      - uses: ./", []string{""}},
		{"checkout into a folder", "- uses: actions/checkout@v4\n        with:\n          path: src\n      - uses: ./src/tools/lint", []string{"#tools/lint"}},
		{"outside the checkout", "- uses: actions/checkout@v4\n        with:\n          path: src\n      - uses: ./other/lint", nil},
		{"above the workspace", "- uses: ../lint", nil},
		{"set by a variable", "- uses: ./${{ env.DIR }}", nil},
		// Another repository checked out into the workspace: its action.
		{"another repository at the root", "- uses: actions/checkout@v4\n        with:\n          repository: Example-Org/Other\n      - uses: ./.github/actions/x",
			[]string{"other:pkg:githubactions/example-org/other#.github/actions/x"}},
		{"another repository in a folder", "- uses: actions/checkout@v4\n      - uses: actions/checkout@v4\n        with:\n          repository: example-org/other\n          path: other\n      - uses: ./other/.github/actions/x",
			[]string{"other:pkg:githubactions/example-org/other#.github/actions/x"}},
		{"own repository twice", "- uses: actions/checkout@v4\n        with:\n          path: a\n      - uses: actions/checkout@v4\n        with:\n          path: b\n      - uses: ./a/.github/actions/y",
			[]string{"#.github/actions/y"}},
		{"repository from an expression", "- uses: actions/checkout@v4\n        with:\n          repository: ${{ inputs.repo }}\n      - uses: ./.github/actions/x", nil},
	}
	for _, tt := range tests {
		wf := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      " + tt.steps + "\n"
		res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(wf))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, id := range targets(res, graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "build"), graph.EdgeExecutes) {
			if rest, ok := strings.CutPrefix(id, "pkg:githubactions/example-org/app"); ok {
				got = append(got, rest)
			} else if strings.HasPrefix(id, "pkg:githubactions/example-org/other#") {
				got = append(got, "other:"+id)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: local actions executed (-want +got):\n%s", tt.name, diff)
		}
	}
}

// A job that runs a local action after checking its repository out into
// a folder records that folder on the edge, so that the linker can place
// the action's installs, which run in the workspace, in the repository.
func TestLocalActionCheckoutPath(t *testing.T) {
	tests := []struct {
		name, steps, want string
	}{
		{"root checkout", "- uses: actions/checkout@v4\n      - uses: ./.github/actions/setup", ""},
		{"checkout into a folder", "- uses: actions/checkout@v4\n        with:\n          path: src\n      - uses: ./src/.github/actions/setup", "src"},
	}
	for _, tt := range tests {
		wf := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      " + tt.steps + "\n"
		res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(wf))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		e := findEdge(t, res, graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "build"), graph.EdgeExecutes,
			"pkg:githubactions/example-org/app#.github/actions/setup")
		if got := e.Attr("checkout_path"); got != tt.want {
			t.Errorf("%s: checkout_path = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A composite action's steps record how they pin the actions and images
// they use, as a job's steps do, so that the review can judge them.
func TestCompositeUsesPinned(t *testing.T) {
	const src = `name: setup
runs:
  using: composite
  steps:
    - uses: tj-actions/changed-files@v45
    - uses: actions/cache@0123456789abcdef0123456789abcdef01234567
`
	res, err := parseBytes(t, testRepo, ".github/actions/setup/action.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	self := "pkg:githubactions/example-org/app#.github/actions/setup"
	got := map[string]string{}
	for _, e := range res.Edges {
		if e.From == self && e.Kind == graph.EdgeDependsOn {
			got[e.To] = e.Attr(graph.AttrVia) + " " + e.Attr("pinned")
		}
	}
	want := map[string]string{
		"pkg:githubactions/tj-actions/changed-files@v45":                           "uses tag-or-branch",
		"pkg:githubactions/actions/cache@0123456789abcdef0123456789abcdef01234567": "uses sha",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DEPENDS_ON of the action (-want +got):\n%s", diff)
	}
}

// Without any checkout, the folder of a local action is there only if a
// step that the input does not show put it there: the job may run it.
func TestLocalActionWithoutCheckout(t *testing.T) {
	wf := "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/setup\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "build")
	e := findEdge(t, res, job, graph.EdgeExecutes, "pkg:githubactions/example-org/app#.github/actions/setup")
	if e.Confidence != graph.Possible {
		t.Errorf("EXECUTES is %s, want possible", e.Confidence)
	}
	if !strings.Contains(e.Attr(graph.AttrReason), "no earlier step checks out a repository") {
		t.Errorf("reason %q does not say that no step checks out a repository", e.Attr(graph.AttrReason))
	}
}

// A composite action's step uses: ./dir runs the action in that folder of
// the workspace of the job that runs it. For an action in a folder, only
// its own repository's jobs run it, so the action DEPENDS_ON that
// repository's action in dir, possibly (the job may check the repository
// out elsewhere). A root action, which other repositories run, gets no
// such edge.
func TestCompositeUsesLocalAction(t *testing.T) {
	const src = `name: setup
runs:
  using: composite
  steps:
    - uses: ./.github/actions/inner
    - uses: ./.github/actions/setup
`
	res, err := parseBytes(t, testRepo, ".github/actions/setup/action.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	self := "pkg:githubactions/example-org/app#.github/actions/setup"
	got := map[string]string{}
	for _, e := range res.Edges {
		if e.From == self && e.Kind == graph.EdgeDependsOn {
			got[e.To] = string(e.Confidence) + " " + e.Attr("pinned")
		}
	}
	// The step that names the action itself adds no edge.
	want := map[string]string{"pkg:githubactions/example-org/app#.github/actions/inner": "possible local"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DEPENDS_ON of the action (-want +got):\n%s", diff)
	}
}

func TestRootCompositeUsesNoLocalAction(t *testing.T) {
	const src = "name: tool\nruns:\n  using: composite\n  steps:\n    - uses: ./.github/actions/inner\n"
	res, err := parseBytes(t, testRepo, "action.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Attr("pinned") == "local" {
			t.Errorf("root action DEPENDS_ON %s; its ./ path is in the workspace of another repository's job", e.To)
		}
	}
}
