package query

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/advisory"
)

// advisoryGraph holds two installed versions of text-wrapper (one under an
// npm alias folder, as its paths attribute shows) and one of a PyPI
// package, each run by a job.
func advisoryGraph(t *testing.T) graph.Store {
	t.Helper()
	b := newG().
		node("pkg:npm/text-wrapper@7.0.3", "version", "7.0.3", "paths", "node_modules/text-wrapper-legacy").
		node("pkg:npm/text-wrapper@9.1.2", "version", "9.1.2").
		node("pkg:pypi/zope-interface@5.0", "version", "5.0").
		edge("pkg:npm/text-wrapper@7.0.3", graph.EdgeVersionOf, "pkg:npm/text-wrapper").
		edge("pkg:npm/text-wrapper@9.1.2", graph.EdgeVersionOf, "pkg:npm/text-wrapper").
		edge("pkg:pypi/zope-interface@5.0", graph.EdgeVersionOf, "pkg:pypi/zope-interface").
		edge("runtime:gha:example-org/app/.github/workflows/ci.yml#build", graph.EdgeExecutes, "pkg:npm/text-wrapper@7.0.3").
		edge("runtime:gha:example-org/app/.github/workflows/ci.yml#test", graph.EdgeExecutes, "pkg:npm/text-wrapper@9.1.2")
	return b.store(t)
}

