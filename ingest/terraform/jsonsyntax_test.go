package terraform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// factLines renders the facts of a module folder without positions, so
// that the same module written in HCL and in JSON can be compared.
func factLines(t *testing.T, dir string) []string {
	t.Helper()
	res, rejected := parseDir(t, dir)
	var lines []string
	for _, e := range rejected {
		lines = append(lines, "error "+e.Msg)
	}
	for _, n := range res.Nodes {
		lines = append(lines, fmt.Sprintf("node %s %s%s", n.Kind, n.ID, renderAttrs(n.Attrs)))
	}
	for _, e := range res.Edges {
		lines = append(lines, fmt.Sprintf("edge %s %s -> %s %s%s", e.Kind, e.From, e.To, e.Confidence, renderAttrs(e.Attrs)))
	}
	for _, d := range res.Diags {
		lines = append(lines, "diag "+d.Msg)
	}
	lines = append(lines, fmt.Sprintf("records %d", res.Records))
	sort.Strings(lines)
	return lines
}

// TestJSONModuleSameFacts reads modules written in HCL and in Terraform's
// JSON syntax: the facts of each pair must be the same.
func TestJSONModuleSameFacts(t *testing.T) {
	for _, pair := range []string{"json-pair", "json-pair2"} {
		hclFacts := factLines(t, filepath.Join("testdata", pair+"-hcl"))
		jsonFacts := factLines(t, filepath.Join("testdata", pair+"-json"))
		if len(hclFacts) < 5 {
			t.Fatalf("%s: the HCL module gives only %v", pair, hclFacts)
		}
		if diff := cmp.Diff(hclFacts, jsonFacts); diff != "" {
			t.Errorf("%s: facts (-hcl +json):\n%s", pair, diff)
		}
	}
}

// TestJSONModuleFacts checks the facts of the JSON module against the
// values its configuration states.
func TestJSONModuleFacts(t *testing.T) {
	dir := filepath.Join("testdata", "json-pair-json")
	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	const (
		role   = "arn:aws:iam::111122223333:role/deploy"
		secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:orders/db"
		member = "serviceAccount:ci@example-prod.iam.gserviceaccount.com"
		cond   = `request.time.getHours("Europe/Berlin") < 18`
	)
	// Nodes by id, as the first block that gives them (the secret
	// before its version) does.
	nodes := map[string]graph.Node{}
	for _, n := range res.Nodes {
		if _, seen := nodes[n.ID]; !seen {
			nodes[n.ID] = n
		}
	}
	main := filepath.Join(dir, "main.tf.json")

	r, ok := nodes[role]
	if !ok {
		t.Fatalf("no role %s among %d nodes", role, len(res.Nodes))
	}
	for k, want := range map[string]string{"name": "deploy", "account": "111122223333", "type": "role", "tf_address": "aws_iam_role.deploy"} {
		if got := r.Attrs[k]; got != want {
			t.Errorf("role %s = %q, want %q", k, got, want)
		}
	}
	// The role's block is the object under its name, on line 65.
	if r.Pos.File != main || r.Pos.Line != 65 {
		t.Errorf("role read at %s:%d, want %s:65", r.Pos.File, r.Pos.Line, main)
	}
	sameJSON(t, "trust policy", r.Attrs["trust_policy"], `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",
		"Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
		"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:*"}}}]}`)

	// The inline policy's name and its dynamic statement's resource come
	// from the variables; the secret's name from terraform.tfvars.json.
	inline, ok := nodes[role+"#inline/read-deploy"]
	if !ok {
		t.Fatalf("no inline policy read-deploy among %d nodes", len(res.Nodes))
	}
	sameJSON(t, "inline policy", inline.Attrs["document"], `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"`+secret+`"}]}`)

	s, ok := nodes[secret]
	if !ok {
		t.Fatalf("no secret %s among %d nodes", secret, len(res.Nodes))
	}
	if s.Attrs["name"] != "orders/db" || s.Pos.Line != 78 {
		t.Errorf("secret name %q at line %d, want orders/db at 78", s.Attrs["name"], s.Pos.Line)
	}

	grant, ok := nodes[graph.GCPGrantID("gcp:project:example-prod", "roles/secretmanager.secretAccessor", member, cond)]
	if !ok {
		t.Fatalf("no grant of the secret accessor role to %s under its condition", member)
	}
	if grant.Attrs["condition_title"] != "office-hours" || grant.Pos.Line != 89 {
		t.Errorf("grant condition title %q at line %d, want office-hours at 89", grant.Attrs["condition_title"], grant.Pos.Line)
	}
}

func sameJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("%s %q is not JSON: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMixedModule reads a folder of .tf and .tf.json files as one module:
// each refers to blocks and variables of the other.
func TestMixedModule(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.tf": `
variable "team" {
  default = "payments"
}

resource "aws_iam_role" "app" {
  name               = "${var.team}-app"
  assume_role_policy = "{}"
  inline_policy {
    name   = "read"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
    })
  }
}
`,
		"cdk.tf.json": `{
  "provider": {"aws": {"region": "eu-west-1", "allowed_account_ids": ["111122223333"]}},
  "resource": {
    "aws_secretsmanager_secret": {
      "db": {"name": "${var.team}/db"}
    },
    "aws_iam_user": {
      "ci": {"name": "${aws_iam_role.app.name}-ci"}
    }
  }
}
`,
	})
	lines := factLines(t, dir)
	want := []string{
		"node Identity arn:aws:iam::111122223333:role/payments-app",
		"node Identity arn:aws:iam::111122223333:user/payments-app-ci",
		"node Secret arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/db",
	}
	have := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(have, w+" ") {
			t.Errorf("missing %s", w)
		}
	}
	if !strings.Contains(have, `"Resource":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/db"`) {
		t.Errorf("the inline policy does not name the JSON file's secret")
	}
	if t.Failed() {
		t.Logf("got:\n%s", have)
	}
}

// TestJSONOverrideFiles reads override.tf.json and *_override.tf.json as
// override.tf is read: a variable block there marks the variable
// sensitive.
func TestJSONOverrideFiles(t *testing.T) {
	for _, override := range []string{"override.tf.json", "secrets_override.tf.json"} {
		t.Run(override, func(t *testing.T) {
			dir := writeModule(t, map[string]string{
				"main.tf": `
variable "external_id" {
  default = "CANARY-override-json"
}

resource "aws_iam_role" "partner" {
  name = "partner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}
`,
				override: `{"variable": {"external_id": {"sensitive": true}}}`,
			})
			lines := factLines(t, dir)
			have := strings.Join(lines, "\n")
			if strings.Contains(have, "CANARY") {
				t.Errorf("a sensitive value reached the facts:\n%s", have)
			}
			if !strings.Contains(have, "role/partner ") {
				t.Errorf("no role partner:\n%s", have)
			}
		})
	}
}

