package link

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// tfDeployStore parses the files, named by their path in deployRepo, with
// the Terraform, npm and pip parsers, and links them. It returns the
// store and the parsers' warnings, as "file: message".
func tfDeployStore(t *testing.T, files map[string]string) (*memstore.Store, []string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	parsers := []ingest.Parser{terraform.New(), lockfile.NewNPM(), lockfile.NewRequirements()}
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	var diags []string
	for name, text := range files {
		data := []byte(text)
		f := &ingest.File{Path: filepath.Join(dir, name), RelPath: name, Repo: deployRepo, Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		i := slices.IndexFunc(parsers, func(p ingest.Parser) bool { return p.Detect(f) })
		if i < 0 {
			t.Fatalf("no parser reads %s", name)
		}
		var res ingest.Result
		if err := parsers[i].Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, d := range res.Diags {
			diags = append(diags, name+": "+d.Msg)
		}
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s, diags
}

// tfDeployEdges lists the EXECUTES edges that Terraform's deploys derive,
// as "runtime -> package confidence", sorted.
func tfDeployEdges(t *testing.T, s graph.Store) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Attr(graph.AttrVia) == "deploy" && e.Attr("archived_by") != "" {
			out = append(out, e.From+" -> "+e.To+" "+string(e.Confidence))
		}
	}
	slices.Sort(out)
	return out
}

// archiveTerraform declares the function api in account 111122223333,
// whose role reads the objects of bucket example-data. Terraform zips the
// folder src/api, two levels up from the module's folder infra/lambda,
// and uploads the zip as the function's code.
const archiveTerraform = lambdaRoleTerraform + `
data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/../../src/api"
  output_path = "${path.module}/build/api.zip"
}

resource "aws_lambda_function" "api" {
  function_name    = "api"
  role             = aws_iam_role.api.arn
  handler          = "index.handler"
  runtime          = "nodejs20.x"
  filename         = data.archive_file.api.output_path
  source_code_hash = data.archive_file.api.output_base64sha256
}
`

// otherLock locks one package, for lockfiles the function does not load.
func otherLock(name string) string {
	return `{"name":"other","lockfileVersion":3,"packages":{
"":{"name":"other","dependencies":{"` + name + `":"3.0.0"}},
"node_modules/` + name + `":{"version":"3.0.0"}}}
`
}

// TestTerraformArchiveRunsLockedPackages follows the package that
// src/api/package-lock.json locks for run time to the function that
// Terraform deploys the folder to, its role and the bucket the role
// reads. The dev-only package, the repository's root lockfile (the folder
// has its own) and the lockfile of a sibling folder reach nothing.
func TestTerraformArchiveRunsLockedPackages(t *testing.T) {
	s, _ := tfDeployStore(t, map[string]string{
		"infra/lambda/main.tf":      archiveTerraform,
		"src/api/package-lock.json": deployLock,
		"package-lock.json":         otherLock("root-dep"),
		"src/web/package-lock.json": otherLock("web-dep"),
	})

	got := reachedBy(t, s, runtimeDep)
	for _, id := range []string{lambdaID, lambdaRole, dataBucket} {
		r := got[id]
		if r == nil {
			t.Errorf("%s does not reach %s", runtimeDep, id)
			continue
		}
		if r.Confidence != graph.Certain {
			t.Errorf("%s reaches %s %s, want certain", runtimeDep, id, r.Confidence)
		}
	}
	if r := got[lambdaID]; r != nil {
		last := r.Path[len(r.Path)-1]
		if last.Kind != graph.EdgeExecutes {
			t.Errorf("%s reaches the function by %s, want EXECUTES", runtimeDep, last.Kind)
		}
		want := "Terraform deploys folder src/api of example-org/api to api (data.archive_file.api), and src/api/package-lock.json locks "
		if !strings.HasPrefix(last.Reason, want) {
			t.Errorf("reason %q, want it to start with %q", last.Reason, want)
		}
	}

	for _, pkg := range []string{devDep, "pkg:npm/root-dep@3.0.0", "pkg:npm/web-dep@3.0.0"} {
		if got := reachedBy(t, s, pkg); got[lambdaID] != nil {
			t.Errorf("%s reaches the function, whose folder does not run it", pkg)
		}
	}
	want := []string{lambdaID + " -> " + runtimeDep + " certain"}
	if got := tfDeployEdges(t, s); !slices.Equal(got, want) {
		t.Errorf("deploy edges %q, want %q", got, want)
	}
}

