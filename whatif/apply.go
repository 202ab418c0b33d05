package whatif

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// ErrEdit marks an edit that cannot be applied: what it names is not in
// the graph, or does not have the shape the edit needs.
var ErrEdit = errors.New("cannot apply edit")

// issuerHost returns the issuer of a GitHub Actions job's OIDC tokens
// without https://, the prefix of the condition keys its trusts use.
func issuerHost(j graph.Node) string {
	return strings.TrimPrefix(graph.GHAOIDCIssuer(j.Attr(graph.AttrRepositoryHost)), "https://")
}

// applied is the outcome of applying one edit.
type applied struct {
	// derive is true when the edit changed something the linker derives
	// edges from (a policy, a trust, a job's OIDC subject).
	derive bool
}

// apply applies one edit to the overlay.
func apply(ctx context.Context, o *Overlay, e Edit) (applied, error) {
	var a applied
	var err error
	switch e.Kind {
	case EditRemoveSecret:
		err = removeSecret(ctx, o, e)
	case EditPinAction:
		err = pinAction(ctx, o, e)
	case EditReplaceKeyWithOIDC:
		a.derive = true
		err = replaceKeyWithOIDC(ctx, o, e)
	case EditAddTrustCondition:
		a.derive = true
		err = addTrustCondition(ctx, o, e)
	case EditTightenPolicy, EditDeleteStatement:
		a.derive = true
		err = editStatement(ctx, o, e)
	case EditMoveSecretToEnv:
		a.derive = true
		err = moveSecretToEnv(ctx, o, e)
	case EditTrustedPublishing:
		err = useTrustedPublishing(ctx, o, e)
	default:
		err = fmt.Errorf("%w: unknown edit kind", ErrEdit)
	}
	if errors.Is(err, query.ErrNoMatch) {
		err = fmt.Errorf("%w: %v", ErrEdit, err)
	}
	if err != nil {
		if e.File != "" {
			return a, fmt.Errorf("%s:%d (%s): %w", e.File, e.Line, e.Kind, err)
		}
		return a, fmt.Errorf("change file line %d (%s): %w", e.Line, e.Kind, err)
	}
	return a, nil
}

func editErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrEdit, fmt.Sprintf(format, args...))
}

// noReceiverErr returns the error for an edit whose job receives none of its
// credential, listing the jobs that do so that the job field can be corrected.
func noReceiverErr(credential string, e Edit, receivers []string) error {
	if len(receivers) == 0 {
		return editErr("no job in the graph receives the %s %q", credential, e.Secret)
	}
	return editErr("job %q does not receive the %s %q. Jobs that receive it: %s",
		e.Job, credential, e.Secret, strings.Join(uniqueSorted(receivers), ", "))
}

func resolve(ctx context.Context, o *Overlay, kind graph.NodeKind, ref string) ([]graph.Node, error) {
	return query.ResolveNodes(ctx, o, kind, []string{ref})
}

// jobFilter returns the set of runtime ids an edit is limited to, or nil
// for every runtime.
func jobFilter(ctx context.Context, o *Overlay, e Edit) (map[string]bool, error) {
	if e.Job == "" {
		return nil, nil
	}
	jobs, err := resolve(ctx, o, graph.NodeRuntime, e.Job)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, j := range jobs {
		out[j.ID] = true
	}
	return out, nil
}

// removeSecret stops the named jobs (or every job) from receiving a secret.
func removeSecret(ctx context.Context, o *Overlay, e Edit) error {
	jobs, err := jobFilter(ctx, o, e)
	if err != nil {
		return err
	}
	secrets, err := resolve(ctx, o, graph.NodeSecret, e.Secret)
	if err != nil {
		return err
	}
	removed := 0
	var receivers []string
	for _, s := range secrets {
		in, err := o.Expand(ctx, []string{s.ID}, graph.In, graph.EdgeExposes)
		if err != nil {
			return err
		}
		for _, ed := range in {
			receivers = append(receivers, ed.From)
			if jobs == nil || jobs[ed.From] {
				o.DeleteEdge(ed.Key())
				removed++
			}
		}
	}
	if removed == 0 {
		return noReceiverErr("secret", e, receivers)
	}
	return nil
}

