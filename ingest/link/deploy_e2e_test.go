package link

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/circleci"
	"github.com/blastradius-dev/blastradius/ingest/dockerfile"
	"github.com/blastradius-dev/blastradius/ingest/gitlab"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
	"github.com/blastradius-dev/blastradius/query"
)

const deployRepo = "example-org/api"

// deployLock locks one package the function loads and one that only
// development needs.
const deployLock = `{"name":"api","lockfileVersion":3,"packages":{
"":{"name":"api","dependencies":{"runtime-dep":"1.0.0"},"devDependencies":{"dev-dep":"2.0.0"}},
"node_modules/runtime-dep":{"version":"1.0.0"},
"node_modules/dev-dep":{"version":"2.0.0","dev":true}}}
`

const (
	runtimeDep = "pkg:npm/runtime-dep@1.0.0"
	devDep     = "pkg:npm/dev-dep@2.0.0"
)

// lambdaRoleTerraform declares, in account 111122223333, the role
// api-role of Lambda functions, which reads the objects of bucket
// example-data.
const lambdaRoleTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_iam_role" "api" {
  name = "api-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "read" {
  name = "read"
  role = aws_iam_role.api.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*" }]
  })
}
`

// lambdaTerraform declares the function api in account 111122223333,
// whose role reads the objects of bucket example-data.
const lambdaTerraform = lambdaRoleTerraform + `
resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}
`

// lambdaWorkflow installs, zips and uploads the repository's root folder
// to the function api, as the role deployer.
const lambdaWorkflow = `name: deploy
on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: us-east-1
      - run: npm ci && zip -r api.zip . && aws lambda update-function-code --function-name api --zip-file fileb://api.zip
