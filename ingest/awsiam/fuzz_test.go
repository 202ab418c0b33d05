package awsiam

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error or gives facts whose edges join nodes of the result.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, path := range seeds {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"UserDetailList":[{"Arn":"arn:x","GroupList":["g",1],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}],"RoleDetailList":{}}`))
	f.Add([]byte(`{"PolicyVersion":{"Document":"{\"Statement\":{}}"}}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var res ingest.Result
		err := New().Parse(context.Background(), bytesFile("fuzz.json", "", "fuzz.json", data), &ingest.Env{}, &res)
		if err != nil {
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			if pe.Pos.File != "fuzz.json" {
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
