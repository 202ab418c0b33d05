package query

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// The cases follow the examples and rules of PEP 440's section on version
// specifiers, worked out by hand.
func TestPyPIAdmits(t *testing.T) {
	tests := []struct {
		spec, version string
		admits, ok    bool
	}{
		// ~=2.2 is >=2.2, ==2.*
		{"~=2.2", "2.2", true, true},
		{"~=2.2", "2.9.1", true, true},
		{"~=2.2", "3.0", false, true},
		{"~=2.2", "2.1", false, true},
		// ~=1.4.5 is >=1.4.5, ==1.4.*
		{"~=1.4.5", "1.4.9", true, true},
		{"~=1.4.5", "1.5.0", false, true},
		{"~=1.4.5", "1.4.4", false, true},
		{"~=1", "1.0", false, false},
		{"~=1!2.2", "1!2.5", true, true},
		{"~=1!2.2", "2.5", false, true},
		// Prefix matching pads the release with zeros.
		{"==1.4.*", "1.4", true, true},
		{"==1.4.*", "1.4.5", true, true},
		{"==1.4.*", "1.40", false, true},
		{"==1.4.*", "2!1.4", false, true},
		{"!=1.4.*", "1.5", true, true},
		{"!=1.4.*", "1.4.2", false, true},
		{">=1.4.*", "1.5", false, false},
		// Clauses joined by commas must all hold.
		{">=1.0,<2", "1.9.9", true, true},
		{">=1.0, <2", "2.0", false, true},
		{">=1.0,<2", "0.9", false, true},
		{"==1.4", "1.4.0", true, true},
		{"==1.4", "1.4.1", false, true},
		{"===1.4", "1.4", true, true},
		{"===1.4", "1.4.0", false, true},
		{">=foo", "1.0", false, false},
		{">=1.0", "not-a-version", false, false},
	}
	for _, tt := range tests {
		admits, ok := pypiAdmits(tt.spec, tt.version)
		if admits != tt.admits || ok != tt.ok {
			t.Errorf("pypiAdmits(%q, %q) = %v, %v; want %v, %v", tt.spec, tt.version, admits, ok, tt.admits, tt.ok)
		}
	}
}

// jobA installs ruff~=0.3.0 and jobB ruff>=0.4: a query for 0.3.5 reaches
// jobA only, one for 0.4.1 jobB only, as pip would pick them.
func TestVersionQueryReadsPyPIRequests(t *testing.T) {
	const name = "pkg:pypi/ruff"
	s := newG().
		node(name, "ecosystem", "pypi").
		edge(jobA, graph.EdgeExecutes, name, "via=install", "pinned=floating", "requested=~=0.3.0").
		edge(jobB, graph.EdgeExecutes, name, "via=install", "pinned=floating", "requested=>=0.4").
		store(t)
	for _, r := range []graph.Reader{s, generic{s}} {
		for spec, want := range map[string]map[string]graph.Confidence{
			"pkg:pypi/ruff@0.3.5": {jobA: graph.Possible},
			"pkg:pypi/ruff@0.4.1": {jobB: graph.Possible},
		} {
			res, err := Run(context.Background(), r, Start{Packages: []string{spec}}, Options{})
			if err != nil {
				t.Fatalf("%s: %v", spec, err)
			}
			got := map[string]graph.Confidence{}
			for _, x := range res.Reached {
				got[x.Node.ID] = x.Confidence
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (%T): reached (-want +got):\n%s", spec, r, diff)
			}
		}
	}
}
