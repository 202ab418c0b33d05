package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// fakeParser reads *.fake files: each line becomes a Runtime node, a line
// containing BAD rejects the file at that line, and PANIC panics.
type fakeParser struct{}

func (fakeParser) Format() string { return "fake" }

func (fakeParser) Detect(f *File) bool { return strings.HasSuffix(f.Path, ".fake") }

func (fakeParser) Parse(ctx context.Context, f *File, env *Env, res *Result) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	for line := 1; sc.Scan(); line++ {
		switch {
		case strings.Contains(sc.Text(), "BAD"):
			return Errorf(Position{File: f.Path, Line: line, Col: 1}, "line holds BAD")
		case strings.Contains(sc.Text(), "PANIC"):
			panic("fake parser panics")
		}
		res.AddNode(graph.Node{ID: "runtime:" + f.Repo + "/" + f.RelPath, Kind: graph.NodeRuntime, Pos: graph.Pos{Line: line}})
		res.Records++
	}
	return nil
}

func TestPipelineRejectsAndContinues(t *testing.T) {
	store := memstore.New()
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Org: "example-org"}
	sum, err := p.Run(context.Background(), []string{"testdata/pipeline"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := sum.Formats["fake"]
	if got == nil || got.Ingested != 1 || got.Rejected != 2 || got.Records != 1 {
		t.Fatalf("fake summary = %+v, want 1 ingested, 2 rejected, 1 record", got)
	}
	var rejected []string
	for _, d := range sum.Rejected {
		rejected = append(rejected, d.String())
	}
	want := []string{
		"testdata/pipeline/loose/boom.fake: internal error while parsing as fake; the file was skipped, please report it",
		"testdata/pipeline/repo-a/broken.fake:2:1: line holds BAD",
	}
	if diff := cmp.Diff(want, rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
	if len(sum.Skipped) != 1 || sum.Skipped[0].Path != "testdata/pipeline/loose/notes.txt" {
		t.Errorf("skipped = %+v, want notes.txt only", sum.Skipped)
	}
	// The file in repo-a belongs to example-org/repo-a, found by its
	// .github folder, with its path relative to that folder.
	ns, _ := store.Nodes(context.Background(), []string{"runtime:example-org/repo-a/.github/workflows/ok.fake"})
	if len(ns) != 1 {
		t.Errorf("node of ok.fake not found under its repository")
	}
}

func TestRepoFromURL(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/example-org/api.git": "example-org/api",
		"git@github.com:example-org/api.git":     "example-org/api",
		"ssh://git@github.com/example-org/api":   "example-org/api",
		"nonsense":                               "",
	} {
		if got := repoFromURL(url, false); got != want {
			t.Errorf("repoFromURL(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestRepoFromURLGitLabGroups(t *testing.T) {
	// A GitLab project's path contains its groups and subgroups: the OIDC
	// subject, the API and the registry all name it by the whole path.
	for _, c := range []struct {
		url    string
		gitlab bool
		want   string
	}{
		{"git@gitlab.com:Acme-Corp/platform/Web-App.git", false, "Acme-Corp/platform/Web-App"},
		{"https://gitlab.com/acme/platform/tools/api.git", false, "acme/platform/tools/api"},
		{"ssh://git@git.example.com:2222/payments/core/api.git", true, "payments/core/api"},
		{"https://git.example.com/scm/payments/api.git", false, "payments/api"},
	} {
		if got := repoFromURL(c.url, c.gitlab); got != c.want {
			t.Errorf("repoFromURL(%q, %v) = %q, want %q", c.url, c.gitlab, got, c.want)
		}
	}
}

func TestPipelineLinksAndBinary(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	in := filepath.Join(base, "in", "repo", ".github")
	for _, d := range []string{real, in} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(real, "x.fake"), []byte("good\n"), 0o600)
	os.Symlink(filepath.Join(real, "x.fake"), filepath.Join(in, "linked.fake"))
	os.Symlink(real, filepath.Join(in, "folderlink"))
	os.WriteFile(filepath.Join(in, "nul.fake"), []byte("go\x00od\n"), 0o600)
	os.WriteFile(filepath.Join(in, "nul.bin"), []byte("\x00\x01"), 0o600)

	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: memstore.New(), Org: "example-org"}
	sum, err := p.Run(context.Background(), []string{filepath.Join(base, "in")})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Formats["fake"]; got == nil || got.Ingested != 2 {
		t.Errorf("fake summary = %+v, want 2 ingested: the linked file and the one with a NUL byte", got)
	}
	reasons := map[string]string{}
	for _, s := range sum.Skipped {
		reasons[filepath.Base(s.Path)] = s.Reason
	}
	want := map[string]string{"folderlink": "link to a folder, not followed", "nul.bin": "binary file"}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestPipelineInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pipeline{Parsers: []Parser{blockingParser{}}, Store: memstore.New()}
	done := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx, []string{"testdata/pipeline/repo-a/.github/workflows/ok.fake"})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of the interrupt while a parser was busy")
	}
}

