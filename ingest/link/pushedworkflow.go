package link

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkPushedWorkflows gives each GitHub repository that a credential can
// write to a runtime for a workflow that the credential's holder
// pushes: GitHub runs any workflow file on the branch it is pushed to.
// Such a workflow reads every Actions secret of the repository and those
// of its organisation that are visible to the repository, whether or not a workflow
// in the input names them, and it can request an OIDC token for any
// branch it pushes to or any environment it names. The existing jobs are
// not needed, so a role that trusts the repository's subjects is reached
// even where no job of the input requests a token.
//
// A job's GITHUB_TOKEN cannot change workflow files, so its CAN_MODIFY
// edges give no such runtime. Another credential (a personal access
// token, an app's token, a deploy key, stated in a mapping file) can only
// if it has the workflow scope: its edge is certain when its actions name
// that scope, else possible. A runtime that a mapping file states can
// push (a deploy host holding a key) is such a writer too.
//
// The rule adds the runtime, its OIDC token and subjects to the view, so
// that the secrets and AWS rules after it link them as they link a job.
func (v *view) linkPushedWorkflows() {
	type writer struct {
		edge graph.Edge
		conf graph.Confidence
	}
	writers := map[string][]writer{} // repository id -> its writers
	gitlab := v.gitlabProjects()
	v.observedPushes()
	for from, es := range v.out[graph.EdgeCanModify] {
		src, ok := v.node(from)
		if !ok || !(src.Kind == graph.NodeIdentity || src.Kind == graph.NodeRuntime || isAuditToken(src)) || src.Attr("type") == "github-token" || src.Attr("type") == "job-token" {
			continue
		}
		for _, e := range es {
			repo, ok := v.node(e.To)
			if !ok || repo.Kind != graph.NodeRepository {
				continue
			}
			_, onGitLab := gitlab[repo.ID]
			if githubRepository(repo) == "" && !onGitLab {
				continue
			}
			conf := e.Confidence
			if !onGitLab && !workflowScope(e.Attr(graph.AttrActions)) {
				conf = conf.Weaker(graph.Possible)
			}
			writers[repo.ID] = append(writers[repo.ID], writer{edge: e, conf: conf})
		}
	}
	ids := make([]string, 0, len(writers))
	for id, ws := range writers {
		ids = append(ids, id)
		// The map of edges by source yields them in no fixed order.
		sort.Slice(ws, func(i, j int) bool { return ws[i].edge.From < ws[j].edge.From })
	}
	sort.Strings(ids)
	for _, id := range ids {
		repoNode, _ := v.node(id)
		var rt graph.Node
		repo := repoNode.Attr(graph.AttrRepository)
		if repo == "" {
			repo = statedGitLabProject(repoNode)
		}
		if server, ok := gitlab[id]; ok && repo != "" {
			rt = v.pushedPipelineRuntime(repoNode, repo, server)
		} else if repo = githubRepository(repoNode); repo != "" {
			rt = v.pushedWorkflowRuntime(repoNode, repo)
		} else {
			continue
		}
		for _, w := range writers[id] {
			e := graph.Edge{From: w.edge.From, To: rt.ID, Kind: graph.EdgeCanModify, Confidence: w.conf, Pos: w.edge.Pos}
			var reason string
			if _, ok := gitlab[id]; ok {
				reason = fmt.Sprintf("it can push to %s, and GitLab runs the pipeline of a pushed .gitlab-ci.yml on any branch", repo)
			} else {
				e.SetAttr(graph.AttrActions, "workflow")
				reason = fmt.Sprintf("it can push to %s, and a workflow file pushed to any branch runs there", repo)
				if !workflowScope(w.edge.Attr(graph.AttrActions)) {
					reason += "; it can push workflow files only with the workflow scope, which the input does not show"
				}
			}
			e.SetAttr(graph.AttrReason, reason)
			v.inject(e)
		}
	}
}

