package link

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"}

// scpType is the policy_type of a service control policy node.
const scpType = "SERVICE_CONTROL_POLICY"

// fullAWSAccess is the FullAWSAccess policy AWS Organizations
// attaches to every root, organisational unit and account by default.
var fullAWSAccess = func() *awspolicy.Policy {
	p, err := awspolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		panic(err)
	}
	return p
}()

// principal is an IAM user or role with the policies that apply to it.
type principal struct {
	node     graph.Node
	policies []awspolicy.Named
	boundary []awspolicy.Named
	unknown  []string // attached policies whose document is not known
	// boundaryUnknown names a permissions boundary whose document the
	// input does not show: every allow is then only possible.
	boundaryUnknown string
	// scps are the service control policies of the principal's
	// organisation, root first; nil when none apply.
	scps []awspolicy.PolicySet
	// scpsMaybe holds, for a principal whose account the input does not
	// give, the service control policies of each member account the
	// input shows: any of them may bind it.
	scpsMaybe map[string][]awspolicy.PolicySet
	// mfa explains how a request of the principal can carry MFA; nil
	// while the enrolment check itself is evaluated.
	mfa func() string
}

func (v *view) principals() []*principal {
	var out []*principal
	// The member accounts' policies are the same for every principal
	// whose account is unknown, so they are gathered once.
	var members map[string][]awspolicy.PolicySet
	membersRead := false
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr(graph.AttrProvider) != "aws" {
			continue
		}
		t := n.Attr("type")
		if t != "user" && t != "role" {
			continue
		}
		p := &principal{node: n}
		v.collectPolicies(p, n.ID)
		for _, m := range v.edgesFrom(graph.EdgeMemberOf, n.ID) {
			v.collectPolicies(p, m.To)
		}
		if b := n.Attr("permissions_boundary"); b != "" {
			if pol, ok := v.policy(b); ok {
				p.boundary = []awspolicy.Named{{Name: b, Policy: pol}}
			} else {
				p.boundaryUnknown = b
			}
		}
		switch acct := n.Attr(graph.AttrAccount); {
		case n.Attr("management_account") == "true":
			// Service control policies bind no principal of the
			// management account.
		case acct != "":
			p.scps = v.scpsFor(acct)
		default:
			if !membersRead {
				members, membersRead = v.memberSCPs(), true
			}
			p.scpsMaybe = members
		}
		out = append(out, p)
	}
	for _, p := range out {
		p.mfa = mfaOnce(p, out)
	}
	return out
}

// MFA enrolment: a condition on aws:MultiFactorAuthPresent holds for a
// user's session when the caller signs in with an MFA device of the
// user. A principal that can create a virtual device and enable it on the
// user (iam:CreateVirtualMFADevice, iam:EnableMFADevice) brings such a
// device.
const (
	actCreateMFA = "iam:CreateVirtualMFADevice"
	actEnableMFA = "iam:EnableMFADevice"
)

// mfaOnce returns a function that explains, once, how a session of p can
// carry MFA: which principals may enrol a device for a user, or why a
// role's session carries it.
func mfaOnce(p *principal, all []*principal) func() string {
	var once sync.Once
	var text string
	return func() string {
		once.Do(func() { text = mfaText(p, all) })
		return text
	}
}

func mfaText(p *principal, all []*principal) string {
	const need = "aws:MultiFactorAuthPresent must be true: "
	if p.node.Attr("type") != "user" {
		return need + "a session of " + p.node.ID + " carries MFA only when whoever assumed it signed in with MFA"
	}
	account := p.node.Attr(graph.AttrAccount)
	device := "arn:aws:iam::" + account + ":mfa/" + p.node.Attr(graph.AttrName)
	var who []string
	for _, q := range all {
		if !sameAccount(q, account) {
			continue
		}
		// The enrolment check must not ask for MFA itself. It runs on a
		// copy, since other principals are evaluated at the same time.
		plain := *q
		plain.mfa = nil
		create := plain.decide(awspolicy.Request{Action: actCreateMFA, Resource: device, ResourceAccount: account})
		enable := plain.decide(awspolicy.Request{Action: actEnableMFA, Resource: p.node.ID, ResourceAccount: account})
		if create.Effect < awspolicy.MaybeAllowed || enable.Effect < awspolicy.MaybeAllowed {
			continue
		}
		w := q.node.ID + " (" + allowReason(create, actCreateMFA) + "; " + allowReason(enable, actEnableMFA) + ")"
		if q == p {
			w = "the user itself " + w
		}
		who = append(who, w)
	}
	sort.Strings(who)
	if len(who) == 0 {
		return need + "only a holder of an MFA device of " + p.node.ID + " meets it, since no principal in the input holds " +
			actCreateMFA + " and " + actEnableMFA + " on it"
	}
	return need + "an attacker meets it by enrolling a device of its own with " + actCreateMFA + " and " + actEnableMFA +
		", which " + strings.Join(who, ", ") + " may use on " + p.node.ID
}

// sameAccount reports whether q may be of the account: its own, or an
// unknown one on either side.
func sameAccount(q *principal, account string) bool {
	a := q.node.Attr(graph.AttrAccount)
	return a == "" || account == "" || a == account
}

// mfaKey reports whether an explanation names an MFA condition key.
func mfaKey(why string) bool { return strings.Contains(strings.ToLower(why), "aws:multifactorauth") }

// withMFA re-decides a possible allow that only an MFA condition leaves
// open, with MFA present. The allow stays possible, and the reason names
// who can meet the condition.
func (p *principal) withMFA(d awspolicy.Decision, eval func(awspolicy.Context) awspolicy.Decision, ctx awspolicy.Context) awspolicy.Decision {
	if d.Effect != awspolicy.MaybeAllowed || p.mfa == nil || !mfaKey(d.Why) {
		return d
	}
	alt := eval(ctx.With("aws:MultiFactorAuthPresent", "true").With("aws:MultiFactorAuthAge", "1"))
	if alt.Effect < awspolicy.MaybeAllowed {
		return d
	}
	out := alt
	out.Effect = awspolicy.MaybeAllowed
	out.Why = whyAnd(alt.Why, p.mfa())
	return out
}

// allowsAction reports whether an identity policy of the principal has an
// Allow statement for the action, whatever its resources and conditions.
// Without one, no request of the action is allowed on a resource without
// a policy of its own, such as an IAM user, since permissions boundaries
// and service control policies only narrow what identity policies allow.
func (p *principal) allowsAction(action string) bool {
	for _, n := range p.policies {
		for i := range n.Policy.Statements {
			st := &n.Policy.Statements[i]
			if st.Effect == "Allow" && st.MatchesAction(action) {
				return true
			}
		}
	}
	return false
}

func (v *view) collectPolicies(p *principal, id string) {
	for _, e := range v.edgesFrom(graph.EdgeHasPolicy, id) {
		if v.get(e.To).Attr("policy_type") == scpType {
			continue
		}
		if pol, ok := v.policy(e.To); ok {
			p.policies = append(p.policies, awspolicy.Named{Name: e.To, Policy: pol})
		} else {
			p.unknown = append(p.unknown, e.To)
		}
	}
}

