package githubaudit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input is either rejected with a positioned
// *ingest.Error naming the file, or gives facts whose edges join nodes of
// the result.
func FuzzParse(f *testing.F) {
	// Each line of the test inputs is a seed of its own: small seeds keep
	// the fuzzer's minimizing of new inputs quick.
	seeds, _ := filepath.Glob("testdata/*")
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				f.Add(line)
			}
		}
	}
	f.Add([]byte(`{"entries":[{"action":"a.b","actor":"x","repository":{"full_name":"/"},"token_id":1.5e3}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var res ingest.Result
		err := New().Parse(context.Background(), bytesFile("fuzz.json", data), &ingest.Env{}, &res)
		if err != nil {
			var pe *ingest.Error
			if !errors.As(err, &pe) || pe.Pos.File != "fuzz.json" {
				t.Fatalf("error %v is not an *ingest.Error naming the file", err)
			}
			return
		}
		if err := joined(&res); err != nil {
			t.Fatal(err)
		}
	})
}
