package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestQueryReachesDeployedFunction ingests a repository whose workflow
// uploads it to the Lambda function its Terraform declares, and queries
// the two packages of its lockfile. The one the function loads reaches
// the function, its role and the bucket the role reads. The one only
// development needs runs in the job, and reaches the function only
// through the deploying role's CAN_MODIFY.
func TestQueryReachesDeployedFunction(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"infra/main.tf": `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_iam_role" "api" {
  name               = "api-role"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "read" {
  name   = "read"
  role   = aws_iam_role.api.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*" }] })
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}
`,
		".github/workflows/deploy.yml": `name: deploy
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
`,
		"package-lock.json": `{"name":"api","lockfileVersion":3,"packages":{
"":{"name":"api","dependencies":{"runtime-dep":"1.0.0"},"devDependencies":{"dev-dep":"2.0.0"}},
"node_modules/runtime-dep":{"version":"1.0.0"},
"node_modules/dev-dep":{"version":"2.0.0","dev":true}}}
`,
	})
	db := filepath.Join(t.TempDir(), "g.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}

	const (
		fn     = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
		role   = "arn:aws:iam::111122223333:role/api-role"
		bucket = "arn:aws:s3:::example-data"
	)
	job := "runtime:gha:example-org/" + filepath.Base(dir) + "/.github/workflows/deploy.yml#deploy"
	// lastHops maps each reached node to the kind of the last edge on
	// its path.
	lastHops := func(purl string) map[string]string {
		t.Helper()
		out, errs, code := run(t, "--db", db, "--log-level", "error", "query", "--package", purl, "--format", "json")
		if code != exitOK {
			t.Fatalf("query %s exit %d: %s", purl, code, errs)
		}
		var res struct {
			Reached []struct {
				Node struct{ ID string }
				Path []struct{ Kind string }
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		hops := map[string]string{}
		for _, r := range res.Reached {
			if n := len(r.Path); n > 0 {
				hops[r.Node.ID] = r.Path[n-1].Kind
			}
		}
		return hops
	}

	hops := lastHops("pkg:npm/runtime-dep@1.0.0")
	for _, id := range []string{job, fn, role, bucket} {
		if _, ok := hops[id]; !ok {
			t.Errorf("runtime-dep does not reach %s", id)
		}
	}
	if hops[fn] != "EXECUTES" {
		t.Errorf("runtime-dep reaches the function by %q, want EXECUTES", hops[fn])
	}

	hops = lastHops("pkg:npm/dev-dep@2.0.0")
	var ran []string
	for id, kind := range hops {
		if kind == "EXECUTES" {
			ran = append(ran, id)
		}
	}
	if !slices.Equal(ran, []string{job}) {
		t.Errorf("dev-dep runs in %v, want only the job %s", ran, job)
	}
	if hops[fn] != "CAN_MODIFY" {
		t.Errorf("dev-dep reaches the function by %q, want CAN_MODIFY", hops[fn])
	}
}

// TestQueryListsMaybeDeployedFunctionWhereItRan deploys a zip from S3,
// whose folder the job does not show, so the function possibly runs the
// root lockfile's package. The job runs the package's install script for
// certain, and its role can certainly replace the
// function's code, and the walk keeps that surer path. The package may
// have run in the function all the same, so the query lists it where the
// package ran and not only as a runtime it can take over.
func TestQueryListsMaybeDeployedFunctionWhereItRan(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"infra/main.tf": `resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::111122223333:role/api-role"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  s3_bucket     = "artifacts"
  s3_key        = "api.zip"
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect    = "Allow",
    Principal = { Federated = aws_iam_openid_connect_provider.github.arn },
    Action    = "sts:AssumeRoleWithWebIdentity",
    Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:example-org/*" } }
  }] })
}

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}
`,
		".github/workflows/deploy.yml": `name: deploy
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
      - run: npm ci && aws lambda update-function-code --function-name api --s3-bucket artifacts --s3-key api.zip
`,
		"package-lock.json": `{"name":"api","lockfileVersion":3,"packages":{
"":{"name":"api","dependencies":{"runtime-dep":"1.0.0"}},
"node_modules/runtime-dep":{"version":"1.0.0","hasInstallScript":true}}}
`,
	})
	db := filepath.Join(t.TempDir(), "g.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "--log-level", "error", "query", "--package", "pkg:npm/runtime-dep@1.0.0")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	const fn = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
	ran, _, _ := strings.Cut(out, "\nCREDENTIALS IT COULD READ")
	ran, _, _ = strings.Cut(ran, "\nRUNTIMES IT CAN TAKE OVER")
	if !strings.Contains(ran, "WHERE IT RAN (2)") || !strings.Contains(ran, fn) {
		t.Errorf("the function is not listed where the package ran:\n%s", out)
	}
	if strings.Contains(out, "RUNTIMES IT CAN TAKE OVER") {
		t.Errorf("the function is listed as a runtime to take over too:\n%s", out)
	}
	// The path shown changes the function's code, so the entry also shows
	// the edge by which the function may run the package itself.
	if !strings.Contains(ran, "also runs it: pkg:npm/runtime-dep@1.0.0 <-EXECUTES- "+fn) {
		t.Errorf("the function's entry does not show that it may run the package:\n%s", out)
	}
}
