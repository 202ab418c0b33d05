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

// A job's tokens carry a new subject for each tag it runs on, so the logs
// can show several subjects that the job's subject pattern matches
// assuming one role. The job's edge to the role carries the calls of all
// of them, so that a use after the compromise under a later tag shows.
func TestObservedSubjectsMergePerJob(t *testing.T) {
	release := graph.IAMARN(acct, "role", "", "release")
	job := "oidc:gha:example-org/api/.github/workflows/release.yml#release"
	issuer := "https://token.actions.githubusercontent.com"
	subOld := "repo:example-org/api:ref:refs/tags/v1.3.0"
	subNew := "repo:example-org/api:ref:refs/tags/v1.4.1"
	observedID := func(sub string) string { return "oidc:sub:token.actions.githubusercontent.com:" + sub }
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	assume := func(sub, when, addr, key string) graph.Edge {
		e := graph.Edge{From: observedID(sub), To: release, Kind: graph.EdgeObserved, Confidence: graph.Certain,
			Pos: graph.Pos{File: "trail.json", Line: 1}}
		ev := &graph.Evidence{}
		ev.Add(at(when), "sts:AssumeRoleWithWebIdentity", addr, "aws-sdk-js/3.600.0", "", false, e.Pos)
		e.Evidence = ev
		e.SetAttr("sub", sub)
		e.SetAttr(attrSessionKeys, key)
		return e
	}

	nodes := []graph.Node{
		node(job, graph.NodeIdentity, "type", "oidc-subject", "issuer", issuer, "subs", "repo:example-org/api:ref:refs/tags/v*"),
		node(observedID(subOld), graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", subOld),
		node(observedID(subNew), graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", subNew),
		node(release, graph.NodeIdentity, "type", "role"),
	}
	// A second log file shows the later tag's subject again, with a
	// session key of its own.
	again := assume(subNew, "2026-11-05T08:00:00Z", "192.0.2.11", "ASIAEXAMPLESESSION03")
	again.Pos.File = "trail-2.json"
	edges := []graph.Edge{
		assume(subOld, "2026-11-02T10:00:00Z", "192.0.2.10", "ASIAEXAMPLESESSION01"),
		assume(subNew, "2026-11-04T08:00:00Z", "192.0.2.11", "ASIAEXAMPLESESSION02"),
		again,
	}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: edges}, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}

	e := edgeOf(t, s, graph.EdgeObserved, job, release)
	if e == nil {
		t.Fatal("no OBSERVED edge from the job's subject to the role")
	}
	if e.Evidence == nil || e.Evidence.Count != 3 {
		t.Fatalf("evidence = %+v, want the 3 calls of both subjects", e.Evidence)
	}
	if !e.Evidence.Last.Equal(at("2026-11-05T08:00:00Z")) {
		t.Errorf("last use = %v, want 2026-11-05T08:00:00Z, the call under the later tag in the second file", e.Evidence.Last)
	}
	if len(e.Evidence.Addrs) != 2 {
		t.Errorf("addresses = %+v, want 192.0.2.10 and 192.0.2.11", e.Evidence.Addrs)
	}
	if got, want := e.Attr(attrSessionKeys), "ASIAEXAMPLESESSION01,ASIAEXAMPLESESSION02,ASIAEXAMPLESESSION03"; got != want {
		t.Errorf("session_keys = %q, want %q", got, want)
	}
	if got, want := e.Attr("subject"), subOld+","+subNew; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
}

// Two log files that each record the caller assuming the role state one
// OBSERVED edge, whose attributes come from the first file. The session
// keys of both files still join the calls made with them.
func TestSessionsOfEveryLogFile(t *testing.T) {
	deploy := graph.IAMARN(acct, "role", "", "deploy")
	ci := graph.IAMARN(acct, "user", "", "ci")
	bucket := "arn:aws:s3:::example-org-artifacts"
	observed := func(from, to, file string, keys ...string) graph.Edge {
		e := graph.Edge{From: from, To: to, Kind: graph.EdgeObserved, Confidence: graph.Certain,
			Pos: graph.Pos{File: file, Line: 1}}
		e.Evidence = &graph.Evidence{Count: 1, Keys: keys}
		return e
	}
	monday := observed(ci, deploy, "2026-11-02.json")
	monday.SetAttr(attrSessionKeys, "ASIAEXAMPLESESSION01")
	tuesday := observed(ci, deploy, "2026-11-03.json")
	tuesday.SetAttr(attrSessionKeys, "ASIAEXAMPLESESSION02")
	// Tuesday's session key is used in a file of another region.
	upload := observed(deploy, bucket, "eu-west-1.json", "ASIAEXAMPLESESSION02")

	nodes := []graph.Node{
		node(ci, graph.NodeIdentity, "type", "user"),
		node(deploy, graph.NodeIdentity, "type", "role"),
		node(bucket, graph.NodeResource),
	}
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: []graph.Edge{monday, tuesday, upload}}
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	e := edgeOf(t, s, graph.EdgeObserved, deploy, bucket)
	if e == nil {
		t.Fatal("no OBSERVED edge from the role to the bucket")
	}
	if got := e.Attr(attrLinkedSession); got != "ASIAEXAMPLESESSION02" {
		t.Errorf("linked_session = %q, want ASIAEXAMPLESESSION02, issued in the second file", got)
	}
	if got := e.Attr(attrAssumedBy); got != ci {
		t.Errorf("assumed_by = %q, want %s", got, ci)
	}
}
