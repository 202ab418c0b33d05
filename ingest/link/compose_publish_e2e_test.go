package link_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// publishEdges lists the CAN_PUBLISH edges of a store to the images of
// composePublishFiles as "from -> to (confidence)".
func publishEdges(t *testing.T, s *memstore.Store) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanPublish)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.To, "pkg:docker/o/shop-") {
			out = append(out, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(out)
	return out
}

// composePublishFiles is a repository whose Compose file builds web for
// ghcr.io, worker for Docker Hub and api for registry.example.com, with
// the CI file given at path.
func composePublishFiles(path, ci string) map[string]string {
	return map[string]string{
		"Dockerfile": "FROM alpine:3.20\n",
		"compose.yaml": `services:
  web:
    build: .
    image: ghcr.io/o/shop-web:1
  worker:
    build: .
    image: o/shop-worker:1
  api:
    build: .
    image: registry.example.com/o/shop-api:1
`,
		path: ci,
	}
}

// The job logs in to ghcr.io with its GITHUB_TOKEN, whose permissions
// grant packages:write, and to Docker Hub with secret DOCKERHUB_TOKEN,
// then pushes every service with Docker Compose. So the token can publish
// web's image and the secret's Docker Hub account worker's, certain, as
// for docker push. Nothing logs in to registry.example.com, so api's
// image gets no publisher.
func TestComposePushPublishersActions(t *testing.T) {
	files := composePublishFiles(".github/workflows/image.yml", `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    permissions:
      packages: write
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - run: echo "$HUB_TOKEN" | docker login -u o --password-stdin
        env:
          HUB_TOKEN: ${{ secrets.DOCKERHUB_TOKEN }}
      - run: docker compose build && docker compose push
`)
	s := ingestRepos(t, map[string]map[string]string{"shop": files}, nil)
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{
		graph.GHATokenIdentityID(job) + " -> pkg:docker/o/shop-web?repository_url=ghcr.io (certain)",
		graph.RegistryAccountID("docker.io", graph.GHASecretID("o/shop", "DOCKERHUB_TOKEN")) + " -> pkg:docker/o/shop-worker (certain)",
	}
	if diff := cmp.Diff(want, publishEdges(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// A GitLab job logs in to ghcr.io and Docker Hub with project variables
// on earlier script lines, then pushes with Docker Compose: each
// variable's account can publish the image of its registry, certain.
func TestComposePushPublishersGitLab(t *testing.T) {
	files := composePublishFiles(".gitlab-ci.yml", `image-build:
  image: docker:27
  script:
    - echo "$GHCR_TOKEN" | docker login ghcr.io -u o --password-stdin
    - docker login -u o -p "$DOCKERHUB_TOKEN" docker.io
    - docker compose build
    - docker compose push
`)
	s := ingestRepos(t, map[string]map[string]string{"shop": files}, nil)
	want := []string{
		graph.RegistryAccountID("docker.io", graph.GitLabVariableID("o/shop", "DOCKERHUB_TOKEN")) + " -> pkg:docker/o/shop-worker (certain)",
		graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID("o/shop", "GHCR_TOKEN")) + " -> pkg:docker/o/shop-web?repository_url=ghcr.io (certain)",
	}
	if diff := cmp.Diff(want, publishEdges(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// A CircleCI job logs in to ghcr.io with GHCR_TOKEN, which the project
// or a context holds, and a later run step pushes with Docker Compose:
// the variable's ghcr.io account can publish web's image, certain.
func TestComposePushPublishersCircleCI(t *testing.T) {
	files := composePublishFiles(".circleci/config.yml", `version: 2.1
jobs:
  image:
    docker:
      - image: cimg/base:stable
    steps:
      - checkout
      - run: echo "$GHCR_TOKEN" | docker login ghcr.io -u o --password-stdin
      - run: docker compose build && docker compose push
workflows:
  main:
    jobs:
      - image
`)
	s := ingestRepos(t, map[string]map[string]string{"shop": files}, nil)
	account := graph.RegistryAccountID("ghcr.io", graph.CircleCIProjectVariablesID("o/shop")+"/GHCR_TOKEN")
	want := []string{account + " -> pkg:docker/o/shop-web?repository_url=ghcr.io (certain)"}
	if diff := cmp.Diff(want, publishEdges(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// docker compose push skips a service that has no build: Compose pushes
// only the images of services with both build and image. So service
// cache, which only names ghcr.io/o/shop-cache, gets no publisher even
// when the command names it, while web, built and named, does.
func TestComposePushSkipsImageOnly(t *testing.T) {
	for _, script := range []string{"docker compose push", "docker compose push web cache"} {
		files := composePublishFiles(".github/workflows/image.yml", `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    permissions:
      packages: write
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - run: `+script+`
`)
		files["compose.yaml"] += "  cache:\n    image: ghcr.io/o/shop-cache:1\n"
		s := ingestRepos(t, map[string]map[string]string{"shop": files}, nil)
		job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
		want := []string{graph.GHATokenIdentityID(job) + " -> pkg:docker/o/shop-web?repository_url=ghcr.io (certain)"}
		if diff := cmp.Diff(want, publishEdges(t, s)); diff != "" {
			t.Errorf("%s: CAN_PUBLISH (-want +got):\n%s", script, diff)
		}
	}
}