`

const (
	lambdaID   = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
	lambdaRole = "arn:aws:iam::111122223333:role/api-role"
	dataBucket = "arn:aws:s3:::example-data"
	deployer   = "arn:aws:iam::111122223333:role/deployer"
)

// deployStore parses the files, named by their path in deployRepo, with
// the Terraform, CI and npm parsers, and links them. A .gitlab-ci.yml
// makes the repository a GitLab project. log, when set, receives the
// linker's log.
func deployStore(t *testing.T, files map[string]string, log *slog.Logger) *memstore.Store {
	t.Helper()
	dir := t.TempDir()
	_, gitlabProject := files[".gitlab-ci.yml"]
	parsers := []ingest.Parser{terraform.New(), actions.New(), gitlab.New(), circleci.New(), lockfile.NewNPM(), dockerfile.New()}
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		data := []byte(text)
		f := &ingest.File{Path: path, RelPath: name, Repo: deployRepo, Head: data, Size: int64(len(data)),
			Open:          func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
			GitLabProject: gitlabProject}
		parsed := false
		for _, p := range parsers {
			if !p.Detect(f) {
				continue
			}
			var res ingest.Result
			if err := p.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			for _, d := range res.Diags {
				t.Logf("%s: %s", name, d.Msg)
			}
			b.Nodes = append(b.Nodes, res.Nodes...)
			b.Edges = append(b.Edges, res.Edges...)
			parsed = true
			break
		}
		if !parsed {
			t.Fatalf("no parser reads %s", name)
		}
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{Logger: log}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// reachedBy returns the blast radius of a package version by id.
func reachedBy(t *testing.T, s graph.Store, purl string) map[string]*query.Reached {
	t.Helper()
	res, err := query.Run(context.Background(), s, query.Start{Packages: []string{purl}}, query.Options{})
	if err != nil {
		t.Fatalf("%s: %v", purl, err)
	}
	out := map[string]*query.Reached{}
	for _, r := range res.Reached {
		out[r.Node.ID] = r
	}
	return out
}

// lastHop returns the kind of the last edge on the path to a reached node.
func lastHop(r *query.Reached) graph.EdgeKind {
	if r == nil || len(r.Path) == 0 {
		return ""
	}
	return r.Path[len(r.Path)-1].Kind
}

// deployEdges lists the EXECUTES edges that deploys of folders derive,
// as "runtime -> package confidence". The edges that deploys of images
// derive, to the images, are left out.
func deployEdges(t *testing.T, s graph.Store) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Attr(graph.AttrVia) == "deploy" && !strings.HasPrefix(e.To, "pkg:docker/") {
			out = append(out, e.From+" -> "+e.To+" "+string(e.Confidence))
		}
	}
	return out
}

// TestDeployedLambdaRunsLockedPackages follows a package that the
// repository's lockfile locks to the Lambda function the workflow
// deploys the repository to, to its role and to the bucket the role
// reads. The package that only development needs runs in the job alone:
// the function is reached from it only because the job's role can replace
// the function's code.
func TestDeployedLambdaRunsLockedPackages(t *testing.T) {
	s := deployStore(t, map[string]string{
		"infra/main.tf":                lambdaTerraform,
		".github/workflows/deploy.yml": lambdaWorkflow,
		"package-lock.json":            deployLock,
	}, nil)
	job := graph.GHAJobID(deployRepo, ".github/workflows/deploy.yml", "deploy")

	got := reachedBy(t, s, runtimeDep)
	for _, id := range []string{job, lambdaID, lambdaRole, dataBucket} {
		if got[id] == nil {
			t.Errorf("%s does not reach %s", runtimeDep, id)
		}
	}
	if r := got[lambdaID]; r != nil {
		if k := lastHop(r); k != graph.EdgeExecutes {
			t.Errorf("%s reaches the function by %s, want EXECUTES", runtimeDep, k)
		}
		if r.Confidence != graph.Certain {
			t.Errorf("%s reaches the function %s, want certain: one function is named api", runtimeDep, r.Confidence)
		}
		reason := r.Path[len(r.Path)-1].Reason
		if !strings.Contains(reason, "deploy / deploy") {
			t.Errorf("reason %q does not name the job", reason)
		}
		if !strings.Contains(reason, "package-lock.json") {
			t.Errorf("reason %q does not name the lockfile", reason)
		}
	}
	if r := got[dataBucket]; r != nil && r.Confidence != graph.Certain {
		t.Errorf("%s reaches the bucket %s, want certain", runtimeDep, r.Confidence)
	}

	got = reachedBy(t, s, devDep)
	if got[job] == nil {
		t.Errorf("%s does not reach the job that installs it", devDep)
	}
	if k := lastHop(got[lambdaID]); k != graph.EdgeCanModify {
		t.Errorf("%s reaches the function by %q, want only through the deployer's CAN_MODIFY", devDep, k)
	}
	want := []string{lambdaID + " -> " + runtimeDep + " certain"}
	if diff := strings.Join(deployEdges(t, s), "\n"); diff != strings.Join(want, "\n") {
		t.Errorf("deploy edges:\n%s\nwant:\n%s", diff, strings.Join(want, "\n"))
	}
}

// TestDeployKeepsPolicyModify gives the deployer role a policy that
// allows lambda:UpdateFunctionCode on the function from some addresses,
// which makes a possible CAN_MODIFY edge. That edge stays the only one
// from the role to the function: the deploy adds no second one.
func TestDeployKeepsPolicyModify(t *testing.T) {
	tf := lambdaTerraform + `
resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "deploy" {
  name = "deploy"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow", Action = "lambda:UpdateFunctionCode", Resource = aws_lambda_function.api.arn,
      Condition = { IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } }
    }]
  })
}
`
	s := deployStore(t, map[string]string{
		"infra/main.tf":                tf,
		".github/workflows/deploy.yml": lambdaWorkflow,
		"package-lock.json":            deployLock,
	}, nil)
	es, err := s.Expand(context.Background(), []string{deployer}, graph.Out, graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range es {
		if e.To == lambdaID {
			reasons = append(reasons, e.Attr(graph.AttrReason))
		}
	}
	if len(reasons) != 1 {
		t.Fatalf("%d CAN_MODIFY edges from the deployer to the function, want 1: %q", len(reasons), reasons)
	}
	if strings.Contains(reasons[0], "deploys code") || !strings.Contains(reasons[0], "replaces the code") {
		t.Errorf("the deploy's CAN_MODIFY replaced the policy's: %q", reasons[0])
	}
}

// TestDeployNeedsDeclaredFunction deploys to a function that no input
// declares, which makes no edge and a warning.
func TestDeployNeedsDeclaredFunction(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := deployStore(t, map[string]string{
		"infra/main.tf":                lambdaTerraform,
		".github/workflows/deploy.yml": strings.ReplaceAll(lambdaWorkflow, "--function-name api", "--function-name ghost"),
		"package-lock.json":            deployLock,
	}, log)
	if got := deployEdges(t, s); len(got) != 0 {
		t.Errorf("deploy edges %q, want none", got)
	}
	if got := reachedBy(t, s, runtimeDep); got[lambdaID] != nil {
		t.Errorf("%s reaches the function api, which the job does not deploy", runtimeDep)
	}
	if !strings.Contains(logs.String(), "deploys link to no runtime") || !strings.Contains(logs.String(), "count=1") {
		t.Errorf("log %q, want the warning for one deploy", logs.String())
	}
}

// twoAccountsTerraform declares a function api in each of two accounts.
const twoAccountsTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

provider "aws" {
  alias               = "other"
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api-role"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}

resource "aws_lambda_function" "other" {
  provider      = aws.other
  function_name = "api"
  role          = "arn:aws:iam::444455556666:role/api-role"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}
`

