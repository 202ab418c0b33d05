package link

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// Administrators. A method that makes an identity an administrator leads
// to the account's administrator node (graph.AWSAdministratorID). The
// linker treats that node as a principal holding AdministratorAccess,
// bound by the account's service control policies, so the walk goes on to
// the secrets, resources, roles and users the account leaves open to an
// administrator.
//
// A method that makes another identity an administrator, one the actor
// does not act as, widens only the reach of the identity's holder. The
// actor gets a CAN_GRANT edge to the identity's grant node
// (graph.AWSAdminGrantID), whose holder attribute names the identity, and
// the grant node acts as the administrator. The walk takes that edge only
// once it holds the identity.

// escAdminDoc is the document of AdministratorAccess.
const escAdminDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// escIsAdminActor reports whether one of the principal's own policies
// allows every action on every resource without a condition, none of them
// denies anything, and its permissions boundary, if any, allows
// everything too. Such a principal gains nothing by making itself or
// another identity an administrator, since the service control policies
// that bind it bind the new policy too. A Deny statement or a narrower
// boundary binds only the principal, not the identities it can make
// administrators, and an administrator can remove its own Deny.
func escIsAdminActor(p *principal) bool {
	if p.boundaryUnknown != "" {
		return false
	}
	for _, b := range p.boundary {
		if !escAllowsAll(b.Policy) {
			return false
		}
	}
	all := false
	for _, np := range p.policies {
		for i := range np.Policy.Statements {
			if np.Policy.Statements[i].Effect == "Deny" {
				return false
			}
		}
		all = all || escAllowsAll(np.Policy)
	}
	return all
}

// escAllowsAll reports whether a statement of a policy allows every
// action on every resource without a condition. NotAction and
// NotResource leave something out, so they never count.
func escAllowsAll(p *awspolicy.Policy) bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || len(st.NotAction) > 0 || len(st.NotResource) > 0 || len(st.Condition) > 0 {
			continue
		}
		if (slices.Contains(st.Action, "*") || slices.Contains(st.Action, "*:*")) && slices.Contains(st.Resource, "*") {
			return true
		}
	}
	return false
}

// administrator returns the id of the administrator node of an account,
// adding the node the first time. A boundary, the ARN of the permissions
// boundary of the identity made an administrator, gives a node of its
// own: the boundary still limits that identity.
func (x *escalation) administrator(account, boundary string, pos graph.Pos) string {
	if account == "" {
		account = "unknown-account"
	}
	id, label := graph.AWSAdministratorID(account), "an administrator of account "+account
	if boundary != "" {
		id, label = graph.AWSBoundedAdministratorID(account, boundary), label+" within permissions boundary "+boundary
	}
	if _, ok := x.admins[id]; ok {
		return id
	}
	n := graph.Node{ID: id, Kind: graph.NodeIdentity, Label: label, Pos: pos}
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr("type", "administrator")
	n.SetAttr(graph.AttrAccount, account)
	n.SetAttr("scope", "true")
	if boundary != "" {
		n.SetAttr("permissions_boundary", boundary)
	}
	x.v.addNode(n)
	x.admins[id] = n
	x.adminOrder = append(x.adminOrder, id)
	return id
}

// boundaryOf returns the ARN of the permissions boundary that binds an
// identity, or "" when none does or the boundary allows every action on
// every resource.
func (x *escalation) boundaryOf(id string) string {
	n, ok := x.v.node(id)
	if !ok {
		return ""
	}
	b := n.Attr("permissions_boundary")
	if b == "" {
		return ""
	}
	if pol, ok := x.v.policy(b); ok && escAllowsAll(pol) {
		return ""
	}
	return b
}

// escHeld is one identity that a method makes an administrator for its
// holder, with the surest grant found.
type escHeld struct {
	m      *escMethod
	target graph.Node // the user, role, group or policy changed
	g      escGrant
}

