package actions

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/internal/orggen"
)

// BenchmarkWorkflowGenerated parses the workflows of a generated
// organisation (about 1 KB and three jobs each), one file per operation,
// as the pipeline calls the parser.
func BenchmarkWorkflowGenerated(b *testing.B) {
	dir := b.TempDir()
	if _, err := orggen.WriteFiles(dir, orggen.ForFileNodes(2000)); err != nil {
		b.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "repos", "*", ".github", "workflows", "ci.yml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no workflows generated: %v", err)
	}
	sort.Strings(paths)

	var repos []string
	var data [][]byte
	for _, p := range paths {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		repos = append(repos, orggen.Org+"/"+filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(p)))))
		data = append(data, d)
	}

	p := New()
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d := data[i%len(data)]
		f := &ingest.File{
			Path:    "repos/r/.github/workflows/ci.yml",
			RelPath: ".github/workflows/ci.yml",
			Repo:    repos[i%len(repos)],
			Size:    int64(len(d)),
			Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(d)), nil },
		}
		var res ingest.Result
		if err := p.Parse(context.Background(), f, env, &res); err != nil {
			b.Fatal(err)
		}
		if len(res.Nodes) == 0 {
			b.Fatal("no nodes")
		}
	}
}

// BenchmarkBoundedWorkflows measures the parse of workflows that the
// parser's work limit stops short: aliasBomb and manyExports.
func BenchmarkBoundedWorkflows(b *testing.B) {
	for name, data := range map[string][]byte{"alias-bomb": aliasBomb(), "many-exports": manyExports()} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f := &ingest.File{Path: ".github/workflows/x.yml", RelPath: ".github/workflows/x.yml", Repo: testRepo, Size: int64(len(data)),
					Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
				if err := New().Parse(context.Background(), f, &ingest.Env{}, &ingest.Result{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
