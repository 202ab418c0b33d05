package link_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// buildLock pins esbuild, whose install script runs at install time, and
// left-pad, which has none.
const buildLock = `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "app", "version": "1.0.0", "dependencies": {"esbuild": "0.21.5", "left-pad": "1.3.0"}},
  "node_modules/esbuild": {"version": "0.21.5", "hasInstallScript": true, "resolved": "https://registry.npmjs.org/esbuild/-/esbuild-0.21.5.tgz"},
  "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"}
 }}`

// buildWorkflow builds the image of the repository's root with a build
// command. Another step gets a secret that the build does not receive.
func buildWorkflow(build string) string {
	return `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    env:
      NPMRC: ${{ secrets.NPMRC }}
    steps:
      - uses: actions/checkout@v4
      - run: ` + build + `
      - run: echo released
        env:
          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
`
}

// buildRepos are the repositories of the image-build tests:
//   - token writes the build argument NPM_TOKEN to .npmrc and runs npm ci,
//     then installs the Python requirements;
//   - mount runs npm ci with the secret npmrc mounted, which the build
//     reads from the job's variable NPMRC;
//   - noscripts runs npm ci --ignore-scripts with the token.
var buildRepos = map[string]map[string]string{
	"token": {
		"package-lock.json": buildLock,
		"requirements.txt":  "requests==2.32.3\n",
		"Dockerfile": `FROM node:20
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json requirements.txt ./
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
RUN pip install -r requirements.txt
COPY . .
CMD ["node", "server.js"]
`,
		".github/workflows/image.yml": buildWorkflow("docker build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }} -t ghcr.io/o/token:1 ."),
	},
	"mount": {
		"package-lock.json": buildLock,
		"Dockerfile": `# syntax=docker/dockerfile:1
FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
`,
		".github/workflows/image.yml": buildWorkflow("docker buildx build --secret id=npmrc,env=NPMRC -t ghcr.io/o/mount:1 ."),
	},
	"noscripts": {
		"package-lock.json": buildLock,
		"Dockerfile": `FROM node:20
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci --ignore-scripts
`,
		".github/workflows/image.yml": buildWorkflow("docker build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }} -t ghcr.io/o/noscripts:1 ."),
	},
}

// reachedInRepo is reachedIn over one repository of buildRepos.
func reachedInRepo(t *testing.T, repo, purl string, prefixes ...string) []string {
	t.Helper()
	return reachedIn(t, map[string]map[string]string{repo: buildRepos[repo]}, purl, prefixes...)
}

// esbuild's install script runs in the build, which gets NPM_TOKEN as a
// build argument that the Dockerfile declares. So the query reaches the
// build and the token, certain. It does not reach the job, its
// GITHUB_TOKEN, or DEPLOY_KEY and NPMRC, which the build does not receive.
func TestBuildArgInstallScript(t *testing.T) {
	job := graph.GHAJobID("o/token", ".github/workflows/image.yml", "image")
	got := reachedInRepo(t, "token", "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	want := []string{
		graph.ImageBuildID(job, 9) + " (certain)",
		"secret:gha:o/token/NPM_TOKEN (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// requests has no install script and no RUN runs Python code, so it
// reaches no secret. left-pad has no install script either, but npm ci
// runs the project's lifecycle scripts, which may load it, as in a job. So
// left-pad reaches the token as possible, not certain.
func TestBuildArgWithoutScripts(t *testing.T) {
	for purl, want := range map[string][]string{
		"pkg:pypi/requests@2.32.3": nil,
		"pkg:npm/left-pad@1.3.0":   {"secret:gha:o/token/NPM_TOKEN (possible)"},
	} {
		got := reachedInRepo(t, "token", purl, "secret:")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// A RUN that mounts the BuildKit secret npmrc runs npm ci, so esbuild's
// install script reads the secret. The build takes it from the job's
// variable NPMRC, which holds the job's secret NPMRC. DEPLOY_KEY stays out.
func TestBuildSecretMount(t *testing.T) {
	got := reachedInRepo(t, "mount", "pkg:npm/esbuild@0.21.5", "secret:")
	want := []string{"secret:gha:o/mount/NPMRC (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// npm ci --ignore-scripts runs no install script and no lifecycle script
// of the project. So the build executes nothing of the lockfile, and
// esbuild reaches neither the build nor the token. The same build without
// the flag executes esbuild at install time.
func TestBuildIgnoreScripts(t *testing.T) {
	if got := reachedInRepo(t, "noscripts", "pkg:npm/esbuild@0.21.5", "secret:", "runtime:"); len(got) != 0 {
		t.Errorf("reached %v, want nothing", got)
	}
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{"token": buildRepos["token"]})
	s, _ := ingestDir(t, dir)
	build := graph.ImageBuildID(graph.GHAJobID("o/token", ".github/workflows/image.yml", "image"), 9)
	es, err := s.Expand(context.Background(), []string{build}, graph.Out, graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.To+" phase="+e.Attr("phase")+" ("+string(e.Confidence)+")")
	}
	want := []string{
		"pkg:docker/node@20 phase=run (certain)",
		"pkg:npm/esbuild@0.21.5 phase=install (certain)",
		"pkg:npm/left-pad@1.3.0 phase=run (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the build executes (-want +got):\n%s", diff)
	}
}

// The plan contains the build as it contains its job: by disabling the
// job's workflow.
func TestBuildContainedByWorkflow(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{"token": buildRepos["token"]})
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

	build := graph.ImageBuildID(graph.GHAJobID("o/token", ".github/workflows/image.yml", "image"), 9)
	var got []*query.Item
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Kind == "contain" {
				got = append(got, it)
			}
		}
	}

	if len(got) != 1 {
		t.Fatalf("%d contain items, want 1", len(got))
	}
	if got[0].Node.ID != build {
		t.Errorf("contain item for %s, want %s", got[0].Node.ID, build)
	}
	const disable = "gh workflow disable .github/workflows/image.yml --repo o/token"
	if !strings.HasPrefix(got[0].Command, disable) {
		t.Errorf("contain command %q, want it to start with %q", got[0].Command, disable)
	}
}

