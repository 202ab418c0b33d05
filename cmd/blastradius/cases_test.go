package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// casesDir holds small inputs on which other tools answered wrongly, each
// with the right answer in its CASE.md. Tests skip when it is absent.
const casesDir = "../../../shared/cases"

func caseReach(t *testing.T, name, org string, args ...string) map[string]reachedView {
	t.Helper()
	dir := filepath.Join(casesDir, name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("case %s not found: %v", name, err)
	}
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", org, dir); code != exitOK {
		t.Fatalf("ingest %s: exit %d: %s", name, code, errs)
	}
	out, errs, code := run(t, append([]string{"--db", db, "query", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("query: exit %d: %s", code, errs)
	}
	var res resultView
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	m := map[string]reachedView{}
	for _, r := range res.Reached {
		m[r.Node.ID] = r
	}
	return m
}

// The called workflow receives only the secrets the caller passes by name,
// and runs with the caller job's GITHUB_TOKEN.
func TestCaseReusableWorkflowSecrets(t *testing.T) {
	got := caseReach(t, "11-zizmor-reusable-workflow-secrets", "example-org",
		"--package", "pkg:githubactions/example-vendor/chat-notify@v2")
	for _, id := range []string{
		"secret:gha:example-org/app/CHAT_BOT_TOKEN",
		"secret:gha:example-org/app/SYNC_APP_PRIVATE_KEY",
		"secret:gha:token:example-org/app/.github/workflows/vendor-sync.yml#pull",
	} {
		if _, ok := got[id]; !ok {
			t.Errorf("not reached: %s", id)
		}
	}
	if r, ok := got["secret:gha:example-org/app/NPM_PUBLISH_TOKEN"]; ok {
		t.Errorf("NPM_PUBLISH_TOKEN reached via %v: the caller passes secrets by name, not with inherit", r.Path)
	}
	tok := got["github:token:example-org/app/.github/workflows/vendor-sync.yml#pull"]
	if tok.Node.Attrs["permissions"] != "contents:write,pull-requests:write" {
		t.Errorf("caller token permissions = %q, want contents:write,pull-requests:write", tok.Node.Attrs["permissions"])
	}
}