func osv(t *testing.T, doc string) *advisory.Advisory {
	t.Helper()
	a, _, err := advisory.Parse("test.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestResolveAdvisories(t *testing.T) {
	s := advisoryGraph(t)
	exact := osv(t, `{"id": "EXAMPLE-MAL-1", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"}, "versions": ["7.0.3"]}]}`)
	ranged := osv(t, `{"id": "EXAMPLE-2", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"},
		"ranges": [{"type": "SEMVER", "events": [{"introduced": "9.0.0"}, {"fixed": "9.1.3"}]}]}]}`)
	alias := osv(t, `{"id": "EXAMPLE-MAL-3", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper-legacy"}, "versions": ["7.0.3"]}]}`)
	withdrawn := osv(t, `{"id": "EXAMPLE-4", "withdrawn": "2026-10-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"}, "versions": ["7.0.3"]}]}`)
	both := osv(t, `{"id": "EXAMPLE-5", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "7.0.3"}]}]}]}`)
	pypi := osv(t, `{"id": "EXAMPLE-6", "affected": [{"package": {"ecosystem": "PyPI", "name": "Zope_Interface"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "4.0"}, {"fixed": "5.0.1"}]}]}]}`)

	tests := []struct {
		name      string
		advs      []*advisory.Advisory
		want      map[string]string // start id -> advisories attribute
		unmatched []string
		noMatch   bool
	}{
		{"exact version", []*advisory.Advisory{exact}, map[string]string{"pkg:npm/text-wrapper@7.0.3": "EXAMPLE-MAL-1"}, nil, false},
		{"range", []*advisory.Advisory{ranged}, map[string]string{"pkg:npm/text-wrapper@9.1.2": "EXAMPLE-2"}, nil, false},
		{"alias folder is no package name", []*advisory.Advisory{alias}, nil, nil, true},
		{"withdrawn", []*advisory.Advisory{withdrawn}, nil, nil, true},
		{"one of two matches", []*advisory.Advisory{alias, exact}, map[string]string{"pkg:npm/text-wrapper@7.0.3": "EXAMPLE-MAL-1"}, []string{"EXAMPLE-MAL-3"}, false},
		{"two on one version", []*advisory.Advisory{exact, both, ranged}, map[string]string{
			"pkg:npm/text-wrapper@7.0.3": "EXAMPLE-5,EXAMPLE-MAL-1",
			"pkg:npm/text-wrapper@9.1.2": "EXAMPLE-2",
		}, nil, false},
		{"pypi name normalised", []*advisory.Advisory{pypi}, map[string]string{"pkg:pypi/zope-interface@5.0": "EXAMPLE-6"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, unmatched, err := ResolveAdvisories(context.Background(), s, tt.advs)
			if tt.noMatch {
				if !errors.Is(err, ErrNoMatch) {
					t.Fatalf("error = %v, want ErrNoMatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, n := range ns {
				got[n.ID] = n.Attr(AttrAdvisories)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("starts (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(unmatched, tt.unmatched); diff != "" {
				t.Errorf("unmatched (-got +want):\n%s", diff)
			}
		})
	}
}

// TestRunAdvisoryLabel checks that the query names what each advisory
// matched, and that an advisory start reaches the job running the
// version it affects and not the job running another version.
func TestRunAdvisoryLabel(t *testing.T) {
	s := advisoryGraph(t)
	start := Start{
		Packages: []string{"pkg:npm/text-wrapper@7.0.3"},
		Advisories: []*advisory.Advisory{
			osv(t, `{"id": "EXAMPLE-MAL-3", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper-legacy"}, "versions": ["7.0.3"]}]}`),
			osv(t, `{"id": "EXAMPLE-MAL-1", "affected": [{"package": {"ecosystem": "npm", "name": "text-wrapper"}, "versions": ["7.0.3"]}]}`),
		},
	}
	res, err := Run(context.Background(), s, start, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "package pkg:npm/text-wrapper@7.0.3, advisory EXAMPLE-MAL-3 (matched nothing), advisory EXAMPLE-MAL-1 (matched pkg:npm/text-wrapper@7.0.3)"
	if res.Query != want {
		t.Errorf("query = %q, want %q", res.Query, want)
	}
	if len(res.Starts) != 1 || res.Starts[0].Attr(AttrAdvisories) != "EXAMPLE-MAL-1" {
		t.Errorf("starts = %+v, want one start marked EXAMPLE-MAL-1", res.Starts)
	}
	if res.Get("runtime:gha:example-org/app/.github/workflows/ci.yml#build") == nil {
		t.Error("job build, which runs 7.0.3, not reached")
	}
	if res.Get("runtime:gha:example-org/app/.github/workflows/ci.yml#test") != nil {
		t.Error("job test, which runs 9.1.2, reached")
	}
	// The store's node keeps its attributes: the mark is the query's own.
	ns, err := s.Nodes(context.Background(), []string{"pkg:npm/text-wrapper@7.0.3"})
	if err != nil {
		t.Fatal(err)
	}
	if ns[0].Attr(AttrAdvisories) != "" {
		t.Error("the advisory mark leaked into the store's node")
	}
}

func TestParsePackageNormalisesNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pkg:pypi/Zope.Interface@5.0", "pkg:pypi/zope-interface"},
		{"pkg:golang/github.com/Example-Org/Mod@v1.2.3", "pkg:golang/github.com/example-org/mod"},
		{"pkg:npm/%40example-org/text-wrapper@7.0.3", "pkg:npm/%40example-org/text-wrapper"},
		{"pkg:docker/example-org/ci-agent@1.4.2?repository_url=registry.example.org",
			"pkg:docker/example-org/ci-agent?repository_url=registry.example.org"},
		{"pkg:docker/example-org/ci-agent?repository_url=docker.io", "pkg:docker/example-org/ci-agent"},
		{"pkg:npm/left-pad@1.3.0?foo=bar", "pkg:npm/left-pad"},
	}
	for _, tt := range tests {
		got, err := ParsePackage(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != tt.want {
			t.Errorf("ParsePackage(%s).Name = %s, want %s", tt.in, got.Name, tt.want)
		}
	}
	got, err := ParsePackage("pkg:docker/example-org/ci-agent@1.4.2?repository_url=registry.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != "1.4.2" || got.Range != "" {
		t.Errorf("version %q range %q, want version 1.4.2", got.Version, got.Range)
	}
}

func TestResolveUnversionedPackage(t *testing.T) {
	const (
		agent   = "pkg:npm/%40example/agent"
		wrapper = "pkg:npm/text-wrapper"
	)
	s := newG().
		node(agent, "name", "@example/agent").
		node(wrapper, "name", "text-wrapper").
		node(wrapper+"@7.0.3", "version", "7.0.3").
		node(wrapper+"@9.1.2", "version", "9.1.2").
		edge(wrapper+"@7.0.3", graph.EdgeVersionOf, wrapper).
		edge(wrapper+"@9.1.2", graph.EdgeVersionOf, wrapper).
		edge("repo:example-org/app", graph.EdgeLocks, agent).
		store(t)
	tests := []struct {
		spec string
		want []string
	}{
		// Only a manifest without a lockfile names the package: its name
		// node is the start.
		{"pkg:npm/@example/agent", []string{agent}},
		{"pkg:npm/text-wrapper", []string{wrapper, wrapper + "@7.0.3", wrapper + "@9.1.2"}},
		{"pkg:npm/text-wrapper@^9.0.0", []string{wrapper + "@9.1.2"}},
		{"pkg:npm/text-wrapper@7.0.3", []string{wrapper + "@7.0.3"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := ParsePackage(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			ns, err := ResolvePackages(context.Background(), s, []PackageSpec{spec})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range ns {
				got = append(got, n.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("starts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveVersionInManifestRange(t *testing.T) {
	const (
		agent = "pkg:npm/%40example/agent"
		job   = "runtime:gha:example-org/app/.github/workflows/ci.yml#test"
	)
	s := newG().
		node(agent, "name", "@example/agent").
		edge("repo:example-org/app", graph.EdgeLocks, agent, "range=^2.1.0").
		edge("repo:example-org/site", graph.EdgeLocks, agent, "range=~2.1.4").
		edge(job, graph.EdgeExecutes, agent).
		store(t)
	tests := []struct {
		spec      string
		wantRange string // "" when nothing matches
	}{
		{"pkg:npm/@example/agent@2.3.0", "^2.1.0"},
		{"pkg:npm/@example/agent@2.1.5", "^2.1.0,~2.1.4"},
		{"pkg:npm/@example/agent@2.0.9", ""},
		{"pkg:npm/@example/agent@3.0.0", ""},
		// Ranges: 2.4.0 lies in ^2.1.0 only; 2.1.4 in both; everything
		// below 2.1.0, or from 3.0.0 on, in neither. ">2.1.3 <2.1.5"
		// shares only 2.1.4 with ~2.1.4 and with ^2.1.0.
		{"pkg:npm/@example/agent@>=2.4.0 <2.5.0", "^2.1.0"},
		{"pkg:npm/@example/agent@>2.1.3 <2.1.5", "^2.1.0,~2.1.4"},
		{"pkg:npm/@example/agent@<2.1.0", ""},
		{"pkg:npm/@example/agent@>=3.0.0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			res, err := Run(context.Background(), s, Start{Packages: []string{tt.spec}}, Options{})
			if tt.wantRange == "" {
				if !errors.Is(err, ErrNoMatch) {
					t.Fatalf("Run error = %v, want ErrNoMatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Starts) != 1 || res.Starts[0].ID != agent {
				t.Fatalf("starts = %v, want the name node %s", res.Starts, agent)
			}
			if got := res.Starts[0].Attr(AttrRangeMatch); got != tt.wantRange {
				t.Errorf("%s = %q, want %q", AttrRangeMatch, got, tt.wantRange)
			}
			for _, r := range res.Reached {
				if r.Node.ID == job && r.Confidence != graph.Possible {
					t.Errorf("job reached as %s, want possible", r.Confidence)
				}
			}
			if !slices.Contains(reachedIDs(res), job) {
				t.Errorf("job %s not reached", job)
			}
		})
	}
}

func TestResolveAdvisoryInManifestRange(t *testing.T) {
	const agent = "pkg:npm/%40example/agent"
	s := newG().
		node(agent, "name", "@example/agent").
		edge("repo:example-org/app", graph.EdgeLocks, agent, "range=^2.1.0").
		store(t)
	tests := []struct {
		name      string
		record    string
		wantRange string // "" when nothing matches
	}{
		{"listed version in range",
			`{"id": "EXAMPLE-MAL-7", "affected": [{"package": {"ecosystem": "npm", "name": "@example/agent"}, "versions": ["1.0.0", "2.4.1"]}]}`,
			"^2.1.0"},
		{"listed versions out of range",
			`{"id": "EXAMPLE-MAL-8", "affected": [{"package": {"ecosystem": "npm", "name": "@example/agent"}, "versions": ["3.0.0"]}]}`,
			""},
		// 2.5.0 up to 2.5.2 lie in ^2.1.0; 1.0.0 up to 2.1.0 (fixed) do not.
		{"range overlaps",
			`{"id": "EXAMPLE-MAL-9", "affected": [{"package": {"ecosystem": "npm", "name": "@example/agent"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.5.0"}, {"fixed": "2.5.3"}]}]}]}`,
			"^2.1.0"},
		{"range below",
			`{"id": "EXAMPLE-MAL-10", "affected": [{"package": {"ecosystem": "npm", "name": "@example/agent"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "2.1.0"}]}]}]}`,
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, _, err := ResolveAdvisories(context.Background(), s, []*advisory.Advisory{osv(t, tt.record)})
			if tt.wantRange == "" {
				if !errors.Is(err, ErrNoMatch) {
					t.Fatalf("ResolveAdvisories error = %v, want ErrNoMatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 1 || ns[0].ID != agent {
				t.Fatalf("starts = %v, want the name node %s", ns, agent)
			}
			if got := ns[0].Attr(AttrRangeMatch); got != tt.wantRange {
				t.Errorf("%s = %q, want %q", AttrRangeMatch, got, tt.wantRange)
			}
		})
	}
}

func TestResolvePartialNameSuggests(t *testing.T) {
	const (
		bilbo  = "arn:aws:iam::111122223333:user/cg-bilbo-x1"
		frodo  = "arn:aws:iam::111122223333:user/frodo"
		bucket = "arn:aws:s3:::bilbo-data"
	)
	s := newG().
		node(bilbo).
		node(frodo).
		node(bucket).
		store(t)

	_, err := ResolveNodes(context.Background(), s, graph.NodeIdentity, []string{"BILBO"})
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("error %v, want ErrNoMatch", err)
	}
	// The bucket is no identity, and frodo does not contain the name.
	want := `no node matches "BILBO" among Identity nodes; names that contain it: "` + bilbo + `"`
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}

	_, err = ResolveNodes(context.Background(), s, graph.NodeIdentity, []string{"gandalf"})
	if err == nil {
		t.Fatal("an unknown name resolved")
	}
	if !strings.Contains(err.Error(), "list candidates with `blastradius nodes --kind Identity`") {
		t.Errorf("error %v, want a pointer to the node list", err)
	}
}

func TestNoMatchNamesThePackage(t *testing.T) {
	s := newG().edge(jobA, graph.EdgeExecutes, bad).store(t)
	_, err := Run(context.Background(), s, Start{Packages: []string{"pkg:npm/left-pad@1.3.0"}}, Options{})
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "pkg:npm/left-pad@1.3.0") {
		t.Errorf("error = %v, want ErrNoMatch naming pkg:npm/left-pad@1.3.0", err)
	}
}

func TestNoMatchSuggestsWhatTheGraphHolds(t *testing.T) {
	// The graph pins @acme/evil at 1.0.3 and 1.0.5. A query for another
	// version lists those. A query that leaves out the scope finds the
	// scoped name, and one for an unknown name keeps the node list hint.
	const name = "pkg:npm/%40acme/evil"
	s := newG().
		node(name, "ecosystem", "npm").
		edge(name+"@1.0.3", graph.EdgeVersionOf, name).
		edge(name+"@1.0.5", graph.EdgeVersionOf, name).
		edge(jobA, graph.EdgeExecutes, name+"@1.0.3").
		store(t)
	tests := map[string]string{
		"pkg:npm/@acme/evil@1.0.4":    "matching pkg:npm/@acme/evil@1.0.4; the graph holds pkg:npm/@acme/evil@1.0.3, pkg:npm/@acme/evil@1.0.5",
		"pkg:npm/acme/evil@1.0.3":     "matching pkg:npm/acme/evil@1.0.3; the graph holds pkg:npm/@acme/evil",
		"pkg:npm/no-such-thing@1.0.0": "lists the packages read",
	}
	for pkg, want := range tests {
		_, err := Run(context.Background(), s, Start{Packages: []string{pkg}}, Options{})
		if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), want) {
			t.Errorf("query %s: error = %v, want ErrNoMatch with %q", pkg, err, want)
		}
	}
}

func TestNoMatchNamesThePurlType(t *testing.T) {
	// crates.io packages are pkg:cargo and GitHub Actions
	// pkg:githubactions in the purl specification; other names for the
	// type point there.
	s := newG().edge(jobA, graph.EdgeExecutes, bad).store(t)
	tests := map[string]string{
		"pkg:crates/serde@1.0.200":        "the purl type of crates.io packages is cargo (pkg:cargo/...)",
		"pkg:github/actions/checkout@v4":  "the purl type of GitHub Actions is githubactions (pkg:githubactions/...)",
		"pkg:rubygems/rails@7.1.0":        "the purl type of RubyGems is gem (pkg:gem/...)",
		"pkg:java/com.example/widget@1.0": "the purl type of Maven packages is maven (pkg:maven/...)",
		"pkg:dotnet/Example.Widget@1.0.0": "the purl type of NuGet packages is nuget (pkg:nuget/...)",
	}
	for pkg, want := range tests {
		_, err := Run(context.Background(), s, Start{Packages: []string{pkg}}, Options{})
		if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), want) {
			t.Errorf("query %s: error = %v, want ErrNoMatch with %q", pkg, err, want)
		}
	}
}

func TestNoMatchPointsAtComputedVersions(t *testing.T) {
	// A runtime runs the name itself, with no version and without
	// pinned=computed. A query for one version finds no node, and its
	// error reports that a runtime runs the name at a version the input
	// does not show.
	const name = "pkg:docker/p/app?repository_url=gcr.io"
	s := newG().
		node(name, "ecosystem", "docker").
		edge(jobA, graph.EdgeExecutes, name).
		store(t)
	_, err := Run(context.Background(), s, Start{Packages: []string{"pkg:docker/p/app@1.2?repository_url=gcr.io"}}, Options{})
	want := "1 runtime runs pkg:docker/p/app?repository_url=gcr.io at a version the input does not show"
	if !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want ErrNoMatch with %q", err, want)
	}
}

func TestNoMatchComputedVersionsOncePerName(t *testing.T) {
	// Two versions of one image name the same runtimes, so the error names
	// them once.
	const name = "pkg:docker/p/app?repository_url=gcr.io"
	s := newG().
		node(name, "ecosystem", "docker").
		edge(jobA, graph.EdgeExecutes, name).
		store(t)
	_, err := Run(context.Background(), s, Start{Packages: []string{
		"pkg:docker/p/app@1.2?repository_url=gcr.io", "pkg:docker/p/app@1.3?repository_url=gcr.io",
	}}, Options{})
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("error = %v, want ErrNoMatch", err)
	}
	want := "1 runtime runs pkg:docker/p/app?repository_url=gcr.io"
	if got := strings.Count(err.Error(), want); got != 1 {
		t.Errorf("error %q names the runtimes %d times, want once", err, got)
	}
}

func TestVersionQueryReachesComputedVersions(t *testing.T) {
	// Runtime jobA runs image app at a tag a variable sets; jobB runs the
	// pinned tag 1.0. A query for tag 1.2 reaches jobA possibly, and its
	// secret, but not jobB, which runs another tag. A query for 1.0
	// reaches jobB for certain and jobA possibly. Both walks agree.
	const (
		name   = "pkg:docker/p/app?repository_url=gcr.io"
		v10    = "pkg:docker/p/app@1.0?repository_url=gcr.io"
		secret = "secret:gha:example-org/a/TOKEN"
	)
	s := newG().
		node(name, "ecosystem", "docker").
		node(v10, "ecosystem", "docker", "version", "1.0").
		edge(v10, graph.EdgeVersionOf, name).
		edge(jobA, graph.EdgeExecutes, name, "possible", "pinned=computed").
		edge(jobB, graph.EdgeExecutes, v10).
		edge(jobA, graph.EdgeExposes, secret).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		for _, tt := range []struct {
			spec string
			want map[string]graph.Confidence
		}{
			{"pkg:docker/p/app@1.2?repository_url=gcr.io", map[string]graph.Confidence{jobA: graph.Possible, secret: graph.Possible}},
			{"pkg:docker/p/app@1.0?repository_url=gcr.io", map[string]graph.Confidence{jobA: graph.Possible, secret: graph.Possible, jobB: graph.Certain}},
		} {
			res, err := Run(context.Background(), r, Start{Packages: []string{tt.spec}}, Options{})
			if err != nil {
				t.Fatalf("%s: %v", tt.spec, err)
			}
			got := map[string]graph.Confidence{}
			for _, x := range res.Reached {
				got[x.Node.ID] = x.Confidence
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (%T): reached (-want +got):\n%s", tt.spec, r, diff)
			}
		}
	}
}

func TestComputedStartReachedAgainWalksEveryVersion(t *testing.T) {
	// jobA runs image app at a tag a variable sets, jobB runs app:1.0 and
	// jobC app:2.0. jobB's token can push app. A query for 1.0 starts at
	// app:1.0 and at app, left only to jobA. The push reaches app again:
	// from there the attacker moves tag 2.0, so jobC is reached as surely
	// as the push, as it was when app was no start, and the walk keeps
	// the edge from app:2.0 to app.
	const (
		name    = "pkg:docker/p/app?repository_url=gcr.io"
		v10     = "pkg:docker/p/app@1.0?repository_url=gcr.io"
		v20     = "pkg:docker/p/app@2.0?repository_url=gcr.io"
		token   = "secret:gha:o/b/TOKEN"
		account = "github:registry-account-test"
		jobC    = "runtime:gha:o/c/ci.yml#run"
	)
	for _, push := range []graph.Confidence{graph.Possible, graph.Certain} {
		s := newG().
			node(name, "ecosystem", "docker").
			node(v10, "ecosystem", "docker", "version", "1.0").
			node(v20, "ecosystem", "docker", "version", "2.0").
			edge(v10, graph.EdgeVersionOf, name).
			edge(v20, graph.EdgeVersionOf, name).
			edge(jobA, graph.EdgeExecutes, name, "possible", "pinned=computed").
			edge(jobB, graph.EdgeExecutes, v10).
			edge(jobC, graph.EdgeExecutes, v20).
			edge(jobB, graph.EdgeExposes, token).
			edge(token, graph.EdgeAuthenticatesAs, account).
			edge(account, graph.EdgeCanPublish, name, string(push)).
			store(t)
		want := map[string]graph.Confidence{jobA: graph.Possible, name: push, v20: push, jobC: push}
		for _, r := range []graph.Reader{s, generic{s}} {
			res, err := Run(context.Background(), r, Start{Packages: []string{v10}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for id, conf := range want {
				if x := res.Get(id); x == nil || x.Confidence != conf {
					t.Errorf("%s push (%T): %s reached as %v, want %s", push, r, id, x, conf)
				}
			}
			if !slices.ContainsFunc(res.walked(), func(e graph.Edge) bool { return e.From == v20 && e.To == name }) {
				t.Errorf("%s push (%T): walked edges lack %s VERSION_OF %s", push, r, v20, name)
			}
		}
	}
}

func TestVersionQueryReachesFloatingToolRuns(t *testing.T) {
	// jobA runs npx cowsay (no version: the registry's latest), jobB
	// npx cowsay@^1.4 and jobC npx cowsay@2.0.0, which pins a version.
	// jobD runs pnpm dlx cowsay@next, a tag. A query for 1.5.0 reaches
	// jobA, jobB and jobD possibly, since the registry may have served
	// it, and not jobC. A query for 2.1.0 leaves out jobB, whose range
	// ^1.4 (>=1.4.0 <2.0.0) excludes it. The range query >=1.4.2 <1.4.5
	// shares 1.4.2 with ^1.4, so it reaches jobB. Both walks agree.
	const (
		name   = "pkg:npm/cowsay"
		v200   = "pkg:npm/cowsay@2.0.0"
		jobC   = "runtime:gha:o/c/ci.yml#run"
		jobD   = "runtime:gha:o/d/ci.yml#run"
		secret = "secret:gha:example-org/a/TOKEN"
	)
	s := newG().
		node(name, "ecosystem", "npm").
		node(v200, "ecosystem", "npm", "version", "2.0.0").
		edge(v200, graph.EdgeVersionOf, name).
		edge(jobA, graph.EdgeExecutes, name, "via=tool-run", "pinned=floating").
		edge(jobB, graph.EdgeExecutes, name, "via=tool-run", "pinned=floating", "requested=^1.4").
		edge(jobC, graph.EdgeExecutes, v200, "via=tool-run", "pinned=version").
		edge(jobD, graph.EdgeExecutes, name, "via=tool-run", "pinned=floating", "requested=next").
		edge(jobA, graph.EdgeExposes, secret).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		for _, tt := range []struct {
			spec string
			want map[string]graph.Confidence
		}{
			{"pkg:npm/cowsay@1.5.0", map[string]graph.Confidence{
				jobA: graph.Possible, secret: graph.Possible, jobB: graph.Possible, jobD: graph.Possible}},
			{"pkg:npm/cowsay@2.1.0", map[string]graph.Confidence{
				jobA: graph.Possible, secret: graph.Possible, jobD: graph.Possible}},
			{"pkg:npm/cowsay@>=1.4.2 <1.4.5", map[string]graph.Confidence{
				jobA: graph.Possible, secret: graph.Possible, jobB: graph.Possible, jobD: graph.Possible}},
			{"pkg:npm/cowsay@2.0.0", map[string]graph.Confidence{
				jobA: graph.Possible, secret: graph.Possible, jobC: graph.Certain, jobD: graph.Possible}},
			{"pkg:npm/cowsay", map[string]graph.Confidence{
				jobA: graph.Certain, secret: graph.Certain, jobB: graph.Certain, jobC: graph.Certain,
				jobD: graph.Certain}},
		} {
			res, err := Run(context.Background(), r, Start{Packages: []string{tt.spec}}, Options{})
			if err != nil {
				t.Fatalf("%s: %v", tt.spec, err)
			}
			got := map[string]graph.Confidence{}
			for _, x := range res.Reached {
				got[x.Node.ID] = x.Confidence
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (%T): reached (-want +got):\n%s", tt.spec, r, diff)
			}
		}
	}
}

func TestNoMatchBesideToolRunPins(t *testing.T) {
	// jobA runs npx prettier@3.0.0 and jobB npx prettier@^2. Neither can
	// run 3.1.0, so a query for it matches nothing, and the error names
	// the version the graph holds and no runtime of unknown version.
	const name = "pkg:npm/prettier"
	s := newG().
		node(name, "ecosystem", "npm").
		node(name+"@3.0.0", "ecosystem", "npm", "version", "3.0.0").
		edge(name+"@3.0.0", graph.EdgeVersionOf, name).
		edge(jobA, graph.EdgeExecutes, name+"@3.0.0", "via=tool-run", "pinned=version").
		edge(jobB, graph.EdgeExecutes, name, "via=tool-run", "pinned=floating", "requested=^2").
		store(t)
	_, err := Run(context.Background(), s, Start{Packages: []string{name + "@3.1.0"}}, Options{})
	if !errors.Is(err, ErrNoMatch) {
		t.Fatalf("error = %v, want ErrNoMatch", err)
	}
	if want := "the graph holds pkg:npm/prettier@3.0.0"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if strings.Contains(err.Error(), "runtime") {
		t.Errorf("error %q names a runtime, want none", err)
	}
}

func TestVersionQueryReachesFloatingRunsOfActions(t *testing.T) {
	// The composite action actA runs npx cowsay (no version) and actB
	// npx cowsay@^2. jobX runs actA and jobY actB. The package app
	// depends on the name cowsay, which gives no version that runs. A
	// query for 1.5.0 leaves the name only along the floating run that
	// may fetch it: actA, then jobX and its secret, possibly. Both walks
	// agree.
	const (
		name   = "pkg:npm/cowsay"
		actA   = "pkg:githubactions/o/x#.github/actions/setup"
		actB   = "pkg:githubactions/o/y#.github/actions/setup"
		app    = "pkg:npm/app@1.0.0"
		jobX   = "runtime:gha:o/x/ci.yml#build"
		jobY   = "runtime:gha:o/y/ci.yml#build"
		jobZ   = "runtime:gha:o/z/ci.yml#build"
		secret = "secret:gha:o/x/NPM_TOKEN"
	)
	s := newG().
		node(name, "ecosystem", "npm").
		edge(actA, graph.EdgeDependsOn, name, "via=tool-run", "pinned=floating").
		edge(actB, graph.EdgeDependsOn, name, "via=tool-run", "pinned=floating", "requested=^2").
		edge(app, graph.EdgeDependsOn, name).
		edge(jobX, graph.EdgeExecutes, actA, "via=uses", "pinned=local").
		edge(jobY, graph.EdgeExecutes, actB, "via=uses", "pinned=local").
		edge(jobZ, graph.EdgeExecutes, app).
		edge(jobX, graph.EdgeExposes, secret).
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		res, err := Run(context.Background(), r, Start{Packages: []string{"pkg:npm/cowsay@1.5.0"}}, Options{})
		if err != nil {
			t.Fatalf("%T: %v", r, err)
		}
		got := map[string]graph.Confidence{}
		for _, x := range res.Reached {
			got[x.Node.ID] = x.Confidence
		}
		want := map[string]graph.Confidence{actA: graph.Possible, jobX: graph.Possible, secret: graph.Possible}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%T: reached (-want +got):\n%s", r, diff)
		}
	}
}

// TestNuGetIDsIgnoreCase: NuGet package ids are case-insensitive, and a
// project file may spell one in another case than the advisory, the query
// or another project file. Each spelling in the graph is a match.
func TestNuGetIDsIgnoreCase(t *testing.T) {
	s := newG().
		node("pkg:nuget/newtonsoft.json@13.0.1", "version", "13.0.1").
		node("pkg:nuget/Newtonsoft.Json@13.0.1", "version", "13.0.1").
		node("pkg:nuget/Newtonsoft.Json@12.0.3", "version", "12.0.3").
		edge("pkg:nuget/newtonsoft.json@13.0.1", graph.EdgeVersionOf, "pkg:nuget/newtonsoft.json").
		edge("pkg:nuget/Newtonsoft.Json@13.0.1", graph.EdgeVersionOf, "pkg:nuget/Newtonsoft.Json").
		edge("pkg:nuget/Newtonsoft.Json@12.0.3", graph.EdgeVersionOf, "pkg:nuget/Newtonsoft.Json").
		store(t)
	ctx := context.Background()
	ids := func(ns []graph.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.ID)
		}
		slices.Sort(out)
		return out
	}
	both := []string{"pkg:nuget/Newtonsoft.Json@13.0.1", "pkg:nuget/newtonsoft.json@13.0.1"}

	adv := osv(t, `{"id": "EXAMPLE-7", "affected": [{"package": {"ecosystem": "NuGet", "name": "NEWTONSOFT.JSON"}, "versions": ["13.0.1"]}]}`)
	ns, _, err := ResolveAdvisories(ctx, s, []*advisory.Advisory{adv})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(both, ids(ns)); diff != "" {
		t.Errorf("advisory starts (-want +got):\n%s", diff)
	}

	spec, err := ParsePackage("pkg:nuget/NewtonSoft.JSON@13.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ns, err = ResolvePackages(ctx, s, []PackageSpec{spec})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(both, ids(ns)); diff != "" {
		t.Errorf("version starts (-want +got):\n%s", diff)
	}

	spec, err = ParsePackage("pkg:nuget/newtonsoft.JSON")
	if err != nil {
		t.Fatal(err)
	}
	ns, err = ResolvePackages(ctx, s, []PackageSpec{spec})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pkg:nuget/Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json@12.0.3", "pkg:nuget/Newtonsoft.Json@13.0.1", "pkg:nuget/newtonsoft.json", "pkg:nuget/newtonsoft.json@13.0.1"}
	if diff := cmp.Diff(want, ids(ns)); diff != "" {
		t.Errorf("every-version starts (-want +got):\n%s", diff)
	}
}

