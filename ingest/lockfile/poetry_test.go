package lockfile

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

func TestPoetry(t *testing.T) {
	res := mustParse(t, NewPoetry(), "testdata/poetry/poetry.lock", "poetry.lock")

	want := []string{
		"pkg:pypi/certifi@2024.2.2",
		"pkg:pypi/colorama@0.4.6",
		"pkg:pypi/example-private-lib@0.1.0",
		"pkg:pypi/pytest@8.0.2",
		"pkg:pypi/requests@2.31.0",
		"pkg:pypi/urllib3@2.2.1",
	}
	if diff := cmp.Diff(versionIDs(res), want); diff != "" {
		t.Errorf("version nodes (-got +want):\n%s", diff)
	}

	// requests, pytest and the private library are required by no locked
	// package, so they are the direct ones.
	wantLocks := map[string]map[string]string{
		"pkg:pypi/certifi@2024.2.2": {"line": "3", "direct": "false",
			"chain": "pkg:pypi/requests@2.31.0 > pkg:pypi/certifi@2024.2.2"},
		"pkg:pypi/requests@2.31.0": {"line": "12", "direct": "true"},
		"pkg:pypi/urllib3@2.2.1": {"line": "25", "direct": "false",
			"chain": "pkg:pypi/requests@2.31.0 > pkg:pypi/urllib3@2.2.1"},
		"pkg:pypi/pytest@8.0.2": {"line": "34", "direct": "true", "dev": "true"},
		"pkg:pypi/colorama@0.4.6": {"line": "46", "direct": "false", "dev": "true",
			"confidence": "possible", "markers": `sys_platform == "win32"`,
			"chain": "pkg:pypi/pytest@8.0.2 > pkg:pypi/colorama@0.4.6"},
		"pkg:pypi/example-private-lib@0.1.0": {"line": "56", "direct": "true", "optional": "true"},
	}
	for _, a := range wantLocks {
		a["lockfile"] = "poetry.lock"
		if a["confidence"] == "" {
			a["confidence"] = "certain"
		}
	}
	if diff := cmp.Diff(locks(res), wantLocks); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	wantDeps := []string{
		"pkg:pypi/pytest@8.0.2 -> pkg:pypi/colorama@0.4.6",
		"pkg:pypi/requests@2.31.0 -> pkg:pypi/certifi@2024.2.2",
		"pkg:pypi/requests@2.31.0 -> pkg:pypi/urllib3@2.2.1",
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// The private source URL carries a credential.
	if diff := cmp.Diff(diagLines(res), []int{56}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, "pkg:pypi/example-private-lib@0.1.0")
	if got := n.Attr("name"); got != "Example_Private.Lib" {
		t.Errorf("name = %q, want the name as written", got)
	}
	checkEdgesJoinNodes(t, res)
}

// Poetry 1.x marks development packages with category; a dependency on a
// name locked at two versions links to both as possible.
func TestPoetryV1Category(t *testing.T) {
	lock := `[[package]]
name = "black"
version = "24.1.0"
category = "dev"

[package.dependencies]
click = ">=8.0.0"

[[package]]
name = "click"
version = "8.1.7"
category = "dev"
markers = "python_version >= \"3.8\""

[[package]]
name = "click"
version = "7.1.2"
category = "dev"
markers = "python_version < \"3.8\""

[[package]]
name = "broken"
`
	res, err := parseBytes(t, NewPoetry(), "poetry.lock", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	l := locks(res)
	if l["pkg:pypi/black@24.1.0"]["dev"] != "true" || l["pkg:pypi/black@24.1.0"]["direct"] != "true" {
		t.Errorf("black LOCKS = %v, want direct dev", l["pkg:pypi/black@24.1.0"])
	}
	var confs []string
	for _, e := range res.Edges {
		if e.Kind == "DEPENDS_ON" {
			confs = append(confs, e.To+" "+string(e.Confidence))
		}
	}
	wantConfs := []string{"pkg:pypi/click@8.1.7 possible", "pkg:pypi/click@7.1.2 possible"}
	if diff := cmp.Diff(confs, wantConfs); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(diagLines(res), []int{21}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
}

func TestPoetryBadInput(t *testing.T) {
	// The string on line 3 is never closed.
	lock := "[[package]]\nname = \"ok\"\nversion = \"1.0\n"
	_, err := parseBytes(t, NewPoetry(), "poetry.lock", []byte(lock))
	var ie *ingest.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want *ingest.Error", err)
	}
	if ie.Pos.Line != 3 || ie.Pos.Col == 0 {
		t.Errorf("position = %v, want line 3 with a column", ie.Pos)
	}
}
