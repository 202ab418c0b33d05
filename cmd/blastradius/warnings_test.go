package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/history"
)

// A workflow that the last ingest rejected leaves the graph without its
// jobs, so a query that finds nothing warns about it until an ingest reads
// the file again.
func TestQueryWarnsOfRejectedFiles(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	wf := filepath.Join(repo, ".github", "workflows", "ci.yml")
	if err := os.MkdirAll(filepath.Dir(wf), 0o755); err != nil {
		t.Fatal(err)
	}
	good := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n"
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(wf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "store", "graph.db")
	query := func() string {
		t.Helper()
		_, stderr, _ := run(t, "--db", db, "query", "--package", "pkg:npm/x@1.0.0")
		return stderr
	}

	write("on: push\njobs:\n  a: [\n")
	// The ingest names the input relative to its folder; the query runs
	// from another.
	t.Chdir(dir)
	if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", "repo"); code != exitRejected {
		t.Fatalf("ingest of a broken workflow: exit %d, want %d; stderr: %s", code, exitRejected, stderr)
	}
	want := "1 input file was rejected at the last ingest"
	t.Chdir(filepath.Join(dir, "store"))
	// The file is named by its absolute path, right from any folder.
	if got := query(); !strings.Contains(got, want) || !strings.Contains(got, wf+":3:3") {
		t.Errorf("query stderr = %q, want a warning with %q naming %s:3:3", got, want, wf)
	}

	write(good)
	if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", repo); code != 0 {
		t.Fatalf("ingest of the fixed workflow: exit %d; stderr: %s", code, stderr)
	}
	if got := query(); strings.Contains(got, "rejected") {
		t.Errorf("query stderr after the fix = %q, want no warning", got)
	}
	if _, err := os.Stat(db + ".rejected.json"); !os.IsNotExist(err) {
		t.Errorf("list of rejected files still there after the fix: %v", err)
	}
}

// One folder spelt in another way at the next ingest (./repo, an absolute
// path, "." from inside it) is the same folder: reading the fixed file
// clears its rejection. An ingest of "." in another folder is not.
func TestRejectionClearedAnySpelling(t *testing.T) {
	broken := "on: push\njobs:\n  a: [\n"
	good := "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n"
	for _, tt := range []struct {
		name         string
		first, again func(dir string) (cwd, arg string)
		cleared      bool
	}{
		{"dot slash", rel("repo"), rel("./repo"), true},
		{"absolute then relative", abs("repo"), rel("repo"), true},
		{"relative then absolute", rel("repo"), abs("repo"), true},
		{"dot from inside", rel("repo"), inDir("repo", "."), true},
		{"dot from inside, then from outside", inDir("repo", "."), rel("repo"), true},
		{"dot in another folder", rel("repo"), inDir("other", "."), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			wf := filepath.Join(dir, "repo", ".github", "workflows", "ci.yml")
			for _, f := range []string{wf, filepath.Join(dir, "other", ".github", "workflows", "ci.yml")} {
				if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f, []byte(good), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(wf, []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(dir, "store", "graph.db")
			cwd, arg := tt.first(dir)
			t.Chdir(cwd)
			if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", arg); code != exitRejected {
				t.Fatalf("ingest of the broken workflow: exit %d, want %d; stderr: %s", code, exitRejected, stderr)
			}
			if err := os.WriteFile(wf, []byte(good), 0o600); err != nil {
				t.Fatal(err)
			}
			cwd, arg = tt.again(dir)
			t.Chdir(cwd)
			if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", arg); code != 0 {
				t.Fatalf("second ingest: exit %d; stderr: %s", code, stderr)
			}
			_, stderr, _ := run(t, "--db", db, "nodes")
			if warned := strings.Contains(stderr, "rejected at the last ingest"); warned == tt.cleared {
				t.Errorf("after the second ingest, stderr = %q; want a warning: %v", stderr, !tt.cleared)
			}
		})
	}
}

// rel, abs and inDir name the folder sub of a test's folder to an ingest,
// as the folder to run in and the argument to give.
func rel(sub string) func(string) (string, string) {
	return func(dir string) (string, string) { return dir, sub }
}

func abs(sub string) func(string) (string, string) {
	return func(dir string) (string, string) { return dir, filepath.Join(dir, sub) }
}

func inDir(sub, arg string) func(string) (string, string) {
	return func(dir string) (string, string) { return filepath.Join(dir, sub), arg }
}

