package query

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// g builds a graph from edges written as "from KIND to" triples; node kinds
// come from the id prefixes. Options after an edge: "possible", or
// "attr=value".
type g struct {
	nodes map[string]graph.Node
	edges []graph.Edge
}

func newG() *g { return &g{nodes: map[string]graph.Node{}} }

func (b *g) node(id string, attrs ...string) *g {
	n := graph.Node{ID: id, Kind: kindFromID(id), Label: id, Pos: graph.Pos{File: "test"}}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	b.nodes[id] = n
	return b
}

func (b *g) edge(from string, kind graph.EdgeKind, to string, opts ...string) *g {
	for _, id := range []string{from, to} {
		if _, ok := b.nodes[id]; !ok {
			b.node(id)
		}
	}
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: "test"}}
	for _, o := range opts {
		if o == "possible" {
			e.Confidence = graph.Possible
			continue
		}
		for i := 0; i < len(o); i++ {
			if o[i] == '=' {
				e.SetAttr(o[:i], o[i+1:])
			}
		}
	}
	b.edges = append(b.edges, e)
	return b
}

func (b *g) store(t testing.TB) graph.Store {
	t.Helper()
	s := memstore.New()
	batch := &graph.Batch{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Edges: b.edges}
	for _, n := range b.nodes {
		batch.Nodes = append(batch.Nodes, n)
	}
	if err := s.Write(context.Background(), batch, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func reachedIDs(res *Result) []string {
	var out []string
	for _, r := range res.Reached {
		out = append(out, r.Node.ID)
	}
	sort.Strings(out)
	return out
}

func blast(t testing.TB, s graph.Store, start string, opt Options) *Result {
	t.Helper()
	ns, err := s.Nodes(context.Background(), []string{start})
	if err != nil || len(ns) != 1 {
		t.Fatalf("start %s not found", start)
	}
	res, err := BlastRadius(context.Background(), s, ns, start, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const (
	bad   = "pkg:npm/bad@1.0.0"
	lib   = "pkg:npm/lib@2.0.0"
	jobA  = "runtime:gha:o/a/ci.yml#build"
	jobB  = "runtime:gha:o/b/ci.yml#build"
	keyA  = "secret:gha:o/a/KEY"
	keyB  = "secret:gha:o/b/KEY"
	user  = "arn:aws:iam::111122223333:user/ci"
	role  = "arn:aws:iam::111122223333:role/deploy"
	bkt   = "arn:aws:s3:::data"
	repoA = "repo:github.com/o/a"
)

func TestLockfileDependencyNotWalked(t *testing.T) {
	// Repository a locks lib@2 with bad@1 beneath it; repository b locks
	// lib@2 with a different resolution. Job b executes lib@2 but not bad.
	s := newG().
		edge(lib, graph.EdgeDependsOn, bad, "lockfile=package-lock.json").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExecutes, lib).
		edge(jobB, graph.EdgeExecutes, lib).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(jobB, graph.EdgeExposes, keyB).
		store(t)
	got := reachedIDs(blast(t, s, bad, Options{}))
	want := []string{jobA, keyA}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

func TestContainmentDependencyWalked(t *testing.T) {
	// An image that contains bad (no lockfile scope) runs in a function.
	img := "pkg:oci/app@sha256:abc"
	fn := "runtime:aws:lambda:fn"
	s := newG().
		edge(img, graph.EdgeDependsOn, bad).
		edge(fn, graph.EdgeExecutes, img).
		store(t)
	got := reachedIDs(blast(t, s, bad, Options{}))
	if diff := cmp.Diff([]string{img, fn}, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

func TestReadAccessToRepositoryStops(t *testing.T) {
	tokA := "secret:gha:token:o/a/ci.yml#build"
	idA := "github:token:o/a/ci.yml#build"
	other := "runtime:gha:o/a/release.yml#publish"
	npm := "secret:gha:o/a/NPM_TOKEN"
	build := func(kind graph.EdgeKind) graph.Store {
		return newG().
			edge(jobA, graph.EdgeExecutes, bad).
			edge(jobA, graph.EdgeExposes, tokA).
			edge(tokA, graph.EdgeAuthenticatesAs, idA).
			edge(idA, kind, repoA).
			edge(repoA, graph.EdgeDefines, other).
			edge(other, graph.EdgeExposes, npm).
			store(t)
	}
	res := blast(t, build(graph.EdgeCanAccess), bad, Options{})
	if res.Get(npm) != nil || res.Get(other) != nil {
		t.Errorf("read access reached %v, want the repository and nothing it defines", reachedIDs(res))
	}
	if res.Get(repoA) == nil {
		t.Errorf("repository not reached")
	}
	res = blast(t, build(graph.EdgeCanModify), bad, Options{})
	if res.Get(npm) == nil {
		t.Errorf("write access did not reach the other job's secret: %v", reachedIDs(res))
	}
}

func TestCertainPathPreferred(t *testing.T) {
	// A short possible path and a longer certain one to the same role: the
	// role is certain, explained by the certain path.
	s := newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeAuthenticatesAs, role, "possible").
		edge(jobA, graph.EdgeExposes, keyB).
		edge(keyB, graph.EdgeHolds, "secret:aws:access-key:"+user+"/k").
		edge("secret:aws:access-key:"+user+"/k", graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAccess, bkt).
		store(t)
	res := blast(t, s, bad, Options{})
	r := res.Get(bkt)
	if r == nil || r.Confidence != graph.Certain {
		t.Fatalf("bucket = %+v, want certain", r)
	}
	if got := res.Get(role).Path[len(res.Get(role).Path)-1].Kind; got != graph.EdgeCanAssume {
		t.Errorf("role explained by %s, want the certain CAN_ASSUME path", got)
	}
}

func TestDeniedObservationNotWalked(t *testing.T) {
	ev := func(denied bool) *graph.Evidence {
		e := &graph.Evidence{}
		e.Add(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), "sts:AssumeRole", "198.51.100.1", "cli", "", denied, graph.Pos{})
		return e
	}
	b := newG().
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeObserved, role, "denied_only=true")
	b.edges[len(b.edges)-1].Evidence = ev(true)
	s := b.store(t)
	if res := blast(t, s, keyA, Options{}); res.Get(role) != nil {
		t.Errorf("denied AssumeRole made the role reachable")
	}
	b = newG().
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeObserved, role)
	b.edges[len(b.edges)-1].Evidence = ev(false)
	if res := blast(t, b.store(t), keyA, Options{}); res.Get(role) == nil {
		t.Errorf("successful AssumeRole in the logs did not reach the role")
	}
}

func TestUseAfterCompromise(t *testing.T) {
	before := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	e := &graph.Evidence{}
	e.Add(before, "s3:GetObject", "198.51.100.1", "cli", "", false, graph.Pos{})
	e.Add(after, "s3:GetObject", "203.0.113.9", "cli", "", false, graph.Pos{})
	b := newG().
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt).
		edge(keyB, graph.EdgeAuthenticatesAs, role).
		edge(role, graph.EdgeCanAccess, "arn:aws:s3:::unused")
	b.edges[2].Evidence = e
	s := b.store(t)
	since := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	res := blast(t, s, keyA, Options{Since: since})
	r := res.Get(bkt)
	if r == nil || !r.UsedAfter || !cmp.Equal(r.NewSources, []string{"203.0.113.9"}) {
		t.Errorf("bucket = %+v, want used after compromise from 203.0.113.9 only", r)
	}
	// Logs that start after the compromise show every source for the
	// first time, so none is new; the use itself is still flagged.
	late := &graph.Evidence{}
	late.Add(after, "s3:GetObject", "203.0.113.9", "cli", "", false, graph.Pos{})
	lb := newG().
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	lb.edges[2].Evidence = late
	if r := blast(t, lb.store(t), keyA, Options{Since: since}).Get(bkt); r == nil || !r.UsedAfter || len(r.NewSources) != 0 {
		t.Errorf("bucket with logs from after the compromise only = %+v, want used after compromise and no new sources", r)
	}
	// A credential no log shows in use is not flagged.
	res = blast(t, s, keyB, Options{Since: since})
	if r := res.Get("arn:aws:s3:::unused"); r == nil || r.UsedAfter || r.Evidence != nil {
		t.Errorf("unused bucket = %+v, want reached without evidence", r)
	}
}

func TestPackageRange(t *testing.T) {
	tests := []struct {
		spec    string
		version string
		want    bool
	}{
		{"pkg:npm/x@1.2.3", "1.2.3", true},
		{"pkg:npm/x@1.2.3", "1.2.4", false},
		{"pkg:npm/x@^1.2.0", "1.9.0", true},
		{"pkg:npm/x@^1.2.0", "2.0.0", false},
		{"pkg:npm/x@>=1.0.0 <1.4.0", "1.3.9", true},
		{"pkg:npm/x@>=1.0.0 <1.4.0", "1.4.0", false},
		{"pkg:npm/x@1.2.x", "1.2.7", true},
		{"pkg:npm/x@<1.0.0 || >=2.0.0", "2.1.0", true},
		{"pkg:npm/x", "0.0.1", true},
		{"pkg:golang/example.com/m@>=1.2.0", "v1.3.0", true},
		{"pkg:githubactions/tj-actions/changed-files@v45", "v45", true},
		{"pkg:githubactions/tj-actions/changed-files@v45", "v44", false},
	}
	for _, tc := range tests {
		spec, err := ParsePackage(tc.spec)
		if err != nil {
			t.Fatalf("ParsePackage(%q): %v", tc.spec, err)
		}
		if got := spec.Matches(tc.version); got != tc.want {
			t.Errorf("%s matches %s = %v, want %v", tc.spec, tc.version, got, tc.want)
		}
	}
	spec, err := ParsePackage("pkg:npm/@example-org/text-wrapper@7.0.3")
	if err != nil || spec.Name != "pkg:npm/%40example-org/text-wrapper" || spec.Version != "7.0.3" {
		t.Errorf("scoped purl = %+v, %v; want name pkg:npm/%%40example-org/text-wrapper version 7.0.3", spec, err)
	}
	spec, err = ParsePackage("pkg:githubactions/example-org/shared@v1#.github/workflows/build.yml")
	if err != nil || spec.Name != "pkg:githubactions/example-org/shared" || spec.Version != "v1" || spec.Subpath != ".github/workflows/build.yml" {
		t.Errorf("purl with subpath = %+v, %v; want name, version v1 and the workflow subpath", spec, err)
	}
	spec, err = ParsePackage("pkg:githubactions/elgohr/Publish-Docker-Github-Action@v5")
	if err != nil || spec.Name != "pkg:githubactions/elgohr/publish-docker-github-action" {
		t.Errorf("mixed-case action = %+v, %v; want the lower-case name ingesters store", spec, err)
	}
	for _, bad := range []string{"pkg:npm/lodash@>=>=1", "pkg:npm/@", "pkg:"} {
		if _, err := ParsePackage(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParsePackage(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
	if _, err := ParsePackage("left-pad@1.3.0"); err == nil {
		t.Error("a name without pkg: was accepted")
	}
}

func TestCompositeActionDependency(t *testing.T) {
	// example-org/lint's action.yml uses setup@v1; a job runs lint@v2,
	// whose content the input does not show: the job is possibly reached.
	setup := "pkg:githubactions/example-vendor/setup@v1"
	lintName := "pkg:githubactions/example-org/lint"
	lintV2 := "pkg:githubactions/example-org/lint@v2"
	s := newG().
		edge(lintName, graph.EdgeDependsOn, setup, "possible").
		edge(lintV2, graph.EdgeVersionOf, lintName).
		edge(jobA, graph.EdgeExecutes, lintV2).
		edge(jobA, graph.EdgeExposes, keyA).
		store(t)
	res := blast(t, s, setup, Options{})
	r := res.Get(keyA)
	if r == nil || r.Confidence != graph.Possible {
		t.Fatalf("secret = %+v, want possibly reached through the composite action", r)
	}
	// A start at a version never walks up to its name and back down to
	// other versions.
	s2 := newG().
		edge("pkg:npm/x@2.0.0", graph.EdgeVersionOf, "pkg:npm/x").
		edge("pkg:npm/x@1.0.0", graph.EdgeVersionOf, "pkg:npm/x").
		edge(jobB, graph.EdgeExecutes, "pkg:npm/x@2.0.0").
		node("pkg:npm/x@1.0.0").
		store(t)
	if res := blast(t, s2, "pkg:npm/x@1.0.0", Options{}); len(res.Reached) != 0 {
		t.Errorf("version 1.0.0 reached %v, want nothing", reachedIDs(res))
	}
}

// A GitLab token is an identity too. A principal that may only read the
// definition of a project access token (CAN_ACCESS without an escalation
// method) does not act as it. So it does not reach the project the token
// can push to.
func TestGitLabIdentityNotActedAs(t *testing.T) {
	reader := "arn:aws:iam::111122223333:user/auditor"
	bot := "gitlab:pat:release-bot"
	project := "repo:gitlab.com/grp/app"
	s := newG().
		edge(reader, graph.EdgeCanAccess, bot).
		edge(bot, graph.EdgeCanModify, project).
		store(t)
	res := blast(t, s, reader, Options{})
	if diff := cmp.Diff(reachedIDs(res), []string{bot}); diff != "" {
		t.Errorf("reached from %s (-got +want):\n%s", reader, diff)
	}
}

func TestIdentityAsResourceNotActedAs(t *testing.T) {
	// The user may read the role's definition (CAN_ACCESS, iam:GetRole),
	// and a second user may pass it to an instance (CAN_ASSUME). Only the
	// second acts as the role and reaches its bucket.
	reader := "arn:aws:iam::111122223333:user/auditor"
	s := newG().
		edge(reader, graph.EdgeCanAccess, role, "actions=iam:GetRole").
		edge(user, graph.EdgeCanAccess, role, "actions=iam:PassRole").
		edge(user, graph.EdgeCanAssume, role, "possible", "method=PassRoleToEC2").
		edge(role, graph.EdgeCanAccess, bkt).
		store(t)

	res := blast(t, s, reader, Options{})
	if diff := cmp.Diff(reachedIDs(res), []string{role}); diff != "" {
		t.Errorf("reached from %s (-got +want):\n%s", reader, diff)
	}
	if !res.Get(role).Inspected {
		t.Errorf("role reached from %s: inspected false, want true", reader)
	}

	res = blast(t, s, user, Options{})
	if diff := cmp.Diff(reachedIDs(res), []string{role, bkt}); diff != "" {
		t.Errorf("reached from %s (-got +want):\n%s", user, diff)
	}
	var kinds []graph.EdgeKind
	for _, h := range res.Get(role).Path {
		kinds = append(kinds, h.Kind)
	}
	if diff := cmp.Diff(kinds, []graph.EdgeKind{graph.EdgeCanAssume}); diff != "" {
		t.Errorf("path to the role (-got +want):\n%s", diff)
	}
	if res.Get(role).Inspected {
		t.Errorf("role reached from %s: inspected true, want false", user)
	}
	if got := res.Get(bkt).Confidence; got != graph.Possible {
		t.Errorf("bucket confidence %s, want possible", got)
	}
}

func TestEscalationAccessToIdentityWalked(t *testing.T) {
	// A CAN_ACCESS edge of an escalation method makes the caller the
	// identity's master: the walk goes on.
	s := newG().
		edge(user, graph.EdgeCanAccess, role, "method=PutRolePolicy").
		edge(role, graph.EdgeCanAccess, bkt).
		store(t)
	if diff := cmp.Diff(reachedIDs(blast(t, s, user, Options{})), []string{role, bkt}); diff != "" {
		t.Errorf("reached (-got +want):\n%s", diff)
	}
}

// blastOn walks from start through r, which reads s: the store itself
// walks by rows, and generic{s} through graph.Reader alone.
func blastOn(t *testing.T, r graph.Reader, s graph.Store, start string) *Result {
	t.Helper()
	ns, err := s.Nodes(context.Background(), []string{start})
	if err != nil {
		t.Fatal(err)
	}
	res, err := BlastRadius(context.Background(), r, ns, start, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGrantToHeldIdentity(t *testing.T) {
	// The start user reaches the grantor role in two steps. The role can
	// make the start user an administrator (holder held from the start),
	// and another user too (never held). A second grant, to a user the
	// walk holds only later and only possibly, counts once it is held,
	// and only as possible.
	const (
		grantor = "arn:aws:iam::111122223333:role/grantor"
		other   = "arn:aws:iam::111122223333:user/other"
		late    = "arn:aws:iam::111122223333:user/late"
		admin   = "aws:administrator:111122223333"
		flag    = "arn:aws:secretsmanager:us-east-1:111122223333:secret:flag"
	)
	mine, others, lates := user+"#administrator", other+"#administrator", late+"#administrator"
	s := newG().
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAssume, grantor).
		edge(grantor, graph.EdgeCanGrant, mine, "holder="+user, "reason=attaches AdministratorAccess").
		edge(grantor, graph.EdgeCanGrant, others, "holder="+other).
		edge(grantor, graph.EdgeCanGrant, lates, "holder="+late).
		edge(mine, graph.EdgeCanAssume, admin).
		edge(others, graph.EdgeCanAssume, admin).
		edge(lates, graph.EdgeCanAssume, admin).
		edge(admin, graph.EdgeCanReadSecret, flag).
		edge(grantor, graph.EdgeCanAccess, bkt).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		res := blastOn(t, r, s, user)
		want := []string{role, grantor, mine, admin, flag, bkt}
		sort.Strings(want)
		if diff := cmp.Diff(reachedIDs(res), want); diff != "" {
			t.Errorf("%T: reached (-got +want):\n%s", r, diff)
		}
		if x := res.Get(flag); x == nil || x.Depth != 5 || x.Confidence != graph.Certain {
			t.Errorf("%T: flag reached as %+v, want depth 5, certain", r, x)
		} else if x.Path[2].Kind != graph.EdgeCanGrant || x.Path[2].From != grantor || x.Path[2].Reason != "attaches AdministratorAccess" {
			t.Errorf("%T: flag's third hop is %+v, want the grant", r, x.Path[2])
		}
	}

	// The holder is reached after the grant was met: at depth 3 through a
	// possible edge, while the grant edge came up at depth 2.
	s = newG().
		edge(user, graph.EdgeCanAssume, grantor).
		edge(grantor, graph.EdgeCanGrant, lates, "holder="+late).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAssume, "arn:aws:iam::111122223333:role/mid").
		edge("arn:aws:iam::111122223333:role/mid", graph.EdgeCanMint, "secret:aws:key/late", "possible").
		edge("secret:aws:key/late", graph.EdgeAuthenticatesAs, late).
		edge(lates, graph.EdgeCanAssume, admin).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		res := blastOn(t, r, s, user)
		x := res.Get(lates)
		if x == nil || x.Depth != 4 || x.Confidence != graph.Possible {
			t.Fatalf("%T: grant node reached as %+v, want depth 4 (when its holder is), possible", r, x)
		}
		if a := res.Get(admin); a == nil || a.Depth != 5 {
			t.Errorf("%T: administrator reached as %+v, want depth 5", r, a)
		}
	}
}

func TestGrantFollowsHolderUpgrade(t *testing.T) {
	// The walk first holds the holder only possibly (a possible CAN_ASSUME
	// at depth 1) and takes the grant at depth 2 as possible. At depth 3 a
	// minted key makes it hold the holder for certain. The grantor is
	// certain too, so the grant, and the administrator behind it, become
	// certain.
	const (
		grantor = "arn:aws:iam::111122223333:role/grantor"
		late    = "arn:aws:iam::111122223333:user/late"
		admin   = "aws:administrator:111122223333"
		key     = "secret:aws:key/late"
	)
	lates := late + "#administrator"
	s := newG().
		edge(user, graph.EdgeCanAssume, late, "possible").
		edge(user, graph.EdgeCanAssume, grantor).
		edge(grantor, graph.EdgeCanGrant, lates, "holder="+late).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanMint, key).
		edge(key, graph.EdgeAuthenticatesAs, late).
		edge(lates, graph.EdgeCanAssume, admin).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		res := blastOn(t, r, s, user)
		if x := res.Get(late); x == nil || x.Confidence != graph.Certain {
			t.Fatalf("%T: holder reached as %+v, want certain", r, x)
		}
		for _, id := range []string{lates, admin} {
			if x := res.Get(id); x == nil || x.Confidence != graph.Certain {
				t.Errorf("%T: %s reached as %+v, want certain", r, id, x)
			}
		}
	}
}

