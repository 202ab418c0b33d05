package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// casesDir holds small inputs on which other tools answered wrongly, each
// with the right answer in its CASE.md. Tests skip when it is absent.
const casesDir = "../../../shared/cases"

// ownCasesDir holds variants of those cases written for these tests: the
// same kind of fault in another policy type, trigger or log shape.
const ownCasesDir = "testdata/cases"

// caseTest is one input folder and the results it must give.
type caseTest struct {
	name string
	// dir is casesDir or ownCasesDir.
	dir string
	// paths are the inputs inside the folder; none means the folder.
	paths []string
	// flags are extra ingest flags.
	flags []string
	// records is the number of records each format must report read.
	records map[string]int
	// warnings lists text that ingest warnings must hold, each in one
	// warning.
	warnings []string
	queries  []caseQuery
	explains []caseExplain
	nodes    []caseNode
	// nodesKnown, when set, names the known wrong result of the node
	// checks.
	nodesKnown string
	// public lists resources that anonymous callers must (true) or must
	// not (false) be shown to read.
	public map[string]bool
	// publicKnown, when set, names the known wrong result of the public
	// checks.
	publicKnown string
}

// caseQuery is one `blastradius query` run.
type caseQuery struct {
	start []string
	reach []caseReach
	// not lists node ids that must not be reached.
	not []string
	// forbid lists text that no hop reason of any reached path may hold.
	forbid []string
	// known, when set, names the known wrong result of this query. The
	// query still runs, and is skipped while it fails.
	known string
}

// caseReach is a node that must be reached and how.
type caseReach struct {
	id string
	// explained lists text that the reasons of the path's hops must hold.
	explained []string
	// via lists node ids the path must pass through.
	via []string
	// possible allows only a possible confidence; else it must be certain.
	possible bool
	// keys lists access key ids the evidence must name; first is the
	// first use (RFC 3339) it must show.
	keys  []string
	first string
	// notActions lists actions the last hop must not grant.
	notActions []string
}

// caseExplain is one AWS authorization the linker must decide, with the
// statement that decides it.
type caseExplain struct {
	principal, action, resource string
	effect                      awspolicy.Effect
	explained                   []string
	known                       string
}

// caseNode is an attribute a node must hold: text it contains, or its
// whole value when is is set.
type caseNode struct {
	id, attr string
	has      []string
	is       string
}