// heldMethods performs, as actor, the methods that make an administrator
// of an identity the actor does not act as.
func (x *escalation) heldMethods(actor *principal) {
	if escIsAdminActor(actor) {
		return
	}
	reach := x.actsAs(actor.node.ID)
	acct := escAccount(actor)
	got := map[string]*escHeld{}
	var holders []string
	for i := range escMethods {
		m := &escMethods[i]
		if m.on > onSelfVersion || !x.mayDo(actor, m) {
			continue
		}
		for _, t := range x.heldTargets(m, acct, reach) {
			g, ok, _ := x.attempt(m, actor, actor, t.target)
			if !ok {
				continue
			}
			for _, h := range t.holders {
				if _, acts := reach[h]; acts {
					continue
				}
				cur := got[h]
				if cur == nil {
					holders = append(holders, h)
				} else if cur.g.conf == graph.Certain || g.conf != graph.Certain {
					continue
				}
				got[h] = &escHeld{m: m, target: t.target.node, g: g}
			}
		}
	}
	sort.Strings(holders)
	for _, h := range holders {
		x.emitGrant(actor, h, got[h])
	}
}

// escHeldTarget is a target of a held method with the identities whose
// permissions the change widens.
type escHeldTarget struct {
	target  *escTarget
	holders []string
}

// heldTargets lists the identities of the actor's account (every account
// when it is unknown) that a method can change and the actor does not act
// as, each with the identities it widens: a user or role itself, a
// group's members, and the users and roles a policy is attached to,
// directly or through a group.
func (x *escalation) heldTargets(m *escMethod, acct string, reach map[string]escHop) []escHeldTarget {
	inAccount := func(n graph.Node) bool {
		a := escNodeAccount(n)
		return acct == "" || a == "" || a == acct
	}
	var out []escHeldTarget
	switch m.on {
	case onSelfUser:
		for _, u := range x.users {
			if _, acts := reach[u.ID]; !acts && inAccount(u) {
				out = append(out, escHeldTarget{target: &escTarget{node: u, res: escResource{arn: u.ID, tagging: escUserTags}}, holders: []string{u.ID}})
			}
		}
	case onSelfRole:
		for _, r := range x.roles {
			if _, acts := reach[r.ID]; !acts && inAccount(r) && !strings.Contains(r.ID, ":role/aws-service-role/") {
				out = append(out, escHeldTarget{target: &escTarget{node: r, res: escResource{arn: r.ID, tagging: escRoleTags}}, holders: []string{r.ID}})
			}
		}
	case onSelfGroup:
		for _, g := range x.groups {
			if members := x.groupMembers()[g.ID]; len(members) > 0 && inAccount(g) {
				out = append(out, escHeldTarget{target: &escTarget{node: g, res: escResource{arn: g.ID}}, holders: members})
			}
		}
	case onSelfPolicy, onSelfVersion:
		holders := x.policyHolders()
		ids := make([]string, 0, len(holders))
		for id := range holders {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			pol, ok := x.v.node(id)
			if !ok || !escCustomerManaged(id) || !inAccount(pol) {
				continue
			}
			out = append(out, escHeldTarget{target: &escTarget{node: pol, res: escResource{arn: pol.ID, tagging: escPolicyTags}}, holders: holders[id]})
		}
	}
	return out
}

// groupMembers returns, per group, the users in it, sorted.
func (x *escalation) groupMembers() map[string][]string {
	if x.groupUsers != nil {
		return x.groupUsers
	}
	x.groupUsers = map[string][]string{}
	for _, u := range x.users {
		for _, e := range x.v.edgesFrom(graph.EdgeMemberOf, u.ID) {
			x.groupUsers[e.To] = append(x.groupUsers[e.To], u.ID)
		}
	}
	for _, ms := range x.groupUsers {
		sort.Strings(ms)
	}
	return x.groupUsers
}

