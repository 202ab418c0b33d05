package awspolicy

import (
	"fmt"
	"strings"
)

// Tri is a three-valued truth: a condition can be true, false, or not
// decidable from what the input shows.
type Tri int

const (
	False Tri = iota
	Unknown
	True
)

func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	default:
		return "unknown"
	}
}

func and(a, b Tri) Tri { return min(a, b) }
func or(a, b Tri) Tri  { return max(a, b) }
func not(a Tri) Tri    { return True - a }

// Effect is the outcome of evaluating policies for one request.
type Effect int

const (
	// NoAllow: nothing allows the request (the implicit deny).
	NoAllow Effect = iota
	// Denied: an explicit Deny applies.
	Denied
	// MaybeAllowed: an Allow applies only if an undecidable condition
	// holds, or an undecidable Deny might apply.
	MaybeAllowed
	// Allowed: an Allow applies unconditionally and no Deny can apply.
	Allowed
)

func (e Effect) String() string {
	return [...]string{"no allow", "denied", "possibly allowed", "allowed"}[e]
}

// Request is one action on one resource.
type Request struct {
	Action   string
	Resource string
	Context  Context
	// Principal is who asks. Statements with a Principal or NotPrincipal
	// element are matched against it; the zero value matches only "*".
	Principal Principal
	// ResourceAccount owns the resource; empty means the principal's
	// own account.
	ResourceAccount string
}

// Layers of policy that take part in a decision, as named in explanations.
const (
	LayerIdentity = "identity policy"
	LayerBoundary = "permissions boundary"
	LayerSCP      = "service control policy"
	LayerResource = "resource policy"
	LayerTrust    = "trust policy"
	LayerSession  = "session policy"
)

// Ref points at a statement of a named policy.
type Ref struct {
	Policy    string
	Statement int
	Sid       string
	// Layer is one of the Layer constants; empty means an identity policy.
	Layer string
}

func (r *Ref) String() string {
	if r == nil {
		return ""
	}
	prefix := ""
	switch r.Layer {
	case "", LayerIdentity:
	case LayerResource, LayerTrust:
		prefix = r.Layer + " of "
	default:
		prefix = r.Layer + " "
	}
	if r.Sid != "" {
		return fmt.Sprintf("%s%s (statement %q)", prefix, r.Policy, r.Sid)
	}
	return fmt.Sprintf("%s%s (statement %d)", prefix, r.Policy, r.Statement+1)
}

// Decision is an Effect with the statements that decided it.
type Decision struct {
	Effect Effect
	// Allow is the statement that allows the request, and Deny the one
	// that denies it; Why says which condition was undecidable.
	Allow *Ref
	Deny  *Ref
	Why   string
	// Statements lists every statement the decision rests on: the deny,
	// or one allow of each layer that had to allow.
	Statements []Ref
	// Lacking names what gave no allow when Effect is NoAllow.
	Lacking string
}

// String explains the decision in one sentence.
func (d Decision) String() string {
	switch d.Effect {
	case Denied:
		return "denied by " + d.Deny.String()
	case NoAllow:
		if d.Lacking != "" {
			return "not allowed: " + d.Lacking
		}
		return "not allowed: no statement allows it"
	}
	var refs []string
	for i := range d.Statements {
		refs = append(refs, d.Statements[i].String())
	}
	if len(refs) == 0 && d.Allow != nil {
		refs = append(refs, d.Allow.String())
	}
	s := "allowed by " + strings.Join(refs, " and ")
	if d.Effect == MaybeAllowed {
		s = "possibly " + s
		if d.Deny != nil {
			s += "; may be denied by " + d.Deny.String()
		}
		if d.Why != "" {
			s += "; undecided: " + d.Why
		}
	}
	return s
}

// Named is a policy with the name used in explanations.
type Named struct {
	Name   string
	Policy *Policy
}

// layerResult is what one layer of policies says about a request.
type layerResult struct {
	allow    reach
	allowRef [3]*Ref // session, entity, account
	deny     Tri
	denyRef  *Ref
	allowWhy string
	denyWhy  string
}

