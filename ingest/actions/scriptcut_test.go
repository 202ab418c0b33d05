package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// A script past maxScriptCommands gets a warning at the line of the file
// where reading stopped (npm ci after maxScriptCommands echoes). A
// one-line run gets it at the run key's value.
func TestScriptCutWarning(t *testing.T) {
	var b strings.Builder
	b.WriteString("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n")
	for range maxScriptCommands {
		b.WriteString("          echo\n")
	}
	b.WriteString("          npm ci\n")
	b.WriteString("      - run: f() { f; }; f\n")
	res, err := parseBytes(t, "acme/app", ".github/workflows/ci.yml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	// The script starts on line 8 of the file, so its line 10001
	// (npm ci) is line 10008.
	want := []string{
		".github/workflows/ci.yml:10008: job build: step 2: the script passes a bound on commands, nesting, function calls or eval text at its line 10001, so some of its installs and code runs may be missing; split the script into smaller steps",
		".github/workflows/ci.yml:10009:14: job build: step 3: the script passes a bound on commands, nesting, function calls or eval text at its line 1, so some of its installs and code runs may be missing; split the script into smaller steps",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
