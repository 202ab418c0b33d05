package query

import (
	"context"
	"fmt"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// manyLiteralSecrets is a graph whose job holds count literal secrets.
func manyLiteralSecrets(count int) *g {
	gr := newG().edge(jobA, graph.EdgeExecutes, bad)
	for i := range count {
		id := fmt.Sprintf("secret:gha:inline:o/a/.github/workflows/ci.yml#j/run@%d", i+1)
		gr = gr.node(id, "type", "inline-value", "name", "npm token", graph.AttrStoredInline, "true", graph.AttrLongLived, "true").
			edge(jobA, graph.EdgeExposes, id)
	}
	return gr
}

// A plan over many literal secrets has an item for each.
// BenchmarkPlanManyLiteralSecrets measures it: a plan that scanned the
// whole blast radius per secret grew with the square of the secrets.
func TestPlanManyLiteralSecrets(t *testing.T) {
	const count = 20000
	s := manyLiteralSecrets(count).store(t)
	res := blast(t, s, bad, Options{})
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	items := 0
	for _, st := range plan.Steps {
		items += len(st.Items)
	}
	if items < count {
		t.Errorf("plan has %d items, want at least %d", items, count)
	}
}

func BenchmarkPlanManyLiteralSecrets(b *testing.B) {
	s := manyLiteralSecrets(20000).store(b)
	res := blast(b, s, bad, Options{})
	for b.Loop() {
		if _, err := BuildPlan(context.Background(), s, res); err != nil {
			b.Fatal(err)
		}
	}
}
