package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The trail in testdata/sessions/logs, at 2026-11-03, for role deploy of
// account 111122223333:
//
//	1 10:00 subject ...:ref:refs/heads/main assumes it, key ASIAEXAMPLEMAIN00001, from 192.0.2.10
//	2 10:30 subject ...:ref:refs/heads/feature-x assumes it, key ASIAEXAMPLEFEAT00001
//	3 10:05 MAIN key: s3:GetObject on example-org-artifacts, from 192.0.2.10
//	4 10:35 FEAT key: s3:PutObject on example-org-artifacts, from 198.51.100.20
//	5 10:36 FEAT key: secretsmanager:GetSecretValue on prod/deploy-key
//	6 12:00 user alice assumes it, key ASIAEXAMPLEALICE0001
//	7 12:10 ALICE key: s3:GetObject on example-org-artifacts
//	8 13:00 key ASIAEXAMPLEUNTIED001, which no record issues: s3:GetObject on example-org-artifacts
//
// testdata/sessions/untied holds the same records, except that record 1
// returns no key id, so nothing ties the main branch's session to it.
const (
	sessRole    = "arn:aws:iam::111122223333:role/deploy"
	sessBucket  = "arn:aws:s3:::example-org-artifacts"
	sessSecret  = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/deploy-key"
	sessMain    = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/app:ref:refs/heads/main"
	sessFeature = "oidc:sub:token.actions.githubusercontent.com:repo:example-org/app:ref:refs/heads/feature-x"
	sessAlice   = "arn:aws:iam::111122223333:user/alice"
	sessJob     = "runtime:gha:example-org/app/.github/workflows/deploy.yml#deploy"
	sessJobSub  = "oidc:gha:example-org/app/.github/workflows/deploy.yml#deploy"
	sessSince   = "2026-11-03T10:20:00Z"
)

type sessionsJSON struct {
	Narrowed bool `json:"narrowed"`
	Callers  []struct {
		ID   string   `json:"id"`
		Keys []string `json:"keys"`
		Refs []string `json:"refs"`
	} `json:"callers"`
	Pooled       []string `json:"pooled"`
	OtherCalls   int64    `json:"otherCalls"`
	OtherDenied  int64    `json:"otherDenied"`
	OtherCallers []string `json:"otherCallers"`
	OtherUntied  int64    `json:"otherUntied"`
	RoleUse      *struct {
		Count int64  `json:"count"`
		First string `json:"first"`
		Last  string `json:"last"`
	} `json:"roleUse"`
}

type sessionsReached struct {
	Node struct {
		ID string `json:"id"`
	} `json:"node"`
	Live      bool `json:"live"`
	UsedAfter bool `json:"usedAfterCompromise"`
	Evidence  *struct {
		Count   int64    `json:"count"`
		First   string   `json:"first"`
		Last    string   `json:"last"`
		Actions []string `json:"actions"`
		Keys    []string `json:"keys"`
		Addrs   []struct {
			Value string `json:"value"`
			Count int64  `json:"count"`
		} `json:"addrs"`
	} `json:"evidence"`
	NewSources []string      `json:"newSources"`
	Sessions   *sessionsJSON `json:"sessions"`
}

