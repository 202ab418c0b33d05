package link

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/query"
)

// ciStore ingests the workflows under testdata/ci/<name>, laid out as
// <owner>/<repo>/<path in the repository>, with nodes other inputs would
// declare, and links them.
func ciStore(t *testing.T, name string, declared ...graph.Node) graph.Store {
	t.Helper()
	root := filepath.Join("testdata", "ci", name)
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), Nodes: declared}
	p := actions.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.SplitN(filepath.ToSlash(rel), "/", 3)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f := &ingest.File{Path: path, RelPath: parts[2], Repo: parts[0] + "/" + parts[1], Head: data,
			Size: int64(len(data)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		if !p.Detect(f) {
			t.Fatalf("%s is not read as a workflow", path)
		}
		res := &ingest.Result{}
		if err := p.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// radius returns the blast radius of a start (as the CLI's --package or
// --node take it) as id -> confidence.
func radius(t *testing.T, s graph.Store, start query.Start) map[string]graph.Confidence {
	t.Helper()
	res, err := query.Run(context.Background(), s, start, query.Options{})
	if err != nil {
		t.Fatalf("%s: %v", start, err)
	}
	out := map[string]graph.Confidence{}
	for _, r := range res.Reached {
		out[r.Node.ID] = r.Confidence
	}
	return out
}

// pick lists the reached ids with a prefix as "id (confidence)", sorted.
func pick(reached map[string]graph.Confidence, prefix string) []string {
	var out []string
	for id, c := range reached {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id+" ("+string(c)+")")
		}
	}
	sort.Strings(out)
	return out
}

// ghSecret is an Actions secret as the Terraform ingester declares it
// (github_actions_secret, github_actions_environment_secret).
func ghSecret(repo, env, name string) graph.Node {
	id := graph.GHASecretID(repo, name)
	if env != "" {
		id = graph.GHAEnvSecretID(repo, env, name)
	}
	return node(id, graph.NodeSecret, "provider", "github", "type", "actions-secret", "name", name,
		"repository", repo, "environment", env, "long_lived", "true")
}

func pkgStart(purl string) query.Start { return query.Start{Packages: []string{purl}} }

func TestCISecretsPerJob(t *testing.T) {
	const repo = "example-org/app"
	repoKey := ghSecret(repo, "", "DEPLOY_KEY")
	prodKey := ghSecret(repo, "prod", "DEPLOY_KEY")
	npm := ghSecret(repo, "", "NPM_TOKEN")
	stagingOnly := ghSecret(repo, "staging", "STAGING_ONLY")
	stagingKey := ghSecret(repo, "staging", "DEPLOY_KEY")
	orgNPM := node(graph.GHAOrgSecretID("example-org", "NPM_TOKEN"), graph.NodeSecret, "provider", "github",
		"type", "actions-secret", "name", "NPM_TOKEN", "visibility", "all")
	orgSlack := node(graph.GHAOrgSecretID("example-org", "SLACK_HOOK"), graph.NodeSecret, "provider", "github",
		"type", "actions-secret", "name", "SLACK_HOOK", "visibility", "all")
	s := ciStore(t, "secrets", repoKey, prodKey, npm, stagingOnly, stagingKey, orgNPM, orgSlack)
	actionsSecrets := "secret:gha:" + repo + "/"

	tests := []struct {
		action string
		want   []string
	}{
		// lint references no secret; DEPLOY_KEY is used only by other jobs.
		{"lint-action", nil},
		// stage has no environment: the repository's DEPLOY_KEY.
		{"stage-action", []string{repoKey.ID + " (certain)"}},
		// deploy runs in prod: prod's DEPLOY_KEY takes precedence over the
		// repository's; NPM_TOKEN exists only at the repository.
		{"deploy-action", []string{npm.ID + " (certain)", prodKey.ID + " (certain)"}},
		// toJSON(secrets) in staging: the staging environment's secrets,
		// then the repository's and the organisation's of other names;
		// never prod's.
		{"dump-action", []string{
			graph.GHAAllSecretsID(repo) + " (certain)", npm.ID + " (certain)",
			stagingKey.ID + " (certain)", stagingOnly.ID + " (certain)",
		}},
	}
	for _, tt := range tests {
		got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1")), actionsSecrets)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reaches (-got +want):\n%s", tt.action, diff)
		}
	}
	// The organisation's NPM_TOKEN is shadowed by the repository's; its
	// SLACK_HOOK reaches the staging job.
	got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/dump-action@v1")), "secret:gha:org:")
	if diff := cmp.Diff(got, []string{orgSlack.ID + " (certain)"}); diff != "" {
		t.Errorf("dump-action reaches organisation secrets (-got +want):\n%s", diff)
	}
}

