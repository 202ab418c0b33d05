package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// parse reads src as the Compose file at rel in repository example-org/shop.
func parse(t *testing.T, rel, src string) (*ingest.Result, error) {
	t.Helper()
	data := []byte(src)
	f := &ingest.File{Path: "shop/" + rel, RelPath: rel, Repo: "example-org/shop", Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	if !New().Detect(f) {
		t.Fatalf("%s is not detected as a Compose file", rel)
	}
	res := &ingest.Result{}
	err := New().Parse(context.Background(), f, &ingest.Env{}, res)
	return res, err
}

// builds lists the DEPENDS_ON edges as "image -> Dockerfile (context) line".
func builds(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeDependsOn {
			continue
		}
		if e.Confidence != graph.Possible {
			out = append(out, "not possible: "+e.From)
		}
		out = append(out, e.From+" -> "+e.To+" ("+e.Attr(graph.AttrBuildContext)+") "+e.Pos.String())
	}
	sort.Strings(out)
	return out
}

func TestComposeBuildsImages(t *testing.T) {
	res, err := parse(t, "deploy/compose.yaml", `x-build: &node
  context: ../services/web
  dockerfile: docker/Dockerfile.prod
services:
  api:
    build: ../services/api
    image: ghcr.io/example-org/api:${TAG:-latest}
  web:
    <<: *node
    build: *node
    image: example-org/web:${WEB_TAG}
  db:
    build: ./db
    image: postgres:16
  cache:
    image: redis:7
  worker:
    build:
      context: ..
      dockerfile: worker.Dockerfile
    image: ${REGISTRY}/worker:1.0
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg:docker/example-org/api?repository_url=ghcr.io -> dockerfile:github.com/example-org/shop/services/api/Dockerfile (services/api) shop/deploy/compose.yaml:7",
		"pkg:docker/example-org/web -> dockerfile:github.com/example-org/shop/services/web/docker/Dockerfile.prod (services/web) shop/deploy/compose.yaml:11",
	}
	if diff := cmp.Diff(want, builds(res)); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
	wantWarn := []string{"shop/deploy/compose.yaml:21:12: service worker: image name ${REGISTRY}/worker:1.0 depends on a variable without a default, so it is not recorded"}
	if diff := cmp.Diff(wantWarn, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestComposeSkipsOutsideBuilds(t *testing.T) {
	res, err := parse(t, "docker-compose.prod.yml", `services:
  up:
    build: ../other
    image: ghcr.io/example-org/up
  remote:
    build: https://github.com/example-org/remote.git#main
    image: ghcr.io/example-org/remote
  inline:
    build:
      dockerfile_inline: |
        FROM alpine
    image: ghcr.io/example-org/inline
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := builds(res); len(got) != 0 {
		t.Errorf("builds = %v, want none", got)
	}
	want := []string{
		"shop/docker-compose.prod.yml:3:12: service up: the build context lies outside the repository, so nothing is recorded for image ghcr.io/example-org/up",
		"shop/docker-compose.prod.yml:6:12: service remote: the build context or Dockerfile is not a folder of the repository, so nothing is recorded for image ghcr.io/example-org/remote",
		"shop/docker-compose.prod.yml:10:7: service inline: dockerfile_inline is not read, so nothing is recorded for image ghcr.io/example-org/inline",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestComposeDetect(t *testing.T) {
	for rel, want := range map[string]bool{
		"compose.yaml":             true,
		"docker-compose.yml":       true,
		"ops/compose.override.yml": true,
		"docker-compose.ci.yaml":   true,
		"compose.json":             false,
		"my-compose.yml":           false,
		"compose.yaml.bak":         false,
	} {
		f := &ingest.File{RelPath: rel, Head: []byte("version: '3'\nservices:\n  a:\n    image: x\n")}
		if got := New().Detect(f); got != want {
			t.Errorf("Detect(%s) = %v, want %v", rel, got, want)
		}
	}
	noServices := &ingest.File{RelPath: "compose.yaml", Head: []byte("name: x\nvolumes: {}\n")}
	if New().Detect(noServices) {
		t.Errorf("a file without services is detected")
	}
}

func TestComposeSyntaxError(t *testing.T) {
	_, err := parse(t, "compose.yaml", "services:\n  api:\n    image: [ghcr.io/a\n    build: .\n")
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *ingest.Error", err)
	}
	if ie.Pos.File != "shop/compose.yaml" || ie.Pos.Line == 0 {
		t.Errorf("position %s, want shop/compose.yaml with a line", ie.Pos)
	}
}

func TestExpand(t *testing.T) {
	for in, want := range map[string]string{
		"ghcr.io/o/api:${TAG:-1.2}":  "ghcr.io/o/api:1.2",
		"ghcr.io/o/api:${TAG-1.2}":   "ghcr.io/o/api:1.2",
		"ghcr.io/o/api:$TAG":         "ghcr.io/o/api:${TAG}",
		"ghcr.io/o/api:${TAG:?set}":  "ghcr.io/o/api:${TAG}",
		"ghcr.io/o/api:${TAG:+next}": "ghcr.io/o/api:${TAG}",
		"ghcr.io/o/api:v$$1":         "ghcr.io/o/api:v$$1",
	} {
		if got := expand(in); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

// mergeBomb returns a Compose file whose service api merges a mapping
// that merges the one before it twice, 60 levels deep, and has no build.
// Service web builds through a plain merge.
func mergeBomb() string {
	var b strings.Builder
	b.WriteString("x-level0: &level0\n  labels: {tier: base}\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "x-level%d: &level%d\n  <<: [*level%d, *level%d]\n", i, i, i-1, i-1)
	}
	b.WriteString("x-web: &web\n  build: ./web\nservices:\n  api:\n    <<: [*level60, *level60]\n    image: ghcr.io/example-org/api:1\n")
	b.WriteString("  web:\n    <<: *web\n    image: ghcr.io/example-org/web:1\n")
	return b.String()
}

// A key looked up through nested merges visits each merged mapping once,
// so a file of a few kilobytes cannot make the lookup take 2^60 steps.
func TestComposeNestedMergesBounded(t *testing.T) {
	res, err := parse(t, "compose.yaml", mergeBomb())
	if err != nil {
		t.Fatal(err)
	}
	// Line 131 is web's image: 2 lines of level 0, 2 of each further
	// level, then x-web, build, services, api and its 2 entries, and web.
	want := []string{
		"pkg:docker/example-org/web?repository_url=ghcr.io -> dockerfile:github.com/example-org/shop/web/Dockerfile (web) shop/compose.yaml:131",
	}
	if diff := cmp.Diff(want, builds(res)); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
}

// BenchmarkComposeNestedMerges measures the parse of mergeBomb.
func BenchmarkComposeNestedMerges(b *testing.B) {
	data := []byte(mergeBomb())
	for b.Loop() {
		f := &ingest.File{Path: "shop/compose.yaml", RelPath: "compose.yaml", Repo: "example-org/shop", Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		if err := New().Parse(context.Background(), f, &ingest.Env{}, &ingest.Result{}); err != nil {
			b.Fatal(err)
		}
	}
}

// A service's build is recorded on its own node, with the values a CI
// job's Compose command needs: the Dockerfile, the context, the target,
// the variables its build arguments and secrets read, and the plain
// argument values. A service without an image is recorded too, since
// Compose builds it under a name of its own. A build.target makes the
// image DEPENDS_ON the stage's node, as --target does for a CI build. A
// variable in the target takes its default.
func TestComposeServiceBuilds(t *testing.T) {
	res, err := parse(t, "compose.yaml", `services:
  api:
    build:
      context: ./api
      target: Release
      args:
        NPM_TOKEN: ${NPM_TOKEN}
        NODE_VERSION: ${NODE_VERSION:-22}
        PLAIN: "canary-compose-arg-X9x9"
      secrets:
        - npmrc
        - source: sshkey
    image: ghcr.io/example-org/api:1
  tests:
    build:
      context: .
      dockerfile: test/Dockerfile
      target: ${TEST_STAGE:-Unit}
      args:
        - GH_TOKEN
        - BASE=node:20
secrets:
  npmrc:
    environment: NPMRC_TEXT
  sshkey:
    file: ./id_ed25519
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range res.Nodes {
		if n.Attr("ecosystem") != graph.EcosystemCompose {
			continue
		}
		got = append(got, fmt.Sprintf("%s file=%s df=%s ctx=%s target=%s inputs=%s values=%s image=%s", n.ID, n.Attr("path"),
			n.Attr("dockerfile_id"), n.Attr(graph.AttrBuildContext), n.Attr(graph.AttrBuildTarget),
			n.Attr(graph.AttrBuildInputs), n.Attr(graph.AttrBuildArgValues), n.Attr("image")))
	}
	sort.Strings(got)
	want := []string{
		"compose:github.com/example-org/shop/compose.yaml#api file=compose.yaml df=dockerfile:github.com/example-org/shop/api/Dockerfile ctx=api target=release" +
			" inputs=build-arg:NODE_VERSION=NODE_VERSION,build-arg:NPM_TOKEN=NPM_TOKEN,build-secret:npmrc=NPMRC_TEXT values=NODE_VERSION=22 image=pkg:docker/example-org/api?repository_url=ghcr.io",
		"compose:github.com/example-org/shop/compose.yaml#tests file=compose.yaml df=dockerfile:github.com/example-org/shop/test/Dockerfile ctx=. target=unit" +
			" inputs=build-arg:GH_TOKEN=GH_TOKEN values=BASE=node:20 image=",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("service nodes (-want +got):\n%s", diff)
	}
	wantEdges := []string{
		"pkg:docker/example-org/api?repository_url=ghcr.io -> dockerfile:github.com/example-org/shop/api/Dockerfile#release (api) shop/compose.yaml:13",
	}
	if diff := cmp.Diff(wantEdges, builds(res)); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}
}

// A .env file is not read on its own, and the summary gives why instead of
// calling its format unknown. Other files get no reason from this parser.
// A .env with no Compose file beside it is read by nothing, so its reason
// states that rather than name the Compose readers.
func TestSkipDotenv(t *testing.T) {
	dir := t.TempDir()
	for rel, body := range map[string]string{
		"deploy/compose.yaml": "services:\n  web:\n    image: nginx\n",
		"deploy/.env":         "TAG=1.2\n",
		"app/.env":            "AWS_SECRET_ACCESS_KEY=canary-dotenv-X9x9\n",
	} {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	file := func(rel string) *ingest.File {
		return &ingest.File{Path: filepath.Join(dir, filepath.FromSlash(rel)), RelPath: rel}
	}
	p := New()
	if got := p.Skip(file("deploy/.env")); !strings.HasPrefix(got, "not read on its own: the readers of Compose files read a .env beside them") {
		t.Errorf("Skip(deploy/.env) = %q", got)
	}
	if got, want := p.Skip(file("app/.env")), "not read: no Compose file is beside it, and no reader takes a .env file on its own, so the graph holds none of its variables"; got != want {
		t.Errorf("Skip(app/.env) = %q, want %q", got, want)
	}
	if got := p.Skip(file("deploy/.envrc")); got != "" {
		t.Errorf("Skip(deploy/.envrc) = %q, want none", got)
	}
}
