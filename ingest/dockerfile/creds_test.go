package dockerfile

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// parseFingerprinted is parse with an environment that fingerprints every
// value as "fp".
func parseFingerprinted(t *testing.T, src string) *ingest.Result {
	t.Helper()
	data := []byte(src)
	f := &ingest.File{Path: "api/Dockerfile", RelPath: "Dockerfile", Repo: "example-org/api", Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	res := &ingest.Result{}
	if err := New().Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
		t.Fatal(err)
	}
	return res
}

// dfID is the id of the Dockerfile that parse reads.
var dfID = graph.DockerfileID(graph.RepoID("", "example-org/api"), "Dockerfile")

// attrOf returns an attribute of the Dockerfile's node.
func attrOf(t *testing.T, src, key string) string {
	t.Helper()
	res, err := parse(t, "Dockerfile", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.Nodes {
		if n.ID == dfID {
			return n.Attr(key)
		}
	}
	t.Fatal("no node for the Dockerfile")
	return ""
}

// The build arguments that a RUN writes into an npm auth setting log in
// to the registry of the setting's key, or to the default registry for a
// key without one. A variable that an ENV sets from a build argument
// contains it in its stage and the stages built FROM it. An ARG ends with
// its stage.
func TestArgLogins(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"echo to .npmrc": {`FROM node:20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
`, "NPM_TOKEN=npm@registry.npmjs.org@3"},
		"npm config set of a scoped registry": {`FROM node:20
ARG GH_PKG_TOKEN
RUN npm config set //npm.pkg.github.com/:_authToken $GH_PKG_TOKEN && npm ci
`, "GH_PKG_TOKEN=npm@npm.pkg.github.com@3"},
		"key without registry, default set by ENV": {`FROM node:20
ARG TOKEN
ENV NPM_CONFIG_REGISTRY=https://npm.example.com/
RUN echo "_authToken=${TOKEN}" > .npmrc && npm ci
`, "TOKEN=npm@npm.example.com@4"},
		"through ENV, in the next stage": {`FROM node:20 AS base
ARG NPM_TOKEN
ENV NODE_AUTH_TOKEN=${NPM_TOKEN}
FROM base
RUN echo '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}' > .npmrc && npm ci
`, "NPM_TOKEN=npm@registry.npmjs.org@5"},
		"ARG out of scope in the next stage": {`FROM node:20 AS base
ARG NPM_TOKEN
FROM base
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
`, ""},
		"pip index URL in ENV": {`FROM python:3.12
ARG PYPI_TOKEN
ENV PIP_EXTRA_INDEX_URL=https://__token__:${PYPI_TOKEN}@pypi.example.com/simple
RUN pip install -r requirements.txt
`, "PYPI_TOKEN=pypi@pypi.example.com@3"},
		"pip index URL in RUN, user name left out": {`FROM python:3.12
ARG INDEX_USER
ARG INDEX_PASSWORD
RUN pip install --index-url "https://${INDEX_USER}:${INDEX_PASSWORD}@pypi.example.com:8443/simple" -r requirements.txt
`, "INDEX_PASSWORD=pypi@pypi.example.com@4"},
		"composer http-basic": {`FROM composer:2
ARG PACKAGIST_TOKEN
RUN composer config --global http-basic.repo.packagist.com token "$PACKAGIST_TOKEN" && composer install
`, "PACKAGIST_TOKEN=composer@repo.packagist.com@3"},
		"bundle config": {`FROM ruby:3.3
ARG GEM_TOKEN
RUN bundle config set --global gems.example.com "ci:${GEM_TOKEN}" && bundle install
`, "GEM_TOKEN=gem@gems.example.com@3"},
		"nuget source password": {`FROM mcr.microsoft.com/dotnet/sdk:8.0
ARG FEED_PASSWORD
RUN dotnet nuget add source https://nuget.example.com/v3/index.json --name feed --username ci --password ${FEED_PASSWORD} --store-password-in-clear-text
`, "FEED_PASSWORD=nuget@nuget.example.com@3"},
		"nuget.org password logs in nowhere": {`FROM mcr.microsoft.com/dotnet/sdk:8.0
ARG FEED_PASSWORD
RUN dotnet nuget add source https://api.nuget.org/v3/index.json -n org -u ci -p $FEED_PASSWORD
`, ""},
		// The source URL may follow the options, and the password's
		// value is no URL.
		"nuget options before the source": {`FROM mcr.microsoft.com/dotnet/sdk:8.0
ARG FEED_PASSWORD
RUN dotnet nuget add source --username ci --password ${FEED_PASSWORD} --store-password-in-clear-text --name feed https://nuget.example.com/v3/index.json
`, "FEED_PASSWORD=nuget@nuget.example.com@3"},
		// update source names the source, and --source gives its URL.
		"nuget update source with its URL": {`FROM mcr.microsoft.com/dotnet/sdk:8.0
ARG FEED_PASSWORD
RUN dotnet nuget update source feed --source https://nuget.example.com/v3/index.json -p $FEED_PASSWORD
`, "FEED_PASSWORD=nuget@nuget.example.com@3"},
		// Without --source, the URL is in NuGet.Config, which is not read.
		"nuget update source by name only": {`FROM mcr.microsoft.com/dotnet/sdk:8.0
ARG FEED_PASSWORD
RUN dotnet nuget update source feed --username ci --password=$FEED_PASSWORD
`, ""},
		// The exec form runs a shell only when its words call one.
		"exec form with sh -c": {`FROM node:20
ARG NPM_TOKEN
RUN ["sh", "-c", "echo //registry.npmjs.org/:_authToken=$NPM_TOKEN > .npmrc && npm ci"]
`, "NPM_TOKEN=npm@registry.npmjs.org@3"},
		"exec form without a shell": {`FROM node:20
ARG NPM_TOKEN
RUN ["npm", "config", "set", "//registry.npmjs.org/:_authToken", "$NPM_TOKEN"]
`, ""},
		"git URL is no package registry": {`FROM golang:1.23
ARG GH_TOKEN
RUN git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/" && go mod download
`, ""},
		"no build argument": {`FROM node:20
RUN echo "//registry.npmjs.org/:_authToken=${HOST_TOKEN}" > .npmrc && npm ci
`, ""},
		"computed registry": {`FROM node:20
ARG NPM_TOKEN
ARG REGISTRY
RUN echo "//${REGISTRY}/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
`, ""},
	} {
		if got := attrOf(t, tc.src, graph.AttrArgLogins); got != tc.want {
			t.Errorf("%s: %s = %q, want %q", name, graph.AttrArgLogins, got, tc.want)
		}
	}
}

