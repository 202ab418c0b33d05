package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

func TestScriptContainerRuns(t *testing.T) {
	// docker run [OPTIONS] IMAGE [COMMAND], docker container run and
	// podman run run the image's code in the job. The image is the first
	// word that is no option or option value. A name without a tag is
	// :latest, and the version of a digest-pinned image is the digest.
	digest := "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	data := []byte(`on: push
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: docker://alpine:3.19
      - run: docker run --rm -v "$PWD:/src" -w /src hashicorp/terraform:1.7.5 init
      - run: |
          echo scanning
          podman run --rm --name scan ghcr.io/example-org/tool@` + digest + ` --check
          docker container run alpine echo ok
      - run: docker run ghcr.io/${{ github.repository }}:edge test
      - run: docker run "$IMAGE" build
      - run: docker pull busybox:1.36
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/check.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := graph.GHAJobID(testRepo, ".github/workflows/check.yml", "check")
	tests := []struct {
		version, name, pinned, step string
		line                        int
	}{
		{"pkg:docker/hashicorp/terraform@1.7.5", "pkg:docker/hashicorp/terraform", "tag", "1", 7},
		{"pkg:docker/example-org/tool@" + digest + "?repository_url=ghcr.io", "pkg:docker/example-org/tool?repository_url=ghcr.io", "digest", "2", 8},
		{"pkg:docker/alpine@latest", "pkg:docker/alpine", "tag", "2", 8},
		{"pkg:docker/example-org/app@edge?repository_url=ghcr.io", "pkg:docker/example-org/app?repository_url=ghcr.io", "tag", "3", 12},
	}
	want := []string{"pkg:docker/alpine@3.19"}
	for _, tt := range tests {
		want = append(want, tt.version)
		e := findEdge(t, res, job, graph.EdgeExecutes, tt.version)
		// The image runs in a container of its own, apart from the job's
		// secrets: possible.
		if e.Confidence != graph.Possible {
			t.Errorf("EXECUTES %s: %s, want possible", tt.version, e.Confidence)
		}
		if diff := cmp.Diff(e.Attrs, map[string]string{"via": "container-run", "pinned": tt.pinned, "step": tt.step, "reason": registry.ContainerRunReason}); diff != "" {
			t.Errorf("EXECUTES %s attrs (-got +want):\n%s", tt.version, diff)
		}
		if e.Pos.Line != tt.line {
			t.Errorf("EXECUTES %s: line %d, want %d", tt.version, e.Pos.Line, tt.line)
		}
		findEdge(t, res, tt.version, graph.EdgeVersionOf, tt.name)
	}
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), sorted(want)); diff != "" {
		t.Errorf("check EXECUTES (-got +want):\n%s", diff)
	}
}

func TestScriptContainerRunExpressionOption(t *testing.T) {
	// GitHub replaces ${{ }} before the shell splits the script, so an
	// expression with spaces inside an option value is one word of it:
	// the image is alpine:3, not a word of the expression.
	data := []byte(`on: push
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: docker run --rm -e TOKEN=${{ secrets.TOK }} --name ${{ matrix.name }} alpine:3 env
`)
	res, err := parseBytes(t, testRepo, ".github/workflows/check.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	job := graph.GHAJobID(testRepo, ".github/workflows/check.yml", "check")
	if diff := cmp.Diff(targets(res, job, graph.EdgeExecutes), []string{"pkg:docker/alpine@3"}); diff != "" {
		t.Errorf("check EXECUTES (-got +want):\n%s", diff)
	}
}
