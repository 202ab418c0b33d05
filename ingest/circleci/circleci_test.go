package circleci

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
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
		{".circleci/config.yml", "", true},
		{"sub/.circleci/config.yaml", "", true},
		{".circleci/continue.yml", "version: 2.1\njobs:\n", true},
		{".circleci/notes.yml", "title: x\n", false},
		{"src/jobs/build.yml", "description: x\nsteps:\n", false},
		{".github/workflows/ci.yml", "on: push\njobs:\n", false},
	}
	for _, tt := range tests {
		f := &ingest.File{Path: tt.rel, RelPath: tt.rel, Head: []byte(tt.head)}
		if got := New().Detect(f); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

func TestJobs(t *testing.T) {
	res := mustParse(t, "app")
	var jobs []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime {
			jobs = append(jobs, n.Attr("job"))
		}
	}
	// hold is an approval: it runs nothing.
	if diff := cmp.Diff(jobs, []string{"test", "deploy", "notify", "orb-test"}); diff != "" {
		t.Errorf("jobs (-got +want):\n%s", diff)
	}
	if res.Records != 4 {
		t.Errorf("records = %d, want 4", res.Records)
	}

	tests := []struct {
		job   string
		attrs map[string]string
	}{
		{"test", map[string]string{"image": "cimg/node:20.11", "services": "postgres:16", "installs": "npm", "env_reads": "CODECOV_TOKEN", "orbs": "node", "contexts": ""}},
		{"deploy", map[string]string{"image": "cimg/python:3.11", "installs": "pypi", "install_dirs": "app", "commands": "aws,deploy.sh,pip", "contexts": "aws-prod,prod-deploy", "branches": "main", "orbs": "aws-cli"}},
		{"notify", map[string]string{"machine": "ubuntu-2204:2024.01.1", "orbs": "slack", "tags": "/^v[0-9]+$/", "contexts": "slack"}},
		{"orb-test", map[string]string{"job_ref": "node/test", "orb_job": "true", "installs": "npm", "orbs": "aws-cli,node"}},
	}
	for _, tt := range tests {
		n := findNode(t, res, jobID(tt.job))
		for k, want := range tt.attrs {
			if got := n.Attr(k); got != want {
				t.Errorf("%s: attr %s = %q, want %q", tt.job, k, got, want)
			}
		}
	}
}

