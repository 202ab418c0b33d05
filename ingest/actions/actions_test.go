package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		rel  string
		head string
		want bool
	}{
		{".github/workflows/ci.yml", "", true},
		{".github/workflows/ci.yaml", "anything", true},
		{"sub/dir/.github/workflows/ci.yml", "", true},
		{".github/workflows/README.md", "", false},
		{".github/workflows/nested/ci.yml", "kind: Pod\n", false},
		{"action.yml", "name: x\ndescription: y\nruns:\n  using: node20\n", true},
		{".github/actions/setup/action.yaml", "inputs:\n  a: {}\n", true},
		{"action.yml", "apiVersion: v1\nkind: Pod\n", false},
		{"ci/build.yml", "on:\n  push:\njobs:\n  a:\n    runs-on: x\n", false},
		{"ci/call.yml", "\"on\": push\njobs:\n  a:\n    uses: o/r/.github/workflows/x.yml@v1\n", false},
		{"k8s/deploy.yml", "apiVersion: apps/v1\nkind: Deployment\n", false},
		{"ci/other.yml", "on: push\nsteps: []\n", false},
	}
	for _, tt := range tests {
		f := &ingest.File{Path: tt.rel, RelPath: tt.rel, Head: []byte(tt.head)}
		if got := New().Detect(f); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.rel, got, tt.want)
		}
	}

	// A workflow-shaped file outside .github/workflows is read when the
	// user names it. A walk that starts in a .github/workflows folder
	// gives its files a path of only their name, and they are read too.
	head := []byte("on:\n  push:\njobs:\n  a:\n    runs-on: x\n")
	named := &ingest.File{Path: "ci/build.yml", RelPath: "ci/build.yml", Head: head, Named: true}
	if !New().Detect(named) {
		t.Errorf("Detect(ci/build.yml named alone) = false, want true")
	}
	inFolder := &ingest.File{Path: "app/.github/workflows/ci.yml", RelPath: "ci.yml", Head: head}
	if !New().Detect(inFolder) {
		t.Errorf("Detect(ci.yml of a walk of .github/workflows) = false, want true")
	}
}

func TestSkipReason(t *testing.T) {
	head := []byte("on:\n  push:\njobs:\n  a:\n    runs-on: x\n")
	const reason = "not in .github/workflows: GitHub does not run it"
	tests := []struct {
		rel   string
		named bool
		head  []byte
		want  string
	}{
		{".github/workflow/ci.yml", false, head, reason},
		{".github/workflows/sub/ci.yml", false, head, reason},
		{".gitea/workflows/ci.yaml", false, head, reason},
		{".github/workflow/ci.yml", true, head, ""},
		{".github/workflows/ci.yml", false, head, ""},
		{"k8s/deploy.yml", false, []byte("apiVersion: apps/v1\nkind: Deployment\n"), ""},
		{"action.yml", false, head, ""},
		{"ci/build.txt", false, head, ""},
	}
	for _, tt := range tests {
		f := &ingest.File{Path: "repo/" + tt.rel, RelPath: tt.rel, Head: tt.head, Named: tt.named}
		if got := New().Skip(f); got != tt.want {
			t.Errorf("Skip(%s, named %v) = %q, want %q", tt.rel, tt.named, got, tt.want)
		}
	}
}

