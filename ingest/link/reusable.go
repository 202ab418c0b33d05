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
// the caller sets. A called workflow's job may call another workflow in
// turn, which then also runs on behalf of the first caller. A job of a
// workflow that only runs when called, and that no job of the graph
// calls, gets a possible edge per secret name it reads: some caller
// passes a value under that name.
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
	// The calls of each job, with the jobs of the workflow each calls.
	type target struct {
		call graph.Edge
		jobs []graph.Node
	}
	calls := map[string][]target{}
	called := map[string]bool{}
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
			jobs := callees[repo+"#"+path]
			calls[caller.ID] = append(calls[caller.ID], target{call, jobs})
			for _, callee := range jobs {
				called[callee.ID] = true
			}
		}
	}

	v.calledSubjects = map[string]bool{}
	for id := range called {
		if rt, ok := v.node(id); ok && calledOnly(rt) {
			v.calledSubjects[graph.GHAOIDCSubjectID(id)] = true
		}
	}

	// The callees' edges to their callers' secrets join the view only
	// after every call is read: a callee's edges to one caller's secrets
	// are no names that it reads from another caller.
	var passed []graph.Edge
	var follow func(chain []callLink, callee graph.Node)
	follow = func(chain []callLink, callee graph.Node) {
		passed = v.passToCallee(chain, callee, passed)
		// A called workflow with triggers of its own also runs its
		// calls in the caller's job when called, so the chain goes on.
		if len(chain) >= maxCallDepth {
			return
		}
		for _, t := range calls[callee.ID] {
			for _, next := range t.jobs {
				if slices.ContainsFunc(chain, func(l callLink) bool { return l.caller.ID == next.ID }) || next.ID == callee.ID {
					continue
				}
				follow(append(slices.Clone(chain), callLink{callee, t.call}), next)
			}
		}
	}
	for _, caller := range v.byKind[graph.NodeRuntime] {
		// A job of a workflow that only runs when called runs on behalf
		// of its callers, which follow its calls.
		if calledOnly(caller) && called[caller.ID] {
			continue
		}
		for _, t := range calls[caller.ID] {
			for _, callee := range t.jobs {
				follow([]callLink{{caller, t.call}}, callee)
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

// maxCallDepth bounds the calls followed from a job. GitHub.com allows
// ten levels of workflows, the caller's included, and GitHub Enterprise
// Server four.
const maxCallDepth = 10

// callLink is one call of a chain of reusable workflow calls: the job that
// calls and its EXECUTES edge to the called workflow.
type callLink struct {
	caller graph.Node
	call   graph.Edge
}

// calledOnly reports whether a job's workflow runs only when called.
func calledOnly(rt graph.Node) bool {
	return rt.Attr("triggers") == "workflow_call"
}

// chainSecrets returns the secrets that the last call of a chain passes,
// named as the first caller's secrets. all is set when every call passes
// secrets: inherit. Otherwise names maps each passed name (upper case) to
// the first caller's secret that it holds.
func chainSecrets(chain []callLink) (all bool, names map[string]string) {
	all = true
	for _, l := range chain {
		if l.call.Attr("secrets") == "inherit" {
			continue
		}
		next := map[string]string{}
		for _, pair := range graph.SplitList(l.call.Attr("secrets")) {
			param, secret, ok := strings.Cut(pair, "=")
			if !ok || secret == "" {
				continue
			}
			if all {
				next[strings.ToUpper(param)] = secret
			} else if s, ok := names[strings.ToUpper(secret)]; ok {
				next[strings.ToUpper(param)] = s
			}
		}
		all, names = false, next
	}
	return all, names
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

// passToCallee links a called job to what the first caller of a chain of
// calls passes down it, and returns passed with the edges to that
// caller's secrets, which the caller adds to the view.
func (v *view) passToCallee(chain []callLink, callee graph.Node, passed []graph.Edge) []graph.Edge {
	caller := chain[0].caller
	last := chain[len(chain)-1]
	callerRepo := graph.GHARepoOf(caller)
	// call is the chain's last call, with the weakest confidence of the
	// chain's calls.
	call := last.call
	for _, l := range chain {
		call.Confidence = call.Confidence.Weaker(l.call.Confidence)
	}
	all, mapping := chainSecrets(chain)
	lastInherit := last.call.Attr("secrets") == "inherit"
	firstInherit := chain[0].call.Attr("secrets") == "inherit"
	via := caller.Label + " calls this workflow"
	if len(chain) > 1 {
		via = caller.Label + " calls this workflow through " + last.caller.Label
	}

	declared := map[string]bool{}
	for _, name := range graph.SplitList(callee.Attr("workflow_call_secrets")) {
		declared[strings.ToUpper(name)] = true
	}
	// resolve names the first caller's secret that a reference in the
	// callee reads, or "" when the chain passes none under that name. A
	// call that maps secrets passes only the names the callee declares.
	resolve := func(name string, isParam bool) string {
		switch {
		case all:
			return name
		case !lastInherit && !isParam:
			return ""
		}
		return mapping[strings.ToUpper(name)]
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
		ne.SetAttr(graph.AttrReason, fmt.Sprintf("%s and passes its secret %s as %s", via, secret, name))
		passed = append(passed, ne)
		if firstInherit {
			// The caller's own edge to every secret resolves to the
			// ones its callee is now known to read.
			ce := graph.Edge{From: caller.ID, To: id, Kind: graph.EdgeExposes, Confidence: chain[0].call.Confidence, Pos: chain[0].call.Pos}
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
		// chain passes.
		if all {
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
	// their own permissions, or those of a job between, lower id-token
	// to none.
	keeps := keepsIDToken(callee)
	for _, l := range chain[1:] {
		keeps = keeps && keepsIDToken(l.caller)
	}
	if oidc := graph.GHAOIDCTokenID(caller.ID); v.exists(oidc) && keeps {
		oe := graph.Edge{From: callee.ID, To: oidc, Kind: graph.EdgeExposes, Confidence: call.Confidence, Pos: call.Pos}
		oe.SetAttr(graph.AttrVia, "oidc")
		oe.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs on behalf of %s, whose permissions grant id-token: write, and can request its OIDC token", caller.Label))
		v.addEdge(oe)
	}
	if keepsWrite(callee, "packages") && !slices.ContainsFunc(chain[1:], func(l callLink) bool { return !keepsWrite(l.caller, "packages") }) {
		v.calledGPRRelease(caller, callee, call)
	}
	return passed
}

// keepsIDToken reports whether a called job keeps the id-token: write
// that its caller grants.
func keepsIDToken(callee graph.Node) bool {
	return keepsWrite(callee, "id-token")
}

// keepsWrite reports whether a called job keeps the write access to scope
// that its caller grants. A called workflow's permissions can only lower
// the caller's, and permissions set on a job or its workflow leave each
// scope they do not name at none.
func keepsWrite(callee graph.Node, scope string) bool {
	perms := callee.Attr("permissions")
	return perms == "" || perms == "default" || slices.Contains(graph.SplitList(perms), scope+":write")
}

// calledGPRRelease gives the GITHUB_TOKEN of a caller the GitHub Packages
// account that its called job publishes to npm with (see
// graph.AttrGPRRelease), as the actions parser does for a job that
// publishes itself. The first caller's permissions decide, when the
// called jobs on the way keep packages: write: packages:write makes the
// login certain, the repository's default possible, others none. A
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
