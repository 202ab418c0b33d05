package actions_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
)

const walkWorkflow = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
`

const walkReusable = `on:
  workflow_call:
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`

// walkIngest ingests paths through every parser, as the ingest command
// does, with every file in repository example-org/app.
func walkIngest(t *testing.T, paths ...string) (*memstore.Store, *ingest.Summary) {
	t.Helper()
	s := memstore.New()
	p := &ingest.Pipeline{
		Parsers: formats.All(),
		Store:   s,
		Repo:    "example-org/app",
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
	}
	sum, err := p.Run(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	return s, sum
}

func TestWalkSkipsWorkflowsOutsideFolder(t *testing.T) {
	// GitHub runs the workflow files directly in .github/workflows, and no
	// other: a workflow-shaped file elsewhere that the walk finds runs no
	// job. A file the user names alone is still read.
	dir := t.TempDir()
	files := map[string]string{
		".github/workflows/ci.yml":         walkWorkflow,
		".github/workflows/deploy.yaml":    walkReusable,
		".github/workflow/ci.yml":          walkWorkflow,
		".github/workflows/old/legacy.yml": walkWorkflow,
		"ci/build.yml":                     walkWorkflow,
	}
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	s, sum := walkIngest(t, dir)
	const reason = "not in .github/workflows: GitHub does not run it"
	var skipped []string
	for _, sk := range sum.Skipped {
		rel, err := filepath.Rel(dir, sk.Path)
		if err != nil {
			t.Fatal(err)
		}
		skipped = append(skipped, filepath.ToSlash(rel)+": "+sk.Reason)
	}
	slices.Sort(skipped)
	want := []string{
		".github/workflow/ci.yml: " + reason,
		".github/workflows/old/legacy.yml: " + reason,
		"ci/build.yml: " + reason,
	}
	if diff := cmp.Diff(skipped, want); diff != "" {
		t.Errorf("skipped (-got +want):\n%s", diff)
	}
	if fs := sum.Formats["github-actions"]; fs == nil || fs.Ingested != 2 {
		t.Errorf("github-actions summary = %+v, want 2 files ingested", fs)
	}
	for _, rel := range []string{".github/workflows/ci.yml", ".github/workflows/deploy.yaml"} {
		job := "build"
		if rel == ".github/workflows/deploy.yaml" {
			job = "deploy"
		}
		id := graph.GHAJobID("example-org/app", rel, job)
		nodes, err := s.Nodes(context.Background(), []string{id})
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes) != 1 {
			t.Errorf("no job %s", id)
		}
	}

	// Named alone, the file outside .github/workflows is read.
	s, sum = walkIngest(t, filepath.Join(dir, ".github", "workflow", "ci.yml"))
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped = %+v, want none", sum.Skipped)
	}
	id := graph.GHAJobID("example-org/app", ".github/workflow/ci.yml", "build")
	nodes, err := s.Nodes(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 {
		t.Errorf("no job %s from the named file", id)
	}
}
