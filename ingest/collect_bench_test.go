package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCollect lists, opens and reads the head of 2,000 small files
// in 20 repositories, as the walk of an ingest run does.
func BenchmarkCollect(b *testing.B) {
	dir := b.TempDir()
	for r := range 20 {
		wf := filepath.Join(dir, fmt.Sprintf("repo%d", r), ".github", "workflows")
		if err := os.MkdirAll(wf, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 100 {
			if err := os.WriteFile(filepath.Join(wf, fmt.Sprintf("w%d.yml", f)), []byte("on: push\njobs: {}\n"), 0o600); err != nil {
				b.Fatal(err)
			}
		}
	}
	p := &Pipeline{Org: "example-org"}
	b.ReportAllocs()
	for b.Loop() {
		files, _, err := p.collect([]string{dir}, &Summary{Formats: map[string]*FormatSummary{}})
		if err != nil {
			b.Fatal(err)
		}
		if len(files) != 2000 {
			b.Fatalf("collected %d files, want 2000", len(files))
		}
	}
}
