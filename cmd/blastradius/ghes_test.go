package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// deployWorkflow is a workflow that requests an OIDC token and reads the
// secret DEPLOY_KEY.
const deployWorkflow = `on: push
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        env:
          KEY: ${{ secrets.DEPLOY_KEY }}
`

// oidcRole returns a Terraform aws_iam_role that lets the OIDC tokens of
// issuer (without https://) assume it when their sub is like sub.
func oidcRole(resource, name, issuer, sub string) string {
	return `
resource "aws_iam_role" "` + resource + `" {
  name = "` + name + `"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/` + issuer + `" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "` + issuer + `:sub" = "` + sub + `" } }
    }]
  })
}
`
}

// Two clones of acme/api: one from the GitHub Enterprise Server
// ghe.example.com, one from github.com, with one workflow each. One role
// trusts github.com's OIDC issuer for repo:acme/api:*, the other the
// server's, https://ghe.example.com/_services/token, for the same
// subjects. Each job assumes only the role of its own issuer, reads only
// its own repository's DEPLOY_KEY, and the plan's commands for the
// server's job name the server.
func TestEnterpriseServerApartFromGitHub(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"ghe/.git/config":                     "[remote \"origin\"]\n\turl = https://ghe.example.com/acme/api.git\n",
		"ghe/.github/workflows/deploy.yml":    deployWorkflow,
		"dotcom/.git/config":                  "[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n",
		"dotcom/.github/workflows/deploy.yml": deployWorkflow,
		"infra/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}
` + oidcRole("dotcom", "dotcom-deploy", "token.actions.githubusercontent.com", "repo:acme/api:*") +
			oidcRole("ghes", "ghes-deploy", "ghe.example.com/_services/token", "repo:acme/api:*"),
	})
	db := filepath.Join(dir, "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest"}
	for _, d := range []string{"ghe", "dotcom", "infra"} {
		args = append(args, filepath.Join(dir, d))
	}
	if out, errs, code := runCLI(t, args...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}

	const (
		gheJob       = "runtime:gha:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
		dotcomJob    = "runtime:gha:acme/api/.github/workflows/deploy.yml#deploy"
		gheSecret    = "secret:gha:ghe.example.com/acme/api/DEPLOY_KEY"
		dotcomSecret = "secret:gha:acme/api/DEPLOY_KEY"
		gheRole      = "arn:aws:iam::111122223333:role/ghes-deploy"
		dotcomRole   = "arn:aws:iam::111122223333:role/dotcom-deploy"
	)
	for _, c := range []struct {
		job, secret, role, otherSecret, otherRole string
	}{
		{gheJob, gheSecret, gheRole, dotcomSecret, dotcomRole},
		{dotcomJob, dotcomSecret, dotcomRole, gheSecret, gheRole},
	} {
		out, errs, code := runCLI(t, "--db", db, "query", "--node", c.job, "--format", "json")
		if code != exitOK {
			t.Fatalf("query %s exit %d: %s", c.job, code, errs)
		}
		got := reachedByID(t, out)
		checkReach(t, got, map[string]graph.Confidence{
			c.secret: graph.Certain,
			c.role:   graph.Certain,
		})
		for _, other := range []string{c.otherSecret, c.otherRole} {
			if _, ok := got[other]; ok {
				t.Errorf("%s reaches %s, which belongs to the other host", c.job, other)
			}
		}
	}

	out, errs, code := runCLI(t, "--db", db, "plan", "--node", gheJob, "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "gh workflow disable .github/workflows/deploy.yml --repo ghe.example.com/acme/api") {
		t.Errorf("plan of %s does not disable the workflow on ghe.example.com:\n%s", gheJob, out)
	}
	if strings.Contains(out, "--repo acme/api ") {
		t.Errorf("plan of %s names github.com's acme/api:\n%s", gheJob, out)
	}
}

// A GitHub Enterprise Server repository is given as a folder without a
// clone (an export of its files). --repo acme/api with --repo-host
// ghe.example.com gives its job the server's ids and issuer. So the job
// assumes the role that trusts the server and reads the server's secret.
// --repo-host without --repo, or with a value that names no host, is a
// usage error.
func TestRepoHostNamesEnterpriseServer(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"export/.github/workflows/deploy.yml": deployWorkflow,
		"infra/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}
` + oidcRole("dotcom", "dotcom-deploy", "token.actions.githubusercontent.com", "repo:acme/api:*") +
			oidcRole("ghes", "ghes-deploy", "ghe.example.com/_services/token", "repo:acme/api:*"),
	})
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--repo", "acme/api", "--repo-host", "GHE.example.com.",
		filepath.Join(dir, "export")); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", filepath.Join(dir, "infra")); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	const job = "runtime:gha:ghe.example.com/acme/api/.github/workflows/deploy.yml#deploy"
	out, errs, code := runCLI(t, "--db", db, "query", "--node", job, "--format", "json")
	if code != exitOK {
		t.Fatalf("query %s exit %d: %s", job, code, errs)
	}
	got := reachedByID(t, out)
	checkReach(t, got, map[string]graph.Confidence{
		"secret:gha:ghe.example.com/acme/api/DEPLOY_KEY": graph.Certain,
		"arn:aws:iam::111122223333:role/ghes-deploy":     graph.Certain,
	})
	if _, ok := got["arn:aws:iam::111122223333:role/dotcom-deploy"]; ok {
		t.Errorf("%s assumes the role that trusts github.com", job)
	}

	for _, args := range [][]string{
		{"--repo-host", "ghe.example.com"},
		{"--repo", "acme/api", "--repo-host", "https://ghe.example.com/acme"},
	} {
		cmd := append([]string{"--db", filepath.Join(dir, "other.db"), "ingest"}, args...)
		if _, errs, code := runCLI(t, append(cmd, filepath.Join(dir, "export"))...); code != exitUsage {
			t.Errorf("ingest %v: exit %d, want %d (usage): %s", args, code, exitUsage, errs)
		}
	}
}
