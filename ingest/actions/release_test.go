package actions

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

func TestReleaseAccounts(t *testing.T) {
	res := parseFile(t, "release.yml")
	account := func(host, secret string) string {
		return graph.RegistryAccountID(host, graph.GHASecretID(testRepo, secret))
	}
	tests := []struct {
		name    string
		account string
		scope   string
		conf    graph.Confidence
		project bool
	}{
		{"setup-node registry", account("registry.npmjs.org", "NPM_TOKEN"), "registry.npmjs.org", graph.Certain, true},
		// No package.json is read, so the release is taken to be of the
		// owner's scope that setup-node sets up for GitHub Packages.
		{"GitHub Packages", account("npm.pkg.github.com", "GPR_TOKEN"), "npm.pkg.github.com", graph.Possible, false},
		{".npmrc written earlier, in a subfolder", account("registry.npmjs.org", "NPMRC_TOKEN"), "registry.npmjs.org", graph.Certain, false},
		{"cd to a subfolder first", account("registry.npmjs.org", "CLIENT_NPM_TOKEN"), "registry.npmjs.org", graph.Certain, false},
		{"semantic-release", account("registry.npmjs.org", "SEMREL_NPM_TOKEN"), "registry.npmjs.org", graph.Possible, true},
		{"changesets", account("registry.npmjs.org", "CHANGESETS_NPM_TOKEN"), "registry.npmjs.org", graph.Certain, true},
		{"twine to TestPyPI", account("test.pypi.org", "TEST_PYPI_TOKEN"), "test.pypi.org", graph.Certain, false},
		{"PyPI action with a token", account("pypi.org", "PYPI_API_TOKEN"), "pypi.org", graph.Certain, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scope := graph.RegistryScopeID(tt.scope)
			if diff := cmp.Diff([]string{scope}, targets(res, tt.account, graph.EdgeCanAccess)); diff != "" {
				t.Fatalf("CAN_ACCESS from the account (-want +got):\n%s", diff)
			}
			if e := findEdge(t, res, tt.account, graph.EdgeCanAccess, scope); e.Confidence != tt.conf {
				t.Errorf("scope edge is %s, want %s", e.Confidence, tt.conf)
			}
			n := findNode(t, res, tt.account)
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
			// Only semantic-release depends on its configuration.
			wantCertain := tt.project && tt.conf == graph.Certain
			if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != wantCertain {
				t.Errorf("releases the top-level project for certain: %v, want %v", got, wantCertain)
			}
		})
	}
}

func TestReleaseWithoutCredentials(t *testing.T) {
	res := parseFile(t, "release.yml")
	for _, secret := range []string{"DRY_TOKEN", "GITHUB_TOKEN"} {
		id := graph.GHASecretID(testRepo, secret)
		if got := targets(res, id, graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing: it publishes nothing", secret, got)
		}
	}
	// pypi-no-oidc has no token and no id-token permission, and GitHub
	// Packages takes no OIDC token: the job's GITHUB_TOKEN publishes there.
	for _, job := range []string{"pypi-no-oidc", "github-packages-oidc"} {
		for _, to := range targets(res, graph.GHAOIDCTokenID(jobID("release.yml", job)), graph.EdgeAuthenticatesAs) {
			if strings.HasPrefix(to, "registry:") {
				t.Errorf("%s: OIDC token acts as %s, want no registry account", job, to)
			}
		}
	}
}

func TestReleaseTrustedPublishing(t *testing.T) {
	res := parseFile(t, "release.yml")
	for _, tt := range []struct{ job, host string }{
		{"npm-trusted", "registry.npmjs.org"},
		{"pypi-trusted", "pypi.org"},
	} {
		tok := graph.GHAOIDCTokenID(jobID("release.yml", tt.job))
		ident := graph.TrustedPublisherID(tt.host, testRepo, ".github/workflows/release.yml")
		if e := findEdge(t, res, tok, graph.EdgeAuthenticatesAs, ident); e.Confidence != graph.Possible {
			t.Errorf("%s: OIDC token acts as the trusted publisher with %s, want possible", tt.job, e.Confidence)
		}
		if diff := cmp.Diff([]string{graph.RegistryScopeID(tt.host)}, targets(res, ident, graph.EdgeCanAccess)); diff != "" {
			t.Errorf("%s: CAN_ACCESS from the trusted publisher (-want +got):\n%s", tt.job, diff)
		}
	}
}

// accountCase is a workflow whose secret TOK logs in to host for a
// release: conf is the confidence of the account's reach of the registry,
// and project and certain whether it releases the repository's own
// package, and for certain.
type accountCase struct {
	name, steps, host string
	conf              graph.Confidence
	project, certain  bool
}

// checkReleases checks each case's account of TOK, and that no signing
// secret (SIGNING_TOK) logs in anywhere.
func checkAccounts(t *testing.T, tests []accountCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, n, ok := releaseOf(t, "", tt.steps, tt.host, "TOK")
			if !ok {
				t.Fatalf("no account of TOK on %s", tt.host)
			}
			if got := targets(res, graph.GHASecretID(testRepo, "SIGNING_TOK"), graph.EdgeAuthenticatesAs); len(got) != 0 {
				t.Errorf("SIGNING_TOK authenticates as %v, want nothing", got)
			}
			id := graph.RegistryAccountID(tt.host, graph.GHASecretID(testRepo, "TOK"))
			if e := findEdge(t, res, id, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.conf {
				t.Errorf("scope edge is %s, want %s", e.Confidence, tt.conf)
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
			if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != tt.certain {
				t.Errorf("releases the top-level project for certain: %v, want %v", got, tt.certain)
			}
		})
	}
}

// noAccountCase is a workflow in which TOK (and GPG_TOK, SIGNING_TOK)
// log in nowhere, while CTRL logs in to ctrlHost, so that a case cannot
// pass by reading nothing at all.
type noAccountCase struct{ name, steps, ctrlHost string }

// checkNoReleases checks that each case's CTRL logs in and that TOK,
// GPG_TOK and SIGNING_TOK do not.
func checkNoAccounts(t *testing.T, tests []noAccountCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, ok := releaseOf(t, "", tt.steps, tt.ctrlHost, "CTRL")
			if !ok {
				t.Errorf("no account of CTRL on %s", tt.ctrlHost)
			}
			for _, secret := range []string{"TOK", "GPG_TOK", "SIGNING_TOK"} {
				for _, to := range targets(res, graph.GHASecretID(testRepo, secret), graph.EdgeAuthenticatesAs) {
					t.Errorf("%s authenticates as %s, want nothing", secret, to)
				}
			}
		})
	}
}

// releaseOf parses a workflow with one job, rel, whose steps are steps,
// and returns the registry account node that secret logs in as on host.
func releaseOf(t *testing.T, perms, steps, host, secret string) (*ingest.Result, graph.Node, bool) {
	t.Helper()
	wf := "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n" + perms + "    steps:\n" + steps

	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	id := graph.RegistryAccountID(host, graph.GHASecretID(testRepo, secret))
	for _, n := range res.Nodes {
		if n.ID == id {
			return res, n, true
		}
	}
	return res, graph.Node{}, false
}

