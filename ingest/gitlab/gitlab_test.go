package gitlab

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// nonMRSources are the pipeline sources other than merge requests.
const nonMRSources = "api,chat,external,external_pull_request_event,ondemand_dast_scan,ondemand_dast_validation," +
	"parent_pipeline,pipeline,push,schedule,security_orchestration_policy,trigger,web,webide"

func TestDetect(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{".gitlab-ci.yml", true},
		{"sub/dir/.gitlab-ci.yml", true},
		{".gitlab/ci/build.gitlab-ci.yml", true},
		{".gitlab/ci/deploy.yml", true},
		{"ci/release.gitlab-ci.yaml", true},
		{".gitlab/agents/prod/config.yaml", false},
		{".github/workflows/ci.yml", false},
		{".gitlab-ci.yml.bak", false},
	}
	for _, tt := range tests {
		if got := New().Detect(&ingest.File{Path: tt.rel, RelPath: tt.rel}); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

func TestIncludeAndExtends(t *testing.T) {
	const jobsFile = "ci/jobs/deploy.yml"
	res := mustParse(t, "merge", jobsFile)
	deploy := jobID(jobsFile, "deploy")
	remote := "pkg:gitlab/example-org/ci-templates@v1.4.0#templates/security.yml"

	n := findNode(t, res, deploy)
	wantAttrs := map[string]string{
		"extends":          ".deploy,.base,.runners",
		"image":            "python:3.12",
		"tags":             "deploy-runner",
		"installs":         "npm,pypi",
		"install_dirs":     "web",
		"commands":         "npm,pip,run.sh",
		"pipeline_sources": nonMRSources,
		"protected_ref":    "possible",
		"file":             jobsFile,
		"pipeline":         ".gitlab-ci.yml",
	}
	for k, want := range wantAttrs {
		if got := n.Attr(k); got != want {
			t.Errorf("deploy: attr %s = %q, want %q", k, got, want)
		}
	}
	if n.Pos.Line != 1 {
		t.Errorf("deploy: line %d, want 1 (where the included file defines it)", n.Pos.Line)
	}

	// The templates, the job and the root file set A, B, C and D, so only
	// UPLOAD_TOKEN can come from the project.
	inline := graph.GitLabInlineSecretID(testProject, "ci/templates.yml", ".base", "SERVICE_API_KEY")
	wantExposes := []string{
		graph.GitLabAllVariablesID(testProject),
		graph.GitLabVariableID(testProject, "UPLOAD_TOKEN"),
		inline,
		graph.GitLabJobTokenID(deploy),
	}
	sortStrings(wantExposes)
	_, out := linked(t, res)
	if diff := cmp.Diff(targets(out, deploy, graph.EdgeExposes), wantExposes); diff != "" {
		t.Errorf("deploy exposes (-got +want):\n%s", diff)
	}
	sec := findNode(t, res, inline)
	if sec.Attr(graph.AttrStoredInline) != "true" || sec.Attr(graph.AttrFingerprint) == "" {
		t.Errorf("inline secret attrs = %v, want stored_inline and a fingerprint", sec.Attrs)
	}
	wantExec := []string{"pkg:docker/python@3.12", remote}
	sortStrings(wantExec)
	if diff := cmp.Diff(targets(res, deploy, graph.EdgeExecutes), wantExec); diff != "" {
		t.Errorf("deploy executes (-got +want):\n%s", diff)
	}
	if c := findEdge(t, res, deploy, graph.EdgeExecutes, remote).Confidence; c != graph.Possible {
		t.Errorf("deploy -> remote include: %s, want possible", c)
	}

	// scan extends a template that no file of the input defines, so the
	// one include the input lacks must contain it.
	scan := jobID(jobsFile, "scan")
	if c := findEdge(t, res, scan, graph.EdgeExecutes, remote).Confidence; c != graph.Certain {
		t.Errorf("scan -> remote include: %s, want certain", c)
	}
	if got := findNode(t, res, scan).Attr("image"); got != "alpine:3.19" {
		t.Errorf("scan: image %q, want the default alpine:3.19", got)
	}

	// no-defaults inherits neither default: nor GLOBAL_ONLY.
	nd := jobID(jobsFile, "no-defaults")
	ndn := findNode(t, res, nd)
	if ndn.Attr("image") != "" || ndn.Attr("tags") != "" {
		t.Errorf("no-defaults: image %q tags %q, want none", ndn.Attr("image"), ndn.Attr("tags"))
	}
	findEdge(t, out, nd, graph.EdgeExposes, graph.GitLabVariableID(testProject, "GLOBAL_ONLY"))
	if hasNode(res, graph.GitLabVariableID(testProject, "B")) {
		t.Errorf("B is set by the file but exposed as a project variable")
	}

	// Each file gives only its own jobs.
	root := mustParse(t, "merge", ".gitlab-ci.yml")
	var rootJobs []string
	for _, n := range root.Nodes {
		if n.Kind == graph.NodeRuntime {
			rootJobs = append(rootJobs, n.ID)
		}
	}
	if diff := cmp.Diff(rootJobs, []string{jobID(".gitlab-ci.yml", "lint")}); diff != "" {
		t.Errorf("root file jobs (-got +want):\n%s", diff)
	}
	tmpl := mustParse(t, "merge", "ci/templates.yml")
	if tmpl.Records != 0 {
		t.Errorf("templates file gave %d jobs, want 0", tmpl.Records)
	}
	if len(tmpl.Diags) != 1 || tmpl.Diags[0].Pos.Line != 6 || !strings.Contains(tmpl.Diags[0].Msg, "SERVICE_API_KEY") {
		t.Errorf("templates file warnings = %v, want one about SERVICE_API_KEY at line 6", tmpl.Diags)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestIDTokens(t *testing.T) {
	res := mustParse(t, "oidc", ".gitlab-ci.yml")
	p := "project_path:" + testProject + ":ref_type:"
	tests := []struct {
		job, token string
		subs       string
		anyRef     bool
		aud        string
	}{
		{"deploy-main", "AWS_ID_TOKEN", p + "branch:ref:main", false, "sts.amazonaws.com"},
		{"deploy-main", "VAULT_ID_TOKEN", p + "branch:ref:main", false, "https://vault-dr.example.com,https://vault.example.com"},
		{"release", "AWS_ID_TOKEN", p + "tag:ref:v*.*", false, "sts.amazonaws.com"},
		{"default-branch", "AWS_ID_TOKEN", p + "branch:ref:*", true, "sts.amazonaws.com"},
		{"mr", "AWS_ID_TOKEN", p + "branch:ref:*", true, "sts.amazonaws.com"},
		{"anywhere", "AWS_ID_TOKEN", p + "branch:ref:*," + p + "tag:ref:*", true, "sts.amazonaws.com"},
	}
	for _, tt := range tests {
		job := jobID(".gitlab-ci.yml", tt.job)
		tok := graph.GitLabOIDCTokenID(job, tt.token)
		subj := graph.GitLabOIDCSubjectID(job, tt.token)
		if e := findEdge(t, res, job, graph.EdgeExposes, tok); e.Confidence != graph.Certain || e.Attr("via") != "oidc" {
			t.Errorf("%s: token edge %s via %q", tt.job, e.Confidence, e.Attr("via"))
		}
		findEdge(t, res, tok, graph.EdgeAuthenticatesAs, subj)
		n := findNode(t, res, subj)
		got := map[string]string{"subs": n.Attr("subs"), "any": n.Attr("subs_any_ref"), "aud": n.Attr("aud"),
			"type": n.Attr("type"), "issuer": n.Attr("issuer"), "repository": n.Attr("repository")}
		want := map[string]string{"subs": tt.subs, "aud": tt.aud, "type": "oidc-subject",
			"issuer": "https://gitlab.com", "repository": testProject, "any": ""}
		if tt.anyRef {
			want["any"] = "true"
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s %s subject (-got +want):\n%s", tt.job, tt.token, diff)
		}
	}

	// Jobs without id_tokens get none.
	for _, e := range res.Edges {
		if strings.HasPrefix(e.To, "secret:gitlab:oidc:") && strings.Contains(e.From, "#read-secrets") {
			t.Errorf("read-secrets exposes an ID token it does not ask for: %s", e.To)
		}
	}
}

func TestLegacyTokens(t *testing.T) {
	res := mustParse(t, "oidc", ".gitlab-ci.yml")
	job := jobID(".gitlab-ci.yml", "legacy")
	tests := []struct {
		token, subs, aud string
	}{
		{"CI_JOB_JWT", "job_*", ""},
		{"CI_JOB_JWT_V2", "project_path:" + testProject + ":ref_type:branch:ref:main", "https://gitlab.com"},
	}
	for _, tt := range tests {
		tok := graph.GitLabOIDCTokenID(job, tt.token)
		if c := findEdge(t, res, job, graph.EdgeExposes, tok).Confidence; c != graph.Possible {
			t.Errorf("%s: %s, want possible: the instance may be older than 17.0 or not", tt.token, c)
		}
		n := findNode(t, res, graph.GitLabOIDCSubjectID(job, tt.token))
		got := [3]string{n.Attr("subs"), n.Attr("aud"), n.Attr("legacy")}
		if want := [3]string{tt.subs, tt.aud, "true"}; got != want {
			t.Errorf("%s subject (subs, aud, legacy) = %q, want %q", tt.token, got, want)
		}
	}
	if hasNode(res, graph.GitLabVariableID(testProject, "CI_JOB_JWT_V1")) {
		t.Errorf("a legacy token is taken for a project variable")
	}
}

func TestSelfManagedIssuer(t *testing.T) {
	res := mustParse(t, "selfmanaged", ".gitlab-ci.yml")
	job := serverJobID("gitlab.example.com", ".gitlab-ci.yml", "deploy")
	n := findNode(t, res, graph.GitLabOIDCSubjectID(job, "AWS_ID_TOKEN"))
	p := "project_path:" + testProject + ":ref_type:"
	got := [2]string{n.Attr("issuer"), n.Attr("subs")}
	want := [2]string{"https://gitlab.example.com", p + "branch:ref:main," + p + "tag:ref:main"}
	if got != want {
		t.Errorf("(issuer, subs) = %q, want %q", got, want)
	}
}

func TestExternalSecrets(t *testing.T) {
	res := mustParse(t, "oidc", ".gitlab-ci.yml")
	job := jobID(".gitlab-ci.yml", "read-secrets")
	tests := []struct {
		id, name, file, provider string
	}{
		{graph.GitLabExternalSecretID("vault", "ops/production/db/password"), "DATABASE_PASSWORD", "true", "vault"},
		{graph.GitLabExternalSecretID("vault", "secrets/app/api/key"), "API_KEY", "false", "vault"},
		{graph.GitLabExternalSecretID("gcp_secret_manager", "deploy-key"), "GCP_KEY", "true", "gcp"},
	}
	for _, tt := range tests {
		e := findEdge(t, res, job, graph.EdgeExposes, tt.id)
		got := [4]string{e.Attr("name"), e.Attr("file"), e.Attr("environment"), findNode(t, res, tt.id).Attr("provider")}
		if want := [4]string{tt.name, tt.file, "production", tt.provider}; got != want {
			t.Errorf("%s: (name, file, environment, provider) = %q, want %q", tt.id, got, want)
		}
	}
}

func TestCanary(t *testing.T) {
	const canary = "CANARY-gitlab-7f3a"
	res := mustParse(t, "canary", ".gitlab-ci.yml")
	if strings.Contains(dump(t, res), canary) {
		t.Errorf("a planted secret value reached the result")
	}
	for _, d := range res.Diags {
		if strings.Contains(d.String(), canary) {
			t.Errorf("a planted secret value reached a warning: line %d", d.Pos.Line)
		}
	}
	job := jobID(".gitlab-ci.yml", "job")
	for _, key := range []string{"DEPLOY_PASSWORD", "API_TOKEN"} {
		owner := "job"
		if key == "DEPLOY_PASSWORD" {
			owner = "variables"
		}
		id := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", owner, key)
		findEdge(t, res, job, graph.EdgeExposes, id)
		if fp := findNode(t, res, id).Attr(graph.AttrFingerprint); fp == "" {
			t.Errorf("%s has no fingerprint", key)
		}
	}
	findNode(t, res, "pkg:generic/gitlab-remote/ci.yml?download_url=https:%2F%2Ftemplates.example.com%2Fci.yml")
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int
	}{
		// The flow list opens on line 2 and is never closed.
		{"unclosed flow list", "job:\n  script: [a\n  image: x\n", 2},
		{"bad indentation", "a: b\n c: d\n", 2},
		{"top-level list", "- a\n- b\n", 1},
		{"tab indentation", "job:\n\tscript: x\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBytes(t, ".gitlab-ci.yml", []byte(tt.data))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *ingest.Error", err)
			}
			if ie.Pos.Line != tt.line || ie.Pos.File != "in/.gitlab-ci.yml" {
				t.Errorf("error at %v, want line %d", ie.Pos, tt.line)
			}
		})
	}
}

