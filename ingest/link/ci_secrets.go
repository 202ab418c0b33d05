package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkEnvironmentSecrets resolves the names in a GitHub Actions job's
// environment_secret_refs. Each goes to the environment's secret of that
// name when the graph declares one, because it takes precedence, else to
// the repository's secret and, when the repository declares none, to the
// organisation's that the repository can read. When no input declares
// where the name lives, the environment's secret of that name is a
// possible target as well.
func (v *view) linkEnvironmentSecrets() {
	workflows := v.workflowFiles()
	orgSecrets := v.orgSecretsByOwner()
	for _, rt := range v.byKind[graph.NodeRuntime] {
		refs := graph.SplitList(rt.Attr("environment_secret_refs"))
		env, repo := rt.Attr("environment"), graph.GHARepoOf(rt)
		if len(refs) == 0 || env == "" || rt.Attr(graph.AttrRepository) == "" {
			continue
		}
		for _, name := range refs {
			if name == "*" {
				v.exposeEnvironmentContext(rt, repo, env)
				continue
			}
			e := graph.Edge{From: rt.ID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: rt.Pos}
			e.SetAttr(graph.AttrVia, "ci-secret")
			e.SetAttr(graph.AttrName, name)
			e.SetAttr("environment", env)
			if envID := graph.GHAEnvSecretID(repo, env, name); v.exists(envID) {
				e.To = envID
				e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %s, whose secret %s takes precedence over the repository's", env, name))
				v.addEdge(e)
				continue
			}
			e.To = graph.GHASecretID(repo, name)
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %s, which declares no secret %s in the input, so it reads the repository's", env, name))
			n := graph.Node{ID: e.To, Kind: graph.NodeSecret, Label: name, Pos: rt.Pos}
			n.SetAttr(graph.AttrProvider, "github")
			n.SetAttr("type", "actions-secret")
			n.SetAttr(graph.AttrName, name)
			copyRepository(&n, rt)
			n.SetAttr(graph.AttrLongLived, "true")
			v.addNode(n)
			v.addEdge(e)
			// A name the repository does not declare either is the
			// organisation's.
			v.exposeOrgSecret(e, repo, orgSecrets[ghaOwner(repo)], workflows)
			if !v.secretPlaceKnown(repo, env, name, workflows) {
				v.exposePossibleEnvSecret(rt, repo, env, name)
			}
		}
	}
}

// linkDynamicEnvironmentSecrets gives a job whose environment name is an
// expression a possible edge to that environment's secret of each name it
// reads. The parser joins such a job to the repository's secret, and no
// input can declare the secrets of an environment whose name is decided
// at run time, so the environment is named by its expression as written.
func (v *view) linkDynamicEnvironmentSecrets() {
	for _, rt := range v.byKind[graph.NodeRuntime] {
		env, repo := rt.Attr("environment"), graph.GHARepoOf(rt)
		if rt.Attr("environment_dynamic") != "true" || env == "" || rt.Attr(graph.AttrRepository) == "" {
			continue
		}
		for _, e := range v.edgesFrom(graph.EdgeExposes, rt.ID) {
			name := e.Attr(graph.AttrName)
			if name == "" || e.To != graph.GHASecretID(repo, name) || e.Attr("workflow_call_secret") == "true" {
				continue
			}
			v.exposePossibleEnvSecret(rt, repo, env, name)
		}
	}
}

// secretPlaceKnown reports whether the input declares where secret name of
// a job in environment env lives. It does when the repository or its
// organisation declares a secret of that name, not merely a workflow
// reading it. It also does when the input declares secrets of that
// environment, so that a name the environment lacks is not there.
func (v *view) secretPlaceKnown(repo, env, name string, workflows map[string]bool) bool {
	if n, ok := v.nodes[graph.GHASecretID(repo, name)]; ok && declaredSecret(*n, workflows) {
		return true
	}
	if _, ok := v.nodes[graph.GHAOrgSecretID(ghaOwner(repo), name)]; ok {
		return true
	}
	for _, s := range v.byKind[graph.NodeSecret] {
		if graph.GHARepoOf(s) == repo && s.Attr("environment") == env && s.Attr("type") == "actions-secret" {
			return true
		}
	}
	return false
}

// exposePossibleEnvSecret writes a possible edge from a job in environment
// env to that environment's secret name, and the secret's node. Each
// environment defines its own value, so two environments give two nodes.
func (v *view) exposePossibleEnvSecret(rt graph.Node, repo, env, name string) {
	id := graph.GHAEnvSecretID(repo, env, name)
	n := graph.Node{ID: id, Kind: graph.NodeSecret, Label: name + " (" + env + ")", Pos: rt.Pos}
	n.SetAttr(graph.AttrProvider, "github")
	n.SetAttr("type", "actions-secret")
	n.SetAttr(graph.AttrName, name)
	copyRepository(&n, rt)
	n.SetAttr("environment", env)
	n.SetAttr(graph.AttrLongLived, "true")
	v.addNode(n)

	e := graph.Edge{From: rt.ID, To: id, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: rt.Pos}
	e.SetAttr(graph.AttrVia, "ci-secret")
	e.SetAttr(graph.AttrName, name)
	e.SetAttr("environment", env)
	e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %s; no input shows whether that environment defines secret %s, which would take precedence over the repository's", env, name))
	v.addEdge(e)
}