// The literal credentials of the stages that the image is built FROM
// become Secret nodes of type inline-value. They are an ENV value, an ARG
// default (also one declared before the first FROM and taken up by the
// stage), and a token that a RUN writes into .npmrc. A stage the image
// only copies from leaves none in the image, but the build runs with its
// literals, so they are secrets marked build-only. The values are not
// stored.
func TestImageLiterals(t *testing.T) {
	const (
		envValue  = "canary-dockerfile-unit-env-3k8d-X9x9"
		argValue  = "canary-dockerfile-unit-arg-7m2p-X9x9"
		runValue  = "canary-dockerfile-unit-run-5t1q-X9x9"
		copyValue = "canary-dockerfile-unit-copy-8w4z-X9x9"
	)
	res := parseFingerprinted(t, `ARG SENTRY_AUTH_TOKEN=`+argValue+`
FROM golang:1.23 AS tools
ENV BUILD_SECRET=`+copyValue+`
RUN go build -o /out/tool ./cmd/tool

FROM node:20 AS base
ENV API_TOKEN="`+envValue+`" LOG_LEVEL=debug

FROM base
ARG SENTRY_AUTH_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=`+runValue+`" > .npmrc && npm ci
COPY --from=tools /out/tool /usr/local/bin/tool
`)
	resulttest.NoValues(t, res, envValue, argValue, runValue, copyValue)
	var got []string
	for _, n := range res.Nodes {
		if n.Kind != graph.NodeSecret {
			continue
		}
		got = append(got, n.ID+" "+n.Attr("type")+" "+n.Attr(graph.AttrBakedAs)+" "+n.Attr(graph.AttrBakedInto)+" line "+itoa(n.Pos.Line)+" fp="+n.Attr(graph.AttrFingerprint)+" build_only="+n.Attr(graph.AttrBuildOnly))
	}
	prefix := "secret:dockerfile:inline:github.com/example-org/api/Dockerfile/"
	want := []string{
		prefix + "API_TOKEN inline-value env " + dfID + " line 07 fp=fp build_only=",
		prefix + "SENTRY_AUTH_TOKEN inline-value arg " + dfID + " line 10 fp=fp build_only=",
		prefix + "run@11 inline-value run " + dfID + " line 11 fp=fp build_only=",
		prefix + "BUILD_SECRET inline-value env " + dfID + " line 03 fp=fp build_only=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		"api/Dockerfile:1: ARG SENTRY_AUTH_TOKEN has a value that looks like a credential (credential assigned to SENTRY_AUTH_TOKEN), which the layers, history or build cache of images built from this file keep; the value is not stored",
		"api/Dockerfile:3: ENV BUILD_SECRET has a value that looks like a credential (credential assigned to BUILD_SECRET), which the layers, history or build cache of images built from this file keep; the value is not stored",
		"api/Dockerfile:7: ENV API_TOKEN has a value that looks like a credential (credential assigned to API_TOKEN), which the layers, history or build cache of images built from this file keep; the value is not stored",
		"api/Dockerfile:11: RUN writes what looks like a credential (npm registry token) into the script that the image's history records; the value is not stored",
	}
	if diff := cmp.Diff(wantWarnings, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// Variables whose names end in a setting about a credential (its region,
// host, header, audience, lifetime) hold configuration, not the
// credential, so they become no secrets. A token beside them does.
func TestImageLiteralsSettings(t *testing.T) {
	const token = "canary-dockerfile-setting-4r7w-X9x9"
	res := parseFingerprinted(t, `FROM node:20
ENV AWS_SECRETS_MANAGER_REGION=us-east-1
ENV AUTH_TOKEN_HOST=auth2.internal.example.com
ENV API_KEY_HEADER=X-Api-Key2
ENV TOKEN_AUDIENCE=api2.example.com
ENV TOKEN_EXPIRY_SECONDS=86400000
ENV ACCESS_TOKEN_TTL_MS=3600000
ENV API_TOKEN=`+token+`
`)
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeSecret {
			got = append(got, n.Attr(graph.AttrName))
		}
	}
	if diff := cmp.Diff([]string{"API_TOKEN"}, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}

// A RUN in exec form records its words in the image's history as a RUN in
// shell form records its script, so a literal there is baked in too.
func TestImageLiteralsExecForm(t *testing.T) {
	const (
		shellValue = "canary-dockerfile-exec-shell-2h6v-X9x9"
		wordValue  = "canary-dockerfile-exec-word-9c3n-X9x9"
	)
	res := parseFingerprinted(t, `FROM node:20
RUN ["sh", "-c", "npm config set _authToken `+shellValue+` && npm ci"]
RUN ["npm", "config", "set", "_authToken", "`+wordValue+`"]
`)
	resulttest.NoValues(t, res, shellValue, wordValue)
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeSecret {
			got = append(got, n.Attr(graph.AttrBakedAs)+" line "+itoa(n.Pos.Line))
		}
	}
	if diff := cmp.Diff([]string{"run line 02", "run line 03"}, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}

// The default of ${NAME:-DEFAULT} is the value that the image keeps when
// the build passes no such argument, so a literal credential there is a
// secret. A value that only reads variables holds no literal.
func TestImageLiteralsDefaultValue(t *testing.T) {
	const value = "canary-dockerfile-default-8j5e-X9x9"
	res := parseFingerprinted(t, `FROM node:20
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN:-`+value+`}
ENV API_TOKEN=$NPM_TOKEN
`)
	resulttest.NoValues(t, res, value)
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeSecret {
			got = append(got, n.Attr(graph.AttrName)+" line "+itoa(n.Pos.Line))
		}
	}
	if diff := cmp.Diff([]string{"NPM_TOKEN line 03"}, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
}
