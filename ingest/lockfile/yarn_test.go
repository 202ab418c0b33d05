package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fillLocks adds the attributes every LOCKS edge of a test file carries.
func fillLocks(want map[string]map[string]string, lockfile string) map[string]map[string]string {
	for _, a := range want {
		a["lockfile"] = lockfile
		if a["confidence"] == "" {
			a["confidence"] = "certain"
		}
	}
	return want
}

const (
	yLogger  = "pkg:npm/%40example-org/logger@2.1.0"
	yChalk   = "pkg:npm/chalk-lite@1.2.0"
	yFsWatch = "pkg:npm/fs-watch-native@3.0.1"
	yTW9     = "pkg:npm/text-wrapper@9.1.2"
	yTW7     = "pkg:npm/text-wrapper@7.0.3"
	yScoped  = "pkg:npm/%40example-org/text-wrapper@1.0.4"
)

func TestYarnClassic(t *testing.T) {
	res := mustParse(t, NewYarn(), "testdata/yarn/classic/yarn.lock", "yarn.lock")

	// The classic format lists no project dependencies: a package no
	// other entry requires is direct. The aliases are locked under the
	// real names; fs-watch-native is only an optional dependency.
	want := fillLocks(map[string]map[string]string{
		yLogger: {"line": "5", "direct": "true"},
		yChalk:  {"line": "12", "direct": "false", "chain": yLogger + " > " + yChalk},
		yFsWatch: {"line": "18", "direct": "false", "optional": "true", "confidence": "possible",
			"chain": yLogger + " > " + yChalk + " > " + yFsWatch},
		yTW9:                    {"line": "22", "direct": "true"},
		yTW7:                    {"line": "28", "direct": "true", "alias": "text-wrapper-legacy"},
		yScoped:                 {"line": "32", "direct": "true", "alias": "wrap-scoped"},
		"pkg:npm/git-dep@0.3.0": {"line": "41", "direct": "true", "origin": "git"},
	}, "yarn.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		yLogger + " -> " + yChalk,
		yChalk + " -> " + yFsWatch,
		yTW9 + " -> " + yChalk,
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 20: a URL with credentials; 36: a dependency no entry resolves;
	// 38: an entry without a version; 45: a line that is no entry.
	if diff := cmp.Diff(diagLines(res), []int{20, 36, 38, 45}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	for _, e := range res.Edges {
		if e.Kind == "DEPENDS_ON" && e.To == yFsWatch && e.Confidence != "possible" {
			t.Errorf("optional dependency edge is %s, want possible", e.Confidence)
		}
	}
	checkEdgesJoinNodes(t, res)
}

func TestYarnBerry(t *testing.T) {
	res := mustParse(t, NewYarn(), "testdata/yarn/berry/yarn.lock", "yarn.lock")

	// The workspaces' dependencies are the direct ones; workspaces get no
	// node. fs-watch-native has a platform condition and is optional.
	want := fillLocks(map[string]map[string]string{
		yLogger: {"line": "8", "direct": "true"},
		yChalk:  {"line": "17", "direct": "false", "chain": yLogger + " > " + yChalk},
		yFsWatch: {"line": "28", "direct": "false", "optional": "true", "confidence": "possible",
			"chain": yLogger + " > " + yChalk + " > " + yFsWatch},
		"pkg:npm/native-hasher@4.2.0": {"line": "53", "direct": "true", "install_script": "true"},
		yTW9:                          {"line": "59", "direct": "true"},
		yTW7:                          {"line": "67", "direct": "true", "alias": "text-wrapper-legacy", "built": "false"},
		yScoped:                       {"line": "73", "direct": "true", "alias": "wrap-scoped"},
		"pkg:npm/left-pad@1.3.0":      {"line": "87", "direct": "true", "origin": "url"},
	}, "yarn.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		yLogger + " -> " + yChalk,
		yChalk + " -> " + yFsWatch,
		yTW9 + " -> " + yChalk,
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 87: a URL with credentials; 93: an entry without a resolution.
	if diff := cmp.Diff(diagLines(res), []int{87, 93}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, "pkg:npm/native-hasher@4.2.0")
	if n.Attr("install_script") != "true" {
		t.Errorf("native-hasher node attrs = %v, want install_script", n.Attrs)
	}
	checkEdgesJoinNodes(t, res)
}

// A resolutions override leaves the dependent's range without an entry:
// the only entry named so is used, and it locks the package it resolves to.
func TestYarnBerryResolutionsOverride(t *testing.T) {
	lock := `__metadata:
  version: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    vite-node: "npm:3.2.4"
  languageName: unknown
  linkType: soft

"vite-node@npm:3.2.4":
  version: 3.2.4
  resolution: "vite-node@npm:3.2.4"
  dependencies:
    vite: "npm:^5.0.0 || ^6.0.0"
  languageName: node
  linkType: hard

"vite@npm:example-vite@^7.0.1":
  version: 7.0.1
  resolution: "example-vite@npm:7.0.1"
  languageName: node
  linkType: hard
`
	res, err := parseBytes(t, NewYarn(), "yarn.lock", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	wantDeps := []string{"pkg:npm/vite-node@3.2.4 -> pkg:npm/example-vite@7.0.1"}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	if got := locks(res)["pkg:npm/example-vite@7.0.1"]["alias"]; got != "vite" {
		t.Errorf("alias = %q, want vite", got)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}
}