func TestSecretRefs(t *testing.T) {
	all := secretRef{All: true}
	tests := []struct {
		in    string
		whole bool
		want  []secretRef
	}{
		{"${{ secrets.A }}", false, []secretRef{{Name: "A"}}},
		{"${{ SECRETS.lower_case }}", false, []secretRef{{Name: "LOWER_CASE"}}},
		{"${{ secrets['B'] }} and ${{secrets[ 'c' ]}}", false, []secretRef{{Name: "B"}, {Name: "C"}}},
		{"${{ toJSON(secrets) }}", false, []secretRef{all}},
		{"${{ secrets[format('{0}_KEY', inputs.env)] }}", false, []secretRef{all}},
		{"${{ secrets[matrix.name] }}", false, []secretRef{all}},
		{"${{ secrets.* }}", false, []secretRef{all}},
		{"${{ github.event.secrets.X }}", false, nil},
		{"${{ 'secrets.X' }}", false, nil},
		{"${{ 'it''s }}' }} ${{ secrets.AFTER }}", false, []secretRef{{Name: "AFTER"}}},
		{"secrets.PLAIN_TEXT", false, nil},
		{"secrets.IN_IF != ''", true, []secretRef{{Name: "IN_IF"}}},
		{"${{ format('{0}', secrets.X) }}", false, []secretRef{{Name: "X"}}},
		{"${{ secrets.app-private-key }}", false, []secretRef{{Name: "APP-PRIVATE-KEY"}}},
		{"${{ secrets.UNCLOSED", false, []secretRef{{Name: "UNCLOSED"}}},
		{"${{ secrets", false, []secretRef{all}},
		{"${{ secrets.A || secrets.B }}", false, []secretRef{{Name: "A"}, {Name: "B"}}},
	}
	for _, tt := range tests {
		got := secretRefs(tt.in, tt.whole)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("secretRefs(%q) (-got +want):\n%s", tt.in, diff)
		}
	}
}

func TestSecretsPerJob(t *testing.T) {
	res := parseFile(t, "secrets.yml")
	token := func(job string) string { return graph.GHATokenID(jobID("secrets.yml", job)) }
	sec := func(name string) string { return graph.GHASecretID(testRepo, name) }
	allSecrets := graph.GHAAllSecretsID(testRepo)
	tests := []struct {
		job  string
		want []string
	}{
		// The workflow-level env reaches every job; BUILD_ONLY only build.
		{"build", []string{sec("BUILD_ONLY"), sec("SHARED_TOKEN"), token("build")}},
		{"dump", []string{allSecrets, sec("SHARED_TOKEN"), token("dump")}},
		{"computed", []string{allSecrets, sec("SHARED_TOKEN"), token("computed")}},
		// GITHUB_TOKEN is the job token, not an Actions secret. The named
		// secrets of a job in an environment are left to the linker.
		{"indexed", []string{token("indexed")}},
	}
	for _, tt := range tests {
		got := targets(res, jobID("secrets.yml", tt.job), graph.EdgeExposes)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("job %s EXPOSES (-got +want):\n%s", tt.job, diff)
		}
	}

	// Text outside ${{ }} and inside string literals is no reference.
	if got := findNode(t, res, jobID("secrets.yml", "indexed")).Attr("environment_secret_refs"); got != "DEPLOY_KEY,MAYBE,SHARED_TOKEN" {
		t.Errorf("indexed: environment_secret_refs = %q, want DEPLOY_KEY,MAYBE,SHARED_TOKEN", got)
	}
	if hasNodeID(res, sec("DEPLOY_KEY")) {
		t.Errorf("a job in an environment wrote a repository secret node")
	}
	e := findEdge(t, res, jobID("secrets.yml", "build"), graph.EdgeExposes, sec("BUILD_ONLY"))
	wantAttrs := map[string]string{"via": "ci-secret", "name": "BUILD_ONLY"}
	if diff := cmp.Diff(e.Attrs, wantAttrs); diff != "" {
		t.Errorf("BUILD_ONLY edge attrs (-got +want):\n%s", diff)
	}
	if e.Pos.Line != 12 {
		t.Errorf("BUILD_ONLY edge line = %d, want 12", e.Pos.Line)
	}
	e = findEdge(t, res, jobID("secrets.yml", "dump"), graph.EdgeExposes, allSecrets)
	if e.Attr("all") != "true" || e.Attr("via") != "ci-secret" {
		t.Errorf("all-secrets edge attrs = %v", e.Attrs)
	}
	n := findNode(t, res, allSecrets)
	if n.Attr("type") != "all-actions-secrets" {
		t.Errorf("all-secrets node type = %q", n.Attr("type"))
	}
	n = findNode(t, res, sec("SHARED_TOKEN"))
	wantNode := map[string]string{
		"provider": "github", "type": "actions-secret", "name": "SHARED_TOKEN",
		"repository": testRepo, "long_lived": "true",
	}
	if diff := cmp.Diff(n.Attrs, wantNode); diff != "" {
		t.Errorf("secret node attrs (-got +want):\n%s", diff)
	}
}

