package terraform

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/blastradius-dev/blastradius/graph"
)

// overrideFacts parses every file of a module written into a new folder,
// with one Parser, and returns the lines parseFile renders for each file
// by name.
func overrideFacts(t *testing.T, files map[string]string) map[string][]string {
	t.Helper()
	dir := writeModule(t, files)
	p := New()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	out := map[string][]string{}
	for _, name := range names {
		out[name] = parseFile(t, p, filepath.Join(dir, name))
	}
	return out
}

// checkMerged parses a module with override files, and the same module
// with the override blocks merged into the blocks they override by hand.
// Each file of merged must give the facts of the same file of the module
// with override files. Positions are left out of the comparison, because
// a fact at an argument of an override file takes the line of the block
// it merged into. The override files must give only the diagnostics in
// overrideDiags, by file name. It returns the facts of the module with
// override files.
func checkMerged(t *testing.T, files, merged map[string]string, overrideDiags map[string][]string) map[string][]string {
	t.Helper()
	got := overrideFacts(t, files)
	want := overrideFacts(t, merged)
	for name, w := range want {
		if diff := cmp.Diff(withoutLines(w), withoutLines(got[name])); diff != "" {
			t.Errorf("%s: facts (-merged by hand +with override files):\n%s", name, diff)
		}
	}
	for name := range files {
		if _, ok := merged[name]; ok {
			continue
		}
		if diff := cmp.Diff(overrideDiags[name], got[name]); diff != "" {
			t.Errorf("%s: facts (-want +got):\n%s", name, diff)
		}
	}
	return got
}

// lineMark is the position parseFile writes on a node or edge line.
var lineMark = regexp.MustCompile(` @[0-9]+`)

// withoutLines drops the positions of parseFile's lines.
func withoutLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = lineMark.ReplaceAllString(l, "")
	}
	sort.Strings(out)
	return out
}

// hasLines fails the test for each line of want that no line of got
// starts with.
func hasLines(t *testing.T, file string, got, want []string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no line starts with %q; got:\n%s", file, w, strings.Join(got, "\n"))
		}
	}
}

// roleMain is a role that an instance takes through its instance profile,
// with an attached managed policy.
const roleMain = `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}

resource "aws_instance" "web" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name
  user_data            = "#!/bin/sh\necho start\n"
}
`

// TestOverrideRenamesRole merges an override.tf that renames a role and
// replaces an instance's user data. The role's ARN, the attachment, the
// instance profile and the instance's credentials follow the new name.
// The access key id in the new user data is found. All these facts are at
// the lines of main.tf.
func TestOverrideRenamesRole(t *testing.T) {
	override := `resource "aws_iam_role" "app" {
  name = "app-prod"
}

resource "aws_instance" "web" {
  user_data = "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAEXAMPLEX9X9X9X9X\n"
}
`
	merged := strings.Replace(roleMain, `name = "app"
  assume_role_policy`, `name = "app-prod"
  assume_role_policy`, 1)
	merged = strings.Replace(merged, `"#!/bin/sh\necho start\n"`, `"#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAEXAMPLEX9X9X9X9X\n"`, 1)
	got := checkMerged(t,
		map[string]string{"main.tf": roleMain, "override.tf": override},
		map[string]string{"main.tf": merged}, nil)
	const role = "arn:aws:iam::111122223333:role/app-prod"
	const creds = "secret:aws:role-credentials:aws:ec2:111122223333:aws_instance.web"
	hasLines(t, "main.tf", got["main.tf"], expandFP([]string{
		"node Identity " + role + " @5 account=111122223333 instance_profiles=arn:aws:iam::111122223333:instance-profile/app name=app-prod ",
		"edge HAS_POLICY " + role + " -> arn:aws:iam::aws:policy/AdministratorAccess @13",
		"node Resource arn:aws:iam::111122223333:instance-profile/app @18 account=111122223333 name=app provider=aws role=" + role + " ",
		"edge AUTHENTICATES_AS " + creds + " -> " + role + " @23",
		// The access key id is in the override file's user_data, and
		// placed at the instance block.
		"node Secret secret:inline:FP(AKIAEXAMPLEX9X9X9X9X) @23 fingerprint=FP(AKIAEXAMPLEX9X9X9X9X) long_lived=true provider=aws stored_inline=true type=access-key",
		"edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.web -> secret:inline:FP(AKIAEXAMPLEX9X9X9X9X) @23 via=file",
	}))
}

