package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"}

// principal is an IAM user or role with the policies that apply to it.
type principal struct {
	node     graph.Node
	policies []awspolicy.Named
	boundary []awspolicy.Named
	unknown  []string // attached policies whose document is not known
}

func (v *view) principals() []*principal {
	var out []*principal
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
			}
		}
		out = append(out, p)
	}
	return out
}

func (v *view) collectPolicies(p *principal, id string) {
	for _, e := range v.edgesFrom(graph.EdgeHasPolicy, id) {
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

// decide evaluates an identity-side request, boundary included.
func (p *principal) decide(req awspolicy.Request) awspolicy.Decision {
	d := awspolicy.Evaluate(p.policies, req)
	if len(p.boundary) > 0 {
		d = awspolicy.Combine(d, awspolicy.Evaluate(p.boundary, req))
	}
	return d
}

func (p *principal) context() awspolicy.Context {
	return awspolicy.Context{Values: map[string][]string{
		"aws:PrincipalArn":     {p.node.ID},
		"aws:PrincipalAccount": {p.node.Attr(graph.AttrAccount)},
	}}
}

func (v *view) linkAWS() {
	ps := v.principals()
	v.linkAssume(ps)
	for _, p := range ps {
		if len(p.policies) == 0 {
			continue
		}
		v.linkSecretAccess(p)
		v.linkMint(p, ps)
		v.linkResources(p)
	}
}

// linkAssume derives CAN_ASSUME from each role's trust policy.
func (v *view) linkAssume(ps []*principal) {
	var subjects []graph.Node
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr("type") == "oidc-subject" {
			subjects = append(subjects, n)
		}
	}
	for _, role := range v.byKind[graph.NodeIdentity] {
		doc := role.Attr("trust_policy")
		if doc == "" {
			continue
		}
		trust, err := awspolicy.Parse(doc)
		if err != nil {
			continue
		}
		for i := range trust.Statements {
			st := &trust.Statements[i]
			if st.Effect != "Allow" || !matchesAny(st, assumeActions) {
				continue
			}
			for _, val := range st.Principal["AWS"] {
				v.assumeByAWS(role, st, i, val, ps)
			}
			if st.Principal["*"] != nil {
				v.assumeByAWS(role, st, i, "*", ps)
			}
			for _, val := range st.Principal["Federated"] {
				v.assumeByOIDC(role, st, i, val, subjects)
			}
		}
	}
}

func matchesAny(st *awspolicy.Statement, actions []string) bool {
	for _, a := range actions {
		if st.MatchesAction(a) {
			return true
		}
	}
	return false
}

// rootAccount returns the account of a principal that names a whole
// account ("111122223333" or arn:aws:iam::111122223333:root), else "".
func rootAccount(val string) string {
	if strings.HasPrefix(val, "arn:aws:iam::") && strings.HasSuffix(val, ":root") {
		return strings.TrimSuffix(strings.TrimPrefix(val, "arn:aws:iam::"), ":root")
	}
	if len(val) == 12 && strings.Trim(val, "0123456789") == "" {
		return val
	}
	return ""
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func (v *view) assumeByAWS(role graph.Node, st *awspolicy.Statement, idx int, val string, ps []*principal) {
	for _, p := range ps {
		if p.node.ID == role.ID {
			continue
		}
		direct := val == p.node.ID || (strings.Contains(val, "*") && val != "*" && awspolicy.MatchARN(val, p.node.ID))
		acct := rootAccount(val)
		viaAccount := val == "*" || (acct != "" && acct == p.node.Attr(graph.AttrAccount))
		if !direct && !viaAccount {
			continue
		}
		cond, why := awspolicy.EvalConditions(st.Condition, p.context())
		if cond == awspolicy.False {
			continue
		}
		req := awspolicy.Request{Action: "sts:AssumeRole", Resource: role.ID, Context: p.context()}
		idd := p.decide(req)
		if idd.Effect == awspolicy.Denied {
			continue
		}
		sameAccount := accountOf(role.ID) == p.node.Attr(graph.AttrAccount)
		needIdentity := !direct || !sameAccount
		conf := graph.Certain
		if cond == awspolicy.Unknown {
			conf = graph.Possible
		}
		reason := fmt.Sprintf("trust policy of %s (statement %d) names %s", role.Label, idx+1, val)
		if needIdentity {
			switch idd.Effect {
			case awspolicy.NoAllow:
				continue
			case awspolicy.MaybeAllowed:
				conf = graph.Possible
			}
			reason += fmt.Sprintf(", and %s allows sts:AssumeRole", idd.Allow)
		}
		if idd.Effect == awspolicy.MaybeAllowed && idd.Deny != nil {
			conf = graph.Possible
		}
		if why != "" {
			reason += "; undecided: " + why
		}
		e := graph.Edge{From: p.node.ID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: role.Pos}
		e.SetAttr(graph.AttrActions, "sts:AssumeRole")
		e.SetAttr(graph.AttrReason, reason)
		if len(st.Condition) > 0 {
			e.SetAttr(graph.AttrCondition, conditionText(st.Condition))
		}
		v.addEdge(e)
	}
}

// assumeByOIDC matches a federated trust statement against each CI job's
// OIDC subjects. The audience is left out of the match: the code in a job
// chooses the audience it requests, so an audience condition never stops
// it. Only the subject, fixed by the run's context, decides.
func (v *view) assumeByOIDC(role graph.Node, st *awspolicy.Statement, idx int, provider string, subjects []graph.Node) {
	host := provider
	if i := strings.Index(host, ":oidc-provider/"); i >= 0 {
		host = host[i+len(":oidc-provider/"):]
	}
	if !st.MatchesAction("sts:AssumeRoleWithWebIdentity") {
		return
	}
	for _, subj := range subjects {
		if !sameIssuer(subj.Attr("issuer"), host) {
			continue
		}
		cond := withoutAudience(st.Condition)
		best, bestSub, bestWhy := awspolicy.False, "", ""
		for _, cand := range candidateSubs(subj, host, cond) {
			ctx := awspolicy.Context{Values: map[string][]string{host + ":sub": {cand}}}
			if repo := subj.Attr(graph.AttrRepository); repo != "" {
				ctx.Values[host+":repository"] = []string{repo}
			}
			r, why := awspolicy.EvalConditions(cond, ctx)
			if r > best {
				best, bestSub, bestWhy = r, cand, why
			}
		}
		if best == awspolicy.False {
			continue
		}
		conf := graph.Certain
		reason := fmt.Sprintf("trust policy of %s (statement %d) admits OIDC subject %s", role.Label, idx+1, bestSub)
		if best == awspolicy.Unknown {
			conf = graph.Possible
			reason += "; undecided: " + bestWhy
		}
		if len(cond) == 0 {
			reason = fmt.Sprintf("trust policy of %s (statement %d) admits every subject of %s: it has no subject condition", role.Label, idx+1, host)
		}
		e := graph.Edge{From: subj.ID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: role.Pos}
		e.SetAttr(graph.AttrActions, "sts:AssumeRoleWithWebIdentity")
		e.SetAttr("subject", bestSub)
		e.SetAttr(graph.AttrReason, reason)
		if len(st.Condition) > 0 {
			e.SetAttr(graph.AttrCondition, conditionText(st.Condition))
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
			parts = append(parts, fmt.Sprintf("%s %s = %s", op, k, strings.Join(vals, "|")))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// readActions maps secret types to the action that returns their value.
var readActions = map[string]string{
	"secretsmanager": "secretsmanager:GetSecretValue",
	"ssm-parameter":  "ssm:GetParameter",
}

func (v *view) linkSecretAccess(p *principal) {
	for _, s := range v.byKind[graph.NodeSecret] {
		action, ok := readActions[s.Attr("type")]
		if !ok {
			continue
		}
		req := awspolicy.Request{Action: action, Resource: s.ID, Context: p.context()}
		d := p.decide(req)
		if rp := s.Attr("resource_policy"); rp != "" && d.Effect >= awspolicy.MaybeAllowed {
			if pol, err := awspolicy.Parse(rp); err == nil {
				rd := awspolicy.Evaluate([]awspolicy.Named{{Name: s.ID + " resource policy", Policy: pol}}, req)
				if rd.Effect == awspolicy.Denied {
					continue
				}
			}
		}
		if d.Effect < awspolicy.MaybeAllowed {
			continue
		}
		e := graph.Edge{From: p.node.ID, To: s.ID, Kind: graph.EdgeCanReadSecret, Confidence: confidence(d), Pos: v.policyPos(d.Allow)}
		e.SetAttr(graph.AttrActions, action)
		e.SetAttr(graph.AttrReason, fmt.Sprintf("%s allows %s", d.Allow, action)+undecided(d))
		v.addEdge(e)
	}
}

// linkMint derives CAN_MINT for principals that may create access keys for
// other users: the new key acts as that user.
func (v *view) linkMint(p *principal, ps []*principal) {
	for _, u := range ps {
		if u.node.Attr("type") != "user" || u.node.ID == p.node.ID {
			continue
		}
		req := awspolicy.Request{Action: "iam:CreateAccessKey", Resource: u.node.ID, Context: p.context()}
		d := p.decide(req)
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
		e.SetAttr(graph.AttrReason, fmt.Sprintf("%s allows iam:CreateAccessKey on %s", d.Allow, u.node.ID)+undecided(d))
		v.addEdge(e)
	}
}

func confidence(d awspolicy.Decision) graph.Confidence {
	if d.Effect == awspolicy.Allowed {
		return graph.Certain
	}
	return graph.Possible
}

func undecided(d awspolicy.Decision) string {
	if d.Effect == awspolicy.MaybeAllowed && d.Why != "" {
		return "; undecided: " + d.Why
	}
	return ""
}

func (v *view) policyPos(ref *awspolicy.Ref) graph.Pos {
	if ref == nil {
		return graph.Pos{}
	}
	if n, ok := v.nodes[ref.Policy]; ok {
		return n.Pos
	}
	return graph.Pos{File: ref.Policy}
}

// linkResources derives CAN_ACCESS to declared and observed resources, and
// to wildcard scopes for statements that match none of them.
func (v *view) linkResources(p *principal) {
	var resources []graph.Node
	for _, r := range v.byKind[graph.NodeResource] {
		if strings.HasPrefix(r.ID, "arn:") {
			resources = append(resources, r)
		}
	}
	// Secrets stored in AWS count as matched resources, so that a statement
	// on prod/* that covers declared secrets makes no scope node, but they
	// get no CAN_ACCESS edge: only CAN_READ_SECRET means the value is read,
	// and the walk continues from a reached secret to what it holds.
	var secrets []graph.Node
	for _, s := range v.byKind[graph.NodeSecret] {
		if strings.HasPrefix(s.ID, "arn:") {
			secrets = append(secrets, s)
		}
	}
	account := p.node.Attr(graph.AttrAccount)
	for _, np := range p.policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if st.Effect != "Allow" {
				continue
			}
			ref := &awspolicy.Ref{Policy: np.Name, Statement: i, Sid: st.Sid}
			matched := false
			for _, r := range resources {
				if !matchesResource(st, r) {
					continue
				}
				svc := serviceOf(r.ID)
				acts := actionsFor(st, svc)
				if onlyStar(st) {
					// Listing and describing under Resource "*" touch
					// account metadata, not this resource's data; such
					// actions stay on the account's scope node.
					acts = withoutListing(acts)
				}
				if len(acts) == 0 {
					continue
				}
				matched = true
				v.accessEdge(p, r.ID, st, ref, acts)
			}
			for _, sn := range secrets {
				if matchesResource(st, sn) && len(actionsFor(st, serviceOf(sn.ID))) > 0 {
					matched = true
				}
			}
			if matched && !namesEverything(st) {
				continue
			}
			for _, scope := range scopes(st, account) {
				v.addNode(scope.node)
				v.accessEdge(p, scope.node.ID, st, ref, scope.actions)
			}
		}
	}
}

func (v *view) accessEdge(p *principal, target string, st *awspolicy.Statement, ref *awspolicy.Ref, acts []string) {
	// An explicit Deny on every listed action removes the edge.
	var kept []string
	conf := graph.Certain
	for _, a := range acts {
		probe := strings.ReplaceAll(a, "*", "Probe")
		if strings.HasPrefix(a, "NotAction ") {
			kept = append(kept, a)
			continue
		}
		d := p.decide(awspolicy.Request{Action: probe, Resource: target, Context: p.context()})
		if d.Effect == awspolicy.Denied {
			continue
		}
		if d.Effect == awspolicy.MaybeAllowed {
			conf = graph.Possible
		}
		kept = append(kept, a)
	}
	if len(kept) == 0 {
		return
	}
	if c, _ := awspolicy.EvalConditions(st.Condition, p.context()); c == awspolicy.Unknown {
		conf = graph.Possible
	}
	e := graph.Edge{From: p.node.ID, To: target, Kind: graph.EdgeCanAccess, Confidence: conf, Pos: v.policyPos(ref)}
	e.SetAttr(graph.AttrActions, graph.JoinList(kept))
	e.SetAttr(graph.AttrLevel, level(kept))
	e.SetAttr(graph.AttrReason, fmt.Sprintf("%s allows %s", ref, strings.Join(kept, ", ")))
	v.addEdge(e)
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

// onlyStar reports whether a statement's resources are exactly "*".
func onlyStar(st *awspolicy.Statement) bool {
	return len(st.NotResource) == 0 && len(st.Resource) == 1 && st.Resource[0] == "*"
}

// withoutListing drops List* and Describe* actions (whole-service
// wildcards stay).
func withoutListing(acts []string) []string {
	var out []string
	for _, a := range acts {
		_, name, _ := strings.Cut(strings.ToLower(a), ":")
		if strings.HasPrefix(name, "list") || strings.HasPrefix(name, "describe") {
			continue
		}
		out = append(out, a)
	}
	return out
}

// matchesResource matches a declared resource, including what it contains:
// a statement on arn:aws:s3:::b/* reaches the objects of bucket b.
func matchesResource(st *awspolicy.Statement, r graph.Node) bool {
	if st.MatchesResource(r.ID) {
		return true
	}
	if strings.HasPrefix(r.ID, "arn:aws:s3:::") && !strings.Contains(strings.TrimPrefix(r.ID, "arn:aws:s3:::"), "/") {
		return st.MatchesResource(r.ID + "/object")
	}
	return false
}

// serviceOf returns the service of an ARN ("s3" for arn:aws:s3:::b).
func serviceOf(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
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
			if res == "*" {
				id = "aws:" + svc + ":" + account + ":*"
				label = "every " + svc + " resource in account " + account
				if svc == "*" {
					label = "every service in account " + account
				}
			} else if s := serviceOf(res); s != "" && s != svc && !strings.Contains(svc, "*") {
				continue
			}
			n := graph.Node{ID: id, Kind: graph.NodeResource, Label: label}
			n.SetAttr(graph.AttrProvider, "aws")
			n.SetAttr("scope", "true")
			n.SetAttr(graph.AttrAccount, account)
			out = append(out, scope{node: n, actions: acts})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].node.ID < out[j].node.ID })
	return out
}

var readPrefixes = []string{"get", "list", "describe", "head", "batchget", "query", "scan", "select", "view", "search", "lookup", "read"}

// level classifies actions as read, write or admin.
func level(actions []string) string {
	lv := "read"
	for _, a := range actions {
		if a == "*" || strings.HasSuffix(a, ":*") || strings.HasPrefix(a, "NotAction ") {
			return "admin"
		}
		_, name, _ := strings.Cut(strings.ToLower(a), ":")
		read := false
		for _, p := range readPrefixes {
			if strings.HasPrefix(name, p) {
				read = true
				break
			}
		}
		if !read {
			lv = "write"
		}
	}
	return lv
}
