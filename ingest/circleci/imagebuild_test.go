package circleci

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestImageBuildsOfJob(t *testing.T) {
	res, err := parseBytes(t, ".circleci/config.yml", ".circleci/config.yml", "example-org/api", []byte(`version: 2.1
jobs:
  publish:
    docker:
      - image: cimg/base:2024.01
    steps:
      - checkout
      - setup_remote_docker
      - run: docker buildx build --push -t docker.io/exampleorg/api:1.4 -f build/Dockerfile .
workflows:
  main:
    jobs: [publish]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrBuildContext) != "" {
			got = append(got, e.From+" -> "+e.To+" context="+e.Attr(graph.AttrBuildContext))
		}
	}
	want := []string{"pkg:docker/exampleorg/api -> " + graph.DockerfileID(graph.RepoID("", "example-org/api"), "build/Dockerfile") + " context=."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("images built from Dockerfiles (-want +got):\n%s", diff)
	}
}
