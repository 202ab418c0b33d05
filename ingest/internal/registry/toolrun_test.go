package registry

import (
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
	for _, r := range ToolRuns(script) {
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
