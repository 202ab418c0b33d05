package gitlab

import (
	"os"
	"path/filepath"
	"testing"
)

// TestIncludeRules parses the jobs of files that the root includes under
// rules:. GitLab reads such a file only when its rules let the run in:
// never for when: never, and only on the runs where $DEPLOY_ENV is
// "prod", which the file cannot decide. A file the conditional one
// includes inherits its rules, and an entry without rules: reads its file
// on every run.
func TestIncludeRules(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitlab-ci.yml": `include:
  - local: ci/never.yml
    rules:
      - when: never
  - local: ci/cond.yml
    rules:
      - if: '$DEPLOY_ENV == "prod"'
  - local: ci/plain.yml
build:
  script: [make]
`,
		"ci/never.yml":  "never-job:\n  script: [make never]\n",
		"ci/cond.yml":   "include: ci/nested.yml\ncond-job:\n  script: [make cond]\n",
		"ci/nested.yml": "nested-job:\n  script: [make nested]\n",
		"ci/plain.yml":  "plain-job:\n  script: [make plain]\n",
	}
	for rel, text := range files {
		full := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		file, job, want string
	}{
		{"ci/never.yml", "never-job", "never"},
		{"ci/cond.yml", "cond-job", "possible"},
		{"ci/nested.yml", "nested-job", "possible"},
		{"ci/plain.yml", "plain-job", ""},
	} {
		res, err := parseAt(t, root, tc.file, testProject)
		if err != nil {
			t.Fatalf("parse %s: %v", tc.file, err)
		}
		if got := findNode(t, res, jobID(tc.file, tc.job)).Attr("runs"); got != tc.want {
			t.Errorf("%s: runs %q, want %q", tc.job, got, tc.want)
		}
	}
}