// actionID turns owner/repo[/path]@ref or a purl into the purl of an
// action version.
func actionID(ref string) (string, error) {
	if strings.HasPrefix(ref, "pkg:") {
		spec, err := query.ParsePackage(ref)
		if err != nil || spec.Version == "" {
			return "", editErr("action must name one version, as owner/repo@ref or pkg:githubactions/owner/repo@ref")
		}
		id := spec.Name + "@" + spec.Version
		if spec.Subpath != "" {
			id += "#" + spec.Subpath
		}
		return id, nil
	}
	name, version, ok := strings.Cut(ref, "@")
	parts := strings.Split(name, "/")
	if !ok || version == "" || len(parts) < 2 {
		return "", editErr("action must name one version, as owner/repo@ref or pkg:githubactions/owner/repo@ref")
	}
	id := "pkg:githubactions/" + strings.ToLower(parts[0]+"/"+parts[1]) + "@" + version
	if len(parts) > 2 {
		id += "#" + strings.Join(parts[2:], "/")
	}
	return id, nil
}

// pinAction makes the jobs that run an action by tag or branch run it at
// a commit instead. The tagged version stays in the graph, run by no job.
func pinAction(ctx context.Context, o *Overlay, e Edit) error {
	id, err := actionID(e.Action)
	if err != nil {
		return err
	}
	jobs, err := jobFilter(ctx, o, e)
	if err != nil {
		return err
	}
	old, ok, err := o.node(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return editErr("no job runs action %s", id)
	}
	base, sub, _ := strings.Cut(id, "#")
	name, _, _ := strings.Cut(base, "@")
	newID := name + "@" + e.SHA
	if sub != "" {
		newID += "#" + sub
	}
	execs, err := o.Expand(ctx, []string{id}, graph.In, graph.EdgeExecutes)
	if err != nil {
		return err
	}
	moved := 0
	for _, ed := range execs {
		if jobs != nil && !jobs[ed.From] {
			continue
		}
		o.DeleteEdge(ed.Key())
		ne := ed
		ne.To = newID
		ne.Attrs = copyAttrs(ed.Attrs)
		ne.SetAttr("pinned", "sha")
		o.PutEdge(ne)
		moved++
	}
	if moved == 0 {
		return editErr("no job named by the edit runs action %s", id)
	}
	n := old
	n.ID = newID
	n.Attrs = copyAttrs(old.Attrs)
	n.SetAttr("version", e.SHA)
	n.Label = strings.TrimPrefix(name, "pkg:githubactions/") + "@" + e.SHA
	o.PutNode(n)
	if _, ok, err := o.node(ctx, name); err == nil && ok {
		o.PutEdge(graph.Edge{From: newID, To: name, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: old.Pos})
	}
	return nil
}

