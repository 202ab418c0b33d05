package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sbomIngestQuery ingests paths into a fresh store and runs a JSON query. It
// returns the result, the query's stderr and its exit status.
func sbomIngestQuery(t *testing.T, ingestArgs []string, queryArgs ...string) (resultView, string, int) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, append([]string{"--db", db, "--log-level", "error", "ingest"}, ingestArgs...)...); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	out, errs, code := run(t, append([]string{"--db", db, "--log-level", "error", "query", "--format", "json"}, queryArgs...)...)
	var res resultView
	if code == exitOK {
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
	}
	return res, errs, code
}

type sbomHop struct {
	From, Kind, To string
}

func sbomPathHops(r reachedView) []sbomHop {
	var out []sbomHop
	for _, h := range r.Path {
		out = append(out, sbomHop{h.From, string(h.Kind), h.To})
	}
	return out
}

// TestSBOMReachesRuntimes: a Deployment runs image api:1.4.2 and an ECS
// task runs worker:2.0.1; their SBOMs list pkg:npm/evil@1.0.0, so its
// blast radius holds both runtimes and what they expose. The worker's SBOM
// names the image by digest and tag, and the task by tag only: the tag may
// have moved since the SBOM was made, so that path is possible.
func TestSBOMReachesRuntimes(t *testing.T) {
	const (
		evil      = "pkg:npm/evil@1.0.0"
		api       = "pkg:docker/example-org/api@1.4.2?repository_url=registry.example.com"
		deploy    = "k8s:workload:shop/Deployment/api"
		worker    = "pkg:docker/example-org/worker@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae?repository_url=ghcr.io"
		workerTag = "pkg:docker/example-org/worker@2.0.1?repository_url=ghcr.io"
		task      = "runtime:aws:ecs-task:worker"
	)
	res, errs, code := sbomIngestQuery(t, []string{"--org", "example-org", "testdata/sbom-image"}, "--package", evil)
	if code != exitOK {
		t.Fatalf("query: exit %d: %s", code, errs)
	}
	got := map[string]reachedView{}
	for _, r := range res.Reached {
		got[r.Node.ID] = r
	}
	tests := []struct {
		id   string
		conf string
		path []sbomHop
	}{
		{deploy, "certain", []sbomHop{{api, "DEPENDS_ON", evil}, {deploy, "EXECUTES", api}}},
		{"secret:k8s:shop/orders-db", "certain", []sbomHop{{api, "DEPENDS_ON", evil}, {deploy, "EXECUTES", api}, {deploy, "EXPOSES", "secret:k8s:shop/orders-db"}}},
		{task, "possible", []sbomHop{{worker, "DEPENDS_ON", evil}, {workerTag, "DEPENDS_ON", worker}, {task, "EXECUTES", workerTag}}},
		{"secret:aws:role-credentials:aws:ecs-task:worker", "possible", nil},
	}
	for _, tt := range tests {
		r, ok := got[tt.id]
		if !ok {
			t.Errorf("not reached: %s", tt.id)
			continue
		}
		if string(r.Confidence) != tt.conf {
			t.Errorf("%s: confidence %s, want %s", tt.id, r.Confidence, tt.conf)
		}
		if tt.path == nil {
			continue
		}
		if diff := cmp.Diff(sbomPathHops(r), tt.path); diff != "" {
			t.Errorf("%s: path (-got +want):\n%s", tt.id, diff)
		}
	}
	// A sibling component shares the image, not the compromise.
	if _, ok := got["pkg:npm/express@4.21.0"]; ok {
		t.Error("pkg:npm/express@4.21.0 reached: components of one image do not contain each other")
	}
}
