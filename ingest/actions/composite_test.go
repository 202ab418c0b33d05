package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// compositeSteps is an action with four composite steps. They install
// the project's npm packages in the workspace, run a tool that npx
// fetches, install the PyPI requirements of the folder tools with a
// package by name, and install the npm packages of the folder web
// through an action.
const compositeSteps = `name: setup
runs:
  using: composite
  steps:
    - run: npm ci
      shell: bash
    - run: npx cowsay hi
      shell: bash
    - run: pip install -r requirements.txt black==23.1.0
      shell: bash
      working-directory: tools
    - uses: bahmutov/npm-install@v1
      with:
        working-directory: web
`

// The run steps of a composite action give its Package node what a job's
// give the job: the installs and the code they run as attributes, and the
// packages that tools and named installs fetch as DEPENDS_ON edges. A
// step runs in the workspace unless its working-directory names a folder.
func TestCompositeRunSteps(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/actions/setup/action.yml", []byte(compositeSteps))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	self := "pkg:githubactions/example-org/app#.github/actions/setup"
	n := findNode(t, res, self)
	// npm ci (.), npx (a tool install, not the project's), pip install
	// -r (tools) and the action's npm install (web); npm ci and the
	// action run lifecycle scripts, npx runs code for certain.
	want := map[string]string{
		pkgcmd.AttrInstalls:    "npm,pypi",
		pkgcmd.AttrInstallDirs: ".,tools,web",
		pkgcmd.AttrScriptsOff:  "",
		pkgcmd.AttrRuns:        "npm",
		pkgcmd.AttrRunsVia:     "npm=npx",
		pkgcmd.AttrMayRun:      "npm",
		pkgcmd.AttrMayRunVia:   "npm=npm ci runs the project's own lifecycle scripts",
	}
	got := map[string]string{}
	for k := range want {
		got[k] = n.Attr(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributes of %s (-want +got):\n%s", self, diff)
	}

	type edge struct {
		conf                               graph.Confidence
		step, via, pinned, scripts, reason string
	}
	wantEdges := map[string]edge{
		// npx prefers an installed cowsay command, and npm ci installed
		// the project's packages before it.
		"pkg:npm/cowsay": {graph.Possible, "1", pkgcmd.ViaToolRun, "floating", "",
			"the action runs npx cowsay without a version, so the registry's latest version runs; " +
				"npx runs a command of that name from the project's installed packages instead when there is one, and the action installs them"},
		"pkg:pypi/black@23.1.0": {graph.Certain, "2", pkgcmd.ViaInstall, "version", "true",
			"the action runs pip install black==23.1.0, which installs that version from the registry; " +
				"pip runs its build code when it installs a source distribution"},
	}
	gotEdges := map[string]edge{}
	for _, e := range res.Edges {
		// Edges of the steps' uses are not those of run steps.
		if e.From != self || e.Kind != graph.EdgeDependsOn || e.Attr(graph.AttrVia) == "" || e.Attr(graph.AttrVia) == "uses" {
			continue
		}
		gotEdges[e.To] = edge{e.Confidence, e.Attr("step"), e.Attr(graph.AttrVia), e.Attr("pinned"),
			e.Attr("install_scripts"), e.Attr(graph.AttrReason)}
	}
	if diff := cmp.Diff(wantEdges, gotEdges, cmp.AllowUnexported(edge{})); diff != "" {
		t.Errorf("DEPENDS_ON of the run steps (-want +got):\n%s", diff)
	}
	if !hasEdge(res, "pkg:pypi/black@23.1.0", graph.EdgeVersionOf, "pkg:pypi/black") {
		t.Error("no VERSION_OF pkg:pypi/black@23.1.0 -> pkg:pypi/black")
	}
}

// A root action is also the name of its released versions, so what its
// steps fetch is possible, as its uses steps are.
func TestRootCompositeRunSteps(t *testing.T) {
	res, err := parseBytes(t, testRepo, "action.yml", []byte(compositeSteps))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	self := "pkg:githubactions/example-org/app"
	if got := findNode(t, res, self).Attr(pkgcmd.AttrInstalls); got != "npm,pypi" {
		t.Errorf("installs = %q, want npm,pypi", got)
	}
	e := findEdge(t, res, self, graph.EdgeDependsOn, "pkg:pypi/black@23.1.0")
	if e.Confidence != graph.Possible {
		t.Errorf("DEPENDS_ON black is %s, want possible", e.Confidence)
	}
	want := "the action runs pip install black==23.1.0, which installs that version from the registry; " +
		"pip runs its build code when it installs a source distribution; which released versions of the action do the same is not in the input"
	if got := e.Attr(graph.AttrReason); got != want {
		t.Errorf("reason:\n got %q\nwant %q", got, want)
	}
}

// A composite step that installs in the action's own folder, through
// github.action_path or GITHUB_ACTION_PATH, installs there: for an action
// of the repository in .github/actions/x, that folder of the repository.
func TestCompositeActionPath(t *testing.T) {
	const action = `name: x
runs:
  using: composite
  steps:
    - run: cd ${{ github.action_path }} && npm ci
      shell: bash
    - run: pip install -r requirements.txt
      shell: bash
      working-directory: ${{github.action_path}}/tools
    - run: cd "$GITHUB_ACTION_PATH/../web" && yarn install
      shell: bash
`
	for _, tt := range []struct{ rel, want string }{
		{".github/actions/x/action.yml", ".github/actions/web,.github/actions/x,.github/actions/x/tools"},
		// At the root the action's folder is the workspace itself.
		{"action.yml", ".,../web,./tools"},
	} {
		res, err := parseBytes(t, testRepo, tt.rel, []byte(action))
		if err != nil {
			t.Fatal(err)
		}
		id := "pkg:githubactions/example-org/app"
		if dir := pathDir(tt.rel); dir != "." {
			id += "#" + dir
		}
		if got := findNode(t, res, id).Attr(pkgcmd.AttrInstallDirs); got != tt.want {
			t.Errorf("%s: install folders %q, want %q", tt.rel, got, tt.want)
		}
	}
}

// Two steps of a composite action that run one name give one edge, which
// admits the versions that each requests.
func TestCompositeToolRunsMerged(t *testing.T) {
	data := []byte(`name: lint
runs:
  using: composite
  steps:
    - run: npx foo@^1 lint
      shell: bash
    - run: npx foo@^2 build
      shell: bash
`)
	res, err := parseBytes(t, testRepo, ".github/actions/lint/action.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	self := "pkg:githubactions/example-org/app#.github/actions/lint"
	if got := findEdge(t, res, self, graph.EdgeDependsOn, "pkg:npm/foo").Attr("requested"); got != "^1 || ^2" {
		t.Errorf("requested %q, want ^1 || ^2", got)
	}
}