func TestReleaseProjectOnlyOnNPMRegistry(t *testing.T) {
	// pkg:npm/NAME is the package on registry.npmjs.org, so only a
	// release there publishes it.
	tests := []struct {
		name, steps, host string
		project           bool
	}{
		{"npmjs", "      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n", "registry.npmjs.org", true},
		{"setup-node private registry", "      - uses: actions/setup-node@v4\n        with: {registry-url: 'https://npm.internal.example'}\n      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n", "npm.internal.example", false},
		{"registry flag", "      - run: npm publish --registry https://npm.pkg.github.com\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n", "npm.pkg.github.com", false},
		{"NPM_CONFIG_REGISTRY", "      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}', NPM_CONFIG_REGISTRY: 'https://npm.pkg.github.com/'}\n", "npm.pkg.github.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, n, ok := releaseOf(t, "", tt.steps, tt.host, "TOK")
			if !ok {
				t.Fatalf("no account of TOK on %s", tt.host)
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
}

func TestReleaseRegistryURLIsNoToken(t *testing.T) {
	steps := "      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}', NPM_CONFIG_REGISTRY: '${{ secrets.REGISTRY_URL }}'}\n"
	res, _, _ := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
	if got := targets(res, graph.GHASecretID(testRepo, "REGISTRY_URL"), graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("REGISTRY_URL authenticates as %v, want nothing: npm reads it as the registry's address", got)
	}
}

func TestReleaseRegistryOptionIsNoToken(t *testing.T) {
	steps := "      - run: npm publish --registry ${{ secrets.REGISTRY_URL }}\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	res, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
	if !ok {
		t.Fatal("no account of TOK on registry.npmjs.org")
	}
	if got := targets(res, graph.GHASecretID(testRepo, "REGISTRY_URL"), graph.EdgeAuthenticatesAs); len(got) != 0 {
		t.Errorf("REGISTRY_URL authenticates as %v, want nothing: --registry takes the registry's address", got)
	}
}

func TestTrustedPublishingOnlyWhereSupported(t *testing.T) {
	// GitHub Packages takes the job's GITHUB_TOKEN and has no trusted
	// publishing, so id-token: write there (for provenance) adds nothing.
	perms := "    permissions: {id-token: write, packages: write}\n"
	steps := "      - uses: actions/setup-node@v4\n        with: {registry-url: 'https://npm.pkg.github.com'}\n      - run: npm publish --provenance\n        env: {NODE_AUTH_TOKEN: '${{ secrets.GITHUB_TOKEN }}'}\n"
	res, _, _ := releaseOf(t, perms, steps, "npm.pkg.github.com", "GITHUB_TOKEN")
	tok := graph.GHAOIDCTokenID(graph.GHAJobID(testRepo, ".github/workflows/rel.yml", "rel"))
	publisher := graph.TrustedPublisherID("npm.pkg.github.com", testRepo, ".github/workflows/rel.yml")
	if slices.Contains(targets(res, tok, graph.EdgeAuthenticatesAs), publisher) {
		t.Errorf("OIDC token authenticates as %s, want no trusted publisher on GitHub Packages", publisher)
	}
}

func TestReleaseOfOtherPackages(t *testing.T) {
	// Each command publishes packages other than the one at the top of
	// the repository, or, for the last ones, that one.
	tests := []struct {
		run     string
		project bool
	}{
		{"npm publish ./packages/x", false},
		{"npm publish packages/x --access public", false},
		{"npm publish --workspaces --access public", false},
		{"npm publish -ws", false},
		{"npm publish -w packages/a", false},
		{"npm publish --workspace=@acme/a", false},
		{"pnpm -r publish --no-git-checks", false},
		{"pnpm publish --recursive", false},
		{"pnpm --filter app publish", false},
		{"npx lerna publish from-package --yes", false},
		{"npm publish --access public --tag next", true},
		{"npm publish .", true},
		{"npm publish acme-widget-1.0.0.tgz", true},
		{"pnpm publish --no-git-checks", true},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) { checkProjectRelease(t, tt.run, tt.project) })
	}
}

func TestReleaseLineContinuation(t *testing.T) {
	env := "        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	dry := "      - run: |\n          npm publish \\\n            --dry-run\n" + env
	if _, _, ok := releaseOf(t, "", dry, "registry.npmjs.org", "TOK"); ok {
		t.Error("npm publish with --dry-run on the next line publishes with TOK, want no release")
	}
	registry := "      - run: |\n          npm publish \\\n            --registry https://npm.pkg.github.com\n" + env
	if _, _, ok := releaseOf(t, "", registry, "npm.pkg.github.com", "TOK"); !ok {
		t.Error("no account of TOK on npm.pkg.github.com, the --registry on the next line")
	}
	assigned := "      - run: |\n          NODE_AUTH_TOKEN=${{ secrets.TOK }} \\\n            npm publish\n"
	if _, _, ok := releaseOf(t, "", assigned, "registry.npmjs.org", "TOK"); !ok {
		t.Error("no account of TOK, which the line before npm publish assigns")
	}
}

func TestReleaseThroughPackageRunners(t *testing.T) {
	// Each command runs a release tool through a package runner or a
	// workspace command.
	tests := []struct {
		run     string
		project bool
	}{
		{"npx semantic-release@24", true},
		{"yarn semantic-release", true},
		{"pnpm exec semantic-release", true},
		{"npm exec -- semantic-release", true},
		{"yarn changeset publish", true},
		{"npx -y @changesets/cli publish", true},
		{"yarn dlx lerna@8 publish from-package", false},
		{"bun publish", true},
		{"yarn workspace @acme/a npm publish", false},
		{"yarn workspaces foreach -A npm publish --tolerate-republish", false},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) { checkProjectRelease(t, tt.run, tt.project) })
	}
}

