package lockfile

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

// generatedFiles writes a small generated organisation and returns the
// contents of every file named base, in path order, with the repository
// each belongs to.
func generatedFiles(b *testing.B, base string) (repos []string, data [][]byte) {
	b.Helper()
	dir := b.TempDir()
	if _, err := orggen.WriteFiles(dir, orggen.ForFileNodes(2000)); err != nil {
		b.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "repos", "*", base))
	if err != nil {
		b.Fatal(err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		repos = append(repos, orggen.Org+"/"+filepath.Base(filepath.Dir(p)))
		data = append(data, d)
	}
	if len(data) == 0 {
		b.Fatalf("no %s generated", base)
	}
	return repos, data
}

// BenchmarkNPMGenerated parses the package-lock.json files of a generated
// organisation (about 10 KB and 20 packages each), one file per
// operation, as the pipeline calls the parser.
func BenchmarkNPMGenerated(b *testing.B) {
	repos, data := generatedFiles(b, "package-lock.json")
	p := NewNPM()
	env := testEnv()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d := data[i%len(data)]
		f := &ingest.File{
			Path:    "repos/lock/package-lock.json",
			RelPath: "package-lock.json",
			Repo:    repos[i%len(repos)],
			Size:    int64(len(d)),
			Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(d)), nil },
		}
		var res ingest.Result
		if err := p.Parse(context.Background(), f, env, &res); err != nil {
			b.Fatal(err)
		}
		if len(res.Edges) == 0 {
			b.Fatal("no edges")
		}
	}
}
