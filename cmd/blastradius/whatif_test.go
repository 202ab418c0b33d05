package main

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Node ids of the example organisation, as EXPECTED.md names them.
const (
	exDeployJob   = "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
	exLintJob     = "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#lint"
	exDeployToken = "secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#deploy"
	exLintToken   = "secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#lint"
	exDeployOIDC  = "secret:gha:oidc:example-org/web-app/.github/workflows/deploy.yml#deploy"
	exTokenID     = "github:token:example-org/web-app/.github/workflows/deploy.yml#deploy"
	exSubject     = "oidc:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
	exRepo        = "repo:github.com/example-org/web-app"
	exKeyIDSecret = "secret:gha:example-org/web-app/CI_AWS_ACCESS_KEY_ID"
	exKeySecret   = "secret:gha:example-org/web-app/CI_AWS_SECRET_ACCESS_KEY"
	exCIKey       = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/ci"
	exCIUser      = "arn:aws:iam::111122223333:user/ci-deployer"
	exWebDeploy   = "arn:aws:iam::111122223333:role/web-deploy"
	exRepSecret   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting-bot-key"
	exRepKey      = "secret:aws:access-key:arn:aws:iam::111122223333:user/reporting-bot/reporting"
	exRepUser     = "arn:aws:iam::111122223333:user/reporting-bot"
	exAssets      = "arn:aws:s3:::example-org-web-assets"
	exOrders      = "arn:aws:dynamodb:us-east-1:111122223333:table/customer-orders"
	exFinance     = "arn:aws:s3:::example-org-finance-exports"
	exNewRole     = "arn:aws:iam::111122223333:role/web-assets-upload"
	exAction      = "pkg:githubactions/aws-actions/configure-aws-credentials@v4"
)

