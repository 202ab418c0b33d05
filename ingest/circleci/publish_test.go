package circleci

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

func TestRegistryPublish(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/base:2024.01
    environment:
      PLAIN: not-a-secret
    steps:
      - run: echo "$DOCKER_PASS" | docker login -u "$DOCKER_USER" --password-stdin
      - run: docker push example-org/app:$CIRCLE_SHA1
      - run: echo "$PLAIN" | docker login -u x --password-stdin quay.io
      - run: docker push quay.io/example-org/app:1
workflows:
  main:
    jobs:
      - release:
          context: [docker-hub]
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	account := graph.RegistryAccountID("docker.io", graph.CircleCIProjectVariablesID(testRepo)+"/DOCKER_PASS")
	var from []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeAuthenticatesAs && e.To == account {
			if e.Confidence != graph.Possible {
				t.Errorf("%s -> account is %s, want possible", e.From, e.Confidence)
			}
			from = append(from, e.From)
		}
	}
	sort.Strings(from)
	// Either the project's variables or the job's context may hold it.
	want := []string{graph.CircleCIContextID("example-org", "docker-hub"), graph.CircleCIProjectVariablesID(testRepo)}
	sort.Strings(want)
	if diff := cmp.Diff(want, from); diff != "" {
		t.Errorf("AUTHENTICATES_AS sources (-want +got):\n%s", diff)
	}
	var published []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanPublish {
			published = append(published, e.From+" "+e.To+" "+string(e.Confidence))
		}
	}
	// The quay.io login uses a variable the job sets itself: no account.
	if diff := cmp.Diff([]string{account + " pkg:docker/example-org/app certain"}, published); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

