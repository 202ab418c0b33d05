// Package ingest turns input files into graph facts: it detects each
// file's format, hands it to the parser of that format, links references
// made by name across files, and writes one run atomically to a store.
//
// Each format lives in its own subpackage and implements Parser. A parser
// knows its format and the graph model, nothing else.
package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/blastradius-dev/blastradius/graph"
)

// Parser reads one input format.
type Parser interface {
	// Format names the format in summaries, e.g. "terraform".
	Format() string
	// Detect reports whether the file is of this format, from its path
	// (relative to the repository root when one is known) and its first
	// bytes (up to HeadSize, decompressed for .gz files).
	Detect(f *File) bool
	// Parse reads the file and appends facts to res. A returned error
	// rejects the whole file: none of its facts are kept. Problems that
	// spoil only part of the file go in res.Diags and the rest is kept.
	Parse(ctx context.Context, f *File, env *Env, res *Result) error
}

// HeadSize is the number of leading bytes Detect receives.
const HeadSize = 4096

// File is one input file.
type File struct {
	// Path is the path the user gave or found by walking, used in
	// positions and as the source name in the store.
	Path string
	// RelPath is the path relative to the repository root, with forward
	// slashes, when the file lies in a repository; else the base name.
	RelPath string
	// Repo is the "owner/name" of the repository the file belongs to, or "".
	Repo string
	// RepoHost is the host name of the origin remote of the repository's
	// clone (gitlab.example.com), or "" when there is no such remote.
	RepoHost string
	// GitLabProject marks a file of a GitLab project found by its folder,
	// which holds .gitlab-ci.yml and no .github folder. ForgeHost takes an
	// origin host that contains "gitlab" as a GitLab project too.
	GitLabProject bool
	// Head holds the first bytes of the (decompressed) content.
	Head []byte
	// Size is the size on disk.
	Size int64
	// Open returns the (decompressed) content from the start.
	Open func() (io.ReadCloser, error)
	// Named is set when the user gave the file itself as an input, and
	// unset when a walk of a given folder found it.
	Named bool

	binary bool
}

// Env carries what parsers need beyond the file.
type Env struct {
	// Fingerprint turns a secret value into a salted fingerprint.
	Fingerprint func(value string) string
	Logger      *slog.Logger
}

// Result collects the facts of one file.
type Result struct {
	Nodes []graph.Node
	Edges []graph.Edge
	Diags []Diagnostic
	// Records counts the units read (log records, packages, resources),
	// for the summary.
	Records int
	// Needs lists node ids that the file's facts name and that another
	// input may declare. When it is set, Check runs once every file of
	// the run is parsed, before the write, with the kind of each of those
	// ids that the run's facts or the store declare. Check may leave out
	// facts of res whose ends it finds wrong, with a warning in res.Diags.
	// A stored node counts only when a file the run does not replace or
	// retire declares it. Before Check runs, each node of res that another
	// input, or an earlier file with a Check, declares of another kind is
	// left out with a warning.
	Needs []string                                           `json:"-"`
	Check func(res *Result, known map[string]graph.NodeKind) `json:"-"`
}

// AddNode appends a node.
func (r *Result) AddNode(n graph.Node) { r.Nodes = append(r.Nodes, n) }

// AddEdge appends an edge, with Certain confidence when none is set.
func (r *Result) AddEdge(e graph.Edge) {
	if e.Confidence == "" {
		e.Confidence = graph.Certain
	}
	r.Edges = append(r.Edges, e)
}

// Warnf records a problem at a position without rejecting the file.
func (r *Result) Warnf(pos Position, format string, args ...any) {
	r.Diags = append(r.Diags, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Position is a place in an input file. Line and Col start at 1; 0 means
// unknown.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Position) String() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return p.File
	}
}

// Diagnostic is a problem found in the input. Msg states what is wrong and,
// where it helps, what to do; it never quotes input text that may be a
// secret.
type Diagnostic struct {
	Pos Position `json:"pos"`
	Msg string   `json:"message"`
}

func (d Diagnostic) String() string { return d.Pos.String() + ": " + d.Msg }

// Error is a positioned error that rejects a file.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns a positioned error.
func Errorf(pos Position, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// SortDiagnostics orders diagnostics by file, line and column.
func SortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
