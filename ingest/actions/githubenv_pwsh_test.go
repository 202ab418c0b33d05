package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// A PowerShell step (shell: pwsh or powershell, or no shell on a Windows
// runner, where the default is pwsh) finds the file in the environment
// variable GITHUB_ENV, which it reads as $env:GITHUB_ENV. GitHub's
// workflow commands write NAME=VALUE lines there with Out-File -Append,
// and PowerShell also appends with Add-Content and >>. Out-File without
// -Append, Set-Content and > replace what the step wrote before. In
// PowerShell, $GITHUB_ENV is a variable of the script, which is not set,
// so the form of bash writes nothing there.
func TestReleaseGitHubEnvPowerShell(t *testing.T) {
	setup := "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n" +
		"        env:\n          NODE_AUTH_TOKEN: ${{ secrets.SETUP_TOKEN }}\n"
	const publish = "      - run: npm publish\n"
	const unscoped = `{"name": "app", "version": "1.0.0"}`
	pwsh := func(script string) string {
		return "      - shell: pwsh\n        run: |\n          " + strings.ReplaceAll(script, "\n", "\n          ") + "\n"
	}
	exported := map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"}
	exportedReach := map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}}
	setupLogins := map[string]string{"SETUP_TOKEN": "registry.npmjs.org", "ENV_TOKEN": ""}
	setupReach := map[string]resulttest.Reach{"registry.npmjs.org SETUP_TOKEN": {Registry: true, Project: true}}
	windows := "on: push\njobs:\n  rel:\n    runs-on: windows-latest\n    steps:\n"
	tests := []releaseCase{
		{
			name:   "Out-File -Append",
			steps:  setup + pwsh(`"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" | Out-File -FilePath $env:GITHUB_ENV -Append`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "Out-File of Windows PowerShell, with its encoding",
			steps:  setup + "      - shell: powershell\n        run: '\"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" | Out-File -FilePath $env:GITHUB_ENV -Encoding utf8 -Append'\n" + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "Add-Content",
			steps:  setup + pwsh(`Add-Content -Path $env:GITHUB_ENV -Value "NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}"`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "Add-Content with the path in quotes and the value from the pipeline",
			steps:  setup + pwsh(`"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" | Add-Content "$env:GITHUB_ENV"`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "echo and >>",
			steps:  setup + pwsh(`echo "NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" >> $env:GITHUB_ENV`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "a string and >>",
			steps:  setup + pwsh(`"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" >> ${env:GITHUB_ENV}`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			// PowerShell expands $env:NAME in double quotes.
			name: "variable of the writing step",
			steps: setup + pwsh(`"NODE_AUTH_TOKEN=$env:NPM_TOKEN" | Out-File -FilePath $env:GITHUB_ENV -Append`) +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			logins: exported, reach: exportedReach,
		},
		{
			// PowerShell keeps $env:NAME in single quotes as written.
			name: "single quotes",
			steps: setup + pwsh(`'NODE_AUTH_TOKEN=$env:NPM_TOKEN' | Out-File -FilePath $env:GITHUB_ENV -Append`) +
				"        env:\n          NPM_TOKEN: ${{ secrets.ENV_TOKEN }}\n" + publish,
			logins: map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": ""},
		},
		{
			name: "multi-line value",
			steps: setup + pwsh(`"NODE_AUTH_TOKEN<<EOF" | Out-File -FilePath $env:GITHUB_ENV -Append
"${{ secrets.ENV_TOKEN }}" | Out-File -FilePath $env:GITHUB_ENV -Append
"EOF" | Out-File -FilePath $env:GITHUB_ENV -Append`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			// Out-File without -Append replaces the lines written before.
			name: "Out-File without -Append after the token",
			steps: setup + pwsh(`"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" | Out-File -FilePath $env:GITHUB_ENV -Append
"NODE_ENV=production" | Out-File -FilePath $env:GITHUB_ENV`) + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name: "Out-File without -Append before the token",
			steps: setup + pwsh(`"NODE_ENV=production" | Out-File -FilePath $env:GITHUB_ENV
"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" | Out-File -FilePath $env:GITHUB_ENV -Append`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "bash's form in PowerShell",
			steps:  setup + pwsh(`echo "NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}" >> $GITHUB_ENV`) + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			// A .NET call is a form that is not read.
			name:   "unread form",
			steps:  setup + pwsh("[IO.File]::AppendAllText($env:GITHUB_ENV, \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}`n\")") + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name:   "Windows runner",
			head:   windows,
			steps:  setup + "      - run: '\"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" | Out-File -FilePath $env:GITHUB_ENV -Append'\n" + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "bash's form on a Windows runner",
			head:   windows,
			steps:  setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name:   "bash on a Windows runner",
			head:   windows,
			steps:  setup + "      - shell: bash\n        run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "job's default shell",
			head:   "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: pwsh\n    steps:\n",
			steps:  setup + "      - run: '\"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" | Out-File -FilePath $env:GITHUB_ENV -Append'\n" + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "workflow's default shell",
			head:   "on: push\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n",
			steps:  setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			// The job's default comes before the workflow's.
			name: "job's default shell before the workflow's",
			head: "on: push\ndefaults:\n  run:\n    shell: pwsh\njobs:\n  rel:\n    runs-on: windows-latest\n" +
				"    defaults:\n      run:\n        shell: bash\n    steps:\n",
			steps:  setup + "      - run: echo \"NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}\" >> \"$GITHUB_ENV\"\n" + publish,
			logins: exported, reach: exportedReach,
		},
	}
	for _, tt := range tests {
		tt.manifest = unscoped
		t.Run(tt.name, tt.check)
	}
}

// pwshEnvWrites reads the lines that a PowerShell script writes to the
// file of $env:GITHUB_ENV, as the runner reads the file after the step.
func TestPwshEnvWrites(t *testing.T) {
	env := map[string]string{"V": "v1"}
	const out = " | Out-File -FilePath $env:GITHUB_ENV -Append"
	tests := []struct {
		name, run string
		want      map[string]string
	}{
		{"Add-Content by position", `Add-Content $env:GITHUB_ENV "A=1"`, map[string]string{"A": "1"}},
		{"Add-Content by name", `Add-Content -Value "A=1" -Path $env:GITHUB_ENV -Encoding utf8`, map[string]string{"A": "1"}},
		{"list of strings", `"A=1", "B=2"` + out, map[string]string{"A": "1", "B": "2"}},
		{"escaped newline", "\"A=1`nB=$env:V\"" + out, map[string]string{"A": "1", "B": "v1"}},
		{"Set-Content replaces", `"A=1"` + out + "\n" + `Set-Content -Path $env:GITHUB_ENV -Value "B=2"`, map[string]string{"B": "2"}},
		{"shortened parameter", `"A=1" | Out-File -FilePath $env:GITHUB_ENV -App`, map[string]string{"A": "1"}},
		{"-Append:$false replaces", `"A=1"` + out + "\n" + `"B=2" | Out-File -FilePath $env:GITHUB_ENV -Append:$false`, map[string]string{"B": "2"}},
		{"-InputObject", `Out-File -FilePath $env:GITHUB_ENV -InputObject "A=1" -Append`, map[string]string{"A": "1"}},
		{"subexpression", `"A=$(Get-Date)"` + out, map[string]string{"A": "$(Get-Date)"}},
		{"variable of the script", `$line` + out, map[string]string{}},
		{"-NoNewline", `"B=2" | Out-File -FilePath $env:GITHUB_ENV -Append -NoNewline`, map[string]string{"B": ""}},
		{"parameter not known", `"B=2" | Out-File -FilePath $env:GITHUB_ENV -Bogus`, map[string]string{"B": ""}},
		{"here-string", "@\"\nA=1\nB=$env:V\n\"@" + out, map[string]string{"A": "1", "B": "v1"}},
		{"literal here-string", "@'\nB=$env:V\n'@" + out, map[string]string{"B": "$env:V"}},
		{"continued line", "\"A=1\" | Out-File `\n  -FilePath $env:GITHUB_ENV -Append", map[string]string{"A": "1"}},
		{"comment", `# "A=1"` + out, nil},
		{"script block", `if ($true) { "A=1"` + out + ` }`, map[string]string{"A": "1"}},
		{"echo of two words", `echo A=1 B=$env:V >> $env:GITHUB_ENV`, map[string]string{"A": "1", "B": "v1"}},
		{"name of the file in another case", `"A=1" >> $Env:github_env`, map[string]string{"A": "1"}},
		{"other file", `"A=1" | Out-File -FilePath $env:GITHUB_PATH -Append`, nil},
		{"two writes of a line", `"A=1"` + out + `; "B=2" >> "${env:GITHUB_ENV}"`, map[string]string{"A": "1", "B": "2"}},
		{"stderr redirected too", `echo "A=1" 2>$null >> $env:GITHUB_ENV`, map[string]string{"A": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pwshEnvWrites(tt.run, env)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("pwshEnvWrites(%q) (-got +want):\n%s", tt.run, diff)
			}
		})
	}
}

// TestBlankShellEnvWrites checks that a step whose shell: is only blanks
// is read as a step without a shell (bash, on a Linux runner), rather
// than failing the workflow's parse.
func TestBlankShellEnvWrites(t *testing.T) {
	j := &job{}
	got := j.envWrites(" ", `echo "A=1" >> $GITHUB_ENV`, nil)
	if diff := cmp.Diff(map[string]string{"A": "1"}, got); diff != "" {
		t.Errorf("envWrites with a blank shell (-want +got):\n%s", diff)
	}
}
