package actions

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// sharedDir is the folder of inputs shared across the project, relative to
// this package.
const sharedDir = "../../../shared"

// parseShared parses a file under sharedDir as rel of repo, skipping the
// test when the shared folder is absent.
func parseShared(t *testing.T, file, repo, rel string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir, file))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent", file)
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, repo, rel, data)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	checkResult(t, res)
	return res
}

// TestCaseOIDCSubjects checks the sub claims of the three jobs of the
// cartography OIDC case against the table of its CASE.md.
func TestCaseOIDCSubjects(t *testing.T) {
	const dir = "cases/07-cartography-oidc-trust-condition-dropped/repos/"
	tests := []struct {
		repo, workflow, job string
		subs                string
	}{
		{"example-org/payments-api", "deploy.yml", "ship",
			"repo:example-org/payments-api:environment:production"},
		{"example-org/payments-api", "ci.yml", "test",
			"repo:example-org/payments-api:pull_request,repo:example-org/payments-api:ref:refs/heads/main"},
		{"example-org/docs-site", "publish.yml", "publish",
			"repo:example-org/docs-site:ref:refs/heads/main"},
	}
	for _, tt := range tests {
		rel := ".github/workflows/" + tt.workflow
		name := strings.TrimPrefix(tt.repo, "example-org/")
		res := parseShared(t, dir+name+"/"+rel, tt.repo, rel)
		rid := graph.GHAJobID(tt.repo, rel, tt.job)
		findEdge(t, res, rid, graph.EdgeExposes, graph.GHAOIDCTokenID(rid))
		n := findNode(t, res, graph.GHAOIDCSubjectID(rid))
		got := []string{n.Attr("subs"), n.Attr("subs_wildcard"), n.Attr("subs_any_ref")}
		if diff := cmp.Diff(got, []string{tt.subs, "", ""}); diff != "" {
			t.Errorf("%s/%s subs, wildcard, any ref (-got +want):\n%s", tt.workflow, tt.job, diff)
		}
	}

	// The third-party action runs in ci/test, which can mint a token but
	// holds no Actions secret.
	res := parseShared(t, dir+"payments-api/.github/workflows/ci.yml", "example-org/payments-api", ".github/workflows/ci.yml")
	rid := graph.GHAJobID("example-org/payments-api", ".github/workflows/ci.yml", "test")
	findEdge(t, res, rid, graph.EdgeExecutes, "pkg:githubactions/example-vendor/junit-summary@v2")
	want := []string{graph.GHAOIDCTokenID(rid), graph.GHATokenID(rid)}
	if diff := cmp.Diff(targets(res, rid, graph.EdgeExposes), want); diff != "" {
		t.Errorf("ci/test EXPOSES (-got +want):\n%s", diff)
	}
}

