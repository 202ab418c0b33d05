package dockerfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// nodeAttrs returns the listed attributes of node id, set ones only.
func nodeAttrs(t *testing.T, res *ingest.Result, id string, keys ...string) map[string]string {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID != id {
			continue
		}
		out := map[string]string{}
		for _, k := range keys {
			if v := n.Attr(k); v != "" {
				out[k] = v
			}
		}
		return out
	}
	t.Fatalf("no node %s", id)
	return nil
}

// stageFile has a test stage that installs the development packages
// with a mounted secret and runs the tests. Its production stage leaves
// development packages and install scripts out, and the last stage copies
// from the production stage alone.
const stageFile = `FROM node:20 AS base
WORKDIR /app
COPY package.json package-lock.json ./

FROM base AS test
RUN --mount=type=secret,id=npm_token npm ci
RUN npm test

FROM base AS prod
RUN npm ci --omit=dev --ignore-scripts

FROM gcr.io/distroless/nodejs20
COPY --from=prod /app /app
`

func TestStageNodes(t *testing.T) {
	res, err := parse(t, "Dockerfile", stageFile)
	if err != nil {
		t.Fatal(err)
	}
	file := graph.DockerfileID(graph.RepoID("", "example-org/api"), "Dockerfile")
	keys := []string{"installs", "install_dev_off", "install_scripts_off", graph.AttrInstallSources,
		graph.AttrSecretMounts, graph.AttrStage, graph.AttrStageOf}

	// The image of the last stage: prod's install, without the test
	// stage's secret.
	want := map[string]string{"installs": "npm", "install_dev_off": "npm", "install_scripts_off": "npm",
		graph.AttrInstallSources: "npm=.@10"}
	if diff := cmp.Diff(want, nodeAttrs(t, res, file, keys...)); diff != "" {
		t.Errorf("file node (-want +got):\n%s", diff)
	}
	wantDeps := []string{
		"pkg:docker/distroless/nodejs20@latest?repository_url=gcr.io (certain) base-image 12",
		"pkg:docker/node@20 (certain) base-image 01",
	}
	if diff := cmp.Diff(wantDeps, dependsOn(res)); diff != "" {
		t.Errorf("file node DEPENDS_ON (-want +got):\n%s", diff)
	}

	// --target test: every npm package, development ones included, with
	// the secret mounted, and the tests run.
	test := graph.DockerfileStageID(file, "test")
	want = map[string]string{"installs": "npm", graph.AttrInstallSources: "npm=.@6", graph.AttrSecretMounts: "npm_token",
		graph.AttrStage: "test", graph.AttrStageOf: file}
	if diff := cmp.Diff(want, nodeAttrs(t, res, test, keys...)); diff != "" {
		t.Errorf("test stage node (-want +got):\n%s", diff)
	}
	if got := nodeAttrs(t, res, test, graph.AttrBuildRunsCode)[graph.AttrBuildRunsCode]; got != "npm" {
		t.Errorf("test stage build_runs_code = %q, want npm (npm test)", got)
	}
	if diff := cmp.Diff([]string{"pkg:docker/node@20 (certain) base-image 01"}, dependsOnFrom(res, "test")); diff != "" {
		t.Errorf("test stage DEPENDS_ON (-want +got):\n%s", diff)
	}

	// --target base installs nothing.
	base := graph.DockerfileStageID(file, "base")
	want = map[string]string{graph.AttrStage: "base", graph.AttrStageOf: file}
	if diff := cmp.Diff(want, nodeAttrs(t, res, base, keys...)); diff != "" {
		t.Errorf("base stage node (-want +got):\n%s", diff)
	}

	// One node for the file and one per named stage before the last.
	var ids []string
	for _, n := range res.Nodes {
		if n.Attr("ecosystem") == "dockerfile" {
			ids = append(ids, n.ID)
		}
	}
	wantIDs := []string{file, graph.DockerfileStageID(file, "base"), test, graph.DockerfileStageID(file, "prod")}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("Dockerfile nodes (-want +got):\n%s", diff)
	}
}

// A builder stage that a CI job pushes as its own image depends on the
// tools it installs, which the last stage does not.
func TestBuilderStageNode(t *testing.T) {
	res, err := parse(t, "Dockerfile", `FROM golang:1.22 AS builder
RUN npm install -g semantic-release@22.0.0
RUN go build -o /out/app ./cmd/app

FROM alpine:3.19 AS runtime
COPY --from=builder /out/app /usr/bin/app
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg:docker/golang@1.22 (certain) base-image 01",
		"pkg:npm/semantic-release@22.0.0 (certain) install 02",
	}
	if diff := cmp.Diff(want, dependsOnFrom(res, "builder")); diff != "" {
		t.Errorf("builder stage DEPENDS_ON (-want +got):\n%s", diff)
	}
	// The last stage is named, but the file's node is its image.
	for _, n := range res.Nodes {
		if n.Attr(graph.AttrStage) == "runtime" {
			t.Errorf("node %s for the last stage, whose image is the file's node", n.ID)
		}
	}
}
