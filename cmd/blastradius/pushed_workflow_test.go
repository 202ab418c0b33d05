package main

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// pushedWorkflowFiles is an organisation whose repository app has no
// workflow in the input. Terraform declares the repository, an Actions
// secret no workflow names, an environment secret, and three roles that
// trust GitHub's OIDC subjects: of any ref of app, of app's main branch,
// and of another repository. A mapping file states that a release bot's
// token, kept in a vault, can push to app.
var pushedWorkflowFiles = map[string]string{
	"infra/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "github_repository" "app" {
  name = "app"
}

resource "github_actions_secret" "npm" {
  repository      = github_repository.app.name
  secret_name     = "NPM_TOKEN"
  plaintext_value = var.npm_token
}

resource "github_actions_environment_secret" "db" {
  repository      = "app"
  environment     = "production"
  secret_name     = "DB_PASSWORD"
  plaintext_value = var.db_password
}

` + githubOIDCRole("app_any", "app-any", "StringLike", "repo:example-org/app:*") +
		githubOIDCRole("app_main", "app-main", "StringEquals", "repo:example-org/app:ref:refs/heads/main") +
		githubOIDCRole("other", "other-any", "StringLike", "repo:example-org/other:*"),
	"blastradius-map.yaml": `
facts:
  - node: {id: "secret:vault:release-bot", kind: Secret, label: release bot token}
  - node: {id: "github:pat:release-bot", kind: Identity, label: release bot}
  - edge: {from: "secret:vault:release-bot", kind: AUTHENTICATES_AS, to: "github:pat:release-bot"}
  - edge:
      from: "github:pat:release-bot"
      kind: CAN_MODIFY
      to: "repo:github.com/example-org/app"
      reason: the bot is a maintainer of app
`,
}

// githubOIDCRole returns a Terraform aws_iam_role whose trust policy lets
// GitHub's OIDC tokens assume it when their sub meets the condition.
func githubOIDCRole(resource, name, op, sub string) string {
	return `
resource "aws_iam_role" "` + resource + `" {
  name = "` + name + `"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { ` + op + ` = { "token.actions.githubusercontent.com:sub" = "` + sub + `" } }
    }]
  })
}
`
}

// TestPushedWorkflowReach: a credential that can push to a repository can
// push a workflow file, which GitHub runs. That workflow reads every
// Actions secret of the repository, named by a workflow or not. It reads
// the environment's secrets unless protection rules stop it. Its OIDC
// token assumes the roles that trust the repository's subjects, though
// no job of the input requests a token. Each is possible, because the
// input does not show the workflow scope and branch protection may
// reject a push to main. The role of another repository stays out.
func TestPushedWorkflowReach(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, pushedWorkflowFiles)
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "--db", db, "query", "--secret", "secret:vault:release-bot", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	got := reachedByID(t, out)
	checkReach(t, got, map[string]graph.Confidence{
		"repo:github.com/example-org/app":                       graph.Certain,
		"runtime:gha:example-org/app#pushed-workflow":           graph.Possible,
		"secret:gha:example-org/app/NPM_TOKEN":                  graph.Possible,
		"secret:gha:example-org/app/env/production/DB_PASSWORD": graph.Possible,
		"arn:aws:iam::111122223333:role/app-any":                graph.Possible,
		"arn:aws:iam::111122223333:role/app-main":               graph.Possible,
	})
	if _, ok := got["arn:aws:iam::111122223333:role/other-any"]; ok {
		t.Error("role other-any, which trusts another repository, is reached")
	}
	rt := got["runtime:gha:example-org/app#pushed-workflow"]
	if !rt.TakenOver {
		t.Error("the pushed workflow's runtime is not marked taken over")
	}
	// No input declares the pushed workflow: it is what a writer could
	// push, so it is not live.
	if rt.Declared || rt.Live {
		t.Errorf("the pushed workflow's runtime is declared=%v live=%v, want neither", rt.Declared, rt.Live)
	}

	// The plan revokes the bot's token before anything it yields.
	out, errs, code = runCLI(t, "--db", db, "plan", "--secret", "secret:vault:release-bot", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	// No runtime ran compromised code: the first step checks the
	// runtimes the token can change, the pushed workflow's OIDC token
	// among its items.
	var titled struct {
		Steps []struct {
			Title string `json:"title"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &titled); err != nil || len(titled.Steps) == 0 {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	if got, want := titled.Steps[0].Title, "Check the runtimes that the attacker could change"; got != want {
		t.Errorf("first step %q, want %q", got, want)
	}
	steps := planStepsOf(t, out)
	first := slices.IndexFunc(steps, func(ids []string) bool { return slices.Contains(ids, "secret:vault:release-bot") })
	later := slices.IndexFunc(steps, func(ids []string) bool { return slices.Contains(ids, "secret:gha:example-org/app/NPM_TOKEN") })
	if first < 0 || later < 0 || first >= later {
		t.Errorf("plan steps %v: the bot's token (step %d) must come before NPM_TOKEN (step %d)", steps, first+1, later+1)
	}
}

