package link

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
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

// IAM role names may hold commas, which also separate the items of
// oidc_identities. The subject of a job that logs in to such a role, and
// to a second role, may still assume each of them.
func TestCloudLoginRoleWithComma(t *testing.T) {
	const (
		job    = "runtime:gitlab:example-org/api/.gitlab-ci.yml#deploy"
		sub    = "oidc:gitlab:example-org/api/.gitlab-ci.yml#deploy/AWS_TOKEN"
		comma  = "arn:aws:iam::111122223333:role/deploy,prod"
		second = "arn:aws:iam::111122223333:role/publish"
	)
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, "type", "gitlab-job"),
		node(sub, graph.NodeIdentity, "provider", "gitlab-oidc", "type", "oidc-subject",
			"oidc_identities", graph.JoinList([]string{comma, second})),
		node(comma, graph.NodeIdentity, "provider", "aws", "type", "role", "account", "111122223333", "name", "deploy,prod"),
		node(second, graph.NodeIdentity, "provider", "aws", "type", "role", "account", "111122223333", "name", "publish"),
	}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes}, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{comma, second} {
		e := edgeOf(t, s, graph.EdgeCanAssume, sub, role)
		if e == nil {
			t.Errorf("no CAN_ASSUME from the subject to %s", role)
			continue
		}
		if e.Confidence != graph.Possible {
			t.Errorf("CAN_ASSUME to %s is %s, want possible", role, e.Confidence)
		}
	}
	if e := edgeOf(t, s, graph.EdgeCanAssume, sub, "arn:aws:iam::111122223333:role/deploy"); e != nil {
		t.Errorf("CAN_ASSUME to a role cut at the comma: %+v", e)
	}
}
