package gitlab

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestNamedInstallsExecuted checks that a job executes the packages its
// scripts install by name, at the line of the script item that installs
// them: the version with the lockfiles' id, or else the name with
// pinned=floating. A job whose rules never let it run executes none.
func TestNamedInstallsExecuted(t *testing.T) {
	src := `variables:
  npm_config_ignore_scripts: "true"

tools:
  image: python:3.12
  before_script:
    - pip install black==23.1.0
  script:
    - go install golang.org/x/tools/cmd/goimports@v0.1.0
    - cargo install ripgrep --version 13.0.0
    - gem install rubocop -v 1.50.0
    - npm install -g semantic-release@22.0.0
    - pip install "ruff>=0.3" $EXTRA
    - yarn global add serve

never:
  rules:
    - when: never
  script:
    - pip install black==23.1.0
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
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
		"pkg:pypi/black@23.1.0":                {graph.Certain, 7, "version", "", "true", ""},
		"pkg:golang/golang.org/x/tools@v0.1.0": {graph.Possible, 9, "version", "", "false", "golang.org/x/tools/cmd/goimports"},
		"pkg:cargo/ripgrep@13.0.0":             {graph.Certain, 10, "version", "", "true", ""},
		"pkg:gem/rubocop@1.50.0":               {graph.Certain, 11, "version", "", "true", ""},
		// The job's variables turn npm's install scripts off.
		"pkg:npm/semantic-release@22.0.0": {graph.Certain, 12, "version", "", "false", ""},
		"pkg:pypi/ruff":                   {graph.Certain, 13, "floating", ">=0.3", "true", ""},
		"pkg:npm/serve":                   {graph.Certain, 14, "floating", "", "false", ""},
	}
	for job, want := range map[string]map[string]edge{"tools": want, "never": {}} {
		got := map[string]edge{}
		for _, e := range res.Edges {
			if e.From != jobID(".gitlab-ci.yml", job) || e.Kind != graph.EdgeExecutes || e.Attr(graph.AttrVia) != "install" {
				continue
			}
			got[e.To] = edge{e.Confidence, e.Pos.Line, e.Attr("pinned"), e.Attr("requested"),
				e.Attr("install_scripts"), e.Attr("package")}
			if e.Attr(graph.AttrReason) == "" {
				t.Errorf("edge to %s has no reason", e.To)
			}
		}
		if diff := cmp.Diff(got, want, cmp.AllowUnexported(edge{})); diff != "" {
			t.Errorf("job %s: EXECUTES via=install (-got +want):\n%s", job, diff)
		}
	}
	findEdge(t, res, "pkg:pypi/black@23.1.0", graph.EdgeVersionOf, "pkg:pypi/black")
}
