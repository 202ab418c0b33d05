package gitlab

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// A credential written into a script is found by its shape or by the
// option that takes it, on the line that holds it, and reported once
// however many jobs extend the template that holds it.
func TestScriptLiterals(t *testing.T) {
	ghToken := "glpat-" + strings.Repeat("Xy3_", 6)
	ci := strings.Join([]string{
		".push:", // 1
		"  script:",
		"    - docker login -u ci -p S3cr3t-Passw0rd registry.example.com", // 3
		"publish-a:",
		"  extends: .push",
		"publish-b:", // 6
		"  extends: .push",
		"  script:",
		"    - echo ok",
		"    - |", // 10
		"      git remote add up https://ci:" + ghToken + "@gitlab.example.com/acme/app.git", // 11
		`    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc`,                // 12
	}, "\n")

	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	login := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", ".push", "script@3")
	remote := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "publish-b", "script@10")
	for job, want := range map[string][]string{
		"publish-a": {login},
		"publish-b": {remote},
	} {
		var got []string
		for _, id := range targets(res, jobID(".gitlab-ci.yml", job), graph.EdgeExposes) {
			if strings.HasPrefix(id, "secret:gitlab:inline:") {
				got = append(got, id)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: literal credentials (-want +got):\n%s", job, diff)
		}
	}
	if got := findNode(t, res, remote).Attr(graph.AttrName); got != "GitLab token" {
		t.Errorf("name of %s = %q, want GitLab token", remote, got)
	}

	warned := resulttest.Warnings(res)
	want := []string{
		"in/.gitlab-ci.yml:3: job publish-a: the script contains a literal registry login password; store it as a masked CI/CD variable and rotate it",
		"in/.gitlab-ci.yml:11: job publish-b: the script contains a literal GitLab token; store it as a masked CI/CD variable and rotate it",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	resulttest.NoValues(t, res, ghToken, "S3cr3t-Passw0rd")
}

// Each value in a literal block is placed on its own line, and one in a
// folded block on the block's script item.
func TestScriptLiteralsBlockLines(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("N6p4", 9)
	ci := strings.Join([]string{
		"build:",
		"  script:",
		"    - |", // 3
		"      echo start",
		"      echo " + npmToken, // 5
		"      curl \\",
		"        -H 'Authorization: Bearer abcdefgh12345678' \\", // 7
		"        https://api.example.com",
		"    - >", // 9
		"      docker login -u ci",
		"      -p S3cr3t-Passw0rd registry.example.com",
	}, "\n")

	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	warned := resulttest.Warnings(res)
	want := []string{
		"in/.gitlab-ci.yml:5: job build: the script contains a literal npm token; store it as a masked CI/CD variable and rotate it",
		"in/.gitlab-ci.yml:7: job build: the script contains a literal token in an Authorization header; store it as a masked CI/CD variable and rotate it",
		"in/.gitlab-ci.yml:9: job build: the script contains a literal registry login password; store it as a masked CI/CD variable and rotate it",
	}
	if diff := cmp.Diff(want, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	labels := map[string]string{}
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:gitlab:inline:") {
			labels[n.ID] = n.Label
		}
	}
	id := func(key string) string {
		return graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "build", key)
	}
	wantLabels := map[string]string{
		id("script@3"):   "npm token (literal in .gitlab-ci.yml, line 5)",
		id("script@3/2"): "token in an Authorization header (literal in .gitlab-ci.yml, line 7)",
		id("script@9"):   "registry login password (literal in .gitlab-ci.yml, line 9)",
	}
	if diff := cmp.Diff(wantLabels, labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

// A password written into a docker login logs in to the registry account
// that can push the images the job pushes there afterwards.
func TestLiteralLoginPublishes(t *testing.T) {
	ci := strings.Join([]string{
		"build:",
		"  script:",
		"    - docker login -u ci -p S3cr3t-Passw0rd registry.example.com", // 3
		"    - docker push registry.example.com/acme/app:1.0",
	}, "\n")

	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "build", "script@3")
	account := graph.RegistryAccountID("registry.example.com", secret)
	if diff := cmp.Diff([]string{account}, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("the password logs in as (-want +got):\n%s", diff)
	}
	if got := targets(res, account, graph.EdgeCanPublish); len(got) != 1 || !strings.HasPrefix(got[0], "pkg:docker/acme/app") {
		t.Errorf("the account publishes %v, want the image acme/app", got)
	}

	resulttest.NoValues(t, res, "S3cr3t-Passw0rd")
}

