package actions

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const testRepo = "example-org/app"

// parseBytes runs the parser on data as if it were the file rel of repo.
func parseBytes(t testing.TB, repo, rel string, data []byte) (*ingest.Result, error) {
	t.Helper()
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	f := &ingest.File{
		Path:    rel,
		RelPath: rel,
		Repo:    repo,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
	res := &ingest.Result{}
	err := New().Parse(context.Background(), f, env, res)
	return res, err
}

// parseFile parses testdata/name as .github/workflows/name of testRepo.
func parseFile(t *testing.T, name string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, testRepo, ".github/workflows/"+name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	checkResult(t, res)
	return res
}

// jobID is the Runtime id of a job of testdata/file.
func jobID(file, job string) string {
	return graph.GHAJobID(testRepo, ".github/workflows/"+file, job)
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

func findNode(t *testing.T, res *ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return graph.Node{}
}

func findEdge(t *testing.T, res *ingest.Result, from string, kind graph.EdgeKind, to string) graph.Edge {
	t.Helper()
	for _, e := range res.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return e
		}
	}
	t.Fatalf("no edge %s -%s-> %s", from, kind, to)
	return graph.Edge{}
}

func hasEdge(res *ingest.Result, from string, kind graph.EdgeKind, to string) bool {
	for _, e := range res.Edges {
		if e.From == from && e.Kind == kind && e.To == to {
			return true
		}
	}
	return false
}

// checkResult checks what every result must satisfy: each edge joins nodes
// of the result, no id is written twice, and kinds are known.
func checkResult(t testing.TB, res *ingest.Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			t.Errorf("node %s written twice", n.ID)
		}
		ids[n.ID] = true
		if !knownNodeKind(n.Kind) {
			t.Errorf("node %s has kind %q", n.ID, n.Kind)
		}
	}
	keys := map[graph.EdgeKey]bool{}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s joins a node not in the result", e.Key())
		}
		if keys[e.Key()] {
			t.Errorf("edge %s written twice", e.Key())
		}
		keys[e.Key()] = true
		if e.Confidence != graph.Certain && e.Confidence != graph.Possible {
			t.Errorf("edge %s has confidence %q", e.Key(), e.Confidence)
		}
	}
}

func knownNodeKind(k graph.NodeKind) bool {
	for _, kk := range graph.NodeKinds {
		if k == kk {
			return true
		}
	}
	return false
}

// dump renders a result as sorted lines, for failure messages.
func dump(res *ingest.Result) string {
	var lines []string
	for _, n := range res.Nodes {
		lines = append(lines, "N "+n.ID+" "+attrString(n.Attrs))
	}
	for _, e := range res.Edges {
		lines = append(lines, "E "+e.Key().String()+" "+string(e.Confidence)+" "+attrString(e.Attrs))
	}
	for _, d := range res.Diags {
		lines = append(lines, "D "+d.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func attrString(a map[string]string) string {
	var kv []string
	for k, v := range a {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

// parseAt parses the file rel under the folder root as a file of repo, so
// that the parser can read the other files of the repository there.
func parseAt(t testing.TB, root, rel, repo string) (*ingest.Result, error) {
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
	f := &ingest.File{
		Path:    full,
		RelPath: rel,
		Repo:    repo,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
	res := &ingest.Result{}
	err = New().Parse(context.Background(), f, env, res)
	return res, err
}