// replaceKeyWithOIDC takes a stored key out of the jobs that receive it
// and gives those jobs an OIDC role instead. The role trusts the jobs'
// subject for the bound environment or branch, and it gets the
// permissions of the identity the key acted as.
func replaceKeyWithOIDC(ctx context.Context, o *Overlay, e Edit) error {
	jobs, err := jobFilter(ctx, o, e)
	if err != nil {
		return err
	}
	named, err := resolve(ctx, o, graph.NodeSecret, e.Secret)
	if err != nil {
		return err
	}

	// The stored key, the secrets that hold it, and who it acts as.
	var keys []string
	holders := map[string]bool{}
	for _, s := range named {
		held, err := o.Expand(ctx, []string{s.ID}, graph.Out, graph.EdgeHolds)
		if err != nil {
			return err
		}
		if len(held) == 0 {
			keys = append(keys, s.ID)
		}
		for _, h := range held {
			keys = append(keys, h.To)
		}
	}
	keys = uniqueSorted(keys)
	holdEdges, err := o.Expand(ctx, keys, graph.In, graph.EdgeHolds)
	if err != nil {
		return err
	}
	for _, h := range holdEdges {
		holders[h.From] = true
	}
	for _, k := range keys {
		holders[k] = true
	}
	auth, err := o.Expand(ctx, keys, graph.Out, graph.EdgeAuthenticatesAs)
	if err != nil {
		return err
	}
	var identities []string
	for _, a := range auth {
		identities = append(identities, a.To)
	}
	identities = uniqueSorted(identities)

	// Take the key out of its consumers.
	var consumers, receivers []string
	for id := range holders {
		in, err := o.Expand(ctx, []string{id}, graph.In, graph.EdgeExposes)
		if err != nil {
			return err
		}
		for _, ed := range in {
			receivers = append(receivers, ed.From)
			if jobs != nil && !jobs[ed.From] {
				continue
			}
			o.DeleteEdge(ed.Key())
			consumers = append(consumers, ed.From)
		}
	}
	consumers = uniqueSorted(consumers)
	if len(consumers) == 0 {
		return noReceiverErr("key", e, receivers)
	}
	jobNodes, err := o.Nodes(ctx, consumers)
	if err != nil {
		return err
	}

	// Give each consumer an OIDC subject with the edit's binding. The
	// subjects are grouped by the issuer of their jobs' tokens.
	subs := map[string][]string{}
	for _, j := range jobNodes {
		if j.Attr("type") != "gha-job" {
			return editErr("%s is not a GitHub Actions job; only those get OIDC roles here", j.ID)
		}
		bound, err := bindJob(ctx, o, j, e)
		if err != nil {
			return err
		}
		subs[issuerHost(j)] = append(subs[issuerHost(j)], bound...)
	}

	// The role: trusted by those subjects, with the key's permissions.
	account := accountOfARN(e.Role)
	role, ok, err := o.node(ctx, e.Role)
	if err != nil {
		return err
	}
	if !ok {
		if !strings.HasPrefix(e.Role, "arn:aws:iam::") || !strings.Contains(e.Role, ":role/") {
			return editErr("role must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME")
		}
		name := e.Role[strings.LastIndex(e.Role, "/")+1:]
		role = graph.Node{ID: e.Role, Kind: graph.NodeIdentity, Label: name, Pos: graph.Pos{File: "(what-if)"}}
		role.SetAttr(graph.AttrProvider, "aws")
		role.SetAttr("type", "role")
		role.SetAttr(graph.AttrName, name)
		if account != "" {
			role.SetAttr(graph.AttrAccount, account)
		}
	} else {
		role.Attrs = copyAttrs(role.Attrs)
	}
	trust := role.PolicyAttr("trust_policy")
	for _, issuer := range slices.Sorted(maps.Keys(subs)) {
		if trust, err = appendTrust(trust, account, issuer, uniqueSorted(subs[issuer])); err != nil {
			return err
		}
	}
	role.SetAttr("trust_policy", trust)
	o.PutNode(role)
	for _, id := range identities {
		pols, err := policiesOf(ctx, o, id)
		if err != nil {
			return err
		}
		for _, p := range pols {
			o.PutEdge(graph.Edge{From: e.Role, To: p, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain, Pos: graph.Pos{File: "(what-if)"}})
		}
	}
	return nil
}

// useTrustedPublishing takes a registry token out of the GitHub Actions
// jobs that publish with it. Each job's OIDC token then acts as the
// workflow's trusted publisher. That identity can publish the packages
// the token's account was shown to publish, not every package on the
// registry.
func useTrustedPublishing(ctx context.Context, o *Overlay, e Edit) error {
	jobs, err := jobFilter(ctx, o, e)
	if err != nil {
		return err
	}
	secrets, err := resolve(ctx, o, graph.NodeSecret, e.Secret)
	if err != nil {
		return err
	}
	ids := idsOf(secrets)
	auth, err := o.Expand(ctx, ids, graph.Out, graph.EdgeAuthenticatesAs)
	if err != nil {
		return err
	}
	var accountIDs []string
	for _, a := range auth {
		accountIDs = append(accountIDs, a.To)
	}
	accounts, err := o.Nodes(ctx, uniqueSorted(accountIDs))
	if err != nil {
		return err
	}
	var registries []graph.Node
	for _, a := range accounts {
		if a.Attr("type") == "registry-account" && graph.OffersTrustedPublishing(a.Attr("registry")) {
			registries = append(registries, a)
		}
	}
	if len(registries) == 0 {
		return editErr("secret %s logs in to no registry that offers trusted publishing (registry.npmjs.org, pypi.org, test.pypi.org)", e.Secret)
	}
	published, err := o.Expand(ctx, idsOf(registries), graph.Out, graph.EdgeCanPublish)
	if err != nil {
		return err
	}

	in, err := o.Expand(ctx, ids, graph.In, graph.EdgeExposes)
	if err != nil {
		return err
	}
	var receivers, moved []string
	for _, ed := range in {
		receivers = append(receivers, ed.From)
		if jobs != nil && !jobs[ed.From] {
			continue
		}
		o.DeleteEdge(ed.Key())
		moved = append(moved, ed.From)
	}
	if len(moved) == 0 {
		return noReceiverErr("secret", e, receivers)
	}
	jobNodes, err := o.Nodes(ctx, uniqueSorted(moved))
	if err != nil {
		return err
	}
	pos := graph.Pos{File: "(what-if)"}
	for _, j := range jobNodes {
		if j.Attr("type") != "gha-job" {
			return editErr("%s is not a GitHub Actions job; only those publish by trusted publishing here", j.ID)
		}
		withOIDCToken(o, j)
		for _, acct := range registries {
			host := acct.Attr("registry")
			ident := graph.TrustedPublisherID(host, graph.GHARepoOf(j), j.Attr("workflow"))
			o.PutNode(graph.Node{ID: ident, Kind: graph.NodeIdentity, Label: "trusted publisher " + j.Attr(graph.AttrRepository) + "/" + j.Attr("workflow") + " on " + host, Pos: pos,
				Attrs: map[string]string{graph.AttrProvider: "registry", "type": "registry-account", "registry": host,
					"ecosystem": acct.Attr("ecosystem"), "trusted_publisher": "true"}})
			auth := graph.Edge{From: graph.GHAOIDCTokenID(j.ID), To: ident, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos}
			auth.SetAttr(graph.AttrReason, "the job publishes to "+host+" by trusted publishing")
			o.PutEdge(auth)
			for _, p := range published {
				if p.From != acct.ID {
					continue
				}
				pub := graph.Edge{From: ident, To: p.To, Kind: graph.EdgeCanPublish, Confidence: graph.Certain, Pos: pos}
				pub.SetAttr(graph.AttrReason, "the package trusts this workflow to publish it")
				o.PutEdge(pub)
			}
		}
	}
	return nil
}

