package terraform

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse parses arbitrary text as a one-file module and checks that it
// does not panic. A rejection must be an *ingest.Error positioned inside
// the input. Otherwise nodes and diagnostics must lie inside the input,
// and every edge must join nodes of the result or ids of a built form.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*.tf"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzModule(t, src, "main.tf") })
}

// FuzzParseJSON is FuzzParse for a module in Terraform's JSON syntax.
func FuzzParseJSON(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*.tf.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) { fuzzModule(t, src, "main.tf.json") })
}

// fuzzModule parses src as the one file, of that name, of a module.
func fuzzModule(t *testing.T, src []byte, name string) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	var res ingest.Result
	err := New().Parse(context.Background(), &ingest.File{Path: path}, testEnv(), &res)
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Fatalf("error %v is not an *ingest.Error", err)
		}
		if ie.Pos.File != path || ie.Pos.Line < 0 || ie.Pos.Line > lines {
			t.Fatalf("error position %v outside the input of %d lines", ie.Pos, lines)
		}
		return
	}
	for _, n := range res.Nodes {
		if n.ID == "" || n.Pos.Line < 1 || n.Pos.Line > lines {
			t.Errorf("node %q at line %d outside the input of %d lines", n.ID, n.Pos.Line, lines)
		}
	}
	for _, d := range res.Diags {
		if d.Pos.Line < 1 || d.Pos.Line > lines {
			t.Errorf("diagnostic %q at line %d outside the input", d.Msg, d.Pos.Line)
		}
	}
	if bad := checkEdges(res); len(bad) > 0 {
		t.Errorf("edges with unknown ends: %v", bad)
	}
}
