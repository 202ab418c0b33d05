package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// sharedDir holds real inputs and cases beside the project; tests that use
// it skip when it is absent.
const sharedDir = "../../../shared"

// fileAt returns an input file as the pipeline builds it, undoing gzip for
// names ending in .gz.
func fileAt(t *testing.T, path string) *ingest.File {
	t.Helper()
	open := func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil || !strings.HasSuffix(path, ".gz") {
			return f, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{zr, f}, nil
	}
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, ingest.HeadSize)
	n, err := io.ReadFull(rc, head)
	rc.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return &ingest.File{
		Path:    path,
		RelPath: filepath.Base(strings.TrimSuffix(path, ".gz")),
		Head:    head[:n],
		Open:    open,
	}
}

// bytesFile returns an in-memory input file.
func bytesFile(name string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path:    name,
		RelPath: name,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func testEnv() *ingest.Env {
	return &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
}

func parse(t *testing.T, f *ingest.File) *ingest.Result {
	t.Helper()
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f.Path, err)
	}
	return &res
}

func findEdge(res *ingest.Result, from string, kind graph.EdgeKind, to string) *graph.Edge {
	for i := range res.Edges {
		e := &res.Edges[i]
		if e.From == from && e.Kind == kind && e.To == to {
			return e
		}
	}
	return nil
}

func findNode(res *ingest.Result, id string) *graph.Node {
	for i := range res.Nodes {
		if res.Nodes[i].ID == id {
			return &res.Nodes[i]
		}
	}
	return nil
}

// checkJoined fails when an edge names a node the result does not hold, or
// when a node id repeats.
func checkJoined(t *testing.T, res *ingest.Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			t.Errorf("node %s appears twice", n.ID)
		}
		ids[n.ID] = true
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s joins a node that is not in the result", e.Key())
		}
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