// withOIDCToken gives a job the id-token:write permission, unless it has
// it, and the OIDC token it can then request. The job's subject is left
// as it is.
func withOIDCToken(o *Overlay, j graph.Node) {
	perms := graph.SplitList(j.Attr("permissions"))
	if !contains(perms, "id-token:write") {
		jn := j
		jn.Attrs = copyAttrs(j.Attrs)
		jn.SetAttr("permissions", graph.JoinList(append(perms, "id-token:write")))
		o.PutNode(jn)
	}
	pos := graph.Pos{File: "(what-if)"}
	tokenID := graph.GHAOIDCTokenID(j.ID)
	tok := graph.Node{ID: tokenID, Kind: graph.NodeSecret, Label: "OIDC token of " + j.Attr("job"), Pos: pos,
		Attrs: map[string]string{graph.AttrProvider: "github", "type": "oidc-token", graph.AttrLongLived: "false", graph.AttrRepository: j.Attr(graph.AttrRepository)}}
	if h := j.Attr(graph.AttrRepositoryHost); h != "" {
		tok.SetAttr(graph.AttrRepositoryHost, h)
	}
	o.PutNode(tok)
	exp := graph.Edge{From: j.ID, To: tokenID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos}
	exp.SetAttr(graph.AttrVia, "oidc")
	o.PutEdge(exp)
}

func idsOf(ns []graph.Node) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

// bindJob gives a job an OIDC token and subject whose claims match the
// binding, and returns those claims. Binding to an environment puts the
// job in it, which changes its subject for every trust; binding to a
// branch keeps a job's existing subject.
func bindJob(ctx context.Context, o *Overlay, j graph.Node, e Edit) ([]string, error) {
	repo := j.Attr(graph.AttrRepository)
	var subs []string
	jn := j
	jn.Attrs = copyAttrs(j.Attrs)
	if e.Environment != "" {
		// A job in an environment gets the environment's subject only.
		jn.SetAttr("environment", e.Environment)
		subs = []string{"repo:" + repo + ":environment:" + e.Environment}
	} else {
		subs = []string{"repo:" + repo + ":ref:refs/heads/" + e.Branch}
	}
	perms := graph.SplitList(j.Attr("permissions"))
	if !contains(perms, "id-token:write") {
		perms = append(perms, "id-token:write")
		jn.SetAttr("permissions", graph.JoinList(perms))
	}
	o.PutNode(jn)

	tokenID, subjectID := graph.GHAOIDCTokenID(j.ID), graph.GHAOIDCSubjectID(j.ID)
	if e.Branch != "" {
		if _, ok, err := o.node(ctx, subjectID); err != nil || ok {
			return subs, err
		}
	}
	withOIDCToken(o, jn)
	pos := graph.Pos{File: "(what-if)"}
	subject := graph.Node{ID: subjectID, Kind: graph.NodeIdentity, Label: "OIDC subject of " + j.Attr("job"), Pos: pos,
		Attrs: map[string]string{graph.AttrProvider: "github-oidc", "type": "oidc-subject", "issuer": "https://" + issuerHost(j),
			graph.AttrRepository: repo, "subs": graph.JoinList(subs)}}
	if h := j.Attr(graph.AttrRepositoryHost); h != "" {
		subject.SetAttr(graph.AttrRepositoryHost, h)
	}
	if e.Environment != "" {
		subject.SetAttr("environment", e.Environment)
	}
	o.PutNode(subject)
	o.PutEdge(graph.Edge{From: tokenID, To: subjectID, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos})
	return subs, nil
}