var caseTests = []caseTest{
	// A Deny in a group policy removes what the user's own policy allows.
	{
		name: "01-pmapper-group-deny", dir: casesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			reach: []caseReach{{id: "arn:aws:s3:::example-org-reports", explained: []string{"read-all-buckets", "ReadAnyBucket"}}},
			not:   []string{"arn:aws:s3:::example-org-ledger-prod"},
		}},
		explains: []caseExplain{
			{principal: "arn:aws:iam:::user/quinn-analyst", action: "s3:GetObject", resource: "arn:aws:s3:::example-org-ledger-prod/*",
				effect: awspolicy.Denied, explained: []string{"fence-off-ledger", "FenceLedger"}},
			{principal: "arn:aws:iam:::user/quinn-analyst", action: "s3:GetObject", resource: "arn:aws:s3:::example-org-reports/*",
				effect: awspolicy.Allowed, explained: []string{"ReadAnyBucket"}},
		},
	},
	{
		name: "01-boundary-deny", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			reach: []caseReach{{id: "arn:aws:s3:::example-org-reports", explained: []string{"ReadAnyBucket", "permissions boundary", "ReadOnlyCeiling"}}},
			not:   []string{"arn:aws:s3:::example-org-ledger-prod"},
		}},
		explains: []caseExplain{{
			principal: "arn:aws:iam::111122223333:user/quinn-analyst", action: "s3:GetObject", resource: "arn:aws:s3:::example-org-ledger-prod/*",
			effect: awspolicy.Denied, explained: []string{"permissions boundary", "analyst-boundary", "NoLedger"},
		}},
	},
	{
		name: "01-bucket-policy-deny", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			reach: []caseReach{{id: "arn:aws:s3:::example-org-reports", explained: []string{"ReadAnyBucket"}}},
			not:   []string{"arn:aws:s3:::example-org-ledger-prod"},
		}},
		explains: []caseExplain{{
			principal: "arn:aws:iam::111122223333:user/quinn-analyst", action: "s3:ListBucket", resource: "arn:aws:s3:::example-org-ledger-prod",
			effect: awspolicy.Denied, explained: []string{"resource policy of arn:aws:s3:::example-org-ledger-prod", "NoAnalysts"},
		}},
	},
	{
		name: "01-managed-group-deny", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			reach: []caseReach{{id: "arn:aws:s3:::example-org-reports", explained: []string{"arn:aws:iam::111122223333:policy/read-all-buckets"}}},
			not:   []string{"arn:aws:s3:::example-org-ledger-prod"},
		}},
		explains: []caseExplain{{
			principal: "arn:aws:iam::111122223333:user/quinn-analyst", action: "s3:GetObject", resource: "arn:aws:s3:::example-org-ledger-prod/*",
			effect: awspolicy.Denied, explained: []string{"arn:aws:iam::111122223333:policy/fence-off-ledger", "FenceLedger"},
		}},
	},
	{
		// The Deny covers the objects only: listing the bucket stays
		// allowed, reading an object does not. The linker makes no edge
		// for actions that only list, so the ledger is not reached.
		name: "01-object-only-deny", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			not:   []string{"arn:aws:s3:::example-org-ledger-prod"},
		}},
		explains: []caseExplain{
			{principal: "arn:aws:iam::111122223333:user/quinn-analyst", action: "s3:GetObject", resource: "arn:aws:s3:::example-org-ledger-prod/*",
				effect: awspolicy.Denied, explained: []string{"fence-off-ledger-objects", "FenceObjects"}},
			{principal: "arn:aws:iam::111122223333:user/quinn-analyst", action: "s3:ListBucket", resource: "arn:aws:s3:::example-org-ledger-prod",
				effect: awspolicy.Allowed, explained: []string{"ReadAnyBucket"}},
		},
	},
	{
		// The user may leave the fencing group, after which nothing denies
		// the read: the ledger is two steps away.
		name: "01-remove-fence", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "quinn-analyst"},
			reach: []caseReach{{id: "arn:aws:s3:::example-org-ledger-prod", explained: []string{"iam:RemoveUserFromGroup"}}},
		}},
	},

	// A service control policy bounds every principal of the member
	// account, per action.
	{
		// The input names no account for the users, so an escalation the
		// SCP may block stays possible, never certain, and the secret is
		// reached only by the user whose method the SCP leaves alone.
		name: "03-pmapper-scp-ignored-for-admin", dir: casesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "svc-group-joiner"},
				reach: []caseReach{{id: "arn:aws:secretsmanager:us-east-1::secret:dev/orders-db-password",
					via: []string{"arn:aws:iam:::group/platform-admins"}, explained: []string{"iam:AddUserToGroup", "AdministratorAccess"}}},
			},
			{
				// The input leaves the user's account unknown, so the SCP
				// may or may not bind it: becoming an administrator, and all
				// an administrator reaches, is possible, never certain.
				start: []string{"--identity", "svc-put-self"},
				reach: []caseReach{
					{id: "aws:administrator:unknown-account", possible: true, explained: []string{"no-iam-writes-in-dev", "BlockIdentityEdits"}},
					{id: "arn:aws:secretsmanager:us-east-1::secret:dev/orders-db-password", possible: true,
						via: []string{"aws:administrator:unknown-account"}, explained: []string{"no-iam-writes-in-dev"}},
					{id: "arn:aws:iam:::group/platform-admins", possible: true, via: []string{"aws:administrator:unknown-account"}},
				},
			},
			{
				// The input leaves the user's account unknown, so the SCP
				// may or may not bind it: becoming an administrator, and all
				// an administrator reaches, is possible, never certain.
				start: []string{"--identity", "svc-attach-self"},
				reach: []caseReach{
					{id: "aws:administrator:unknown-account", possible: true, explained: []string{"no-iam-writes-in-dev", "BlockIdentityEdits"}},
					{id: "arn:aws:secretsmanager:us-east-1::secret:dev/orders-db-password", possible: true,
						via: []string{"aws:administrator:unknown-account"}, explained: []string{"no-iam-writes-in-dev"}},
					{id: "arn:aws:iam:::group/platform-admins", possible: true, via: []string{"aws:administrator:unknown-account"}},
				},
			},
		},
	},
	{
		name: "03-known-account", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "svc-group-joiner"},
				reach: []caseReach{{id: "arn:aws:secretsmanager:us-east-1:444455556666:secret:dev/orders-db-password",
					via: []string{"arn:aws:iam::444455556666:group/platform-admins"}, explained: []string{"iam:AddUserToGroup"}}},
			},
			{
				start: []string{"--identity", "svc-put-self"},
				not:   []string{"aws:*:444455556666:*", "aws:administrator:444455556666", "arn:aws:iam::444455556666:group/platform-admins", "arn:aws:secretsmanager:us-east-1:444455556666:secret:dev/orders-db-password"},
			},
			{
				start: []string{"--identity", "svc-attach-self"},
				not:   []string{"aws:*:444455556666:*", "aws:administrator:444455556666", "arn:aws:iam::444455556666:group/platform-admins", "arn:aws:secretsmanager:us-east-1:444455556666:secret:dev/orders-db-password"},
			},
		},
		explains: []caseExplain{
			{principal: "arn:aws:iam::444455556666:user/svc-put-self", action: "iam:PutUserPolicy", resource: "arn:aws:iam::444455556666:user/svc-put-self",
				effect: awspolicy.Denied, explained: []string{"service control policy", "no-iam-writes-in-dev", "BlockIdentityEdits"}},
			{principal: "arn:aws:iam::444455556666:user/svc-attach-self", action: "iam:AttachUserPolicy", resource: "arn:aws:iam::444455556666:user/svc-attach-self",
				effect: awspolicy.Denied, explained: []string{"service control policy", "BlockIdentityEdits"}},
		},
	},
	{
		// The SCP denies joining groups but not inline policies, so the
		// result flips between the two users.
		name: "03-scp-blocks-group-join", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "svc-put-self"},
				reach: []caseReach{{id: "aws:*:444455556666:*", explained: []string{"iam:PutUserPolicy", "self-edit"}}},
			},
			{
				start: []string{"--identity", "svc-group-joiner"},
				not:   []string{"arn:aws:iam::444455556666:group/platform-admins", "aws:*:444455556666:*", "arn:aws:secretsmanager:us-east-1:444455556666:secret:dev/orders-db-password"},
			},
		},
		explains: []caseExplain{{
			principal: "arn:aws:iam::444455556666:user/svc-group-joiner", action: "iam:AddUserToGroup", resource: "arn:aws:iam::444455556666:group/platform-admins",
			effect: awspolicy.Denied, explained: []string{"service control policy", "no-group-changes", "BlockGroupChanges"},
		}},
	},

	{
		// The SCP's Deny holds a condition on the caller's ARN: it fences
		// the user and spares the break-glass role.
		name: "03-scp-condition", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "breakglass-admin"},
				reach: []caseReach{{id: "aws:*:444455556666:*", explained: []string{"iam:PutRolePolicy"}}},
			},
			{
				start: []string{"--identity", "svc-put-self"},
				not:   []string{"aws:*:444455556666:*", "arn:aws:iam::444455556666:user/svc-put-self"},
			},
		},
		explains: []caseExplain{
			{principal: "arn:aws:iam::444455556666:user/svc-put-self", action: "iam:PutUserPolicy", resource: "arn:aws:iam::444455556666:user/svc-put-self",
				effect: awspolicy.Denied, explained: []string{"service control policy", "OnlyBreakglassEditsIdentities"}},
			{principal: "arn:aws:iam::444455556666:role/breakglass-admin", action: "iam:PutRolePolicy", resource: "arn:aws:iam::444455556666:role/breakglass-admin",
				effect: awspolicy.Allowed},
		},
	},

	// The permissions of an escalation method may sit in several policies.
	{
		name: "05-cloudsplaining-split-policy-privesc", dir: casesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "ci-builder"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/ops-admin", explained: []string{"EC2 instance", "ci-launch-instances", "ci-pass-any-role"}},
					{id: "aws:*:111122223333:*", via: []string{"arn:aws:iam::111122223333:role/ops-admin"}, explained: []string{"AdministratorAccess"}},
				},
			},
			{
				start: []string{"--identity", "ci-linter"},
				not:   []string{"arn:aws:iam::111122223333:role/ops-admin", "aws:*:111122223333:*"},
			},
		},
	},
	{
		name: "05-group-and-user", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "ci-builder"},
				reach: []caseReach{{id: "arn:aws:iam::111122223333:role/ops-admin",
					explained: []string{"EC2 instance", "group/instance-launchers#inline/launch-instances", "user/ci-builder#inline/pass-any-role"}}},
			},
			{
				start: []string{"--identity", "ci-linter"},
				not:   []string{"arn:aws:iam::111122223333:role/ops-admin", "aws:*:111122223333:*"},
			},
		},
	},
	{
		name: "05-passrole-scoped", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "ci-builder"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/build-worker"},
					{id: "arn:aws:s3:::example-org-build-artifacts", via: []string{"arn:aws:iam::111122223333:role/build-worker"}, explained: []string{"Artifacts"}},
				},
				not: []string{"arn:aws:iam::111122223333:role/ops-admin", "aws:*:111122223333:*"},
			},
			{
				// Becoming build-worker takes both policies; iam:PassRole
				// alone explains nothing.
				start: []string{"--identity", "ci-builder"},
				reach: []caseReach{{id: "arn:aws:iam::111122223333:role/build-worker", explained: []string{"EC2 instance", "ci-launch-instances", "ci-pass-worker"}}},
			},
		},
	},
	{
		// Reading a role's definition is not acting as it.
		name: "05-getrole-only", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--identity", "auditor"},
			not:   []string{"arn:aws:s3:::example-org-vault"},
		}},
	},
	{
		name: "05-lambda-split", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "ci-deployer"},
				reach: []caseReach{{id: "arn:aws:iam::111122223333:role/maintenance-fn",
					explained: []string{"Lambda function", "ci-manage-functions", "ci-pass-any-role"}}},
			},
			{
				start: []string{"--identity", "ci-packager"},
				not:   []string{"arn:aws:iam::111122223333:role/maintenance-fn", "aws:*:111122223333:*"},
			},
		},
	},

	// A federated trust admits only the OIDC subjects its condition
	// matches.
	{
		name: "07-cartography-oidc-trust-condition-dropped", dir: casesDir,
		queries: []caseQuery{
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/junit-summary"},
				reach: []caseReach{{id: "secret:gha:oidc:example-org/payments-api/.github/workflows/ci.yml#test"}},
				not: []string{
					"arn:aws:iam::111122223333:role/payments-deploy-prod",
					"arn:aws:secretsmanager::111122223333:secret:prod/payments/card-processor-key",
					"arn:aws:iam::111122223333:role/docs-publish",
					"arn:aws:s3:::example-org-docs-site",
				},
			},
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/static-site-build"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/docs-publish", explained: []string{"repo:example-org/docs-site:ref:refs/heads/main"}},
					{id: "arn:aws:s3:::example-org-docs-site", explained: []string{"repo:example-org/docs-site:ref:refs/heads/main", "s3:PutObject"}},
				},
				not: []string{"arn:aws:iam::111122223333:role/payments-deploy-prod"},
			},
			{
				start: []string{"--runtime", "runtime:gha:example-org/payments-api/.github/workflows/deploy.yml#ship"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/payments-deploy-prod", explained: []string{"repo:example-org/payments-api:environment:production"}},
					{id: "arn:aws:secretsmanager::111122223333:secret:prod/payments/card-processor-key", explained: []string{"environment:production", "GetSecretValue"}},
				},
			},
		},
	},
	{
		// A wildcard subject admits pull-request runs too.
		name: "07-wildcard-sub", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--package", "pkg:githubactions/example-vendor/junit-summary"},
			reach: []caseReach{
				{id: "arn:aws:iam::111122223333:role/payments-deploy-any", explained: []string{"repo:example-org/payments-api:pull_request"}},
				{id: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payments/card-processor-key"},
			},
		}},
	},
	{
		// Only the job of the production environment gets the subject the
		// trust names.
		name: "07-environment-mismatch", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/release-notes"},
				reach: []caseReach{{id: "secret:gha:oidc:example-org/payments-api/.github/workflows/deploy.yml#stage"}},
				not:   []string{"arn:aws:iam::111122223333:role/payments-deploy-prod", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payments/card-processor-key"},
			},
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/notify"},
				reach: []caseReach{{id: "arn:aws:iam::111122223333:role/payments-deploy-prod", explained: []string{"repo:example-org/payments-api:environment:production"}}},
			},
		},
	},

	{
		// GitLab ID tokens: only tag pipelines get the subject the trust
		// admits, so the branch-pipeline test job cannot release.
		name: "07-gitlab-tag-only", dir: ownCasesDir,
		flags: []string{"--repo", "example-org/payments-api"},
		queries: []caseQuery{
			{
				start: []string{"--runtime", "runtime:gitlab:example-org/payments-api/.gitlab-ci.yml#release"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/payments-release", explained: []string{"project_path:example-org/payments-api:ref_type:tag:ref:v*"}},
					{id: "arn:aws:secretsmanager:us-east-1:111122223333:secret:release/payments/signing-key"},
				},
			},
			{
				start: []string{"--runtime", "runtime:gitlab:example-org/payments-api/.gitlab-ci.yml#unit-tests"},
				reach: []caseReach{{id: "secret:gitlab:oidc:example-org/payments-api/.gitlab-ci.yml#unit-tests/AWS_TOKEN"}},
				not:   []string{"arn:aws:iam::111122223333:role/payments-release", "arn:aws:secretsmanager:us-east-1:111122223333:secret:release/payments/signing-key"},
			},
		},
	},

	// A bucket policy given as a data source's .json, inline or heredoc is
	// read like any other.
	{
		name: "09-checkov-policy-document-json-ref", dir: casesDir,
		nodes: []caseNode{
			{id: "arn:aws:s3:::example-org-press-kit", attr: "resource_policy", has: []string{`"Sid":"EveryoneMayDownload"`, `"Principal":{"AWS":"*"}`}},
			{id: "arn:aws:s3:::example-org-payroll-exports", attr: "resource_policy", has: []string{`"Principal":{"AWS":"arn:aws:iam::111122223333:role/payroll-export"}`}},
		},
		public: map[string]bool{"arn:aws:s3:::example-org-press-kit": true, "arn:aws:s3:::example-org-payroll-exports": false},
	},
	{
		name: "09-jsonencode-star", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "payroll-export"},
				reach: []caseReach{
					{id: "arn:aws:s3:::example-org-payroll-exports", explained: []string{"resource policy of arn:aws:s3:::example-org-payroll-exports", "OnlyPayrollRole"}},
					{id: "arn:aws:s3:::example-org-press-kit", explained: []string{"EveryoneMayDownload"}},
				},
			},
			{
				start: []string{"--identity", "web-app"},
				reach: []caseReach{{id: "arn:aws:s3:::example-org-press-kit", explained: []string{"EveryoneMayDownload"}}},
				not:   []string{"arn:aws:s3:::example-org-payroll-exports"},
			},
		},
		public: map[string]bool{"arn:aws:s3:::example-org-press-kit": true, "arn:aws:s3:::example-org-payroll-exports": false},
	},
	{
		name: "09-heredoc", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--identity", "payroll-export"},
				reach: []caseReach{
					{id: "arn:aws:s3:::example-org-payroll-exports", explained: []string{"OnlyPayrollRole"}},
					{id: "arn:aws:s3:::example-org-press-kit", explained: []string{"EveryoneMayDownload"}},
				},
			},
			{
				start: []string{"--identity", "web-app"},
				reach: []caseReach{{id: "arn:aws:s3:::example-org-press-kit", explained: []string{"EveryoneMayDownload"}}},
				not:   []string{"arn:aws:s3:::example-org-payroll-exports"},
			},
		},
		public: map[string]bool{"arn:aws:s3:::example-org-press-kit": true, "arn:aws:s3:::example-org-payroll-exports": false},
	},

	{
		// A policy the input does not show is reported with its position,
		// and the bucket keeps a mark that its readers are unknown.
		name: "09-unresolved-policy", dir: ownCasesDir,
		warnings: []string{"09-unresolved-policy/main.tf:19:12: aws_s3_bucket_policy.press_kit: policy could not be resolved: it depends on var.press_kit_policy"},
		nodes: []caseNode{
			{id: "arn:aws:s3:::example-org-press-kit", attr: "unresolved", has: []string{"var.press_kit_policy"}},
			{id: "arn:aws:s3:::example-org-press-kit", attr: "policy_unresolved", is: "true"},
		},
	},

	// A denied call in the logs is an attempt, never a used path.
	{
		name: "15-cartography-cloudtrail-denied-assumerole/gz", dir: casesDir,
		paths:   []string{"111122223333_CloudTrail_us-east-1_20261005T0935Z_Ex4mpl3F1l3Ab12.json.gz"},
		records: map[string]int{"cloudtrail": 5},
		queries: cloudTrailCaseQueries,
	},
	{
		name: "15-cartography-cloudtrail-denied-assumerole/json", dir: casesDir,
		paths:   []string{"111122223333_CloudTrail_us-east-1_20261005T0935Z_Ex4mpl3F1l3Ab12.json"},
		records: map[string]int{"cloudtrail": 5},
		queries: cloudTrailCaseQueries,
	},
	{
		name: "15-webidentity-denied", dir: ownCasesDir,
		records: map[string]int{"cloudtrail": 4},
		queries: []caseQuery{
			{
				start: []string{"--node", "oidc:sub:token.actions.githubusercontent.com:repo:example-org/payments-api:pull_request"},
				not: []string{"arn:aws:iam::111122223333:role/payments-deploy-prod", "arn:aws:iam::111122223333:role/payments-admin",
					"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payments/card-processor-key"},
			},
			{
				start: []string{"--node", "oidc:sub:token.actions.githubusercontent.com:repo:example-org/payments-api:environment:production"},
				reach: []caseReach{
					{id: "arn:aws:iam::111122223333:role/payments-deploy-prod", first: "2026-10-06T09:45:00Z"},
					{id: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payments/card-processor-key",
						via: []string{"arn:aws:iam::111122223333:role/payments-deploy-prod"}, keys: []string{"ASIAEXAMPLEGHAPAY002"}, first: "2026-10-06T09:45:20Z"},
				},
			},
		},
	},
	{
		name: "15-denied-session-call", dir: ownCasesDir,
		records: map[string]int{"cloudtrail": 3},
		queries: []caseQuery{{
			start: []string{"--secret", "AKIAEXAMPLECIDEPLOY2"},
			reach: []caseReach{
				{id: "arn:aws:iam::111122223333:role/prod-deploy", keys: []string{"AKIAEXAMPLECIDEPLOY2"}, first: "2026-10-06T10:00:00Z"},
				{id: "arn:aws:s3:::example-org-releases", via: []string{"arn:aws:iam::111122223333:role/prod-deploy"}, keys: []string{"ASIAEXAMPLEPRODDEP02"}, first: "2026-10-06T10:00:40Z"},
			},
			not: []string{"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/main"},
		}},
	},

	// A called workflow receives only the secrets its caller passes by
	// name, and runs with the caller job's GITHUB_TOKEN.
	{
		name: "11-zizmor-reusable-workflow-secrets", dir: casesDir,
		queries: []caseQuery{{
			start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
			reach: []caseReach{
				{id: "secret:gha:example-org/app/CHAT_BOT_TOKEN", explained: []string{"passes its secret CHAT_BOT_TOKEN as CHAT-TOKEN"}},
				{id: "secret:gha:example-org/app/SYNC_APP_PRIVATE_KEY", explained: []string{"passes its secret SYNC_APP_PRIVATE_KEY as APP-PRIVATE-KEY"}},
				{id: "secret:gha:token:example-org/app/.github/workflows/vendor-sync.yml#pull", explained: []string{"GITHUB_TOKEN", "vendor-sync / pull"}},
			},
			not: []string{"secret:gha:example-org/app/NPM_PUBLISH_TOKEN"},
		}, {
			start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
			not:   []string{"repo:github.com/example-org/shared-workflows"},
		}},
		nodes: []caseNode{{id: "github:token:example-org/app/.github/workflows/vendor-sync.yml#pull", attr: "permissions", is: "contents:write,pull-requests:write"}},
	},

	{
		// secrets: inherit hands every caller secret to the called
		// workflow under its own name.
		name: "11-inherit", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
				reach: []caseReach{
					{id: "secret:gha:example-org/app/CHAT_BOT_TOKEN", explained: []string{"notify / announce calls this workflow", "CHAT_BOT_TOKEN"}},
					{id: "secret:gha:example-org/app/NPM_PUBLISH_TOKEN", explained: []string{"notify / announce calls this workflow", "NPM_PUBLISH_TOKEN"}},
				},
			},
			{
				// The called workflow runs only through workflow_call, so
				// never with a token of its own repository.
				start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
				not:   []string{"repo:github.com/example-org/shared-workflows"},
			},
		},
		nodes: []caseNode{{id: "github:token:example-org/app/.github/workflows/notify.yml#announce", attr: "permissions", is: "contents:read"}},
	},
	{
		// The called job requests more than the caller grants, so its token
		// keeps the caller's read-only permissions.
		name: "11-permissions-downgrade", dir: ownCasesDir,
		queries: []caseQuery{
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
				reach: []caseReach{
					{id: "secret:gha:example-org/app/CHAT_BOT_TOKEN", explained: []string{"passes its secret CHAT_BOT_TOKEN as CHAT-TOKEN"}},
					{id: "repo:github.com/example-org/app", notActions: []string{"contents:write", "pull-requests:write"}},
				},
				not: []string{"secret:gha:example-org/app/NPM_PUBLISH_TOKEN"},
			},
			{
				start: []string{"--package", "pkg:githubactions/example-vendor/chat-notify@v2"},
				not:   []string{"repo:github.com/example-org/shared-workflows"},
			},
		},
		nodes: []caseNode{{id: "github:token:example-org/app/.github/workflows/notify.yml#announce", attr: "permissions", is: "contents:read"}},
	},

	// A RoleBinding that names a ClusterRole grants its rules in the
	// binding's namespace only.
	{
		name: "17-kubelinter-rolebinding-clusterrole", dir: casesDir,
		queries: []caseQuery{
			{
				start: []string{"--node", "pkg:docker/example-org/ci-agent@1.4.2?repository_url=registry.example.org"},
				reach: []caseReach{{id: "secret:k8s:payments/card-webhook-signing",
					explained: []string{"RoleBinding payments/ci-reads-payment-secrets", "ClusterRole secret-reader", "namespace payments only"}}},
				not:    []string{"secret:k8s:billing/ledger-db", "k8s:namespace:billing", "k8s:cluster"},
				forbid: []string{"Role payments/secret-reader", "configmaps"},
			},
			{
				start: []string{"--package", "pkg:docker/example-org/ci-agent@1.4.2?repository_url=registry.example.org"},
				reach: []caseReach{{id: "secret:k8s:payments/card-webhook-signing"}},
			},
		},
	},
	{
		name: "17-clusterrolebinding", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--node", "k8s:workload:build/Deployment/ci-agent"},
			reach: []caseReach{
				{id: "secret:k8s:payments/card-webhook-signing", explained: []string{"ClusterRoleBinding ci-reads-all-secrets", "cluster-wide"}},
				{id: "secret:k8s:billing/ledger-db", explained: []string{"ClusterRoleBinding ci-reads-all-secrets", "cluster-wide"}},
			},
		}},
	},
	{
		name: "17-rolebinding-role", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--node", "k8s:workload:build/Deployment/ci-agent"},
			reach: []caseReach{{id: "k8s:namespace:payments", explained: []string{"Role payments/secret-reader", "configmaps"}, notActions: []string{"get:secrets"}}},
			not:   []string{"secret:k8s:payments/card-webhook-signing", "secret:k8s:payments/*"},
		}},
	},
	{
		name: "17-aggregated-clusterrole", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--node", "k8s:workload:build/Deployment/ci-agent"},
			reach: []caseReach{{id: "secret:k8s:payments/card-webhook-signing",
				explained: []string{"RoleBinding payments/ci-reads-payments", "ClusterRole secret-getter, aggregated into it", "namespace payments only"}}},
			not: []string{"secret:k8s:billing/ledger-db", "k8s:cluster"},
		}},
	},
	{
		name: "17-group-subject", dir: ownCasesDir,
		queries: []caseQuery{{
			start: []string{"--node", "k8s:workload:build/Deployment/ci-agent"},
			reach: []caseReach{{id: "secret:k8s:payments/card-webhook-signing", explained: []string{"group system:serviceaccounts:build", "namespace payments only"}}},
			not:   []string{"secret:k8s:billing/ledger-db"},
		}},
	},
}

