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
