package link

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
)

// slsService declares the service api, whose function hello runs as the
// role the framework makes, in account 111122223333 (the account its
// table's ARN names). The role reads the objects of bucket example-data,
// which the service declares.
// The service loads the plugin serverless-dev-plugin when it deploys.
const slsService = `service: api
frameworkVersion: "3"
plugins:
  - serverless-dev-plugin
provider:
  name: aws
  runtime: nodejs20.x
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::example-data/*
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: arn:aws:dynamodb:us-east-1:111122223333:table/api
functions:
  hello:
    handler: index.handler
resources:
  Resources:
    Data:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: example-data
`

// slsLock locks the package the function loads, and three packages only
// development needs: the plugin, the framework and a test helper.
const slsLock = `{"name":"api","lockfileVersion":3,"packages":{
"":{"name":"api","dependencies":{"runtime-dep":"1.0.0"},"devDependencies":{"dev-dep":"2.0.0","serverless-dev-plugin":"4.0.0","serverless":"3.38.0"}},
"node_modules/runtime-dep":{"version":"1.0.0"},
"node_modules/dev-dep":{"version":"2.0.0","dev":true},
"node_modules/serverless-dev-plugin":{"version":"4.0.0","dev":true},
"node_modules/serverless":{"version":"3.38.0","dev":true}}}
`

// slsWorkflow deploys the service from its folder as the role deployer.
const slsWorkflow = `name: deploy
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
      - run: npx serverless deploy
        working-directory: services/api
`

const (
	slsFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api-dev-hello"
	slsRole     = "arn:aws:iam::111122223333:role/api-dev-us-east-1-lambdaRole"
	slsJob      = "runtime:gha:example-org/api/.github/workflows/deploy.yml#deploy"
	slsPlugin   = "pkg:npm/serverless-dev-plugin@4.0.0"
	slsBucket   = "arn:aws:s3:::example-data"
)

