package terraform

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

const providerGitHub = "github"

// repoFullName returns owner/name for a repository argument, which names
// the repository within the provider's owner unless it has a slash.
func (e *emitter) repoFullName(repo string) string {
	if strings.Contains(repo, "/") {
		return repo
	}
	return e.ev.owner + "/" + repo
}

func (e *emitter) githubRepository(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	full, _ := attrStr(bv, "full_name")
	visibility, _ := attrStr(bv, "visibility")
	e.node(graph.NodeRepository, graph.RepoID(e.ev.githubHost, full), full, b.syn.DefRange(), map[string]string{
		graph.AttrProvider:       providerGitHub,
		graph.AttrName:           name,
		graph.AttrRepository:     full,
		graph.AttrRepositoryHost: e.ev.githubHost,
		"visibility":             visibility,
		"tf_address":             b.addr,
	})
}

// githubSecret emits a repository or environment Actions secret and what
// its value holds.
func (e *emitter) githubSecret(b *block, bv *blockVal) {
	repo, ok := e.require(b, bv, "repository")
	if !ok {
		return
	}
	name, ok := e.require(b, bv, "secret_name")
	if !ok {
		return
	}
	full := e.repoFullName(repo)
	id := graph.GHASecretID(graph.GHARepo(e.ev.githubHost, full), name)
	env := ""
	if b.typ == "github_actions_environment_secret" {
		if env, ok = e.require(b, bv, "environment"); !ok {
			return
		}
		id = graph.GHAEnvSecretID(graph.GHARepo(e.ev.githubHost, full), env, name)
	}
	attrs := map[string]string{
		graph.AttrProvider:       providerGitHub,
		"type":                   "actions-secret",
		graph.AttrName:           name,
		graph.AttrRepository:     full,
		graph.AttrRepositoryHost: e.ev.githubHost,
		"environment":            env,
		graph.AttrLongLived:      "true",
		"tf_address":             b.addr,
	}
	if a := b.attr("plaintext_value"); a != nil {
		e.holds(id, b, a.Expr, attrs, b.syn.DefRange())
	}
	e.node(graph.NodeSecret, id, name, b.syn.DefRange(), attrs)
}

// githubOrgSecret emits an organisation Actions secret with the
// repositories that may read it.
func (e *emitter) githubOrgSecret(b *block, bv *blockVal) {
	name, ok := e.require(b, bv, "secret_name")
	if !ok {
		return
	}
	id := graph.GHAOrgSecretID(graph.GHARepo(e.ev.githubHost, e.ev.owner), name)
	visibility, _ := attrStr(bv, "visibility")
	attrs := map[string]string{
		graph.AttrProvider:      providerGitHub,
		"type":                  "actions-secret",
		graph.AttrName:          name,
		"org":                   e.ev.owner,
		"visibility":            visibility,
		"selected_repositories": e.selectedRepos(b),
		graph.AttrLongLived:     "true",
		"tf_address":            b.addr,
	}
	if a := b.attr("plaintext_value"); a != nil {
		e.holds(id, b, a.Expr, attrs, b.syn.DefRange())
	}
	e.node(graph.NodeSecret, id, name, b.syn.DefRange(), attrs)
}

// githubOrgSecretRepos adds the repositories a separate block selects to
// an organisation secret.
func (e *emitter) githubOrgSecretRepos(b *block, bv *blockVal) {
	name, ok := e.require(b, bv, "secret_name")
	if !ok {
		return
	}
	e.node(graph.NodeSecret, graph.GHAOrgSecretID(graph.GHARepo(e.ev.githubHost, e.ev.owner), name), name, b.syn.DefRange(), map[string]string{
		graph.AttrProvider:      providerGitHub,
		"type":                  "actions-secret",
		"selected_repositories": e.selectedRepos(b),
	})
}

// selectedRepos lists owner/name of the github_repository blocks that
// selected_repository_ids reads; numeric ids written out are not mapped.
func (e *emitter) selectedRepos(b *block) string {
	a := b.attr("selected_repository_ids")
	if a == nil {
		return ""
	}
	var names []string
	for _, rb := range e.refsTo(a.Expr, "github_repository") {
		if full, ok := attrStr(e.ev.objs[rb.addr], "full_name"); ok {
			names = append(names, full)
		}
	}
	return graph.JoinList(names)
}
