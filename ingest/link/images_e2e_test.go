package link_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// imageLock pins event-stream for the app and eslint-config-prettier for
// development only.
const imageLock = `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "app", "version": "1.0.0", "dependencies": {"event-stream": "3.3.6"}, "devDependencies": {"eslint-config-prettier": "10.1.6"}},
  "node_modules/event-stream": {"version": "3.3.6", "resolved": "https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz"},
  "node_modules/eslint-config-prettier": {"version": "10.1.6", "dev": true, "resolved": "https://registry.npmjs.org/eslint-config-prettier/-/eslint-config-prettier-10.1.6.tgz"}
 }}`

// imageRepos are four repositories. api builds its image in one stage
// and installs without development packages. web builds in stages and
// runs its app on a distroless image. docs builds on python:3.12. infra
// runs the three images in Kubernetes, api and web with a Secret each.
var imageRepos = map[string]map[string]string{
	"api": {
		"package-lock.json": imageLock,
		"Dockerfile": `FROM node:20
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
`,
		".github/workflows/release.yml": `on: push
permissions:
  packages: write
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/example-org/api:1.4
`,
	},
	"web": {
		"package-lock.json": imageLock,
		"Dockerfile": `FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM python:3.12 AS docs
RUN pip install mkdocs==1.6.0

FROM gcr.io/distroless/nodejs20
COPY --from=build /app /app
CMD ["/app/server.js"]
`,
		".github/workflows/release.yml": `on: push
permissions:
  packages: write
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "$GITHUB_TOKEN" | docker login ghcr.io -u bot --password-stdin
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
      - run: docker build -t ghcr.io/example-org/web:$GITHUB_SHA .
      - run: docker push ghcr.io/example-org/web:$GITHUB_SHA
`,
	},
	"docs": {
		"Dockerfile": `FROM python:3.12
RUN pip install mkdocs==1.6.0
`,
		".github/workflows/release.yml": `on: push
permissions:
  packages: write
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          password: ${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/example-org/docs:latest
`,
	},
	"infra": {
		"k8s/apps.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/example-org/api:1.4
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/example-org/web:2.0
          env:
            - name: SESSION_KEY
              valueFrom:
                secretKeyRef:
                  name: web-session
                  key: key
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: docs
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: docs
          image: ghcr.io/example-org/docs:latest
`,
	},
}

// reached returns the ids a query for a package reaches in imageRepos,
// with their confidence, among those that start with one of prefixes.
func reached(t *testing.T, purl string, prefixes ...string) []string {
	t.Helper()
	return reachedIn(t, imageRepos, purl, prefixes...)
}

// reachedIn is reached over other repositories.
func reachedIn(t *testing.T, repos map[string]map[string]string, purl string, prefixes ...string) []string {
	t.Helper()
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s, sum := ingestDir(t, dir)
	if len(sum.Rejected) > 0 {
		t.Fatalf("rejected: %v", sum.Rejected)
	}
	res, err := query.Run(context.Background(), s, query.Start{Packages: []string{purl}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res.Reached {
		for _, p := range prefixes {
			if strings.HasPrefix(r.Node.ID, p) {
				out = append(out, r.Node.ID+" ("+string(r.Confidence)+")")
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

var (
	apiWorkload = graph.K8sWorkloadID("prod", "Deployment", "api")
	webWorkload = graph.K8sWorkloadID("prod", "Deployment", "web")
)

// A package that api's lockfile pins, installed by the Dockerfile's
// npm ci, reaches the workload that runs the image the job pushes, and
// the Secret the workload reads. web's build stage installs it too, and
// its last stage copies the stage's folder. The build stage's own node,
// the image of a build with --target build, installs it possibly: no CI
// build targets the stage, so its context is taken to be its folder.
func TestImagePackageReachesWorkload(t *testing.T) {
	got := reached(t, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:prod/", "dockerfile:")
	want := []string{
		"dockerfile:github.com/o/api/Dockerfile (certain)",
		"dockerfile:github.com/o/web/Dockerfile (certain)",
		"dockerfile:github.com/o/web/Dockerfile#build (possible)",
		apiWorkload + " (certain)",
		webWorkload + " (certain)",
		"secret:k8s:prod/api-db (certain)",
		"secret:k8s:prod/web-session (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A base image reaches the workloads that run images built on it: node:20
// is api's only stage, node:20-slim the stage web's last stage copies
// from, and the distroless image web's last stage.
func TestBaseImageReachesWorkload(t *testing.T) {
	for purl, want := range map[string][]string{
		"pkg:docker/node@20":      {apiWorkload + " (certain)"},
		"pkg:docker/node@20-slim": {webWorkload + " (certain)"},
		"pkg:docker/distroless/nodejs20@latest?repository_url=gcr.io": {webWorkload + " (certain)"},
	} {
		if diff := cmp.Diff(want, reached(t, purl, "k8s:workload:")); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// api installs with --omit=dev, so its image holds no development
// package: only web, whose npm ci installs them, is reached.
func TestImageLeavesOutDevPackages(t *testing.T) {
	want := []string{webWorkload + " (certain)"}
	if diff := cmp.Diff(want, reached(t, "pkg:npm/eslint-config-prettier@10.1.6", "k8s:workload:")); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// web's docs stage is one its last stage does not use: neither its base
// image nor what it installs is in web's image. docs builds on the same
// image and installs the same package, so of the workloads both reach
// docs alone. They also reach the node of web's docs stage, the image a
// build with --target docs would make, which no workload runs.
func TestUnusedStageNotReached(t *testing.T) {
	docs := graph.K8sWorkloadID("prod", "Deployment", "docs")
	for _, purl := range []string{"pkg:docker/python@3.12", "pkg:pypi/mkdocs@1.6.0"} {
		want := []string{"dockerfile:github.com/o/docs/Dockerfile (certain)", "dockerfile:github.com/o/web/Dockerfile#docs (certain)", docs + " (certain)"}
		if diff := cmp.Diff(want, reached(t, purl, "k8s:workload:", "dockerfile:")); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// Without a CI build that names it, a Dockerfile is taken to be built
// with its own folder as the context: the lockfile beside it counts,
// possibly, and the one at the top does not.
func TestImageContextWithoutBuild(t *testing.T) {
	repos := map[string]map[string]string{"tool": {
		".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo lint\n",
		"package-lock.json":        imageLock,
		"cli/package-lock.json":    imageLock,
		"cli/Dockerfile": `FROM node:20
COPY package-lock.json package.json /srv/
WORKDIR /srv
RUN npm ci
`,
	}}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "dockerfile:")
	want := []string{"dockerfile:github.com/o/tool/cli/Dockerfile (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The edge from a Dockerfile to a locked package names the lockfile and
// the RUN line.
func TestImagePackageReason(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, imageRepos)
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{"dockerfile:github.com/o/api/Dockerfile"}, graph.Out, graph.EdgeDependsOn)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range es {
		got[e.To] = e.Attr(graph.AttrReason)
	}
	const want = "the RUN instruction at line 4 of Dockerfile installs npm dependencies from package-lock.json, which a COPY or ADD brings in from build context ., and package-lock.json pins pkg:npm/event-stream@3.3.6"
	if got["pkg:npm/event-stream@3.3.6"] != want {
		t.Errorf("reason %q, want %q", got["pkg:npm/event-stream@3.3.6"], want)
	}
	if _, ok := got["pkg:npm/eslint-config-prettier@10.1.6"]; ok {
		t.Errorf("api's Dockerfile depends on the development package")
	}
}
