package sbom

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
)

// TestIDsMatchLockfiles checks that a package listed in an SBOM and the
// same package pinned by a lockfile share one node id: the lockfiles in
// testdata/lockfiles pin the components of testdata/api.cdx.json.
func TestIDsMatchLockfiles(t *testing.T) {
	sbomRes, err := parse(t, NewCycloneDX(), "testdata/api.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	inSBOM := map[string]bool{}
	for _, n := range sbomRes.Nodes {
		inSBOM[n.ID] = true
	}
	for _, tc := range []struct {
		parser ingest.Parser
		file   string
		ids    []string
	}{
		{lockfile.NewNPM(), "package-lock.json", []string{"pkg:npm/%40example-org/util@2.0.0", "pkg:npm/evil@1.0.0"}},
		{lockfile.NewGoMod(), "go.mod", []string{"pkg:golang/github.com/example-org/mod@v1.2.3"}},
		{lockfile.NewRequirements(), "requirements.txt", []string{"pkg:pypi/zope-interface@5.0"}},
	} {
		path := filepath.Join("testdata/lockfiles", tc.file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := file(path, data)
		res := &ingest.Result{}
		if err := tc.parser.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
			t.Fatal(err)
		}
		inLock := map[string]bool{}
		for _, n := range res.Nodes {
			inLock[n.ID] = true
		}
		for _, id := range tc.ids {
			if !inLock[id] {
				t.Errorf("%s: lockfile node %s missing", tc.file, id)
			}
			if !inSBOM[id] {
				t.Errorf("%s: SBOM node %s missing", tc.file, id)
			}
		}
	}
}
