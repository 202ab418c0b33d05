package link

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// AnonymousID is the id of the Identity that stands for every caller,
// signed in or not: the principal "*" of a resource policy.
const AnonymousID = "aws:anonymous"

// anonymousNode returns the node of AnonymousID.
func anonymousNode() graph.Node {
	n := graph.Node{ID: AnonymousID, Kind: graph.NodeIdentity, Label: "anyone (anonymous callers)"}
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr("type", "anonymous")
	return n
}

// linkAnonymous derives CAN_ACCESS from AnonymousID to each resource
// whose own policy allows the principal "*" an action above listing. A
// condition that the input cannot decide for such a caller, or an S3
// bucket without a declared public access block, makes the edge
// possible; a bucket with restrict_public_buckets=true gets none.
func (v *view) linkAnonymous(res map[string]resPolicy) {
	for _, r := range v.byKind[graph.NodeResource] {
		rp, ok := res[r.ID]
		if !ok || rp.policy == nil || !strings.HasPrefix(r.ID, "arn:") || !allowsEveryone(rp.policy) {
			continue
		}
		if r.Attr("restrict_public_buckets") == "true" {
			continue
		}
		grants := anonymousGrants(r, rp.policy)
		if len(grants) == 0 {
			continue
		}
		e := accessEdge(v, AnonymousID, r.ID, grants)
		e.Pos = r.Pos
		if isBucket(r.ID) && r.Attr("restrict_public_buckets") == "" {
			e.Confidence = graph.Possible
			e.SetAttr(graph.AttrReason, e.Attr(graph.AttrReason)+
				"; undecided: no public access block of the bucket is in the input, and one with restrict_public_buckets would stop anonymous callers")
		}
		v.addNode(anonymousNode())
		v.addEdge(e)
	}
}

// anonymousGrants evaluates each catalogue action on the resource (or on
// its contents) for a caller that is named only by "*".
func anonymousGrants(r graph.Node, pol *awspolicy.Policy) []awsGrant {
	named := []awspolicy.Named{{Name: r.ID, Policy: pol}}
	var grants []awsGrant
	for _, t := range targetsOf(r) {
		for _, a := range awspolicy.ServiceActions(awspolicy.ServiceOf(r.ID)) {
			if a.Level == awspolicy.LevelList || !actsOn(a, t, r.ID) {
				continue
			}
			d := anonymousDecision(named, a.Name, t.arn, resourceAccount(r))
			if d.Effect >= awspolicy.MaybeAllowed {
				grants = append(grants, awsGrant{action: a.Name, level: a.Level, d: d})
			}
		}
	}
	return grants
}

func anonymousDecision(named []awspolicy.Named, action, arn, account string) awspolicy.Decision {
	// A statement whose condition needs a key of a signed-in principal
	// never matches a caller who has none.
	var filtered []awspolicy.Named
	for _, np := range named {
		q := *np.Policy
		q.Statements = nil
		for _, st := range np.Policy.Statements {
			if st.Effect == "Allow" && needsPrincipalKey(st.Condition) {
				continue
			}
			q.Statements = append(q.Statements, st)
		}
		filtered = append(filtered, awspolicy.Named{Name: np.Name, Policy: &q})
	}
	req := awspolicy.Request{Action: action, Resource: arn, ResourceAccount: account,
		Principal: awspolicy.Principal{Anonymous: true}}
	return awspolicy.Evaluate(filtered, req)
}

// allowsEveryone reports whether an Allow statement names the principal
// "*" (Principal "*" or {"AWS": "*"}).
func allowsEveryone(p *awspolicy.Policy) bool {
	for _, st := range p.Statements {
		if st.Effect != "Allow" {
			continue
		}
		if st.Principal["*"] != nil {
			return true
		}
		for typ, vals := range st.Principal {
			for _, val := range vals {
				if strings.EqualFold(typ, "AWS") && val == "*" {
					return true
				}
			}
		}
	}
	return false
}

// principalKeys are condition keys that only a signed-in principal, or a
// service acting for a resource, carries.
var principalKeys = []string{"aws:principal", "aws:userid", "aws:username", "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner"}

// needsPrincipalKey reports whether a condition requires one of the
// principalKeys to be present: an operator other than Null, without
// IfExists, on such a key.
func needsPrincipalKey(cond map[string]map[string][]string) bool {
	for op, keys := range cond {
		lop := strings.ToLower(op)
		if lop == "null" || strings.HasSuffix(lop, "ifexists") || strings.Contains(lop, "not") {
			continue
		}
		for k := range keys {
			lk := strings.ToLower(k)
			for _, p := range principalKeys {
				if strings.HasPrefix(lk, p) {
					return true
				}
			}
		}
	}
	return false
}