// TestDeployAccountsApart deploys function api, which two accounts
// declare. A job whose role names the account deploys to that account's
// function for certain. A job whose access keys name no account may
// deploy to either, so both are possible.
func TestDeployAccountsApart(t *testing.T) {
	const other = "runtime:aws:lambda:arn:aws:lambda:us-east-1:444455556666:function:api"
	keys := `name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET }}
          aws-region: us-east-1
      - run: npm ci && aws lambda update-function-code --function-name api --zip-file fileb://api.zip
`
	tests := []struct {
		name, workflow string
		want           []string
	}{
		{"role", lambdaWorkflow, []string{lambdaID + " -> " + runtimeDep + " certain"}},
		{"keys", keys, []string{lambdaID + " -> " + runtimeDep + " possible", other + " -> " + runtimeDep + " possible"}},
	}
	for _, tt := range tests {
		s := deployStore(t, map[string]string{
			"infra/main.tf":                twoAccountsTerraform,
			".github/workflows/deploy.yml": tt.workflow,
			"package-lock.json":            deployLock,
		}, nil)
		if got := strings.Join(deployEdges(t, s), "\n"); got != strings.Join(tt.want, "\n") {
			t.Errorf("%s: deploy edges:\n%s\nwant:\n%s", tt.name, got, strings.Join(tt.want, "\n"))
		}
	}
}

// functionTerraform declares the 2nd gen function api in example-proj,
// run as api-sa, which may read the objects of bucket example-data.
const functionTerraform = `
provider "google" {
  project = "example-proj"
  region  = "europe-west1"
}

resource "google_cloudfunctions2_function" "api" {
  name     = "api"
  location = "europe-west1"
  build_config {
    runtime     = "nodejs20"
    entry_point = "handler"
  }
  service_config {
    service_account_email = "api-sa@example-proj.iam.gserviceaccount.com"
  }
}

resource "google_storage_bucket_iam_member" "read" {
  bucket = "example-data"
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:api-sa@example-proj.iam.gserviceaccount.com"
}
`

// TestDeployedCloudFunctionRunsLockedPackages follows the locked packages
// of folder fn to the Cloud Function that a GitHub Actions job, a GitLab
// job and a CircleCI job deploy it to, its service account and the bucket
// that reads. The dev-only package runs in the job alone. It reaches the
// function only through the identity the job deploys as, which can
// replace the function's code. That is the login of the GitHub Actions
// job, and for GitLab and CircleCI, possibly, the identity of the CI
// variables.
func TestDeployedCloudFunctionRunsLockedPackages(t *testing.T) {
	withNow(t)
	fn := graph.GCPCloudFunctionID("example-proj", "europe-west1", "api")
	sa := graph.GCPServiceAccountID("api-sa@example-proj.iam.gserviceaccount.com")
	bucket := graph.GCPBucketID("example-data")
	tests := []struct {
		name, file, text string
		modify           bool // the job deploys as an identity the input shows
	}{
		{"actions", ".github/workflows/deploy.yml", `name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: ${{ secrets.GCP_KEY }}
          project_id: example-proj
      - run: |
          cd fn
          npm ci
          gcloud functions deploy api --gen2 --runtime nodejs20 --region europe-west1 --trigger-http
`, true},
		{"gitlab", ".gitlab-ci.yml", `deploy:
  variables:
    CLOUDSDK_CORE_PROJECT: example-proj
  script:
    - npm ci --prefix fn
    - gcloud functions deploy api --source fn --region=europe-west1 --gen2 --runtime nodejs20 --trigger-http
`, true},
		{"circleci", ".circleci/config.yml", `version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:20.0
    steps:
      - checkout
      - run:
          working_directory: fn
          command: npm ci && gcloud functions deploy projects/example-proj/locations/europe-west1/functions/api --gen2 --trigger-http
workflows:
  main:
    jobs: [deploy]
`, true},
	}
	for _, tt := range tests {
		s := deployStore(t, map[string]string{
			"infra/main.tf":        functionTerraform,
			tt.file:                tt.text,
			"fn/package-lock.json": deployLock,
		}, nil)
		got := reachedBy(t, s, runtimeDep)
		for _, id := range []string{fn, sa, bucket} {
			if got[id] == nil {
				t.Errorf("%s: %s does not reach %s", tt.name, runtimeDep, id)
			}
		}
		if k := lastHop(got[fn]); k != graph.EdgeExecutes {
			t.Errorf("%s: %s reaches the function by %q, want EXECUTES", tt.name, runtimeDep, k)
		}
		got = reachedBy(t, s, devDep)
		if tt.modify {
			if k := lastHop(got[fn]); k != graph.EdgeCanModify {
				t.Errorf("%s: %s reaches the function by %q, want only through CAN_MODIFY", tt.name, devDep, k)
			}
			continue
		}
		for _, id := range []string{fn, sa, bucket} {
			if got[id] != nil {
				t.Errorf("%s: %s reaches %s, want only the job", tt.name, devDep, id)
			}
		}
	}
}