func TestPublishedNameReachesLockersPossibly(t *testing.T) {
	// Job a reads a token that publishes lib (npm) and image app (docker).
	// Job b locks lib@1.0.0 and runs app:1. npm never replaces a published
	// version, so job b runs the attacker's lib only once it resolves lib
	// anew: possible. A pushed tag replaces app:1 at once: certain.
	const (
		token   = "secret:gha:o/a/TOKEN"
		account = "github:registry-account-test"
		lib     = "pkg:npm/lib"
		libV    = "pkg:npm/lib@1.0.0"
		app     = "pkg:docker/app"
		appV    = "pkg:docker/app@1"
		jobB    = "runtime:gha:o/b/ci.yml#test"
		jobC    = "runtime:gha:o/c/ci.yml#run"
	)
	s := newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, lib).
		edge(account, graph.EdgeCanPublish, app).
		edge(libV, graph.EdgeVersionOf, lib).
		edge(appV, graph.EdgeVersionOf, app).
		edge(jobB, graph.EdgeExecutes, libV).
		edge(jobC, graph.EdgeExecutes, appV).
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, bad, Options{})
		for id, want := range map[string]graph.Confidence{lib: graph.Certain, libV: graph.Possible, jobB: graph.Possible, app: graph.Certain, jobC: graph.Certain} {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != want {
				t.Errorf("%T: %s reached %s, want %s", st, id, x.Confidence, want)
			}
		}
		if x := res.Get(libV); x != nil {
			last := x.Path[len(x.Path)-1]
			if last.Confidence != graph.Possible || !strings.Contains(last.Reason, "never replaces a published version") {
				t.Errorf("%T: last hop to %s is %s, %q; want possible, saying why", st, libV, last.Confidence, last.Reason)
			}
		}
	}
}

