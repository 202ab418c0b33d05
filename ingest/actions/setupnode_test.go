package actions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// releaseInRepo parses a workflow of one job whose steps are steps, in a
// repository whose top package.json contains manifest (none when "").
func releaseInRepo(t *testing.T, steps, manifest string) *ingest.Result {
	t.Helper()
	return releaseWorkflow(t, releaseHead+steps, manifest)
}

// releaseHead starts the workflow of releaseInRepo, up to its steps.
const releaseHead = "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n"

// releaseWorkflow parses the workflow wf, whose job rel has the steps, in
// a repository whose package.json is manifest, if any.
func releaseWorkflow(t *testing.T, wf, manifest string) *ingest.Result {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "workflows", "rel.yml"), []byte(wf), 0o644); err != nil {
		t.Fatal(err)
	}
	if manifest != "" {
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := parseAt(t, dir, ".github/workflows/rel.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	return res
}

// releaseCase is a job's steps, its repository's package.json, the
// registry each secret logs in to ("" for none), and the reach of the
// accounts, keyed by "host secret".
type releaseCase struct {
	name, steps, manifest string
	logins                map[string]string
	reach                 map[string]resulttest.Reach
	// head is the workflow up to the steps of its job rel, releaseHead
	// when empty.
	head string
}

func (tt releaseCase) check(t *testing.T) {
	head := tt.head
	if head == "" {
		head = releaseHead
	}
	res := releaseWorkflow(t, head+tt.steps, tt.manifest)
	logins := map[string]string{}
	for name, host := range tt.logins {
		logins[graph.GHASecretID(testRepo, name)] = host
	}
	resulttest.Logins(t, res, logins)
	reach := map[string]resulttest.Reach{}
	for key, r := range tt.reach {
		host, name, _ := strings.Cut(key, " ")
		reach[graph.RegistryAccountID(host, graph.GHASecretID(testRepo, name))] = r
	}
	resulttest.Releases(t, res, reach)
}

// actions/setup-node with registry-url writes to its .npmrc the line
// //HOST/PATH/:_authToken=${NODE_AUTH_TOKEN}, and then registry=URL, or,
// with a scope input, @scope:registry=URL, the scope lower-cased and
// given its @ (src/authutil.ts). For a registry-url on
// npm.pkg.github.com the scope defaults to the repository's owner. A later
// setup-node keeps the earlier lines, except those that set the same
// registry key. npm publishes a package named @scope/NAME to the
// registry of @scope:registry when one is set, before publishConfig's
// registry and --registry, and below publishConfig["@scope:registry"];
// other packages go to the registry setting (npm-registry-fetch's
// pickRegistry, npm's publish command). The token goes with the
// release only when its key matches the registry; else it logs in on its
// key's registry alone.
func TestReleaseSetupNodeScope(t *testing.T) {
	setup := func(url, scope string) string {
		s := "      - uses: actions/setup-node@v4\n        with:\n          registry-url: " + url + "\n"
		if scope != "" {
			s += "          scope: '" + scope + "'\n"
		}
		return s
	}
	publish := func(secret, args string) string {
		return "      - run: npm publish" + args + "\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets." + secret + " }}\n"
	}
	const acme = "https://npm.acme.example/"
	const inScope = `{"name": "@acme/app", "version": "1.0.0"}`
	const unscoped = `{"name": "app", "version": "1.0.0"}`
	tests := []releaseCase{
		{
			name: "package in the scope", steps: setup(acme, "@acme") + publish("TOK", ""), manifest: inScope,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			name: "scope without its @", steps: setup(acme, "acme") + publish("TOK", ""), manifest: inScope,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			name: "scope in capitals", steps: setup(acme, "@ACME") + publish("TOK", ""), manifest: inScope,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			// The package goes to registry.npmjs.org, which the token's
			// key does not name.
			name: "unscoped package", steps: setup(acme, "@acme") + publish("TOK", ""), manifest: unscoped,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {}},
		},
		{
			name: "package of another scope", steps: setup(acme, "@acme") + publish("TOK", ""), manifest: `{"name": "@other/app"}`,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {}},
		},
		{
			name: "GitHub Packages in the owner's scope", steps: setup("https://npm.pkg.github.com", "") + publish("TOK", ""),
			manifest: `{"name": "@example-org/app"}`,
			logins:   map[string]string{"TOK": "npm.pkg.github.com"},
			reach:    map[string]resulttest.Reach{"npm.pkg.github.com TOK": {Registry: true}},
		},
		{
			name: "GitHub Packages, unscoped package", steps: setup("https://npm.pkg.github.com", "") + publish("TOK", ""), manifest: unscoped,
			logins: map[string]string{"TOK": "npm.pkg.github.com"},
			reach:  map[string]resulttest.Reach{"npm.pkg.github.com TOK": {}},
		},
		{
			name: "scope registry before publishConfig's registry", steps: setup(acme, "@acme") + publish("TOK", ""),
			manifest: `{"name": "@acme/app", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`,
			logins:   map[string]string{"TOK": "npm.acme.example"},
			reach:    map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			name: "publishConfig's scope registry first", steps: setup(acme, "@acme") + publish("TOK", ""),
			manifest: `{"name": "@acme/app", "publishConfig": {"@acme:registry": "https://npm.internal.example.com/"}}`,
			logins:   map[string]string{"TOK": "npm.acme.example"},
			reach:    map[string]resulttest.Reach{"npm.acme.example TOK": {}},
		},
		{
			name: "scope registry before --registry", steps: setup(acme, "@acme") + publish("TOK", " --registry https://registry.npmjs.org/"), manifest: inScope,
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			// The scope leaves the default registry as it was, so a token
			// for registry.npmjs.org publishes the unscoped project there.
			name: "unscoped package with a token for registry.npmjs.org",
			steps: setup(acme, "@acme") +
				"      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets.NPMJS_TOKEN }}\" >> .npmrc\n" +
				publish("TOK", ""),
			manifest: unscoped,
			logins:   map[string]string{"TOK": "npm.acme.example", "NPMJS_TOKEN": "registry.npmjs.org"},
			reach: map[string]resulttest.Reach{
				"npm.acme.example TOK":           {},
				"registry.npmjs.org NPMJS_TOKEN": {Registry: true, Project: true},
			},
		},
		{
			// Without the package's name, the release is taken to be of
			// the scope the job set up.
			name: "name not in the input", steps: setup(acme, "@acme") + publish("TOK", ""),
			logins: map[string]string{"TOK": "npm.acme.example"},
			reach:  map[string]resulttest.Reach{"npm.acme.example TOK": {Registry: true}},
		},
		{
			// The second setup-node adds the owner's scope for GitHub
			// Packages and keeps registry.npmjs.org as the default.
			name: "registry.npmjs.org, then GitHub Packages",
			steps: setup("https://registry.npmjs.org", "") + publish("NPMJS_TOKEN", "") +
				setup("https://npm.pkg.github.com", "") + publish("GPR_TOKEN", ""),
			manifest: `{"name": "@example-org/app"}`,
			logins:   map[string]string{"NPMJS_TOKEN": "registry.npmjs.org", "GPR_TOKEN": "npm.pkg.github.com"},
			reach: map[string]resulttest.Reach{
				"registry.npmjs.org NPMJS_TOKEN": {Registry: true, Project: true},
				"npm.pkg.github.com GPR_TOKEN":   {Registry: true},
			},
		},
		{
			// The second setup-node replaces the registry line, not the
			// owner's scope line, so the package still goes to GitHub
			// Packages, with the second token.
			name: "GitHub Packages, then registry.npmjs.org",
			steps: setup("https://npm.pkg.github.com", "") + publish("GPR_TOKEN", "") +
				setup("https://registry.npmjs.org", "") + publish("NPMJS_TOKEN", ""),
			manifest: `{"name": "@example-org/app"}`,
			logins:   map[string]string{"NPMJS_TOKEN": "npm.pkg.github.com", "GPR_TOKEN": "npm.pkg.github.com"},
			reach: map[string]resulttest.Reach{
				"npm.pkg.github.com NPMJS_TOKEN": {Registry: true},
				"npm.pkg.github.com GPR_TOKEN":   {Registry: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// actions/setup-node with registry-url exports NODE_AUTH_TOKEN to the
// later steps of the job (src/authutil.ts). From v2.1.4 on, it exports the
// value the variable has in its own step, from its env or else the job's.
// v1 and v2.0.0 to v2.1.3 export the placeholder XXXXX-XXXXX-XXXXX-XXXXX.
// A later step's env comes before the exported value, which comes before
// the job's env (the runner's StepsRunner and FileCommandManager). Without
// registry-url, setup-node exports nothing.
func TestReleaseSetupNodeExportsToken(t *testing.T) {
	setup := func(ref, env string) string {
		s := "      - uses: actions/setup-node@" + ref + "\n        with:\n          registry-url: https://registry.npmjs.org\n"
		if env != "" {
			s += "        env:\n          NODE_AUTH_TOKEN: ${{ secrets." + env + " }}\n"
		}
		return s
	}
	const publish = "      - run: npm publish\n"
	const jobEnv = "    env:\n      NODE_AUTH_TOKEN: ${{ secrets.%s }}\n"
	wf := "on: push\njobs:\n" +
		"  setup-env:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v4", "SETUP_ENV_TOKEN") + publish +
		"  overridden:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v4", "SHADOWED_TOKEN") +
		"      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.PUBLISH_TOKEN }}\n" +
		"  v1-step-env:\n    runs-on: ubuntu-latest\n    steps:\n" + setup("v1", "V1_STEP_TOKEN") + publish +
		"  v1-job-env:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V1_JOB_TOKEN", 1) + "    steps:\n" + setup("v1.4.4", "") + publish +
		"  v2-early:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V2_EARLY_TOKEN", 1) + "    steps:\n" + setup("v2.1.3", "") + publish +
		"  v2-job-env:\n    runs-on: ubuntu-latest\n" + strings.Replace(jobEnv, "%s", "V2_JOB_TOKEN", 1) + "    steps:\n" + setup("v2", "") + publish +
		"  no-registry-url:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NO_URL_TOKEN }}\n" + publish
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(name string) string { return graph.GHASecretID(testRepo, name) }
	resulttest.Logins(t, res, map[string]string{
		secret("SETUP_ENV_TOKEN"): "registry.npmjs.org",
		secret("SHADOWED_TOKEN"):  "",
		secret("PUBLISH_TOKEN"):   "registry.npmjs.org",
		secret("V1_STEP_TOKEN"):   "",
		secret("V1_JOB_TOKEN"):    "",
		secret("V2_EARLY_TOKEN"):  "",
		secret("V2_JOB_TOKEN"):    "registry.npmjs.org",
		secret("NO_URL_TOKEN"):    "",
	})
	account := func(name string) string { return graph.RegistryAccountID("registry.npmjs.org", secret(name)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("SETUP_ENV_TOKEN"): {Registry: true, Project: true},
		account("PUBLISH_TOKEN"):   {Registry: true, Project: true},
		account("V2_JOB_TOKEN"):    {Registry: true, Project: true},
	})
}

