package actions

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

func TestJobRunsAttrs(t *testing.T) {
	res := parseFile(t, "runs.yml")
	keys := []string{pkgcmd.AttrInstalls, pkgcmd.AttrScriptsOff, pkgcmd.AttrRuns, pkgcmd.AttrRunsVia,
		pkgcmd.AttrMayRun, pkgcmd.AttrMayRunVia}
	lifecycle := "npm ci runs the project's own lifecycle scripts"
	tests := []struct {
		job  string
		want map[string]string
	}{
		{"test", map[string]string{"installs": "npm", "install_scripts_off": "npm", "runs_code": "npm", "runs_code_via": "npm=npm test"}},
		{"scripts", map[string]string{"installs": "npm", "may_run_code": "npm", "may_run_code_via": "npm=" + lifecycle}},
		{"publish", map[string]string{"installs": "npm", "install_scripts_off": "npm"}},
		{"opaque", map[string]string{"installs": "pypi", "may_run_code": "*",
			"may_run_code_via": "*=the action example-org/check runs code the input does not show"}},
		{"go", map[string]string{"installs": "golang", "runs_code": "golang", "runs_code_via": "golang=go test"}},
		{"mixed", map[string]string{"installs": "npm", "may_run_code": "*,npm",
			"may_run_code_via": "*=make runs commands the input does not show,npm=" + lifecycle}},
	}
	for _, tt := range tests {
		n := findNode(t, res, jobID("runs.yml", tt.job))
		got := map[string]string{}
		for _, k := range keys {
			if v := n.Attr(k); v != "" {
				got[k] = v
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("job %s (-got +want):\n%s", tt.job, diff)
		}
	}
}

func TestScriptEffects(t *testing.T) {
	tests := []struct {
		script string
		env    pkgcmd.Env
		want   []pkgcmd.Effect
	}{
		{"npm ci --ignore-scripts", nil, []pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		{"export npm_config_ignore_scripts=true\nnpm ci", nil,
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		{"npm_config_ignore_scripts=true npm ci\nnpm install", nil, []pkgcmd.Effect{
			{Eco: "npm", Dir: ".", Install: true, NoScripts: true},
			{Eco: "npm", Dir: ".", Install: true, Run: pkgcmd.RunMaybe, Cause: "npm install runs the project's own lifecycle scripts"},
		}},
		{"npm ci", pkgcmd.Env{"npm_config_ignore_scripts": "true"},
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		{"cd web && yarn test", nil, []pkgcmd.Effect{{Eco: "npm", Dir: "web", Run: pkgcmd.RunCertain, Cause: "yarn test"}}},
		{"echo done", nil, nil},
	}
	for _, tt := range tests {
		got := scriptEffects(tt.script, "", tt.env)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("scriptEffects(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestScriptEffectsShell(t *testing.T) {
	lifecycle := func(dir, cmd string) pkgcmd.Effect {
		return pkgcmd.Effect{Eco: "npm", Dir: dir, Install: true, Run: pkgcmd.RunMaybe,
			Cause: cmd + " runs the project's own lifecycle scripts"}
	}
	tests := []struct {
		script string
		env    pkgcmd.Env
		want   []pkgcmd.Effect
	}{
		// Command substitutions run their commands.
		{"VERSION=$(npm ci)", nil, []pkgcmd.Effect{lifecycle(".", "npm ci")}},
		{`echo "$(npm ci)"`, nil, []pkgcmd.Effect{lifecycle(".", "npm ci")}},
		{"x=`npm ci`", nil, []pkgcmd.Effect{lifecycle(".", "npm ci")}},
		// A cd inside a substitution runs in a subshell and moves nothing
		// after it.
		{"v=$(cd web && npm ci)\nnpm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci"), lifecycle(".", "npm ci")}},
		// env -C moves the command; env -i empties its environment, so
		// the exported variable no longer turns install scripts off.
		{"env -C web npm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci")}},
		{"export npm_config_ignore_scripts=true\nenv -i npm ci", nil, []pkgcmd.Effect{lifecycle(".", "npm ci")}},
		{"sudo -D web npm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci")}},
		{"export npm_config_ignore_scripts=true\nenv -i npm publish", nil, []pkgcmd.Effect{
			{Eco: "npm", Dir: ".", Run: pkgcmd.RunMaybe, Cause: "npm publish runs the project's own lifecycle scripts"}}},
		// A subshell's cd moves only its own commands; a brace group's
		// moves the commands after it.
		{"( cd web && npm ci )\nnpm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci"), lifecycle(".", "npm ci")}},
		{"{ cd web; npm ci; }\nnpm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci"), lifecycle("web", "npm ci")}},
		{"if [ -f package.json ]; then cd web; npm ci; fi", nil, []pkgcmd.Effect{lifecycle("web", "npm ci")}},
		// A loop's body is read once, with its variable unknown.
		{"for d in a b; do (cd $d && npm ci); done", nil, []pkgcmd.Effect{lifecycle("$d", "npm ci")}},
		{"d=web\nfor d in a b; do (cd \"$d\" && npm ci); done", nil, []pkgcmd.Effect{lifecycle("$d", "npm ci")}},
		// A variable set without export is not in the environment of
		// the commands after it, unless exported later.
		{"npm_config_ignore_scripts=true\nnpm ci", nil, []pkgcmd.Effect{lifecycle(".", "npm ci")}},
		{"npm_config_ignore_scripts=true\nexport npm_config_ignore_scripts\nnpm ci", nil,
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		{"npm_config_ignore_scripts=true\nnpm ci", pkgcmd.Env{"npm_config_ignore_scripts": "false"},
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		// declare -x exports as export does, and export -n takes the
		// variable out of the environment again.
		{"declare -x npm_config_ignore_scripts=true\nnpm ci", nil,
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}}},
		{"export npm_config_ignore_scripts=true\nexport -n npm_config_ignore_scripts\nnpm ci", nil,
			[]pkgcmd.Effect{lifecycle(".", "npm ci")}},
		// A function's commands run where it is called, and its cd
		// moves the commands after the call.
		{"build() {\n  cd web\n  npm ci\n}\nbuild\nnpm publish", nil, []pkgcmd.Effect{lifecycle("web", "npm ci"),
			{Eco: "npm", Dir: "web", Run: pkgcmd.RunMaybe, Cause: "npm publish runs the project's own lifecycle scripts"}}},
		{"install() { npm ci; }\ncd web\ninstall", nil, []pkgcmd.Effect{lifecycle("web", "npm ci")}},
		{"install() { local -x npm_config_ignore_scripts=true; npm ci; }\ninstall\nnpm ci", nil,
			[]pkgcmd.Effect{{Eco: "npm", Dir: ".", Install: true, NoScripts: true}, lifecycle(".", "npm ci")}},
		// eval runs the text of its words in the same shell.
		{"eval 'cd web'\neval npm ci", nil, []pkgcmd.Effect{lifecycle("web", "npm ci")}},
		// A loop's header runs nothing.
		{"for d in web api; do echo $d; done", nil, nil},
		// A here-document's lines are text, not commands.
		{"cat <<EOF > notes.txt\nnpm ci\nEOF", nil, nil},
	}
	for _, tt := range tests {
		got := scriptEffects(tt.script, "", tt.env)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("scriptEffects(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
}
