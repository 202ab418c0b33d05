package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const caseAliasDir = "../../../shared/cases/13-osv-npm-alias"

// An npm alias installs text-wrapper 7.0.3 in the folder
// text-wrapper-legacy. Both lockfile layouts must name the real package and
// keep the folder as an install path.
func TestNPMAliasCase(t *testing.T) {
	if _, err := os.Stat(caseAliasDir); err != nil {
		t.Skip("shared cases not present")
	}
	for _, tc := range []struct {
		file          string
		installScript string
	}{
		{"package-lock.json", "true"},
		{"package-lock.v1.json", ""}, // version 1 does not record install scripts
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := mustParse(t, NewNPM(), filepath.Join(caseAliasDir, tc.file), "package-lock.json")
			want := []string{"pkg:npm/text-wrapper@7.0.3", "pkg:npm/text-wrapper@9.1.2"}
			if diff := cmp.Diff(versionIDs(res), want); diff != "" {
				t.Errorf("version nodes (-got +want):\n%s", diff)
			}
			for _, n := range res.Nodes {
				if strings.Contains(n.ID, "text-wrapper-legacy") || n.Attr(graph.AttrName) == "text-wrapper-legacy" {
					t.Errorf("node %s names the alias folder as a package", n.ID)
				}
			}
			legacy, _ := nodeByID(res, "pkg:npm/text-wrapper@7.0.3")
			if got := legacy.Attr(attrPaths); got != "node_modules/text-wrapper-legacy" {
				t.Errorf("paths of 7.0.3 = %q, want node_modules/text-wrapper-legacy", got)
			}
			if got := legacy.Attr(graph.AttrInstallHook); got != tc.installScript {
				t.Errorf("install_script of 7.0.3 = %q, want %q", got, tc.installScript)
			}
			current, _ := nodeByID(res, "pkg:npm/text-wrapper@9.1.2")
			if got := current.Attr(attrPaths); got != "node_modules/text-wrapper" {
				t.Errorf("paths of 9.1.2 = %q, want node_modules/text-wrapper", got)
			}
			l := locks(res)
			for _, id := range want {
				if l[id][graph.AttrDirect] != "true" {
					t.Errorf("LOCKS %s direct = %q, want true", id, l[id][graph.AttrDirect])
				}
				if l[id][graph.AttrLockfile] != "package-lock.json" {
					t.Errorf("LOCKS %s lockfile = %q", id, l[id][graph.AttrLockfile])
				}
			}
			if got := l["pkg:npm/text-wrapper@7.0.3"][attrAlias]; got != "text-wrapper-legacy" {
				t.Errorf("alias = %q, want text-wrapper-legacy", got)
			}
			checkEdgesJoinNodes(t, res)
		})
	}
}

