package link

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// escalation holds the indexes the catalogue's methods need over one
// graph, and derives their edges.
type escalation struct {
	v *view
	// actors are the principals with policies: users and roles, then each
	// group that an AddUserToGroup edge leads to.
	actors []*principal
	ps     []*principal
	byID   map[string]*principal

	users, roles, groups, lambdas, instances []graph.Node
	runtimes                                 map[string][]graph.Node // by type
	members                                  map[string]bool         // keys are user id + "\x00" + group id
	profiles                                 map[string]string       // role id -> an instance profile that contains it
	profileRoles                             map[string][]string     // instance profile -> the roles it contains
	passwords                                map[string]string       // user id -> its console password node
	ecsServices                              map[string]bool         // accounts that have an ECS service

	trustDocs map[string]*awspolicy.Policy
	newCache  map[string]escCached
	mentions  map[string]bool
	// pending lists, per actor, the targets of methods it failed to
	// perform because of a tag condition that another identity may meet.
	pending map[string][]escPending
	// next is the acts-as relation: CAN_ASSUME to a role or group, and
	// CAN_MINT of a credential that authenticates as a user.
	next  map[string][]escStep
	reach map[string]map[string]escHop // actsAs results by actor

	// Inputs of the AWS linker, kept to derive a joined group's reach.
	resPolicies map[string]resPolicy
	actionCache *actionCache

	// admins are the administrator nodes the methods lead to, by id, in
	// the order they were added.
	admins     map[string]graph.Node
	adminOrder []string
	// groupUsers and policyUsers index, per group and per policy, the
	// users and roles they apply to; nil until first read.
	groupUsers, policyUsers map[string][]string
}

type escPending struct {
	m *escMethod
	t *escTarget
}

type escStep struct {
	to   string
	conf graph.Confidence
}

// escTarget is one node a method acts on.
type escTarget struct {
	node graph.Node
	res  escResource
	// to lists the nodes the edges go to. Empty means node itself.
	to []string
	// via is the path from the actor to node, for self methods.
	via *escHop
	// taskRole is the role of an ECS task definition. A new revision
	// passes it again.
	taskRole string
}

func newEscalation(v *view, ps []*principal) *escalation {
	x := &escalation{
		v: v, ps: ps, byID: map[string]*principal{},
		runtimes:     map[string][]graph.Node{},
		members:      map[string]bool{},
		profiles:     map[string]string{},
		profileRoles: map[string][]string{},
		passwords:    map[string]string{},
		ecsServices:  map[string]bool{},
		trustDocs:    map[string]*awspolicy.Policy{},
		newCache:     map[string]escCached{},
		mentions:     map[string]bool{},
		pending:      map[string][]escPending{},
		admins:       map[string]graph.Node{},
	}
	for _, p := range ps {
		x.byID[p.node.ID] = p
		if len(p.policies) > 0 {
			x.actors = append(x.actors, p)
		}
	}
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr(graph.AttrProvider) != "aws" {
			continue
		}
		switch n.Attr("type") {
		case "user":
			x.users = append(x.users, n)
			for _, e := range v.edgesFrom(graph.EdgeMemberOf, n.ID) {
				x.members[n.ID+"\x00"+e.To] = true
			}
		case "role":
			x.roles = append(x.roles, n)
			for _, ip := range graph.SplitList(n.Attr("instance_profiles")) {
				x.holds(ip, n.ID)
			}
		case "group":
			x.groups = append(x.groups, n)
		}
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		switch {
		case escIsFunction(rt):
			x.lambdas = append(x.lambdas, rt)
		case escIsInstance(rt):
			x.instances = append(x.instances, rt)
		}
		if t := rt.Attr("type"); t != "" {
			x.runtimes[t] = append(x.runtimes[t], rt)
		}
		if rt.Attr("type") == "ecs-task" && rt.Attr("services") != "" {
			x.ecsServices[escNodeAccount(rt)] = true
		}
	}
	for _, r := range v.byKind[graph.NodeResource] {
		if strings.Contains(r.ID, ":instance-profile/") {
			x.holds(r.ID, graph.SplitList(r.Attr("role"))...)
		}
	}
	for _, s := range v.byKind[graph.NodeSecret] {
		switch s.Attr("type") {
		case "role-credentials":
			// Instance credentials name the profile that hands a role to
			// a host.
			if ip := s.Attr("instance_profile"); ip != "" {
				for _, e := range v.edgesFrom(graph.EdgeAuthenticatesAs, s.ID) {
					if x.profiles[e.To] == "" {
						x.profiles[e.To] = ip
					}
				}
			}
		case "console-password":
			for _, e := range v.edgesFrom(graph.EdgeAuthenticatesAs, s.ID) {
				x.passwords[e.To] = s.ID
			}
		}
	}
	return x
}

