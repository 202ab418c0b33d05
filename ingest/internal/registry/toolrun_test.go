package registry

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestToolRunsOfScript(t *testing.T) {
	script := `# npx cowsay in a comment
cd web && npx -y prettier@3.1.0 --check .
echo npx left-pad
uvx ruff@0.3.0 check \
  --fix
CI=true pnpm dlx create-vite@latest app | tee log
python -m pip install -r requirements.txt`
	type run struct {
		Eco, Name, Version, Requested string
		Line                          int
	}
	var got []run
	for _, r := range ToolRuns(script, nil) {
		got = append(got, run{r.Eco, r.Name, r.Version, r.Requested, r.Line})
	}
	want := []run{
		{"npm", "prettier", "3.1.0", "", 2},
		{"pypi", "ruff", "0.3.0", "", 4},
		{"npm", "create-vite", "", "latest", 6},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("ToolRuns (-got +want):\n%s", diff)
	}
}

// A shell's -c script is read as commands of the script, at the shell's
// line, and shells within shells to a bounded depth.
func TestToolRunsInShellScripts(t *testing.T) {
	script := "echo start\nbash -c 'npm ci && npx cowsay@1.5.0 hi'\n" +
		"sh -ec \"bash -c 'pnpm dlx prettier@3.1.0'\"\n"
	var got []string
	for _, r := range ToolRuns(script, nil) {
		got = append(got, fmt.Sprintf("%s@%s:%d", r.Name, r.Version, r.Line))
	}
	want := []string{"cowsay@1.5.0:2", "prettier@3.1.0:3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tool runs (-want +got):\n%s", diff)
	}
}

// A release inside a shell's -c script is found, and a release's Index is
// its command's position in Commands also when shells come before it.
func TestReleasesInShellScripts(t *testing.T) {
	script := "bash -c 'echo start && export X=1'\nnpm publish\nsh -c \"cd web && npm publish\"\n"
	releases, _ := ScanReleases(script)
	commands := Commands(script)
	var got []string
	for _, r := range releases {
		text := ""
		if r.Index >= 0 && r.Index < len(commands) {
			text = commands[r.Index].Text
		}
		got = append(got, fmt.Sprintf("%s:%d:%s:%v", r.Eco, r.Line, strings.TrimSpace(text), r.Top))
	}
	// The second release runs in web, a folder of the shell's own.
	want := []string{"npm:2:npm publish:true", "npm:3:npm publish:false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
}
