package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// fence is a group's Deny that a user may lift: by leaving the group
// (iam:RemoveUserFromGroup on it), or by deleting the group's inline
// policy (iam:DeleteGroupPolicy) or detaching its managed policy
// (iam:DetachGroupPolicy).
type fence struct {
	group  string
	action string
	// policies are the policies that stop applying to the user.
	policies []string
}

// linkFences derives CAN_ACCESS to resources that a user reaches once it
// lifts a Deny of one of its groups. The edge names the method
// (RemoveUserFromGroup, DeleteGroupPolicy or DetachGroupPolicy) and the
// permission used. It is possible when either the lifting or the access
// is possible.
//
// NOTE: a resource the user already reaches keeps its edge, so actions
// that only lifting the Deny opens on it are not listed.
func (v *view) linkFences(p *principal, res map[string]resPolicy) {
	if p.node.Attr("type") != "user" {
		return
	}
	for _, f := range v.fences(p) {
		req := awspolicy.Request{Action: f.action, Resource: f.group, ResourceAccount: resourceAccount(v.get(f.group))}
		lift := accountDoubt(p.decide(req), p, v.get(f.group))
		if lift.Effect < awspolicy.MaybeAllowed {
			continue
		}
		after := p.without(f.policies)
		for _, r := range v.byKind[graph.NodeResource] {
			if !strings.HasPrefix(r.ID, "arn:") || v.hasAccess(p.node.ID, r.ID) {
				continue
			}
			grants := v.resourceGrants(after, r, res, map[*awspolicy.Statement]bool{})
			if len(grants) == 0 {
				continue
			}
			e := accessEdge(v, p.node.ID, r.ID, grants)
			e.Confidence = e.Confidence.Weaker(confidence(lift))
			acts := append([]string{f.action}, graph.SplitList(e.Attr(graph.AttrActions))...)
			e.SetAttr(graph.AttrActions, graph.JoinList(acts))
			e.SetAttr("method", strings.TrimPrefix(f.action, "iam:"))
			e.SetAttr(graph.AttrReason, fmt.Sprintf("%s, which lifts the Deny of %s; then %s",
				allowReason(lift, f.action+" on "+f.group), strings.Join(f.policies, ", "), e.Attr(graph.AttrReason)))
			v.addEdge(e)
		}
	}
}

// fences lists the groups of a user whose policies deny something, with
// each way to lift their Deny statements.
func (v *view) fences(p *principal) []fence {
	var out []fence
	for _, m := range v.edgesFrom(graph.EdgeMemberOf, p.node.ID) {
		var denying []string
		for _, e := range v.edgesFrom(graph.EdgeHasPolicy, m.To) {
			pol, ok := v.policy(e.To)
			if !ok || !hasDeny(pol) {
				continue
			}
			denying = append(denying, e.To)
			action := "iam:DetachGroupPolicy"
			if strings.Contains(e.To, "#inline/") {
				action = "iam:DeleteGroupPolicy"
			}
			out = append(out, fence{group: m.To, action: action, policies: []string{e.To}})
		}
		if len(denying) > 0 {
			var all []string
			for _, e := range v.edgesFrom(graph.EdgeHasPolicy, m.To) {
				all = append(all, e.To)
			}
			out = append(out, fence{group: m.To, action: "iam:RemoveUserFromGroup", policies: all})
		}
	}
	return out
}

func hasDeny(p *awspolicy.Policy) bool {
	for _, st := range p.Statements {
		if st.Effect == "Deny" {
			return true
		}
	}
	return false
}

// without returns a copy of the principal that no longer holds the named
// policies.
func (p *principal) without(names []string) *principal {
	q := *p
	q.policies = nil
	for _, np := range p.policies {
		drop := false
		for _, n := range names {
			drop = drop || np.Name == n
		}
		if !drop {
			q.policies = append(q.policies, np)
		}
	}
	return &q
}

// hasAccess reports whether a CAN_ACCESS edge already joins the two nodes,
// in this view or in the view it was forked from.
func (v *view) hasAccess(from, to string) bool {
	k := graph.EdgeKey{From: from, Kind: graph.EdgeCanAccess, To: to}
	for ; v != nil; v = v.parent {
		if _, ok := v.seenEdges[k]; ok {
			return true
		}
	}
	return false
}