// policyHolders returns, per policy, the users and roles it applies to,
// directly or through a group, sorted.
func (x *escalation) policyHolders() map[string][]string {
	if x.policyUsers != nil {
		return x.policyUsers
	}
	x.policyUsers = map[string][]string{}
	members := x.groupMembers()
	for _, list := range [][]graph.Node{x.users, x.roles, x.groups} {
		for _, n := range list {
			for _, e := range x.v.edgesFrom(graph.EdgeHasPolicy, n.ID) {
				if n.Attr("type") == "group" {
					x.policyUsers[e.To] = append(x.policyUsers[e.To], members[n.ID]...)
				} else {
					x.policyUsers[e.To] = append(x.policyUsers[e.To], n.ID)
				}
			}
		}
	}
	for id, hs := range x.policyUsers {
		sort.Strings(hs)
		x.policyUsers[id] = compactStrings(hs)
	}
	return x.policyUsers
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// emitGrant adds the CAN_GRANT edge from the actor to the holder's grant
// node, and the grant node's step to the administrator of its account.
func (x *escalation) emitGrant(actor *principal, holder string, h *escHeld) {
	hn, ok := x.v.node(holder)
	if !ok {
		hn = graph.Node{ID: holder, Label: holder}
	}
	acct := escNodeAccount(hn)
	if acct == "" {
		acct = escAccount(actor)
	}
	admin := x.administrator(acct, x.boundaryOf(holder), h.g.pos)
	grant := graph.AWSAdminGrantID(holder)
	gn := graph.Node{ID: grant, Kind: graph.NodeIdentity, Label: hn.Label + " made an administrator", Pos: hn.Pos}
	gn.SetAttr(graph.AttrProvider, "aws")
	gn.SetAttr("type", "admin-grant")
	gn.SetAttr(graph.AttrAccount, acct)
	gn.SetAttr("scope", "true")
	x.v.addNode(gn)
	step := graph.Edge{From: grant, To: admin, Kind: graph.EdgeCanAssume, Confidence: graph.Certain, Pos: hn.Pos}
	step.SetAttr(graph.AttrReason, holder+" holds every permission once an administrator policy applies to it")
	x.v.addEdge(step)

	reason := fmt.Sprintf(h.m.does, h.target.ID)
	if h.target.ID != holder {
		reason += ", which applies to " + holder
	}
	reason += "; whoever holds " + holder + " becomes an administrator: " + strings.Join(h.g.parts, "; ")
	e := graph.Edge{From: actor.node.ID, To: grant, Kind: graph.EdgeCanGrant, Confidence: h.g.conf, Pos: h.g.pos}
	e.SetAttr(graph.AttrActions, graph.JoinList(h.g.actions))
	e.SetAttr("method", h.m.name)
	e.SetAttr(graph.AttrHolder, holder)
	e.SetAttr(graph.AttrReason, reason)
	x.v.addEdge(e)
}

// linkAdministrators links each administrator node the methods led to as a
// principal holding AdministratorAccess.
func (x *escalation) linkAdministrators() {
	if len(x.adminOrder) == 0 {
		return
	}
	doc, err := awspolicy.Parse(escAdminDoc)
	if err != nil {
		panic("link: administrator policy: " + err.Error())
	}
	if x.resPolicies == nil {
		x.resPolicies = x.v.resourcePolicies()
		x.actionCache = newActionCache()
	}
	for _, id := range x.adminOrder {
		n := x.admins[id]
		p := &principal{node: n, policies: []awspolicy.Named{{Name: escAdminPolicy, Policy: doc}}}
		if b := n.Attr("permissions_boundary"); b != "" {
			if pol, ok := x.v.policy(b); ok {
				p.boundary = []awspolicy.Named{{Name: b, Policy: pol}}
			} else {
				p.boundaryUnknown = b
			}
		}
		if acct := n.Attr(graph.AttrAccount); acct != "unknown-account" {
			p.scps = x.v.scpsFor(acct)
		} else {
			p.scpsMaybe = x.v.memberSCPs()
		}
		p.mfa = mfaOnce(p, x.ps)
		x.byID[id] = p
		x.v.linkSecretAccess(p, x.resPolicies)
		x.v.linkResources(p, x.resPolicies, x.actionCache)
		x.v.linkMint(p, x.ps)
		for _, role := range x.roles {
			trust := x.trustDoc(role)
			if trust != nil {
				x.v.assumeByAWS(role, trust, p)
			}
		}
		x.tryAll(p, func(m *escMethod) bool { return m.on > onSelfVersion })
	}
}

// trustDoc returns a role's parsed trust policy, or nil.
func (x *escalation) trustDoc(role graph.Node) *awspolicy.Policy {
	pol, ok := x.trustDocs[role.ID]
	if !ok {
		pol, _ = awspolicy.Parse(role.Attr("trust_policy"))
		x.trustDocs[role.ID] = pol
	}
	return pol
}
