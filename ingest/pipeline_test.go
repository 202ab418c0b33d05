package ingest

import (
	"bufio"
	"context"
	"strings"
	"testing"

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
		if got := repoFromURL(url); got != want {
			t.Errorf("repoFromURL(%q) = %q, want %q", url, got, want)
		}
	}
}