func (v *view) policy(id string) (*awspolicy.Policy, bool) {
	if p, ok := v.policies[id]; ok {
		return p, true
	}
	return awspolicy.Managed(id)
}

// scpsFor returns the service control policies that bind the principals
// of an account: the policies attached to the account node
// aws:account:<id> and to each organisational unit above it (MEMBER_OF
// account -> OU -> parent OU or root), root first. A level where the
// input attaches no policy with an Allow statement keeps the
// FullAWSAccess policy AWS attaches by default. The management account,
// which owns the policies or is marked management=true, is bound by none.
func (v *view) scpsFor(account string) []awspolicy.PolicySet {
	if account == "" {
		return nil
	}
	acct, ok := v.node("aws:account:" + account)
	if !ok || acct.Attr("management") == "true" {
		return nil
	}
	chain := []string{acct.ID}
	seen := map[string]bool{acct.ID: true}
	for cur := acct.ID; len(chain) < 16; {
		parents := v.edgesFrom(graph.EdgeMemberOf, cur)
		if len(parents) == 0 {
			break
		}
		next := parents[0].To
		for _, e := range parents[1:] {
			next = min(next, e.To)
		}
		if seen[next] {
			break
		}
		seen[next] = true
		chain = append(chain, next)
		cur = next
	}

	var sets []awspolicy.PolicySet
	attached := false
	for i := len(chain) - 1; i >= 0; i-- {
		set := awspolicy.PolicySet{Name: chain[i]}
		allows := false
		for _, e := range v.edgesFrom(graph.EdgeHasPolicy, chain[i]) {
			pn := v.get(e.To)
			if pn.Attr("policy_type") != scpType {
				continue
			}
			attached = true
			if pn.Attr(graph.AttrAccount) == account {
				return nil
			}
			pol, ok := v.policies[e.To]
			if !ok {
				continue
			}
			set.Policies = append(set.Policies, awspolicy.Named{Name: e.To, Policy: pol})
			for _, st := range pol.Statements {
				allows = allows || st.Effect == "Allow"
			}
		}
		if !allows {
			set.Policies = append(set.Policies, awspolicy.Named{Name: "FullAWSAccess (attached by default)", Policy: fullAWSAccess})
		}
		sets = append(sets, set)
	}
	if !attached {
		return nil
	}
	return sets
}

// memberSCPs returns the service control policies of every account node
// of the input that some policy binds, by account id.
func (v *view) memberSCPs() map[string][]awspolicy.PolicySet {
	var out map[string][]awspolicy.PolicySet
	for _, n := range v.byKind[graph.NodeIdentity] {
		acct, ok := strings.CutPrefix(n.ID, "aws:account:")
		if !ok || n.Attr("type") != "account" {
			continue
		}
		if sets := v.scpsFor(acct); sets != nil {
			if out == nil {
				out = map[string][]awspolicy.PolicySet{}
			}
			out[acct] = sets
		}
	}
	return out
}

// awsPrincipal is the principal as policies match it: the user, or the
// role acting through a session whose name the input does not show.
func (p *principal) awsPrincipal() awspolicy.Principal {
	return awspolicy.Principal{
		ARN:         p.node.ID,
		Account:     p.node.Attr(graph.AttrAccount),
		HasBoundary: p.node.Attr("permissions_boundary") != "",
	}
}

// decide evaluates a request on the principal's side alone: identity
// policies, permissions boundary and service control policies.
func (p *principal) decide(req awspolicy.Request) awspolicy.Decision {
	return p.decideWith(req, nil, false, "")
}

// decideWith evaluates a request with every layer, the resource's own
// policy included when rp is not nil.
func (p *principal) decideWith(req awspolicy.Request, rp []awspolicy.Named, required bool, layer string) awspolicy.Decision {
	if req.Principal == (awspolicy.Principal{}) {
		req.Principal = p.awsPrincipal()
	}
	if req.Context.Values == nil {
		req.Context = p.context()
	}
	eval := func(ctx awspolicy.Context) awspolicy.Decision {
		r := req
		r.Context = ctx
		return awspolicy.EvaluateRequest(awspolicy.Input{
			Request:          r,
			Identity:         p.policies,
			Boundary:         p.boundary,
			SCPs:             p.scps,
			Resource:         rp,
			ResourceRequired: required,
			ResourceLayer:    layer,
		})
	}
	d := p.withMFA(eval(req.Context), eval, req.Context)
	if p.boundaryUnknown != "" && d.Effect == awspolicy.Allowed {
		d.Effect = awspolicy.MaybeAllowed
		d.Why = "permissions boundary " + p.boundaryUnknown + " is not in the input"
	}
	if d.Effect >= awspolicy.MaybeAllowed && len(p.scpsMaybe) > 0 {
		// The principal's account is not known: the service control
		// policies of any member account may bind it.
		for _, acct := range accountKeys(p.scpsMaybe) {
			in := awspolicy.Input{Request: req, Identity: p.policies, Boundary: p.boundary, SCPs: p.scpsMaybe[acct],
				Resource: rp, ResourceRequired: required, ResourceLayer: layer}
			if alt := awspolicy.EvaluateRequest(in); alt.Effect < awspolicy.MaybeAllowed {
				d.Effect = awspolicy.MaybeAllowed
				d.Why = whyAnd(d.Why, alt.String()+" if "+p.node.ID+" is in account "+acct)
				if alt.Deny != nil {
					d.Deny = alt.Deny
				}
			}
		}
	}
	return d
}