var cloudTrailCaseQueries = []caseQuery{
	{
		start: []string{"--secret", "AKIAEXAMPLECIDEPLOY1"},
		reach: []caseReach{
			{id: "arn:aws:iam::111122223333:role/prod-deploy", keys: []string{"AKIAEXAMPLECIDEPLOY1"}, first: "2026-10-05T09:12:41Z"},
			{id: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/main",
				via: []string{"arn:aws:iam::111122223333:role/prod-deploy"}, keys: []string{"ASIAEXAMPLEPRODDEP01"}, first: "2026-10-05T09:13:05Z"},
		},
	},
	{
		start: []string{"--secret", "AKIAEXAMPLEINTERN001"},
		not:   []string{"arn:aws:iam::111122223333:role/prod-admin", "arn:aws:iam::111122223333:role/prod-deploy"},
	},
	{
		start: []string{"--node", "oidc:sub:token.actions.githubusercontent.com:repo:example-org/payments-api:environment:production"},
		reach: []caseReach{{id: "arn:aws:iam::111122223333:role/payments-deploy-prod", first: "2026-10-05T09:31:10Z"}},
	},
}

func TestCases(t *testing.T) {
	for _, tc := range caseTests {
		t.Run(tc.name, func(t *testing.T) {
			folder, _, _ := strings.Cut(tc.name, "/")
			dir := filepath.Join(tc.dir, folder)
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("case %s not found: %v", folder, err)
			}
			db := ingestCase(t, dir, tc)
			for i, q := range tc.queries {
				t.Run(fmt.Sprintf("query%d", i+1), func(t *testing.T) {
					report(t, q.known, checkQuery(t, db, q))
				})
			}
			if len(tc.explains) > 0 || len(tc.nodes) > 0 || len(tc.public) > 0 {
				s, err := memstore.Open(db)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				for i, ex := range tc.explains {
					t.Run(fmt.Sprintf("explain%d", i+1), func(t *testing.T) {
						report(t, ex.known, checkExplain(s, ex))
					})
				}
				if len(tc.nodes) > 0 {
					t.Run("nodes", func(t *testing.T) {
						report(t, tc.nodesKnown, checkNodes(s, tc.nodes))
					})
				}
				if len(tc.public) > 0 {
					t.Run("public", func(t *testing.T) {
						report(t, tc.publicKnown, checkPublic(s, tc.public))
					})
				}
			}
		})
	}
}

