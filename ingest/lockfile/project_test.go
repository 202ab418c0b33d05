package lockfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// repoFile writes files (relative path -> content) into a new repository
// folder and returns the ingest.File of rel in it, so that parsers that
// look beside the file on disk see the others.
func repoFile(t *testing.T, files map[string]string, rel string) *ingest.File {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, filepath.FromSlash(rel))
	data := []byte(files[rel])
	return &ingest.File{
		Path: path, RelPath: rel, Repo: testRepo, Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return os.Open(path) },
	}
}

// repoAttr returns an attribute of the repository node of res, and whether
// res has that node.
func repoAttr(res *ingest.Result, key string) (string, bool) {
	n, ok := nodeByID(res, graph.RepoID("", testRepo))
	return n.Attr(key), ok
}

const testLock = `{"name":"old-name","lockfileVersion":3,"packages":{"":{"name":"old-name","version":"1.0.0"}}}`

func TestNPMManifestProject(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		locked   bool // a package-lock.json sits beside it
		want     string
		warnings []int // lines
	}{
		{"scoped name", `{"name": "@acme/widget", "version": "1.0.0"}`, false, "@acme/widget", nil},
		{"scoped name beside a lockfile", `{"name": "@acme/widget", "version": "1.0.0"}`, true, "@acme/widget", nil},
		{"private", `{"name": "@acme/widget", "private": true}`, true, "", nil},
		// JavaScript takes any non-empty string as true.
		{"private as a string", `{"name": "widget", "private": "false"}`, false, "", nil},
		{"private false", `{"name": "widget", "private": false}`, false, "widget", nil},
		{"private zero", `{"name": "widget", "private": 0}`, true, "widget", nil},
		{"no name", `{"version": "1.0.0"}`, true, "", nil},
		{"upper case", "{\n  \"name\": \"Widget\"\n}", true, "", []int{2}},
		{"name with a space", "{\n\n  \"name\": \"my widget\"\n}", false, "", []int{3}},
		{"name is a number", "{\"name\":\n 42}", true, "", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"package.json": tt.manifest}
			if tt.locked {
				files["package-lock.json"] = testLock
			}
			f := repoFile(t, files, "package.json")
			if !NewNPM().Detect(f) {
				t.Fatal("package.json at the top is not claimed")
			}
			res := &ingest.Result{}
			if err := NewNPM().Parse(context.Background(), f, testEnv(), res); err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrNPMProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("npm_project = %q, want %q", got, tt.want)
			}
			if manifest, _ := repoAttr(res, graph.AttrNPMManifest); manifest != "true" {
				t.Errorf("npm_manifest = %q, want true", manifest)
			}
			if diff := cmp.Diff(diagLines(res), tt.warnings); diff != "" {
				t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
			}
			for _, d := range res.Diags {
				if d.Pos.File != f.Path {
					t.Errorf("warning names %s, want %s", d.Pos.File, f.Path)
				}
			}
		})
	}
}