// blockingParser never returns and ignores its context, like a parser
// stuck on a hostile file.
type blockingParser struct{}

func (blockingParser) Format() string      { return "blocking" }
func (blockingParser) Detect(f *File) bool { return true }
func (blockingParser) Parse(ctx context.Context, f *File, env *Env, res *Result) error {
	select {}
}

type countProgress struct {
	mu             sync.Mutex
	total, bytes   int64
	records, start int64
}

func (c *countProgress) Start(total int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total, c.start = total, c.start+1
}

func (c *countProgress) Add(bytes, records int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes += bytes
	c.records += records
}

func TestPipelineGzipWithProgress(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("one\ntwo\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "x.fake.gz"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	prog := &countProgress{}
	p := &Pipeline{Parsers: []Parser{gzFakeParser{}}, Store: memstore.New(), Progress: prog}
	sum, err := p.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Formats["fake"]; got == nil || got.Ingested != 1 || got.Records != 2 {
		t.Errorf("summary = %+v, want the .gz file ingested with 2 records", got)
	}
	if prog.start != 1 || prog.total != int64(buf.Len()) || prog.bytes != int64(buf.Len()) || prog.records != 2 {
		t.Errorf("progress = %+v, want started once with %d bytes on disk, all read, 2 records", prog, buf.Len())
	}
}

// gzFakeParser is fakeParser for *.fake.gz files.
type gzFakeParser struct{ fakeParser }

func (gzFakeParser) Detect(f *File) bool { return strings.HasSuffix(f.Path, ".fake.gz") }

func TestPipelinePrunesDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/keep.fake", "x\n")
	write("a/gone.fake", "x\n")
	write("a/broken.fake", "x\n")
	write("b/other.fake", "x\n")
	store := memstore.New()
	run := func(prune bool, paths ...string) *Summary {
		t.Helper()
		p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Repo: "example-org/app", Prune: prune}
		sum, err := p.Run(context.Background(), paths)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return sum
	}
	run(true, filepath.Join(dir, "a"), filepath.Join(dir, "b", "other.fake"))

	// gone.fake is deleted and broken.fake now fails to parse; b is not an
	// input folder of the second run, so its file stays.
	if err := os.Remove(filepath.Join(dir, "a", "gone.fake")); err != nil {
		t.Fatal(err)
	}
	write("a/broken.fake", "BAD\n")
	sum := run(true, filepath.Join(dir, "a"))
	if diff := cmp.Diff([]string{filepath.Join(dir, "a", "gone.fake")}, sum.Pruned); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	ids := func() []string {
		ns, err := store.NodesByKind(context.Background(), graph.NodeRuntime)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	want := []string{
		"runtime:example-org/app/broken.fake",
		"runtime:example-org/app/keep.fake",
		"runtime:example-org/app/other.fake",
	}
	if diff := cmp.Diff(want, ids()); diff != "" {
		t.Errorf("runtimes after pruning (-want +got):\n%s", diff)
	}

	// Without pruning a deleted file keeps its facts.
	if err := os.Remove(filepath.Join(dir, "a", "keep.fake")); err != nil {
		t.Fatal(err)
	}
	if sum := run(false, filepath.Join(dir, "a")); len(sum.Pruned) != 0 {
		t.Errorf("pruned without Prune = %v, want none", sum.Pruned)
	}
	if diff := cmp.Diff(want, ids()); diff != "" {
		t.Errorf("runtimes without pruning (-want +got):\n%s", diff)
	}
}

