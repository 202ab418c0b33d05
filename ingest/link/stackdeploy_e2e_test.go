package link_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// stackRepos is a repository whose SAM template declares function api,
// and whose deploy job assumes role deployer and deploys the template's
// stack. The input shows no policy of deployer, so only the deploy command
// shows that it can change the function.
func stackRepos(deploy string) map[string]map[string]string {
	return map[string]map[string]string{"api": {
		"infra/template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  AccountId:
    Type: String
    Default: "111122223333"
  Region:
    Type: String
    Default: us-east-1
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api
      CodeUri: ../src/api/
      Handler: index.handler
      Runtime: nodejs20.x
`,
		"src/api/package-lock.json": imageLock,
		".github/workflows/deploy.yml": `on: push
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
      - run: npx cowsay@1.6.0 deploying
      - run: ` + deploy + `
`,
	}}
}

const stackFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"

// The deploy job's role can change the function that sam deploy or aws
// cloudformation deploy of the template ships, so a package the job runs
// reaches the function through that change.
func TestStackDeployModifiesFunction(t *testing.T) {
	for _, deploy := range []string{
		"sam build -t infra/template.yaml && sam deploy -t infra/template.yaml --stack-name api --no-confirm-changeset",
		"cd infra && sam build && sam deploy --stack-name api",
		"aws cloudformation deploy --template-file infra/template.yaml --stack-name api --capabilities CAPABILITY_IAM",
		// The copy that a package command wrote declares the same functions.
		"aws cloudformation package --template-file infra/template.yaml --s3-bucket b --output-template-file packaged.yaml && " +
			"aws cloudformation deploy --template-file packaged.yaml --stack-name api",
		"cd infra && sam package --s3-bucket b --output-template-file ../out/packaged.yaml && sam deploy -t ../out/packaged.yaml",
		// sam deploy deploys the copy that sam build wrote.
		"sam build -t infra/template.yaml && sam deploy --stack-name api",
	} {
		got := reachedIn(t, stackRepos(deploy), "pkg:npm/cowsay@1.6.0", stackFunction)
		if len(got) != 1 {
			t.Errorf("%s: reached %v, want the function", deploy, got)
		}
	}
}

// A deploy of another template, or a change set that is not executed,
// changes nothing.
func TestStackDeployOtherTemplate(t *testing.T) {
	for _, deploy := range []string{
		"sam deploy -t infra/other.yaml --stack-name other",
		"aws cloudformation deploy --template-file infra/template.yaml --stack-name api --no-execute-changeset",
	} {
		if got := reachedIn(t, stackRepos(deploy), "pkg:npm/cowsay@1.6.0", stackFunction); len(got) != 0 {
			t.Errorf("%s: reached %v, want nothing", deploy, got)
		}
	}
}

// The edge names the template and the action.
func TestStackDeployEdge(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, stackRepos("sam deploy -t infra/template.yaml --stack-name api"))
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{stackFunction}, graph.In, graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.From == "arn:aws:iam::111122223333:role/deployer" {
			found = true
			if e.Attr(graph.AttrActions) != "cloudformation:ExecuteChangeSet" || !strings.Contains(e.Attr(graph.AttrReason), "by its template infra/template.yaml") {
				t.Errorf("edge %v, want the change set action and the template", e.Attrs)
			}
		}
	}
	if !found {
		t.Errorf("no CAN_MODIFY from the deployer role among %v", es)
	}
}

// sam deploy without a template option reads template.yaml, template.yml
// or template.json of its folder, the last in JSON.
func TestStackDeployJSONTemplate(t *testing.T) {
	repos := stackRepos("cd infra && sam deploy --stack-name api")
	repos["api"]["infra/template.json"] = `{"AWSTemplateFormatVersion": "2010-09-09",
 "Transform": "AWS::Serverless-2016-10-31",
 "Parameters": {"AccountId": {"Type": "String", "Default": "111122223333"}, "Region": {"Type": "String", "Default": "us-east-1"}},
 "Resources": {"Api": {"Type": "AWS::Serverless::Function",
  "Properties": {"FunctionName": "api", "CodeUri": "../src/api/", "Handler": "index.handler", "Runtime": "nodejs20.x"}}}}
`
	delete(repos["api"], "infra/template.yaml")
	if got := reachedIn(t, repos, "pkg:npm/cowsay@1.6.0", stackFunction); len(got) != 1 {
		t.Errorf("reached %v, want the function", got)
	}
}

// A GitLab job deploys with the AWS credentials of the project's CI/CD
// variables, whose identity possibly changes the template's function.
func TestStackDeployFromGitLab(t *testing.T) {
	repos := stackRepos("true")
	files := repos["api"]
	delete(files, ".github/workflows/deploy.yml")
	files[".gitlab-ci.yml"] = `deploy:
  image: public.ecr.aws/sam/build-nodejs20.x
  script:
    - npx cowsay@1.6.0 deploying
    - sam deploy -t infra/template.yaml --stack-name api
`
	got := reachedIn(t, repos, "pkg:npm/cowsay@1.6.0", stackFunction)
	want := []string{stackFunction + " (possible)"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("reached %v, want %v", got, want)
	}
}

// nestedRepos adds to stackRepos a stack nested in infra/template.yaml,
// whose template nests a SAM application in turn, and that application's
// template nests the first child again (a cycle). Each child declares one
// function.
func nestedRepos(deploy string) map[string]map[string]string {
	repos := stackRepos(deploy)
	files := repos["api"]
	files["infra/template.yaml"] += `  Workers:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/workers.yaml
      Parameters: {Stage: prod}
`
	child := func(fn, nest string) string {
		return `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Region: {Type: String, Default: us-east-1}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: ` + fn + `
      Handler: index.handler
      Runtime: nodejs20.x
  Next:
    Type: ` + nest + `
`
	}
	files["infra/nested/workers.yaml"] = child("worker", `AWS::Serverless::Application
    Properties:
      Location: ../apps/reports.yaml`)
	files["infra/apps/reports.yaml"] = child("reports", `AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../nested/workers.yaml`)
	return repos
}

const (
	workerFunction  = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker"
	reportsFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:reports"
)

// A deploy of the parent template deploys the templates of its nested
// stacks, two levels down here, so the job's role can change their
// functions too. The cycle back to the first child stops there.
func TestStackDeployNestedStacks(t *testing.T) {
	for _, deploy := range []string{
		"sam deploy -t infra/template.yaml --stack-name api",
		"aws cloudformation package --template-file infra/template.yaml --s3-bucket b --output-template-file packaged.yaml && " +
			"aws cloudformation deploy --template-file packaged.yaml --stack-name api",
	} {
		got := reachedIn(t, nestedRepos(deploy), "pkg:npm/cowsay@1.6.0", "runtime:aws:lambda:")
		// Each nested function is reached as the parent's own function
		// is, which a deploy of the parent alone reaches as possible.
		want := []string{stackFunction + " (possible)", reportsFunction + " (possible)", workerFunction + " (possible)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", deploy, diff)
		}
	}
}

// A deploy of a child template reaches the stacks it nests, but not the
// function of the parent template that nests it.
func TestStackDeployNestedChildOnly(t *testing.T) {
	got := reachedIn(t, nestedRepos("sam deploy -t infra/apps/reports.yaml --stack-name reports"), "pkg:npm/cowsay@1.6.0", "runtime:aws:lambda:")
	want := []string{reportsFunction + " (possible)", workerFunction + " (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The edge to a nested template's function names the template and the
// parent it is nested in.
func TestStackDeployNestedEdge(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, nestedRepos("sam deploy -t infra/template.yaml --stack-name api"))
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{reportsFunction}, graph.In, graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	const want = "by its template infra/apps/reports.yaml, the template of a stack nested in infra/nested/workers.yaml"
	found := false
	for _, e := range es {
		if e.From == "arn:aws:iam::111122223333:role/deployer" {
			found = true
			if !strings.Contains(e.Attr(graph.AttrReason), want) {
				t.Errorf("reason %q, want it to contain %q", e.Attr(graph.AttrReason), want)
			}
		}
	}
	if !found {
		t.Errorf("no CAN_MODIFY from the deployer role among %v", es)
	}
}

// samConfigRepos moves the template of stackRepos to infra/app.yaml, which
// infra/samconfig.toml names for sam deploy, and adds infra/prod.yaml
// (function api-prod), which it names for every command of environment
// prod. deploy/sam.toml, a configuration of another name, names
// infra/app.yaml, and svc/samconfig.yaml names svc/stack.yml (function
// svc) for sam sync.
func samConfigRepos(deploy string) map[string]map[string]string {
	repos := stackRepos(deploy)
	files := repos["api"]
	app := files["infra/template.yaml"]
	delete(files, "infra/template.yaml")
	files["infra/app.yaml"] = app
	files["infra/prod.yaml"] = strings.Replace(app, "FunctionName: api", "FunctionName: api-prod", 1)
	files["svc/stack.yml"] = strings.Replace(strings.Replace(app, "FunctionName: api", "FunctionName: svc", 1), "../src/api/", "../src/api", 1)
	files["infra/samconfig.toml"] = `version = 0.1
[default.deploy.parameters]
template_file = "app.yaml"
stack_name = "api"
parameter_overrides = "Stage=dev Size=\"2 GB\""

[prod.global.parameters]
template_file = "prod.yaml"
`
	files["deploy/sam.toml"] = `version = 0.1
[default.deploy.parameters]
template = "infra/app.yaml"
`
	files["svc/samconfig.yaml"] = `version: 0.1
default:
  sync:
    parameters:
      template_file: stack.yml
`
	return repos
}

const (
	prodFunction = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api-prod"
	svcFunction  = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:svc"
)

// sam deploy without a template option deploys the template that the SAM
// CLI configuration of its folder names for the environment it picks.
func TestStackDeploySAMConfig(t *testing.T) {
	for _, tt := range []struct {
		deploy string
		want   []string
	}{
		{"cd infra && sam deploy", []string{stackFunction + " (possible)"}},
		{"cd infra && sam deploy --config-env prod", []string{prodFunction + " (possible)"}},
		{"sam deploy --config-file deploy/sam.toml", []string{stackFunction + " (possible)"}},
		{"cd svc && sam sync --stack-name svc", []string{svcFunction + " (possible)"}},
		// A template option wins over the configuration.
		{"cd infra && sam deploy -t prod.yaml", []string{prodFunction + " (possible)"}},
		// An environment the file does not have leaves template.yaml,
		// which infra lacks.
		{"cd infra && sam deploy --config-env test", nil},
	} {
		got := reachedIn(t, samConfigRepos(tt.deploy), "pkg:npm/cowsay@1.6.0", "runtime:aws:lambda:")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", tt.deploy, diff)
		}
	}
}

// The edge names the configuration, its table, and the parameters it
// overrides.
func TestStackDeploySAMConfigEdge(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, samConfigRepos("cd infra && sam deploy"))
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{stackFunction}, graph.In, graph.EdgeCanModify)
	if err != nil {
		t.Fatal(err)
	}
	const want = "by its template infra/app.yaml, which infra/samconfig.toml names in [default.deploy.parameters] " +
		"with parameter overrides for Stage Size that the template is not read with"
	found := false
	for _, e := range es {
		if e.From == "arn:aws:iam::111122223333:role/deployer" {
			found = true
			if !strings.Contains(e.Attr(graph.AttrReason), want) {
				t.Errorf("reason %q, want it to contain %q", e.Attr(graph.AttrReason), want)
			}
		}
	}
	if !found {
		t.Errorf("no CAN_MODIFY from the deployer role among %v", es)
	}
}

// Only the build table of infra/samconfig.toml names infra/app.yaml. sam
// build reads it and writes its copy to infra/.aws-sam/build, which a
// later sam deploy without a template option deploys. Without the build,
// sam deploy looks for infra/template.yaml, which is missing.
func TestStackDeploySAMConfigBuild(t *testing.T) {
	for _, tt := range []struct {
		deploy string
		want   []string
	}{
		{"cd infra && sam build && sam deploy", []string{stackFunction + " (possible)"}},
		{"cd infra && sam deploy", nil},
	} {
		repos := samConfigRepos(tt.deploy)
		repos["api"]["infra/samconfig.toml"] = `version = 0.1
[default.build.parameters]
template_file = "app.yaml"
`
		got := reachedIn(t, repos, "pkg:npm/cowsay@1.6.0", "runtime:aws:lambda:")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", tt.deploy, diff)
		}
	}
}
