package awsiam

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// corpusFile returns a corpus file as the pipeline builds it, undoing gzip
// for names ending in .gz.
func corpusFile(t *testing.T, path, rel string) *ingest.File {
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
	repo, relPath, _ := strings.Cut(rel, "/")
	return &ingest.File{Path: path, RelPath: strings.TrimSuffix(relPath, ".gz"), Repo: repo, Head: head[:n], Open: open}
}

// TestCorpus parses every file of the shared corpus that Detect claims and
// checks the claim and the counts against the files known to be IAM data.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	// Entries per file: users, groups, roles and policies of the
	// authorization details, one for a policy document.
	want := map[string]int{
		"salesforce__cloudsplaining/test/files/example-authz-details.json":               3 + 2 + 3 + 32,
		"salesforce__cloudsplaining/test/files/example_authz_v2.json":                    1 + 1 + 2 + 2,
		"salesforce__cloudsplaining/test/files/example_authz_details_for_overrides.json": 1,
		"salesforce__cloudsplaining/examples/policies/explicit-actions.json":             1,
		"salesforce__cloudsplaining/examples/policies/wildcards.json":                    1,
	}
	mamip, _ := filepath.Glob(filepath.Join(root, "z0ph__MAMIP", "policies", "*.json"))
	for _, path := range mamip {
		rel, _ := filepath.Rel(root, path)
		want[filepath.ToSlash(rel)] = 1
	}

	got := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		f := corpusFile(t, path, rel)
		if !New().Detect(f) {
			return nil
		}
		var res ingest.Result
		if err := New().Parse(context.Background(), f, &ingest.Env{}, &res); err != nil {
			t.Errorf("Parse(%s): %v", rel, err)
			return nil
		}
		if err := joined(&res); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		got[rel] = res.Records
		t.Logf("%s: %d records, %d nodes, %d edges, %d warnings", rel, res.Records, len(res.Nodes), len(res.Edges), len(res.Diags))
		for _, d := range res.Diags {
			t.Logf("  %s", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, n := range want {
		if got[rel] != n {
			t.Errorf("%s: %d records, want %d", rel, got[rel], n)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("Detect claimed %s, which holds no IAM data of a supported layout", rel)
		}
	}
}
