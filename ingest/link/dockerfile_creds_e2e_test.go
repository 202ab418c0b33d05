package link_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
	"github.com/blastradius-dev/blastradius/review"
)

// tokenAccount is the account on registry.npmjs.org of the secret
// NPM_TOKEN of o/token, as the CI readers name the account of a job's
// .npmrc token.
var tokenAccount = graph.RegistryAccountID("registry.npmjs.org", "secret:gha:o/token/NPM_TOKEN")

// The RUN instruction at line 5 of token's Dockerfile writes the build
// argument NPM_TOKEN into the .npmrc auth setting of registry.npmjs.org
// and runs npm ci. The job passes its secret NPM_TOKEN as that argument,
// so the secret logs in to registry.npmjs.org: esbuild's install script
// reaches the secret and its npm account, both certain.
//
// With a release workflow that publishes the project (package.json names
// it app) with the same secret, the account is the one that publishes
// it, so the query also reaches pkg:npm/app through it, and no second
// account.
func TestBuildArgNPMLogin(t *testing.T) {
	withRelease := map[string]string{
		"package.json": `{"name": "app", "version": "1.0.0"}`,
		".github/workflows/release.yml": `on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
`,
	}
	maps.Copy(withRelease, buildRepos["token"])
	for name, tc := range map[string]struct {
		files map[string]string
		want  []string
	}{
		"build only": {buildRepos["token"], []string{
			tokenAccount + " (certain)",
			"secret:gha:o/token/NPM_TOKEN (certain)",
		}},
		"with release": {withRelease, []string{
			"pkg:npm/app (certain)",
			tokenAccount + " (certain)",
			"secret:gha:o/token/NPM_TOKEN (certain)",
		}},
	} {
		got := reachedIn(t, map[string]map[string]string{"token": tc.files}, "pkg:npm/esbuild@0.21.5", "secret:", "registry:registry.npmjs.org/secret:", "pkg:npm/app")
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", name, diff)
		}
	}
}

// Once NPM_TOKEN logs in to registry.npmjs.org, review lists it as a
// long-lived registry token, as it does a job's .npmrc token.
func TestBuildArgNPMLoginReview(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{"token": buildRepos["token"]})
	s, _ := ingestDir(t, dir)
	rv, err := review.Run(context.Background(), s, review.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rv.Findings {
		if f.Node == "secret:gha:o/token/NPM_TOKEN" {
			got = append(got, f.Kind+": "+f.Detail)
		}
	}
	want := []string{review.FindingCISecretKey + ": CI secret NPM_TOKEN stores a long-lived registry.npmjs.org token; trusted publishing would let the release job publish with a short-lived OIDC token instead"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings about NPM_TOKEN (-want +got):\n%s", diff)
	}
}

// envRepos are an image whose Dockerfile bakes a literal API_TOKEN into
// its environment, which a job pushes as ghcr.io/o/api:1.4, and a
// Deployment that runs that image.
var envRepos = map[string]map[string]string{
	"api": {
		"Dockerfile": `FROM node:20
ENV API_TOKEN=canary-dockerfile-env-7q2w-X9x9
WORKDIR /app
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
          password: ${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/o/api:1.4
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
          image: ghcr.io/o/api:1.4
`,
	},
}

// envToken is the node of the literal API_TOKEN of api's Dockerfile.
var envToken = graph.DockerfileInlineSecretID("dockerfile:github.com/o/api/Dockerfile", "API_TOKEN")

