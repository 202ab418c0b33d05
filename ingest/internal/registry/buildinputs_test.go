package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildInputs(t *testing.T) {
	for _, tt := range []struct {
		name, script string
		args         []BuildArg
		secrets      []BuildSecret
	}{
		{"argument with a value and one from the environment",
			`docker build --build-arg NPM_TOKEN="$NPM_TOKEN" --build-arg=CI -t app .`,
			[]BuildArg{{Name: "NPM_TOKEN", Value: "$NPM_TOKEN", HasValue: true}, {Name: "CI"}}, nil},
		{"secrets from a variable and a file",
			`docker buildx build --secret id=npmrc,env=NPMRC --secret=id=pip,src=$HOME/.pip.conf --secret id=token .`,
			nil, []BuildSecret{{ID: "npmrc", Env: "NPMRC"}, {ID: "pip", Src: "$HOME/.pip.conf"}, {ID: "token"}}},
		{"type env names the variable with src",
			`docker build --secret type=env,id=gh,src=GH_TOKEN .`,
			nil, []BuildSecret{{ID: "gh", Env: "GH_TOKEN"}}},
		{"secret without an id is left out",
			`docker build --secret src=token.txt .`, nil, nil},
		{"kaniko build argument",
			`/kaniko/executor --context . --build-arg NPM_TOKEN=$NPM_TOKEN --no-push`,
			[]BuildArg{{Name: "NPM_TOKEN", Value: "$NPM_TOKEN", HasValue: true}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps := ScanBuilds(tt.script, ".", ImageRef(nil))
			if len(steps) != 1 || steps[0].Build == nil {
				t.Fatalf("ScanBuilds gave %d steps, want one build", len(steps))
			}
			b := steps[0].Build
			if diff := cmp.Diff(tt.args, b.Args); diff != "" {
				t.Errorf("build arguments (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.secrets, b.Secrets); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
}

// VariableInputs names the variables that give a build argument or a
// BuildKit secret its value: those the value expands, the argument's own
// name when it has no value, the secret's env, or its id when it names no
// file. A secret read from a file and a literal value name none.
func TestBuildVariableInputs(t *testing.T) {
	b := Build{
		Args: []BuildArg{
			{Name: "NPM_TOKEN", Value: "${NPM_TOKEN}", HasValue: true},
			{Name: "AUTH", Value: "$USER:$PASS", HasValue: true},
			{Name: "CI_TOKEN"},
			{Name: "MODE", Value: "production", HasValue: true},
		},
		Secrets: []BuildSecret{{ID: "npmrc", Env: "NPMRC"}, {ID: "pip", Src: "pip.conf"}, {ID: "GH_TOKEN"}},
	}
	want := []string{
		"build-arg:NPM_TOKEN=NPM_TOKEN", "build-arg:AUTH=USER", "build-arg:AUTH=PASS", "build-arg:CI_TOKEN=CI_TOKEN",
		"build-secret:npmrc=NPMRC", "build-secret:GH_TOKEN=GH_TOKEN",
	}
	if diff := cmp.Diff(want, b.VariableInputs()); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
}

func TestArgValuesKeepsPlainValues(t *testing.T) {
	args := []BuildArg{
		{Name: "BASE_IMAGE", Value: "ghcr.io/example-org/base:1.4", HasValue: true},
		{Name: "NODE_VERSION", Value: "22", HasValue: true},
		{Name: "PY", Value: "python:3.12-slim-bookworm", HasValue: true},
		{Name: "RC", Value: "1.0.0-RC1", HasValue: true},
		{Name: "DISTRO", Value: "bookworm", HasValue: true},
		{Name: "DIGEST", Value: "node@sha256:0b2c8b2ec9d5e1a5e0c5c31c9ea3cd9c2a6f1a1f8d1f5c2a3b4c5d6e7f8091a2", HasValue: true},
		// Left out: variables, credentials by name or shape, mixed-case
		// runs, characters no image name has, and a value from the
		// environment.
		{Name: "FROM_ENV", Value: "$BASE", HasValue: true},
		{Name: "NPM_TOKEN", Value: "plainlooking", HasValue: true},
		{Name: "KEY_ID", Value: "AKIAIOSFODNN7EXAMPL1", HasValue: true},
		{Name: "OPAQUE", Value: "canaryX9x9canaryX9x9", HasValue: true},
		{Name: "SPACED", Value: "two words", HasValue: true},
		{Name: "LABEL", Value: "canary-buildarg-P2q7", HasValue: true},
		{Name: "TAGGED", Value: "deploy:Hunter2Pass", HasValue: true},
		{Name: "HEX", Value: "0f3e9a7b2c4d6e8f0a1b3c5d7e9f1a2b", HasValue: true},
		{Name: "LOWER", Value: "deploy-k3j9x8w7v6u5t4s3", HasValue: true},
		{Name: "INHERITED"},
	}
	want := []string{
		"BASE_IMAGE=ghcr.io/example-org/base:1.4",
		"NODE_VERSION=22",
		"PY=python:3.12-slim-bookworm",
		"RC=1.0.0-RC1",
		"DISTRO=bookworm",
		"DIGEST=node@sha256:0b2c8b2ec9d5e1a5e0c5c31c9ea3cd9c2a6f1a1f8d1f5c2a3b4c5d6e7f8091a2",
	}
	if diff := cmp.Diff(want, ArgValues(args)); diff != "" {
		t.Errorf("ArgValues (-want +got):\n%s", diff)
	}
}

func TestExpandArgsFromVariables(t *testing.T) {
	vars := map[string]string{"BASE": "node:22", "TAG": "1.4"}
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(strings.ReplaceAll(s, "${"+k+"}", v), "$"+k, v)
		}
		return s
	}
	got := ExpandArgs([]BuildArg{
		{Name: "BASE"},
		{Name: "IMAGE", Value: "ghcr.io/o/app:$TAG", HasValue: true},
		{Name: "UNKNOWN"},
		{Name: "LATER", Value: "$NOT_SET", HasValue: true},
	}, expand)
	want := []BuildArg{
		{Name: "BASE", Value: "node:22", HasValue: true},
		{Name: "IMAGE", Value: "ghcr.io/o/app:1.4", HasValue: true},
		{Name: "UNKNOWN"},
		{Name: "LATER", Value: "$NOT_SET", HasValue: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ExpandArgs (-want +got):\n%s", diff)
	}
}

// A UUID (a shape of API keys) and a short run that
// alternates letters and digits at random are no image, tag or version,
// whatever name the argument has. Tags that join a word and a number stay.
func TestArgValuesDropsShortTokens(t *testing.T) {
	args := []BuildArg{
		{Name: "BUILD_LABEL", Value: "3f2504e0-4f89-11d3-9a0c-0305e82c3301", HasValue: true},
		{Name: "BUILD_LABEL", Value: "prefix-3F2504E0-4F89-11D3-9A0C-0305E82C3301", HasValue: true},
		{Name: "STAMP", Value: "x7k2m9p4q8r3z5w", HasValue: true},
		{Name: "STAMP", Value: "4h8s2k9d7f3j", HasValue: true},
		{Name: "BASE", Value: "ubuntu:jammy20240111", HasValue: true},
		{Name: "CUDA", Value: "nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04", HasValue: true},
		{Name: "JDK", Value: "eclipse-temurin:21.0.2_13-jdk", HasValue: true},
		{Name: "SHORT_SHA", Value: "3f2a9c1", HasValue: true},
	}
	want := []string{
		"BASE=ubuntu:jammy20240111",
		"CUDA=nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04",
		"JDK=eclipse-temurin:21.0.2_13-jdk",
		"SHORT_SHA=3f2a9c1",
	}
	if diff := cmp.Diff(want, ArgValues(args)); diff != "" {
		t.Errorf("ArgValues (-want +got):\n%s", diff)
	}
}
