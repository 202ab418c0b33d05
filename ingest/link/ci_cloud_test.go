package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// TestCloudPushReach checks that a compromised action in a job that pushes
// an image as its cloud identity reaches that identity and the image, and
// that the identity's own blast radius reaches the jobs running the image.
func TestCloudPushReach(t *testing.T) {
	const (
		repo  = "example-org/app"
		role  = "arn:aws:iam::111122223333:role/gha-ecr-push"
		web   = "pkg:docker/web?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
		web10 = "pkg:docker/web@1.0?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
		sa    = "gcp:sa:pusher@example-proj.iam.gserviceaccount.com"
		app   = "pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev"
		start = "pkg:githubactions/example-vendor/build-tool@v1"
	)
	trust := func(sub string) graph.Node {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},` +
			`"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"` + sub + `"}}}]}`
		return node(role, graph.NodeIdentity, "provider", "aws", "type", "role", "account", "111122223333",
			"name", "gha-ecr-push", "trust_policy", doc)
	}
	tests := []struct {
		name     string
		declared []graph.Node
		want     []string
	}{
		// No input shows who may assume the role or impersonate the
		// service account: the workflow's own use of them makes the
		// step possible. The version that the serve job runs is reached
		// back from the name the push moves.
		{"policies not in the input", nil, []string{
			app + " (possible)", web + " (possible)", web10 + " (possible)", role + " (possible)", sa + " (possible)",
		}},
		// The trust policy admits the job's pushes to main.
		{"trust admits the job", []graph.Node{trust("repo:example-org/app:ref:refs/heads/main")}, []string{
			app + " (possible)", web + " (certain)", web10 + " (certain)", role + " (certain)", sa + " (possible)",
		}},
		// The trust policy admits another repository only, so the job
		// cannot assume the role and its push fails.
		{"trust admits another repository", []graph.Node{trust("repo:example-org/other:*")}, []string{
			app + " (possible)", sa + " (possible)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ciStore(t, "cloud-push", tt.declared...)
			reached := radius(t, s, pkgStart(start))
			var got []string
			for _, p := range []string{"pkg:docker/", "arn:aws:iam::", "gcp:sa:"} {
				got = append(got, pick(reached, p)...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s reaches (-want +got):\n%s", start, diff)
			}
		})
	}

	// The role's own blast radius reaches the job that runs its image.
	s := ciStore(t, "cloud-push")
	serve := graph.GHAJobID(repo, ".github/workflows/images.yml", "serve")
	if _, ok := radius(t, s, query.Start{Nodes: []string{role}})[serve]; !ok {
		t.Errorf("the role's blast radius does not reach %s, which runs the image it pushes", serve)
	}
}

func TestCloudKeysOfEnvironmentSecret(t *testing.T) {
	const repo = "example-org/app"
	job := graph.GHAJobID(repo, ".github/workflows/images.yml", "push")
	repoSecret := graph.GHASecretID(repo, "AWS_SECRET_ACCESS_KEY")
	envSecret := graph.GHAEnvSecretID(repo, "prod", "AWS_SECRET_ACCESS_KEY")
	identity := graph.CIAWSIdentityID(repoSecret)
	secret := func(id string) graph.Node {
		return node(id, graph.NodeSecret, "provider", "github", "type", "actions-secret", "name", "AWS_SECRET_ACCESS_KEY", "repository", repo)
	}
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, "provider", "github", "type", "gha-job", "repository", repo,
			"environment", "prod", "environment_secret_refs", "AWS_SECRET_ACCESS_KEY"),
		secret(repoSecret), secret(envSecret),
		node(identity, graph.NodeIdentity, "provider", "aws", "type", "ci-credentials"),
	}
	edges := []graph.Edge{edge(repoSecret, graph.EdgeAuthenticatesAs, identity)}
	// The job reads the environment's secret, whose keys act as the
	// identity that the workflow logs in to ECR with.
	want := []string{envSecret + " -> " + identity + " (certain)"}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
}

// TestOIDCRoleWithoutPush checks that a job that assumes a role or a
// service account with its OIDC token reaches it when no input shows who
// may assume it, though the job pushes no image. A trust policy in the
// input decides instead.
func TestOIDCRoleWithoutPush(t *testing.T) {
	const (
		role  = "arn:aws:iam::111122223333:role/site-deploy"
		sa    = "gcp:sa:deployer@example-proj.iam.gserviceaccount.com"
		start = "pkg:githubactions/example-vendor/build-tool@v1"
	)
	const twin = "arn:aws:iam:::role/site-deploy"
	trustOf := func(id, account, sub string) graph.Node {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",` +
			`"Principal":{"Federated":"arn:aws:iam::` + account + `:oidc-provider/token.actions.githubusercontent.com"},` +
			`"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"` + sub + `"}}}]}`
		return node(id, graph.NodeIdentity, "provider", "aws", "type", "role", "account", account,
			"name", "site-deploy", "trust_policy", doc)
	}
	trust := func(sub string) graph.Node { return trustOf(role, "111122223333", sub) }
	tests := []struct {
		name     string
		declared []graph.Node
		want     []string
	}{
		{"policies not in the input", nil, []string{role + " (possible)", sa + " (possible)"}},
		// Terraform whose provider names no account gives the role an ARN
		// without one; its trust policy decides as well.
		// A grant that lets someone else impersonate the service account
		// decides nothing for the job, because Terraform's _member grants
		// add to those outside the input.
		{"an unrelated grant on the service account", []graph.Node{
			grantNode(sa, "roles/iam.serviceAccountTokenCreator", "user:alice@example.com", guser("alice"), ""),
			node(guser("alice"), graph.NodeIdentity, "provider", "gcp", "type", "user"),
		}, []string{role + " (possible)", sa + " (possible)"}},
		{"account-less trust admits another repository", []graph.Node{trustOf(twin, "", "repo:example-org/other:*")}, []string{sa + " (possible)"}},
		{"account-less trust admits the job", []graph.Node{trustOf(twin, "", "repo:example-org/app:ref:refs/heads/main")}, []string{twin + " (certain)", sa + " (possible)"}},
		{"trust admits the job", []graph.Node{trust("repo:example-org/app:ref:refs/heads/main")}, []string{role + " (certain)", sa + " (possible)"}},
		{"trust admits another repository", []graph.Node{trust("repo:example-org/other:*")}, []string{sa + " (possible)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached := radius(t, ciStore(t, "oidc-deploy", tt.declared...), pkgStart(start))
			var got []string
			for _, p := range []string{"arn:aws:iam::", "gcp:sa:"} {
				got = append(got, pick(reached, p)...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s reaches (-want +got):\n%s", start, diff)
			}
		})
	}
}