// JS-DevTools/npm-publish publishes with an .npmrc of its own. v1 rewrites
// the user configuration's registry and _authToken lines (src/npm-config.ts).
// v2 and v3 point npm_config_userconfig at a file of their own
// (src/npm/use-npm-environment.ts). Each writes //HOST/PATH/:_authToken for
// its token and registry=URL. The registry is the registry input, else in
// v2 and v3 publishConfig's registry, else registry.npmjs.org
// (src/normalize-options.ts). So actions/setup-node's registry-url plays no
// part, and the token input replaces NODE_AUTH_TOKEN. npm then still sends
// the package where publishConfig names, and NPM_CONFIG_REGISTRY in the
// environment comes before the user configuration's registry.
func TestReleaseNPMPublishAction(t *testing.T) {
	action := func(ref, with string) string {
		return "      - uses: JS-DevTools/npm-publish@" + ref + "\n        with:\n          token: ${{ secrets.JS_TOKEN }}\n" + with
	}
	const gpr = "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://npm.pkg.github.com\n"
	const internal = `{"name": "app", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	tests := []releaseCase{
		{
			name:   "setup-node's registry-url ignored",
			steps:  "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://npm.internal.example.com/\n" + action("v3", ""),
			logins: map[string]string{"JS_TOKEN": "registry.npmjs.org"},
			reach:  map[string]resulttest.Reach{"registry.npmjs.org JS_TOKEN": {Registry: true, Project: true}},
		},
		{
			name: "registry input", steps: gpr + action("v3", "          registry: https://npm.pkg.github.com/\n"),
			logins: map[string]string{"JS_TOKEN": "npm.pkg.github.com"},
			reach:  map[string]resulttest.Reach{"npm.pkg.github.com JS_TOKEN": {Registry: true}},
		},
		{
			name: "publishConfig in v3", steps: action("v3", ""), manifest: internal,
			logins: map[string]string{"JS_TOKEN": "npm.internal.example.com"},
			reach:  map[string]resulttest.Reach{"npm.internal.example.com JS_TOKEN": {Registry: true}},
		},
		{
			// v1's .npmrc is for registry.npmjs.org, where npm does not
			// send the package.
			name: "publishConfig in v1", steps: action("v1", ""), manifest: internal,
			logins: map[string]string{"JS_TOKEN": "registry.npmjs.org"},
			reach:  map[string]resulttest.Reach{"registry.npmjs.org JS_TOKEN": {}},
		},
		{
			name: "NODE_AUTH_TOKEN replaced",
			steps: "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n" +
				action("v3", "") + "        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NODE_ENV_TOKEN }}\n",
			logins: map[string]string{"JS_TOKEN": "registry.npmjs.org", "NODE_ENV_TOKEN": ""},
			reach:  map[string]resulttest.Reach{"registry.npmjs.org JS_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:   "NPM_CONFIG_REGISTRY",
			steps:  action("v3", "") + "        env:\n          NPM_CONFIG_REGISTRY: https://npm.internal.example.com/\n",
			logins: map[string]string{"JS_TOKEN": "registry.npmjs.org"},
			reach:  map[string]resulttest.Reach{"registry.npmjs.org JS_TOKEN": {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// With a registry-url, actions/setup-node points NPM_CONFIG_USERCONFIG at
// the .npmrc it writes in RUNNER_TEMP and exports it to later steps
// (src/authutil.ts), so npm in those steps no longer reads ~/.npmrc. A token
// written to ~/.npmrc is still a token of its account, but a publish after
// setup-node does not send it. The project's .npmrc, and a token that
// npm config set writes to the user configuration npm then reads, still
// count.
func TestReleaseSetupNodeHidesHomeNpmrc(t *testing.T) {
	const setup = "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n"
	write := func(secret, file string) string {
		return "      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets." + secret + " }}\" > " + file + "\n"
	}
	heredoc := func(secret, file string) string {
		return "      - run: |\n          cat > " + file + " <<'EOF'\n" +
			"          //registry.npmjs.org/:_authToken=${{ secrets." + secret + " }}\n          EOF\n"
	}
	const publish = "      - run: npm publish\n"
	job := func(name, steps string) string {
		return "  " + name + ":\n    runs-on: ubuntu-latest\n    steps:\n" + steps
	}
	wf := "on: push\njobs:\n" +
		job("home-after-setup", setup+write("HOME_TOKEN", "~/.npmrc")+publish) +
		job("home-var-after-setup", setup+write("HOME_VAR_TOKEN", "$HOME/.npmrc")+publish) +
		job("home-quoted-var-after-setup", setup+write("QUOTED_HOME_TOKEN", "\"${HOME}\"/.npmrc")+publish) +
		job("home-tee-append-after-setup", setup+
			"      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets.TEE_HOME_TOKEN }}\" | tee --append ~/.npmrc\n"+publish) +
		job("home-before-setup", write("EARLY_HOME_TOKEN", "~/.npmrc")+setup+publish) +
		job("home-heredoc-after-setup", setup+heredoc("HEREDOC_HOME_TOKEN", "~/.npmrc")+publish) +
		job("project-heredoc-after-setup", setup+heredoc("HEREDOC_PROJECT_TOKEN", ".npmrc")+publish) +
		job("home-without-setup", write("PLAIN_HOME_TOKEN", "~/.npmrc")+publish) +
		job("project-after-setup", setup+write("PROJECT_TOKEN", ".npmrc")+publish) +
		job("config-set-after-setup", setup+
			"      - run: npm config set //registry.npmjs.org/:_authToken ${{ secrets.CONFIG_TOKEN }}\n"+publish)

	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := func(name string) string { return graph.GHASecretID(testRepo, name) }
	resulttest.Logins(t, res, map[string]string{
		secret("HOME_TOKEN"):            "registry.npmjs.org",
		secret("HOME_VAR_TOKEN"):        "registry.npmjs.org",
		secret("QUOTED_HOME_TOKEN"):     "registry.npmjs.org",
		secret("TEE_HOME_TOKEN"):        "registry.npmjs.org",
		secret("EARLY_HOME_TOKEN"):      "registry.npmjs.org",
		secret("HEREDOC_HOME_TOKEN"):    "registry.npmjs.org",
		secret("HEREDOC_PROJECT_TOKEN"): "registry.npmjs.org",
		secret("PLAIN_HOME_TOKEN"):      "registry.npmjs.org",
		secret("PROJECT_TOKEN"):         "registry.npmjs.org",
		secret("CONFIG_TOKEN"):          "registry.npmjs.org",
	})

	account := func(name string) string { return graph.RegistryAccountID("registry.npmjs.org", secret(name)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("HOME_TOKEN"):            {},
		account("HOME_VAR_TOKEN"):        {},
		account("QUOTED_HOME_TOKEN"):     {},
		account("TEE_HOME_TOKEN"):        {},
		account("EARLY_HOME_TOKEN"):      {},
		account("HEREDOC_HOME_TOKEN"):    {},
		account("HEREDOC_PROJECT_TOKEN"): {Registry: true, Project: true},
		account("PLAIN_HOME_TOKEN"):      {Registry: true, Project: true},
		account("PROJECT_TOKEN"):         {Registry: true, Project: true},
		account("CONFIG_TOKEN"):          {Registry: true, Project: true},
	})
}

// A literal token written to the home folder's .npmrc is hidden from a
// later publish by actions/setup-node's registry-url in the same way.
func TestReleaseSetupNodeHidesHomeNpmrcLiteral(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  after-setup:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://registry.npmjs.org",
		`      - run: echo "//registry.npmjs.org/:_authToken=h0m3L1tT0kenAbcd1234ef" > ~/.npmrc`, // 9
		"      - run: npm publish",
		"  without-setup:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=pl41nT0kenAbcd1234efgh" > ~/.npmrc`, // 14
		"      - run: npm publish",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string { return graph.GHAInlineSecretID(jobID("rel.yml", job), key) }
	resulttest.Logins(t, res, map[string]string{
		secret("after-setup", "run@9"):    "registry.npmjs.org",
		secret("without-setup", "run@14"): "registry.npmjs.org",
	})
	account := func(job, key string) string {
		return graph.RegistryAccountID("registry.npmjs.org", secret(job, key))
	}
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("after-setup", "run@9"):    {},
		account("without-setup", "run@14"): {Registry: true, Project: true},
	})
}

