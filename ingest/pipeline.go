package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// Limits against hostile or accidental huge input.
const (
	// MaxFileSize bounds a single input file on disk.
	MaxFileSize = 2 << 30
	// MaxConfigSize bounds files that parsers read whole (everything but
	// streamed logs).
	MaxConfigSize = 64 << 20
	// MaxDecompressedSize bounds what one .gz file may expand to; CloudTrail
	// delivers files of a few megabytes, so this only stops gzip bombs.
	MaxDecompressedSize = 8 << 30
)

// Pipeline runs one ingest: detect, parse, link, write.
type Pipeline struct {
	Parsers []Parser
	Store   graph.Store
	Derive  graph.DeriveFunc
	Env     *Env
	// Repo, when set, names the repository ("owner/name") of every input
	// file. Otherwise each file's repository comes from the nearest .git
	// folder's origin remote, or is Org plus the repository folder's name.
	// An empty Org stands for "local", and each repository named so is
	// logged as a warning.
	Repo string
	// RepoHost, when set with Repo, is the host of that repository (a
	// GitHub Enterprise Server, a self-managed GitLab) in place of the
	// host of the clone's origin remote.
	RepoHost string
	Org      string
	Workers  int
	Now      func() time.Time
	Logger   *slog.Logger
	// Progress, when set, receives how far parsing has come.
	Progress Progress
	// Prune, when set and the store is a graph.SourceLister, retires the
	// facts of every source under an input folder that the run did not
	// find there: deleted files, and files no parser reads any more. Files
	// that exist but cannot be read or parsed keep their facts.
	Prune bool
	// BeforeWrite, when set, is called once every file is parsed, just
	// before the batch is written and linked.
	BeforeWrite func()
	// StorePath, when set, is the embedded store's file. A walk that meets
	// it skips it and the files the store keeps beside it, whose names
	// start with the store's (its lock, history folder and temporary
	// files): they are the tool's own state, not input. OwnFiles lists
	// more such files, skipped by their exact path.
	StorePath string
	OwnFiles  []string
}

// Progress receives how far parsing has come. Add may be called from
// several goroutines at once.
type Progress interface {
	// Start is called once, before parsing, with the total size on disk
	// of the files to parse.
	Start(total int64)
	// Add reports the bytes read from disk and the records parsed since
	// the last call.
	Add(bytes, records int64)
}

// Skipper is implemented by parsers that recognise files of their format
// that hold no facts, such as the integrity digests of a log. Skip returns
// why such a file is skipped, or "" for any other file.
type Skipper interface {
	Skip(f *File) string
}

// Preparer is implemented by parsers that look at the whole input before
// any file is detected or parsed, such as the Terraform parser, which
// learns which module folders other folders of the input call. Prepare
// gets every file the walk found, with its path and repository only.
type Preparer interface {
	Prepare(files []*File)
}

// Summary reports what a run did, per format.
type Summary struct {
	Formats  map[string]*FormatSummary `json:"formats"`
	Skipped  []Skip                    `json:"skipped"`
	Rejected []Diagnostic              `json:"rejected"`
	Warnings []Diagnostic              `json:"warnings"`
	// Pruned lists the sources whose facts were retired because their
	// file is gone from an input folder.
	Pruned   []string      `json:"pruned,omitempty"`
	Nodes    int           `json:"nodes"`
	Edges    int           `json:"edges"`
	Duration time.Duration `json:"duration"`
}

// FormatSummary counts the files of one format.
type FormatSummary struct {
	Ingested int `json:"ingested"`
	Rejected int `json:"rejected"`
	Records  int `json:"records"`
	Warnings int `json:"warnings"`
}

// Skip is a file no parser claimed.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

type job struct {
	file *File
	// parser is the parser that claimed the file: nil until the file is
	// read, and when no parser claims it.
	parser Parser
	res    Result
	err    error
	// skip is the reason no parser claimed the file, and unread the
	// reason it could not be read.
	skip, unread string
	// prog counts the bytes read, when the run reports progress.
	prog Progress
}

// smallFile is the size up to which a worker reads a whole file at once
// and the parser reads it from memory: one read of the file gives both
// the head that parsers are chosen by and the content.
const smallFile = 1 << 20

// read opens the job's file and reads its head. It returns a file of up
// to smallFile bytes that is not compressed still open, so that load can
// read the rest once a parser claims it. The caller closes it. A file that
// no parser claims is read no further than its head.
func (j *job) read() (*os.File, error) {
	f := j.file
	if f.Size > smallFile || strings.HasSuffix(f.Path, ".gz") {
		return nil, j.readHead()
	}
	fd, _, err := OpenRegular(f.Path)
	if err != nil {
		return nil, err
	}
	head, err := readHeadFrom(fd)
	if err != nil {
		fd.Close()
		return nil, err
	}
	if textenc.HasMark(head) {
		// Read through Open, which gives the content as UTF-8 without
		// the mark.
		fd.Close()
		return nil, j.readHead()
	}
	f.Head = head
	return fd, nil
}

// readHead sets the file's head from the content Open gives.
func (j *job) readHead() error {
	head, err := readHead(j.file.Path)
	if err != nil {
		return err
	}
	j.file.Head = head
	return nil
}

