package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// writeTree writes files, by path relative to a new folder, and returns
// the folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, text := range files {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// parseIn parses the file at rel in root as a walk of root finds it.
func parseIn(t *testing.T, root, rel string) ingest.Result {
	t.Helper()
	f := &ingest.File{Path: filepath.Join(root, filepath.FromSlash(rel)), RelPath: rel, Repo: "example-org/infra"}
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", rel, err)
	}
	return res
}

const roleModule = `
variable "name" {}
variable "bucket" {}

variable "path" {
  default = "/ci/"
}

resource "aws_iam_role" "this" {
  name = var.name
  path = var.path
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "this" {
  role = aws_iam_role.this.name
  name = "access"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::${var.bucket}/*" }]
  })
}

output "role_arn" {
  value = aws_iam_role.this.arn
}
`

// TestModuleCalls checks that a module block with a local source gives the
// facts of the module it calls. They are evaluated with the call's
// arguments and the defaults, in the caller's account, at the line of the
// module block, with addresses under module.NAME. The caller reads the
// called module's outputs. A count of 0 that the call sets gives nothing.
// Sources that are not local folders, or lie outside the repository, are
// not read.
func TestModuleCalls(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/role/main.tf": roleModule,
		"modules/store/main.tf": `
variable "prefix" {}

resource "aws_s3_bucket" "this" {
  bucket = "${var.prefix}-data"
}

output "bucket_name" {
  value = aws_s3_bucket.this.bucket
}
`,
		"modules/optional/main.tf": `
variable "create" {
  default = true
}

resource "aws_iam_user" "this" {
  count = var.create ? 1 : 0
  name  = "optional"
}
`,
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

module "deploy" {
  source = "../../modules/role"
  name   = "deploy"
  bucket = "example-artifacts"
  path   = "/"
}

module "ci" {
  source = "../../modules/role"
  name   = "ci"
  bucket = module.store.bucket_name
}

module "store" {
  source = "../../modules/store"
  prefix = "example"
}

module "registry" {
  source = "terraform-aws-modules/iam/aws"
}

module "outside" {
  source = "../../../elsewhere"
}

module "disabled" {
  source = "../../modules/optional"
  create = false
}

resource "aws_iam_user" "u" {
  name = "u"
}

resource "aws_iam_user_policy" "u" {
  user = aws_iam_user.u.name
  name = "assume"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = module.deploy.role_arn }]
  })
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")

	const acct = "arn:aws:iam::111122223333:"
	var ids []string
	nodes := map[string]graph.Node{}
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity || n.Kind == graph.NodeResource {
			ids = append(ids, n.ID)
		}
		nodes[n.ID] = n
	}
	slices.Sort(ids)
	want := []string{
		acct + "role/ci/ci",
		acct + "role/deploy",
		acct + "user/u",
		"arn:aws:s3:::example-data",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities and resources (-want +got):\n%s", diff)
	}

	for id, where := range map[string]struct {
		addr string
		line int
	}{
		acct + "role/deploy":        {"module.deploy.aws_iam_role.this", 6},
		acct + "role/ci/ci":         {"module.ci.aws_iam_role.this", 13},
		"arn:aws:s3:::example-data": {"module.store.aws_s3_bucket.this", 19},
	} {
		n := nodes[id]
		if got := n.Attrs["tf_address"]; got != where.addr {
			t.Errorf("%s: tf_address = %q, want %q", id, got, where.addr)
		}
		if n.Pos.Line != where.line {
			t.Errorf("%s: line = %d, want %d", id, n.Pos.Line, where.line)
		}
	}

	docs := map[string]string{
		acct + "role/ci/ci#inline/access":  `"Resource":"arn:aws:s3:::example-data/*"`,
		acct + "role/deploy#inline/access": `"Resource":"arn:aws:s3:::example-artifacts/*"`,
		acct + "user/u#inline/assume":      `"Resource":"` + acct + `role/deploy"`,
	}
	for id, want := range docs {
		if doc := nodes[id].Attrs["document"]; !strings.Contains(doc, want) {
			t.Errorf("document of %s = %q, want it to contain %s", id, doc, want)
		}
	}

	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, d.Msg)
	}
	wantWarn := []string{"module.outside: source ../../../elsewhere is outside " + root + "; the module is not read"}
	if diff := cmp.Diff(wantWarn, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestModuleCallLimits checks that modules that call each other are each
// read once, and the call back to the first is left out.
func TestModuleCallLimits(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a/main.tf": `
module "b" {
  source = "../b"
}

resource "aws_iam_user" "a" {
  name = "a"
}
`,
		"b/main.tf": `
module "a" {
  source = "../a"
}

resource "aws_iam_user" "b" {
  name = "b"
}
`,
	})
	res := parseIn(t, root, "a/main.tf")
	var ids []string
	for _, n := range res.Nodes {
		ids = append(ids, n.ID)
	}
	slices.Sort(ids)
	if diff := cmp.Diff([]string{"arn:aws:iam:::user/a", "arn:aws:iam:::user/b"}, ids); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

// TestModuleCallBudget checks that for expressions in a called module
// spend the caller's evaluation limit, and that passing it rejects the
// caller's file at the module block.
func TestModuleCallBudget(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/big/main.tf": `
locals {
  wide = [for i in range(1000) : [for j in range(1000) : "${i}-${j}"]]
}

resource "aws_iam_user" "big" {
  name = "big-${length(local.wide)}"
}
`,
		"envs/prod/main.tf": `
resource "aws_iam_user" "u" {
  name = "u"
}

module "big" {
  source = "../../modules/big"
}
`,
	})
	f := &ingest.File{Path: filepath.Join(root, "envs", "prod", "main.tf"), RelPath: "envs/prod/main.tf", Repo: "example-org/infra"}
	var res ingest.Result
	err := New().Parse(context.Background(), f, testEnv(), &res)
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("Parse = %v, want an *ingest.Error", err)
	}
	if ie.Pos.Line != 6 || !strings.Contains(ie.Msg, "evaluation limit") {
		t.Errorf("error at line %d: %s, want line 6 and the evaluation limit", ie.Pos.Line, ie.Msg)
	}
}

// TestSourceRoot checks the folder that module sources must lie in: the
// repository's root, found from the file's path and its path in the
// repository, else the parent of the module's folder.
func TestSourceRoot(t *testing.T) {
	sep := string(filepath.Separator)
	for _, tc := range []struct {
		path, rel, repo, want string
	}{
		{"work/infra/envs/prod/main.tf", "envs/prod/main.tf", "example-org/infra", "work" + sep + "infra"},
		{"work/infra/main.tf", "main.tf", "example-org/infra", "work" + sep + "infra"},
		{"main.tf", "main.tf", "example-org/infra", "."},
		{"work/infra/main.tf", "main.tf", "", "work"},
		{"work/infra/main.tf", "other/main.tf", "example-org/infra", "work"},
	} {
		p := filepath.FromSlash(tc.path)
		got := sourceRoot(filepath.Dir(p), &ingest.File{Path: p, RelPath: tc.rel, Repo: tc.repo})
		if got != tc.want {
			t.Errorf("sourceRoot(%s, rel %s, repo %q) = %s, want %s", tc.path, tc.rel, tc.repo, got, tc.want)
		}
	}
}

// TestModuleCallSize checks that the modules one configuration calls read
// at most maxCallBytes of files in all. Once that much is read, each
// further call is skipped, with one warning at the first.
func TestModuleCallSize(t *testing.T) {
	defer func(n int) { maxCallBytes = n }(maxCallBytes)
	maxCallBytes = 3000

	// The module's one file is 1200 bytes. The first three calls start
	// with 0, 1200 and 2400 bytes read, so they are read. The fourth and
	// fifth start with 3600, past the bound of 3000.
	module := "variable \"name\" {}\n\nresource \"aws_iam_user\" \"this\" {\n  name = var.name\n}\n"
	module += "#" + strings.Repeat("x", 1200-len(module)-2) + "\n"
	caller := ""
	for i := range 5 {
		caller += fmt.Sprintf("module \"m%d\" {\n  source = \"../../modules/user\"\n  name   = \"user%d\"\n}\n", i, i)
	}
	root := writeTree(t, map[string]string{
		"modules/user/main.tf": module,
		"envs/prod/main.tf":    caller,
	})
	if len(module) != 1200 {
		t.Fatalf("module is %d bytes, want 1200", len(module))
	}
	res := parseIn(t, root, "envs/prod/main.tf")
	var users []string
	for _, n := range res.Nodes {
		users = append(users, n.ID)
	}
	slices.Sort(users)
	want := []string{"arn:aws:iam:::user/user0", "arn:aws:iam:::user/user1", "arn:aws:iam:::user/user2"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, fmt.Sprintf("%d: %s", d.Pos.Line, d.Msg))
	}
	wantWarn := []string{
		"13: module.m3: the modules called read 3600 bytes of files, more than 3000 in all; it and the calls after it are not read",
	}
	if diff := cmp.Diff(wantWarn, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestModuleCallSymlinks checks that a source is placed where its symbolic
// links lead. A link to a folder outside the repository is not read,
// and a link back to the module's own folder is a call of the module
// to itself, which is left out.
func TestModuleCallSymlinks(t *testing.T) {
	outside := writeTree(t, map[string]string{"main.tf": `
resource "aws_iam_user" "outside" {
  name = "outside"
}
`})
	root := writeTree(t, map[string]string{
		"modules/a/main.tf": `
module "again" {
  source = "./again"
}

resource "aws_iam_user" "a" {
  name = "a"
}
`,
		"envs/prod/main.tf": `
module "link" {
  source = "./link"
}

module "a" {
  source = "../../modules/a"
}
`,
	})
	if err := os.Symlink(outside, filepath.Join(root, "envs", "prod", "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".", filepath.Join(root, "modules", "a", "again")); err != nil {
		t.Fatal(err)
	}
	res := parseIn(t, root, "envs/prod/main.tf")
	var addrs []string
	for _, n := range res.Nodes {
		addrs = append(addrs, n.Attrs["tf_address"])
	}
	if diff := cmp.Diff([]string{"module.a.aws_iam_user.a"}, addrs); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, fmt.Sprintf("%d: %s", d.Pos.Line, d.Msg))
	}
	// The self-call of modules/a is reported through the call, in
	// modules/a/main.tf.
	wantWarn := []string{
		"2: module.link: source ./link is outside " + root + "; the module is not read",
		"2: module.again: source ./again calls itself; the call is not read",
	}
	if diff := cmp.Diff(wantWarn, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestModuleCallInstances checks that a module block with count or
// for_each calls its module once per instance, with count.index or
// each.key and each.value set in its arguments and addresses under
// module.NAME[KEY]. The caller reads the outputs of one instance as
// module.NAME[KEY].OUTPUT. A count of 0 or an empty for_each calls
// nothing, unless the value comes from a variable's default.
func TestModuleCallInstances(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/user/main.tf": `
variable "name" {}

resource "aws_iam_user" "this" {
  name = var.name
}

output "arn" {
  value = aws_iam_user.this.arn
}
`,
		"envs/prod/terraform.tfvars": "enabled = false\n",
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

variable "enabled" {
  default = true
}

variable "create" {
  default = false
}

module "off" {
  count  = 0
  source = "../../modules/user"
  name   = "off"
}

module "flag" {
  count  = var.enabled ? 1 : 0
  source = "../../modules/user"
  name   = "flag"
}

module "fallback" {
  count  = var.create ? 1 : 0
  source = "../../modules/user"
  name   = "fallback"
}

module "none" {
  for_each = {}
  source   = "../../modules/user"
  name     = "none"
}

module "two" {
  count  = 2
  source = "../../modules/user"
  name   = "two-${count.index}"
}

module "teams" {
  for_each = toset(["a", "b"])
  source   = "../../modules/user"
  name     = "team-${each.key}"
}

resource "aws_iam_user" "admin" {
  name = "admin"
}

resource "aws_iam_user_policy" "admin" {
  user = aws_iam_user.admin.name
  name = "assume"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "iam:*", Resource = [module.two[1].arn, module.teams["b"].arn] }]
  })
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	const acct = "arn:aws:iam::111122223333:"
	users := map[string]string{}
	var doc string
	for _, n := range res.Nodes {
		switch {
		case n.Kind == graph.NodeIdentity:
			users[n.ID] = n.Attrs["tf_address"]
		case n.Kind == graph.NodePolicy:
			doc = n.Attrs["document"]
		}
	}
	want := map[string]string{
		acct + "user/admin":    "aws_iam_user.admin",
		acct + "user/fallback": "module.fallback.aws_iam_user.this",
		acct + "user/two-0":    "module.two[0].aws_iam_user.this",
		acct + "user/two-1":    "module.two[1].aws_iam_user.this",
		acct + "user/team-a":   `module.teams["a"].aws_iam_user.this`,
		acct + "user/team-b":   `module.teams["b"].aws_iam_user.this`,
	}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	wantResource := `"Resource":["` + acct + `user/two-1","` + acct + `user/team-b"]`
	if !strings.Contains(doc, wantResource) {
		t.Errorf("policy document = %s, want it to contain %s", doc, wantResource)
	}
}

// TestModuleCallDepthWarning checks that a call left out because calls
// nest too deep is reported at the module block of the configuration
// read, with the address of the call left out. The folder that makes the
// call reads it when that folder is read on its own, so only this warning
// reports that the configuration misses it.
func TestModuleCallDepthWarning(t *testing.T) {
	files := map[string]string{
		"envs/prod/main.tf": "module \"d0\" {\n  source = \"../../modules/d0\"\n}\n",
	}
	for i := range 10 {
		files[fmt.Sprintf("modules/d%d/main.tf", i)] = fmt.Sprintf(
			"module \"next\" {\n  source = \"../d%d\"\n}\n\nresource \"aws_iam_user\" \"d\" {\n  name = \"deep%d\"\n}\n", i+1, i)
	}
	root := writeTree(t, files)
	res := parseIn(t, root, "envs/prod/main.tf")
	var users []string
	for _, n := range res.Nodes {
		users = append(users, strings.TrimPrefix(n.ID, "arn:aws:iam:::user/"))
	}
	slices.Sort(users)
	// The configuration's evaluator is the first of 8 levels: d0 to d7.
	want := []string{"deep0", "deep1", "deep2", "deep3", "deep4", "deep5", "deep6", "deep7"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, fmt.Sprintf("%d: %s", d.Pos.Line, d.Msg))
	}
	wantWarn := []string{"1: module.d0" + strings.Repeat(".module.next", 8) + ": calls nest deeper than 8; the module is not read"}
	if diff := cmp.Diff(wantWarn, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestModuleCallProviderAliases checks that a block of a called module
// whose provider is an alias the module declares in
// configuration_aliases takes the account of the provider configuration
// that the module block passes for that alias in providers.
func TestModuleCallProviderAliases(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/pair/main.tf": `
terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.peer]
    }
  }
}