func TestReleaseScriptState(t *testing.T) {
	// The directory and variables that earlier commands of the script
	// set hold for the release.
	tok := "        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	tests := []struct {
		name, script, env, host string
		project                 bool
	}{
		{"cd back up", "cd docs && make\n          cd ..\n          npm publish", tok, "registry.npmjs.org", true},
		{"popd", "pushd packages/x\n          npm run build\n          popd\n          npm publish", tok, "registry.npmjs.org", true},
		{"cd to home", "cd\n          npm publish", tok, "registry.npmjs.org", false},
		{"cd to a subfolder", "cd packages/x\n          npm publish", tok, "registry.npmjs.org", false},
		{"env -C a subfolder", "env -C packages/x npm publish", tok, "registry.npmjs.org", false},
		{"env --chdir a subfolder", "env --chdir=web npm publish", tok, "registry.npmjs.org", false},
		{"env -C the top", "env -C . npm publish", tok, "registry.npmjs.org", true},
		{"env -C moves one command", "env -C web npm run build\n          npm publish", tok, "registry.npmjs.org", true},
		{"exported token", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          npm publish", "", "registry.npmjs.org", true},
		{"assigned token", "NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          npm publish", "", "registry.npmjs.org", true},
		{"eval a release", "eval 'npm publish'", tok, "registry.npmjs.org", true},
		{"eval a cd", "eval cd web\n          npm publish", tok, "registry.npmjs.org", false},
		{"eval a token", "eval 'export NODE_AUTH_TOKEN=${{ secrets.TOK }}'\n          npm publish", "", "registry.npmjs.org", true},
		{"declared exported token", "declare -x NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          npm publish", "", "registry.npmjs.org", true},
		{"typeset exported token", "typeset -x NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          npm publish", "", "registry.npmjs.org", true},
		{"token marked for export", "export NODE_AUTH_TOKEN\n          NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          npm publish", "", "registry.npmjs.org", true},
		{"registry in front of the command", "NPM_CONFIG_REGISTRY=https://npm.pkg.github.com npm publish", tok, "npm.pkg.github.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps := "      - run: |\n          " + tt.script + "\n" + tt.env
			_, n, ok := releaseOf(t, "", steps, tt.host, "TOK")
			if !ok {
				t.Fatalf("no account of TOK on %s", tt.host)
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
}

func TestReleaseDryRunForms(t *testing.T) {
	tests := []struct {
		run     string
		release bool
	}{
		{"npm publish --dry-run", false},
		{"npm publish --dry-run=true", false},
		{"npm publish --dry-run=false", true},
		{"npx semantic-release --dry-run", false},
		{"npx semantic-release -d", false},
		{"uv publish --dry-run", false},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			steps := "      - run: " + tt.run + "\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}', UV_PUBLISH_TOKEN: '${{ secrets.TOK }}'}\n"
			res, _, _ := releaseOf(t, "", steps, "", "TOK")
			got := len(targets(res, graph.GHASecretID(testRepo, "TOK"), graph.EdgeAuthenticatesAs)) > 0
			if got != tt.release {
				t.Errorf("publishes with TOK: %v, want %v", got, tt.release)
			}
		})
	}
}

func TestReleaseCheckoutPath(t *testing.T) {
	// actions/checkout with path: puts the repository in that folder, so
	// its top is there and not at the top of the workspace.
	checkout := "      - uses: actions/checkout@v4\n        with: {path: src}\n"
	tok := "        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	tests := []struct {
		name, steps string
		project     bool
	}{
		{"in the checkout folder", checkout + "      - run: npm publish\n        working-directory: src\n" + tok, true},
		{"cd to the checkout folder", checkout + "      - run: cd src && npm publish\n" + tok, true},
		{"at the top of the workspace", checkout + "      - run: npm publish\n" + tok, false},
		{"npm-publish action", checkout + "      - uses: JS-DevTools/npm-publish@v3\n        with: {token: '${{ secrets.TOK }}', package: src/package.json}\n", true},
		{"npm-publish action at the top", checkout + "      - uses: JS-DevTools/npm-publish@v3\n        with: {token: '${{ secrets.TOK }}'}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, n, ok := releaseOf(t, "", tt.steps, "registry.npmjs.org", "TOK")
			if !ok {
				t.Fatal("no account of TOK on registry.npmjs.org")
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
}

// checkProjectRelease checks that a step running command with secret TOK
// in NODE_AUTH_TOKEN releases on registry.npmjs.org, and whether it
// releases the project at the top of the repository.
func checkProjectRelease(t *testing.T, command string, project bool) {
	t.Helper()
	steps := "      - run: " + command + "\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	_, n, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
	if !ok {
		t.Fatal("no account of TOK on registry.npmjs.org")
	}
	if got := n.Attr(graph.AttrReleasesProject) == "true"; got != project {
		t.Errorf("releases the top-level project: %v, want %v", got, project)
	}
}

func TestReleaseRegistrySetAtRunTime(t *testing.T) {
	// Each step's registry comes from an expression or a variable, so the
	// release may go anywhere: registry.npmjs.org is assumed, as a
	// possible step, and the project on it is not claimed.
	tok := "        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	tests := map[string]string{
		"registry flag":       "      - run: npm publish --registry $REGISTRY\n" + tok,
		"setup-node":          "      - uses: actions/setup-node@v4\n        with: {registry-url: '${{ vars.REGISTRY }}'}\n      - run: npm publish\n" + tok,
		"NPM_CONFIG_REGISTRY": "      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}', NPM_CONFIG_REGISTRY: '${{ vars.REGISTRY }}'}\n",
	}
	pypi := "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with: {password: '${{ secrets.TOK }}', repository-url: '${{ vars.INDEX }}'}\n"
	t.Run("PyPI action", func(t *testing.T) {
		res, n, ok := releaseOf(t, "", pypi, "pypi.org", "TOK")
		if !ok {
			t.Fatal("no account of TOK on pypi.org")
		}
		if e := findEdge(t, res, n.ID, graph.EdgeCanAccess, graph.RegistryScopeID("pypi.org")); e.Confidence != graph.Possible {
			t.Errorf("scope edge is %s, want possible", e.Confidence)
		}
	})
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			res, n, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
			if !ok {
				t.Fatal("no account of TOK")
			}
			if n.Attr(graph.AttrReleasesProject) != "" {
				t.Error("claims the top-level project, whose registry is not known")
			}
			if e := findEdge(t, res, n.ID, graph.EdgeCanAccess, graph.RegistryScopeID("registry.npmjs.org")); e.Confidence != graph.Possible {
				t.Errorf("scope edge is %s, want possible", e.Confidence)
			}
		})
	}
}

func TestReleaseInShellCommand(t *testing.T) {
	steps := "      - run: bash -c \"npm publish --access public\"\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
	if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); !ok {
		t.Error("no account of TOK: bash -c runs npm publish")
	}
}

