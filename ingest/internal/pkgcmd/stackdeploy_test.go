package pkgcmd

import (
	"path"
	"strings"
	"testing"
)

func TestStackDeployOf(t *testing.T) {
	for _, tt := range []struct {
		argv      []string
		name, dir string
		ok        bool
	}{
		{[]string{"sam", "deploy"}, AnyTemplate, "", true},
		{[]string{"sam", "deploy", "-t", "infra/template.yaml", "--stack-name", "api"}, "template.yaml", "infra", true},
		{[]string{"sam", "deploy", "--template-file", ".aws-sam/build/template.yaml"}, AnyTemplate, "", true},
		{[]string{"sam", "deploy", "--template=stack.yml"}, "stack.yml", "", true},
		{[]string{"aws", "cloudformation", "deploy", "--template-file", "api/.aws-sam/build/template.yaml", "--stack-name", "api"}, AnyTemplate, "api", true},
		{[]string{"aws", "--region", "eu-west-1", "cloudformation", "deploy", "--template-file", "cfn/app.json", "--stack-name", "app",
			"--parameter-overrides", "Env=prod", "Size=2"}, "app.json", "cfn", true},
		// Not deploys of a template in the repository.
		{[]string{"sam", "deploy", "--no-execute-changeset"}, "", "", false},
		{[]string{"sam", "build"}, "", "", false},
		{[]string{"sam", "deploy", "-t", "$TEMPLATE"}, "", "", false},
		{[]string{"aws", "cloudformation", "deploy", "--template-file", "/tmp/t.yaml", "--stack-name", "x"}, "", "", false},
		{[]string{"aws", "cloudformation", "describe-stacks"}, "", "", false},
	} {
		e, ok := stackDeployOf(tt.argv, nil)
		if ok != tt.ok {
			t.Errorf("%q: ok %v, want %v", tt.argv, ok, tt.ok)
			continue
		}
		if ok && (e.Deploy.Service != DeployStack || e.Deploy.Name != tt.name || e.Dir != tt.dir) {
			t.Errorf("%q: %s %q in %q, want stack %q in %q", tt.argv, e.Deploy.Service, e.Deploy.Name, e.Dir, tt.name, tt.dir)
		}
	}
}

// A deploy of the template that a package command of the same job wrote
// deploys the template that command read: sam package and aws
// cloudformation package upload the code and rewrite its paths, but
// declare the same functions.
func TestStackDeployOfPackagedTemplate(t *testing.T) {
	type step struct{ dir, cmd string }
	tests := []struct {
		name              string
		steps             []step
		wantName, wantDir string
	}{
		{"cfn package", []step{
			{".", "aws cloudformation package --template-file infra/template.yaml --s3-bucket b --output-template-file packaged.yaml"},
			{".", "aws cloudformation deploy --template-file packaged.yaml --stack-name api"}},
			"template.yaml", "infra"},
		{"sam package in folder", []step{
			{"svc", "sam package --output-template-file out/packaged.yml --s3-bucket b"},
			{"svc", "sam deploy -t out/packaged.yml --stack-name api"}},
			AnyTemplate, "svc"},
		{"sam package named", []step{
			{".", "sam package -t app/t.yml --output-template-file app/packaged.yml"},
			{"app", "sam deploy --template-file packaged.yml"}},
			"t.yml", "app"},
		// A template that no package command wrote is the one deployed.
		{"not packaged", []step{
			{".", "aws cloudformation package --template-file t.yaml --s3-bucket b --output-template-file other.yaml"},
			{".", "aws cloudformation deploy --template-file packaged.yaml --stack-name api"}},
			"packaged.yaml", "."},
	}
	for _, tt := range tests {
		var effects []Effect
		for _, st := range tt.steps {
			for _, e := range Effects(strings.Fields(st.cmd), nil) {
				e.Dir = path.Join(st.dir, e.Dir)
				effects = append(effects, e)
			}
		}
		got := Deploys(Attrs(effects)[AttrDeploys])
		if len(got) != 1 {
			t.Errorf("%s: %d deploys %+v, want 1", tt.name, len(got), got)
			continue
		}
		if got[0].Service != DeployStack || got[0].Name != tt.wantName || got[0].Dir != tt.wantDir {
			t.Errorf("%s: %s %q in %q, want stack %q in %q", tt.name, got[0].Service, got[0].Name, got[0].Dir, tt.wantName, tt.wantDir)
		}
	}
}

