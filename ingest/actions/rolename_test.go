package actions

import (
	"slices"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// configure-aws-credentials turns a role name into an ARN with the account
// of the credentials the step already has: access keys, or the session of
// an earlier step with role-chaining. With the job's OIDC token alone it
// has no account and the step fails, so nothing after it runs.
func TestConfigureAWSRoleNames(t *testing.T) {
	res := parseFile(t, "aws-role-names.yml")
	bareImage := "pkg:docker/bare?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanPublish && e.To == bareImage {
			t.Errorf("%s publishes %s, want no publisher: the step that assumes a role by name fails", e.From, bareImage)
		}
	}

	entry := "arn:aws:iam::111122223333:role/gha-entry"
	for _, tt := range []struct {
		role, image string
	}{
		{"arn:aws:iam::111122223333:role/gha-chained", "pkg:docker/chained?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"},
		{"arn:aws:iam::444455556666:role/gha-target", "pkg:docker/target?repository_url=444455556666.dkr.ecr.us-east-1.amazonaws.com"},
	} {
		got := targets(res, tt.role, graph.EdgeCanPublish)
		if !slices.Equal(got, []string{tt.image}) {
			t.Errorf("%s publishes %v, want %s", tt.role, got, tt.image)
			continue
		}
		if e := findEdge(t, res, tt.role, graph.EdgeCanPublish, tt.image); e.Confidence != graph.Certain {
			t.Errorf("%s publishes %s with %s, want certain", tt.role, tt.image, e.Confidence)
		}
		// The first role's session assumes the chained one, as its trust
		// policy allows.
		if e := findEdge(t, res, entry, graph.EdgeCanAssume, tt.role); e.Confidence != graph.Possible {
			t.Errorf("%s assumes %s with %s, want possible", entry, tt.role, e.Confidence)
		}
	}

	// Chained from keys of an unknown account, the role's ARN is not
	// known: the keys' identity stands for it, possibly.
	keys := graph.CIAWSIdentityID(graph.GHASecretID(testRepo, "CHAIN_SECRET"))
	fromKeys := "pkg:docker/fromkeys?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	if e := findEdge(t, res, keys, graph.EdgeCanPublish, fromKeys); e.Confidence != graph.Possible {
		t.Errorf("%s publishes %s with %s, want possible", keys, fromKeys, e.Confidence)
	}
}
