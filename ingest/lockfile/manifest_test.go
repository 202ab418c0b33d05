package lockfile

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// diskFile returns an ingest.File over a file of testdata/manifest, with
// that folder as the repository root.
func diskFile(t *testing.T, rel string) *ingest.File {
	t.Helper()
	p := filepath.Join("testdata", "manifest", filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return &ingest.File{
		Path: p, RelPath: rel, Repo: testRepo, Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func TestManifestDetect(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"app/package.json", true},
		{"locked/package.json", false},     // package-lock.json beside it
		{"locked/sub/package.json", false}, // a lockfile in a folder above
		{"node_modules/left-pad/package.json", false},
		{"locked/package-lock.json", true},
	}
	for _, tt := range tests {
		if got := NewNPM().Detect(diskFile(t, tt.rel)); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

func TestManifest(t *testing.T) {
	res := &ingest.Result{}
	if err := NewNPM().Parse(context.Background(), diskFile(t, "app/package.json"), testEnv(), res); err != nil {
		t.Fatal(err)
	}
	checkEdgesJoinNodes(t, res)

	lock := func(line, conf string, kv ...string) map[string]string {
		m := map[string]string{"line": line, "confidence": conf, graph.AttrLockfile: "app/package.json", graph.AttrDirect: "true"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	want := map[string]map[string]string{
		"pkg:npm/left-pad": lock("5", "certain", "unpinned", "true", "range", "^1.3.0"),
		"pkg:npm/%40example-org/status-agent@0.4.2": lock("6", "certain", "local", "true", "origin", "local",
			graph.AttrInstallHook, "true"),
		"pkg:npm/%40example-org/missing": lock("7", "certain", "local", "true", "origin", "local", "unpinned", "true"),
		"pkg:npm/%40example-org/fetch":   lock("8", "certain", "alias", "fetcher", "range", "~2.0.1", "unpinned", "true"),
		"pkg:npm/widget":                 lock("9", "certain", "origin", "git", "unpinned", "true"),
		"pkg:npm/test-runner":            lock("13", "certain", "dev", "true", "range", "3.x", "unpinned", "true"),
		"pkg:npm/fsevents":               lock("16", "possible", "optional", "true", "range", "*", "unpinned", "true"),
	}
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	self := "pkg:npm/status-page@2.1.0 -> "
	wantDeps := []string{
		self + "pkg:npm/%40example-org/fetch",
		self + "pkg:npm/%40example-org/missing",
		self + "pkg:npm/%40example-org/status-agent@0.4.2",
		self + "pkg:npm/fsevents",
		self + "pkg:npm/left-pad",
		self + "pkg:npm/test-runner",
		self + "pkg:npm/widget",
	}
	if diff := cmp.Diff(possibleDeps(res), wantDeps); diff != "" {
		t.Errorf("possible DEPENDS_ON (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(diagLines(res), []int{10}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	if n, ok := nodeByID(res, "pkg:npm/status-page@2.1.0"); !ok || n.Attr("local") != "true" {
		t.Errorf("project node = %+v, %v; want a local Package node", n, ok)
	}
}

// TestManifestLocalOutsideRepo checks that a file: dependency that leaves
// the repository is not read, and that no address is kept.
func TestManifestLocalOutsideRepo(t *testing.T) {
	data := []byte(`{"dependencies": {"a": "file:../../../../etc", "b": "git+https://user:CANARY-lockfile-7f3a@example.com/b.git", "c": "https://CANARY-lockfile-7f3a.example.com/c.tgz"}}`)
	res, err := parseBytes(t, NewNPM(), "package.json", data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"pkg:npm/a": {"line": "1", "confidence": "certain", graph.AttrLockfile: "package.json", graph.AttrDirect: "true",
			"local": "true", "origin": "local", "unpinned": "true"},
		"pkg:npm/b": {"line": "1", "confidence": "certain", graph.AttrLockfile: "package.json", graph.AttrDirect: "true",
			"origin": "git", "unpinned": "true"},
		"pkg:npm/c": {"line": "1", "confidence": "certain", graph.AttrLockfile: "package.json", graph.AttrDirect: "true",
			"origin": "url", "unpinned": "true"},
	}
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "CANARY") {
		t.Errorf("canary value reached the result: %s", out)
	}
	if len(res.Diags) != 1 {
		t.Errorf("got %d diagnostics, want 1 for the URL with credentials", len(res.Diags))
	}
}

func TestManifestBad(t *testing.T) {
	tests := []struct {
		name, data string
		line, col  int
	}{
		{"not an object", "[1]", 1, 1},
		{"syntax", "{\n  \"dependencies\": {,}\n}", 2, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBytes(t, NewNPM(), "package.json", []byte(tt.data))
			ie, ok := err.(*ingest.Error)
			if !ok {
				t.Fatalf("got error %v, want *ingest.Error", err)
			}
			if got, want := [2]int{ie.Pos.Line, ie.Pos.Col}, [2]int{tt.line, tt.col}; got != want {
				t.Errorf("position %v, want %v (%v)", got, want, err)
			}
		})
	}
}

// TestNPMSkipReason checks why a package.json that the npm reader leaves
// out is listed as skipped: a lockfile beside it is read instead, and a
// package.json in node_modules is an installed package's copy.
func TestNPMSkipReason(t *testing.T) {
	root := t.TempDir()
	for _, rel := range []string{"web/package.json", "web/package-lock.json", "web/node_modules/left-pad/package.json"} {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := &NPM{}
	for rel, want := range map[string]string{
		"web/package.json":                       "package.json covered by a lockfile beside it or above it, which is read instead",
		"web/node_modules/left-pad/package.json": "package.json of an installed package in node_modules",
		"web/package-lock.json":                  "",
	} {
		f := &ingest.File{Path: filepath.Join(root, filepath.FromSlash(rel)), RelPath: rel, Repo: "example-org/app"}
		if p.Detect(f) != (rel == "web/package-lock.json") {
			t.Errorf("Detect(%s) = %v", rel, p.Detect(f))
		}
		if got := p.Skip(f); got != want {
			t.Errorf("Skip(%s) = %q, want %q", rel, got, want)
		}
	}
}