func TestRepoRootFromCIConfig(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"repos/payments-api/.gitlab-ci.yml",
		"repos/payments-api/deploy/a.fake",
		"repos/web/.circleci/config.yml",
		"repos/web/b.fake",
		"loose/c.fake",
	} {
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store := memstore.New()
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Org: "example-org"}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	ns, err := store.NodesByKind(context.Background(), graph.NodeRuntime)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ns {
		got = append(got, n.ID)
	}
	want := []string{
		"runtime:example-org/" + filepath.Base(dir) + "/loose/c.fake",
		"runtime:example-org/payments-api/deploy/a.fake",
		"runtime:example-org/web/b.fake",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes (-want +got):\n%s", diff)
	}
}

// A file given as an input itself belongs to the repository above it,
// as it would when its folder is the input: a workflow given as
// repo/.github/workflows/ci.yml is repo's. A file with no repository
// above it belongs to its own folder.
func TestRepoOfFileInput(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"org/shop-api/.github/workflows/ci.fake",
		"org/shop-api/deep/er/d.fake",
		"loose/e.fake",
	} {
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store := memstore.New()
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Org: "example-org"}
	inputs := []string{
		filepath.Join(dir, "org/shop-api/.github/workflows/ci.fake"),
		filepath.Join(dir, "org/shop-api/deep/er/d.fake"),
		filepath.Join(dir, "loose/e.fake"),
	}
	if _, err := p.Run(context.Background(), inputs); err != nil {
		t.Fatal(err)
	}
	ns, err := store.NodesByKind(context.Background(), graph.NodeRuntime)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ns {
		got = append(got, n.ID)
	}
	want := []string{
		"runtime:example-org/loose/e.fake",
		"runtime:example-org/shop-api/.github/workflows/ci.fake",
		"runtime:example-org/shop-api/deep/er/d.fake",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes (-want +got):\n%s", diff)
	}
}

// BeforeWrite runs once, after every file is parsed and before the write
// links the batch.
func TestPipelineBeforeWrite(t *testing.T) {
	var events []string
	prog := &recordingProgress{}
	p := &Pipeline{
		Parsers:  []Parser{fakeParser{}},
		Store:    memstore.New(),
		Org:      "example-org",
		Progress: prog,
		BeforeWrite: func() {
			events = append(events, fmt.Sprintf("before write, %d records parsed", prog.records.Load()))
		},
		Derive: func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
			events = append(events, "derive")
			return nil, nil, nil
		},
	}
	if _, err := p.Run(context.Background(), []string{"testdata/pipeline"}); err != nil {
		t.Fatal(err)
	}
	// testdata/pipeline holds one file that parses, with one record.
	want := []string{"before write, 1 records parsed", "derive"}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// recordingProgress counts the records that parsing reports.
type recordingProgress struct{ records atomic.Int64 }

func (*recordingProgress) Start(int64) {}

func (r *recordingProgress) Add(_, records int64) { r.records.Add(records) }

// Without Org, each repository folder named local/NAME gets one warning. The
// loose file's input folder is no repository, so it gets none.
func TestRepoWithoutOrgWarns(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"repos/web/.circleci/config.yml",
		"repos/web/a.fake",
		"repos/web/b.fake",
		"loose/c.fake",
	} {
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: memstore.New(), Logger: logger}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "repository owner unknown"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "repository=local/web") {
		t.Errorf("the warning does not name local/web:\n%s", logs.String())
	}

	logs.Reset()
	p = &Pipeline{Parsers: []Parser{fakeParser{}}, Store: memstore.New(), Logger: logger, Org: "example-org"}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "repository owner unknown") {
		t.Errorf("a warning with Org set:\n%s", logs.String())
	}
}

