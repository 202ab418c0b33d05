package lockfile

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

const (
	dKit   = "pkg:npm/test-kit@2.4.0"
	dClock = "pkg:npm/mock-clock@0.2.1"
	dTick  = "pkg:npm/tick-util@1.0.4"
	dLint  = "pkg:npm/lint-core@4.0.1"
)

// classicDevLock is a Yarn 1 lockfile. http-kit needs left-pad and, where
// it can, fast-hash. test-kit needs left-pad too and mock-clock, which
// needs tick-util. lint-alias is an alias of lint-core. Nothing requires
// stale-pkg.
const classicDevLock = `# yarn lockfile v1


http-kit@^3.0.0:
  version "3.1.0"
  dependencies:
    left-pad "^1.1.0"
  optionalDependencies:
    fast-hash "^0.5.0"

fast-hash@^0.5.0:
  version "0.5.2"

left-pad@^1.1.0, left-pad@^1.3.0:
  version "1.3.0"

test-kit@^2.0.0:
  version "2.4.0"
  dependencies:
    left-pad "^1.3.0"
    mock-clock "^0.2.0"

mock-clock@^0.2.0:
  version "0.2.1"
  dependencies:
    tick-util "^1.0.0"

tick-util@^1.0.0:
  version "1.0.4"

"lint-alias@npm:lint-core@^4.0.0":
  version "4.0.1"

stale-pkg@^1.0.0:
  version "1.0.0"
`

// berryDevLock is the Yarn 2+ form of a project with a workspace lib in
// packages/lib. Each workspace entry lists its dependencies and
// devDependencies alike.
const berryDevLock = `__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    http-kit: "npm:^3.0.0"
    lib: "workspace:^"
    test-kit: "npm:^2.0.0"
  languageName: unknown
  linkType: soft

"lib@workspace:^, lib@workspace:packages/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:packages/lib"
  dependencies:
    mock-clock: "npm:^0.2.0"
    tick-util: "npm:^1.0.0"
  languageName: unknown
  linkType: soft

"http-kit@npm:^3.0.0":
  version: 3.1.0
  resolution: "http-kit@npm:3.1.0"
  dependencies:
    left-pad: "npm:^1.1.0"
  languageName: node
  linkType: hard

"left-pad@npm:^1.1.0, left-pad@npm:^1.3.0":
  version: 1.3.0
  resolution: "left-pad@npm:1.3.0"
  languageName: node
  linkType: hard

"test-kit@npm:^2.0.0":
  version: 2.4.0
  resolution: "test-kit@npm:2.4.0"
  dependencies:
    left-pad: "npm:^1.3.0"
    mock-clock: "npm:^0.2.0"
  languageName: node
  linkType: hard

"mock-clock@npm:^0.2.0":
  version: 0.2.1
  resolution: "mock-clock@npm:0.2.1"
  dependencies:
    tick-util: "npm:^1.0.0"
  languageName: node
  linkType: hard

"tick-util@npm:^1.0.0":
  version: 1.0.4
  resolution: "tick-util@npm:1.0.4"
  languageName: node
  linkType: hard
`

// parseYarnDir writes files into a new folder and parses its yarn.lock.
// It returns the result and the folder.
func parseYarnDir(t *testing.T, files map[string]string) (*ingest.Result, string) {
	t.Helper()
	dir := t.TempDir()
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := newFile("yarn.lock", []byte(files["yarn.lock"]))
	f.Path = filepath.Join(dir, "yarn.lock")
	res := &ingest.Result{}
	if err := NewYarn().Parse(context.Background(), f, testEnv(), res); err != nil {
		t.Fatal(err)
	}
	checkEdgesJoinNodes(t, res)
	return res, dir
}

