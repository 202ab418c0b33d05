package dockerfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// parse reads src as the Dockerfile at rel in repository example-org/api.
func parse(t *testing.T, rel, src string) (*ingest.Result, error) {
	t.Helper()
	data := []byte(src)
	f := &ingest.File{Path: "api/" + rel, RelPath: rel, Repo: "example-org/api", Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	if !New().Detect(f) {
		t.Fatalf("%s is not detected as a Dockerfile", rel)
	}
	res := &ingest.Result{}
	err := New().Parse(context.Background(), f, &ingest.Env{}, res)
	return res, err
}

// dependsOn lists the DEPENDS_ON edges of the file's node, which stands
// for its last stage, as "to (confidence) via line".
func dependsOn(res *ingest.Result) []string {
	return dependsOnFrom(res, "")
}

// dependsOnFrom lists the DEPENDS_ON edges of the node of the named stage,
// or of the file's node for "", as "to (confidence) via line".
func dependsOnFrom(res *ingest.Result, stage string) []string {
	var out []string
	for _, e := range res.Edges {
		_, from, _ := strings.Cut(e.From, "#")
		if e.Kind == graph.EdgeDependsOn && from == stage {
			out = append(out, e.To+" ("+string(e.Confidence)+") "+e.Attr(graph.AttrVia)+" "+itoa(e.Pos.Line))
		}
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

// installAttrsOf returns the install attributes of the Dockerfile node.
func installAttrsOf(t *testing.T, res *ingest.Result, rel string) map[string]string {
	t.Helper()
	want := graph.DockerfileID(graph.RepoID("", "example-org/api"), rel)
	for _, n := range res.Nodes {
		if n.ID != want {
			continue
		}
		out := map[string]string{}
		for _, k := range []string{"installs", "install_dev_off", "install_scripts_off", graph.AttrInstallSources} {
			if v := n.Attr(k); v != "" {
				out[k] = v
			}
		}
		return out
	}
	t.Fatalf("no node %s", want)
	return nil
}

func TestMultiStageBuild(t *testing.T) {
	res, err := parse(t, "Dockerfile", `ARG NODE=20
FROM node:${NODE} AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
RUN npm run build

FROM gcr.io/distroless/nodejs20
COPY --from=build /app /app
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg:docker/distroless/nodejs20@latest?repository_url=gcr.io (certain) base-image 09",
		"pkg:docker/node@20 (certain) base-image 02",
	}
	if diff := cmp.Diff(want, dependsOn(res)); diff != "" {
		t.Errorf("DEPENDS_ON (-want +got):\n%s", diff)
	}
	wantAttrs := map[string]string{"installs": "npm", "install_dev_off": "npm", graph.AttrInstallSources: "npm=.@5"}
	if diff := cmp.Diff(wantAttrs, installAttrsOf(t, res, "Dockerfile")); diff != "" {
		t.Errorf("install attributes (-want +got):\n%s", diff)
	}
	if w := resulttest.Warnings(res); len(w) > 0 {
		t.Errorf("warnings: %v", w)
	}
}

// The last stage copies from tools alone: the test stage and its base
// image are not part of the image, and neither are its installs.
func TestUnusedStageLeftOut(t *testing.T) {
	res, err := parse(t, "build/app.Dockerfile", `FROM golang:1.22 AS tools
RUN npm install -g semantic-release@22.0.0

FROM python:3.12 AS test
WORKDIR /src
COPY . .
RUN pip install -r requirements.txt

FROM alpine:3.19
COPY --from=tools /go/bin/x /usr/bin/x
COPY --from=ghcr.io/example-org/tools:1.0 /bin/t /bin/t
RUN --mount=from=registry.example.com/certs:2,target=/certs cp /certs/ca.pem /etc/ssl/
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg:docker/alpine@3.19 (certain) base-image 09",
		"pkg:docker/certs@2?repository_url=registry.example.com (possible) mount-from 12",
		"pkg:docker/example-org/tools@1.0?repository_url=ghcr.io (certain) copy-from 11",
		"pkg:docker/golang@1.22 (certain) base-image 01",
		"pkg:npm/semantic-release@22.0.0 (certain) install 02",
	}
	if diff := cmp.Diff(want, dependsOn(res)); diff != "" {
		t.Errorf("DEPENDS_ON (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{}, installAttrsOf(t, res, "build/app.Dockerfile")); diff != "" {
		t.Errorf("install attributes (-want +got):\n%s", diff)
	}
}

// The escape directive, a continued line and a here-document are read as
// BuildKit reads them, with the lines of the file.
func TestEscapeAndHeredoc(t *testing.T) {
	res, err := parse(t, "Dockerfile.prod", "# escape=`\n"+`FROM python:3.12-slim
WORKDIR /srv
COPY services/api/requirements.txt ./
RUN pip install `+"`"+`
    --no-cache-dir -r requirements.txt
RUN <<EOF
set -e
pip install gunicorn==22.0.0
EOF
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg:docker/python@3.12-slim (certain) base-image 02",
		"pkg:pypi/gunicorn@22.0.0 (certain) install 09",
	}
	if diff := cmp.Diff(want, dependsOn(res)); diff != "" {
		t.Errorf("DEPENDS_ON (-want +got):\n%s", diff)
	}
	attrs := installAttrsOf(t, res, "Dockerfile.prod")
	if got := attrs[graph.AttrInstallSources]; got != "pypi=services/api@5" {
		t.Errorf("install sources %q, want pypi=services/api@5", got)
	}
}

// A FROM whose build argument has no default names no image, one with a
// default in the reference names the default, and scratch is nothing.
func TestUnresolvedAndScratch(t *testing.T) {
	res, err := parse(t, "Containerfile", `ARG BASE
FROM $BASE AS base
FROM ${TOOLS:-ghcr.io/example-org/tools:2} AS tools
FROM scratch
COPY --from=base /app /app
COPY --from=tools /bin/t /bin/t
`)
	if err != nil {
		t.Fatal(err)
	}
	wantEdges := []string{"pkg:docker/example-org/tools@2?repository_url=ghcr.io (certain) base-image 03"}
	if diff := cmp.Diff(wantEdges, dependsOn(res)); diff != "" {
		t.Errorf("DEPENDS_ON (-want +got):\n%s", diff)
	}
	want := []string{"api/Containerfile:2: FROM: build argument BASE has no default, so the image is chosen when it is built; only the CI builds that pass it a value link a base image"}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// The FROM references that build arguments choose are listed for the
// linker, with the defaults they use, for the stages the image is built
// from only. A default that looks like a credential is left out.
func TestFromArgsListed(t *testing.T) {
	res, err := parse(t, "Dockerfile", `ARG REGISTRY=ghcr.io/example-org
ARG NODE_VERSION=20
ARG TOKEN=ghp_canaryX9x9canaryX9x9canaryX9x9canaryX9
ARG UNUSED_BASE=python:3.12
FROM ${UNUSED_BASE} AS docs
FROM ${REGISTRY}/node:${NODE_VERSION}-slim AS build
FROM build AS test
FROM $BASE
COPY --from=test /app /app
`)
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{}
	for _, n := range res.Nodes {
		if n.ID == graph.DockerfileID(graph.RepoID("", "example-org/api"), "Dockerfile") {
			attrs = n.Attrs
		}
	}
	if got, want := attrs[graph.AttrFromArgs], "6 build ${REGISTRY}/node:${NODE_VERSION}-slim,8 3 $BASE"; got != want {
		t.Errorf("from_args = %q, want %q", got, want)
	}
	if got, want := attrs[graph.AttrFromArgDefaults], "NODE_VERSION=20,REGISTRY=ghcr.io/example-org"; got != want {
		t.Errorf("from_arg_defaults = %q, want %q", got, want)
	}
	resulttest.NoValues(t, res, "ghp_canaryX9x9")
}

func TestExpandReference(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		args map[string]string
		want string
		ok   bool
	}{
		{"$BASE", map[string]string{"BASE": "node:20"}, "node:20", true},
		{"${REGISTRY}/node:${V}-slim", map[string]string{"REGISTRY": "ghcr.io/o", "V": "22"}, "ghcr.io/o/node:22-slim", true},
		{"node:${V:-20}", nil, "node:20", true},
		{"node:${V:-20}", map[string]string{"V": "22"}, "node:22", true},
		{"$BASE", nil, "", false},
	} {
		got, ok := ExpandReference(tt.raw, tt.args)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ExpandReference(%q, %v) = %q, %v, want %q, %v", tt.raw, tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// A credential written as the default of an ARG or the value of an ENV is
// named in a warning and stored nowhere.
func TestCredentialValuesNotStored(t *testing.T) {
	const key = "AKIAEXAMPLE000000000"
	res, err := parse(t, "Dockerfile", `ARG AWS_KEY=`+key+`
FROM node:20
ENV NPM_TOKEN="`+key+`"
`)
	if err != nil {
		t.Fatal(err)
	}
	resulttest.NoValues(t, res, key)
	want := []string{
		"api/Dockerfile:1: ARG AWS_KEY has a value that looks like a credential (AWS access key id), which the layers, history or build cache of images built from this file keep; the value is not stored",
		"api/Dockerfile:3: ENV NPM_TOKEN has a value that looks like a credential (AWS access key id), which the layers, history or build cache of images built from this file keep; the value is not stored",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestBadInputRejected(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"binary", "FROM node:20\nRUN x\x00y\n", "api/Dockerfile:2: binary content where a Dockerfile was expected"},
		{"unterminated here-document", "FROM node:20\nRUN <<EOF\nnpm ci\n", "api/Dockerfile:2: the file does not parse as a Dockerfile"},
		{"bad escape", "# escape=x\nFROM node:20\n", "api/Dockerfile: the file does not parse as a Dockerfile"},
		{"no FROM", "RUN npm ci\n", "api/Dockerfile:1: missing FROM instruction: a Dockerfile needs one to start its first stage"},
	} {
		_, err := parse(t, "Dockerfile", tt.src)
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v, want a positioned rejection", tt.name, err)
			continue
		}
		if got := ie.Error(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "Containerfile": true, "docker/Dockerfile.prod": true, "api.Dockerfile": true,
		"web.dockerfile": true, "Dockerfile.dockerignore": false, ".dockerignore": false, "Dockerfile.": false,
		"Dockerfiles/readme.md": false, "docker-compose.yml": false, "Dockerfile.md": false, "Dockerfile.j2": false,
		"Dockerfile.prod.bak": false,
	} {
		f := &ingest.File{Path: name, RelPath: name}
		if got := New().Detect(f); got != want {
			t.Errorf("Detect(%s) = %v, want %v", name, got, want)
		}
	}
}

// NODE_ENV=production makes npm ci leave out development packages, in
// either form of ENV.
func TestEnvLeavesOutDev(t *testing.T) {
	for _, env := range []string{"ENV NODE_ENV=production", "ENV NODE_ENV production"} {
		res, err := parse(t, "Dockerfile", "FROM node:20\n"+env+"\nWORKDIR /app\nCOPY . .\nRUN npm ci\n")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"installs": "npm", "install_dev_off": "npm", graph.AttrInstallSources: "npm=.@5"}
		if diff := cmp.Diff(want, installAttrsOf(t, res, "Dockerfile")); diff != "" {
			t.Errorf("%s: install attributes (-want +got):\n%s", env, diff)
		}
	}
}

// pip install -r reads the requirements file where its path points, so
// the install's source is the folder of the build context that a COPY put
// there, not the one of the working folder.
func TestRequirementsFileFolder(t *testing.T) {
	res, err := parse(t, "Dockerfile", `FROM python:3.12
WORKDIR /srv
COPY requirements.txt /tmp/requirements.txt
COPY worker/requirements.txt /opt/worker/
COPY . .
RUN pip install -r /tmp/requirements.txt
RUN pip install --requirement=/opt/worker/requirements.txt
RUN pip install -rdocs/requirements.txt
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"installs":        "pypi",
		"install_sources": "pypi=.@6,pypi=docs@8,pypi=worker@7",
	}
	if diff := cmp.Diff(want, installAttrsOf(t, res, "Dockerfile")); diff != "" {
		t.Errorf("install attributes (-want +got):\n%s", diff)
	}
}

// NODE_ENV=production makes yarn install leave out development packages
// under Yarn 1 only, so the image keeps a Yarn 2+ lockfile's.
func TestEnvYarnDevOffBerry(t *testing.T) {
	for _, tt := range []struct {
		run, berry string
	}{
		{"RUN yarn install", ""},
		{"RUN yarn workspaces focus --all --production", "npm"},
	} {
		res, err := parse(t, "Dockerfile", "FROM node:20\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\n"+tt.run+"\n")
		if err != nil {
			t.Fatal(err)
		}
		want := graph.DockerfileID(graph.RepoID("", "example-org/api"), "Dockerfile")
		found := false
		for _, n := range res.Nodes {
			if n.ID != want {
				continue
			}
			found = true
			if got := n.Attr("install_dev_off"); got != "npm" {
				t.Errorf("%s: install_dev_off %q, want npm", tt.run, got)
			}
			if got := n.Attr("install_dev_off_yarn_berry"); got != tt.berry {
				t.Errorf("%s: install_dev_off_yarn_berry %q, want %q", tt.run, got, tt.berry)
			}
		}
		if !found {
			t.Errorf("%s: no node %s", tt.run, want)
		}
	}
}