// appendTrust adds a statement trusting the OIDC provider of issuer (a
// GitHub host's, without https://) for the given subjects to a trust
// policy (or starts one).
func appendTrust(doc, account, issuer string, subs []string) (string, error) {
	p := map[string]any{"Version": "2012-10-17"}
	if doc != "" {
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return "", editErr("the role's trust policy is not JSON")
		}
	}
	stmts := statementsOf(p)
	var sub any = subs[0]
	if len(subs) > 1 {
		list := make([]any, len(subs))
		for i, s := range subs {
			list[i] = s
		}
		sub = list
	}
	stmts = append(stmts, map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Federated": "arn:aws:iam::" + account + ":oidc-provider/" + issuer},
		"Action":    "sts:AssumeRoleWithWebIdentity",
		"Condition": map[string]any{"StringEquals": map[string]any{
			issuer + ":aud": "sts.amazonaws.com",
			issuer + ":sub": sub,
		}},
	})
	p["Statement"] = stmts
	return compactJSON(p)
}

func statementsOf(p map[string]any) []any {
	switch s := p["Statement"].(type) {
	case []any:
		return s
	case map[string]any:
		return []any{s}
	}
	return nil
}

func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// policiesOf lists the policies of an identity and of the groups it is in.
func policiesOf(ctx context.Context, o *Overlay, id string) ([]string, error) {
	ids := []string{id}
	groups, err := o.Expand(ctx, ids, graph.Out, graph.EdgeMemberOf)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		ids = append(ids, g.To)
	}
	es, err := o.Expand(ctx, ids, graph.Out, graph.EdgeHasPolicy)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range es {
		out = append(out, e.To)
	}
	return uniqueSorted(out), nil
}

// addTrustCondition adds a condition to the Allow statements of a role's
// trust policy (or to the one statement the edit names).
func addTrustCondition(ctx context.Context, o *Overlay, e Edit) error {
	roles, err := resolve(ctx, o, graph.NodeIdentity, e.Role)
	if err != nil {
		return err
	}
	for _, role := range roles {
		doc := role.PolicyAttr("trust_policy")
		if doc == "" {
			return editErr("%s has no trust policy in the graph", role.ID)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return editErr("the trust policy of %s is not JSON", role.ID)
		}
		stmts := statementsOf(p)
		changed := 0
		for i, s := range stmts {
			st, ok := s.(map[string]any)
			if !ok || st["Effect"] != "Allow" || (e.Statement != "" && !statementIs(st, i, e.Statement)) {
				continue
			}
			cond, _ := st["Condition"].(map[string]any)
			if cond == nil {
				cond = map[string]any{}
			}
			op, _ := cond[e.Operator].(map[string]any)
			if op == nil {
				op = map[string]any{}
			}
			vals := make([]any, len(e.Values))
			for i, v := range e.Values {
				vals[i] = v
			}
			op[e.Key] = vals
			cond[e.Operator] = op
			st["Condition"] = cond
			changed++
		}
		if changed == 0 {
			return editErr("the trust policy of %s has no Allow statement the edit names", role.ID)
		}
		p["Statement"] = stmts
		out, err := compactJSON(p)
		if err != nil {
			return err
		}
		n := role
		n.Attrs = copyAttrs(role.Attrs)
		n.SetAttr("trust_policy", out)
		o.PutNode(n)
	}
	return nil
}

// statementIs reports whether a statement is the one a reference names:
// by Sid, or by its 1-based position.
func statementIs(st map[string]any, i int, ref string) bool {
	if sid, _ := st["Sid"].(string); sid != "" && sid == ref {
		return true
	}
	n, err := strconv.Atoi(ref)
	return err == nil && n == i+1
}

