package orggen

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraphDeterministic(t *testing.T) {
	a, b := Graph(ForNodes(2000)), Graph(ForNodes(2000))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same shape gave different graphs:\n%.2000s", diff)
	}
}

func TestGraphSize(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		g := Graph(ForNodes(n))
		if got := len(g.Nodes); got < n/2 || got > n*2 {
			t.Errorf("ForNodes(%d) gave %d nodes, want within a factor of two", n, got)
		}
	}
}
