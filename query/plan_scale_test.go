package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// A plan over many literal secrets looks up each one's registry account
// in an index. With a scan of the whole blast radius per secret, the
// plan grows with the square of the secrets.
func TestPlanManyLiteralSecrets(t *testing.T) {
	const count = 20000
	gr := newG().edge(jobA, graph.EdgeExecutes, bad)
	for i := range count {
		id := fmt.Sprintf("secret:gha:inline:o/a/.github/workflows/ci.yml#j/run@%d", i+1)
		gr = gr.node(id, "type", "inline-value", "name", "npm token", graph.AttrStoredInline, "true", graph.AttrLongLived, "true").
			edge(jobA, graph.EdgeExposes, id)
	}
	s := gr.store(t)
	res := blast(t, s, bad, Options{})
	start := time.Now()
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("plan over %d literal secrets: %v", count, elapsed)
	items := 0
	for _, st := range plan.Steps {
		items += len(st.Items)
	}
	if items < count {
		t.Errorf("plan has %d items, want at least %d", items, count)
	}
	// Measured with this test on 2 shared cores: about 3s with the
	// index, and about 44s with a scan per secret.
	if elapsed > 15*time.Second {
		t.Errorf("plan took %v, want under 15s", elapsed)
	}
}