func TestParsePackageIntervalRanges(t *testing.T) {
	// Maven and NuGet write ranges as intervals: [ and ] include the
	// bound, ( and ) exclude it, an empty bound is open, [V] is V alone,
	// and a comma between intervals joins them.
	tests := []struct {
		spec      string
		matches   []string
		unmatched []string
	}{
		{"pkg:maven/org.example/lib@[1.4.0,1.4.3)", []string{"1.4.0", "1.4.2"}, []string{"1.3.9", "1.4.3"}},
		{"pkg:maven/org.example/lib@(1.4.0,1.4.3]", []string{"1.4.1", "1.4.3"}, []string{"1.4.0", "1.4.4"}},
		{"pkg:maven/org.example/lib@[1.4.2]", []string{"1.4.2"}, []string{"1.4.1", "1.4.3"}},
		{"pkg:maven/org.example/lib@[2.0,)", []string{"2.0.0", "3.1.0"}, []string{"1.9.9"}},
		{"pkg:maven/org.example/lib@(,1.0],[1.2,)", []string{"0.9.0", "1.0.0", "1.2.0"}, []string{"1.1.0"}},
		{"pkg:nuget/Example.Lib@[13.0.1, 13.0.3)", []string{"13.0.1", "13.0.2"}, []string{"13.0.3"}},
	}
	for _, tt := range tests {
		s, err := ParsePackage(tt.spec)
		if err != nil {
			t.Errorf("ParsePackage(%s): %v", tt.spec, err)
			continue
		}
		if s.Range == "" {
			t.Errorf("ParsePackage(%s) read no range: %+v", tt.spec, s)
			continue
		}
		for _, v := range tt.matches {
			if !s.Matches(v) {
				t.Errorf("%s does not match %s", tt.spec, v)
			}
		}
		for _, v := range tt.unmatched {
			if s.Matches(v) {
				t.Errorf("%s matches %s", tt.spec, v)
			}
		}
	}
	for _, bad := range []string{"pkg:maven/org.example/lib@[1.0,2.0", "pkg:maven/org.example/lib@[,]"} {
		if _, err := ParsePackage(bad); err == nil {
			t.Errorf("ParsePackage(%s) read an incomplete interval", bad)
		}
	}
}

