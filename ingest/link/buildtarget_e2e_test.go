package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// targetLock pins left-pad, a production package without an install
// script, and husky, a development package with one.
const targetLock = `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {
  "": {"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "1.3.0"}, "devDependencies": {"husky": "9.0.11"}},
  "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"},
  "node_modules/husky": {"version": "9.0.11", "dev": true, "hasInstallScript": true, "resolved": "https://registry.npmjs.org/husky/-/husky-9.0.11.tgz"}
 }}`

// testStageFile has a test stage that installs every package with the
// secret npmrc mounted and runs the tests, and a last stage that copies
// from a production stage, which leaves development packages out.
const testStageFile = `FROM node:20 AS base
WORKDIR /app
COPY package.json package-lock.json ./

FROM base AS test
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
RUN npm test

FROM base AS prod
RUN npm ci --omit=dev

FROM gcr.io/distroless/nodejs20
COPY --from=prod /app /app
`

// testStageRepo builds testStageFile with the build command build.
func testStageRepo(build string) map[string]map[string]string {
	return map[string]map[string]string{"app": {
		"package-lock.json":           targetLock,
		"Dockerfile":                  testStageFile,
		".github/workflows/image.yml": buildWorkflow(build),
	}}
}

// A build with --target test runs the test stage: npm ci without
// --omit=dev, with the secret npmrc mounted. husky, a development package
// with an install script, runs in the build and reads the secret, which
// the build takes from the job's variable NPMRC. Without --target the
// build makes the last stage, whose install leaves husky out, so husky
// reaches nothing.
func TestBuildTargetTestStage(t *testing.T) {
	job := graph.GHAJobID("o/app", ".github/workflows/image.yml", "image")
	got := reachedIn(t, testStageRepo("docker buildx build --target test --secret id=npmrc,env=NPMRC -t ghcr.io/o/app:test ."),
		"pkg:npm/husky@9.0.11", "secret:", "runtime:")
	want := []string{
		graph.ImageBuildID(job, 9) + " (certain)",
		"secret:gha:o/app/NPMRC (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--target test reaches (-want +got):\n%s", diff)
	}

	got = reachedIn(t, testStageRepo("docker buildx build --secret id=npmrc,env=NPMRC -t ghcr.io/o/app:1 ."),
		"pkg:npm/husky@9.0.11", "secret:", "runtime:")
	if len(got) != 0 {
		t.Errorf("without --target husky reaches %v, want nothing", got)
	}
}

// A build whose stage a variable names may build the test stage, so
// husky possibly runs in it and possibly reads the secret.
func TestBuildTargetUnknown(t *testing.T) {
	job := graph.GHAJobID("o/app", ".github/workflows/image.yml", "image")
	got := reachedIn(t, testStageRepo(`docker buildx build --target "$STAGE" --secret id=npmrc,env=NPMRC -t ghcr.io/o/app:1 .`),
		"pkg:npm/husky@9.0.11", "secret:", "runtime:")
	want := []string{
		graph.ImageBuildID(job, 9) + " (possible)",
		"secret:gha:o/app/NPMRC (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// builderFile has a builder stage that the last stage does not use.
const builderFile = `FROM golang:1.22 AS builder
RUN npm install -g semantic-release@22.0.0

FROM alpine:3.19 AS runtime
RUN echo ready
`

// builderRepo builds builderFile with the commands build and pushes
// ghcr.io/o/ci.
func builderRepo(build string) map[string]map[string]string {
	return map[string]map[string]string{"app": {
		"Dockerfile":                  builderFile,
		".github/workflows/image.yml": buildWorkflow(build + " && docker push ghcr.io/o/ci:1"),
	}}
}

const ciImage = "pkg:docker/o/ci?repository_url=ghcr.io"

// TestBuildTargetForms checks that the target input of
// docker/build-push-action, Kaniko's --target in a GitLab job and a
// CircleCI run step each push the builder stage.
func TestBuildTargetForms(t *testing.T) {
	for name, file := range map[string][2]string{
		"build-push-action": {".github/workflows/image.yml", `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          target: builder
          push: true
          tags: ghcr.io/o/ci:1
`},
		"gitlab kaniko": {".gitlab-ci.yml", `build-image:
  stage: build
  script:
    - /kaniko/executor --context "$CI_PROJECT_DIR" --target builder --destination ghcr.io/o/ci:1
`},
		"circleci": {".circleci/config.yml", `version: 2.1
jobs:
  image:
    docker:
      - image: cimg/base:stable
    steps:
      - checkout
      - setup_remote_docker
      - run: docker build --target builder -t ghcr.io/o/ci:1 . && docker push ghcr.io/o/ci:1
workflows:
  main:
    jobs:
      - image
`},
	} {
		repos := map[string]map[string]string{"app": {"Dockerfile": builderFile, file[0]: file[1]}}
		for purl, want := range map[string][]string{
			"pkg:docker/golang@1.22": {ciImage + " (certain)"},
			"pkg:docker/alpine@3.19": nil,
		} {
			got := reachedIn(t, repos, purl, ciImage)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %s reaches (-want +got):\n%s", name, purl, diff)
			}
		}
	}
}

// A job that pushes the builder stage pushes an image built FROM
// golang:1.22 with semantic-release installed, not one built FROM
// alpine:3.19. A build of the last stage by its name pushes the alpine
// image. A build whose stage a variable names may push either.
func TestBuildTargetPushedStage(t *testing.T) {
	for _, tt := range []struct {
		name, build string
		want        map[string][]string
	}{
		{"builder", "docker build --target builder -t ghcr.io/o/ci:1 .", map[string][]string{
			"pkg:docker/golang@1.22":          {ciImage + " (certain)"},
			"pkg:npm/semantic-release@22.0.0": {ciImage + " (certain)"},
			"pkg:docker/alpine@3.19":          nil,
		}},
		{"last stage by name", "docker build --target runtime -t ghcr.io/o/ci:1 .", map[string][]string{
			"pkg:docker/golang@1.22":          nil,
			"pkg:npm/semantic-release@22.0.0": nil,
			"pkg:docker/alpine@3.19":          {ciImage + " (certain)"},
		}},
		{"variable", `docker build --target "$STAGE" -t ghcr.io/o/ci:1 .`, map[string][]string{
			"pkg:docker/golang@1.22":          {ciImage + " (possible)"},
			"pkg:npm/semantic-release@22.0.0": {ciImage + " (possible)"},
			"pkg:docker/alpine@3.19":          {ciImage + " (possible)"},
		}},
	} {
		for purl, want := range tt.want {
			got := reachedIn(t, builderRepo(tt.build), purl, ciImage)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %s reaches (-want +got):\n%s", tt.name, purl, diff)
			}
		}
	}
}
