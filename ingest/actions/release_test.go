package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestReleaseAccounts(t *testing.T) {
	res := parseFile(t, "release.yml")
	account := func(host, secret string) string {
		return graph.RegistryAccountID(host, graph.GHASecretID(testRepo, secret))
	}
	tests := []struct {
		name    string
		account string
		scope   string
		conf    graph.Confidence
		project bool
	}{
		{"setup-node registry", account("registry.npmjs.org", "NPM_TOKEN"), "registry.npmjs.org", graph.Certain, true},
		{"GitHub Packages", account("npm.pkg.github.com", "GPR_TOKEN"), "npm.pkg.github.com", graph.Certain, true},
		{".npmrc written earlier, in a subfolder", account("registry.npmjs.org", "NPMRC_TOKEN"), "registry.npmjs.org", graph.Certain, false},
		{"cd to a subfolder first", account("registry.npmjs.org", "CLIENT_NPM_TOKEN"), "registry.npmjs.org", graph.Certain, false},
		{"semantic-release", account("registry.npmjs.org", "SEMREL_NPM_TOKEN"), "registry.npmjs.org", graph.Possible, true},
		{"changesets", account("registry.npmjs.org", "CHANGESETS_NPM_TOKEN"), "registry.npmjs.org", graph.Certain, true},
		{"twine to TestPyPI", account("test.pypi.org", "TEST_PYPI_TOKEN"), "test.pypi.org", graph.Certain, false},
		{"PyPI action with a token", account("pypi.org", "PYPI_API_TOKEN"), "pypi.org", graph.Certain, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scope := graph.RegistryScopeID(tt.scope)
			if diff := cmp.Diff([]string{scope}, targets(res, tt.account, graph.EdgeCanAccess)); diff != "" {
				t.Fatalf("CAN_ACCESS from the account (-want +got):\n%s", diff)
			}
			if e := findEdge(t, res, tt.account, graph.EdgeCanAccess, scope); e.Confidence != tt.conf {
				t.Errorf("scope edge is %s, want %s", e.Confidence, tt.conf)
			}
			n := findNode(t, res, tt.account)
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
}

func TestReleaseWithoutCredentials(t *testing.T) {
	res := parseFile(t, "release.yml")
	for _, secret := range []string{"DRY_TOKEN", "GITHUB_TOKEN"} {
		id := graph.GHASecretID(testRepo, secret)
		if got := targets(res, id, graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing: it publishes nothing", secret, got)
		}
	}
	// pypi-no-oidc has no token and no id-token permission, and GitHub
	// Packages takes no OIDC token: the job's GITHUB_TOKEN publishes there.
	for _, job := range []string{"pypi-no-oidc", "github-packages-oidc"} {
		for _, to := range targets(res, graph.GHAOIDCTokenID(jobID("release.yml", job)), graph.EdgeAuthenticatesAs) {
			if strings.HasPrefix(to, "registry:") {
				t.Errorf("%s: OIDC token acts as %s, want no registry account", job, to)
			}
		}
	}
}

func TestReleaseTrustedPublishing(t *testing.T) {
	res := parseFile(t, "release.yml")
	for _, tt := range []struct{ job, host string }{
		{"npm-trusted", "registry.npmjs.org"},
		{"pypi-trusted", "pypi.org"},
	} {
		tok := graph.GHAOIDCTokenID(jobID("release.yml", tt.job))
		ident := graph.TrustedPublisherID(tt.host, testRepo, ".github/workflows/release.yml")
		if e := findEdge(t, res, tok, graph.EdgeAuthenticatesAs, ident); e.Confidence != graph.Possible {
			t.Errorf("%s: OIDC token acts as the trusted publisher with %s, want possible", tt.job, e.Confidence)
		}
		if diff := cmp.Diff([]string{graph.RegistryScopeID(tt.host)}, targets(res, ident, graph.EdgeCanAccess)); diff != "" {
			t.Errorf("%s: CAN_ACCESS from the trusted publisher (-want +got):\n%s", tt.job, diff)
		}
	}
}
