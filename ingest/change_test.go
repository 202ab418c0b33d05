package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// changingParser is a fakeParser that, when it is asked about a.fake,
// runs change on change.fake in the same folder. A run with one worker
// reads a.fake before change.fake, so change acts between the walk that
// found change.fake and the read of it.
type changingParser struct {
	fakeParser
	change func(path string)
	done   bool
}

func (c *changingParser) Detect(f *File) bool {
	if !c.done && filepath.Base(f.Path) == "a.fake" {
		c.done = true
		c.change(filepath.Join(filepath.Dir(f.Path), "change.fake"))
	}
	return c.fakeParser.Detect(f)
}

// runBounded runs p on dir and fails the test when Run takes more than
// 10 s. It then calls unblock so that the run can end.
func runBounded(t *testing.T, p *Pipeline, dir string, unblock func()) *Summary {
	t.Helper()
	type result struct {
		sum *Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := p.Run(context.Background(), []string{dir})
		done <- result{sum, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.sum
	case <-time.After(10 * time.Second):
		unblock()
		<-done
		t.Fatal("Run did not return within 10 s")
	}
	return nil
}

// releaseFIFO opens a named pipe for writing and closes it, so that a
// reader blocked opening the pipe reads its end at once.
func releaseFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

func TestPipelineFileTurnsIntoPipeBeforeParse(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "change.fake"), []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.fake"), []byte("two\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "change.fake")
	parser := &changingParser{change: func(path string) {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Error(err)
		}
	}}
	p := &Pipeline{Parsers: []Parser{parser}, Store: memstore.New(), Org: "example-org", Workers: 1}
	sum := runBounded(t, p, dir, func() { releaseFIFO(fifo) })
	if got := sum.Formats["fake"]; got == nil || got.Ingested != 1 || got.Rejected != 0 {
		t.Fatalf("fake summary = %+v, want a.fake ingested", got)
	}
	if got := sum.Formats["unreadable"]; got == nil || got.Rejected != 1 {
		t.Fatalf("unreadable summary = %+v, want change.fake rejected", got)
	}
	if len(sum.Rejected) != 1 || sum.Rejected[0].Pos.File != fifo || !strings.Contains(sum.Rejected[0].Msg, "not a regular file") ||
		strings.Contains(sum.Rejected[0].Msg, "permissions") {
		t.Errorf("rejected = %+v, want %s as not a regular file, without advice on permissions", sum.Rejected, fifo)
	}
}

func TestPipelineFileTurnsIntoFolderBeforeParse(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "change.fake")
	for _, f := range []string{path, filepath.Join(dir, "a.fake")} {
		if err := os.WriteFile(f, []byte("one\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	parser := &changingParser{change: func(path string) {
		if err := os.Remove(path); err != nil {
			t.Error(err)
		}
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Error(err)
		}
	}}
	p := &Pipeline{Parsers: []Parser{parser}, Store: memstore.New(), Org: "example-org", Workers: 1}
	sum := runBounded(t, p, dir, func() {})
	if len(sum.Rejected) != 1 || sum.Rejected[0].Pos.File != path {
		t.Errorf("rejected = %+v, want %s", sum.Rejected, path)
	}
}

func TestOpenFileRejectsPipeAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.yml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, gz := range []bool{false, true} {
		done := make(chan error, 1)
		go func() {
			rc, err := openFile(fifo, gz)
			if err == nil {
				rc.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("openFile(pipe, gz=%v) = %v, want %v", gz, err, ErrNotRegular)
			}
		case <-time.After(10 * time.Second):
			releaseFIFO(fifo)
			<-done
			t.Fatalf("openFile(pipe, gz=%v) blocked for 10 s", gz)
		}
	}
}

// sizeParser reads *.fake files to the end and records their size as a
// node attribute.
type sizeParser struct{ fakeParser }