// TestReleaseInCommandSubstitution checks that a release run inside a
// command substitution, whose output the script uses, is read. A
// substitution in single quotes is text, and runs nothing.
func TestReleaseInCommandSubstitution(t *testing.T) {
	tests := []struct {
		run      string
		releases bool
	}{
		{`echo "published: $(npm publish --access public)"`, true},
		{`out=$(npm publish)`, true},
		{`echo $(echo "$(npm publish)")`, true},
		{`echo "$(cd client && npm publish)"`, true},
		{`echo '$(npm publish)'`, false},
		{`echo "$(( 1 + 2 ))"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			steps := "      - run: " + strconv.Quote(tt.run) + "\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
			_, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
			if ok != tt.releases {
				t.Errorf("release with TOK: %v, want %v", ok, tt.releases)
			}
		})
	}
}

// A registry token written into the workflow logs in to a registry
// account as a stored one does: written to .npmrc by one step and used
// by a later npm publish, or given on twine's command line.
func TestReleaseWithLiteralToken(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("R4t7", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Zz9-", 13)
	wf := strings.Join([]string{
		"on: push",
		"permissions:",
		"  id-token: write",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - run: |", // 9
		`          echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > ~/.npmrc`,
		"      - run: npm publish",
		"      - run: twine upload -u __token__ -p " + pypiToken + " dist/*", // 12
	}, "\n")

	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	for _, tt := range []struct{ secret, host string }{
		{graph.GHAInlineSecretID(job, "run@9"), "registry.npmjs.org"},
		{graph.GHAInlineSecretID(job, "run@12"), "pypi.org"},
	} {
		account := graph.RegistryAccountID(tt.host, tt.secret)
		if diff := cmp.Diff([]string{account}, targets(res, tt.secret, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", tt.secret, diff)
		}
		if diff := cmp.Diff([]string{graph.RegistryScopeID(tt.host)}, targets(res, account, graph.EdgeCanAccess)); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", account, diff)
		}
		if n := findNode(t, res, account); n.Attr(graph.AttrReleasesProject) != "true" {
			t.Errorf("%s does not release the project at the top of the repository", account)
		}
	}
	// The job may use its OIDC token, but publishes with the tokens, so
	// not as a trusted publisher.
	for _, n := range res.Nodes {
		if n.Attr("trusted_publisher") == "true" {
			t.Errorf("trusted publisher %s, want none", n.ID)
		}
	}
}

// An upload password written into twine's command line logs in to the
// index whatever its shape, and so does a token set with npm config set
// without a registry.
func TestReleaseWithLiteralUploadPassword(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: npm config set _authToken q1w2e3r4t5y6u7i8", // 6
		"      - run: npm publish",
		"      - run: twine upload -u deploy -p Upl0ad-Passw0rd dist/*", // 8
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	job := jobID("rel.yml", "publish")
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(job, "run@6"): "registry.npmjs.org",
		graph.GHAInlineSecretID(job, "run@8"): "pypi.org",
	})
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
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: echo " + printed + " > /dev/null && npm publish", // 6
		"      - run: npm config set //registry.npmjs.org/:_authToken " + configured + " && npm publish",
		"      - run: npm publish && npm config set //registry.npmjs.org/:_authToken " + late, // 8
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(job, "run@6"): "",
		graph.GHAInlineSecretID(job, "run@7"): "registry.npmjs.org",
		graph.GHAInlineSecretID(job, "run@8"): "registry.npmjs.org",
	})
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", graph.GHAInlineSecretID(job, "run@8")): {},
	})
}

// A token set with yarn config set npmAuthToken logs in to the npm
// account of a later yarn npm publish, and one set with poetry config
// pypi-token.pypi to the PyPI account of a later poetry publish. A token
// of another Poetry repository, and a Poetry token for twine, which does
// not read Poetry's configuration, log in nowhere.
func TestReleaseWithLiteralToolConfig(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: yarn config set npmAuthToken z9x8c7v6b5n4m3l2", // 6
		"      - run: yarn npm publish",
		"      - run: poetry config pypi-token.pypi t0ken-f0r-the-index", // 8
		"      - run: poetry config pypi-token.internal t0ken-f0r-internal",
		"      - run: poetry publish --build",
		"  twine:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: poetry config pypi-token.pypi t0ken-n0t-f0r-twine", // 14
		"      - run: twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(job, "run@6"):                        "registry.npmjs.org",
		graph.GHAInlineSecretID(job, "run@8"):                        "pypi.org",
		graph.GHAInlineSecretID(job, "run@9"):                        "",
		graph.GHAInlineSecretID(jobID("rel.yml", "twine"), "run@14"): "",
	})
}

// A token exported to a variable that release tools read logs in the
// releases after it in the same script.
func TestReleaseWithLiteralExported(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("E7x8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Ex9-", 13)
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 6
		"          export NPM_TOKEN=" + npmToken,
		"          npm publish",
		"          export TWINE_PASSWORD=" + pypiToken + " && twine upload dist/*",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(job, "run@6"):   "registry.npmjs.org",
		graph.GHAInlineSecretID(job, "run@6/2"): "pypi.org",
	})
}

// A token that declare -x exports logs in the releases after it, as an
// exported one does.
func TestReleaseWithLiteralDeclared(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("D7x8", 9)
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 6
		"          declare -x NPM_TOKEN=" + npmToken,
		"          npm publish",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(jobID("rel.yml", "publish"), "run@6"): "registry.npmjs.org",
	})
}

// A release that reads its input from a pipe logs in as any other. A
// token that echo pipes to npm publish logs in nowhere, because npm
// reads no token from its input.
func TestReleaseWithLiteralPiped(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("P7p8", 9)
	piped := "npm_" + strings.Repeat("Q7q8", 9)
	pypiToken := "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Pp9-", 13)
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > .npmrc`, // 6
		"      - run: echo y | npm publish",
		"      - run: yes | twine upload -u __token__ -p " + pypiToken + " dist/*", // 8
		"  piped:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: echo " + piped + " | npm publish", // 12
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("rel.yml", "publish")
	for _, tt := range []struct{ secret, host string }{
		{graph.GHAInlineSecretID(job, "run@6"), "registry.npmjs.org"},
		{graph.GHAInlineSecretID(job, "run@8"), "pypi.org"},
		{graph.GHAInlineSecretID(jobID("rel.yml", "piped"), "run@12"), ""},
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

// A release to GitHub Packages with the job's GITHUB_TOKEN logs in to an
// account of the repository there when the token may write packages. The
// login is certain with packages: write and possible with the
// repository's default permissions. With packages: read there is none.
func TestReleaseWithGitHubToken(t *testing.T) {
	job := func(perms, steps string) string {
		return "    runs-on: ubuntu-latest\n" + perms + "    steps:\n" +
			"      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://npm.pkg.github.com\n" + steps
	}
	const write, read = "    permissions:\n      packages: write\n", "    permissions:\n      packages: read\n"
	wf := "on: push\njobs:\n" +
		"  env-token:\n" + job(write, "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n") +
		"  npmrc:\n" + job(write, "      - run: echo \"//npm.pkg.github.com/:_authToken=${{ github.token }}\" > .npmrc\n      - run: npm publish\n") +
		"  action:\n" + job(write, "      - uses: JS-DevTools/npm-publish@v3\n        with:\n          token: ${{ secrets.GITHUB_TOKEN }}\n          registry: https://npm.pkg.github.com\n") +
		"  default:\n" + job("", "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n") +
		"  read-only:\n" + job(read, "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n")

	res, err := parseBytes(t, testRepo, ".github/workflows/gpr.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for name, want := range map[string]graph.Confidence{"env-token": graph.Certain, "npmrc": graph.Certain, "action": graph.Certain, "default": graph.Possible, "read-only": ""} {
		token := graph.GHATokenID(jobID("gpr.yml", name))
		account := graph.RegistryAccountID("npm.pkg.github.com", token)
		got := targets(res, token, graph.EdgeAuthenticatesAs)
		if want == "" {
			if slices.Contains(got, account) {
				t.Errorf("%s: token logs in to %s, want no account", name, account)
			}
			continue
		}
		if !slices.Contains(got, account) {
			t.Errorf("%s: token logs in as %v, want %s among them", name, got, account)
			continue
		}
		if e := findEdge(t, res, token, graph.EdgeAuthenticatesAs, account); e.Confidence != want {
			t.Errorf("%s: login is %s, want %s", name, e.Confidence, want)
		}
		n := findNode(t, res, account)
		if n.Attr(graph.AttrReleasesProject) != "true" {
			t.Errorf("%s: the account does not release the project", name)
		}
		if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != (want == graph.Certain) {
			t.Errorf("%s: releases the project for certain: %v, want %v", name, got, want == graph.Certain)
		}
		if scope := targets(res, account, graph.EdgeCanAccess); len(scope) > 0 {
			t.Errorf("%s: the account reaches %v, want no registry scope", name, scope)
		}
	}
}

// A GitHub token written to .npmrc logs in to the GitHub Packages npm
// registry that the job publishes to.
func TestReleaseWithLiteralGitHubToken(t *testing.T) {
	ghToken := "ghp_" + strings.Repeat("K2m9", 9)
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  publish:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://npm.pkg.github.com",
		"      - run: |", // 9
		`          echo "//npm.pkg.github.com/:_authToken=` + ghToken + `" > ~/.npmrc`,
		"          npm publish",
	}, "\n")

	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := graph.GHAInlineSecretID(jobID("rel.yml", "publish"), "run@9")
	account := graph.RegistryAccountID("npm.pkg.github.com", secret)
	if diff := cmp.Diff([]string{account}, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("%s logs in as (-want +got):\n%s", secret, diff)
	}
}

func TestReleaseSubshellCd(t *testing.T) {
	// A cd inside ( ) moves only that subshell; one inside { } moves the
	// script.
	tests := []struct {
		name, script string
		project      bool
	}{
		{"subshell", "(cd docs && npm run build)\nnpm publish", true},
		{"subshell on the release's line", "( cd docs ) && npm publish", true},
		{"release in the subshell", "(cd docs && npm publish)", false},
		{"group", "{ cd docs; npm run build; }\nnpm publish", false},
		{"cd after the subshell", "(npm run build)\ncd docs\nnpm publish", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := strings.ReplaceAll(tt.script, "\n", "\n          ")
			steps := "      - run: |\n          " + run + "\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
			_, n, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK")
			if !ok {
				t.Fatal("no account of TOK on registry.npmjs.org")
			}
			if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
				t.Errorf("releases the top-level project: %v, want %v", got, tt.project)
			}
		})
	}
}