func TestPublishedImageReachesDigestPinsPossibly(t *testing.T) {
	// The token can push image app. Job b runs app:1, job c runs app by
	// its digest. A push moves tag 1 to the attacker's image, but a digest
	// names one image's content, which no push changes: job c runs the
	// attacker's image only once its digest is replaced.
	const (
		token   = "secret:gha:o/a/TOKEN"
		account = "github:registry-account-test"
		app     = "pkg:docker/app?repository_url=us-docker.pkg.dev"
		appTag  = "pkg:docker/app@1?repository_url=us-docker.pkg.dev"
		appDig  = "pkg:docker/app@sha256:4b9c1a4a1e5d7e9b3d3d6f8c6a3e0c2b7d9e1f0a2b3c4d5e6f708192a3b4c5d6?repository_url=us-docker.pkg.dev"
		jobB    = "runtime:gha:o/b/ci.yml#tag"
		jobC    = "runtime:gha:o/c/ci.yml#digest"
	)
	s := newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, app).
		edge(appTag, graph.EdgeVersionOf, app).
		edge(appDig, graph.EdgeVersionOf, app).
		edge(jobB, graph.EdgeExecutes, appTag).
		edge(jobC, graph.EdgeExecutes, appDig).
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, bad, Options{})
		for id, want := range map[string]graph.Confidence{app: graph.Certain, appTag: graph.Certain, jobB: graph.Certain, appDig: graph.Possible, jobC: graph.Possible} {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != want {
				t.Errorf("%T: %s reached %s, want %s", st, id, x.Confidence, want)
			}
		}
		if x := res.Get(appDig); x != nil {
			last := x.Path[len(x.Path)-1]
			if last.Confidence != graph.Possible || !strings.Contains(last.Reason, "digest") {
				t.Errorf("%T: last hop to %s is %s, %q; want possible, saying why", st, appDig, last.Confidence, last.Reason)
			}
		}
	}
}