// report fails the test with the problems found. A check marked known
// wrong is skipped while it still fails, and fails once it passes, so
// that the mark is removed.
func report(t *testing.T, known string, problems []string) {
	t.Helper()
	if known == "" {
		for _, p := range problems {
			t.Error(p)
		}
		return
	}
	if len(problems) == 0 {
		t.Fatalf("marked known wrong (%s) but every check passes: remove the mark", known)
	}
	t.Skipf("known wrong: %s (%s)", known, strings.Join(problems, "; "))
}

// ingestCase ingests a case folder through the CLI into a fresh store and
// checks the records each format reports.
func ingestCase(t *testing.T, dir string, tc caseTest) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest", "--org", "example-org", "--format", "json"}
	args = append(args, tc.flags...)
	if len(tc.paths) == 0 {
		args = append(args, dir)
	}
	for _, p := range tc.paths {
		args = append(args, filepath.Join(dir, p))
	}
	out, errs, code := run(t, args...)
	if code != exitOK {
		t.Fatalf("ingest %s: exit %d: %s", dir, code, errs)
	}
	var sum ingest.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("ingest summary: %v", err)
	}
	for _, w := range tc.warnings {
		found := false
		for _, d := range sum.Warnings {
			found = found || strings.Contains(d.String(), w)
		}
		if !found {
			t.Errorf("no ingest warning holds %q: %v", w, sum.Warnings)
		}
	}
	for format, want := range tc.records {
		f := sum.Formats[format]
		if f.Records != want || f.Rejected != 0 || f.Warnings != 0 {
			t.Errorf("%s: %d records, %d rejected, %d warnings; want %d records, none rejected, no warnings",
				format, f.Records, f.Rejected, f.Warnings, want)
		}
	}
	return db
}

