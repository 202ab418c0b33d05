package actions

import (
	"strings"
	"testing"
)

// TestJobWithoutSteps warns at a job that has neither steps nor a called
// workflow (GitHub reports such a workflow as invalid), also when the
// file ends at steps:, and keeps the job.
func TestJobWithoutSteps(t *testing.T) {
	for name, src := range map[string]string{
		"cut off": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n",
		"missing": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
		"empty":   "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: []\n",
	} {
		res, err := parseBytes(t, "example-org/app", ".github/workflows/ci.yml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var warned []string
		for _, d := range res.Diags {
			if strings.Contains(d.Msg, "job build has no steps") {
				warned = append(warned, d.Pos.String())
			}
		}
		if len(warned) != 1 {
			t.Errorf("%s: %d warnings about the job's steps, want 1: %v", name, len(warned), res.Diags)
		}
		if len(res.Nodes) == 0 {
			t.Errorf("%s: the job was dropped", name)
		}
	}
	called := "on: push\njobs:\n  call:\n    uses: ./.github/workflows/reusable.yml\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
	res, err := parseBytes(t, "example-org/app", ".github/workflows/ci.yml", []byte(called))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "no steps") {
			t.Errorf("warning for a job that calls a workflow or has steps: %s", d.Msg)
		}
	}
}