// whatIfView is the part of `whatif --format json` the tests read.
type whatIfView struct {
	Edits []struct {
		Closes    []string `json:"closes"`
		Opens     []string `json:"opens"`
		Rederived bool     `json:"rederived"`
	} `json:"edits"`
	Before struct {
		Reached []string `json:"reached"`
	} `json:"before"`
	After struct {
		Reached []string `json:"reached"`
	} `json:"after"`
	Closed []struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
		Path string `json:"path"`
	} `json:"closed"`
	Opened []struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"opened"`
	PlanBefore struct {
		Steps []struct {
			Items []string `json:"items"`
		} `json:"steps"`
	} `json:"planBefore"`
	PlanAfter struct {
		Steps []struct {
			Items []string `json:"items"`
		} `json:"steps"`
	} `json:"planAfter"`
}

func sorted(list ...string) []string {
	out := append([]string{}, list...)
	sort.Strings(out)
	return out
}

func (v whatIfView) closedIDs() []string {
	out := []string{}
	for _, c := range v.Closed {
		out = append(out, c.Node.ID)
	}
	return sorted(out...)
}

func (v whatIfView) openedIDs() []string {
	out := []string{}
	for _, c := range v.Opened {
		out = append(out, c.Node.ID)
	}
	return sorted(out...)
}

// steps renders a plan as one sorted list of items per step.
func steps(ss []struct {
	Items []string `json:"items"`
}) [][]string {
	out := [][]string{}
	for _, s := range ss {
		out = append(out, sorted(s.Items...))
	}
	return out
}

// The deploy job's part of the blast radius, worked out from EXPECTED.md:
// its two tokens and two stored key secrets, what those act as, and what
// those reach.
var deployReach = []string{
	exDeployJob, exDeployToken, exDeployOIDC, exKeyIDSecret, exKeySecret,
	exTokenID, exSubject, exRepo, exCIKey, exCIUser, exWebDeploy, exAssets,
	exRepSecret, exRepKey, exRepUser, exOrders, exFinance,
}

func runWhatIf(t *testing.T, db, changes, pkg string) whatIfView {
	t.Helper()
	out, errs, code := run(t, "--db", db, "whatif", "--changes", filepath.Join("testdata", "whatif", changes),
		"--package", pkg, "--since", exampleTime, "--format", "json")
	if code != exitOK {
		t.Fatalf("whatif exit %d: %s", code, errs)
	}
	var v whatIfView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("whatif json: %v", err)
	}
	return v
}

func TestWhatIfExample(t *testing.T) {
	db := exampleDB(t)
	planBefore := [][]string{
		sorted("contain "+exDeployJob, "contain "+exLintJob, "expire "+exDeployOIDC, "expire "+exDeployToken, "expire "+exLintToken),
		sorted("revoke "+exCIKey, "revoke "+exWebDeploy),
		{"revoke " + exRepKey},
	}
	for _, tc := range []struct {
		name       string
		changes    string
		pkg        string
		closed     []string
		opened     []string
		planBefore [][]string
		planAfter  [][]string
	}{
		{
			// Only the deploy job runs the action; pinned by SHA, nothing
			// runs the tagged version any more.
			name: "pin the action by SHA", changes: "pin.yaml", pkg: exAction,
			closed: sorted(deployReach...), opened: []string{},
			planBefore: [][]string{
				sorted("contain "+exDeployJob, "expire "+exDeployOIDC, "expire "+exDeployToken),
				sorted("revoke "+exCIKey, "revoke "+exWebDeploy),
				{"revoke " + exRepKey},
			},
			planAfter: [][]string{},
		},
		{
			// The deploy job loses both key secrets and runs in environment
			// production, so its OIDC subject becomes
			// repo:example-org/web-app:environment:production: the new role
			// trusts it, web-deploy (ref:refs/heads/main) no longer does.
			// The asset bucket stays reached through the new role, which
			// holds ci-deployer's policy.
			name: "replace the key with a role bound to an environment", changes: "oidc-environment.yaml", pkg: examplePkg,
			closed:     sorted(exKeyIDSecret, exKeySecret, exCIKey, exCIUser, exWebDeploy, exRepSecret, exRepKey, exRepUser, exOrders, exFinance),
			opened:     []string{exNewRole},
			planBefore: planBefore,
			planAfter: [][]string{
				planBefore[0],
				{"revoke " + exNewRole},
			},
		},
		{
			// Bound to branch main the deploy job keeps its subject: it can
			// assume web-deploy and the new role; only the key path closes.
			name: "replace the key with a role bound to a branch", changes: "oidc-branch.yaml", pkg: examplePkg,
			closed:     sorted(exKeyIDSecret, exKeySecret, exCIKey, exCIUser),
			opened:     []string{exNewRole},
			planBefore: planBefore,
			planAfter: [][]string{
				planBefore[0],
				sorted("revoke "+exNewRole, "revoke "+exWebDeploy),
				{"revoke " + exRepKey},
			},
		},
		{
			// web-deploy's trust then needs the environment subject as well
			// as the main-branch one, which no job has: the role and what
			// it reaches close (the log of the main-branch subject assuming
			// it shows what the old trust allowed); the key path stays.
			name: "add a trust condition", changes: "trust.yaml", pkg: examplePkg,
			closed:     sorted(exWebDeploy, exRepSecret, exRepKey, exRepUser, exOrders, exFinance),
			opened:     []string{},
			planBefore: planBefore,
			planAfter:  [][]string{planBefore[0], {"revoke " + exCIKey}},
		},
		{
			// CI_AWS_SECRET_ACCESS_KEY still holds the ci-deployer key, so
			// removing the other secret closes only that secret; deleting
			// ReadProdSecrets cuts web-deploy off the reporting-bot key (the
			// log shows web-deploy reading it, but only as the deleted
			// statement allowed, so that record goes with the statement).
			name: "remove a secret and delete a statement", changes: "two-edits.yaml", pkg: examplePkg,
			closed:     sorted(exKeyIDSecret, exRepSecret, exRepKey, exRepUser, exOrders, exFinance),
			opened:     []string{},
			planBefore: planBefore,
			planAfter:  planBefore[:2],
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := runWhatIf(t, db, tc.changes, tc.pkg)
			if diff := cmp.Diff(tc.closed, v.closedIDs()); diff != "" {
				t.Errorf("closed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.opened, v.openedIDs()); diff != "" {
				t.Errorf("opened (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.planBefore, steps(v.PlanBefore.Steps)); diff != "" {
				t.Errorf("plan before (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.planAfter, steps(v.PlanAfter.Steps)); diff != "" {
				t.Errorf("plan after (-want +got):\n%s", diff)
			}
			for _, c := range v.Closed {
				if !strings.HasPrefix(c.Path, tc.pkg+" > ") {
					t.Errorf("closed %s: path %q does not start at %s", c.Node.ID, c.Path, tc.pkg)
				}
			}
		})
	}
}

func TestWhatIfPerEdit(t *testing.T) {
	db := exampleDB(t)
	v := runWhatIf(t, db, "two-edits.yaml", examplePkg)
	if len(v.Edits) != 2 {
		t.Fatalf("got %d edits, want 2", len(v.Edits))
	}
	if diff := cmp.Diff([]string{exKeyIDSecret}, v.Edits[0].Closes); diff != "" {
		t.Errorf("edit 1 closes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sorted(exRepSecret, exRepKey, exRepUser, exOrders, exFinance), v.Edits[1].Closes); diff != "" {
		t.Errorf("edit 2 closes (-want +got):\n%s", diff)
	}
	if v.Edits[0].Rederived || !v.Edits[1].Rederived {
		t.Errorf("rederived = %v, %v; want false, true", v.Edits[0].Rederived, v.Edits[1].Rederived)
	}
}

func TestWhatIfFailures(t *testing.T) {
	db := exampleDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no change file", []string{"whatif", "--package", examplePkg}, exitUsage, "--changes"},
		{"action not run by the job", []string{"whatif", "--changes", "testdata/whatif/pin-wrong-job.yaml", "--package", examplePkg}, exitUsage, "pin-wrong-job.yaml:2 (pin_action)"},
		{"unknown package", []string{"whatif", "--changes", "testdata/whatif/pin.yaml", "--package", "pkg:npm/nothing@1.0.0"}, exitNoMatch, "no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, code := run(t, append([]string{"--db", db}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errs)
			}
			if !strings.Contains(errs, tc.msg) {
				t.Errorf("stderr %q does not mention %q", errs, tc.msg)
			}
		})
	}
}

func TestWhatIfMarkdown(t *testing.T) {
	db := exampleDB(t)
	out, errs, code := run(t, "--db", db, "whatif", "--changes", filepath.Join("testdata", "whatif", "pin.yaml"), "--package", exAction)
	if code != exitOK {
		t.Fatalf("whatif exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"# What if: package " + exAction,
		"Blast radius: 17 nodes before, 0 after; 17 closed, 0 opened.",
		"1. pin aws-actions/configure-aws-credentials@v4 to commit 0123456789abcdef0123456789abcdef01234567\n   - closes 17: ",
		"## Closed paths (17)",
		"## Revocation plan after\n\nNothing to contain or revoke.",
		"- newly needed: none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestWhatIfMarkdownSaysEditsApplyAlone(t *testing.T) {
	db := exampleDB(t)
	changes := filepath.Join("testdata", "whatif", "two-edits.yaml")
	out, errs, code := run(t, "--db", db, "whatif", "--changes", changes, "--package", examplePkg)
	if code != exitOK {
		t.Fatalf("whatif exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "## Edits\n\nEach edit applied alone:\n\n1. ") {
		t.Errorf("markdown of two edits does not say each is applied alone:\n%s", out)
	}
	// One edit's counts are those of the whole change, so no such line.
	out, errs, code = run(t, "--db", db, "whatif", "--changes", filepath.Join("testdata", "whatif", "pin.yaml"), "--package", exAction)
	if code != exitOK {
		t.Fatalf("whatif exit %d: %s", code, errs)
	}
	if strings.Contains(out, "applied alone") {
		t.Errorf("markdown of one edit says it is applied alone:\n%s", out)
	}
}
