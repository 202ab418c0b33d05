package compose

import (
	"bytes"
	"context"
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

// parseOnDisk writes files into repository example-org/shop in a
// temporary folder and reads the Compose file at rel.
func parseOnDisk(t *testing.T, rel string, files map[string]string) *ingest.Result {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := []byte(files[rel])
	f := &ingest.File{Path: filepath.Join(root, filepath.FromSlash(rel)), RelPath: rel, Repo: "example-org/shop", Head: data,
		Size: int64(len(data)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	if !New().Detect(f) {
		t.Fatalf("%s is not detected as a Compose file", rel)
	}
	res := &ingest.Result{}
	if err := New().Parse(context.Background(), f, &ingest.Env{}, res); err != nil {
		t.Fatal(err)
	}
	return res
}

// services lists the Compose service nodes with their build.
func services(res *ingest.Result) []string {
	var out []string
	for _, n := range res.Nodes {
		if n.Attr("ecosystem") != graph.EcosystemCompose {
			continue
		}
		out = append(out, fmt.Sprintf("%s df=%s ctx=%s compose_context=%s target=%s inputs=%s values=%s image=%s include=%s",
			n.ID, n.Attr(graph.AttrDockerfile), n.Attr(graph.AttrBuildContext), n.Attr(graph.AttrComposeContext),
			n.Attr(graph.AttrBuildTarget), n.Attr(graph.AttrBuildInputs), n.Attr(graph.AttrBuildArgValues), n.Attr("image"),
			n.Attr(graph.AttrComposeInclude)))
	}
	sort.Strings(out)
	return out
}

// Service api extends node-app of common/compose/base.yaml, whose
// context ../../services/api is the repository's services/api. From
// deploy/ that folder is ../services/api. api keeps the Dockerfile,
// target and argument NODE_VERSION of node-app and adds NPM_TOKEN.
// worker extends api of its own file and so gets the same build, with
// its own image.
func TestComposeExtends(t *testing.T) {
	res := parseOnDisk(t, "deploy/compose.yaml", map[string]string{
		"deploy/compose.yaml": `services:
  api:
    extends:
      file: ../common/compose/base.yaml
      service: node-app
    image: ghcr.io/example-org/api:1
    build:
      args:
        NPM_TOKEN: ${NPM_TOKEN}
  worker:
    extends: api
    image: ghcr.io/example-org/worker:1
`,
		"common/compose/base.yaml": `services:
  node-app:
    build:
      context: ../../services/api
      dockerfile: Dockerfile.prod
      target: release
      args:
        - NODE_VERSION=22
`,
	})
	prefix := "compose:github.com/example-org/shop/deploy/compose.yaml#"
	common := " df=services/api/Dockerfile.prod ctx=services/api compose_context=../services/api target=release" +
		" inputs=build-arg:NPM_TOKEN=NPM_TOKEN values=NODE_VERSION=22"
	want := []string{
		prefix + "api" + common + " image=pkg:docker/example-org/api?repository_url=ghcr.io include=",
		prefix + "worker" + common + " image=pkg:docker/example-org/worker?repository_url=ghcr.io include=",
	}
	if diff := cmp.Diff(want, services(res)); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	stage := "dockerfile:github.com/example-org/shop/services/api/Dockerfile.prod#release"
	var edges []string
	for _, e := range res.Edges {
		edges = append(edges, e.From+" -> "+e.To)
	}
	sort.Strings(edges)
	wantEdges := []string{
		"pkg:docker/example-org/api?repository_url=ghcr.io -> " + stage,
		"pkg:docker/example-org/worker?repository_url=ghcr.io -> " + stage,
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if w := resulttest.Warnings(res); len(w) != 0 {
		t.Errorf("warnings = %v, want none", w)
	}
}

// The include key brings in web from services/web/compose.yaml, whose
// build . is that file's folder, and lint from tools/compose.yaml, whose
// project_directory . (from the including file) makes its context
// tools/lint the repository's tools/lint. Both are recorded as services
// of compose.yaml. An include that a variable names, and one of a file
// that is missing, give warnings. The root file's own db is kept over the
// included db.
func TestComposeInclude(t *testing.T) {
	res := parseOnDisk(t, "compose.yaml", map[string]string{
		"compose.yaml": `include:
  - services/web/compose.yaml
  - path: tools/compose.yaml
    project_directory: .
  - ${EXTRA_FILE}
  - missing/compose.yaml
services:
  db:
    build: db
    image: ghcr.io/example-org/db:1
`,
		"services/web/compose.yaml": `services:
  web:
    build: .
    image: ghcr.io/example-org/web:1
  db:
    build: other-db
    image: ghcr.io/example-org/other-db:1
`,
		"tools/compose.yaml": `services:
  lint:
    build:
      context: tools/lint
    image: ghcr.io/example-org/lint:1
`,
	})
	prefix := "compose:github.com/example-org/shop/compose.yaml#"
	want := []string{
		prefix + "db df=db/Dockerfile ctx=db compose_context=db target= inputs= values= image=pkg:docker/example-org/db?repository_url=ghcr.io include=",
		prefix + "lint df=tools/lint/Dockerfile ctx=tools/lint compose_context=tools/lint target= inputs= values= image=pkg:docker/example-org/lint?repository_url=ghcr.io include=tools/compose.yaml",
		prefix + "web df=services/web/Dockerfile ctx=services/web compose_context=. target= inputs= values= image=pkg:docker/example-org/web?repository_url=ghcr.io include=services/web/compose.yaml",
	}
	if diff := cmp.Diff(want, services(res)); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	wantWarn := []string{
		"shop/compose.yaml:5: include: the file ${EXTRA_FILE} is named by a variable, so its services are not recorded",
		"shop/compose.yaml:6: include: the file missing/compose.yaml is not read (not found), so its services are not recorded",
	}
	warnings := resulttest.Warnings(res)
	for i := range warnings {
		if j := strings.Index(warnings[i], "shop/"); j >= 0 {
			warnings[i] = warnings[i][j:]
		}
	}
	if diff := cmp.Diff(wantWarn, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// The .env file beside the Compose file gives the values of REGISTRY,
// TAG and CTX, so the image name and the build context are known:
// ghcr.io/example-org/api built from api/. TAG also gives build argument
// VERSION the value 2.1 instead of its default. NPM_TOKEN's value has the
// name of a credential and API_KEY's the shape of one, so neither is
// kept: both stay variables, and KEY, which reads API_KEY, gets no value
// rather than its default. No value of theirs reaches a node. COMPOSE_FILE and COMPOSE_PROFILES are recorded
// for the linker.
func TestComposeDotenv(t *testing.T) {
	res := parseOnDisk(t, "compose.yaml", map[string]string{
		"compose.yaml": `services:
  api:
    build:
      context: ${CTX}
      args:
        NPM_TOKEN: ${NPM_TOKEN}
        VERSION: ${TAG:-1}
        KEY: ${API_KEY:-none}
    image: ${REGISTRY}/api:${TAG}
`,
		".env": `# values for Compose
REGISTRY=ghcr.io/example-org
export TAG="2.1"
CTX=api # the service's folder
NPM_TOKEN=canary-dotenv-unit-X9x9
API_KEY='ghp_canaryDotenvUnit000000000000000X9x9'
COMPOSE_FILE=compose.yaml:compose.ci.yaml
COMPOSE_PROFILES=ci,e2e
`,
	})
	want := []string{"compose:github.com/example-org/shop/compose.yaml#api df=api/Dockerfile ctx=api compose_context=api target=" +
		" inputs=build-arg:KEY=API_KEY,build-arg:NPM_TOKEN=NPM_TOKEN,build-arg:VERSION=TAG values=VERSION=2.1" +
		" image=pkg:docker/example-org/api?repository_url=ghcr.io include="}
	if diff := cmp.Diff(want, services(res)); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	for _, n := range res.Nodes {
		if n.Attr(graph.AttrComposeService) != "api" {
			continue
		}
		if got := n.Attr(graph.AttrDotenvComposeFile); got != "compose.yaml:compose.ci.yaml" {
			t.Errorf("%s = %q, want compose.yaml:compose.ci.yaml", graph.AttrDotenvComposeFile, got)
		}
		if got := n.Attr(graph.AttrDotenvComposeProfiles); got != "ci,e2e" {
			t.Errorf("%s = %q, want ci,e2e", graph.AttrDotenvComposeProfiles, got)
		}
	}
	if w := resulttest.Warnings(res); len(w) != 0 {
		t.Errorf("warnings = %v, want none", w)
	}
	for _, n := range res.Nodes {
		for k, v := range n.Attrs {
			if strings.Contains(v, "canary") {
				t.Errorf("node %s keeps a value of the .env file in %s: %s", n.ID, k, v)
			}
		}
	}
}

// TestComposeIncludeCycle: compose.yaml includes a.yaml and b.yaml, each
// of which includes the other and compose.yaml again. Compose rejects such
// a cycle. The reader records each file's service once, warns once for
// each include that closes a cycle, and does not follow the cycle down to
// the depth limit, which would take time exponential in the includes.
func TestComposeIncludeCycle(t *testing.T) {
	files := map[string]string{
		"compose.yaml": "include:\n  - a.yaml\n  - b.yaml\nservices:\n  root:\n    build: ./root\n",
		"a.yaml":       "include:\n  - b.yaml\n  - compose.yaml\nservices:\n  a:\n    build: ./a\n",
		"b.yaml":       "include:\n  - a.yaml\n  - compose.yaml\nservices:\n  b:\n    build: ./b\n",
	}
	res := parseOnDisk(t, "compose.yaml", files)

	var names []string
	for _, n := range res.Nodes {
		if n.Attr("ecosystem") == graph.EcosystemCompose {
			names = append(names, n.Attr(graph.AttrComposeService))
		}
	}
	sort.Strings(names)
	if want := []string{"a", "b", "root"}; !cmp.Equal(names, want) {
		t.Errorf("services = %v, want %v", names, want)
	}
	var cycles, deep int
	for _, w := range resulttest.Warnings(res) {
		if strings.Contains(w, "deep") {
			deep++
		}
		if strings.Contains(w, "cycle") {
			cycles++
		}
	}
	if deep != 0 {
		t.Errorf("%d warnings of the depth limit, want none: the cycle was followed", deep)
	}
	// a.yaml -> b.yaml -> a.yaml, a.yaml -> b.yaml -> compose.yaml and
	// a.yaml -> compose.yaml close cycles; b.yaml is then read already.
	if cycles != 3 {
		t.Errorf("%d cycle warnings, want 3", cycles)
	}
}