// holds records the roles an instance profile contains. With no roles, it
// records an empty profile.
func (x *escalation) holds(profile string, roles ...string) {
	if _, ok := x.profileRoles[profile]; !ok {
		x.profileRoles[profile] = nil
	}
	for _, r := range roles {
		if !contains(x.profileRoles[profile], r) {
			x.profileRoles[profile] = append(x.profileRoles[profile], r)
		}
		if x.profiles[r] == "" {
			x.profiles[r] = profile
		}
	}
}

func escIsFunction(rt graph.Node) bool {
	return rt.Attr("type") == "lambda" || strings.HasPrefix(rt.ID, "runtime:aws:lambda:")
}

func escIsInstance(rt graph.Node) bool {
	return rt.Attr("type") == "ec2-instance" || strings.HasPrefix(rt.ID, "runtime:aws:ec2:")
}

// run derives the edges in rounds. Methods that reach another identity
// come first, because the methods that make an identity the attacker acts
// as an administrator read their edges. Methods on runtimes follow. Last,
// each target that an identity failed on because of a tag condition is
// tried again, with the tags set by each identity that acts as it.
func (x *escalation) run() {
	for i := 0; i < len(x.actors); i++ {
		x.tryAll(x.actors[i], func(m *escMethod) bool { return m.on >= onUser && m.on <= onPassedRole })
	}
	x.indexActsAs()
	for _, a := range x.actors {
		x.selfMethods(a)
		x.heldMethods(a)
		x.tryAll(a, func(m *escMethod) bool { return m.on >= onFunction })
	}
	x.tagHelp()
	x.linkAdministrators()
}

// tryAll performs, as actor, each method that keep accepts on every target.
func (x *escalation) tryAll(actor *principal, keep func(*escMethod) bool) {
	for i := range escMethods {
		m := &escMethods[i]
		if !keep(m) || !x.mayDo(actor, m) {
			continue
		}
		for _, t := range x.targets(m, actor) {
			g, ok, tagDep := x.attempt(m, actor, actor, t)
			if tagDep && (!ok || g.conf != graph.Certain) {
				x.pending[actor.node.ID] = append(x.pending[actor.node.ID], escPending{m: m, t: t})
			}
			if !ok || (m.tagsOnly && !g.tagged) {
				continue
			}
			x.emit(m, actor.node.ID, t, g, "")
		}
	}
}