// trustMain declares a role trusted by EC2 and a managed policy document
// of two statements attached to it.
const trustMain = `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "read" {
  statement {
    sid       = "Objects"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::artifacts/*"]
  }
  statement {
    sid       = "List"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::artifacts"]
  }
}

resource "aws_iam_policy" "read" {
  name   = "read"
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.read.arn
}
`

// githubTrust is a trust policy for GitHub Actions runs of one repository.
const githubTrust = `jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:example-org/app:*" } }
    }]
  })`

// TestOverrideReplacesTrustAndStatements merges an override.tf that
// replaces a role's assume_role_policy and the statement blocks of a
// policy document: the role trusts GitHub Actions instead of EC2, and the
// managed policy holds the override's one statement instead of the two
// of main.tf.
func TestOverrideReplacesTrustAndStatements(t *testing.T) {
	override := `resource "aws_iam_role" "ci" {
  assume_role_policy = ` + githubTrust + `
}

data "aws_iam_policy_document" "read" {
  statement {
    sid       = "Admin"
    actions   = ["iam:PassRole", "sts:AssumeRole"]
    resources = ["*"]
  }
}
`
	merged := strings.Replace(trustMain, "assume_role_policy = data.aws_iam_policy_document.trust.json",
		"assume_role_policy = "+githubTrust, 1)
	start := strings.Index(merged, `  statement {
    sid       = "Objects"`)
	end := strings.Index(merged, `resource "aws_iam_policy" "read"`)
	merged = merged[:start] + `  statement {
    sid       = "Admin"
    actions   = ["iam:PassRole", "sts:AssumeRole"]
    resources = ["*"]
  }
}

` + merged[end:]
	got := checkMerged(t,
		map[string]string{"main.tf": trustMain, "override.tf": override},
		map[string]string{"main.tf": merged}, nil)
	const role = "arn:aws:iam::111122223333:role/ci"
	const policy = "arn:aws:iam::111122223333:policy/read"
	hasLines(t, "main.tf", got["main.tf"], []string{
		"node Identity " + role + ` @15 account=111122223333 name=ci provider=aws tf_address=aws_iam_role.ci trust_policy={"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:*"}},"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}}],"Version":"2012-10-17"} type=role`,
		"node Policy " + policy + ` @33 account=111122223333 document={"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Action":["iam:PassRole","sts:AssumeRole"],"Resource":"*"}]} `,
		"edge HAS_POLICY " + role + " -> " + policy + " @38",
	})
}

// TestOverrideDynamicStatements merges override blocks into policy
// documents built with dynamic blocks: a static statement of the override
// replaces a dynamic statement of the original, and a dynamic statement
// of the override replaces the original's static ones.
func TestOverrideDynamicStatements(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

locals {
  buckets = ["logs", "assets"]
}

resource "aws_iam_user" "ops" {
  name = "ops"
}

data "aws_iam_policy_document" "dyn" {
  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }
}

data "aws_iam_policy_document" "static" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
}

resource "aws_iam_user_policy" "dyn" {
  user   = aws_iam_user.ops.name
  name   = "dyn"
  policy = data.aws_iam_policy_document.dyn.json
}

resource "aws_iam_user_policy" "static" {
  user   = aws_iam_user.ops.name
  name   = "static"
  policy = data.aws_iam_policy_document.static.json
}
`
	override := `data "aws_iam_policy_document" "dyn" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "static" {
  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }
}
`
	merged := strings.Replace(main, `  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }`, `  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }`, 1)
	merged = strings.Replace(merged, `  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }`, `  dynamic "statement" {
    for_each = local.buckets
    content {
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }`, 1)
	got := checkMerged(t,
		map[string]string{"main.tf": main, "override.tf": override},
		map[string]string{"main.tf": merged}, nil)
	const user = "arn:aws:iam::111122223333:user/ops"
	hasLines(t, "main.tf", got["main.tf"], []string{
		"node Policy " + user + `#inline/dyn @30 account=111122223333 document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]} `,
		"node Policy " + user + `#inline/static @36 account=111122223333 document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::assets/*"}]} `,
	})
}

