package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestAuditLogJoinsRepositoryAndToken: a clone of acme/api has a workflow
// that reads secret NPM_TOKEN. One audit export names a token by its
// hashed_token alone, and a second export of the same run pushes to the
// repository with the token's token_id, hash, type and workflow scope. The
// logs write the repository as Acme/API, and a push webhook beside an
// audit entry writes ACME/api. GitHub names ignore case, so all of it is
// acme/api: the token and the webhook's sender reach its pushed workflow
// and NPM_TOKEN, and the plan deletes the token as a personal access token
// by its id.
func TestAuditLogJoinsRepositoryAndToken(t *testing.T) {
	const hash = "k3Xy+/AbCdEfEXAMPLEHASH0123456789abcdefghij="
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"api/.git/config": "[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n",
		"api/.github/workflows/ci.yml": `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
		"audit/a-hash.json": `[
  {"@timestamp": 1791190800000, "action": "git.clone", "actor": "octo-dev", "org": "acme", "repo": "Acme/API", "hashed_token": "` + hash + `"}
]
`,
		"audit/b-both.json": `[
  {"@timestamp": 1791191100000, "action": "git.push", "actor": "octo-dev", "org": "acme", "repo": "Acme/API", "token_id": 555001,
   "hashed_token": "` + hash + `", "programmatic_access_type": "Personal access token (classic)", "token_scopes": "repo,workflow"}
]
`,
		"audit/c-hooks.jsonl": `{"@timestamp":1791191200000,"action":"repo.create","actor":"octo-admin","org":"acme","repo":"acme/tools"}
{"ref":"refs/heads/topic","pusher":{"name":"octo-ci"},"sender":{"login":"octo-ci"},"repository":{"full_name":"ACME/api","pushed_at":1791191300}}
`,
	})
	db := filepath.Join(dir, "graph.db")
	if out, errs, code := runCLI(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", dir); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}

	out, errs, code := runCLI(t, "--db", db, "nodes", "--kind", "Secret")
	if code != exitOK {
		t.Fatalf("nodes exit %d: %s", code, errs)
	}
	if strings.Contains(out, hash) {
		t.Errorf("a node is named by the hashed token:\n%s", out)
	}

	out, errs, code = runCLI(t, "--db", db, "query", "--secret", "secret:github:token:555001", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	checkReach(t, reachedByID(t, out), map[string]graph.Confidence{
		"repo:github.com/acme/api":             graph.Certain,
		"runtime:gha:acme/api#pushed-workflow": graph.Certain,
		"secret:gha:acme/api/NPM_TOKEN":        graph.Certain,
	})

	// The webhook shows no token, so the sender may lack the workflow
	// scope, and its pushed workflow is possible. Its push runs the job
	// publish, which reads NPM_TOKEN, on any branch.
	out, errs, code = runCLI(t, "--db", db, "query", "--identity", "github:user:octo-ci", "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	checkReach(t, reachedByID(t, out), map[string]graph.Confidence{
		"repo:github.com/acme/api":                              graph.Certain,
		"runtime:gha:acme/api#pushed-workflow":                  graph.Possible,
		"runtime:gha:acme/api/.github/workflows/ci.yml#publish": graph.Certain,
		"secret:gha:acme/api/NPM_TOKEN":                         graph.Certain,
	})

	out, errs, code = runCLI(t, "--db", db, "plan", "--secret", "secret:github:token:555001", "--format", "json")
	if code != exitOK {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	it := planItemOf(t, out, "secret:github:token:555001")
	if want := "Have GitHub account octo-dev delete personal access token (classic) 555001 (the audit log's token_id)"; !strings.HasPrefix(it.Action, want) {
		t.Errorf("token item action = %q, want it to start with %q", it.Action, want)
	}
}
