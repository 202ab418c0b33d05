package link

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// ghaOwner returns the organisation part of a repository as
// graph.GHARepo names it: the text before its last slash, which keeps
// the host of a GitHub Enterprise Server repository (HOST/OWNER).
func ghaOwner(repo string) string {
	i := strings.LastIndexByte(repo, '/')
	if i < 0 {
		return ""
	}
	return repo[:i]
}

// copyRepository sets the repository and its host on n from a fact of
// the same repository.
func copyRepository(n *graph.Node, from graph.Node) {
	n.SetAttr(graph.AttrRepository, from.Attr(graph.AttrRepository))
	if h := from.Attr(graph.AttrRepositoryHost); h != "" {
		n.SetAttr(graph.AttrRepositoryHost, h)
	}
}

// ghaRepoID returns the id of a repository named as graph.GHARepo names
// it: OWNER/NAME on github.com, or HOST/OWNER/NAME.
func ghaRepoID(repo string) string {
	if strings.Count(repo, "/") == 2 {
		return "repo:" + repo
	}
	return graph.RepoID("", repo)
}
