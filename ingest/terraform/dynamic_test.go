package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDynamicPolicyStatements checks that aws_iam_policy_document expands
// dynamic statement, principals and condition blocks as Terraform does:
// one block for each element of for_each, in source order among the
// written blocks, with NAME.key and NAME.value bound (NAME the iterator, or
// the block type). A set's key is its element. A for_each that is not known
// leaves its dynamic block out with a warning; the other blocks stay.
func TestDynamicPolicyStatements(t *testing.T) {
	const src = `
variable "buckets" {
  default = {
    logs  = ["s3:GetObject"]
    state = ["s3:GetObject", "s3:PutObject"]
  }
}

variable "clusters" {
  default = ["blue"]
}

variable "extra" {}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "First"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.buckets
    iterator = bucket
    content {
      sid       = "Bucket${bucket.key}"
      actions   = bucket.value
      resources = ["arn:aws:s3:::example-org-${bucket.key}/*"]

      dynamic "condition" {
        for_each = toset(var.clusters)
        content {
          test     = "StringEquals"
          variable = "aws:ResourceTag/cluster/${condition.key}"
          values   = [condition.value]
        }
      }
    }
  }

  dynamic "statement" {
    for_each = var.extra
    content {
      actions   = ["iam:PassRole"]
      resources = ["*"]
    }
  }
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    dynamic "principals" {
      for_each = ["ec2.amazonaws.com", "lambda.amazonaws.com"]
      content {
        type        = "Service"
        identifiers = [principals.value]
      }
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.name
  name   = "app"
  policy = data.aws_iam_policy_document.app.json
}
`
	res := parseSource(t, src)
	var doc, trust string
	for _, n := range res.Nodes {
		if strings.HasSuffix(n.ID, ":role/app#inline/app") {
			doc = n.Attrs["document"]
		}
		if strings.HasSuffix(n.ID, ":role/app") && n.Attrs["trust_policy"] != "" {
			trust = n.Attrs["trust_policy"]
		}
	}
	wantDoc := `{"Version":"2012-10-17","Statement":[
		{"Sid":"First","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"},
		{"Sid":"Bucketlogs","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-org-logs/*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/cluster/blue":"blue"}}},
		{"Sid":"Bucketstate","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::example-org-state/*",
		 "Condition":{"StringEquals":{"aws:ResourceTag/cluster/blue":"blue"}}}]}`
	wantTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
		"Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]}}]}`
	for _, c := range []struct{ name, got, want string }{{"policy", doc, wantDoc}, {"trust policy", trust, wantTrust}} {
		var got, want any
		if err := json.Unmarshal([]byte(c.got), &got); err != nil {
			t.Fatalf("%s %q is not JSON: %v", c.name, c.got, err)
		}
		if err := json.Unmarshal([]byte(c.want), &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	var warned []string
	for _, d := range res.Diags {
		warned = append(warned, d.Msg)
	}
	want := []string{"data.aws_iam_policy_document.app: dynamic statement block not expanded: its for_each is not known"}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestDynamicBlockUnknownNarrowing checks that a document is not rendered
// when a dynamic block that could narrow it is left out: a Deny statement
// or a condition, whose for_each is not known. Without them the document
// would allow more than Terraform's would. A left-out Allow statement
// only allows less, so the rest of its document is still rendered.
func TestDynamicBlockUnknownNarrowing(t *testing.T) {
	const src = `
variable "denied" {}

data "aws_iam_policy_document" "deny" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.denied
    content {
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "cond" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
    dynamic "condition" {
      for_each = var.denied
      content {
        test     = "StringEquals"
        variable = "aws:ResourceTag/team"
        values   = [condition.value]
      }
    }
  }
}

data "aws_iam_policy_document" "allow" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = var.denied
    content {
      actions   = ["s3:PutObject"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "deny" {
  role   = aws_iam_role.app.name
  name   = "deny"
  policy = data.aws_iam_policy_document.deny.json
}

resource "aws_iam_role_policy" "cond" {
  role   = aws_iam_role.app.name
  name   = "cond"
  policy = data.aws_iam_policy_document.cond.json
}

resource "aws_iam_role_policy" "allow" {
  role   = aws_iam_role.app.name
  name   = "allow"
  policy = data.aws_iam_policy_document.allow.json
}
`
	res := parseSource(t, src)
	docs := map[string]string{}
	for _, n := range res.Nodes {
		if _, name, ok := strings.Cut(n.ID, ":role/app#inline/"); ok {
			docs[name] = n.Attrs["document"]
		}
	}
	for _, name := range []string{"deny", "cond"} {
		if strings.Contains(docs[name], "Statement") {
			t.Errorf("policy %s rendered without its dynamic block: %s", name, docs[name])
		}
	}
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if docs["allow"] != want {
		t.Errorf("policy allow = %s, want %s", docs["allow"], want)
	}
}

// A sensitive variable's value, and a value passed through sensitive(),
// is never kept: the documents built from them hold a placeholder.
func TestSensitiveValuesNotKept(t *testing.T) {
	const src = `
variable "external_id" {
  default   = "canary-sensitive-ext-4f2a"
  sensitive = true
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

resource "aws_iam_role" "other" {
  name = "other"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { StringEquals = { "sts:ExternalId" = sensitive("canary-sensitive-fn-9c1d") } }
    }]
  })
}
`
	res := parseSource(t, src)
	for _, n := range res.Nodes {
		for k, v := range n.Attrs {
			if strings.Contains(v, "canary-sensitive") {
				t.Errorf("node %s attribute %s holds a sensitive value", n.ID, k)
			}
		}
	}
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "canary-sensitive") {
			t.Errorf("diagnostic holds a sensitive value: %s", d.Msg)
		}
	}
	var roles int
	for _, n := range res.Nodes {
		if strings.HasSuffix(n.ID, ":role/partner") || strings.HasSuffix(n.ID, ":role/other") {
			roles++
		}
	}
	if roles != 2 {
		t.Errorf("%d of the 2 roles read", roles)
	}
}

// Terraform converts the sensitive argument to a bool, so the string
// "true" marks a variable as sensitive as true does.
func TestSensitiveStringTrue(t *testing.T) {
	const src = `
variable "external_id" {
  default   = "canary-sensitive-str-7b3e"
  sensitive = "true"
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
`
	res := parseSource(t, src)
	for _, n := range res.Nodes {
		for k, v := range n.Attrs {
			if strings.Contains(v, "canary-sensitive") {
				t.Errorf("node %s attribute %s contains a sensitive value", n.ID, k)
			}
		}
	}
}

// A variable block in an override file replaces the arguments of the
// original declaration, so sensitive = true there marks the variable as
// sensitive.
func TestSensitiveInOverrideFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": `
variable "external_id" {
  default = "canary-sensitive-override-5d1c"
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
		"override.tf": `
variable "external_id" {
  sensitive = true
}
`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, _ := parseDir(t, dir)
	for _, n := range res.Nodes {
		for k, v := range n.Attrs {
			if strings.Contains(v, "canary-sensitive") {
				t.Errorf("node %s attribute %s contains a sensitive value", n.ID, k)
			}
		}
	}
}
