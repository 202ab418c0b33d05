package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// file wraps bytes as an input file at path.
func file(path string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path: path, RelPath: filepath.Base(path), Head: head, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

func parse(t *testing.T, p ingest.Parser, path string) (*ingest.Result, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res := &ingest.Result{}
	err = p.Parse(context.Background(), file(path, data), &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res)
	return res, err
}

// facts renders nodes, edges and diagnostics as sorted lines.
func facts(res *ingest.Result) []string {
	var out []string
	for _, n := range res.Nodes {
		out = append(out, fmt.Sprintf("node %s %s line=%d", n.Kind, n.ID, n.Pos.Line))
	}
	for _, e := range res.Edges {
		s := fmt.Sprintf("edge %s -%s-> %s %s line=%d", e.From, e.Kind, e.To, e.Confidence, e.Pos.Line)
		for _, k := range []string{graph.AttrDirect, graph.AttrLockfile} {
			if v := e.Attr(k); v != "" {
				s += " " + k + "=" + v
			}
		}
		out = append(out, s)
	}
	for _, d := range res.Diags {
		out = append(out, "warn "+d.String())
	}
	sort.Strings(out)
	return out
}

func TestParse(t *testing.T) {
	const (
		api       = "pkg:docker/example-org/api@1.4.2?repository_url=registry.example.com"
		apiName   = "pkg:docker/example-org/api?repository_url=registry.example.com"
		apiDigest = "pkg:docker/example-org/api@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270?repository_url=registry.example.com"
		digest    = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
		worker    = "pkg:docker/example-org/worker@" + digest + "?repository_url=ghcr.io"
		workerTag = "pkg:docker/example-org/worker@2.0.1?repository_url=ghcr.io"
		workerNm  = "pkg:docker/example-org/worker?repository_url=ghcr.io"
	)
	tests := []struct {
		parser ingest.Parser
		path   string
		want   []string
	}{
		{NewCycloneDX(), "testdata/api.cdx.json", []string{
			"edge " + api + " -DEPENDS_ON-> pkg:golang/github.com/example-org/mod@v1.2.3 certain line=38 direct=true",
			"edge " + api + " -DEPENDS_ON-> pkg:npm/%40example-org/util@2.0.0 certain line=22 direct=true",
			"edge " + api + " -DEPENDS_ON-> pkg:npm/evil@1.0.0 certain line=15 direct=false",
			"edge " + api + " -DEPENDS_ON-> pkg:pypi/zope-interface@5.0 certain line=30 direct=false",
			"edge " + api + " -VERSION_OF-> " + apiName + " certain line=7",
			"edge pkg:golang/github.com/example-org/mod@v1.2.3 -VERSION_OF-> pkg:golang/github.com/example-org/mod certain line=38",
			"edge pkg:npm/%40example-org/util@2.0.0 -DEPENDS_ON-> pkg:npm/evil@1.0.0 certain line=53 lockfile=api.cdx.json",
			"edge pkg:npm/%40example-org/util@2.0.0 -VERSION_OF-> pkg:npm/%40example-org/util certain line=22",
			"edge pkg:npm/evil@1.0.0 -VERSION_OF-> pkg:npm/evil certain line=15",
			"edge pkg:pypi/zope-interface@5.0 -VERSION_OF-> pkg:pypi/zope-interface certain line=30",
			"node Package " + api + " line=7",
			"node Package " + apiName + " line=7",
			"node Package pkg:golang/github.com/example-org/mod line=38",
			"node Package pkg:golang/github.com/example-org/mod@v1.2.3 line=38",
			"node Package pkg:npm/%40example-org/util line=22",
			"node Package pkg:npm/%40example-org/util@2.0.0 line=22",
			"node Package pkg:npm/evil line=15",
			"node Package pkg:npm/evil@1.0.0 line=15",
			"node Package pkg:pypi/zope-interface line=30",
			"node Package pkg:pypi/zope-interface@5.0 line=30",
			"warn testdata/api.cdx.json:45:5: component has no purl; skipped",
		}},
		{NewCycloneDX(), "testdata/trivy.cdx.json", []string{
			"edge " + apiDigest + " -DEPENDS_ON-> pkg:npm/evil@1.0.0 certain line=13",
			"edge " + apiDigest + " -VERSION_OF-> " + apiName + " certain line=5",
			"edge " + api + " -DEPENDS_ON-> " + apiDigest + " possible line=5",
			"edge " + api + " -VERSION_OF-> " + apiName + " certain line=5",
			"edge pkg:npm/evil@1.0.0 -VERSION_OF-> pkg:npm/evil certain line=13",
			"node Package " + api + " line=5",
			"node Package " + apiDigest + " line=5",
			"node Package " + apiName + " line=5",
			"node Package pkg:npm/evil line=13",
			"node Package pkg:npm/evil@1.0.0 line=13",
		}},
		{NewSPDX(), "testdata/api.spdx.json", []string{
			"edge " + worker + " -DEPENDS_ON-> pkg:npm/evil@1.0.0 certain line=22 direct=false",
			"edge " + worker + " -DEPENDS_ON-> pkg:npm/express@4.21.0 certain line=30 direct=true",
			"edge " + worker + " -VERSION_OF-> " + workerNm + " certain line=9",
			"edge " + workerTag + " -DEPENDS_ON-> " + worker + " possible line=9",
			"edge " + workerTag + " -VERSION_OF-> " + workerNm + " certain line=9",
			"edge pkg:npm/evil@1.0.0 -VERSION_OF-> pkg:npm/evil certain line=22",
			"edge pkg:npm/express@4.21.0 -DEPENDS_ON-> pkg:npm/evil@1.0.0 certain line=47 lockfile=api.spdx.json",
			"edge pkg:npm/express@4.21.0 -VERSION_OF-> pkg:npm/express certain line=30",
			"node Package " + worker + " line=9",
			"node Package " + workerNm + " line=9",
			"node Package " + workerTag + " line=9",
			"node Package pkg:npm/evil line=22",
			"node Package pkg:npm/evil@1.0.0 line=22",
			"node Package pkg:npm/express line=30",
			"node Package pkg:npm/express@4.21.0 line=30",
			"warn testdata/api.spdx.json:38:5: package has no purl; skipped",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := parse(t, tt.parser, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(tt.want)
			if diff := cmp.Diff(facts(res), tt.want); diff != "" {
				t.Errorf("facts (-got +want):\n%s", diff)
			}
		})
	}
}
