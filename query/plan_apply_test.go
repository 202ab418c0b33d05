package query

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// A CI job of the radius applies the manifest of CronJob report, so the
// compromised code can change it but did not run there: the plan checks
// when its field managers last changed it, and names the job.
func TestPlanChecksAppliedWorkload(t *testing.T) {
	const (
		job = "runtime:gha:o/a/.github/workflows/deploy.yml#deploy"
		wl  = "k8s:workload:batch/CronJob/report"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/a").
		node(wl, "type", "k8s-workload", "kind", "CronJob", "namespace", "batch", "name", "report").
		edge(job, graph.EdgeCanModify, wl).
		store(t)
	it := planItem(t, planFrom(t, s, job, Options{}), wl)
	want := `kubectl get cronjob/report --namespace=batch -o 'jsonpath={range .metadata.managedFields[*]}{.time}{"\t"}{.manager}{"\t"}{.operation}{"\t"}{.subresource}{"\n"}{end}'`
	if it.Kind != "check" || it.Command != want {
		t.Errorf("%s %q, want check %q", it.Kind, it.Command, want)
	}
	if !strings.Contains(it.Action, "applies its manifests or chart with the cluster credentials it holds") {
		t.Errorf("action %q, want it to say the job applies the workload's manifests", it.Action)
	}
}