// devPackages returns the sorted targets of the LOCKS edges marked dev.
func devPackages(res *ingest.Result) []string {
	var out []string
	for id, a := range locks(res) {
		if a["dev"] == "true" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// diagFiles returns the file of every diagnostic.
func diagFiles(res *ingest.Result) []string {
	var out []string
	for _, d := range res.Diags {
		out = append(out, d.Pos.File)
	}
	return out
}

func TestYarnClassicDev(t *testing.T) {
	res, _ := parseYarnDir(t, map[string]string{
		"yarn.lock": classicDevLock,
		"package.json": `{"name": "app", "version": "1.0.0",
  "dependencies": {"http-kit": "^3.0.0"},
  "devDependencies": {"test-kit": "^2.0.0", "lint-alias": "npm:lint-core@^4.0.0"}}`,
	})
	// left-pad is shared with http-kit and fast-hash is http-kit's
	// optional dependency: a production install gets both. tick-util is
	// two steps below test-kit. stale-pkg is reached from neither.
	want := []string{dLint, dClock, dKit, dTick}
	if diff := cmp.Diff(want, devPackages(res)); diff != "" {
		t.Errorf("dev packages (-want +got):\n%s", diff)
	}
	for id, a := range locks(res) {
		if a["yarn_berry"] != "" {
			t.Errorf("LOCKS edge to %s of a Yarn 1 lockfile has yarn_berry=%q", id, a["yarn_berry"])
		}
	}
	if len(locks(res)) != 8 {
		t.Errorf("LOCKS edges = %d, want 8", len(locks(res)))
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}
}

func TestYarnClassicDevWithoutManifest(t *testing.T) {
	res, _ := parseYarnDir(t, map[string]string{"yarn.lock": classicDevLock})
	if got := devPackages(res); len(got) != 0 {
		t.Errorf("dev packages = %v, want none without a package.json", got)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}
}

func TestYarnClassicDevWorkspaces(t *testing.T) {
	files := map[string]string{
		"yarn.lock": classicDevLock,
		"package.json": `{"private": true, "workspaces": {"packages": ["packages/*"]},
  "devDependencies": {"test-kit": "^2.0.0"}}`,
		// api needs left-pad and develops with mock-clock. web needs
		// tick-util, which mock-clock needs too.
		"packages/api/package.json": `{"name": "api", "dependencies": {"left-pad": "^1.3.0"},
  "devDependencies": {"mock-clock": "^0.2.0"}}`,
		"packages/web/package.json": `{"name": "web", "dependencies": {"tick-util": "^1.0.0"}}`,
		// No workspaces: a folder without a package.json, a hidden
		// folder, and folders the pattern does not match.
		"packages/notes/README.md":      "notes",
		"packages/.cache/package.json":  `{"dependencies": {"mock-clock": "^0.2.0"}}`,
		"other/tools/package.json":      `{"dependencies": {"test-kit": "^2.0.0"}}`,
		"packages/api/lib/package.json": `{"dependencies": {"test-kit": "^2.0.0"}}`,
	}
	res, _ := parseYarnDir(t, files)
	if diff := cmp.Diff([]string{dClock, dKit}, devPackages(res)); diff != "" {
		t.Errorf("dev packages (-want +got):\n%s", diff)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}

	// A workspace manifest that cannot be read could need any package.
	files["packages/web/package.json"] = `{"name": "web",`
	res, dir := parseYarnDir(t, files)
	if got := devPackages(res); len(got) != 0 {
		t.Errorf("dev packages = %v, want none when a workspace manifest is not valid", got)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "packages", "web", "package.json")}, diagFiles(res)); diff != "" {
		t.Errorf("diagnostic files (-want +got):\n%s", diff)
	}

	// So could the folders of a pattern that is not read.
	files["packages/web/package.json"] = `{"name": "web"}`
	files["package.json"] = `{"private": true, "workspaces": ["packages/**"], "devDependencies": {"test-kit": "^2.0.0"}}`
	res, dir = parseYarnDir(t, files)
	if got := devPackages(res); len(got) != 0 {
		t.Errorf("dev packages = %v, want none for a ** pattern", got)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "package.json")}, diagFiles(res)); diff != "" {
		t.Errorf("diagnostic files (-want +got):\n%s", diff)
	}
}