// The image is built FROM node:20, so a query for node:20 reaches the
// Deployment that runs the image and the image's build, and both have
// the environment that ENV sets: both expose the literal API_TOKEN,
// certain. The Deployment also reads its service account token.
func TestDockerfileEnvLiteral(t *testing.T) {
	got := reachedIn(t, envRepos, "pkg:docker/node@20", "secret:")
	want := []string{
		envToken + " (certain)",
		"secret:k8s:sa-token:prod/default (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	dir := t.TempDir()
	writeRepos(t, dir, envRepos)
	s, _ := ingestDir(t, dir)
	ctx := context.Background()
	es, err := s.Expand(ctx, []string{envToken}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	for _, e := range es {
		from = append(from, e.From)
	}
	slices.Sort(from)
	wantFrom := []string{
		graph.K8sWorkloadID("prod", "Deployment", "api"),
		graph.ImageBuildID(graph.GHAJobID("o/api", ".github/workflows/release.yml", "image"), 13),
	}
	if diff := cmp.Diff(wantFrom, from); diff != "" {
		t.Errorf("runtimes that expose the token (-want +got):\n%s", diff)
	}
}

// The plan item rotates the literal and directs removing it from the
// Dockerfile, the file's history and the images built from it.
func TestDockerfileEnvLiteralPlan(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, envRepos)
	s, _ := ingestDir(t, dir)
	ctx := context.Background()
	res, err := query.Run(ctx, s, query.Start{Packages: []string{"pkg:docker/node@20"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := query.BuildPlan(ctx, s, res)
	if err != nil {
		t.Fatal(err)
	}

	var action string
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == envToken {
				action = it.Action
			}
		}
	}
	if action == "" {
		t.Fatalf("no plan item for %s", envToken)
	}

	for _, want := range []string{
		"Rotate the credential at the service that issued it",
		"Dockerfile:2",
		"remove the old value from the file and its history",
		"the layers and history of every image built from it keep the value",
	} {
		if !strings.Contains(action, want) {
			t.Errorf("plan item %q does not say %q", action, want)
		}
	}
	if strings.Contains(action, "canary-") {
		t.Errorf("plan item prints the value: %q", action)
	}
}

// An ENV sets pip's extra index URL with the build argument PYPI_TOKEN as
// its password, so the job's secret PYPI_TOKEN, passed as that argument,
// logs in to pypi.example.com. The build runs on python:3.12, so a query
// for that image reaches the secret and the account, certain.
func TestBuildArgIndexLogin(t *testing.T) {
	repos := map[string]map[string]string{"pip": {
		"requirements.txt": "requests==2.32.3\n",
		"Dockerfile": `FROM python:3.12
ARG PYPI_TOKEN
ENV PIP_EXTRA_INDEX_URL=https://__token__:${PYPI_TOKEN}@pypi.example.com/simple
COPY requirements.txt .
RUN pip install -r requirements.txt
`,
		".github/workflows/image.yml": buildWorkflow("docker build --build-arg PYPI_TOKEN=${{ secrets.PYPI_TOKEN }} -t ghcr.io/o/pip:1 ."),
	}}
	got := reachedIn(t, repos, "pkg:docker/python@3.12", "secret:gha:o/pip/", "registry:")
	want := []string{
		graph.RegistryAccountID("pypi.example.com", "secret:gha:o/pip/PYPI_TOKEN") + " (certain)",
		"secret:gha:o/pip/PYPI_TOKEN (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The default of an ARG is in the image's history, not in a container's
// environment, so the Deployment that runs the image exposes it only as
// possible. The build, whose RUN instructions read the ARG, exposes it
// for certain.
func TestDockerfileArgLiteralPossible(t *testing.T) {
	repos := map[string]map[string]string{"infra": envRepos["infra"], "api": {}}
	maps.Copy(repos["api"], envRepos["api"])
	repos["api"]["Dockerfile"] = `FROM node:20
ARG SENTRY_AUTH_TOKEN=canary-dockerfile-arg-4v9n-X9x9
RUN npx @sentry/cli releases new 1.4
`
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s, _ := ingestDir(t, dir)
	token := graph.DockerfileInlineSecretID("dockerfile:github.com/o/api/Dockerfile", "SENTRY_AUTH_TOKEN")
	es, err := s.Expand(context.Background(), []string{token}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.From+" ("+string(e.Confidence)+")")
	}
	slices.Sort(got)
	want := []string{
		graph.K8sWorkloadID("prod", "Deployment", "api") + " (possible)",
		graph.ImageBuildID(graph.GHAJobID("o/api", ".github/workflows/release.yml", "image"), 13) + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes that expose the token (-want +got):\n%s", diff)
	}
}

// builderRepos build an image whose last stage only copies the output of
// a build stage. The build stage sets a literal NPM_TOKEN with ENV and
// runs npm ci, so esbuild's install script runs in the image's build with
// the token in its environment. The image, which the Deployment runs,
// has neither the build stage's environment nor its history.
var builderRepos = map[string]map[string]string{
	"web": {
		"package-lock.json": buildLock,
		"Dockerfile": `FROM node:20 AS build
ENV NPM_TOKEN=canary-dockerfile-builder-6p1k-X9x9
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci && npm run build

FROM nginx:1.27
COPY --from=build /app/dist /usr/share/nginx/html
`,
		".github/workflows/image.yml": buildWorkflow("docker build -t ghcr.io/o/web:1 . && docker push ghcr.io/o/web:1"),
	},
	"infra": {
		"k8s/web.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/o/web:1
`,
	},
}

// builderToken is the node of the literal NPM_TOKEN of web's build stage.
var builderToken = graph.DockerfileInlineSecretID("dockerfile:github.com/o/web/Dockerfile", "NPM_TOKEN")

// The install script of esbuild runs in the build stage, so it reaches
// the build stage's literal token through the image's build, certain.
// The Deployment runs the last stage only, so it does not expose it.
func TestDockerfileBuilderStageLiteral(t *testing.T) {
	got := reachedIn(t, builderRepos, "pkg:npm/esbuild@0.21.5", "secret:dockerfile:")
	if diff := cmp.Diff([]string{builderToken + " (certain)"}, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}

	dir := t.TempDir()
	writeRepos(t, dir, builderRepos)
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{builderToken}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	for _, e := range es {
		from = append(from, e.From)
	}
	want := []string{graph.ImageBuildID(graph.GHAJobID("o/web", ".github/workflows/image.yml", "image"), 9)}
	if diff := cmp.Diff(want, from); diff != "" {
		t.Errorf("runtimes that expose the token (-want +got):\n%s", diff)
	}
}

// The plan item of a build stage's literal does not send the reader to
// the pushed images, which do not keep it, but to the build caches.
func TestDockerfileBuilderStageLiteralPlan(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, builderRepos)
	s, _ := ingestDir(t, dir)
	ctx := context.Background()
	res, err := query.Run(ctx, s, query.Start{Packages: []string{"pkg:npm/esbuild@0.21.5"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := query.BuildPlan(ctx, s, res)
	if err != nil {
		t.Fatal(err)
	}
	var action string
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == builderToken {
				action = it.Action
			}
		}
	}
	if !strings.Contains(action, "build caches may keep it") {
		t.Errorf("plan item %q does not name the build caches", action)
	}
	if strings.Contains(action, "every image built from it") {
		t.Errorf("plan item %q names the images, which do not keep the value", action)
	}
}

// envArgRepos build an image whose ENV copies the build argument
// NPM_TOKEN, which the job fills with its secret NPM_TOKEN, and a
// Deployment that runs the image.
var envArgRepos = map[string]map[string]string{
	"api": {
		"package-lock.json": buildLock,
		"Dockerfile": `FROM node:20
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN}
COPY package.json package-lock.json ./
RUN npm ci
`,
		".github/workflows/image.yml": buildWorkflow("docker build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }} -t ghcr.io/o/api:1.4 . && docker push ghcr.io/o/api:1.4"),
	},
	"infra": envRepos["infra"],
}

// ENV bakes the build argument's value into the image's environment, so
// the Deployment that runs the image has the secret, certain, since one
// build makes the image. Without the ENV line, the Deployment does not
// have it.
func TestDockerfileEnvCopiesBuildArg(t *testing.T) {
	const secret = "secret:gha:o/api/NPM_TOKEN"
	dir := t.TempDir()
	writeRepos(t, dir, envArgRepos)
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{secret}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.From+" ("+string(e.Confidence)+")")
	}
	slices.Sort(got)
	job := graph.GHAJobID("o/api", ".github/workflows/image.yml", "image")
	want := []string{
		job + " (certain)",
		graph.ImageBuildID(job, 9) + " (certain)",
		graph.K8sWorkloadID("prod", "Deployment", "api") + " (certain)",
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes that expose the secret (-want +got):\n%s", diff)
	}

	without := map[string]map[string]string{"infra": envArgRepos["infra"], "api": maps.Clone(envArgRepos["api"])}
	without["api"]["Dockerfile"] = strings.Replace(without["api"]["Dockerfile"], "ENV NPM_TOKEN=${NPM_TOKEN}\n", "", 1)
	dir = t.TempDir()
	writeRepos(t, dir, without)
	s, _ = ingestDir(t, dir)
	es, err = s.Expand(context.Background(), []string{secret}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.From == graph.K8sWorkloadID("prod", "Deployment", "api") {
			t.Errorf("without ENV, the Deployment exposes %s", secret)
		}
	}
}

// The job builds api's image with --target naming the last stage, which
// builds the image the file's node stands for. The Deployment that runs
// the pushed image still has the literal API_TOKEN that the stage's ENV
// sets.
func TestDockerfileEnvLiteralLastStageTarget(t *testing.T) {
	repos := map[string]map[string]string{"api": maps.Clone(envRepos["api"]), "infra": envRepos["infra"]}
	repos["api"]["Dockerfile"] = strings.Replace(repos["api"]["Dockerfile"], "FROM node:20\n", "FROM node:20 AS runtime\n", 1)
	repos["api"][".github/workflows/release.yml"] = strings.Replace(repos["api"][".github/workflows/release.yml"],
		"          push: true\n", "          push: true\n          target: runtime\n", 1)
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{envToken}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	for _, e := range es {
		from = append(from, e.From)
	}
	if !slices.Contains(from, graph.K8sWorkloadID("prod", "Deployment", "api")) {
		t.Errorf("runtimes that expose the token: %v, want the Deployment that runs the image among them", from)
	}
}
