package terraform

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
)

// calledTree holds a root module (live) that calls two modules: users,
// which only the call sets, and roles, which a tfvars file also sets for
// being applied on its own.
var calledTree = map[string]string{
	"live/main.tf": `
module "ci" {
  source = "../modules/users"
  name   = "alice"
}
module "deploy" {
  source = "../modules/roles"
  name   = "deploy"
}
`,
	"modules/users/main.tf": `
variable "name" {
  default = "nobody"
}
resource "aws_iam_user" "this" {
  name = var.name
}
`,
	"modules/roles/main.tf": `
variable "name" {}
resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
`,
	"modules/roles/terraform.tfvars": `name = "ops"`,
}

// ingestTree runs an ingest of the given folders with the Terraform
// parser alone and returns the identities and the run's summary.
func ingestTree(t *testing.T, paths ...string) ([]string, *ingest.Summary) {
	t.Helper()
	store := memstore.New()
	p := &ingest.Pipeline{Parsers: []ingest.Parser{New()}, Store: store, Env: testEnv(), Org: "example-org"}
	sum, err := p.Run(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := store.NodesByKind(context.Background(), graph.NodeIdentity)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids, sum
}

// A module that a root of the input calls is read through the call, with
// the call's arguments, and not also on its own with its defaults: no
// deployment has a user named "nobody". A module whose folder holds a
// tfvars file is applied on its own too, so both of its roles exist.
func TestCalledModuleReadThroughCallOnly(t *testing.T) {
	root := writeTree(t, calledTree)
	ids, sum := ingestTree(t, root)
	want := []string{
		"arn:aws:iam:::role/deploy",
		"arn:aws:iam:::role/ops",
		"arn:aws:iam:::user/alice",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	var skipped []string
	for _, sk := range sum.Skipped {
		rel, _ := filepath.Rel(root, sk.Path)
		skipped = append(skipped, filepath.ToSlash(rel)+": "+strings.ReplaceAll(sk.Reason, root+string(filepath.Separator), ""))
	}
	wantSkipped := []string{"modules/users/main.tf: Terraform module that live calls; read through that call, not on its own"}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped files (-want +got):\n%s", diff)
	}
}

// A called folder whose terraform block names a backend (or HCP
// Terraform, cloud) is applied on its own, since Terraform ignores a child
// module's backend: it is read with its defaults as well as through the
// call. A backend block elsewhere, or the word in a comment, changes
// nothing.
func TestCalledModuleWithBackendIsRoot(t *testing.T) {
	user := func(def string) string {
		return fmt.Sprintf("variable \"name\" {\n  default = %q\n}\nresource \"aws_iam_user\" \"this\" {\n  name = var.name\n}\n", def)
	}
	root := writeTree(t, map[string]string{
		"live/main.tf": `
module "s3" {
  source = "../stacks/s3"
  name   = "alice"
}
module "cloud" {
  source = "../stacks/cloud"
  name   = "bob"
}
module "json" {
  source = "../stacks/json"
  name   = "carol"
}
module "plain" {
  source = "../stacks/plain"
  name   = "dave"
}
`,
		"stacks/s3/main.tf":         user("s3-own"),
		"stacks/s3/backend.tf":      "terraform {\n  backend \"s3\" {\n    bucket = \"example-state\"\n  }\n}\n",
		"stacks/cloud/main.tf":      user("cloud-own") + "terraform {\n  cloud {\n    organization = \"example-org\"\n  }\n}\n",
		"stacks/json/main.tf":       user("json-own"),
		"stacks/json/state.tf.json": `{"terraform": {"backend": {"local": {"path": "state"}}}}`,
		"stacks/plain/main.tf":      user("plain-own") + "# no backend here: the cloud runs it\nlocals {\n  backend = \"none\"\n}\n",
	})
	ids, _ := ingestTree(t, root)
	want := []string{
		"arn:aws:iam:::user/alice",
		"arn:aws:iam:::user/bob",
		"arn:aws:iam:::user/carol",
		"arn:aws:iam:::user/cloud-own",
		"arn:aws:iam:::user/dave",
		"arn:aws:iam:::user/json-own",
		"arn:aws:iam:::user/s3-own",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
}

// With no caller in the input, a module folder is the root of what was
// given and is read with its defaults.
func TestUncalledModuleIsRoot(t *testing.T) {
	root := writeTree(t, calledTree)
	ids, sum := ingestTree(t, filepath.Join(root, "modules", "users"))
	if !slices.Equal(ids, []string{"arn:aws:iam:::user/nobody"}) {
		t.Errorf("identities = %v, want the user the default names", ids)
	}
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped = %v, want none", sum.Skipped)
	}
}

// A chain of calls is followed: the module that a called module calls is
// read through the chain only. Two folders that only call each other
// have no root above them and are both read on their own.
func TestCalledThroughChainAndCycle(t *testing.T) {
	root := writeTree(t, map[string]string{
		"live/main.tf": `
module "a" {
  source = "../mods/a"
}
`,
		"mods/a/main.tf": `
module "b" {
  source = "../b"
  name   = "from-a"
}
`,
		"mods/b/main.tf": `
variable "name" {
  default = "b-default"
}
resource "aws_iam_user" "this" {
  name = var.name
}
`,
		"loop/x/main.tf": `
module "y" {
  source = "../y"
}
resource "aws_iam_user" "x" {
  name = "x"
}
`,
		"loop/y/main.tf": `
module "x" {
  source = "../x"
}
resource "aws_iam_user" "y" {
  name = "y"
}
`,
	})
	ids, _ := ingestTree(t, root)
	want := []string{
		"arn:aws:iam:::user/from-a",
		"arn:aws:iam:::user/x",
		"arn:aws:iam:::user/y",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
}

// A chain of calls is deeper than an evaluation follows. The first folder
// past the bound is read as a root with its defaults, as the evaluation
// warns. The folder it calls is read through that call only, not also on
// its own.
func TestCallsPastDepthReadOnce(t *testing.T) {
	files := map[string]string{
		"root/main.tf": "module \"next\" {\n  source = \"../l1\"\n  name = \"deep\"\n}\n",
	}
	for i := 1; i <= 10; i++ {
		text := fmt.Sprintf("variable \"name\" {\n  default = \"dflt%d\"\n}\nresource \"aws_iam_user\" \"u\" {\n  name = \"${var.name}-%d\"\n}\n", i, i)
		if i < 10 {
			text += fmt.Sprintf("module \"next\" {\n  source = \"../l%d\"\n  name = var.name\n}\n", i+1)
		}
		files[fmt.Sprintf("l%d/main.tf", i)] = text
	}
	ids, _ := ingestTree(t, writeTree(t, files))
	var want []string
	for i := 1; i <= 8; i++ {
		want = append(want, fmt.Sprintf("arn:aws:iam:::user/deep-%d", i))
	}
	want = append(want, "arn:aws:iam:::user/dflt9-10", "arn:aws:iam:::user/dflt9-9")
	slices.Sort(want)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
}

// A root that calls more modules than one evaluation reads leaves some
// calls out, so its modules are read on their own instead: none of the
// 260 users is lost.
func TestCallLimitReadsModulesAlone(t *testing.T) {
	files := map[string]string{}
	var root strings.Builder
	for i := range maxCalls + 4 {
		fmt.Fprintf(&root, "module \"m%d\" {\n  source = \"../modules/m%d\"\n}\n", i, i)
		files[fmt.Sprintf("modules/m%d/main.tf", i)] = fmt.Sprintf("resource \"aws_iam_user\" \"u\" {\n  name = \"user%d\"\n}\n", i)
	}
	files["root/main.tf"] = root.String()
	ids, _ := ingestTree(t, writeTree(t, files))
	if len(ids) != maxCalls+4 {
		t.Errorf("got %d identities, want %d, one user of each module", len(ids), maxCalls+4)
	}
}

// The files of a called module are not read on their own, so their
// problems are reported through the call, at their own positions.
func TestCalledModuleProblemsAtTheirLines(t *testing.T) {
	root := writeTree(t, map[string]string{
		"live/main.tf": "module \"m\" {\n  source = \"../mod\"\n  name   = \"a\"\n}\n",
		"mod/main.tf":  "variable \"name\" {}\nresource \"aws_iam_role\" \"r\" {\n  name = \n}\n",
		"mod/other.tf": "resource \"aws_iam_user\" \"z\" {\n  name = var.undeclared\n}\n",
	})
	_, sum := ingestTree(t, root)
	var got []string
	for _, d := range sum.Warnings {
		rel, _ := filepath.Rel(root, d.Pos.File)
		got = append(got, fmt.Sprintf("%s:%d:%d", filepath.ToSlash(rel), d.Pos.Line, d.Pos.Col))
	}
	want := []string{"live/main.tf:1:1", "mod/main.tf:3:10", "mod/other.tf:2:10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warning positions (-want +got):\n%s", diff)
	}
}

// A node that a module call gives sits at the module block, and names
// the block of the called module it comes from.
func TestCalledNodeNamesItsBlock(t *testing.T) {
	root := writeTree(t, calledTree)
	store := memstore.New()
	p := &ingest.Pipeline{Parsers: []ingest.Parser{New()}, Store: store, Env: testEnv(), Org: "example-org"}
	if _, err := p.Run(context.Background(), []string{root}); err != nil {
		t.Fatal(err)
	}
	ns, err := store.Nodes(context.Background(), []string{"arn:aws:iam:::user/alice"})
	if err != nil || len(ns) != 1 {
		t.Fatalf("user alice: %v, %v", ns, err)
	}
	want := filepath.Join(root, "modules", "users", "main.tf") + ":5"
	if got := ns[0].Attr(graph.AttrDefinedAt); got != want {
		t.Errorf("defined_at = %q, want %q", got, want)
	}
	if got, wantPos := ns[0].Pos.String(), filepath.Join(root, "live", "main.tf")+":2"; got != wantPos {
		t.Errorf("position = %s, want the module block at %s", got, wantPos)
	}
}

// Terraform matches .tf, .tf.json, .tfvars and .tfvars.json in lower case
// only, and leaves out hidden files, so a file named MAIN.TF,
// Extra.Tf.json or .draft.tf is no configuration and gives nothing. It is
// skipped with that reason.
func TestNamesTerraformLeavesOut(t *testing.T) {
	user := func(name string) string {
		return fmt.Sprintf("resource \"aws_iam_user\" %q {\n  name = %q\n}\n", name, name)
	}
	root := writeTree(t, map[string]string{
		"live/main.tf":       user("alice"),
		"live/EXTRA.TF":      user("bob"),
		"live/Other.Tf.json": `{"resource": {"aws_iam_user": {"carol": {"name": "carol"}}}}`,
		"live/PROD.TFVARS":   `name = "dave"`,
		"live/.draft.tf":     user("frank"),
	})
	ids, sum := ingestTree(t, root)
	want := []string{"arn:aws:iam:::user/alice"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	reasons := map[string]string{}
	for _, sk := range sum.Skipped {
		reasons[filepath.Base(sk.Path)] = sk.Reason
	}
	const reason = "Terraform reads only names that end in .tf, .tf.json, .tfvars or .tfvars.json in lower case"
	for _, name := range []string{"EXTRA.TF", "Other.Tf.json", "PROD.TFVARS"} {
		if reasons[name] != reason {
			t.Errorf("%s skipped with %q, want %q", name, reasons[name], reason)
		}
	}
	if got, want := reasons[".draft.tf"], "Terraform leaves out files whose names start with a dot"; got != want {
		t.Errorf(".draft.tf skipped with %q, want %q", got, want)
	}
}
