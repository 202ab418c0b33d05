package circleci

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// corpusDir contains real configuration files written by others.
const corpusDir = "../../../shared/corpus"

type corpusFile struct {
	root, rel, repo string
}

// corpusFiles lists the corpus files the parser detects. Each top folder
// is owner__name of the repository it was taken from.
func corpusFiles(t *testing.T) []corpusFile {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not present")
	}
	tops, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusFile
	for _, top := range tops {
		owner, name, ok := strings.Cut(top.Name(), "__")
		if !top.IsDir() || !ok {
			continue
		}
		root := filepath.Join(corpusDir, top.Name())
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			head, _ := os.ReadFile(p)
			if len(head) > ingest.HeadSize {
				head = head[:ingest.HeadSize]
			}
			if New().Detect(&ingest.File{Path: p, RelPath: rel, Head: head}) {
				out = append(out, corpusFile{root: root, rel: rel, repo: owner + "/" + name})
			}
			return nil
		})
	}
	return out
}

// TestCorpus parses every CircleCI file of the corpus: each is ingested
// or rejected with a positioned error, never anything else.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	ingested, rejected, jobs := 0, 0, 0
	for _, cf := range files {
		res, err := parseAt(t, cf.root, cf.rel, cf.repo)
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) || ie.Pos.Line == 0 {
				t.Errorf("%s/%s: rejected without a position: %v", cf.repo, cf.rel, err)
			}
			t.Logf("rejected %v", err)
			rejected++
			continue
		}
		checkResult(t, res)
		ingested++
		jobs += res.Records
		for _, d := range res.Diags {
			t.Logf("warning %s", d)
		}
	}
	t.Logf("circleci: %d files ingested, %d rejected, %d jobs", ingested, rejected, jobs)
	if ingested+rejected != len(files) || len(files) == 0 {
		t.Errorf("read %d of %d files", ingested+rejected, len(files))
	}
}
