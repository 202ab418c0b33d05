package link_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
)

// npmRelease and pypiRelease publish the project at the top of the
// repository with a token secret.
const (
	npmRelease = `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`
	pypiRelease = `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build && twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}
`
	lockNaming = `{"name": "lock-name", "lockfileVersion": 3, "packages": {"": {"name": "lock-name", "version": "1.0.0"}}}`
)

// writeRepos writes repositories (folder -> path in it -> content) under
// dir.
func writeRepos(t *testing.T, dir string, repos map[string]map[string]string) {
	t.Helper()
	for repo, files := range repos {
		for rel, data := range files {
			p := filepath.Join(dir, repo, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// ingestDir ingests the repositories under dir, of organisation "o",
// through every parser and the linker, as the ingest command does.
func ingestDir(t *testing.T, dir string) (*memstore.Store, *ingest.Summary) {
	t.Helper()
	s := memstore.New()
	p := &ingest.Pipeline{
		Parsers: formats.All(),
		Store:   s,
		Derive:  (&link.Linker{}).Derive,
		Org:     "o",
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
		Now:     func() time.Time { return time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC) },
	}
	sum, err := p.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return s, sum
}

// canPublish returns the CAN_PUBLISH edges of the store as sorted
// "from -> to confidence" lines.
func canPublish(t *testing.T, s *memstore.Store) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanPublish)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.From+" -> "+e.To+" "+string(e.Confidence))
	}
	sort.Strings(out)
	return out
}

// TestReleasePublishesManifestName ingests repositories whose release at
// the top publishes the package their package.json or pyproject.toml
// names, through every parser and the linker, as the ingest command does.
func TestReleasePublishesManifestName(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"widget": {
			".github/workflows/release.yml": npmRelease,
			"package.json":                  `{"name": "@acme/widget", "version": "1.0.0"}`,
		},
		// The lockfile still has the name from before a rename.
		"renamed": {
			".github/workflows/release.yml": npmRelease,
			"package.json":                  `{"name": "new-name", "version": "2.0.0"}`,
			"package-lock.json":             lockNaming,
		},
		// npm rejects a private package, whatever name the lockfile records.
		"private": {
			".github/workflows/release.yml": npmRelease,
			"package.json":                  `{"name": "private-app", "private": true}`,
			"package-lock.json":             lockNaming,
		},
		// Without package.json in the input, the lockfile names it.
		"lockonly": {
			".github/workflows/release.yml": npmRelease,
			"npm-shrinkwrap.json":           lockNaming,
		},
		"subfolder": {
			".github/workflows/release.yml": npmRelease,
			"packages/lib/package.json":     `{"name": "@acme/lib", "version": "1.0.0"}`,
		},
		"pep621": {
			".github/workflows/release.yml": pypiRelease,
			"pyproject.toml":                "[project]\nname = \"Acme_Widget\"\nversion = \"1.0\"\n",
		},
		"poetry": {
			".github/workflows/release.yml": pypiRelease,
			"pyproject.toml":                "[tool.poetry]\nname = \"Poetry.Tool\"\nversion = \"1.0\"\n",
		},
		// setuptools takes the name from setup.cfg when pyproject.toml
		// only chooses the build backend.
		"setupcfg": {
			".github/workflows/release.yml": pypiRelease,
			"pyproject.toml":                "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n",
			"setup.cfg":                     "[metadata]\nname = Cfg_Tool\n",
		},
		// setup() arguments win over setup.cfg.
		"setuppy": {
			".github/workflows/release.yml": pypiRelease,
			"setup.py":                      "from setuptools import setup\nsetup(name='py.tool')\n",
			"setup.cfg":                     "[metadata]\nname = cfg-name\n",
		},
		// A computed setup() argument wins over setup.cfg too, and the
		// input does not show its value.
		"setuppycomputed": {
			".github/workflows/release.yml": pypiRelease,
			"setup.py":                      "from setuptools import setup\nNAME = 'py-tool'\nsetup(name=NAME)\n",
			"setup.cfg":                     "[metadata]\nname = cfg-name\n",
		},
		"setuppyunpacked": {
			".github/workflows/release.yml": pypiRelease,
			"setup.py":                      "from setuptools import setup\nsetup(**metadata)\n",
			"setup.cfg":                     "[metadata]\nname = cfg-name\n",
		},
		// A [project] table names the package, whatever name setup.cfg gives.
		"pep621setup": {
			".github/workflows/release.yml": pypiRelease,
			"pyproject.toml":                "[project]\nname = \"pep621-wins\"\n",
			"setup.cfg":                     "[metadata]\nname = cfg-name\n",
		},
		"brokenjson": {
			".github/workflows/release.yml": npmRelease,
			"package.json":                  "{\n  \"name\": \"broken\",\n}\n",
		},
		"brokentoml": {
			".github/workflows/release.yml": pypiRelease,
			"pyproject.toml":                "[project]\nname = \"broken\n",
		},
	})
	s, sum := ingestDir(t, dir)

	var rejected []string
	for _, d := range sum.Rejected {
		rel, _ := filepath.Rel(dir, d.Pos.File)
		rejected = append(rejected, filepath.ToSlash(rel)+":"+strconv.Itoa(d.Pos.Line))
	}
	sort.Strings(rejected)
	// The JSON object ends where a member was expected, and the TOML
	// string runs to the end of its line.
	if diff := cmp.Diff(rejected, []string{"brokenjson/package.json:3", "brokentoml/pyproject.toml:2"}); diff != "" {
		t.Errorf("rejected files (-got +want):\n%s", diff)
	}

	npm := func(repo string) string {
		return graph.RegistryAccountID("registry.npmjs.org", graph.GHASecretID("o/"+repo, "NPM_TOKEN"))
	}
	pypi := func(repo string) string {
		return graph.RegistryAccountID("pypi.org", graph.GHASecretID("o/"+repo, "PYPI_TOKEN"))
	}
	const prefix = "the account releases the project at the top of "
	want := map[string]string{
		npm("widget") + " -> pkg:npm/%40acme/widget":     prefix + "o/widget, which its package.json names @acme/widget",
		npm("renamed") + " -> pkg:npm/new-name":          prefix + "o/renamed, which its package.json names new-name",
		npm("lockonly") + " -> pkg:npm/lock-name":        prefix + "o/lockonly, which its npm-shrinkwrap.json names lock-name",
		pypi("pep621") + " -> pkg:pypi/acme-widget":      prefix + "o/pep621, which its pyproject.toml names acme-widget",
		pypi("poetry") + " -> pkg:pypi/poetry-tool":      prefix + "o/poetry, which its pyproject.toml names poetry-tool",
		pypi("setupcfg") + " -> pkg:pypi/cfg-tool":       prefix + "o/setupcfg, which its setup.cfg names cfg-tool",
		pypi("setuppy") + " -> pkg:pypi/py-tool":         prefix + "o/setuppy, which its setup.py names py-tool",
		pypi("pep621setup") + " -> pkg:pypi/pep621-wins": prefix + "o/pep621setup, which its pyproject.toml names pep621-wins",
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanPublish)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.From+" -> "+e.To] = e.Attr(graph.AttrReason)
		if e.Confidence != graph.Certain {
			t.Errorf("%s -> %s is %s, want certain", e.From, e.To, e.Confidence)
		}
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("CAN_PUBLISH edges and reasons (-got +want):\n%s", diff)
	}
}

