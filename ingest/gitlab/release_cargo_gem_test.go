package gitlab

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// cargo publish logs in to crates.io with --token or CARGO_REGISTRY_TOKEN,
// and gem push and Bundler's rake release to rubygems.org with
// GEM_HOST_API_KEY, whether the job's variables or an export set it.
func TestReleasesCargoGem(t *testing.T) {
	src := `crate:
  variables:
    CARGO_REGISTRY_TOKEN: $CRATES_TOKEN
  script:
    - cargo publish --locked
flag:
  script:
    - cd crates/core
    - cargo publish --token "$CORE_CRATES_TOKEN"
gem:
  script:
    - export GEM_HOST_API_KEY=$RUBYGEMS_KEY
    - gem push pkg/widget-1.0.0.gem
rake:
  variables:
    GEM_HOST_API_KEY: $RAKE_GEM_KEY
  script:
    - bundle exec rake release
dry:
  variables:
    CARGO_REGISTRY_TOKEN: $DRY_CRATES_TOKEN
  script:
    - cargo publish --dry-run
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkVariableAccounts(t, res, []variableAccount{
		{"CRATES_TOKEN", "crates.io", graph.Certain, true, true},
		{"CORE_CRATES_TOKEN", "crates.io", graph.Certain, false, false},
		{"RUBYGEMS_KEY", "rubygems.org", graph.Certain, true, true},
		{"RAKE_GEM_KEY", "rubygems.org", graph.Possible, true, false},
	})
	if got := targets(res, graph.GitLabVariableID(testProject, "DRY_CRATES_TOKEN"), graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("DRY_CRATES_TOKEN authenticates as %v, want nothing: a dry run publishes nothing", got)
	}
}

// variableAccount is a GitLab CI/CD variable that logs in to host for a
// release: conf is the confidence of the account's reach of the registry,
// and project and certain whether it releases the project's own package,
// and for certain.
type variableAccount struct {
	variable, host   string
	conf             graph.Confidence
	project, certain bool
}

// checkVariableAccounts checks that each variable authenticates as its
// account on host, and that account's reach and release of the project.
func checkVariableAccounts(t *testing.T, res *ingest.Result, tests []variableAccount) {
	t.Helper()
	for _, tt := range tests {
		id := graph.RegistryAccountID(tt.host, graph.GitLabVariableID(testProject, tt.variable))
		if diff := cmp.Diff([]string{id}, targets(res, graph.GitLabVariableID(testProject, tt.variable), graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s authenticates as (-want +got):\n%s", tt.variable, diff)
			continue
		}
		if e := findEdge(t, res, id, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.conf {
			t.Errorf("%s: scope edge is %s, want %s", tt.variable, e.Confidence, tt.conf)
		}
		n := findNode(t, res, id)
		if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
			t.Errorf("%s releases the project: %v, want %v", tt.variable, got, tt.project)
		}
		if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != tt.certain {
			t.Errorf("%s releases the project for certain: %v, want %v", tt.variable, got, tt.certain)
		}
	}
}
