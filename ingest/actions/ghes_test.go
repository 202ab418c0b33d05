package actions

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const ghesWorkflow = `on: push
permissions:
  id-token: write
  contents: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: deploy --key "${{ secrets.DEPLOY_KEY }}"
`

// parseOnHost parses data as .github/workflows/deploy.yml of acme/api
// cloned from a remote on originHost.
func parseOnHost(t *testing.T, originHost string, data string) *ingest.Result {
	t.Helper()
	rel := ".github/workflows/deploy.yml"
	f := &ingest.File{
		Path: rel, RelPath: rel, Repo: "acme/api", RepoHost: originHost,
		Head: []byte(data), Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(data))), nil },
	}
	res := &ingest.Result{}
	if err := New().Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	return res
}

// A repository on a GitHub Enterprise Server gets ids of its own, which
// name the server, and its jobs' OIDC tokens name the server's issuer,
// https://HOST/_services/token. Its subjects are written as github.com's
// are (repo:OWNER/NAME:...).
func TestGHESRepositoryIDs(t *testing.T) {
	res := parseOnHost(t, "ghe.example.com", ghesWorkflow)
	job := "runtime:gha:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
	repo := "repo:ghe.example.com/acme/api"
	secret := "secret:gha:ghe.example.com/acme/api/DEPLOY_KEY"
	token := "secret:gha:token:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
	ident := "github:token:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
	oidcTok := "secret:gha:oidc:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
	subject := "oidc:gha:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"

	findEdge(t, res, repo, graph.EdgeDefines, job)
	findEdge(t, res, job, graph.EdgeExposes, secret)
	findEdge(t, res, job, graph.EdgeExposes, token)
	findEdge(t, res, token, graph.EdgeAuthenticatesAs, ident)
	findEdge(t, res, ident, graph.EdgeCanModify, repo)
	findEdge(t, res, job, graph.EdgeExposes, oidcTok)
	findEdge(t, res, oidcTok, graph.EdgeAuthenticatesAs, subject)
	for _, id := range []string{job, secret, token, ident, oidcTok, subject} {
		n := findNode(t, res, id)
		if n.Attr(graph.AttrRepository) != "acme/api" || n.Attr(graph.AttrRepositoryHost) != "ghe.example.com" {
			t.Errorf("%s: repository %q on %q, want acme/api on ghe.example.com", id, n.Attr(graph.AttrRepository), n.Attr(graph.AttrRepositoryHost))
		}
	}
	s := findNode(t, res, subject)
	if got := s.Attr("issuer"); got != "https://ghe.example.com/_services/token" {
		t.Errorf("issuer = %q, want https://ghe.example.com/_services/token", got)
	}
	// A push without filters runs for every branch and tag.
	if got := s.Attr("subs"); got != "repo:acme/api:ref:*" {
		t.Errorf("subs = %q, want repo:acme/api:ref:*", got)
	}
}

// The same repository name on github.com, reached by its usual host or by
// an ssh alias, keeps the ids that do not name the host.
func TestGitHubRepositoryIDsKeepNoHost(t *testing.T) {
	for _, origin := range []string{"", "github.com", "ssh.github.com", "github-work"} {
		res := parseOnHost(t, origin, ghesWorkflow)
		job := "runtime:gha:acme/api/.github/workflows/deploy.yml#deploy"
		findEdge(t, res, "repo:github.com/acme/api", graph.EdgeDefines, job)
		findEdge(t, res, job, graph.EdgeExposes, "secret:gha:acme/api/DEPLOY_KEY")
		s := findNode(t, res, "oidc:gha:acme/api/.github/workflows/deploy.yml#deploy")
		if got := s.Attr("issuer"); got != "https://token.actions.githubusercontent.com" {
			t.Errorf("origin %q: issuer = %q", origin, got)
		}
		if h := s.Attr(graph.AttrRepositoryHost); h != "" {
			t.Errorf("origin %q: repository host = %q, want none", origin, h)
		}
	}
}