// load reads the rest of a small file from fd, open after its head (see
// read), and makes the file's Open return the content from memory. It
// reads no more than one byte past smallFile: a file that grew larger
// since the walk is left for the parser to read from disk, and costs no
// more memory than a small file.
func (j *job) load(fd *os.File) error {
	f := j.file
	data := f.Head
	if len(f.Head) == HeadSize {
		// The buffer has room for the whole file and the read that finds
		// its end, so a file of the size the walk saw is read without
		// growing it.
		buf := bytes.NewBuffer(make([]byte, 0, max(f.Size, HeadSize)+bytes.MinRead))
		buf.Write(f.Head)
		if _, err := buf.ReadFrom(io.LimitReader(fd, smallFile+1-HeadSize)); err != nil {
			return err
		}
		if buf.Len() > smallFile {
			return nil
		}
		data = buf.Bytes()
		f.Head = data[:HeadSize]
	}
	f.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	if j.prog != nil {
		j.prog.Add(int64(len(data)), 0)
	}
	return nil
}

// ErrNotRegular reports a path that is not a regular file (OpenRegular).
// The walk reads only regular files, but a path can change after the
// walk, and a file beside an input may be anything.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens a file for reading, failing at once when the path is
// not a regular file. Opening a named pipe (FIFO) blocks until a writer
// opens it, so the file is opened without waiting and checked before it
// is read. Parsers that read files beside their input use it too.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return f, info, nil
}

// Run ingests the given files and folders.
func (p *Pipeline) Run(ctx context.Context, paths []string) (*Summary, error) {
	start := time.Now()
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sum := &Summary{Formats: map[string]*FormatSummary{}}

	files, walked, err := p.collect(paths, sum)
	if err != nil {
		return nil, err
	}
	log.Info("files found", "count", len(files), "skipped_while_walking", len(sum.Skipped), "took", time.Since(start).Round(time.Millisecond))
	for _, ps := range p.Parsers {
		if pr, ok := ps.(Preparer); ok {
			pr.Prepare(files)
		}
	}
	jobs := make([]*job, len(files))
	for i, f := range files {
		jobs[i] = &job{file: f}
	}
	if p.Progress != nil {
		p.track(jobs)
	}

	parseStart := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g.SetLimit(workers)
	in := newInterner()
	for _, j := range jobs {
		g.Go(func() error {
			p.runJob(gctx, j)
			if j.parser != nil && j.err == nil {
				// Share what the file repeats of earlier files as soon
				// as it is parsed, so the run holds one copy while
				// later files are read.
				in.result(&j.res, j.file.Path)
				// Appends leave up to half of a slice unused, and the
				// results of every file wait here until parsing ends.
				j.res.Nodes = clip(j.res.Nodes)
				j.res.Edges = clip(j.res.Edges)
			}
			if p.Progress != nil {
				p.Progress.Add(0, int64(j.res.Records))
			}
			return gctx.Err()
		})
	}
	// A parser busy on a hostile file may not look at its context; an
	// interrupt ends the run at once and leaves the graph as it was.
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	// The files that an earlier run read from an input folder and that are
	// gone now retire with this write, so their ids are no longer there for
	// the checks below.
	var pruned []string
	if p.Prune {
		if pruned, err = p.gone(ctx, walked, jobs, sum); err != nil {
			return nil, err
		}
	}
	if err := p.checkNeeds(ctx, jobs, pruned); err != nil {
		return nil, err
	}
	b := &graph.Batch{Time: now().UTC().Truncate(time.Second), Parts: make([]graph.Facts, 0, len(jobs))}
	in = nil
	parsed := 0
	for _, j := range jobs {
		switch {
		case j.unread != "":
			unreadable(sum, j.file.Path, j.unread)
			continue
		case j.parser == nil:
			sum.Skipped = append(sum.Skipped, Skip{Path: j.file.Path, Reason: j.skip})
			continue
		}
		parsed++
		fs := sum.Formats[j.parser.Format()]
		if fs == nil {
			fs = &FormatSummary{}
			sum.Formats[j.parser.Format()] = fs
		}
		if j.err != nil {
			fs.Rejected++
			sum.Rejected = append(sum.Rejected, rejection(j.file.Path, j.err))
			continue
		}
		fs.Ingested++
		fs.Records += j.res.Records
		fs.Warnings += len(j.res.Diags)
		sum.Warnings = append(sum.Warnings, j.res.Diags...)
		b.Replace = append(b.Replace, j.file.Path)
		b.Parts = append(b.Parts, graph.Facts{Nodes: j.res.Nodes, Edges: j.res.Edges})
		// The batch holds the facts now: the job lets go of them.
		j.res = Result{Records: j.res.Records}
	}
	log.Debug("files parsed", "count", parsed, "skipped", len(sum.Skipped), "took", time.Since(parseStart).Round(time.Millisecond))
	SortDiagnostics(sum.Rejected)
	SortDiagnostics(sum.Warnings)
	if p.Prune {
		sum.Pruned = pruned
		b.Replace = append(b.Replace, pruned...)
		if len(pruned) > 0 {
			log.Info("facts of deleted inputs retired", "sources", len(pruned))
		}
	}

	if p.BeforeWrite != nil {
		p.BeforeWrite()
	}
	if err := p.Store.Write(ctx, b, p.Derive); err != nil {
		return nil, fmt.Errorf("write graph: %w", err)
	}
	st, err := p.Store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	sum.Nodes, sum.Edges = st.Nodes, st.Edges
	sum.Duration = time.Since(start)
	log.Info("graph written", "nodes", st.Nodes, "edges", st.Edges, "duration", sum.Duration.Round(time.Millisecond))
	return sum, nil
}

