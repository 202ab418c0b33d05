package link_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// argRepos build their images FROM a base that a build argument chooses:
//   - golden names no default, and its job passes an internal base image;
//   - node passes a newer Node.js version than the ARG's default, through
//     docker/build-push-action;
//   - secret passes a credential-shaped argument, which is never kept.
//
// infra runs the three images.
var argRepos = map[string]map[string]string{
	"golden": {
		"Dockerfile": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /app\n",
		".github/workflows/image.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          docker build --build-arg BASE_IMAGE=ghcr.io/example-org/base:1.4 -t ghcr.io/example-org/golden:1 .
          docker push ghcr.io/example-org/golden:1
`,
	},
	"node": {
		"Dockerfile": "ARG NODE_VERSION=18\nFROM node:${NODE_VERSION}-slim AS build\nRUN echo build\nFROM build\n",
		".github/workflows/image.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/example-org/node-app:2
          build-args: |
            NODE_VERSION=22
`,
	},
	"secret": {
		"Dockerfile": "ARG BASE_IMAGE=alpine:3.20\nFROM ${BASE_IMAGE}\n",
		".github/workflows/image.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build --build-arg BASE_IMAGE=ghp_canaryX9x9canaryX9x9canaryX9x9canaryX9 --build-arg API_TOKEN=canary-plain-X9x9 -t ghcr.io/example-org/secret:1 . && docker push ghcr.io/example-org/secret:1
`,
	},
	"infra": {
		"k8s/apps.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: golden
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/example-org/golden:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: node-app
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/example-org/node-app:2
`,
	},
}

// The base image that the job passes reaches the Dockerfile, the build
// that runs on it and the workload that runs the pushed image.
func TestBuildArgChoosesBase(t *testing.T) {
	golden := graph.ImageBuildID(graph.GHAJobID("o/golden", ".github/workflows/image.yml", "image"), 8)
	got := reachedIn(t, argRepos, "pkg:docker/example-org/base@1.4?repository_url=ghcr.io", "dockerfile:", "k8s:workload:", "runtime:gha:")
	want := []string{
		"dockerfile:github.com/o/golden/Dockerfile (certain)",
		graph.K8sWorkloadID("prod", "Deployment", "golden") + " (certain)",
		golden + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A build argument that overrides a default gives the image it names: the
// build-push-action step passes NODE_VERSION=22, so node:22-slim reaches
// the workload. The default's image stays linked, as the reader read it.
func TestBuildArgOverridesDefault(t *testing.T) {
	for purl, want := range map[string][]string{
		"pkg:docker/node@22-slim": {graph.K8sWorkloadID("prod", "Deployment", "node-app") + " (certain)"},
		"pkg:docker/node@18-slim": {graph.K8sWorkloadID("prod", "Deployment", "node-app") + " (certain)"},
	} {
		if diff := cmp.Diff(want, reachedIn(t, argRepos, purl, "k8s:workload:")); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// A credential-shaped argument value chooses no image and is kept
// nowhere: the Dockerfile's default stays its only base.
func TestBuildArgCredentialNotKept(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, argRepos)
	s, _ := ingestDir(t, dir)
	ctx := context.Background()
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			for key, v := range n.Attrs {
				if containsCanary(v) || containsCanary(n.ID) {
					t.Errorf("node %s keeps a planted value in %s", n.ID, key)
				}
			}
		}
	}
	deps, err := s.Expand(ctx, []string{"dockerfile:github.com/o/secret/Dockerfile"}, graph.Out, graph.EdgeDependsOn)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range deps {
		got = append(got, e.To)
	}
	if diff := cmp.Diff([]string{"pkg:docker/alpine@3.20"}, got); diff != "" {
		t.Errorf("bases (-want +got):\n%s", diff)
	}
}

func containsCanary(s string) bool {
	return strings.Contains(s, "ghp_canaryX9x9") || strings.Contains(s, "canary-plain-X9x9")
}

// Build arguments whose values come from variables that the CI file
// sets: a GitLab variable, and a GitHub Actions step's env read by an
// argument written without a value.
func TestBuildArgFromVariables(t *testing.T) {
	repos := map[string]map[string]string{
		"lab": {
			"Dockerfile": "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
			".gitlab-ci.yml": `variables:
  BASE_IMAGE: registry.gitlab.com/example-org/base:2.0
build:
  image: docker:27
  script:
    - docker build --build-arg BASE_IMAGE=$BASE_IMAGE -t registry.gitlab.com/example-org/lab:1 .
    - docker push registry.gitlab.com/example-org/lab:1
`,
		},
		"hub": {
			"Dockerfile": "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n",
			".github/workflows/image.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build --build-arg BASE_IMAGE -t ghcr.io/example-org/hub:1 . && docker push ghcr.io/example-org/hub:1
        env:
          BASE_IMAGE: ghcr.io/example-org/base:1.5
`,
		},
	}
	for purl, want := range map[string]string{
		"pkg:docker/example-org/base@2.0?repository_url=registry.gitlab.com": "dockerfile:gitlab.com/o/lab/Dockerfile (certain)",
		"pkg:docker/example-org/base@1.5?repository_url=ghcr.io":             "dockerfile:github.com/o/hub/Dockerfile (certain)",
	} {
		if diff := cmp.Diff([]string{want}, reachedIn(t, repos, purl, "dockerfile:")); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// The reason of a base that a build argument chooses names the arguments
// the FROM uses, and not one whose name only starts the same way.
func TestBuildArgReasonNamesUsedArgs(t *testing.T) {
	repos := map[string]map[string]string{"app": {
		"Dockerfile": "ARG BASE_IMAGE=alpine:3.20\nFROM ${BASE_IMAGE}\n",
		".github/workflows/image.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build --build-arg BASE=1 --build-arg BASE_IMAGE=ghcr.io/example-org/base:1.4 -t ghcr.io/example-org/app:1 . && docker push ghcr.io/example-org/app:1
`,
	}}
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s, _ := ingestDir(t, dir)
	es, err := s.Expand(context.Background(), []string{"dockerfile:github.com/o/app/Dockerfile"}, graph.Out, graph.EdgeDependsOn)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.To != "pkg:docker/example-org/base@1.4?repository_url=ghcr.io" {
			continue
		}
		found = true
		if reason := e.Attr(graph.AttrReason); !strings.Contains(reason, "passes BASE_IMAGE=ghcr.io/example-org/base:1.4, so") {
			t.Errorf("reason %q, want it to name BASE_IMAGE alone", reason)
		}
	}
	if !found {
		t.Error("the Dockerfile does not depend on ghcr.io/example-org/base:1.4")
	}
}
