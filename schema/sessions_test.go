package schema

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// A role's sessions reach a client split by caller. The main branch's
// subject and user alice each obtained one session of role deploy. The
// role's calls on the bucket are the main session's at 10:05 and alice's
// at 12:10 and 12:20. From the subject, the role shows the subject's
// AssumeRoleWithWebIdentity call and the 10:05 call. The role's other
// sessions made 3 calls: alice's AssumeRole call and her 2 calls, so the
// role's whole use is 5 calls from 10:00. The bucket's other calls are
// alice's 2.
func TestBlastRadiusSessions(t *testing.T) {
	const (
		subject = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/app:ref:refs/heads/main"
		alice   = "arn:aws:iam::111122223333:user/alice"
		role    = "arn:aws:iam::111122223333:role/deploy"
		bucket  = "arn:aws:s3:::example-org-artifacts"
		mainKey = "ASIAEXAMPLEMAIN00001"
		userKey = "ASIAEXAMPLEALICE0001"
	)
	assume := &graph.Evidence{}
	assume.Add(at(3, 10, 0), "sts:AssumeRoleWithWebIdentity", "192.0.2.10", "configure-aws-credentials", "", false, pos(trail, 1))
	aliceAssume := &graph.Evidence{}
	aliceAssume.Add(at(3, 12, 0), "sts:AssumeRole", "203.0.113.5", "aws-cli/2.17.0", "AKIAEXAMPLEALICE0001", false, pos(trail, 2))
	calls := &graph.Evidence{}
	calls.Add(at(3, 10, 5), "s3:GetObject", "192.0.2.10", "aws-cli/2.17.0", mainKey, false, pos(trail, 3))
	calls.Add(at(3, 12, 10), "s3:GetObject", "203.0.113.5", "aws-cli/2.17.0", userKey, false, pos(trail, 4))
	calls.Add(at(3, 12, 20), "s3:PutObject", "203.0.113.5", "aws-cli/2.17.0", userKey, false, pos(trail, 5))

	s := memstore.New()
	b := &graph.Batch{Time: at(4, 0, 0),
		Nodes: []graph.Node{
			{ID: subject, Kind: graph.NodeIdentity, Pos: pos(trail, 1),
				Attrs: map[string]string{"type": "oidc-subject-observed", "observed": "true", "ref": "refs/heads/main"}},
			{ID: alice, Kind: graph.NodeIdentity, Pos: pos(trail, 2), Attrs: map[string]string{"type": "user", "observed": "true"}},
			{ID: role, Kind: graph.NodeIdentity, Pos: pos(trail, 1), Attrs: map[string]string{"type": "role", "observed": "true"}},
			{ID: bucket, Kind: graph.NodeResource, Pos: pos(trail, 3), Attrs: map[string]string{"type": "s3", "observed": "true"}},
		},
		Edges: []graph.Edge{
			{From: subject, To: role, Kind: graph.EdgeObserved, Confidence: graph.Certain, Pos: pos(trail, 1), Evidence: assume,
				Attrs: map[string]string{"session_keys": mainKey, "ref": "refs/heads/main"}},
			{From: alice, To: role, Kind: graph.EdgeObserved, Confidence: graph.Certain, Pos: pos(trail, 2), Evidence: aliceAssume,
				Attrs: map[string]string{"session_keys": userKey}},
			{From: role, To: bucket, Kind: graph.EdgeObserved, Confidence: graph.Certain, Pos: pos(trail, 3), Evidence: calls},
		}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}

	srv := newServer(t, s, Options{})
	status, body := post(t, srv, `query($start: StartInput!) { blastRadius(start: $start) { reached { node { id }
		evidence { count first last keys }
		sessions { narrowed callers { id keys refs } pooled otherCalls otherDenied otherCallers otherUntied roleUse { count first last } } } } }`,
		map[string]any{"start": map[string]any{"nodes": []string{subject}}})
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	want := `{"data":{"blastRadius":{"reached":[` +
		`{"node":{"id":"` + role + `"},"evidence":{"count":2,"first":"2026-01-03T10:00:00Z","last":"2026-01-03T10:05:00Z","keys":["` + mainKey + `"]},` +
		`"sessions":{"narrowed":true,"callers":[{"id":"` + subject + `","keys":["` + mainKey + `"],"refs":["refs/heads/main"]}],"pooled":[],` +
		`"otherCalls":3,"otherDenied":0,"otherCallers":["` + alice + `"],"otherUntied":0,` +
		`"roleUse":{"count":5,"first":"2026-01-03T10:00:00Z","last":"2026-01-03T12:20:00Z"}}},` +
		`{"node":{"id":"` + bucket + `"},"evidence":{"count":1,"first":"2026-01-03T10:05:00Z","last":"2026-01-03T10:05:00Z","keys":["` + mainKey + `"]},` +
		`"sessions":{"narrowed":true,"callers":[{"id":"` + subject + `","keys":["` + mainKey + `"],"refs":["refs/heads/main"]}],"pooled":[],` +
		`"otherCalls":2,"otherDenied":0,"otherCallers":["` + alice + `"],"otherUntied":0,` +
		`"roleUse":{"count":3,"first":"2026-01-03T10:05:00Z","last":"2026-01-03T12:20:00Z"}}}]}}}`
	if got := strings.TrimSpace(string(body)); got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}
