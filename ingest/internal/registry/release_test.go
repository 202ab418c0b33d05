package registry

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanReleases(t *testing.T) {
	script := `# npm publish in a comment releases nothing
echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
npm publish --access public
cd packages/cli && pnpm --filter cli publish --registry https://npm.example.com/
sudo python3 -m twine upload \
  --repository-url https://upload.pypi.org/legacy/ -p "$PYPI_TOKEN" dist/*
npm publish --dry-run
npm publish --dry-run=true
npm run publish
npm publish --workspaces`
	releases, tokenVars := ScanReleases(script)
	want := []Release{
		{Eco: "npm", Top: true, Line: 3, Index: 1},
		{Eco: "npm", Host: "npm.example.com", Option: "https://npm.example.com/", Line: 4, Index: 3},
		{Eco: "pypi", Host: "pypi.org", Option: "https://upload.pypi.org/legacy/", Vars: []string{"PYPI_TOKEN"}, Line: 5, Index: 4},
		{Eco: "npm", Line: 10, Index: 8},
	}
	if diff := cmp.Diff(want, releases, ignoreWords); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	commands := Commands(script)
	if len(commands) != 9 {
		t.Fatalf("got %d commands, want 9: %+v", len(commands), commands)
	}
	for i, text := range []string{
		"npm publish --access public",
		"pnpm --filter cli publish --registry https://npm.example.com/",
		`sudo python3 -m twine upload    --repository-url https://upload.pypi.org/legacy/ -p "$PYPI_TOKEN" dist/*`,
		"npm publish --workspaces",
	} {
		if got := commands[want[i].Index]; got.Text != text || got.Line != want[i].Line {
			t.Errorf("command of release %d = %+v, want %q on line %d", i, got, text, want[i].Line)
		}
	}
	wantVars := []TokenVar{{Name: "NPM_TOKEN", Scope: TokenScope{Key: "//registry.npmjs.org/"}, Line: 2}}
	if diff := cmp.Diff(wantVars, tokenVars); diff != "" {
		t.Errorf("variables written to .npmrc (-want +got):\n%s", diff)
	}
}

