package circleci

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error inside the input, or gives a result whose edges join its
// nodes and whose positions lie inside the input.
func FuzzParse(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yml") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Add([]byte("version: 2.1\ncommands:\n  a: {steps: [a, b]}\n  b: {steps: [a]}\njobs:\n  j: {steps: [a]}\n"))
	f.Add([]byte("jobs:\n  j: &j {steps: [{steps: <<parameters.s>>}], parameters: {s: {default: *j}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := lineCount(data)
		start := time.Now()
		res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, data)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("parsing %d bytes took %v", len(data), d)
		}
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *ingest.Error: %v", err)
			}
			if ie.Pos.File != "in/.circleci/config.yml" || ie.Pos.Line > lines {
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

// lineCount counts lines as the YAML decoder does: LF, CR LF, a lone CR,
// NEL, LS and PS each end one.
func lineCount(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			n++
		case data[i] == '\n' || data[i] == '\r':
			n++
		case data[i] == 0xC2 && i+1 < len(data) && data[i+1] == 0x85:
			i++
			n++
		case data[i] == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			i += 2
			n++
		}
	}
	return n
}