// sam build writes a copy of the template it builds to its build folder
// (.aws-sam/build under the command's folder unless -b names another), and
// sam deploy without a template option deploys that copy when it exists.
func TestStackDeployOfBuiltTemplate(t *testing.T) {
	type step struct{ dir, cmd string }
	tests := []struct {
		name              string
		steps             []step
		wantName, wantDir string
	}{
		{"built from another folder", []step{
			{".", "sam build -t infra/template.yaml --use-container"},
			{".", "sam deploy --stack-name api"}},
			"template.yaml", "infra"},
		{"build folder option", []step{
			{".", "sam build -b ./out -t infra/app.yaml"},
			{".", "sam deploy --template-file out/template.yaml"}},
			"app.yaml", "infra"},
		{"build folder of a subfolder", []step{
			{"infra", "sam build"},
			{".", "sam deploy -t infra/.aws-sam/build/template.yaml"}},
			AnyTemplate, "infra"},
		// Without a build the job shows, the copy is taken to be of the
		// template of the folder above the build folder.
		{"no build", []step{
			{".", "sam deploy -t infra/.aws-sam/build/template.yaml"}},
			AnyTemplate, "infra"},
	}
	for _, tt := range tests {
		var effects []Effect
		for _, st := range tt.steps {
			for _, e := range Effects(strings.Fields(st.cmd), nil) {
				e.Dir = path.Join(st.dir, e.Dir)
				effects = append(effects, e)
			}
		}
		got := Deploys(Attrs(effects)[AttrDeploys])
		if len(got) != 1 {
			t.Errorf("%s: %d deploys %+v, want 1", tt.name, len(got), got)
			continue
		}
		if got[0].Service != DeployStack || got[0].Name != tt.wantName || got[0].Dir != tt.wantDir {
			t.Errorf("%s: %s %q in %q, want stack %q in %q", tt.name, got[0].Service, got[0].Name, got[0].Dir, tt.wantName, tt.wantDir)
		}
	}
}

// sam deploy and sam sync without a template option read the template
// from the SAM CLI configuration file, so the deploy records the command,
// --config-file and --config-env. A template option makes the file's
// template_file moot, and a variable leaves the file unknown.
func TestStackDeployOfSAMConfig(t *testing.T) {
	for _, tt := range []struct {
		argv                 []string
		command, config, env string
	}{
		{[]string{"sam", "deploy"}, "deploy", "", ""},
		{[]string{"sam", "deploy", "--config-env", "prod", "--config-file", "cfg/sam.toml"}, "deploy", "cfg/sam.toml", "prod"},
		{[]string{"sam", "sync", "--config-env=staging", "--stack-name", "api"}, "sync", "", "staging"},
		{[]string{"sam", "deploy", "-t", "infra/template.yaml", "--config-env", "prod"}, "", "", ""},
		{[]string{"sam", "deploy", "--config-env", "$ENV"}, "", "", ""},
	} {
		e, ok := stackDeployOf(tt.argv, nil)
		if !ok {
			t.Errorf("%q: no deploy", tt.argv)
			continue
		}
		d := e.Deploy
		if d.SAMCommand != tt.command || d.SAMConfig != tt.config || d.SAMEnv != tt.env {
			t.Errorf("%q: command %q, config %q, env %q; want %q, %q, %q", tt.argv, d.SAMCommand, d.SAMConfig, d.SAMEnv, tt.command, tt.config, tt.env)
		}
		back, _ := DecodeDeploy(EncodeDeploy(*d))
		if back.SAMCommand != d.SAMCommand || back.SAMConfig != d.SAMConfig || back.SAMEnv != d.SAMEnv {
			t.Errorf("%q: decoded %+v, want the configuration of %+v", tt.argv, back, *d)
		}
	}
}

// A sam deploy without a template option after a sam build without one in
// the same folder may deploy the build's copy, so the deploy records the
// build. A build of a named template or in another folder does not count.
func TestStackDeploySAMBuilt(t *testing.T) {
	type step struct{ dir, cmd string }
	for _, tt := range []struct {
		name  string
		steps []step
		want  bool
	}{
		{"build then deploy", []step{{"infra", "sam build"}, {"infra", "sam deploy"}}, true},
		{"deploy alone", []step{{"infra", "sam deploy"}}, false},
		{"build of a named template", []step{{"infra", "sam build -t app.yaml"}, {"infra", "sam deploy"}}, false},
		{"build in another folder", []step{{"svc", "sam build"}, {"infra", "sam deploy"}}, false},
		{"deploy with a template option", []step{{"infra", "sam build"}, {"infra", "sam deploy -t template.yaml"}}, false},
	} {
		var effects []Effect
		for _, st := range tt.steps {
			for _, e := range Effects(strings.Fields(st.cmd), nil) {
				e.Dir = path.Join(st.dir, e.Dir)
				effects = append(effects, e)
			}
		}
		got := Deploys(Attrs(effects)[AttrDeploys])
		if len(got) != 1 {
			t.Errorf("%s: %d deploys %+v, want 1", tt.name, len(got), got)
			continue
		}
		if got[0].SAMBuilt != tt.want {
			t.Errorf("%s: SAMBuilt %v, want %v", tt.name, got[0].SAMBuilt, tt.want)
		}
	}
}