// npm sends a token of an .npmrc key scoped to a registry
// (//host/path/:_authToken) only to that host, under that path. It sends
// a token with no scope only to the default registry (npm's npmrc
// documentation, "Auth related configuration", and npm-registry-fetch's
// auth.js). So each token below logs in to the registry it is scoped to,
// whatever registry the publishes after it name, and its account
// publishes only when a release goes to that registry.
func TestReleaseWithLiteralScopedToken(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  same-host:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=s4m3h0stT0ken1234" > ~/.npmrc`, // 6
		"      - run: npm publish",
		"      - run: npm publish --registry https://registry.npmjs.org/",
		"  other-host:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=0th3rh0stT0ken5678" > ~/.npmrc`, // 12
		"      - run: npm publish --registry https://npm.pkg.github.com",
		"      - run: NPM_CONFIG_REGISTRY=https://npm.pkg.github.com npm publish",
		"  config-set:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: npm config set //npm.pkg.github.com/:_authToken c0nf1gS3tT0ken9012", // 18
		"      - run: npm publish",
		"      - run: npm publish --registry=https://npm.pkg.github.com/",
		"  path:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: printf '//npm.example.com/team/:_authToken=%s\n' p4thT0ken3456abcd >> .npmrc`, // 24
		"      - run: npm publish --registry https://npm.example.com/team/",
		"  other-path:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: printf '//npm.example.com/team/:_authToken=%s\n' 0th3rP4thT0ken12 >> .npmrc`, // 29
		"      - run: npm publish --registry https://npm.example.com/other/",
		"  unscoped:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: echo _authToken=unsc0p3dT0ken7890 >> .npmrc", // 34
		"      - run: npm publish --registry https://npm.pkg.github.com",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string { return graph.GHAInlineSecretID(jobID("rel.yml", job), key) }
	resulttest.Logins(t, res, map[string]string{
		secret("same-host", "run@6"):   "registry.npmjs.org",
		secret("other-host", "run@12"): "registry.npmjs.org",
		secret("config-set", "run@18"): "npm.pkg.github.com",
		secret("path", "run@24"):       "npm.example.com",
		secret("other-path", "run@29"): "npm.example.com",
		secret("unscoped", "run@34"):   "registry.npmjs.org",
	})
	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "same-host", "run@6"):   {Registry: true, Project: true},
		account("registry.npmjs.org", "other-host", "run@12"): {},
		account("npm.pkg.github.com", "config-set", "run@18"): {Registry: true},
		account("npm.example.com", "path", "run@24"):          {Registry: true},
		account("npm.example.com", "other-path", "run@29"):    {},
		account("registry.npmjs.org", "unscoped", "run@34"):   {},
	})
}

// A token assigned to a variable reaches a release through plain
// assignments of that variable to others (NAME=$OTHER, export
// NAME="${OTHER}") in the same script, as bash expands them, up to an
// .npmrc line that writes it. npm expands ${NAME} in .npmrc from the
// environment, so a single-quoted line takes the value of an exported
// variable. A value from a command substitution, or a variable set
// after the release, is not followed.
func TestReleaseWithLiteralThroughVariables(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  export:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 6
		"          TOKEN=abcd1234efgh5678ijkl9012",
		"          export NPM_TOKEN=$TOKEN",
		`          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc`,
		"          npm publish",
		"  chain:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 14
		"          export TOKEN=ch41nT0ken5678abcd",
		`          FIRST="${TOKEN}"`,
		"          export NPM_TOKEN=$FIRST",
		`          echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > .npmrc`,
		"          npm publish",
		"  shaped:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 23
		"          T=npm_" + strings.Repeat("V7v8", 9),
		"          export NPM_TOKEN=$T",
		"          npm publish",
		"  substituted:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 30
		"          TOKEN=subst1tut3dT0ken90",
		"          NPM_TOKEN=$(echo $TOKEN | tr -d x)",
		`          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc`,
		"          npm publish",
		"  reassigned:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 38
		"          TOKEN=r34ss1gn3dT0ken123",
		"          TOKEN=$(cat token.txt)",
		`          echo "//registry.npmjs.org/:_authToken=${TOKEN}" > .npmrc`,
		"          npm publish",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string { return graph.GHAInlineSecretID(jobID("rel.yml", job), key) }
	resulttest.Logins(t, res, map[string]string{
		secret("export", "run@6"):       "registry.npmjs.org",
		secret("chain", "run@14"):       "registry.npmjs.org",
		secret("shaped", "run@23"):      "registry.npmjs.org",
		secret("substituted", "run@30"): "",
		secret("reassigned", "run@38"):  "",
	})
}

// bash's printf -v NAME stores the formatted text in NAME, so a token
// that it formats into an .npmrc line logs in to the registry the line
// scopes it to. Its account publishes when the script writes the
// variable to .npmrc and publishes to that registry.
func TestReleaseWithLiteralPrintfVariable(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  npmjs:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 6
		`          printf -v line '//registry.npmjs.org/:_authToken=%s\n' pr1ntfV4rT0ken123`,
		`          echo "$line" >> ~/.npmrc`,
		"          npm publish",
		"  github:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: |", // 13
		`          printf -v line '//registry.npmjs.org/:_authToken=%s\n' pr1ntfV4rT0ken456`,
		`          echo "$line" >> ~/.npmrc`,
		"          npm publish --registry https://npm.pkg.github.com",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	resulttest.Logins(t, res, map[string]string{
		graph.GHAInlineSecretID(jobID("rel.yml", "npmjs"), "run@6"):   "registry.npmjs.org",
		graph.GHAInlineSecretID(jobID("rel.yml", "github"), "run@13"): "registry.npmjs.org",
	})
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		graph.RegistryAccountID("registry.npmjs.org", graph.GHAInlineSecretID(jobID("rel.yml", "npmjs"), "run@6")):   {Registry: true, Project: true},
		graph.RegistryAccountID("registry.npmjs.org", graph.GHAInlineSecretID(jobID("rel.yml", "github"), "run@13")): {},
	})
}