// TestJSONErrors checks that a malformed .tf.json file is rejected at the
// line and column of its first problem, and that the rest of the module
// is still read.
func TestJSONErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"syntax", "{\n  \"resource\": {\n    \"aws_iam_user\": {\n      \"x\": {\"name\": \"x\",}\n    }\n  }\n}\n", 4, 24, "trailing comma in object"},
		{"keyword", "{\"resource\": {\"aws_iam_user\": {\"x\": {\n\"name\": CANARYsecretword}}}}\n", 2, 9, "invalid JSON keyword"},
		{"template", "{\"resource\": {\"aws_iam_user\": {\"x\": {\n  \"name\": \"${var.a +}\"}}}}\n", 2, 21, "invalid expression"},
		{"labels", "{\"resource\": {\"aws_iam_user\": \"x\"}}\n", 1, 31, "incorrect JSON value type"},
		{"duplicate", "{\"resource\": {\"aws_iam_user\": {\"x\": {\n  \"name\": \"a\",\n  \"name\": \"b\"}}}}\n", 3, 3, "argument redefined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeModule(t, map[string]string{
				"bad.tf.json":  tt.src,
				"good.tf.json": `{"resource": {"aws_iam_user": {"ok": {"name": "ok"}}}}`,
			})
			res, rejected := parseDir(t, dir)
			if len(rejected) != 1 {
				t.Fatalf("rejected %v, want bad.tf.json", rejected)
			}
			e := rejected[0]
			if want := filepath.Join(dir, "bad.tf.json"); e.Pos.File != want || e.Pos.Line != tt.line || e.Pos.Col != tt.col {
				t.Errorf("error at %s:%d:%d, want %s:%d:%d", e.Pos.File, e.Pos.Line, e.Pos.Col, want, tt.line, tt.col)
			}
			if !strings.HasPrefix(e.Msg, tt.msg) {
				t.Errorf("error %q, want it to start with %q", e.Msg, tt.msg)
			}
			if strings.Contains(e.Error(), "CANARY") {
				t.Errorf("error quotes the input: %s", e.Error())
			}
			var users []string
			for _, n := range res.Nodes {
				if n.Kind == graph.NodeIdentity {
					users = append(users, n.Attrs["name"])
				}
			}
			if diff := cmp.Diff([]string{"ok"}, users); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		})
	}
}