func whyAnd(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func accountKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// context holds the request keys known for every call of the principal.
func (p *principal) context() awspolicy.Context {
	vals := map[string][]string{}
	if p.node.Attr("type") == "administrator" {
		// Whichever identity was made the administrator acts: its ARN is
		// not known.
		if a := p.node.Attr(graph.AttrAccount); a != "unknown-account" {
			vals["aws:PrincipalAccount"] = []string{a}
		}
		return awspolicy.Context{Values: vals}
	}
	vals["aws:PrincipalArn"] = []string{p.node.ID}
	if a := p.node.Attr(graph.AttrAccount); a != "" {
		vals["aws:PrincipalAccount"] = []string{a}
	}
	switch p.node.Attr("type") {
	case "user":
		vals["aws:PrincipalType"] = []string{"User"}
		if name := p.node.Attr(graph.AttrName); name != "" {
			vals["aws:username"] = []string{name}
		}
	case "role":
		vals["aws:PrincipalType"] = []string{"AssumedRole"}
		// A role's session carries no user name, so a statement whose
		// resource names ${aws:username} matches nothing for it.
		vals["aws:username"] = []string{}
	case "group":
		// The user who joins acts, whose ARN is not known.
		delete(vals, "aws:PrincipalArn")
		// A group acts through the user who joins it, so ${aws:username}
		// in its policies names that user and no other. The value is no
		// valid IAM user name, so it matches no user of the graph.
		// NOTE: a condition on aws:username is then false for the group,
		// where the name of the user who joins is not known.
		vals["aws:PrincipalType"] = []string{"User"}
		vals["aws:username"] = []string{groupMemberName}
	}
	return awspolicy.Context{Values: vals}
}

// groupMemberName stands for the user who joins a group that acts (see
// escalation.addGroupActor) where a policy of the group names the caller's
// user name.
const groupMemberName = "(the user who joins the group)"

// resPolicy is a resource's own policy as the input gives it.
type resPolicy struct {
	policy *awspolicy.Policy
	bad    bool // the attribute is there but could not be parsed
}

// resourcePolicies parses the resource_policy attribute of every
// resource and secret.
func (v *view) resourcePolicies() map[string]resPolicy {
	out := map[string]resPolicy{}
	for _, kind := range []graph.NodeKind{graph.NodeResource, graph.NodeSecret} {
		for _, n := range v.byKind[kind] {
			doc := n.Attr("resource_policy")
			if doc == "" {
				continue
			}
			pol, err := awspolicy.Parse(doc)
			out[n.ID] = resPolicy{policy: pol, bad: err != nil}
		}
	}
	return out
}

// resourceAccount returns the account that owns a resource: its account
// attribute, else the account part of its ARN, the node's id or its arn
// attribute. A runtime's id is no ARN (runtime:aws:lambda:arn:...), and
// its fourth part is no account.
func resourceAccount(n graph.Node) string {
	if a := n.Attr(graph.AttrAccount); a != "" {
		return a
	}
	if strings.HasPrefix(n.ID, "arn:") {
		return awspolicy.AccountOf(n.ID)
	}
	if arn := n.Attr("arn"); strings.HasPrefix(arn, "arn:") {
		return awspolicy.AccountOf(arn)
	}
	return ""
}

// decideOn evaluates an action of p on a resource node (or a part of it
// named by arn, such as its objects), with the node's own policy.
func (v *view) decideOn(p *principal, action, arn string, target graph.Node, res map[string]resPolicy) awspolicy.Decision {
	req := awspolicy.Request{Action: action, Resource: arn, ResourceAccount: resourceAccount(target)}
	rp, ok := res[target.ID]
	required := awspolicy.ServiceOf(target.ID) == "kms" && ok
	var named []awspolicy.Named
	if ok && rp.policy != nil {
		named = []awspolicy.Named{{Name: target.ID, Policy: rp.policy}}
	}
	d := p.decideWith(req, named, required, "")
	if ok && rp.bad && d.Effect == awspolicy.Allowed {
		d.Effect = awspolicy.MaybeAllowed
		d.Why = "the resource policy of " + target.ID + " could not be read"
	}
	if target.Attr("policy_unresolved") == "true" && d.Effect == awspolicy.Allowed {
		// The policy the input sets may deny the request.
		d.Effect = awspolicy.MaybeAllowed
		d.Why = whyAnd(d.Why, "the resource policy of "+target.ID+" is unknown: "+target.Attr("unresolved"))
	}
	return accountDoubt(d, p, target)
}

// accountDoubt makes an allow possible when only one of the principal and
// the target has a known account: the evaluator then treats them as one
// account, which the input does not show. When both accounts are unknown
// (inputs that name no account at all), or both sit in one folder (one
// Terraform module) and come from one provider configuration (attribute
// tf_provider), the allow is kept. Two provider configurations of one
// module whose accounts are not both known may be two accounts.
func accountDoubt(d awspolicy.Decision, p *principal, target graph.Node) awspolicy.Decision {
	pa, ta := p.node.Attr(graph.AttrAccount), resourceAccount(target)
	if d.Effect != awspolicy.Allowed || pa != "" && ta != "" {
		return d
	}
	sameModule := path.Dir(p.node.Pos.File) == path.Dir(target.Pos.File)
	pp, tp := p.node.Attr("tf_provider"), target.Attr("tf_provider")
	switch {
	case sameModule && pp != tp:
		d.Effect = awspolicy.MaybeAllowed
		d.Why = fmt.Sprintf("%s and %s come from different aws provider configurations (%s, %s) whose accounts are not both in the input; the grant holds only within one account",
			p.node.ID, target.ID, providerName(pp), providerName(tp))
	case pa == "" && ta == "", sameModule:
		// No account anywhere, or declared side by side: one account.
	default:
		d.Effect = awspolicy.MaybeAllowed
		d.Why = "the account of " + target.ID + " or of " + p.node.ID + " is not in the input; the grant holds only within one account"
	}
	return d
}

// providerName names a Terraform provider configuration by its
// tf_provider attribute, "aws" for the default one.
func providerName(attr string) string {
	if attr == "" {
		return "aws"
	}
	return attr
}

func (v *view) linkAWS() {
	ps := v.principals()
	res := v.resourcePolicies()
	v.linkAssume(ps)
	v.linkAnonymous(res)
	v.linkCognito()
	ac := newActionCache()
	// Filled here, before the workers fork the view, so that they share it.
	v.readableSecrets()
	forEach(v, ps, func(v *view, p *principal) {
		v.linkSecretAccess(p, res)
		v.linkMint(p, ps)
		v.linkResources(p, res, ac)
		v.linkFences(p, res)
	})
}

// linkAssume derives CAN_ASSUME from each role's trust policy, evaluated
// with the caller's identity policies, boundary and service control
// policies.
func (v *view) linkAssume(ps []*principal) {
	var subjects []graph.Node
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr("type") == "oidc-subject" && !v.calledSubjects[n.ID] {
			subjects = append(subjects, n)
		}
	}
	index := newSubjectIndex(subjects)
	var roles []graph.Node
	for _, role := range v.byKind[graph.NodeIdentity] {
		if role.Attr("trust_policy") != "" {
			roles = append(roles, role)
		}
	}
	// Each role's callers are found apart from the other roles', and an
	// organisation's CI jobs make many OIDC subjects to match.
	forEach(v, roles, func(v *view, role graph.Node) {
		trust, err := awspolicy.Parse(role.Attr("trust_policy"))
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.node.ID != role.ID {
				v.assumeByAWS(role, trust, p)
			}
		}
		for i := range trust.Statements {
			st := &trust.Statements[i]
			if st.Effect != "Allow" || !matchesAny(st, assumeActions) {
				continue
			}
			for _, val := range st.Principal["Federated"] {
				v.assumeByOIDC(role, st, i, val, index)
			}
		}
	})
}

func matchesAny(st *awspolicy.Statement, actions []string) bool {
	for _, a := range actions {
		if st.MatchesAction(a) {
			return true
		}
	}
	return false
}

