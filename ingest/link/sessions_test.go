package link

import (
	"context"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

func TestSessionsAcrossFiles(t *testing.T) {
	deploy := graph.IAMARN(acct, "role", "", "deploy")
	audit := graph.IAMARN(acct, "role", "", "audit")
	sub := "oidc-observed:token.actions.githubusercontent.com:repo:example-org/web-app:ref:refs/heads/main"
	secretID := "arn:aws:secretsmanager:us-east-1:111122223333:secret:payments"
	bucket := "arn:aws:s3:::example-org-reports"

	observed := func(from, to, file string, keys ...string) graph.Edge {
		e := graph.Edge{From: from, To: to, Kind: graph.EdgeObserved, Confidence: graph.Certain,
			Pos: graph.Pos{File: file, Line: 1}}
		e.Evidence = &graph.Evidence{Count: int64(len(keys)), Keys: keys}
		return e
	}
	// The AssumeRoleWithWebIdentity call is in the us-east-1 file; the
	// calls made with its session key are in the eu-west-1 file.
	assume := observed(sub, deploy, "us-east-1.json", "")
	assume.SetAttr(attrSessionKeys, "ASIAEXAMPLESESSION01")
	readSecret := observed(deploy, secretID, "eu-west-1.json", "ASIAEXAMPLESESSION01", "ASIAEXAMPLEUNKNOWN02")
	// The same key seen on another role is not that role's session.
	otherRole := observed(audit, bucket, "eu-west-1.json", "ASIAEXAMPLESESSION01")
	// A file that linked the key itself needs no restated edge.
	sameFile := observed(deploy, bucket, "us-east-1.json", "ASIAEXAMPLESESSION01")
	sameFile.SetAttr(attrLinkedSession, "ASIAEXAMPLESESSION01")
	sameFile.SetAttr(attrAssumedBy, sub)

	nodes := []graph.Node{
		node(sub, graph.NodeIdentity, "type", "oidc-subject-observed"),
		node(deploy, graph.NodeIdentity, "type", "role"),
		node(audit, graph.NodeIdentity, "type", "role"),
		node(secretID, graph.NodeSecret),
		node(bucket, graph.NodeResource),
	}
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: []graph.Edge{assume, readSecret, otherRole, sameFile}}
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	got := map[graph.EdgeKey]graph.Edge{}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeObserved)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		got[e.Key()] = e
	}

	e := got[readSecret.Key()]
	if v := e.Attr(attrLinkedSession); v != "ASIAEXAMPLESESSION01" {
		t.Errorf("deploy -> secret linked_session = %q, want ASIAEXAMPLESESSION01", v)
	}
	if v := e.Attr(attrAssumedBy); v != sub {
		t.Errorf("deploy -> secret assumed_by = %q, want %s", v, sub)
	}
	if e.Evidence == nil || e.Evidence.Count != 2 {
		t.Errorf("deploy -> secret evidence = %+v, want the file's 2 calls kept", e.Evidence)
	}
	if v := got[otherRole.Key()].Attr(attrLinkedSession); v != "" {
		t.Errorf("audit -> bucket linked_session = %q, want none: the key was issued for another role", v)
	}
	if also := got[sameFile.Key()].Also; len(also) != 0 {
		t.Errorf("deploy -> bucket has extra facts at %v, want the file's own link only", also)
	}
}
