package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestNamedInstallsExecuted checks that a job executes the packages its
// run: steps install by name: the version node, with the lockfiles' ids,
// when the command names an exact version, else the name node with
// pinned=floating.
func TestNamedInstallsExecuted(t *testing.T) {
	const wf = `name: ci
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
      - run: |
          pip install ruff 'flake8>=7'
          npm i -g ${{ matrix.tool }} x@${{ inputs.version }}
      - run: npm install -g quiet@1.0.0
        env:
          npm_config_ignore_scripts: "true"
`
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "tools")
	type edge struct {
		conf                                   graph.Confidence
		line                                   int
		step, pinned, requested, scripts, pkgp string
	}
	want := map[string]edge{
		"pkg:npm/semantic-release@22.0.0":      {graph.Certain, 7, "0", "version", "", "true", ""},
		"pkg:pypi/black@23.1.0":                {graph.Certain, 8, "1", "version", "", "true", ""},
		"pkg:golang/golang.org/x/tools@v0.1.0": {graph.Possible, 9, "2", "version", "", "false", "golang.org/x/tools/cmd/goimports"},
		"pkg:cargo/ripgrep@13.0.0":             {graph.Certain, 10, "3", "version", "", "true", ""},
		"pkg:gem/rubocop@1.50.0":               {graph.Certain, 11, "4", "version", "", "true", ""},
		"pkg:pypi/ruff":                        {graph.Certain, 12, "5", "floating", "", "true", ""},
		"pkg:pypi/flake8":                      {graph.Certain, 12, "5", "floating", ">=7", "true", ""},
		"pkg:npm/x":                            {graph.Certain, 12, "5", "computed", "", "true", ""},
		"pkg:npm/quiet@1.0.0":                  {graph.Certain, 15, "6", "version", "", "false", ""},
	}
	got := map[string]edge{}
	for _, e := range res.Edges {
		if e.From != job || e.Kind != graph.EdgeExecutes || e.Attr(graph.AttrVia) != "install" {
			continue
		}
		got[e.To] = edge{e.Confidence, e.Pos.Line, e.Attr("step"), e.Attr("pinned"), e.Attr("requested"),
			e.Attr("install_scripts"), e.Attr("package")}
		if !strings.Contains(e.Attr(graph.AttrReason), "the job runs ") {
			t.Errorf("edge to %s: reason %q does not quote the command", e.To, e.Attr(graph.AttrReason))
		}
	}
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(edge{})); diff != "" {
		t.Errorf("EXECUTES via=install (-got +want):\n%s", diff)
	}
	for ver, name := range map[string]string{
		"pkg:pypi/black@23.1.0":                "pkg:pypi/black",
		"pkg:golang/golang.org/x/tools@v0.1.0": "pkg:golang/golang.org/x/tools",
		"pkg:npm/semantic-release@22.0.0":      "pkg:npm/semantic-release",
	} {
		if !hasEdge(res, ver, graph.EdgeVersionOf, name) {
			t.Errorf("no VERSION_OF %s -> %s", ver, name)
		}
		if n := findNode(t, res, ver); n.Kind != graph.NodePackage || n.Attr("version") == "" {
			t.Errorf("node %s: %+v", ver, n)
		}
	}
	if n := findNode(t, res, "pkg:golang/golang.org/x/tools@v0.1.0"); n.Attr(graph.AttrName) != "golang.org/x/tools" {
		t.Errorf("Go module node name %q", n.Attr(graph.AttrName))
	}
}