// TestOverrideJSONFile merges an override.tf.json into blocks of main.tf:
// it renames a user, moves an Actions secret to another repository and
// replaces the statement of a policy document. The access key's id
// follows the user's new ARN, and the secret in its new repository holds
// it.
func TestOverrideJSONFile(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

resource "aws_iam_user" "deploy" {
  name = "deploy"
}

resource "aws_iam_access_key" "deploy" {
  user = aws_iam_user.deploy.name
}

resource "github_actions_secret" "key" {
  repository      = "app"
  secret_name     = "AWS_SECRET_ACCESS_KEY"
  plaintext_value = aws_iam_access_key.deploy.secret
}

data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

resource "aws_iam_user_policy" "deploy" {
  user   = aws_iam_user.deploy.name
  name   = "deploy"
  policy = data.aws_iam_policy_document.deploy.json
}
`
	override := `{
  "resource": {
    "aws_iam_user": {"deploy": {"name": "deploy-prod"}},
    "github_actions_secret": {"key": {"repository": "infra"}}
  },
  "data": {
    "aws_iam_policy_document": {
      "deploy": {"statement": [{"actions": ["secretsmanager:GetSecretValue"], "resources": ["*"]}]}
    }
  }
}
`
	merged := strings.Replace(main, `name = "deploy"
}`, `name = "deploy-prod"
}`, 1)
	merged = strings.Replace(merged, `"app"`, `"infra"`, 1)
	merged = strings.Replace(merged, `["s3:GetObject"]`, `["secretsmanager:GetSecretValue"]`, 1)
	got := checkMerged(t,
		map[string]string{"main.tf": main, "override.tf.json": override},
		map[string]string{"main.tf": merged}, nil)
	const user = "arn:aws:iam::111122223333:user/deploy-prod"
	key := graph.AWSAccessKeyID(user, "deploy")
	secret := graph.GHASecretID("example-org/infra", "AWS_SECRET_ACCESS_KEY")
	hasLines(t, "main.tf", got["main.tf"], []string{
		"node Identity " + user + " @9 account=111122223333 name=deploy-prod ",
		"node Secret " + key + " @13 ",
		"edge HOLDS " + secret + " -> " + key + " @17",
		"node Secret " + secret + " @17 ",
		"node Policy " + user + `#inline/deploy @30 account=111122223333 document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]} `,
	})
}

// TestOverrideFilesInNameOrder merges two override files in name order,
// after main.tf although their names sort before it: the later file's
// role name wins, and the secret's name that only the earlier one sets
// stays. The earlier file is in JSON and the later one in HCL, so the
// order is the names', not the syntaxes'.
func TestOverrideFilesInNameOrder(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
  region              = "eu-west-1"
}

resource "aws_iam_role" "svc" {
  name               = "svc"
  assume_role_policy = "{}"
}

resource "aws_secretsmanager_secret" "db" {
  name = "db"
}
`
	first := `{
  "resource": {
    "aws_iam_role": {"svc": {"name": "svc-first"}},
    "aws_secretsmanager_secret": {"db": {"name": "db-first"}}
  }
}
`
	second := `resource "aws_iam_role" "svc" {
  name = "svc-second"
}
`
	merged := strings.Replace(main, `"svc"
  assume`, `"svc-second"
  assume`, 1)
	merged = strings.Replace(merged, `name = "db"`, `name = "db-first"`, 1)
	got := checkMerged(t,
		map[string]string{"main.tf": main, "a_override.tf.json": first, "b_override.tf": second},
		map[string]string{"main.tf": merged}, nil)
	hasLines(t, "main.tf", got["main.tf"], []string{
		"node Identity arn:aws:iam::111122223333:role/svc-second @6 account=111122223333 name=svc-second ",
		"node Secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-first @11 ",
	})
}

// TestOverrideWithoutOriginal warns at each block of an override file that
// has no block of the other files to merge into, and at an import block,
// which Terraform rejects in an override file. Each is skipped, so no role
// ghost appears and the role app keeps its facts.
func TestOverrideWithoutOriginal(t *testing.T) {
	main := `resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

