package actions

import (
	"testing"
	"time"
)

// FuzzEnvWrites checks that the readers of bash and PowerShell writes to
// $GITHUB_ENV take any script without a panic, in bounded time.
func FuzzEnvWrites(f *testing.F) {
	f.Add("{ echo A=1; ( echo \"B<<EOF\"; cat <<X\nv\nX\n); echo EOF; } >> \"$GITHUB_ENV\"")
	f.Add("echo A=1 2>&1 | tee -a $GITHUB_ENV; f() { echo B=$V; } > x")
	f.Add("\"A=1`n\", 'B=''2''' | Out-File -FilePath $env:GITHUB_ENV -Append:$true\n@\"\nC=$env:V\n\"@ >> ${env:GITHUB_ENV}")
	f.Add("Add-Content -Pa $env:GITHUB_ENV -Va \"A=$(Get-Date)\", x <# c #> ; Set-Content `\n $env:GITHUB_ENV -Value @('x')")
	env := map[string]string{"V": "v"}
	f.Fuzz(func(t *testing.T, run string) {
		start := time.Now()
		githubEnvWrites(run, env)
		pwshEnvWrites(run, env)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("reading %d bytes took %v", len(run), d)
		}
	})
}