// runTerraform declares the Cloud Run service web in example-proj, run as
// web-sa.
const runTerraform = `
provider "google" {
  project = "example-proj"
}

resource "google_cloud_run_v2_service" "web" {
  name     = "web"
  location = "europe-west1"
  template {
    service_account = "web-sa@example-proj.iam.gserviceaccount.com"
    containers {
      image = "europe-west1-docker.pkg.dev/example-proj/cloud-run-source-deploy/web:latest"
    }
  }
}
`

// TestDeployedCloudRunFromSource deploys the folder web of a GitLab
// project to the Cloud Run service web from source, which then runs the
// folder's locked packages as its service account. A deploy of an image
// ships no folder of the repository.
func TestDeployedCloudRunFromSource(t *testing.T) {
	withNow(t)
	svc := graph.GCPCloudRunID("example-proj", "europe-west1", "web")
	sa := graph.GCPServiceAccountID("web-sa@example-proj.iam.gserviceaccount.com")
	tests := []struct {
		name, script string
		want         []string
	}{
		{"source", "gcloud run deploy web --source web --region europe-west1 --project example-proj",
			[]string{svc + " -> " + runtimeDep + " certain"}},
		{"image", "gcloud run deploy web --image europe-west1-docker.pkg.dev/example-proj/r/web:1 --region europe-west1", nil},
	}
	for _, tt := range tests {
		s := deployStore(t, map[string]string{
			"infra/main.tf":         runTerraform,
			".gitlab-ci.yml":        "deploy:\n  script:\n    - " + tt.script + "\n",
			"web/package-lock.json": deployLock,
		}, nil)
		if got := strings.Join(deployEdges(t, s), "\n"); got != strings.Join(tt.want, "\n") {
			t.Errorf("%s: deploy edges:\n%s\nwant:\n%s", tt.name, got, strings.Join(tt.want, "\n"))
		}
		if got := reachedBy(t, s, runtimeDep)[sa] != nil; got != (tt.want != nil) {
			t.Errorf("%s: %s reaches the service account %v, want %v", tt.name, runtimeDep, got, tt.want != nil)
		}
	}
}

// TestCloudRunSourceBuildsDockerfile deploys a folder with a Dockerfile
// to Cloud Run from source. Cloud Run builds the folder with that
// Dockerfile, so the service runs its base image: a compromised
// node:20 reaches the service and its service account. Without --source
// the command deploys an image, and the Dockerfile plays no part.
func TestCloudRunSourceBuildsDockerfile(t *testing.T) {
	withNow(t)
	svc := graph.GCPCloudRunID("example-proj", "europe-west1", "web")
	sa := graph.GCPServiceAccountID("web-sa@example-proj.iam.gserviceaccount.com")
	const base = "pkg:docker/node@20"
	for _, tt := range []struct {
		script string
		want   bool
	}{
		{"gcloud run deploy web --source web --region europe-west1 --project example-proj", true},
		{"gcloud run deploy web --image europe-west1-docker.pkg.dev/example-proj/r/web:1 --region europe-west1", false},
	} {
		s := deployStore(t, map[string]string{
			"infra/main.tf":         runTerraform,
			".gitlab-ci.yml":        "deploy:\n  script:\n    - " + tt.script + "\n",
			"web/package-lock.json": deployLock,
			"web/Dockerfile":        "FROM node:20\nCOPY . .\nCMD [\"node\", \"index.js\"]\n",
		}, nil)
		reached := reachedBy(t, s, base)
		if got := reached[svc] != nil; got != tt.want {
			t.Errorf("%s: %s reaches the service %v, want %v", tt.script, base, got, tt.want)
		}
		if got := reached[sa] != nil; got != tt.want {
			t.Errorf("%s: %s reaches the service account %v, want %v", tt.script, base, got, tt.want)
		}
	}
}