func checkQuery(t *testing.T, db string, q caseQuery) []string {
	t.Helper()
	out, errs, code := run(t, append([]string{"--db", db, "query", "--format", "json"}, q.start...)...)
	if code != exitOK {
		return []string{fmt.Sprintf("query %v: exit %d: %s", q.start, code, errs)}
	}
	var res resultView
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]reachedView{}
	for _, r := range res.Reached {
		got[r.Node.ID] = r
	}
	var problems []string
	for _, want := range q.reach {
		r, ok := got[want.id]
		if !ok {
			problems = append(problems, fmt.Sprintf("from %v: %s not reached", q.start, want.id))
			continue
		}
		problems = append(problems, checkReached(q.start, r, want)...)
	}
	for _, id := range q.not {
		if r, ok := got[id]; ok {
			problems = append(problems, fmt.Sprintf("from %v: %s reached (a trap path): %s", q.start, id, pathText(r.Path)))
		}
	}
	for _, r := range res.Reached {
		for _, h := range r.Path {
			for _, f := range q.forbid {
				if strings.Contains(h.Reason, f) {
					problems = append(problems, fmt.Sprintf("from %v: hop %s -%s-> %s gives %q as a reason", q.start, h.From, h.Kind, h.To, f))
				}
			}
		}
	}
	return problems
}