func TestCIActionPinning(t *testing.T) {
	s := ciStore(t, "pinning")
	const sha = "0123456789abcdef0123456789abcdef01234567"
	job := func(name string) string {
		return graph.GHAJobID("example-org/app", ".github/workflows/pin.yml", name) + " (certain)"
	}
	tests := []struct {
		start string
		want  []string
	}{
		// Moving the v1 tag reaches the jobs that use @v1, the action in
		// a folder of the repository included, not the one pinned to a
		// commit, nor the one on another tag.
		{"pkg:githubactions/example-vendor/build-action@v1", []string{job("folder"), job("tagged")}},
		{"pkg:githubactions/example-vendor/build-action@>=1.0.0 <2.0.0", []string{job("folder"), job("minor"), job("tagged")}},
		{"pkg:githubactions/example-vendor/build-action@" + sha, []string{job("pinned")}},
		{"pkg:githubactions/example-vendor/build-action", []string{job("folder"), job("minor"), job("pinned"), job("tagged")}},
	}
	for _, tt := range tests {
		got := pick(radius(t, s, pkgStart(tt.start)), "runtime:")
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reaches (-got +want):\n%s", tt.start, diff)
		}
	}
}

func TestCIReusableParameters(t *testing.T) {
	appKey := ghSecret("example-org/app", "", "APP_DEPLOY_TOKEN")
	appOther := ghSecret("example-org/app", "", "OTHER")
	s := ciStore(t, "reusable", appKey, appOther)
	caller := func(job string) string {
		return graph.GHATokenID(graph.GHAJobID("example-org/app", ".github/workflows/call.yml", job))
	}
	// The called workflows run only when called: their jobs hold the
	// caller's token and none of their own.
	tests := []struct {
		action string
		want   []string
	}{
		// The caller maps its APP_DEPLOY_TOKEN to the parameter token: no
		// secret TOKEN of the shared repository appears.
		{"notify", []string{appKey.ID + " (certain)", caller("named") + " (certain)"}},
		// secrets: inherit and toJSON(secrets): every secret of the caller.
		{"report", []string{
			graph.GHAAllSecretsID("example-org/app") + " (certain)", appKey.ID + " (certain)",
			appOther.ID + " (certain)", caller("inherit") + " (certain)",
		}},
		// No input calls uncalled.yml: the parameter stays a
		// possible secret standing for what some caller passes.
		{"push", []string{graph.GHASecretID("example-org/shared", "REGISTRY-PASSWORD") + " (possible)"}},
	}
	for _, tt := range tests {
		got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1")), "secret:")
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reaches (-got +want):\n%s", tt.action, diff)
		}
	}
	ns, err := s.Nodes(context.Background(), []string{graph.GHASecretID("example-org/shared", "TOKEN")})
	if err != nil || len(ns) != 0 {
		t.Errorf("the mapped parameter is a node of its own: %v %v", ns, err)
	}
}