// An npm token written to .npmrc by one script item, and a PyPI token on
// twine's command line, log in to their registries' accounts as a
// CI/CD variable would.
func TestLiteralReleaseTokens(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("T5v8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Yy7-", 13)
	ci := strings.Join([]string{
		"release:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > .npmrc`, // 3
		"    - npm publish",
		"    - twine upload -u __token__ -p " + pypiToken + " dist/*", // 5
	}, "\n")

	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct{ secret, host string }{
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"), "registry.npmjs.org"},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@5"), "pypi.org"},
	} {
		account := graph.RegistryAccountID(tt.host, tt.secret)
		if diff := cmp.Diff([]string{account}, targets(res, tt.secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", tt.secret, diff)
		}
		if diff := cmp.Diff([]string{graph.RegistryScopeID(tt.host)}, targets(res, account, graph.EdgeCanAccess)); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", account, diff)
		}
		if n := findNode(t, res, account); n.Attr(graph.AttrReleasesProject) != "true" {
			t.Errorf("%s does not release the project", account)
		}
	}

	resulttest.NoValues(t, res, npmToken, pypiToken)
}

// A token on a release's line logs in for the release only when the
// release command, or a command before it that writes the token to
// .npmrc, receives it. The token that echo prints is a literal that logs
// in nowhere. The one written to .npmrc after the last release logs in to
// registry.npmjs.org, the registry its key names and the only one npm
// sends it to (npm's npmrc documentation, "Auth related configuration"),
// but no release uses it.
func TestLiteralReleaseElsewhere(t *testing.T) {
	printed := "npm_" + strings.Repeat("P1r2", 9)
	configured := "npm_" + strings.Repeat("C3f4", 9)
	late := "npm_" + strings.Repeat("L5t6", 9)
	ci := strings.Join([]string{
		"release:",
		"  script:",
		"    - echo " + printed + " > /dev/null && npm publish", // 3
		"    - npm config set //registry.npmjs.org/:_authToken " + configured + " && npm publish",
		"    - npm publish && npm config set //registry.npmjs.org/:_authToken " + late, // 5
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		secret string
		login  bool
	}{
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"), false},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@4"), true},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@5"), true},
	} {
		findNode(t, res, tt.secret)
		var want []string
		if tt.login {
			want = []string{graph.RegistryAccountID("registry.npmjs.org", tt.secret)}
		}
		if diff := cmp.Diff(want, targets(res, tt.secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", tt.secret, diff)
		}
	}
	lateID := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@5")
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", lateID): {},
	})
	resulttest.NoValues(t, res, printed, configured, late)
}

// A token set with yarn config set npmAuthToken logs in to the npm
// account of a later yarn npm publish, and one set with poetry config
// pypi-token.pypi to the PyPI account of a later poetry publish. A token
// of another Poetry repository, and a Poetry token for twine, which does
// not read Poetry's configuration, log in nowhere.
func TestLiteralReleaseToolConfig(t *testing.T) {
	ci := strings.Join([]string{
		"release:",
		"  before_script:",
		"    - yarn config set npmAuthToken z9x8c7v6b5n4m3l2", // 3
		"    - poetry config pypi-token.pypi t0ken-f0r-the-index",
		"    - poetry config pypi-token.internal t0ken-f0r-internal", // 5
		"  script:",
		"    - yarn npm publish",
		"    - poetry publish --build",
		"twine:",
		"  script:",
		"    - poetry config pypi-token.pypi t0ken-n0t-f0r-twine", // 11
		"    - twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		secret, host string
	}{
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"), "registry.npmjs.org"},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@4"), "pypi.org"},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@5"), ""},
		{graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "twine", "script@11"), ""},
	} {
		findNode(t, res, tt.secret)
		var want []string
		if tt.host != "" {
			want = []string{graph.RegistryAccountID(tt.host, tt.secret)}
		}
		if diff := cmp.Diff(want, targets(res, tt.secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", tt.secret, diff)
		}
	}
}

