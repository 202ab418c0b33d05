package kubernetes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error naming the file, or gives facts whose edges join nodes of
// the result and diagnostics with a line.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	more, _ := filepath.Glob("testdata/case17/*.yaml")
	for _, path := range append(seeds, more...) {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"kind":"List","apiVersion":"v1","items":[{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"a:b"}]}}]}`))
	f.Add([]byte("a: &x [*x]\n---\n{{ x }}\n...\n---\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: Role, name: r}\nsubjects: [{kind: User}]\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		var res ingest.Result
		err := New().Parse(context.Background(), bytesFile("fuzz.yaml", data), testEnv(), &res)
		if err != nil {
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			if pe.Pos.File != "fuzz.yaml" || pe.Pos.Line < 1 {
				t.Fatalf("error position %s is not in the input", pe.Pos)
			}
			return
		}
		if err := joined(&res); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range res.Diags {
			if d.Pos.Line < 1 || d.Pos.Line > lines {
				t.Fatalf("diagnostic %q is outside the input's %d lines", d, lines)
			}
		}
		for _, n := range res.Nodes {
			if n.Pos.Line > lines {
				t.Fatalf("node %s at line %d, past the input's %d lines", n.ID, n.Pos.Line, lines)
			}
		}
	})
}