resource "aws_iam_user" "here" {
  name = "here"
}

resource "aws_iam_user" "peer" {
  provider = aws.peer
  name     = "peer"
}
`,
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "aws" {
  alias               = "prod"
  allowed_account_ids = ["444455556666"]
}

module "pair" {
  source = "../../modules/pair"
  providers = {
    aws      = aws
    aws.peer = aws.prod
  }
}

module "swapped" {
  source = "../../modules/pair"
  providers = {
    aws      = aws.prod
    aws.peer = aws
  }
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	got := map[string]string{}
	for _, n := range res.Nodes {
		got[n.Attrs["tf_address"]] = n.ID
	}
	want := map[string]string{
		"module.pair.aws_iam_user.here":    "arn:aws:iam::111122223333:user/here",
		"module.pair.aws_iam_user.peer":    "arn:aws:iam::444455556666:user/peer",
		"module.swapped.aws_iam_user.here": "arn:aws:iam::444455556666:user/here",
		"module.swapped.aws_iam_user.peer": "arn:aws:iam::111122223333:user/peer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users by address (-want +got):\n%s", diff)
	}
}

// TestModuleCallGoogleProvider checks that google resources of a called
// module that configures no google provider take the project of the
// caller's: the default configuration, which Terraform passes to called
// modules without a providers argument, or the one that providers
// passes. A providers argument passes only the configurations it lists.
func TestModuleCallGoogleProvider(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/sa/main.tf": `
variable "name" {}

