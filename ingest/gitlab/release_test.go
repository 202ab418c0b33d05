package gitlab

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

func TestReleases(t *testing.T) {
	src := `publish:
  script:
    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
    - npm publish
pypi:
  script:
    - twine upload --repository testpypi -u __token__ -p "$PYPI_TOKEN" dist/*
semrel:
  variables:
    NODE_AUTH_TOKEN: $SEMREL_TOKEN
  script:
    - npx semantic-release
dry:
  script:
    - npm publish --dry-run --//registry.npmjs.org/:_authToken=$DRY_TOKEN
local:
  variables:
    LOCAL_NPM_TOKEN: not-a-variable-of-the-project
  script:
    - npm publish --//registry.npmjs.org/:_authToken=$LOCAL_NPM_TOKEN
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	account := func(host, name string) string {
		return graph.RegistryAccountID(host, graph.GitLabVariableID(testProject, name))
	}
	tests := []struct {
		variable, host string
		conf           graph.Confidence
	}{
		{"NPM_TOKEN", "registry.npmjs.org", graph.Certain},
		{"PYPI_TOKEN", "test.pypi.org", graph.Certain},
		{"SEMREL_TOKEN", "registry.npmjs.org", graph.Possible},
	}
	for _, tt := range tests {
		id := account(tt.host, tt.variable)
		if diff := cmp.Diff([]string{id}, targets(res, graph.GitLabVariableID(testProject, tt.variable), graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s authenticates as (-want +got):\n%s", tt.variable, diff)
			continue
		}
		scope := graph.RegistryScopeID(tt.host)
		if e := findEdge(t, res, id, graph.EdgeCanAccess, scope); e.Confidence != tt.conf {
			t.Errorf("%s: scope edge is %s, want %s", tt.variable, e.Confidence, tt.conf)
		}
	}
	// A dry run publishes nothing, and a variable the job sets itself is
	// no CI/CD variable of the project.
	for _, name := range []string{"DRY_TOKEN", "LOCAL_NPM_TOKEN"} {
		if got := targets(res, graph.GitLabVariableID(testProject, name), graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing", name, got)
		}
	}
}

// A release of the package at the top of the clone marks its account for
// the linker. A release of a folder does not, and neither does one to a
// registry set at run time, whose reach is only possible.
func TestReleaseOfProject(t *testing.T) {
	src := `top:
  script:
    - npm publish --//registry.npmjs.org/:_authToken=$TOP_TOKEN
folder:
  script:
    - cd packages/cli
    - npm publish --//registry.npmjs.org/:_authToken=$FOLDER_TOKEN
flag:
  script:
    - npm publish --registry "$REGISTRY" --//registry.npmjs.org/:_authToken=$FLAG_TOKEN
variable:
  variables:
    NPM_CONFIG_REGISTRY: $INTERNAL_REGISTRY
  script:
    - npm publish --//registry.npmjs.org/:_authToken=$VAR_TOKEN
internal:
  variables:
    npm_config_registry: https://npm.example.com/
  script:
    - npm publish --//npm.example.com/:_authToken=$INTERNAL_TOKEN
semrel:
  script:
    - NPM_TOKEN=$SEMREL_NPM_TOKEN npx semantic-release
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	tests := []struct {
		variable, host   string
		conf             graph.Confidence
		project, certain bool
	}{
		{"TOP_TOKEN", "registry.npmjs.org", graph.Certain, true, true},
		{"FOLDER_TOKEN", "registry.npmjs.org", graph.Certain, false, false},
		{"FLAG_TOKEN", "registry.npmjs.org", graph.Possible, false, false},
		{"VAR_TOKEN", "registry.npmjs.org", graph.Possible, false, false},
		{"INTERNAL_TOKEN", "npm.example.com", graph.Certain, false, false},
		{"SEMREL_NPM_TOKEN", "registry.npmjs.org", graph.Possible, true, false},
	}
	for _, tt := range tests {
		id := graph.RegistryAccountID(tt.host, graph.GitLabVariableID(testProject, tt.variable))
		if e := findEdge(t, res, id, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.conf {
			t.Errorf("%s: scope edge is %s, want %s", tt.variable, e.Confidence, tt.conf)
		}
		n := findNode(t, res, id)
		if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
			t.Errorf("%s releases the project: %v, want %v", tt.variable, got, tt.project)
		}
		if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != tt.certain {
			t.Errorf("%s releases the project for certain: %v, want %v", tt.variable, got, tt.certain)
		}
		if tt.project && n.Attr(graph.AttrRepository) != testProject {
			t.Errorf("%s: repository %q, want %s", tt.variable, n.Attr(graph.AttrRepository), testProject)
		}
	}
}