func sessionsQuery(t *testing.T, db string, args ...string) map[string]sessionsReached {
	t.Helper()
	out, errs, code := runCLI(t, append([]string{"--db", db, "query", "--since", sessSince, "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("query exit %d\n%s\n%s", code, out, errs)
	}
	var res struct {
		Reached []sessionsReached `json:"reached"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	byID := map[string]sessionsReached{}
	for _, r := range res.Reached {
		byID[r.Node.ID] = r
	}
	for _, id := range []string{sessRole, sessBucket, sessSecret} {
		if _, ok := byID[id]; !ok {
			t.Fatalf("%s not reached:\n%s", id, out)
		}
	}
	return byID
}

func sessionsDB(t *testing.T, inputs ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest", "--org", "example-org"}
	for _, in := range inputs {
		args = append(args, filepath.Join("testdata", "sessions", in))
	}
	if out, errs, code := runCLI(t, args...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	return db
}

// From the main branch's subject, the role shows records 1 and 3 alone:
// the subject's AssumeRoleWithWebIdentity call and its session's call.
// The role's other sessions made 6 calls: the feature-x subject's and
// alice's AssumeRole calls (records 2 and 6) and the calls of sessions
// (records 4, 5, 7 and 8), and record 8's key is tied to no one. The
// role's whole use is all 8 records, 2 of them the walk's.
func TestQueryRoleWalkSessions(t *testing.T) {
	for _, start := range []struct {
		name, flag, id, caller string
		inputs                 []string
	}{
		{"subject", "--node", sessMain, sessMain, []string{"logs"}},
		// The linker gives the job's subject the logged subject's edge.
		{"job", "--runtime", sessJob, sessJobSub, []string{"logs", "repos"}},
	} {
		t.Run(start.name, func(t *testing.T) {
			db := sessionsDB(t, start.inputs...)
			got := sessionsQuery(t, db, start.flag, start.id)

			role := got[sessRole]
			ev := role.Evidence
			if ev == nil {
				t.Fatal("role has no evidence, expected records 1 and 3")
			}
			if ev.Count != 2 {
				t.Errorf("role calls = %d, expected 2 (records 1 and 3)", ev.Count)
			}
			if ev.First != "2026-11-03T10:00:00Z" || ev.Last != "2026-11-03T10:05:00Z" {
				t.Errorf("role calls span %s..%s, expected 10:00..10:05", ev.First, ev.Last)
			}
			if !slices.Equal(ev.Keys, []string{"ASIAEXAMPLEMAIN00001"}) {
				t.Errorf("role keys = %v, expected [ASIAEXAMPLEMAIN00001]", ev.Keys)
			}
			if !slices.Equal(ev.Actions, []string{"s3:GetObject", "sts:AssumeRoleWithWebIdentity"}) {
				t.Errorf("role actions = %v, expected those of records 1 and 3", ev.Actions)
			}
			if len(ev.Addrs) != 1 || ev.Addrs[0].Value != "192.0.2.10" || ev.Addrs[0].Count != 2 {
				t.Errorf("role addresses = %+v, expected 192.0.2.10 twice", ev.Addrs)
			}
			// The main branch's session made no call after 10:20, and the
			// other sessions did.
			if role.UsedAfter {
				t.Error("role used after compromise, expected not: only other sessions called after 10:20")
			}
			if len(role.NewSources) != 0 {
				t.Errorf("role new sources = %v, expected none", role.NewSources)
			}

			s := role.Sessions
			if s == nil {
				t.Fatal("role has no sessions")
			}
			if !s.Narrowed {
				t.Error("role sessions not narrowed, expected narrowed")
			}
			if len(s.Callers) != 1 || s.Callers[0].ID != start.caller {
				t.Fatalf("role callers = %+v, expected %s alone", s.Callers, start.caller)
			}
			if !slices.Equal(s.Callers[0].Keys, []string{"ASIAEXAMPLEMAIN00001"}) {
				t.Errorf("caller keys = %v, expected [ASIAEXAMPLEMAIN00001]", s.Callers[0].Keys)
			}
			if !slices.Equal(s.Callers[0].Refs, []string{"refs/heads/main"}) {
				t.Errorf("caller refs = %v, expected [refs/heads/main]", s.Callers[0].Refs)
			}
			if s.OtherCalls != 6 || s.OtherDenied != 0 {
				t.Errorf("other sessions' calls = %d (%d denied), expected 6 (records 2, 4, 5, 6, 7, 8), none denied", s.OtherCalls, s.OtherDenied)
			}
			if s.OtherUntied != 1 {
				t.Errorf("other calls with an unissued key = %d, expected 1 (record 8)", s.OtherUntied)
			}
			if !slices.Equal(s.OtherCallers, []string{sessAlice, sessFeature}) {
				t.Errorf("other callers = %v, expected alice and the feature-x subject", s.OtherCallers)
			}
			if u := s.RoleUse; u == nil || u.Count != 8 {
				t.Errorf("role use = %+v, expected 8 calls (records 1 to 8)", u)
			} else if u.First != "2026-11-03T10:00:00Z" || u.Last != "2026-11-03T13:00:00Z" {
				t.Errorf("role use spans %s..%s, expected 10:00..13:00", u.First, u.Last)
			}

			bucket := got[sessBucket]
			if ev := bucket.Evidence; ev == nil || ev.Count != 1 {
				t.Errorf("bucket evidence = %+v, expected record 3 alone", ev)
			} else if !slices.Equal(ev.Keys, []string{"ASIAEXAMPLEMAIN00001"}) || ev.First != "2026-11-03T10:05:00Z" {
				t.Errorf("bucket keys %v from %s, expected ASIAEXAMPLEMAIN00001 at 10:05", ev.Keys, ev.First)
			}
			if bs := bucket.Sessions; bs == nil || bs.OtherCalls != 3 {
				t.Errorf("bucket sessions = %+v, expected 3 other calls (records 4, 7, 8)", bs)
			} else {
				if bs.OtherUntied != 1 {
					t.Errorf("bucket calls with an unissued key = %d, expected 1", bs.OtherUntied)
				}
				if !slices.Equal(bs.OtherCallers, []string{sessAlice, sessFeature}) {
					t.Errorf("bucket other callers = %v, expected alice and the feature-x subject", bs.OtherCallers)
				}
			}

			secret := got[sessSecret]
			if secret.Evidence != nil {
				t.Errorf("secret evidence = %+v, expected none: only record 5, of feature-x, reads it", secret.Evidence)
			}
			if !secret.Live {
				t.Error("secret not live, expected live from record 5")
			}
			if secret.UsedAfter {
				t.Error("secret used after compromise, expected not by the walk's sessions")
			}
			if ss := secret.Sessions; ss == nil || ss.OtherCalls != 1 {
				t.Errorf("secret sessions = %+v, expected 1 other call (record 5)", ss)
			} else if !slices.Equal(ss.OtherCallers, []string{sessFeature}) || ss.OtherUntied != 0 {
				t.Errorf("secret other callers = %v (%d untied), expected the feature-x subject", ss.OtherCallers, ss.OtherUntied)
			}

			out, errs, code := runCLI(t, "--db", db, "query", "--since", sessSince, start.flag, start.id)
			if code != exitOK {
				t.Fatalf("query exit %d\n%s", code, errs)
			}
			name := "repo:example-org/app:ref:refs/heads/main"
			if start.name == "job" {
				name = "OIDC subject of deploy"
			}
			want := "sessions: the use shown is that of the sessions obtained by " + name +
				" (ref refs/heads/main) with key ASIAEXAMPLEMAIN00001; the role's other sessions: 6 calls from 2 callers, 1 of them with keys that no logged AssumeRole call returned"
			if !strings.Contains(out, want) {
				t.Errorf("table output lacks %q:\n%s", want, out)
			}
		})
	}
}

// Without record 1's key the log ties no session to the main branch's
// subject: the role keeps every session's calls (records 1, 3, 4, 5, 7
// and 8) and reports that they are not separated, naming the subject's ref.
func TestQueryRoleSessionsNotNarrowed(t *testing.T) {
	db := sessionsDB(t, "untied")
	got := sessionsQuery(t, db, "--node", sessMain)
	role := got[sessRole]
	if ev := role.Evidence; ev == nil || ev.Count != 6 {
		t.Errorf("role evidence = %+v, expected every session's 6 calls", ev)
	} else if ev.First != "2026-11-03T10:00:00Z" || ev.Last != "2026-11-03T13:00:00Z" {
		t.Errorf("role calls span %s..%s, expected 10:00..13:00", ev.First, ev.Last)
	}
	if !role.UsedAfter {
		t.Error("role not used after compromise, expected used: the pooled calls at 10:35..13:00 follow it")
	}

	s := role.Sessions
	if s == nil {
		t.Fatal("role has no sessions")
	}
	if s.Narrowed {
		t.Error("role sessions narrowed, expected not narrowed")
	}
	if len(s.Callers) != 1 || s.Callers[0].ID != sessMain {
		t.Fatalf("role callers = %+v, expected the main subject alone", s.Callers)
	}
	if len(s.Callers[0].Keys) != 0 {
		t.Errorf("caller keys = %v, expected none", s.Callers[0].Keys)
	}
	if !slices.Equal(s.Callers[0].Refs, []string{"refs/heads/main"}) {
		t.Errorf("caller refs = %v, expected [refs/heads/main]", s.Callers[0].Refs)
	}
	if s.RoleUse != nil || s.OtherCalls != 0 {
		t.Errorf("role use %+v and %d other calls, expected neither", s.RoleUse, s.OtherCalls)
	}

	if bs := got[sessBucket].Sessions; bs == nil || bs.Narrowed {
		t.Errorf("bucket sessions = %+v, expected not narrowed", bs)
	}
	if ev := got[sessBucket].Evidence; ev == nil || ev.Count != 4 {
		t.Errorf("bucket evidence = %+v, expected records 3, 4, 7, 8", ev)
	}

	out, _, _ := runCLI(t, "--db", db, "query", "--node", sessMain)
	want := "sessions: not separated: no logged AssumeRole call returned a session key to an identity of the blast radius, so the use shown is every session's; obtained by repo:example-org/app:ref:refs/heads/main (ref refs/heads/main)"
	if !strings.Contains(out, want) {
		t.Errorf("table output lacks %q:\n%s", want, out)
	}
}

// The plan reads the narrowed use. The main branch's session made no
// call after 10:20, so neither the role nor the secret has strangers, and
// only the role is in use (record 3). Without narrowing, the feature-x
// session's address 198.51.100.20 would read as a stranger on both.
func TestPlanRoleWalkSessions(t *testing.T) {
	db := sessionsDB(t, "logs")
	out, errs, code := runCLI(t, "--db", db, "plan", "--since", sessSince, "--node", sessMain, "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d\n%s\n%s", code, out, errs)
	}
	var plan struct {
		Steps []struct {
			Items []struct {
				Node struct {
					ID string `json:"id"`
				} `json:"node"`
				InUse     bool     `json:"inUse"`
				Strangers []string `json:"strangers"`
			} `json:"items"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}

	found := map[string]bool{}
	for _, step := range plan.Steps {
		for _, it := range step.Items {
			if it.Node.ID != sessRole && it.Node.ID != sessSecret {
				continue
			}
			found[it.Node.ID] = true
			if len(it.Strangers) != 0 {
				t.Errorf("%s strangers = %v, expected none", it.Node.ID, it.Strangers)
			}
			if want := it.Node.ID == sessRole; it.InUse != want {
				t.Errorf("%s in use = %v, expected %v", it.Node.ID, it.InUse, want)
			}
		}
	}
	if !found[sessRole] || !found[sessSecret] {
		t.Errorf("plan items for the role and the secret: found %v, expected both\n%s", found, out)
	}
}

// Alice assumes role deploy 65 times, and her AssumeRole edge keeps the
// first graph.MaxSeen (64) keys of the 65 it returned. Her 65th session
// reads the bucket once, at 13:05, and her first once, at 13:06. Her
// edge no longer names every key she obtained, so the 13:05 call is not
// known to be another session's: the role's use is not narrowed, and the
// bucket shows both calls.
func TestQuerySessionsCallerKeysAtCap(t *testing.T) {
	const n = 65
	key := func(i int) string { return fmt.Sprintf("ASIAEXAMPLECAP%06d", i) }
	var recs []string
	for i := 1; i <= n; i++ {
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEALICE0001","arn":"%s","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEALICE0001","userName":"alice"},"eventTime":"2026-11-03T12:%02d:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.17.0","requestParameters":{"roleArn":"%s","roleSessionName":"alice"},"responseElements":{"credentials":{"accessKeyId":"%s","sessionToken":"EXAMPLE-NOT-A-TOKEN","expiration":"Nov 3, 2026, 1:00:00 PM"}},"eventID":"00000000-0000-4000-8000-%012d","recipientAccountId":"111122223333"}`,
			sessAlice, i%60, sessRole, key(i), i))
	}
	use := func(k string, minute, id int) string {
		return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEDEPLOY001:alice","arn":"arn:aws:sts::111122223333:assumed-role/deploy/alice","accountId":"111122223333","accessKeyId":"%s","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEDEPLOY001","arn":"%s","accountId":"111122223333","userName":"deploy"}}},"eventTime":"2026-11-03T13:%02d:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.17.0","requestParameters":{"bucketName":"example-org-artifacts","key":"app.tar.gz"},"responseElements":null,"eventID":"00000000-0000-4000-8000-%012d","recipientAccountId":"111122223333"}`,
			k, sessRole, minute, id)
	}
	recs = append(recs, use(key(n), 5, 1001), use(key(1), 6, 1002))

	dir := t.TempDir()
	logs := filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20261103T1400Z_Cap01.json")
	if err := os.WriteFile(logs, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", logs); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}

	out, errs, code := runCLI(t, "--db", db, "query", "--node", sessAlice, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d\n%s\n%s", code, out, errs)
	}
	var res struct {
		Reached []sessionsReached `json:"reached"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	byID := map[string]sessionsReached{}
	for _, r := range res.Reached {
		byID[r.Node.ID] = r
	}

	if s := byID[sessRole].Sessions; s != nil && s.Narrowed {
		t.Errorf("role sessions narrowed to %d keys with %d other calls, expected not narrowed", len(s.Callers[0].Keys), s.OtherCalls)
	}
	if ev := byID[sessBucket].Evidence; ev == nil || ev.Count != 2 {
		t.Errorf("bucket evidence = %+v, expected both of alice's calls", ev)
	}
}