// checkNeeds hands each parsed file that names nodes other inputs may
// declare (Result.Needs) the kinds of those that the run's facts or the
// store declare, so that its Check leaves out facts that point nowhere.
// A stored node counts only when a file that this run neither replaces
// nor retires (pruned) declares it. Such a file's own nodes come first:
// one that an input without a Check, an earlier file with a Check, or the
// store declares of another kind is left out with a warning.
func (p *Pipeline) checkNeeds(ctx context.Context, jobs []*job, pruned []string) error {
	checked := func(j *job) bool { return j.parser != nil && j.err == nil && j.res.Check != nil }
	need := map[string]bool{}
	for _, j := range jobs {
		if checked(j) {
			for _, id := range j.res.Needs {
				need[id] = true
			}
			for i := range j.res.Nodes {
				need[j.res.Nodes[i].ID] = true
			}
		}
	}
	if len(need) == 0 {
		return nil
	}

	known := make(map[string]graph.NodeKind, len(need))
	replaced := map[string]bool{}
	for _, f := range pruned {
		replaced[f] = true
	}
	for _, j := range jobs {
		if j.parser == nil || j.err != nil {
			continue
		}
		replaced[j.file.Path] = true
		if j.res.Check != nil {
			continue
		}
		for i := range j.res.Nodes {
			if n := &j.res.Nodes[i]; need[n.ID] {
				known[n.ID] = n.Kind
			}
		}
	}

	var rest []string
	for id := range need {
		if _, ok := known[id]; !ok {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 {
		sort.Strings(rest)
		stored, err := p.Store.Nodes(ctx, rest)
		if err != nil {
			return fmt.Errorf("read the nodes that input files name: %w", err)
		}
		for _, n := range stored {
			if outlives(n, replaced) {
				known[n.ID] = n.Kind
			}
		}
	}

	// A checked file adds facts, so a node it declares of another kind
	// than another input does is left out. Of two such files, the first
	// one read keeps its node, and every node is in known before any
	// edge is checked.
	for _, j := range jobs {
		if !checked(j) {
			continue
		}
		valid := j.res.Nodes[:0]
		for _, n := range j.res.Nodes {
			if k, ok := known[n.ID]; ok && k != n.Kind {
				j.res.Warnf(Position{File: j.file.Path, Line: n.Pos.Line}, "node left out: another input declares %s a %s", n.ID, k)
				continue
			}
			known[n.ID] = n.Kind
			valid = append(valid, n)
		}
		clear(j.res.Nodes[len(valid):])
		j.res.Nodes = valid
	}

	for _, j := range jobs {
		if checked(j) {
			j.res.Check(&j.res, known)
			j.res.Check, j.res.Needs = nil, nil
		}
	}
	return nil
}

// outlives reports whether a stored node keeps a fact from a source that
// the run does not replace: a position in a file outside replaced, or a
// fact the linker derived.
func outlives(n graph.Node, replaced map[string]bool) bool {
	if !replaced[n.Pos.File] {
		return true
	}
	for _, at := range n.Also {
		if !replaced[at.File] {
			return true
		}
	}
	return false
}

// gone returns the sources under the walked folders that this run did not
// find: every source the store holds there except the files parsed,
// rejected or left unread because of a read error.
func (p *Pipeline) gone(ctx context.Context, walked []string, jobs []*job, sum *Summary) ([]string, error) {
	lister, ok := p.Store.(graph.SourceLister)
	if !ok || len(walked) == 0 {
		return nil, nil
	}
	sources, err := lister.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	present := map[string]bool{}
	for _, j := range jobs {
		if j.parser != nil || j.unread != "" {
			present[j.file.Path] = true
		}
	}
	for _, d := range sum.Rejected {
		present[d.Pos.File] = true
	}
	var unread []string
	for _, sk := range sum.Skipped {
		if strings.HasPrefix(sk.Reason, "cannot read") {
			unread = append(unread, sk.Path)
		}
	}
	var out []string
	for _, src := range sources {
		// The linker's facts are no file: a walk of "." would
		// otherwise take their source for a relative path in it.
		if src == graph.DerivedSource || present[src] || !under(src, walked) || under(src, unread) || slices.Contains(unread, src) {
			continue
		}
		out = append(out, src)
	}
	return out, nil
}

// under reports whether path lies inside one of the folders.
func under(path string, folders []string) bool {
	for _, f := range folders {
		if Within(path, f) {
			return true
		}
	}
	return false
}

// Within reports whether path is folder or lies under it. Both are
// relative, as a walk of a relative folder names its files (the walk of
// "." gives a/b.tf, with no "./"), or both absolute.
func Within(path, folder string) bool {
	if filepath.IsAbs(path) != filepath.IsAbs(folder) {
		return false
	}
	rel, err := filepath.Rel(folder, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// runJob reads a file, finds the parser that claims it and runs it.
func (p *Pipeline) runJob(ctx context.Context, j *job) {
	f := j.file
	// The content must not outlive the parse: the run keeps every file
	// until it ends.
	open := f.Open
	defer func() { f.Open, f.Head = open, nil }()
	fd, err := j.read()
	if err != nil {
		j.unread = readFailure(err)
		return
	}
	if fd != nil {
		defer fd.Close()
	}

	// A NUL byte marks a binary file, skipped unless a parser claims it
	// by name, which then rejects it with a position.
	f.binary = bytes.IndexByte(f.Head, 0) >= 0
	j.parser = p.detect(f)
	if j.parser == nil {
		j.skip = p.skipReason(f)
		if f.binary {
			j.skip = "binary file"
		}
		if j.prog != nil {
			j.prog.Add(f.Size, 0)
		}
		return
	}

	if fd != nil {
		if err := j.load(fd); err != nil {
			j.parser, j.unread = nil, readFailure(err)
			return
		}
	}
	j.err = parseOne(ctx, j, p.Env)
}

// parseOne runs the job's parser on its file, which runJob has read. It
// turns a panic into a rejection, so that one hostile file cannot stop the
// run.
func parseOne(ctx context.Context, j *job, env *Env) (err error) {
	defer func() {
		if r := recover(); r != nil {
			j.res = Result{}
			// A runtime error's message comes from the Go runtime and
			// holds no input text; any other panic value might.
			detail := ""
			if re, ok := r.(runtime.Error); ok {
				detail = " (" + re.Error() + ")"
			}
			err = Errorf(Position{File: j.file.Path}, "internal error while parsing as %s%s; the file was skipped, please report it", j.parser.Format(), detail)
		}
	}()
	if err := j.parser.Parse(ctx, j.file, env, &j.res); err != nil {
		j.res = Result{}
		return err
	}
	for i := range j.res.Diags {
		if j.res.Diags[i].Pos.File == "" {
			j.res.Diags[i].Pos.File = j.file.Path
		}
	}
	dropInvalid(&j.res, j.file.Path)
	return nil
}

// dropInvalid removes facts no store can keep (a parser bug, not bad
// input), each with a diagnostic, so one bad fact cannot fail the write.
func dropInvalid(res *Result, path string) {
	nodes := res.Nodes[:0]
	for _, n := range res.Nodes {
		if err := graph.CheckNode(n); err != nil {
			res.Warnf(Position{File: path, Line: n.Pos.Line}, "internal error: %v; the fact was dropped, please report it", err)
			continue
		}
		nodes = append(nodes, n)
	}
	res.Nodes = nodes
	edges := res.Edges[:0]
	for _, e := range res.Edges {
		if err := graph.CheckEdge(e); err != nil {
			res.Warnf(Position{File: path, Line: e.Pos.Line}, "internal error: %v; the fact was dropped, please report it", err)
			continue
		}
		edges = append(edges, e)
	}
	res.Edges = edges
}

func rejection(path string, err error) Diagnostic {
	var pe *Error
	if errors.As(err, &pe) {
		d := Diagnostic{Pos: pe.Pos, Msg: pe.Msg}
		if d.Pos.File == "" {
			d.Pos.File = path
		}
		return d
	}
	return Diagnostic{Pos: Position{File: path}, Msg: err.Error()}
}

// clip returns s in an array of its own length when appends left much of
// its capacity unused.
func clip[T any](s []T) []T {
	if cap(s)-len(s) <= len(s)/8 {
		return s
	}
	return slices.Clone(s)
}

// stamp makes every fact's position name the file it came from, since the
// store keys facts by that name.
func stamp(ns []graph.Node, path string) []graph.Node {
	for i := range ns {
		ns[i].Pos.File = path
	}
	return ns
}

func stampEdges(es []graph.Edge, path string) []graph.Edge {
	for i := range es {
		es[i].Pos.File = path
	}
	return es
}

func (p *Pipeline) detect(f *File) Parser {
	for _, ps := range p.Parsers {
		if ps.Detect(f) {
			return ps
		}
	}
	return nil
}

// skipReason returns why no parser claimed a file.
func (p *Pipeline) skipReason(f *File) string {
	for _, ps := range p.Parsers {
		if sk, ok := ps.(Skipper); ok {
			if reason := sk.Skip(f); reason != "" {
				return reason
			}
		}
	}
	return "format not recognised"
}

// track reports the total size of the files to parse and makes each
// file's reads count towards the progress.
func (p *Pipeline) track(jobs []*job) {
	var total int64
	for _, j := range jobs {
		j.prog = p.Progress
		total += j.file.Size
		path := j.file.Path
		gz := strings.HasSuffix(path, ".gz")
		j.file.Open = func() (io.ReadCloser, error) { return openCounted(path, gz, p.Progress) }
	}
	p.Progress.Start(total)
}

// unreadable counts a file that could not be read as rejected, not
// skipped: the user named it, and its facts are missing from the run.
func unreadable(sum *Summary, path, reason string) {
	fs := sum.Formats["unreadable"]
	if fs == nil {
		fs = &FormatSummary{}
		sum.Formats["unreadable"] = fs
	}
	fs.Rejected++
	sum.Rejected = append(sum.Rejected, Diagnostic{Pos: Position{File: path}, Msg: reason})
}

// readFailure is the reason a file could not be read: the error, and the
// advice to check the file's permissions when access was denied.
func readFailure(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "cannot read: " + err.Error() + "; check its permissions"
	}
	return "cannot read: " + err.Error()
}

// skipDirs are folders that hold tool state or vendored code, not inputs.
var skipDirs = map[string]bool{".git": true, "node_modules": true, ".terraform": true, ".blastradius": true, "__pycache__": true}

// collect finds the input files, and returns them with the folders it
// walked.
func (p *Pipeline) collect(paths []string, sum *Summary) ([]*File, []string, error) {
	var walked []string
	// The walk lists the files on one goroutine while workers look up
	// their sizes: on a large tree each takes seconds.
	var found []*foundFile
	work := make(chan *foundFile, 1024)
	var sizes errgroup.Group
	// A lookup waits on the disk as much as on the processor.
	readers := 2 * runtime.GOMAXPROCS(0)
	for range readers {
		sizes.Go(func() error {
			for ff := range work {
				if ff.info == nil {
					info, err := os.Lstat(ff.path)
					if err != nil {
						ff.skip = readFailure(err)
						continue
					}
					if !info.Mode().IsRegular() {
						// Replaced by another kind of file since the
						// walk listed it; the walk reads only regular
						// files.
						ff.skip = "not a regular file"
						continue
					}
					ff.info = info
				}
				ff.file, ff.skip = p.file(ff.path, ff.info)
			}
			return nil
		})
	}
	walkDone := sync.OnceFunc(func() {
		close(work)
		sizes.Wait()
	})
	defer walkDone()
	add := func(ff *foundFile) {
		found = append(found, ff)
		if ff.walkSkip == "" {
			work <- ff
		}
	}
	// The walk lists every folder's entries, so it records which folders
	// are repository roots without a stat call per folder.
	finder := newRepoFinder()
	isStore := p.storeFiles()
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("input %s: %w", root, err)
		}
		if info.IsDir() {
			// Walk a linked folder given as input from its target.
			if target, err := filepath.EvalSymlinks(root); err == nil {
				root = target
			}
		}
		if !info.IsDir() {
			clean := filepath.Clean(root)
			add(&foundFile{path: clean, given: root, inputRoot: filepath.Dir(clean), fileInput: true, info: info})
			continue
		}
		walked = append(walked, filepath.Clean(root))
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				add(&foundFile{given: path, walkSkip: walkError + ": " + err.Error()})
				return nil
			}
			if path != root && isStore(path, d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != root {
					finder.walked(filepath.Dir(path), d)
				}
				if _, ok := finder.roots[path]; !ok {
					finder.roots[path] = false
				}
				if path != root && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			finder.walked(filepath.Dir(path), d)
			if d.Type().IsRegular() {
				// The readers stat a regular file, beside the walk:
				// a large tree has hundreds of thousands of them.
				add(&foundFile{path: path, given: path, inputRoot: root})
				return nil
			}
			info, err := d.Info()
			if err == nil && d.Type()&fs.ModeSymlink != 0 {
				// A link to a file is read; a link to a folder is not
				// followed, so that link loops cannot trap the walk.
				info, err = os.Stat(path)
				if err == nil && info.IsDir() {
					add(&foundFile{given: path, walkSkip: "link to a folder, not followed"})
					return nil
				}
			}
			if err != nil {
				add(&foundFile{given: path, walkSkip: "cannot read: " + err.Error()})
				return nil
			}
			if !info.Mode().IsRegular() {
				// A named pipe, socket or device is never read: opening a
				// pipe waits for a writer.
				add(&foundFile{given: path, walkSkip: "not a regular file (" + fileKind(info.Mode()) + ")"})
				return nil
			}
			add(&foundFile{path: path, given: path, inputRoot: root, info: info})
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	walkDone()

	// A file's repository is known once the walk has listed every folder
	// above it.
	var place errgroup.Group
	place.SetLimit(readers)
	for _, ff := range found {
		if ff.file != nil {
			place.Go(func() error {
				p.place(ff.file, ff.inputRoot, ff.fileInput, finder)
				return nil
			})
		}
	}
	place.Wait()

	var files []*File
	seen := map[string]bool{}
	for _, ff := range found {
		switch {
		case ff.walkSkip != "":
			sum.Skipped = append(sum.Skipped, Skip{Path: ff.given, Reason: ff.walkSkip})
		case strings.HasPrefix(ff.skip, "cannot read"):
			unreadable(sum, ff.given, ff.skip)
		case ff.skip != "":
			sum.Skipped = append(sum.Skipped, Skip{Path: ff.given, Reason: ff.skip})
		case !seen[ff.file.Path]:
			seen[ff.file.Path] = true
			files = append(files, ff.file)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, walked, nil
}

// fileKind names the kind of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not readable as a file"
}

// storeFiles returns a test for the walk: whether the entry name at path
// is the store's file or one the store keeps beside it.
func (p *Pipeline) storeFiles() func(path, name string) bool {
	prefixes := map[string][]string{} // folder -> name prefixes
	exact := map[string][]string{}    // folder -> names
	add := func(m map[string][]string, file string) {
		if abs, err := filepath.Abs(file); err == nil && file != "" {
			m[filepath.Dir(abs)] = append(m[filepath.Dir(abs)], filepath.Base(abs))
		}
	}
	add(prefixes, p.StorePath)
	for _, f := range p.OwnFiles {
		add(exact, f)
	}
	// The walk tests every entry of a tree, and filepath.Abs would
	// look the working folder up each time: two stat calls per entry.
	wd, err := os.Getwd()
	return func(path, name string) bool {
		if len(prefixes)+len(exact) == 0 {
			return false
		}
		abs := filepath.Dir(path)
		if !filepath.IsAbs(abs) {
			if err != nil {
				return false
			}
			abs = filepath.Join(wd, abs)
		}
		for _, base := range prefixes[abs] {
			if strings.HasPrefix(name, base) {
				return true
			}
		}
		return slices.Contains(exact[abs], name)
	}
}

// foundFile is an entry the walk found: its path, the path to report it
// by, and why the walk skipped it (walkSkip). Once its size is known, it
// also has the file or the reason it is skipped.
type foundFile struct {
	path, given, inputRoot string
	// fileInput marks a file given as an input itself, not found in a
	// given folder.
	fileInput bool
	info      fs.FileInfo
	walkSkip  string
	file      *File
	skip      string
}

// walkError starts the reason of a path the walk could not read.
const walkError = "cannot read"

// file returns one input file, unread, or why it is skipped. place
// gives it its repository; a parse worker reads it.
func (p *Pipeline) file(path string, info fs.FileInfo) (*File, string) {
	if info.Size() > MaxFileSize {
		return nil, fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)
	}
	gz := strings.HasSuffix(path, ".gz")
	return &File{Path: path, Size: info.Size(), Open: func() (io.ReadCloser, error) { return openFile(path, gz) }}, ""
}

// place sets the repository of a file and its path in the repository.
func (p *Pipeline) place(f *File, inputRoot string, fileInput bool, finder *repoFinder) {
	root, repo := p.repoOf(f.Path, inputRoot, fileInput, finder)
	rel := filepath.Base(f.Path)
	if root != "" {
		if r, err := filepath.Rel(root, f.Path); err == nil {
			rel = r
		}
	}
	f.RelPath = filepath.ToSlash(strings.TrimSuffix(rel, ".gz"))
	f.Repo = repo
	f.Named = fileInput
	if root != "" {
		fg := finder.entry(p, root).forge
		f.RepoHost = fg.host
		f.GitLabProject = fg.gitlab
	}
}

// readHead returns the first HeadSize bytes of a file's (decompressed)
// content.
func readHead(path string) ([]byte, error) {
	rc, err := openFile(path, strings.HasSuffix(path, ".gz"))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readHeadFrom(rc)
}

func readHeadFrom(r io.Reader) ([]byte, error) {
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}

type gzipFile struct {
	io.Reader
	f io.Closer
	z *gzip.Reader
}

func (g gzipFile) Close() error {
	g.z.Close()
	return g.f.Close()
}

// limitedGzip ends a decompressed stream with an error past a bound, so a
// small .gz that expands to terabytes (a gzip bomb) stops early.
type limitedGzip struct {
	r    io.Reader
	left int64
}

// ErrDecompressedTooLarge reports a .gz file that expands past
// MaxDecompressedSize.
var ErrDecompressedTooLarge = fmt.Errorf("decompressed content is larger than %d GiB: the file is not read further", MaxDecompressedSize>>30)

func (l *limitedGzip) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, ErrDecompressedTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func openFile(path string, gz bool) (io.ReadCloser, error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	return content(f, gz)
}

// content returns the text of an open file: decompressed when gz is set,
// and as UTF-8 when it is UTF-16 (see utf8Reader). Closing it closes f.
func content(f io.ReadCloser, gz bool) (io.ReadCloser, error) {
	if !gz {
		return utf8Reader(f), nil
	}
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("not a gzip file: %w", err)
	}
	return utf8Reader(gzipFile{Reader: &limitedGzip{r: zr, left: MaxDecompressedSize}, f: f, z: zr}), nil
}

// openCounted opens a file as openFile does, reporting the bytes read
// from disk to prog.
func openCounted(path string, gz bool, prog Progress) (io.ReadCloser, error) {
	f, _, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	return content(&countingFile{f: f, prog: prog}, gz)
}

// countingFile reports the bytes read from a file in steps of at least
// countStep, and the rest when it is closed.
type countingFile struct {
	f       *os.File
	prog    Progress
	pending int64
}

const countStep = 1 << 20

func (c *countingFile) Read(b []byte) (int, error) {
	n, err := c.f.Read(b)
	c.pending += int64(n)
	if c.pending >= countStep {
		c.prog.Add(c.pending, 0)
		c.pending = 0
	}
	return n, err
}

func (c *countingFile) Close() error {
	if c.pending > 0 {
		c.prog.Add(c.pending, 0)
		c.pending = 0
	}
	return c.f.Close()
}

// repoFinder remembers, for one walk, which folders are repository roots
// and the repository each root names. A repository's files ask the same
// questions of the same folders.
// It is safe for concurrent use.
type repoFinder struct {
	mu    sync.Mutex
	roots map[string]bool
	// unsure holds folders whose marker is a link, which isRepoRoot
	// follows.
	unsure map[string]bool
	// repos holds what is known of each repository's top folder, read
	// once.
	repos map[string]*repoEntry
}

// newRepoFinder returns a finder with no folder recorded yet.
func newRepoFinder() *repoFinder {
	return &repoFinder{roots: map[string]bool{}, unsure: map[string]bool{}, repos: map[string]*repoEntry{}}
}

// repoEntry is a repository's name and forge, worked out from its top
// folder for the first file placed in it. Its git config is read once,
// outside the finder's lock, so readers of other repositories do not wait.
type repoEntry struct {
	once  sync.Once
	name  string
	forge forge
}

// entry returns the name and forge of the repository whose top folder is
// root.
func (finder *repoFinder) entry(p *Pipeline, root string) *repoEntry {
	finder.mu.Lock()
	e := finder.repos[root]
	if e == nil {
		e = &repoEntry{}
		finder.repos[root] = e
	}
	finder.mu.Unlock()
	e.once.Do(func() {
		url := originURL(filepath.Join(root, ".git", "config"))
		gitlab := isFile(filepath.Join(root, ".gitlab-ci.yml"))
		e.name = p.repoNameFrom(root, url, gitlab)
		host := hostFromURL(url)
		if p.Repo != "" && p.RepoHost != "" {
			host = p.RepoHost
		}
		e.forge = forge{host: host, gitlab: gitlab && !isDir(filepath.Join(root, ".github"))}
	})
	return e
}

// forge is the origin host of a repository's clone, and whether its top
// folder holds .gitlab-ci.yml and no .github folder.
type forge struct {
	host   string
	gitlab bool
}

// walked records an entry the walk found in folder dir, before any
// question about dir: a folder whose entries all pass through here has
// its answer in roots once the walk ends. An entry that is a link is
// left for isRepoRoot to follow.
func (finder *repoFinder) walked(dir string, d fs.DirEntry) {
	if d.Type()&fs.ModeSymlink != 0 {
		switch d.Name() {
		case ".git", ".github", ".circleci", ".gitlab-ci.yml":
			finder.unsure[dir] = true
		}
		return
	}
	switch d.Name() {
	case ".git", ".github", ".circleci":
		if d.IsDir() {
			finder.roots[dir] = true
		}
	case ".gitlab-ci.yml":
		if d.Type().IsRegular() {
			finder.roots[dir] = true
		}
	}
}

func (finder *repoFinder) isRepoRoot(dir string) bool {
	finder.mu.Lock()
	is, ok := finder.roots[dir]
	if finder.unsure[dir] {
		ok = false
	}
	finder.mu.Unlock()
	if !ok {
		// Two files of one folder may both look: they find the same.
		is = isRepoRoot(dir)
		finder.mu.Lock()
		finder.roots[dir] = is
		finder.mu.Unlock()
	}
	return is
}

// repoOf finds the repository a file belongs to: the nearest folder at or
// below the input root that holds .git, .github, .circleci or
// .gitlab-ci.yml, else the input root. A file given as an input itself
// (fileInput) is looked up above its folder too: a workflow given as
// repo/.github/workflows/ci.yml belongs to repo.
func (p *Pipeline) repoOf(path, inputRoot string, fileInput bool, finder *repoFinder) (root, repo string) {
	inputRoot = filepath.Clean(inputRoot)
	dir := filepath.Dir(path)
	if fileInput {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
	}
	for {
		if finder.isRepoRoot(dir) {
			root = dir
			break
		}
		parent := filepath.Dir(dir)
		if (dir == inputRoot && !fileInput) || parent == dir {
			break
		}
		dir = parent
	}
	if root != "" && fileInput && !filepath.IsAbs(inputRoot) {
		// Name the root as the input was given, relative when it was.
		if rel, err := filepath.Rel(mustAbs(inputRoot), root); err == nil {
			root = filepath.Join(inputRoot, rel)
		}
	}
	if root == "" {
		root = inputRoot
	}
	return root, finder.entry(p, root).name
}

// mustAbs returns the absolute form of a path, or the path when the
// working folder is unknown.
func mustAbs(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// repoName names the repository whose top folder is root.
func (p *Pipeline) repoName(root string) string {
	return p.repoNameFrom(root, originURL(filepath.Join(root, ".git", "config")), isFile(filepath.Join(root, ".gitlab-ci.yml")))
}

// repoNameFrom is repoName given the URL of the clone's origin remote
// and whether root holds .gitlab-ci.yml.
func (p *Pipeline) repoNameFrom(root, origin string, gitlab bool) string {
	if p.Repo != "" {
		return p.Repo
	}
	if origin != "" {
		if name := repoFromURL(origin, gitlab); name != "" {
			return name
		}
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	if p.Org != "" {
		return p.Org + "/" + filepath.Base(abs)
	}
	name := "local/" + filepath.Base(abs)
	if p.Logger != nil && isRepoRoot(root) {
		// Secrets, trust policies and OIDC subjects name the real owner, so
		// a job of local/NAME silently meets none of them.
		p.Logger.Warn("repository owner unknown: no --org and no origin remote that names it; pass --org OWNER, or secrets and trust policies that name the real owner will not match",
			"folder", root, "repository", name)
	}
	return name
}

// isRepoRoot reports whether a folder holds what only a repository's top
// folder holds: .git, or the configuration of its CI system.
func isRepoRoot(dir string) bool {
	return isDir(filepath.Join(dir, ".git")) || isDir(filepath.Join(dir, ".github")) ||
		isDir(filepath.Join(dir, ".circleci")) || isFile(filepath.Join(dir, ".gitlab-ci.yml"))
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// maxGitConfig bounds the part of a git config that originURL reads. Git
// writes the origin remote near the top, and real configs are a few KiB.
const maxGitConfig = 1 << 20

// originURL reads the URL of the origin remote of a git config, or "".
func originURL(configPath string) string {
	f, _, err := OpenRegular(configPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxGitConfig))
	if err != nil {
		return ""
	}
	inOrigin := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inOrigin = line == `[remote "origin"]`
			continue
		}
		if !inOrigin || !strings.HasPrefix(line, "url") {
			continue
		}
		_, url, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		return strings.TrimSpace(url)
	}
	return ""
}

// hostFromURL returns the host name of an https or ssh clone URL, without
// user, port or a trailing dot, or "" when the URL names none.
func hostFromURL(url string) string {
	host := ""
	if i := strings.Index(url, "://"); i >= 0 {
		host, _, _ = strings.Cut(url[i+3:], "/")
		host = host[strings.LastIndexByte(host, '@')+1:]
		if v6, ok := strings.CutPrefix(host, "["); ok {
			host, _, _ = strings.Cut(v6, "]")
		} else {
			host, _, _ = strings.Cut(host, ":")
		}
	} else if i := strings.Index(url, ":"); i >= 0 {
		host = url[:i]
		host = host[strings.LastIndexByte(host, '@')+1:]
	}
	if strings.Contains(host, "/") {
		return ""
	}
	// A fully qualified name may end in a dot (github.com.), which
	// names the same host.
	return unalias(strings.ToLower(strings.TrimSuffix(host, ".")))
}

// RepoHost returns the host that --repo-host names, lower case and
// without a trailing dot or port, or "" when host is neither a host name
// nor an IP address. An IPv6 address may come with or without brackets.
// The name is taken as given: unlike an origin's host, it is no ssh alias.
func RepoHost(host string) string {
	if v6, ok := strings.CutPrefix(host, "["); ok && net.ParseIP(strings.TrimSuffix(v6, "]")) != nil {
		host = strings.TrimSuffix(v6, "]")
	}
	if ip := net.ParseIP(host); ip != nil {
		return strings.ToLower(host)
	}
	if h, port, err := net.SplitHostPort(host); err == nil {
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return ""
		}
		host = h
		if ip := net.ParseIP(host); ip != nil {
			return strings.ToLower(host)
		}
	} else if strings.Contains(host, ":") {
		return ""
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return ""
	}
	for _, label := range strings.Split(host, ".") {
		if !hostLabel(label) {
			return ""
		}
	}
	return host
}