// TestDeployedLockDir picks the lockfiles of a deployed folder: its own,
// else those of the nearest folder above it as possible ones, and never
// those of a folder below it.
func TestDeployedLockDir(t *testing.T) {
	locks := func(files ...string) []graph.Edge {
		var out []graph.Edge
		for _, f := range files {
			e := graph.Edge{}
			e.SetAttr(graph.AttrLockfile, f)
			out = append(out, e)
		}
		return out
	}
	tests := []struct {
		dir      string
		locks    []graph.Edge
		want     string
		possible bool
	}{
		{".", locks("package-lock.json", "tools/package-lock.json"), ".", false},
		{"./api/", locks("package-lock.json", "api/package-lock.json"), "api", false},
		// A workspace member without a lockfile of its own.
		{"packages/api", locks("package-lock.json", "tools/package-lock.json"), ".", true},
		{"packages/api", locks("packages/package-lock.json", "package-lock.json"), "packages", true},
		// The root folder does not run the lockfile of a folder below it.
		{".", locks("api/package-lock.json"), ".", false},
		// A computed folder may be any.
		{"$SRC", locks("api/package-lock.json"), "*", true},
	}
	for _, tt := range tests {
		got, doubt := deployedLockDir(tt.dir, tt.locks)
		if got != tt.want {
			t.Errorf("%s: folder %q, want %q", tt.dir, got, tt.want)
		}
		if (doubt != "") != tt.possible {
			t.Errorf("%s: doubt %q, want possible %v", tt.dir, doubt, tt.possible)
		}
	}
}

// TestDeployZipOfSubfolder zips the folder api from inside it, and
// uploads the zip from the repository's root. The function runs the
// packages of api's lockfile, not those of the root's.
func TestDeployZipOfSubfolder(t *testing.T) {
	rootLock := strings.ReplaceAll(strings.ReplaceAll(deployLock, "runtime-dep", "root-dep"), "dev-dep", "root-dev-dep")
	workflow := strings.ReplaceAll(lambdaWorkflow,
		"npm ci && zip -r api.zip . && aws lambda",
		"cd api && npm ci && zip -r ../api.zip . && cd .. && aws lambda")
	s := deployStore(t, map[string]string{
		"infra/main.tf":                lambdaTerraform,
		".github/workflows/deploy.yml": workflow,
		"package-lock.json":            rootLock,
		"api/package-lock.json":        deployLock,
	}, nil)
	want := lambdaID + " -> " + runtimeDep + " certain"
	if got := strings.Join(deployEdges(t, s), "\n"); got != want {
		t.Errorf("deploy edges:\n%s\nwant:\n%s", got, want)
	}
}

// TestDeployZipNotMadeByJob uploads a zip that no zip command of the job
// made (one another job left as an artifact, and one in S3). The folder
// the aws command runs in may hold other code than the zip, so the
// function possibly runs the packages of its lockfile.
func TestDeployZipNotMadeByJob(t *testing.T) {
	for name, cmd := range map[string]string{
		"artifact": "aws lambda update-function-code --function-name api --zip-file fileb://bundle/api.zip",
		"s3":       "aws lambda update-function-code --function-name api --s3-bucket artifacts --s3-key api.zip",
	} {
		workflow := strings.ReplaceAll(lambdaWorkflow,
			"npm ci && zip -r api.zip . && aws lambda update-function-code --function-name api --zip-file fileb://api.zip", cmd)
		s := deployStore(t, map[string]string{
			"infra/main.tf":                lambdaTerraform,
			".github/workflows/deploy.yml": workflow,
			"package-lock.json":            deployLock,
		}, nil)
		want := lambdaID + " -> " + runtimeDep + " possible"
		if got := strings.Join(deployEdges(t, s), "\n"); got != want {
			t.Errorf("%s: deploy edges:\n%s\nwant:\n%s", name, got, want)
		}
	}
}
