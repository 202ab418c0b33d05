package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// lineParser claims content that starts with "LINES" and gives one node
// per line, named by the line's text, at the line's number.
type lineParser struct{}

func (lineParser) Format() string { return "lines" }

func (lineParser) Detect(f *File) bool { return bytes.HasPrefix(f.Head, []byte("LINES\n")) }

func (lineParser) Parse(ctx context.Context, f *File, env *Env, res *Result) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	for line := 1; sc.Scan(); line++ {
		if line > 1 && sc.Text() != "" {
			res.AddNode(graph.Node{ID: "runtime:" + sc.Text(), Kind: graph.NodeRuntime, Pos: graph.Pos{Line: line}})
		}
	}
	return sc.Err()
}

// encodeUTF16 writes s as UTF-16 with a byte order mark, as Windows
// PowerShell writes a command's output to a file.
func encodeUTF16(s string, bigEndian bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune("\uFEFF" + s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// encodeUTF32 writes s as UTF-32 with a byte order mark, as Windows
// PowerShell's Out-File -Encoding UTF32 writes it little endian.
func encodeUTF32(s string, bigEndian bool) []byte {
	var out []byte
	for _, r := range "\uFEFF" + s {
		u := uint32(r)
		if bigEndian {
			out = append(out, byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
	}
	return out
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A UTF-16 or UTF-32 file is read as the text it holds, at its own line
// numbers, whether it is small, large, compressed or read with a progress
// bar.
func TestPipelineReadsUTF16(t *testing.T) {
	text := "LINES\nalpha\n\nbéta\n"
	want := []struct {
		ID   string
		Line int
	}{{"runtime:alpha", 2}, {"runtime:béta", 4}}
	// Padding after the lines makes a file larger than the files read
	// into memory at once.
	large := text + strings.Repeat("\n", smallFile)
	for _, tt := range []struct {
		name     string
		file     string
		data     []byte
		progress bool
	}{
		{"little endian", "le.txt", encodeUTF16(text, false), false},
		{"big endian", "be.txt", encodeUTF16(text, true), false},
		{"large", "large.txt", encodeUTF16(large, false), false},
		{"compressed", "le.txt.gz", gzipped(t, encodeUTF16(text, false)), false},
		{"with progress", "le.txt", encodeUTF16(text, false), true},
		{"UTF-32 little endian", "le32.txt", encodeUTF32(text, false), false},
		{"UTF-32 big endian", "be32.txt", encodeUTF32(text, true), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			store := memstore.New()
			p := &Pipeline{Parsers: []Parser{lineParser{}}, Store: store, Repo: "example-org/app"}
			if tt.progress {
				p.Progress = &countProgress{}
			}
			sum, err := p.Run(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Skipped) > 0 || len(sum.Rejected) > 0 {
				t.Fatalf("skipped %v, rejected %v", sum.Skipped, sum.Rejected)
			}
			nodes, err := store.NodesByKind(context.Background(), graph.NodeRuntime)
			if err != nil {
				t.Fatal(err)
			}
			var got []struct {
				ID   string
				Line int
			}
			for _, n := range nodes {
				got = append(got, struct {
					ID   string
					Line int
				}{n.ID, n.Pos.Line})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
		})
	}
}