// mayDo reports whether the actor's statements allow every action of one
// of the method's ways, ignoring resources and conditions. It skips the
// methods an actor has no permission for before any target is tried.
func (x *escalation) mayDo(actor *principal, m *escMethod) bool {
	if m.on == onPassedRole && !x.mentionsAction(actor, "iam:PassRole") {
		return false
	}
	for _, w := range m.ways {
		all := true
		for _, a := range w.actions {
			if !x.mentionsAction(actor, a) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (x *escalation) mentionsAction(actor *principal, action string) bool {
	key := actor.node.ID + "\x00" + action
	if v, ok := x.mentions[key]; ok {
		return v
	}
	found := false
	for _, np := range actor.policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if st.Effect == "Allow" && st.MatchesAction(action) {
				found = true
			}
		}
	}
	x.mentions[key] = found
	return found
}

// attempt tries every way of a method on one target and returns the
// surest grant. The first certain way wins.
func (x *escalation) attempt(m *escMethod, actor, tagger *principal, t *escTarget) (best escGrant, found, tagDep bool) {
	best, found, tagDep = x.attemptWith(m, actor, tagger, t, escAdminPolicy)
	if found || !strings.HasPrefix(m.name, "Attach") {
		return best, found, tagDep
	}
	// A condition on iam:PolicyARN may leave out AdministratorAccess
	// alone. IAMFullAccess then lets the identity write itself an
	// administrator policy, a second step whose Deny statements are not
	// evaluated here.
	g, ok, dep := x.attemptWith(m, actor, tagger, t, escIAMFullPolicy)
	if ok {
		g.doubt("AdministratorAccess cannot be attached, but IAMFullAccess can, and its iam:* then writes an administrator policy, unless a Deny stops that second step")
	}
	return g, ok, tagDep || dep
}

// attemptWith is attempt with the managed policy an Attach method attaches.
func (x *escalation) attemptWith(m *escMethod, actor, tagger *principal, t *escTarget, policy string) (best escGrant, found, tagDep bool) {
	for _, w := range m.ways {
		g, ok, dep := x.tryWay(m, w, actor, tagger, t, policy)
		tagDep = tagDep || dep
		if !ok {
			continue
		}
		if !found || (g.conf == graph.Certain && best.conf != graph.Certain) {
			best, found = g, true
		}
		if best.conf == graph.Certain {
			break
		}
	}
	return best, found, tagDep
}

func (x *escalation) tryWay(m *escMethod, w escWay, actor, tagger *principal, t *escTarget, policy string) (g escGrant, ok, tagDep bool) {
	extra := map[string]string{}
	if strings.HasPrefix(m.name, "Attach") {
		extra["iam:PolicyARN"] = policy
	}
	for _, a := range w.actions {
		var ag escGrant
		var dep bool
		if m.on == onPassedRole {
			ag, ok = x.allowNew(actor, a)
		} else {
			ag, ok, dep = x.allowOn(actor, tagger, a, t.res, extra)
		}
		tagDep = tagDep || dep
		if !ok {
			return escGrant{}, false, tagDep
		}
		g.add(ag)
	}
	switch m.on {
	case onPassedRole:
		pg, ok, dep := x.allowOn(actor, tagger, "iam:PassRole", t.res, map[string]string{"iam:PassedToService": m.service})
		tagDep = tagDep || dep
		if !ok {
			return escGrant{}, false, tagDep
		}
		g.add(pg)
		if !x.passable(m, actor, t, &g) {
			return escGrant{}, false, tagDep
		}
	case onRole:
		if !x.assumable(actor, t, &g) {
			return escGrant{}, false, tagDep
		}
	case onRuntime:
		if t.taskRole != "" {
			// A new revision keeps the task role, so the caller passes it.
			role := escResource{arn: t.taskRole, tagging: escRoleTags}
			pg, ok, dep := x.allowOn(actor, tagger, "iam:PassRole", role, map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"})
			tagDep = tagDep || dep
			if !ok {
				return escGrant{}, false, tagDep
			}
			g.add(pg)
		}
	}
	if !x.fact(w, actor, tagger, t, &g) {
		return escGrant{}, false, tagDep
	}
	return g, true, tagDep
}

// fact checks the fact a way depends on and returns false when the input
// shows that it does not hold. When the input does not show it, the grant
// becomes possible.
func (x *escalation) fact(w escWay, actor, tagger *principal, t *escTarget, g *escGrant) bool {
	unknown := func() bool {
		if w.needs != "" {
			g.doubt("this needs " + w.needs + ", which the input does not show")
		}
		return true
	}
	switch w.fact {
	case factProfile:
		ip := x.profiles[t.node.ID]
		if ip == "" {
			return false
		}
		g.parts = append(g.parts, "instance profile "+ip+" holds the role")
	case factSpareProfile:
		if sg, ok := x.spareProfile(actor, tagger, t.node.ID); ok {
			g.add(sg)
			return true
		}
		ag, ok := x.allowNew(actor, "iam:AddRoleToInstanceProfile")
		if !ok {
			return false
		}
		g.add(ag)
		return unknown()
	case factPassword:
		if pw := x.passwords[t.node.ID]; pw != "" {
			g.parts = append(g.parts, pw+" is its console password")
			return true
		}
		return unknown()
	case factNoPassword:
		if x.passwords[t.node.ID] != "" {
			return false
		}
		return unknown()
	case factAdminVersion:
		switch {
		case escHasAdminVersion(t.node):
			g.parts = append(g.parts, "a stored version of "+t.node.ID+" allows * on *")
			return true
		case t.node.Attr("default_version") != "" || t.node.Attr("other_versions") != "":
			return false // every version is in the input
		}
		return unknown()
	case factECSService:
		if x.ecsServices[escAccount(actor)] {
			g.parts = append(g.parts, "the input shows ECS services in the account")
			return true
		}
		return unknown()
	default:
		return unknown()
	}
	return true
}

// spareProfile finds an instance profile of the input that the actor can
// put a role into: an empty one, or one whose role it can remove first.
// It returns the permissions used.
func (x *escalation) spareProfile(actor, tagger *principal, role string) (escGrant, bool) {
	ids := make([]string, 0, len(x.profileRoles))
	for ip := range x.profileRoles {
		if a := accountOf(ip); a == "" || escAccount(actor) == "" || a == escAccount(actor) {
			ids = append(ids, ip)
		}
	}
	sort.Strings(ids)
	for _, ip := range ids {
		held := x.profileRoles[ip]
		if contains(held, role) {
			continue
		}
		r := escResource{arn: ip}
		g, ok, _ := x.allowOn(actor, tagger, "iam:AddRoleToInstanceProfile", r, nil)
		if !ok {
			continue
		}
		if len(held) > 0 {
			rg, ok, _ := x.allowOn(actor, tagger, "iam:RemoveRoleFromInstanceProfile", r, nil)
			if !ok {
				continue
			}
			g.add(rg)
			g.parts = append(g.parts, "it swaps "+strings.Join(held, ", ")+" out of instance profile "+ip+" for the role")
		} else {
			g.parts = append(g.parts, "it puts the role into the empty instance profile "+ip)
		}
		return g, true
	}
	return escGrant{}, false
}

// passable checks that the passed role's trust policy admits the service.
func (x *escalation) passable(m *escMethod, actor *principal, t *escTarget, g *escGrant) bool {
	tr, why := x.trusts(t.node, m.service, escAccount(actor))
	switch tr {
	case awspolicy.False:
		return false
	case awspolicy.Unknown:
		g.doubt(fmt.Sprintf("the trust policy of %s admits %s if its condition holds (undecided: %s)", t.node.ID, m.service, why))
	default:
		g.parts = append(g.parts, fmt.Sprintf("the trust policy of %s admits %s", t.node.ID, m.service))
	}
	return true
}

// assumable checks that the actor may assume a role whose trust policy
// it rewrote to name it. In the actor's own account such a trust policy
// needs no identity policy to allow sts:AssumeRole, so only a Deny stops it.
func (x *escalation) assumable(actor *principal, t *escTarget, g *escGrant) bool {
	req := awspolicy.Request{Action: "sts:AssumeRole", Resource: t.node.ID, Context: actor.context()}
	d := actor.decide(req)
	switch {
	case d.Effect == awspolicy.Denied:
		return false
	case d.Effect == awspolicy.MaybeAllowed && d.Deny != nil:
		g.doubt(fmt.Sprintf("%s may deny sts:AssumeRole (undecided: %s)", d.Deny, d.Why))
	}
	return true
}

func escAccount(p *principal) string {
	if a := p.node.Attr(graph.AttrAccount); a != "" {
		return a
	}
	return accountOf(p.node.ID)
}

// targets lists the targets of a method for one actor. IAM calls and the
// services' own calls act only in the actor's account.
func (x *escalation) targets(m *escMethod, actor *principal) []*escTarget {
	var out []*escTarget
	acct := escAccount(actor)
	for _, t := range x.candidates(m, actor) {
		ta := escNodeAccount(t.node)
		if ta != "" && acct != "" && ta != acct {
			continue
		}
		if why := escAccountDoubt(actor, t.node, acct, ta); why != "" {
			copied := *t
			copied.res.accountDoubt = why
			t = &copied
		}
		out = append(out, t)
	}
	return out
}

// escAccountDoubt returns why an actor and a target whose accounts are
// acct and ta may be in two accounts, or "". As accountDoubt rules for
// the AWS linker, one account known and the other not leaves that open,
// unless both come from one Terraform module and provider configuration.
// Two provider configurations of one module leave it open even when
// neither account is known.
func escAccountDoubt(actor *principal, target graph.Node, acct, ta string) string {
	if acct != "" && ta != "" {
		return ""
	}
	sameModule := path.Dir(actor.node.Pos.File) == path.Dir(target.Pos.File)
	pp, tp := actor.node.Attr("tf_provider"), target.Attr("tf_provider")
	switch {
	case sameModule && pp != tp:
		return fmt.Sprintf("%s and %s come from different aws provider configurations (%s, %s) whose accounts are not both in the input; the grant holds only within one account",
			actor.node.ID, target.ID, providerName(pp), providerName(tp))
	case acct == "" && ta == "", sameModule:
		return ""
	}
	return "the account of " + target.ID + " or of " + actor.node.ID + " is not in the input; the grant holds only within one account"
}

// escNodeAccount returns the account of a node when the input shows it.
func escNodeAccount(n graph.Node) string {
	if a := n.Attr(graph.AttrAccount); a != "" {
		return a
	}
	if i := strings.Index(n.ID, "arn:aws:"); i >= 0 {
		return accountOf(n.ID[i:])
	}
	return ""
}

// candidates lists the nodes of the method's target kind, in any account.
func (x *escalation) candidates(m *escMethod, actor *principal) []*escTarget {
	self := actor.node.ID
	var out []*escTarget
	switch m.on {
	case onUser:
		for _, u := range x.users {
			if u.ID == self {
				continue
			}
			t := &escTarget{node: u, res: escResource{arn: u.ID, tagging: escUserTags}}
			if m.edge == graph.EdgeCanMint {
				t.to = []string{escCredentialOf(m, u)}
			}
			out = append(out, t)
		}
	case onGroup:
		if actor.node.Attr("type") != "user" {
			break
		}
		for _, g := range x.groups {
			if !x.members[self+"\x00"+g.ID] {
				out = append(out, &escTarget{node: g, res: escResource{arn: g.ID}})
			}
		}
	case onRole:
		for _, r := range x.roles {
			if r.ID != self && !strings.Contains(r.ID, ":role/aws-service-role/") && r.Attr("trust_policy") != "" {
				out = append(out, &escTarget{node: r, res: escResource{arn: r.ID, tagging: escRoleTags}})
			}
		}
	case onPassedRole:
		for _, r := range x.roles {
			if r.ID == self || r.Attr("trust_policy") == "" {
				continue
			}
			if tr, _ := x.trusts(r, m.service, escAccount(actor)); tr != awspolicy.False {
				out = append(out, &escTarget{node: r, res: escResource{arn: r.ID, tagging: escRoleTags}})
			}
		}
	case onFunction:
		seen := map[string]bool{}
		for _, rt := range x.lambdas {
			t := escFunctionTarget(rt)
			seen[t.res.arn] = true
			out = append(out, t)
		}
		// A function that only access logs show is a Resource node.
		for _, r := range x.v.byKind[graph.NodeResource] {
			if strings.HasPrefix(r.ID, "arn:aws:lambda:") && strings.Contains(r.ID, ":function:") && !seen[r.ID] {
				out = append(out, &escTarget{node: r, res: escResource{arn: r.ID, tagging: escFunctionTags}})
			}
		}
	case onInstance:
		for _, rt := range x.instances {
			out = append(out, escInstanceTarget(rt))
		}
	case onRuntime:
		for _, rt := range x.runtimes[m.runtime] {
			t := &escTarget{node: rt, res: escRuntimeResource(rt, escServiceOfAction(m.ways[0].actions[0]))}
			if m.runtime == "ecs-task" {
				// Only a definition that a service runs is redeployed.
				if rt.Attr("services") == "" {
					continue
				}
				t.res = escResource{arn: "arn:aws:ecs:*:" + escNodeAccount(rt) + ":service/*", synthetic: true}
				t.taskRole = x.roleOf(rt)
			}
			out = append(out, t)
		}
	case onFunctionEnv:
		for _, rt := range x.lambdas {
			if to := x.exposed(rt, func(s graph.Node, e graph.Edge) bool { return s.Attr("type") == "env-var" }); len(to) > 0 {
				t := escFunctionTarget(rt)
				t.to = to
				out = append(out, t)
			}
		}
	case onRuntimeEnv:
		for _, rt := range x.runtimes[m.runtime] {
			if to := x.exposed(rt, func(s graph.Node, e graph.Edge) bool { return s.Attr("type") == "env-var" }); len(to) > 0 {
				t := &escTarget{node: rt, res: escRuntimeResource(rt, escServiceOfAction(m.ways[0].actions[0]))}
				t.to = to
				out = append(out, t)
			}
		}
	case onInstanceUserData:
		for _, rt := range x.instances {
			inline := func(s graph.Node, e graph.Edge) bool {
				return strings.HasPrefix(s.ID, "secret:inline:") && e.Attr(graph.AttrVia) == "file"
			}
			if to := x.exposed(rt, inline); len(to) > 0 {
				t := escInstanceTarget(rt)
				t.to = to
				out = append(out, t)
			}
		}
	}
	return out
}

// roleOf returns the role whose credentials a runtime exposes, or "".
func (x *escalation) roleOf(rt graph.Node) string {
	for _, e := range x.v.edgesFrom(graph.EdgeExposes, rt.ID) {
		if x.v.get(e.To).Attr("type") != "role-credentials" {
			continue
		}
		for _, a := range x.v.edgesFrom(graph.EdgeAuthenticatesAs, e.To) {
			return a.To
		}
	}
	return ""
}

// exposed lists the secrets that a runtime exposes and keep accepts.
func (x *escalation) exposed(rt graph.Node, keep func(graph.Node, graph.Edge) bool) []string {
	var out []string
	for _, e := range x.v.edgesFrom(graph.EdgeExposes, rt.ID) {
		if s, ok := x.v.node(e.To); ok && keep(s, e) {
			out = append(out, s.ID)
		}
	}
	sort.Strings(out)
	return out
}

func escFunctionTarget(rt graph.Node) *escTarget {
	return &escTarget{node: rt, res: escRuntimeResource(rt, "lambda")}
}

// escInstanceTarget returns an instance as a target. The ARN is made up
// when the input gives no instance id, and the Name tag is the name.
func escInstanceTarget(rt graph.Node) *escTarget {
	r := escRuntimeResource(rt, "ec2")
	if n := rt.Attr(graph.AttrName); n != "" {
		r.tags = map[string]string{"Name": n}
	}
	return &escTarget{node: rt, res: r}
}

// escRuntimeResource returns the ARN that a runtime's attributes or id
// contain, or else one with "*" for the parts the input does not show.
func escRuntimeResource(rt graph.Node, svc string) escResource {
	r := escResource{tagging: escTagsOf[svc]}
	if a := rt.Attr("arn"); strings.HasPrefix(a, "arn:") {
		r.arn = a
		return r
	}
	if i := strings.Index(rt.ID, "arn:aws:"); i >= 0 {
		r.arn = rt.ID[i:]
		return r
	}
	region := rt.Attr("region")
	if region == "" {
		region = "*"
	}
	acct := rt.Attr(graph.AttrAccount)
	if acct == "" && strings.HasPrefix(rt.ID, "runtime:aws:"+svc+":") {
		acct, _, _ = strings.Cut(strings.TrimPrefix(rt.ID, "runtime:aws:"+svc+":"), ":")
	}
	kind := map[string]string{"ec2": "instance/*", "lambda": "function:*"}[svc]
	if kind == "" {
		kind = "*"
	}
	r.arn = "arn:aws:" + svc + ":" + region + ":" + acct + ":" + kind
	r.synthetic = true
	return r
}

var escTagsOf = map[string]*escTagActions{"ec2": escInstanceTags, "lambda": escFunctionTags}

func escServiceOfAction(a string) string {
	svc, _, _ := strings.Cut(a, ":")
	return strings.ToLower(svc)
}

// escCredentialOf returns the id of the credential that a CAN_MINT method
// creates for a user.
func escCredentialOf(m *escMethod, u graph.Node) string {
	if m.name == "CreateAccessKey" {
		return graph.AWSAccessKeyID(u.ID, "new")
	}
	return "secret:aws:console-password:" + u.ID
}

// emit adds the edges of a performed method. When set, as names the path
// from the edge's source to the identity that performs the method.
func (x *escalation) emit(m *escMethod, from string, t *escTarget, g escGrant, as string) {
	to := t.to
	if len(to) == 0 {
		to = []string{t.node.ID}
	}
	reason := fmt.Sprintf(m.does, t.node.ID)
	if as != "" {
		reason = as + ", " + reason
	}
	reason += ": " + strings.Join(g.parts, "; ")
	for _, id := range to {
		if m.edge == graph.EdgeCanMint {
			x.addCredential(m, t.node, id)
		}
		e := graph.Edge{From: from, To: id, Kind: m.edge, Confidence: g.conf, Pos: g.pos}
		e.SetAttr(graph.AttrActions, graph.JoinList(g.actions))
		e.SetAttr("method", m.name)
		e.SetAttr(graph.AttrReason, reason)
		if m.edge == graph.EdgeCanAccess {
			e.SetAttr(graph.AttrLevel, "admin")
		}
		x.v.addEdge(e)
	}
	if m.on == onGroup {
		x.addGroupActor(t.node)
	}
}

// addCredential adds the credential a method creates for a user, with its
// AUTHENTICATES_AS edge.
func (x *escalation) addCredential(m *escMethod, u graph.Node, id string) {
	n := graph.Node{ID: id, Kind: graph.NodeSecret, Pos: u.Pos}
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr("minted", "true")
	n.SetAttr(graph.AttrLongLived, "true")
	if m.name == "CreateAccessKey" {
		n.Label = "new access key of " + u.Label
		n.SetAttr("type", "access-key")
	} else {
		n.Label = "console password of " + u.Label
		n.SetAttr("type", "console-password")
	}
	x.v.addNode(n)
	x.v.addEdge(graph.Edge{From: id, To: u.ID, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: u.Pos})
}

// addGroupActor makes a group that a user can join an actor, and derives
// the reach of its policies, because a user who joins gains them.
func (x *escalation) addGroupActor(g graph.Node) {
	if _, ok := x.byID[g.ID]; ok {
		return
	}
	p := &principal{node: g, scps: x.v.scpsFor(g.Attr(graph.AttrAccount))}
	x.v.collectPolicies(p, g.ID)
	x.byID[g.ID] = p
	if len(p.policies) == 0 {
		return
	}
	x.actors = append(x.actors, p)
	if x.resPolicies == nil {
		x.resPolicies = x.v.resourcePolicies()
		x.actionCache = newActionCache()
	}
	x.v.linkSecretAccess(p, x.resPolicies)
	x.v.linkResources(p, x.resPolicies, x.actionCache)
	x.v.linkMint(p, x.ps)
}

// mayTag reports whether the actor's statements allow an action that tags
// the resource, ignoring resources and conditions.
func (x *escalation) mayTag(actor *principal, r escResource) bool {
	return r.tagging != nil && (x.mentionsAction(actor, r.tagging.set) || x.mentionsAction(actor, r.tagging.unset))
}

// hasCertain reports whether the actor already has, as certain edges,
// every edge the method would add for the target.
func (x *escalation) hasCertain(from string, m *escMethod, t *escTarget) bool {
	to := t.to
	if len(to) == 0 {
		to = []string{t.node.ID}
	}
	for _, id := range to {
		i, ok := x.v.seenEdges[graph.EdgeKey{From: from, Kind: m.edge, To: id}]
		if !ok || x.v.derivedEdges[i].Confidence != graph.Certain {
			return false
		}
	}
	return true
}

// escHop is the path by which an actor acts as another identity.
type escHop struct {
	conf graph.Confidence
	path []string // ids from the actor to the identity, both included
}

func (h escHop) String() string { return strings.Join(h.path, " -> ") }

// indexActsAs records the acts-as relation from the derived edges.
func (x *escalation) indexActsAs() {
	x.next = map[string][]escStep{}
	x.reach = map[string]map[string]escHop{}
	auth := map[string][]string{}
	for _, es := range x.v.out[graph.EdgeAuthenticatesAs] {
		for _, e := range es {
			auth[e.From] = append(auth[e.From], e.To)
		}
	}
	for _, e := range x.v.derivedEdges {
		if e.Kind == graph.EdgeAuthenticatesAs {
			auth[e.From] = append(auth[e.From], e.To)
		}
	}
	for _, e := range x.v.derivedEdges {
		switch e.Kind {
		case graph.EdgeCanAssume:
			if _, ok := x.byID[e.To]; ok {
				x.next[e.From] = append(x.next[e.From], escStep{to: e.To, conf: e.Confidence})
			}
		case graph.EdgeCanMint:
			for _, u := range auth[e.To] {
				if _, ok := x.byID[u]; ok {
					x.next[e.From] = append(x.next[e.From], escStep{to: u, conf: e.Confidence})
				}
			}
		}
	}
}

// actsAs returns the identities an actor can act as, itself included,
// each with its shortest certain path, else its shortest path.
func (x *escalation) actsAs(from string) map[string]escHop {
	if out, ok := x.reach[from]; ok {
		return out
	}
	out := map[string]escHop{from: {conf: graph.Certain, path: []string{from}}}
	x.reach[from] = out
	for _, certainOnly := range []bool{true, false} {
		frontier := []string{from}
		seen := map[string]bool{from: true}
		for depth := 0; len(frontier) > 0 && depth < 16; depth++ {
			var next []string
			for _, id := range frontier {
				for _, s := range x.next[id] {
					if seen[s.to] || (certainOnly && s.conf != graph.Certain) {
						continue
					}
					seen[s.to] = true
					next = append(next, s.to)
					if _, ok := out[s.to]; ok {
						continue
					}
					prev := out[id]
					out[s.to] = escHop{conf: prev.conf.Weaker(s.conf), path: append(append([]string(nil), prev.path...), s.to)}
				}
			}
			frontier = next
		}
	}
	return out
}

// selfMethods performs, as actor, the methods that make an identity it
// acts as an administrator. A target offered by several identities keeps
// the surest, shortest path.
func (x *escalation) selfMethods(actor *principal) {
	reach := x.actsAs(actor.node.ID)
	ids := make([]string, 0, len(reach))
	for id := range reach {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := reach[ids[i]], reach[ids[j]]
		if a.conf != b.conf {
			return a.conf == graph.Certain
		}
		if len(a.path) != len(b.path) {
			return len(a.path) < len(b.path)
		}
		return ids[i] < ids[j]
	})
	for i := range escMethods {
		m := &escMethods[i]
		if m.on > onSelfVersion || !x.mayDo(actor, m) {
			continue
		}
		seen := map[string]bool{}
		for _, id := range ids {
			for _, t := range x.selfTargets(m, id, reach[id]) {
				if seen[t.node.ID] {
					continue
				}
				seen[t.node.ID] = true
				g, ok, _ := x.attempt(m, actor, actor, t)
				if !ok {
					continue
				}
				g.conf = g.conf.Weaker(t.via.conf)
				as := ""
				if len(t.via.path) > 1 {
					as = "acting as " + t.via.String()
				}
				x.emitAdmin(m, actor, t, g, as)
			}
		}
	}
}

// selfTargets lists the targets of a self method that one identity, which
// the actor acts as, offers.
func (x *escalation) selfTargets(m *escMethod, id string, h escHop) []*escTarget {
	p := x.byID[id]
	if p == nil {
		return nil
	}
	n := p.node
	typ := n.Attr("type")
	holders := []graph.Node{n} // the identity and its groups
	if typ == "user" {
		for _, e := range x.v.edgesFrom(graph.EdgeMemberOf, id) {
			if g, ok := x.v.node(e.To); ok {
				holders = append(holders, g)
			}
		}
	}
	hv := h
	var out []*escTarget
	switch m.on {
	case onSelfUser:
		if typ == "user" {
			out = append(out, &escTarget{node: n, res: escResource{arn: n.ID, tagging: escUserTags}, via: &hv})
		}
	case onSelfRole:
		if typ == "role" {
			out = append(out, &escTarget{node: n, res: escResource{arn: n.ID, tagging: escRoleTags}, via: &hv})
		}
	case onSelfGroup:
		for _, g := range holders {
			if g.Attr("type") == "group" {
				out = append(out, &escTarget{node: g, res: escResource{arn: g.ID}, via: &hv})
			}
		}
	case onSelfPolicy, onSelfVersion:
		for _, holder := range holders {
			for _, e := range x.v.edgesFrom(graph.EdgeHasPolicy, holder.ID) {
				pol, ok := x.v.node(e.To)
				if !ok || !escCustomerManaged(pol.ID) {
					continue
				}
				out = append(out, &escTarget{node: pol, res: escResource{arn: pol.ID, tagging: escPolicyTags}, via: &hv})
			}
		}
	}
	return out
}

// escCustomerManaged reports whether a policy id is the ARN of a customer
// managed policy. Only those have versions that a customer can change.
func escCustomerManaged(id string) bool {
	return strings.HasPrefix(id, "arn:aws:iam::") && strings.Contains(id, ":policy/") &&
		!strings.HasPrefix(id, "arn:aws:iam::aws:") && !strings.Contains(id, "#")
}

// escHasAdminVersion reports whether a stored non-default version of a
// policy allows every action on every resource.
func escHasAdminVersion(pol graph.Node) bool {
	var docs []json.RawMessage
	if err := json.Unmarshal([]byte(pol.Attr("other_versions")), &docs); err != nil {
		return false
	}
	for _, d := range docs {
		if p, err := awspolicy.Parse(string(d)); err == nil && escIsAdmin(p) {
			return true
		}
	}
	return false
}

// emitAdmin adds the CAN_ACCESS edge to the administrator of the account
// of the identity the method changes. An actor that already holds every
// permission gains nothing from it.
func (x *escalation) emitAdmin(m *escMethod, actor *principal, t *escTarget, g escGrant, as string) {
	if escIsAdminActor(actor) {
		return
	}
	acct := t.node.Attr(graph.AttrAccount)
	if acct == "" {
		acct = accountOf(t.node.ID)
	}
	if acct == "" {
		acct = escAccount(actor)
	}
	// The identity the actor acts as gains the policy, within its own
	// permissions boundary.
	gainer := actor.node.ID
	if t.via != nil && len(t.via.path) > 0 {
		gainer = t.via.path[len(t.via.path)-1]
	}
	t2 := *t
	t2.to = []string{x.administrator(acct, x.boundaryOf(gainer), g.pos)}
	x.emit(m, actor.node.ID, &t2, g, as)
}

// tagHelp tries again, for each actor, the targets that an identity it
// acts as failed on because of a tag condition, with the actor setting
// the tag.
func (x *escalation) tagHelp() {
	for _, a := range x.actors {
		reach := x.actsAs(a.node.ID)
		ids := make([]string, 0, len(reach))
		for id := range reach {
			if id != a.node.ID && len(x.pending[id]) > 0 {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		for _, id := range ids {
			b := x.byID[id]
			for _, pt := range x.pending[id] {
				if !x.mayTag(a, pt.t.res) || x.hasCertain(a.node.ID, pt.m, pt.t) {
					continue
				}
				g, ok, _ := x.attempt(pt.m, b, a, pt.t)
				if !ok || !g.tagged {
					continue
				}
				g.conf = g.conf.Weaker(reach[id].conf)
				x.emit(pt.m, a.node.ID, pt.t, g, "acting as "+reach[id].String())
			}
		}
	}
}
