package terraform

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// A github provider whose base_url names a GitHub Enterprise Server
// declares the server's repository and secrets: their ids name the host,
// as the Actions reader names the server's jobs and secrets, and they
// carry repository_host.
func TestGitHubProviderEnterpriseServer(t *testing.T) {
	res := parseSource(t, `
provider "github" {
  owner    = "acme"
  base_url = "https://ghe.example.com/"
}

resource "github_repository" "api" {
  name = "api"
}

resource "github_actions_secret" "key" {
  repository  = github_repository.api.name
  secret_name = "DEPLOY_KEY"
}

resource "github_actions_environment_secret" "db" {
  repository  = "api"
  environment = "prod"
  secret_name = "DB_PASSWORD"
}

resource "github_actions_organization_secret" "npm" {
  secret_name = "NPM_TOKEN"
  visibility  = "all"
}
`)
	for _, id := range []string{
		"repo:ghe.example.com/acme/api",
		"secret:gha:ghe.example.com/acme/api/DEPLOY_KEY",
		"secret:gha:ghe.example.com/acme/api/env/prod/DB_PASSWORD",
	} {
		if h := findNode(t, res, id).Attr(graph.AttrRepositoryHost); h != "ghe.example.com" {
			t.Errorf("%s: repository_host %q, want ghe.example.com", id, h)
		}
	}
	findNode(t, res, "secret:gha:org:ghe.example.com/acme/NPM_TOKEN")
}

// The base_url of github.com's API keeps the ids of github.com.
func TestGitHubProviderPublicBaseURL(t *testing.T) {
	res := parseSource(t, `
provider "github" {
  owner    = "acme"
  base_url = "https://api.github.com/"
}

resource "github_actions_secret" "key" {
  repository  = "api"
  secret_name = "DEPLOY_KEY"
}
`)
	if h := findNode(t, res, "secret:gha:acme/api/DEPLOY_KEY").Attr(graph.AttrRepositoryHost); h != "" {
		t.Errorf("repository_host %q, want none", h)
	}
}

// A base_url whose host ends in a dot names the same host as without it.
func TestGitHubProviderBaseURLTrailingDot(t *testing.T) {
	res := parseSource(t, `
provider "github" {
  owner    = "acme"
  base_url = "https://GHE.example.com.:8443/api/v3/"
}

resource "github_actions_secret" "key" {
  repository  = "api"
  secret_name = "DEPLOY_KEY"
}
`)
	if h := findNode(t, res, "secret:gha:ghe.example.com/acme/api/DEPLOY_KEY").Attr(graph.AttrRepositoryHost); h != "ghe.example.com" {
		t.Errorf("repository_host %q, want ghe.example.com", h)
	}

	res = parseSource(t, `
provider "github" {
  owner    = "acme"
  base_url = "https://api.github.com./"
}

resource "github_actions_secret" "key" {
  repository  = "api"
  secret_name = "DEPLOY_KEY"
}
`)
	if h := findNode(t, res, "secret:gha:acme/api/DEPLOY_KEY").Attr(graph.AttrRepositoryHost); h != "" {
		t.Errorf("repository_host %q, want none", h)
	}
}
