package cloudformation

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

const shared = "../../../shared"

// TestCorpus runs Detect over every file of the shared corpus, which
// holds workflows, manifests, lockfiles, logs and Serverless Framework
// files. A file the reader claims must be a template: it parses and has
// resources.
func TestCorpus(t *testing.T) {
	root := filepath.Join(shared, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	var files, claimed int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.SplitN(filepath.ToSlash(rel), "/", 2)
		if len(parts) < 2 {
			return nil
		}
		files++
		f := &ingest.File{Path: p, RelPath: parts[1], Repo: strings.Replace(parts[0], "__", "/", 1),
			Open: func() (io.ReadCloser, error) { return os.Open(p) }}
		if info, err := d.Info(); err == nil {
			f.Size = info.Size()
		}
		head, err := readHead(p)
		if err != nil {
			return err
		}
		f.Head = head
		if !New().Detect(f) {
			return nil
		}
		claimed++
		var res ingest.Result
		if err := New().Parse(context.Background(), f, &ingest.Env{}, &res); err != nil {
			t.Errorf("%s is claimed but is no template: %v", rel, err)
		} else if res.Records == 0 {
			t.Errorf("%s is claimed but declares no resource", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus: %d files, %d claimed", files, claimed)
}

func readHead(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	buf := make([]byte, ingest.HeadSize)
	n, err := io.ReadFull(fh, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return buf[:n], nil
}