func TestNPMManifestBesideLockfile(t *testing.T) {
	f := repoFile(t, map[string]string{
		"package.json":      `{"name": "@acme/widget", "dependencies": {"left-pad": "^1.3.0"}}`,
		"package-lock.json": testLock,
	}, "package.json")
	res := &ingest.Result{}
	if err := NewNPM().Parse(context.Background(), f, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	if len(res.Edges) != 0 {
		t.Errorf("%d edges, want none: the lockfile pins the dependencies", len(res.Edges))
	}
	if len(res.Nodes) != 1 || res.Nodes[0].Kind != graph.NodeRepository {
		t.Errorf("nodes %v, want only the repository", res.Nodes)
	}
}

func TestNPMManifestAloneKeepsDependencies(t *testing.T) {
	f := repoFile(t, map[string]string{
		"package.json": `{"name": "@acme/widget", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}`,
	}, "package.json")
	res := &ingest.Result{}
	if err := NewNPM().Parse(context.Background(), f, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	if _, ok := locks(res)["pkg:npm/left-pad"]; !ok {
		t.Errorf("no LOCKS to pkg:npm/left-pad: %v", locks(res))
	}
	if got, _ := repoAttr(res, graph.AttrNPMProject); got != "@acme/widget" {
		t.Errorf("npm_project = %q, want @acme/widget", got)
	}
}

func TestNPMManifestInSubfolder(t *testing.T) {
	const manifest = `{"name": "@acme/cli", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}`
	// Without a lockfile it is read for its dependencies, but it names no
	// project of the repository.
	f := repoFile(t, map[string]string{"packages/cli/package.json": manifest}, "packages/cli/package.json")
	if !NewNPM().Detect(f) {
		t.Fatal("package.json without a lockfile is not claimed")
	}
	res := &ingest.Result{}
	if err := NewNPM().Parse(context.Background(), f, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	if _, ok := locks(res)["pkg:npm/left-pad"]; !ok {
		t.Errorf("no LOCKS to pkg:npm/left-pad: %v", locks(res))
	}
	for _, attr := range []string{graph.AttrNPMProject, graph.AttrNPMManifest} {
		if got, _ := repoAttr(res, attr); got != "" {
			t.Errorf("%s = %q, want none", attr, got)
		}
	}

	// A lockfile at the top covers it, so it is not claimed.
	f = repoFile(t, map[string]string{"packages/cli/package.json": manifest, "package-lock.json": testLock}, "packages/cli/package.json")
	if NewNPM().Detect(f) {
		t.Error("package.json in a subfolder covered by a lockfile is claimed")
	}
}

func TestNPMManifestInvalidJSON(t *testing.T) {
	for _, locked := range []bool{false, true} {
		files := map[string]string{"package.json": "{\n  \"name\": \"widget\",\n  \"version\": 1.0.0\n}"}
		if locked {
			files["package-lock.json"] = testLock
		}
		f := repoFile(t, files, "package.json")
		err := NewNPM().Parse(context.Background(), f, testEnv(), &ingest.Result{})
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Fatalf("locked=%v: error %v, want an ingest.Error", locked, err)
		}
		if ie.Pos.File != f.Path || ie.Pos.Line != 3 {
			t.Errorf("locked=%v: error at %s:%d, want %s:3", locked, ie.Pos.File, ie.Pos.Line, f.Path)
		}
	}
}

func TestPyProjectName(t *testing.T) {
	tests := []struct {
		name, data string
		want       string
		warnings   []int
	}{
		// PEP 503: lower case, and each run of '-', '_' and '.' is one '-'.
		{"PEP 621", "[project]\nname = \"Acme_Widget\"\nversion = \"1.0\"\n", "acme-widget", nil},
		{"Poetry", "[tool.poetry]\nname = \"Acme.__Widget\"\n", "acme-widget", nil},
		{"PEP 621 before Poetry", "[tool.poetry]\nname = \"poetry-name\"\n\n[project]\nname = \"pep621-name\"\n", "pep621-name", nil},
		{"dotted key", "project.name = \"dotted\"\n", "dotted", nil},
		{"inline table", "tool = { poetry = { name = \"Inline\" } }\n", "inline", nil},
		{"no package", "[tool.black]\nline-length = 100\n", "", nil},
		{"no name", "[project]\nversion = \"1.0\"\n", "", nil},
		{"private classifier", "[project]\nname = \"internal\"\nclassifiers = [\"Private :: Do Not Upload\"]\n", "", nil},
		{"other classifier", "[project]\nname = \"public\"\nclassifiers = [\"License :: OSI Approved\"]\n", "public", nil},
		{"space in the name", "[project]\nversion = \"1\"\nname = \"acme widget\"\n", "", []int{3}},
		{"trailing separator", "[tool.poetry]\n\nname = \"widget-\"\n", "", []int{3}},
		{"empty name", "[project]\nname = \"\"\n", "", []int{2}},
		{"name is a number", "[project]\nname = 3\n", "", []int{2}},
		{"invalid inline name", "\nproject = { version = \"1\", name = \"a/b\" }\n", "", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewPyProject(), "pyproject.toml", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrPyPIProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("pypi_project = %q, want %q", got, tt.want)
			}
			// A file without a [project] or [tool.poetry] table leaves the
			// name to setuptools (setup.py, setup.cfg).
			wantManifest := "true"
			if tt.name == "no package" {
				wantManifest = ""
			}
			if manifest, _ := repoAttr(res, graph.AttrPyPIManifest); manifest != wantManifest {
				t.Errorf("pypi_manifest = %q, want %q", manifest, wantManifest)
			}
			if diff := cmp.Diff(diagLines(res), tt.warnings); diff != "" {
				t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
			}
		})
	}
}

func TestPyProjectDetect(t *testing.T) {
	tests := []struct {
		rel, repo string
		want      bool
	}{
		{"pyproject.toml", testRepo, true},
		{"services/api/pyproject.toml", testRepo, false},
		{"pyproject.toml", "", false},
		{"poetry.lock", testRepo, false},
	}
	for _, tt := range tests {
		f := newFile(tt.rel, nil)
		f.Repo = tt.repo
		if got := NewPyProject().Detect(f); got != tt.want {
			t.Errorf("Detect(%q in %q) = %v, want %v", tt.rel, tt.repo, got, tt.want)
		}
	}
}

func TestPyProjectInvalidTOML(t *testing.T) {
	_, err := parseBytes(t, NewPyProject(), "pyproject.toml", []byte("[project]\nname = \"widget\"\nversion = \n"))
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an ingest.Error", err)
	}
	if ie.Pos.File != "repo/pyproject.toml" || ie.Pos.Line != 3 {
		t.Errorf("error at %s:%d, want repo/pyproject.toml:3", ie.Pos.File, ie.Pos.Line)
	}
	if !strings.Contains(ie.Msg, "invalid TOML") {
		t.Errorf("message %q, want it to say the TOML is invalid", ie.Msg)
	}
}
