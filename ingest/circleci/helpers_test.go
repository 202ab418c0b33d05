package circleci

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const testRepo = "example-org/app"

// parseAt parses the file rel of the repository at root.
func parseAt(t testing.TB, root, rel, repo string) (*ingest.Result, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return parseBytes(t, filepath.Join(root, rel), rel, repo, data)
}

func parseBytes(t testing.TB, full, rel, repo string, data []byte) (*ingest.Result, error) {
	t.Helper()
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	f := &ingest.File{
		Path:    full,
		RelPath: rel,
		Repo:    repo,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
	res := &ingest.Result{}
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
	err := New().Parse(context.Background(), f, env, res)
	return res, err
}

// mustParse parses testdata/<dir>/.circleci/config.yml as a file of testRepo.
func mustParse(t *testing.T, dir string) *ingest.Result {
	t.Helper()
	res, err := parseAt(t, filepath.Join("testdata", dir), ".circleci/config.yml", testRepo)
	if err != nil {
		t.Fatalf("parse %s: %v", dir, err)
	}
	checkResult(t, res)
	return res
}

// checkResult fails when an edge names a node the result does not hold.
func checkResult(t testing.TB, res *ingest.Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if n.ID == "" || n.Kind == "" {
			t.Fatalf("node without id or kind: %+v", n)
		}
		ids[n.ID] = true
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Fatalf("edge %s joins a node the result lacks", e.Key())
		}
	}
}

func jobID(job string) string { return graph.CircleCIJobID(testRepo, ".circleci/config.yml", job) }

func targets(res *ingest.Result, from string, kind graph.EdgeKind) []string {
	var out []string
	for _, e := range res.Edges {
		if e.From == from && e.Kind == kind {
			out = append(out, e.To)
		}
	}
	sort.Strings(out)
	return out
}

func findNode(t testing.TB, res *ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return graph.Node{}
}

func findEdge(t testing.TB, res *ingest.Result, from string, kind graph.EdgeKind, to string) graph.Edge {
	t.Helper()
	for _, e := range res.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return e
		}
	}
	t.Fatalf("no edge %s -%s-> %s", from, kind, to)
	return graph.Edge{}
}

func dump(t testing.TB, res *ingest.Result) string {
	t.Helper()
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