func TestCIOIDCBoundToRepositoryAndEnvironment(t *testing.T) {
	withNow(t)
	sub := func(cond string) string {
		return trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"` + cond + `"}}`)
	}
	prod := role("prod", sub("repo:example-org/app:environment:prod"))
	main := role("main", sub("repo:example-org/app:ref:refs/heads/main"))
	other := role("other-repo", sub("repo:example-org/other:*"))
	principal := wifPrincipal("github", "repository", "example-org/app")
	declared := append(gcpFixture(), prod, main, other, principal,
		node(provider, graph.NodeIdentity, "provider", "aws", "type", "oidc-provider", "account", acct),
		wifProviderNode("github", "actions", `assertion.repository == "example-org/app" && assertion.environment == "prod"`),
		grantNode(gsa("deployer"), "roles/iam.workloadIdentityUser",
			"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/attribute.repository/example-org/app",
			principal.ID, ""))
	s := ciStore(t, "oidc", declared...)
	job := func(repo, name string) query.Start {
		return query.Start{Runtimes: []string{graph.GHAJobID(repo, ".github/workflows/deploy.yml", name)}}
	}
	tests := []struct {
		name  string
		start query.Start
		want  []string
	}{
		// The prod environment's subject: the prod role and, through the
		// provider whose condition requires prod, the deployer account.
		{"app ship", job("example-org/app", "ship"), []string{
			principal.ID + " (certain)", gsa("deployer") + " (certain)", prod.ID + " (certain)"}},
		// No environment: the main branch's role only; the provider's
		// condition on the environment claim fails.
		{"app build", job("example-org/app", "build"), []string{main.ID + " (certain)"}},
		// Another repository's prod environment: only the role that
		// trusts that repository.
		{"other ship", job("example-org/other", "ship"), []string{other.ID + " (certain)"}},
	}
	for _, tt := range tests {
		r := radius(t, s, tt.start)
		got := append(pick(r, "arn:aws:iam::"+acct+":role/"), pick(r, "gcp:")...)
		sort.Strings(got)
		want := append([]string(nil), tt.want...)
		sort.Strings(want)
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s assumes (-got +want):\n%s", tt.name, diff)
		}
	}
}

// edgesOf lists the edges of a kind as "from -> to (confidence)", sorted.
func edgesOf(t *testing.T, s graph.Store, kind graph.EdgeKind) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
	}
	sort.Strings(out)
	return out
}

func TestCISelfHostedRunners(t *testing.T) {
	job := func(file, name string) string {
		return graph.GHAJobID("example-org/app", ".github/workflows/"+file, name)
	}
	host := "runtime:runner:github:example-org/app#linux,self-hosted"
	meta := "secret:runner-metadata:github:example-org/app#linux,self-hosted"

	s := ciStore(t, "runners")
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/test-action@v1"))
	got := append(pick(r, "runtime:"), pick(r, "secret:")...)
	want := []string{
		// The job that runs the action stays certain although the host's
		// CAN_MODIFY meets it again.
		job("ci.yml", "test") + " (certain)",
		// The pull request job shares the linux runners with publish; the
		// gpu runners and the hosted docs job stay out of reach.
		host + " (certain)",
		job("release.yml", "publish") + " (possible)",
		"secret:gha:example-org/app/NPM_TOKEN (possible)",
		graph.GHATokenID(job("ci.yml", "test")) + " (certain)",
		graph.GHATokenID(job("release.yml", "publish")) + " (possible)",
		meta + " (possible)",
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("test-action reaches (-got +want):\n%s", diff)
	}

	// Terraform shows the instance that serves the linux labels: its
	// role credentials replace the unknown metadata credentials.
	const instance = "runtime:aws:ec2:111122223333:aws_instance.runner"
	creds := graph.AWSInstanceCredentialsID(instance)
	runnerRole := role("runner", `{"Statement":[]}`)
	s = ciStore(t, "runners",
		node(instance, graph.NodeRuntime, "provider", "aws", "type", "ec2-instance", "name", "ci-runner",
			"runner_labels", "self-hosted,linux,x64"),
		node(creds, graph.NodeSecret, "provider", "aws", "type", "instance-role-credentials", "long_lived", "false"),
		runnerRole)
	r = radius(t, s, pkgStart("pkg:githubactions/example-vendor/test-action@v1"))
	if c, ok := r[instance]; !ok || c != graph.Certain {
		t.Errorf("instance reached as %q, want certain", c)
	}
	if _, ok := r[meta]; ok {
		t.Errorf("metadata credentials of unknown hosts reached although the instance is known")
	}
}

func TestCICachePoisoning(t *testing.T) {
	s := ciStore(t, "cache")
	const secrets = "secret:gha:example-org/app/"
	tests := []struct {
		action string
		want   []string
	}{
		// A pull_request run saves into its merge ref, which the release
		// never restores from.
		{"pr-check", nil},
		// pull_request_target runs on the default branch: its entry under
		// *-build-* is what the release restores. setup-python's pip cache
		// is another key.
		{"labeler", []string{secrets + "NPM_TOKEN (possible)"}},
	}
	for _, tt := range tests {
		got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1")), secrets)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reaches (-got +want):\n%s", tt.action, diff)
		}
	}
	job := func(file, name string) string {
		return graph.GHAJobID("example-org/app", ".github/workflows/"+file, name)
	}
	want := []string{
		job("label.yml", "label") + " -> " + job("pr.yml", "test") + " (possible)",
		job("label.yml", "label") + " -> " + job("release.yml", "publish") + " (possible)",
	}
	var got []string
	for _, e := range edgesOf(t, s, graph.EdgeCanModify) {
		if strings.HasPrefix(e, "runtime:") {
			got = append(got, e)
		}
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("cache CAN_MODIFY (-got +want):\n%s", diff)
	}
}

func TestCITokenDispatch(t *testing.T) {
	job := func(file, name string) string {
		return graph.GHAJobID("example-org/app", ".github/workflows/"+file, name)
	}
	bot := graph.GHATokenIdentityID(job("bot.yml", "bot"))
	reader := graph.GHATokenIdentityID(job("bot.yml", "reader"))
	s := ciStore(t, "dispatch")
	var got []string
	for _, e := range edgesOf(t, s, graph.EdgeCanModify) {
		if !strings.Contains(e, "-> repo:") {
			got = append(got, e)
		}
	}
	want := []string{
		// contents:write pushes a branch, actions:write dispatches on it.
		bot + " -> " + job("deploy.yml", "deploy") + " (certain)",
		// contents:write sends repository_dispatch; the default branch may
		// be protected.
		bot + " -> " + job("nightly.yml", "nightly") + " (possible)",
		// actions:write alone: the dispatched code is the repository's.
		reader + " -> " + job("deploy.yml", "deploy") + " (possible)",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("token CAN_MODIFY jobs (-got +want):\n%s", diff)
	}
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/reader@v1"))
	if diff := cmp.Diff(pick(r, "secret:gha:example-org/app/"), []string{"secret:gha:example-org/app/PROD_KEY (possible)"}); diff != "" {
		t.Errorf("reader reaches (-got +want):\n%s", diff)
	}
}

// TestCIReusableInheritsOrgSecrets: job release of app calls shared's
// publish workflow with secrets: inherit, and app has no secret NPM_TOKEN
// of its own. The organisation's NPM_TOKEN, visible to every repository,
// is the one that the called jobs read: publish by name, dump through
// toJSON(secrets), which also gives it SLACK_HOOK. The called jobs run in
// the caller's job, whose permissions grant id-token: write, so they can
// request its OIDC token, whose subject names app and assumes the role
// that trusts app's main branch.
func TestCIReusableInheritsOrgSecrets(t *testing.T) {
	orgNPM := orgSecret("NPM_TOKEN", "visibility", "all")
	orgSlack := orgSecret("SLACK_HOOK", "visibility", "all")
	deploy := role("app-main", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:ref:refs/heads/main"}}`))
	s := ciStore(t, "reusable-org", orgNPM, orgSlack, deploy,
		node(provider, graph.NodeIdentity, "provider", "aws", "type", "oidc-provider", "account", acct))
	caller := graph.GHAJobID("example-org/app", ".github/workflows/release.yml", "release")
	tests := []struct {
		action string
		want   []string
	}{
		{"publish", []string{orgNPM.ID, graph.GHAOIDCTokenID(caller), graph.GHATokenID(caller)}},
		{"report", []string{orgNPM.ID, orgSlack.ID, graph.GHAOIDCTokenID(caller), graph.GHATokenID(caller)}},
	}
	for _, tt := range tests {
		r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1"))
		var got []string
		for _, id := range append(pick(r, "secret:gha:org:"), pick(r, "secret:gha:oidc:")...) {
			got = append(got, strings.TrimSuffix(id, " (certain)"))
		}
		for _, id := range pick(r, "secret:gha:token:") {
			got = append(got, strings.TrimSuffix(id, " (certain)"))
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reads (-got +want):\n%s", tt.action, diff)
		}
		if roles := pick(r, "arn:aws:iam::"+acct+":role/"); !slices.Contains(roles, deploy.ID+" (certain)") {
			t.Errorf("%s assumes %v, want %s", tt.action, roles, deploy.ID)
		}
	}
}

