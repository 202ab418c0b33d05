package circleci

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestNamedInstallsExecuted checks that a job executes the packages its
// run steps install by name, with the parameters replaced, at the line of
// the command in a literal block: the version with the lockfiles' id, or
// else the name with pinned=floating.
func TestNamedInstallsExecuted(t *testing.T) {
	data := []byte(`version: 2.1
jobs:
  tools:
    parameters:
      black:
        type: string
        default: "23.1.0"
    docker:
      - image: cimg/python:3.12
    steps:
      - run: pip install black==<< parameters.black >>
      - run:
          name: tools
          command: |
            echo installing
            go install golang.org/x/tools/cmd/goimports@v0.1.0
            cargo install ripgrep --version 13.0.0
      - run:
          command: npm install -g semantic-release@22.0.0 eslint@^8
          environment:
            npm_config_ignore_scripts: "true"
      - run: gem install rubocop -v 1.50.0
workflows:
  main:
    jobs:
      - tools
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	type edge struct {
		conf                             graph.Confidence
		line                             int
		pinned, requested, scripts, pkgp string
	}
	want := map[string]edge{
		"pkg:pypi/black@23.1.0":                {graph.Certain, 11, "version", "", "true", ""},
		"pkg:golang/golang.org/x/tools@v0.1.0": {graph.Possible, 16, "version", "", "false", "golang.org/x/tools/cmd/goimports"},
		"pkg:cargo/ripgrep@13.0.0":             {graph.Certain, 17, "version", "", "true", ""},
		"pkg:npm/semantic-release@22.0.0":      {graph.Certain, 19, "version", "", "false", ""},
		"pkg:npm/eslint":                       {graph.Certain, 19, "floating", "^8", "false", ""},
		"pkg:gem/rubocop@1.50.0":               {graph.Certain, 22, "version", "", "true", ""},
	}
	got := map[string]edge{}
	for _, e := range res.Edges {
		if e.From != jobID("tools") || e.Kind != graph.EdgeExecutes || e.Attr(graph.AttrVia) != "install" {
			continue
		}
		got[e.To] = edge{e.Confidence, e.Pos.Line, e.Attr("pinned"), e.Attr("requested"),
			e.Attr("install_scripts"), e.Attr("package")}
		if e.Attr(graph.AttrReason) == "" {
			t.Errorf("edge to %s has no reason", e.To)
		}
	}
	if diff := cmp.Diff(got, want, cmp.AllowUnexported(edge{})); diff != "" {
		t.Errorf("EXECUTES via=install (-got +want):\n%s", diff)
	}
	findEdge(t, res, "pkg:gem/rubocop@1.50.0", graph.EdgeVersionOf, "pkg:gem/rubocop")
}
