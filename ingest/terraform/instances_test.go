package terraform

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestInstances checks that a resource with count or for_each gives the
// facts of each instance Terraform would create, with count.index,
// each.key and each.value set. References to its instances (x["key"],
// x[1], a for_each over another resource) reach the right one. A count or
// for_each known to be empty gives nothing, unless the value comes from a
// variable's default, which a caller may change. The block is then read as
// one instance, as when the value is unknown.
func TestInstances(t *testing.T) {
	const src = `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

variable "users" {
  default = ["alice", "bob"]
}

variable "create_admin" {
  default = false
}

variable "teams" {}

resource "aws_iam_user" "dev" {
  for_each = toset(var.users)
  name     = each.key
}

resource "aws_iam_access_key" "dev" {
  for_each = aws_iam_user.dev
  user     = each.value.name
}

resource "aws_s3_bucket" "data" {
  count  = 2
  bucket = "example-data-${count.index}"
}

resource "aws_iam_user_policy" "read" {
  for_each = { alice = 0, bob = 1 }
  name     = "read"
  user     = aws_iam_user.dev[each.key].name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data[each.value].arn}/*" }]
  })
}

resource "aws_iam_user" "never" {
  count = 0
  name  = "never"
}

resource "aws_iam_user" "admin" {
  count = var.create_admin ? 1 : 0
  name  = "admin"
}

resource "aws_iam_user" "team" {
  for_each = var.teams
  name     = "team-${each.key}"
}
`
	res := parseSource(t, src)
	const acct = "arn:aws:iam::111122223333:"
	var users, keys, buckets []string
	docs := map[string]string{}
	for _, n := range res.Nodes {
		switch {
		case n.Kind == graph.NodeIdentity && n.Attrs["type"] == "user":
			users = append(users, n.ID)
		case n.Kind == graph.NodeSecret && n.Attrs["type"] == "access-key":
			keys = append(keys, n.ID)
		case n.Kind == graph.NodeResource && n.Attrs["type"] == "aws_s3_bucket":
			buckets = append(buckets, n.ID)
		case strings.Contains(n.ID, "#inline/"):
			docs[n.ID] = n.Attrs["document"]
		}
	}
	slices.Sort(users)
	slices.Sort(keys)
	slices.Sort(buckets)
	wantUsers := []string{
		// The default of create_admin is false, but a caller may set it.
		acct + "user/admin",
		acct + "user/alice",
		acct + "user/bob",
		// var.teams is not known: one instance, named after each.key.
		acct + "user/team-${each.key}",
	}
	if diff := cmp.Diff(wantUsers, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	wantKeys := []string{
		graph.AWSAccessKeyID(acct+"user/alice", `dev["alice"]`),
		graph.AWSAccessKeyID(acct+"user/bob", `dev["bob"]`),
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("access keys (-want +got):\n%s", diff)
	}
	wantBuckets := []string{"arn:aws:s3:::example-data-0", "arn:aws:s3:::example-data-1"}
	if diff := cmp.Diff(wantBuckets, buckets); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	for user, bucket := range map[string]string{"alice": "example-data-0", "bob": "example-data-1"} {
		doc := docs[acct+"user/"+user+"#inline/read"]
		if want := `"Resource":"arn:aws:s3:::` + bucket + `/*"`; !strings.Contains(doc, want) {
			t.Errorf("policy of %s = %q, want it to contain %s", user, doc, want)
		}
	}
	for _, n := range res.Nodes {
		if n.Attrs["tf_address"] == `aws_iam_user.dev["alice"]` && n.ID != acct+"user/alice" {
			t.Errorf("tf_address %s on %s", n.Attrs["tf_address"], n.ID)
		}
	}
}

// TestInstancesLength checks that length counts the instances of a block
// with for_each (an object keyed by its keys) or count (a tuple), as
// Terraform's length counts an object's attributes and a tuple's elements.
func TestInstancesLength(t *testing.T) {
	res := parseSource(t, `
resource "aws_iam_user" "dev" {
  for_each = toset(["alice", "bob", "carol"])
  name     = each.key
}

resource "aws_iam_user" "ci" {
  count = 2
  name  = "ci-${count.index}"
}

resource "aws_iam_group" "devs" {
  name = "devs-${length(aws_iam_user.dev)}-${length(aws_iam_user.ci)}-${length({ a = 1 })}"
}
`)
	var groups []string
	for _, n := range res.Nodes {
		if n.Attrs["type"] == "group" {
			groups = append(groups, n.ID)
		}
	}
	if want := []string{"arn:aws:iam:::group/devs-3-2-1"}; !slices.Equal(groups, want) {
		t.Errorf("groups %v, want %v", groups, want)
	}
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
}

// TestInstancesBounded checks that a block with more instances than the
// reader evaluates is read as one instance, with a warning at the count or
// for_each. A count that is not a whole number is treated as unknown. A
// for_each over a list, which Terraform rejects, is read as one instance
// with a warning.
func TestInstancesBounded(t *testing.T) {
	var keys []string
	for i := range 1100 {
		keys = append(keys, fmt.Sprintf("%q", fmt.Sprint("wide-", i)))
	}
	src := `
resource "aws_iam_user" "many" {
  count = 100000
  name  = "many-${count.index}"
}

resource "aws_iam_user" "wide" {
  for_each = toset([` + strings.Join(keys, ", ") + `])
  name     = each.key
}

resource "aws_iam_user" "odd" {
  count = 1.5
  name  = "odd-${count.index}"
}

resource "aws_iam_user" "list" {
  for_each = ["listed"]
  name     = each.key
}
`
	res := parseSource(t, src)
	var users []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity {
			users = append(users, strings.TrimPrefix(n.ID, "arn:aws:iam:::"))
		}
	}
	slices.Sort(users)
	want := []string{"user/${each.key}", "user/${each.key}", "user/many-0", "user/odd-0"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, fmt.Sprintf("%d: %s", d.Pos.Line, d.Msg))
	}
	wantWarn := []string{
		"3: aws_iam_user.many: count of 100000 is more than 1024 instances, so the block is read as one instance",
		"8: aws_iam_user.wide: for_each of 1100 elements is more than 1024 instances, so the block is read as one instance",
		"18: aws_iam_user.list: for_each is a list, which Terraform rejects: it takes a map or a set of strings (toset makes one); the block is read as one instance",
	}
	if diff := cmp.Diff(wantWarn, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestInstanceReferences checks that a reference to one instance of a
// block with count or for_each reaches that instance and no other. The
// instance is named by a literal key, by a key made of each.key or
// count.index, or by each.value of a for_each over the block or over a
// local whose object names it. A reference
// without a key reads every instance. Both the credentials a secret
// contains and the role an instance profile gives come from the named
// instance.
func TestInstanceReferences(t *testing.T) {
	const src = `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

resource "aws_iam_user" "u" {
  for_each = toset(["alice", "bob"])
  name     = each.key
}

resource "aws_iam_access_key" "k" {
  for_each = aws_iam_user.u
  user     = each.value.name
}

resource "github_actions_secret" "each" {
  for_each        = aws_iam_access_key.k
  repository      = "each-${each.key}"
  secret_name     = "KEY"
  plaintext_value = each.value.secret
}

resource "github_actions_secret" "literal" {
  repository      = "literal"
  secret_name     = "KEY"
  plaintext_value = aws_iam_access_key.k["bob"].secret
}

resource "github_actions_secret" "indexed" {
  for_each        = toset(["alice", "bob"])
  repository      = "indexed-${each.key}"
  secret_name     = "KEY"
  plaintext_value = aws_iam_access_key.k[each.key].secret
}

locals {
  keys = { ops = aws_iam_access_key.k["alice"].secret }
}

resource "github_actions_secret" "local" {
  for_each        = local.keys
  repository      = "local-${each.key}"
  secret_name     = "KEY"
  plaintext_value = each.value
}

resource "github_actions_secret" "all" {
  repository      = "all"
  secret_name     = "KEYS"
  plaintext_value = jsonencode(aws_iam_access_key.k)
}

resource "aws_iam_user" "c" {
  count = 2
  name  = "c${count.index}"
}

resource "aws_iam_access_key" "c" {
  count = 2
  user  = aws_iam_user.c[count.index].name
}

resource "github_actions_secret" "counted" {
  count           = 2
  repository      = "counted-${count.index}"
  secret_name     = "KEY"
  plaintext_value = aws_iam_access_key.c[count.index].secret
}

resource "aws_iam_role" "r" {
  for_each = toset(["ci", "deploy"])
  name     = each.key
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_instance_profile" "ip" {
  for_each = aws_iam_role.r
  name     = "ip-${each.key}"
  role     = each.value.name
}

resource "aws_instance" "web" {
  count                = 2
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.ip["deploy"].name
}
`
	res := parseSource(t, src)
	const acct = "arn:aws:iam::111122223333:"
	key := func(user, name string) string { return graph.AWSAccessKeyID(acct+"user/"+user, name) }
	secret := func(repo, name string) string { return graph.GHASecretID("example-org/"+repo, name) }
	var holds, roles []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeHolds:
			holds = append(holds, e.From+" -> "+e.To)
			if e.Confidence != graph.Certain {
				t.Errorf("HOLDS %s -> %s is %s, want certain", e.From, e.To, e.Confidence)
			}
		case graph.EdgeAuthenticatesAs:
			if strings.Contains(e.From, "aws_instance.web") {
				roles = append(roles, e.From+" -> "+e.To)
			}
		}
	}
	slices.Sort(holds)
	slices.Sort(roles)
	wantHolds := []string{
		secret("all", "KEYS") + " -> " + key("alice", `k["alice"]`),
		secret("all", "KEYS") + " -> " + key("bob", `k["bob"]`),
		secret("counted-0", "KEY") + " -> " + key("c0", "c[0]"),
		secret("counted-1", "KEY") + " -> " + key("c1", "c[1]"),
		secret("each-alice", "KEY") + " -> " + key("alice", `k["alice"]`),
		secret("each-bob", "KEY") + " -> " + key("bob", `k["bob"]`),
		secret("indexed-alice", "KEY") + " -> " + key("alice", `k["alice"]`),
		secret("indexed-bob", "KEY") + " -> " + key("bob", `k["bob"]`),
		secret("literal", "KEY") + " -> " + key("bob", `k["bob"]`),
		secret("local-ops", "KEY") + " -> " + key("alice", `k["alice"]`),
	}
	slices.Sort(wantHolds)
	if diff := cmp.Diff(wantHolds, holds); diff != "" {
		t.Errorf("HOLDS (-want +got):\n%s", diff)
	}
	creds := func(i int) string {
		return graph.AWSInstanceCredentialsID(fmt.Sprintf("runtime:aws:ec2:111122223333:aws_instance.web[%d]", i))
	}
	wantRoles := []string{
		creds(0) + " -> " + acct + "role/deploy",
		creds(1) + " -> " + acct + "role/deploy",
	}
	if diff := cmp.Diff(wantRoles, roles); diff != "" {
		t.Errorf("AUTHENTICATES_AS of the instances (-want +got):\n%s", diff)
	}
}

