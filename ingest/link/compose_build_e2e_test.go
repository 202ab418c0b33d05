package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// composeBuildFiles is the token repository of buildRepos, whose
// Dockerfile declares ARG NPM_TOKEN and runs npm ci, with a Compose file
// whose service web passes the variable NPM_TOKEN as that build argument,
// and the GitLab pipeline given.
func composeBuildFiles(pipeline string) map[string]string {
	files := map[string]string{}
	for k, v := range buildRepos["token"] {
		if k != ".github/workflows/image.yml" {
			files[k] = v
		}
	}
	files["compose.yaml"] = `services:
  web:
    build:
      context: .
      args:
        NPM_TOKEN: ${NPM_TOKEN}
    image: registry.gitlab.com/o/token:1
  db:
    image: postgres:16
`
	files[".gitlab-ci.yml"] = pipeline
	return files
}

// A job that builds the Compose services and pushes them runs the
// Dockerfile's npm ci in the build of service web, at the line of the
// build command (5). esbuild's install script runs there and reads
// NPM_TOKEN, which the build receives as a build argument: a GitLab
// variable, which the job may not have, so possible, as for docker build.
// DEPLOY_KEY, which only the job's script reads, is not reached.
func TestComposeBuildInstallScript(t *testing.T) {
	files := composeBuildFiles(`image-build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker compose build
    - docker compose push
    - echo "$DEPLOY_KEY" | wc -c
`)
	got := reachedIn(t, map[string]map[string]string{"token": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GitLabJobID("o/token", ".gitlab-ci.yml", "image-build")
	want := []string{
		graph.ComposeBuildID(job, 5, "web") + " (certain)",
		graph.GitLabVariableID("o/token", "NPM_TOKEN") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// composeShopFiles is a repository whose Compose file builds service web
// from the root's Dockerfile (ARG NPM_TOKEN, npm ci) and service worker
// from worker/Dockerfile, which runs npm ci too. The override file
// compose.ci.yaml passes the variable NODE_AUTH as web's build argument
// NPM_TOKEN. workflow is the GitHub Actions workflow.
func composeShopFiles(workflow string) map[string]string {
	return map[string]string{
		"package-lock.json":        buildLock,
		"Dockerfile":               buildRepos["token"]["Dockerfile"],
		"worker/package-lock.json": buildLock,
		"worker/Dockerfile":        "FROM node:20\nARG NPM_TOKEN\nCOPY package-lock.json ./\nRUN npm ci\n",
		"compose.yaml": `services:
  web:
    build: .
    image: ghcr.io/o/shop-web:1
  worker:
    build:
      context: worker
      args:
        - NPM_TOKEN
    image: ghcr.io/o/shop-worker:1
`,
		"compose.ci.yaml": `services:
  web:
    build:
      context: .
      args:
        NPM_TOKEN: ${NODE_AUTH}
`,
		".github/workflows/image.yml": workflow,
	}
}

// The step builds only service web, with the override file, whose build
// argument NPM_TOKEN reads NODE_AUTH, which the step sets from secret
// NPM_TOKEN. So esbuild's install script runs in web's build, at the
// step's line (7), and reaches NPM_TOKEN, certain: the Dockerfile
// declares the ARG. Service worker is not built, so its build is not
// reached, and neither is DEPLOY_KEY, which only another step gets.
func TestComposeBuildOverrideFileNamedService(t *testing.T) {
	files := composeShopFiles(`on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker compose -f compose.yaml -f compose.ci.yaml build web && docker compose push web
        env:
          NODE_AUTH: ${{ secrets.NPM_TOKEN }}
      - run: echo done
        env:
          DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
          NPM_TOKEN: ${{ secrets.OTHER_TOKEN }}
`)
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{
		graph.ComposeBuildID(job, 7, "web") + " (certain)",
		"secret:gha:o/shop/NPM_TOKEN (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// composeShopStep is a workflow whose one step runs script with the
// secret NPM_TOKEN in NODE_AUTH.
func composeShopStep(script string) string {
	return `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ` + script + `
        env:
          NODE_AUTH: ${{ secrets.NPM_TOKEN }}
`
}

// An image that the job builds and pushes with Compose is the image of
// its Dockerfile, certain, so esbuild reaches it certain. The Compose
// file alone shows only that the image may be built from it. So the
// images the job does not push stay possible. Those are worker's, which
// the job does not build, and web's when the job runs up --build, which
// pushes nothing, or push without a build.
func TestComposePushLinksImage(t *testing.T) {
	for script, want := range map[string][]string{
		"docker compose -f compose.yaml -f compose.ci.yaml build web && docker compose push web": {
			"pkg:docker/o/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
		"docker compose build --push web": {
			"pkg:docker/o/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
		"docker compose up --build -d && docker compose down": {
			"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
		"docker compose push web": {
			"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
		// up without --build builds web only when the runner lacks its
		// image, else it pulls it, so the image it pushes is the
		// Dockerfile's possibly.
		"docker compose up -d && docker compose push web": {
			"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
	} {
		files := composeShopFiles(composeShopStep(script))
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", script, diff)
		}
	}
}

// A service whose build.target names stage test is built to that stage,
// which declares ARG NPM_TOKEN and runs npm ci. The last stage does not
// use it and runs nothing, so without the target nothing would be
// reached. With it, esbuild's install script reaches the build and
// NPM_TOKEN, certain, as for docker build --target test.
func TestComposeBuildTarget(t *testing.T) {
	files := composeShopFiles(composeShopStep("docker compose build api"))
	files["api/package-lock.json"] = buildLock
	files["api/Dockerfile"] = `FROM node:20 AS test
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc

FROM node:20-slim
WORKDIR /app
COPY . .
`
	files["compose.yaml"] += `  api:
    build:
      context: api
      target: test
      args:
        NPM_TOKEN: ${NODE_AUTH}
    image: ghcr.io/o/shop-api:1
`
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{
		graph.ComposeBuildID(job, 7, "api") + " (certain)",
		"secret:gha:o/shop/NPM_TOKEN (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A CircleCI job that builds service web with Compose at line 8 runs
// the Dockerfile's npm ci in web's build, so esbuild's install script
// reaches that build, certain. worker is not built.
func TestComposeBuildCircleCI(t *testing.T) {
	files := composeShopFiles("")
	delete(files, ".github/workflows/image.yml")
	files[".circleci/config.yml"] = `version: 2.1
jobs:
  image:
    docker:
      - image: cimg/base:stable
    steps:
      - checkout
      - run: docker compose -f compose.yaml build web
workflows:
  main:
    jobs:
      - image
`
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "runtime:")
	job := graph.CircleCIJobID("o/shop", ".circleci/config.yml", "image")
	want := []string{graph.ComposeBuildID(job, 8, "web") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// compose.prod.yaml renames web's image and has no build. Compose merges
// it into compose.yaml's web, so the job pushes ghcr.io/o/shop-web-prod
// built from the root's Dockerfile, certain. ghcr.io/o/shop-web is not
// pushed and stays possible, as worker's image does.
func TestComposeOverrideImageOnly(t *testing.T) {
	files := composeShopFiles(composeShopStep(
		"docker compose -f compose.yaml -f compose.prod.yaml build web && docker compose -f compose.yaml -f compose.prod.yaml push web"))
	files["compose.prod.yaml"] = `services:
  web:
    image: ghcr.io/o/shop-web-prod:1
`
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
	want := []string{
		"pkg:docker/o/shop-web-prod?repository_url=ghcr.io (certain)",
		"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
		"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// compose.ci.yaml gives worker a build argument and no context. Compose
// keeps compose.yaml's context worker, so the job builds
// worker/Dockerfile, FROM node:22, and the root's Dockerfile (node:20)
// is not worker's.
func TestComposeOverrideKeepsContext(t *testing.T) {
	files := composeShopFiles(composeShopStep("docker compose -f compose.yaml -f compose.ci.yaml build worker"))
	files["worker/Dockerfile"] = "FROM node:22\nARG NPM_TOKEN\nCOPY package-lock.json ./\nRUN npm ci\n"
	files["compose.ci.yaml"] = `services:
  worker:
    build:
      args:
        NPM_TOKEN: ${NODE_AUTH}
`
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	repos := map[string]map[string]string{"shop": files}
	got := reachedIn(t, repos, "pkg:docker/node@22", "runtime:")
	want := []string{graph.ComposeBuildID(job, 7, "worker") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("node@22 reaches (-want +got):\n%s", diff)
	}
	if got := reachedIn(t, repos, "pkg:docker/node@20", "runtime:"); len(got) > 0 {
		t.Errorf("node@20 reaches %v, want no runtime", got)
	}
}

// Compose reads the paths of every file from the project directory:
// --project-directory, else the folder of the first file that -f names.
// So context worker names the root's worker folder in each command, whose
// Dockerfile is FROM node:22, and not a folder beside the file that
// writes it.
func TestComposeProjectDirectoryPaths(t *testing.T) {
	for _, tc := range []struct {
		script, file, text string
	}{
		{"docker compose --project-directory . -f deploy/compose.yaml build worker", "deploy/compose.yaml",
			"services:\n  worker:\n    build:\n      context: worker\n    image: ghcr.io/o/shop-worker:2\n"},
		{"docker compose -f compose.yaml -f ci/compose.ci.yaml build worker", "ci/compose.ci.yaml",
			"services:\n  worker:\n    build:\n      context: worker\n      args:\n        NPM_TOKEN: ${NODE_AUTH}\n"},
	} {
		files := composeShopFiles(composeShopStep(tc.script))
		files["worker/Dockerfile"] = "FROM node:22\nARG NPM_TOKEN\nCOPY package-lock.json ./\nRUN npm ci\n"
		files[tc.file] = tc.text
		job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:docker/node@22", "runtime:")
		want := []string{graph.ComposeBuildID(job, 7, "worker") + " (certain)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: node@22 reaches (-want +got):\n%s", tc.script, diff)
		}
	}
}

// The pushed image of a service whose target is the last stage of the
// Dockerfile in the project directory's worker folder is that
// Dockerfile's image, so node:22 reaches it, certain. compose.yaml's
// worker image may be built from the same Dockerfile, possible.
func TestComposeProjectDirectoryLastStagePush(t *testing.T) {
	files := composeShopFiles(composeShopStep(
		"docker compose --project-directory . -f deploy/compose.yaml build --push worker"))
	files["worker/Dockerfile"] = "FROM node:22 AS Final\nCOPY package-lock.json ./\nRUN npm ci\n"
	files["deploy/compose.yaml"] = "services:\n  worker:\n    build:\n      context: worker\n      target: final\n    image: ghcr.io/o/shop-worker-next:2\n"
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:docker/node@22", "pkg:docker/")
	want := []string{
		"pkg:docker/o/shop-worker-next?repository_url=ghcr.io (certain)",
		"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("node@22 reaches (-want +got):\n%s", diff)
	}
}

// docker compose build --build-arg gives each service's build the
// argument, as build.args would. web's Dockerfile declares ARG NPM_TOKEN
// and runs npm ci, so esbuild's install script reaches the GitLab
// variable REGISTRY_TOKEN that fills it, possible as for docker build,
// although compose.yaml gives web no build arguments.
func TestComposeBuildArgOption(t *testing.T) {
	files := composeBuildFiles(`image-build:
  image: docker:27
  services: [docker:27-dind]
  script:
    - docker compose build --build-arg NPM_TOKEN=$REGISTRY_TOKEN web
`)
	files["compose.yaml"] = "services:\n  web:\n    build: .\n    image: registry.gitlab.com/o/token:1\n"
	got := reachedIn(t, map[string]map[string]string{"token": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GitLabJobID("o/token", ".gitlab-ci.yml", "image-build")
	want := []string{
		graph.ComposeBuildID(job, 5, "web") + " (certain)",
		graph.GitLabVariableID("o/token", "REGISTRY_TOKEN") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// On GitHub Actions the --build-arg of docker compose build may give the
// secret in an expression or through the step's env. Either way web's
// build receives secret NPM_TOKEN, certain since the Dockerfile declares
// the ARG.
func TestComposeBuildArgOptionActions(t *testing.T) {
	for _, script := range []string{
		"docker compose build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }}",
		"docker compose build --build-arg NPM_TOKEN=$NODE_AUTH",
	} {
		files := composeShopFiles(composeShopStep(script))
		files["compose.yaml"] = "services:\n  web:\n    build: .\n    image: ghcr.io/o/shop-web:1\n"
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
		job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
		want := []string{
			graph.ComposeBuildID(job, 7, "web") + " (certain)",
			"secret:gha:o/shop/NPM_TOKEN (certain)",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", script, diff)
		}
	}
}
