package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanCompose(t *testing.T) {
	for _, c := range []struct {
		name, script, dir string
		want              []ComposeCommand
	}{
		{"build then push", "docker compose build\ndocker compose push", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Builds: true}, {Line: 2, Dir: ".", Pushes: true}}},
		{"files and services", "docker compose -f compose.yaml --file=deploy/compose.ci.yml build --pull api worker", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"compose.yaml", "deploy/compose.ci.yml"}, Services: []string{"api", "worker"}, Builds: true}}},
		{"v1 with project directory", "docker-compose --project-directory app -p shop build --build-arg V=1 web", "svc", []ComposeCommand{
			{Line: 1, Dir: "svc/app", ProjectDir: true, Services: []string{"web"}, Builds: true}}},
		{"build --push", "cd deploy && docker compose build --push", ".", []ComposeCommand{
			{Line: 1, Dir: "deploy", Builds: true, Pushes: true}}},
		{"up --build", "docker compose up -d --build --scale web=2 web", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Services: []string{"web"}, Builds: true}}},
		{"up without --build", "docker compose up -d", ".", nil},
		{"other subcommands", "docker compose pull\ndocker compose run --rm web npm test\ndocker compose down", ".", nil},
		{"bake with a compose file", "docker buildx bake -f compose.yaml --push api", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"compose.yaml"}, Services: []string{"api"}, Builds: true, Pushes: true}}},
		{"bake with its own file", "docker buildx bake -f docker-bake.hcl", ".", nil},
		{"file outside the repository", "docker compose -f ../other/compose.yaml build", ".", nil},
		{"build args", "docker compose build --build-arg NPM_TOKEN=$TOKEN --build-arg VERSION=1.2 --build-arg=NODE_AUTH web", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Services: []string{"web"}, Inputs: []string{"build-arg:NPM_TOKEN=TOKEN", "build-arg:NODE_AUTH=NODE_AUTH"}, Builds: true}}},
		{"sudo and env", "sudo env DOCKER_BUILDKIT=1 docker compose build", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Builds: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ScanCompose(c.script, c.dir)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ScanCompose(%q) (-want +got):\n%s", c.script, diff)
			}
		})
	}
}

// A build argument written as a literal gives the command no input, so
// its value is never stored.
func TestScanComposeLiteralArg(t *testing.T) {
	cmds := ScanCompose("docker compose build --build-arg API_KEY=canary-literal-X9x9 web", ".")
	if len(cmds) != 1 {
		t.Fatalf("got %d commands, want 1", len(cmds))
	}
	if len(cmds[0].Inputs) != 0 {
		t.Errorf("inputs = %v, want none", cmds[0].Inputs)
	}
	if strings.Contains(EncodeCompose(cmds), "canary") {
		t.Errorf("the encoded command keeps the value: %s", EncodeCompose(cmds))
	}
}

func TestComposeRoundTrip(t *testing.T) {
	cmds := []ComposeCommand{{Line: 3, Dir: ".", Files: []string{"a/compose.yaml"}, Builds: true,
		Vars: map[string][]string{"NODE_AUTH": {"NPM_TOKEN"}}, EnvKnown: true}}
	if diff := cmp.Diff(cmds, DecodeCompose(EncodeCompose(cmds))); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if EncodeCompose(nil) != "" || DecodeCompose("") != nil || DecodeCompose("{") != nil {
		t.Error("no commands should encode to \"\", and a bad value decode to none")
	}
}
