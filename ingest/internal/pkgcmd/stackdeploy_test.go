package pkgcmd

import "testing"

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