func TestRegistryReleases(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:20.11
    environment:
      LOCAL_NPM_TOKEN: not-a-secret
    steps:
      - run: echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > ~/.npmrc
      - run: npm publish
      - run: npm publish --//registry.npmjs.org/:_authToken=$LOCAL_NPM_TOKEN
      - run: twine upload -u __token__ -p "$PYPI_TOKEN" dist/*
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	var reach []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanAccess && e.To != "" && (e.To == graph.RegistryScopeID("registry.npmjs.org") || e.To == graph.RegistryScopeID("pypi.org")) {
			reach = append(reach, e.From+" "+e.To)
		}
	}
	sort.Strings(reach)
	vars := graph.CircleCIProjectVariablesID(testRepo)
	// The job sets LOCAL_NPM_TOKEN itself: it is no secret of the project.
	want := []string{
		graph.RegistryAccountID("pypi.org", vars+"/PYPI_TOKEN") + " " + graph.RegistryScopeID("pypi.org"),
		graph.RegistryAccountID("registry.npmjs.org", vars+"/NPM_TOKEN") + " " + graph.RegistryScopeID("registry.npmjs.org"),
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, reach); diff != "" {
		t.Errorf("CAN_ACCESS to registry scopes (-want +got):\n%s", diff)
	}
}

// A registry that an option names with a variable is set at run time: the
// release may go anywhere, and its reach of the default registry is only
// possible.
func TestReleaseRegistryFromVariable(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: npm publish --registry "$REGISTRY_URL" --//registry.npmjs.org/:_authToken=$NPM_TOKEN
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	account := graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIProjectVariablesID(testRepo)+"/NPM_TOKEN")
	e := findEdge(t, res, account, graph.EdgeCanAccess, graph.RegistryScopeID("registry.npmjs.org"))
	if e.Confidence != graph.Possible {
		t.Errorf("scope edge is %s, want possible", e.Confidence)
	}
	if !strings.Contains(e.Attr(graph.AttrReason), "set at run time") {
		t.Errorf("reason %q does not say the registry is set at run time", e.Attr(graph.AttrReason))
	}
}

// A registry token written into a run step logs in to its registry
// account, certainly. The token is on the release's line, or an earlier
// step wrote it to .npmrc. The account reaches the registry as one that a
// project variable logs in to.
func TestReleaseWithLiteralToken(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("R4t7", 9)
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > ~/.npmrc
      - run: npm publish
      - run: twine upload -u deploy -p Upl0ad-Passw0rd dist/*
      - run: echo "$(cat notes.txt) xoxb-1234567890-abcdefghij"
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	job := jobID("release")
	for _, tt := range []struct{ secret, host string }{
		{graph.CircleCIInlineSecretID(job, "run@7"), "registry.npmjs.org"},
		{graph.CircleCIInlineSecretID(job, "run@9"), "pypi.org"},
	} {
		account := graph.RegistryAccountID(tt.host, tt.secret)
		var logins, reach []string
		for _, e := range res.Edges {
			if e.Kind == graph.EdgeAuthenticatesAs && e.From == tt.secret {
				logins = append(logins, e.To+" "+string(e.Confidence))
			}
			if e.Kind == graph.EdgeCanAccess && e.From == account {
				reach = append(reach, e.To)
			}
		}
		if diff := cmp.Diff([]string{account + " certain"}, logins); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", tt.secret, diff)
		}
		if diff := cmp.Diff([]string{graph.RegistryScopeID(tt.host)}, reach); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", account, diff)
		}
	}
	// The Slack token is a literal too, but no registry takes it.
	slack := graph.CircleCIInlineSecretID(job, "run@10")
	findNode(t, res, slack)
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeAuthenticatesAs && e.From == slack {
			t.Errorf("%s logs in as %s, want no login", slack, e.To)
		}
	}
}

// A token on a release's line logs in for the release only when the
// release command, or a command before it that writes the token to
// .npmrc, receives it. The token that echo prints is a literal that logs
// in nowhere. The one written to .npmrc after the last release logs in to
// registry.npmjs.org, the registry its key names and the only one npm
// sends it to (npm's npmrc documentation, "Auth related configuration"),
// but no release uses it.
func TestReleaseWithLiteralElsewhere(t *testing.T) {
	printed := "npm_" + strings.Repeat("P1r2", 9)
	configured := "npm_" + strings.Repeat("C3f4", 9)
	late := "npm_" + strings.Repeat("L5t6", 9)
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: echo ` + printed + ` > /dev/null && npm publish
      - run: npm config set //registry.npmjs.org/:_authToken ` + configured + ` && npm publish
      - run: npm publish && npm config set //registry.npmjs.org/:_authToken ` + late + `
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("release")
	for _, tt := range []struct {
		secret string
		login  bool
	}{
		{graph.CircleCIInlineSecretID(job, "run@7"), false},
		{graph.CircleCIInlineSecretID(job, "run@8"), true},
		{graph.CircleCIInlineSecretID(job, "run@9"), true},
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
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIInlineSecretID(job, "run@9")): {},
	})
}

// A token set with yarn config set npmAuthToken logs in to the npm
// account of a later yarn npm publish, and one set with poetry config
// pypi-token.pypi to the PyPI account of a later poetry publish. A token
// of another Poetry repository, and a Poetry token for twine, which does
// not read Poetry's configuration, log in nowhere.
func TestReleaseWithLiteralToolConfig(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12-node
    steps:
      - run: yarn config set npmAuthToken z9x8c7v6b5n4m3l2
      - run: yarn npm publish
      - run: poetry config pypi-token.pypi t0ken-f0r-the-index
      - run: poetry config pypi-token.internal t0ken-f0r-internal
      - run: poetry publish --build
  twine:
    docker:
      - image: cimg/python:3.12
    steps:
      - run: poetry config pypi-token.pypi t0ken-n0t-f0r-twine
      - run: twine upload dist/*
workflows:
  main:
    jobs:
      - release
      - twine
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		secret, host string
	}{
		{graph.CircleCIInlineSecretID(jobID("release"), "run@7"), "registry.npmjs.org"},
		{graph.CircleCIInlineSecretID(jobID("release"), "run@9"), "pypi.org"},
		{graph.CircleCIInlineSecretID(jobID("release"), "run@10"), ""},
		{graph.CircleCIInlineSecretID(jobID("twine"), "run@16"), ""},
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
// releases after it in the same run step.
func TestReleaseWithLiteralExported(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("E7x8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Ex9-", 13)
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12-node
    steps:
      - run: |
          export NPM_TOKEN=` + npmToken + `
          npm publish
          export TWINE_PASSWORD=` + pypiToken + ` && twine upload dist/*
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.CircleCIInlineSecretID(jobID("release"), "run@7"):   "registry.npmjs.org",
		graph.CircleCIInlineSecretID(jobID("release"), "run@7/2"): "pypi.org",
	})
}

// Each run step runs in a shell of its own, so a token that one step
// exports logs in no release of a later step.
func TestReleaseWithLiteralExportedEarlierStep(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("S7t8", 9)
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:22.0
    steps:
      - run: export NPM_TOKEN=` + npmToken + `
      - run: npm publish
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := graph.CircleCIInlineSecretID(jobID("release"), "run@7")
	findNode(t, res, secret)
	if got := targets(res, secret, graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("token exported in an earlier step logs in as %v, want nothing", got)
	}
}

// A release that reads its input from a pipe logs in as any other.
func TestReleaseWithLiteralPiped(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("P7p8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Pp9-", 13)
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12-node
    steps:
      - run: echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > .npmrc
      - run: echo y | npm publish
      - run: yes | twine upload -u __token__ -p ` + pypiToken + ` dist/*
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.CircleCIInlineSecretID(jobID("release"), "run@7"): "registry.npmjs.org",
		graph.CircleCIInlineSecretID(jobID("release"), "run@9"): "pypi.org",
	})
}

func TestContainerLoginsNeedMountedConfig(t *testing.T) {
	// A tool in a container gets the job's docker login only when the
	// Docker config is mounted into it. Otherwise only the container's
	// own credentials push, and they log in to nothing outside it.
	src := `version: 2.1
jobs:
  mirror:
    docker:
      - image: cimg/base:2024.01
    steps:
      - run: echo "$GHCR_PW" | docker login -u bot --password-stdin ghcr.io
      - run: docker run --rm quay.io/skopeo/stable copy --dest-creds "bot:$OWN_PW" docker://registry.example.org/a:1 docker://ghcr.io/example-org/own:1
      - run: docker run --rm -v ~/.docker:/root/.docker gcr.io/go-containerregistry/crane copy registry.example.org/b:1 ghcr.io/example-org/mounted:1
workflows:
  main:
    jobs: [mirror]
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	host := graph.RegistryAccountID("ghcr.io", graph.CircleCIProjectVariablesID(testRepo)+"/GHCR_PW")
	if diff := cmp.Diff([]string{"pkg:docker/example-org/mounted?repository_url=ghcr.io"}, targets(res, host, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's docker login (-want +got):\n%s", diff)
	}
	own := graph.RegistryAccountID("ghcr.io", graph.CircleCIProjectVariablesID(testRepo)+"/OWN_PW")
	if diff := cmp.Diff([]string{"pkg:docker/example-org/own?repository_url=ghcr.io"}, targets(res, own, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the container's --dest-creds (-want +got):\n%s", diff)
	}
}

// A variable that a run step assigns is no project variable. A literal
// token assigned to it logs in as the literal, and a variable assigned
// from another, here CI_NPM, logs in as that one. Exports appended to
// $BASH_ENV apply to the later steps.
func TestReleaseThroughAssignedVariable(t *testing.T) {
	src := `version: 2.1
jobs:
  literal:
    docker:
      - image: cimg/node:22.0
    steps:
      - run: |
          TOKEN=abcd1234efgh5678ijkl9012
          export NPM_TOKEN=$TOKEN
          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
          npm publish
  variable:
    docker:
      - image: cimg/node:22.0
    steps:
      - run: |
          export NPM_TOKEN=$CI_NPM
          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
          npm publish
  bash-env:
    docker:
      - image: cimg/node:22.0
    steps:
      - run: echo "export PUBLISH_TOKEN=$CI_PUBLISH" >> $BASH_ENV
      - run: npm publish --//registry.npmjs.org/:_authToken=$PUBLISH_TOKEN
workflows:
  main:
    jobs: [literal, variable, bash-env]
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.CircleCIInlineSecretID(jobID("literal"), "run@7"): "registry.npmjs.org",
	})
	vars := graph.CircleCIProjectVariablesID(testRepo)
	var accounts []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeAuthenticatesAs && e.From == vars {
			accounts = append(accounts, e.To)
		}
	}
	sort.Strings(accounts)
	want := []string{
		graph.RegistryAccountID("registry.npmjs.org", vars+"/CI_NPM"),
		graph.RegistryAccountID("registry.npmjs.org", vars+"/CI_PUBLISH"),
	}
	if diff := cmp.Diff(want, accounts); diff != "" {
		t.Errorf("accounts of project variables (-want +got):\n%s", diff)
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
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: echo "//npm.example.com/:_authToken=h3r3T0kenAbcd1234efgh" > ~/.npmrc
      - run: npm publish
      - run: echo "//registry.npmjs.org/:_authToken=npmj5T0kenAbcd1234efgh" > ~/.npmrc
      - run: npm publish
      - run: npm publish --//npm.example.com/:_authToken=$NPM_TOKEN
workflows:
  main:
    jobs: [release]
`
	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.example.com/"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".circleci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".circleci", "config.yml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := parseAt(t, dir, ".circleci/config.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.CircleCIInlineSecretID(jobID("release"), "run@8"):  "npm.example.com",
		graph.CircleCIInlineSecretID(jobID("release"), "run@10"): "registry.npmjs.org",
	})
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIInlineSecretID(jobID("release"), "run@10")): {},
	})
	vars := graph.CircleCIProjectVariablesID(testRepo)
	want := []string{graph.RegistryAccountID("npm.example.com", vars+"/NPM_TOKEN")}
	if diff := cmp.Diff(want, targets(res, vars, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("project variables log in as (-want +got):\n%s", diff)
	}
}

// npm sends the value of an .npmrc auth setting only to the registry its
// key names, and the value of a key with no registry only to the default
// registry (npm's npmrc documentation, "Auth related configuration"). So
// a token scoped to registry.npmjs.org is a registry.npmjs.org token
// whatever the job publishes: it logs in there even when publishConfig
// (npm's package.json documentation, "publishConfig") sends the release
// elsewhere. Only a release to the token's registry lets its account
// publish.
func TestReleaseTokenLogsInWhereScoped(t *testing.T) {
	dir := t.TempDir()
	src := `version: 2.1
jobs:
  internal:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: echo "//registry.npmjs.org/:_authToken=1nt3rn4lT0kenAbcd1234" > ~/.npmrc
      - run: npm publish
  job-default:
    docker:
      - image: cimg/node:22.0
    environment:
      NPM_CONFIG_REGISTRY: https://npm.example.com/
    steps:
      - run: echo _authToken=j0bD3f4ultT0kenAbcd12 >> .npmrc
      - run: npm publish --registry https://npm.pkg.github.com
  reached:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: echo "//npm.internal.example.com/:_authToken=r34ch3dT0kenAbcd1234" > ~/.npmrc
      - run: npm publish
workflows:
  main:
    jobs: [internal, job-default, reached]
`
	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".circleci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".circleci", "config.yml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := parseAt(t, dir, ".circleci/config.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string { return graph.CircleCIInlineSecretID(jobID(job), key) }
	resulttest.Logins(t, res, map[string]string{
		secret("internal", "run@8"):     "registry.npmjs.org",
		secret("job-default", "run@16"): "npm.example.com",
		secret("reached", "run@23"):     "npm.internal.example.com",
	})
	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "internal", "run@8"):       {},
		account("npm.example.com", "job-default", "run@16"):      {},
		account("npm.internal.example.com", "reached", "run@23"): {Registry: true},
	})
	if eco := findNode(t, res, account("registry.npmjs.org", "internal", "run@8")).Attr("ecosystem"); eco != "npm" {
		t.Errorf("ecosystem of the account of the internal job's token: %q, want npm", eco)
	}
}

// A token that a run step writes into .npmrc from a project or context
// variable follows the same rule as a literal one: npm sends the value of
// an auth setting only to the registry its key names, and the value of a
// key with no registry only to the default registry, expanding ${NAME} in
// .npmrc from the environment (npm's npmrc documentation, "Files" and
// "Auth related configuration"). So each variable below logs in on its
// key's registry whatever the job publishes, and its account publishes
// only when a release goes there. A variable that reaches npm with no
// .npmrc line the step shows logs in wherever the release goes.
func TestReleaseVariableLogsInWhereScoped(t *testing.T) {
	dir := t.TempDir()
	src := `version: 2.1
jobs:
  internal:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
      - run: npm publish
  reached:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: echo "//npm.internal.example.com/:_authToken=${INTERNAL_TOKEN}" > ~/.npmrc
      - run: npm publish
  job-default:
    docker:
      - image: cimg/node:22.0
    environment:
      NPM_CONFIG_REGISTRY: https://npm.example.com/
    steps:
      - run: echo "_authToken=${DEFAULT_TOKEN}" >> .npmrc
      - run: npm publish --registry https://npm.pkg.github.com
  install:
    docker:
      - image: cimg/node:22.0
    steps:
      - run: npm config set //registry.npmjs.org/:_authToken "$INSTALL_TOKEN"
      - run: npm ci
  command-line:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: NPM_TOKEN=$LINE_TOKEN npm publish
workflows:
  main:
    jobs: [internal, reached, job-default, install, command-line]
`
	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".circleci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".circleci", "config.yml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := parseAt(t, dir, ".circleci/config.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	vars := graph.CircleCIProjectVariablesID(testRepo)
	account := func(host, name string) string { return graph.RegistryAccountID(host, vars+"/"+name) }
	want := []string{
		account("npm.example.com", "DEFAULT_TOKEN"),
		account("npm.internal.example.com", "INTERNAL_TOKEN"),
		account("npm.internal.example.com", "LINE_TOKEN"),
		account("registry.npmjs.org", "INSTALL_TOKEN"),
		account("registry.npmjs.org", "NPM_TOKEN"),
	}
	if diff := cmp.Diff(want, targets(res, vars, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("project variables log in as (-want +got):\n%s", diff)
	}
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "NPM_TOKEN"):            {},
		account("npm.internal.example.com", "INTERNAL_TOKEN"): {Registry: true},
		account("npm.example.com", "DEFAULT_TOKEN"):           {},
		account("registry.npmjs.org", "INSTALL_TOKEN"):        {},
		account("npm.internal.example.com", "LINE_TOKEN"):     {Registry: true},
	})
	if eco := findNode(t, res, account("registry.npmjs.org", "NPM_TOKEN")).Attr("ecosystem"); eco != "npm" {
		t.Errorf("ecosystem of the account of NPM_TOKEN: %q, want npm", eco)
	}
}

// An .npmrc line counts for the releases after it, in its own run step
// too: a release before the line sends no token of it.
func TestReleaseNpmrcLineOrder(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: echo "//registry.npmjs.org/:_authToken=${EARLY_TOKEN}" > ~/.npmrc
      - run: |
          npm publish
          echo "//registry.npmjs.org/:_authToken=${LATE_TOKEN}" > ~/.npmrc
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
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
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIProjectVariablesID(testRepo)+"/"+tt.name)
		if got := slices.Contains(targets(res, account, graph.EdgeCanAccess), scope); got != tt.publishes {
			t.Errorf("%s publishes on registry.npmjs.org: %v, want %v", tt.name, got, tt.publishes)
		}
	}
}

// A login with the job's cloud credentials (aws ecr get-login-password or
// gcloud) acts as the cloud identity of the variables that the project or
// a context of the job holds. That is possible only, because which
// variables hold the keys, and whose they are, is not in the input. The
// push after the login is credited to that identity.
func TestCloudLoginsOfVariables(t *testing.T) {
	src := `version: 2.1
jobs:
  push:
    docker:
      - image: cimg/base:2024.01
    steps:
      - run: aws ecr get-login-password | docker login --username AWS --password-stdin 111122223333.dkr.ecr.us-east-1.amazonaws.com
      - run: docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
      - run: gcloud auth configure-docker europe-west1-docker.pkg.dev
      - run: docker push europe-west1-docker.pkg.dev/example-proj/images/app:1
workflows:
  main:
    jobs:
      - push:
          context: cloud
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	project := graph.CircleCIProjectVariablesID(testRepo)
	for _, tt := range []struct {
		identity, image string
	}{
		{graph.CIAWSIdentityID(project), "pkg:docker/app?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"},
		{graph.CIGCPIdentityID(project), "pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev"},
	} {
		if e := findEdge(t, res, project, graph.EdgeAuthenticatesAs, tt.identity); e.Confidence != graph.Possible {
			t.Errorf("the project's variables act as %s with %s, want possible", tt.identity, e.Confidence)
		}
		findEdge(t, res, graph.CircleCIContextID("example-org", "cloud"), graph.EdgeAuthenticatesAs, tt.identity)
		if diff := cmp.Diff([]string{tt.image}, targets(res, tt.identity, graph.EdgeCanPublish)); diff != "" {
			t.Errorf("CAN_PUBLISH from %s (-want +got):\n%s", tt.identity, diff)
		}
	}
}

// Yarn 2 and later read the registry token from .yarnrc.yml
// (npmAuthToken), and npm from .npmrc. An npm release sends no token that
// the job wrote for Yarn. yarn npm publish sends a token written into
// .npmrc only if .yarnrc.yml names it, which the input does not show, so
// that release publishes possibly.
func TestReleaseNpmrcAndYarnrc(t *testing.T) {
	src := `version: 2.1
jobs:
  npm-release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: yarn config set npmAuthToken "${YARN_ONLY_TOKEN}"
      - run: npm publish
  yarn-release:
    docker:
      - image: cimg/node:20.11
    steps:
      - run: echo "//registry.npmjs.org/:_authToken=${NPMRC_TOKEN}" > .npmrc
      - run: yarn config set npmAuthToken "${YARNRC_TOKEN}"
      - run: yarn npm publish
workflows:
  main:
    jobs:
      - npm-release
      - yarn-release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
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
		account := graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIProjectVariablesID(testRepo)+"/"+tt.name)
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

// A variable that release tools read, exported earlier in the release's
// run step, carries the variable its value reads to the release. A run
// step of its own exports it to nothing after it.
func TestReleaseExportedAuthVariable(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12
    steps:
      - run: |
          export TWINE_PASSWORD="${PYPI_UPLOAD_TOKEN}"
          twine upload dist/*
      - run: export TWINE_PASSWORD="${OTHER_STEP_TOKEN}"
      - run: twine upload dist/*
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("pypi.org")
	for _, tt := range []struct {
		name      string
		publishes bool
	}{
		{"PYPI_UPLOAD_TOKEN", true},
		{"OTHER_STEP_TOKEN", false},
	} {
		account := graph.RegistryAccountID("pypi.org", graph.CircleCIProjectVariablesID(testRepo)+"/"+tt.name)
		if got := slices.Contains(targets(res, account, graph.EdgeCanAccess), scope); got != tt.publishes {
			t.Errorf("%s publishes on pypi.org: %v, want %v", tt.name, got, tt.publishes)
		}
	}
}

// An export line that a run step appends to $BASH_ENV holds for the later
// run steps of the job, which source that file, and not for the step
// itself.
func TestReleaseBashEnvAuthVariable(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12
    steps:
      - run: |
          echo "export TWINE_PASSWORD=\"${BASH_ENV_TOKEN}\"" >> "$BASH_ENV"
          echo 'export NPM_TOKEN=$SAME_STEP_TOKEN' >> $BASH_ENV
          npm publish
      - run: twine upload dist/*
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, tt := range []struct {
		name, host string
		publishes  bool
	}{
		{"BASH_ENV_TOKEN", "pypi.org", true},
		{"SAME_STEP_TOKEN", "registry.npmjs.org", false},
	} {
		account := graph.RegistryAccountID(tt.host, graph.CircleCIProjectVariablesID(testRepo)+"/"+tt.name)
		if got := slices.Contains(targets(res, account, graph.EdgeCanAccess), graph.RegistryScopeID(tt.host)); got != tt.publishes {
			t.Errorf("%s publishes on %s: %v, want %v", tt.name, tt.host, got, tt.publishes)
		}
	}
}

// cargo publish logs in to crates.io with the variable its --token reads,
// and gem push to rubygems.org with one that a step exports to
// GEM_HOST_API_KEY. Both run at the top of the checkout, so they release
// the project's own crate or gem. A dry run publishes nothing.
func TestRegistryReleasesCargoGem(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/rust:1.80
    steps:
      - checkout
      - run: cargo publish --token "$CRATES_TOKEN"
      - run: cargo publish --dry-run --token "$DRY_CRATES_TOKEN"
      - run: |
          export GEM_HOST_API_KEY="$RUBYGEMS_KEY"
          gem push pkg/widget-1.0.0.gem
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	vars := graph.CircleCIProjectVariablesID(testRepo)
	var reach []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanAccess && (e.To == graph.RegistryScopeID("crates.io") || e.To == graph.RegistryScopeID("rubygems.org")) {
			reach = append(reach, e.From+" "+e.To+" "+string(e.Confidence))
		}
	}
	sort.Strings(reach)
	crate := graph.RegistryAccountID("crates.io", vars+"/CRATES_TOKEN")
	gem := graph.RegistryAccountID("rubygems.org", vars+"/RUBYGEMS_KEY")
	want := []string{
		crate + " " + graph.RegistryScopeID("crates.io") + " certain",
		gem + " " + graph.RegistryScopeID("rubygems.org") + " certain",
	}
	if diff := cmp.Diff(want, reach); diff != "" {
		t.Errorf("CAN_ACCESS to registry scopes (-want +got):\n%s", diff)
	}
	for _, id := range []string{crate, gem} {
		if n := findNode(t, res, id); n.Attr(graph.AttrReleasesProject) != "true" || n.Attr(graph.AttrReleasesProjectCertain) != "true" {
			t.Errorf("%s: releases_project %q, certain %q; want both true", id, n.Attr(graph.AttrReleasesProject), n.Attr(graph.AttrReleasesProjectCertain))
		}
	}
}

// mvn deploy logs in with the variable a step exports to MAVEN_PASSWORD,
// which settings.xml reads, and goes where the pom's distributionManagement
// names, taken to be Maven Central. dotnet nuget push logs in to nuget.org
// with the variable its --api-key reads. Both run at the top of the
// checkout, so they release the project's own package, the Maven one only
// possibly. mvn install and dotnet pack publish nothing.
func TestRegistryReleasesMavenNuGet(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/openjdk:21.0
    steps:
      - checkout
      - run: |
          export MAVEN_PASSWORD="$CENTRAL_TOKEN"
          mvn -B deploy
      - run: MAVEN_PASSWORD="$INSTALL_TOKEN" mvn install
      - run: dotnet nuget push out/Widget.1.0.0.nupkg --api-key "$NUGET_KEY" --source https://api.nuget.org/v3/index.json
      - run: NUGET_API_KEY="$PACK_KEY" dotnet pack -c Release
workflows:
  main:
    jobs:
      - release
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	vars := graph.CircleCIProjectVariablesID(testRepo)
	var reach []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanAccess && (e.To == graph.RegistryScopeID("central.sonatype.com") || e.To == graph.RegistryScopeID("nuget.org")) {
			reach = append(reach, e.From+" "+e.To+" "+string(e.Confidence))
		}
	}
	sort.Strings(reach)
	maven := graph.RegistryAccountID("central.sonatype.com", vars+"/CENTRAL_TOKEN")
	nuget := graph.RegistryAccountID("nuget.org", vars+"/NUGET_KEY")
	want := []string{
		maven + " " + graph.RegistryScopeID("central.sonatype.com") + " possible",
		nuget + " " + graph.RegistryScopeID("nuget.org") + " certain",
	}
	if diff := cmp.Diff(want, reach); diff != "" {
		t.Errorf("CAN_ACCESS to registry scopes (-want +got):\n%s", diff)
	}
	if n := findNode(t, res, maven); n.Attr(graph.AttrReleasesProject) != "true" || n.Attr(graph.AttrReleasesProjectCertain) == "true" {
		t.Errorf("%s: releases_project %q, certain %q; want true and unset", maven, n.Attr(graph.AttrReleasesProject), n.Attr(graph.AttrReleasesProjectCertain))
	}
	if n := findNode(t, res, nuget); n.Attr(graph.AttrReleasesProject) != "true" || n.Attr(graph.AttrReleasesProjectCertain) != "true" {
		t.Errorf("%s: releases_project %q, certain %q; want both true", nuget, n.Attr(graph.AttrReleasesProject), n.Attr(graph.AttrReleasesProjectCertain))
	}
}