func TestYarnBerryDev(t *testing.T) {
	files := map[string]string{
		"yarn.lock": berryDevLock,
		"package.json": `{"name": "app", "dependencies": {"http-kit": "^3.0.0", "lib": "workspace:^"},
  "devDependencies": {"test-kit": "^2.0.0"}}`,
		"packages/lib/package.json": `{"name": "lib", "dependencies": {"tick-util": "^1.0.0"},
  "devDependencies": {"mock-clock": "^0.2.0"}}`,
	}
	res, _ := parseYarnDir(t, files)
	// left-pad is shared with http-kit. tick-util is lib's own
	// dependency, though mock-clock needs it too.
	if diff := cmp.Diff([]string{dClock, dKit}, devPackages(res)); diff != "" {
		t.Errorf("dev packages (-want +got):\n%s", diff)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags)
	}
	// Yarn 2 and later ignore NODE_ENV=production, so the linker needs to
	// know which dev marks come from such a lockfile.
	var berry []string
	for id, a := range locks(res) {
		if a["yarn_berry"] == "true" {
			berry = append(berry, id)
		}
	}
	sort.Strings(berry)
	if diff := cmp.Diff([]string{dClock, dKit}, berry); diff != "" {
		t.Errorf("LOCKS edges with yarn_berry=true (-want +got):\n%s", diff)
	}

	delete(files, "packages/lib/package.json")
	res, dir := parseYarnDir(t, files)
	if got := devPackages(res); len(got) != 0 {
		t.Errorf("dev packages = %v, want none when a workspace manifest is missing", got)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "packages", "lib", "package.json")}, diagFiles(res)); diff != "" {
		t.Errorf("diagnostic files (-want +got):\n%s", diff)
	}
}

// TestYarnBerryDevStaleEntries: the entry of the root workspace in
// berryDevLock predates its manifest, which now declares mock-clock as a
// production dependency; the entry lists only http-kit, lib and test-kit.
// lib's manifest still develops with mock-clock. A production install
// reads the manifests, so it installs mock-clock and tick-util, and only
// test-kit is dev.
func TestYarnBerryDevStaleEntries(t *testing.T) {
	res, _ := parseYarnDir(t, map[string]string{
		"yarn.lock": berryDevLock,
		"package.json": `{"name": "app", "dependencies": {"http-kit": "^3.0.0", "lib": "workspace:^", "mock-clock": "^0.2.0"},
  "devDependencies": {"test-kit": "^2.0.0"}}`,
		"packages/lib/package.json": `{"name": "lib", "dependencies": {"tick-util": "^1.0.0"},
  "devDependencies": {"mock-clock": "^0.2.0"}}`,
	})
	if diff := cmp.Diff([]string{dKit}, devPackages(res)); diff != "" {
		t.Errorf("dev packages (-want +got):\n%s", diff)
	}
}

// A package.json beside the lockfile that is a named pipe has no writer,
// so opening it would block the parse forever. It is a manifest that
// cannot be read: no package is dev, with one warning.
func TestYarnDevManifestFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "yarn.lock"), []byte(classicDevLock), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "package.json"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	f := newFile("yarn.lock", []byte(classicDevLock))
	f.Path = filepath.Join(dir, "yarn.lock")
	res := &ingest.Result{}
	done := make(chan error, 1)
	go func() { done <- NewYarn().Parse(context.Background(), f, testEnv(), res) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("parse with a FIFO package.json did not return within 5s")
	}
	if got := devPackages(res); len(got) != 0 {
		t.Errorf("dev packages = %v, want none", got)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "package.json")}, diagFiles(res)); diff != "" {
		t.Errorf("diagnostic files (-want +got):\n%s", diff)
	}
}
