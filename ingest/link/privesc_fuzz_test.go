package link

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// FuzzEscalation derives the catalogue's edges for a user holding a
// fuzzed policy, next to a role with a fuzzed trust policy, a function
// and an instance. Property: no panic, and every derived edge joins nodes
// that exist.
func FuzzEscalation(f *testing.F) {
	seeds := [][2]string{
		{escDoc(escAllow("*", "ec2:RunInstances", "iam:PassRole")), escTrustService("ec2.amazonaws.com")},
		{escDoc(escAllow("*", "iam:*")), escTrustAWS(escUserARN("u"))},
		{escDoc(escAllowIf("*", `{"StringNotEquals":{"aws:ResourceTag/Name":"web"}}`, "ec2:*"), escAllow("*", "ec2:DeleteTags")), `{}`},
		{escDoc(escAllowIf("*", `{"StringLike":{"iam:PassedToService":"lambda.*"}}`, "iam:PassRole"), escAllow("*", "lambda:*")),
			escTrustService("lambda.amazonaws.com")},
		{escDoc(escAllow(escGroupARN("g"), "iam:AddUserToGroup")), `not json`},
		{`{"Statement":{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:s3:::*"}}`, escTrustService("*")},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, policy, trust string) {
		fx := &escFixture{}
		u := fx.user("u", policy)
		fx.user("v")
		fx.role("r", trust, policy, "--", "instance_profiles", "arn:aws:iam::"+escAcct+":instance-profile/r")
		fx.group("g", []string{u}, policy)
		fx.managed(u, "m", policy, "other_versions", "["+policy+"]")
		fx.function()
		fx.instance("web")
		fx.node(graph.AWSEnvVarID(escFunction, "K"), graph.NodeSecret, "type", "env-var")
		fx.link(escFunction, graph.EdgeExposes, graph.AWSEnvVarID(escFunction, "K"), "via", "env")

		nodes, edges := escDerive(t, fx)
		have := map[string]bool{}
		for _, n := range append(fx.nodes, nodes...) {
			have[n.ID] = true
		}
		for _, e := range edges {
			if !have[e.From] || !have[e.To] {
				t.Errorf("derived edge %s joins a node that does not exist", e.Key())
			}
		}
	})
}
