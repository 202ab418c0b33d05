package gitlab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJobWithoutScript expects a warning at a job with no script, run or
// trigger when the input contains the whole pipeline. An include that the
// input lacks (a template, a component, a missing local file) may give
// the job its script, so then there is no warning.
func TestJobWithoutScript(t *testing.T) {
	for _, tc := range []struct {
		name, root string
		local      map[string]string
		warn       bool
	}{
		{"cut off", "build:\n  stage: build\n  image: node:20\n", nil, true},
		{"script from a local include", "include:\n  - local: ci/jobs.yml\nbuild:\n  stage: build\n",
			map[string]string{"ci/jobs.yml": "build:\n  script:\n    - make\n"}, false},
		{"template include", "include:\n  - template: Security/SAST.gitlab-ci.yml\nsast:\n  stage: test\n", nil, false},
		{"missing local include", "include:\n  - local: ci/missing.yml\nbuild:\n  stage: build\n", nil, false},
		{"trigger", "deploy:\n  trigger: group/other\n", nil, false},
		{"script", "build:\n  script: make\n", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			write := func(rel, text string) {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, rel), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write(".gitlab-ci.yml", tc.root)
			for rel, text := range tc.local {
				write(rel, text)
			}
			res, err := parseAt(t, root, ".gitlab-ci.yml", testProject)
			if err != nil {
				t.Fatal(err)
			}
			warned := false
			for _, d := range res.Diags {
				if strings.Contains(d.Msg, "has no script, run or trigger") {
					warned = true
				}
			}
			if warned != tc.warn {
				t.Errorf("warned %v, want %v: %v", warned, tc.warn, res.Diags)
			}
		})
	}
}