resource "google_service_account" "this" {
  account_id = var.name
}
`,
		"envs/prod/main.tf": `
provider "google" {
  project = "example-prod"
}

provider "google" {
  alias   = "ops"
  project = "example-ops"
}

module "inherited" {
  source = "../../modules/sa"
  name   = "inherited"
}

module "passed" {
  source = "../../modules/sa"
  name   = "passed"
  providers = {
    google = google.ops
  }
}

module "unlisted" {
  source = "../../modules/sa"
  name   = "unlisted"
  providers = {
    aws = aws
  }
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	var ids []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity {
			ids = append(ids, n.ID)
		}
	}
	slices.Sort(ids)
	want := []string{
		"gcp:sa:inherited@example-prod.iam.gserviceaccount.com",
		"gcp:sa:passed@example-ops.iam.gserviceaccount.com",
		// A providers argument that lists no google configuration passes
		// none, and the project comes from the environment.
		"gcp:sa:unlisted@${provider.google.project}.iam.gserviceaccount.com",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("service accounts (-want +got):\n%s", diff)
	}
}

// TestModuleOutputHeld checks that a value read from an output of a
// called module holds the credentials the output's expression holds in
// that module. An index into an output of several credentials makes each
// possible, because which one it selects is not read.
func TestModuleOutputHeld(t *testing.T) {
	root := writeTree(t, map[string]string{
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

module "bots" {
  source = "../../modules/bots"
  users  = ["alice", "bob"]
}

resource "github_actions_secret" "one" {
  repository      = "app"
  secret_name     = "CI_KEY"
  plaintext_value = module.bots.ci_secret
}

resource "github_actions_secret" "picked" {
  repository      = "app"
  secret_name     = "ALICE_KEY"
  plaintext_value = module.bots.key_secrets["alice"]
}

resource "github_actions_secret" "plain" {
  repository      = "app"
  secret_name     = "NAME"
  plaintext_value = module.bots.ci_name
}
`,
		"modules/bots/main.tf": `
variable "users" {
  type = list(string)
}

resource "aws_iam_user" "bot" {
  for_each = toset(var.users)
  name     = each.key
}

resource "aws_iam_access_key" "bot" {
  for_each = aws_iam_user.bot
  user     = each.value.name
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

output "ci_secret" {
  value     = aws_iam_access_key.ci.secret
  sensitive = true
}

output "ci_name" {
  value = aws_iam_user.ci.name
}

output "key_secrets" {
  value     = { for name, key in aws_iam_access_key.bot : name => key.secret }
  sensitive = true
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	const acct = "arn:aws:iam::111122223333:"
	names := map[string]string{
		graph.AWSAccessKeyID(acct+"user/ci", "ci"):              "ci",
		graph.AWSAccessKeyID(acct+"user/alice", `bot["alice"]`): "alice",
		graph.AWSAccessKeyID(acct+"user/bob", `bot["bob"]`):     "bob",
	}
	got := heldLines(res, names)
	want := []string{
		"ALICE_KEY > alice (possible)",
		"ALICE_KEY > bob (possible)",
		"CI_KEY > ci (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HOLDS edges (-want +got):\n%s", diff)
	}
}

// TestModuleOutputHeldByInstance checks that a reference to an output of
// one instance of a module block with for_each holds that instance's
// credentials only.
func TestModuleOutputHeldByInstance(t *testing.T) {
	root := writeTree(t, map[string]string{
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

module "team" {
  for_each = toset(["red", "blue"])
  source   = "../../modules/team"
  name     = each.key
}

resource "github_actions_secret" "red" {
  repository      = "app"
  secret_name     = "RED_KEY"
  plaintext_value = module.team["red"].secret
}
`,
		"modules/team/main.tf": `
variable "name" {}

resource "aws_iam_user" "this" {
  name = "deploy-${var.name}"
}

resource "aws_iam_access_key" "this" {
  user = aws_iam_user.this.name
}

output "secret" {
  value     = aws_iam_access_key.this.secret
  sensitive = true
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	const acct = "arn:aws:iam::111122223333:"
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeHolds {
			got = append(got, e.To+" ("+string(e.Confidence)+")")
		}
	}
	want := []string{graph.AWSAccessKeyID(acct+"user/deploy-red", "this") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HOLDS edges (-want +got):\n%s", diff)
	}
}

// TestPathCwd checks path.cwd, the folder Terraform runs in: the root
// module's folder, in it and in the modules it calls. basename gives the
// folder's name, and files below it are read.
func TestPathCwd(t *testing.T) {
	root := writeTree(t, map[string]string{
		"envs/prod/main.tf": `
locals {
  name = "ex-${basename(path.cwd)}"
}

resource "aws_iam_user" "u" {
  name = local.name
}

resource "aws_iam_user_policy" "u" {
  user   = aws_iam_user.u.name
  name   = "read"
  policy = file("${path.cwd}/policy.json")
}

module "child" {
  source = "../../modules/child"
}
`,
		"envs/prod/policy.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"modules/child/main.tf": `
resource "aws_iam_user" "c" {
  name = "child-of-${basename(path.cwd)}"
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	var ids []string
	var doc string
	for _, n := range res.Nodes {
		if n.Attrs["type"] == "user" {
			ids = append(ids, n.ID)
		}
		if strings.HasSuffix(n.ID, "#inline/read") {
			doc = n.Attrs["document"]
		}
	}
	slices.Sort(ids)
	if want := []string{"arn:aws:iam:::user/child-of-prod", "arn:aws:iam:::user/ex-prod"}; !slices.Equal(ids, want) {
		t.Errorf("users %v, want %v", ids, want)
	}
	if !strings.Contains(doc, `"Action":"s3:GetObject"`) {
		t.Errorf("policy read through path.cwd = %q, want the file's document", doc)
	}
}

// A module called with for_each reads the same files for each instance,
// so each problem in them is reported once, at its own line, and a file
// that cannot be read gets one warning at the module block.
func TestModuleCallInstancesWarnOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"root/main.tf": `module "m" {
  source   = "../mod"
  for_each = toset(["a", "b", "c"])
}
`,
		"mod/main.tf": `resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
`,
		"mod/x_override.tf": `resource "aws_iam_role" "ghost" {
  name = "g"
}
`,
		"mod/bad.tf": `resource "aws_iam_role" "b" {
  name =
}
`,
	})
	res := parseIn(t, root, "root/main.tf")
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, fmt.Sprintf("%s:%d:%d: %s", filepath.Base(d.Pos.File), d.Pos.Line, d.Pos.Col, d.Msg))
	}
	sort.Strings(warned)
	want := []string{
		"bad.tf:2:9: module.m: invalid expression: Expected the start of an expression, but found an invalid expression token; the file is not read through this call",
		"main.tf:1:1: module.m: bad.tf of its source was not read: invalid expression: Expected the start of an expression, but found an invalid expression token",
		"x_override.tf:1:1: no declaration of module.m.aws_iam_role.ghost outside override files; override block skipped",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
