package lockfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

func TestBunLockfile(t *testing.T) {
	res := mustParse(t, NewBun(), "testdata/bun/bun.lock", "bun.lock")

	const (
		pad13  = "pkg:npm/left-pad@1.3.0"
		native = "pkg:npm/native-thing@2.1.0"
		linux  = "pkg:npm/%40example-org/native-linux@2.1.0"
		width  = "pkg:npm/string-width@4.2.3"
		kit    = "pkg:npm/test-kit@5.0.1"
		pad10  = "pkg:npm/left-pad@1.0.0"
		pad11  = "pkg:npm/left-pad@1.1.0"
		gitDep = "pkg:npm/git-dep"
	)
	// trustedDependencies names native-thing, so its scripts run. Its
	// platform package is an optional dependency. web gets its own copy of
	// left-pad, and test-kit, which only development needs, another.
	want := fillLocks(map[string]map[string]string{
		pad13:  {"line": "29", "direct": "true"},
		native: {"line": "30", "direct": "true", "install_script": "true"},
		linux:  {"line": "31", "direct": "false", "chain": native + " > " + linux, "confidence": "possible"},
		width:  {"line": "32", "direct": "true", "alias": "str-alias"},
		kit:    {"line": "33", "direct": "true", "dev": "true"},
		pad10:  {"line": "35", "direct": "true"},
		pad11:  {"line": "36", "direct": "false", "dev": "true", "chain": kit + " > " + pad11},
		gitDep: {"line": "38", "direct": "true", "origin": "git", "unpinned": "true"},
	}, "bun.lock")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	wantDeps := []string{
		native + " -> " + linux,
		native + " -> " + pad13,
		kit + " -> " + pad11,
	}
	if diff := cmp.Diff(dependsOn(res), sortedCopy(wantDeps)); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}
	// 36: a URL with credentials; 37: an entry that is not an array.
	if diff := cmp.Diff(diagLines(res), []int{36, 37}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	checkEdgesJoinNodes(t, res)
}

// Without trustedDependencies in bun.lock, the package.json beside it
// lists the packages whose scripts run. Without either, Bun's built-in list
// applies, which is not read, so no package is marked.
func TestBunTrustedFromManifest(t *testing.T) {
	lock := `{
  "lockfileVersion": 1,
  "workspaces": { "": { "dependencies": { "a": "^1", "b": "^2" } } },
  "packages": {
    "a": ["a@1.0.0", "", {}, "sha512-A"],
    "b": ["b@2.0.0", "", {}, "sha512-B"],
  },
}`
	hooks := func(files map[string]string) []string {
		f := repoFile(t, files, "bun.lock")
		res := &ingest.Result{}
		if err := NewBun().Parse(t.Context(), f, testEnv(), res); err != nil {
			t.Fatal(err)
		}
		var out []string
		for id, l := range locks(res) {
			if l["install_script"] == "true" {
				out = append(out, id)
			}
		}
		return out
	}
	got := hooks(map[string]string{"bun.lock": lock, "package.json": `{"name": "x", "trustedDependencies": ["b"]}`})
	if diff := cmp.Diff(got, []string{"pkg:npm/b@2.0.0"}); diff != "" {
		t.Errorf("install scripts with package.json (-got +want):\n%s", diff)
	}
	if got := hooks(map[string]string{"bun.lock": lock}); len(got) != 0 {
		t.Errorf("install scripts without trustedDependencies = %v, want none", got)
	}
}

// A broken bun.lock is rejected at the line of the fault. Comments and
// trailing commas are not faults.
func TestBunLockfileHostile(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int
	}{
		{"missing value", "{\n  // a comment\n  \"packages\": {\n    \"a\": ,\n  },\n}\n", 4},
		{"unclosed comment", "{\n  \"packages\": {}\n  /* never closed\n}\n", 5},
		{"packages not an object", "{\n\n  \"packages\": [],\n}\n", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBytes(t, NewBun(), "bun.lock", []byte(tc.input))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *ingest.Error", err)
			}
			if ie.Pos.Line != tc.line {
				t.Errorf("line = %d, want %d", ie.Pos.Line, tc.line)
			}
		})
	}
}

func TestStripJSONC(t *testing.T) {
	in := "{\"a\": \"//not a comment\", /* c */ \"b\": [1, 2,], // end\n \"c\": \"x,]\",\n}"
	want := "{\"a\": \"//not a comment\",         \"b\": [1, 2 ],       \n \"c\": \"x,]\" \n}"
	if got := string(stripJSONC([]byte(in))); got != want {
		t.Errorf("stripJSONC =\n%q, want\n%q", got, want)
	}
}

// A package.json beside bun.lock is not read for its dependencies: the
// lockfile pins what it only constrains.
func TestBunCoversManifest(t *testing.T) {
	f := repoFile(t, map[string]string{"web/package.json": `{"dependencies": {"a": "^1"}}`, "web/bun.lock": "{}"}, "web/package.json")
	if NewNPM().Detect(f) {
		t.Error("package.json beside bun.lock is detected")
	}
}

// A dependency on a workspace of the project resolves to no package and
// gives no warning.
func TestBunWorkspaceDependency(t *testing.T) {
	lock := `{
  "workspaces": {
    "": { "name": "root", "dependencies": { "a": "^1" } },
    "packages/shared": { "name": "shared" },
  },
  "packages": {
    "a": ["a@1.0.0", "", { "dependencies": { "shared": "workspace:*", "gone": "^2" } }, "sha512-A"],
    "shared": ["shared@workspace:packages/shared"],
  },
}`
	res, err := parseBytes(t, NewBun(), "bun.lock", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	// 7: gone is in no entry.
	if diff := cmp.Diff(diagLines(res), []int{7}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
}

// A Git source with credentials in the first element of an entry gives
// a warning, and the address is not kept.
func TestBunGitSourceCredentials(t *testing.T) {
	lock := "{\n  \"workspaces\": { \"\": { \"dependencies\": { \"x\": \"git+https://git.example.com/x.git\" } } },\n" +
		"  \"packages\": {\n    \"x\": [\"x@git+https://user:canary-bun-X9x9@git.example.com/x.git#abc1234\", {}, \"x-abc1234\"],\n  },\n}\n"
	res, err := parseBytes(t, NewBun(), "bun.lock", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(diagLines(res), []int{4}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	for _, e := range res.Edges {
		for k, v := range e.Attrs {
			if strings.Contains(v, "canary-bun") {
				t.Errorf("edge %s keeps the credential in %s", e.Key(), k)
			}
		}
	}
}
