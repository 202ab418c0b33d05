package dockerfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// A Dockerfile records the ARGs of the stages the image is built from, but
// not an ARG before FROM that no stage declares again, nor an ARG of an
// unused stage. It records the secrets a RUN mounts, by id or by the
// target's base name. npm run runs the project's code for certain, and
// npm ci may run it through the project's lifecycle scripts.
func TestBuildInputAttrs(t *testing.T) {
	res, err := parse(t, "Dockerfile", `ARG BASE=node:20
ARG UNUSED_META
FROM ${BASE} AS build
ARG NPM_TOKEN
ARG MODE=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
RUN --mount=type=cache,target=/root/.cache --mount=type=secret,target=/run/secrets/pip.conf npm run build

FROM python:3.12 AS lint
ARG LINT_ONLY
RUN --mount=type=secret,id=lint pip install ruff==0.6.0

FROM gcr.io/distroless/nodejs20
COPY --from=build /app /app
`)
	if err != nil {
		t.Fatal(err)
	}
	id := graph.DockerfileID(graph.RepoID("", "example-org/api"), "Dockerfile")
	got := map[string]string{}
	for _, n := range res.Nodes {
		if n.ID != id {
			continue
		}
		for _, k := range []string{graph.AttrRunArgs, graph.AttrSecretMounts, graph.AttrBuildRunsCode, graph.AttrBuildMayRunCode} {
			if v := n.Attr(k); v != "" {
				got[k] = v
			}
		}
	}
	want := map[string]string{
		graph.AttrRunArgs:         "MODE,NPM_TOKEN",
		graph.AttrSecretMounts:    "npmrc,pip.conf",
		graph.AttrBuildRunsCode:   "npm",
		graph.AttrBuildMayRunCode: "npm",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("build input attributes (-want +got):\n%s", diff)
	}
}