func TestPermissions(t *testing.T) {
	repo := graph.RepoID("", testRepo)
	writeAll := "actions:write,attestations:write,checks:write,contents:write,deployments:write," +
		"discussions:write,id-token:write,issues:write,models:read,packages:write,pages:write," +
		"pull-requests:write,repository-projects:write,security-events:write,statuses:write"
	// id-token:write mints OIDC tokens and grants nothing on the
	// repository, so CAN_ACCESS leaves it out of its actions.
	writeAllRepo := strings.Replace(writeAll, "id-token:write,", "", 1)
	tests := []struct {
		file, job   string
		perms       string
		modify      graph.Confidence // "" for no CAN_MODIFY edge
		accessLevel string           // "" for no CAN_ACCESS edge
		oidc        bool
		access      string // CAN_ACCESS actions when they differ from perms
	}{
		{"permissions.yml", "inherit", "contents:read", "", "read", false, ""},
		{"permissions.yml", "override", "contents:write,id-token:write", graph.Certain, "write", true, "contents:write"},
		{"permissions.yml", "nothing", "none", "", "", false, ""},
		// actions:write starts workflows but pushes no code.
		{"permissions.yml", "dispatcher", "actions:write", "", "write", false, ""},
		{"permissions.yml", "everything", writeAll, graph.Certain, "write", true, writeAllRepo},
		{"defaults.yml", "build", "default", graph.Possible, "write", false, ""},
	}
	for _, tt := range tests {
		res := parseFile(t, tt.file)
		rid := jobID(tt.file, tt.job)
		ident := graph.GHATokenIdentityID(rid)

		rt := findNode(t, res, rid)
		if got := rt.Attr("permissions"); got != tt.perms {
			t.Errorf("%s permissions = %q, want %q", tt.job, got, tt.perms)
		}
		wantDefault := ""
		if tt.perms == "default" {
			wantDefault = "true"
		}
		if got := rt.Attr("permissions_default"); got != wantDefault {
			t.Errorf("%s permissions_default = %q, want %q", tt.job, got, wantDefault)
		}
		if got := findNode(t, res, ident).Attr("permissions"); got != tt.perms {
			t.Errorf("%s identity permissions = %q, want %q", tt.job, got, tt.perms)
		}
		findEdge(t, res, rid, graph.EdgeExposes, graph.GHATokenID(rid))
		findEdge(t, res, graph.GHATokenID(rid), graph.EdgeAuthenticatesAs, ident)

		if tt.modify == "" {
			if hasEdge(res, ident, graph.EdgeCanModify, repo) {
				t.Errorf("%s: unexpected CAN_MODIFY", tt.job)
			}
		} else if e := findEdge(t, res, ident, graph.EdgeCanModify, repo); e.Confidence != tt.modify {
			t.Errorf("%s CAN_MODIFY confidence = %s, want %s", tt.job, e.Confidence, tt.modify)
		}
		if tt.accessLevel == "" {
			if hasEdge(res, ident, graph.EdgeCanAccess, repo) {
				t.Errorf("%s: unexpected CAN_ACCESS", tt.job)
			}
		} else {
			access := tt.access
			if access == "" {
				access = tt.perms
			}
			e := findEdge(t, res, ident, graph.EdgeCanAccess, repo)
			if e.Attr("level") != tt.accessLevel || e.Attr("actions") != access {
				t.Errorf("%s CAN_ACCESS attrs = %v, want level %s actions %s", tt.job, e.Attrs, tt.accessLevel, access)
			}
		}
		if got := hasEdge(res, rid, graph.EdgeExposes, graph.GHAOIDCTokenID(rid)); got != tt.oidc {
			t.Errorf("%s OIDC token exposed = %v, want %v", tt.job, got, tt.oidc)
		}
	}
}

