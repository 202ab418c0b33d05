package gitlab

import (
	"strings"
	"testing"
)

// A job whose scripts go past the commands a scanner reads gets a warning
// at the job's line, and one within the limit gets none.
func TestScriptTooLongWarns(t *testing.T) {
	for _, tc := range []struct {
		name     string
		commands int
		warn     bool
	}{
		{"within the limit", 100, false},
		{"past the limit", 20001, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "build:\n  script:\n" + strings.Repeat("    - echo a\n", tc.commands)
			res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			warned := false
			for _, d := range res.Diags {
				if strings.Contains(d.Msg, "job build: its scripts have more than") {
					warned = true
					if d.Pos.Line != 1 {
						t.Errorf("warning at line %d, want 1", d.Pos.Line)
					}
				}
			}
			if warned != tc.warn {
				t.Errorf("warned %v, want %v", warned, tc.warn)
			}
		})
	}
}
