package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// escGrant is the result of deciding a set of permissions: its confidence,
// the actions used, the policy statements behind them, and the position of
// the first policy.
type escGrant struct {
	conf    graph.Confidence
	actions []string
	parts   []string
	pos     graph.Pos
	// tagged marks a grant that needs a tag an identity sets first.
	tagged bool
}

func (g *escGrant) add(o escGrant) {
	if g.conf == "" {
		g.conf = o.conf
	} else {
		g.conf = g.conf.Weaker(o.conf)
	}
	g.actions = append(g.actions, o.actions...)
	for _, part := range o.parts {
		if !contains(g.parts, part) {
			g.parts = append(g.parts, part)
		}
	}
	if g.pos.File == "" {
		g.pos = o.pos
	}
	g.tagged = g.tagged || o.tagged
}

// doubt makes the grant possible and adds the reason.
func (g *escGrant) doubt(why string) {
	g.conf = graph.Possible
	g.parts = append(g.parts, why)
}

// escResource is the resource an action applies to.
type escResource struct {
	arn string
	// tagging names the actions that set and remove the resource's tags.
	// It is nil for a resource without tags.
	tagging *escTagActions
	// tags are the tag values the input shows.
	tags map[string]string
	// synthetic marks an arn made up with "*" where the input does not
	// show the real value (an instance id, a region).
	synthetic bool
	// accountDoubt, when set, is the reason the actor and the resource
	// may be in two accounts, which makes a grant possible
	// (escAccountDoubt).
	accountDoubt string
}

// escTagActions are the actions that tag one kind of resource, with the
// service prefix of its resource-tag condition keys.
type escTagActions struct {
	set, unset, prefix string
}

var (
	escUserTags     = &escTagActions{set: "iam:TagUser", unset: "iam:UntagUser", prefix: "iam"}
	escRoleTags     = &escTagActions{set: "iam:TagRole", unset: "iam:UntagRole", prefix: "iam"}
	escPolicyTags   = &escTagActions{set: "iam:TagPolicy", unset: "iam:UntagPolicy", prefix: "iam"}
	escInstanceTags = &escTagActions{set: "ec2:CreateTags", unset: "ec2:DeleteTags", prefix: "ec2"}
	escFunctionTags = &escTagActions{set: "lambda:TagResource", unset: "lambda:UntagResource", prefix: "lambda"}
)

// escAdminPolicy is the AWS managed policy an attacker attaches to become
// an administrator. AWS provides it in every account.
const escAdminPolicy = "arn:aws:iam::aws:policy/AdministratorAccess"

// escIAMFullPolicy is the AWS managed policy that allows every IAM action.
const escIAMFullPolicy = "arn:aws:iam::aws:policy/IAMFullAccess"

// escContext returns the actor's request context with the method's
// condition keys and the resource's known tags.
func escContext(actor *principal, r escResource, extra map[string]string) awspolicy.Context {
	ctx := actor.context()
	for k, val := range extra {
		ctx.Values[k] = []string{val}
	}
	for k, val := range r.tags {
		ctx.Values["aws:ResourceTag/"+k] = []string{val}
		if r.tagging != nil {
			ctx.Values[r.tagging.prefix+":ResourceTag/"+k] = []string{val}
		}
	}
	return ctx
}

func escWithValues(ctx awspolicy.Context, vals map[string]string) awspolicy.Context {
	out := awspolicy.Context{Values: make(map[string][]string, len(ctx.Values)+len(vals)), Complete: ctx.Complete}
	for k, v := range ctx.Values {
		out.Values[k] = v
	}
	for k, v := range vals {
		for have := range out.Values {
			if strings.EqualFold(have, k) {
				delete(out.Values, have)
			}
		}
		out.Values[k] = []string{v}
	}
	return out
}

// decided turns a decision into a grant of one action.
func (x *escalation) decided(d awspolicy.Decision, action, on string) escGrant {
	g := escGrant{conf: graph.Certain, actions: []string{action}, pos: x.v.policyPos(d.Allow)}
	part := fmt.Sprintf("%s allows %s", d.Allow, action)
	if on != "" {
		part += " on " + on
	}
	if d.Effect != awspolicy.Allowed {
		g.conf = graph.Possible
		if d.Why != "" {
			part += " (undecided: " + d.Why + ")"
		}
	}
	g.parts = []string{part}
	return g
}