// planStepsOf returns, for each step of a JSON plan, the ids of its items.
func planStepsOf(t *testing.T, out string) [][]string {
	t.Helper()
	var p struct {
		Steps []struct {
			Items []struct {
				Node struct {
					ID string `json:"id"`
				} `json:"node"`
				Also []string `json:"also"`
			} `json:"items"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	var steps [][]string
	for _, s := range p.Steps {
		var ids []string
		for _, it := range s.Items {
			ids = append(ids, it.Node.ID)
			ids = append(ids, it.Also...)
		}
		steps = append(steps, ids)
	}
	return steps
}

// TestPushedWorkflowScopeStated: the mapping file states that the bot's
// token has the workflow scope. The pushed workflow, the repository
// secret and the role that trusts any ref are then certain. The
// environment's secret and the role bound to main stay possible.
func TestPushedWorkflowScopeStated(t *testing.T) {
	dir := t.TempDir()
	files := maps.Clone(pushedWorkflowFiles)
	files["blastradius-map.yaml"] = strings.Replace(files["blastradius-map.yaml"], "      reason:", "      actions: repo, workflow\n      reason:", 1)
	writeTree(t, dir, files)
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "--db", db, "query", "--secret", "secret:vault:release-bot", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	checkReach(t, reachedByID(t, out), map[string]graph.Confidence{
		"runtime:gha:example-org/app#pushed-workflow":           graph.Certain,
		"secret:gha:example-org/app/NPM_TOKEN":                  graph.Certain,
		"secret:gha:example-org/app/env/production/DB_PASSWORD": graph.Possible,
		"arn:aws:iam::111122223333:role/app-any":                graph.Certain,
		"arn:aws:iam::111122223333:role/app-main":               graph.Possible,
	})
}

// checkReach reports each id of want that got does not reach, or reaches
// with another confidence.
func checkReach(t *testing.T, got map[string]reachedView, want map[string]graph.Confidence) {
	t.Helper()
	for id, conf := range want {
		r, ok := got[id]
		if !ok {
			t.Errorf("%s not reached", id)
			continue
		}
		if r.Confidence != conf {
			t.Errorf("%s reached %s, want %s", id, r.Confidence, conf)
		}
	}
}

// TestPushedWorkflowFromAuditLog: GitHub's audit log shows account
// octo-dev pushing to example-org/app with a personal access token whose
// scopes include workflow. The push shows the account can change the
// repository, and the scope that it can push workflow files, so the token
// reaches a workflow pushed there and the repository's secret.
func TestPushedWorkflowFromAuditLog(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"infra/main.tf": `
resource "github_actions_secret" "npm" {
  repository      = "app"
  secret_name     = "NPM_TOKEN"
  plaintext_value = var.npm_token
}
`,
		"audit/export.json": `[
  {"@timestamp": 1791191100000, "action": "git.push", "actor": "octo-dev", "actor_ip": "198.51.100.90", "user_agent": "git/2.45.0",
   "org": "example-org", "repo": "example-org/app", "token_id": 555001, "programmatic_access_type": "Personal access token (classic)",
   "token_scopes": "repo,workflow"}
]
`,
	})
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "--db", db, "query", "--secret", "secret:github:token:555001", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	checkReach(t, reachedByID(t, out), map[string]graph.Confidence{
		"github:user:octo-dev":                        graph.Certain,
		"repo:github.com/example-org/app":             graph.Certain,
		"runtime:gha:example-org/app#pushed-workflow": graph.Certain,
		"secret:gha:example-org/app/NPM_TOKEN":        graph.Certain,
	})

	// The plan names who can delete the token and how to check that the
	// organisation's audit log holds no more of its use. The token pushed
	// after 2026-10-01, so it is in use after that compromise time.
	out, errs, code = runCLI(t, "--db", db, "plan", "--secret", "secret:github:token:555001", "--since", "2026-10-01T00:00:00Z", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	it := planItemOf(t, out, "secret:github:token:555001")
	if !strings.HasPrefix(it.Action, "Have GitHub account octo-dev delete personal access token (classic) 555001") {
		t.Errorf("token item action = %q", it.Action)
	}
	if !strings.Contains(it.Verify, "orgs/example-org/audit-log") || !strings.Contains(it.Verify, `"555001"`) {
		t.Errorf("token item verify = %q, want the organisation's audit log filtered to the token", it.Verify)
	}
	if !it.InUse {
		t.Error("token item not in use, though the log shows it pushing after the compromise")
	}
}

// planItem is the part of a JSON plan item that the token tests read.
type planItem struct {
	Node struct {
		ID string `json:"id"`
	} `json:"node"`
	Action string `json:"action"`
	Verify string `json:"verify"`
	InUse  bool   `json:"inUse"`
}

// planItemOf returns the item of node id in a JSON plan, and fails the
// test when the plan has none.
func planItemOf(t *testing.T, out, id string) planItem {
	t.Helper()
	var plan struct {
		Steps []struct {
			Items []planItem `json:"items"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == id {
				return it
			}
		}
	}
	t.Fatalf("plan has no item for %s: %s", id, out)
	return planItem{}
}