func TestOIDCSubjects(t *testing.T) {
	res := parseFile(t, "oidc.yml")
	p := "repo:" + testRepo + ":"
	tests := []struct {
		job      string
		subs     string
		wildcard string
		env      string
	}{
		{"deploy", p + "environment:production", "", "production"},
		{"stage", p + "environment:staging", "", "staging"},
		{"chosen", p + "environment:*", "true", "${{ github.event.inputs.target }}"},
		{"plain", p + "pull_request," + p + "ref:refs/heads/main," + p + "ref:refs/heads/release/**," + p + "ref:refs/tags/v*", "true", ""},
	}
	for _, tt := range tests {
		rid := jobID("oidc.yml", tt.job)
		tok := graph.GHAOIDCTokenID(rid)
		subj := graph.GHAOIDCSubjectID(rid)
		if e := findEdge(t, res, rid, graph.EdgeExposes, tok); e.Attr("via") != "oidc" {
			t.Errorf("%s OIDC via = %q", tt.job, e.Attr("via"))
		}
		findEdge(t, res, tok, graph.EdgeAuthenticatesAs, subj)
		n := findNode(t, res, subj)
		got := map[string]string{"subs": n.Attr("subs"), "wildcard": n.Attr("subs_wildcard"), "env": n.Attr("environment")}
		want := map[string]string{"subs": tt.subs, "wildcard": tt.wildcard, "env": tt.env}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s subject (-got +want):\n%s", tt.job, diff)
		}
		if n.Attr("issuer") != "https://token.actions.githubusercontent.com" || n.Attr("provider") != "github-oidc" || n.Attr("events") != "pull_request,push" {
			t.Errorf("%s subject attrs = %v", tt.job, n.Attrs)
		}
		if tok := findNode(t, res, tok); tok.Attr("long_lived") != "false" || tok.Attr("type") != "oidc-token" {
			t.Errorf("%s OIDC token attrs = %v", tt.job, tok.Attrs)
		}
	}
}

func TestOIDCSubjectsAnyRef(t *testing.T) {
	tests := []struct {
		name     string
		triggers []trigger
		subs     []string
		anyRef   bool
		wildcard bool
	}{
		{"dispatch", []trigger{{Event: "workflow_dispatch"}}, []string{"repo:o/r:ref:*"}, true, false},
		{"push unfiltered", []trigger{{Event: "push"}}, []string{"repo:o/r:ref:*"}, true, false},
		{"target", []trigger{{Event: "pull_request_target"}}, []string{"repo:o/r:pull_request"}, false, false},
		{"tags only", []trigger{{Event: "push", TagsSet: true, Tags: []string{"v1.0"}}}, []string{"repo:o/r:ref:refs/tags/v1.0"}, false, false},
		{"branches-ignore", []trigger{{Event: "push", BranchesSet: true, BranchesAny: true}}, []string{"repo:o/r:ref:refs/heads/*"}, false, true},
	}
	for _, tt := range tests {
		got := oidcSubjects("o/r", "", false, tt.triggers)
		want := subjects{Subs: tt.subs, AnyRef: tt.anyRef, Wildcard: tt.wildcard}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", tt.name, diff)
		}
	}
}

