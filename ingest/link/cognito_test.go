package link

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestCognitoIdentityPoolRoles(t *testing.T) {
	const (
		poolARN  = "arn:aws:cognito-identity:us-east-1:111122223333:identitypool/us-east-1:example-pool"
		poolID   = "us-east-1:example-pool"
		userPool = "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_example-users"
		endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_example-users"
		authRole = "arn:aws:iam::111122223333:role/example-authenticated"
		guest    = "arn:aws:iam::111122223333:role/example-guest"
		other    = "arn:aws:iam::111122223333:role/example-other"
	)
	trust := func(aud, amr string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},` +
			`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"` + aud + `"},` +
			`"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"` + amr + `"}}}]}`
	}
	role := func(id, trustPolicy string) graph.Node {
		return awsNode(id, graph.NodeIdentity, "type", "role", "trust_policy", trustPolicy)
	}
	pool := func(attrs ...string) graph.Node {
		base := []string{"type", "cognito-identity-pool", "pool_id", poolID, "user_pools", endpoint, "authenticated_role", authRole}
		return awsNode(poolARN, graph.NodeIdentity, append(base, attrs...)...)
	}
	users := func(selfSignup string) graph.Node {
		return awsNode(userPool, graph.NodeResource, "type", "aws_cognito_user_pool", "endpoint", endpoint, "self_signup", selfSignup)
	}
	// want maps each role to the confidence of its edge from AnonymousID,
	// "" for no edge.
	tests := []struct {
		name  string
		nodes []graph.Node
		want  map[string]graph.Confidence
	}{
		{name: "self sign-up",
			nodes: []graph.Node{pool(), users("true"), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain}},
		{name: "admin creates users only",
			nodes: []graph.Node{pool(), users("false"), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: ""}},
		{name: "user pool not in input",
			nodes: []graph.Node{pool(), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: ""}},
		{name: "trust names another pool",
			nodes: []graph.Node{pool(), users("true"), role(authRole, trust("us-east-1:another-pool", "authenticated"))},
			want:  map[string]graph.Confidence{authRole: ""}},
		{name: "trust admits guests only",
			nodes: []graph.Node{pool(), users("true"), role(authRole, trust(poolID, "unauthenticated"))},
			want:  map[string]graph.Confidence{authRole: ""}},
		{name: "public login provider",
			nodes: []graph.Node{pool("user_pools", "", "login_providers", "accounts.google.com"), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain}},
		{name: "unauthenticated identities",
			nodes: []graph.Node{pool("unauthenticated", "true", "unauthenticated_role", guest), role(guest, trust(poolID, "unauthenticated"))},
			want:  map[string]graph.Confidence{guest: graph.Certain}},
		{name: "enhanced flow skips other roles",
			nodes: []graph.Node{pool(), users("true"), role(authRole, trust(poolID, "authenticated")), role(other, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain, other: ""}},
		{name: "classic flow reaches other roles",
			nodes: []graph.Node{pool("classic_flow", "true"), users("true"), role(authRole, trust(poolID, "authenticated")), role(other, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain, other: graph.Certain}},
		{name: "role mapping may choose others",
			nodes: []graph.Node{pool("role_mapping", "true"), users("true"), role(authRole, trust(poolID, "authenticated")), role(other, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain, other: graph.Possible}},
		{name: "sign-up setting undecided",
			nodes: []graph.Node{pool(), users("undecided"), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Possible}},
		{name: "guest setting undecided",
			nodes: []graph.Node{pool("unauthenticated", "undecided", "unauthenticated_role", guest), role(guest, trust(poolID, "unauthenticated"))},
			want:  map[string]graph.Confidence{guest: graph.Possible}},
		{name: "public provider beats undecided sign-up",
			nodes: []graph.Node{pool("login_providers", "accounts.google.com"), users("undecided"), role(authRole, trust(poolID, "authenticated"))},
			want:  map[string]graph.Confidence{authRole: graph.Certain}},
		{name: "role mapping leaves guests their role",
			nodes: []graph.Node{pool("role_mapping", "true", "unauthenticated", "true", "unauthenticated_role", guest), users("false"),
				role(guest, trust(poolID, "unauthenticated")), role(other, trust(poolID, "*"))},
			want: map[string]graph.Confidence{guest: graph.Certain, other: ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := store(t, tc.nodes, nil)
			for roleID, want := range tc.want {
				e := edgeOf(t, s, graph.EdgeCanAssume, AnonymousID, roleID)
				switch {
				case want == "" && e != nil:
					t.Errorf("edge to %s: %v", roleID, e)
				case want != "" && e == nil:
					t.Errorf("no edge to %s", roleID)
				case want != "" && e.Confidence != want:
					t.Errorf("edge to %s is %s, want %s", roleID, e.Confidence, want)
				}
			}
		})
	}
}
