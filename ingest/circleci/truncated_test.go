package circleci

import (
	"strings"
	"testing"
)

// A job whose run steps go past the commands a scanner reads gets a
// warning at the job's line, and one within the limit gets none.
func TestRunTooLongWarns(t *testing.T) {
	for _, tc := range []struct {
		name     string
		commands int
		warn     bool
	}{
		{"within the limit", 100, false},
		{"past the limit", 20001, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:2024.01\n    steps:\n" +
				"      - run: |\n" + strings.Repeat("          echo a\n", tc.commands) +
				"workflows:\n  main:\n    jobs: [build]\n"
			res, err := parseBytes(t, ".circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			warned := false
			for _, d := range res.Diags {
				if strings.Contains(d.Msg, "job build: its scripts have more than") {
					warned = true
				}
			}
			if warned != tc.warn {
				t.Errorf("warned %v, want %v: %v", warned, tc.warn, res.Diags)
			}
		})
	}
}