// allowOn decides one action of actor on an existing resource. A failed
// or unknown condition on the resource's tags counts as met when tagger
// may set or remove that tag. tagDep reports a tag condition that another
// identity, able to tag the resource, might still meet.
func (x *escalation) allowOn(actor, tagger *principal, action string, r escResource, extra map[string]string) (g escGrant, ok, tagDep bool) {
	ctx := escContext(actor, r, extra)
	d := actor.decide(awspolicy.Request{Action: action, Resource: r.arn, Context: ctx})
	if r.synthetic && d.Effect >= awspolicy.MaybeAllowed && !escCovers(actor, d.Allow, r.arn) {
		// The statement names some resources of the kind, and the input
		// does not show whether this one is among them.
		g := x.decided(d, action, r.arn)
		g.doubt("the input does not give this resource's ARN")
		return g, true, false
	}
	if d.Effect == awspolicy.Allowed {
		g := x.decided(d, action, r.arn)
		if r.accountDoubt != "" {
			g.doubt(r.accountDoubt)
		}
		return g, true, false
	}
	tagDep = r.tagging != nil && escTagConditioned(actor, action, r.arn)
	if tagDep && tagger != nil {
		if g, ok := x.viaTags(actor, tagger, action, r, ctx); ok {
			return g, true, true
		}
	}
	if d.Effect == awspolicy.MaybeAllowed {
		return x.decided(d, action, r.arn), true, tagDep
	}
	return escGrant{}, false, tagDep
}

// escCovers reports whether the allowing statement names every resource
// that a made-up ARN may be. Its "*" parts are unknown values, so only a
// pattern with "*" in the same places covers it.
func escCovers(actor *principal, ref *awspolicy.Ref, arn string) bool {
	if ref == nil {
		return true
	}
	for _, np := range actor.policies {
		if np.Name != ref.Policy || ref.Statement >= len(np.Policy.Statements) {
			continue
		}
		st := &np.Policy.Statements[ref.Statement]
		if len(st.NotResource) > 0 {
			for _, pat := range st.NotResource {
				if awspolicy.Glob(pat, arn) {
					return false
				}
			}
			return true
		}
		for _, pat := range st.Resource {
			if awspolicy.Glob(pat, arn) {
				return true
			}
		}
		return false
	}
	return true
}

// escTagConditioned reports whether a statement that allows the action on
// the resource has a condition on the resource's tags.
func escTagConditioned(actor *principal, action, arn string) bool {
	for _, np := range actor.policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if st.Effect == "Allow" && st.MatchesAction(action) && st.MatchesResource(arn) && len(escChooseTags(st.Condition).keys) > 0 {
				return true
			}
		}
	}
	return false
}

// escTagChoice is a set of tag values that meets a statement's tag
// conditions.
type escTagChoice struct {
	keys       []string
	values     map[string]string
	set, unset bool // whether a tag must be set to a value, or removed
}

// escRemovedTag is the value of a tag the attacker removes or changes. No
// negated condition names it.
const escRemovedTag = "\x00removed"

// escChooseTags picks, for each resource-tag key of a condition block, a
// value that meets it: the value a positive operator expects, or one that
// a negated operator does not name. Null checks stay undecided.
func escChooseTags(cond map[string]map[string][]string) escTagChoice {
	c := escTagChoice{values: map[string]string{}}
	for op, keys := range cond {
		base := op
		if i := strings.Index(base, ":"); i >= 0 {
			base = base[i+1:]
		}
		base = strings.TrimSuffix(base, "IfExists")
		for key, want := range keys {
			lk := strings.ToLower(key)
			if !strings.Contains(lk, ":resourcetag/") || base == "Null" || len(want) == 0 {
				continue
			}
			c.keys = append(c.keys, key)
			if strings.Contains(base, "Not") {
				c.values[key] = escRemovedTag
				c.unset = true
				continue
			}
			val := want[0]
			if strings.Contains(base, "Like") {
				val = strings.ReplaceAll(strings.ReplaceAll(val, "*", ""), "?", "x")
			}
			c.values[key] = val
			c.set = true
		}
	}
	sort.Strings(c.keys)
	return c
}

// viaTags finds an allowing statement whose tag conditions the tagger can
// meet by tagging the resource first.
func (x *escalation) viaTags(actor, tagger *principal, action string, r escResource, ctx awspolicy.Context) (escGrant, bool) {
	var best escGrant
	found := false
	for _, np := range actor.policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if st.Effect != "Allow" || !st.MatchesAction(action) || !st.MatchesResource(r.arn) {
				continue
			}
			choice := escChooseTags(st.Condition)
			if len(choice.keys) == 0 {
				continue
			}
			d := actor.decide(awspolicy.Request{Action: action, Resource: r.arn, Context: escWithValues(ctx, choice.values)})
			if d.Effect < awspolicy.MaybeAllowed {
				continue
			}
			tg, ok := x.tagging(tagger, r, choice)
			if !ok {
				continue
			}
			g := x.decided(d, action, r.arn)
			g.parts[0] += " when the condition on " + strings.Join(choice.keys, ", ") + " holds"
			if r.synthetic && !escCovers(actor, d.Allow, r.arn) {
				g.doubt("the input does not give this resource's ARN")
			}
			g.add(tg)
			g.tagged = true
			if !found || (g.conf == graph.Certain && best.conf != graph.Certain) {
				best, found = g, true
			}
		}
	}
	return best, found
}