// TestCaseReusableSecrets checks the zizmor reusable-workflow case: the
// caller hands two named secrets, not all of them, and the called workflow
// reads them under the names it declares.
func TestCaseReusableSecrets(t *testing.T) {
	const dir = "cases/11-zizmor-reusable-workflow-secrets/repos/"
	rel := ".github/workflows/vendor-sync.yml"
	res := parseShared(t, dir+"app/"+rel, "example-org/app", rel)
	caller := graph.GHAJobID("example-org/app", rel, "pull")

	called := "pkg:githubactions/example-org/shared-workflows@3f9c2a7d5e1b4c6a8f0e2d4b6a8c0e2f4a6b8c0d#.github/workflows/subtree-pull.yml"
	e := findEdge(t, res, caller, graph.EdgeExecutes, called)
	wantAttrs := map[string]string{
		"via": "uses", "reusable": "true", "pinned": "sha",
		"secrets": "app-private-key=SYNC_APP_PRIVATE_KEY,chat-token=CHAT_BOT_TOKEN",
	}
	if diff := cmp.Diff(e.Attrs, wantAttrs); diff != "" {
		t.Errorf("call attrs (-got +want):\n%s", diff)
	}
	findEdge(t, res, called, graph.EdgeVersionOf, "pkg:githubactions/example-org/shared-workflows")

	wantExp := []string{
		graph.GHASecretID("example-org/app", "CHAT_BOT_TOKEN"),
		graph.GHASecretID("example-org/app", "SYNC_APP_PRIVATE_KEY"),
		graph.GHATokenID(caller),
	}
	if diff := cmp.Diff(targets(res, caller, graph.EdgeExposes), wantExp); diff != "" {
		t.Errorf("caller EXPOSES (-got +want):\n%s", diff)
	}
	if hasNodeID(res, graph.GHASecretID("example-org/app", "NPM_PUBLISH_TOKEN")) || hasNodeID(res, graph.GHAAllSecretsID("example-org/app")) {
		t.Errorf("a secret the caller does not pass was recorded")
	}
	if got := findNode(t, res, caller).Attr("permissions"); got != "contents:write,pull-requests:write" {
		t.Errorf("caller permissions = %q", got)
	}
	findEdge(t, res, graph.GHATokenIdentityID(caller), graph.EdgeCanModify, graph.RepoID("", "example-org/app"))

	rel = ".github/workflows/subtree-pull.yml"
	res = parseShared(t, dir+"shared-workflows/"+rel, "example-org/shared-workflows", rel)
	job := graph.GHAJobID("example-org/shared-workflows", rel, "pull")
	e = findEdge(t, res, job, graph.EdgeExecutes, "pkg:githubactions/example-vendor/chat-notify@v2")
	if e.Attr("pinned") != "tag-or-branch" || e.Attr("step") != "3" {
		t.Errorf("chat-notify attrs = %v", e.Attrs)
	}
	// The workflow only runs when called: its secrets are the caller's,
	// which the linker joins, so no secret of this repository is written.
	for _, name := range []string{"CHAT-TOKEN", "APP-PRIVATE-KEY"} {
		if hasNodeID(res, graph.GHASecretID("example-org/shared-workflows", name)) {
			t.Errorf("parameter %s became a secret of the called repository", name)
		}
	}
	if got := findNode(t, res, job).Attr("call_secret_refs"); got != "APP-PRIVATE-KEY,CHAT-TOKEN" {
		t.Errorf("call_secret_refs = %q", got)
	}
	if got := findNode(t, res, job).Attr("workflow_call_secrets"); got != "APP-PRIVATE-KEY,CHAT-TOKEN" {
		t.Errorf("workflow_call_secrets = %q", got)
	}
}

// TestCorpus parses every workflow and action file of the shared corpus:
// none may panic, every rejection must be positioned, and every result
// must hold together.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("corpus is absent")
	}
	var parsed, rejected, warnings int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(p)
		if ext != ".yml" && ext != ".yaml" {
			return nil
		}
		relToCorpus, _ := filepath.Rel(root, p)
		repo, rel := corpusRepo(filepath.ToSlash(relToCorpus))
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		head := data
		if len(head) > ingest.HeadSize {
			head = head[:ingest.HeadSize]
		}
		byPath := isWorkflowPath(rel) || strings.Contains(rel, ".github/actions/") ||
			filepath.Base(rel) == "action.yml" || filepath.Base(rel) == "action.yaml"
		if !byPath && !New().Detect(&ingest.File{Path: rel, RelPath: rel, Head: head}) {
			return nil
		}
		res, perr := parseBytes(t, repo, rel, data)
		if perr != nil {
			var ie *ingest.Error
			if !errors.As(perr, &ie) || ie.Pos.Line == 0 {
				t.Errorf("%s: rejected without a path:line position: %v", relToCorpus, perr)
			}
			rejected++
			t.Logf("rejected %s: %v", relToCorpus, perr)
			return nil
		}
		parsed++
		warnings += len(res.Diags)
		for _, d := range res.Diags {
			t.Logf("warning %s: %s", relToCorpus, d)
		}
		checkResult(t, res)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus: %d parsed, %d rejected, %d warnings", parsed, rejected, warnings)
	if parsed == 0 {
		t.Errorf("no corpus file parsed")
	}
}

// corpusRepo splits a corpus path owner__repo[/@commit]/path into the
// repository and the path inside it.
func corpusRepo(p string) (repo, rel string) {
	first, rest, _ := strings.Cut(p, "/")
	if strings.HasPrefix(rest, "@") {
		_, rest, _ = strings.Cut(rest, "/")
	}
	return strings.Replace(first, "__", "/", 1), rest
}
