package gitlab

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// Kaniko's executor builds and pushes in one command, and docker build
// tags an image that a later docker push pushes.
func TestImageBuildsOfPipeline(t *testing.T) {
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(`build:
  image: gcr.io/kaniko-project/executor:debug
  script:
    - /kaniko/executor --context "${CI_PROJECT_DIR}/api" --dockerfile "${CI_PROJECT_DIR}/api/Dockerfile" --destination "${CI_REGISTRY_IMAGE}/api:${CI_COMMIT_TAG}"
docker:
  before_script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
  script:
    - docker build -f docker/worker.Dockerfile -t "$CI_REGISTRY_IMAGE/worker:$CI_COMMIT_SHA" .
    - docker push "$CI_REGISTRY_IMAGE/worker:$CI_COMMIT_SHA"
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
	repo := graph.RepoID("", testProject)
	want := []string{
		"pkg:docker/example-org/app/api?repository_url=registry.gitlab.com -> " + graph.DockerfileID(repo, "api/Dockerfile") + " context=api",
		"pkg:docker/example-org/app/worker?repository_url=registry.gitlab.com -> " + graph.DockerfileID(repo, "docker/worker.Dockerfile") + " context=.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("images built from Dockerfiles (-want +got):\n%s", diff)
	}
}
