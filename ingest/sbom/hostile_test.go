package sbom

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// parseData runs p over data as the file name.
func parseData(t *testing.T, p ingest.Parser, name, data string) (*ingest.Result, error) {
	t.Helper()
	res := &ingest.Result{}
	err := p.Parse(context.Background(), file(name, []byte(data)), &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res)
	return res, err
}

// versionNodes returns the ids of Package nodes that carry a version.
func versionNodes(res *ingest.Result) []string {
	var out []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodePackage && n.Attr(attrVersion) != "" {
			out = append(out, n.ID)
		}
	}
	return out
}

const testSubject = `"metadata":{"component":{"type":"application","name":"app","purl":"pkg:npm/app@1.0.0","bom-ref":"root"}}`

// A UTF-8 byte order mark before the document changes nothing.
func TestByteOrderMark(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		file   string
		data   string
	}{
		{"cyclonedx", NewCycloneDX(), "bom.cdx.json", `{"bomFormat":"CycloneDX","specVersion":"1.5",` + testSubject + `,"components":[{"type":"library","name":"e","purl":"pkg:npm/e@1.0.0"}]}`},
		{"spdx", NewSPDX(), "sbom.spdx.json", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"SPDXID":"SPDXRef-e","name":"e","externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/e@1.0.0"}]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseData(t, tc.parser, tc.file, "\xef\xbb\xbf"+tc.data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			found := false
			for _, id := range versionNodes(res) {
				if id == "pkg:npm/e@1.0.0" {
					found = true
				}
			}
			if !found {
				t.Errorf("pkg:npm/e@1.0.0 not read; got %v", versionNodes(res))
			}
		})
	}
}

// A purl whose name or version decodes to a control character, a
// bidirectional override or invalid UTF-8 is skipped with a warning.
func TestPurlWithInvalidText(t *testing.T) {
	data := `{"bomFormat":"CycloneDX","specVersion":"1.5",` + testSubject + `,"components":[
{"type":"library","bom-ref":"a","name":"a","purl":"pkg:npm/a%00b@1.0.0"},
{"type":"library","bom-ref":"b","name":"b","purl":"pkg:npm/b@1.0.0%1b[2J"},
{"type":"library","bom-ref":"c","name":"c","purl":"pkg:npm/c%E2%80%AE@1.0.0"},
{"type":"library","bom-ref":"d","name":"d","purl":"pkg:npm/d%ff@1.0.0"},
{"type":"library","bom-ref":"e","name":"e","purl":"pkg:npm/e@1.0.0"}],
"dependencies":[{"ref":"root","dependsOn":["a","b","c","d","e","root"]},{"ref":"e","dependsOn":["e"]}]}`
	res, err := parseData(t, NewCycloneDX(), "bom.cdx.json", data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if diff := cmp.Diff(versionNodes(res), []string{"pkg:npm/app@1.0.0", "pkg:npm/e@1.0.0"}); diff != "" {
		t.Errorf("versions (-got +want):\n%s", diff)
	}
	if got := len(res.Diags); got != 4 {
		t.Errorf("got %d diagnostics, want 4: %v", got, res.Diags)
	}
	for _, d := range res.Diags {
		if strings.ContainsAny(d.Msg, "\x00\x1b\u202e") || strings.Contains(d.Msg, "%") {
			t.Errorf("diagnostic %q quotes the input", d.Msg)
		}
	}
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		ids[n.ID] = true
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s -> %s joins a node not in the result", e.From, e.To)
		}
		if e.From == e.To {
			t.Errorf("edge %s -> %s joins a node to itself", e.From, e.To)
		}
	}
}

// Components with unreadable purls are warned about one by one up to
// maxPurlWarnings, then counted in one last warning, as those without one.
func TestUnreadablePurlWarningsBounded(t *testing.T) {
	var comps []string
	for i := 0; i < 50; i++ {
		comps = append(comps, `{"type":"library","name":"x","purl":"not a purl"}`)
	}
	data := `{"bomFormat":"CycloneDX","specVersion":"1.5",` + testSubject + `,"components":[` + strings.Join(comps, ",") + `]}`
	res, err := parseData(t, NewCycloneDX(), "bom.cdx.json", data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if got, want := len(res.Diags), maxPurlWarnings+1; got != want {
		t.Errorf("got %d warnings, want %d", got, want)
	}
	if got := res.Diags[len(res.Diags)-1].Msg; got != "30 more components without a readable purl skipped" {
		t.Errorf("last warning = %q", got)
	}
}

// Warnings carry the line and column where the value they name starts,
// which a minified SBOM on one line needs.
func TestWarningColumns(t *testing.T) {
	data := `{"bomFormat":"CycloneDX","specVersion":"1.5",` + testSubject + `,"components":[{"type":"library","name":"x"}, 5]}`
	res, err := parseData(t, NewCycloneDX(), "bom.cdx.json", data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var got []string
	for _, d := range res.Diags {
		got = append(got, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col))
	}
	first := strings.Index(data, `{"type":"library","name":"x"}`) + 1
	second := strings.Index(data, `, 5]`) + 3
	want := []string{fmt.Sprintf("1:%d", first), fmt.Sprintf("1:%d", second)}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("warning positions (-got +want):\n%s", diff)
	}
}