func TestIntervalRangeEcosystemOrder(t *testing.T) {
	// Maven and NuGet order versions segment by segment: a fourth number
	// follows the third (NuGet's 4.0.0.1 is above 4.0.0), a pre-release
	// such as 2.0.0-rc1 or 1.5-SNAPSHOT comes before its release and after
	// the release below it, and 1.4.1.RELEASE equals 1.4.1. An interval
	// holds every version between its bounds in that order.
	tests := []struct {
		spec, version string
		want          bool
	}{
		{"pkg:nuget/Example.Lib@[4.0.0,5.0.0)", "4.0.0.1", true},
		{"pkg:nuget/Example.Lib@[4.0.0,5.0.0)", "4.5.0-beta1", true},
		{"pkg:nuget/Example.Lib@[4.0.0,5.0.0)", "5.0.0.1", false},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "1.5.0-beta1", true},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "2.0.0-rc1", true},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "1.5-SNAPSHOT", true},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "1.4.1.RELEASE", true},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "1.0-alpha", false},
		{"pkg:maven/org.example/lib@[1.0,2.0)", "2.0", false},
		{"pkg:maven/org.example/lib@[1.2]", "1.2.0", true},
	}
	for _, tt := range tests {
		s, err := ParsePackage(tt.spec)
		if err != nil {
			t.Errorf("ParsePackage(%s): %v", tt.spec, err)
			continue
		}
		if got := s.Matches(tt.version); got != tt.want {
			t.Errorf("%s matches %s = %v, want %v", tt.spec, tt.version, got, tt.want)
		}
	}
	if _, err := ParsePackage("pkg:maven/org.example/lib@[1.0,2.0,3.0]"); err == nil {
		t.Error("ParsePackage read an interval with three bounds")
	}
}