// Each command of a pipeline is a command of its own, so a release that
// reads its input from a pipe, or writes its output to one, counts. The
// two halves of || are no pipeline.
func TestScanReleasesPipeline(t *testing.T) {
	script := `echo y | npm publish
yes | twine upload -u __token__ -p "$PYPI_TOKEN" dist/*
npm test || npm publish --dry-run
npm publish | tee publish.log`
	releases, _ := ScanReleases(script)
	want := []Release{
		{Eco: "npm", Top: true, Line: 1, Index: 1},
		{Eco: "pypi", Vars: []string{"PYPI_TOKEN"}, Top: true, Line: 2, Index: 3},
		{Eco: "npm", Top: true, Line: 4, Index: 6},
	}
	if diff := cmp.Diff(want, releases, ignoreWords); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	var texts []string
	for _, c := range Commands(script) {
		texts = append(texts, c.Text)
	}
	wantTexts := []string{
		"echo y", "npm publish",
		"yes", `twine upload -u __token__ -p "$PYPI_TOKEN" dist/*`,
		"npm test", "npm publish --dry-run",
		"npm publish", "tee publish.log",
	}
	if diff := cmp.Diff(wantTexts, texts); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestScanReleasesRegistryVariable(t *testing.T) {
	// A variable in --registry or --repository-url contains the registry's
	// address, so it is no credential of the release. A token variable on
	// the same line still is one, and REG counts where it is also the token.
	script := `npm publish --registry $REG
npm publish --registry="${REG}" --//npm.example.com/:_authToken=$NPM_TOKEN
twine upload --repository-url "$PYPI_URL" -p "$PYPI_TOKEN" dist/*
npm publish --registry $REG --//npm.example.com/:_authToken=$REG`
	releases, _ := ScanReleases(script)
	want := [][]string{nil, {"NPM_TOKEN"}, {"PYPI_TOKEN"}, {"REG"}}
	if len(releases) != len(want) {
		t.Fatalf("got %d releases, want %d: %+v", len(releases), len(want), releases)
	}
	for i, r := range releases {
		if diff := cmp.Diff(want[i], r.Vars); diff != "" {
			t.Errorf("release on line %d: variables (-want +got):\n%s", r.Line, diff)
		}
		if !r.HostUnknown {
			t.Errorf("release on line %d: HostUnknown is false, want true", r.Line)
		}
	}
}

func TestScanReleasesSubshellCd(t *testing.T) {
	// A cd inside ( ) moves only that subshell, so the release after it
	// still runs at the top. A cd outside one moves the rest of the script.
	script := `(cd docs && npm run build)
npm publish
( cd site ) && npm publish
(cd docs && npm publish)
cd sub
(cd lib && npm publish)
npm publish`
	releases, _, stillTop := ScanReleasesFrom(script, true)
	wantTop := []bool{true, true, false, false, false}
	if len(releases) != len(wantTop) {
		t.Fatalf("got %d releases, want %d: %+v", len(releases), len(wantTop), releases)
	}
	for i, r := range releases {
		if r.Top != wantTop[i] {
			t.Errorf("release on line %d: Top = %v, want %v", r.Line, r.Top, wantTop[i])
		}
	}
	if stillTop {
		t.Error("stillTop = true after cd sub, want false")
	}
}

func TestScanReleasesWrapperDir(t *testing.T) {
	// env -C DIR and sudo -D DIR run only their own command in DIR, so
	// the release after them is at the top again.
	script := `env -C web npm publish
env --chdir=web npm publish
NODE_ENV=production env -C ./web npm publish
env -C . npm publish
sudo -D pkg npm publish
npm publish`
	releases, _, stillTop := ScanReleasesFrom(script, true)
	wantTop := []bool{false, false, false, true, false, true}
	if len(releases) != len(wantTop) {
		t.Fatalf("got %d releases, want %d: %+v", len(releases), len(wantTop), releases)
	}
	for i, r := range releases {
		if r.Top != wantTop[i] {
			t.Errorf("release on line %d: Top = %v, want %v", r.Line, r.Top, wantTop[i])
		}
	}
	if !stillTop {
		t.Error("stillTop = false, want true: no command moved the script")
	}
}

func TestScanReleasesWrapperDirShell(t *testing.T) {
	// env -C web starts the shell in web, so the shell's script publishes
	// from web, and the script after it is at the top again.
	script := `env -C web sh -c 'npm publish'
sudo -D web bash -c "npm publish"
sh -c 'npm publish'`
	releases, _, stillTop := ScanReleasesFrom(script, true)
	wantTop := []bool{false, false, true}
	if len(releases) != len(wantTop) {
		t.Fatalf("got %d releases, want %d: %+v", len(releases), len(wantTop), releases)
	}
	for i, r := range releases {
		if r.Top != wantTop[i] {
			t.Errorf("release %d on line %d: Top = %v, want %v", i, r.Line, r.Top, wantTop[i])
		}
	}
	if !stillTop {
		t.Error("stillTop = false, want true: only the shells moved")
	}
}

func TestReleaseTool(t *testing.T) {
	tests := []struct {
		cmd   []string
		eco   string
		maybe bool
	}{
		{[]string{"yarn", "npm", "publish"}, "npm", false},
		{[]string{"npx", "--yes", "semantic-release"}, "npm", true},
		{[]string{"npx", "lerna", "publish", "from-git"}, "npm", false},
		{[]string{"poetry", "publish", "--build"}, "pypi", false},
		{[]string{"npm", "pack"}, "", false},
		{[]string{"echo", "npm", "publish"}, "", false},
		{[]string{"pnpm", "exec", "semantic-release"}, "npm", true},
		{[]string{"yarn", "changeset", "publish"}, "npm", false},
		{[]string{"pnpm", "run", "publish"}, "", false},
		{[]string{"bash", "-c", "npm publish --access public"}, "npm", false},
		{[]string{"sh", "-c", "npx semantic-release"}, "npm", true},
		{[]string{"pnpm", "--filter", "app", "publish"}, "npm", false},
	}
	for _, tt := range tests {
		cmd, _ := RunnerTarget(tt.cmd)
		eco, maybe := ReleaseTool(cmd)
		if eco != tt.eco || maybe != tt.maybe {
			t.Errorf("ReleaseTool(%q) = %q, %v; want %q, %v", tt.cmd, eco, maybe, tt.eco, tt.maybe)
		}
	}
}

func TestAuthEnv(t *testing.T) {
	tests := []struct {
		eco, name string
		want      bool
	}{
		{"npm", "NODE_AUTH_TOKEN", true},
		{"npm", "NPM_TOKEN", true},
		{"npm", "npm_config_//registry.npmjs.org/:_authToken", true},
		{"npm", "NPM_CONFIG_REGISTRY", false},
		{"npm", "NPM_CONFIG_CACHE", false},
		{"pypi", "TWINE_PASSWORD", true},
		{"pypi", "PYPI_API_TOKEN", true},
		{"pypi", "PYPI_MIRROR", false},
	}
	for _, tt := range tests {
		if got := AuthEnv(tt.eco, tt.name); got != tt.want {
			t.Errorf("AuthEnv(%q, %q) = %v, want %v", tt.eco, tt.name, got, tt.want)
		}
	}
}

// Yarn's npmAuthToken is an npm token setting as .npmrc's _authToken is,
// and poetry publish names the Poetry repository whose token it reads.
func TestScanReleasesToolConfig(t *testing.T) {
	script := `yarn config set npmAuthToken "$YARN_NPM_TOKEN"
yarn npm publish
poetry publish --build
poetry publish -r internal --build`
	releases, tokenVars := ScanReleases(script)
	// Yarn sends npmAuthToken, which it keeps in .yarnrc.yml, to any
	// registry it publishes to.
	wantVars := []TokenVar{{Name: "YARN_NPM_TOKEN", Scope: TokenScope{Unknown: true}, Yarnrc: true, Line: 1}}
	if diff := cmp.Diff(wantVars, tokenVars); diff != "" {
		t.Errorf("variables written as npm tokens (-want +got):\n%s", diff)
	}
	want := []string{"", "pypi", "internal"}
	if len(releases) != len(want) {
		t.Fatalf("got %d releases, want %d: %+v", len(releases), len(want), releases)
	}
	for i, r := range releases {
		if r.PoetryRepository != want[i] {
			t.Errorf("release on line %d: PoetryRepository = %q, want %q", r.Line, r.PoetryRepository, want[i])
		}
		if berry := i == 0; r.Berry != berry {
			t.Errorf("release on line %d: Berry = %v, want %v", r.Line, r.Berry, berry)
		}
	}
}

func TestPoetryConfigRepository(t *testing.T) {
	for _, tt := range []struct {
		words []string
		want  string
	}{
		{[]string{"poetry", "config", "pypi-token.pypi", "t0ken"}, "pypi"},
		{[]string{"poetry", "config", "--local", "http-basic.internal", "deploy", "passw0rd"}, "internal"},
		{[]string{"poetry", "config", "--unset", "pypi-token.pypi"}, ""},
		{[]string{"poetry", "config", "repositories.internal", "https://pypi.example.com/"}, ""},
		{[]string{"poetry", "publish"}, ""},
		{[]string{"pip", "config", "pypi-token.pypi", "t0ken"}, ""},
	} {
		if got := PoetryConfigRepository(tt.words); got != tt.want {
			t.Errorf("PoetryConfigRepository(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}

func TestExportsAuthEnv(t *testing.T) {
	for _, tt := range []struct {
		eco, cmd string
		want     bool
	}{
		{"pypi", "export TWINE_PASSWORD=t0ken", true},
		{"pypi", "TWINE_USERNAME=__token__ TWINE_PASSWORD=t0ken", true},
		{"npm", "export NPM_TOKEN=t0ken", true},
		{"npm", "export TWINE_PASSWORD=t0ken", false},
		{"npm", "export NPM_CONFIG_REGISTRY=https://npm.example.com/", false},
		{"pypi", "TWINE_PASSWORD=t0ken twine upload dist/*", false},
		{"pypi", "export", false},
		{"npm", "declare -x NPM_TOKEN=t0ken", true},
		{"npm", "typeset -g -x NODE_AUTH_TOKEN=t0ken", true},
		{"npm", "declare -x", false},
	} {
		if got := ExportsAuthEnv(tt.eco, tt.cmd); got != tt.want {
			t.Errorf("ExportsAuthEnv(%q, %q) = %v, want %v", tt.eco, tt.cmd, got, tt.want)
		}
	}
}

// npm logs in with basic authentication from _auth, or from _password
// with a user name, as it does with a token from _authToken.
func TestWritesNPMToken(t *testing.T) {
	for _, tt := range []struct {
		cmd  string
		want bool
	}{
		{`echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" >> .npmrc`, true},
		{`yarn config set npmAuthToken "$NPM_TOKEN"`, true},
		{`echo "//npm.example.com/:_auth=$NPM_AUTH" >> ~/.npmrc`, true},
		{`echo "//npm.example.com/:_password=$NPM_PASS" >> ~/.npmrc`, true},
		{`echo "_auth=$NPM_AUTH" > .npmrc`, true},
		{`echo _password=$NPM_PASS >> "$HOME/.npmrc"`, true},
		{`npm config set _auth "$NPM_AUTH"`, true},
		{`pnpm config set _password "$NPM_PASS"`, true},
		{`npm config set //npm.example.com/:_password "$NPM_PASS"`, true},
		// Settings of other tools that end in _auth or _password.
		{`export db_password=$DB_PASS`, false},
		{`echo "_password=$DB_PASS" > db.conf`, false},
		{`echo "admin_password=$ADMIN_PASS" >> .npmrc`, false},
		{`terraform apply -var _auth=$AUTH`, false},
	} {
		if got := WritesNPMToken(tt.cmd); got != tt.want {
			t.Errorf("WritesNPMToken(%q) = %v, want %v", tt.cmd, got, tt.want)
		}
	}
}

// A token of an .npmrc key goes to the registries under the key's host
// and path, and one of a key with no scope to the default registry only
// (npm's npmrc documentation, "Auth related configuration";
// npm-registry-fetch walks up the registry's path to find the key).
func TestTokenScopeReaches(t *testing.T) {
	npmjs := NPMTarget{URL: "https://registry.npmjs.org/", Default: true}
	github := NPMTarget{URL: "https://npm.pkg.github.com"}
	team := NPMTarget{URL: "https://npm.example.com/team/"}
	other := NPMTarget{URL: "https://npm.example.com/other/"}
	port := NPMTarget{URL: "https://npm.example.com:8443/team/"}
	hostOnly := NPMTarget{URL: "npm.example.com"}
	computed := NPMTarget{URL: "registry.npmjs.org", Unknown: true}
	for _, tt := range []struct {
		cmd    string
		target NPMTarget
		want   bool
	}{
		{`echo "//registry.npmjs.org/:_authToken=VALUE" > ~/.npmrc`, npmjs, true},
		{`echo "//registry.npmjs.org/:_authToken=VALUE" > ~/.npmrc`, github, false},
		{`echo "//REGISTRY.npmjs.org/:_authToken=VALUE" > ~/.npmrc`, npmjs, true},
		{`npm config set //npm.pkg.github.com/:_authToken VALUE`, github, true},
		{`npm config set '//npm.pkg.github.com/:_authToken' VALUE`, npmjs, false},
		{`echo //npm.example.com/team/:_authToken=VALUE >> .npmrc`, team, true},
		{`echo //npm.example.com/team/:_authToken=VALUE >> .npmrc`, other, false},
		{`echo //npm.example.com/team:_authToken=VALUE >> .npmrc`, team, true},
		{`echo //npm.example.com/te:_authToken=VALUE >> .npmrc`, team, false},
		{`echo //npm.example.com/:_authToken=VALUE >> .npmrc`, other, true},
		{`echo //npm.example.com/:_authToken=VALUE >> .npmrc`, port, false},
		{`echo //npm.example.com/team/:_authToken=VALUE >> .npmrc`, hostOnly, true},
		{`printf '//npm.example.com/team/:_authToken=%s\n' VALUE >> .npmrc`, other, false},
		{`printf '//%s/:_authToken=%s\n' npm.example.com VALUE >> .npmrc`, github, true},
		{`echo "//${REGISTRY}/:_authToken=VALUE" > .npmrc`, github, true},
		{`echo "//registry.npmjs.org/:_authToken=VALUE" > .npmrc`, computed, true},
		{`//registry.npmjs.org/:_authToken=VALUE`, github, false},
		{`//npm.pkg.github.com/:_authToken=VALUE`, github, true},
		{`echo _authToken=VALUE > .npmrc`, npmjs, true},
		{`echo _authToken=VALUE > .npmrc`, github, false},
		{`npm config set _auth VALUE`, npmjs, true},
		{`yarn config set npmAuthToken VALUE`, github, true},
	} {
		if got := NPMTokenScope(tt.cmd, "VALUE").Reaches(tt.target); got != tt.want {
			t.Errorf("%s reaches %s: %v, want %v", tt.cmd, tt.target.URL, got, tt.want)
		}
	}
}

// A variable that a line writes into an auth setting has the scope of
// that setting's key, and one that the key itself reads has none known.
func TestNPMTokenVars(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []TokenVar
	}{
		{`echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
			[]TokenVar{{Name: "NPM_TOKEN", Scope: TokenScope{Key: "//registry.npmjs.org/"}}}},
		{`npm config set //npm.example.com/team/:_authToken "$TEAM_TOKEN"`,
			[]TokenVar{{Name: "TEAM_TOKEN", Scope: TokenScope{Key: "//npm.example.com/team/"}}}},
		{`echo _authToken=$TOKEN >> .npmrc`,
			[]TokenVar{{Name: "TOKEN", Scope: TokenScope{}}}},
		{`printf '//registry.npmjs.org/:_authToken=%s\n' "$NPM_TOKEN" > .npmrc`,
			[]TokenVar{{Name: "NPM_TOKEN", Scope: TokenScope{Key: "//registry.npmjs.org/"}}}},
		{`echo "//${NPM_HOST}/:_authToken=${NPM_TOKEN}" > .npmrc`,
			[]TokenVar{{Name: "NPM_HOST", Scope: TokenScope{Unknown: true}}, {Name: "NPM_TOKEN", Scope: TokenScope{Unknown: true}}}},
	} {
		if diff := cmp.Diff(tt.want, NPMTokenVars(tt.line)); diff != "" {
			t.Errorf("NPMTokenVars(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

// A scoped token logs in to the host of its key, port and path aside, and
// a token with no scope to the default registry (npm's npmrc
// documentation, "Auth related configuration").
func TestTokenScopeLoginHost(t *testing.T) {
	for _, tt := range []struct {
		scope TokenScope
		def   string
		host  string
		ok    bool
	}{
		{TokenScope{Key: "//registry.npmjs.org/"}, "npm.example.com", "registry.npmjs.org", true},
		{TokenScope{Key: "//NPM.example.com:8443/team/"}, "", "npm.example.com", true},
		{TokenScope{}, "npm.example.com", "npm.example.com", true},
		{TokenScope{}, "", "", false},
		{TokenScope{Unknown: true}, "registry.npmjs.org", "", false},
	} {
		host, ok := tt.scope.LoginHost(tt.def)
		if host != tt.host || ok != tt.ok {
			t.Errorf("%+v with default %q: %q, %v, want %q, %v", tt.scope, tt.def, host, ok, tt.host, tt.ok)
		}
	}
}

// npm reads .npmrc and Yarn 2 reads .yarnrc.yml. Yarn 2 sends an .npmrc
// token only if .yarnrc.yml names it, which the readers do not read.
func TestReadsSetting(t *testing.T) {
	for _, tt := range []struct {
		berry, yarnrc, reads, unsure bool
	}{
		{berry: false, yarnrc: false, reads: true, unsure: false},
		{berry: false, yarnrc: true, reads: false, unsure: false},
		{berry: true, yarnrc: true, reads: true, unsure: false},
		{berry: true, yarnrc: false, reads: true, unsure: true},
	} {
		reads, unsure := Release{Eco: "npm", Berry: tt.berry}.ReadsSetting(tt.yarnrc)
		if reads != tt.reads {
			t.Errorf("Berry %v, yarnrc %v: reads = %v, want %v", tt.berry, tt.yarnrc, reads, tt.reads)
		}
		if unsure != tt.unsure {
			t.Errorf("Berry %v, yarnrc %v: unsure = %v, want %v", tt.berry, tt.yarnrc, unsure, tt.unsure)
		}
	}
}

// Each variable goes to the file of its own command: a line may write an
// .npmrc token and Yarn's npmAuthToken, one command each, and the
// commands of a pipeline count as one.
func TestScanReleasesTokenFilePerCommand(t *testing.T) {
	script := `echo "//npm.example.com/:_authToken=${NPMRC_TOKEN}" > .npmrc; yarn config set npmAuthToken "${YARNRC_TOKEN}"
echo "$PIPED_TOKEN" | xargs yarn config set npmAuthToken && npm config set //npm.example.com/:_authToken "$NPM_TOKEN"`
	_, tokenVars := ScanReleases(script)
	npmrc := TokenScope{Key: "//npm.example.com/"}
	want := []TokenVar{
		{Name: "NPMRC_TOKEN", Scope: npmrc, Line: 1},
		{Name: "YARNRC_TOKEN", Scope: TokenScope{Unknown: true}, Yarnrc: true, Line: 1},
		{Name: "PIPED_TOKEN", Scope: TokenScope{Unknown: true}, Yarnrc: true, Line: 2},
		{Name: "NPM_TOKEN", Scope: npmrc, Line: 2},
	}
	if diff := cmp.Diff(want, tokenVars); diff != "" {
		t.Errorf("variables written as npm tokens (-want +got):\n%s", diff)
	}
}

func TestScanReleasesUnderCommandWrappers(t *testing.T) {
	// timeout and nice run the command that follows them, and env reads
	// grouped short options (-vC web is -v -C web).
	tests := []struct {
		script string
		top    bool
	}{
		{"timeout 60 npm publish", true},
		{"nice npm publish", true},
		{"timeout 60 env -C web npm publish", false},
		{"nice env -C web npm publish", false},
		{"env -vC web npm publish", false},
		{"env -vCweb npm publish", false},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			releases, _, _ := ScanReleasesFrom(tt.script, true)
			if len(releases) != 1 {
				t.Fatalf("got %d releases, want 1", len(releases))
			}
			if releases[0].Top != tt.top {
				t.Errorf("Top = %v, want %v", releases[0].Top, tt.top)
			}
		})
	}
}

func TestScanReleasesBackAtTop(t *testing.T) {
	// cd .. from web, or env -C .. from web, comes back to the top, as the
	// GitHub Actions reader already finds.
	for _, script := range []string{
		"cd web; cd ..; npm publish",
		"cd web; env -C .. npm publish",
		"pushd web; popd; npm publish",
	} {
		t.Run(script, func(t *testing.T) {
			releases, _, _ := ScanReleasesFrom(script, true)
			if len(releases) != 1 {
				t.Fatalf("got %d releases, want 1", len(releases))
			}
			if !releases[0].Top {
				t.Error("Top = false, want true")
			}
		})
	}
}

func TestScanReleasesRemovedVars(t *testing.T) {
	// unset, export -n and declare +x take a token out of npm's
	// environment. A later export puts it back, a subshell's unset ends
	// with the subshell, and unset -f removes only functions.
	tests := []struct {
		script string
		reads  bool
	}{
		{"unset NPM_TOKEN\nnpm publish", false},
		{"export -n NPM_TOKEN\nnpm publish", false},
		{"declare +x NPM_TOKEN\nnpm publish", false},
		{"unset NPM_TOKEN\nexport NPM_TOKEN=abc\nnpm publish", true},
		{"unset NPM_TOKEN\ndeclare -x NPM_TOKEN=abc\nnpm publish", true},
		{"unset NPM_TOKEN\nNPM_TOKEN=abc\nnpm publish", false},
		{"export -n NPM_TOKEN\nNPM_TOKEN=abc\nnpm publish", false},
		{"(unset NPM_TOKEN)\nnpm publish", true},
		{"unset -f NPM_TOKEN\nnpm publish", true},
		{"npm publish", true},
		{"env -u NPM_TOKEN npm publish", false},
		{"env -i npm publish", false},
		{"env -u OTHER npm publish", true},
		{"timeout 60 env -vu NPM_TOKEN npm publish", false},
	}
	for _, tt := range tests {
		releases, _, _ := ScanReleasesFrom(tt.script, true)
		if len(releases) != 1 {
			t.Fatalf("%q: got %d releases, want 1", tt.script, len(releases))
		}
		if got := releases[0].ReadsEnv("NPM_TOKEN"); got != tt.reads {
			t.Errorf("%q: the release reads NPM_TOKEN: %v, want %v", tt.script, got, tt.reads)
		}
	}
}