func TestUsedByNamesTheCaller(t *testing.T) {
	// The bucket is reached through the role, but the logs show only the
	// user calling it: its use names the user, not the role on the path.
	e := &graph.Evidence{}
	e.Add(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "s3:PutObject", "198.51.100.1", "cli", "AKIAEXAMPLE00000001", false, graph.Pos{})
	b := newG().
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(jobA, graph.EdgeExposes, keyB).
		edge(keyB, graph.EdgeAuthenticatesAs, role).
		edge(role, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[len(b.edges)-1].Evidence = e
	res := blast(t, b.store(t), jobA, Options{})
	r := res.Get(bkt)
	if r == nil || r.Evidence == nil {
		t.Fatalf("bucket = %+v, want reached with the user's calls", r)
	}
	if !cmp.Equal(r.UsedBy, []string{user}) {
		t.Errorf("bucket used by %v, want [%s]", r.UsedBy, user)
	}
	if u := res.Get(user); u == nil || len(u.UsedBy) != 0 {
		t.Errorf("user = %+v, want its own calls with no other caller", u)
	}
}

// TestMarkDeadEnds: of three credentials a job exposes, one acts as a
// user and one holds another credential. Only the third, and the held
// credential, which lead nowhere, are dead ends.
func TestMarkDeadEnds(t *testing.T) {
	s := newG().
		edge("runtime:job", graph.EdgeExecutes, "pkg:npm/x@1.0.0").
		edge("runtime:job", graph.EdgeExposes, "secret:key").
		edge("runtime:job", graph.EdgeExposes, "secret:vault").
		edge("runtime:job", graph.EdgeExposes, "secret:hand-set").
		edge("secret:key", graph.EdgeAuthenticatesAs, "arn:aws:iam::1:user/u").
		edge("secret:vault", graph.EdgeHolds, "secret:held").
		store(t)
	res := blast(t, s, "pkg:npm/x@1.0.0", Options{})
	n, err := MarkDeadEnds(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	var dead []string
	for _, r := range res.Reached {
		if r.DeadEnd {
			dead = append(dead, r.Node.ID)
		}
	}
	sort.Strings(dead)
	// held is reached through vault and leads nowhere either.
	if diff := cmp.Diff([]string{"secret:hand-set", "secret:held"}, dead); diff != "" {
		t.Errorf("dead ends (-want +got):\n%s", diff)
	}
	if n != 2 {
		t.Errorf("MarkDeadEnds counted %d, want 2", n)
	}
}

// The user's calls mix two access keys: the old key, last used before
// the compromise, and the new key, used after it from a new address. The
// old key shows its own last use, so it is not flagged, while its user is.
func TestKeyUseOfOneOfTwoKeys(t *testing.T) {
	before := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	since := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	const oldKey = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/old"
	ev := &graph.Evidence{}
	ev.Add(before, "s3:GetObject", "198.51.100.1", "cli", "AKIAEXAMPLEOLDKEY001", false, graph.Pos{})
	ev.Add(after, "s3:GetObject", "203.0.113.9", "cli", "AKIAEXAMPLENEWKEY002", false, graph.Pos{})
	b := newG().
		node(oldKey, "type", "access-key", "key_id", "AKIAEXAMPLEOLDKEY001").
		edge(oldKey, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[2].Evidence = ev
	res := blast(t, b.store(t), oldKey, Options{Since: since})
	k := res.Get(oldKey)
	if k == nil || k.Evidence == nil {
		t.Fatalf("old key = %+v, want it with the user's evidence", k)
	}
	if k.UsedAfter || len(k.NewSources) != 0 {
		t.Errorf("old key: usedAfter=%v newSources=%v, want neither: its last call was before the compromise", k.UsedAfter, k.NewSources)
	}
	if !k.Evidence.Last.Equal(before) || k.Evidence.Count != 1 {
		t.Errorf("old key evidence: last %v, count %d; want its own call at %v, 1", k.Evidence.Last, k.Evidence.Count, before)
	}
	// The new key's address is not the old key's.
	if len(k.Evidence.Addrs) != 1 || k.Evidence.Addrs[0].Value != "198.51.100.1" {
		t.Errorf("old key addresses = %+v, want only its own 198.51.100.1", k.Evidence.Addrs)
	}
	if u := res.Get(user); u == nil || !u.UsedAfter || !cmp.Equal(u.NewSources, []string{"203.0.113.9"}) {
		t.Errorf("user = %+v, want used after the compromise from 203.0.113.9", u)
	}
}

// The old key called from 16 runner addresses before the compromise, the
// most a key's own list keeps, and from 203.0.113.66 after it. That
// address was never seen before the compromise, so the key lists it as a
// new source though its own list had no room for it.
func TestKeyUseAddressPastItsCap(t *testing.T) {
	since := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	const oldKey = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/old"
	ev := &graph.Evidence{}
	for i := range 16 {
		ev.Add(since.Add(-time.Duration(i+1)*time.Hour), "s3:GetObject", fmt.Sprintf("192.0.2.%d", 10+i), "cli", "AKIAEXAMPLEOLDKEY001", false, graph.Pos{})
	}
	ev.Add(since.Add(-time.Hour), "s3:GetObject", "198.51.100.1", "cli", "AKIAEXAMPLENEWKEY002", false, graph.Pos{})
	ev.Add(after, "s3:GetObject", "203.0.113.66", "cli", "AKIAEXAMPLEOLDKEY001", false, graph.Pos{})
	b := newG().
		node(oldKey, "type", "access-key", "key_id", "AKIAEXAMPLEOLDKEY001").
		edge(oldKey, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[2].Evidence = ev
	res := blast(t, b.store(t), oldKey, Options{Since: since})
	k := res.Get(oldKey)
	if k == nil || !k.UsedAfter || !cmp.Equal(k.NewSources, []string{"203.0.113.66"}) {
		t.Errorf("old key = %+v, want used after the compromise from 203.0.113.66", k)
	}
}

// CloudTrail records each access key of a user with the calls it signed
// on the key's own edge to the user, and those name no action. The
// user's evidence keeps the key's own actions, so the key shows the
// s3:GetObject it called and not the s3:DeleteObject of the user's other
// key.
func TestKeyUseLoggedKeyActions(t *testing.T) {
	since := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	const key = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/AKIAEXAMPLEOLDKEY001"
	keyEv := &graph.Evidence{}
	keyEv.Add(after, "", "203.0.113.66", "cli", "AKIAEXAMPLEOLDKEY001", false, graph.Pos{File: "ct.json", Line: 1})
	ev := &graph.Evidence{}
	ev.Add(after, "s3:GetObject", "203.0.113.66", "cli", "AKIAEXAMPLEOLDKEY001", false, graph.Pos{File: "ct.json", Line: 1})
	ev.Add(after, "s3:DeleteObject", "198.51.100.1", "cli", "AKIAEXAMPLENEWKEY002", false, graph.Pos{File: "ct.json", Line: 2})
	b := newG().
		node(key, "type", "access-key", "key_id", "AKIAEXAMPLEOLDKEY001").
		edge(key, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[0].Evidence = keyEv
	b.edges[2].Evidence = ev
	res := blast(t, b.store(t), key, Options{Since: since})
	k := res.Get(key)
	if k == nil || k.Evidence == nil || !cmp.Equal(k.Evidence.Actions, []string{"s3:GetObject"}) {
		t.Errorf("key = %+v, want its evidence to list its own s3:GetObject", k)
	}
}

// The user's calls name graph.MaxSeen session keys before the compromise,
// so the evidence keeps no further key id, and then the declared key
// calls after it. The key is not among the kept ids, yet its calls may be
// among the user's, so it shows the user's use after the compromise.
func TestKeyUseBeyondKeptKeys(t *testing.T) {
	since := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	const key = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/main"
	ev := &graph.Evidence{}
	for i := range graph.MaxSeen {
		ev.Add(since.Add(-time.Duration(i+1)*time.Hour), "s3:GetObject", "198.51.100.1", "cli", fmt.Sprintf("ASIAEXAMPLESESS%05d", i), false, graph.Pos{})
	}
	ev.Add(after, "s3:GetObject", "203.0.113.9", "cli", "AKIAEXAMPLEMAINKEY01", false, graph.Pos{})
	b := newG().
		node(key, "type", "access-key", "key_id", "AKIAEXAMPLEMAINKEY01").
		edge(key, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[2].Evidence = ev
	res := blast(t, b.store(t), key, Options{Since: since})
	k := res.Get(key)
	if k == nil || k.Evidence == nil {
		t.Fatalf("key = %+v, want it with the user's evidence", k)
	}
	if !k.UsedAfter {
		t.Errorf("key: usedAfter=false, want true: the user's calls after the compromise may be the key's")
	}
}

// Calls after the compromise that were all denied are no use of the
// credential: the bucket is not flagged, though the calls are in its
// evidence.
func TestDeniedCallsAfterCompromise(t *testing.T) {
	before := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	after := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	ev := &graph.Evidence{}
	ev.Add(before, "s3:GetObject", "198.51.100.1", "cli", "", false, graph.Pos{})
	ev.Add(after, "s3:GetObject", "203.0.113.9", "cli", "", true, graph.Pos{})
	b := newG().
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, bkt).
		edge(user, graph.EdgeObserved, bkt)
	b.edges[2].Evidence = ev
	res := blast(t, b.store(t), keyA, Options{Since: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)})
	if r := res.Get(bkt); r == nil || r.UsedAfter || len(r.NewSources) != 0 {
		t.Errorf("bucket = %+v, want not used after the compromise: its later call was denied", r)
	}
}
