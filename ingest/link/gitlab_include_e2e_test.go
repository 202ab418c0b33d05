package link_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestGitLabLocalIncludeAnywhere: a pipeline includes ci/python.yml,
// which includes templates/base.yml, from folders other than .gitlab/ci.
// GitLab runs the test job written in ci/python.yml, which installs the
// requirements and runs pytest, so that job executes the pinned package.
// A YAML file that nothing includes stays unread.
func TestGitLabLocalIncludeAnywhere(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"proj": {
			".gitlab-ci.yml": `include:
  - local: ci/python.yml
stages: [test]
lint:
  stage: test
  script: [echo lint]
`,
			"ci/python.yml": `include:
  - local: templates/base.yml
test:
  extends: .python
  script:
    - pip install -r requirements.txt
    - pytest
`,
			"templates/base.yml": `.python:
  stage: test
  image: python:3.12
`,
			"ci/unused.yml":    "other:\n  script: [echo]\n",
			"requirements.txt": "requests==2.31.0\n",
		},
	})
	s, sum := ingestDir(t, dir)

	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.To == "pkg:pypi/requests@2.31.0" {
			got = append(got, e.From+" "+string(e.Confidence))
		}
	}
	want := []string{"runtime:gitlab:o/proj/ci/python.yml#test certain"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs that execute requests (-want +got):\n%s", diff)
	}

	var skipped []string
	for _, sk := range sum.Skipped {
		if rel, err := filepath.Rel(dir, sk.Path); err == nil {
			skipped = append(skipped, filepath.ToSlash(rel)+": "+sk.Reason)
		}
	}
	sort.Strings(skipped)
	if diff := cmp.Diff([]string{"proj/ci/unused.yml: format not recognised"}, skipped); diff != "" {
		t.Errorf("skipped files (-want +got):\n%s", diff)
	}
}