// hostLabel reports whether label is one label of a host name: 1 to 63
// letters, digits and hyphens, with no hyphen first or last.
func hostLabel(label string) bool {
	if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
		return false
	}
	return !strings.ContainsFunc(label, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-'
	})
}

// unalias returns the forge that an ssh alias names when the alias starts
// with a public forge's name ("gitlab.com-work" in ~/.ssh/config for a
// second account), "" for another alias, and host itself for a possible
// real name or an IP address. A public name's last label is letters or
// punycode ("xn--"), while an alias's often has a hyphen, an underscore or
// a digit.
func unalias(host string) string {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if net.ParseIP(host) != nil || strings.HasPrefix(last, "xn--") || !strings.ContainsFunc(last, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return host
	}
	for _, forge := range []string{"gitlab.com", "github.com"} {
		if rest, ok := strings.CutPrefix(host, forge); ok && rest != "" && (rest[0] == '-' || rest[0] == '_') {
			return forge
		}
	}
	return ""
}

// repoFromURL extracts "owner/name" from an https or ssh clone URL. A
// GitLab project (gitlab set, or a host whose name contains "gitlab")
// keeps its whole path, groups and subgroups included
// ("group/subgroup/name"), since GitLab names the project by that path.
func repoFromURL(url string, gitlab bool) string {
	url = strings.TrimSuffix(strings.TrimSuffix(url, "/"), ".git")
	host := ""
	if i := strings.Index(url, "://"); i >= 0 {
		url = url[i+3:]
		if j := strings.Index(url, "/"); j >= 0 {
			host, url = url[:j], url[j+1:]
		}
	} else if i := strings.Index(url, ":"); i >= 0 {
		host, url = url[:i], url[i+1:]
	}
	parts := strings.Split(url, "/")
	if len(parts) < 2 {
		return ""
	}
	if gitlab || strings.Contains(strings.ToLower(host), "gitlab") {
		return url
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}
