package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestCargoManifestName(t *testing.T) {
	tests := []struct {
		name, data string
		want       string
		warnings   []int
	}{
		{"package", "[package]\nname = \"acme-widget\"\nversion = \"0.1.0\"\n", "acme-widget", nil},
		{"dotted key", "package.name = \"dotted_name\"\n", "dotted_name", nil},
		{"workspace root", "[workspace]\nmembers = [\"core\"]\n", "", nil},
		{"workspace root with a package", "[workspace]\nmembers = [\"core\"]\n\n[package]\nname = \"root-crate\"\n", "root-crate", nil},
		{"publish false", "[package]\nname = \"internal\"\npublish = false\n", "", nil},
		{"publish true", "[package]\nname = \"open\"\npublish = true\n", "open", nil},
		{"publish to crates-io", "[package]\nname = \"listed\"\npublish = [\"crates-io\", \"my-reg\"]\n", "listed", nil},
		{"publish elsewhere", "[package]\nname = \"elsewhere\"\npublish = [\"my-reg\"]\n", "", nil},
		{"publish from the workspace", "[workspace.package]\npublish = false\n\n[package]\nname = \"inherits\"\npublish.workspace = true\n", "", nil},
		{"starts with a digit", "[package]\nversion = \"1\"\nname = \"1widget\"\n", "", []int{3}},
		{"name is a number", "[package]\nname = 3\n", "", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewCargoManifest(), "Cargo.toml", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrCargoProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("cargo_project = %q, want %q", got, tt.want)
			}
			if diff := cmp.Diff(diagLines(res), tt.warnings); diff != "" {
				t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
			}
		})
	}
}

func TestCargoManifestDetect(t *testing.T) {
	tests := []struct {
		rel, repo string
		want      bool
	}{
		{"Cargo.toml", testRepo, true},
		{"crates/core/Cargo.toml", testRepo, false},
		{"Cargo.toml", "", false},
		{"Cargo.lock", testRepo, false},
	}
	for _, tt := range tests {
		f := newFile(tt.rel, nil)
		f.Repo = tt.repo
		if got := NewCargoManifest().Detect(f); got != tt.want {
			t.Errorf("Detect(%q in %q) = %v, want %v", tt.rel, tt.repo, got, tt.want)
		}
	}
}