// npm publishes to the registry that publishConfig.registry in the
// package's package.json names, unless --registry names another (npm's
// package.json documentation, "publishConfig", and npm/cli
// lib/commands/publish.js). So a token scoped to that registry publishes
// there, and one scoped to registry.npmjs.org only logs in to
// registry.npmjs.org.
func TestReleasePublishConfigRegistry(t *testing.T) {
	dir := t.TempDir()
	ci := strings.Join([]string{
		"here:",
		"  script:",
		`    - echo "//npm.example.com/:_authToken=h3r3T0kenAbcd1234efgh" > ~/.npmrc`, // 3
		"    - npm publish",
		"npmjs:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=npmj5T0kenAbcd1234efgh" > ~/.npmrc`, // 7
		"    - npm publish",
		"option:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=0pt10nT0kenAbcd1234ef" > ~/.npmrc`, // 11
		"    - npm publish --registry https://registry.npmjs.org/",
		"variable:",
		"  script:",
		`    - echo "//npm.example.com/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
	}, "\n")

	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.example.com/"}}`
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(ci), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := parseAt(t, dir, ".gitlab-ci.yml", testProject)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := func(job, key string) string {
		return graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", job, key)
	}

	resulttest.Logins(t, res, map[string]string{
		secret("here", "script@3"):    "npm.example.com",
		secret("npmjs", "script@7"):   "registry.npmjs.org",
		secret("option", "script@11"): "registry.npmjs.org",
	})

	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", secret("npmjs", "script@7")): {},
	})

	variable := graph.GitLabVariableID(testProject, "NPM_TOKEN")
	want := []string{graph.RegistryAccountID("npm.example.com", variable)}
	if diff := cmp.Diff(want, targets(res, variable, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("NPM_TOKEN logs in as (-want +got):\n%s", diff)
	}
}

// npm sends the value of an .npmrc auth setting only to the registry its
// key names, and the value of a key with no registry only to the default
// registry (npm's npmrc documentation, "Auth related configuration"). So
// a token scoped to registry.npmjs.org is a registry.npmjs.org token
// whatever the job publishes: it logs in there even when publishConfig
// (npm's package.json documentation, "publishConfig") or --registry sends
// the release elsewhere. Only a release to the token's registry lets its
// account publish.
func TestReleaseTokenLogsInWhereScoped(t *testing.T) {
	dir := t.TempDir()
	ci := strings.Join([]string{
		"internal:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=1nt3rn4lT0kenAbcd1234" > ~/.npmrc`, // 3
		"    - npm publish",
		"unscoped:",
		"  script:",
		"    - echo _authToken=unsc0p3dT0kenAbcd1234 >> .npmrc", // 7
		"    - npm publish --registry https://npm.pkg.github.com",
		"job-default:",
		"  variables:",
		"    NPM_CONFIG_REGISTRY: https://npm.example.com/",
		"  script:",
		"    - echo _authToken=j0bD3f4ultT0kenAbcd12 >> .npmrc", // 13
		"    - npm publish --registry https://npm.pkg.github.com",
		"reached:",
		"  script:",
		`    - echo "//npm.internal.example.com/:_authToken=r34ch3dT0kenAbcd1234" > ~/.npmrc`, // 17
		"    - npm publish",
		"install:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=1n5t4llT0kenAbcd1234" > ~/.npmrc`, // 21
		"    - npm ci",
	}, "\n")

	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(ci), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := parseAt(t, dir, ".gitlab-ci.yml", testProject)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := func(job, key string) string {
		return graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", job, key)
	}

	resulttest.Logins(t, res, map[string]string{
		secret("internal", "script@3"):     "registry.npmjs.org",
		secret("unscoped", "script@7"):     "registry.npmjs.org",
		secret("job-default", "script@13"): "npm.example.com",
		secret("reached", "script@17"):     "npm.internal.example.com",
		secret("install", "script@21"):     "registry.npmjs.org",
	})

	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }

	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "internal", "script@3"):       {},
		account("registry.npmjs.org", "unscoped", "script@7"):       {},
		account("npm.example.com", "job-default", "script@13"):      {},
		account("npm.internal.example.com", "reached", "script@17"): {Registry: true},
		account("registry.npmjs.org", "install", "script@21"):       {},
	})
	// The plan's revoke step for the token names the registry of an npm
	// account.
	if eco := findNode(t, res, account("registry.npmjs.org", "internal", "script@3")).Attr("ecosystem"); eco != "npm" {
		t.Errorf("ecosystem of the account of the internal job's token: %q, want npm", eco)
	}
}

