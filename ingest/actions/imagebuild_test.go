package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestImageBuildsOfWorkflow(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", []byte(`on: push
permissions:
  packages: write
jobs:
  action:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          password: ${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          context: services/api
          file: services/api/docker/Dockerfile.prod
          push: true
          tags: ghcr.io/${{ github.repository_owner }}/api:${{ github.sha }}
  script:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          path: src
      - run: docker build -t ghcr.io/example-org/worker:$TAG .
        working-directory: src/worker
      - run: docker push ghcr.io/example-org/worker:$TAG
  local-only:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t ghcr.io/example-org/scratch .
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrBuildContext) != "" {
			got = append(got, e.From+" -> "+e.To+" context="+e.Attr(graph.AttrBuildContext)+" ("+string(e.Confidence)+")")
		}
	}
	repo := graph.RepoID("", testRepo)
	want := []string{
		"pkg:docker/example-org/api?repository_url=ghcr.io -> " + graph.DockerfileID(repo, "services/api/docker/Dockerfile.prod") + " context=services/api (certain)",
		"pkg:docker/example-org/worker?repository_url=ghcr.io -> " + graph.DockerfileID(repo, "worker/Dockerfile") + " context=worker (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("images built from Dockerfiles (-want +got):\n%s", diff)
	}
	published := map[string]bool{}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanPublish {
			published[e.To] = true
		}
	}
	if !published["pkg:docker/example-org/api?repository_url=ghcr.io"] {
		t.Errorf("CAN_PUBLISH does not target the image the build names")
	}
}

// build-push-action pushes when an outputs line is a registry output
// (type=registry, or type=image with push=true), as buildx --output does,
// and push: True is as true as push: true.
func TestBuildPushActionOutputs(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", []byte(`on: push
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
          context: api
          outputs: type=registry
          tags: ghcr.io/example-org/api:1
      - uses: docker/build-push-action@v6
        with:
          context: web
          outputs: |
            type=local,dest=out
            type=image,push=true
          tags: ghcr.io/example-org/web:1
      - uses: docker/build-push-action@v6
        with:
          context: worker
          push: True
          tags: ghcr.io/example-org/worker:1
      - uses: docker/build-push-action@v6
        with:
          context: docs
          outputs: type=docker
          tags: ghcr.io/example-org/docs:1
`))
	if err != nil {
		t.Fatal(err)
	}
	built, published := map[string]bool{}, map[string]bool{}
	for _, e := range res.Edges {
		switch {
		case e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrBuildContext) != "":
			built[e.From] = true
		case e.Kind == graph.EdgeCanPublish:
			published[e.To] = true
		}
	}
	for name, want := range map[string]bool{"api": true, "web": true, "worker": true, "docs": false} {
		img := "pkg:docker/example-org/" + name + "?repository_url=ghcr.io"
		if built[img] != want {
			t.Errorf("%s: built and pushed %v, want %v", name, built[img], want)
		}
		if published[img] != want {
			t.Errorf("%s: published %v, want %v", name, published[img], want)
		}
	}
}

// The tags output of docker/metadata-action names the images of its
// images input, each with the tags it computes, so a build that pushes
// those tags pushes those images.
func TestBuildPushActionMetadataTags(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", []byte(`on: push
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
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: |
            ghcr.io/example-org/api
            name=ghcr.io/example-org/api-mirror,enable=true
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ${{ steps.meta.outputs.tags }}
`))
	if err != nil {
		t.Fatal(err)
	}
	var built []string
	published := map[string]bool{}
	for _, e := range res.Edges {
		switch {
		case e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrBuildContext) != "":
			built = append(built, e.From+" -> "+e.To)
		case e.Kind == graph.EdgeCanPublish:
			published[e.To] = true
		}
	}
	repo := graph.RepoID("", testRepo)
	want := []string{
		"pkg:docker/example-org/api?repository_url=ghcr.io -> " + graph.DockerfileID(repo, "api/Dockerfile"),
		"pkg:docker/example-org/api-mirror?repository_url=ghcr.io -> " + graph.DockerfileID(repo, "api/Dockerfile"),
	}
	if diff := cmp.Diff(want, built); diff != "" {
		t.Errorf("images built from Dockerfiles (-want +got):\n%s", diff)
	}
	for _, img := range []string{"pkg:docker/example-org/api?repository_url=ghcr.io", "pkg:docker/example-org/api-mirror?repository_url=ghcr.io"} {
		if !published[img] {
			t.Errorf("CAN_PUBLISH does not target %s", img)
		}
	}
}