func TestUses(t *testing.T) {
	res := parseFile(t, "uses.yml")
	build := jobID("uses.yml", "build")
	checkout := "pkg:githubactions/actions/checkout@0123456789abcdef0123456789abcdef01234567"
	lint := "pkg:githubactions/example-vendor/tools@v2#lint"
	ghcr := "pkg:docker/example-org/tool@1.2?repository_url=ghcr.io"
	alpine := "pkg:docker/alpine@sha256:2222222222222222222222222222222222222222222222222222222222222222"
	// The local action is the Package node of the action.yml file in
	// .github/actions/local of the job's own repository.
	localAction := "pkg:githubactions/example-org/app#.github/actions/local"
	tests := []struct {
		to    string
		attrs map[string]string
	}{
		{checkout, map[string]string{"via": "uses", "pinned": "sha", "step": "0,5"}},
		{localAction, map[string]string{"via": "uses", "pinned": "local", "step": "4",
			"reason": "a step runs the action in ./.github/actions/local from the job's checkout of example-org/app"}},
		{lint, map[string]string{"via": "uses", "pinned": "tag-or-branch", "step": "1"}},
		{ghcr, map[string]string{"via": "uses", "pinned": "tag", "step": "2"}},
		{alpine, map[string]string{"via": "uses", "pinned": "digest", "step": "3"}},
	}
	var want []string
	for _, tt := range tests {
		want = append(want, tt.to)
		e := findEdge(t, res, build, graph.EdgeExecutes, tt.to)
		if diff := cmp.Diff(e.Attrs, tt.attrs); diff != "" {
			t.Errorf("EXECUTES %s attrs (-got +want):\n%s", tt.to, diff)
		}
	}
	if diff := cmp.Diff(targets(res, build, graph.EdgeExecutes), sorted(want)); diff != "" {
		t.Errorf("build EXECUTES (-got +want):\n%s", diff)
	}

	findEdge(t, res, lint, graph.EdgeVersionOf, "pkg:githubactions/example-vendor/tools")
	findEdge(t, res, ghcr, graph.EdgeVersionOf, "pkg:docker/example-org/tool?repository_url=ghcr.io")
	n := findNode(t, res, lint)
	wantPkg := map[string]string{"ecosystem": "githubactions", "name": "example-vendor/tools", "version": "v2", "subpath": "lint"}
	if diff := cmp.Diff(n.Attrs, wantPkg); diff != "" {
		t.Errorf("package attrs (-got +want):\n%s", diff)
	}

	rt := findNode(t, res, build)
	gotRT := map[string]string{}
	for _, k := range []string{"runs_on", "self_hosted", "container", "services", "local_actions"} {
		gotRT[k] = rt.Attr(k)
	}
	wantRT := map[string]string{
		"runs_on": "linux,self-hosted", "self_hosted": "true", "container": "node:20",
		"services": "postgres:16,redis:7", "local_actions": "./.github/actions/local",
	}
	if diff := cmp.Diff(gotRT, wantRT); diff != "" {
		t.Errorf("runtime attrs (-got +want):\n%s", diff)
	}

	call := jobID("uses.yml", "call")
	e := findEdge(t, res, call, graph.EdgeExecutes, "pkg:githubactions/example-org/shared@v3#.github/workflows/build.yml")
	if diff := cmp.Diff(e.Attrs, map[string]string{"via": "uses", "reusable": "true", "pinned": "tag-or-branch", "secrets": "inherit"}); diff != "" {
		t.Errorf("reusable call attrs (-got +want):\n%s", diff)
	}
	if e := findEdge(t, res, call, graph.EdgeExposes, graph.GHAAllSecretsID(testRepo)); e.Attr("all") != "true" {
		t.Errorf("inherit edge attrs = %v", e.Attrs)
	}

	local := jobID("uses.yml", "local")
	e = findEdge(t, res, local, graph.EdgeExecutes, "pkg:githubactions/example-org/app#.github/workflows/reuse.yml")
	if e.Attr("secrets") != "token=DEPLOY_TOKEN" {
		t.Errorf("local call secrets = %q", e.Attr("secrets"))
	}
	wantExp := []string{graph.GHASecretID(testRepo, "DEPLOY_TOKEN"), graph.GHATokenID(local)}
	if diff := cmp.Diff(targets(res, local, graph.EdgeExposes), wantExp); diff != "" {
		t.Errorf("local call EXPOSES (-got +want):\n%s", diff)
	}

	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	wantDiags := []string{
		".github/workflows/uses.yml:17:15: job build: step 7: action not recorded: uses is missing its @ref",
		".github/workflows/uses.yml:25:3: job broken skipped: expected a mapping",
	}
	if diff := cmp.Diff(diags, wantDiags); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}
	if hasNodeID(res, jobID("uses.yml", "broken")) {
		t.Errorf("job broken was recorded")
	}
}

func TestInstalls(t *testing.T) {
	res := parseFile(t, "installs.yml")
	tests := []struct {
		job, installs, dirs string
	}{
		// npm ci runs in the default directory web; cd ../api moves the
		// rest of the script to api.
		{"js", "golang,npm,pypi", "api,web"},
		{"rb", "cargo,gem", ".,crates/core"},
		{"quiet", "", ""},
		// The repository is checked out into src, so src/web is the
		// repository's web folder; the second checkout is of another
		// repository and moves nothing.
		{"nested", "npm", "web"},
		// Only another repository is checked out: the folder stays as
		// the workspace names it.
		{"other", "npm", "tools"},
	}
	for _, tt := range tests {
		n := findNode(t, res, jobID("installs.yml", tt.job))
		got := []string{n.Attr("installs"), n.Attr("install_dirs")}
		if diff := cmp.Diff(got, []string{tt.installs, tt.dirs}); diff != "" {
			t.Errorf("job %s installs, dirs (-got +want):\n%s", tt.job, diff)
		}
	}
}