output "app" {
  value = aws_iam_role.app.arn
}
`
	override := `resource "aws_iam_role" "ghost" {
  name = "ghost"
}

locals {
  missing = "x"
}

variable "missing" {
  default = "x"
}

output "missing" {
  value = "x"
}

module "missing" {
  source = "./nowhere"
}

provider "aws" {
  alias  = "nowhere"
  region = "us-east-1"
}

import {
  to = aws_iam_role.app
  id = "app"
}

data "aws_iam_policy_document" "missing" {
  statement {
    actions = ["*"]
  }
}
`
	checkMerged(t,
		map[string]string{"main.tf": main, "override.tf": override},
		map[string]string{"main.tf": main},
		map[string][]string{"override.tf": {
			"diag 13:1 no declaration of output.missing outside override files; override block skipped",
			"diag 17:1 no declaration of module.missing outside override files; override block skipped",
			"diag 1:1 no declaration of aws_iam_role.ghost outside override files; override block skipped",
			"diag 21:1 no declaration of provider aws.nowhere outside override files; override block skipped",
			"diag 26:1 Terraform rejects import blocks in override files; block skipped",
			"diag 31:1 no declaration of data.aws_iam_policy_document.missing outside override files; override block skipped",
			"diag 6:3 no declaration of local.missing outside override files; override entry skipped",
			"diag 9:1 no declaration of var.missing outside override files; override block skipped",
		}})
}

// TestOverrideLocalsVariablesProvider merges a local value, a variable's
// default and the aws provider's account: the other local, the variable's
// sensitive argument and the provider's region stay. A later sensitive =
// false keeps the value hidden, as the reader never keeps a value that a
// block marks sensitive.
func TestOverrideLocalsVariablesProvider(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
  region              = "eu-west-1"
}

variable "prefix" {
  default = "dev"
}

variable "external_id" {
  default   = "canary-override-X9x9"
  sensitive = true
}

locals {
  team = "ops"
  env  = "dev"
}

resource "aws_iam_user" "svc" {
  name = "${var.prefix}-${local.team}-${local.env}"
}

resource "aws_secretsmanager_secret" "token" {
  name = "${local.env}/token"
}

resource "aws_iam_role" "partner" {
  name = "partner"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
`
	override := `provider "aws" {
  allowed_account_ids = ["777788889999"]
}

variable "prefix" {
  default = "prod"
}

variable "external_id" {
  sensitive = false
}

locals {
  env = "prod"
}
`
	merged := strings.Replace(main, `["111122223333"]`, `["777788889999"]`, 1)
	merged = strings.Replace(merged, `default = "dev"`, `default = "prod"`, 1)
	merged = strings.Replace(merged, `env  = "dev"`, `env  = "prod"`, 1)
	got := checkMerged(t,
		map[string]string{"main.tf": main, "override.tf": override},
		map[string]string{"main.tf": merged}, nil)
	hasLines(t, "main.tf", got["main.tf"], []string{
		"node Identity arn:aws:iam::777788889999:user/prod-ops-prod @20 account=777788889999 name=prod-ops-prod ",
		"node Secret arn:aws:secretsmanager:eu-west-1:777788889999:secret:prod/token @24 ",
		"node Identity arn:aws:iam::777788889999:role/partner @28 ",
	})
	for _, l := range got["main.tf"] {
		if strings.Contains(l, "canary") {
			t.Errorf("a sensitive value reached the facts: %s", l)
		}
	}
}

