package gitlab

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const testProject = "example-org/app"

// fileAt describes the file rel of the repository checked out at root.
func fileAt(t testing.TB, root, rel, project string) *ingest.File {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(rel))
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path:    full,
		RelPath: rel,
		Repo:    project,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return os.Open(full) },
	}
}

// parseAt parses the file rel of the repository at root.
func parseAt(t testing.TB, root, rel, project string) (*ingest.Result, error) {
	t.Helper()
	f := fileAt(t, root, rel, project)
	res := &ingest.Result{}
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp:" + strings.Repeat("x", len(v)%7) }}
	err := New().Parse(context.Background(), f, env, res)
	return res, err
}

// mustParse parses testdata/<dir>/<rel> as a file of testProject.
func mustParse(t *testing.T, dir, rel string) *ingest.Result {
	t.Helper()
	res, err := parseAt(t, filepath.Join("testdata", dir), rel, testProject)
	if err != nil {
		t.Fatalf("parse %s/%s: %v", dir, rel, err)
	}
	checkResult(t, res)
	return res
}

// parseBytes parses data as the root file of a repository whose other
// files are not in the input.
func parseBytes(t testing.TB, rel string, data []byte) (*ingest.Result, error) {
	t.Helper()
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	f := &ingest.File{
		Path:    "in/" + rel,
		RelPath: rel,
		Repo:    testProject,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
	res := &ingest.Result{}
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
	err := New().Parse(context.Background(), f, env, res)
	return res, err
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

// jobID is the Runtime id of a job of the file rel of testProject.
func jobID(rel, job string) string { return graph.GitLabJobID(testProject, rel, job) }

// serverJobID is jobID for testProject on a server other than GitLab.com,
// whose job ids name the project host/path.
func serverJobID(host, rel, job string) string {
	return graph.GitLabJobID(host+"/"+testProject, rel, job)
}

// targets lists the ids an edge kind leads to from a node, sorted.
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

// sources lists the ids an edge kind leads from to a node, sorted.
func sources(res *ingest.Result, to string, kind graph.EdgeKind) []string {
	var out []string
	for _, e := range res.Edges {
		if e.To == to && e.Kind == kind {
			out = append(out, e.From)
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

func hasNode(res *ingest.Result, id string) bool {
	for _, n := range res.Nodes {
		if n.ID == id {
			return true
		}
	}
	return false
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

// dump renders a result as JSON, for searching it.
func dump(t testing.TB, res *ingest.Result) string {
	t.Helper()
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