// githubRepository returns a GitHub repository node's repository as
// graph.GHARepo names it (OWNER/NAME, or HOST/OWNER/NAME on a GitHub
// Enterprise Server), or "" for another node. A node that only a mapping
// file declares has no attributes, and its id names it:
// repo:github.com/OWNER/NAME.
func githubRepository(n graph.Node) string {
	if n.Attr(graph.AttrProvider) == "github" {
		if n.Attr(graph.AttrRepository) == "" {
			return ""
		}
		return graph.GHARepoOf(n)
	}
	if n.Attr(graph.AttrProvider) != "" || n.Attr(graph.AttrRepository) != "" {
		return ""
	}
	repo, ok := strings.CutPrefix(n.ID, graph.RepoID("", ""))
	if !ok || strings.Count(repo, "/") != 1 || strings.HasPrefix(repo, "/") || strings.HasSuffix(repo, "/") {
		return ""
	}
	return repo
}

// workflowScope reports whether a credential's actions include the
// scope that lets it change workflow files: workflow for a personal
// access token (classic), workflows:write for a fine-grained token or an
// app.
func workflowScope(actions string) bool {
	for _, a := range graph.SplitList(actions) {
		if a == "workflow" || a == "workflows:write" {
			return true
		}
	}
	return false
}

// pushedWorkflowRuntime adds the runtime of a pushed workflow of repo, with
// its secrets and its OIDC token and subjects, to the view. repo is the
// repository as graph.GHARepo names it.
func (v *view) pushedWorkflowRuntime(repoNode graph.Node, repo string) graph.Node {
	pos := repoNode.Pos
	host := repoNode.Attr(graph.AttrRepositoryHost)
	name := repoNode.Attr(graph.AttrRepository)
	if name == "" {
		name = repo // a github.com repository that only a mapping file declares
	}
	// withRepo returns attributes with the repository's name and host.
	withRepo := func(a map[string]string) map[string]string {
		a[graph.AttrRepository] = name
		if host != "" {
			a[graph.AttrRepositoryHost] = host
		}
		return a
	}
	rt := graph.Node{ID: graph.GHAPushedWorkflowID(repo), Kind: graph.NodeRuntime, Label: "a workflow pushed to " + repo, Pos: pos,
		Attrs: withRepo(map[string]string{
			graph.AttrProvider: "github",
			"type":             graph.RuntimeGHAPushedWorkflow,
			attrPushedWorkflow: "true",
		})}
	v.injectNode(rt)

	all := graph.GHAAllSecretsID(repo)
	if !v.exists(all) {
		n := allSecretsNode(all, repo+" secrets", "github", "all-actions-secrets", name, pos)
		withRepo(n.Attrs)
		v.injectNode(n)
	}
	se := graph.Edge{From: rt.ID, To: all, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	se.SetAttr(graph.AttrVia, "ci-secret")
	se.SetAttr("all", "true")
	se.SetAttr(graph.AttrReason, "a workflow pushed there can serialise the whole secrets context (toJSON(secrets)), and its runner then receives every secret of the repository and the organisation secrets it sees")
	v.inject(se)

	// An environment's secrets reach a job that names the environment,
	// once its protection rules let the job run; the input does not
	// show those rules.
	for _, s := range v.byKind[graph.NodeSecret] {
		env := s.Attr("environment")
		if env == "" || graph.GHARepoOf(s) != repo || s.Attr("type") != "actions-secret" {
			continue
		}
		e := graph.Edge{From: rt.ID, To: s.ID, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: pos}
		e.SetAttr(graph.AttrVia, "ci-secret")
		e.SetAttr("environment", env)
		e.SetAttr(graph.AttrReason, fmt.Sprintf("a workflow pushed there can name environment %s, whose secrets it then receives unless the environment's protection rules (required reviewers, deployment branches), which the input does not show, stop it", env))
		v.inject(e)
	}

	v.pushedWorkflowToken(rt, repo, withRepo, pos)

	tok := graph.GHAOIDCTokenID(rt.ID)
	v.injectNode(graph.Node{ID: tok, Kind: graph.NodeSecret, Label: "OIDC token of a workflow pushed to " + repo, Pos: pos, Attrs: withRepo(map[string]string{
		graph.AttrProvider: "github", "type": "oidc-token", graph.AttrLongLived: "false",
		attrPushedWorkflow: "true",
	})})
	te := graph.Edge{From: rt.ID, To: tok, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	te.SetAttr(graph.AttrVia, "oidc")
	te.SetAttr(graph.AttrReason, "a workflow pushed there can set permissions id-token: write and request a token")
	v.inject(te)

	// Subjects name the repository without its host on every GitHub host.
	prefix := "repo:" + name + ":"
	subjects := []struct {
		id, label, subs, reason string
		conf                    graph.Confidence
	}{
		{graph.GHAOIDCSubjectID(rt.ID), "OIDC subject of a workflow pushed to " + repo,
			prefix + "ref:*," + prefix + "pull_request", "", graph.Certain},
		{graph.GHAOIDCSubjectID(rt.ID) + "/environment", "OIDC subject of a workflow pushed to " + repo + " that names an environment",
			prefix + "environment:*",
			"a job that names an environment gets its subject once the environment's protection rules, which the input does not show, let it run",
			graph.Possible},
	}
	for _, s := range subjects {
		v.injectNode(graph.Node{ID: s.id, Kind: graph.NodeIdentity, Label: s.label, Pos: pos, Attrs: withRepo(map[string]string{
			graph.AttrProvider: "github-oidc", "type": "oidc-subject", "issuer": graph.GHAOIDCIssuer(host),
			"subs": s.subs, "subs_wildcard": "true", attrPushedWorkflow: "true",
		})})
		e := graph.Edge{From: tok, To: s.id, Kind: graph.EdgeAuthenticatesAs, Confidence: s.conf, Pos: pos}
		if s.reason != "" {
			e.SetAttr(graph.AttrReason, s.reason)
		}
		v.inject(e)
	}
	return rt
}

// pushedWorkflowToken gives a pushed workflow its GITHUB_TOKEN. The
// workflow sets its permissions, so the token has packages:write and
// publishes what the repository's jobs publish with their tokens: GitHub
// gives a repository's workflows write access to the packages they
// published.
func (v *view) pushedWorkflowToken(rt graph.Node, repo string, withRepo func(map[string]string) map[string]string, pos graph.Pos) {
	var publishes []graph.Edge
	for from, es := range v.out[graph.EdgeCanPublish] {
		src, ok := v.node(from)
		if !ok || src.Attr("type") != "github-token" || graph.GHARepoOf(src) != repo || src.Attr(attrPushedWorkflow) == "true" {
			continue
		}
		publishes = append(publishes, es...)
	}
	if len(publishes) == 0 {
		return
	}

	tok, ident := graph.GHATokenID(rt.ID), graph.GHATokenIdentityID(rt.ID)
	common := withRepo(map[string]string{
		graph.AttrProvider: "github", "type": "github-token",
		"permissions": "packages:write", attrPushedWorkflow: "true",
	})
	tokAttrs := maps.Clone(common)
	tokAttrs[graph.AttrName], tokAttrs[graph.AttrLongLived] = "GITHUB_TOKEN", "false"
	v.injectNode(graph.Node{ID: tok, Kind: graph.NodeSecret, Label: "GITHUB_TOKEN of a workflow pushed to " + repo, Pos: pos, Attrs: tokAttrs})
	v.injectNode(graph.Node{ID: ident, Kind: graph.NodeIdentity, Label: "GITHUB_TOKEN identity of a workflow pushed to " + repo, Pos: pos, Attrs: maps.Clone(common)})
	te := graph.Edge{From: rt.ID, To: tok, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	te.SetAttr(graph.AttrVia, "token")
	v.inject(te)
	v.inject(graph.Edge{From: tok, To: ident, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos})

	sort.Slice(publishes, func(i, j int) bool { return publishes[i].To < publishes[j].To })
	publishes = slices.CompactFunc(publishes, func(a, b graph.Edge) bool { return a.To == b.To })
	for _, p := range publishes {
		e := graph.Edge{From: ident, To: p.To, Kind: graph.EdgeCanPublish, Confidence: graph.Certain, Pos: pos}
		e.SetAttr(graph.AttrReason, fmt.Sprintf("a workflow pushed to %s sets packages:write for its GITHUB_TOKEN, which publishes %s as the repository's jobs do", repo, graph.ReadableID(p.To)))
		v.inject(e)
	}
}

// attrPushedWorkflow marks the nodes of a pushed workflow. A trust policy
// that names one branch or tag admits its subject only if a push to that
// ref is allowed, which branch protection may refuse.
const attrPushedWorkflow = graph.AttrPushedWorkflow

// pushedRefDoubt returns why a pushed workflow may not get the subject
// sub, or "" when any branch the workflow is pushed to gives it. A ref
// written with "?" (refs/heads/ma?n) admits only refs of one shape, so it
// gets the doubt of a single ref. A ref written with "*" gets none.
func pushedRefDoubt(subj graph.Node, sub string) string {
	_, ref, ok := strings.Cut(sub, ":ref:")
	if subj.Attr(attrPushedWorkflow) != "true" || !ok || strings.Contains(ref, "*") {
		return ""
	}
	if strings.Contains(ref, "?") {
		return fmt.Sprintf("the subject names only refs that match %s, and branch protection or rulesets, which the input does not show, may refuse a push to each of them", ref)
	}
	return "the subject names one ref, and branch protection or rulesets, which the input does not show, may refuse a push there"
}

// injectAllSecrets adds the node that is every secret of a repository or
// project, unless the graph has it.
func (v *view) injectAllSecrets(id, label, provider, typ, repo string, pos graph.Pos) {
	if v.exists(id) {
		return
	}
	v.injectNode(allSecretsNode(id, label, provider, typ, repo, pos))
}

// allSecretsNode returns the node that is every secret of a repository or
// project, which a job that receives them all exposes.
func allSecretsNode(id, label, provider, typ, repo string, pos graph.Pos) graph.Node {
	return graph.Node{ID: id, Kind: graph.NodeSecret, Label: label, Pos: pos, Attrs: map[string]string{
		graph.AttrProvider: provider, "type": typ, graph.AttrName: "*",
		graph.AttrRepository: repo, graph.AttrLongLived: "true",
	}}
}

// injectNode adds a derived node to the view, so that later rules read it
// as they read the graph's nodes.
func (v *view) injectNode(n graph.Node) {
	if _, ok := v.node(n.ID); ok {
		return
	}
	v.addNode(n)
	v.byKind[n.Kind] = append(v.byKind[n.Kind], n)
	c := n
	v.nodes[n.ID] = &c
}

// inject adds a derived edge to the view, so that later rules read it as
// they read the graph's edges.
func (v *view) inject(e graph.Edge) {
	v.addEdge(e)
	if v.out[e.Kind] == nil {
		v.out[e.Kind] = map[string][]graph.Edge{}
	}
	v.out[e.Kind][e.From] = append(v.out[e.Kind][e.From], e)
}

// statedGitLabProject returns the GROUP/PROJECT path of a repository
// node that has no attributes (one only a mapping file declares), read
// from its id repo:HOST/GROUP/PROJECT, or "" when the id names no
// project under a group.
func statedGitLabProject(n graph.Node) string {
	if n.Attr(graph.AttrProvider) != "" || n.Attr(graph.AttrRepository) != "" {
		return ""
	}
	rest, ok := strings.CutPrefix(n.ID, "repo:")
	if !ok {
		return ""
	}
	_, project, ok := strings.Cut(rest, "/")
	if !ok || !strings.Contains(project, "/") || strings.HasPrefix(project, "/") || strings.HasSuffix(project, "/") || strings.Contains(project, "//") {
		return ""
	}
	return project
}

// gitlabProjects returns the repositories that the input shows to be
// GitLab projects, with the host of their server's API when it is not
// gitlab.com. These are the projects of a GitLab job or of a declared
// CI/CD variable, and those that only a mapping file declares on a host
// whose name contains gitlab.
func (v *view) gitlabProjects() map[string]string {
	out := map[string]string{}
	for _, r := range v.byKind[graph.NodeRepository] {
		if statedGitLabProject(r) == "" {
			continue
		}
		host, _, _ := strings.Cut(strings.TrimPrefix(r.ID, "repo:"), "/")
		if host = strings.ToLower(host); !strings.Contains(host, "gitlab") {
			continue
		}
		if host == "gitlab.com" {
			host = ""
		}
		out[r.ID] = host
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if t := rt.Attr("type"); (t == "gitlab-job" || t == "gitlab-bridge") && rt.Attr(graph.AttrRepository) != "" {
			out[graph.RepoIDOf(rt)] = rt.Attr("server")
		}
	}
	for _, s := range v.byKind[graph.NodeSecret] {
		if s.Attr(graph.AttrProvider) == "gitlab" && s.Attr("type") == "ci-variable" && s.Attr(graph.AttrRepository) != "" {
			id := graph.RepoID("gitlab.com", s.Attr(graph.AttrRepository))
			if _, ok := out[id]; !ok {
				out[id] = ""
			}
		}
	}
	return out
}

// pushedPipelineRuntime adds a GitLab job for the pipeline of a
// .gitlab-ci.yml pushed to project, with the CI/CD variables and an ID
// token, to the view. Its type is gitlab-job, so the variables rule hands
// it the project's variables: unprotected ones certainly, protected and
// environment-scoped ones possibly, since the input shows neither which
// branches the writer may push to nor the environments' rules.
func (v *view) pushedPipelineRuntime(repoNode graph.Node, project, server string) graph.Node {
	pos := repoNode.Pos
	attrs := map[string]string{
		graph.AttrProvider:       "gitlab",
		"type":                   "gitlab-job",
		graph.AttrRepository:     project,
		graph.AttrRepositoryHost: repoNode.Attr(graph.AttrRepositoryHost),
		"job":                    "pushed pipeline",
		"pipeline_sources":       "push",
		"environment":            "*",
		"environment_dynamic":    "true",
		attrPushedWorkflow:       "true",
	}
	if server != "" {
		attrs["server"] = server
	}
	rt := graph.Node{ID: graph.GitLabPushedPipelineID(project), Kind: graph.NodeRuntime, Label: "a pipeline pushed to " + project, Pos: pos, Attrs: attrs}
	v.injectNode(rt)

	all := graph.GitLabAllVariablesID(project)
	v.injectAllSecrets(all, project+" CI/CD variables", "gitlab", "all-ci-variables", project, pos)
	ve := graph.Edge{From: rt.ID, To: all, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	ve.SetAttr(graph.AttrVia, "ci-variable")
	ve.SetAttr("pipeline_sources", "push")
	ve.SetAttr("environment", "*")
	ve.SetAttr(graph.AttrReason, "GitLab hands the project's CI/CD variables to the jobs of a pushed pipeline")
	v.inject(ve)

	issuer := "https://gitlab.com"
	if server != "" {
		issuer = "https://" + server
	}
	tok := graph.GitLabOIDCTokenID(rt.ID, "ID_TOKEN")
	v.injectNode(graph.Node{ID: tok, Kind: graph.NodeSecret, Label: "ID token of a pipeline pushed to " + project, Pos: pos, Attrs: map[string]string{
		graph.AttrProvider: "gitlab", "type": "oidc-token", graph.AttrRepository: project, graph.AttrLongLived: "false",
		attrPushedWorkflow: "true",
	}})
	te := graph.Edge{From: rt.ID, To: tok, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	te.SetAttr(graph.AttrVia, "oidc")
	te.SetAttr(graph.AttrReason, "a job of a pushed pipeline can declare id_tokens with the audience it needs")
	v.inject(te)
	subj := graph.GitLabOIDCSubjectID(rt.ID, "ID_TOKEN")
	prefix := "project_path:" + project + ":ref_type:"
	v.injectNode(graph.Node{ID: subj, Kind: graph.NodeIdentity, Label: "OIDC subject of a pipeline pushed to " + project, Pos: pos, Attrs: map[string]string{
		graph.AttrProvider: "gitlab-oidc", "type": "oidc-subject", "issuer": issuer, graph.AttrRepository: project,
		"subs": prefix + "branch:ref:*," + prefix + "tag:ref:*", "subs_wildcard": "true", "subs_any_ref": "true",
		attrPushedWorkflow: "true",
	}})
	v.inject(graph.Edge{From: tok, To: subj, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos})
	return rt
}

// actionsBot is the account that a workflow's GITHUB_TOKEN acts as, in
// every repository.
const actionsBot = "github-actions[bot]"

// isActionsBot reports whether an account node of an audit log is
// github-actions[bot], by its login or, without one, by its id.
func isActionsBot(n graph.Node) bool {
	if name := n.Attr(graph.AttrName); name != "" {
		return strings.EqualFold(name, actionsBot)
	}
	return strings.EqualFold(n.ID, "github:user:"+actionsBot)
}

// observedPushes gives each GitHub account that an audit log shows
// pushing to a repository (an allowed git.push) CAN_MODIFY to it: the
// push shows that it can change the repository's code. A push by
// github-actions[bot] shows only what one job's GITHUB_TOKEN could do in
// that repository, so it gives the shared account nothing. A token
// whose scopes include workflow and that signed such a push gets its own
// CAN_MODIFY with the workflow action, since the account's other tokens
// may lack the scope.
func (v *view) observedPushes() {
	// Each account's tokens whose scopes include workflow, which lets a
	// push change workflow files.
	workflowTokens := map[string][]graph.Node{}
	for from, es := range v.out[graph.EdgeAuthenticatesAs] {
		tok, ok := v.node(from)
		if !ok || !isAuditToken(tok) || !workflowScope(tok.Attr("scopes")) {
			continue
		}
		for _, e := range es {
			workflowTokens[e.To] = append(workflowTokens[e.To], tok)
		}
	}
	twins := v.declaredRepositories()
	var found []graph.Edge
	for from, es := range v.out[graph.EdgeObserved] {
		src, ok := v.node(from)
		if !ok || src.Kind != graph.NodeIdentity || src.Attr(graph.AttrProvider) != "github" || isActionsBot(src) {
			continue
		}
		for _, e := range es {
			if e.Evidence == nil || e.Attr("denied_only") == "true" || !slices.Contains(e.Evidence.Actions, "git.push") {
				continue
			}
			repo, ok := v.node(e.To)
			if !ok || repo.Kind != graph.NodeRepository || repo.Attr(graph.AttrProvider) != "github" {
				continue
			}
			// GitHub owner and repository names ignore case, so the
			// repository that the log names is each one that other inputs
			// declare with the same name in any case.
			targets := twins[strings.ToLower(e.To)]
			if len(targets) == 0 {
				targets = []string{e.To}
			}
			for _, to := range targets {
				m := graph.Edge{From: from, To: to, Kind: graph.EdgeCanModify, Confidence: graph.Certain, Pos: e.Pos}
				m.SetAttr(graph.AttrActions, "git.push")
				m.SetAttr(graph.AttrReason, fmt.Sprintf("the audit log shows %s pushing to %s", src.Label, repo.Attr(graph.AttrRepository)))
				found = append(found, m)
				// The account's other tokens may lack the workflow scope,
				// so the token that has it and pushed gets an edge of its
				// own.
				for _, tok := range workflowTokens[from] {
					if !pushedWithWorkflowScope(e.Evidence, tok.Attr("key_id")) {
						continue
					}
					tokEdge := graph.Edge{From: tok.ID, To: to, Kind: graph.EdgeCanModify, Confidence: graph.Certain, Pos: e.Pos}
					tokEdge.SetAttr(graph.AttrActions, "git.push,workflow")
					tokEdge.SetAttr(graph.AttrReason, fmt.Sprintf("the audit log shows %s pushing to %s with this token, whose scopes include workflow", src.Label, repo.Attr(graph.AttrRepository)))
					found = append(found, tokEdge)
				}
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].From+found[i].To < found[j].From+found[j].To })
	for _, e := range found {
		v.inject(e)
	}
}

// declaredRepositories maps the lower-cased id of each GitHub repository
// that an input other than an access log declares to the ids of those
// repositories, sorted: one per case in which the inputs write its name.
// An access log marks its nodes observed, and a node that another input
// also declares is not.
func (v *view) declaredRepositories() map[string][]string {
	out := map[string][]string{}
	for _, r := range v.byKind[graph.NodeRepository] {
		if r.Attr(graph.AttrObserved) == "true" || githubRepository(r) == "" {
			continue
		}
		key := strings.ToLower(r.ID)
		out[key] = append(out[key], r.ID)
	}
	for _, ids := range out {
		sort.Strings(ids)
	}
	return out
}

// pushedWithWorkflowScope reports whether the token of key id key signed
// a push of the evidence: a git.push of its own where the evidence keeps
// each key's actions, else any call.
func pushedWithWorkflowScope(ev *graph.Evidence, key string) bool {
	u, ok := ev.KeyUse(key)
	if !ok {
		return false
	}
	actions, _, _, _, shared := ev.Lists(u)
	return slices.Contains(shared, "actions") || slices.Contains(actions, "git.push")
}

// isAuditToken reports whether n is a GitHub token that an audit log
// names by its id or hash.
func isAuditToken(n graph.Node) bool {
	return n.Kind == graph.NodeSecret && n.Attr(graph.AttrProvider) == "github" && n.Attr("key_id") != ""
}