func (l *layerResult) bestAllow() *Ref {
	best, ref := False, (*Ref)(nil)
	for i, t := range []Tri{l.allow.session, l.allow.entity, l.allow.account} {
		if t > best {
			best, ref = t, l.allowRef[i]
		}
	}
	return ref
}

// evalLayer evaluates the policies of one layer.
func evalLayer(layer string, policies []Named, req Request) layerResult {
	var l layerResult
	for _, np := range policies {
		if np.Policy == nil {
			continue
		}
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if !st.MatchesAction(req.Action) {
				continue
			}
			res := st.resourceMatch(req.Resource, req.Context)
			if res == False {
				continue
			}
			cond, why := evalConditions(st.Condition, req.Context, !st.literal)
			applies := and(res, cond)
			if applies == False {
				continue
			}
			if why == "" && res == Unknown {
				why = "the resource names a policy variable the input does not give"
			}
			if v := st.unresolvable(req.Context); v != "" {
				// AWS may take a statement with a variable that has no
				// value as invalid: whether it applies is not known.
				applies = and(applies, Unknown)
				why = whyAnd(why, "policy variable ${"+v+"} has no value in this request, which may void the statement")
			}
			named := st.reaches(req.Principal)
			ref := &Ref{Policy: np.Name, Statement: i, Sid: st.Sid, Layer: layer}
			if st.Effect == "Deny" {
				d := and(applies, named.any())
				if d > l.deny {
					l.deny, l.denyRef, l.denyWhy = d, ref, why
				}
				continue
			}
			for k, t := range []Tri{named.session, named.entity, named.account} {
				a := and(applies, t)
				slot := []*Tri{&l.allow.session, &l.allow.entity, &l.allow.account}[k]
				if a > *slot {
					*slot = a
					l.allowRef[k] = ref
					if a == Unknown && l.allowWhy == "" {
						l.allowWhy = why
					}
				}
			}
		}
	}
	return l
}

// reaches says how the statement's Principal or NotPrincipal element
// names the principal; a statement with neither applies to the principal
// whose policy it is.
func (s *Statement) reaches(p Principal) reach {
	switch {
	case s.Principal != nil:
		return s.Principal.names(p)
	case s.NotPrincipal != nil:
		ex := s.NotPrincipal.exempt(p)
		if s.Effect == "Deny" && p.HasBoundary {
			switch p.kind() {
			case "user", "role", "session":
				// AWS applies a Deny with NotPrincipal to every IAM
				// principal that has a permissions boundary.
				ex = False
			}
		}
		return reach{session: not(ex)}
	}
	return reach{session: True}
}

// Evaluate decides a request against a set of policies that all apply to
// one principal (identity policies) or one resource (resource policies).
// An explicit Deny wins over any Allow.
func Evaluate(policies []Named, req Request) Decision {
	return decideLayer(evalLayer(LayerIdentity, policies, req))
}

func decideLayer(l layerResult) Decision {
	d := Decision{Allow: l.bestAllow(), Why: l.allowWhy}
	allow := l.allow.any()
	switch {
	case l.deny == True:
		d.Effect, d.Deny, d.Why = Denied, l.denyRef, ""
		d.Statements = []Ref{*l.denyRef}
		return d
	case allow == False:
		d.Effect = NoAllow
	case allow == True && l.deny == False:
		d.Effect = Allowed
	default:
		d.Effect = MaybeAllowed
		if l.deny == Unknown {
			d.Deny = l.denyRef
			d.Why = joinWhy(d.Why, l.denyWhy)
		}
	}
	if d.Allow != nil {
		d.Statements = []Ref{*d.Allow}
	}
	return d
}

func whyAnd(a, b string) string { return joinWhy(a, b) }