// exposeEnvironmentContext writes the edges of a job in an environment
// that reads the whole secrets context. A name resolves to the
// environment's secret first, then the repository's, then the
// organisation's (when visible to the repository).
func (v *view) exposeEnvironmentContext(rt graph.Node, repo, env string) {
	all := graph.GHAAllSecretsID(repo)
	if !v.exists(all) {
		n := allSecretsNode(all, rt.Attr(graph.AttrRepository)+" secrets", "github", "all-actions-secrets", rt.Attr(graph.AttrRepository), rt.Pos)
		copyRepository(&n, rt)
		v.addNode(n)
	}
	via := graph.Edge{From: rt.ID, To: all, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: rt.Pos}
	via.SetAttr(graph.AttrVia, "ci-secret")
	via.SetAttr("all", "true")
	via.SetAttr("environment", env)
	v.addEdge(via)

	owner := ghaOwner(repo)
	shadowed := map[string]bool{}
	var repoLevel, orgLevel []graph.Node
	for _, s := range v.byKind[graph.NodeSecret] {
		if s.Attr(graph.AttrProvider) != "github" || s.Attr("type") != "actions-secret" {
			continue
		}
		name := strings.ToUpper(s.Attr(graph.AttrName))
		switch {
		case strings.HasPrefix(s.ID, "secret:gha:org:"+owner+"/"):
			if visibleToRepo(s, repo) {
				orgLevel = append(orgLevel, s)
			}
		case graph.GHARepoOf(s) != repo:
		case s.Attr("environment") == env:
			shadowed[name] = true
			v.addEdge(allSecretsEdge(rt.ID, s.ID, via))
		case s.Attr("environment") == "":
			repoLevel = append(repoLevel, s)
		}
	}
	for _, level := range [][]graph.Node{repoLevel, orgLevel} {
		for _, s := range level {
			name := strings.ToUpper(s.Attr(graph.AttrName))
			if !shadowed[name] {
				v.addEdge(allSecretsEdge(rt.ID, s.ID, via))
			}
		}
		for _, s := range level {
			shadowed[strings.ToUpper(s.Attr(graph.AttrName))] = true
		}
	}
}

// exists reports whether a node is in the graph or derived in this run.
func (v *view) exists(id string) bool {
	_, ok := v.node(id)
	return ok || v.seenNodes[id]
}

// linkRegistryAccounts lets every secret a job reads under a name log in
// to the registry accounts that the repository's secret of that name logs
// in to, and act as the cloud identity of the keys it holds
// (type ci-credentials). The workflow parser hangs such an identity off the
// repository's secret, but the job may read an environment's or the
// organisation's secret of the same name instead.
func (v *view) linkRegistryAccounts() {
	accounts := map[string][]graph.Edge{} // repository secret id -> AUTHENTICATES_AS edges
	for from, es := range v.out[graph.EdgeAuthenticatesAs] {
		if !strings.HasPrefix(from, "secret:gha:") {
			continue
		}
		for _, e := range es {
			if n, ok := v.node(e.To); ok && (n.Attr("type") == "registry-account" || n.Attr("type") == "ci-credentials") {
				accounts[from] = append(accounts[from], e)
			}
		}
	}
	if len(accounts) == 0 {
		return
	}
	exposes := append([]graph.Edge(nil), v.derivedEdges...)
	for _, es := range v.out[graph.EdgeExposes] {
		exposes = append(exposes, es...)
	}
	for _, x := range exposes {
		if x.Kind != graph.EdgeExposes || !strings.HasPrefix(x.To, "secret:gha:") {
			continue
		}
		rt, ok := v.node(x.From)
		if !ok {
			continue
		}
		// A called workflow reads its caller's secret under the name the
		// call passes it as.
		for _, name := range []string{x.Attr(graph.AttrName), x.Attr("as")} {
			repoSecret := graph.GHASecretID(graph.GHARepoOf(rt), name)
			if name == "" || x.To == repoSecret {
				continue
			}
			for _, a := range accounts[repoSecret] {
				e := graph.Edge{From: x.To, To: a.To, Kind: graph.EdgeAuthenticatesAs, Confidence: a.Confidence, Pos: a.Pos}
				e.SetAttr(graph.AttrReason, fmt.Sprintf("%s; the job reads %s as secret %s", a.Attr(graph.AttrReason), x.To, name))
				v.addEdge(e)
			}
		}
	}
}