// A token that a script writes into .npmrc from a CI/CD variable follows
// the same rule as a literal one: npm sends the value of an auth setting
// only to the registry its key names, and the value of a key with no
// registry only to the default registry, expanding ${NAME} in .npmrc from
// the environment (npm's npmrc documentation, "Files" and "Auth related
// configuration"). So each variable below logs in on its key's registry
// whatever the job publishes, and its account publishes only when a
// release goes there. A variable that reaches npm with no .npmrc line the
// script shows, or through a key computed at run time, logs in wherever
// the release goes.
func TestReleaseVariableLogsInWhereScoped(t *testing.T) {
	dir := t.TempDir()
	ci := strings.Join([]string{
		"internal:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
		"reached:",
		"  script:",
		`    - echo "//npm.internal.example.com/:_authToken=${INTERNAL_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
		"unscoped:",
		"  script:",
		`    - echo "_authToken=${UNSCOPED_TOKEN}" >> .npmrc`,
		"    - npm publish --registry https://npm.pkg.github.com",
		"install:",
		"  script:",
		`    - npm config set //registry.npmjs.org/:_authToken "$INSTALL_TOKEN"`,
		"    - npm ci",
		"computed:",
		"  script:",
		`    - echo "//${NPM_HOST}/:_authToken=${COMPUTED_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
		"command-line:",
		"  script:",
		`    - NPM_TOKEN=$LINE_TOKEN npm publish`,
	}, "\n")

	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(ci), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := parseAt(t, dir, ".gitlab-ci.yml", testProject)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	variable := func(name string) string { return graph.GitLabVariableID(testProject, name) }

	resulttest.Logins(t, res, map[string]string{
		variable("NPM_TOKEN"):      "registry.npmjs.org",
		variable("INTERNAL_TOKEN"): "npm.internal.example.com",
		variable("UNSCOPED_TOKEN"): "registry.npmjs.org",
		variable("INSTALL_TOKEN"):  "registry.npmjs.org",
		variable("COMPUTED_TOKEN"): "npm.internal.example.com",
		variable("LINE_TOKEN"):     "npm.internal.example.com",
	})

	account := func(host, name string) string { return graph.RegistryAccountID(host, variable(name)) }

	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "NPM_TOKEN"):            {},
		account("npm.internal.example.com", "INTERNAL_TOKEN"): {Registry: true},
		account("registry.npmjs.org", "UNSCOPED_TOKEN"):       {},
		account("registry.npmjs.org", "INSTALL_TOKEN"):        {},
		account("npm.internal.example.com", "COMPUTED_TOKEN"): {Registry: true},
		account("npm.internal.example.com", "LINE_TOKEN"):     {Registry: true},
	})
	// The plan's revoke step for the token names the registry of an npm
	// account.
	if eco := findNode(t, res, account("registry.npmjs.org", "NPM_TOKEN")).Attr("ecosystem"); eco != "npm" {
		t.Errorf("ecosystem of the account of NPM_TOKEN: %q, want npm", eco)
	}
}

// A package.json that is a named pipe has no writer, so opening it would
// block the parse forever. It is skipped as an unreadable package.json is,
// and the release goes to the default registry.
func TestReleasePackageJSONFIFO(t *testing.T) {
	dir := t.TempDir()
	ci := "publish:\n  script:\n    - echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc\n    - npm publish\n"
	if err := os.WriteFile(filepath.Join(dir, ".gitlab-ci.yml"), []byte(ci), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "package.json"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := parseAt(t, dir, ".gitlab-ci.yml", testProject)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("parse: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("parse with a FIFO package.json did not return within 5s")
	}
}

// An .npmrc line counts for the releases after it: a release before the
// line sends no token of it, though the token still logs in on its
// registry. That holds within one script item as well as across items.
func TestReleaseNpmrcLineOrder(t *testing.T) {
	src := `publish:
  script:
    - echo "//registry.npmjs.org/:_authToken=${EARLY_TOKEN}" > .npmrc
    - |
      npm publish
      echo "//registry.npmjs.org/:_authToken=${LATE_TOKEN}" > .npmrc
    - echo "//registry.npmjs.org/:_authToken=${LAST_TOKEN}" > .npmrc
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		name      string
		publishes bool
	}{
		{"EARLY_TOKEN", true},
		{"LATE_TOKEN", false},
		{"LAST_TOKEN", false},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, tt.name))
		if got := targets(res, graph.GitLabVariableID(testProject, tt.name), graph.EdgeAuthenticatesAs); !cmp.Equal(got, []string{account}) {
			t.Errorf("%s authenticates as %v, want %s", tt.name, got, account)
		}
		if got := slices.Contains(targets(res, account, graph.EdgeCanAccess), scope); got != tt.publishes {
			t.Errorf("%s publishes on registry.npmjs.org: %v, want %v", tt.name, got, tt.publishes)
		}
	}
}

