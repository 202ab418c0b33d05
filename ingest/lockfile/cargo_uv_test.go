package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestCargo(t *testing.T) {
	res := mustParse(t, NewCargo(), "testdata/cargo/Cargo.lock", "Cargo.lock")

	const (
		anyhow = "pkg:cargo/anyhow@1.0.86"
		app    = "pkg:cargo/status-page@0.1.0"
		serde1 = "pkg:cargo/serde@1.0.200"
		serde0 = "pkg:cargo/serde@0.9.15"
		derive = "pkg:cargo/serde_derive@1.0.200"
		gitc   = "pkg:cargo/example-git-crate@0.2.0"
		core   = "pkg:cargo/status-core@0.1.0"
	)
	// Crates without a source are the project's own; what they depend on
	// is direct. "serde 0.9.15 (source)" picks one of two serde versions.
	want := fillLocks(map[string]map[string]string{
		anyhow: {"line": "5", "direct": "true"},
		app:    {"line": "11", "direct": "true", "local": "true"},
		serde1: {"line": "21", "direct": "true"},
		serde0: {"line": "29", "direct": "false", "chain": gitc + " > " + serde0},
		derive: {"line": "34", "direct": "false", "chain": serde1 + " > " + derive},
		gitc:   {"line": "39", "direct": "true", "origin": "git"},
		core:   {"line": "48", "direct": "true", "local": "true"},
	}, "Cargo.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		gitc + " -> " + serde0,
		serde1 + " -> " + derive,
		app + " -> " + anyhow,
		app + " -> " + gitc,
		app + " -> " + serde1,
		app + " -> " + core,
	}
	if diff := cmp.Diff(dependsOn(res), sortedCopy(wantDeps)); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 39: a Git source with credentials, and a dependency not in the
	// lockfile; 52: a package without a version.
	if diff := cmp.Diff(diagLines(res), []int{39, 39, 52}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

func TestUV(t *testing.T) {
	res := mustParse(t, NewUV(), "testdata/uv/uv.lock", "uv.lock")

	const (
		app      = "pkg:pypi/status-page@0.1.0"
		requests = "pkg:pypi/requests@2.31.0"
		certifi  = "pkg:pypi/certifi@2024.2.2"
		urllib3  = "pkg:pypi/urllib3@2.2.1"
		colorama = "pkg:pypi/colorama@0.4.6"
		legacy   = "pkg:pypi/legacy-sdist@1.0.0"
		pysocks  = "pkg:pypi/pysocks@1.7.1"
		pytest   = "pkg:pypi/pytest@8.0.2"
		plugin   = "pkg:pypi/example-plugin@0.3.0"
		sphinx   = "pkg:pypi/sphinx-lite@7.2.0"
	)
	// colorama is needed only on Windows, pysocks only with an extra and
	// sphinx-lite only with the docs group, which uv sync installs, with
	// --no-dev too, when pyproject.toml lists it in default-groups: so it
	// is possible and not dev. pytest and what it pulls in come from the
	// default dev group, which --no-dev leaves out. legacy-sdist has no wheel and the
	// plugin comes from Git, so both are built at install.
	want := fillLocks(map[string]map[string]string{
		app:      {"line": "5", "direct": "true", "local": "true"},
		requests: {"line": "28", "direct": "true"},
		certifi:  {"line": "41", "direct": "false", "chain": requests + " > " + certifi},
		urllib3:  {"line": "49", "direct": "false", "chain": requests + " > " + urllib3},
		colorama: {"line": "54", "direct": "true", "confidence": "possible", "markers": "sys_platform == 'win32'"},
		legacy:   {"line": "59", "direct": "true", "install_script": "true"},
		pysocks:  {"line": "65", "direct": "true", "optional": "true", "confidence": "possible"},
		pytest:   {"line": "70", "direct": "true", "dev": "true"},
		plugin: {"line": "79", "direct": "false", "dev": "true", "origin": "git", "install_script": "true",
			"chain": pytest + " > " + plugin},
		sphinx: {"line": "84", "direct": "true", "confidence": "possible"},
	}, "uv.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := sortedCopy([]string{
		app + " -> " + requests, app + " -> " + colorama, app + " -> " + legacy,
		app + " -> " + pysocks, app + " -> " + pytest, app + " -> " + sphinx,
		requests + " -> " + certifi, requests + " -> " + urllib3,
		pytest + " -> " + colorama, pytest + " -> " + plugin,
	})
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	wantPossible := sortedCopy([]string{
		app + " -> " + colorama, app + " -> " + pysocks, app + " -> " + sphinx,
		pytest + " -> " + colorama,
	})
	if diff := cmp.Diff(possibleDeps(res), wantPossible); diff != "" {
		t.Errorf("possible DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 59: a registry URL with credentials; 89: a package without a version.
	if diff := cmp.Diff(diagLines(res), []int{59, 89}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, legacy)
	if n.Attr("install_script") != "true" {
		t.Errorf("legacy-sdist node attrs = %v, want install_script", n.Attrs)
	}
	checkEdgesJoinNodes(t, res)
}

func TestUVProjectName(t *testing.T) {
	lock := func(source string) []byte {
		return []byte("version = 1\n\n[[package]]\nname = \"Example_App\"\nversion = \"0.1.0\"\nsource = " + source + "\n")
	}
	tests := []struct {
		name, rel string
		data      []byte
		want      string
	}{
		// PEP 503 normalises Example_App to example-app.
		{"editable root at the top", "uv.lock", lock(`{ editable = "." }`), "example-app"},
		{"virtual root builds no package", "uv.lock", lock(`{ virtual = "." }`), ""},
		{"lockfile in a subfolder", "services/api/uv.lock", lock(`{ editable = "." }`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewUV(), tt.rel, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			repo, ok := nodeByID(res, graph.RepoID("", testRepo))
			if !ok {
				t.Fatal("no repository node")
			}
			if got := repo.Attr(graph.AttrPyPILockProject); got != tt.want {
				t.Errorf("pypi_lock_project = %q, want %q", got, tt.want)
			}
			// Only pyproject.toml gives pypi_project.
			for _, attr := range []string{graph.AttrPyPIProject, graph.AttrNPMProject, graph.AttrNPMLockProject} {
				if got := repo.Attr(attr); got != "" {
					t.Errorf("%s = %q, want none", attr, got)
				}
			}
		})
	}
}