// TestOverridePositions places the facts of an override file's nested
// block at the line of the block it merged into, in main.tf. A warning
// about an override file's argument is at that argument, in the override
// file, and so is the warning at depends_on, which is skipped.
func TestOverridePositions(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
  inline_policy {
    name   = "old"
    policy = "{}"
  }
}

resource "aws_iam_policy" "broken" {
  name   = "broken"
  policy = "{}"
}
`
	override := `resource "aws_iam_role" "app" {
  inline_policy {
    name = "new"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
    })
  }
}

resource "aws_iam_policy" "broken" {
  policy     = "not a policy"
  depends_on = [aws_iam_role.app]
}
`
	got := overrideFacts(t, map[string]string{"main.tf": main, "override.tf": override})
	const role = "arn:aws:iam::111122223333:role/app"
	hasLines(t, "main.tf", got["main.tf"], []string{
		"edge HAS_POLICY " + role + " -> " + role + "#inline/new @5",
		"node Policy " + role + `#inline/new @5 account=111122223333 document={"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"} `,
		"node Policy arn:aws:iam::111122223333:policy/broken @14 ",
	})
	for _, l := range got["main.tf"] {
		if strings.Contains(l, "#inline/old") || strings.HasPrefix(l, "diag") {
			t.Errorf("main.tf: unexpected %s", l)
		}
	}
	want := []string{
		"diag 12:16 aws_iam_policy.broken: policy is not a valid JSON policy document",
		"diag 13:3 Terraform rejects depends_on in an override block; argument skipped",
	}
	if diff := cmp.Diff(want, got["override.tf"]); diff != "" {
		t.Errorf("override.tf: facts (-want +got):\n%s", diff)
	}
}