// npm sends the value of an .npmrc auth setting only to the registry its
// key names, and the value of a key with no registry only to the default
// registry (npm's npmrc documentation, "Auth related configuration"). So
// a token scoped to registry.npmjs.org is a registry.npmjs.org token
// whatever the job publishes: it logs in there even when --registry sends
// the release elsewhere, or when the job publishes nothing. Only a release
// to the token's registry lets its account publish.
func TestReleaseTokenLogsInWhereScoped(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  other-host:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=0th3rH0stT0kenAbcd12" > ~/.npmrc`, // 6
		"      - run: npm publish --registry https://npm.pkg.github.com",
		"  unscoped:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: echo _authToken=unsc0p3dT0kenAbcd1234 >> .npmrc", // 11
		"      - run: npm publish --registry https://npm.pkg.github.com",
		"  setup-node:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://npm.example.com/",
		"      - run: echo _authToken=s3tupN0d3T0kenAbcd12 >> .npmrc", // 19
		"      - run: npm publish --registry https://npm.pkg.github.com",
		"  install:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=1n5t4llT0kenAbcd1234" > ~/.npmrc`, // 24
		"      - run: npm ci",
		"  reached:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=r34ch3dT0kenAbcd1234" > ~/.npmrc`, // 29
		"      - run: npm publish",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	secret := func(job, key string) string { return graph.GHAInlineSecretID(jobID("rel.yml", job), key) }
	resulttest.Logins(t, res, map[string]string{
		secret("other-host", "run@6"):  "registry.npmjs.org",
		secret("unscoped", "run@11"):   "registry.npmjs.org",
		secret("setup-node", "run@19"): "npm.example.com",
		secret("install", "run@24"):    "registry.npmjs.org",
		secret("reached", "run@29"):    "registry.npmjs.org",
	})
	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }
	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "other-host", "run@6"): {},
		account("registry.npmjs.org", "unscoped", "run@11"):  {},
		account("npm.example.com", "setup-node", "run@19"):   {},
		account("registry.npmjs.org", "install", "run@24"):   {},
		account("registry.npmjs.org", "reached", "run@29"):   {Registry: true, Project: true},
	})
	if eco := findNode(t, res, account("registry.npmjs.org", "other-host", "run@6")).Attr("ecosystem"); eco != "npm" {
		t.Errorf("ecosystem of the account of the other-host job's token: %q, want npm", eco)
	}
}

// npm publish sends the package to the registry that publishConfig.registry
// in its package.json names, above .npmrc and the environment, unless
// --registry names another (npm's package.json documentation,
// "publishConfig"). Only the package.json at the top of the repository
// is read, for a release of the package there. So a token scoped to
// registry.npmjs.org logs in there but does not publish the project, and
// one scoped to the internal registry, or a secret the release reads,
// publishes to the internal registry. changesets/action runs its publish
// command, which publishes with npm, so the same holds for it.
func TestReleasePublishConfigRegistry(t *testing.T) {
	dir := t.TempDir()
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  npmjs-token:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//registry.npmjs.org/:_authToken=npmj5T0kenAbcd1234efgh" > ~/.npmrc`, // 7
		"      - run: npm publish",
		"  internal-token:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//npm.internal.example.com/:_authToken=1nt3rn4lT0kenAbcd1234" > ~/.npmrc`, // 13
		"      - run: npm publish",
		"  option:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//registry.npmjs.org/:_authToken=0pt10nT0kenAbcd1234ef" > ~/.npmrc`, // 19
		"      - run: npm publish --registry https://registry.npmjs.org/",
		"  folder:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//registry.npmjs.org/:_authToken=f0ld3rT0kenAbcd1234ef" > ~/.npmrc`, // 25
		"      - run: cd packages/lib && npm publish",
		"  secret:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - run: npm publish",
		"        env:",
		"          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
		"  changesets:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - uses: changesets/action@v1",
		"        with:",
		"          publish: npx changeset publish",
		"        env:",
		"          NPM_TOKEN: ${{ secrets.CHANGESETS_NPM_TOKEN }}",
	}, "\n")

	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "workflows", "rel.yml"), []byte(wf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := parseAt(t, dir, ".github/workflows/rel.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := func(job, key string) string { return graph.GHAInlineSecretID(jobID("rel.yml", job), key) }

	resulttest.Logins(t, res, map[string]string{
		secret("npmjs-token", "run@7"):     "registry.npmjs.org",
		secret("internal-token", "run@13"): "npm.internal.example.com",
		secret("option", "run@19"):         "registry.npmjs.org",
		secret("folder", "run@25"):         "registry.npmjs.org",
	})

	account := func(host, job, key string) string { return graph.RegistryAccountID(host, secret(job, key)) }

	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "npmjs-token", "run@7"):           {},
		account("npm.internal.example.com", "internal-token", "run@13"): {Registry: true},
		account("registry.npmjs.org", "option", "run@19"):               {Registry: true, Project: true},
		account("registry.npmjs.org", "folder", "run@25"):               {Registry: true},
	})
	for _, name := range []string{"NPM_TOKEN", "CHANGESETS_NPM_TOKEN"} {
		id := graph.GHASecretID(testRepo, name)
		want := []string{graph.RegistryAccountID("npm.internal.example.com", id)}
		if diff := cmp.Diff(want, targets(res, id, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("%s logs in as (-want +got):\n%s", name, diff)
		}
	}
}

// A token that a step writes into .npmrc from a secret follows the same
// rule as a literal one: npm sends the value of an auth setting only to
// the registry its key names, and the value of a key with no registry
// only to the default registry, expanding ${NAME} in .npmrc from the
// environment (npm's npmrc documentation, "Files" and "Auth related
// configuration"). actions/setup-node with registry-url writes an .npmrc
// whose //HOST/PATH/:_authToken=${NODE_AUTH_TOKEN} line scopes
// NODE_AUTH_TOKEN to that registry (setup-node's action.yml, registry-url,
// and src/authutil.ts). So each secret below logs in on its key's
// registry whatever the job publishes, and its account publishes only
// when a release goes there. NODE_AUTH_TOKEN with no .npmrc line the
// workflow shows logs in wherever the release goes.
func TestReleaseSecretLogsInWhereScoped(t *testing.T) {
	dir := t.TempDir()
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  internal:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}" > ~/.npmrc`,
		"      - run: npm publish",
		"  reached:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//npm.internal.example.com/:_authToken=${{ secrets.INTERNAL_TOKEN }}" > ~/.npmrc`,
		"      - run: npm publish",
		"  step-env:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		`      - run: echo "//registry.npmjs.org/:_authToken=$TOKEN" > ~/.npmrc`,
		"        env:",
		"          TOKEN: ${{ secrets.ENV_TOKEN }}",
		"      - run: npm publish",
		"  unscoped:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://npm.example.com/",
		`      - run: echo "_authToken=${{ secrets.UNSCOPED_TOKEN }}" >> .npmrc`,
		"      - run: npm publish --registry https://npm.pkg.github.com",
		"  install:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: npm config set //registry.npmjs.org/:_authToken ${{ secrets.INSTALL_TOKEN }}",
		"      - run: npm ci",
		"  setup-node:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://registry.npmjs.org",
		"      - run: npm publish",
		"        env:",
		"          NODE_AUTH_TOKEN: ${{ secrets.SETUP_TOKEN }}",
		"  setup-node-reached:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - uses: actions/setup-node@v4",
		"        with:",
		"          registry-url: https://npm.internal.example.com/",
		"      - run: npm publish",
		"        env:",
		"          NODE_AUTH_TOKEN: ${{ secrets.SETUP_INTERNAL_TOKEN }}",
		"  no-setup-node:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: actions/checkout@v4",
		"      - run: npm publish",
		"        env:",
		"          NODE_AUTH_TOKEN: ${{ secrets.ENV_ONLY_TOKEN }}",
	}, "\n")

	manifest := `{"name": "app", "version": "1.0.0", "publishConfig": {"registry": "https://npm.internal.example.com/"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "workflows", "rel.yml"), []byte(wf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := parseAt(t, dir, ".github/workflows/rel.yml", testRepo)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)

	secret := func(name string) string { return graph.GHASecretID(testRepo, name) }

	resulttest.Logins(t, res, map[string]string{
		secret("NPM_TOKEN"):            "registry.npmjs.org",
		secret("INTERNAL_TOKEN"):       "npm.internal.example.com",
		secret("ENV_TOKEN"):            "registry.npmjs.org",
		secret("UNSCOPED_TOKEN"):       "npm.example.com",
		secret("INSTALL_TOKEN"):        "registry.npmjs.org",
		secret("SETUP_TOKEN"):          "registry.npmjs.org",
		secret("SETUP_INTERNAL_TOKEN"): "npm.internal.example.com",
		secret("ENV_ONLY_TOKEN"):       "npm.internal.example.com",
	})

	account := func(host, name string) string { return graph.RegistryAccountID(host, secret(name)) }

	resulttest.Releases(t, res, map[string]resulttest.Reach{
		account("registry.npmjs.org", "NPM_TOKEN"):                  {},
		account("npm.internal.example.com", "INTERNAL_TOKEN"):       {Registry: true},
		account("registry.npmjs.org", "ENV_TOKEN"):                  {},
		account("npm.example.com", "UNSCOPED_TOKEN"):                {},
		account("registry.npmjs.org", "INSTALL_TOKEN"):              {},
		account("registry.npmjs.org", "SETUP_TOKEN"):                {},
		account("npm.internal.example.com", "SETUP_INTERNAL_TOKEN"): {Registry: true},
		account("npm.internal.example.com", "ENV_ONLY_TOKEN"):       {Registry: true},
	})
	// The plan's revoke step for the token names the registry of an npm
	// account.
	for _, name := range []string{"NPM_TOKEN", "SETUP_TOKEN"} {
		if eco := findNode(t, res, account("registry.npmjs.org", name)).Attr("ecosystem"); eco != "npm" {
			t.Errorf("ecosystem of the account of %s: %q, want npm", name, eco)
		}
	}
}

// Yarn 2 and later read registry tokens from .yarnrc.yml (npmAuthToken),
// never from .npmrc, and npm reads no .yarnrc.yml. So a token that only
// .npmrc holds, NODE_AUTH_TOKEN after actions/setup-node included,
// publishes with yarn npm publish only if .yarnrc.yml, which is not read,
// names it: possible. A token set with yarn config set npmAuthToken
// publishes with yarn npm publish for certain, and not with npm publish.
func TestReleaseYarnBerryReadsYarnrc(t *testing.T) {
	const setup = "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n"
	job := func(name, steps string) string {
		return "  " + name + ":\n    runs-on: ubuntu-latest\n    steps:\n" + steps
	}
	wf := "on: push\njobs:\n" +
		job("berry-node-auth", setup+"      - run: yarn npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NODE_TOKEN }}\n") +
		job("berry-npmrc", "      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets.NPMRC_TOKEN }}\" > .npmrc\n      - run: yarn npm publish\n") +
		job("berry-yarnrc", "      - run: yarn config set npmAuthToken ${{ secrets.YARNRC_TOKEN }}\n      - run: yarn npm publish\n") +
		job("npm-yarnrc", "      - run: yarn config set npmAuthToken ${{ secrets.NPM_YARNRC_TOKEN }}\n      - run: npm publish\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		secret string
		want   graph.Confidence // "" for no publish
	}{
		{"NODE_TOKEN", graph.Possible},
		{"NPMRC_TOKEN", graph.Possible},
		{"YARNRC_TOKEN", graph.Certain},
		{"NPM_YARNRC_TOKEN", ""},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GHASecretID(testRepo, tt.secret))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("publish with %s: %q, want %q", tt.secret, got, tt.want)
		}
	}
}

