package ciscan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

func TestScanEffects(t *testing.T) {
	noScripts := pkgcmd.Effect{Eco: "npm", Dir: ".", Install: true, NoScripts: true}
	tests := []struct {
		name    string
		jobEnv  map[string]string
		scripts []string
		want    []pkgcmd.Effect
	}{
		{"ignore-scripts flag", nil, []string{"npm ci --ignore-scripts"}, []pkgcmd.Effect{noScripts}},
		{"job variable", map[string]string{"npm_config_ignore_scripts": "true"}, []string{"npm ci"}, []pkgcmd.Effect{noScripts}},
		{"export holds within one script", nil, []string{"export npm_config_ignore_scripts=true\nnpm ci"}, []pkgcmd.Effect{noScripts}},
		{"export ends with its script", nil, []string{"export npm_config_ignore_scripts=true", "npm ci"}, []pkgcmd.Effect{
			{Eco: "npm", Dir: ".", Install: true, Run: pkgcmd.RunMaybe, Cause: "npm ci runs the project's own lifecycle scripts"}}},
		{"prefix assignment", nil, []string{"npm_config_ignore_scripts=true npm ci"}, []pkgcmd.Effect{noScripts}},
		{"run in a folder", nil, []string{"cd web && npm test"}, []pkgcmd.Effect{{Eco: "npm", Dir: "web", Run: pkgcmd.RunCertain, Cause: "npm test"}}},
		{"make", nil, []string{"make check"}, []pkgcmd.Effect{
			{Eco: "*", Dir: ".", Run: pkgcmd.RunMaybe, Cause: "make runs commands the input does not show"}}},
		{"nothing", nil, []string{"echo npm ci"}, nil},
		// env -i starts the command with no variables, so the exported one
		// no longer turns install scripts off.
		{"env -i", nil, []string{"export npm_config_ignore_scripts=true\nenv -i npm ci"}, []pkgcmd.Effect{
			{Eco: "npm", Dir: ".", Install: true, Run: pkgcmd.RunMaybe, Cause: "npm ci runs the project's own lifecycle scripts"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner()
			for k, v := range tt.jobEnv {
				s.SetEnv(k, v)
			}
			for _, sc := range tt.scripts {
				s.Scan(sc, "")
			}
			if diff := cmp.Diff(s.Effects(), tt.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("effects (-got +want):\n%s", diff)
			}
		})
	}
}

func TestScanAdd(t *testing.T) {
	s := NewScanner()
	if s.Installed() {
		t.Errorf("Installed() = true before any install")
	}
	s.Add(pkgcmd.Effect{Eco: "npm", Install: true})
	if !s.Installed() {
		t.Errorf("Installed() = false after an install")
	}
	if diff := cmp.Diff(s.Installs(), []Install{{"npm", "."}}); diff != "" {
		t.Errorf("installs (-got +want):\n%s", diff)
	}
}