// Yarn 2 and later read the registry token from .yarnrc.yml
// (npmAuthToken), and npm from .npmrc. An npm release sends no token that
// the job wrote for Yarn. yarn npm publish sends a token written into
// .npmrc only if .yarnrc.yml names it, which the input does not show, so
// that release publishes possibly.
func TestReleaseNpmrcAndYarnrc(t *testing.T) {
	src := `npm-release:
  script:
    - yarn config set npmAuthToken "${YARN_ONLY_TOKEN}"
    - npm publish
yarn-release:
  script:
    - echo "//registry.npmjs.org/:_authToken=${NPMRC_TOKEN}" > .npmrc
    - yarn config set npmAuthToken "${YARNRC_TOKEN}"
    - yarn npm publish
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		name string
		want graph.Confidence // "" for no release with the token
	}{
		{"YARN_ONLY_TOKEN", ""},
		{"NPMRC_TOKEN", graph.Possible},
		{"YARNRC_TOKEN", graph.Certain},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, tt.name))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("%s publishes on registry.npmjs.org with confidence %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A line may write both files, one command each. The file a token goes to
// is that of its own command: npm publish sends NPMRC_TOKEN, written into
// .npmrc, and not YARNRC_TOKEN; yarn npm publish sends YARNRC_TOKEN, and
// NPMRC_TOKEN only possibly.
func TestReleaseNpmrcAndYarnrcOnOneLine(t *testing.T) {
	src := `npm-release:
  script:
    - echo "//registry.npmjs.org/:_authToken=${NPMRC_TOKEN}" > .npmrc; yarn config set npmAuthToken "${YARNRC_TOKEN}"
    - npm publish
yarn-release:
  script:
    - yarn config set npmAuthToken "${YARN_TOKEN}" && echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc
    - yarn npm publish
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		name string
		want graph.Confidence // "" for no release with the token
	}{
		{"NPMRC_TOKEN", graph.Certain},
		{"YARNRC_TOKEN", ""},
		{"YARN_TOKEN", graph.Certain},
		{"NPM_TOKEN", graph.Possible},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, tt.name))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("%s publishes on registry.npmjs.org with confidence %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Yarn 2 and later take most settings from the variable of their name in upper
// snake case after YARN_, so YARN_NPM_AUTH_TOKEN is npmAuthToken, which
// only yarn npm publish sends. npm and Yarn 1 do not read it.
func TestReleaseYarnAuthTokenVariable(t *testing.T) {
	src := `npm-release:
  variables:
    YARN_NPM_AUTH_TOKEN: $NPM_RELEASE_TOKEN
  script:
    - npm publish
classic-release:
  variables:
    YARN_NPM_AUTH_TOKEN: $CLASSIC_RELEASE_TOKEN
  script:
    - yarn publish
berry-release:
  variables:
    YARN_NPM_AUTH_TOKEN: $BERRY_RELEASE_TOKEN
  script:
    - yarn npm publish
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		name string
		want graph.Confidence // "" for no release with the token
	}{
		{"NPM_RELEASE_TOKEN", ""},
		{"CLASSIC_RELEASE_TOKEN", ""},
		{"BERRY_RELEASE_TOKEN", graph.Certain},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, tt.name))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("%s publishes on registry.npmjs.org with confidence %q, want %q", tt.name, got, tt.want)
		}
	}
}

// A variable that release tools read (TWINE_PASSWORD, NPM_TOKEN) exported
// by an earlier line of the job's shell carries the CI/CD variable its
// value reads to the release. An export after the release, or in
// after_script, which starts a new shell, carries nothing.
func TestReleaseExportedAuthVariable(t *testing.T) {
	src := `pypi:
  before_script:
    - export TWINE_PASSWORD="${PYPI_UPLOAD_TOKEN}"
  script:
    - twine upload dist/*
    - export TWINE_PASSWORD="${LATE_TOKEN}"
  after_script:
    - export TWINE_PASSWORD="${AFTER_TOKEN}"
yarn:
  script:
    - export YARN_NPM_AUTH_TOKEN="${YARN_TOKEN}"
    - yarn npm publish
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		name, host string
		publishes  bool
	}{
		{"PYPI_UPLOAD_TOKEN", "pypi.org", true},
		{"LATE_TOKEN", "pypi.org", false},
		{"AFTER_TOKEN", "pypi.org", false},
		{"YARN_TOKEN", "registry.npmjs.org", true},
	} {
		account := graph.RegistryAccountID(tt.host, graph.GitLabVariableID(testProject, tt.name))
		got := slices.Contains(targets(res, account, graph.EdgeCanAccess), graph.RegistryScopeID(tt.host))
		if got != tt.publishes {
			t.Errorf("%s publishes on %s: %v, want %v", tt.name, tt.host, got, tt.publishes)
		}
	}
}

// An exported value reads variables as the shell expands it: not inside
// single quotes, which keep $NAME as it is, and not through a command's
// output, which holds no variable's value (a file path read by cat). A
// NAME=VALUE line without export counts as an export does.
func TestReleaseExportedValueQuoting(t *testing.T) {
	src := `single:
  script:
    - export TWINE_PASSWORD='$SINGLE_QUOTED'
    - twine upload dist/*
output:
  script:
    - export TWINE_PASSWORD="$(cat "$TOKEN_PATH")"
    - twine upload dist/*
double:
  script:
    - export NPM_TOKEN="pre-${DOUBLE_QUOTED}"
    - npm publish
plain:
  script:
    - TWINE_PASSWORD="${PLAIN_ASSIGNED}"
    - twine upload dist/*
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		name, host string
		publishes  bool
	}{
		{"SINGLE_QUOTED", "pypi.org", false},
		{"TOKEN_PATH", "pypi.org", false},
		{"DOUBLE_QUOTED", "registry.npmjs.org", true},
		{"PLAIN_ASSIGNED", "pypi.org", true},
	} {
		account := graph.RegistryAccountID(tt.host, graph.GitLabVariableID(testProject, tt.name))
		got := slices.Contains(targets(res, account, graph.EdgeCanAccess), graph.RegistryScopeID(tt.host))
		if got != tt.publishes {
			t.Errorf("%s publishes on %s: %v, want %v", tt.name, tt.host, got, tt.publishes)
		}
	}
}

// A variable that the shell unsets before the release carries nothing.
func TestReleaseUnsetAuthVariable(t *testing.T) {
	src := `pypi:
  script:
    - export TWINE_PASSWORD="${UNSET_TOKEN}"
    - unset TWINE_PASSWORD
    - twine upload dist/*
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	account := graph.RegistryAccountID("pypi.org", graph.GitLabVariableID(testProject, "UNSET_TOKEN"))
	if slices.Contains(targets(res, account, graph.EdgeCanAccess), graph.RegistryScopeID("pypi.org")) {
		t.Error("UNSET_TOKEN publishes on pypi.org, want nothing: the shell unset the variable before the release")
	}
}

// env -C web starts its shell in web, so the shell's npm publish releases
// the package in web, not the one at the top of the clone.
func TestReleaseShellInWrapperDir(t *testing.T) {
	src := `shell:
  script:
    - env -C web sh -c 'npm publish --//registry.npmjs.org/:_authToken=$SHELL_TOKEN'
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	id := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, "SHELL_TOKEN"))
	if n := findNode(t, res, id); n.Attr(graph.AttrReleasesProject) == "true" {
		t.Error("SHELL_TOKEN releases the project at the top, want the package in web")
	}
}

// before_script and script items run in one shell, so an unset in an
// earlier item takes the token from a later release. after_script and a
// bash -c script run in shells of their own, whose unset is not theirs.
func TestReleaseUnsetAcrossItems(t *testing.T) {
	for _, tt := range []struct {
		name, items string
		publishes   bool
	}{
		{"before_script", "  before_script:\n    - unset NODE_AUTH_TOKEN\n  script:\n    - npm publish\n", false},
		{"earlier item", "  script:\n    - unset NODE_AUTH_TOKEN\n    - npm publish\n", false},
		{"after_script", "  script:\n    - unset NODE_AUTH_TOKEN\n  after_script:\n    - npm publish\n", true},
		{"bash -c", "  script:\n    - bash -c 'unset NODE_AUTH_TOKEN'\n    - npm publish\n", true},
		{"bash -c, same item", "  script:\n    - bash -c 'unset NODE_AUTH_TOKEN'; npm publish\n", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "npm:\n  variables:\n    NODE_AUTH_TOKEN: $NPM_TOKEN\n" + tt.items
			res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res)
			account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabVariableID(testProject, "NPM_TOKEN"))
			got := slices.Contains(targets(res, account, graph.EdgeCanAccess), graph.RegistryScopeID("registry.npmjs.org"))
			if got != tt.publishes {
				t.Errorf("NPM_TOKEN publishes on registry.npmjs.org: %v, want %v", got, tt.publishes)
			}
		})
	}
}
