package advisory

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that any input gives either a positioned *Error or an
// advisory whose affected packages can be matched without a panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "1.0.0")
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1!2.0rc1.post2.dev3+l.1"}]}]}]}`), "2.0")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		a, _, err := Parse("f.json", data)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		for _, af := range a.Affected {
			af.Affects(version)
		}
	})
}