// TestTerraformArchiveOwnLockfileOnly zips a folder without a lockfile of
// its own, inside a workspace whose root locks the packages. The zip holds
// the folder and nothing above it, so the function runs none of the
// root's packages. A zip of one file (source_file) holds no installed
// packages, so the packages locked beside it are possible: the file runs
// them only when it bundles them.
func TestTerraformArchiveOwnLockfileOnly(t *testing.T) {
	tests := []struct {
		name, source, lock string
		want               []string
	}{
		{"folder", `source_dir = "${path.module}/../../src/api"`, "package-lock.json", nil},
		{"file", `source_file = "${path.module}/../../src/api/index.js"`, "src/api/package-lock.json",
			[]string{lambdaID + " -> " + runtimeDep + " possible"}},
	}
	for _, tt := range tests {
		tf := strings.Replace(archiveTerraform, `source_dir  = "${path.module}/../../src/api"`, tt.source, 1)
		s, _ := tfDeployStore(t, map[string]string{"infra/lambda/main.tf": tf, tt.lock: deployLock})
		if got := tfDeployEdges(t, s); !slices.Equal(got, tt.want) {
			t.Errorf("%s: deploy edges %q, want %q", tt.name, got, tt.want)
		}
	}
}

// layerTerraform declares three functions in account 111122223333. The
// Node.js layer deps, zipped from layers/deps, is listed by reference in
// a and by the ARN of its version 3 in b. c lists the Python layer py,
// zipped from layers/py, and d lists none.
const layerTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

data "archive_file" "deps" {
  type        = "zip"
  source_dir  = "${path.module}/../layers/deps"
  output_path = "${path.module}/build/deps.zip"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name = "deps"
  filename   = data.archive_file.deps.output_path
}

data "archive_file" "py" {
  type        = "zip"
  source_dir  = "${path.root}/../layers/py"
  output_path = "${path.module}/build/py.zip"
}

resource "aws_lambda_layer_version" "py" {
  layer_name = "py"
  filename   = "build/py.zip"
}

resource "aws_lambda_function" "a" {
  function_name = "a"
  role          = "arn:aws:iam::111122223333:role/a"
  filename      = "a.zip"
  layers        = [aws_lambda_layer_version.deps.arn]
}

resource "aws_lambda_function" "b" {
  function_name = "b"
  role          = "arn:aws:iam::111122223333:role/b"
  filename      = "b.zip"
  layers        = ["arn:aws:lambda:us-east-1:111122223333:layer:deps:3"]
}

resource "aws_lambda_function" "c" {
  function_name = "c"
  role          = "arn:aws:iam::111122223333:role/c"
  filename      = "c.zip"
  layers        = [aws_lambda_layer_version.py.arn]
}

resource "aws_lambda_function" "d" {
  function_name = "d"
  role          = "arn:aws:iam::111122223333:role/d"
  filename      = "d.zip"
}
`

// TestTerraformLayerRunsInEachFunction follows the packages of two layers
// to the functions that list them: the Node.js layer's lockfile lies in
// its nodejs folder, the Python layer's requirements file in its own.
func TestTerraformLayerRunsInEachFunction(t *testing.T) {
	s, _ := tfDeployStore(t, map[string]string{
		"infra/main.tf":                        layerTerraform,
		"layers/deps/nodejs/package-lock.json": deployLock,
		"layers/py/requirements.txt":           "requests==2.31.0\n",
	})
	fn := func(name string) string {
		return "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:" + name
	}
	requests := "pkg:pypi/requests@2.31.0"
	want := []string{
		fn("a") + " -> " + runtimeDep + " certain",
		fn("b") + " -> " + runtimeDep + " certain",
		fn("c") + " -> " + requests + " certain",
	}
	if got := tfDeployEdges(t, s); !slices.Equal(got, want) {
		t.Errorf("deploy edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got := reachedBy(t, s, runtimeDep)
	for _, name := range []string{"a", "b"} {
		r := got[fn(name)]
		if r == nil {
			t.Errorf("%s does not reach function %s", runtimeDep, name)
			continue
		}
		reason := r.Path[len(r.Path)-1].Reason
		want := "Terraform deploys folder layers/deps of example-org/api as layer aws_lambda_layer_version.deps of " + name
		if !strings.HasPrefix(reason, want) {
			t.Errorf("reason %q, want it to start with %q", reason, want)
		}
	}
	for _, name := range []string{"c", "d"} {
		if got[fn(name)] != nil {
			t.Errorf("%s reaches function %s, which does not list its layer", runtimeDep, name)
		}
	}
	if got := reachedBy(t, s, devDep); got[fn("a")] != nil {
		t.Errorf("%s reaches function a, but only development needs it", devDep)
	}
}

// gcfTerraform declares a 2nd gen function api, built from the object
// that Terraform uploads from an archive of functions/api and run as
// api-sa, and a 1st gen function old from the same object, run as
// old-sa. Both service accounts read the bucket example-data.
const gcfTerraform = `
provider "google" {
  project = "example-proj"
  region  = "europe-west1"
}