// On a self-hosted runner, which may be a cloud instance, esbuild's
// install script in the build may read the host's metadata credentials.
// The build gets no RUNS_ON edge to the host, so the host's CAN_MODIFY
// edges to its jobs give the build none of the job's other secrets.
func TestBuildSelfHostedMetadata(t *testing.T) {
	files := map[string]string{}
	for k, v := range buildRepos["token"] {
		files[k] = v
	}
	files[".github/workflows/image.yml"] = strings.Replace(files[".github/workflows/image.yml"], "runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]", 1)
	got := reachedIn(t, map[string]map[string]string{"token": files}, "pkg:npm/esbuild@0.21.5", "secret:")
	host := graph.CIRunnerID("github", "o/token", []string{"linux", "self-hosted"})
	want := []string{
		"secret:gha:o/token/NPM_TOKEN (certain)",
		graph.CIRunnerMetadataID(host) + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A GitLab job passes its variable NPM_TOKEN to docker build as a build
// argument, so esbuild's install script reads it. No input declares the
// variable, so the job and the build read it as possible. DEPLOY_KEY,
// which only the job reads, stays out.
func TestGitLabBuildArg(t *testing.T) {
	files := map[string]string{}
	for k, v := range buildRepos["token"] {
		if k != ".github/workflows/image.yml" {
			files[k] = v
		}
	}
	files[".gitlab-ci.yml"] = `image-build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker build --build-arg NPM_TOKEN=$NPM_TOKEN -t registry.gitlab.com/o/token:1 .
    - echo "$DEPLOY_KEY" | wc -c
`
	got := reachedIn(t, map[string]map[string]string{"token": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GitLabJobID("o/token", ".gitlab-ci.yml", "image-build")
	want := []string{
		graph.ImageBuildID(job, 5) + " (certain)",
		graph.GitLabVariableID("o/token", "NPM_TOKEN") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// Docker passes the proxy build arguments (HTTPS_PROXY, no_proxy and the
// others) to every RUN without an ARG line for them. A proxy URL that
// contains the job's secret PROXY_PASSWORD therefore reaches esbuild's
// install script, certain, although the Dockerfile declares only
// NPM_TOKEN. EXTRA_TOKEN, which no stage declares, stays possible.
func TestBuildProxyArg(t *testing.T) {
	files := map[string]string{}
	for k, v := range buildRepos["token"] {
		files[k] = v
	}
	files[".github/workflows/image.yml"] = buildWorkflow(`docker build --build-arg "HTTPS_PROXY=http://ci:${{ secrets.PROXY_PASSWORD }}@proxy.example.internal:3128" --build-arg EXTRA_TOKEN=${{ secrets.EXTRA_TOKEN }} -t ghcr.io/o/token:1 .`)
	got := reachedIn(t, map[string]map[string]string{"token": files}, "pkg:npm/esbuild@0.21.5", "secret:")
	want := []string{
		"secret:gha:o/token/EXTRA_TOKEN (possible)",
		"secret:gha:o/token/PROXY_PASSWORD (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}
