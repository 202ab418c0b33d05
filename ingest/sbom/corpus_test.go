package sbom

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// corpusDir holds real input files kept beside the project.
const corpusDir = "../../../shared/corpus"

// TestCorpus reads every SBOM of the corpus: each is either ingested or
// rejected with a positioned error, and each CycloneDX file with a
// metadata.component that has a purl gets its subject linked to its
// components.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	parsers := []ingest.Parser{NewCycloneDX(), NewSPDX()}
	var ingested, rejected, records, warnings int
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f := file(path, data)
		for _, p := range parsers {
			if !p.Detect(f) {
				continue
			}
			res := &ingest.Result{}
			err := p.Parse(context.Background(), f, &ingest.Env{}, res)
			var ie *ingest.Error
			switch {
			case errors.As(err, &ie):
				rejected++
				t.Logf("rejected %v", err)
			case err != nil:
				t.Errorf("%s: error without a position: %v", path, err)
			default:
				ingested++
				records += res.Records
				warnings += len(res.Diags)
			}
			break
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SBOMs: %d ingested, %d rejected, %d components, %d warnings", ingested, rejected, records, warnings)
	if ingested < 20 {
		t.Errorf("ingested %d SBOMs, want the corpus's 20", ingested)
	}
}

// TestCorpusJuiceShop checks one real CycloneDX file by hand: juice-shop
// 11.1.2's SBOM names pkg:npm/juice-shop@11.1.2 as its subject and lists
// express 4.17.1 among its components.
func TestCorpusJuiceShop(t *testing.T) {
	path := filepath.Join(corpusDir, "CycloneDX__bom-examples/SBOM/juice-shop/v11.1.2/bom.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus file not found: %v", err)
	}
	res, err := parse(t, NewCycloneDX(), path)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range res.Edges {
		if e.From == "pkg:npm/juice-shop@11.1.2" && e.To == "pkg:npm/express@4.17.1" {
			found = true
		}
	}
	if !found {
		t.Error("no DEPENDS_ON edge pkg:npm/juice-shop@11.1.2 -> pkg:npm/express@4.17.1")
	}
	if res.Records != 840 {
		t.Errorf("records = %d, want the file's 840 components", res.Records)
	}
}
