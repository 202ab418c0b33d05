package pkgcmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEffectsServerless(t *testing.T) {
	maybe := func(sub string) Effect {
		return Effect{Eco: NPM, Run: RunMaybe, Cause: "serverless " + sub + " loads the framework and the service's plugins"}
	}
	npx := Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npx"}
	deploy := func(service, name, region, dir string) Effect {
		return Effect{Deploy: &Deploy{Service: service, Name: name, Region: region}, Dir: dir}
	}
	tests := []struct {
		cmd  string
		want []Effect
	}{
		{"serverless deploy", []Effect{maybe("deploy"), deploy(DeployServerless, AnyServiceFile, "", "")}},
		{"sls deploy --stage prod", []Effect{maybe("deploy"), {Deploy: &Deploy{Service: DeployServerless, Name: AnyServiceFile, Stage: "prod"}}}},
		{"sls deploy -s=prod", []Effect{maybe("deploy"), {Deploy: &Deploy{Service: DeployServerless, Name: AnyServiceFile, Stage: "prod"}}}},
		{"sls deploy --stage=prod -r=eu-west-1", []Effect{maybe("deploy"), {Deploy: &Deploy{Service: DeployServerless, Name: AnyServiceFile, Stage: "prod", Region: "eu-west-1"}}}},
		{"sls deploy -s $STAGE", []Effect{maybe("deploy"), deploy(DeployServerless, AnyServiceFile, "", "")}},
		{"npx serverless@3 deploy -c services/api/serverless.yml --region eu-west-1",
			[]Effect{npx, maybe("deploy"), deploy(DeployServerless, "serverless.yml", "eu-west-1", "services/api")}},
		{"npm exec -- serverless deploy function -f hello", []Effect{
			{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npm exec"},
			maybe("deploy function"), deploy(DeployServerless, AnyServiceFile, "", "")}},
		{"sls package", []Effect{maybe("package"), deploy(ServerlessPlugins, AnyServiceFile, "", "")}},
		{"sls invoke local -f hello", []Effect{maybe("invoke local"), deploy(ServerlessPlugins, AnyServiceFile, "", "")}},
		{"sls deploy list", []Effect{maybe("deploy"), deploy(ServerlessPlugins, AnyServiceFile, "", "")}},
		{"sls remove --config api.yml", []Effect{maybe("remove"), deploy(ServerlessPlugins, "api.yml", "", "")}},
		{"sls print", nil},
		{"sls invoke -f hello", nil},
		{"echo sls deploy", nil},
	}
	for _, tt := range tests {
		got := Effects(strings.Fields(tt.cmd), nil)
		if diff := cmp.Diff(got, tt.want, ignoreRuns); diff != "" {
			t.Errorf("Effects(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

func TestEffectsSAMBuild(t *testing.T) {
	cause := "sam build installs the dependencies of each function of the template"
	installs := []Effect{{Eco: NPM, Install: true, Cause: cause}, {Eco: PyPI, Install: true, Cause: cause}}
	built := Effect{Template: AnyTemplate, Packaged: ".aws-sam/build/template.yaml"}
	syncCause := "sam sync installs the dependencies of each function of the template"
	syncInstalls := []Effect{{Eco: NPM, Install: true, Cause: syncCause}, {Eco: PyPI, Install: true, Cause: syncCause}}
	tests := []struct {
		cmd  string
		want []Effect
	}{
		// sam build also writes a copy of the template of its folder.
		{"sam build", append(slices.Clone(installs), built)},
		{"sam build --use-container --cached", append(slices.Clone(installs), built)},
		// sam deploy installs nothing: it deploys the stack of the
		// template in its folder.
		{"sam deploy --no-confirm-changeset", []Effect{{Deploy: &Deploy{Service: DeployStack, Name: AnyTemplate, SAMCommand: "deploy"}}}},
		{"sam --version", nil},
		// sam sync builds the template's functions and deploys its stack.
		{"sam sync --stack-name api --no-watch", append(slices.Clone(syncInstalls),
			Effect{Deploy: &Deploy{Service: DeployStack, Name: AnyTemplate, SAMCommand: "sync"}})},
		{"sam sync -t infra/t.yaml --stack-name api --code", append(slices.Clone(syncInstalls),
			Effect{Deploy: &Deploy{Service: DeployStack, Name: "t.yaml"}, Dir: "infra"})},
	}
	for _, tt := range tests {
		got := Effects(strings.Fields(tt.cmd), nil)
		if diff := cmp.Diff(got, tt.want, ignoreRuns); diff != "" {
			t.Errorf("Effects(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
	attrs := Attrs(installs)
	if attrs[AttrInstalls] != "npm,pypi" || attrs[AttrScriptsOff] != "" {
		t.Errorf("Attrs: installs %q scripts off %q, want npm,pypi with scripts on", attrs[AttrInstalls], attrs[AttrScriptsOff])
	}
}

// The package managers' options that take a value, and those that pick
// a folder, come before the framework's name. A workspace option runs
// the framework in a folder the command names by package name, or in
// each of the workspace's, so the folder is unknown.
func TestServerlessThroughPackageManager(t *testing.T) {
	tests := []struct {
		cmd, service, dir string
	}{
		{"pnpm -C services/api exec serverless deploy", DeployServerless, "services/api"},
		{"pnpm --dir=services/api exec sls package", ServerlessPlugins, "services/api"},
		{"yarn --cwd services/api sls deploy", DeployServerless, "services/api"},
		{"npm --prefix tools exec -- serverless deploy -c api/serverless.yml", DeployServerless, "api"},
		{"npx -p serverless sls deploy", DeployServerless, ""},
		{"yarn run sls deploy", DeployServerless, ""},
		{"pnpm --filter api exec serverless deploy", DeployServerless, "$WORKSPACE"},
		{"pnpm -r exec sls deploy", DeployServerless, "$WORKSPACE"},
		{"npm exec -w services/api -- serverless deploy", DeployServerless, "$WORKSPACE"},
		{"yarn workspace api sls deploy", DeployServerless, "$WORKSPACE"},
	}
	for _, tt := range tests {
		effects := serverlessOf(strings.Fields(tt.cmd))
		if len(effects) != 2 || effects[1].Deploy == nil {
			t.Errorf("%s: %+v, want a run and a deploy", tt.cmd, effects)
			continue
		}
		if got := effects[1]; got.Deploy.Service != tt.service || got.Dir != tt.dir {
			t.Errorf("%s: %s in %q, want %s in %q", tt.cmd, got.Deploy.Service, got.Dir, tt.service, tt.dir)
		}
	}
	// npm run runs a script of that name, not the framework.
	if effects := serverlessOf(strings.Fields("npm run sls deploy")); effects != nil {
		t.Errorf("npm run sls deploy: %+v, want none", effects)
	}
}
