package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestPushedWorkflowWriters: of three credentials that can write to
// repository app, a job's GITHUB_TOKEN cannot push workflow files and
// gets no pushed workflow; a token whose actions name the workflow scope
// gets one certainly; a maintainer's key, whose scopes the input does
// not show, possibly. The pushed workflow's subject assumes the role that
// trusts any ref of app certainly, and the role bound to main possibly.
func TestPushedWorkflowWriters(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	subj := graph.GHAOIDCSubjectID(pushed)
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:token:example-org/app/.github/workflows/ci.yml#build", graph.NodeIdentity, "type", "github-token", graph.AttrProvider, "github"),
		node("github:pat:release-bot", graph.NodeIdentity),
		node("github:key:maintainer", graph.NodeIdentity),
		role("app-any", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:*"}}`)),
		role("app-main", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:ref:refs/heads/main"}}`)),
		role("app-prod", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:environment:prod"}}`)),
	}
	edges := []graph.Edge{
		edge("github:token:example-org/app/.github/workflows/ci.yml#build", graph.EdgeCanModify, repo, graph.AttrActions, "contents:write"),
		edge("github:pat:release-bot", graph.EdgeCanModify, repo, graph.AttrActions, "repo,workflow"),
		edge("github:key:maintainer", graph.EdgeCanModify, repo),
	}
	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{
		"github:key:maintainer -> " + pushed + " (possible)",
		"github:pat:release-bot -> " + pushed + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
	got = derive(t, nodes, edges, graph.EdgeCanAssume)
	want = []string{
		subj + " -> " + graph.IAMARN(acct, "role", "", "app-any") + " (certain)",
		subj + " -> " + graph.IAMARN(acct, "role", "", "app-main") + " (possible)",
		subj + "/environment -> " + graph.IAMARN(acct, "role", "", "app-any") + " (certain)",
		subj + "/environment -> " + graph.IAMARN(acct, "role", "", "app-prod") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowObservedSubject: a log shows two sessions of
// repository app's subjects. One carries the subject of job build, and is
// that job's only. The other carries a branch no job of the input runs
// on: a workflow that is not in the input requested it, so its calls on
// the secrets bucket are the pushed workflow's.
func TestPushedWorkflowObservedSubject(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	bucket, secrets := "arn:aws:s3:::example-org-artifacts", "arn:aws:s3:::example-org-secrets"
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:pat:release-bot", graph.NodeIdentity),
		subject("example-org/app/.github/workflows/ci.yml#build", "repo:example-org/app:ref:refs/heads/main"),
		node("oidc-observed:main", graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", "repo:example-org/app:ref:refs/heads/main"),
		node("oidc-observed:exfil", graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", "repo:example-org/app:ref:refs/heads/exfil"),
		node(bucket, graph.NodeResource),
		node(secrets, graph.NodeResource),
	}
	edges := []graph.Edge{
		edge("github:pat:release-bot", graph.EdgeCanModify, repo),
		edge("oidc-observed:main", graph.EdgeObserved, bucket),
		edge("oidc-observed:exfil", graph.EdgeObserved, secrets),
	}
	got := derive(t, nodes, edges, graph.EdgeObserved)
	want := []string{
		graph.GHAOIDCSubjectID(pushed) + " -> " + secrets + " (certain)",
		"oidc:gha:example-org/app/.github/workflows/ci.yml#build -> " + bucket + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OBSERVED (-want +got):\n%s", diff)
	}
}