// A token exported to a variable that release tools read logs in the
// releases after it in the same script item.
func TestLiteralReleaseExported(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("E7x8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Ex9-", 13)
	ci := strings.Join([]string{
		"release:",
		"  script:",
		"    - |", // 3
		"      export NPM_TOKEN=" + npmToken,
		"      npm publish",
		"      export TWINE_PASSWORD=" + pypiToken + " && twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"):   "registry.npmjs.org",
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3/2"): "pypi.org",
	})
}

// A token that declare -x or typeset -x exports logs in the releases
// after it, as an exported one does.
func TestLiteralReleaseDeclared(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("D7x8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Dx9-", 13)
	ci := strings.Join([]string{
		"release:",
		"  script:",
		"    - |", // 3
		"      declare -x NPM_TOKEN=" + npmToken,
		"      npm publish",
		"      typeset -rx TWINE_PASSWORD=" + pypiToken + " && twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"):   "registry.npmjs.org",
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3/2"): "pypi.org",
	})
}

// npm logs in with basic authentication from an .npmrc _auth or
// _password, so a later release logs in with the value written there.
func TestLiteralReleaseBasicAuth(t *testing.T) {
	ci := strings.Join([]string{
		"scoped:",
		"  script:",
		`    - echo "//npm.example.com/:_auth=ZGVwbG95OnMzY3IzdA==" >> ~/.npmrc`, // 3
		"    - npm publish --registry https://npm.example.com/",
		"password:",
		"  script:",
		`    - echo "//npm.example.com/:_password=UzNjcjN0LVBhc3N3MHJk" >> ~/.npmrc`, // 7
		"    - npm publish --registry https://npm.example.com/",
		"bare:",
		"  script:",
		"    - echo _auth=YnVpbGQ6UzNjcjN0Mg== > .npmrc", // 11
		"    - npm publish",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct{ job, key, host string }{
		{"scoped", "script@3", "npm.example.com"},
		{"password", "script@7", "npm.example.com"},
		{"bare", "script@11", "registry.npmjs.org"},
	} {
		secret := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", tt.job, tt.key)
		findNode(t, res, secret)
		want := []string{graph.RegistryAccountID(tt.host, secret)}
		if diff := cmp.Diff(want, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", secret, diff)
		}
	}
}

// A release that reads its input from a pipe logs in as any other. A
// token that echo pipes to npm publish logs in nowhere, because npm
// reads no token from its input.
func TestLiteralReleasePiped(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("P7p8", 9)
	piped := "npm_" + strings.Repeat("Q7q8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Pp9-", 13)
	ci := strings.Join([]string{
		"release:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > .npmrc`, // 3
		"    - echo y | npm publish",
		"    - yes | twine upload -u __token__ -p " + pypiToken + " dist/*", // 5
		"piped:",
		"  script:",
		"    - echo " + piped + " | npm publish", // 8
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct{ job, key, host string }{
		{"release", "script@3", "registry.npmjs.org"},
		{"release", "script@5", "pypi.org"},
		{"piped", "script@8", ""},
	} {
		secret := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", tt.job, tt.key)
		findNode(t, res, secret)
		var want []string
		if tt.host != "" {
			want = []string{graph.RegistryAccountID(tt.host, secret)}
		}
		if diff := cmp.Diff(want, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", secret, diff)
		}
	}
	resulttest.NoValues(t, res, npmToken, piped, pypiToken)
}

// before_script and script items run in one shell, so a token that one
// item exports logs in the releases of later items. after_script runs in
// a shell of its own, which does not have the variables that the other
// items exported.
func TestLiteralReleaseExportedItems(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("I7t8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("It9-", 13)
	ci := strings.Join([]string{
		"release:",
		"  before_script:",
		"    - export NPM_TOKEN=" + npmToken, // 3
		"  script:",
		"    - npm publish",
		"    - export TWINE_PASSWORD=" + pypiToken, // 6
		"  after_script:",
		"    - npm publish --registry https://npm.example.com",
		"    - twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	npmSecret := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3")
	pypiSecret := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@6")
	findNode(t, res, npmSecret)
	findNode(t, res, pypiSecret)

	want := []string{graph.RegistryAccountID("registry.npmjs.org", npmSecret)}
	if diff := cmp.Diff(want, targets(res, npmSecret, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("exported npm token logs in as (-want +got):\n%s", diff)
	}
	if got := targets(res, pypiSecret, graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("token exported before after_script logs in as %v, want nothing", got)
	}
	resulttest.NoValues(t, res, npmToken, pypiToken)
}

// A script item that YAML reads as a mapping, an unquoted line with ": "
// in it, is reported: GitLab rejects it, and its command is not read.
func TestScriptMappingItem(t *testing.T) {
	ci := strings.Join([]string{
		".base:", // 1
		"  script:",
		`    - echo "npmAuthToken: q1w2e3r4t5y6u7i8" >> .yarnrc.yml`, // 3
		"publish-a:",
		"  extends: .base",
		"publish-b:", // 6
		"  extends: .base",
		"  before_script:",
		`    - 'echo "npmAuthToken: quoted" >> .yarnrc.yml'`,
		`    - - echo "key: value"`, // 10: a nested sequence
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"in/.gitlab-ci.yml:3: job publish-a: an item of script is a mapping, not a command, so it is not read; quote the item",
		"in/.gitlab-ci.yml:10: job publish-b: an item of before_script is a mapping, not a command, so it is not read; quote the item",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// A template that no job runs still holds its literal where everyone who
// can read the repository reads it: a Secret that no job exposes, with a
// warning. One that a job runs is recorded once, for the job.
func TestTemplateLiterals(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("T3m9", 9)
	ci := strings.Join([]string{
		".unused:", // 1
		"  script:",
		"    - npm publish --//registry.npmjs.org/:_authToken=" + npmToken, // 3
		".replaced:",
		"  before_script:",
		"    - docker login -u ci -p S3cr3t-Passw0rd registry.example.com", // 6
		".used:",
		"  script:",
		"    - curl -u bot:Sup3rS3cret https://api.example.com", // 9
		"build:",
		"  extends: [.used, .replaced]",
		"  before_script:",
		"    - echo ok",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	unused := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", ".unused", "script@3")
	replaced := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", ".replaced", "script@6")
	used := graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", ".used", "script@9")

	for _, id := range []string{unused, replaced, used} {
		if n := findNode(t, res, id); n.Attr(graph.AttrStoredInline) != "true" {
			t.Errorf("%s is not stored inline", id)
		}
	}

	exposed := resulttest.Edges(res, graph.EdgeExposes, "secret:gitlab:inline:")
	if diff := cmp.Diff([]string{jobID(".gitlab-ci.yml", "build") + " -> " + used}, exposed); diff != "" {
		t.Errorf("exposed literals (-want +got):\n%s", diff)
	}

	// Jobs are read first; the pipeline sorts warnings by position later.
	want := []string{
		"in/.gitlab-ci.yml:9: job build: the script contains a literal password in curl's --user; store it as a masked CI/CD variable and rotate it",
		"in/.gitlab-ci.yml:3: template .unused: the script contains a literal npm token, which no job runs but everyone who can read the repository can read; rotate it and remove it",
		"in/.gitlab-ci.yml:6: template .replaced: the script contains a literal registry login password, which no job runs but everyone who can read the repository can read; rotate it and remove it",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	resulttest.NoValues(t, res, npmToken, "S3cr3t-Passw0rd", "Sup3rS3cret")
}

// npm sends a token of an .npmrc key scoped to a registry
// (//host/path/:_authToken) only to that host, under that path. It sends
// a token with no scope only to the default registry (npm's npmrc
// documentation, "Auth related configuration"). So each token below logs
// in to the registry it is scoped to, whatever registry the publishes
// after it name, and its account publishes only when a release goes to
// that registry.
func TestLiteralReleaseScopedToken(t *testing.T) {
	ci := strings.Join([]string{
		"same-host:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=s4m3h0stT0ken1234" > ~/.npmrc`, // 3
		"    - npm publish",
		"    - npm publish --registry https://registry.npmjs.org/",
		"other-host:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=0th3rh0stT0ken5678" > ~/.npmrc`, // 8
		"    - npm publish --registry https://npm.pkg.github.com",
		"job-registry:",
		"  variables:",
		"    NPM_CONFIG_REGISTRY: https://npm.pkg.github.com/",
		"  script:",
		`    - npm config set //registry.npmjs.org/:_authToken j0bR3g1stryT0ken12 && npm publish`, // 14
		"config-set:",
		"  script:",
		"    - npm config set //npm.pkg.github.com/:_authToken c0nf1gS3tT0ken9012", // 17
		"    - npm publish",
		"    - npm publish --registry=https://npm.pkg.github.com/",
		"other-path:",
		"  script:",
		`    - printf '//npm.example.com/team/:_authToken=%s\n' 0th3rP4thT0ken12 >> .npmrc`, // 22
		"    - npm publish --registry https://npm.example.com/other/",
		"unscoped:",
		"  script:",
		"    - echo _authToken=unsc0p3dT0ken7890 >> .npmrc", // 26
		"    - npm publish --registry https://npm.pkg.github.com",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string {
		return graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", job, key)
	}
	resulttest.Logins(t, res, map[string]string{
		secret("same-host", "script@3"):     "registry.npmjs.org",
		secret("other-host", "script@8"):    "registry.npmjs.org",
		secret("job-registry", "script@14"): "registry.npmjs.org",
		secret("config-set", "script@17"):   "npm.pkg.github.com",
		secret("other-path", "script@22"):   "npm.example.com",
		secret("unscoped", "script@26"):     "registry.npmjs.org",
	})
	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "same-host", "script@3"):     {Registry: true, Project: true},
		account("registry.npmjs.org", "other-host", "script@8"):    {},
		account("registry.npmjs.org", "job-registry", "script@14"): {},
		account("npm.pkg.github.com", "config-set", "script@17"):   {Registry: true},
		account("npm.example.com", "other-path", "script@22"):      {},
		account("registry.npmjs.org", "unscoped", "script@26"):     {},
	})
}

// A token assigned to a variable reaches a release through plain
// assignments of that variable to others in the items of a job's
// before_script and script, which run in one shell, as bash expands
// them. after_script runs in a shell of its own, where the variables of
// the script are unset.
func TestLiteralReleaseThroughVariables(t *testing.T) {
	ci := strings.Join([]string{
		"release:",
		"  before_script:",
		"    - TOKEN=abcd1234efgh5678ijkl9012", // 3
		"  script:",
		"    - export NPM_TOKEN=$TOKEN",
		`    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
		"after:",
		"  script:",
		"    - export TOKEN=4ft3rScr1ptT0ken56", // 10
		"  after_script:",
		`    - echo "//registry.npmjs.org/:_authToken=${TOKEN}" > ~/.npmrc`,
		"    - npm publish",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "release", "script@3"): "registry.npmjs.org",
		graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", "after", "script@10"):  "",
	})
	// The script sets NPM_TOKEN, so it is no CI/CD variable of the project.
	variable := graph.GitLabVariableID(testProject, "NPM_TOKEN")
	if got := targets(res, variable, graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("%s logs in as %v, want nothing", variable, got)
	}
}

// A variable that the script assigns from a CI/CD variable holds that
// variable's value, so a release that reads it logs in with the CI/CD
// variable.
func TestReleaseThroughAssignedVariable(t *testing.T) {
	ci := strings.Join([]string{
		"release:",
		"  script:",
		"    - export NPM_TOKEN=$CI_NPM",
		`    - echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
		"    - npm publish",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	source := graph.GitLabVariableID(testProject, "CI_NPM")
	want := []string{graph.RegistryAccountID("registry.npmjs.org", source)}
	if diff := cmp.Diff(want, targets(res, source, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("CI_NPM logs in as (-want +got):\n%s", diff)
	}
	assigned := graph.GitLabVariableID(testProject, "NPM_TOKEN")
	if hasNode(res, assigned) {
		t.Errorf("node %s written for a variable the script sets", assigned)
	}
	if got := targets(res, assigned, graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("NPM_TOKEN logs in as %v, want nothing", got)
	}
}

// A literal token follows the same files as a variable's: npm publish
// sends no token written for Yarn's npmAuthToken, and yarn npm publish
// sends an .npmrc token only if .yarnrc.yml names it, so possibly.
func TestLiteralReleaseNpmrcAndYarnrc(t *testing.T) {
	ci := strings.Join([]string{
		"npm-release:",
		"  script:",
		"    - yarn config set npmAuthToken npm_" + strings.Repeat("y", 36), // 3
		"    - npm publish",
		"yarn-release:",
		"  script:",
		`    - echo "//registry.npmjs.org/:_authToken=npmrcL1t3ralT0k3n99" > .npmrc`, // 7
		"    - yarn npm publish",
	}, "\n")
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(ci))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		job, key string
		want     graph.Confidence // "" for no release with the token
	}{
		{"npm-release", "script@3", ""},
		{"yarn-release", "script@7", graph.Possible},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GitLabInlineSecretID(testProject, ".gitlab-ci.yml", tt.job, tt.key))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("%s: the token publishes on registry.npmjs.org with confidence %q, want %q", tt.job, got, tt.want)
		}
	}
}

// TestScriptLiteralsRepeatedAndBounded checks that a credential written
// several times in a job's scripts is one secret, and that a job records
// at most literal.MaxPerScript distinct ones, with a warning about the
// rest.
func TestScriptLiteralsRepeatedAndBounded(t *testing.T) {
	token := "npm_" + strings.Repeat("k7Q2", 9)
	lines := []string{"build:", "  script:"}
	for range 3 {
		lines = append(lines, `    - echo "//registry.npmjs.org/:_authToken=`+token+`" >> .npmrc`)
	}
	for i := range literal.MaxPerScript + 5 {
		lines = append(lines, fmt.Sprintf(`    - echo "//r%d.example.com/:_authToken=npm_%036d"`, i, i))
	}
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}

	secrets := 0
	for _, n := range res.Nodes {
		if strings.HasPrefix(n.ID, "secret:gitlab:inline:") {
			secrets++
		}
	}
	if secrets != literal.MaxPerScript {
		t.Errorf("%d literal secrets, want %d: one for the repeated token and the rest up to the bound", secrets, literal.MaxPerScript)
	}
	bounded := 0
	for _, w := range resulttest.Warnings(res) {
		if strings.Contains(w, "more than 100 literal credentials") {
			bounded++
		}
	}
	if bounded != 1 {
		t.Errorf("%d warnings about the bound, want 1", bounded)
	}
	resulttest.NoValues(t, res, token)
}