// Two manifests of one repository give the name the same LOCKS edge,
// merged. The range of the second manifest, kept in the edge's facts,
// matches a version that the first one's range does not.
func TestResolveRangeOfSecondManifest(t *testing.T) {
	const agent = "pkg:npm/%40example/agent"
	b := newG().node(agent, "name", "@example/agent").node("repo:example-org/mono")
	for _, m := range []struct{ manifest, allowed string }{{"api/package.json", "^2.1.0"}, {"web/package.json", "~3.0.0"}} {
		e := graph.Edge{From: "repo:example-org/mono", To: agent, Kind: graph.EdgeLocks, Confidence: graph.Certain,
			Pos: graph.Pos{File: m.manifest, Line: 4}}
		e.SetAttr("range", m.allowed)
		e.SetAttr("manifest", m.manifest)
		b.edges = append(b.edges, e)
	}
	s := b.store(t)
	res, err := Run(context.Background(), s, Start{Packages: []string{"pkg:npm/@example/agent@3.0.2"}}, Options{})
	if err != nil {
		t.Fatalf("Run: %v, want the name node matched through ~3.0.0", err)
	}
	if len(res.Starts) != 1 || res.Starts[0].ID != agent {
		t.Fatalf("starts = %v, want the name node %s", res.Starts, agent)
	}
	if got := res.Starts[0].Attr(AttrRangeMatch); got != "~3.0.0" {
		t.Errorf("%s = %q, want ~3.0.0", AttrRangeMatch, got)
	}
}

