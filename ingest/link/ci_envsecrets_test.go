package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestCIEnvironmentSecretsUndeclared checks that a job in an environment
// reads either that environment's secret or the repository's when no
// input declares where the name lives, and that each environment has its
// own node.
func TestCIEnvironmentSecretsUndeclared(t *testing.T) {
	const repo = "example-org/app"
	repoRole := graph.GHASecretID(repo, "DEPLOY_ROLE")
	env := func(name string) string { return graph.GHAEnvSecretID(repo, name, "DEPLOY_ROLE") }

	tests := []struct {
		name     string
		declared []graph.Node
		action   string
		want     []string
	}{
		{"static environment", nil, "ro-action",
			[]string{repoRole + " (certain)", env("prod (readonly)") + " (possible)"}},
		{"expression east", nil, "east-action",
			[]string{repoRole + " (certain)", env("gov ${{ inputs.stage }} (east)") + " (possible)"}},
		{"expression west", nil, "west-action",
			[]string{repoRole + " (certain)", env("gov ${{ inputs.stage }} (west)") + " (possible)"}},
		// Terraform declares the staging environment's secrets, and
		// DEPLOY_ROLE is not among them.
		{"environment secrets declared", []graph.Node{ghSecret(repo, "staging", "OTHER")}, "staging-action",
			[]string{repoRole + " (certain)"}},
		// Terraform declares the repository's DEPLOY_ROLE only.
		{"repository secret declared", []graph.Node{ghSecret(repo, "", "DEPLOY_ROLE")}, "ro-action",
			[]string{repoRole + " (certain)"}},
		// Terraform declares prod (readonly)'s DEPLOY_ROLE: it takes precedence.
		{"environment secret declared", []graph.Node{ghSecret(repo, "prod (readonly)", "DEPLOY_ROLE")}, "ro-action",
			[]string{env("prod (readonly)") + " (certain)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ciStore(t, "env-secrets", tt.declared...)
			got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1")), "secret:gha:"+repo+"/")
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("%s reaches (-got +want):\n%s", tt.action, diff)
			}
		})
	}
}