// TestOverrideModuleCall merges a module block of an override file, which
// changes the call's source and an argument, and an output block of an
// override file in the called module, which changes the output's value.
// The Actions secret then holds the access key that the new output names,
// of the user that the new module names from the new argument.
func TestOverrideModuleCall(t *testing.T) {
	keyModule := func(prefix string) string {
		return `variable "name" {}

resource "aws_iam_user" "u" {
  name = "` + prefix + `-${var.name}"
}

resource "aws_iam_access_key" "a" {
  user = aws_iam_user.u.name
}

resource "aws_iam_access_key" "b" {
  user = aws_iam_user.u.name
}

output "secret" {
  value     = aws_iam_access_key.a.secret
  sensitive = true
}
`
	}
	root := writeTree(t, map[string]string{
		"envs/prod/main.tf": `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

module "bot" {
  source = "../../modules/old"
  name   = "bot"
}

resource "github_actions_secret" "key" {
  repository      = "app"
  secret_name     = "KEY"
  plaintext_value = module.bot.secret
}
`,
		"envs/prod/override.tf": `module "bot" {
  source = "../../modules/new"
  name   = "bot-prod"
}
`,
		"modules/old/main.tf": keyModule("old"),
		"modules/new/main.tf": keyModule("new"),
		"modules/new/override.tf": `output "secret" {
  value = aws_iam_access_key.b.secret
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	const user = "arn:aws:iam::111122223333:user/new-bot-prod"
	var users, holds []string
	for _, n := range res.Nodes {
		if n.Attrs["type"] == "user" {
			users = append(users, n.ID)
		}
	}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeHolds {
			holds = append(holds, e.From+" -> "+e.To+" "+string(e.Confidence))
		}
	}
	if diff := cmp.Diff([]string{user}, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	want := []string{graph.GHASecretID("example-org/app", "KEY") + " -> " + graph.AWSAccessKeyID(user, "b") + " certain"}
	if diff := cmp.Diff(want, holds); diff != "" {
		t.Errorf("HOLDS (-want +got):\n%s", diff)
	}
}

// TestMergeBodyNestedBlocks merges a resource's nested blocks as Terraform
// does. A type that the override has replaces all of the original's
// blocks of that type, dynamic ones included, and the other types stay.
// The arguments of lifecycle merge one by one.
func TestMergeBodyNestedBlocks(t *testing.T) {
	parse := func(name, src string) *hclsyntax.Body {
		f, diags := hclsyntax.ParseConfig([]byte(src), name, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return f.Body.(*hclsyntax.Body).Blocks[0].Body
	}
	base := parse("main.tf", `resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
  provisioner "local-exec" {
    command = "one"
  }
  provisioner "local-exec" {
    command = "two"
  }
  connection {
    host = "h1"
  }
  dynamic "ebs_block_device" {
    for_each = []
    content {}
  }
  root_block_device {
    volume_size = 8
  }
}
`)
	over := parse("override.tf", `resource "aws_instance" "web" {
  ami = "ami-2"
  lifecycle {
    create_before_destroy = false
    prevent_destroy       = true
  }
  provisioner "remote-exec" {
    inline = ["three"]
  }
  ebs_block_device {
    device_name = "/dev/sdf"
  }
}
`)
	at := func(a *hclsyntax.Attribute) string {
		return fmt.Sprintf("%s:%d", a.SrcRange.Filename, a.SrcRange.Start.Line)
	}
	var got []string
	render := func(prefix string, body *hclsyntax.Body) {
		for _, a := range sortedAttrs(body) {
			got = append(got, prefix+a.Name+" "+at(a))
		}
	}
	merged := mergeBody(base, over, mergeResource)
	render("", merged)
	for _, nb := range merged.Blocks {
		head := strings.Join(append([]string{nb.Type}, nb.Labels...), " ")
		got = append(got, head+" "+nb.Body.SrcRange.Filename)
		render(head+".", nb.Body)
	}
	sort.Strings(got)
	want := []string{
		"ami override.tf:2",
		"connection main.tf",
		"connection.host main.tf:15",
		"ebs_block_device override.tf",
		"ebs_block_device.device_name override.tf:11",
		"instance_type main.tf:3",
		"lifecycle main.tf",
		"lifecycle.create_before_destroy override.tf:4",
		"lifecycle.ignore_changes main.tf:6",
		"lifecycle.prevent_destroy override.tf:5",
		"provisioner remote-exec override.tf",
		"provisioner remote-exec.inline override.tf:8",
		"root_block_device main.tf",
		"root_block_device.volume_size main.tf:22",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged body (-want +got):\n%s", diff)
	}
	if len(base.Blocks) != 6 || len(base.Attributes) != 2 {
		t.Errorf("the original body changed: %d blocks, %d arguments", len(base.Blocks), len(base.Attributes))
	}
}

// TestOverrideProviderAliasForEach merges an override of the aws provider
// with alias prod, which changes its account but not the default
// provider's, and an override of a user's for_each, which makes other
// instances.
func TestOverrideProviderAliasForEach(t *testing.T) {
	main := `provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "aws" {
  alias               = "prod"
  allowed_account_ids = ["222233334444"]
}

resource "aws_iam_user" "team" {
  for_each = toset(["alice"])
  name     = each.key
}

resource "aws_iam_user" "deploy" {
  provider = aws.prod
  name     = "deploy"
}
`
	override := `provider "aws" {
  alias               = "prod"
  allowed_account_ids = ["555566667777"]
}

resource "aws_iam_user" "team" {
  for_each = toset(["bob", "carol"])
}
`
	got := overrideFacts(t, map[string]string{"main.tf": main, "override.tf": override})
	want := []string{
		`node Identity arn:aws:iam::111122223333:user/bob @10 account=111122223333 name=bob provider=aws tf_address=aws_iam_user.team["bob"] type=user`,
		`node Identity arn:aws:iam::111122223333:user/carol @10 account=111122223333 name=carol provider=aws tf_address=aws_iam_user.team["carol"] type=user`,
		"node Identity arn:aws:iam::555566667777:user/deploy @15 account=555566667777 name=deploy provider=aws tf_address=aws_iam_user.deploy tf_provider=aws.prod type=user",
		"records 2",
	}
	if diff := cmp.Diff(want, got["main.tf"]); diff != "" {
		t.Errorf("main.tf: facts (-want +got):\n%s", diff)
	}
	if len(got["override.tf"]) != 0 {
		t.Errorf("override.tf: unexpected %v", got["override.tf"])
	}
}