// gprRelease publishes the project at the top of the repository to GitHub
// Packages with the job's GITHUB_TOKEN.
const gprRelease = `on: push
permissions:
  packages: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          registry-url: https://npm.pkg.github.com
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
`

// TestGitHubTokenPublishesOwnerScope ingests releases to GitHub Packages
// with the job's GITHUB_TOKEN. The token publishes the repository's own
// package, which GitHub Packages takes only in the scope of the
// repository's owner, "o" here.
func TestGitHubTokenPublishesOwnerScope(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"widget": {
			".github/workflows/release.yml": gprRelease,
			"package.json":                  `{"name": "@o/widget", "version": "1.0.0"}`,
		},
		"other": {
			".github/workflows/release.yml": gprRelease,
			"package.json":                  `{"name": "@acme/other", "version": "1.0.0"}`,
		},
		"bare": {
			".github/workflows/release.yml": gprRelease,
			"package.json":                  `{"name": "bare", "version": "1.0.0"}`,
		},
	})
	s, _ := ingestDir(t, dir)
	got := canPublish(t, s)
	token := graph.GHATokenID(graph.GHAJobID("o/widget", ".github/workflows/release.yml", "release"))
	want := []string{graph.RegistryAccountID("npm.pkg.github.com", token) + " -> pkg:npm/%40o/widget certain"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH edges (-want +got):\n%s", diff)
	}
}

// TestCalledWorkflowPublishesWithCallerToken ingests a release to GitHub
// Packages in a workflow that only runs when called. The GITHUB_TOKEN is
// the caller job's, so its permissions decide: packages: write gives a
// certain path to the repository's package, the default permissions a
// possible one, and packages: read none.
func TestCalledWorkflowPublishesWithCallerToken(t *testing.T) {
	called := `on: workflow_call
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          registry-url: https://npm.pkg.github.com
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
`
	caller := func(perms string) string {
		return "on: push\njobs:\n  release:\n" + perms + "    uses: ./.github/workflows/publish.yml\n"
	}
	dir := t.TempDir()
	repos := map[string]map[string]string{}
	for name, perms := range map[string]string{
		"write":   "    permissions:\n      packages: write\n",
		"default": "",
		"read":    "    permissions:\n      packages: read\n",
	} {
		repos[name] = map[string]string{
			".github/workflows/publish.yml": called,
			".github/workflows/ci.yml":      caller(perms),
			"package.json":                  `{"name": "@o/` + name + `", "version": "1.0.0"}`,
		}
	}
	writeRepos(t, dir, repos)
	s, _ := ingestDir(t, dir)
	got := canPublish(t, s)
	account := func(repo string) string {
		job := graph.GHAJobID("o/"+repo, ".github/workflows/ci.yml", "release")
		return graph.RegistryAccountID("npm.pkg.github.com", graph.GHATokenID(job))
	}
	want := []string{
		account("default") + " -> pkg:npm/%40o/default possible",
		account("write") + " -> pkg:npm/%40o/write certain",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH edges (-want +got):\n%s", diff)
	}
}