// assumeByAWS derives CAN_ASSUME from an IAM user or role to a role. The
// trust policy must allow; within one account a trust policy that names
// the caller needs nothing more, one that names only the account needs
// the caller's own policies to allow sts:AssumeRole, and across accounts
// both sides must allow.
func (v *view) assumeByAWS(role graph.Node, trust *awspolicy.Policy, p *principal) {
	req := awspolicy.Request{Action: "sts:AssumeRole", Resource: role.ID, ResourceAccount: resourceAccount(role)}
	d := p.decideWith(req, []awspolicy.Named{{Name: role.ID, Policy: trust}}, true, awspolicy.LayerTrust)
	if d.Effect < awspolicy.MaybeAllowed {
		return
	}
	e := graph.Edge{From: p.node.ID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: confidence(d), Pos: role.Pos}
	e.SetAttr(graph.AttrActions, "sts:AssumeRole")
	e.SetAttr(graph.AttrReason, allowReason(d, "sts:AssumeRole"))
	for _, ref := range d.Statements {
		if ref.Layer == awspolicy.LayerTrust && ref.Statement < len(trust.Statements) {
			if c := trust.Statements[ref.Statement].Condition; len(c) > 0 {
				e.SetAttr(graph.AttrCondition, conditionText(c))
			}
		}
	}
	v.addEdge(e)
}

// allowReason names the statements that allow the actions, and what is
// left undecided.
func allowReason(d awspolicy.Decision, actions string) string {
	var refs []string
	seen := map[string]bool{}
	for i := range d.Statements {
		s := d.Statements[i].String()
		if !seen[s] {
			seen[s] = true
			refs = append(refs, s)
		}
	}
	if len(refs) == 0 && d.Allow != nil {
		refs = append(refs, d.Allow.String())
	}
	verb := "allows"
	if len(refs) > 1 {
		verb = "allow"
	}
	s := fmt.Sprintf("%s %s %s", strings.Join(refs, " and "), verb, actions)
	if d.Effect == awspolicy.MaybeAllowed {
		if d.Deny != nil {
			s += "; " + d.Deny.String() + " may deny it"
		}
		if d.Why != "" {
			s += "; undecided: " + d.Why
		}
	}
	return s
}

// assumeByOIDC matches a federated trust statement against each CI job's
// OIDC subjects. The audience is left out of the match: the code in a job
// chooses the audience it requests, so an audience condition never stops
// it. Only the subject, fixed by the run's context, decides.
func (v *view) assumeByOIDC(role graph.Node, st *awspolicy.Statement, idx int, provider string, index *subjectIndex) {
	host := provider
	if i := strings.Index(host, ":oidc-provider/"); i >= 0 {
		host = host[i+len(":oidc-provider/"):]
	}
	if !st.MatchesAction("sts:AssumeRoleWithWebIdentity") {
		return
	}
	cond := withoutAudience(st.Condition)
	condText := ""
	if len(st.Condition) > 0 {
		condText = conditionText(st.Condition)
	}
	for _, subj := range index.candidates(host, cond) {
		if !sameIssuer(subj.Attr("issuer"), host) {
			continue
		}
		best, bestSub := awspolicy.False, ""
		// All candidate subjects share one context, in which only the
		// sub changes. Most candidates fail, so only the subject kept
		// is explained.
		sub := []string{""}
		ctx := awspolicy.Context{Values: map[string][]string{host + ":sub": sub}}
		if repo := subj.Attr(graph.AttrRepository); repo != "" {
			ctx.Values[host+":repository"] = []string{repo}
			if owner, _, ok := strings.Cut(repo, "/"); ok && subj.Attr(graph.AttrProvider) == "github-oidc" {
				// GitHub's tokens name the account that owns the
				// repository in repository_owner.
				ctx.Values[host+":repository_owner"] = []string{owner}
			}
		}
		for _, cand := range candidateSubs(subj, host, cond) {
			sub[0] = cand
			if r := awspolicy.ConditionsHold(cond, ctx); r > best {
				best, bestSub = r, cand
			}
		}
		if best == awspolicy.False {
			continue
		}
		conf := graph.Certain
		reason := fmt.Sprintf("trust policy of %s (statement %d) admits OIDC subject %s", role.Label, idx+1, bestSub)
		if doubt := pushedRefDoubt(subj, bestSub); doubt != "" {
			conf = graph.Possible
			reason += "; " + doubt
		}
		if best == awspolicy.Unknown {
			conf = graph.Possible
			sub[0] = bestSub
			_, undecided := awspolicy.EvalConditions(cond, ctx)
			reason += "; undecided: " + undecided
		}
		if len(cond) == 0 {
			reason = fmt.Sprintf("trust policy of %s (statement %d) admits every subject of %s: it has no subject condition", role.Label, idx+1, host)
		}
		e := graph.Edge{From: subj.ID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: role.Pos}
		e.SetAttr(graph.AttrActions, "sts:AssumeRoleWithWebIdentity")
		e.SetAttr("subject", bestSub)
		e.SetAttr(graph.AttrReason, reason)
		if len(st.Condition) > 0 {
			e.SetAttr(graph.AttrCondition, condText)
		}
		v.addEdge(e)
	}
}

func withoutAudience(cond map[string]map[string][]string) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for op, keys := range cond {
		for k, vals := range keys {
			if strings.HasSuffix(strings.ToLower(k), ":aud") {
				continue
			}
			if out[op] == nil {
				out[op] = map[string][]string{}
			}
			out[op][k] = vals
		}
	}
	return out
}

// candidateSubs lists the concrete subjects to test. A subject pattern of
// the job (a push to any branch) stands for every concrete subject the
// condition names that the pattern covers.
func candidateSubs(subj graph.Node, host string, cond map[string]map[string][]string) []string {
	var out []string
	for _, s := range graph.SplitList(subj.Attr("subs")) {
		if !strings.Contains(s, "*") {
			out = append(out, s)
			continue
		}
		found := false
		for _, keys := range cond {
			for k, vals := range keys {
				if !strings.EqualFold(k, host+":sub") {
					continue
				}
				for _, val := range vals {
					if awspolicy.Glob(s, val) || awspolicy.Glob(val, s) {
						out = append(out, val)
						found = true
					}
				}
			}
		}
		if !found {
			// No subject condition narrows the pattern: test it as it is,
			// so conditions on other keys still decide.
			out = append(out, s)
		}
	}
	return out
}

