// Package logtest holds test helpers shared by the access-log ingesters'
// tests: in-memory input files, a parse that fails the test on error, and
// renderings and checks of a Result.
package logtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// FileAt reads a file from disk into an input file.
func FileAt(t testing.TB, path string) *ingest.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return BytesFile(path, data)
}

// BytesFile returns an input file named name holding data.
func BytesFile(name string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path: name, RelPath: name, Head: head, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

// Parse runs p on f with a fixed fingerprint and fails the test on error.
func Parse(t testing.TB, p ingest.Parser, f *ingest.File) *ingest.Result {
	t.Helper()
	var res ingest.Result
	if err := p.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
		t.Fatalf("Parse(%s): %v", f.Path, err)
	}
	return &res
}

// EdgeLines renders each edge as one line: ends, kind, attributes, and
// for edges with evidence the actions and the call counts.
func EdgeLines(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		var attrs []string
		for k, v := range e.Attrs {
			attrs = append(attrs, k+"="+v)
		}
		sort.Strings(attrs)
		s := fmt.Sprintf("%s -%s-> %s %v", e.From, e.Kind, e.To, attrs)
		if ev := e.Evidence; ev != nil {
			s += fmt.Sprintf(" %v ok=%d denied=%d", ev.Actions, ev.Count, ev.Denied)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// FindNode returns the node with the id, or nil.
func FindNode(res *ingest.Result, id string) *graph.Node {
	for i := range res.Nodes {
		if res.Nodes[i].ID == id {
			return &res.Nodes[i]
		}
	}
	return nil
}

// Joined returns an error when an edge names a node the result lacks, a
// node repeats, or a fact has no record position.
func Joined(res *ingest.Result) error {
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			return fmt.Errorf("node %s appears twice", n.ID)
		}
		ids[n.ID] = true
		if n.Pos.Line < 1 {
			return fmt.Errorf("node %s has no record position", n.ID)
		}
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("edge %s joins a node that is not in the result", e.Key())
		}
	}
	return nil
}

// CheckError fails the test unless err is an *ingest.Error positioned in file.
func CheckError(t testing.TB, err error, file string) {
	t.Helper()
	var pe *ingest.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not an *ingest.Error", err)
	}
	if pe.Pos.File != file {
		t.Fatalf("error position %s names another file", pe.Pos)
	}
}

// Marshal returns v as JSON.
func Marshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