func checkReached(start []string, r reachedView, want caseReach) []string {
	var problems []string
	fail := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("from %v to %s: ", start, want.id)+fmt.Sprintf(format, args...))
	}
	switch {
	case want.possible && r.Confidence != graph.Possible:
		fail("confidence %s, want possible", r.Confidence)
	case !want.possible && r.Confidence != graph.Certain:
		fail("confidence %s, want certain", r.Confidence)
	}
	var reasons []string
	passes := map[string]bool{}
	for _, h := range r.Path {
		reasons = append(reasons, h.Reason)
		passes[h.From], passes[h.To] = true, true
	}
	all := strings.Join(reasons, "\n")
	for _, w := range want.explained {
		if !strings.Contains(all, w) {
			fail("no hop reason names %q; path: %s", w, pathText(r.Path))
		}
	}
	for _, v := range want.via {
		if !passes[v] {
			fail("path does not pass %s: %s", v, pathText(r.Path))
		}
	}
	if len(r.Path) > 0 {
		last := r.Path[len(r.Path)-1]
		for _, a := range want.notActions {
			if slices.Contains(graph.SplitList(last.Actions), a) {
				fail("last hop grants %s (actions %s)", a, last.Actions)
			}
		}
	}
	if len(want.keys) > 0 || want.first != "" {
		if r.Evidence == nil {
			fail("no log evidence, want a used path")
			return problems
		}
		for _, k := range want.keys {
			if !slices.Contains(r.Evidence.Keys, k) {
				fail("evidence keys %v lack %s", r.Evidence.Keys, k)
			}
		}
		if want.first != "" && r.Evidence.First.UTC().Format("2006-01-02T15:04:05Z") != want.first {
			fail("first use %v, want %s", r.Evidence.First, want.first)
		}
	}
	return problems
}