// TestTokenPlanHashedTwoOrgs: the audit logs of two organisations
// name one personal access token by its hashed_token, as GitHub logs a
// token whose id it does not give. GitHub's audit log search finds such
// a token with the qualifier hashed_token:"VALUE", and no event carries
// the hash as a token_id. The token acted in both organisations, so the
// check after revocation reads both organisations' logs.
func TestTokenPlanHashedTwoOrgs(t *testing.T) {
	const hash = "k3Xy+/AbCdEf0123456789abcdefghijklmnopqrstu="
	dir := t.TempDir()
	entry := func(ms, org, repo string) string {
		return `{"@timestamp": ` + ms + `, "action": "git.push", "actor": "octo-dev", "actor_ip": "198.51.100.90", "org": "` + org +
			`", "repo": "` + repo + `", "hashed_token": "` + hash + `", "programmatic_access_type": "Personal access token (classic)", "token_scopes": "repo"}`
	}
	writeTree(t, dir, map[string]string{
		// One export holds both organisations' entries (an enterprise's
		// log), and a second names the first organisation again.
		"audit/enterprise.json": "[\n" + entry("1791191100000", "example-org", "example-org/app") + ",\n" +
			entry("1791191200000", "other-org", "other-org/lib") + "\n]\n",
		"audit/third.json": "[\n" + entry("1791191300000", "third-org", "third-org/site") + "\n]\n",
	})
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	id := "secret:github:token:" + hash
	out, errs, code := runCLI(t, "--db", db, "plan", "--secret", id, "--since", "2026-10-01T00:00:00Z", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}

	check := func(org string) string {
		return `gh api -X GET --paginate orgs/` + org + `/audit-log -f 'phrase=hashed_token:"` + hash +
			`" created:>=<revocation time>' --jq '.[] | [.created_at, .action, .repo, .actor_ip] | @tsv'`
	}
	wantVerify := check("example-org") + "; " + check("other-org") + "; " + check("third-org")
	it := planItemOf(t, out, id)
	if !strings.HasPrefix(it.Action, "Have GitHub account octo-dev delete personal access token (classic) "+hash+" (the audit log's hashed_token)") {
		t.Errorf("token item action = %q", it.Action)
	}
	if it.Verify != wantVerify {
		t.Errorf("token item verify = %q\nwant %q", it.Verify, wantVerify)
	}
}

// TestPushedWorkflowOtherTokenScope: account octo-dev pushes to
// example-org/app with token 1001, whose scopes include workflow, and
// clones it with token 1002, whose scopes do not. GitHub refuses a push
// that changes workflow files from a token (classic) without the workflow
// scope, so only 1001 surely pushes a workflow. From 1002 the pushed
// workflow stays possible, as the account may hold such a token.
func TestPushedWorkflowOtherTokenScope(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"infra/main.tf": `
resource "github_actions_secret" "npm" {
  repository      = "app"
  secret_name     = "NPM_TOKEN"
  plaintext_value = var.npm_token
}
`,
		"audit/export.json": `[
  {"@timestamp": 1791191100000, "action": "git.push", "actor": "octo-dev", "actor_ip": "198.51.100.90", "org": "example-org", "repo": "example-org/app",
   "token_id": 1001, "programmatic_access_type": "Personal access token (classic)", "token_scopes": "repo,workflow"},
  {"@timestamp": 1791191200000, "action": "git.clone", "actor": "octo-dev", "actor_ip": "198.51.100.90", "org": "example-org", "repo": "example-org/app",
   "token_id": 1002, "programmatic_access_type": "Personal access token (classic)", "token_scopes": "repo"}
]
`,
	})
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	for token, conf := range map[string]graph.Confidence{"1001": graph.Certain, "1002": graph.Possible} {
		out, errs, code := runCLI(t, "--db", db, "query", "--secret", "secret:github:token:"+token, "--format", "json")
		if code != exitOK {
			t.Fatalf("query exit %d: %s", code, errs)
		}
		t.Logf("from token %s", token)
		checkReach(t, reachedByID(t, out), map[string]graph.Confidence{
			"repo:github.com/example-org/app":             graph.Certain,
			"runtime:gha:example-org/app#pushed-workflow": conf,
			"secret:gha:example-org/app/NPM_TOKEN":        conf,
		})
	}

	// No compromised code ran in the pushed workflow: token 1001 can only
	// change it, so the plan checks it rather than containing it.
	out, errs, code := runCLI(t, "--db", db, "plan", "--secret", "secret:github:token:1001", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	var plan struct {
		Steps []struct {
			Title string `json:"title"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || len(plan.Steps) == 0 {
		t.Fatalf("plan output: %v\n%s", err, out)
	}
	if got, want := plan.Steps[0].Title, "Check the runtimes that the attacker could change"; got != want {
		t.Errorf("first step %q, want %q", got, want)
	}
}
