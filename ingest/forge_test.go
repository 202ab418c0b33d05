package ingest

import "testing"

func TestForgeHost(t *testing.T) {
	for _, c := range []struct {
		origin string
		gitlab bool
		want   string
	}{
		{"github.com", false, "github.com"},
		{"", false, "github.com"},
		// A GitHub Enterprise Server keeps its own host.
		{"git.corp.example", false, "git.corp.example"},
		{"ghe.example.com", false, "ghe.example.com"},
		{"10.20.0.5", false, "10.20.0.5"},
		{"fd00::5", false, "fd00::5"},
		// github.com's ssh-over-https name, and an ssh alias.
		{"ssh.github.com", false, "github.com"},
		{"ghe", false, "github.com"},
		{"bitbucket.org", false, "bitbucket.org"},
		{"gitlab.com", false, "gitlab.com"},
		{"gitlab.example.com", false, "gitlab.example.com"},
		// An ssh alias without a dot names no server.
		{"gitlab", false, "gitlab.com"},
		// A folder with .gitlab-ci.yml and no .github folder.
		{"", true, "gitlab.com"},
		{"git.corp.example", true, "git.corp.example"},
		{"10.20.0.5", true, "10.20.0.5"},
		{"fd00::5", true, "fd00::5"},
		// GitLab CI building a repository of another forge runs on
		// gitlab.com unless the input names a server.
		{"github.com", true, "gitlab.com"},
		{"bitbucket.org", true, "gitlab.com"},
	} {
		if got := ForgeHost(c.origin, c.gitlab); got != c.want {
			t.Errorf("ForgeHost(%q, %v) = %q, want %q", c.origin, c.gitlab, got, c.want)
		}
	}
}

func TestGitHubForge(t *testing.T) {
	for _, c := range []struct {
		origin string
		gitlab bool
		want   string
	}{
		{"", false, "github.com"},
		{"github.com", false, "github.com"},
		{"ghe.example.com", false, "ghe.example.com"},
		{"gitlab.example.com", false, "github.com"},
		{"ghe.example.com", true, "github.com"},
		{"bitbucket.org", false, "github.com"},
		// Forges that run no GitHub workflows: a GitHub mirror does.
		{"dev.azure.com", false, "github.com"},
		{"ssh.dev.azure.com", false, "github.com"},
		{"example.visualstudio.com", false, "github.com"},
		{"git-codecommit.eu-west-1.amazonaws.com", false, "github.com"},
		{"Dev.Azure.com", false, "github.com"},
		{"git.sr.ht", false, "github.com"},
		{"codecommit.example.com", false, "codecommit.example.com"},
	} {
		f := &File{RepoHost: c.origin, GitLabProject: c.gitlab}
		if got := f.GitHubForge(); got != c.want {
			t.Errorf("GitHubForge of origin %q, gitlab %v = %q, want %q", c.origin, c.gitlab, got, c.want)
		}
	}
}
