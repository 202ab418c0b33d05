package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// TestNoSecretValueLeaks parses every testdata module, in HCL and in JSON,
// and checks that no planted credential value reaches a node, edge,
// attribute, diagnostic or error.
func TestNoSecretValueLeaks(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var parsed, parsedJSON int
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "fuzz" {
			continue
		}
		files, err := filepath.Glob(filepath.Join("testdata", d.Name(), "*"))
		if err != nil {
			t.Fatal(err)
		}
		p := New()
		for _, path := range files {
			f := &ingest.File{Path: path}
			if !p.Detect(f) {
				continue
			}
			var res ingest.Result
			perr := p.Parse(context.Background(), f, testEnv(), &res)
			out, err := json.Marshal(struct {
				Res ingest.Result
				Err string
			}{res, errText(perr)})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), "CANARY") {
				t.Errorf("%s: a planted credential value reached the output: %s", path, out)
			}
			parsed++
			if isJSON(path) {
				parsedJSON++
			}
		}
	}
	if parsed < 10 || parsedJSON < 6 {
		t.Errorf("parsed %d files, %d of them JSON, want the whole testdata", parsed, parsedJSON)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
