package link

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestCICanary plants a value in every place a workflow can hold a literal
// credential and checks that no node, edge or attribute of the linked
// graph holds it.
func TestCICanary(t *testing.T) {
	const canary = "CANARY-link-ci-7f3a"
	s := ciStore(t, "canary")
	ctx := context.Background()
	var all []any
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ns)
	}
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, es)
	}
	data, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), canary) {
		t.Errorf("the canary value reached the graph")
	}
	if !strings.Contains(string(data), "runtime:runner:github:example-org/app") {
		t.Errorf("the linked graph lacks the runner host: the input was not read")
	}
}
