package link

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

func node(id string, kind graph.NodeKind, attrs ...string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Label: id, Pos: graph.Pos{File: "in"}}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	return n
}

func edge(from string, kind graph.EdgeKind, to string, attrs ...string) graph.Edge {
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: "in"}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.SetAttr(attrs[i], attrs[i+1])
	}
	return e
}

// derive writes the facts and returns the derived edges of the given kind
// as "from -> to (confidence)".
func derive(t *testing.T, nodes []graph.Node, edges []graph.Edge, kind graph.EdgeKind) []string {
	t.Helper()
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: edges}
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	es, err := s.EdgesByKind(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	input := map[graph.EdgeKey]bool{}
	for _, e := range edges {
		input[e.Key()] = true
	}
	var out []string
	for _, e := range es {
		if input[e.Key()] {
			continue
		}
		out = append(out, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
	}
	sort.Strings(out)
	return out
}

const (
	acct     = "111122223333"
	provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	issuer   = "https://token.actions.githubusercontent.com"
)

func trust(cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`
}

func subject(job, subs string) graph.Node {
	return node("oidc:gha:"+job, graph.NodeIdentity, "type", "oidc-subject", "issuer", issuer, "subs", subs)
}

func role(name, trustDoc string) graph.Node {
	return node(graph.IAMARN(acct, "role", "", name), graph.NodeIdentity,
		"provider", "aws", "type", "role", "account", acct, "trust_policy", trustDoc)
}

func TestOIDCTrustConditions(t *testing.T) {
	nodes := []graph.Node{
		subject("o/api/deploy.yml#ship", "repo:o/api:environment:production"),
		subject("o/api/ci.yml#test", "repo:o/api:pull_request,repo:o/api:ref:refs/heads/main"),
		subject("o/docs/publish.yml#publish", "repo:o/docs:ref:*"),
		role("prod", trust(`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:o/api:environment:production"}}`)),
		role("docs", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/docs:ref:refs/heads/main"}}`)),
		role("any-api", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/api:*"}}`)),
		role("wide-open", trust(`{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}`)),
		role("claim", trust(`{"StringEquals":{"token.actions.githubusercontent.com:job_workflow_ref":"o/api/.github/workflows/deploy.yml@refs/heads/main"}}`)),
	}
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	r := func(n string) string { return graph.IAMARN(acct, "role", "", n) }
	want := []string{
		"oidc:gha:o/api/ci.yml#test -> " + r("any-api") + " (certain)",
		"oidc:gha:o/api/ci.yml#test -> " + r("claim") + " (possible)",
		"oidc:gha:o/api/ci.yml#test -> " + r("wide-open") + " (certain)",
		"oidc:gha:o/api/deploy.yml#ship -> " + r("any-api") + " (certain)",
		"oidc:gha:o/api/deploy.yml#ship -> " + r("claim") + " (possible)",
		"oidc:gha:o/api/deploy.yml#ship -> " + r("prod") + " (certain)",
		"oidc:gha:o/api/deploy.yml#ship -> " + r("wide-open") + " (certain)",
		"oidc:gha:o/docs/publish.yml#publish -> " + r("claim") + " (possible)",
		"oidc:gha:o/docs/publish.yml#publish -> " + r("docs") + " (certain)",
		"oidc:gha:o/docs/publish.yml#publish -> " + r("wide-open") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestOIDCTrustRepositoryOwner: GitHub's tokens carry the repository_owner
// claim, the account that owns the repository (o for o/api). A trust that
// names owner o admits the job's subject for certain, and one that names
// another owner admits none.
func TestOIDCTrustRepositoryOwner(t *testing.T) {
	subj := subject("o/api/ci.yml#test", "repo:o/api:ref:refs/heads/main")
	subj.SetAttr(graph.AttrProvider, "github-oidc")
	subj.SetAttr(graph.AttrRepository, "o/api")
	nodes := []graph.Node{
		subj,
		role("owner-o", trust(`{"StringEquals":{"token.actions.githubusercontent.com:repository_owner":"o"}}`)),
		role("owner-other", trust(`{"StringEquals":{"token.actions.githubusercontent.com:repository_owner":"other-org"}}`)),
	}
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{"oidc:gha:o/api/ci.yml#test -> " + graph.IAMARN(acct, "role", "", "owner-o") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestOIDCTrustReasons checks the subject and reason an OIDC edge keeps:
// the first subject the condition admits for certain, else the first it
// may admit, with what left it undecided.
func TestOIDCTrustReasons(t *testing.T) {
	nodes := []graph.Node{
		subject("o/api/ci.yml#test", "repo:o/api:pull_request,repo:o/api:ref:refs/heads/main"),
		role("main-only", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/api:ref:refs/heads/*"}}`)),
		role("claim", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/api:pull_*"},"StringEquals":{"token.actions.githubusercontent.com:job_workflow_ref":"o/api/.github/workflows/deploy.yml@refs/heads/main"}}`)),
	}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes}, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAssume)
	if err != nil {
		t.Fatal(err)
	}
	type got struct{ Conf, Subject, Reason string }
	byRole := map[string]got{}
	for _, e := range es {
		byRole[e.To] = got{string(e.Confidence), e.Attr("subject"), e.Attr(graph.AttrReason)}
	}
	r := func(n string) string { return graph.IAMARN(acct, "role", "", n) }
	want := map[string]got{
		// The pull request subject fails, and the branch subject matches.
		r("main-only"): {"certain", "repo:o/api:ref:refs/heads/main",
			"trust policy of " + r("main-only") + " (statement 1) admits OIDC subject repo:o/api:ref:refs/heads/main"},
		// Only the pull request subject matches the sub pattern, and the
		// workflow claim is not in the input: undecided, explained for
		// that subject, not for the last one tried.
		r("claim"): {"possible", "repo:o/api:pull_request",
			"trust policy of " + r("claim") + " (statement 1) admits OIDC subject repo:o/api:pull_request; undecided: " +
				"StringEquals token.actions.githubusercontent.com:job_workflow_ref o/api/.github/workflows/deploy.yml@refs/heads/main is unknown"},
	}
	if diff := cmp.Diff(want, byRole); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

func TestAWSTrust(t *testing.T) {
	user := func(name, policy string) (graph.Node, []graph.Node, []graph.Edge) {
		u := node(graph.IAMARN(acct, "user", "", name), graph.NodeIdentity, "provider", "aws", "type", "user", "account", acct)
		if policy == "" {
			return u, nil, nil
		}
		p := node(u.ID+"#inline/p", graph.NodePolicy, "document", policy)
		return u, []graph.Node{p}, []graph.Edge{edge(u.ID, graph.EdgeHasPolicy, p.ID)}
	}
	allowAssume := `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`
	denyAssume := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}`
	named, n1, e1 := user("named", "")
	viaRoot, n2, e2 := user("via-root", allowAssume)
	noPolicy, n3, e3 := user("no-policy", "")
	denied, n4, e4 := user("denied", denyAssume)
	mfa, n5, e5 := user("mfa", allowAssume)
	trustDoc := `{"Statement":[
		{"Effect":"Allow","Principal":{"AWS":["` + named.ID + `","` + denied.ID + `"]},"Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalArn":["` + viaRoot.ID + `","` + noPolicy.ID + `"]}}},
		{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	target := role("admin", trustDoc)
	nodes := []graph.Node{named, viaRoot, noPolicy, denied, mfa, target}
	var edges []graph.Edge
	for _, ns := range [][]graph.Node{n1, n2, n3, n4, n5} {
		nodes = append(nodes, ns...)
	}
	for _, es := range [][]graph.Edge{e1, e2, e3, e4, e5} {
		edges = append(edges, es...)
	}
	got := derive(t, nodes, edges, graph.EdgeCanAssume)
	want := []string{
		// MFA cannot be decided from the input: possible.
		mfa.ID + " -> " + target.ID + " (possible)",
		// Named in the trust policy of its own account: no identity policy needed.
		named.ID + " -> " + target.ID + " (certain)",
		// Account root plus a matching PrincipalArn condition, and an allow.
		viaRoot.ID + " -> " + target.ID + " (certain)",
		// denied's * on * lets it write itself an administrator policy
		// and drop its Deny, and an administrator of the account can
		// rewrite the trust policy.
		graph.AWSAdministratorID(acct) + " -> " + target.ID + " (certain)",
	}
	sort.Strings(want)
	// no-policy: the root principal needs an identity-side allow.
	// denied: an explicit Deny wins over the trust policy.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

func TestLockfileExecutes(t *testing.T) {
	repo := graph.RepoID("", "o/api")
	job := graph.GHAJobID("o/api", ".github/workflows/ci.yml", "build")
	lint := graph.GHAJobID("o/api", ".github/workflows/ci.yml", "lint")
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, "repository", "o/api", "installs", "npm"),
		node(lint, graph.NodeRuntime, "repository", "o/api"),
		node("pkg:npm/a@1.0.0", graph.NodePackage, "ecosystem", "npm", "install_script", "true"),
		node("pkg:pypi/b@2.0", graph.NodePackage, "ecosystem", "pypi"),
		node("pkg:golang/example.com/old@v1.0.0", graph.NodePackage, "ecosystem", "golang"),
	}
	edges := []graph.Edge{
		edge(repo, graph.EdgeLocks, "pkg:npm/a@1.0.0", "lockfile", "package-lock.json"),
		edge(repo, graph.EdgeLocks, "pkg:pypi/b@2.0", "lockfile", "requirements.txt"),
	}
	got := derive(t, nodes, edges, graph.EdgeExecutes)
	want := []string{job + " -> pkg:npm/a@1.0.0 (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
}

func TestEnvironmentAndAllSecrets(t *testing.T) {
	job := graph.GHAJobID("o/api", ".github/workflows/d.yml", "ship")
	dump := graph.GHAJobID("o/api", ".github/workflows/d.yml", "dump")
	gh := func(id, env string) graph.Node {
		return node(id, graph.NodeSecret, "provider", "github", "type", "actions-secret", "repository", "o/api", "environment", env)
	}
	nodes := []graph.Node{
		node(job, graph.NodeRuntime, "repository", "o/api", "environment", "prod"),
		node(dump, graph.NodeRuntime, "repository", "o/api"),
		gh(graph.GHASecretID("o/api", "KEY"), ""),
		gh(graph.GHAEnvSecretID("o/api", "prod", "KEY"), "prod"),
		gh(graph.GHASecretID("o/api", "OTHER"), ""),
	}
	edges := []graph.Edge{
		edge(job, graph.EdgeExposes, graph.GHASecretID("o/api", "KEY"), "name", "KEY", "environment", "prod"),
		edge(dump, graph.EdgeExposes, graph.GHAAllSecretsID("o/api"), "all", "true"),
	}
	got := derive(t, nodes, edges, graph.EdgeExposes)
	want := []string{
		dump + " -> " + graph.GHASecretID("o/api", "KEY") + " (certain)",
		dump + " -> " + graph.GHASecretID("o/api", "OTHER") + " (certain)",
		job + " -> " + graph.GHAEnvSecretID("o/api", "prod", "KEY") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}
}

func TestMintAcrossAccounts(t *testing.T) {
	user := func(name, acct, file string) graph.Node {
		n := node(graph.IAMARN(acct, "user", "", name), graph.NodeIdentity, "provider", "aws", "type", "user", "account", acct)
		n.Pos = graph.Pos{File: file}
		return n
	}
	dev := user("dev", "111122223333", "a/main.tf")
	other := user("admin", "444455556666", "b/main.tf")
	unknown := user("noaccount", "", "c/main.tf")
	peer := user("peer", "111122223333", "a/main.tf")
	pol := node(dev.ID+"#inline/p", graph.NodePolicy, "document", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}}`)
	got := derive(t, []graph.Node{dev, other, unknown, peer, pol}, []graph.Edge{edge(dev.ID, graph.EdgeHasPolicy, pol.ID)}, graph.EdgeCanMint)
	want := []string{
		// Another account's user: an identity policy alone never reaches it.
		// A user whose account is unknown: possibly the same account.
		dev.ID + " -> " + graph.AWSAccessKeyID(peer.ID, "new") + " (certain)",
		dev.ID + " -> " + graph.AWSAccessKeyID(unknown.ID, "new") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MINT (-want +got):\n%s", diff)
	}
}

func TestBySourceGroups(t *testing.T) {
	edge := func(from, to string) graph.Edge {
		return graph.Edge{From: from, To: to, Kind: graph.EdgeLocks}
	}
	tests := []struct {
		name string
		in   []graph.Edge
		want map[string][]graph.Edge
	}{
		{"none", nil, map[string][]graph.Edge{}},
		{"sorted", []graph.Edge{edge("a", "x"), edge("a", "y"), edge("b", "x")},
			map[string][]graph.Edge{"a": {edge("a", "x"), edge("a", "y")}, "b": {edge("b", "x")}}},
		{"source again later", []graph.Edge{edge("a", "x"), edge("b", "x"), edge("a", "y")},
			map[string][]graph.Edge{"a": {edge("a", "x"), edge("a", "y")}, "b": {edge("b", "x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bySource(tt.in)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("groups (-got +want):\n%s", diff)
			}
		})
	}
}

func TestBySourceAppendKeepsNextGroup(t *testing.T) {
	es := []graph.Edge{{From: "a", To: "x"}, {From: "b", To: "y"}}
	m := bySource(es)
	_ = append(m["a"], graph.Edge{From: "a", To: "z"})
	if got, want := m["b"][0].To, "y"; got != want {
		t.Errorf("next group's edge target = %q, want %q", got, want)
	}
}

// Files give equal attribute sets one map (the interner shares them), so
// LOCKS edges of different packages and repositories may share one. Each
// derived edge must still name its own package and its own job's manner
// of running it.
func TestLockfileExecutesWithSharedLockMaps(t *testing.T) {
	build := graph.GHAJobID("o/api", ".github/workflows/ci.yml", "build")
	test := graph.GHAJobID("o/web", ".github/workflows/ci.yml", "test")
	lint := graph.GHAJobID("o/web", ".github/workflows/ci.yml", "lint")
	nodes := []graph.Node{
		node(build, graph.NodeRuntime, "repository", "o/api", "installs", "npm"),
		node(test, graph.NodeRuntime, "repository", "o/web", "installs", "npm", "runs_code", "npm"),
		node(lint, graph.NodeRuntime, "repository", "o/web", "installs", "npm", "may_run_code", "npm"),
		node("pkg:npm/a@1.0.0", graph.NodePackage, "ecosystem", "npm", "install_script", "true"),
		node("pkg:npm/b@1.0.0", graph.NodePackage, "ecosystem", "npm", "install_script", "true"),
		node("pkg:npm/%40o/c@1.0.0", graph.NodePackage, "ecosystem", "npm"),
	}

	shared := map[string]string{"lockfile": "package-lock.json", "direct": "true"}
	var edges []graph.Edge
	for _, repo := range []string{"o/api", "o/web"} {
		for _, pkg := range []string{"pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0", "pkg:npm/%40o/c@1.0.0"} {
			e := edge(graph.RepoID("", repo), graph.EdgeLocks, pkg)
			e.Attrs = shared
			edges = append(edges, e)
		}
	}

	// With one worker, a single view derives every job's edges, so the
	// jobs share its attribute maps.
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: edges}, (&Linker{Workers: 1}).Derive); err != nil {
		t.Fatal(err)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.From+" -> "+e.To+": "+e.Attr(graph.AttrReason))
	}
	sort.Strings(got)

	pins := ": the job installs npm dependencies and package-lock.json pins "
	hook := "; install script runs when the job installs dependencies"
	want := []string{
		build + " -> pkg:npm/a@1.0.0" + pins + "pkg:npm/a@1.0.0" + hook,
		build + " -> pkg:npm/b@1.0.0" + pins + "pkg:npm/b@1.0.0" + hook,
		lint + " -> pkg:npm/a@1.0.0" + pins + "pkg:npm/a@1.0.0" + hook,
		lint + " -> pkg:npm/b@1.0.0" + pins + "pkg:npm/b@1.0.0" + hook,
		// The reason names a scoped package as people write it.
		lint + " -> pkg:npm/%40o/c@1.0.0" + pins + "pkg:npm/@o/c@1.0.0; the job may run it: a step runs code the input does not show",
		test + " -> pkg:npm/a@1.0.0" + pins + "pkg:npm/a@1.0.0" + hook,
		test + " -> pkg:npm/b@1.0.0" + pins + "pkg:npm/b@1.0.0" + hook,
		test + " -> pkg:npm/%40o/c@1.0.0" + pins + "pkg:npm/@o/c@1.0.0; imported by the code the job builds and tests: the job runs the project's code",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES reasons (-want +got):\n%s", diff)
	}
}