// TestCIReusableCallersApart: job mapped of app passes its APP_KEY as
// the called workflow's token, and job inherited of web passes every
// secret of web, so the called job reads web's secret TOKEN under that
// name. It reads no secret APP_KEY of web: that name is app's, passed
// under another name.
func TestCIReusableCallersApart(t *testing.T) {
	s := ciStore(t, "reusable-org")
	callee := graph.GHAJobID("example-org/shared", ".github/workflows/notify.yml", "notify")
	es, err := s.Expand(context.Background(), []string{callee}, graph.Out, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if strings.HasPrefix(e.To, "secret:gha:example-org/app/") || strings.HasPrefix(e.To, "secret:gha:example-org/web/") {
			got = append(got, e.To)
		}
	}
	sort.Strings(got)
	want := []string{graph.GHASecretID("example-org/app", "APP_KEY"), graph.GHASecretID("example-org/web", "TOKEN")}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("the called job reads (-got +want):\n%s", diff)
	}
}

// TestCIReusableOIDCNarrowedByCallee: a called job runs with its
// caller's GITHUB_TOKEN, whose permissions the called workflow can only
// lower. Job narrowed of app grants id-token: write, and the called
// narrow job sets permissions without it, so it can request no OIDC
// token and assumes no role, not even the one that trusts app's main
// branch.
func TestCIReusableOIDCNarrowedByCallee(t *testing.T) {
	appRole := role("app-main", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:ref:refs/heads/main"}}`))
	s := ciStore(t, "reusable-oidc", appRole,
		node(provider, graph.NodeIdentity, "provider", "aws", "type", "oidc-provider", "account", acct))
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/narrow@v1"))
	if got := append(pick(r, "secret:gha:oidc:"), pick(r, "arn:aws:iam::"+acct+":role/")...); len(got) != 0 {
		t.Errorf("narrow reaches %v, want no OIDC token and no role", got)
	}
	caller := graph.GHAJobID("example-org/app", ".github/workflows/granted.yml", "narrowed")
	if c, ok := r[graph.GHATokenID(caller)]; !ok || c != graph.Certain {
		t.Errorf("narrow reaches its caller's GITHUB_TOKEN as %q, want certain", c)
	}
}

// TestCIReusableNestedCalls: job release of app calls shared's outer
// workflow and passes its NPM_TOKEN as registry. Outer's job nest calls
// inner and passes registry as token, and its job pass calls dump with
// secrets: inherit, which hands over what outer received. The called jobs
// all run in app's release job, so inner's deploy and dump's dump read
// app's NPM_TOKEN, hold release's GITHUB_TOKEN and OIDC token, and read
// no secret of shared, which passes none of its own.
func TestCIReusableNestedCalls(t *testing.T) {
	npm := ghSecret("example-org/app", "", "NPM_TOKEN")
	s := ciStore(t, "reusable-nested", npm)
	caller := graph.GHAJobID("example-org/app", ".github/workflows/release.yml", "release")
	want := []string{
		npm.ID + " (certain)",
		graph.GHAOIDCTokenID(caller) + " (certain)",
		graph.GHATokenID(caller) + " (certain)",
	}
	for _, action := range []string{"inner", "dump"} {
		got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+action+"@v1")), "secret:")
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s reaches (-got +want):\n%s", action, diff)
		}
	}
}