// TestInstanceDatabasePasswords checks that the master password of each
// instance of a counted database is held by what reads that instance's
// random_password, or that instance's password attribute, and by nothing
// that reads another instance.
func TestInstanceDatabasePasswords(t *testing.T) {
	const src = `
provider "aws" {
  allowed_account_ids = ["111122223333"]
  region              = "us-east-1"
}

provider "github" {
  owner = "example-org"
}

resource "random_password" "db" {
  count  = 2
  length = 32
}

resource "aws_db_instance" "db" {
  count          = 2
  identifier     = "db${count.index}"
  engine         = "postgres"
  instance_class = "db.t3.micro"
  username       = "admin"
  password       = random_password.db[count.index].result
}

resource "github_actions_secret" "random" {
  count           = 2
  repository      = "app${count.index}"
  secret_name     = "DB_PASSWORD"
  plaintext_value = random_password.db[count.index].result
}

resource "github_actions_secret" "attribute" {
  repository      = "direct"
  secret_name     = "DB_PASSWORD"
  plaintext_value = aws_db_instance.db[1].password
}
`
	password := func(i int) string {
		return fmt.Sprintf("secret:aws:db-password:arn:aws:rds:us-east-1:111122223333:db:db%d", i)
	}
	var holds []string
	for _, e := range parseSource(t, src).Edges {
		if e.Kind == graph.EdgeHolds {
			holds = append(holds, e.From+" -> "+e.To)
		}
	}
	slices.Sort(holds)
	want := []string{
		graph.GHASecretID("example-org/app0", "DB_PASSWORD") + " -> " + password(0),
		graph.GHASecretID("example-org/app1", "DB_PASSWORD") + " -> " + password(1),
		graph.GHASecretID("example-org/direct", "DB_PASSWORD") + " -> " + password(1),
	}
	if diff := cmp.Diff(want, holds); diff != "" {
		t.Errorf("HOLDS (-want +got):\n%s", diff)
	}
}