func TestContexts(t *testing.T) {
	res := mustParse(t, "app")
	project := graph.CircleCIProjectVariablesID(testRepo)
	ctx := func(name string) string { return graph.CircleCIContextID("example-org", name) }
	tests := []struct {
		job  string
		want []string
	}{
		{"test", []string{project, graph.CircleCIInlineSecretID(jobID("test"), "POSTGRES_PASSWORD"), graph.CircleCIOIDCTokenID(jobID("test"))}},
		{"deploy", []string{project, ctx("aws-prod"), ctx("prod-deploy"), graph.CircleCIOIDCTokenID(jobID("deploy")),
			graph.CircleCISSHKeyID(testRepo, "SO:ME:FI:NG:ER:PR:IN:T0")}},
		{"notify", []string{project, ctx("slack"), graph.CircleCIOIDCTokenID(jobID("notify"))}},
		{"orb-test", []string{project, graph.CircleCIOIDCTokenID(jobID("orb-test"))}},
	}
	for _, tt := range tests {
		sortStrings(tt.want)
		if diff := cmp.Diff(targets(res, jobID(tt.job), graph.EdgeExposes), tt.want); diff != "" {
			t.Errorf("%s exposes (-got +want):\n%s", tt.job, diff)
		}
	}
	if c := findEdge(t, res, jobID("deploy"), graph.EdgeExposes, ctx("prod-deploy")).Confidence; c != graph.Possible {
		t.Errorf("context from a pipeline parameter: %s, want possible", c)
	}
	if c := findEdge(t, res, jobID("deploy"), graph.EdgeExposes, ctx("aws-prod")).Confidence; c != graph.Certain {
		t.Errorf("context named in the workflow: %s, want certain", c)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestOrbs(t *testing.T) {
	res := mustParse(t, "app")
	tests := []struct {
		job, orb, uses, pinned string
	}{
		{"test", "pkg:circleci/circleci/node@5.2.0", "install-packages", "exact"},
		{"deploy", "pkg:circleci/circleci/aws-cli@4.1", "setup", "range"},
		{"notify", "pkg:circleci/circleci/slack@volatile", "notify", "volatile"},
		{"orb-test", "pkg:circleci/circleci/node@5.2.0", "test", "exact"},
		// Steps handed to an orb job as an argument run in the job.
		{"orb-test", "pkg:circleci/circleci/aws-cli@4.1", "setup", "range"},
	}
	for _, tt := range tests {
		e := findEdge(t, res, jobID(tt.job), graph.EdgeExecutes, tt.orb)
		got := [3]string{e.Attr("uses"), e.Attr("pinned"), e.Attr("via")}
		if want := [3]string{tt.uses, tt.pinned, "orb"}; got != want {
			t.Errorf("%s -> %s: (uses, pinned, via) = %q, want %q", tt.job, tt.orb, got, want)
		}
	}
	findEdge(t, res, "pkg:circleci/circleci/node@5.2.0", graph.EdgeVersionOf, "pkg:circleci/circleci/node")
	// The inline orb local-tools is part of the file, not a package.
	for _, n := range res.Nodes {
		if strings.Contains(n.ID, "local-tools") {
			t.Errorf("inline orb became node %s", n.ID)
		}
	}
	wantExec := []string{"pkg:circleci/circleci/aws-cli@4.1", "pkg:docker/cimg/python@3.11"}
	if diff := cmp.Diff(targets(res, jobID("deploy"), graph.EdgeExecutes), wantExec); diff != "" {
		t.Errorf("deploy executes (-got +want):\n%s", diff)
	}
}

func TestOIDCSubjects(t *testing.T) {
	res := mustParse(t, "app")
	v2 := "org/*/project/*/user/*/vcs-origin/*/" + testRepo + "/vcs-ref/"
	tests := []struct {
		job, subs, anyRef string
	}{
		{"test", "org/*/project/*/user/*," + v2 + "refs/heads/*", "true"},
		{"deploy", "org/*/project/*/user/*," + v2 + "refs/heads/main", ""},
		{"notify", "org/*/project/*/user/*," + v2 + "refs/tags/v*", ""},
	}
	for _, tt := range tests {
		tok := graph.CircleCIOIDCTokenID(jobID(tt.job))
		subj := graph.CircleCIOIDCSubjectID(jobID(tt.job))
		findEdge(t, res, tok, graph.EdgeAuthenticatesAs, subj)
		n := findNode(t, res, subj)
		got := [4]string{n.Attr("subs"), n.Attr("subs_any_ref"), n.Attr("type"), n.Attr("issuer")}
		want := [4]string{tt.subs, tt.anyRef, "oidc-subject", "https://oidc.circleci.com/org/*"}
		if got != want {
			t.Errorf("%s: (subs, subs_any_ref, type, issuer) = %q, want %q", tt.job, got, want)
		}
	}
}

func TestCanary(t *testing.T) {
	const canary = "CANARY-circleci-7f3a"
	res := mustParse(t, "canary")
	if strings.Contains(dump(t, res), canary) {
		t.Errorf("a planted secret value reached the result")
	}
	for _, d := range res.Diags {
		if strings.Contains(d.String(), canary) {
			t.Errorf("a planted secret value reached a warning at line %d", d.Pos.Line)
		}
	}
	job := jobID("build")
	for _, key := range []string{"auth.password", "API_TOKEN", "DB_PASSWORD"} {
		id := graph.CircleCIInlineSecretID(job, key)
		findEdge(t, res, job, graph.EdgeExposes, id)
		n := findNode(t, res, id)
		if n.Attr(graph.AttrFingerprint) != "fp" || n.Attr(graph.AttrStoredInline) != "true" {
			t.Errorf("%s: attrs %v, want a fingerprint and stored_inline", key, n.Attrs)
		}
	}
}

func TestPartlyBad(t *testing.T) {
	data := []byte(`version: 2.1
orbs:
  bad: not-an-orb-reference
jobs:
  single-line: say-hello/script
  list: [checkout]
  ok:
    docker:
      - auth:
          username: u
      - image: "$IMAGE"
    executor: missing
    steps:
      - unknown-command
      - bad/thing
      - {a: 1, b: 2}
workflows:
  main:
    jobs:
      - ok
      - undefined-job
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	ingest.SortDiagnostics(res.Diags)
	var lines []int
	for _, d := range res.Diags {
		lines = append(lines, d.Pos.Line)
	}
	if diff := cmp.Diff(lines, []int{3, 5, 6, 9, 11, 12, 14, 15, 16, 21}); diff != "" {
		t.Errorf("warning lines (-got +want):\n%s", diff)
	}
	if res.Records != 2 {
		t.Errorf("records = %d, want 2 (ok, undefined-job)", res.Records)
	}
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int
	}{
		// Line 4 is indented more than jobs and less than a: no key of
		// either mapping can start there.
		{"bad indentation", "version: 2.1\njobs:\n  a: b\n c: d\n", 4},
		{"top-level list", "- a\n", 1},
		{"no jobs or workflows", "version: 2.1\norbs: {}\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(tt.data))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *ingest.Error", err)
			}
			if ie.Pos.Line != tt.line {
				t.Errorf("error at %v, want line %d", ie.Pos, tt.line)
			}
		})
	}
}

// TestECROrbPipeline checks the orb's own integration pipeline: the jobs
// given the CPE-OIDC context get its variables and run the aws-cli orb's
// setup command, handed to them as an auth argument, while jobs without
// the context do not get it.
func TestECROrbPipeline(t *testing.T) {
	const repo = "CircleCI-Public/aws-ecr-orb"
	root := corpusDir + "/CircleCI-Public__aws-ecr-orb"
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	const rel = ".circleci/test-deploy.yml"
	res, err := parseAt(t, root, rel, repo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := func(name string) string { return graph.CircleCIJobID(repo, rel, name) }
	oidcCtx := graph.CircleCIContextID("CircleCI-Public", "CPE-OIDC")
	awsCLI := "pkg:circleci/circleci/aws-cli@5.1.0"

	for _, name := range []string{"build-test-then-push-with-buildx", "integration-test-default-profile", "integration-test-tag-existing-image", "login"} {
		findEdge(t, res, job(name), graph.EdgeExposes, oidcCtx)
		findEdge(t, res, job(name), graph.EdgeExecutes, awsCLI)
		findEdge(t, res, job(name), graph.EdgeExposes, graph.CircleCIOIDCTokenID(job(name)))
	}
	for _, name := range []string{"pre-integration", "orb-tools/lint", "orb-tools/publish"} {
		for _, to := range targets(res, job(name), graph.EdgeExposes) {
			if to == oidcCtx {
				t.Errorf("%s gets the CPE-OIDC context, which its workflow entry does not give it", name)
			}
		}
	}
	findEdge(t, res, job("orb-tools/publish"), graph.EdgeExposes, graph.CircleCIContextID("CircleCI-Public", "orb-publisher"))
	if got := findNode(t, res, job("pre-integration")).Attr("job_ref"); got != "pre-integration-checkout-workspace-job" {
		t.Errorf("pre-integration runs %q, want pre-integration-checkout-workspace-job", got)
	}
}

// A job names its repository on the host of the clone's origin remote:
// github.com when the remote is unknown or another server.
func TestRepositoryHost(t *testing.T) {
	src := []byte("version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/node:20.11\n    steps:\n      - run: npm ci\nworkflows:\n  main:\n    jobs:\n      - test\n")
	for _, c := range []struct {
		origin, repo, attr string
	}{
		{"bitbucket.org", "repo:bitbucket.org/example-org/app", "bitbucket.org"},
		{"github.com", "repo:github.com/example-org/app", ""},
		{"", "repo:github.com/example-org/app", ""},
		{"gitlab.example.com", "repo:gitlab.example.com/example-org/app", "gitlab.example.com"},
	} {
		f := &ingest.File{
			Path: ".circleci/config.yml", RelPath: ".circleci/config.yml", Repo: testRepo, RepoHost: c.origin,
			Head: src, Size: int64(len(src)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
		}
		res := &ingest.Result{}
		if err := New().Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
			t.Fatal(err)
		}
		// A project off GitHub names its jobs host/path.
		job := jobID("test")
		if c.attr != "" {
			job = graph.CircleCIJobID(c.attr+"/"+testRepo, ".circleci/config.yml", "test")
		}
		var definers []string
		for _, e := range res.Edges {
			if e.Kind == graph.EdgeDefines && e.To == job {
				definers = append(definers, e.From)
			}
		}
		if !slices.Equal(definers, []string{c.repo}) {
			t.Errorf("origin %q: job defined by %v, want %s", c.origin, definers, c.repo)
		}
		if got := findNode(t, res, job).Attr(graph.AttrRepositoryHost); got != c.attr {
			t.Errorf("origin %q: job's repository host %q, want %q", c.origin, got, c.attr)
		}
	}
}