// Two configurations declare aws_instance.web. The address names both, and
// the end of an id from a slash or colon on names one.
func TestResolveTerraformInstance(t *testing.T) {
	const (
		prod = "runtime:aws:ec2:111122223333:github.com/o/infra/envs/prod:aws_instance.web"
		dev  = "runtime:aws:ec2:111122223333:github.com/o/infra/envs/dev:aws_instance.web"
	)
	g := newG()
	for _, id := range []string{prod, dev} {
		g.node(id)
	}
	s := g.store(t)
	for ref, want := range map[string][]string{
		"aws_instance.web":                             {dev, prod},
		"envs/prod:aws_instance.web":                   {prod},
		"prod:aws_instance.web":                        {prod},
		"github.com/o/infra/envs/dev:aws_instance.web": {dev},
	} {
		ns, err := ResolveNodes(context.Background(), s, graph.NodeRuntime, []string{ref})
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		var got []string
		for _, n := range ns {
			got = append(got, n.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s resolves to %v, want %v", ref, got, want)
		}
	}
	// Part of a folder name is no whole part of the id.
	if _, err := ResolveNodes(context.Background(), s, graph.NodeRuntime, []string{"rod:aws_instance.web"}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("rod:aws_instance.web: error %v, want ErrNoMatch", err)
	}
}

// A block with count or for_each declares one runtime per instance. Its
// address without instance keys names all of them, as Terraform's
// -target does, in every configuration or, after a folder, in one.
func TestResolveTerraformInstanceKeys(t *testing.T) {
	const (
		scope   = "runtime:aws:ec2:111122223333:github.com/o/infra/envs/"
		prod0   = scope + "prod:aws_instance.web[0]"
		prod1   = scope + "prod:aws_instance.web[1]"
		dev0    = scope + "dev:aws_instance.web[0]"
		modAddr = `module.app["a]b"].aws_instance.this[0]`
		mod     = scope + "prod:" + modAddr
	)
	g := newG()
	for id, addr := range map[string]string{prod0: "aws_instance.web[0]", prod1: "aws_instance.web[1]",
		dev0: "aws_instance.web[0]", mod: modAddr} {
		g.node(id, "tf_address", addr)
	}
	s := g.store(t)
	for ref, want := range map[string][]string{
		"aws_instance.web":                       {dev0, prod0, prod1},
		"envs/prod:aws_instance.web":             {prod0, prod1},
		"aws_instance.web[1]":                    {prod1},
		"module.app.aws_instance.this":           {mod},
		"envs/prod:module.app.aws_instance.this": {mod},
	} {
		ns, err := ResolveNodes(context.Background(), s, graph.NodeRuntime, []string{ref})
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		var got []string
		for _, n := range ns {
			got = append(got, n.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s resolves to %v, want %v", ref, got, want)
		}
	}
}

// A package's text puts the version before the purl's qualifiers, as
// the purl specification orders them, so that an error message names the
// package the way the user wrote it.
func TestPackageSpecStringQualifiers(t *testing.T) {
	for _, tc := range []struct {
		spec PackageSpec
		want string
	}{
		{PackageSpec{Name: "pkg:docker/acme/api?repository_url=ghcr.io", Version: "1.7.0"}, "pkg:docker/acme/api@1.7.0?repository_url=ghcr.io"},
		{PackageSpec{Name: "pkg:npm/left-pad", Range: ">=1.0.0 <1.3.0"}, "pkg:npm/left-pad@>=1.0.0 <1.3.0"},
		{PackageSpec{Name: "pkg:githubactions/o/ci?x=y", Version: "v1", Subpath: ".github/workflows/r.yml"}, "pkg:githubactions/o/ci@v1?x=y#.github/workflows/r.yml"},
	} {
		if got := tc.spec.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