func TestNPMLockfileV3Tree(t *testing.T) {
	res := mustParse(t, NewNPM(), "testdata/npm/v3-tree/package-lock.json", "package-lock.json")

	want := []string{
		"pkg:npm/%40example-org/fmt@1.0.4",
		"pkg:npm/%40example-org/logger@2.1.0",
		"pkg:npm/array-utils@2.0.0",
		"pkg:npm/left-fold@1.0.0",
		"pkg:npm/num-helpers@1.5.0",
		"pkg:npm/num-helpers@2.0.1",
		"pkg:npm/test-runner@4.2.0",
	}
	if diff := cmp.Diff(versionIDs(res), want); diff != "" {
		t.Errorf("version nodes (-got +want):\n%s", diff)
	}

	base := map[string]string{graph.AttrLockfile: "package-lock.json", "confidence": "certain"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	wantLocks := map[string]map[string]string{
		"pkg:npm/left-fold@1.0.0": with("line", "19", "direct", "true", "paths", "node_modules/left-fold"),
		"pkg:npm/array-utils@2.0.0": with("line", "27", "direct", "false", "install_script", "true",
			"paths", "node_modules/array-utils",
			"chain", "pkg:npm/left-fold@1.0.0 > pkg:npm/array-utils@2.0.0"),
		"pkg:npm/num-helpers@1.5.0": with("line", "35", "direct", "false", "paths", "node_modules/num-helpers",
			"chain", "pkg:npm/left-fold@1.0.0 > pkg:npm/array-utils@2.0.0 > pkg:npm/num-helpers@1.5.0"),
		"pkg:npm/%40example-org/logger@2.1.0": with("line", "38", "direct", "true", "paths", "node_modules/@example-org/logger"),
		"pkg:npm/num-helpers@2.0.1": with("line", "44", "direct", "false",
			"paths", "node_modules/@example-org/logger/node_modules/num-helpers",
			"chain", "pkg:npm/%40example-org/logger@2.1.0 > pkg:npm/num-helpers@2.0.1"),
		"pkg:npm/%40example-org/fmt@1.0.4": with("line", "47", "direct", "true", "paths", "node_modules/fmt-legacy", "alias", "fmt-legacy"),
		"pkg:npm/test-runner@4.2.0":        with("line", "51", "direct", "true", "dev", "true", "paths", "node_modules/test-runner"),
	}
	if diff := cmp.Diff(locks(res), wantLocks); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	wantDeps := []string{
		"pkg:npm/%40example-org/logger@2.1.0 -> pkg:npm/num-helpers@2.0.1",
		"pkg:npm/array-utils@2.0.0 -> pkg:npm/num-helpers@1.5.0",
		"pkg:npm/left-fold@1.0.0 -> pkg:npm/array-utils@2.0.0",
		"pkg:npm/test-runner@4.2.0 -> pkg:npm/array-utils@2.0.0",
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}

	au, _ := nodeByID(res, "pkg:npm/array-utils@2.0.0")
	wantAttrs := map[string]string{
		"ecosystem": "npm", "name": "array-utils", "version": "2.0.0",
		"install_script": "true", "paths": "node_modules/array-utils",
	}
	if diff := cmp.Diff(au.Attrs, wantAttrs); diff != "" {
		t.Errorf("array-utils attrs (-got +want):\n%s", diff)
	}
	fmtPkg, _ := nodeByID(res, "pkg:npm/%40example-org/fmt@1.0.4")
	if got := fmtPkg.Attr(graph.AttrName); got != "@example-org/fmt" {
		t.Errorf("name of aliased scoped package = %q, want @example-org/fmt", got)
	}

	var versionOf []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeVersionOf && e.From == "pkg:npm/%40example-org/logger@2.1.0" {
			versionOf = append(versionOf, e.To)
		}
	}
	if diff := cmp.Diff(versionOf, []string{"pkg:npm/%40example-org/logger"}); diff != "" {
		t.Errorf("VERSION_OF (-got +want):\n%s", diff)
	}
	// The resolved URL of array-utils carries a credential.
	if diff := cmp.Diff(diagLines(res), []int{29}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	if res.Records != 7 {
		t.Errorf("records = %d, want 7", res.Records)
	}
	checkEdgesJoinNodes(t, res)
}

func TestNPMWorkspace(t *testing.T) {
	res := mustParse(t, NewNPM(), "testdata/npm/v3-workspace/package-lock.json", "package-lock.json")
	l := locks(res)
	api := l["pkg:npm/%40example-org/api@0.3.0"]
	want := map[string]string{
		"lockfile": "package-lock.json", "confidence": "certain", "line": "22",
		"direct": "true", "local": "true", "paths": "node_modules/@example-org/api",
	}
	if diff := cmp.Diff(api, want); diff != "" {
		t.Errorf("workspace package LOCKS (-got +want):\n%s", diff)
	}
	if got := l["pkg:npm/left-fold@1.0.0"]["direct"]; got != "true" {
		t.Errorf("dependency of a workspace: direct = %q, want true", got)
	}
	if got := l["pkg:npm/num-helpers@1.5.0"]; got["direct"] != "true" || got["dev"] != "true" {
		t.Errorf("dev dependency of a workspace: %v, want direct and dev", got)
	}
	wantDeps := []string{
		"pkg:npm/%40example-org/api@0.3.0 -> pkg:npm/left-fold@1.0.0",
		"pkg:npm/%40example-org/api@0.3.0 -> pkg:npm/num-helpers@1.5.0",
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

// Version 2 carries both layouts; the packages object wins, and a
// malformed entry is reported and skipped.
func TestNPMLockfileV2(t *testing.T) {
	res := mustParse(t, NewNPM(), "testdata/npm/v2/package-lock.json", "web/package-lock.json")
	want := []string{"pkg:npm/array-utils@2.0.0", "pkg:npm/left-fold@1.0.0"}
	if diff := cmp.Diff(versionIDs(res), want); diff != "" {
		t.Errorf("version nodes (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(diagLines(res), []int{21}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	if got := locks(res)["pkg:npm/array-utils@2.0.0"]["lockfile"]; got != "web/package-lock.json" {
		t.Errorf("lockfile = %q, want web/package-lock.json", got)
	}
}

func TestNPMLockfileV1(t *testing.T) {
	res := mustParse(t, NewNPM(), "testdata/npm/v1/package-lock.json", "package-lock.json")

	want := []string{
		"pkg:npm/%40example-org/text-wrapper@7.0.3",
		"pkg:npm/array-utils@2.0.0",
		"pkg:npm/left-fold@1.0.0",
		"pkg:npm/logger@2.1.0",
		"pkg:npm/num-helpers@1.5.0",
		"pkg:npm/num-helpers@2.0.1",
		"pkg:npm/test-runner@4.2.0",
	}
	if diff := cmp.Diff(versionIDs(res), want); diff != "" {
		t.Errorf("version nodes (-got +want):\n%s", diff)
	}
	l := locks(res)
	type summary struct{ Direct, Chain, Paths, Dev, Origin, Unpinned, Line string }
	got := map[string]summary{}
	for id, a := range l {
		got[id] = summary{a["direct"], a["chain"], a["paths"], a["dev"], a["origin"], a["unpinned"], a["line"]}
	}
	wantLocks := map[string]summary{
		"pkg:npm/left-fold@1.0.0":                   {Direct: "true", Paths: "node_modules/left-fold", Line: "7"},
		"pkg:npm/array-utils@2.0.0":                 {Direct: "false", Chain: "pkg:npm/left-fold@1.0.0 > pkg:npm/array-utils@2.0.0", Paths: "node_modules/array-utils", Line: "13"},
		"pkg:npm/num-helpers@1.5.0":                 {Direct: "false", Chain: "pkg:npm/left-fold@1.0.0 > pkg:npm/array-utils@2.0.0 > pkg:npm/num-helpers@1.5.0", Paths: "node_modules/num-helpers", Line: "19"},
		"pkg:npm/logger@2.1.0":                      {Direct: "true", Paths: "node_modules/logger", Line: "22"},
		"pkg:npm/num-helpers@2.0.1":                 {Direct: "false", Chain: "pkg:npm/logger@2.1.0 > pkg:npm/num-helpers@2.0.1", Paths: "node_modules/logger/node_modules/num-helpers", Line: "28"},
		"pkg:npm/%40example-org/text-wrapper@7.0.3": {Direct: "true", Paths: "node_modules/wrap-legacy", Line: "33"},
		"pkg:npm/test-runner@4.2.0":                 {Direct: "true", Paths: "node_modules/test-runner", Dev: "true", Line: "36"},
		// A Git source locks the name only; its address is not kept.
		"pkg:npm/git-dep": {Direct: "true", Paths: "node_modules/git-dep", Origin: "git", Unpinned: "true", Line: "40"},
	}
	if diff := cmp.Diff(got, wantLocks); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		"pkg:npm/array-utils@2.0.0 -> pkg:npm/num-helpers@1.5.0",
		"pkg:npm/left-fold@1.0.0 -> pkg:npm/array-utils@2.0.0",
		"pkg:npm/logger@2.1.0 -> pkg:npm/num-helpers@2.0.1",
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// The Git URL of git-dep carries a credential.
	if diff := cmp.Diff(diagLines(res), []int{41}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

// A scoped alias splits on the last '@', in both layouts.
func TestNPMScopedAlias(t *testing.T) {
	for _, tc := range []struct{ name, lock string }{
		{"v1", `{"lockfileVersion": 1, "dependencies": {"x": {"version": "npm:@example-org/text-wrapper@7.0.3"}}}`},
		{"v3", `{"lockfileVersion": 3, "packages": {"": {"dependencies": {"x": "npm:@example-org/text-wrapper@^7"}},
			"node_modules/x": {"name": "@example-org/text-wrapper", "version": "7.0.3"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseBytes(t, NewNPM(), "package-lock.json", []byte(tc.lock))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(versionIDs(res), []string{"pkg:npm/%40example-org/text-wrapper@7.0.3"}); diff != "" {
				t.Errorf("version nodes (-got +want):\n%s", diff)
			}
			n, _ := nodeByID(res, "pkg:npm/%40example-org/text-wrapper@7.0.3")
			if got := n.Attr(attrPaths); got != "node_modules/x" {
				t.Errorf("paths = %q, want node_modules/x", got)
			}
			if got := locks(res)["pkg:npm/%40example-org/text-wrapper@7.0.3"]["direct"]; got != "true" {
				t.Errorf("direct = %q, want true", got)
			}
		})
	}
}

func TestNPMBadInput(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      string
		line, col int
	}{
		// The '}' after the trailing comma sits at line 3, column 43.
		{"trailing comma", "{\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\",}\n  }\n}\n", 3, 43},
		// Input ends inside the packages object: the position is the end.
		{"truncated", "{\n  \"packages\": {\n", 3, 1},
		{"not an object", "[1, 2]\n", 1, 1},
		// The value 3 starts at line 2, column 15.
		{"packages not an object", "{\n  \"packages\": 3\n}\n", 2, 15},
		{"trailing data", "{}\n{}\n", 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBytes(t, NewNPM(), "package-lock.json", []byte(tc.data))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *ingest.Error", err)
			}
			got := [3]any{ie.Pos.File, ie.Pos.Line, ie.Pos.Col}
			want := [3]any{"repo/package-lock.json", tc.line, tc.col}
			if got != want {
				t.Errorf("position = %v, want %v (%s)", got, want, ie)
			}
		})
	}
}

// A version 3 dependency missing from the lockfile is reported at its line.
func TestNPMMissingDependency(t *testing.T) {
	lock := "{\n\"lockfileVersion\": 3,\n\"packages\": {\n\"node_modules/a\": {\"version\": \"1.0.0\",\n\"dependencies\": {\n\"gone\": \"^1\"}}}}\n"
	res, err := parseBytes(t, NewNPM(), "package-lock.json", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(diagLines(res), []int{6}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
}

func TestNPMDetect(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want bool
	}{
		{"package-lock.json", true},
		{"web/npm-shrinkwrap.json", true},
		{"package.json", true}, // no lockfile beside it
		{"node_modules/left-pad/package.json", false},
		{"node_modules/.package-lock.json", false},
		{"web/app.package-lock.json", false},
	} {
		if got := NewNPM().Detect(newFile(tc.rel, []byte("{}"))); got != tc.want {
			t.Errorf("Detect(%s) = %v, want %v", tc.rel, got, tc.want)
		}
	}
}

// A chain longer than maxChain keeps its direct package and its last
// packages.
func TestNPMLongChain(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"lockfileVersion": 3, "packages": {"": {"dependencies": {"p0": "1"}}`)
	for i := range 20 {
		fmt.Fprintf(&b, `, "node_modules/p%d": {"version": "1.0.0", "dependencies": {"p%d": "1"}}`, i, i+1)
	}
	b.WriteString(`, "node_modules/p20": {"version": "1.0.0"}}}`)
	res, err := parseBytes(t, NewNPM(), "package-lock.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	parts := []string{"pkg:npm/p0@1.0.0", "…"}
	for i := 7; i <= 20; i++ {
		parts = append(parts, fmt.Sprintf("pkg:npm/p%d@1.0.0", i))
	}
	if diff := cmp.Diff(locks(res)["pkg:npm/p20@1.0.0"]["chain"], strings.Join(parts, " > ")); diff != "" {
		t.Errorf("chain (-got +want):\n%s", diff)
	}
	want := "pkg:npm/p0@1.0.0 > pkg:npm/p1@1.0.0 > pkg:npm/p2@1.0.0"
	if got := locks(res)["pkg:npm/p2@1.0.0"]["chain"]; got != want {
		t.Errorf("short chain = %q, want %q", got, want)
	}
}

// The pipeline copies a result whose slices leave capacity unused, so the
// parser allocates them at their length.
func TestNPMResultExactSize(t *testing.T) {
	for _, dir := range []string{"v1", "v2", "v3-tree", "v3-workspace"} {
		res := mustParse(t, NewNPM(), "testdata/npm/"+dir+"/package-lock.json", "package-lock.json")
		if len(res.Nodes) == 0 || cap(res.Nodes) != len(res.Nodes) || cap(res.Edges) != len(res.Edges) {
			t.Errorf("%s: %d nodes in room for %d, %d edges in room for %d",
				dir, len(res.Nodes), cap(res.Nodes), len(res.Edges), cap(res.Edges))
		}
	}
}

// Every DEPENDS_ON edge of a lockfile names the lockfile. The edges of one
// file may share their attributes, those of two files do not.
func TestNPMDependsOnAttributes(t *testing.T) {
	first := mustParse(t, NewNPM(), "testdata/npm/v3-tree/package-lock.json", "a/package-lock.json")
	second := mustParse(t, NewNPM(), "testdata/npm/v3-tree/package-lock.json", "b/package-lock.json")
	var deps []graph.Edge
	for _, e := range first.Edges {
		if e.Kind == graph.EdgeDependsOn {
			deps = append(deps, e)
			if diff := cmp.Diff(e.Attrs, map[string]string{"lockfile": "a/package-lock.json"}); diff != "" {
				t.Errorf("%s -> %s attrs (-got +want):\n%s", e.From, e.To, diff)
			}
		}
	}
	if len(deps) < 2 {
		t.Fatalf("%d DEPENDS_ON edges, want several", len(deps))
	}
	for _, e := range deps {
		e.Attrs["lockfile"] = "changed"
	}
	for _, e := range second.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Attr("lockfile") != "b/package-lock.json" {
			t.Errorf("%s -> %s lockfile = %q in the second file", e.From, e.To, e.Attr("lockfile"))
		}
	}
}

func TestNPMProjectName(t *testing.T) {
	lock := func(name string) []byte {
		return []byte(`{"name":"x","lockfileVersion":3,"packages":{"":{"name":` + name + `,"version":"1.0.0"}}}`)
	}
	tests := []struct {
		name, rel  string
		data       []byte
		want, file string
	}{
		{"scoped name at the top", "package-lock.json", lock(`"@acme/widget"`), "@acme/widget", "package-lock.json"},
		{"shrinkwrap", "npm-shrinkwrap.json", lock(`"widget"`), "widget", "npm-shrinkwrap.json"},
		{"lockfile in a subfolder", "packages/cli/package-lock.json", lock(`"@acme/cli"`), "", ""},
		{"upper case is no npm name", "package-lock.json", lock(`"Widget"`), "", ""},
		{"name with a space", "package-lock.json", lock(`"a b"`), "", ""},
		{"no name", "package-lock.json", []byte(`{"lockfileVersion":3,"packages":{"":{"version":"1.0.0"}}}`), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewNPM(), tt.rel, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			repo, ok := nodeByID(res, graph.RepoID("", testRepo))
			if !ok {
				t.Fatal("no repository node")
			}
			if got := repo.Attr(graph.AttrNPMLockProject); got != tt.want {
				t.Errorf("npm_lock_project = %q, want %q", got, tt.want)
			}
			if got := repo.Attr(graph.AttrNPMLockProjectFile); got != tt.file {
				t.Errorf("npm_lock_project_file = %q, want %q", got, tt.file)
			}
			// Only package.json gives npm_project.
			if got := repo.Attr(graph.AttrNPMProject); got != "" {
				t.Errorf("npm_project = %q, want none", got)
			}
		})
	}
}
