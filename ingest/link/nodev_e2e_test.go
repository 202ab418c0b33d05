package link_test

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestDevDependenciesLeftOut: the lockfile pins express for the app and
// eslint-config-prettier for development only. The deploy job installs
// with --omit=dev, so npm never fetches the development package there,
// and only the test job, which installs everything and runs the tests,
// executes it. Both run express.
func TestDevDependenciesLeftOut(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"app": {
			".github/workflows/ci.yml": `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm test
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci --omit=dev && node deploy.js
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
`,
			"package-lock.json": `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "app", "version": "1.0.0", "dependencies": {"express": "4.19.2"}, "devDependencies": {"eslint-config-prettier": "10.1.6"}},
  "node_modules/express": {"version": "4.19.2", "resolved": "https://registry.npmjs.org/express/-/express-4.19.2.tgz"},
  "node_modules/eslint-config-prettier": {"version": "10.1.6", "dev": true, "resolved": "https://registry.npmjs.org/eslint-config-prettier/-/eslint-config-prettier-10.1.6.tgz"}
 }}`,
		},
	})
	s, _ := ingestDir(t, dir)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range es {
		switch e.To {
		case "pkg:npm/express@4.19.2", "pkg:npm/eslint-config-prettier@10.1.6":
			got[e.To] = append(got[e.To], e.From)
		}
	}
	for _, l := range got {
		sort.Strings(l)
	}
	const wf = "runtime:gha:o/app/.github/workflows/ci.yml#"
	want := map[string][]string{
		"pkg:npm/express@4.19.2":                {wf + "deploy", wf + "test"},
		"pkg:npm/eslint-config-prettier@10.1.6": {wf + "test"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs that execute each package (-want +got):\n%s", diff)
	}
}

// TestYarnDevDependenciesLeftOut: package.json declares left-pad for the
// app and test-kit for development only. test-kit requires left-pad too
// and mock-clock, which nothing else requires. The deploy job runs
// yarn install --production, which leaves out test-kit and mock-clock but
// installs left-pad; the test job installs all three.
func TestYarnDevDependenciesLeftOut(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"app": {
			".github/workflows/ci.yml": `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: yarn install && yarn test
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: yarn install --production && node deploy.js
        env:
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
`,
			"package.json": `{"name": "app", "version": "1.0.0",
 "dependencies": {"left-pad": "^1.3.0"},
 "devDependencies": {"test-kit": "^2.0.0"}}`,
			"yarn.lock": `# yarn lockfile v1


left-pad@^1.1.0, left-pad@^1.3.0:
  version "1.3.0"
  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"

mock-clock@^0.2.0:
  version "0.2.1"
  resolved "https://registry.yarnpkg.com/mock-clock/-/mock-clock-0.2.1.tgz"

test-kit@^2.0.0:
  version "2.4.0"
  resolved "https://registry.yarnpkg.com/test-kit/-/test-kit-2.4.0.tgz"
  dependencies:
    left-pad "^1.1.0"
    mock-clock "^0.2.0"
`,
		},
	})
	s, _ := ingestDir(t, dir)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range es {
		switch e.To {
		case "pkg:npm/left-pad@1.3.0", "pkg:npm/test-kit@2.4.0", "pkg:npm/mock-clock@0.2.1":
			got[e.To] = append(got[e.To], e.From)
		}
	}
	for _, l := range got {
		sort.Strings(l)
	}
	const wf = "runtime:gha:o/app/.github/workflows/ci.yml#"
	want := map[string][]string{
		"pkg:npm/left-pad@1.3.0":   {wf + "deploy", wf + "test"},
		"pkg:npm/test-kit@2.4.0":   {wf + "test"},
		"pkg:npm/mock-clock@0.2.1": {wf + "test"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs that execute each package (-want +got):\n%s", diff)
	}
}

// TestYarnBerryNodeEnvKeepsDev: the same project locked by Yarn 4. Yarn 2
// and later ignore NODE_ENV when they install, so the job that sets
// NODE_ENV=production and runs yarn install installs test-kit and
// mock-clock too. Only yarn workspaces focus --production leaves them out
// there.
func TestYarnBerryNodeEnvKeepsDev(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"app": {
			".github/workflows/ci.yml": `on: push
jobs:
  envprod:
    runs-on: ubuntu-latest
    env:
      NODE_ENV: production
    steps:
      - uses: actions/checkout@v4
      - run: yarn install && node deploy.js
  focus:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: yarn workspaces focus --all --production && node deploy.js
`,
			"package.json": `{"name": "app", "version": "1.0.0", "packageManager": "yarn@4.5.0",
 "dependencies": {"left-pad": "^1.3.0"},
 "devDependencies": {"test-kit": "^2.0.0"}}`,
			"yarn.lock": `__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    left-pad: "npm:^1.3.0"
    test-kit: "npm:^2.0.0"
  languageName: unknown
  linkType: soft

"left-pad@npm:^1.1.0, left-pad@npm:^1.3.0":
  version: 1.3.0
  resolution: "left-pad@npm:1.3.0"
  languageName: node
  linkType: hard

"mock-clock@npm:^0.2.0":
  version: 0.2.1
  resolution: "mock-clock@npm:0.2.1"
  languageName: node
  linkType: hard

"test-kit@npm:^2.0.0":
  version: 2.4.0
  resolution: "test-kit@npm:2.4.0"
  dependencies:
    left-pad: "npm:^1.1.0"
    mock-clock: "npm:^0.2.0"
  languageName: node
  linkType: hard
`,
		},
	})
	s, _ := ingestDir(t, dir)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range es {
		switch e.To {
		case "pkg:npm/left-pad@1.3.0", "pkg:npm/test-kit@2.4.0", "pkg:npm/mock-clock@0.2.1":
			got[e.To] = append(got[e.To], e.From)
		}
	}
	for _, l := range got {
		sort.Strings(l)
	}
	const wf = "runtime:gha:o/app/.github/workflows/ci.yml#"
	want := map[string][]string{
		"pkg:npm/left-pad@1.3.0":   {wf + "envprod", wf + "focus"},
		"pkg:npm/test-kit@2.4.0":   {wf + "envprod"},
		"pkg:npm/mock-clock@0.2.1": {wf + "envprod"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs that execute each package (-want +got):\n%s", diff)
	}
}