func conditionText(cond map[string]map[string][]string) string {
	var parts []string
	for op, keys := range cond {
		for k, vals := range keys {
			parts = append(parts, fmt.Sprintf("%s %s = %s", op, k, awspolicy.ValuesText(k, vals)))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// readActions maps secret types to the actions that return their value;
// any one of them reads it.
var readActions = map[string][]string{
	"secretsmanager": {"secretsmanager:GetSecretValue"},
	"ssm-parameter":  {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
	// An object or item whose content holds credentials.
	"s3-object":     {"s3:GetObject"},
	"dynamodb-item": {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"},
}

// readTarget returns the ARN a read of a secret is evaluated against and
// the node whose resource policy takes part: the secret itself, or for a
// stored item its bucket or table.
func (v *view) readTarget(s graph.Node) (string, graph.Node) {
	switch s.Attr("type") {
	case "s3-object":
		if b := s.Attr("bucket"); b != "" {
			if n, ok := v.node("arn:aws:s3:::" + b); ok {
				return s.ID, n
			}
		}
	case "dynamodb-item":
		table, _, _ := strings.Cut(s.ID, "/item/")
		if n, ok := v.node(table); ok {
			return table, n
		}
		return table, s
	}
	return s.ID, s
}

// readableSecret is a secret a read action returns, with what a read of
// it is evaluated against.
type readableSecret struct {
	node    graph.Node
	actions []string
	arn     string
	target  graph.Node
}

// readableSecrets returns the secrets that readActions can read, once per
// derivation: every principal is checked against the same list, and most
// secrets of an organisation are CI secrets no AWS action reads.
func (v *view) readableSecrets() []readableSecret {
	if v.readable != nil {
		return *v.readable
	}
	var out []readableSecret
	for _, s := range v.byKind[graph.NodeSecret] {
		actions, ok := readActions[s.Attr("type")]
		if !ok {
			continue
		}
		arn, target := v.readTarget(s)
		out = append(out, readableSecret{node: s, actions: actions, arn: arn, target: target})
	}
	v.readable = &out
	return out
}

// linkSecretAccess derives CAN_READ_SECRET. A secret's resource policy
// (for an S3 object its bucket's, for a DynamoDB item its table's) takes
// part: within the account it may grant on its own, and for a secret of
// another account both it and the identity side must allow.
func (v *view) linkSecretAccess(p *principal, res map[string]resPolicy) {
	for _, rs := range v.readableSecrets() {
		best, action := awspolicy.Decision{}, ""
		for _, a := range rs.actions {
			d := v.decideOn(p, a, rs.arn, rs.target, res)
			if action == "" || d.Effect > best.Effect {
				best, action = d, a
			}
			if d.Effect == awspolicy.Allowed {
				break
			}
		}
		if best.Effect < awspolicy.MaybeAllowed {
			continue
		}
		e := graph.Edge{From: p.node.ID, To: rs.node.ID, Kind: graph.EdgeCanReadSecret, Confidence: confidence(best), Pos: v.policyPos(best.Allow)}
		e.SetAttr(graph.AttrActions, action)
		e.SetAttr(graph.AttrReason, allowReason(best, action))
		v.addEdge(e)
	}
}

// linkMint derives CAN_MINT for principals that may create access keys for
// other users: the new key acts as that user.
func (v *view) linkMint(p *principal, ps []*principal) {
	if !p.allowsAction("iam:CreateAccessKey") {
		return
	}
	for _, u := range ps {
		if u.node.Attr("type") != "user" || u.node.ID == p.node.ID {
			continue
		}
		req := awspolicy.Request{Action: "iam:CreateAccessKey", Resource: u.node.ID, ResourceAccount: resourceAccount(u.node)}
		d := accountDoubt(p.decide(req), p, u.node)
		if d.Effect < awspolicy.MaybeAllowed {
			continue
		}
		key := graph.AWSAccessKeyID(u.node.ID, "new")
		kn := graph.Node{ID: key, Kind: graph.NodeSecret, Label: "new access key of " + u.node.Label, Pos: u.node.Pos}
		kn.SetAttr(graph.AttrProvider, "aws")
		kn.SetAttr("type", "access-key")
		kn.SetAttr("minted", "true")
		kn.SetAttr(graph.AttrLongLived, "true")
		v.addNode(kn)
		v.addEdge(graph.Edge{From: key, To: u.node.ID, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: u.node.Pos})
		e := graph.Edge{From: p.node.ID, To: key, Kind: graph.EdgeCanMint, Confidence: confidence(d), Pos: v.policyPos(d.Allow)}
		e.SetAttr(graph.AttrActions, "iam:CreateAccessKey")
		e.SetAttr(graph.AttrReason, allowReason(d, "iam:CreateAccessKey on "+u.node.ID))
		v.addEdge(e)
	}
}

func confidence(d awspolicy.Decision) graph.Confidence {
	if d.Effect == awspolicy.Allowed {
		return graph.Certain
	}
	return graph.Possible
}

func (v *view) policyPos(ref *awspolicy.Ref) graph.Pos {
	if ref == nil {
		return graph.Pos{}
	}
	if n, ok := v.node(ref.Policy); ok {
		return n.Pos
	}
	return graph.Pos{File: ref.Policy}
}

// actionCache remembers catalogue lookups shared by every principal.
type actionCache struct {
	levels map[*awspolicy.Statement]awspolicy.Level // highest level a statement grants, List excluded
}

func newActionCache() *actionCache {
	return &actionCache{levels: map[*awspolicy.Statement]awspolicy.Level{}}
}

// arnLists holds the resources and secrets that an ARN names, which
// linkResources compares with each principal's statements. A large
// organisation has hundreds of thousands of secrets, few of them in AWS,
// so the lists are made once per derivation instead of once per principal.
type arnLists struct {
	once               sync.Once
	resources, secrets []graph.Node
}

// arnTargets returns the resources and secrets that an ARN names.
func (v *view) arnTargets() (resources, secrets []graph.Node) {
	l := v.arns
	if l == nil {
		l = &arnLists{}
	}
	l.once.Do(func() {
		for _, r := range v.byKind[graph.NodeResource] {
			if strings.HasPrefix(r.ID, "arn:") {
				l.resources = append(l.resources, r)
			}
		}
		for _, s := range v.byKind[graph.NodeSecret] {
			if strings.HasPrefix(s.ID, "arn:") {
				l.secrets = append(l.secrets, s)
			}
		}
	})
	return l.resources, l.secrets
}

// linkResources derives CAN_ACCESS to declared and observed resources, and
// to wildcard scopes for statements that match none of them. Each action
// of the catalogue that acts on the resource is evaluated with every
// layer of policy (the resource's own policy included); actions that only
// list never make an edge.
func (v *view) linkResources(p *principal, res map[string]resPolicy, ac *actionCache) {
	// Secrets stored in AWS count as matched resources, so that a statement
	// on prod/* that covers declared secrets makes no scope node. They get
	// no CAN_ACCESS edge, because only CAN_READ_SECRET means the value is
	// read and the walk continues from a reached secret to what it holds.
	resources, secrets := v.arnTargets()

	matched := map[*awspolicy.Statement]bool{}
	for _, r := range resources {
		v.accessResource(p, r, res, matched)
	}
	for _, sn := range secrets {
		for _, np := range p.policies {
			for i := range np.Policy.Statements {
				st := &np.Policy.Statements[i]
				if st.Effect == "Allow" && matchesResource(st, sn) && len(reachingActions(st, awspolicy.ServiceOf(sn.ID), sn.ID)) > 0 {
					matched[st] = true
				}
			}
		}
	}

	account := p.node.Attr(graph.AttrAccount)
	for _, np := range p.policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if st.Effect != "Allow" || (matched[st] && !namesEverything(st)) {
				continue
			}
			ref := &awspolicy.Ref{Policy: np.Name, Statement: i, Sid: st.Sid}
			for _, sc := range scopes(st, account) {
				v.scopeEdge(p, sc, st, ref, ac)
			}
		}
	}
}

// accessTarget is a part of a resource an action may act on: the resource
// itself, or everything it contains (the objects of a bucket).
type accessTarget struct {
	arn      string
	contents bool
}

func targetsOf(r graph.Node) []accessTarget {
	out := []accessTarget{{arn: r.ID}}
	if isBucket(r.ID) {
		out = append(out, accessTarget{arn: r.ID + "/*", contents: true})
	}
	return out
}

func isBucket(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:s3:::") && !strings.Contains(strings.TrimPrefix(arn, "arn:aws:s3:::"), "/")
}

// actsOn reports whether a catalogue action acts on the target: on the
// resource itself, or, for contents, on what it holds and not on the
// resource itself.
func actsOn(a awspolicy.Action, t accessTarget, resource string) bool {
	if !t.contents {
		return a.AppliesTo(resource)
	}
	return a.AppliesTo(resource+"/object") && !a.AppliesTo(resource)
}

// targetActions are the catalogue actions above listing that act on one
// part of a resource.
type targetActions struct {
	target  accessTarget
	actions []*awspolicy.Action // into view.catalogue, shared by every resource
}

// resourceActions lists the catalogue's actions on each part of one resource.
type resourceActions struct {
	// catalogued is false for a service the catalogue does not know.
	catalogued bool
	parts      []targetActions
}

// resourceActions returns, once per resource, the catalogue actions that
// act on each of its parts. They depend on the resource alone, not on the
// principal.
func (v *view) resourceActions(r graph.Node) resourceActions {
	if v.cacheMu != nil {
		v.cacheMu.Lock()
		defer v.cacheMu.Unlock()
	}
	if ra, ok := v.actsOn[r.ID]; ok {
		return ra
	}
	service := awspolicy.ServiceOf(r.ID)
	catalogue, ok := v.catalogue[service]
	if !ok {
		catalogue = awspolicy.ServiceActions(service)
		if v.catalogue == nil {
			v.catalogue = map[string][]awspolicy.Action{}
		}
		v.catalogue[service] = catalogue
	}
	ra := resourceActions{catalogued: len(catalogue) > 0}
	for _, t := range targetsOf(r) {
		ta := targetActions{target: t}
		for i := range catalogue {
			if a := &catalogue[i]; a.Level != awspolicy.LevelList && actsOn(*a, t, r.ID) {
				ta.actions = append(ta.actions, a)
			}
		}
		ra.parts = append(ra.parts, ta)
	}
	if v.actsOn == nil {
		v.actsOn = map[string]resourceActions{}
	}
	v.actsOn[r.ID] = ra
	return ra
}

type awsGrant struct {
	action string
	level  awspolicy.Level
	d      awspolicy.Decision
}

// accessResource evaluates every action that some Allow statement of the
// principal or of the resource's policy may grant on the resource, and
// adds one CAN_ACCESS edge for those allowed.
func (v *view) accessResource(p *principal, r graph.Node, res map[string]resPolicy, matched map[*awspolicy.Statement]bool) {
	if grants := v.resourceGrants(p, r, res, matched); len(grants) > 0 {
		v.addEdge(accessEdge(v, p.node.ID, r.ID, grants))
	}
}

// resourceGrants returns the actions that p may perform on the resource,
// and marks in matched the identity statements that allow them.
func (v *view) resourceGrants(p *principal, r graph.Node, res map[string]resPolicy, matched map[*awspolicy.Statement]bool) []awsGrant {
	ra := v.resourceActions(r)
	var allowing []*awspolicy.Statement
	for _, np := range p.policies {
		for i := range np.Policy.Statements {
			if st := &np.Policy.Statements[i]; st.Effect == "Allow" {
				allowing = append(allowing, st)
			}
		}
	}
	if rp := res[r.ID].policy; rp != nil {
		for i := range rp.Statements {
			if st := &rp.Statements[i]; st.Effect == "Allow" && st.Principal != nil {
				allowing = append(allowing, st)
			}
		}
	}
	if len(allowing) == 0 {
		return nil
	}

	var grants []awsGrant
	var covering []*awspolicy.Statement
	for _, ta := range ra.parts {
		covering = covering[:0]
		for _, st := range allowing {
			if st.MatchesResource(ta.target.arn) {
				covering = append(covering, st)
			}
		}
		if len(covering) == 0 {
			continue
		}
		t := ta.target
		for _, a := range ta.actions {
			named := false
			for _, st := range covering {
				if st.MatchesAction(a.Name) {
					named = true
					break
				}
			}
			if !named {
				continue
			}
			d := v.decideOn(p, a.Name, t.arn, r, res)
			if d.Effect >= awspolicy.MaybeAllowed {
				grants = append(grants, awsGrant{action: a.Name, level: a.Level, d: d})
			}
		}
	}
	if !ra.catalogued {
		grants = v.uncataloguedGrants(p, r, res)
	}
	for _, g := range grants {
		for _, ref := range g.d.Statements {
			for _, np := range p.policies {
				if np.Name == ref.Policy && ref.Layer == awspolicy.LayerIdentity && ref.Statement < len(np.Policy.Statements) {
					matched[&np.Policy.Statements[ref.Statement]] = true
				}
			}
		}
	}
	return grants
}

// uncataloguedGrants handles a resource of a service the catalogue does
// not know: the statement's own action patterns are evaluated.
func (v *view) uncataloguedGrants(p *principal, r graph.Node, res map[string]resPolicy) []awsGrant {
	var out []awsGrant
	seen := map[string]bool{}
	for _, np := range p.policies {
		for _, st := range np.Policy.Statements {
			if st.Effect != "Allow" || !matchesResource(&st, r) {
				continue
			}
			for _, a := range actionsFor(&st, awspolicy.ServiceOf(r.ID)) {
				if seen[a] || strings.HasPrefix(a, "NotAction ") {
					continue
				}
				seen[a] = true
				probe := strings.ReplaceAll(a, "*", "Probe")
				d := v.decideOn(p, probe, r.ID, r, res)
				if d.Effect >= awspolicy.MaybeAllowed {
					out = append(out, awsGrant{action: a, level: nameLevel(a), d: d})
				}
			}
		}
	}
	return out
}

// accessEdge builds a CAN_ACCESS edge from the grants: certain when one
// action is allowed for certain, with the actions, the highest level and
// the statements that allow them.
func accessEdge(v *view, from, to string, grants []awsGrant) graph.Edge {
	conf := graph.Possible
	var acts []string
	top := awspolicy.LevelUnknown
	var certain, maybe *awspolicy.Decision
	for i := range grants {
		g := &grants[i]
		acts = append(acts, g.action)
		top = max(top, g.level)
		if g.d.Effect == awspolicy.Allowed {
			conf = graph.Certain
			if certain == nil {
				certain = &g.d
			}
		} else if maybe == nil {
			maybe = &g.d
		}
	}
	deciding := certain
	if deciding == nil {
		deciding = maybe
	}
	var refs []awspolicy.Ref
	seen := map[string]bool{}
	for _, g := range grants {
		if conf == graph.Certain && g.d.Effect != awspolicy.Allowed {
			continue
		}
		for _, ref := range g.d.Statements {
			if k := ref.String(); !seen[k] {
				seen[k] = true
				refs = append(refs, ref)
			}
		}
	}
	d := *deciding
	d.Statements = refs
	e := graph.Edge{From: from, To: to, Kind: graph.EdgeCanAccess, Confidence: conf, Pos: v.policyPos(d.Allow)}
	e.SetAttr(graph.AttrActions, graph.JoinList(acts))
	e.SetAttr(graph.AttrLevel, levelName(top))
	e.SetAttr(graph.AttrReason, allowReason(d, grantedPatterns(v, refs, acts)))
	return e
}

// grantedPatterns names the actions of a reason as the deciding identity
// statements write them (s3:Put*, NotAction iam:*), in their order, keeping
// those that grant one of the actions; a grant made by a resource policy
// alone lists the actions.
func grantedPatterns(v *view, refs []awspolicy.Ref, acts []string) string {
	var out []string
	seen := map[string]bool{}
	for _, ref := range refs {
		if ref.Layer != awspolicy.LayerIdentity {
			continue
		}
		pol, ok := v.policy(ref.Policy)
		if !ok || ref.Statement >= len(pol.Statements) {
			continue
		}
		st := &pol.Statements[ref.Statement]
		if len(st.NotAction) > 0 {
			if k := "NotAction " + strings.Join(st.NotAction, ","); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
			continue
		}
		if len(st.Action) > 20 {
			// A long list (ReadOnlyAccess) reads better as the actions.
			return summarise(acts)
		}
		for _, pat := range st.Action {
			for _, a := range acts {
				if !seen[pat] && awspolicy.MatchAction(pat, a) {
					seen[pat] = true
					out = append(out, pat)
					break
				}
			}
		}
	}
	if len(out) == 0 {
		return summarise(acts)
	}
	return strings.Join(out, ", ")
}

// summarise shortens a long action list for a sentence.
func summarise(acts []string) string {
	sorted := append([]string(nil), acts...)
	sort.Strings(sorted)
	if len(sorted) <= 6 {
		return strings.Join(sorted, ", ")
	}
	return fmt.Sprintf("%s and %d more actions", strings.Join(sorted[:5], ", "), len(sorted)-5)
}

// levelName maps an access level to the level of a CAN_ACCESS edge.
func levelName(l awspolicy.Level) string {
	switch l {
	case awspolicy.LevelPermissions:
		return "admin"
	case awspolicy.LevelWrite, awspolicy.LevelTagging:
		return "write"
	}
	return "read"
}

var readPrefixes = []string{"get", "list", "describe", "head", "batchget", "query", "scan", "select", "view", "search", "lookup", "read"}

// nameLevel classifies an action the catalogue does not list by its name.
func nameLevel(a string) awspolicy.Level {
	if a == "*" || strings.HasSuffix(a, ":*") {
		return awspolicy.LevelPermissions
	}
	_, name, _ := strings.Cut(strings.ToLower(a), ":")
	for _, p := range readPrefixes {
		if strings.HasPrefix(name, p) {
			return awspolicy.LevelRead
		}
	}
	return awspolicy.LevelWrite
}

// scopeEdge links the principal to a scope node standing for resources
// the input does not declare, when the statement grants more than
// listing there and no Deny takes all of it away.
func (v *view) scopeEdge(p *principal, sc scope, st *awspolicy.Statement, ref *awspolicy.Ref, ac *actionCache) {
	svc := sc.service
	var probes []awspolicy.Action
	top := awspolicy.LevelUnknown
	var concrete []string
	services := []string{svc}
	if svc == "*" || strings.ContainsAny(svc, "*?") {
		services = nil
		for _, s := range awspolicy.Services() {
			if awspolicy.MatchAction(svc+":x", s+":x") {
				services = append(services, s)
			}
		}
	}
	for _, s := range services {
		probe := 0
		for _, a := range st.StatementActions(s) {
			if a.Level == awspolicy.LevelList || !appliesInScope(a, sc) {
				continue
			}
			top = max(top, a.Level)
			concrete = append(concrete, a.Name)
			// Across every service one action of each service is
			// probed; within a service, every action.
			if len(services) == 1 || probe == 0 {
				probes = append(probes, a)
				probe++
			}
		}
	}
	if len(services) == 1 && len(awspolicy.ServiceActions(svc)) == 0 {
		// A service the catalogue does not know: read the patterns.
		for _, a := range sc.actions {
			probes = append(probes, awspolicy.Action{Name: strings.ReplaceAll(a, "*", "Probe"), Level: nameLevel(a)})
			top = max(top, nameLevel(a))
		}
	}
	if len(probes) == 0 {
		return
	}
	var grants []awsGrant
	var denied []string // services whose probe a Deny, boundary or SCP refuses
	for _, a := range probes {
		d := p.decideWith(awspolicy.Request{Action: a.Name, Resource: sc.request}, nil, false, "")
		if d.Effect >= awspolicy.MaybeAllowed {
			grants = append(grants, awsGrant{action: a.Name, level: a.Level, d: d})
		} else if len(services) > 1 {
			s, _, _ := strings.Cut(a.Name, ":")
			denied = append(denied, s)
		}
	}
	if len(grants) == 0 {
		return
	}
	v.addNode(sc.node)
	e := accessEdge(v, p.node.ID, sc.node.ID, grants)
	e.SetAttr(graph.AttrLevel, levelName(top))
	if len(services) == 1 && len(concrete) > 0 && len(concrete) <= 100 {
		e.SetAttr(graph.AttrActions, graph.JoinList(concrete))
	} else {
		e.SetAttr(graph.AttrActions, graph.JoinList(sc.actions))
	}
	e.Pos = v.policyPos(ref)
	d := grants[0].d
	d.Statements = []awspolicy.Ref{*ref}
	d.Allow = ref
	reason := allowReason(d, strings.Join(sc.actions, ", "))
	if len(denied) > 0 {
		// The scope node stands for every service the statement names,
		// which the principal reaches only in part.
		e.Confidence = graph.Possible
		named := denied
		if len(named) > 3 {
			named = named[:3]
		}
		reason += fmt.Sprintf("; not every service: a Deny, the permissions boundary or a service control policy refuses %d of them (%s)",
			len(denied), strings.Join(named, ", "))
	}
	e.SetAttr(graph.AttrReason, reason)
	v.addEdge(e)
}

// appliesInScope reports whether an action may act on a resource the
// scope stands for.
func appliesInScope(a awspolicy.Action, sc scope) bool {
	if sc.pattern == "" {
		// Resource "*": any action acts somewhere in the account.
		return true
	}
	for _, rt := range a.Resources {
		if awspolicy.Overlaps(rt, sc.pattern) {
			return true
		}
	}
	return false
}

// namesEverything reports whether a statement's resources are "*" or an
// exclusion list: then the declared resources it matched are not all it
// grants, and a scope node stands for the rest.
func namesEverything(st *awspolicy.Statement) bool {
	for _, r := range st.Resource {
		if r == "*" {
			return true
		}
	}
	return len(st.NotResource) > 0
}

// matchesResource matches a declared resource, including what it contains:
// a statement on arn:aws:s3:::b/* reaches the objects of bucket b.
func matchesResource(st *awspolicy.Statement, r graph.Node) bool {
	if st.MatchesResource(r.ID) {
		return true
	}
	if isBucket(r.ID) {
		return st.MatchesResource(r.ID + "/*")
	}
	return false
}

// reachingActions lists the catalogue actions of a service, above listing,
// that the statement grants on the resource.
func reachingActions(st *awspolicy.Statement, svc, arn string) []string {
	var out []string
	for _, a := range st.StatementActions(svc) {
		if a.Level != awspolicy.LevelList && (len(a.Resources) == 0 || a.AppliesTo(arn)) {
			out = append(out, a.Name)
		}
	}
	if len(awspolicy.ServiceActions(svc)) == 0 {
		return actionsFor(st, svc)
	}
	return out
}

// actionsFor lists the statement's action patterns that apply to a service.
func actionsFor(st *awspolicy.Statement, svc string) []string {
	if len(st.NotAction) > 0 {
		for _, na := range st.NotAction {
			if strings.EqualFold(na, svc+":*") || na == "*" {
				return nil
			}
		}
		return []string{"NotAction " + strings.Join(st.NotAction, ",")}
	}
	var out []string
	for _, a := range st.Action {
		s, _, _ := strings.Cut(a, ":")
		if a == "*" || strings.EqualFold(s, svc) || (strings.Contains(s, "*") && awspolicy.Glob(strings.ToLower(s), svc)) {
			out = append(out, a)
		}
	}
	return out
}

type scope struct {
	node    graph.Node
	actions []string
	service string
	// request is the resource pattern a decision is asked for, and
	// pattern the statement's resource when it is not "*".
	request string
	pattern string
}

// scopes turns a statement's wildcard or undeclared resources into scope
// nodes: "*" with s3 actions becomes aws:s3:ACCOUNT:*, and "*" with every
// action becomes aws:*:ACCOUNT:*, every service of the account.
func scopes(st *awspolicy.Statement, account string) []scope {
	if account == "" {
		account = "unknown-account"
	}
	bySvc := map[string][]string{}
	if len(st.NotAction) > 0 {
		bySvc["*"] = []string{"NotAction " + strings.Join(st.NotAction, ",")}
	}
	for _, a := range st.Action {
		svc, _, _ := strings.Cut(a, ":")
		if a == "*" {
			svc = "*"
		}
		bySvc[strings.ToLower(svc)] = append(bySvc[strings.ToLower(svc)], a)
	}
	var out []scope
	resources := st.Resource
	if len(st.NotResource) > 0 {
		resources = []string{"*"}
	}
	for _, res := range resources {
		for svc, acts := range bySvc {
			id := res
			label := res
			request, pattern := res, res
			if res == "*" {
				id = "aws:" + svc + ":" + account + ":*"
				label = "every " + svc + " resource in account " + account
				if svc == "*" {
					label = "every service in account " + account
				}
				request, pattern = "arn:aws:"+svc+":*:*:*", ""
				if svc == "*" {
					request = "*"
				}
			} else if s := awspolicy.ServiceOf(res); s != "" && s != svc && !strings.Contains(svc, "*") {
				continue
			}
			n := graph.Node{ID: id, Kind: graph.NodeResource, Label: label}
			n.SetAttr(graph.AttrProvider, "aws")
			n.SetAttr("scope", "true")
			n.SetAttr(graph.AttrAccount, account)
			out = append(out, scope{node: n, actions: acts, service: svc, request: request, pattern: pattern})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].node.ID < out[j].node.ID })
	return out
}

// Explain decides whether an AWS principal of the graph may perform an
// action on a resource, with every layer of policy that applies (identity
// policies, permissions boundary, service control policies, and the
// resource's own policy or trust policy), and says which statements decide:
// for a path the graph lacks, the Deny that removes it or the layer that
// gives no allow.
func (l *Linker) Explain(ctx context.Context, r graph.Reader, principalID, action, resource string) (awspolicy.Decision, error) {
	v, err := readView(ctx, r)
	if err != nil {
		return awspolicy.Decision{}, err
	}
	var p *principal
	for _, q := range v.principals() {
		if q.node.ID == principalID {
			p = q
		}
	}
	if p == nil {
		return awspolicy.Decision{}, fmt.Errorf("%s is no IAM user or role of the graph", principalID)
	}
	target, ok := v.node(resource)
	if !ok {
		target = graph.Node{ID: resource}
		if isBucket(strings.TrimSuffix(resource, "/*")) || strings.HasPrefix(resource, "arn:aws:s3:::") {
			bucket, _, _ := strings.Cut(strings.TrimPrefix(resource, "arn:aws:s3:::"), "/")
			if n, ok := v.node("arn:aws:s3:::" + bucket); ok {
				target = graph.Node{ID: n.ID, Attrs: n.Attrs}
			}
		}
	}
	if doc := target.Attr("trust_policy"); doc != "" && strings.HasPrefix(strings.ToLower(action), "sts:assumerole") {
		trust, err := awspolicy.Parse(doc)
		if err != nil {
			return awspolicy.Decision{}, fmt.Errorf("trust policy of %s: %w", target.ID, err)
		}
		req := awspolicy.Request{Action: action, Resource: target.ID, ResourceAccount: resourceAccount(target)}
		return p.decideWith(req, []awspolicy.Named{{Name: target.ID, Policy: trust}}, true, awspolicy.LayerTrust), nil
	}
	return v.decideOn(p, action, resource, target, v.resourcePolicies()), nil
}

// readView loads the part of the graph the AWS derivations read.
func readView(ctx context.Context, r graph.Reader) (*view, error) {
	v := &view{
		nodes:    map[string]*graph.Node{},
		byKind:   map[graph.NodeKind][]graph.Node{},
		out:      map[graph.EdgeKind]map[string][]graph.Edge{},
		policies: map[string]*awspolicy.Policy{},
		bad:      map[string]string{},
	}
	for _, k := range graph.NodeKinds {
		ns, err := r.NodesByKind(ctx, k)
		if err != nil {
			return nil, err
		}
		v.byKind[k] = ns
		for i := range ns {
			v.nodes[ns[i].ID] = &ns[i]
		}
	}
	for _, k := range []graph.EdgeKind{graph.EdgeHasPolicy, graph.EdgeMemberOf} {
		es, err := r.EdgesByKind(ctx, k)
		if err != nil {
			return nil, err
		}
		v.out[k] = bySource(es)
	}
	for _, n := range v.byKind[graph.NodePolicy] {
		if doc := n.Attr("document"); doc != "" {
			if p, err := awspolicy.Parse(doc); err == nil {
				v.policies[n.ID] = p
			}
		}
	}
	return v, nil
}

// accountOf returns the account part of an ARN, "" when it has none.
func accountOf(arn string) string { return awspolicy.AccountOf(arn) }
