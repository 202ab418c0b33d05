package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestComposer(t *testing.T) {
	res := mustParse(t, NewComposer(), "testdata/composer/composer.lock", "composer.lock")

	const (
		client  = "pkg:composer/example-org/http-client@v2.3.0"
		logc    = "pkg:composer/example-org/log-contract@1.4.0"
		plugin  = "pkg:composer/example-org/installer-plugin@0.9.1"
		adapter = "pkg:composer/example-org/psr-http-adapter@1.1.0"
		kit     = "pkg:composer/example-org/test-kit@10.5.1"
		tool    = "pkg:composer/example-org/local-tool@dev-main"
	)
	// The adapter provides the virtual package http-client requires. The
	// plugin runs while Composer installs.
	want := fillLocks(map[string]map[string]string{
		client:  {"line": "7", "direct": "true"},
		logc:    {"line": "29", "direct": "false", "chain": client + " > " + logc},
		plugin:  {"line": "38", "direct": "true", "install_script": "true"},
		adapter: {"line": "47", "direct": "false", "chain": client + " > " + adapter},
		kit:     {"line": "60", "direct": "true", "dev": "true"},
		tool:    {"line": "70", "direct": "true", "dev": "true", "local": "true"},
	}, "composer.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		client + " -> " + logc,
		client + " -> " + adapter,
		kit + " -> " + logc,
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 34: a URL with credentials; 43: a requirement nothing locks;
	// 55: a package without a name.
	if diff := cmp.Diff(diagLines(res), []int{34, 43, 55}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, logc)
	if got := n.Attr("name"); got != "Example-Org/Log-Contract" {
		t.Errorf("name = %q, want the name as written", got)
	}
	checkEdgesJoinNodes(t, res)
}

func TestPipenv(t *testing.T) {
	res := mustParse(t, NewPipenv(), "testdata/pipenv/Pipfile.lock", "Pipfile.lock")

	// Pipfile.lock does not mark direct dependencies. develop is installed
	// only on request, but colorama is in both sections, so it is certain.
	want := fillLocks(map[string]map[string]string{
		"pkg:pypi/requests@2.31.0": {"line": "19", "direct": "false", "confidence": "possible",
			"markers": "python_version >= '3.8'"},
		"pkg:pypi/charset-normalizer@3.3.2": {"line": "27", "direct": "false"},
		"pkg:pypi/example-private-lib":      {"line": "31", "direct": "false", "origin": "git", "unpinned": "true"},
		"pkg:pypi/colorama@0.4.6":           {"line": "35", "direct": "false"},
		"pkg:pypi/pytest@8.0.2": {"line": "40", "direct": "false", "dev": "true", "confidence": "possible",
			"extras": "testing"},
	}, "Pipfile.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	if got := dependsOn(res); len(got) != 0 {
		t.Errorf("DEPENDS_ON = %v, want none", got)
	}
	// 13: a source URL with credentials; 47: an entry that is no object.
	if diff := cmp.Diff(diagLines(res), []int{13, 47}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, "pkg:pypi/charset-normalizer@3.3.2")
	if got := n.Attr("name"); got != "Charset_Normalizer" {
		t.Errorf("name = %q, want the name as written", got)
	}
	checkEdgesJoinNodes(t, res)
}