func TestScriptInstalls(t *testing.T) {
	tests := []struct {
		script, wd string
		want       []install
	}{
		{"npm ci", "", []install{{"npm", "."}}},
		{"npm i --no-audit", "", []install{{"npm", "."}}},
		{"npm run build && npm test", "", nil},
		{"yarn", "", []install{{"npm", "."}}},
		{"yarn --frozen-lockfile", "", []install{{"npm", "."}}},
		{"yarn build", "", nil},
		{"pnpm install\nnpx eslint .", "app", []install{{"npm", "app"}, {"npm", "app"}}},
		{"sudo -E pip3 install -r req.txt", "", []install{{"pypi", "."}}},
		{"python3.12 -m pip install .", "", []install{{"pypi", "."}}},
		{"poetry install --no-root; pipenv install", "", []install{{"pypi", "."}, {"pypi", "."}}},
		// uv run brings the environment in line with the lockfile first.
		{"uv sync\nuv pip install x\nuv run y", "", []install{{"pypi", "."}, {"pypi", "."}, {"pypi", "."}}},
		{"go test ./...\ngo vet ./...\ngo mod download\ngo mod tidy", "", []install{{"golang", "."}, {"golang", "."}}},
		{"cargo build --release", "", []install{{"cargo", "."}}},
		{"bundle install && bundle exec rake", "", []install{{"gem", "."}}},
		{"composer install --no-dev", "", []install{{"composer", "."}}},
		{"npm --prefix web ci", "", []install{{"npm", "web"}}},
		{"CI=1 npm ci", "", []install{{"npm", "."}}},
		{"if [ -f x ]; then npm ci; fi", "", []install{{"npm", "."}}},
		// A shell's -c script runs in the step's folder.
		{"bash -c 'cd web && npm ci'", "", []install{{"npm", "web"}}},
		{"sh -ec \"pip install -r requirements.txt\"", "app", []install{{"pypi", "app"}}},
		// A backslash in double quotes escapes a quote, so the quote does
		// not end the string.
		{`bash -c "cd \"my app\" && npm ci"`, "", []install{{"npm", "my app"}}},
		{"cd web\nnpm ci\ncd ..\ngo build", "", []install{{"npm", "web"}, {"golang", "."}}},
		{"pushd web && npm ci && popd && go build", "", []install{{"npm", "web"}, {"golang", "."}}},
		{"echo \"npm ci\" # npm ci", "", nil},
		{"npm \\\n  ci", "", []install{{"npm", "."}}},
		// The commands of a substitution run before the command.
		{"VERSION=$(git describe; npm ci) make", "", []install{{"npm", "."}}},
		{"VERSION=$(npx semantic-release --dry-run)", "web", []install{{"npm", "web"}}},
		{"cd ${{ matrix.dir }} && npm ci", "", []install{{"npm", "${{ matrix.dir }}"}}},
	}
	for _, tt := range tests {
		got := scriptInstalls(tt.script, tt.wd)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("scriptInstalls(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestCanary(t *testing.T) {
	const canary = "CANARY-actions-7f3a"
	data, err := os.ReadFile("testdata/canary.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), canary) {
		t.Fatal("canary missing from the input")
	}
	res, err := parseBytes(t, testRepo, ".github/workflows/canary.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), canary) || strings.Contains(dump(res), canary) {
		t.Errorf("canary value reached the result")
	}
	// The literal handed over as a secret is kept only as a fingerprint.
	e := findEdge(t, res, jobID("canary.yml", "call"), graph.EdgeExecutes, "pkg:githubactions/example-org/shared@v1#.github/workflows/x.yml")
	if e.Attr("fingerprint") != "fp" || e.Attr("stored_inline") != "true" {
		t.Errorf("literal secret attrs = %v", e.Attrs)
	}
}

func TestRejects(t *testing.T) {
	syntax, err := os.ReadFile("testdata/syntax-error.yml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, rel, data, want string
	}{
		{"syntax", ".github/workflows/syntax-error.yml", string(syntax),
			".github/workflows/syntax-error.yml:4:5: yaml syntax: mapping values are not allowed in this context"},
		// The decoder names the line where the unclosed scalar starts.
		{"unclosed quote", ".github/workflows/q.yml", "on: push\njobs:\n  a:\n    runs-on: 'x\n",
			".github/workflows/q.yml:4:5: yaml syntax: found unexpected end of stream"},
		{"list", ".github/workflows/l.yml", "- a\n- b\n", ".github/workflows/l.yml:1:1: invalid top level: expected a mapping"},
		{"empty", ".github/workflows/e.yml", "# nothing\n", ".github/workflows/e.yml:1: workflow is empty"},
		// The decoder places the null after a lone document marker on line
		// 2, which a file of one line does not have.
		{"document marker only", ".github/workflows/m.yml", "---", ".github/workflows/m.yml:1: workflow is empty"},
		{"document marker and end", ".github/workflows/m.yml", "\n---\n...\n", ".github/workflows/m.yml:1: workflow is empty"},
		{"no bytes", ".github/workflows/z.yml", "", ".github/workflows/z.yml:1: workflow is empty"},
		{"empty action", "action.yml", "---\n", "action.yml:1: file is empty"},
		// An explicit null is a value, not an empty file.
		{"null", ".github/workflows/u.yml", "null\n", ".github/workflows/u.yml:1:1: invalid top level: expected a mapping"},
		{"no jobs", ".github/workflows/n.yml", "on: push\n", ".github/workflows/n.yml:1:1: workflow is missing its jobs key"},
		{"jobs list", ".github/workflows/j.yml", "on: push\njobs:\n  - a\n", ".github/workflows/j.yml:3:3: invalid jobs: expected a mapping of job ids"},
		{"neither", "other.yml", "name: x\n", "other.yml:1:1: neither a workflow nor an action: jobs and runs keys are both missing"},
	}
	for _, tt := range tests {
		res, err := parseBytes(t, testRepo, tt.rel, []byte(tt.data))
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v is not an *ingest.Error", tt.name, err)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("%s: error\n got %s\nwant %s", tt.name, got, tt.want)
		}
		if len(res.Nodes) != 0 || len(res.Edges) != 0 {
			t.Errorf("%s: rejected file left facts", tt.name)
		}
	}
}

func TestActionMetadata(t *testing.T) {
	data, err := os.ReadFile("testdata/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		repo, rel string
		want      []string
		edges     int
	}{
		{testRepo, "action.yml", []string{"pkg:githubactions/example-org/app"}, 0},
		{"Example-Org/App", ".github/actions/setup/action.yml", []string{"pkg:githubactions/example-org/app#.github/actions/setup"}, 0},
		{"", "action.yml", nil, 0},
	}
	for _, tt := range tests {
		res, err := parseBytes(t, tt.repo, tt.rel, data)
		if err != nil {
			t.Fatalf("%s: %v", tt.rel, err)
		}
		var got []string
		for i, n := range res.Nodes {
			got = append(got, n.ID)
			if i == 0 && (n.Kind != graph.NodePackage || n.Attr("using") != "composite" || n.Attr("ecosystem") != "githubactions") {
				t.Errorf("%s: node %s = %v %v", tt.rel, n.ID, n.Kind, n.Attrs)
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s nodes (-got +want):\n%s", tt.rel, diff)
		}
		if len(res.Edges) != tt.edges || len(res.Diags) != 0 {
			t.Errorf("%s: edges %d diags %v, want %d edges", tt.rel, len(res.Edges), res.Diags, tt.edges)
		}
	}
}

func hasNodeID(res *ingest.Result, id string) bool {
	for _, n := range res.Nodes {
		if n.ID == id {
			return true
		}
	}
	return false
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// aliasBomb returns a workflow of ten levels of ten aliases each, which
// expand to 10^9 strings.
func aliasBomb() []byte {
	var b strings.Builder
	b.WriteString("on: push\nl0: &l0 ['${{ secrets.A }} " + strings.Repeat("x", 1000) + "']\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for k := 0; k < 10; k++ {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("jobs:\n  a:\n    runs-on: x\n    env:\n      E: *l9\n    steps: *l9\n")
	return []byte(b.String())
}

// TestAliasExpansionIsBounded expects the walk of aliasBomb to stop with
// a diagnostic.
func TestAliasExpansionIsBounded(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/bomb.yml", aliasBomb())
	if err != nil {
		t.Fatal(err)
	}

	var truncated bool
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "too large or too nested") {
			truncated = true
		}
	}
	if !truncated {
		t.Errorf("no truncation diagnostic; diagnostics %v", res.Diags)
	}
	checkResult(t, res)
}

func TestCompositeActionUses(t *testing.T) {
	data, err := os.ReadFile("testdata/composite/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, "example-org/lint", "action.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	self := "pkg:githubactions/example-org/lint"
	got := targets(res, self, graph.EdgeDependsOn)
	want := []string{
		"pkg:githubactions/example-vendor/changed-files@0123456789abcdef0123456789abcdef01234567",
		"pkg:githubactions/example-vendor/setup-linter@v1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DEPENDS_ON (-want +got):\n%s", diff)
	}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Confidence != graph.Possible {
			t.Errorf("%s -> %s is %s, want possible: which versions contain these steps is unknown", e.From, e.To, e.Confidence)
		}
	}
}

// A workflow that only runs when called uses its caller's token, so it
// writes no token of its own. One that can also run by itself does.
func TestCalledWorkflowToken(t *testing.T) {
	const body = "jobs:\n  post:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n      id-token: write\n    steps:\n      - run: echo\n"
	tests := []struct {
		name, on string
		token    bool
	}{
		{"called only", "on:\n  workflow_call:\n", false},
		{"called only, list", "on: [workflow_call]\n", false},
		{"called or dispatched", "on:\n  workflow_call:\n  workflow_dispatch:\n", true},
	}
	for _, tt := range tests {
		rel := ".github/workflows/announce.yml"
		res, err := parseBytes(t, testRepo, rel, []byte(tt.on+body))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		checkResult(t, res)
		rid := graph.GHAJobID(testRepo, rel, "post")
		if got := findNode(t, res, rid).Attr("permissions"); got != "contents:write,id-token:write" {
			t.Errorf("%s: permissions = %q, want the job's request", tt.name, got)
		}
		repo := graph.RepoID("", testRepo)
		ident := graph.GHATokenIdentityID(rid)
		got := []bool{
			hasEdge(res, rid, graph.EdgeExposes, graph.GHATokenID(rid)),
			hasEdge(res, ident, graph.EdgeCanModify, repo),
			hasEdge(res, ident, graph.EdgeCanAccess, repo),
		}
		want := []bool{tt.token, tt.token, tt.token}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s: token, CAN_MODIFY, CAN_ACCESS (-got +want):\n%s", tt.name, diff)
		}
	}
}

// manyExports returns a workflow whose first step writes 20,000
// variables to $GITHUB_ENV, followed by 500 steps that inherit them.
func manyExports() []byte {
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "          echo VAR_%d=value%d >> $GITHUB_ENV\n", i, i)
	}
	for i := range 500 {
		fmt.Fprintf(&b, "      - run: echo %d\n", i)
	}
	return []byte(b.String())
}

// TestExportedVariablesAreBounded parses manyExports. Each step receives
// every variable, so the reading is charged to the file's work limit, and
// it stops with a diagnostic. Unbounded, such a file took minutes;
// BenchmarkBoundedWorkflows measures it bounded.
func TestExportedVariablesAreBounded(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/env.yml", manyExports())
	if err != nil {
		t.Fatal(err)
	}

	var truncated bool
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "too large or too nested") {
			truncated = true
		}
	}
	if !truncated {
		t.Errorf("no truncation diagnostic; diagnostics %v", res.Diags)
	}
	checkResult(t, res)
}
