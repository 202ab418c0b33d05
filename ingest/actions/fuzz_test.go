package actions

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error inside the input, or gives a result whose edges join its
// nodes and whose positions lie inside the input.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("on: push\njobs:\n  a: &x\n    steps: [*x]\n"))
	f.Add([]byte("---"))
	f.Add([]byte("on: [push]\njobs: {a: {runs-on: x, steps: [{run: '${{ secrets[' }]}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := len(lineStarts(data))
		start := time.Now()
		res, err := parseBytes(t, testRepo, ".github/workflows/fuzz.yml", data)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("parsing %d bytes took %v", len(data), d)
		}
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *ingest.Error: %v", err)
			}
			if ie.Pos.File != ".github/workflows/fuzz.yml" || ie.Pos.Line > lines {
				t.Fatalf("error position %v outside the input of %d lines", ie.Pos, lines)
			}
			return
		}
		checkResult(t, res)
		for _, n := range res.Nodes {
			if n.Pos.Line > lines {
				t.Fatalf("node %s at line %d of %d", n.ID, n.Pos.Line, lines)
			}
		}
		for _, d := range res.Diags {
			if d.Pos.Line > lines {
				t.Fatalf("diagnostic at line %d of %d", d.Pos.Line, lines)
			}
		}
	})
}
