package link

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/query"
)

// TestCIManifestToImage follows a package that web/package.json declares
// without a lockfile into the job that installs it, the job's token, and
// the image that token pushes.
func TestCIManifestToImage(t *testing.T) {
	const repo = "example-org/app"
	root := filepath.Join("testdata", "ci-manifest", "example-org", "app")
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	for _, in := range []struct {
		rel    string
		parser ingest.Parser
	}{
		{".github/workflows/image.yml", actions.New()},
		{"web/package.json", lockfile.NewNPM()},
	} {
		p := filepath.Join(root, filepath.FromSlash(in.rel))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := &ingest.File{Path: p, RelPath: in.rel, Repo: repo, Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		if !in.parser.Detect(f) {
			t.Fatalf("%s not detected", in.rel)
		}
		res := &ingest.Result{}
		if err := in.parser.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
			t.Fatalf("parse %s: %v", in.rel, err)
		}
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}

	job := graph.GHAJobID(repo, ".github/workflows/image.yml", "build")
	image := "pkg:docker/example-org/web?repository_url=ghcr.io"
	tests := []struct {
		start string
		want  []string
	}{
		// The local package's postinstall script runs when the job installs.
		{"pkg:npm/%40example-org/status-agent@0.4.2", []string{
			job + " (certain)", graph.GHATokenID(job) + " (certain)", image + " (certain)",
		}},
		// left-pad has no version the input pins, and may run when the
		// project's own scripts load it.
		{"pkg:npm/left-pad", []string{
			job + " (possible)", graph.GHATokenID(job) + " (possible)", image + " (possible)",
		}},
	}
	// A range is no pinned version, and the reason names the range.
	e := edgeOf(t, s, graph.EdgeExecutes, job, "pkg:npm/left-pad")
	if e == nil {
		t.Fatal("no EXECUTES edge to pkg:npm/left-pad")
	}
	if got, want := e.Attr(graph.AttrReason), "web/package.json requires pkg:npm/left-pad in range ^1.3.0;"; !strings.Contains(got, want) {
		t.Errorf("reason %q, want it to contain %q", got, want)
	}
	for _, tt := range tests {
		reached := radius(t, s, query.Start{Nodes: []string{tt.start}})
		var got []string
		for _, id := range []string{job, graph.GHATokenID(job), image} {
			if c, ok := reached[id]; ok {
				got = append(got, id+" ("+string(c)+")")
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("from %s (-got +want):\n%s", tt.start, diff)
		}
	}
}
