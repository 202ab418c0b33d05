package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
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
			{Line: 1, Dir: ".", Services: []string{"web"}, Builds: true, Dependencies: true}}},
		// up and run build an image the runner does not have.
		{"up without --build", "docker compose up -d", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Dependencies: true, Builds: true, MayBuild: true}}},
		{"up --no-build", "docker compose up --no-build -d", ".", nil},
		// --build=false, as a boolean flag takes it, builds no more than
		// up without --build does.
		{"up --build=false", "docker compose up --build=false -d", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Dependencies: true, Builds: true, MayBuild: true}}},
		{"other subcommands", "docker compose pull\ndocker compose run --rm web npm test\ndocker compose down", ".", []ComposeCommand{
			{Line: 2, Dir: ".", Services: []string{"web"}, Dependencies: true, Builds: true, MayBuild: true}}},
		{"bake with a compose file", "docker buildx bake -f compose.yaml --push api", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"compose.yaml"}, Services: []string{"api"}, AllProfiles: true, Builds: true, Pushes: true}}},
		{"bake with its own file", "docker buildx bake -f docker-bake.hcl", ".", nil},
		{"file outside the repository", "docker compose -f ../other/compose.yaml build", ".", nil},
		{"build args", "docker compose build --build-arg NPM_TOKEN=$TOKEN --build-arg VERSION=1.2 --build-arg=NODE_AUTH web", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Services: []string{"web"}, Inputs: []string{"build-arg:NPM_TOKEN=TOKEN", "build-arg:NODE_AUTH=NODE_AUTH"}, Builds: true}}},
		{"sudo and env", "sudo env DOCKER_BUILDKIT=1 docker compose build", ".", []ComposeCommand{
			{Line: 1, Dir: ".", Builds: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ScanCompose(c.script, c.dir, nil)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ScanCompose(%q) (-want +got):\n%s", c.script, diff)
			}
		})
	}
}