func (sizeParser) Parse(ctx context.Context, f *File, env *Env, res *Result) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return err
	}
	res.AddNode(graph.Node{ID: "runtime:" + f.RelPath, Kind: graph.NodeRuntime, Attrs: map[string]string{"size": strconv.FormatInt(n, 10)}})
	res.Records++
	return nil
}

func TestReadOfGrownFileIsBounded(t *testing.T) {
	// The walk found 4 bytes, and the file has 32 MiB when the worker reads it.
	const grown = 32 << 20
	path := filepath.Join(t.TempDir(), "grown.fake")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for range grown / len(line) {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	j := &job{file: &File{Path: path, Size: 4, Open: func() (io.ReadCloser, error) { return openFile(path, false) }}, parser: sizeParser{}}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := readClaimed(j); err != nil {
		t.Fatal(err)
	}
	if err := parseOne(context.Background(), j, nil); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)

	if len(j.res.Nodes) != 1 || j.res.Nodes[0].Attrs["size"] != strconv.Itoa(grown) {
		t.Fatalf("nodes = %+v, want one of size %d: the parser reads the file as it is now", j.res.Nodes, grown)
	}
	// Reading the grown file whole would allocate at least its 32 MiB.
	// Reading at most one byte past smallFile allocates a few MiB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("parsing the grown file allocated %d MiB, want under 8 MiB", alloc>>20)
	}
}

func TestReadHoldsFilesUpToSmallFile(t *testing.T) {
	for _, size := range []int{0, 1, HeadSize + 1, smallFile, smallFile + 1} {
		path := filepath.Join(t.TempDir(), "f.fake")
		content := []byte(strings.Repeat("a", size))
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		j := &job{file: &File{Path: path, Size: int64(size), Open: func() (io.ReadCloser, error) { return openFile(path, false) }}}
		if err := readClaimed(j); err != nil {
			t.Fatal(err)
		}
		if want := min(size, HeadSize); len(j.file.Head) != want {
			t.Errorf("size %d: head of %d bytes, want %d", size, len(j.file.Head), want)
		}
		// A file held in memory still opens once removed from disk.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		rc, err := j.file.Open()
		inMemory := err == nil
		if inMemory {
			data, _ := io.ReadAll(rc)
			rc.Close()
			if len(data) != size {
				t.Errorf("size %d: read %d bytes from memory", size, len(data))
			}
		}
		if want := size <= smallFile; inMemory != want {
			t.Errorf("size %d: held in memory = %v, want %v", size, inMemory, want)
		}
	}
}

func TestReadFailureAdvisesOnPermissionsOnly(t *testing.T) {
	denied := readFailure(&os.PathError{Op: "open", Path: "a.yml", Err: syscall.EACCES})
	if want := "cannot read: open a.yml: permission denied; check its permissions"; denied != want {
		t.Errorf("denied: %q, want %q", denied, want)
	}
	missing := readFailure(&os.PathError{Op: "open", Path: "a.yml", Err: syscall.ENOENT})
	if want := "cannot read: open a.yml: no such file or directory"; missing != want {
		t.Errorf("missing: %q, want %q", missing, want)
	}
}

// readClaimed reads a job's file as a worker does once a parser claims
// it: the head, then the rest of a small file.
func readClaimed(j *job) error {
	fd, err := j.read()
	if err != nil || fd == nil {
		return err
	}
	defer fd.Close()
	return j.load(fd)
}

// A named pipe in an input folder is skipped with its reason, and the
// other files are read.
func TestWalkSkipsPipe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.fake"), []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.fake")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	p := &Pipeline{Parsers: []Parser{fakeParser{}}, Store: memstore.New(), Org: "example-org"}
	sum := runBounded(t, p, dir, func() { releaseFIFO(fifo) })
	if got := sum.Formats["fake"]; got == nil || got.Ingested != 1 {
		t.Errorf("fake summary = %+v, want a.fake ingested", got)
	}
	want := []Skip{{Path: fifo, Reason: "not a regular file (a named pipe)"}}
	if diff := cmp.Diff(want, sum.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}
