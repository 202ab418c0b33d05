package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// composeRepos are a repository whose Compose file builds its api image
// from a subfolder and tags a database image, and a repository that runs
// both images in Kubernetes.
var composeRepos = map[string]map[string]string{
	"shop": {
		".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo test\n",
		"compose.yaml": `services:
  api:
    build:
      context: ./api
    image: ghcr.io/example-org/shop-api:${TAG:-latest}
  db:
    build: ./db
    image: postgres:16
`,
		"api/package-lock.json": imageLock,
		"api/Dockerfile": `FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
`,
		"db/Dockerfile": `FROM node:20
COPY package-lock.json ./
RUN npm ci
`,
		"db/package-lock.json": imageLock,
	},
	"infra": {
		"k8s/shop.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/example-org/shop-api:2.3
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: shop-db
                  key: password
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: db
          image: postgres:16
`,
	},
}

// A package that the Compose-built api image installs reaches the
// workload that runs the image, possibly, since the Compose file shows
// the build but not the push. The database image that the file tags
// locally is Docker Hub's official image, which the build does not
// change, so its workload is not reached. The database's Dockerfile
// itself is, possibly, with its own folder as the build context.
func TestComposeImageReachesWorkload(t *testing.T) {
	got := reachedIn(t, composeRepos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:", "dockerfile:")
	want := []string{
		"dockerfile:github.com/o/shop/api/Dockerfile (certain)",
		"dockerfile:github.com/o/shop/db/Dockerfile (possible)",
		graph.K8sWorkloadID("prod", "Deployment", "shop-api") + " (possible)",
		"secret:k8s:prod/shop-db (possible)",
		"secret:k8s:sa-token:prod/default (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The api image installs without development packages, so a package
// locked for development reaches neither its Dockerfile nor its workload.
func TestComposeImageLeavesOutDevPackages(t *testing.T) {
	got := reachedIn(t, composeRepos, "pkg:npm/eslint-config-prettier@10.1.6", "k8s:workload:", "dockerfile:github.com/o/shop/api")
	if len(got) != 0 {
		t.Errorf("reached %v, want nothing", got)
	}
}