func checkExplain(s graph.Store, ex caseExplain) []string {
	d, err := (&link.Linker{}).Explain(context.Background(), s, ex.principal, ex.action, ex.resource)
	if err != nil {
		return []string{fmt.Sprintf("explain %s %s on %s: %v", ex.principal, ex.action, ex.resource, err)}
	}
	var problems []string
	if d.Effect != ex.effect {
		problems = append(problems, fmt.Sprintf("%s %s on %s: %s (%s), want %s", ex.principal, ex.action, ex.resource, d.Effect, d, ex.effect))
	}
	for _, w := range ex.explained {
		if !strings.Contains(d.String(), w) {
			problems = append(problems, fmt.Sprintf("%s %s on %s: explanation %q does not name %q", ex.principal, ex.action, ex.resource, d, w))
		}
	}
	return problems
}

func checkNodes(s graph.Store, want []caseNode) []string {
	var problems []string
	for _, w := range want {
		ns, err := s.Nodes(context.Background(), []string{w.id})
		if err != nil || len(ns) == 0 {
			problems = append(problems, fmt.Sprintf("node %s missing (%v)", w.id, err))
			continue
		}
		for _, h := range w.has {
			if !strings.Contains(ns[0].Attr(w.attr), h) {
				problems = append(problems, fmt.Sprintf("node %s: %s lacks %s", w.id, w.attr, h))
			}
		}
		if w.is != "" && ns[0].Attr(w.attr) != w.is {
			problems = append(problems, fmt.Sprintf("node %s: %s = %q, want %q", w.id, w.attr, ns[0].Attr(w.attr), w.is))
		}
	}
	return problems
}

// checkPublic looks for a CAN_ACCESS edge into each resource from a node
// that stands for anonymous callers.
func checkPublic(s graph.Store, want map[string]bool) []string {
	var problems []string
	for id, public := range want {
		es, err := s.Expand(context.Background(), []string{id}, graph.In, graph.EdgeCanAccess)
		if err != nil {
			return []string{err.Error()}
		}
		got := false
		for _, e := range es {
			ns, _ := s.Nodes(context.Background(), []string{e.From})
			if len(ns) == 1 && isAnonymous(ns[0]) {
				got = true
			}
		}
		if got != public {
			problems = append(problems, fmt.Sprintf("%s readable by anonymous callers: %v, want %v", id, got, public))
		}
	}
	return problems
}

func isAnonymous(n graph.Node) bool {
	t := n.Attr("type")
	return t == "anonymous" || t == "public" || strings.Contains(n.ID, "anonymous")
}
