package sbom

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		path, head string
		cdx, spdx  bool
	}{
		{"images/api.cdx.json", "{}", true, false},
		{"images/api.spdx.json", "{}", false, true},
		{"bom.json", `{"bomFormat": "CycloneDX", "specVersion": "1.4"}`, true, false},
		{"sbom.json", `{"spdxVersion": "SPDX-2.3"}`, false, true},
		{"package.json", `{"name": "x"}`, false, false},
		{"bom.xml", `<bom bomFormat="CycloneDX">`, false, false},
		{"policy.json", `{"Version": "2012-10-17"}`, false, false},
	}
	for _, tt := range tests {
		f := file(tt.path, []byte(tt.head))
		f.RelPath = tt.path
		if got := NewCycloneDX().Detect(f); got != tt.cdx {
			t.Errorf("CycloneDX.Detect(%s) = %v, want %v", tt.path, got, tt.cdx)
		}
		if got := NewSPDX().Detect(f); got != tt.spdx {
			t.Errorf("SPDX.Detect(%s) = %v, want %v", tt.path, got, tt.spdx)
		}
	}
}

func TestReject(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		input  string
		want   string
	}{
		{"syntax", NewCycloneDX(), "{\n  \"bomFormat\": \"CycloneDX\",\n  \"components\": [,]\n}", "x.json:3:18: invalid JSON: invalid character ',' looking for beginning of value"},
		{"cut", NewCycloneDX(), "{\n  \"bomFormat\": \"CycloneDX\",\n", "x.json:2:28: file ends in the middle of a JSON value"},
		{"array", NewCycloneDX(), "[]", "x.json:1: top-level value is not an object"},
		{"not cyclonedx", NewCycloneDX(), "{\n\"bomFormat\": \"Other\"}", "x.json:1: bomFormat is not CycloneDX"},
		{"spdx 3", NewSPDX(), "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}", "x.json:1: spdxVersion is not SPDX-2.x; SPDX 3 documents are not read"},
		{"trailing", NewSPDX(), "{\"spdxVersion\": \"SPDX-2.3\"} {}", "x.json:1:29: unexpected data after the top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &ingest.Result{}
			err := tt.parser.Parse(context.Background(), file("x.json", []byte(tt.input)), &ingest.Env{}, res)
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("error (-got +want):\n%s", diff)
			}
		})
	}
}

// TestCanary plants a credential-like value in fields an SBOM may carry
// (properties, hashes, names without a purl, purl qualifiers, URLs) and
// checks that none of it reaches a fact or a message.
func TestCanary(t *testing.T) {
	const canary = "CANARY-sbom-7f3a"
	res, err := parse(t, NewCycloneDX(), "testdata/canary.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Nodes) == 0 {
		t.Fatal("no nodes: the canary file was not read")
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), canary) {
		t.Errorf("canary value found in the result: %s", out)
	}
	for _, id := range []string{"pkg:npm/left-pad@1.3.0", "pkg:docker/example-org/canary@3.1.0"} {
		found := false
		for _, n := range res.Nodes {
			found = found || n.ID == id
		}
		if !found {
			t.Errorf("node %s missing", id)
		}
	}
}

// FuzzParse checks that any input gives either a positioned
// *ingest.Error or facts whose edges join nodes of the result.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"components":[{"purl":"pkg:oci/x"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []ingest.Parser{NewCycloneDX(), NewSPDX()} {
			res := &ingest.Result{}
			err := p.Parse(context.Background(), file("f.json", data), &ingest.Env{}, res)
			if err != nil {
				var ie *ingest.Error
				if !errors.As(err, &ie) {
					t.Fatalf("%s: error %v is not an *ingest.Error", p.Format(), err)
				}
				continue
			}
			ids := map[string]bool{}
			for _, n := range res.Nodes {
				if err := graph.CheckNode(n); err != nil {
					t.Fatalf("%s: %v", p.Format(), err)
				}
				ids[n.ID] = true
			}
			for _, e := range res.Edges {
				if err := graph.CheckEdge(e); err != nil {
					t.Fatalf("%s: %v", p.Format(), err)
				}
				if !ids[e.From] || !ids[e.To] {
					t.Fatalf("%s: edge %s joins a node not in the result", p.Format(), e.Key())
				}
			}
		}
	})
}
