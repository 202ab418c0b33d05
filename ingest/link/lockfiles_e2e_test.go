package link_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// Lockfiles of one repository that both pin a package, one for
// development only and one for the app. The merged LOCKS edge names the
// first lockfile and carries its "dev" mark, which is true of that
// lockfile alone.
const (
	devLock = `{"name": "a", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "a", "version": "1.0.0", "devDependencies": {"event-stream": "3.3.6"}},
  "node_modules/event-stream": {"version": "3.3.6", "dev": true, "resolved": "https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz"}
 }}`
	appLock = `{"name": "b", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "b", "version": "1.0.0", "dependencies": {"event-stream": "3.3.6"}},
  "node_modules/event-stream": {"version": "3.3.6", "resolved": "https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz"}
 }}`
)

// A job that installs b's packages without development ones runs the
// package, which b's lockfile needs at run time, though the first
// lockfile of the repository needs it for development only.
func TestSecondLockfileRunsInJob(t *testing.T) {
	repos := map[string]map[string]string{"mono": {
		"a/package-lock.json": devLock,
		"b/package-lock.json": appLock,
		".github/workflows/deploy.yml": `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci --omit=dev
        working-directory: b
      - run: node deploy.js
        working-directory: b
        env:
          TOKEN: ${{ secrets.DEPLOY_TOKEN }}
`,
	}}
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s, _ := ingestDir(t, dir)
	res, err := query.Run(context.Background(), s, query.Start{Packages: []string{"pkg:npm/event-stream@3.3.6"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	job := graph.GHAJobID("o/mono", ".github/workflows/deploy.yml", "deploy")
	got := map[string]string{}
	for _, r := range res.Reached {
		got[r.Node.ID] = string(r.Confidence)
	}
	want := map[string]string{job: "certain", "secret:gha:o/mono/DEPLOY_TOKEN": "certain"}
	for id, conf := range want {
		if got[id] != conf {
			t.Errorf("%s reached as %q, want %q", id, got[id], conf)
		}
	}

	es, err := s.Expand(context.Background(), []string{job}, graph.Out, graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.To == "pkg:npm/event-stream@3.3.6" && e.Attr(graph.AttrLockfile) != "b/package-lock.json" {
			t.Errorf("the job's edge names lockfile %s, want b/package-lock.json", e.Attr(graph.AttrLockfile))
		}
	}
}

// Two Dockerfiles install the package from their own folder's lockfile.
// Each depends on it, not only the one whose lockfile sorts first.
func TestSecondLockfileInImage(t *testing.T) {
	dockerfile := "FROM node:20\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
	repos := map[string]map[string]string{"mono": {
		".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo test\n",
		"api/package-lock.json":    appLock,
		"api/Dockerfile":           dockerfile,
		"worker/package-lock.json": appLock,
		"worker/Dockerfile":        dockerfile,
	}}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "dockerfile:")
	want := []string{
		"dockerfile:github.com/o/mono/api/Dockerfile (possible)",
		"dockerfile:github.com/o/mono/worker/Dockerfile (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// Two Compose files build one image from one Dockerfile with different
// build contexts. The Dockerfile's packages come from the lockfile of each
// context, not only of the file that sorts first.
func TestImageBuildsFromTwoContexts(t *testing.T) {
	repos := map[string]map[string]string{"mono": {
		".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo test\n",
		"compose.yaml": `services:
  app:
    build:
      context: .
      dockerfile: docker/Dockerfile
    image: ghcr.io/example-org/app:latest
`,
		"compose.nightly.yaml": `services:
  app:
    build:
      context: app
      dockerfile: ../docker/Dockerfile
    image: ghcr.io/example-org/app:nightly
`,
		"docker/Dockerfile": "FROM node:20\nCOPY package.json package-lock.json ./\nRUN npm ci\n",
		"package-lock.json": `{"name": "root", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "root", "version": "1.0.0", "dependencies": {"left-pad": "1.3.0"}},
  "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"}
 }}`,
		"app/package-lock.json": imageLock,
	}}
	for _, purl := range []string{"pkg:npm/left-pad@1.3.0", "pkg:npm/event-stream@3.3.6"} {
		got := reachedIn(t, repos, purl, "dockerfile:")
		want := []string{"dockerfile:github.com/o/mono/docker/Dockerfile (certain)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}
