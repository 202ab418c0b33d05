package circleci

import (
	"sort"
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
	data := []byte(`version: 2.1
jobs:
  check:
    parameters:
      tf:
        type: string
        default: "1.7.5"
    docker:
      - image: cimg/base:2024.01
    steps:
      - setup_remote_docker
      - run: docker run --rm -v "$PWD:/src" hashicorp/terraform:<< parameters.tf >> init
      - run:
          name: scan
          command: |
            echo scanning
            podman run --rm --name scan ghcr.io/example-org/tool@` + digest + ` --check
            docker container run alpine echo ok
      - run: docker run "$IMAGE" build
      - run: docker pull busybox:1.36
workflows:
  main:
    jobs:
      - check
`)
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID("check")
	tests := []struct {
		version, name, pinned string
		line                  int
	}{
		{"pkg:docker/hashicorp/terraform@1.7.5", "pkg:docker/hashicorp/terraform", "tag", 12},
		{"pkg:docker/example-org/tool@" + digest + "?repository_url=ghcr.io", "pkg:docker/example-org/tool?repository_url=ghcr.io", "digest", 17},
		{"pkg:docker/alpine@latest", "pkg:docker/alpine", "tag", 18},
	}
	want := []string{"pkg:docker/cimg/base@2024.01"}
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
	sort.Strings(want)
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), want); diff != "" {
		t.Errorf("check EXECUTES (-got +want):\n%s", diff)
	}
}