// TestCIReusableOwnOIDCSubject: shared's deploy workflow only runs when
// called and requests id-token: write, and app's deploy job, which grants
// it, calls it. GitHub names the caller's repository and ref in the
// called job's token, so the job assumes the role that trusts app's main
// branch and not the one that trusts shared's subjects.
func TestCIReusableOwnOIDCSubject(t *testing.T) {
	sub := func(cond string) string {
		return trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"` + cond + `"}}`)
	}
	appMain := role("app-main", sub("repo:example-org/app:ref:refs/heads/main"))
	shared := role("shared-any", sub("repo:example-org/shared:*"))
	s := ciStore(t, "reusable-own-oidc", appMain, shared,
		node(provider, graph.NodeIdentity, "provider", "aws", "type", "oidc-provider", "account", acct))
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/apply@v1"))
	got := pick(r, "arn:aws:iam::"+acct+":role/")
	if diff := cmp.Diff(got, []string{appMain.ID + " (certain)"}); diff != "" {
		t.Errorf("the called job assumes (-got +want):\n%s", diff)
	}
}

// TestCIReusableNestedPushAndCall: job release of app calls shared's build
// workflow with secrets: inherit, and build's job nest calls inner with
// secrets: inherit too. Build also runs on push, yet when app calls it,
// its call of inner runs in app's release job: inner's deploy reads app's
// NPM_TOKEN and holds release's GITHUB_TOKEN, as well as shared's
// NPM_TOKEN and nest's GITHUB_TOKEN from build's own runs.
func TestCIReusableNestedPushAndCall(t *testing.T) {
	appNPM := ghSecret("example-org/app", "", "NPM_TOKEN")
	sharedNPM := ghSecret("example-org/shared", "", "NPM_TOKEN")
	s := ciStore(t, "reusable-nested-push", appNPM, sharedNPM)
	release := graph.GHAJobID("example-org/app", ".github/workflows/release.yml", "release")
	nest := graph.GHAJobID("example-org/shared", ".github/workflows/build.yml", "nest")
	r := radius(t, s, pkgStart("pkg:githubactions/example-vendor/inner@v1"))
	for _, id := range []string{appNPM.ID, sharedNPM.ID, graph.GHATokenID(release), graph.GHATokenID(nest)} {
		if _, ok := r[id]; !ok {
			t.Errorf("inner does not reach %s; it reaches %v", id, pick(r, "secret:"))
		}
	}
}

// TestCIReusableNestedInherit: job release of app calls shared's outer
// workflow with secrets: inherit, and outer, which only runs when called,
// has job nest call inner with secrets: inherit as well. Nest runs on
// behalf of release, so the secrets it hands on are app's NPM_TOKEN and
// OTHER, never shared's SHARED_KEY.
func TestCIReusableNestedInherit(t *testing.T) {
	npm := ghSecret("example-org/app", "", "NPM_TOKEN")
	other := ghSecret("example-org/app", "", "OTHER")
	shared := ghSecret("example-org/shared", "", "SHARED_KEY")
	s := ciStore(t, "reusable-nested-inherit", npm, other, shared)
	nest := graph.GHAJobID("example-org/shared", ".github/workflows/outer.yml", "nest")
	r := radius(t, s, query.Start{Runtimes: []string{nest}})
	if got := pick(r, "secret:gha:example-org/shared/"); len(got) != 0 {
		t.Errorf("nest reads %v, want no secret of shared", got)
	}
	for _, id := range []string{npm.ID, other.ID} {
		if c := r[id]; c != graph.Certain {
			t.Errorf("nest reads %s as %q, want certain", id, c)
		}
	}
}