func TestPartlyBad(t *testing.T) {
	data := []byte(`
not-a-job: just text
broken-image:
  image: "nginx: 14.6"
  script: [echo]
cycle-a:
  extends: .b
  script: [echo]
.b:
  extends: .c
.c:
  extends: .b
unknown-template:
  extends: .nowhere
  script: [echo]
`)
	res, err := parseBytes(t, ".gitlab-ci.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	ingest.SortDiagnostics(res.Diags)
	var lines []int
	for _, d := range res.Diags {
		lines = append(lines, d.Pos.Line)
	}
	// not-a-job, the image, the cycle (found at .c) and the missing
	// template.
	if diff := cmp.Diff(lines, []int{2, 4, 11, 13}); diff != "" {
		t.Errorf("warning lines (-got +want):\n%s", diff)
	}
	if res.Records != 3 {
		t.Errorf("%d jobs, want 3", res.Records)
	}
}

func TestIDTokenNamesAreSet(t *testing.T) {
	// GitLab sets the variable of each id_tokens: entry in the job, and
	// default:id_tokens gives its entries to every job that inherits the
	// default, so reading one is not reading a CI/CD variable. A job with
	// inherit:default false gets no default token, so a name it reads is
	// a CI/CD variable of the project, if one exists.
	src := `default:
  id_tokens:
    VAULT_ID_TOKEN:
      aud: https://vault.example.com

deploy:
  id_tokens:
    AWS_ID_TOKEN:
      aud: sts.amazonaws.com
  script:
    - aws sts assume-role-with-web-identity --web-identity-token "$AWS_ID_TOKEN" --role-arn "$ROLE_ARN" --role-session-name ci

vault:
  script:
    - vault write auth/jwt/login role=ci jwt=$VAULT_ID_TOKEN

own:
  inherit:
    default: false
  script:
    - vault write auth/jwt/login role=ci jwt=$VAULT_ID_TOKEN
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	all := graph.GitLabAllVariablesID(testProject)
	tests := []struct {
		job, token string
		reads      string
	}{
		{"deploy", "AWS_ID_TOKEN", "ROLE_ARN"},
		{"vault", "VAULT_ID_TOKEN", ""},
		{"own", "", "VAULT_ID_TOKEN"},
	}
	for _, tt := range tests {
		job := jobID(".gitlab-ci.yml", tt.job)
		if got := findEdge(t, res, job, graph.EdgeExposes, all).Attr("reads"); got != tt.reads {
			t.Errorf("%s: CI/CD variables read = %q, want %q", tt.job, got, tt.reads)
		}
		if tt.token != "" {
			findEdge(t, res, job, graph.EdgeExposes, graph.GitLabOIDCTokenID(job, tt.token))
		}
	}
	if hasNode(res, graph.GitLabVariableID(testProject, "AWS_ID_TOKEN")) {
		t.Errorf("CI/CD variable AWS_ID_TOKEN recorded, want none: id_tokens sets it")
	}
	if !hasNode(res, graph.GitLabVariableID(testProject, "VAULT_ID_TOKEN")) {
		t.Errorf("no CI/CD variable VAULT_ID_TOKEN: job own does not inherit the default token and reads it")
	}
}