// tagging decides the tagging actions a tag choice needs. A tag that must
// not have some value is removed or overwritten.
func (x *escalation) tagging(tagger *principal, r escResource, c escTagChoice) (escGrant, bool) {
	var steps [][]string // per step, alternative actions; the first allowed one is used
	if c.unset {
		steps = append(steps, []string{r.tagging.unset, r.tagging.set})
	}
	if c.set {
		steps = append(steps, []string{r.tagging.set})
	}
	ctx := escContext(tagger, r, nil)
	var g escGrant
	for _, alts := range steps {
		done := false
		for _, a := range alts {
			d := tagger.decide(awspolicy.Request{Action: a, Resource: r.arn, Context: ctx})
			if d.Effect < awspolicy.MaybeAllowed {
				continue
			}
			tg := x.decided(d, a, r.arn)
			tg.parts[0] = tagger.node.ID + " first changes the tag: " + tg.parts[0]
			g.add(tg)
			done = true
			break
		}
		if !done {
			return escGrant{}, false
		}
	}
	return g, true
}

// allowNew decides an action that creates a resource the actor names. A
// statement limited to some names still lets it pick one of them, and a
// Deny on other names does not stop it.
func (x *escalation) allowNew(actor *principal, action string) (escGrant, bool) {
	key := actor.node.ID + "\x00" + action
	if c, ok := x.newCache[key]; ok {
		return c.g, c.ok
	}
	var best awspolicy.Decision
	for _, cand := range escNewCandidates(actor, action) {
		d := actor.decide(awspolicy.Request{Action: action, Resource: cand, Context: actor.context()})
		if escRank(d.Effect) > escRank(best.Effect) {
			best = d
		}
	}
	res := escCached{ok: best.Effect >= awspolicy.MaybeAllowed}
	if res.ok {
		res.g = x.decided(best, action, "")
	}
	x.newCache[key] = res
	return res.g, res.ok
}

type escCached struct {
	g  escGrant
	ok bool
}

func escRank(e awspolicy.Effect) int {
	switch e {
	case awspolicy.Allowed:
		return 2
	case awspolicy.MaybeAllowed:
		return 1
	}
	return 0
}

// escNewCandidates lists the resource names to try for a new resource:
// the patterns of the statements that allow the action, each one for a
// name it matches.
func escNewCandidates(actor *principal, action string) []string {
	seen := map[string]bool{}
	var out []string
	addAll := func(ps []awspolicy.Named) {
		for _, np := range ps {
			for i := range np.Policy.Statements {
				st := &np.Policy.Statements[i]
				if st.Effect != "Allow" || !st.MatchesAction(action) {
					continue
				}
				pats := st.Resource
				if len(st.NotResource) > 0 || len(pats) == 0 {
					pats = []string{"arn:aws:" + strings.ToLower(strings.SplitN(action, ":", 2)[0]) + ":::new"}
				}
				for _, p := range pats {
					if !seen[p] {
						seen[p] = true
						out = append(out, p)
					}
				}
			}
		}
	}
	addAll(actor.policies)
	addAll(actor.boundary)
	sort.Strings(out)
	return out
}

// escIsAdmin reports whether a policy allows every action on every
// resource: a statement allows them without a condition and no Deny of
// the policy takes the probe away.
func escIsAdmin(p *awspolicy.Policy) bool {
	if !escAllowsAll(p) {
		return false
	}
	d := awspolicy.Evaluate([]awspolicy.Named{{Name: "version", Policy: p}},
		awspolicy.Request{Action: "blastradius:Probe", Resource: "arn:aws:blastradius:::probe"})
	return d.Effect == awspolicy.Allowed
}

// trusts reports whether a role's trust policy lets a service assume it
// for a resource of the given account, with the undecided conditions.
func (x *escalation) trusts(role graph.Node, service, account string) (awspolicy.Tri, string) {
	pol := x.trustDoc(role)
	if pol == nil {
		return awspolicy.False, ""
	}
	ctx := awspolicy.Context{Values: map[string][]string{"aws:PrincipalServiceName": {service}}}
	if account != "" {
		ctx.Values["aws:SourceAccount"] = []string{account}
	}
	allow, deny, why := awspolicy.False, awspolicy.False, ""
	for i := range pol.Statements {
		st := &pol.Statements[i]
		if !st.MatchesAction("sts:AssumeRole") || !escAdmitsService(st, service) {
			continue
		}
		c, w := awspolicy.EvalConditions(st.Condition, ctx)
		if st.Effect == "Deny" {
			deny = max(deny, c)
			continue
		}
		if c > allow {
			allow, why = c, w
		}
	}
	switch {
	case deny == awspolicy.True:
		return awspolicy.False, ""
	case deny == awspolicy.Unknown && allow == awspolicy.True:
		return awspolicy.Unknown, "a Deny in the trust policy may apply"
	}
	return allow, why
}

func escAdmitsService(st *awspolicy.Statement, service string) bool {
	if st.Principal["*"] != nil {
		return true
	}
	for _, s := range st.Principal["Service"] {
		if s == service {
			return true
		}
	}
	for _, a := range st.Principal["AWS"] {
		if a == "*" {
			return true
		}
	}
	return false
}