// slsStore parses the files, named by their path in deployRepo, with the
// parsers of every format, and links them.
func slsStore(t *testing.T, files map[string]string) *memstore.Store {
	t.Helper()
	dir := t.TempDir()
	parsers := formats.All()
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		data := []byte(text)
		f := &ingest.File{Path: p, RelPath: name, Repo: deployRepo, Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		parsed := false
		for _, ps := range parsers {
			if !ps.Detect(f) {
				continue
			}
			var res ingest.Result
			if err := ps.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
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
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServerlessDeploy follows three packages of the service's lockfile.
// The package the function needs at run time reaches the function, its
// role and the bucket the role reads. The plugin, which only development
// needs, runs in the deploy job when the framework loads it, so it
// reaches the job and the role the job deploys as, which can replace the
// function's code. The test helper, which neither the function nor the
// framework loads, reaches neither.
func TestServerlessDeploy(t *testing.T) {
	s := slsStore(t, map[string]string{
		"services/api/serverless.yml":    slsService,
		"services/api/package-lock.json": slsLock,
		".github/workflows/deploy.yml":   slsWorkflow,
	})

	got := reachedBy(t, s, runtimeDep)
	for _, id := range []string{slsFunction, slsRole, slsBucket} {
		if r := got[id]; r == nil || r.Confidence != graph.Certain {
			t.Errorf("%s reaches %s: %v, want certain", runtimeDep, id, r)
		}
	}
	if r := got[slsFunction]; r != nil {
		want := "The Serverless Framework deploys folder services/api of example-org/api to api-dev-hello"
		if last := r.Path[len(r.Path)-1]; !strings.HasPrefix(last.Reason, want) {
			t.Errorf("reason %q, want it to start with %q", last.Reason, want)
		}
	}
	if got[slsJob] != nil {
		t.Errorf("%s reaches the deploy job, which does not load it", runtimeDep)
	}

	got = reachedBy(t, s, slsPlugin)
	// No input shows the deployer's trust policy, so the job may assume
	// it: the role and the function it deploys are possible.
	for id, want := range map[string]graph.Confidence{slsJob: graph.Certain, deployer: graph.Possible, slsFunction: graph.Possible} {
		if r := got[id]; r == nil || r.Confidence != want {
			t.Errorf("%s reaches %s: %v, want %s", slsPlugin, id, r, want)
		}
	}
	if r := got[slsJob]; r != nil {
		want := "deploy / deploy deploys the service of services/api/serverless.yml with the Serverless Framework, which loads plugin serverless-dev-plugin"
		if last := r.Path[len(r.Path)-1]; last.Kind != graph.EdgeExecutes || !strings.HasPrefix(last.Reason, want) {
			t.Errorf("last hop %s %q, want EXECUTES starting with %q", last.Kind, last.Reason, want)
		}
	}
	if r := got[slsFunction]; r != nil && lastHop(r) != graph.EdgeCanModify {
		t.Errorf("%s reaches the function by %s, want CAN_MODIFY from the deployer", slsPlugin, lastHop(r))
	}

	got = reachedBy(t, s, devDep)
	for _, id := range []string{slsFunction, slsJob, deployer} {
		if got[id] != nil {
			t.Errorf("%s reaches %s, which does not load it", devDep, id)
		}
	}
}

// TestServerlessCommandFolders runs the framework in several ways. The job
// executes the plugin when the command runs in the service's folder or
// names its file with --config, and not when it runs in a folder without
// a service. Only a deploy lets the job's role replace the function's
// code. The framework's own package runs in the job too.
func TestServerlessCommandFolders(t *testing.T) {
	tests := []struct {
		name, step   string
		plugin       bool
		modifiesCode bool
	}{
		{"deploy in folder", "      - run: npx serverless deploy\n        working-directory: services/api\n", true, true},
		{"config option", "      - run: npx serverless deploy -c services/api/serverless.yml\n", true, true},
		{"package after cd", "      - run: cd services/api && npx sls package\n", true, false},
		{"root folder", "      - run: npx serverless deploy\n", false, false},
	}
	const framework = "pkg:npm/serverless@3.38.0"
	for _, tt := range tests {
		workflow := strings.Replace(slsWorkflow, "      - run: npx serverless deploy\n        working-directory: services/api\n", tt.step, 1)
		s := slsStore(t, map[string]string{
			"services/api/serverless.yml":    slsService,
			"services/api/package-lock.json": slsLock,
			".github/workflows/deploy.yml":   workflow,
		})
		for _, pkg := range []string{slsPlugin, framework} {
			r := reachedBy(t, s, pkg)[slsJob]
			if got := r != nil && r.Confidence == graph.Certain; got != tt.plugin {
				t.Errorf("%s: %s reaches the job certainly: %v, want %v", tt.name, pkg, got, tt.plugin)
			}
		}
		modifies := false
		es, err := s.EdgesByKind(context.Background(), graph.EdgeCanModify)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.From == deployer && e.To == slsFunction {
				modifies = true
			}
		}
		if modifies != tt.modifiesCode {
			t.Errorf("%s: deployer CAN_MODIFY the function: %v, want %v", tt.name, modifies, tt.modifiesCode)
		}
	}
}

// A deploy with --stage prod ships the service as stage prod names it:
// function api-prod-hello, not the api-dev-hello that the file's own
// stage names. Where an export of the account declares api-prod-hello,
// the deploy changes that function; without it, the file's function
// stands for the deployed one, possible.
func TestServerlessDeployStage(t *testing.T) {
	const prodFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api-prod-hello"
	deployer := "arn:aws:iam::111122223333:role/deployer"
	workflow := strings.Replace(slsWorkflow, "npx serverless deploy", "npx serverless deploy --stage prod", 1)
	files := map[string]string{
		"services/api/serverless.yml":    slsService,
		"services/api/package-lock.json": slsLock,
		".github/workflows/deploy.yml":   workflow,
	}

	s := slsStore(t, files)
	e := edgeOf(t, s, graph.EdgeCanModify, deployer, slsFunction)
	if e == nil {
		t.Fatal("the deployer cannot modify the file's function, which stands for the deployed one")
	}
	if e.Confidence != graph.Possible || !strings.Contains(e.Attr(graph.AttrReason), "the job deploys stage prod") {
		t.Errorf("edge to the file's function: %s, %q; want possible, naming stage prod", e.Confidence, e.Attr(graph.AttrReason))
	}

	// The Terraform of the account declares the prod function.
	files["infra/prod.tf"] = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_lambda_function" "hello" {
  function_name = "api-prod-hello"
  role          = "arn:aws:iam::111122223333:role/api-prod-us-east-1-lambdaRole"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}
`
	s = slsStore(t, files)
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, prodFunction); e == nil || e.Confidence != graph.Certain {
		t.Errorf("edge to the declared prod function = %+v, want certain", e)
	}
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, slsFunction); e != nil {
		t.Errorf("the deployer modifies the dev function %s, which a prod deploy does not touch", e.To)
	}
}

// A Lambda function of another account that happens to carry the name
// stage prod gives is not the one the deploy changes: the service's
// function lives in account 111122223333, so the file's function still
// stands for the deployed one, possible.
func TestServerlessDeployStageOtherAccount(t *testing.T) {
	const otherFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:444455556666:function:api-prod-hello"
	deployer := "arn:aws:iam::111122223333:role/deployer"
	files := map[string]string{
		"services/api/serverless.yml":    slsService,
		"services/api/package-lock.json": slsLock,
		".github/workflows/deploy.yml":   strings.Replace(slsWorkflow, "npx serverless deploy", "npx serverless deploy --stage prod", 1),
		"infra/other.tf": `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}
resource "aws_lambda_function" "hello" {
  function_name = "api-prod-hello"
  role          = "arn:aws:iam::444455556666:role/other"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}
`,
	}
	s := slsStore(t, files)
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, otherFunction); e != nil {
		t.Errorf("the deployer modifies %s of another account: %s", e.To, e.Attr(graph.AttrReason))
	}
	e := edgeOf(t, s, graph.EdgeCanModify, deployer, slsFunction)
	if e == nil || e.Confidence != graph.Possible {
		t.Errorf("edge to the file's function = %+v, want possible", e)
	}
}

// A function that sets its own name keeps that name in every stage unless
// the name reads the stage. Deploying stage prod changes the function
// named hello-fixed, the file's own, for certain; a function named
// hello-${sls:stage} becomes hello-prod, which Terraform declares.
func TestServerlessDeployStageOwnName(t *testing.T) {
	deployer := "arn:aws:iam::111122223333:role/deployer"
	workflow := strings.Replace(slsWorkflow, "npx serverless deploy", "npx serverless deploy --stage prod", 1)
	fixed := strings.Replace(slsService, "    handler: index.handler\n", "    handler: index.handler\n    name: hello-fixed\n", 1)
	files := map[string]string{
		"services/api/serverless.yml":    fixed,
		"services/api/package-lock.json": slsLock,
		".github/workflows/deploy.yml":   workflow,
	}
	s := slsStore(t, files)
	const fixedFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:hello-fixed"
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, fixedFunction); e == nil || e.Confidence != graph.Certain {
		t.Errorf("edge to hello-fixed = %+v, want certain: every stage deploys that name", e)
	}

	files["services/api/serverless.yml"] = strings.Replace(fixed, "hello-fixed", "hello-${sls:stage}", 1)
	files["infra/prod.tf"] = `provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_lambda_function" "hello" {
  function_name = "hello-prod"
  role          = "arn:aws:iam::111122223333:role/api-prod-us-east-1-lambdaRole"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}
resource "aws_lambda_function" "decoy" {
  function_name = "api-prod-hello"
  role          = "arn:aws:iam::111122223333:role/decoy"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}
`
	s = slsStore(t, files)
	const prodFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:hello-prod"
	const decoy = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api-prod-hello"
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, prodFunction); e == nil || e.Confidence != graph.Certain {
		t.Errorf("edge to hello-prod = %+v, want certain", e)
	}
	if e := edgeOf(t, s, graph.EdgeCanModify, deployer, decoy); e != nil {
		t.Errorf("the deployer modifies %s, which the function's own name does not give: %s", e.To, e.Attr(graph.AttrReason))
	}
}