// A step that appends NAME=VALUE to the file $GITHUB_ENV names sets the
// variable for the later steps of the job, in place of what earlier steps
// exported, actions/setup-node's NODE_AUTH_TOKEN included. A value that
// the input does not show, as the output of a command substitution,
// leaves no secret in the variable.
func TestReleaseGitHubEnvReplacesExport(t *testing.T) {
	setup := "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n" +
		"        env:\n          NODE_AUTH_TOKEN: ${{ secrets.SETUP_TOKEN }}\n"
	const publish = "      - run: npm publish\n"
	const unscoped = `{"name": "app", "version": "1.0.0"}`
	tests := []releaseCase{
		{
			name:     "echo with quotes",
			steps:    setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "echo without quotes, braces around the file's variable",
			steps:    setup + "      - run: |\n          echo building\n          echo NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }} >> ${GITHUB_ENV}\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name: "variable of the writing step",
			steps: setup + "      - run: echo \"NODE_AUTH_TOKEN=${NPM_TOKEN}\" >> $GITHUB_ENV\n" +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "tee -a",
			steps:    setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" | tee -a \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			// NAME<<DELIMITER, the value's lines, then DELIMITER alone.
			name: "multi-line value",
			steps: setup + "      - run: |\n" +
				"          echo \"NODE_AUTH_TOKEN<<EOF\" >> \"$GITHUB_ENV\"\n" +
				"          echo \"${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" +
				"          echo \"EOF\" >> \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			// Without its delimiter line the runner rejects the file, and
			// the step fails.
			name: "multi-line value without its delimiter",
			steps: setup + "      - run: |\n" +
				"          echo \"NODE_AUTH_TOKEN<<EOF\" >> \"$GITHUB_ENV\"\n" +
				"          echo \"${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": ""},
		},
		{
			// The shell leaves $NPM_TOKEN in single quotes as it is, and npm
			// does not expand a variable's value again.
			name: "single quotes",
			steps: setup + "      - run: echo 'NODE_AUTH_TOKEN=$NPM_TOKEN' >> $GITHUB_ENV\n" +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": ""},
		},
		{
			name:     "after a test",
			steps:    setup + "      - run: '[ -n \"$CI\" ] && echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"'\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "in an if",
			steps:    setup + "      - run: if true; then echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"; fi\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "comment",
			steps:    setup + "      - run: '# echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"'\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "registry.npmjs.org", "ENV_TOKEN": ""},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org SETUP_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "printf",
			steps:    setup + "      - run: printf 'NODE_AUTH_TOKEN=%s\\n' \"${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name:     "printf of a multi-line value",
			steps:    setup + "      - run: printf 'NODE_AUTH_TOKEN<<EOF\\n%s\\nEOF\\n' \"${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			name: "here-document",
			steps: setup + "      - run: |\n          cat >> \"$GITHUB_ENV\" <<EOF\n" +
				"          NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\n          EOF\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			// The shell expands $NPM_TOKEN in a here-document whose
			// delimiter is not quoted.
			name: "here-document with a variable",
			steps: setup + "      - run: |\n          cat <<EOF >> $GITHUB_ENV\n" +
				"          NODE_AUTH_TOKEN<<END\n          $NPM_TOKEN\n          END\n          EOF\n" +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}},
		},
		{
			// With a quoted delimiter the shell writes $NPM_TOKEN as it is.
			name: "here-document with a quoted delimiter",
			steps: setup + "      - run: |\n          cat >> $GITHUB_ENV <<'EOF'\n" +
				"          NODE_AUTH_TOKEN=$NPM_TOKEN\n          EOF\n" +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": ""},
		},
		{
			name:     "value the input does not show",
			steps:    setup + "      - run: printf 'NODE_AUTH_TOKEN=%s\\n' \"$(cat token.txt)\" >> $GITHUB_ENV\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": ""},
		},
		{
			// Another file, whose name starts as GITHUB_ENV's does.
			name:     "other file",
			steps:    setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> $GITHUB_ENV_COPY\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "registry.npmjs.org", "ENV_TOKEN": ""},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org SETUP_TOKEN": {Registry: true, Project: true}},
		},
		{
			// Another variable leaves the exported token in place.
			name:     "other variable",
			steps:    setup + "      - run: echo \"NODE_ENV=production\" >> $GITHUB_ENV\n" + publish,
			manifest: unscoped,
			logins:   map[string]string{"SETUP_TOKEN": "registry.npmjs.org"},
			reach:    map[string]resulttest.Reach{"registry.npmjs.org SETUP_TOKEN": {Registry: true, Project: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// A release whose package.json is not read is taken to be of the scope
// that actions/setup-node set up, a guess: its publish is possible. With
// the package's name read, the scope decides, and the publish is certain.
func TestReleaseAssumedScopeIsPossible(t *testing.T) {
	const steps = "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://npm.acme.example/\n          scope: '@acme'\n" +
		"      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.TOK }}\n"
	account := graph.RegistryAccountID("npm.acme.example", graph.GHASecretID(testRepo, "TOK"))
	scope := graph.RegistryScopeID("npm.acme.example")
	for _, tt := range []struct {
		name, manifest string
		want           graph.Confidence
	}{
		{"name not read", "", graph.Possible},
		{"name of the scope", `{"name": "@acme/app", "version": "1.0.0"}`, graph.Certain},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := releaseInRepo(t, steps, tt.manifest)
			var got graph.Confidence
			for _, e := range res.Edges {
				if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
					got = e.Confidence
				}
			}
			if got != tt.want {
				t.Errorf("publish of %s on npm.acme.example: %q, want %q", account, got, tt.want)
			}
		})
	}
}

// A literal token in an env block reaches a release as a secret reference
// does: after setup-node's registry-url, NODE_AUTH_TOKEN's literal logs in
// with setup-node's key and publishes there. The literal's inline secret
// is the one the workflow's warning names.
func TestReleaseLiteralNodeAuthToken(t *testing.T) {
	token := "npm_" + strings.Repeat("L1t3", 9)
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  step-env:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://registry.npmjs.org",
		"      - run: npm publish",
		"        env:",
		"          NODE_AUTH_TOKEN: " + token,
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := graph.GHAInlineSecretID(jobID("rel.yml", "step-env"), "NODE_AUTH_TOKEN")
	resulttest.Logins(t, res, map[string]string{secret: "registry.npmjs.org"})
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", secret): {Registry: true, Project: true},
	})
}
