package whatif

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// Replacing the key of a job of a GitHub Enterprise Server repository
// with OIDC trusts the server's issuer, ghe.example.com/_services/token,
// in the role's trust policy and in the job's new subject.
func TestReplaceKeyWithOIDCEnterpriseServer(t *testing.T) {
	ctx := context.Background()
	const (
		job    = "runtime:gha:ghe.example.com/acme/api/.github/workflows/ci.yml#build"
		secret = "secret:gha:ghe.example.com/acme/api/APP_TOKEN"
		role   = "arn:aws:iam::111122223333:role/app"
	)

	pos := graph.Pos{File: "test.yml", Line: 1}
	node := func(id string, kind graph.NodeKind, attrs map[string]string) graph.Node {
		return graph.Node{ID: id, Kind: kind, Label: id, Pos: pos, Attrs: attrs}
	}
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(job, graph.NodeRuntime, map[string]string{"type": "gha-job", "job": "build",
			graph.AttrRepository: "acme/api", graph.AttrRepositoryHost: "ghe.example.com"}),
		node(secret, graph.NodeSecret, map[string]string{"type": "actions-secret", graph.AttrName: "APP_TOKEN",
			graph.AttrRepository: "acme/api", graph.AttrRepositoryHost: "ghe.example.com"}),
		node(bot, graph.NodeIdentity, map[string]string{"type": "user"}),
	}, Edges: []graph.Edge{
		{From: job, To: secret, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos, Attrs: map[string]string{"via": "ci-secret", "name": "APP_TOKEN"}},
		{From: secret, To: bot, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos},
	}}

	s := memstore.New()
	if err := s.Write(ctx, b, nil); err != nil {
		t.Fatal(err)
	}

	o, _, err := Apply(ctx, s, []Edit{{Kind: EditReplaceKeyWithOIDC, Secret: "APP_TOKEN", Role: role, Branch: "main"}}, nil)
	if err != nil {
		t.Fatal(err)
	}

	n, ok, _ := o.node(ctx, role)
	if !ok {
		t.Fatal("role not created")
	}
	p, err := awspolicy.Parse(n.Attr("trust_policy"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Statements[0].Principal["Federated"]; !cmp.Equal(got, []string{"arn:aws:iam::111122223333:oidc-provider/ghe.example.com/_services/token"}) {
		t.Errorf("federated principal %v", got)
	}
	sub := p.Statements[0].Condition["StringEquals"]["ghe.example.com/_services/token:sub"]
	if diff := cmp.Diff([]string{"repo:acme/api:ref:refs/heads/main"}, sub); diff != "" {
		t.Errorf("sub (-want +got):\n%s", diff)
	}

	subject, ok, _ := o.node(ctx, graph.GHAOIDCSubjectID(job))
	if !ok {
		t.Fatal("job has no OIDC subject")
	}
	if got := subject.Attr("issuer"); got != "https://ghe.example.com/_services/token" {
		t.Errorf("subject issuer %q, want https://ghe.example.com/_services/token", got)
	}
}
