package link

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkReusableCalls follows calls of reusable GitHub workflows: a called
// workflow's jobs run on behalf of the caller, so they receive the
// caller's secrets that the call passes (by name, or all of them with
// secrets: inherit) and the caller job's GITHUB_TOKEN, whose permissions
// the caller sets. A job of a workflow that only runs when called, and
// that no job of the graph calls, gets a possible edge per secret name it
// reads: some caller passes a value under that name.
func (v *view) linkReusableCalls() {
	// "owner/repo#workflow path" -> jobs, with the repository named as
	// graph.GHARepo names it.
	callees := map[string][]graph.Node{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") != "gha-job" {
			continue
		}
		key := strings.ToLower(graph.GHARepoOf(rt)) + "#" + rt.Attr("workflow")
		callees[key] = append(callees[key], rt)
	}
	called := map[string]bool{}
	// The callees' edges to their callers' secrets join the view only
	// after every call is read: a callee's edges to one caller's secrets
	// are no names that it reads from another caller.
	var passed []graph.Edge
	for _, caller := range v.byKind[graph.NodeRuntime] {
		for _, call := range v.edgesFrom(graph.EdgeExecutes, caller.ID) {
			if call.Attr("reusable") != "true" {
				continue
			}
			repo, path, ok := reusableTarget(call.To)
			if !ok {
				continue
			}
			// A workflow calls one of its own host's repositories.
			repo = graph.GHARepo(caller.Attr(graph.AttrRepositoryHost), repo)
			for _, callee := range callees[repo+"#"+path] {
				called[callee.ID] = true
				passed = v.passToCallee(caller, callee, call, passed)
			}
		}
	}
	for _, e := range passed {
		v.inject(e)
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("call_secret_refs") != "" && !called[rt.ID] {
			v.uncalledParameters(rt)
		}
	}
}