data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/../functions/api"
  output_path = "${path.module}/build/api.zip"
}

resource "google_storage_bucket" "src" {
  name     = "example-src"
  location = "EU"
}

resource "google_storage_bucket_object" "api" {
  name   = "api-${data.archive_file.api.output_md5}.zip"
  bucket = google_storage_bucket.src.name
  source = data.archive_file.api.output_path
}

resource "google_cloudfunctions2_function" "api" {
  name     = "api"
  location = "europe-west1"
  build_config {
    runtime     = "nodejs20"
    entry_point = "handler"
    source {
      storage_source {
        bucket = google_storage_bucket.src.name
        object = google_storage_bucket_object.api.name
      }
    }
  }
  service_config {
    service_account_email = "api-sa@example-proj.iam.gserviceaccount.com"
  }
}

resource "google_cloudfunctions_function" "old" {
  name                  = "old"
  region                = "europe-west1"
  runtime               = "nodejs20"
  source_archive_bucket = google_storage_bucket.src.name
  source_archive_object = google_storage_bucket_object.api.name
  service_account_email = "old-sa@example-proj.iam.gserviceaccount.com"
}

resource "google_storage_bucket_iam_member" "read" {
  for_each = toset(["api-sa", "old-sa"])
  bucket   = "example-data"
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${each.key}@example-proj.iam.gserviceaccount.com"
}
`

// TestTerraformCloudFunctionFromArchive follows the runtime package of
// functions/api to both Cloud Functions that Terraform builds from its
// archive, their service accounts and the bucket they read.
func TestTerraformCloudFunctionFromArchive(t *testing.T) {
	withNow(t)
	s, _ := tfDeployStore(t, map[string]string{
		"infra/main.tf":                   gcfTerraform,
		"functions/api/package-lock.json": deployLock,
	})
	api := graph.GCPCloudFunctionID("example-proj", "europe-west1", "api")
	old := graph.GCPCloudFunctionID("example-proj", "europe-west1", "old")
	want := []string{api + " -> " + runtimeDep + " certain", old + " -> " + runtimeDep + " certain"}
	slices.Sort(want)
	if got := tfDeployEdges(t, s); !slices.Equal(got, want) {
		t.Errorf("deploy edges %q, want %q", got, want)
	}
	got := reachedBy(t, s, runtimeDep)
	for _, id := range []string{
		api, old,
		graph.GCPServiceAccountID("api-sa@example-proj.iam.gserviceaccount.com"),
		graph.GCPServiceAccountID("old-sa@example-proj.iam.gserviceaccount.com"),
		graph.GCPBucketID("example-data"),
	} {
		if got[id] == nil {
			t.Errorf("%s does not reach %s", runtimeDep, id)
		}
	}
	if got := reachedBy(t, s, devDep); got[api] != nil || got[old] != nil {
		t.Errorf("%s reaches a function, but only development needs it", devDep)
	}
}

// TestTerraformArchiveUnknownFolder zips a folder outside the repository
// and one that a variable without a value names: neither links a
// package, and each function gets a warning that gives the cause.
func TestTerraformArchiveUnknownFolder(t *testing.T) {
	tests := []struct{ name, source, warning string }{
		{"outside", `source_dir = "${path.module}/../../../elsewhere/api"`, "lies outside the repository"},
		{"variable", `source_dir = var.src`, "is not known from the input"},
	}
	for _, tt := range tests {
		tf := strings.Replace(archiveTerraform, `source_dir  = "${path.module}/../../src/api"`, tt.source, 1) +
			"variable \"src\" {\n  type = string\n}\n"
		s, diags := tfDeployStore(t, map[string]string{
			"infra/lambda/main.tf":      tf,
			"package-lock.json":         deployLock,
			"src/api/package-lock.json": deployLock,
		})
		if got := tfDeployEdges(t, s); len(got) != 0 {
			t.Errorf("%s: deploy edges %q, want none", tt.name, got)
		}
		if got := reachedBy(t, s, runtimeDep); got[lambdaID] != nil {
			t.Errorf("%s: %s reaches the function", tt.name, runtimeDep)
		}
		want := "infra/lambda/main.tf: aws_lambda_function.api: the source_dir of data.archive_file.api " + tt.warning
		if !slices.ContainsFunc(diags, func(d string) bool { return strings.HasPrefix(d, want) }) {
			t.Errorf("%s: warnings %q, want one starting with %q", tt.name, diags, want)
		}
	}
}