// The file a token goes to is that of its own command, also when one line
// writes both files.
func TestReleaseNpmrcAndYarnrcOnOneLine(t *testing.T) {
	job := func(name, steps string) string {
		return "  " + name + ":\n    runs-on: ubuntu-latest\n    steps:\n" + steps
	}
	both := func(npmrc, yarnrc string) string {
		return "      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets." + npmrc + " }}\" > .npmrc; yarn config set npmAuthToken ${{ secrets." + yarnrc + " }}\n"
	}
	wf := "on: push\njobs:\n" +
		job("npm", both("NPMRC_TOKEN", "YARNRC_TOKEN")+"      - run: npm publish\n") +
		job("berry", both("NPM_TOKEN", "YARN_TOKEN")+"      - run: yarn npm publish\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		secret string
		want   graph.Confidence // "" for no publish
	}{
		{"NPMRC_TOKEN", graph.Certain},
		{"YARNRC_TOKEN", ""},
		{"NPM_TOKEN", graph.Possible},
		{"YARN_TOKEN", graph.Certain},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GHASecretID(testRepo, tt.secret))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("publish with %s: %q, want %q", tt.secret, got, tt.want)
		}
	}
}

// After actions/setup-node, npm reads the project's .npmrc but not the
// home folder's. A line that writes both, one command each, sends each
// token to the file of its own command.
func TestReleaseProjectAndHomeNpmrcOnOneLine(t *testing.T) {
	wf := "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n" +
		"      - run: echo \"//registry.npmjs.org/:_authToken=${{ secrets.PROJECT_TOKEN }}\" > .npmrc; " +
		"echo \"//registry.npmjs.org/:_authToken=${{ secrets.HOME_TOKEN }}\" > ~/.npmrc\n" +
		"      - run: npm publish\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		secret string
		want   graph.Confidence // "" for no publish
	}{
		{"PROJECT_TOKEN", graph.Certain},
		{"HOME_TOKEN", ""},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GHASecretID(testRepo, tt.secret))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("publish with %s: %q, want %q", tt.secret, got, tt.want)
		}
	}
}

// Literal tokens follow the same rule as secrets: yarn npm publish reads
// an .npmrc token only possibly, and npm publish no npmAuthToken.
func TestReleaseYarnBerryReadsYarnrcLiteral(t *testing.T) {
	wf := strings.Join([]string{
		"on: push",
		"jobs:",
		"  berry-npmrc:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		`      - run: echo "//registry.npmjs.org/:_authToken=b3rryT0kenAbcd1234efgh" > .npmrc`, // 6
		"      - run: yarn npm publish",
		"  npm-yarnrc:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: yarn config set npmAuthToken y4rnrcT0kenAbcd1234ef", // 11
		"      - run: npm publish",
		"  berry-yarnrc:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - run: yarn config set npmAuthToken y4rnB3rryT0kenAbcd123", // 16
		"      - run: yarn npm publish",
	}, "\n")
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		job, key string
		want     graph.Confidence // "" for no publish
	}{
		{"berry-npmrc", "run@6", graph.Possible},
		{"npm-yarnrc", "run@11", ""},
		{"berry-yarnrc", "run@16", graph.Certain},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GHAInlineSecretID(jobID("rel.yml", tt.job), tt.key))
		var got graph.Confidence
		for _, e := range res.Edges {
			if e.From == account && e.To == scope && e.Kind == graph.EdgeCanAccess {
				got = e.Confidence
			}
		}
		if got != tt.want {
			t.Errorf("publish of job %s: %q, want %q", tt.job, got, tt.want)
		}
	}
}