// TestJSONVariableValues checks the order in which Terraform loads
// values: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars
// and *.auto.tfvars.json by name. Strings there are values, not
// templates.
func TestJSONVariableValues(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.tf.json": `{
  "variable": {
    "a": {"default": "default-a"},
    "b": {"default": "default-b"},
    "c": {"default": "default-c"},
    "d": {"default": "default-d"},
    "e": {"default": "${not-a-template}"}
  },
  "resource": {"aws_iam_user": {
    "a": {"name": "${var.a}"},
    "b": {"name": "${var.b}"},
    "c": {"name": "${var.c}"},
    "d": {"name": "${var.d}"},
    "e": {"name": "e-${length(var.e)}"}
  }}
}`,
		"terraform.tfvars":      `a = "tfvars-a"` + "\n" + `b = "tfvars-b"` + "\n" + `c = "tfvars-c"` + "\n",
		"terraform.tfvars.json": `{"b": "tfvars-json-b", "c": "tfvars-json-c", "d": "${literal}"}`,
		"x.auto.tfvars.json":    `{"c": "auto-json-c"}`,
		"other.tfvars.json":     `{"a": "never", "b": "never", "c": "never", "d": "never"}`,
	})
	lines := factLines(t, dir)
	have := strings.Join(lines, "\n")
	// ${not-a-template} is 17 characters long.
	want := []string{"user/tfvars-a ", "user/tfvars-json-b ", "user/auto-json-c ", "user/${literal} ", "user/e-17 "}
	for _, w := range want {
		if !strings.Contains(have, w) {
			t.Errorf("missing %s", w)
		}
	}
	if strings.Contains(have, "never") || strings.Contains(have, "default-") {
		t.Errorf("a value Terraform does not load was used")
	}
	if t.Failed() {
		t.Logf("got:\n%s", have)
	}
}

// TestJSONExpressions checks how strings of a .tf.json file are read:
// templates with interpolations and directives, "$${" for a literal "${",
// references in provider and in an import block's to, and a dynamic block
// nested in a statement.
func TestJSONExpressions(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"main.tf.json": `{
  "provider": {"aws": [
    {"allowed_account_ids": ["111122223333"]},
    {"alias": "prod", "allowed_account_ids": ["444455556666"]}
  ]},
  "locals": {"teams": ["ops", "dev"], "n": 2},
  "import": [{"to": "aws_instance.web", "id": "i-0abc1234"}],
  "data": {"aws_iam_policy_document": {"trust": {
    "statement": {
      "actions": ["sts:AssumeRole"],
      "dynamic": {"principals": {
        "for_each": "${local.teams}",
        "iterator": "team",
        "content": {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:role/${team.value}"]}
      }}
    }
  }}},
  "resource": {
    "aws_iam_user": {
      "joined": {"name": "all-%{ for t in local.teams }${t}-%{ endfor }${local.n + 1}"},
      "prod": {"provider": "aws.prod", "name": "prod"},
      "escaped": {"name": "esc-$${1 + 1}"}
    },
    "aws_instance": {"web": {"ami": "ami-00000000000000000"}},
    "aws_iam_role": {
      "escaped": {"name": "escaped", "assume_role_policy": "${data.aws_iam_policy_document.trust.json}"}
    }
  }
}`,
	})
	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	ids := map[string]graph.Node{}
	for _, n := range res.Nodes {
		ids[n.ID] = n
	}
	for _, id := range []string{
		"arn:aws:iam::111122223333:user/all-ops-dev-3",
		"arn:aws:iam::444455556666:user/prod",
		"arn:aws:iam::111122223333:user/esc-${1 + 1}",
		"arn:aws:iam::111122223333:role/escaped",
	} {
		if _, ok := ids[id]; !ok {
			t.Errorf("no node %s", id)
		}
	}
	// The import block's to names the instance whose id it gives.
	if got := ids["runtime:aws:ec2:111122223333:aws_instance.web"].Attrs["instance_id"]; got != "i-0abc1234" {
		t.Errorf("instance_id = %q, want the imported i-0abc1234", got)
	}
	sameJSON(t, "trust policy", ids["arn:aws:iam::111122223333:role/escaped"].Attrs["trust_policy"], `{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow","Action":"sts:AssumeRole",
		"Principal":{"AWS":["arn:aws:iam::111122223333:role/ops","arn:aws:iam::111122223333:role/dev"]}}]}`)
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d.Msg)
	}
}

// TestOverrideFilesReadLast reads override files after the other files of
// the module, as Terraform does, whatever their names. a_override.tf sorts
// before main.tf, yet its name argument merges into the block of main.tf,
// whose position the role keeps. HCL and JSON override files behave alike.
func TestOverrideFilesReadLast(t *testing.T) {
	for _, override := range []string{"a_override.tf", "a_override.tf.json"} {
		t.Run(override, func(t *testing.T) {
			src := "resource \"aws_iam_role\" \"app\" {\n  name = \"ops-app\"\n}\n"
			if isJSON(override) {
				src = `{"resource": {"aws_iam_role": {"app": {"name": "ops-app"}}}}`
			}
			dir := writeModule(t, map[string]string{
				"main.tf": "resource \"aws_iam_role\" \"app\" {\n  name               = \"app\"\n  assume_role_policy = \"{}\"\n}\n",
				override:  src,
			})
			res, rejected := parseDir(t, dir)
			if len(rejected) != 0 {
				t.Fatalf("rejected: %v", rejected)
			}
			var nodes []string
			for _, n := range res.Nodes {
				nodes = append(nodes, fmt.Sprintf("%s %s:%d", n.ID, filepath.Base(n.Pos.File), n.Pos.Line))
			}
			if diff := cmp.Diff([]string{"arn:aws:iam:::role/ops-app main.tf:1"}, nodes); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
			for _, d := range res.Diags {
				t.Errorf("unexpected diagnostic %s: %s", filepath.Base(d.Pos.File), d.Msg)
			}
		})
	}
}

func TestIsOverride(t *testing.T) {
	for name, want := range map[string]bool{
		"override.tf":            true,
		"infra/override.tf.json": true,
		"db_override.tf":         true,
		"db_override.tf.json":    true,
		"db_override.tf.json.gz": true,
		"myoverride.tf":          false,
		"override_db.tf":         false,
		"override.tfvars":        false,
		"override.tfvars.json":   false,
		"main.tf":                false,
	} {
		if got := isOverride(name); got != want {
			t.Errorf("isOverride(%s) = %v, want %v", name, got, want)
		}
	}
}