// The environment chooses the files when no -f does (COMPOSE_FILE, split
// at COMPOSE_PATH_SEPARATOR or a colon), and the profiles when no
// --profile does (COMPOSE_PROFILES, split at commas). --env-file and
// COMPOSE_DISABLE_ENV_FILE keep Compose from reading .env. --dry-run
// builds and pushes nothing, before or after the subcommand, and neither
// do build --print and --check, nor bake's checks (--check, a --call
// other than build).
func TestScanComposeEnvironment(t *testing.T) {
	for _, c := range []struct {
		name, script, dir string
		env               pkgcmd.Env
		want              []ComposeCommand
	}{
		{"COMPOSE_FILE", "docker compose build", "app", pkgcmd.Env{"COMPOSE_FILE": "compose.yaml:ci/compose.ci.yaml"}, []ComposeCommand{
			{Line: 1, Dir: "app", Files: []string{"app/compose.yaml", "app/ci/compose.ci.yaml"}, Builds: true}}},
		{"separator", "docker-compose push web", ".", pkgcmd.Env{"COMPOSE_FILE": "a.yml;b.yml", "COMPOSE_PATH_SEPARATOR": ";"}, []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"a.yml", "b.yml"}, Services: []string{"web"}, Pushes: true}}},
		{"-f comes first", "docker compose -f x.yml build", ".", pkgcmd.Env{"COMPOSE_FILE": "y.yml"}, []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"x.yml"}, Builds: true}}},
		{"exported by the script", "export COMPOSE_FILE=deploy/compose.yaml\ndocker compose push", ".", nil, []ComposeCommand{
			{Line: 2, Dir: ".", Files: []string{"deploy/compose.yaml"}, Pushes: true}}},
		// A variable that the input does not set may name any file: its
		// part of the path becomes a pattern.
		{"file from a variable", "docker compose build", ".", pkgcmd.Env{"COMPOSE_FILE": "${{ inputs.file }}"}, []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"*"}, FilesUnknown: true, Builds: true}}},
		{"file from a shell variable", "export COMPOSE_FILE=$FILES\ndocker compose build", ".", nil, []ComposeCommand{
			{Line: 2, Dir: ".", Files: []string{"*"}, FilesUnknown: true, Builds: true}}},
		{"part of a file from a variable", "docker compose build", "app", pkgcmd.Env{"COMPOSE_FILE": "compose.yaml:compose.${STAGE}.yaml"}, []ComposeCommand{
			{Line: 1, Dir: "app", Files: []string{"app/compose.yaml", "app/compose.*.yaml"}, FilesUnknown: true, Builds: true}}},
		{"-f from a variable", `docker compose -f compose.yaml -f "deploy/$ENV/compose.yaml" push`, ".", nil, []ComposeCommand{
			{Line: 1, Dir: ".", Files: []string{"compose.yaml", "deploy/*/compose.yaml"}, FilesUnknown: true, Pushes: true}}},
		{"profiles", "docker compose --profile ci --profile=e2e build", ".", pkgcmd.Env{"COMPOSE_PROFILES": "dev"}, []ComposeCommand{
			{Line: 1, Dir: ".", Profiles: []string{"ci", "e2e"}, Builds: true}}},
		{"COMPOSE_PROFILES", "docker compose build", ".", pkgcmd.Env{"COMPOSE_PROFILES": "ci, e2e"}, []ComposeCommand{
			{Line: 1, Dir: ".", Profiles: []string{"ci", "e2e"}, Builds: true}}},
		{"every profile", "docker compose --profile '*' up --build", ".", nil, []ComposeCommand{
			{Line: 1, Dir: ".", AllProfiles: true, Builds: true, Dependencies: true}}},
		{"env file", "docker compose --env-file ci.env build", ".", nil, []ComposeCommand{
			{Line: 1, Dir: ".", NoDotenv: true, Builds: true}}},
		{".env disabled", "docker compose build", ".", pkgcmd.Env{"COMPOSE_DISABLE_ENV_FILE": "true"}, []ComposeCommand{
			{Line: 1, Dir: ".", NoDotenv: true, Builds: true}}},
		{"dry run", "docker compose --dry-run build\ndocker compose build --dry-run --push\ndocker compose push --dry-run web\ndocker buildx bake --print", ".", nil, nil},
		{"print and check", "docker compose build --print > bake.json\ndocker compose build --check web\ndocker buildx bake --check\ndocker buildx bake --call=outline\ndocker buildx bake --call targets", ".", nil, nil},
		{"call build", "docker buildx bake --call build", ".", nil, []ComposeCommand{
			{Line: 1, Dir: ".", Builds: true, AllProfiles: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ScanCompose(c.script, c.dir, c.env)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("ScanCompose(%q) (-want +got):\n%s", c.script, diff)
			}
		})
	}
}

// run --build builds its one service, whose command follows it, and up
// and run start the services it depends on too unless --no-deps. build
// acts on them with --with-dependencies, and push with --include-deps.
func TestScanComposeDependencies(t *testing.T) {
	for script, want := range map[string]ComposeCommand{
		"docker compose run --build --rm -e CI=1 -v .:/src web npm test": {Services: []string{"web"}, Builds: true, Dependencies: true},
		"docker compose run --build --no-deps web sh":                    {Services: []string{"web"}, Builds: true},
		"docker compose up --build --no-deps web worker":                 {Services: []string{"web", "worker"}, Builds: true},
		"docker compose build --with-dependencies web":                   {Services: []string{"web"}, Builds: true, Dependencies: true},
		"docker compose push --include-deps web":                         {Services: []string{"web"}, Pushes: true, Dependencies: true},
	} {
		want.Line, want.Dir = 1, "."
		if diff := cmp.Diff([]ComposeCommand{want}, ScanCompose(script, ".", nil)); diff != "" {
			t.Errorf("ScanCompose(%q) (-want +got):\n%s", script, diff)
		}
	}
	if got := ScanCompose("docker compose run --build", ".", nil); got != nil {
		t.Errorf("run without a service = %v, want none", got)
	}
}