// TestInstanceLoadBalancerIngress checks that a target group attachment
// naming one instance of a counted EC2 instance (web[0]) gives that
// instance the internet ingress of the load balancer, and not the other.
func TestInstanceLoadBalancerIngress(t *testing.T) {
	const src = `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_security_group" "open" {
  name = "open"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_lb" "front" {
  name            = "front"
  internal        = false
  security_groups = [aws_security_group.open.id]
}

resource "aws_lb_target_group" "web" {
  name = "web"
}

resource "aws_lb_target_group_attachment" "web" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.web[0].id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.front.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
`
	got := map[string]string{}
	for _, n := range parseSource(t, src).Nodes {
		if n.Kind == graph.NodeRuntime {
			got[n.Attrs["tf_address"]] = n.Attrs["internet_ingress"] + " " + n.Attrs["internet_ingress_via"]
		}
	}
	want := map[string]string{
		"aws_instance.web[0]": "open aws_lb.front",
		"aws_instance.web[1]": " ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ingress by instance (-want +got):\n%s", diff)
	}
}

// TestInstanceReferenceMissing checks that a reference to an instance
// that the block does not have (Terraform rejects it) is not read as a
// value written out in the input: the secret set from it gets no
// fingerprint and holds no key.
func TestInstanceReferenceMissing(t *testing.T) {
	const src = `
provider "github" {
  owner = "example-org"
}

resource "aws_iam_user" "u" {
  for_each = toset(["alice"])
  name     = each.key
}

resource "aws_iam_access_key" "k" {
  for_each = aws_iam_user.u
  user     = each.value.name
}

resource "github_actions_secret" "carol" {
  repository      = "carol"
  secret_name     = "KEY"
  plaintext_value = aws_iam_access_key.k["carol"].secret
}
`
	res := parseSource(t, src)
	for _, n := range res.Nodes {
		if n.Attrs["tf_address"] != "github_actions_secret.carol" {
			continue
		}
		if fp := n.Attrs[graph.AttrFingerprint]; fp != "" {
			t.Errorf("secret has fingerprint %s, want none", fp)
		}
		if n.Attrs[graph.AttrStoredInline] != "" {
			t.Errorf("secret has stored_inline=%s, want none", n.Attrs[graph.AttrStoredInline])
		}
	}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeHolds {
			t.Errorf("HOLDS %s -> %s, want none", e.From, e.To)
		}
	}
}