// TestPipelineManyRepositories walks a tree of many repositories, whose
// files are opened on several goroutines: each file keeps its own
// repository and path, and the skipped paths come in the walk's order.
func TestPipelineManyRepositories(t *testing.T) {
	in := t.TempDir()
	const repos = 40
	for i := range repos {
		root := filepath.Join(in, fmt.Sprintf("r%02d", i))
		os.MkdirAll(filepath.Join(root, ".git"), 0o755)
		os.MkdirAll(filepath.Join(root, "sub"), 0o755)
		cfg := fmt.Sprintf("[remote \"origin\"]\n\turl = https://github.com/example-org/svc-%02d.git\n", i)
		os.WriteFile(filepath.Join(root, ".git", "config"), []byte(cfg), 0o600)
		os.WriteFile(filepath.Join(root, "a.fake"), []byte("one\n"), 0o600)
		os.WriteFile(filepath.Join(root, "sub", "b.fake"), []byte("one\ntwo\n"), 0o600)
	}
	// Folders marked otherwise: a GitLab CI file, a linked .github folder,
	// and a .git file (as in a git worktree), which marks no repository.
	os.MkdirAll(filepath.Join(in, "gl"), 0o755)
	os.WriteFile(filepath.Join(in, "gl", ".gitlab-ci.yml"), []byte("job:\n  script: [make]\n"), 0o600)
	os.WriteFile(filepath.Join(in, "gl", "c.fake"), []byte("one\n"), 0o600)
	os.MkdirAll(filepath.Join(in, "linked"), 0o755)
	os.Symlink(filepath.Join(in, "r00", "sub"), filepath.Join(in, "linked", ".github"))
	os.WriteFile(filepath.Join(in, "linked", "d.fake"), []byte("one\n"), 0o600)
	os.MkdirAll(filepath.Join(in, "wt"), 0o755)
	os.WriteFile(filepath.Join(in, "wt", ".git"), []byte("gitdir: /elsewhere\n"), 0o600)
	os.WriteFile(filepath.Join(in, "wt", "e.fake"), []byte("one\n"), 0o600)
	// Skipped at three points of the walk.
	os.Symlink(filepath.Join(in, "missing"), filepath.Join(in, "r00", "dangling.fake"))
	os.Symlink(filepath.Join(in, "r01", "sub"), filepath.Join(in, "r05", "folderlink"))
	os.WriteFile(filepath.Join(in, "r09", "z.bin"), []byte("\x00\x01"), 0o600)

	store := memstore.New()
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Workers: 4, Org: "example-org"}
	sum, err := p.Run(context.Background(), []string{in})
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Formats["fake"]; got == nil || got.Ingested != 2*repos+3 {
		t.Fatalf("fake summary = %+v, want %d files ingested", got, 2*repos+3)
	}
	want := []string{
		"runtime:example-org/" + filepath.Base(in) + "/wt/e.fake",
		"runtime:example-org/gl/c.fake",
		"runtime:example-org/linked/d.fake",
	}
	for i := range repos {
		repo := fmt.Sprintf("example-org/svc-%02d", i)
		want = append(want, "runtime:"+repo+"/a.fake", "runtime:"+repo+"/sub/b.fake")
	}
	slices.Sort(want)
	nodes, err := store.NodesByKind(context.Background(), graph.NodeRuntime)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nodes {
		got = append(got, n.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtime nodes (-want +got):\n%s", diff)
	}
	var skipped []string
	for _, s := range sum.Skipped {
		rel, _ := filepath.Rel(in, s.Path)
		skipped = append(skipped, rel+": "+strings.SplitN(s.Reason, ":", 2)[0])
	}
	// The walk's skips come in its order, then the files no parser reads.
	wantSkipped := []string{
		"linked/.github: link to a folder, not followed",
		"r00/dangling.fake: cannot read",
		"r05/folderlink: link to a folder, not followed",
		"gl/.gitlab-ci.yml: format not recognised",
		"r09/z.bin: binary file",
		"wt/.git: format not recognised",
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestRepoNameGitLabSubgroup(t *testing.T) {
	// A clone of a GitLab project in a subgroup, on a host whose name
	// does not say GitLab: its .gitlab-ci.yml marks it as a GitLab project.
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "[remote \"origin\"]\n\turl = git@git.example.com:Acme-Corp/platform/Web-App.git\n"
	if err := os.WriteFile(filepath.Join(root, ".git", "config"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".gitlab-ci.yml"), []byte("test:\n  script: [make]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Pipeline{}
	if got, want := p.repoName(root), "Acme-Corp/platform/Web-App"; got != want {
		t.Errorf("repository %q, want %q", got, want)
	}
}

func TestHostFromURL(t *testing.T) {
	for url, want := range map[string]string{
		"https://github.com/example-org/api.git":                "github.com",
		"git@gitlab.example.com:payments/core/api.git":          "gitlab.example.com",
		"ssh://git@GitLab.Example.com:2222/payments/api.git":    "gitlab.example.com",
		"https://oauth2:glpat-x@gitlab.example.com/grp/api.git": "gitlab.example.com",
		"/srv/git/api.git": "",
		"../api":           "",
		// ssh host aliases from ~/.ssh/config: no public name ends in a
		// label with a hyphen or a digit, so none is a server's name.
		"git@gitlab.com-work:payments/api.git":         "gitlab.com",
		"git@github.com_personal:example-org/api.git":  "github.com",
		"ssh://git@gitlab.com-ci/payments/api.git":     "gitlab.com",
		"git@git.corp-2:payments/api.git":              "",
		"git@gitlab.example.xn--p1ai:payments/api.git": "gitlab.example.xn--p1ai",
		"git@10.20.0.5:payments/api.git":               "10.20.0.5",
		"ssh://git@[fd00::5]:2222/payments/api.git":    "fd00::5",
		// A fully qualified name's trailing dot names the same host.
		"git@github.com.:example-org/api.git":               "github.com",
		"https://GHE.Example.com.:8443/example-org/api.git": "ghe.example.com",
		"ssh://git@gitlab.example.com.:2222/grp/api.git":    "gitlab.example.com",
	} {
		if got := hostFromURL(url); got != want {
			t.Errorf("hostFromURL(%q) = %q, want %q", url, got, want)
		}
	}
}

func TestPlaceSetsRemoteHost(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@gitlab.example.com:payments/api.git\n"
	if err := os.WriteFile(filepath.Join(root, ".git", "config"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	finder := newRepoFinder()
	f := &File{Path: filepath.Join(root, "package-lock.json")}
	(&Pipeline{}).place(f, root, false, finder)
	if f.Repo != "payments/api" {
		t.Errorf("repository %q, want payments/api", f.Repo)
	}
	if f.RepoHost != "gitlab.example.com" {
		t.Errorf("remote host %q, want gitlab.example.com", f.RepoHost)
	}
	if got := f.RepoID(); got != "repo:gitlab.example.com/payments/api" {
		t.Errorf("repository id %q, want repo:gitlab.example.com/payments/api", got)
	}
}

// A folder that holds .gitlab-ci.yml and no .github folder is a GitLab
// project, and one that holds both is not.
func TestPlaceFindsGitLabProject(t *testing.T) {
	for _, c := range []struct {
		name   string
		github bool
		want   string
	}{
		{"web", false, "repo:gitlab.com/acme/web"},
		{"both", true, "repo:github.com/acme/both"},
	} {
		root := filepath.Join(t.TempDir(), c.name)
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, ".gitlab-ci.yml"), []byte("test:\n  script: make\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if c.github {
			if err := os.MkdirAll(filepath.Join(root, ".github"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		finder := newRepoFinder()
		f := &File{Path: filepath.Join(root, "package-lock.json")}
		(&Pipeline{Org: "acme"}).place(f, root, false, finder)
		if got := f.RepoID(); got != c.want {
			t.Errorf("%s: repository id %q, want %q", c.name, got, c.want)
		}
	}
}

// An input folder given as "." contains every relative path the walk finds
// in it, so a file deleted from it loses its facts as in any other folder.
// The linker's derived facts are no file of it.
func TestPipelinePrunesUnderCurrentFolder(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a/keep.fake", "a/gone.fake"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	store := memstore.New()
	run := func() *Summary {
		t.Helper()
		derive := func(context.Context, graph.Reader) ([]graph.Node, []graph.Edge, error) {
			return []graph.Node{{ID: "runtime:derived", Kind: graph.NodeRuntime}}, nil, nil
		}
		p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: store, Repo: "example-org/app", Prune: true, Derive: derive}
		sum, err := p.Run(context.Background(), []string{"."})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		return sum
	}
	run()
	if err := os.Remove(filepath.Join(dir, "a", "gone.fake")); err != nil {
		t.Fatal(err)
	}
	sum := run()
	if diff := cmp.Diff([]string{filepath.Join("a", "gone.fake")}, sum.Pruned); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
}

func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		path, folder string
		within       bool
	}{
		{"/w/repo/a.yml", "/w/repo", true},
		{"/w/repo/a.yml", "/w/repo/", true},
		{"/w/repo2/a.yml", "/w/repo", false},
		{"/w/repo/a.yml", "/w/repo/a.yml", true},
		{"/w/repo/a.yml", "/", true},
		{"a/b.tf", ".", true},
		{"../other/a.tf", ".", false},
		{"repo/a.yml", "repo", true},
		{"repo2/a.yml", "repo", false},
		{"/w/repo/a.yml", "repo", false},
	} {
		path, folder := filepath.FromSlash(tt.path), filepath.FromSlash(tt.folder)
		if got := Within(path, folder); got != tt.within {
			t.Errorf("Within(%q, %q) = %v, want %v", path, folder, got, tt.within)
		}
	}
}

// The store's files inside the input are not input, whether the store and
// the input are named from the current folder or by absolute paths.
func TestPipelineSkipsStoreFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a/app.fake":            "x\n",
		"a/graph.db":            "store\n",
		"a/graph.db.lock":       "",
		"a/graph.db.rejected.x": "",
		"a/salt":                "salt\n",
		"a/other.txt":           "other\n",
	}
	for name, body := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, tt := range []struct{ name, store, salt, input string }{
		{"relative", filepath.Join("a", "graph.db"), filepath.Join("a", "salt"), "."},
		{"relative input, absolute store", filepath.Join(dir, "a", "graph.db"), filepath.Join(dir, "a", "salt"), "a"},
		{"absolute input, relative store", filepath.Join("a", "graph.db"), filepath.Join("a", "salt"), filepath.Join(dir, "a")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: memstore.New(), Repo: "example-org/app",
				StorePath: tt.store, OwnFiles: []string{tt.salt}}
			sum, err := p.Run(context.Background(), []string{tt.input})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var skipped []string
			for _, sk := range sum.Skipped {
				skipped = append(skipped, filepath.Base(sk.Path))
			}
			// Only the file that is neither the store's nor a format's.
			if diff := cmp.Diff([]string{"other.txt"}, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

// RepoHost takes a host name or IP address as a person types it: any case,
// with a port, a trailing dot, or an IPv6 address in brackets or not. The
// name is used as given, not read as an ssh alias, because no ssh
// configuration applies to it. Anything else names no host.
func TestRepoHostForms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GHE.Example.com:8443", "ghe.example.com"},
		{"ghe.example.com.", "ghe.example.com"},
		{"[2001:DB8::5]:443", "2001:db8::5"},
		{"[2001:db8::5]", "2001:db8::5"},
		{"2001:db8::5", "2001:db8::5"},
		{"192.0.2.7:8080", "192.0.2.7"},
		{"git-server", "git-server"},
		{"ghe01.corp", "ghe01.corp"},
		{"gitlab.com-work", "gitlab.com-work"},
		{"", ""},
		{".", ""},
		{"..", ""},
		{"ghe.example.com:abc", ""},
		{"ghe.example.com:", ""},
		{"ghe..example.com", ""},
		{"https://ghe.example.com", ""},
		{"ghe.example.com/acme", ""},
		{"git@ghe.example.com", ""},
		{"ghe example.com", ""},
		{"-ghe.example.com", ""},
		{"[ghe.example.com]", ""},
	}
	for _, tt := range tests {
		if got := RepoHost(tt.in); got != tt.want {
			t.Errorf("RepoHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