func joinWhy(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// Combine joins the decisions of layers that must all allow (identity
// policies, a permission boundary, service control policies): any Deny
// denies, any missing Allow fails, and any doubt leaves doubt.
func Combine(ds ...Decision) Decision {
	out := Decision{Effect: Allowed}
	for _, d := range ds {
		switch {
		case d.Effect == Denied:
			return d
		case d.Effect == NoAllow && out.Effect != NoAllow:
			out.Effect, out.Lacking = NoAllow, d.Lacking
		case d.Effect == MaybeAllowed && out.Effect == Allowed:
			out.Effect = MaybeAllowed
			out.Why = d.Why
			out.Deny = d.Deny
		}
		if out.Allow == nil {
			out.Allow = d.Allow
		}
		out.Statements = append(out.Statements, d.Statements...)
	}
	return out
}

// PolicySet is the service control policies attached to one node of an
// organisation: the root, an organisational unit or the account.
type PolicySet struct {
	Name     string
	Policies []Named
}

// Input is every policy that takes part in one request.
type Input struct {
	Request Request
	// Identity holds the principal's identity policies: its own, its
	// groups', and for a role its managed and inline policies.
	Identity []Named
	// Boundary is the principal's permissions boundary; nil means none.
	Boundary []Named
	// SCPs lists the service control policies from the organisation root
	// down to the principal's account; every level must allow. Nil means
	// none apply (no organisation, or the management account).
	SCPs []PolicySet
	// Resource is the resource's policy (a bucket policy, a key policy, a
	// role's trust policy); nil means the resource has none.
	Resource []Named
	// ResourceRequired marks resources whose own policy must allow, as
	// KMS key policies and role trust policies must.
	ResourceRequired bool
	// ResourceLayer names the resource's policy in explanations:
	// LayerResource (the default) or LayerTrust.
	ResourceLayer string
	// Session is the session policy passed when the role was assumed; nil
	// means none.
	Session []Named
}

// EvaluateRequest decides a request the way AWS's policy evaluation logic
// does: an explicit Deny in any layer denies; every level of service
// control policies must allow; within one account the identity policies
// (inside the permissions boundary and session policy) or the resource
// policy may allow, and a resource policy that names the principal's role
// rather than its session stays inside the boundary and session policy;
// across accounts both the identity side and the resource policy must
// allow. A resource policy that names only the principal's account
// delegates to the identity side.
func EvaluateRequest(in Input) Decision {
	req := in.Request
	if in.Boundary != nil {
		req.Principal.HasBoundary = true
	}
	id := evalLayer(LayerIdentity, in.Identity, req)
	layers := []*layerResult{&id}
	bAllow, sAllow, scpAllow := True, True, True
	var boundary, session, resource layerResult
	var lacking []string
	var statements []Ref
	why := id.allowWhy

	if in.Boundary != nil {
		boundary = evalLayer(LayerBoundary, in.Boundary, req)
		bAllow = boundary.allow.any()
		layers = append(layers, &boundary)
	}
	if in.Session != nil {
		session = evalLayer(LayerSession, in.Session, req)
		sAllow = session.allow.any()
		layers = append(layers, &session)
	}
	scps := make([]layerResult, len(in.SCPs))
	for i, set := range in.SCPs {
		scps[i] = evalLayer(LayerSCP, set.Policies, req)
		a := scps[i].allow.any()
		scpAllow = and(scpAllow, a)
		layers = append(layers, &scps[i])
		if a == False {
			lacking = append(lacking, "no service control policy attached to "+set.Name+" allows it")
		} else if ref := scps[i].bestAllow(); ref != nil {
			statements = append(statements, *ref)
			why = joinWhy(why, scps[i].allowWhy)
		}
	}
	if in.Resource != nil {
		name := in.ResourceLayer
		if name == "" {
			name = LayerResource
		}
		resource = evalLayer(name, in.Resource, req)
		layers = append(layers, &resource)
	}

	// An explicit Deny anywhere ends the evaluation.
	deny, denyRef, denyWhy := False, (*Ref)(nil), ""
	for _, l := range layers {
		if l.deny > deny {
			deny, denyRef, denyWhy = l.deny, l.denyRef, l.denyWhy
		}
	}
	if deny == True {
		return Decision{Effect: Denied, Deny: denyRef, Statements: []Ref{*denyRef}}
	}

	idAllow := id.allow.any()
	if req.Principal.kind() == "root" {
		// The account root user needs no identity policy in its account.
		idAllow = True
	}
	identityPath := and(idAllow, and(bAllow, sAllow))
	r := resource.allow
	sameAccount := req.ResourceAccount == "" || req.Principal.account() == "" ||
		req.ResourceAccount == req.Principal.account()
	var allowed Tri
	var allowRef *Ref
	usesIdentity, usesResource := false, false
	if sameAccount {
		// Session-level grants stand alone; a grant to the role itself
		// stays inside the boundary and session policy.
		resourcePath := or(r.session, and(r.entity, and(bAllow, sAllow)))
		if in.ResourceRequired {
			allowed = and(r.any(), or(resourcePath, identityPath))
			usesResource = true
			usesIdentity = resourcePath < identityPath
		} else {
			allowed = or(identityPath, resourcePath)
			usesResource = resourcePath > identityPath
			usesIdentity = !usesResource
		}
	} else {
		allowed = and(identityPath, r.any())
		usesIdentity, usesResource = true, true
	}
	allowed = and(allowed, scpAllow)

	if usesIdentity {
		if ref := id.bestAllow(); ref != nil {
			statements = append(statements, *ref)
			allowRef = ref
		}
		if in.Boundary != nil {
			if ref := boundary.bestAllow(); ref != nil {
				statements = append(statements, *ref)
			}
			why = joinWhy(why, boundary.allowWhy)
		}
		if in.Session != nil {
			if ref := session.bestAllow(); ref != nil {
				statements = append(statements, *ref)
			}
			why = joinWhy(why, session.allowWhy)
		}
	}
	if usesResource {
		if ref := resource.bestAllow(); ref != nil {
			statements = append(statements, *ref)
			if allowRef == nil {
				allowRef = ref
			}
		}
		why = joinWhy(why, resource.allowWhy)
	}

	d := Decision{Allow: allowRef, Statements: statements}
	switch {
	case allowed == False:
		d.Effect = NoAllow
		d.Statements = nil
		d.Lacking = strings.Join(append(lackingSides(in, id, boundary, session, resource, sameAccount, bAllow, sAllow), lacking...), "; ")
	case allowed == True && deny == False:
		d.Effect = Allowed
	default:
		d.Effect = MaybeAllowed
		d.Why = why
		if deny == Unknown {
			d.Deny = denyRef
			d.Why = joinWhy(d.Why, denyWhy)
		}
	}
	return d
}

// lackingSides names the principal-side and resource-side layers that
// give no allow.
func lackingSides(in Input, id, boundary, session, resource layerResult, same bool, bAllow, sAllow Tri) []string {
	var out []string
	idAllow := id.allow.any()
	rAny := resource.allow.any()
	switch {
	case !same && idAllow == False && rAny == False:
		out = append(out, "neither an identity policy nor the resource policy allows it")
	case !same && rAny == False:
		out = append(out, "the resource policy does not allow it, and the resource is in another account")
	case in.ResourceRequired && rAny == False:
		out = append(out, "the resource policy does not allow it, and this resource needs its own policy to allow")
	case idAllow == False && rAny == False:
		out = append(out, "no identity policy allows it")
	case idAllow == False && resource.allow.session == False && resource.allow.entity == False:
		out = append(out, "no identity policy allows it, and the resource policy names only the principal's account")
	}
	if bAllow == False && in.Boundary != nil {
		out = append(out, "the permissions boundary "+policyNames(in.Boundary)+" does not allow it")
	}
	if sAllow == False && in.Session != nil {
		out = append(out, "the session policy does not allow it")
	}
	return out
}

func policyNames(ps []Named) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}
