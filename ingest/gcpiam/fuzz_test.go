package gcpiam

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error naming the file or gives facts whose edges join nodes of
// the result, with diagnostics that have a line.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, path := range seeds {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"bindings":[{"role":"roles/owner","members":["user:a@b",1,"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/"]}],"resource":"projects/x"}`))
	f.Add([]byte(`{"name":"//iam.googleapis.com/projects/p/serviceAccounts/1","asset_type":"iam.googleapis.com/ServiceAccount","resource":{"data":{"email":"x"}}}` + "\n" + `[]`))
	f.Add([]byte(`{"resource":"projects/p","bindings":[{"role":"r","members":["user:a"],"condition":{"expression":"a &&"}}]}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var res ingest.Result
		err := New().Parse(context.Background(), bytesFile("project-fuzz.iam.json", "", "project-fuzz.iam.json", data), testEnv(), &res)
		if err != nil {
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			if pe.Pos.File != "project-fuzz.iam.json" {
				t.Fatalf("error position %s names another file", pe.Pos)
			}
			return
		}
		if err := joined(&res); err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diags {
			if d.Pos.Line < 1 {
				t.Fatalf("diagnostic %q has no line", d)
			}
		}
	})
}