// TestInstanceHeld checks which instances of a credential with count or
// for_each a GitHub Actions secret contains. A literal index names one
// instance, and a reference to the whole block reads every instance. An
// index that each.key gives names the instance of the secret's own key.
func TestInstanceHeld(t *testing.T) {
	const src = `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

variable "users" {
  default = ["alice", "bob"]
}

resource "aws_iam_user" "dev" {
  for_each = toset(var.users)
  name     = each.key
}

resource "aws_iam_access_key" "dev" {
  for_each = aws_iam_user.dev
  user     = each.value.name
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  count = 2
  user  = aws_iam_user.ci.name
}

resource "github_actions_secret" "bob" {
  repository      = "app"
  secret_name     = "BOB_KEY"
  plaintext_value = aws_iam_access_key.dev["bob"].secret
}

resource "github_actions_secret" "second" {
  repository      = "app"
  secret_name     = "CI_KEY_ID"
  plaintext_value = aws_iam_access_key.ci[1].id
}

resource "github_actions_secret" "all" {
  repository      = "app"
  secret_name     = "ALL_KEYS"
  plaintext_value = jsonencode({ for k, v in aws_iam_access_key.dev : k => v.secret })
}

resource "github_actions_secret" "each" {
  for_each        = toset(["alice"])
  repository      = "app"
  secret_name     = "KEY_OF_${each.key}"
  plaintext_value = aws_iam_access_key.dev[each.key].secret
}
`
	res := parseSource(t, src)
	const acct = "arn:aws:iam::111122223333:"
	alice := graph.AWSAccessKeyID(acct+"user/alice", `dev["alice"]`)
	bob := graph.AWSAccessKeyID(acct+"user/bob", `dev["bob"]`)
	ci1 := graph.AWSAccessKeyID(acct+"user/ci", "ci[1]")
	names := map[string]string{alice: "alice", bob: "bob", ci1: "ci[1]"}
	got := heldLines(res, names)
	want := []string{
		"ALL_KEYS > alice (certain)",
		"ALL_KEYS > bob (certain)",
		"BOB_KEY > bob (certain)",
		"CI_KEY_ID > ci[1] (certain)",
		"KEY_OF_ALICE > alice (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HOLDS edges (-want +got):\n%s", diff)
	}
}