// YARN_NPM_AUTH_TOKEN is Yarn's npmAuthToken setting, which only yarn npm
// publish sends. npm and Yarn 1 do not read it.
func TestReleaseYarnAuthTokenEnv(t *testing.T) {
	const workflow = `
name: release
on: push
jobs:
  npm:
    runs-on: ubuntu-latest
    env:
      YARN_NPM_AUTH_TOKEN: ${{ secrets.NPM_JOB_TOKEN }}
    steps:
      - run: npm publish
  berry:
    runs-on: ubuntu-latest
    env:
      YARN_NPM_AUTH_TOKEN: ${{ secrets.BERRY_JOB_TOKEN }}
    steps:
      - run: yarn npm publish
`
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", []byte(workflow))
	if err != nil {
		t.Fatal(err)
	}
	scope := graph.RegistryScopeID("registry.npmjs.org")
	for _, tt := range []struct {
		name      string
		publishes bool
	}{
		{"NPM_JOB_TOKEN", false},
		{"BERRY_JOB_TOKEN", true},
	} {
		account := graph.RegistryAccountID("registry.npmjs.org", graph.GHASecretID(testRepo, tt.name))
		if got := hasEdge(res, account, graph.EdgeCanAccess, scope); got != tt.publishes {
			t.Errorf("%s publishes on registry.npmjs.org: %v, want %v", tt.name, got, tt.publishes)
		}
	}
}

// TestSubstitutionsBounded checks that the commands read from the command
// substitutions of one script line are bounded in number, since each
// release found costs a pass over its line.
func TestSubstitutionsBounded(t *testing.T) {
	line := "echo" + strings.Repeat(" $(npm publish)", 1000)
	commands := 0
	for _, p := range withSubstitutions(splitScript(line), 0) {
		if p.subshell == 0 && p.cmd == "npm publish" {
			commands++
		}
	}
	if commands != maxSubstitutions {
		t.Errorf("read %d commands from 1000 substitutions, want the bound %d", commands, maxSubstitutions)
	}
}

// TestStepReleasesBounded checks that one step's script is read for at
// most maxStepReleases release commands, with one warning about the rest.
func TestStepReleasesBounded(t *testing.T) {
	wf := "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: " +
		strings.Repeat("npm publish; ", maxStepReleases+20) + "\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(wf))
	if err != nil {
		t.Fatal(err)
	}
	var bounded []string
	for _, w := range resulttest.Warnings(res) {
		if strings.Contains(w, "release commands") {
			bounded = append(bounded, w)
		}
	}
	want := []string{".github/workflows/rel.yml:6: job release: step 1: more than 100 release commands; the rest are not read"}
	if diff := cmp.Diff(want, bounded); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// The releases read still give the token its registry account.
	if got := targets(res, graph.GHASecretID(testRepo, "NPM_TOKEN"), graph.EdgeAuthenticatesAs); len(got) == 0 {
		t.Errorf("NPM_TOKEN authenticates as nothing, want the npm account the releases publish with")
	}
}

func TestReleaseUnderCommandWrappers(t *testing.T) {
	// timeout and nice run the command that follows them, and env reads
	// grouped short options (-vC web is -v -C web), so each line publishes
	// with TOK, from the folder that env -C names.
	tests := []struct {
		run     string
		project bool
	}{
		{"timeout 60 npm publish", true},
		{"nice npm publish", true},
		{"timeout 60 env -C web npm publish", false},
		{"nice env -C web npm publish", false},
		{"env -vC web npm publish", false},
		{"env -vCweb npm publish", false},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) { checkProjectRelease(t, tt.run, tt.project) })
	}
}

func TestReleaseTokenTakenAway(t *testing.T) {
	// unset, export -n and declare +x leave npm without the token, so
	// the release does not log in with it (bash: export -n and declare
	// +x keep the variable in the shell only).
	for _, tt := range []struct{ name, script, env string }{
		{"unset", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          unset NODE_AUTH_TOKEN", ""},
		{"export -n", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          export -n NODE_AUTH_TOKEN", ""},
		{"declare +x", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          declare +x NODE_AUTH_TOKEN", ""},
		{"unset of the step's env", "unset NODE_AUTH_TOKEN", "        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps := "      - run: |\n          " + tt.script + "\n          npm publish\n" + tt.env
			if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); ok {
				t.Errorf("TOK logs in to registry.npmjs.org, want no login: npm does not receive it")
			}
		})
	}
	// env -u and env -i run their own command without the variable.
	for _, run := range []string{"env -u NODE_AUTH_TOKEN npm publish", "env -i npm publish", "env -iC web npm publish"} {
		steps := "      - run: " + run + "\n        env: {NODE_AUTH_TOKEN: '${{ secrets.TOK }}'}\n"
		if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); ok {
			t.Errorf("%s: TOK logs in to registry.npmjs.org, want no login", run)
		}
	}
	steps := "      - run: env -i NODE_AUTH_TOKEN=${{ secrets.TOK }} npm publish\n"
	if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); !ok {
		t.Errorf("env -i NODE_AUTH_TOKEN=... npm publish: TOK does not log in, want the variable env sets after emptying")
	}
	// unset -f removes a function, not the variable.
	steps = "      - run: |\n          export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          unset -f NODE_AUTH_TOKEN\n          npm publish\n"
	if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); !ok {
		t.Errorf("unset -f took the token away; want the release to log in with TOK")
	}
}

func TestReleaseInCalledFunction(t *testing.T) {
	// A function's body runs at its call, with the variables the script
	// set before the call (bash: shell functions), so the release there
	// logs in with TOK.
	steps := "      - run: |\n          pub() { npm publish; }\n          declare -x NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          pub\n"
	if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); !ok {
		t.Errorf("TOK does not log in to registry.npmjs.org; want the release in pub to use it")
	}
	// A function that calls itself is followed a bounded number of times.
	steps = "      - run: |\n          f() { f; f; npm publish; }\n          export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          f\n"
	if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); !ok {
		t.Errorf("TOK does not log in to registry.npmjs.org through the recursive function")
	}
}

func TestReleaseUncalledFunctionState(t *testing.T) {
	// The body of a function that is not called runs in no shell before
	// the release (bash: shell functions), so its unset leaves TOK to npm
	// and its export gives npm nothing. A call runs the body in the
	// script's shell, so there the unset takes TOK away.
	for _, tt := range []struct {
		name, script string
		login        bool
	}{
		{"unset in body", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\ncleanup() {\n  unset NODE_AUTH_TOKEN\n}\nnpm publish", true},
		{"export in body", "setup() {\n  export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n}\nnpm publish", false},
		{"unset in called body", "export NODE_AUTH_TOKEN=${{ secrets.TOK }}\ncleanup() {\n  unset NODE_AUTH_TOKEN\n}\ncleanup\nnpm publish", false},
		{"export in called body", "setup() {\n  export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n}\nsetup\nnpm publish", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			script := "          " + strings.ReplaceAll(tt.script, "\n", "\n          ")
			_, _, ok := releaseOf(t, "", "      - run: |\n"+script+"\n", "registry.npmjs.org", "TOK")
			if ok != tt.login {
				t.Errorf("TOK logs in to registry.npmjs.org: %v, want %v", ok, tt.login)
			}
		})
	}
}

func TestReleaseCallLinesBound(t *testing.T) {
	// Calls are followed while the bodies read again total at most
	// maxCallLines lines. Past that, the release counts only where the
	// body is written, before TOK is exported.
	for _, tt := range []struct {
		lines int
		login bool
	}{
		{maxCallLines - 1, true},
		{maxCallLines + 1, false},
	} {
		body := strings.Repeat("            echo step\n", tt.lines-1) + "            npm publish\n"
		steps := "      - run: |\n          pub() {\n" + body + "          }\n          export NODE_AUTH_TOKEN=${{ secrets.TOK }}\n          pub\n"
		if _, _, ok := releaseOf(t, "", steps, "registry.npmjs.org", "TOK"); ok != tt.login {
			t.Errorf("body of %d lines: TOK logs in: %v, want %v", tt.lines, ok, tt.login)
		}
	}
}
