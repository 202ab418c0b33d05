package pkgcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
)

var ignoreRuns = cmpopts.IgnoreFields(Effect{}, "Runs")

func TestClassify(t *testing.T) {
	ci := func(cmd string) string { return cmd + " runs the project's own lifecycle scripts" }
	opaque := "a script of the checkout runs commands the input does not show"
	tests := []struct {
		cmd  string
		env  Env
		want Effect // zero: the command does nothing with packages
	}{
		// installs, as both CI scanners read them before
		{"npm ci", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("npm ci")}},
		{"npm i --no-audit", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("npm i")}},
		{"npm --prefix web ci", nil, Effect{Eco: NPM, Dir: "web", Install: true, Run: RunMaybe, Cause: ci("npm ci")}},
		{"npm ci --prefix web", nil, Effect{Eco: NPM, Dir: "web", Install: true, Run: RunMaybe, Cause: ci("npm ci")}},
		{"npm ci --prefix=web", nil, Effect{Eco: NPM, Dir: "web", Install: true, Run: RunMaybe, Cause: ci("npm ci")}},
		{"pnpm install --dir web", nil, Effect{Eco: NPM, Dir: "web", Install: true, Run: RunMaybe, Cause: ci("pnpm install")}},
		{"yarn install --cwd web", nil, Effect{Eco: NPM, Dir: "web", Install: true, Run: RunMaybe, Cause: ci("yarn install")}},
		{"npm run build -- --prefix web", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "npm run"}},
		{"npm update", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("npm update")}},
		{"yarn", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("yarn install")}},
		{"yarn --frozen-lockfile", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("yarn install")}},
		{"yarn dlx create-x", nil, Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "yarn dlx"}},
		{"pnpm install", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("pnpm install")}},
		{"npx eslint .", nil, Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npx"}},
		{"pip3 install -r req.txt", nil, Effect{Eco: PyPI, Install: true}},
		{"python3.12 -m pip install .", nil, Effect{Eco: PyPI, Install: true, Run: RunCertain, Cause: "pip install of the project"}},
		{"python3 -m pip install awscli", nil, Effect{Eco: PyPI, Install: true}},
		{"poetry install --no-root", nil, Effect{Eco: PyPI, Install: true}},
		{"poetry add x", nil, Effect{Eco: PyPI, Install: true}},
		{"pipenv install", nil, Effect{Eco: PyPI, Install: true, NoDev: true}},
		{"uv sync", nil, Effect{Eco: PyPI, Install: true}},
		{"uv pip install x", nil, Effect{Eco: PyPI, Install: true}},
		{"uv run y", nil, Effect{Eco: PyPI, Install: true, Run: RunCertain, Cause: "uv run"}},
		{"pipx run tool", nil, Effect{Eco: PyPI, Install: true, Tool: true}},
		{"go mod download", nil, Effect{Eco: Go, Install: true}},
		{"go mod tidy", nil, Effect{}},
		{"go build ./...", nil, Effect{Eco: Go, Install: true}},
		{"go vet ./...", nil, Effect{}},
		{"cargo build --release", nil, Effect{Eco: Cargo, Install: true, Run: RunCertain, Cause: "cargo build"}},
		{"cargo fetch", nil, Effect{Eco: Cargo, Install: true}},
		{"bundle", nil, Effect{Eco: Gem, Install: true}},
		{"bundle install", nil, Effect{Eco: Gem, Install: true}},
		{"composer install --no-dev", nil, Effect{Eco: Composer, Install: true, NoDev: true, Run: RunMaybe, Cause: ci("composer install")}},

		// install scripts disabled
		{"npm ci --ignore-scripts", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"npm install --ignore-scripts=true", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"npm install --ignore-scripts=false", nil, Effect{Eco: NPM, Install: true, Run: RunMaybe, Cause: ci("npm install")}},
		{"npm ci", Env{"npm_config_ignore_scripts": "true"}, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"npm ci", Env{"NPM_CONFIG_IGNORE_SCRIPTS": "1"}, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"yarn install --ignore-scripts", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"yarn install --mode=skip-build", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"yarn install --mode skip-build", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"yarn install", Env{"YARN_ENABLE_SCRIPTS": "false"}, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"pnpm install --ignore-scripts", nil, Effect{Eco: NPM, Install: true, NoScripts: true}},
		{"pip install --only-binary :all: -r r.txt", nil, Effect{Eco: PyPI, Install: true, NoScripts: true}},
		{"composer install --no-plugins --no-scripts", nil, Effect{Eco: Composer, Install: true, NoScripts: true}},

		// the project's code or a dependency's program runs
		{"npm test", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "npm test"}},
		{"npm run build", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "npm run"}},
		{"npm install-test", nil, Effect{Eco: NPM, Install: true, Run: RunCertain, Cause: "npm install-test"}},
		{"npm exec jest", nil, Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npm exec"}},
		{"node dist/index.js", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "node"}},
		{"node --version", nil, Effect{}},
		{"yarn build", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "yarn build"}},
		{"yarn run lint", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "yarn run"}},
		{"yarn audit", nil, Effect{}},
		// A name that does not look like a script name is not quoted.
		{"yarn CANARY-pkgcmd-7f3a0000123456", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "yarn SCRIPT"}},
		{"pnpm -r --filter web build", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "pnpm build"}},
		{"pnpm exec vitest", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "pnpm exec"}},
		{"jest --ci", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "jest"}},
		{"./node_modules/.bin/tsc -p .", nil, Effect{Eco: NPM, Run: RunCertain, Cause: "tsc"}},
		{"python manage.py test", nil, Effect{Eco: PyPI, Run: RunCertain, Cause: "python"}},
		{"python -m pytest", nil, Effect{Eco: PyPI, Run: RunCertain, Cause: "python -m pytest"}},
		{"python3 -m venv .venv", nil, Effect{}},
		{"python --version", nil, Effect{}},
		{"pytest -q", nil, Effect{Eco: PyPI, Run: RunCertain, Cause: "pytest"}},
		{"tox -e py312", nil, Effect{Eco: PyPI, Run: RunCertain, Cause: "tox"}},
		{"poetry run pytest", nil, Effect{Eco: PyPI, Run: RunCertain, Cause: "poetry run"}},
		{"pip install -e .", nil, Effect{Eco: PyPI, Install: true, Run: RunCertain, Cause: "pip install of the project"}},
		{"go test ./...", nil, Effect{Eco: Go, Install: true, Run: RunCertain, Cause: "go test"}},
		{"go generate ./...", nil, Effect{Eco: Go, Install: true, Run: RunCertain, Cause: "go generate"}},
		{"cargo check", nil, Effect{Eco: Cargo, Install: true, Run: RunCertain, Cause: "cargo check"}},
		{"bundle exec rake", nil, Effect{Eco: Gem, Run: RunCertain, Cause: "bundle exec"}},
		{"rspec spec", nil, Effect{Eco: Gem, Run: RunCertain, Cause: "rspec"}},
		{"composer run-script test", nil, Effect{Eco: Composer, Run: RunCertain, Cause: "composer run-script"}},
		{"composer lint", nil, Effect{Eco: Composer, Run: RunCertain, Cause: "composer lint"}},
		{"composer validate", nil, Effect{}},
		{"php artisan test", nil, Effect{Eco: Composer, Run: RunCertain, Cause: "php artisan"}},
		{"vendor/bin/phpunit", nil, Effect{Eco: Composer, Run: RunCertain, Cause: "phpunit"}},
		{"gotestsum --format testname -- ./...", nil, Effect{Eco: Go, Run: RunCertain, Cause: "gotestsum"}},
		{"go install gotest.tools/gotestsum@latest", nil, Effect{Eco: Go, Install: true}},

		// .NET: restore only fetches packages. Build, test, run, publish
		// and pack restore first, then run package code.
		{"dotnet restore", nil, Effect{Eco: NuGet, Install: true}},
		{"dotnet restore --locked-mode", nil, Effect{Eco: NuGet, Install: true}},
		{"dotnet build -c Release", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet build"}},
		{"dotnet test --no-restore", nil, Effect{Eco: NuGet, Run: RunCertain, Cause: "dotnet test"}},
		{"dotnet test --no-build", nil, Effect{Eco: NuGet, Run: RunCertain, Cause: "dotnet test"}},
		{"dotnet run --project src/App -- --port 8080", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet run"}},
		{"dotnet run --project=src/App/App.csproj", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet run"}},
		{"dotnet run -- src/Other", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet run"}},
		{"dotnet test src/Payments.Api", nil, Effect{Eco: NuGet, Dir: "src/Payments.Api", Install: true, Run: RunCertain, Cause: "dotnet test"}},
		{`dotnet test src\Payments.Api`, nil, Effect{Eco: NuGet, Dir: "src/Payments.Api", Install: true, Run: RunCertain, Cause: "dotnet test"}},
		{"dotnet build -c Release src/App/App.csproj", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet build"}},
		{"dotnet publish src/Api -c Release -o out", nil, Effect{Eco: NuGet, Dir: "src/Api", Install: true, Run: RunCertain, Cause: "dotnet publish"}},
		{"dotnet publish --self-contained true src/Api", nil, Effect{Eco: NuGet, Dir: "src/Api", Install: true, Run: RunCertain, Cause: "dotnet publish"}},
		{"dotnet restore App.sln", nil, Effect{Eco: NuGet, Install: true}},
		{"dotnet build /p:Configuration=Release /m src/App", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet build"}},
		{"dotnet build /work/src/App", nil, Effect{Eco: NuGet, Dir: "/work/src/App", Install: true, Run: RunCertain, Cause: "dotnet build"}},
		{"dotnet format whitespace src/App", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet format"}},
		{"dotnet format style --diagnostics IDE0005 src/App/App.csproj", nil, Effect{Eco: NuGet, Dir: "src/App", Install: true, Run: RunCertain, Cause: "dotnet format"}},
		{"dotnet test tests/bin/Release/Tests.dll", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet test"}},
		{"dotnet publish -r linux-x64", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet publish"}},
		{"dotnet pack -o out", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet pack"}},
		{"dotnet.exe test", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet test"}},
		{"dotnet msbuild -t:restore", nil, Effect{Eco: NuGet, Install: true}},
		{"dotnet msbuild -restore -p:Configuration=Release", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "dotnet msbuild"}},
		{"dotnet msbuild", nil, Effect{Eco: NuGet, Run: RunCertain, Cause: "dotnet msbuild"}},
		{"msbuild /t:Restore", nil, Effect{Eco: NuGet, Install: true}},
		{"msbuild -t:Restore;Build", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "msbuild"}},
		{"MSBuild.exe -r App.sln", nil, Effect{Eco: NuGet, Install: true, Run: RunCertain, Cause: "msbuild"}},
		{"msbuild App.sln", nil, Effect{Eco: NuGet, Run: RunCertain, Cause: "msbuild"}},
		{"nuget restore App.sln", nil, Effect{Eco: NuGet, Install: true}},
		{"nuget.exe install packages.config -OutputDirectory packages", nil, Effect{Eco: NuGet, Install: true}},
		{"dotnet tool restore", nil, Effect{Eco: NuGet, Install: true, Tool: true}},
		{"dotnet tool install -g dotnet-ef", nil, Effect{Eco: NuGet, Install: true, Tool: true}},
		{"dotnet --version", nil, Effect{}},
		{"dotnet --info", nil, Effect{}},
		{"dotnet --list-sdks", nil, Effect{}},
		{"dotnet nuget push out/App.1.0.0.nupkg --source https://api.nuget.org/v3/index.json", nil, Effect{}},
		{"nuget push out/App.1.0.0.nupkg", nil, Effect{}},
		{"dotnet new console", nil, Effect{}},

		// the project's own lifecycle scripts, and opaque commands
		{"npm publish", nil, Effect{Eco: NPM, Run: RunMaybe, Cause: ci("npm publish")}},
		{"npm publish --ignore-scripts", nil, Effect{}},
		{"npm pack", nil, Effect{Eco: NPM, Run: RunMaybe, Cause: ci("npm pack")}},
		{"npm audit", nil, Effect{}},
		{"make test", nil, Effect{Eco: AnyEco, Run: RunMaybe, Cause: "make runs commands the input does not show"}},
		{"./scripts/build.sh", nil, Effect{Eco: AnyEco, Run: RunMaybe, Cause: opaque}},
		{"bash ci/test.sh", nil, Effect{Eco: AnyEco, Run: RunMaybe, Cause: opaque}},
		{"bash -c true", nil, Effect{}},
		{"/usr/bin/env", nil, Effect{}},
		{"aws s3 sync ./dist s3://example-org-web-assets/", nil, Effect{}},
		{"echo npm ci", nil, Effect{}},
	}
	for _, tt := range tests {
		got, ok := Classify(strings.Fields(tt.cmd), tt.env)
		if ok != (tt.want.Eco != "") {
			t.Errorf("Classify(%q) ok = %v", tt.cmd, ok)
		}
		// TestToolRunPackages checks Runs.
		if diff := cmp.Diff(got, tt.want, ignoreRuns); diff != "" {
			t.Errorf("Classify(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

func TestEffectsCDK(t *testing.T) {
	npx := Effect{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npx"}
	synth := Effect{Eco: AnyEco, Run: RunMaybe, Cause: "cdk synth runs the app that cdk.json names"}
	deploy := Effect{Eco: AnyEco, Run: RunMaybe, Cause: "cdk deploy runs the app that cdk.json names"}
	tests := []struct {
		cmd  string
		want []Effect
	}{
		{"npx cdk synth --verbose -o cdk.out", []Effect{npx, synth}},
		{"cdk deploy MyStack", []Effect{deploy}},
		{"npm exec -- cdk deploy", []Effect{{Eco: NPM, Install: true, Tool: true, Run: RunCertain, Cause: "npm exec"}, deploy}},
		// An assembly folder runs no app code.
		{"npx cdk deploy --app cdk.out LayerStack", []Effect{npx}},
		{"npx cdk --version", []Effect{npx}},
		{"npx eslint .", []Effect{npx}},
		{"echo cdk synth", nil},
	}
	for _, tt := range tests {
		got := Effects(strings.Fields(tt.cmd), nil)
		if diff := cmp.Diff(got, tt.want, ignoreRuns); diff != "" {
			t.Errorf("Effects(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

func TestAttrs(t *testing.T) {
	effects := []Effect{
		{Eco: NPM, Dir: "web", Install: true, NoScripts: true, NoDev: true},
		{Eco: NPM, Run: RunMaybe, Cause: "npm publish runs the project's own lifecycle scripts"},
		{Eco: PyPI, Dir: ".", Install: true, NoScripts: true, NoDev: true},
		{Eco: PyPI, Dir: ".", Install: true},
		{Eco: PyPI, Run: RunCertain, Cause: "pytest"},
		{Eco: PyPI, Run: RunCertain, Cause: "tox"},
		{Eco: AnyEco, Run: RunMaybe, Cause: "make, then more"},
		{Eco: Cargo, Dir: ".", Install: true, Tool: true},
	}
	got := Attrs(effects)
	want := map[string]string{
		// The cargo install fetched a tool, not the project's locked
		// packages, so it is no install of them.
		AttrInstalls:    "npm,pypi",
		AttrInstallDirs: ".,web",
		// One pypi install ran scripts, and installed the development
		// dependencies.
		AttrScriptsOff: "npm",
		AttrDevOff:     "npm",
		// The npm install leaves them out under any Yarn version too.
		AttrDevOffBerry: "npm",
		AttrRuns:        "pypi",
		AttrRunsVia:     "pypi=pytest",
		AttrMayRun:      "*,npm",
		AttrMayRunVia:   "*=make; then more,npm=npm publish runs the project's own lifecycle scripts",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Attrs (-got +want):\n%s", diff)
	}
	if v := Via(got[AttrMayRunVia], NPM); v != "npm publish runs the project's own lifecycle scripts" {
		t.Errorf("Via(npm) = %q", v)
	}
	if v := Via(got[AttrRunsVia], Go); v != "" {
		t.Errorf("Via(golang) = %q, want empty", v)
	}
}

func FuzzEffects(f *testing.F) {
	for _, seed := range []string{"npm ci --ignore-scripts", "npx cdk synth", "python -m pytest", "yarn build",
		"composer install --no-plugins", "./scripts/x.sh", "pnpm -r --filter web build", "cdk deploy --app",
		"npx -p @a/b@1.0.0 c", "uvx --from x[y]==1 z", "pipx run --spec a>=1 b", "yarn dlx -p x@^1 y"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, e := range Effects(strings.Fields(cmd), Env{"npm_config_ignore_scripts": cmd}) {
			if e.Eco == "" || strings.Contains(e.Cause, ",") {
				t.Errorf("Effects(%q) gave %+v", cmd, e)
			}
			if (e.Run == RunNone) != (e.Cause == "") {
				t.Errorf("Effects(%q) gave run %d with cause %q", cmd, e.Run, e.Cause)
			}
			for _, p := range e.Runs {
				if p.Name == "" || strings.ContainsAny(p.Name+p.Version+p.Requested, "$`{}") {
					t.Errorf("Effects(%q) gave package %+v", cmd, p)
				}
			}
		}
	})
}

// TestToolRunPackages checks the packages that tool commands fetch from a
// registry and run. The expected values follow each tool's documentation:
// npx and npm exec take the first positional argument as the package
// unless --package (npx: -p) names the packages. pnpm dlx, yarn dlx and
// bunx do the same with --package or -p. uvx takes NAME, NAME@VERSION or
// --from SPEC, and pipx run takes NAME or --spec SPEC.
func TestToolRunPackages(t *testing.T) {
	pkg := func(tool, name, version, requested string) Package {
		return Package{Tool: tool, Name: name, Version: version, Requested: requested}
	}
	local := func(p Package) Package { p.Local = true; return p }
	computed := func(p Package) Package { p.Computed = true; return p }
	initPkg := func(tool, initializer, name, version string) Package {
		return Package{Tool: tool, Name: name, Version: version, Initializer: initializer}
	}
	tests := []struct {
		cmd  string
		want []Package
	}{
		{"npx cowsay hi", []Package{local(pkg("npx", "cowsay", "", ""))}},
		{"npx prettier@3.1.0 --check .", []Package{pkg("npx", "prettier", "3.1.0", "")}},
		{"npx -y prettier@3.1.0", []Package{pkg("npx", "prettier", "3.1.0", "")}},
		{"npx --yes prettier@latest", []Package{pkg("npx", "prettier", "", "latest")}},
		{"npx prettier@^3 --write .", []Package{pkg("npx", "prettier", "", "^3")}},
		{"npx prettier@3", []Package{pkg("npx", "prettier", "", "3")}},
		{"npx @changesets/cli@2.27.1 version", []Package{pkg("npx", "@changesets/cli", "2.27.1", "")}},
		{"npx @angular/cli new app", []Package{local(pkg("npx", "@angular/cli", "", ""))}},
		{"npx -p @angular/cli@17.0.0 ng new app", []Package{pkg("npx", "@angular/cli", "17.0.0", "")}},
		{"npx --package=typescript@5.4.2 --package ts-node tsc -v", []Package{
			pkg("npx", "typescript", "5.4.2", ""), local(pkg("npx", "ts-node", "", ""))}},
		{"npx --registry http://127.0.0.1:4873 cowsay", []Package{local(pkg("npx", "cowsay", "", ""))}},
		// An option npm does not know is a flag without a value.
		{"npx --no-wurbl cowsay@1.5.0", []Package{pkg("npx", "cowsay", "1.5.0", "")}},
		{"npx -- cowsay@1.5.0 hi", []Package{pkg("npx", "cowsay", "1.5.0", "")}},
		{"npx -c 'cowsay hi'", nil},
		{"npx -p cowsay -c 'cowsay hi'", []Package{local(pkg("npx", "cowsay", "", ""))}},
		{"npm exec -- prettier@3.1.0 --check .", []Package{pkg("npm exec", "prettier", "3.1.0", "")}},
		{"npm exec --package=prettier@3.1.0 -- prettier --check .", []Package{pkg("npm exec", "prettier", "3.1.0", "")}},
		{"npm --yes exec cowsay", []Package{local(pkg("npm exec", "cowsay", "", ""))}},
		{"npm x -y cowsay@1.5.0", []Package{pkg("npm exec", "cowsay", "1.5.0", "")}},
		// npm init and npm create run the package that the initializer
		// names (npm's documentation of npm init).
		{"npm init react-app ./my-app", []Package{local(initPkg("npm init", "react-app", "create-react-app", ""))}},
		{"npm create vite@5.2.0 app", []Package{initPkg("npm create", "vite@5.2.0", "create-vite", "5.2.0")}},
		{"npm init @usr/foo", []Package{local(initPkg("npm init", "@usr/foo", "@usr/create-foo", ""))}},
		{"npm init @usr", []Package{local(initPkg("npm init", "@usr", "@usr/create", ""))}},
		{"npm init @usr@2.0.0", []Package{initPkg("npm init", "@usr@2.0.0", "@usr/create", "2.0.0")}},
		{"npm init @usr/foo@2.0.0", []Package{initPkg("npm init", "@usr/foo@2.0.0", "@usr/create-foo", "2.0.0")}},
		{"npm init --scope @me -y esm", []Package{local(initPkg("npm init", "esm", "create-esm", ""))}},
		{"npm init -y", nil},
		{"npm init owner/template", nil},
		{"npm init npm_abcdefghijklmnopqrstuvwxyz0123456789", nil},
		{"yarn create next-app@14.1.0 web", []Package{initPkg("yarn create", "next-app@14.1.0", "create-next-app", "14.1.0")}},
		{"pnpm create vite", []Package{initPkg("pnpm create", "vite", "create-vite", "")}},
		{"pnpm dlx create-vue@next my-app", []Package{pkg("pnpm dlx", "create-vue", "", "next")}},
		{"pnpm dlx prettier@3.1.0 .", []Package{pkg("pnpm dlx", "prettier", "3.1.0", "")}},
		{"pnpm --package=yo --package=generator-webapp@4.0.1 dlx yo webapp", []Package{
			pkg("pnpm dlx", "yo", "", ""), pkg("pnpm dlx", "generator-webapp", "4.0.1", "")}},
		{"pnpx cowsay@1.5.0 hi", []Package{pkg("pnpx", "cowsay", "1.5.0", "")}},
		{"yarn dlx create-vite@5.2.0", []Package{pkg("yarn dlx", "create-vite", "5.2.0", "")}},
		{"yarn dlx -p typescript -p ts-node@10.9.2 ts-node -e 1", []Package{
			pkg("yarn dlx", "typescript", "", ""), pkg("yarn dlx", "ts-node", "10.9.2", "")}},
		{"yarn dlx -q cowsay", []Package{pkg("yarn dlx", "cowsay", "", "")}},
		{"bunx uglify-js@3.14.0 app.js", []Package{pkg("bunx", "uglify-js", "3.14.0", "")}},
		{"bunx -p @angular/cli ng new my-app", []Package{local(pkg("bunx", "@angular/cli", "", ""))}},
		{"bunx --bun vite dev", []Package{local(pkg("bunx", "vite", "", ""))}},
		{"bun x cowsay@1.5.0", []Package{pkg("bun x", "cowsay", "1.5.0", "")}},

		// PyPI, with PEP 503 names
		{"uvx ruff check .", []Package{pkg("uvx", "ruff", "", "")}},
		{"uvx ruff@0.3.0 check", []Package{pkg("uvx", "ruff", "0.3.0", "")}},
		{"uvx ruff@latest check", []Package{pkg("uvx", "ruff", "", "latest")}},
		{"uvx ruff==0.3.0 check", []Package{pkg("uvx", "ruff", "0.3.0", "")}},
		{"uvx --from 'ruff>0.2.0,<0.3.0' ruff check", []Package{pkg("uvx", "ruff", "", ">0.2.0,<0.3.0")}},
		{"uvx --from httpie http", []Package{pkg("uvx", "httpie", "", "")}},
		{"uvx --with mkdocs-material==9.5.3,pymdown-extensions -w 'a>=1,<2' mkdocs build", []Package{
			pkg("uvx", "mkdocs", "", ""), pkg("uvx", "mkdocs-material", "9.5.3", ""),
			pkg("uvx", "pymdown-extensions", "", ""), pkg("uvx", "a", "", ">=1,<2")}},
		{"uvx --with black[d,jupyter]==24.2.0 nbqa", []Package{
			pkg("uvx", "nbqa", "", ""), pkg("uvx", "black", "24.2.0", "")}},
		{"uvx --from Django_Extensions==3.2.3 manage", []Package{pkg("uvx", "django-extensions", "3.2.3", "")}},
		{"uvx --python 3.12 black[d]@24.2.0 .", []Package{pkg("uvx", "black", "24.2.0", "")}},
		{"uv tool run pycowsay==0.0.0.2 moo", []Package{pkg("uv tool run", "pycowsay", "0.0.0.2", "")}},
		{"pipx run pycowsay moo", []Package{pkg("pipx run", "pycowsay", "", "")}},
		{"pipx run pycowsay==0.0.0.2 moo", []Package{pkg("pipx run", "pycowsay", "0.0.0.2", "")}},
		{"pipx run --spec esptool==4.7.0 esptool.py version", []Package{pkg("pipx run", "esptool", "4.7.0", "")}},
		{"pipx run --no-cache --python python3.11 black .", []Package{pkg("pipx run", "black", "", "")}},

		// versions a variable sets, and what no registry name is
		{"npx prettier@$PRETTIER_VERSION .", []Package{computed(pkg("npx", "prettier", "", ""))}},
		{"npx prettier@${{ inputs.version }} .", []Package{computed(pkg("npx", "prettier", "", ""))}},
		{"npx $TOOL", nil},
		{"npx ${{ matrix.tool }}@1.0.0", nil},
		{"uvx --from $SPEC tool", nil},
		{"npx string_decoder@1.3.0", []Package{pkg("npx", "string_decoder", "1.3.0", "")}},
		// A token pasted where a package belongs is no package name.
		{"npx npm_" + strings.Repeat("a1B2", 9), nil},
		{"npx @ghp_" + strings.Repeat("a1B2", 9) + "/x@1.0.0", nil},
		// A PyPI token starts with pypi-AgE; other names may start with pypi-.
		{"uvx pypi-attestations@0.0.20", []Package{pkg("uvx", "pypi-attestations", "0.0.20", "")}},
		{"uvx pypi-AgEIcHlwaS5vcmc" + strings.Repeat("a1B2", 9), nil},
		{"pnpm dlx --package=@npm_" + strings.Repeat("a1B2", 9) + "/x y", nil},
		{"npx cowsay@npm_" + strings.Repeat("a1B2", 9), []Package{computed(pkg("npx", "cowsay", "", ""))}},
		{"uvx ghp_" + strings.Repeat("a1B2", 9), nil},
		{"npx cowsay@AKIA" + strings.Repeat("A1B2", 4), []Package{computed(pkg("npx", "cowsay", "", ""))}},
		{"uvx 'ruff>=1,!=ghp_" + strings.Repeat("a1B2", 9) + "'", []Package{computed(pkg("uvx", "ruff", "", ""))}},
		{"npx github:user/repo", nil},
		// npm names are at most 214 characters long, and a PyPI name ends
		// where extras, a version or a marker begin.
		{"npx " + strings.Repeat("a", 215) + "@1.0.0", nil},
		{"npx " + strings.Repeat("a", 214) + "@1.0.0", []Package{pkg("npx", strings.Repeat("a", 214), "1.0.0", "")}},
		{"uvx 'x\u200b@1.0'", nil},
		{"pipx run 'black+extra'", nil},
		{"npx user/repo", nil},
		{"npx ./bin/tool.js", nil},
		{"npx https://example.org/tool.tgz", nil},
		{"uvx --from git+https://github.com/org/tool tool", nil},
		{"uvx --from ./tools/lint lint", nil},
		// --from names the package after options that take a value too,
		// and the positional argument is then only the command.
		{"uvx --python 3.12 --from black==24.1.0 blackd", []Package{pkg("uvx", "black", "24.1.0", "")}},
		{"uvx -p 3.12 --from git+https://github.com/org/tool tool", nil},
		{"uvx --with ruff --from httpie http", []Package{pkg("uvx", "ruff", "", ""), pkg("uvx", "httpie", "", "")}},
		// An option uv does not know may take the next word as its value.
		{"uvx --wurbl x ruff", nil},
		{"pipx run --wurbl x black", nil},
		{"pipx install black", nil},
	}
	for _, tt := range tests {
		var got []Package
		for _, e := range Effects(shellWords(tt.cmd), nil) {
			got = append(got, e.Runs...)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("packages of %q (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// shellWords splits a command at blanks outside single quotes, as the
// CI readers hand commands over.
func shellWords(s string) []string {
	var out []string
	for i, part := range strings.Split(s, "'") {
		if i%2 == 1 {
			out = append(out, part)
			continue
		}
		out = append(out, strings.Fields(part)...)
	}
	return out
}

func TestPackageCommandID(t *testing.T) {
	tests := []struct {
		cmd, eco, quoted, id string
	}{
		{"npx -y prettier@v3.1.0 --check .", NPM, "npx prettier@3.1.0", "pkg:npm/prettier@3.1.0"},
		{"npx @changesets/cli@^2", NPM, "npx @changesets/cli@^2", "pkg:npm/%40changesets/cli"},
		{"pnpm dlx create-vue@next", NPM, "pnpm dlx create-vue@next", "pkg:npm/create-vue"},
		{"npx prettier@$V", NPM, "npx prettier", "pkg:npm/prettier"},
		{"uvx ruff@0.3.0", PyPI, "uvx ruff==0.3.0", "pkg:pypi/ruff@0.3.0"},
		{"uvx ruff@latest", PyPI, "uvx ruff@latest", "pkg:pypi/ruff"},
		{"pipx run --spec Black>=24 black", PyPI, "pipx run black>=24", "pkg:pypi/black"},
	}
	for _, tt := range tests {
		var runs []Package
		for _, e := range Effects(strings.Fields(tt.cmd), nil) {
			if len(e.Runs) > 0 && e.Eco != tt.eco {
				t.Errorf("%q: ecosystem %s, want %s", tt.cmd, e.Eco, tt.eco)
			}
			runs = append(runs, e.Runs...)
		}
		if len(runs) != 1 {
			t.Errorf("%q: %d packages, want 1", tt.cmd, len(runs))
			continue
		}
		if got := runs[0].Command(); got != tt.quoted {
			t.Errorf("%q: Command() = %q, want %q", tt.cmd, got, tt.quoted)
		}
		if got := runs[0].ID(tt.eco); got != tt.id {
			t.Errorf("%q: ID() = %q, want %q", tt.cmd, got, tt.id)
		}
	}
}

// A uvx --with requirement with an environment marker is installed only
// where the marker holds.
func TestToolRunMarker(t *testing.T) {
	var runs []Package
	for _, e := range Effects(namedWords("uvx --with 'colorama; sys_platform == \"win32\"' --with rich ruff"), nil) {
		runs = append(runs, e.Runs...)
	}
	want := map[string]graph.Confidence{"ruff": graph.Certain, "colorama": graph.Possible, "rich": graph.Certain}
	if len(runs) != len(want) {
		t.Fatalf("runs %+v, want %d", runs, len(want))
	}
	for _, p := range runs {
		if c, _ := p.Exec(false); c != want[p.Name] {
			t.Errorf("%s: confidence %s, want %s", p.Name, c, want[p.Name])
		}
	}
}

// A wrapper runs the command after its options and arguments, as its
// manual page describes: timeout DURATION CMD, nice -n N CMD, xargs
// [options] CMD, corepack CMD.
func TestWrappedCommands(t *testing.T) {
	tests := []struct {
		cmd     string
		install string // the ecosystem the command installs, or ""
		run     string // the package a tool command runs, or ""
	}{
		{"timeout 60 npx cowsay@1.5.0 hi", NPM, "cowsay"},
		{"timeout -s KILL 5m npm ci", NPM, ""},
		{"nice -n 10 npm ci", NPM, ""},
		{"nohup npx prettier@3.1.0 --check .", NPM, "prettier"},
		{"xargs -n 1 npx prettier@3.1.0 --check", NPM, "prettier"},
		{"corepack pnpm dlx cowsay@1.5.0", NPM, "cowsay"},
		{"stdbuf -oL pip install black==23.1.0", PyPI, ""},
		{"time -f %e npm ci", NPM, ""},
		{"timeout 60", "", ""},
		// corepack NAME@VERSION runs that version of the package manager.
		{"corepack pnpm@8.15.0 dlx cowsay@1.5.0", NPM, "cowsay"},
		{"corepack yarn@4.1.0 dlx cowsay@1.5.0", NPM, "cowsay"},
		{"corepack npm@10.2.0 ci", NPM, ""},
		{"corepack enable pnpm@8", "", ""},
		// xargs -I R puts each input line in place of R, so a word that
		// contains R names no package that the input shows.
		{"xargs -I pkg npx pkg", NPM, ""},
		{"xargs -Ipkg npx pkg@1.0.0", NPM, ""},
		{"xargs --replace=pkg npx pkg", NPM, ""},
		{"xargs -I {} npx cowsay@1.5.0 {}", NPM, "cowsay"},
		{"xargs -i npx cowsay@1.5.0 {}", NPM, "cowsay"},
		// env and sudo take NAME=VALUE words before the command, and env
		// reads a lone - as -i.
		{"timeout 5 env A=1 npx cowsay@1.5.0", NPM, "cowsay"},
		{"env -i HOME=/tmp npm ci", NPM, ""},
		{"env - PATH=/usr/bin npx cowsay@1.5.0", NPM, "cowsay"},
		{"sudo NODE_ENV=production npx cowsay@1.5.0", NPM, "cowsay"},
		{"sudo -E -u runner CI=1 npm ci", NPM, ""},
	}
	for _, tt := range tests {
		install, run := "", ""
		for _, e := range Effects(strings.Fields(tt.cmd), nil) {
			if e.Install {
				install = e.Eco
			}
			for _, p := range e.Runs {
				run = p.Name
			}
		}
		if install != tt.install || run != tt.run {
			t.Errorf("%s: installs %q and runs %q, want %q and %q", tt.cmd, install, run, tt.install, tt.run)
		}
	}
}

// A shell runs the script that follows -c, or follows an option cluster
// that contains c (sh -ec), after other options. In bash -o pipefail, the
// option o takes a value.
func TestShellScript(t *testing.T) {
	tests := []struct {
		argv   []string
		script string
		ok     bool
	}{
		{[]string{"bash", "-c", "npm ci && npx x"}, "npm ci && npx x", true},
		{[]string{"sh", "-ec", "npm ci"}, "npm ci", true},
		{[]string{"/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "npm ci"}, "npm ci", true},
		{[]string{"bash", "-o", "pipefail", "-c", "npm ci"}, "npm ci", true},
		{[]string{"timeout", "60", "bash", "-c", "npm ci"}, "npm ci", true},
		{[]string{"bash", "script.sh"}, "", false},
		{[]string{"bash", "-e", "script.sh"}, "", false},
		{[]string{"node", "-c", "x"}, "", false},
		{[]string{"bash", "-c"}, "", false},
	}
	for _, tt := range tests {
		script, ok := ShellScript(tt.argv)
		if script != tt.script || ok != tt.ok {
			t.Errorf("ShellScript(%q) = %q, %v; want %q, %v", tt.argv, script, ok, tt.script, tt.ok)
		}
	}
}

// env changes the environment of the command it runs: -i and a lone -
// empty it, -u removes a variable and NAME=VALUE sets one, so npm reads
// npm_config_ignore_scripts from what env leaves.
func TestEnvWrapperEnvironment(t *testing.T) {
	off := Env{"npm_config_ignore_scripts": "true"}
	tests := []struct {
		cmd       string
		env       Env
		noScripts bool
	}{
		{"npm ci", off, true},
		{"env -i npm ci", off, false},
		{"env - npm ci", off, false},
		{"env --ignore-environment npm ci", off, false},
		{"env -u npm_config_ignore_scripts npm ci", off, false},
		{"env --unset=npm_config_ignore_scripts npm ci", off, false},
		{"env -i npm_config_ignore_scripts=true npm ci", off, true},
		{"env npm_config_ignore_scripts=true npm ci", nil, true},
		{"sudo npm_config_ignore_scripts=true npm ci", nil, true},
		{"timeout 60 env -i npm ci", off, false},
	}
	for _, tt := range tests {
		effects := Effects(strings.Fields(tt.cmd), tt.env)
		if len(effects) != 1 {
			t.Errorf("%s: %d effects, want 1", tt.cmd, len(effects))
			continue
		}
		if effects[0].NoScripts != tt.noScripts {
			t.Errorf("%s: NoScripts = %v, want %v", tt.cmd, effects[0].NoScripts, tt.noScripts)
		}
	}
}

// env -C DIR and sudo -D DIR run the command in DIR, so its effects are
// in DIR, joined with a directory the command names for itself.
func TestWrapperChdir(t *testing.T) {
	tests := []struct{ cmd, dir string }{
		{"npm ci", ""},
		{"env -C web npm ci", "web"},
		{"env --chdir=web npm ci", "web"},
		{"env -Cweb npm ci", "web"},
		{"sudo -D web npm ci", "web"},
		{"sudo --chdir=web npm ci", "web"},
		{"env -C web npm --prefix app ci", "web/app"},
		{"env -C /srv/web npm ci", "/srv/web"},
		{"env -C web npm --prefix /opt/app ci", "/opt/app"},
		{"timeout 60 env -C a env -C b npm ci", "a/b"},
	}
	for _, tt := range tests {
		effects := Effects(strings.Fields(tt.cmd), nil)
		if len(effects) != 1 {
			t.Errorf("%s: %d effects, want 1", tt.cmd, len(effects))
			continue
		}
		if effects[0].Dir != tt.dir {
			t.Errorf("%s: Dir = %q, want %q", tt.cmd, effects[0].Dir, tt.dir)
		}
	}
}

// TestToolRunVariables checks that a package argument built from a
// variable whose value the environment gives is read with that value, as
// the shell expands it: $VERSION, ${VERSION}, a name from $TOOL. A value
// the input does not show, or one shaped or named like a credential, is
// not expanded, and the run's version is computed: its edge is
// pinned=computed, not floating.
func TestToolRunVariables(t *testing.T) {
	env := Env{"VERSION": "3.1.0", "RANGE": "^3", "TOOL": "cowsay", "EXPR": "${{ inputs.v }}",
		"NPM_TOKEN": "abcdefgh12345678", "SHAPED": "npm_abcdefghijklmnopqrstuvwxyz0123456789"}
	tests := []struct {
		cmd, name, version, requested, pinned string
	}{
		{"npx prettier@$VERSION --check .", "prettier", "3.1.0", "", PinnedVersion},
		{"npx prettier@${VERSION}", "prettier", "3.1.0", "", PinnedVersion},
		{"npx prettier@$RANGE", "prettier", "", "^3", PinnedFloating},
		{"npx $TOOL@1.5.0", "cowsay", "1.5.0", "", PinnedVersion},
		{"npx prettier@$UNSET", "prettier", "", "", PinnedComputed},
		{"npx prettier@$EXPR", "prettier", "", "", PinnedComputed},
		{"npx prettier@$NPM_TOKEN", "prettier", "", "", PinnedComputed},
		{"npx prettier@$SHAPED", "prettier", "", "", PinnedComputed},
		{"uvx ruff==$VERSION check", "ruff", "3.1.0", "", PinnedVersion},
	}
	for _, tc := range tests {
		var runs []Package
		for _, e := range Effects(namedWords(tc.cmd), env) {
			runs = append(runs, e.Runs...)
		}
		if len(runs) != 1 {
			t.Errorf("%s: runs %+v, want one", tc.cmd, runs)
			continue
		}
		p := runs[0]
		if p.Name != tc.name || p.Version != tc.version || p.Requested != tc.requested {
			t.Errorf("%s: %s@%s requested %q, want %s@%s requested %q", tc.cmd, p.Name, p.Version, p.Requested, tc.name, tc.version, tc.requested)
		}
		_, attrs := p.Exec(false)
		if attrs["pinned"] != tc.pinned {
			t.Errorf("%s: pinned = %q, want %q", tc.cmd, attrs["pinned"], tc.pinned)
		}
		for _, v := range []string{"abcdefgh12345678", "npm_abcdefghijklmnopqrstuvwxyz0123456789"} {
			for k, a := range attrs {
				if strings.Contains(a, v) {
					t.Errorf("%s: attribute %s quotes a credential", tc.cmd, k)
				}
			}
		}
	}
}