// A CircleCI run step that publishes at the top of the project's checkout
// releases the project's own package, with a project variable or with a
// token written into the step. A release in a step with a
// working_directory of its own, or in a job without checkout, does not.
func TestCircleCIReleasePublishesProject(t *testing.T) {
	npmToken := "npm_" + strings.Repeat("C1r7", 9)
	job := func(steps string) string {
		return "version: 2.1\njobs:\n  release:\n    docker:\n      - image: cimg/node:20.11\n    steps:\n" + steps +
			"workflows:\n  main:\n    jobs:\n      - release\n"
	}
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"variable": {
			".circleci/config.yml": job("      - checkout\n      - run: npm publish --//registry.npmjs.org/:_authToken=$NPM_TOKEN\n"),
			"package.json":         `{"name": "@o/variable", "version": "1.0.0"}`,
		},
		"literal": {
			".circleci/config.yml": job("      - checkout\n      - run: |\n          echo \"//registry.npmjs.org/:_authToken=" + npmToken + "\" > ~/.npmrc\n          npm publish\n"),
			"package.json":         `{"name": "literal-pkg", "version": "1.0.0"}`,
		},
		"subfolder": {
			".circleci/config.yml": job("      - checkout\n      - run:\n          working_directory: packages/lib\n          command: npm publish --//registry.npmjs.org/:_authToken=$NPM_TOKEN\n"),
			"package.json":         `{"name": "subfolder-root", "version": "1.0.0"}`,
		},
		// The job's environment sends npm publish to another registry:
		// the account there publishes no package of npmjs.org.
		"private": {
			".circleci/config.yml": "version: 2.1\njobs:\n  release:\n    docker:\n      - image: cimg/node:20.11\n    environment:\n      NPM_CONFIG_REGISTRY: https://npm.internal.example.com/\n    steps:\n      - checkout\n      - run: npm publish --//npm.internal.example.com/:_authToken=$NPM_TOKEN\nworkflows:\n  main:\n    jobs:\n      - release\n",
			"package.json":         `{"name": "private-pkg", "version": "1.0.0"}`,
		},
		"nocheckout": {
			".circleci/config.yml": job("      - run: npm publish --//registry.npmjs.org/:_authToken=$NPM_TOKEN\n"),
			"package.json":         `{"name": "nocheckout-pkg", "version": "1.0.0"}`,
		},
	})
	s, _ := ingestDir(t, dir)
	vars := func(repo string) string {
		return graph.RegistryAccountID("registry.npmjs.org", graph.CircleCIProjectVariablesID("o/"+repo)+"/NPM_TOKEN")
	}
	literal := graph.RegistryAccountID("registry.npmjs.org",
		graph.CircleCIInlineSecretID(graph.CircleCIJobID("o/literal", ".circleci/config.yml", "release"), "run@8"))
	want := []string{
		literal + " -> pkg:npm/literal-pkg certain",
		vars("variable") + " -> pkg:npm/%40o/variable certain",
	}
	if diff := cmp.Diff(want, canPublish(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
	internal := graph.RegistryAccountID("npm.internal.example.com", graph.CircleCIProjectVariablesID("o/private")+"/NPM_TOKEN")
	if ns, _ := s.Nodes(context.Background(), []string{internal}); len(ns) != 1 {
		t.Errorf("no account %s on the registry the job's environment names", internal)
	}
}

// TestCalledWorkflowOwnPermissionsDropPackages: the caller grants
// packages: write, but the called job sets its own permissions to
// contents: read. A called job's permissions only lower the caller's,
// and a scope they leave out gets no access, so its GITHUB_TOKEN cannot
// publish.
func TestCalledWorkflowOwnPermissionsDropPackages(t *testing.T) {
	called := `on: workflow_call
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          registry-url: https://npm.pkg.github.com
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
`
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"narrow": {
			".github/workflows/publish.yml": called,
			".github/workflows/ci.yml":      "on: push\njobs:\n  release:\n    permissions:\n      packages: write\n    uses: ./.github/workflows/publish.yml\n",
			"package.json":                  `{"name": "@o/narrow", "version": "1.0.0"}`,
		},
	})
	s, _ := ingestDir(t, dir)
	if got := canPublish(t, s); len(got) != 0 {
		t.Errorf("CAN_PUBLISH edges %v, want none", got)
	}
}