// A list of rejected files that holds the JSON null is an empty list: an
// ingest that rejects a file adds to it rather than failing.
func TestRejectedListNull(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, "repo", ".github", "workflows", "ci.yml")
	if err := os.MkdirAll(filepath.Dir(wf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wf, []byte("on: push\njobs:\n  a: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "store", "graph.db")
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db+".rejected.json", []byte("null\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", filepath.Join(dir, "repo")); code != exitRejected {
		t.Fatalf("ingest: exit %d, want %d; stderr: %s", code, exitRejected, stderr)
	}
	if _, stderr, _ := run(t, "--db", db, "nodes"); !strings.Contains(stderr, "1 input file was rejected") || !strings.Contains(stderr, "ci.yml:3:3") {
		t.Errorf("nodes stderr = %q, want a warning naming ci.yml:3:3", stderr)
	}
}

// --since flags use after the compromise from access logs; a graph
// without logs gets a warning instead of a silent empty result.
func TestSinceWarnsWithoutLogs(t *testing.T) {
	const warning = "holds no access logs"
	db := exampleDB(t)
	if _, stderr, _ := run(t, "--db", db, "query", "--package", examplePkg, "--since", exampleTime); strings.Contains(stderr, warning) {
		t.Errorf("query of the example, which has CloudTrail logs, warns: %s", stderr)
	}

	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	wf := filepath.Join(repo, ".github", "workflows", "ci.yml")
	if err := os.MkdirAll(filepath.Dir(wf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wf, []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx x@1.0.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noLogs := filepath.Join(dir, "store", "graph.db")
	if _, stderr, code := run(t, "--db", noLogs, "--log-level", "error", "ingest", "--org", "acme", repo); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	if _, stderr, _ := run(t, "--db", noLogs, "query", "--package", "pkg:npm/x@1.0.0", "--since", exampleTime); !strings.Contains(stderr, warning) {
		t.Errorf("query --since of a graph without logs: stderr %q, want a warning with %q", stderr, warning)
	}
}

// Graphs in two Neo4j namespaces keep separate lists of rejected files,
// and neither uses the embedded store's list.
func TestRejectedPathPerNeo4jGraph(t *testing.T) {
	embedded := &options{db: "s/graph.db"}
	first := &options{db: "s/graph.db", store: "bolt://127.0.0.1:7687", neo4jDB: "neo4j", neo4jNS: "a"}
	second := &options{db: "s/graph.db", store: "bolt://127.0.0.1:7687", neo4jDB: "neo4j", neo4jNS: "b"}
	if got := embedded.rejectedPath(); got != "s/graph.db.rejected.json" {
		t.Errorf("embedded store: list at %q, want s/graph.db.rejected.json", got)
	}
	if first.rejectedPath() == second.rejectedPath() {
		t.Errorf("namespaces a and b share the list %q", first.rejectedPath())
	}
	if first.rejectedPath() == embedded.rejectedPath() {
		t.Errorf("Neo4j namespace a shares the embedded store's list %q", first.rejectedPath())
	}
	if dir := filepath.Dir(first.rejectedPath()); dir != "s" {
		t.Errorf("Neo4j list in folder %q, want s, the folder of --db", dir)
	}
}

// A bucket that a root block and a module it calls both declare sits at
// the root block, which is no module call, so it has no defined_at.
func TestDefinedAtRootBlockFirst(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"root/main.tf":      "resource \"aws_s3_bucket\" \"dup\" {\n  bucket = \"acme-logs\"\n}\n\nmodule \"logs\" {\n  source = \"./logs\"\n}\n",
		"root/logs/main.tf": "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"acme-logs\"\n}\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "store", "graph.db")
	if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", filepath.Join(dir, "root")); code != 0 {
		t.Fatalf("ingest: exit %d; stderr: %s", code, stderr)
	}
	out, stderr, code := run(t, "--db", db, "nodes", "--format", "json")
	if code != 0 {
		t.Fatalf("nodes: exit %d; stderr: %s", code, stderr)
	}
	var nodes []struct {
		ID    string            `json:"id"`
		Pos   string            `json:"pos"`
		Attrs map[string]string `json:"attrs"`
	}
	if err := json.Unmarshal([]byte(out), &nodes); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if n.ID != "arn:aws:s3:::acme-logs" {
			continue
		}
		if !strings.HasSuffix(n.Pos, "main.tf:1") {
			t.Errorf("bucket at %s, want the root block at main.tf:1", n.Pos)
		}
		if at, ok := n.Attrs["defined_at"]; ok {
			t.Errorf("bucket at the root block has defined_at %q, want none", at)
		}
		return
	}
	t.Errorf("no node arn:aws:s3:::acme-logs in %s", out)
}

// A list larger than the tool writes is not read whole on every command.
func TestRejectedListTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db.rejected.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxRejectedList + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := readRejected(path); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("readRejected of a %d-byte list: %v, want an error naming the bound", maxRejectedList+1, err)
	}
}

// The latest snapshot is the graph of the last ingest, so history, a diff
// to it and a query as of it warn about the files that ingest rejected.
// An earlier snapshot has no such list, so they print no warning.
func TestSnapshotCommandsWarnOfRejectedFiles(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, "repo", ".github", "workflows", "ci.yml")
	if err := os.MkdirAll(filepath.Dir(wf), 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "store", "graph.db")
	ingest := func(text string, want int) {
		t.Helper()
		if err := os.WriteFile(wf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, stderr, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme", filepath.Join(dir, "repo")); code != want {
			t.Fatalf("ingest: exit %d, want %d; stderr: %s", code, want, stderr)
		}
	}
	ingest("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n", exitOK)
	list, err := history.List(db)
	if err != nil || len(list) != 1 {
		t.Fatalf("snapshots after the first ingest: %v, %v", list, err)
	}
	first := list[0].Time.Format(time.RFC3339)
	// Snapshots are named to the second.
	time.Sleep(1100 * time.Millisecond)
	ingest("on: push\njobs:\n  a: [\n", exitRejected)

	const warning = "1 input file was rejected at the last ingest"
	for _, tt := range []struct {
		name string
		args []string
		warn bool
	}{
		{"history", []string{"history"}, true},
		{"diff to the latest", []string{"diff", "--from", first}, true},
		{"diff between earlier ones", []string{"diff", "--from", first, "--to", first}, false},
		{"query as of the latest", []string{"query", "--as-of", "now", "--package", "pkg:npm/x@1.0.0"}, true},
		{"query as of an earlier one", []string{"query", "--as-of", first, "--package", "pkg:npm/x@1.0.0"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, _ := run(t, append([]string{"--db", db, "--log-level", "error"}, tt.args...)...)
			if got := strings.Count(stderr, warning); got != map[bool]int{true: 1, false: 0}[tt.warn] {
				t.Errorf("stderr has the warning %d times, want it %v once: %q", got, tt.warn, stderr)
			}
		})
	}
}
