package terraform

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// codeFromOf returns the CodeSource items of a node of res by id.
func codeFromOf(t *testing.T, nodes []graph.Node, id string) []graph.CodeSource {
	t.Helper()
	for _, n := range nodes {
		if n.ID == id {
			return graph.CodeSources(n.Attr(graph.AttrCodeFrom))
		}
	}
	t.Fatalf("no node %s", id)
	return nil
}

// TestCodeFromCalledModule reads the folders that a module called from
// infra archives for its functions: path.module is the called module's
// folder, modules/fn, and path.root the caller's, infra, where
// Terraform runs and a path without either starts.
func TestCodeFromCalledModule(t *testing.T) {
	root := writeTree(t, map[string]string{
		"infra/main.tf": `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

module "fn" {
  source = "../modules/fn"
}
`,
		"modules/fn/main.tf": `
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/../../src/a"
  output_path = "${path.module}/a.zip"
}

data "archive_file" "b" {
  type        = "zip"
  source_dir  = "${path.root}/../src/b"
  output_path = "${path.module}/b.zip"
}

data "archive_file" "c" {
  type        = "zip"
  source_dir  = local.c
  output_path = "c.zip"
}

locals {
  c = "../src/c"
}

resource "aws_lambda_function" "c" {
  function_name = "c"
  role          = "arn:aws:iam::111122223333:role/c"
  filename      = data.archive_file.c.output_path
}

resource "aws_lambda_function" "a" {
  function_name = "a"
  role          = "arn:aws:iam::111122223333:role/a"
  filename      = data.archive_file.a.output_path
}

resource "aws_lambda_function" "b" {
  function_name = "b"
  role          = "arn:aws:iam::111122223333:role/b"
  filename      = data.archive_file.b.output_path
}
`,
	})
	res := parseIn(t, root, "infra/main.tf")
	repo := "repo:github.com/example-org/infra"
	for _, tt := range []struct{ fn, dir string }{{"a", "src/a"}, {"b", "src/b"}, {"c", "src/c"}} {
		id := "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:" + tt.fn
		got := codeFromOf(t, res.Nodes, id)
		want := []graph.CodeSource{{Repo: repo, Dir: tt.dir, By: "module.fn.data.archive_file." + tt.fn}}
		if !slices.Equal(got, want) {
			t.Errorf("function %s: code from %+v, want %+v", tt.fn, got, want)
		}
	}
}

// TestCodeFromJSONFunction reads the object that a 2nd gen function is
// built from in a .tf.json file, where build_config is an argument whose
// value is an object.
func TestCodeFromJSONFunction(t *testing.T) {
	root := writeTree(t, map[string]string{
		"deploy/main.tf.json": `{
  "provider": {"google": {"project": "example-proj", "region": "europe-west1"}},
  "data": {"archive_file": {"api": {"type": "zip", "source_dir": "${path.module}/../fn/api", "output_path": "api.zip"}}},
  "resource": {
    "google_storage_bucket_object": {"api": {"name": "api.zip", "bucket": "example-src", "source": "${data.archive_file.api.output_path}"}},
    "google_cloudfunctions2_function": {"api": {
      "name": "api",
      "location": "europe-west1",
      "build_config": {"runtime": "nodejs20", "source": {"storage_source": {"bucket": "example-src", "object": "${google_storage_bucket_object.api.name}"}}}
    }}
  }
}
`,
	})
	res := parseIn(t, root, "deploy/main.tf.json")
	got := codeFromOf(t, res.Nodes, graph.GCPCloudFunctionID("example-proj", "europe-west1", "api"))
	want := []graph.CodeSource{{Repo: "repo:github.com/example-org/infra", Dir: "fn/api", By: "data.archive_file.api"}}
	if !slices.Equal(got, want) {
		t.Errorf("code from %+v, want %+v", got, want)
	}
}

// TestCodeFromOutsideRepository reads nothing for a file that no
// repository holds, whose folders cannot be joined to its lockfiles.
func TestCodeFromOutsideRepository(t *testing.T) {
	root := writeTree(t, map[string]string{
		"main.tf": `
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "a.zip"
}

resource "aws_lambda_function" "a" {
  function_name = "a"
  filename      = data.archive_file.a.output_path
}
`,
	})
	f := &ingest.File{Path: filepath.Join(root, "main.tf"), RelPath: "main.tf"}
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Nodes) == 0 {
		t.Fatal("no facts")
	}
	for _, n := range res.Nodes {
		if v := n.Attr(graph.AttrCodeFrom); v != "" {
			t.Errorf("node %s has code from %q without a repository", n.ID, v)
		}
	}
	for _, d := range res.Diags {
		t.Errorf("warning %q for a file outside any repository", d.Msg)
	}
}

// TestCodeFromLayerWarnsOnce zips a layer from a folder that a variable
// without a value names: the layer gets one warning, however many
// functions list it, and no function records a folder.
func TestCodeFromLayerWarnsOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"infra/main.tf": `
variable "layer_dir" {
  type = string
}

data "archive_file" "deps" {
  type        = "zip"
  source_dir  = var.layer_dir
  output_path = "deps.zip"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name = "deps"
  filename   = data.archive_file.deps.output_path
}

resource "aws_lambda_function" "a" {
  function_name = "a"
  filename      = "a.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_function" "b" {
  function_name = "b"
  filename      = "b.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}
`,
	})
	res := parseIn(t, root, "infra/main.tf")
	var got []string
	for _, d := range res.Diags {
		got = append(got, d.Msg)
	}
	want := []string{"aws_lambda_layer_version.deps: the source_dir of data.archive_file.deps is not known from the input, " +
		"so its code is not linked to the packages of that folder; set the variables it reads in a tfvars file"}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
	for _, n := range res.Nodes {
		if v := n.Attr(graph.AttrCodeFrom); v != "" {
			t.Errorf("node %s has code from %q", n.ID, v)
		}
	}
}

// TestCodeFromS3Object follows a function's s3_key to the aws_s3_object
// that uploads the archive of src/api.
func TestCodeFromS3Object(t *testing.T) {
	root := writeTree(t, map[string]string{
		"infra/main.tf": `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/../src/api"
  output_path = "${path.module}/api.zip"
}

resource "aws_s3_object" "api" {
  bucket = "example-artifacts"
  key    = "api.zip"
  source = data.archive_file.api.output_path
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api"
  s3_bucket     = "example-artifacts"
  s3_key        = aws_s3_object.api.key
}
`,
	})
	res := parseIn(t, root, "infra/main.tf")
	got := codeFromOf(t, res.Nodes, "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api")
	want := []graph.CodeSource{{Repo: "repo:github.com/example-org/infra", Dir: "src/api", By: "data.archive_file.api"}}
	if !slices.Equal(got, want) {
		t.Errorf("code from %+v, want %+v", got, want)
	}
}