// heldLines lists the HOLDS edges of the secrets of example-org/app as
// "SECRET > HELD (confidence)", sorted, with held ids named by names.
func heldLines(res ingest.Result, names map[string]string) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeHolds {
			continue
		}
		_, secret, _ := strings.Cut(e.From, "example-org/app/")
		to, ok := names[e.To]
		if !ok {
			to = e.To
		}
		out = append(out, secret+" > "+to+" ("+string(e.Confidence)+")")
	}
	slices.Sort(out)
	return out
}

// TestInstancesSetOfNumbers checks that a for_each over a set of numbers,
// which Terraform rejects, is read as one instance with a warning.
func TestInstancesSetOfNumbers(t *testing.T) {
	res := parseSource(t, `
resource "aws_iam_user" "n" {
  for_each = toset([1, 2])
  name     = "n-${each.key}"
}
`)
	var users []string
	for _, n := range res.Nodes {
		users = append(users, n.ID)
	}
	if want := []string{"arn:aws:iam:::user/n-${each.key}"}; !slices.Equal(users, want) {
		t.Errorf("users %v, want %v", users, want)
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, d.Msg)
	}
	want := []string{"aws_iam_user.n: for_each is a set of number, which Terraform rejects: it takes a map or a set of strings; the block is read as one instance"}
	if !slices.Equal(warned, want) {
		t.Errorf("warnings %q, want %q", warned, want)
	}
}

// A count or for_each that reads variables' defaults gives no instances
// when its value is 0 or empty whatever those defaults are: the module
// block sets create = false, and false && anything is false. Instances
// that a default decides are still read as one instance, because a -var
// flag or another caller may change it.
func TestInstancesOpenVariableNotDeciding(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/group/main.tf": `
variable "create" {
  default = true
}

variable "name" {
  default = ""
}

variable "permissions" {
  default = null
}

variable "members" {
  default = {}
}

locals {
  create_policy = var.create && var.permissions != null
}

resource "aws_iam_group" "this" {
  count = var.create ? 1 : 0
  name  = var.name
}

resource "aws_iam_policy" "this" {
  count  = local.create_policy ? 1 : 0
  name   = "${var.name}-policy"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}

resource "aws_iam_user" "member" {
  for_each = var.create ? var.members : {}
  name     = each.key
}
`,
		"envs/prod/main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

variable "admins" {
  default = false
}

module "on" {
  source      = "../../modules/group"
  name        = "admins"
  permissions = {}
}

module "off" {
  source = "../../modules/group"
  create = false
}

module "by_default" {
  source  = "../../modules/group"
  name    = "maybe"
  create  = var.admins
  members = { ops = "ops" }
}
`,
	})
	res := parseIn(t, root, "envs/prod/main.tf")
	const acct = "arn:aws:iam::111122223333:"
	var ids []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity || n.Kind == graph.NodePolicy {
			ids = append(ids, n.ID)
		}
	}
	slices.Sort(ids)
	// module.off creates nothing, and module.on no members: the module
	// block leaves members out, so it is {} whatever the root's
	// variables are. module.by_default sets create to the root's
	// var.admins, whose default a -var flag may change: its group and
	// its member are read as one instance each, the member with an
	// unknown key. Its policy's count also reads permissions, which is
	// null, so it is 0 whatever admins is.
	want := []string{
		acct + "group/admins",
		acct + "group/maybe",
		acct + "policy/admins-policy",
		acct + "user/${module.by_default.each.key}",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("identities and policies (-want +got):\n%s", diff)
	}
}

