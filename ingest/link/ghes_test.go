package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// gheProvider is the IAM OIDC provider of the GitHub Enterprise Server
// ghe.example.com, whose tokens name the issuer
// https://ghe.example.com/_services/token.
const gheProvider = "arn:aws:iam::111122223333:oidc-provider/ghe.example.com/_services/token"

func gheTrust(cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + gheProvider +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`
}

// A token with the workflow scope can push to acme/api on a GitHub
// Enterprise Server. The pushed workflow's ids name the server, and its
// OIDC subjects have the server's issuer. So they assume the role that
// trusts that issuer, and not the one that trusts github.com's issuer.
func TestPushedWorkflowEnterpriseServer(t *testing.T) {
	const repo = "repo:ghe.example.com/acme/api"
	pushed := "runtime:gha:ghe.example.com/acme/api#pushed-workflow"
	subj := "oidc:gha:ghe.example.com/acme/api#pushed-workflow"
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "acme/api",
			graph.AttrRepositoryHost, "ghe.example.com"),
		node("repo:github.com/acme/api", graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "acme/api"),
		node("github:pat:release-bot", graph.NodeIdentity),
		role("dotcom", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/api:*"}}`)),
		role("ghes", gheTrust(`{"StringLike":{"ghe.example.com/_services/token:sub":"repo:acme/api:*"}}`)),
	}
	edges := []graph.Edge{
		edge("github:pat:release-bot", graph.EdgeCanModify, repo, graph.AttrActions, "repo,workflow"),
	}
	got := derive(t, nodes, edges, graph.EdgeCanModify)
	if diff := cmp.Diff([]string{"github:pat:release-bot -> " + pushed + " (certain)"}, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
	got = derive(t, nodes, edges, graph.EdgeCanAssume)
	want := []string{
		subj + " -> " + graph.IAMARN(acct, "role", "", "ghes") + " (certain)",
		subj + "/environment -> " + graph.IAMARN(acct, "role", "", "ghes") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// A job of acme/api on a GitHub Enterprise Server that reads the whole
// secrets context in environment prod gets the secrets of its own
// repository and organisation on the server, not those that github.com's
// acme/api and acme declare.
func TestSecretsContextEnterpriseServer(t *testing.T) {
	job := "runtime:gha:ghe.example.com/acme/api/.github/workflows/ci.yml#build"
	all := "secret:gha:ghe.example.com/acme/api/*"
	secret := func(id string, attrs ...string) graph.Node {
		return node(id, graph.NodeSecret, append([]string{graph.AttrProvider, "github", "type", "actions-secret"}, attrs...)...)
	}
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, graph.AttrProvider, "github", "type", "gha-job", graph.AttrRepository, "acme/api",
			graph.AttrRepositoryHost, "ghe.example.com", "environment", "prod", "environment_secret_refs", "*"),
		secret("secret:gha:ghe.example.com/acme/api/KEY", graph.AttrName, "KEY", graph.AttrRepository, "acme/api", graph.AttrRepositoryHost, "ghe.example.com"),
		secret("secret:gha:ghe.example.com/acme/api/env/prod/DB", graph.AttrName, "DB", graph.AttrRepository, "acme/api", graph.AttrRepositoryHost, "ghe.example.com", "environment", "prod"),
		secret("secret:gha:org:ghe.example.com/acme/ORG", graph.AttrName, "ORG", "visibility", "all"),
		secret("secret:gha:acme/api/DOTCOM", graph.AttrName, "DOTCOM", graph.AttrRepository, "acme/api"),
		secret("secret:gha:acme/api/env/prod/DOTCOM_DB", graph.AttrName, "DOTCOM_DB", graph.AttrRepository, "acme/api", "environment", "prod"),
		secret("secret:gha:org:acme/DOTCOM_ORG", graph.AttrName, "DOTCOM_ORG", "visibility", "all"),
	}
	got := derive(t, nodes, nil, graph.EdgeExposes)
	want := []string{
		job + " -> " + all + " (certain)",
		job + " -> secret:gha:ghe.example.com/acme/api/KEY (certain)",
		job + " -> secret:gha:ghe.example.com/acme/api/env/prod/DB (certain)",
		job + " -> secret:gha:org:ghe.example.com/acme/ORG (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}
}
