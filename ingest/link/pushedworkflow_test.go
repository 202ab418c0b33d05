package link

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestPushedWorkflowWriters: three credentials can write to repository
// app. A job's GITHUB_TOKEN cannot push workflow files, so it gets no
// pushed workflow. A token whose actions name the workflow scope gets one
// certainly, and a maintainer's key, whose scopes the input does not
// show, possibly. The pushed workflow's subject assumes the role that
// trusts any ref of app certainly, and the role bound to main possibly.
func TestPushedWorkflowWriters(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	subj := graph.GHAOIDCSubjectID(pushed)
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:token:example-org/app/.github/workflows/ci.yml#build", graph.NodeIdentity, "type", "github-token", graph.AttrProvider, "github"),
		node("github:pat:release-bot", graph.NodeIdentity),
		node("github:key:maintainer", graph.NodeIdentity),
		role("app-any", trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:*"}}`)),
		role("app-main", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:ref:refs/heads/main"}}`)),
		role("app-prod", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:environment:prod"}}`)),
	}
	edges := []graph.Edge{
		edge("github:token:example-org/app/.github/workflows/ci.yml#build", graph.EdgeCanModify, repo, graph.AttrActions, "contents:write"),
		edge("github:pat:release-bot", graph.EdgeCanModify, repo, graph.AttrActions, "repo,workflow"),
		edge("github:key:maintainer", graph.EdgeCanModify, repo),
	}
	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{
		"github:key:maintainer -> " + pushed + " (possible)",
		"github:pat:release-bot -> " + pushed + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
	got = derive(t, nodes, edges, graph.EdgeCanAssume)
	want = []string{
		subj + " -> " + graph.IAMARN(acct, "role", "", "app-any") + " (certain)",
		subj + " -> " + graph.IAMARN(acct, "role", "", "app-main") + " (possible)",
		subj + "/environment -> " + graph.IAMARN(acct, "role", "", "app-any") + " (certain)",
		subj + "/environment -> " + graph.IAMARN(acct, "role", "", "app-prod") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowObservedSubject: a log shows two sessions of
// repository app's subjects. One carries the subject of job build, and is
// that job's only. The other carries a branch no job of the input runs
// on: a workflow that is not in the input requested it, so its calls on
// the secrets bucket are the pushed workflow's.
func TestPushedWorkflowObservedSubject(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	bucket, secrets := "arn:aws:s3:::example-org-artifacts", "arn:aws:s3:::example-org-secrets"
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:pat:release-bot", graph.NodeIdentity),
		subject("example-org/app/.github/workflows/ci.yml#build", "repo:example-org/app:ref:refs/heads/main"),
		node("oidc-observed:main", graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", "repo:example-org/app:ref:refs/heads/main"),
		node("oidc-observed:exfil", graph.NodeIdentity, "type", "oidc-subject-observed", "issuer", issuer, "sub", "repo:example-org/app:ref:refs/heads/exfil"),
		node(bucket, graph.NodeResource),
		node(secrets, graph.NodeResource),
	}
	edges := []graph.Edge{
		edge("github:pat:release-bot", graph.EdgeCanModify, repo),
		edge("oidc-observed:main", graph.EdgeObserved, bucket),
		edge("oidc-observed:exfil", graph.EdgeObserved, secrets),
	}
	got := derive(t, nodes, edges, graph.EdgeObserved)
	want := []string{
		graph.GHAOIDCSubjectID(pushed) + " -> " + secrets + " (certain)",
		"oidc:gha:example-org/app/.github/workflows/ci.yml#build -> " + bucket + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OBSERVED (-want +got):\n%s", diff)
	}
}

// TestPushedPipelineGitLab: a token that can push to GitLab project
// grp/app pushes a .gitlab-ci.yml. Its pipeline gets the unprotected
// variable certainly. It gets the protected one and the one scoped to
// production possibly, because the input shows neither the branches the
// token may push to nor the environments' rules. Its ID token assumes the role
// that trusts any branch of the project certainly, and the role bound to
// main possibly. The project's CI_JOB_TOKEN gets no pushed pipeline.
func TestPushedPipelineGitLab(t *testing.T) {
	const repo = "repo:gitlab.com/grp/app"
	pushed := graph.GitLabPushedPipelineID("grp/app")
	job := graph.GitLabJobID("grp/app", ".gitlab-ci.yml", "test")
	variable := func(name string, attrs ...string) graph.Node {
		return node(graph.GitLabVariableID("grp/app", name), graph.NodeSecret, append([]string{
			graph.AttrProvider, "gitlab", "type", "ci-variable", graph.AttrName, name, graph.AttrRepository, "grp/app"}, attrs...)...)
	}
	gitlabTrust := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"},` +
			`"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`
	}
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrRepository, "grp/app"),
		node(job, graph.NodeRuntime, graph.AttrProvider, "gitlab", "type", "gitlab-job", graph.AttrRepository, "grp/app", graph.AttrRepositoryHost, "gitlab.com"),
		node(graph.GitLabJobTokenIdentityID(job), graph.NodeIdentity, "type", "job-token"),
		node("gitlab:pat:release-bot", graph.NodeIdentity),
		variable("DEPLOY_TOKEN", "protected", "false"),
		variable("PROD_KEY", "protected", "true"),
		variable("DB_URL", "protected", "false", "environment_scope", "production"),
		role("gl-any", gitlabTrust(`{"StringLike":{"gitlab.com:sub":"project_path:grp/app:ref_type:branch:ref:*"}}`)),
		role("gl-main", gitlabTrust(`{"StringEquals":{"gitlab.com:sub":"project_path:grp/app:ref_type:branch:ref:main"}}`)),
	}
	edges := []graph.Edge{
		edge(graph.GitLabJobTokenIdentityID(job), graph.EdgeCanModify, repo),
		edge("gitlab:pat:release-bot", graph.EdgeCanModify, repo),
	}

	got := derive(t, nodes, edges, graph.EdgeCanModify)
	if diff := cmp.Diff([]string{"gitlab:pat:release-bot -> " + pushed + " (certain)"}, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}

	var exposed []string
	for _, e := range derive(t, nodes, edges, graph.EdgeExposes) {
		if strings.HasPrefix(e, pushed+" -> secret:gitlab:grp/app/") {
			exposed = append(exposed, e)
		}
	}
	want := []string{
		pushed + " -> " + graph.GitLabAllVariablesID("grp/app") + " (certain)",
		pushed + " -> " + graph.GitLabVariableID("grp/app", "DB_URL") + " (possible)",
		pushed + " -> " + graph.GitLabVariableID("grp/app", "DEPLOY_TOKEN") + " (certain)",
		pushed + " -> " + graph.GitLabVariableID("grp/app", "PROD_KEY") + " (possible)",
	}
	if diff := cmp.Diff(want, exposed); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}

	subj := graph.GitLabOIDCSubjectID(pushed, "ID_TOKEN")
	got = derive(t, nodes, edges, graph.EdgeCanAssume)
	want = []string{
		subj + " -> " + graph.IAMARN(acct, "role", "", "gl-any") + " (certain)",
		subj + " -> " + graph.IAMARN(acct, "role", "", "gl-main") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowSelfHostedRunner: job build of app runs on app's
// self-hosted runners labelled linux, which Terraform shows as an EC2
// instance. A workflow pushed to app can ask for the same labels, so it
// runs on those runners and on that instance, as build does. Job docs of
// app runs on GitHub's hosted runners and gives no host.
func TestPushedWorkflowSelfHostedRunner(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	const instance = "runtime:aws:ec2:111122223333:aws_instance.runner"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	build := graph.GHAJobID("example-org/app", ".github/workflows/ci.yml", "build")
	docs := graph.GHAJobID("example-org/app", ".github/workflows/docs.yml", "docs")
	host := "runtime:runner:github:example-org/app#linux,self-hosted"
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:pat:release-bot", graph.NodeIdentity),
		node(build, graph.NodeRuntime, graph.AttrProvider, "github", "type", "gha-job", graph.AttrRepository, "example-org/app",
			"self_hosted", "true", "runs_on", "self-hosted,linux"),
		node(docs, graph.NodeRuntime, graph.AttrProvider, "github", "type", "gha-job", graph.AttrRepository, "example-org/app",
			"runs_on", "ubuntu-latest"),
		node(instance, graph.NodeRuntime, graph.AttrProvider, "aws", "type", "ec2-instance", graph.AttrName, "ci-runner",
			"runner_labels", "self-hosted,linux,x64"),
	}
	edges := []graph.Edge{
		edge("github:pat:release-bot", graph.EdgeCanModify, repo, graph.AttrActions, "repo,workflow"),
	}
	got := derive(t, nodes, edges, graph.EdgeRunsOn)
	want := []string{
		pushed + " -> " + instance + " (certain)",
		pushed + " -> " + host + " (certain)",
		build + " -> " + instance + " (certain)",
		build + " -> " + host + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RUNS_ON (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowStatedRepository: only a mapping file declares
// repository app, so its node has an id and no attributes. Its id names a
// repository on github.com, where a writer's pushed workflow runs as
// on one that another input declares, and reads the secret Terraform
// declares for app.
func TestPushedWorkflowStatedRepository(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	nodes := []graph.Node{
		node(repo, graph.NodeRepository),
		node("github:pat:release-bot", graph.NodeIdentity),
		node(graph.GHASecretID("example-org/app", "NPM_TOKEN"), graph.NodeSecret, graph.AttrProvider, "github", "type", "actions-secret",
			graph.AttrName, "NPM_TOKEN", graph.AttrRepository, "example-org/app"),
	}
	edges := []graph.Edge{
		edge("github:pat:release-bot", graph.EdgeCanModify, repo),
	}
	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{"github:pat:release-bot -> " + pushed + " (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
	exposed := false
	for _, e := range derive(t, nodes, edges, graph.EdgeExposes) {
		if e == pushed+" -> "+graph.GHASecretID("example-org/app", "NPM_TOKEN")+" (certain)" {
			exposed = true
		}
	}
	if !exposed {
		t.Errorf("the pushed workflow does not read NPM_TOKEN")
	}
}

// TestPushedWorkflowPublishes: job release of app pushes image
// ghcr.io/example-org/app with its GITHUB_TOKEN. A workflow pushed to app
// sets packages:write for its own token, so it can publish that image
// too. Job lint's token publishes nothing.
func TestPushedWorkflowPublishes(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	const image = "pkg:docker/ghcr.io/example-org/app"
	release := graph.GHATokenIdentityID(graph.GHAJobID("example-org/app", ".github/workflows/release.yml", "release"))
	lint := graph.GHATokenIdentityID(graph.GHAJobID("example-org/app", ".github/workflows/ci.yml", "lint"))
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node(release, graph.NodeIdentity, "type", "github-token", graph.AttrProvider, "github", graph.AttrRepository, "example-org/app", "permissions", "packages:write"),
		node(lint, graph.NodeIdentity, "type", "github-token", graph.AttrProvider, "github", graph.AttrRepository, "example-org/app", "permissions", "contents:read"),
		node(image, graph.NodePackage),
		node("github:pat:release-bot", graph.NodeIdentity),
	}
	edges := []graph.Edge{
		edge(release, graph.EdgeCanPublish, image),
		edge("github:pat:release-bot", graph.EdgeCanModify, repo),
	}
	got := derive(t, nodes, edges, graph.EdgeCanPublish)
	want := []string{graph.GHATokenIdentityID(pushed) + " -> " + image + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// TestPushedPipelineStatedProject: only a mapping file declares GitLab
// project grp/app, so its node has an id and no attributes, and
// Terraform declares a variable of the project and one of its group.
// A writer's pushed pipeline reads both, and its ID token assumes the
// role that trusts the project's branches. A project on a self-managed
// server that only the mapping file names (its host contains gitlab) is
// a GitLab project too, and its ID tokens name that server as issuer.
func TestPushedPipelineStatedProject(t *testing.T) {
	const repo = "repo:gitlab.com/grp/app"
	const selfRepo = "repo:gitlab.example.com/ops/infra"
	pushed := graph.GitLabPushedPipelineID("grp/app")
	selfPushed := graph.GitLabPushedPipelineID("ops/infra")
	trust := func(provider, key, sub string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/` + provider + `"},` +
			`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"` + key + `:sub":"` + sub + `"}}}]}`
	}
	nodes := []graph.Node{
		node(repo, graph.NodeRepository),
		node(selfRepo, graph.NodeRepository),
		node("gitlab:pat:release-bot", graph.NodeIdentity),
		node(graph.GitLabVariableID("grp/app", "DEPLOY_TOKEN"), graph.NodeSecret, graph.AttrProvider, "gitlab", "type", "ci-variable",
			graph.AttrName, "DEPLOY_TOKEN", graph.AttrRepository, "grp/app", "protected", "false"),
		node(graph.GitLabVariableID("grp", "GROUP_KEY"), graph.NodeSecret, graph.AttrProvider, "gitlab", "type", "ci-variable",
			graph.AttrName, "GROUP_KEY", "group", "grp", "protected", "false"),
		role("gl-app", trust("gitlab.com", "gitlab.com", "project_path:grp/app:ref_type:branch:ref:*")),
		role("gl-infra", trust("gitlab.example.com", "gitlab.example.com", "project_path:ops/infra:ref_type:branch:ref:*")),
	}
	edges := []graph.Edge{
		edge("gitlab:pat:release-bot", graph.EdgeCanModify, repo),
		edge("gitlab:pat:release-bot", graph.EdgeCanModify, selfRepo),
	}

	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{
		"gitlab:pat:release-bot -> " + pushed + " (certain)",
		"gitlab:pat:release-bot -> " + selfPushed + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}

	var exposed []string
	for _, e := range derive(t, nodes, edges, graph.EdgeExposes) {
		if strings.HasPrefix(e, pushed+" -> secret:gitlab:grp/") {
			exposed = append(exposed, e)
		}
	}
	want = []string{
		pushed + " -> " + graph.GitLabVariableID("grp", "GROUP_KEY") + " (certain)",
		pushed + " -> " + graph.GitLabAllVariablesID("grp/app") + " (certain)",
		pushed + " -> " + graph.GitLabVariableID("grp/app", "DEPLOY_TOKEN") + " (certain)",
	}
	if diff := cmp.Diff(want, exposed); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}

	got = derive(t, nodes, edges, graph.EdgeCanAssume)
	want = []string{
		graph.GitLabOIDCSubjectID(pushed, "ID_TOKEN") + " -> " + graph.IAMARN(acct, "role", "", "gl-app") + " (certain)",
		graph.GitLabOIDCSubjectID(selfPushed, "ID_TOKEN") + " -> " + graph.IAMARN(acct, "role", "", "gl-infra") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestObservedPushesSkipJobToken: the audit log shows octo-dev and
// github-actions[bot] pushing to app. A workflow's GITHUB_TOKEN pushes as
// github-actions[bot] in every repository, and it cannot push workflow
// files, so only octo-dev becomes a writer of app.
func TestObservedPushesSkipJobToken(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	observed := func(from string) graph.Edge {
		e := edge(from, graph.EdgeObserved, repo)
		e.Evidence = &graph.Evidence{Actions: []string{"git.push"}}
		return e
	}
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:user:octo-dev", graph.NodeIdentity, graph.AttrProvider, "github", "type", "user"),
		node("github:user:github-actions[bot]", graph.NodeIdentity, graph.AttrProvider, "github", "type", "bot"),
	}
	edges := []graph.Edge{observed("github:user:octo-dev"), observed("github:user:github-actions[bot]")}

	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{
		"github:user:octo-dev -> " + repo + " (certain)",
		"github:user:octo-dev -> " + pushed + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowRefPattern: roles trust app's refs by patterns. A
// pushed workflow can run on any branch that its writer creates, so its
// subject matches each pattern. A "?" pattern admits only branches of
// one shape, which branch protection or rulesets may cover as they may
// cover one branch, so those roles are possible. A "*" pattern admits a
// family of branches, and that role stays certain.
func TestPushedWorkflowRefPattern(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	subj := graph.GHAOIDCSubjectID(graph.GHAPushedWorkflowID("example-org/app"))
	like := func(sub string) string {
		return trust(`{"StringLike":{"token.actions.githubusercontent.com:sub":"` + sub + `"}}`)
	}
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("github:pat:release-bot", graph.NodeIdentity),
		role("one-char", like("repo:example-org/app:ref:refs/heads/ma?n")),
		role("leading", like("repo:example-org/app:ref:refs/heads/?ain")),
		role("release", like("repo:example-org/app:ref:refs/heads/release/*")),
	}
	edges := []graph.Edge{edge("github:pat:release-bot", graph.EdgeCanModify, repo, graph.AttrActions, "repo,workflow")}
	got := derive(t, nodes, edges, graph.EdgeCanAssume)
	want := []string{
		subj + " -> " + graph.IAMARN(acct, "role", "", "leading") + " (possible)",
		subj + " -> " + graph.IAMARN(acct, "role", "", "one-char") + " (possible)",
		subj + " -> " + graph.IAMARN(acct, "role", "", "release") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestObservedPushesIgnoreCase: the audit log names repository Acme/API,
// and the workflow's remote names it acme/api. GitHub names ignore case,
// so the push makes octo-dev a writer of acme/api, the repository that
// the other inputs declare, and of its pushed workflow. The log's own
// node gets no writer and no pushed workflow of its own.
func TestObservedPushesIgnoreCase(t *testing.T) {
	const repo, logged = "repo:github.com/acme/api", "repo:github.com/Acme/API"
	e := edge("github:user:octo-dev", graph.EdgeObserved, logged)
	e.Evidence = &graph.Evidence{Actions: []string{"git.push"}}
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "acme/api"),
		node(logged, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "Acme/API", graph.AttrObserved, "true"),
		node("github:user:octo-dev", graph.NodeIdentity, graph.AttrProvider, "github", "type", "user", graph.AttrObserved, "true"),
	}
	got := derive(t, nodes, []graph.Edge{e}, graph.EdgeCanModify)
	want := []string{
		"github:user:octo-dev -> " + repo + " (certain)",
		"github:user:octo-dev -> " + graph.GHAPushedWorkflowID("acme/api") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
}

// TestPushedWorkflowRuntimeWriter: a mapping file states that host
// deploy-box can push to app, and that the key of host release-box has
// the workflow scope. Code on either host can push a workflow file, which
// GitHub then runs with app's secrets: possibly for deploy-box, whose
// key's scopes the input does not show, and certainly for release-box.
func TestPushedWorkflowRuntimeWriter(t *testing.T) {
	const repo = "repo:github.com/example-org/app"
	pushed := graph.GHAPushedWorkflowID("example-org/app")
	nodes := []graph.Node{
		node(repo, graph.NodeRepository, graph.AttrProvider, "github", graph.AttrRepository, "example-org/app"),
		node("runtime:host:deploy-box", graph.NodeRuntime),
		node("runtime:host:release-box", graph.NodeRuntime),
	}
	edges := []graph.Edge{
		edge("runtime:host:deploy-box", graph.EdgeCanModify, repo),
		edge("runtime:host:release-box", graph.EdgeCanModify, repo, graph.AttrActions, "workflow"),
	}
	got := derive(t, nodes, edges, graph.EdgeCanModify)
	want := []string{
		"runtime:host:deploy-box -> " + pushed + " (possible)",
		"runtime:host:release-box -> " + pushed + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
}
