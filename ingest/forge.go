package ingest

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Hosts of the public forges, as repository ids name them.
const (
	GitHubHost    = "github.com"
	GitLabHost    = "gitlab.com"
	BitbucketHost = "bitbucket.org"
)

// ForgeHost returns the host that names a repository in its id
// (graph.RepoID). originHost is the host of the clone's origin remote, or
// "" when unknown. gitlab marks a GitLab project found by its files.
// A GitLab project, or a clone whose origin host contains "gitlab", gets
// the origin host. It gets gitlab.com when the origin names no server:
// there is no origin, it is another public forge, or it is an ssh alias
// without a dot. A Bitbucket clone gets bitbucket.org. Any other
// repository is on a GitHub host. That is github.com when the origin is
// github.com or a subdomain (ssh.github.com), unknown, or an ssh alias
// without a dot or colon. Any other origin host is a GitHub Enterprise
// Server and names the repository.
func ForgeHost(originHost string, gitlab bool) string {
	if gitlab || strings.Contains(originHost, "gitlab") {
		switch {
		case originHost == "", originHost == GitHubHost, originHost == BitbucketHost,
			!strings.ContainsAny(originHost, ".:"):
			return GitLabHost
		}
		return originHost
	}
	switch {
	case originHost == BitbucketHost:
		return BitbucketHost
	case originHost == GitHubHost, strings.HasSuffix(originHost, "."+GitHubHost),
		!strings.ContainsAny(originHost, ".:"):
		return GitHubHost
	}
	return originHost
}

// Forge returns the host ForgeHost picks for the file's repository.
func (f *File) Forge() string {
	return ForgeHost(f.RepoHost, f.GitLabProject)
}

// RepoID returns the id of the repository the file belongs to.
func (f *File) RepoID() string {
	return graph.RepoID(f.Forge(), f.Repo)
}

// GitHubForge returns the GitHub host that runs the file's GitHub
// Actions workflows. That is the host ForgeHost picks, or github.com when
// that host is GitLab, Bitbucket or another forge that publishes its own
// hosts (otherForge), because those run no GitHub workflows and a GitHub
// mirror of the repository runs them.
func (f *File) GitHubForge() string {
	if f.GitLabProject || strings.Contains(f.RepoHost, "gitlab") {
		return GitHubHost
	}
	if h := ForgeHost(f.RepoHost, false); h != BitbucketHost && !otherForge(h) {
		return h
	}
	return GitHubHost
}

// otherForge reports whether host is a public forge other than GitHub,
// GitLab and Bitbucket that runs no GitHub Actions workflows: Azure Repos,
// AWS CodeCommit, Gitee, SourceHut or SourceForge. A clone from such a
// host is no GitHub Enterprise Server's.
func otherForge(host string) bool {
	host = strings.ToLower(host)
	switch host {
	case "dev.azure.com", "ssh.dev.azure.com", "gitee.com", "git.sr.ht", "git.code.sf.net":
		return true
	}
	if strings.HasSuffix(host, ".visualstudio.com") {
		return true
	}
	return strings.HasPrefix(host, "git-codecommit.") && strings.HasSuffix(host, ".amazonaws.com")
}
