package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// cognitoIdentity is the federated principal that Amazon Cognito identity
// pools assume roles as.
const cognitoIdentity = "cognito-identity.amazonaws.com"

// cognitoSignIn is one way for anyone to obtain an identity of a pool.
type cognitoSignIn struct {
	amr     []string // values of cognito-identity.amazonaws.com:amr
	summary string   // the caller's steps to the identity, for the reason
	// undecided names the setting the input leaves unresolved, which makes
	// the sign-in possible rather than certain.
	undecided string
}

// linkCognito derives CAN_ASSUME from AnonymousID to the roles of an
// identity pool whose identities anyone can obtain. That is the case with
// unauthenticated identities, with sign-up in a user pool that allows it,
// and with a public login provider such as Google. The role's trust policy
// must admit the pool, with its aud and amr conditions evaluated. Under the
// classic flow every other role whose trust admits the pool is reached too,
// and under role mapping rules such a role is possible, because a rule may
// choose it. Role mapping applies to identities signed in through a
// provider, so it never widens what unauthenticated identities receive.
func (v *view) linkCognito() {
	userPools := map[string]graph.Node{}
	for _, r := range v.byKind[graph.NodeResource] {
		if r.Attr("type") == "aws_cognito_user_pool" && r.Attr("endpoint") != "" {
			userPools[r.Attr("endpoint")] = r
		}
	}
	var trusting []graph.Node
	for _, n := range v.byKind[graph.NodeIdentity] {
		if strings.Contains(n.Attr("trust_policy"), cognitoIdentity) {
			trusting = append(trusting, n)
		}
	}
	for _, pool := range v.byKind[graph.NodeIdentity] {
		if pool.Attr("type") != "cognito-identity-pool" || pool.Attr("pool_id") == "" {
			continue
		}
		for kind, in := range cognitoSignIns(pool, userPools) {
			v.cognitoRoles(pool, kind, in, trusting)
		}
	}
}

// cognitoSignIns returns, for "authenticated" and "unauthenticated", how
// anyone can obtain an identity of the pool of that kind. A certain way is
// preferred to one that depends on an unresolved setting.
func cognitoSignIns(pool graph.Node, userPools map[string]graph.Node) map[string]cognitoSignIn {
	out := map[string]cognitoSignIn{}
	switch pool.Attr("unauthenticated") {
	case "true":
		out["unauthenticated"] = cognitoSignIn{amr: []string{"unauthenticated"},
			summary: "identity pool " + pool.Label + " gives unauthenticated identities to anyone"}
	case "undecided":
		out["unauthenticated"] = cognitoSignIn{amr: []string{"unauthenticated"},
			summary:   "identity pool " + pool.Label + " may give unauthenticated identities to anyone",
			undecided: "allow_unauthenticated_identities of " + pool.Label + " is not resolved in the input"}
	}
	for _, endpoint := range graph.SplitList(pool.Attr("user_pools")) {
		up, ok := userPools[endpoint]
		if !ok {
			continue
		}
		in := cognitoSignIn{amr: []string{"authenticated", endpoint},
			summary: "anyone signs up in user pool " + up.Label + " (self sign-up is allowed) and signs in to identity pool " + pool.Label}
		switch up.Attr("self_signup") {
		case "true":
			out["authenticated"] = in
			return out
		case "undecided":
			if _, ok := out["authenticated"]; !ok {
				in.summary = "anyone may sign up in user pool " + up.Label + " and sign in to identity pool " + pool.Label
				in.undecided = "allow_admin_create_user_only of user pool " + up.Label + " is not resolved in the input"
				out["authenticated"] = in
			}
		}
	}
	if public := graph.SplitList(pool.Attr("login_providers")); len(public) > 0 {
		out["authenticated"] = cognitoSignIn{amr: append([]string{"authenticated"}, public...),
			summary: "anyone with an account at " + strings.Join(public, ", ") + " signs in to identity pool " + pool.Label}
	}
	return out
}

// cognitoRoles adds the edges from AnonymousID to the roles that an
// identity of the given kind receives.
func (v *view) cognitoRoles(pool graph.Node, kind string, in cognitoSignIn, trusting []graph.Node) {
	attached := pool.Attr(kind + "_role")
	others := pool.Attr("classic_flow") == "true" || (pool.Attr("role_mapping") == "true" && kind == "authenticated")
	ctx := awspolicy.Context{Values: map[string][]string{
		cognitoIdentity + ":aud": {pool.Attr("pool_id")},
		cognitoIdentity + ":amr": in.amr,
	}}
	sort.Slice(trusting, func(i, j int) bool { return trusting[i].ID < trusting[j].ID })
	for _, role := range trusting {
		if role.ID != attached && !others {
			continue
		}
		trust, err := awspolicy.Parse(role.Attr("trust_policy"))
		if err != nil {
			continue
		}
		conf, undecided, ok := admitsCognito(trust, ctx)
		if !ok {
			continue
		}
		var via, action string
		switch {
		case role.ID == attached:
			via, action = "the pool's "+kind+" role", "cognito-identity:GetCredentialsForIdentity"
		case pool.Attr("classic_flow") == "true":
			via, action = "the classic flow, which assumes any role whose trust admits the pool", "sts:AssumeRoleWithWebIdentity"
		default:
			via, action = "a role mapping rule, which may choose any role whose trust admits the pool", "cognito-identity:GetCredentialsForIdentity"
			conf = graph.Possible
		}
		reason := fmt.Sprintf("%s, then receives credentials of %s through %s", in.summary, role.Label, via)
		if in.undecided != "" {
			conf = graph.Possible
			if undecided != "" {
				undecided = in.undecided + "; " + undecided
			} else {
				undecided = in.undecided
			}
		}
		if undecided != "" {
			reason += "; undecided: " + undecided
		}
		e := graph.Edge{From: AnonymousID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: pool.Pos}
		e.SetAttr(graph.AttrActions, action)
		e.SetAttr(graph.AttrReason, reason)
		v.addNode(anonymousNode())
		v.addEdge(e)
	}
}

// admitsCognito evaluates a trust policy for a Cognito identity: an Allow
// of sts:AssumeRoleWithWebIdentity to the federated principal
// cognito-identity.amazonaws.com whose conditions hold or are undecided.
func admitsCognito(trust *awspolicy.Policy, ctx awspolicy.Context) (graph.Confidence, string, bool) {
	best, undecided := awspolicy.False, ""
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if st.Effect != "Allow" || !st.MatchesAction("sts:AssumeRoleWithWebIdentity") || !contains(st.Principal["Federated"], cognitoIdentity) {
			continue
		}
		r, w := awspolicy.EvalConditions(st.Condition, ctx)
		if r > best {
			best, undecided = r, w
		}
	}
	switch best {
	case awspolicy.True:
		return graph.Certain, "", true
	case awspolicy.Unknown:
		return graph.Possible, undecided, true
	}
	return "", "", false
}