// A count of 0 stays open when an open variable decides it through a
// module output, a resource's argument, or the each or count.index of
// the module block that passes it. A -var flag setting enable_x, users,
// teams or n makes Terraform create each of these users.
func TestInstancesOpenThroughReferences(t *testing.T) {
	root := writeTree(t, map[string]string{
		"modules/cfg/main.tf": `
variable "enabled" {
  default = false
}

output "enabled" {
  value = var.enabled
}
`,
		"modules/user/main.tf": `
variable "on" {
  default = true
}

variable "name" {}

resource "aws_iam_user" "this" {
  count = var.on ? 1 : 0
  name  = var.name
}
`,
		"main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

variable "enable_x" {
  default = false
}

variable "teams" {
  default = { ops = false }
}

variable "n" {
  default = 1
}

module "cfg" {
  source  = "./modules/cfg"
  enabled = var.enable_x
}

module "fixed" {
  source = "./modules/cfg"
}

resource "aws_iam_user" "by_output" {
  count = module.cfg.enabled ? 1 : 0
  name  = "by-output"
}

resource "aws_iam_user" "by_fixed_output" {
  count = module.fixed.enabled ? 1 : 0
  name  = "by-fixed-output"
}

module "argument_by_output" {
  source = "./modules/user"
  name   = "argument-by-output"
  on     = module.cfg.enabled
}

resource "aws_iam_group" "settings" {
  name = "settings"
  path = var.enable_x ? "/on/" : "/off/"
}

resource "aws_iam_group" "fixed" {
  name = "fixed"
  path = "/off/"
}

resource "aws_iam_user" "by_resource" {
  count = aws_iam_group.settings.path == "/on/" ? 1 : 0
  name  = "by-resource"
}

resource "aws_iam_user" "by_fixed_resource" {
  count = aws_iam_group.fixed.path == "/on/" ? 1 : 0
  name  = "by-fixed-resource"
}

module "team" {
  source   = "./modules/user"
  for_each = var.teams
  name     = "team-${each.key}"
  on       = each.value
}

module "fixed_team" {
  source   = "./modules/user"
  for_each = { dev = false }
  name     = "fixed-team-${each.key}"
  on       = each.value
}

module "second" {
  source = "./modules/user"
  count  = var.n
  name   = "second"
  on     = count.index > 0
}
`,
	})
	res := parseIn(t, root, "main.tf")
	const acct = "arn:aws:iam::111122223333:user/"
	var users []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity && strings.HasPrefix(n.ID, acct) {
			users = append(users, strings.TrimPrefix(n.ID, acct))
		}
	}
	slices.Sort(users)
	// The users whose count reads only fixed values (module.fixed's
	// default, a path written out, a for_each written out) are not
	// created.
	want := []string{"argument-by-output", "by-output", "by-resource", "second", "team-ops"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}

// A count of 0 that an open variable decides through a local comparison
// (local.is_prod = var.env == "prod") stays open: -var env=prod creates
// the user. So does one that terraform.workspace decides, directly or
// through a local, since terraform workspace select prod creates it. A
// count that a tfvars value decides that way is final.
func TestInstancesOpenThroughComparisons(t *testing.T) {
	root := writeTree(t, map[string]string{
		"main.tf": `
provider "aws" {
  allowed_account_ids = ["111122223333"]
}

variable "env" {
  default = "dev"
}

variable "stage" {
  default = "prod"
}

locals {
  is_prod        = var.env == "prod"
  prod_workspace = terraform.workspace == "prod"
  stage_prod     = var.stage == "prod"
}

resource "aws_iam_user" "by_local" {
  count = local.is_prod ? 1 : 0
  name  = "by-local"
}

resource "aws_iam_user" "by_workspace" {
  count = terraform.workspace == "prod" ? 1 : 0
  name  = "by-workspace"
}

resource "aws_iam_user" "by_workspace_local" {
  count = local.prod_workspace ? 1 : 0
  name  = "by-workspace-local"
}

resource "aws_iam_user" "by_tfvars" {
  count = local.stage_prod ? 1 : 0
  name  = "by-tfvars"
}
`,
		"terraform.tfvars": `stage = "dev"` + "\n",
	})
	res := parseIn(t, root, "main.tf")
	const acct = "arn:aws:iam::111122223333:user/"
	var users []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity && strings.HasPrefix(n.ID, acct) {
			users = append(users, strings.TrimPrefix(n.ID, acct))
		}
	}
	slices.Sort(users)
	want := []string{"by-local", "by-workspace", "by-workspace-local"}
	if diff := cmp.Diff(want, users); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
}