// editStatement tightens or deletes one statement of a policy document.
func editStatement(ctx context.Context, o *Overlay, e Edit) error {
	pols, err := resolve(ctx, o, graph.NodePolicy, e.Policy)
	if err != nil {
		return err
	}
	for _, pol := range pols {
		if pol.Attr(graph.AttrProvider) == "gcp" && pol.Attr("type") == "iam-grant" {
			if err := deleteGrant(o, pol, e); err != nil {
				return err
			}
			continue
		}
		doc := pol.PolicyAttr("document")
		if doc == "" {
			return editErr("policy %s has no document in the graph", pol.ID)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return editErr("the document of policy %s is not JSON", pol.ID)
		}
		stmts := statementsOf(p)
		var kept []any
		found := false
		for i, s := range stmts {
			st, ok := s.(map[string]any)
			if !ok || !statementIs(st, i, e.Statement) {
				kept = append(kept, s)
				continue
			}
			found = true
			if e.Kind == EditDeleteStatement {
				continue
			}
			if len(e.Actions) > 0 {
				delete(st, "NotAction")
				st["Action"] = anyList(e.Actions)
			}
			if len(e.Resources) > 0 {
				delete(st, "NotResource")
				st["Resource"] = anyList(e.Resources)
			}
			kept = append(kept, st)
		}
		if !found {
			return editErr("policy %s has no statement %s", pol.ID, e.Statement)
		}
		if kept == nil {
			kept = []any{}
		}
		p["Statement"] = kept
		out, err := compactJSON(p)
		if err != nil {
			return err
		}
		n := pol
		n.Attrs = copyAttrs(pol.Attrs)
		n.SetAttr("document", out)
		o.PutNode(n)
	}
	return nil
}

// deleteGrant removes a Google Cloud grant, one role given to one member
// on one resource. The grant is its only statement, named 1 or by its
// role, so it can be deleted but not tightened.
func deleteGrant(o *Overlay, grant graph.Node, e Edit) error {
	role := grant.Attr("role")
	if e.Kind != EditDeleteStatement {
		return editErr("%s is a Google Cloud grant of role %s to one member, which has no actions or resources to tighten: remove it with delete_statement and statement 1", grant.ID, role)
	}
	if e.Statement != "1" && e.Statement != role {
		return editErr("Google Cloud grant %s has one statement, statement 1 (role %s)", grant.ID, role)
	}
	o.DeleteNode(grant.ID)
	return nil
}

func anyList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// moveSecretToEnv turns a repository secret into an environment secret:
// only jobs that run in that environment still receive it.
func moveSecretToEnv(ctx context.Context, o *Overlay, e Edit) error {
	secrets, err := resolve(ctx, o, graph.NodeSecret, e.Secret)
	if err != nil {
		return err
	}
	moved := 0
	for _, s := range secrets {
		repo, name := s.Attr(graph.AttrRepository), s.Attr(graph.AttrName)
		if s.Attr("type") != "actions-secret" || s.Attr("environment") != "" || repo == "" || name == "" || strings.HasPrefix(s.ID, "secret:gha:org:") {
			continue
		}
		newID := graph.GHAEnvSecretID(graph.GHARepoOf(s), e.Environment, name)
		n := s
		n.ID = newID
		n.Attrs = copyAttrs(s.Attrs)
		n.SetAttr("environment", e.Environment)
		out, err := o.Expand(ctx, []string{s.ID}, graph.Out)
		if err != nil {
			return err
		}
		in, err := o.Expand(ctx, []string{s.ID}, graph.In, graph.EdgeExposes, graph.EdgeCanReadSecret)
		if err != nil {
			return err
		}
		var jobIDs []string
		for _, ed := range in {
			jobIDs = append(jobIDs, ed.From)
		}
		jobs, err := o.Nodes(ctx, uniqueSorted(jobIDs))
		if err != nil {
			return err
		}
		envOf := map[string]string{}
		for _, j := range jobs {
			envOf[j.ID] = j.Attr("environment")
		}
		o.DeleteNode(s.ID)
		o.PutNode(n)
		for _, ed := range out {
			ne := ed
			ne.From = newID
			o.PutEdge(ne)
		}
		for _, ed := range in {
			if ed.Kind == graph.EdgeExposes && envOf[ed.From] != e.Environment {
				continue
			}
			ne := ed
			ne.To = newID
			o.PutEdge(ne)
		}
		moved++
	}
	if moved == 0 {
		return editErr("no repository-level Actions secret matches the edit")
	}
	return nil
}

func accountOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func copyAttrs(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func uniqueSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
