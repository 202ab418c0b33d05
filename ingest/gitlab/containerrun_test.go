package gitlab

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestScriptContainerRuns(t *testing.T) {
	// docker run [OPTIONS] IMAGE [COMMAND], docker container run and
	// podman run run the image's code in the job. The image is the first
	// word that is no option or option value. A name without a tag is
	// :latest, and the version of a digest-pinned image is the digest.
	digest := "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	src := `variables:
  SCANNER_IMAGE: registry.example.com/sec/scanner:2

check:
  image: node:20
  script:
    - docker run --rm -v "$PWD:/src" -w /src hashicorp/terraform:1.7.5 init
    - podman run --rm ghcr.io/example-org/tool@` + digest + ` --check
    - docker container run -e DOCKER_CONFIG=/cfg $SCANNER_IMAGE scan .
    - sudo docker run alpine echo ok
    - docker run "$UNSET_IMAGE" build
    - docker compose run web
    - docker pull busybox:1.36

never:
  rules:
    - when: never
  script:
    - docker run redis:7
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID(".gitlab-ci.yml", "check")
	tests := []struct {
		version, name, pinned string
		line                  int
	}{
		{"pkg:docker/hashicorp/terraform@1.7.5", "pkg:docker/hashicorp/terraform", "tag", 7},
		{"pkg:docker/example-org/tool@" + digest + "?repository_url=ghcr.io", "pkg:docker/example-org/tool?repository_url=ghcr.io", "digest", 8},
		{"pkg:docker/sec/scanner@2?repository_url=registry.example.com", "pkg:docker/sec/scanner?repository_url=registry.example.com", "tag", 9},
		{"pkg:docker/alpine@latest", "pkg:docker/alpine", "tag", 10},
	}
	want := []string{"pkg:docker/node@20"}
	for _, tt := range tests {
		want = append(want, tt.version)
		e := findEdge(t, res, job, graph.EdgeExecutes, tt.version)
		// The image runs in a container of its own, apart from the job's
		// secrets: possible.
		if e.Confidence != graph.Possible {
			t.Errorf("EXECUTES %s: %s, want possible", tt.version, e.Confidence)
		}
		if got := e.Attr("via"); got != "container-run" {
			t.Errorf("EXECUTES %s: via %q, want container-run", tt.version, got)
		}
		if got := e.Attr("pinned"); got != tt.pinned {
			t.Errorf("EXECUTES %s: pinned %q, want %q", tt.version, got, tt.pinned)
		}
		if e.Pos.Line != tt.line {
			t.Errorf("EXECUTES %s: line %d, want %d", tt.version, e.Pos.Line, tt.line)
		}
		findEdge(t, res, tt.version, graph.EdgeVersionOf, tt.name)
	}
	sortStrings(want)
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), want); diff != "" {
		t.Errorf("check EXECUTES (-got +want):\n%s", diff)
	}
	if got := targets(res, jobID(".gitlab-ci.yml", "never"), graph.EdgeExecutes); len(got) != 0 {
		t.Errorf("a job that never runs EXECUTES %v, want nothing", got)
	}
}
