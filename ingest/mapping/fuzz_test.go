package mapping

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// FuzzParse checks that any input is either rejected with a positioned
// *ingest.Error naming the file, or gives facts that carry their line and
// no credential-shaped text, and warnings with a line. The check that
// follows the parse leaves out every edge when no node is known.
func FuzzParse(f *testing.F) {
	f.Add([]byte("facts:\n  - node: {id: a, kind: Identity}\n  - edge: {from: a, kind: CAN_ASSUME, to: b, confidence: possible, reason: r}\n"))
	f.Add([]byte("facts: &x [*x]\n"))
	f.Add([]byte("facts:\n  - edge: {from: a, kind: CAN_ACCESS\n"))
	f.Add([]byte("facts:\n  - node: {id: AKIAIOSFODNN7EXAMPLE, kind: Secret}\nextra: [1, 2]\n"))
	f.Add([]byte("facts: []\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		file := &ingest.File{
			Path: "fuzz.yaml", RelPath: "fuzz.yaml", Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		}
		var res ingest.Result
		err := New().Parse(context.Background(), file, nil, &res)
		if err != nil {
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			if pe.Pos.File != "fuzz.yaml" {
				t.Fatalf("error position %s is not in the input", pe.Pos)
			}
			return
		}
		for _, d := range res.Diags {
			if d.Pos.Line < 1 {
				t.Fatalf("warning without a line: %s", d)
			}
		}
		texts := func(id, label string, attrs map[string]string) []string {
			out := []string{id, label}
			for _, v := range attrs {
				out = append(out, v)
			}
			return out
		}
		var all []string
		for _, n := range res.Nodes {
			if n.ID == "" || n.Pos.Line < 1 {
				t.Fatalf("node %q at line %d", n.ID, n.Pos.Line)
			}
			all = append(all, texts(n.ID, n.Label, n.Attrs)...)
		}
		for _, e := range res.Edges {
			if e.From == "" || e.To == "" || e.Pos.Line < 1 {
				t.Fatalf("edge %q -> %q at line %d", e.From, e.To, e.Pos.Line)
			}
			all = append(all, texts(e.From, e.To, e.Attrs)...)
		}
		for _, s := range all {
			for w := range strings.FieldsSeq(s) {
				if literal.HasCredentialShape(strings.Trim(w, `"'.,;:()[]{}<>`)) {
					t.Fatalf("credential-shaped text stored: %q", s)
				}
			}
		}
		if res.Check != nil {
			res.Check(&res, map[string]graph.NodeKind{})
			if len(res.Edges) != 0 {
				t.Fatalf("%d edges kept though no node is known", len(res.Edges))
			}
		}
	})
}
