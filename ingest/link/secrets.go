package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// GitHub resolves a secret name to the environment's secret first, then
// the repository's, then the organisation's. The helpers below apply that
// order to jobs whose environment secrets, if any, are not in question:
// jobs without an environment, and jobs that read the whole context.

// workflowFiles returns the files that GitHub Actions jobs were read from.
// A repository secret node asserted only by these files is a name that a
// workflow reads, not a secret that the input declares.
func (v *view) workflowFiles() map[string]bool {
	files := map[string]bool{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == "gha-job" {
			files[rt.Pos.File] = true
			for _, p := range rt.Also {
				files[p.File] = true
			}
		}
	}
	return files
}

// declaredSecret reports whether some input other than a workflow file
// asserts the secret node, such as a Terraform github_actions_secret.
func declaredSecret(n graph.Node, workflows map[string]bool) bool {
	if !workflows[n.Pos.File] {
		return true
	}
	for _, p := range n.Also {
		if !workflows[p.File] {
			return true
		}
	}
	return false
}

// orgSecretReach reports whether an organisation secret is visible to a
// repository: certain when its visibility grants it, possible when the
// input does not show whether it does, and ok=false when it does not.
func (v *view) orgSecretReach(s graph.Node, repo string) (conf graph.Confidence, ok bool) {
	switch s.Attr("visibility") {
	case "all":
		return graph.Certain, true
	case "private":
		// Private repositories can read it.
		// NOTE: whether internal repositories can read it as well is not
		// checked, so an internal repository gets a possible edge.
		switch v.get(ghaRepoID(repo)).Attr("visibility") {
		case "private":
			return graph.Certain, true
		case "public":
			return "", false
		}
		return graph.Possible, true
	case "selected":
		selected := graph.SplitList(s.Attr("selected_repositories"))
		if len(selected) == 0 {
			// Repositories selected by numeric id are not mapped to names.
			return graph.Possible, true
		}
		for _, r := range selected {
			// repo is OWNER/NAME, or HOST/OWNER/NAME, and r NAME or
			// OWNER/NAME.
			if r == repo || strings.HasSuffix(repo, "/"+r) {
				return graph.Certain, true
			}
		}
		return "", false
	}
	return graph.Possible, true
}

// exposeOrgSecret gives a job that reads secrets.NAME, in a repository
// that declares no secret NAME, an edge to the organisation's secret of
// that name when it is visible to the repository.
func (v *view) exposeOrgSecret(e graph.Edge, repo string, org []graph.Node, workflows map[string]bool) {
	name := strings.ToUpper(e.Attr(graph.AttrName))
	if n, ok := v.node(graph.GHASecretID(repo, name)); ok && declaredSecret(n, workflows) {
		return
	}
	for _, s := range org {
		if secretName(s) != name {
			continue
		}
		conf, ok := v.orgSecretReach(s, repo)
		if !ok {
			continue
		}
		ne := graph.Edge{From: e.From, To: s.ID, Kind: graph.EdgeExposes, Confidence: e.Confidence.Weaker(conf), Pos: e.Pos}
		ne.SetAttr(graph.AttrVia, "ci-secret")
		ne.SetAttr(graph.AttrName, name)
		ne.SetAttr(graph.AttrInsteadOf, graph.GHASecretID(repo, name))
		reason := fmt.Sprintf("the repository declares no secret %s in the input, so the job reads the organisation's", name)
		if conf == graph.Possible {
			reason += "; whether that secret is visible to the repository is not in the input"
		}
		ne.SetAttr(graph.AttrReason, reason)
		v.addEdge(ne)
	}
}

// secretName returns a secret's name in upper case, from its attribute or
// else from the last part of its id.
func secretName(s graph.Node) string {
	name := s.Attr(graph.AttrName)
	if name == "" {
		name = s.ID[strings.LastIndexByte(s.ID, '/')+1:]
	}
	return strings.ToUpper(name)
}

// secretChoice is a secret that a job reading the whole context receives,
// and how sure that is.
type secretChoice struct {
	id   string
	conf graph.Confidence
}

// contextSecrets picks, for each secret name, the secret that a job in env
// ("" for none) of repo receives when it reads the whole secrets context.
// The environment's secret comes first, then one the repository declares,
// then the organisation's when visible to the repository. A name that
// only a workflow reads, with no declared secret behind it, stays unless
// an organisation secret certainly replaces it. An organisation secret
// whose visibility is unknown is possible, so it shadows nothing.
func (v *view) contextSecrets(repo, env string, own, org []graph.Node, workflows map[string]bool) []secretChoice {
	var out []secretChoice
	shadowed := map[string]bool{}
	take := func(s graph.Node, conf graph.Confidence) {
		name := secretName(s)
		if shadowed[name] {
			return
		}
		out = append(out, secretChoice{id: s.ID, conf: conf})
		if conf == graph.Certain {
			shadowed[name] = true
		}
	}

	var repoLevel, named []graph.Node
	for _, s := range own {
		switch s.Attr("environment") {
		case "":
			if declaredSecret(s, workflows) {
				repoLevel = append(repoLevel, s)
			} else {
				named = append(named, s)
			}
		case env:
			take(s, graph.Certain)
		}
	}
	for _, s := range repoLevel {
		take(s, graph.Certain)
	}
	for _, s := range org {
		if conf, ok := v.orgSecretReach(s, repo); ok {
			take(s, conf)
		}
	}
	for _, s := range named {
		take(s, graph.Certain)
	}
	return out
}
