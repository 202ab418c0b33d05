package lockfile

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

func TestGoMod(t *testing.T) {
	res := mustParse(t, NewGoMod(), "testdata/go/go.mod", "cmd/deployer/go.mod")

	type summary struct{ Direct, Line, ReplacedBy, Replaces string }
	got := map[string]summary{}
	for id, a := range locks(res) {
		if a["lockfile"] != "cmd/deployer/go.mod" {
			t.Errorf("LOCKS %s lockfile = %q", id, a["lockfile"])
		}
		got[id] = summary{a["direct"], a["line"], a["replaced_by"], a["replaces"]}
	}
	want := map[string]summary{
		// The replace for v1.2.0 does not apply to v1.4.0.
		"pkg:golang/github.com/example-org/yaml-lite@v1.4.0": {Direct: "true", Line: "6"},
		"pkg:golang/golang.org/x/text@v0.14.0":               {Direct: "false", Line: "7"},
		"pkg:golang/github.com/example-org/old-http@v0.9.0": {Direct: "true", Line: "8",
			ReplacedBy: "pkg:golang/github.com/example-org/http-fork@v0.9.3"},
		"pkg:golang/github.com/example-org/http-fork@v0.9.3": {Direct: "true", Line: "13",
			Replaces: "pkg:golang/github.com/example-org/old-http@v0.9.0"},
		// Purl golang names are lower case; a folder replacement is kept as written.
		"pkg:golang/github.com/example-org/toml-lite@v1.0.0":             {Direct: "true", Line: "9", ReplacedBy: "../toml-lite"},
		"pkg:golang/github.com/example-org/legacy@v2.0.0%2Bincompatible": {Direct: "false", Line: "10"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	n, ok := nodeByID(res, "pkg:golang/github.com/example-org/toml-lite@v1.0.0")
	wantAttrs := map[string]string{"ecosystem": "golang", "name": "github.com/Example-Org/TOML-lite", "version": "v1.0.0"}
	if diff := cmp.Diff(n.Attrs, wantAttrs); !ok || diff != "" {
		t.Errorf("toml-lite attrs (-got +want):\n%s", diff)
	}
	if deps := dependsOn(res); len(deps) != 0 {
		t.Errorf("go.mod gave DEPENDS_ON edges: %v", deps)
	}
	checkEdgesJoinNodes(t, res)
}

func TestGoSum(t *testing.T) {
	res := mustParse(t, NewGoMod(), "testdata/go/go.sum", "go.sum")
	got := map[string][2]string{}
	for id, a := range locks(res) {
		got[id] = [2]string{a["direct"], a["line"]}
	}
	// v1.3.0 appears only as a go.mod checksum and did not run.
	want := map[string][2]string{
		"pkg:golang/github.com/example-org/yaml-lite@v1.4.0": {"false", "1"},
		"pkg:golang/golang.org/x/text@v0.14.0":               {"false", "4"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(diagLines(res), []int{6, 7}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

func TestGoModBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		line int
	}{
		{"require without version", "module example.com/x\n\nrequire (\n\tgithub.com/example-org/x\n)\n", 4},
		{"unterminated block", "module example.com/x\n\nrequire (\n\tgithub.com/example-org/x v1.0.0\n", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBytes(t, NewGoMod(), "go.mod", []byte(tc.data))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *ingest.Error", err)
			}
			if ie.Pos.Line != tc.line || ie.Pos.File != "repo/go.mod" {
				t.Errorf("position = %v, want line %d", ie.Pos, tc.line)
			}
		})
	}
}

func TestGoModDetect(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want bool
	}{
		{"go.mod", true},
		{"tools/go.sum", true},
		{"go.work", false},
		{"vendor/modules.txt", false},
	} {
		if got := NewGoMod().Detect(newFile(tc.rel, nil)); got != tc.want {
			t.Errorf("Detect(%s) = %v, want %v", tc.rel, got, tc.want)
		}
	}
}

func TestPurlOf(t *testing.T) {
	for _, tc := range []struct {
		ref  pkgRef
		want string
	}{
		{pkgRef{ecoNPM, "@example-org/fmt", "1.0.4"}, "pkg:npm/%40example-org/fmt@1.0.4"},
		{pkgRef{ecoNPM, "left-fold", ""}, "pkg:npm/left-fold"},
		{pkgRef{ecoGolang, "golang.org/x/text", "v0.14.0"}, "pkg:golang/golang.org/x/text@v0.14.0"},
		{pkgRef{ecoGolang, "gopkg.in/yaml.v3", "v3.0.1"}, "pkg:golang/gopkg.in/yaml.v3@v3.0.1"},
		{pkgRef{ecoPyPI, "Zope.Interface", "6.1"}, "pkg:pypi/zope-interface@6.1"},
		{pkgRef{ecoPyPI, "typing__extensions", "4.9.0"}, "pkg:pypi/typing-extensions@4.9.0"},
		{pkgRef{ecoPyPI, "pkg", "1.0+local"}, "pkg:pypi/pkg@1.0%2Blocal"},
	} {
		if got := purlOf(tc.ref); got != tc.want {
			t.Errorf("purlOf(%v) = %s, want %s", tc.ref, got, tc.want)
		}
	}
}
