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

func TestRegistryAccountOfEnvironmentSecret(t *testing.T) {
	const repo = "example-org/app"
	job := graph.GHAJobID(repo, ".github/workflows/release.yml", "publish")
	repoSecret := graph.GHASecretID(repo, "DOCKERHUB_TOKEN")
	envSecret := graph.GHAEnvSecretID(repo, "prod", "DOCKERHUB_TOKEN")
	account := graph.RegistryAccountID("docker.io", repoSecret)
	secret := func(id string) graph.Node {
		return node(id, graph.NodeSecret, "provider", "github", "type", "actions-secret", "name", "DOCKERHUB_TOKEN", "repository", repo)
	}
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, "provider", "github", "type", "gha-job", "repository", repo,
			"environment", "prod", "environment_secret_refs", "DOCKERHUB_TOKEN"),
		secret(repoSecret), secret(envSecret),
		node(account, graph.NodeIdentity, "provider", "registry", "type", "registry-account", "registry", "docker.io"),
	}
	edges := []graph.Edge{edge(repoSecret, graph.EdgeAuthenticatesAs, account)}
	// The environment declares the secret, so the job reads it there, and
	// that secret logs in as the account the workflow names.
	want := []string{envSecret + " -> " + account + " (certain)"}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
}

func TestRegistryAccountOfPassedSecret(t *testing.T) {
	// The caller passes RELEASE_TOKEN as registry_password; the called
	// workflow logs in with secrets.registry_password.
	const repo = "example-org/app"
	callee := graph.GHAJobID(repo, ".github/workflows/image.yml", "publish")
	passed := graph.GHASecretID(repo, "RELEASE_TOKEN")
	calleeName := graph.GHASecretID(repo, "REGISTRY_PASSWORD")
	account := graph.RegistryAccountID("quay.io", calleeName)
	nodes := []graph.Node{
		node(callee, graph.NodeRuntime, "provider", "github", "type", "gha-job", "repository", repo),
		node(passed, graph.NodeSecret, "provider", "github", "type", "actions-secret", "name", "RELEASE_TOKEN", "repository", repo),
		node(calleeName, graph.NodeSecret, "provider", "github", "type", "actions-secret", "name", "REGISTRY_PASSWORD", "repository", repo),
		node(account, graph.NodeIdentity, "provider", "registry", "type", "registry-account", "registry", "quay.io"),
	}
	edges := []graph.Edge{
		edge(calleeName, graph.EdgeAuthenticatesAs, account),
		edge(callee, graph.EdgeExposes, passed, "name", "RELEASE_TOKEN", "as", "REGISTRY_PASSWORD"),
	}
	want := []string{passed + " -> " + account + " (certain)"}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
}

// TestCIEnvironmentJobReadsOrgSecret: a job in environment prod (readonly)
// reads DEPLOY_ROLE, which neither the environment nor the repository
// declares, and the organisation's secret of that name is visible to all
// repositories. GitHub looks in the environment, then the repository,
// then the organisation, so the job reads the organisation's secret.
func TestCIEnvironmentJobReadsOrgSecret(t *testing.T) {
	org := node(graph.GHAOrgSecretID("example-org", "DEPLOY_ROLE"), graph.NodeSecret, "provider", "github", "type", "actions-secret",
		"name", "DEPLOY_ROLE", "org", "example-org", "visibility", "all", "long_lived", "true")
	s := ciStore(t, "env-secrets", org, ghSecret("example-org/app", "prod (readonly)", "OTHER"))
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/ro-action@v1"))
	if c := r[org.ID]; c != graph.Certain {
		t.Errorf("ro-action reaches %s as %q, want certain; it reaches %v", org.ID, c, pick(r, "secret:"))
	}
}
