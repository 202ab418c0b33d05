package lockfile

import (
	"bytes"
	"context"
	"io"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const testRepo = "example-org/status-page"

// newFile returns an ingest.File over data at relPath in testRepo.
func newFile(relPath string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path:    "repo/" + relPath,
		RelPath: relPath,
		Repo:    testRepo,
		Head:    head,
		Size:    int64(len(data)),
		Open:    func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func testEnv() *ingest.Env {
	return &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
}

// parseBytes runs p over data and returns the result and error.
func parseBytes(t *testing.T, p ingest.Parser, relPath string, data []byte) (*ingest.Result, error) {
	t.Helper()
	res := &ingest.Result{}
	err := p.Parse(context.Background(), newFile(relPath, data), testEnv(), res)
	return res, err
}

// mustParse reads a file from disk, parses it as relPath and fails the
// test on error.
func mustParse(t *testing.T, p ingest.Parser, diskPath, relPath string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile(diskPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, p, relPath, data)
	if err != nil {
		t.Fatalf("parse %s: %v", diskPath, err)
	}
	return res
}

// versionIDs returns the sorted ids of Package nodes that carry a version.
func versionIDs(res *ingest.Result) []string {
	var out []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodePackage && n.Attr(attrVersion) != "" {
			out = append(out, n.ID)
		}
	}
	sort.Strings(out)
	return out
}

func nodeByID(res *ingest.Result, id string) (graph.Node, bool) {
	for _, n := range res.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return graph.Node{}, false
}

// locks returns the attributes of every LOCKS edge by target, with the
// edge's line under "line" and its confidence under "confidence".
func locks(res *ingest.Result) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeLocks {
			continue
		}
		m := map[string]string{}
		for k, v := range e.Attrs {
			m[k] = v
		}
		m["line"] = strconv.Itoa(e.Pos.Line)
		m["confidence"] = string(e.Confidence)
		out[e.To] = m
	}
	return out
}

// dependsOn returns every DEPENDS_ON edge as "from -> to", sorted.
func dependsOn(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn {
			out = append(out, e.From+" -> "+e.To)
		}
	}
	sort.Strings(out)
	return out
}

// diagLines returns the line of every diagnostic, sorted.
func diagLines(res *ingest.Result) []int {
	var out []int
	for _, d := range res.Diags {
		out = append(out, d.Pos.Line)
	}
	sort.Ints(out)
	return out
}

// checkEdgesJoinNodes fails when an edge of res names a node that res does
// not contain.
func checkEdgesJoinNodes(t *testing.T, res *ingest.Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		ids[n.ID] = true
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s joins a node the result lacks", e.Key())
		}
	}
}

// sortedCopy returns a sorted copy of list.
func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

// possibleDeps returns every DEPENDS_ON edge of possible confidence as
// "from -> to", sorted.
func possibleDeps(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeDependsOn && e.Confidence == graph.Possible {
			out = append(out, e.From+" -> "+e.To)
		}
	}
	sort.Strings(out)
	return out
}