// reusableTarget reads "owner/repo" and the workflow path from the purl of
// a called workflow, pkg:githubactions/owner/repo[@ref]#path.
func reusableTarget(id string) (repo, path string, ok bool) {
	rest, ok := strings.CutPrefix(id, "pkg:githubactions/")
	if !ok {
		return "", "", false
	}
	rest, path, ok = strings.Cut(rest, "#")
	if !ok {
		return "", "", false
	}
	if i := strings.Index(rest, "@"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(rest), path, true
}

// passToCallee links a called job to what its caller passes, and returns
// passed with the edges to the caller's secrets, which the caller adds
// to the view.
func (v *view) passToCallee(caller, callee graph.Node, call graph.Edge, passed []graph.Edge) []graph.Edge {
	callerRepo := graph.GHARepoOf(caller)
	mapping := map[string]string{} // parameter (upper case) -> caller secret
	inherit := call.Attr("secrets") == "inherit"
	for _, pair := range graph.SplitList(call.Attr("secrets")) {
		param, secret, ok := strings.Cut(pair, "=")
		if ok && secret != "" {
			mapping[strings.ToUpper(param)] = secret
		}
	}
	declared := map[string]bool{}
	for _, name := range graph.SplitList(callee.Attr("workflow_call_secrets")) {
		declared[strings.ToUpper(name)] = true
	}
	// resolve names the caller's secret that a reference in the callee
	// reads, or "" when the call passes none under that name.
	resolve := func(name string, isParam bool) string {
		secret := ""
		if isParam {
			secret = mapping[strings.ToUpper(name)]
		}
		if secret == "" && inherit {
			secret = name
		}
		return secret
	}
	// The callee's edges to the caller's secrets go into the view, so
	// that the secrets rule resolves a name the caller's repository does
	// not declare to an environment's or the organisation's secret.
	expose := func(secret, name string) {
		id := graph.GHASecretID(callerRepo, secret)
		if !v.exists(id) {
			n := graph.Node{ID: id, Kind: graph.NodeSecret, Label: strings.ToUpper(secret), Pos: call.Pos}
			n.SetAttr(graph.AttrProvider, "github")
			n.SetAttr("type", "actions-secret")
			n.SetAttr(graph.AttrName, strings.ToUpper(secret))
			copyRepository(&n, caller)
			n.SetAttr(graph.AttrLongLived, "true")
			v.injectNode(n)
		}
		ne := graph.Edge{From: callee.ID, To: id, Kind: graph.EdgeExposes,
			Confidence: call.Confidence, Pos: call.Pos}
		ne.SetAttr(graph.AttrVia, "ci-secret")
		ne.SetAttr(graph.AttrName, secret)
		ne.SetAttr("as", strings.ToUpper(name))
		ne.SetAttr(graph.AttrReason, fmt.Sprintf("%s calls this workflow and passes its secret %s as %s", caller.Label, secret, name))
		passed = append(passed, ne)
		if inherit {
			// The caller's own edge to every secret resolves to the
			// ones its callee is now known to read.
			ce := graph.Edge{From: caller.ID, To: id, Kind: graph.EdgeExposes, Confidence: call.Confidence, Pos: call.Pos}
			ce.SetAttr(graph.AttrVia, "ci-secret")
			ce.SetAttr(graph.AttrName, secret)
			ce.SetAttr(graph.AttrReason, "the job hands every secret of its repository to the workflow it calls (secrets: inherit)")
			v.addEdge(ce)
		}
	}

	for _, e := range v.edgesFrom(graph.EdgeExposes, callee.ID) {
		name := e.Attr(graph.AttrName)
		if name == "" {
			continue
		}
		secret := resolve(name, e.Attr("workflow_call_secret") == "true")
		if secret != "" && secret != "*" {
			expose(secret, name)
		}
	}
	for _, name := range graph.SplitList(callee.Attr("call_secret_refs")) {
		if name != "*" {
			if secret := resolve(name, declared[strings.ToUpper(name)]); secret != "" && secret != "*" {
				expose(secret, name)
			}
			continue
		}
		// The callee reads the whole secrets context: every secret the
		// call passes.
		if inherit {
			passed = append(passed, allSecretsEdge(callee.ID, graph.GHAAllSecretsID(callerRepo), call))
			for _, s := range v.repoSecrets(callerRepo) {
				v.addEdge(allSecretsEdge(callee.ID, s, call))
			}
		}
		for param, secret := range mapping {
			if secret != "*" {
				expose(secret, param)
			}
		}
	}

	tok := graph.Edge{From: callee.ID, To: graph.GHATokenID(caller.ID), Kind: graph.EdgeExposes,
		Confidence: call.Confidence, Pos: call.Pos}
	tok.SetAttr(graph.AttrVia, "token")
	tok.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs on behalf of %s and gets its GITHUB_TOKEN, with the permissions the caller sets", caller.Label))
	v.addEdge(tok)
	// The called jobs run in the caller's job: they can request its OIDC
	// token, whose subject names the caller's repository and ref, unless
	// their own permissions lower id-token to none.
	if oidc := graph.GHAOIDCTokenID(caller.ID); v.exists(oidc) && keepsIDToken(callee) {
		oe := graph.Edge{From: callee.ID, To: oidc, Kind: graph.EdgeExposes, Confidence: call.Confidence, Pos: call.Pos}
		oe.SetAttr(graph.AttrVia, "oidc")
		oe.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs on behalf of %s, whose permissions grant id-token: write, and can request its OIDC token", caller.Label))
		v.addEdge(oe)
	}
	v.calledGPRRelease(caller, callee, call)
	return passed
}

// keepsIDToken reports whether a called job keeps the id-token: write
// that its caller grants. A called workflow's permissions can only lower
// the caller's, and permissions set on a job or its workflow leave each
// scope they do not name at none.
func keepsIDToken(callee graph.Node) bool {
	perms := callee.Attr("permissions")
	return perms == "" || perms == "default" || slices.Contains(graph.SplitList(perms), "id-token:write")
}

// calledGPRRelease gives the GITHUB_TOKEN of a caller the GitHub Packages
// account that its called job publishes to npm with (see
// graph.AttrGPRRelease), as the actions parser does for a job that
// publishes itself. The caller's permissions decide: packages:write makes
// the login certain, the repository's default possible, others none. A
// called workflow's checkout is of the caller's repository by default, so
// a release of the project at the top publishes the caller's package.
func (v *view) calledGPRRelease(caller, callee graph.Node, call graph.Edge) {
	mark := callee.Attr(graph.AttrGPRRelease)
	if mark == "" {
		return
	}
	perms := caller.Attr("permissions")
	conf := graph.Certain
	reason := "the job publishes to npm.pkg.github.com with the GITHUB_TOKEN of " + caller.Label + ", whose permissions grant packages:write"
	switch {
	case perms == "default":
		conf = graph.Possible
		reason = "the job publishes to npm.pkg.github.com with the GITHUB_TOKEN of " + caller.Label + "; the repository's default token permissions are not in the input, and the release needs packages:write"
	case !slices.Contains(graph.SplitList(perms), "packages:write"):
		return
	}
	conf = conf.Weaker(call.Confidence)

	token := graph.GHATokenID(caller.ID)
	account := graph.RegistryAccountID("npm.pkg.github.com", token)
	n := graph.Node{ID: account, Kind: graph.NodeIdentity, Label: "npm.pkg.github.com packages of " + caller.Attr(graph.AttrRepository) + " (GITHUB_TOKEN of " + caller.Label + ")", Pos: call.Pos,
		Attrs: map[string]string{graph.AttrProvider: "registry", "type": "registry-account", "registry": "npm.pkg.github.com", "ecosystem": "npm"}}
	if mark == graph.GPRReleaseProject || mark == graph.GPRReleaseProjectMaybe {
		copyRepository(&n, caller)
		n.Attrs[graph.AttrReleasesProject] = "true"
		if mark == graph.GPRReleaseProject && conf == graph.Certain {
			n.Attrs[graph.AttrReleasesProjectCertain] = "true"
		}
	}
	v.addNode(n)

	e := graph.Edge{From: token, To: account, Kind: graph.EdgeAuthenticatesAs, Confidence: conf, Pos: call.Pos}
	e.SetAttr(graph.AttrReason, reason)
	v.addEdge(e)
}

// repoSecrets returns the ids of a repository's Actions secrets that are
// not bound to an environment.
func (v *view) repoSecrets(repo string) []string {
	var out []string
	for _, n := range v.byKind[graph.NodeSecret] {
		if n.Attr(graph.AttrProvider) == "github" && n.Attr("type") == "actions-secret" &&
			graph.GHARepoOf(n) == repo && n.Attr("environment") == "" &&
			!strings.HasPrefix(n.ID, "secret:gha:org:") {
			out = append(out, n.ID)
		}
	}
	return out
}

// uncalledParameters gives a job of a workflow that only runs when called,
// and that no job in the graph calls, a possible edge per secret name it
// reads. The node stands for the value some caller passes under that
// name; it is not a secret of the called repository.
func (v *view) uncalledParameters(rt graph.Node) {
	repo := graph.GHARepoOf(rt)
	for _, name := range graph.SplitList(rt.Attr("call_secret_refs")) {
		if name == "*" {
			continue
		}
		id := graph.GHASecretID(repo, name)
		n := graph.Node{ID: id, Kind: graph.NodeSecret, Label: name, Pos: rt.Pos}
		n.SetAttr(graph.AttrProvider, "github")
		n.SetAttr("type", "workflow-call-secret")
		n.SetAttr(graph.AttrName, name)
		copyRepository(&n, rt)
		n.SetAttr(graph.AttrLongLived, "true")
		v.addNode(n)
		e := graph.Edge{From: rt.ID, To: id, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: rt.Pos}
		e.SetAttr(graph.AttrVia, "ci-secret")
		e.SetAttr(graph.AttrName, name)
		e.SetAttr("workflow_call_secret", "true")
		e.SetAttr(graph.AttrReason, fmt.Sprintf("the workflow runs only when called and reads secrets.%s, whose value its caller passes; no caller is in the input", name))
		v.addEdge(e)
	}
}
