package cloudtrail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that any input either is rejected with a positioned
// *ingest.Error or gives facts whose edges join nodes of the result and
// whose positions point at records that were read.
func FuzzParse(f *testing.F) {
	// Whole test inputs under 2 KB are seeds, and so is each line of the
	// larger ones: small seeds keep the fuzzer's minimizing quick.
	seeds, _ := filepath.Glob("testdata/*")
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if len(data) < 2048 {
			f.Add(data)
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				f.Add(line)
			}
		}
	}
	f.Add([]byte("eventTime,eventSource,eventName,userIdentity\n2026-10-05T12:00:00Z,s3.amazonaws.com,GetObject,\"{type=IAMUser, arn=arn:aws:iam::111122223333:user/a}\"\n"))
	f.Add([]byte(`{"Events":[{"CloudTrailEvent":"{\"eventSource\":\"sts.amazonaws.com\",\"eventName\":\"AssumeRoleWithWebIdentity\",\"userIdentity\":{\"type\":\"WebIdentityUser\",\"userName\":\"repo:o/r:pull_request\",\"identityProvider\":\"token.actions.githubusercontent.com\"}}"}]}`))
	f.Add([]byte(`{"Records":[null, 1, "x", {"userIdentity": "x", "requestParameters": [1]}]}`))
	f.Add([]byte(`[{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/r/s"},"errorMessage":"arn:aws:iam::111122223333:role/x."}]`))

	f.Fuzz(func(t *testing.T, data []byte) {
		var res ingest.Result
		err := New().Parse(context.Background(), bytesFile("fuzz.json", data), testEnv(), &res)
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
	})
}

// joined returns an error when an edge names a node the result lacks or a
// fact points past the records read.
func joined(res *ingest.Result) error {
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			return fmt.Errorf("node %s appears twice", n.ID)
		}
		ids[n.ID] = true
		if n.Pos.Line < 1 {
			return fmt.Errorf("node %s has no record position", n.ID)
		}
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("edge %s joins a node that is not in the result", e.Key())
		}
		if e.Pos.Line < 1 {
			return fmt.Errorf("edge %s has no record position", e.Key())
		}
	}
	for _, d := range res.Diags {
		if d.Pos.Line < 1 {
			return fmt.Errorf("diagnostic %q has no line", d)
		}
	}
	return nil
}
