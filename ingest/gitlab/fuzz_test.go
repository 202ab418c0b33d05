package gitlab

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
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Add([]byte("a: &a {extends: .b, script: [*a]}\n.b: {extends: a}\n"))
	f.Add([]byte(".r: [!reference [.r], !reference [.r]]\njob: {script: !reference [.r]}\n"))
	f.Add([]byte("job: {script: x, rules: [{if: '$A =~ /(/'}], only: {refs: ['/[/']}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := lineCount(data)
		start := time.Now()
		res, err := parseBytes(t, ".gitlab-ci.yml", data)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("parsing %d bytes took %v", len(data), d)
		}
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an *ingest.Error: %v", err)
			}
			if ie.Pos.File != "in/.gitlab-ci.yml" || ie.Pos.Line > lines+1 {
				t.Fatalf("error position %v outside the input of %d lines", ie.Pos, lines)
			}
			return
		}
		checkResult(t, res)
		for _, n := range res.Nodes {
			if n.Pos.Line > lines+1 {
				t.Fatalf("node %s at line %d of %d", n.ID, n.Pos.Line, lines)
			}
		}
		for _, e := range res.Edges {
			if e.Pos.Line > lines+1 {
				t.Fatalf("edge %s at line %d of %d", e.Key(), e.Pos.Line, lines)
			}
		}
		for _, d := range res.Diags {
			if d.Pos.Line > lines+1 {
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