// ComposeEnv keeps what a script exports for the later lines of its shell.
func TestComposeEnv(t *testing.T) {
	env := ComposeEnv("export COMPOSE_FILE=a.yml:b.yml\nexport COMPOSE_PROFILES=ci", pkgcmd.Env{"CI": "true"})
	want := pkgcmd.Env{"CI": "true", "COMPOSE_FILE": "a.yml:b.yml", "COMPOSE_PROFILES": "ci"}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("after the exports (-want +got):\n%s", diff)
	}
	env = ComposeEnv("unset COMPOSE_FILE", env)
	want = pkgcmd.Env{"CI": "true", "COMPOSE_PROFILES": "ci"}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("after unset (-want +got):\n%s", diff)
	}
}

// A build argument written as a literal gives the command no input, so
// its value is never stored.
func TestScanComposeLiteralArg(t *testing.T) {
	cmds := ScanCompose("docker compose build --build-arg API_KEY=canary-literal-X9x9 web", ".", nil)
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

// A Compose command keeps the plain values of its environment, which
// Compose reads over the .env file's, and only the names of the others:
// a token and a value that reads a variable are unknown.
func TestReadComposeEnv(t *testing.T) {
	env := pkgcmd.Env{"OWNER": "example-org", "NPM_TOKEN": "canary-npm-token-X9x9", "TAG": "$CI_COMMIT_TAG", "COMPOSE_FILE": "compose.yaml"}
	cmd, ok := ReadCompose(strings.Fields("docker compose build"), ".", env)
	if !ok {
		t.Fatal("ReadCompose rejected docker compose build")
	}
	want := map[string]string{"OWNER": "example-org", "NPM_TOKEN": ComposeUnknown, "TAG": ComposeUnknown}
	if diff := cmp.Diff(want, cmd.Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
}

// ComposeVariables names the variables of a default's word too.
func TestComposeVariablesNested(t *testing.T) {
	got := ComposeVariables("${REGISTRY:-${HOST:-ghcr.io}}/$$OWNER/${NAME:+${PREFIX}-}web:$TAG")
	want := []string{"REGISTRY", "HOST", "NAME", "PREFIX", "TAG"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ComposeVariables (-want +got):\n%s", diff)
	}
}

// A variable that the environment sets to the empty string is set, and
// Compose reads it so: ${OWNER:-o-qa} takes the default, ${OWNER-o-qa}
// the empty value, and the project's .env does not apply.
func TestReadComposeEnvEmpty(t *testing.T) {
	cmd, ok := ReadCompose(strings.Fields("docker compose build"), ".", pkgcmd.Env{"OWNER": ""})
	if !ok {
		t.Fatal("ReadCompose rejected docker compose build")
	}
	if diff := cmp.Diff(map[string]string{"OWNER": ""}, cmd.Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
}

// ExpandCompose takes a variable's value, or its default when vars do
// not set it, and leaves one of unknown value as it is.
func TestExpandCompose(t *testing.T) {
	vars := map[string]string{"OWNER": "o", "EMPTY": "", "SECRET": ComposeUnknown}
	for in, want := range map[string]string{
		"ghcr.io/${OWNER:-x}/web":  "ghcr.io/o/web",
		"ghcr.io/$OWNER/web":       "ghcr.io/o/web",
		"${EMPTY:-d}/${EMPTY-e}":   "d/",
		"${MISSING:-d}/${MISSING}": "d/${MISSING}",
		"${SECRET:-d}":             "${SECRET}",
		"$$OWNER":                  "$$OWNER",
		// A default may read another variable, with a default of its own.
		"ghcr.io/${MISSING:-${OWNER}}/web":     "ghcr.io/o/web",
		"ghcr.io/${MISSING:-${ALSO:-d}}/web":   "ghcr.io/d/web",
		"ghcr.io/${OWNER:-${ALSO:-d}}/web":     "ghcr.io/o/web",
		"ghcr.io/${MISSING:-${SECRET:-d}}/web": "ghcr.io/${SECRET}/web",
		"${EMPTY:+${OWNER}-x}/web":             "/web",
		"${OWNER:+${MISSING:-d}-x}/web":        "d-x/web",
	} {
		if got := ExpandCompose(in, vars); got != want {
			t.Errorf("ExpandCompose(%q) = %q, want %q", in, got, want)
		}
	}
}
