package actions

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// Each echo or printf of a brace group or a subshell whose output is
// redirected to $GITHUB_ENV writes a line there. A command of the group
// whose output goes elsewhere writes none. > and tee without -a replace
// what the step wrote before.
func TestReleaseGitHubEnvGroups(t *testing.T) {
	setup := "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://registry.npmjs.org\n" +
		"        env:\n          NODE_AUTH_TOKEN: ${{ secrets.SETUP_TOKEN }}\n"
	const publish = "      - run: npm publish\n"
	bash := func(script string) string {
		return "      - run: |\n          " + strings.ReplaceAll(script, "\n", "\n          ") + "\n"
	}
	const token = `echo "NODE_AUTH_TOKEN=${{ secrets.ENV_TOKEN }}"`
	exported := map[string]string{"SETUP_TOKEN": "", "ENV_TOKEN": "registry.npmjs.org"}
	exportedReach := map[string]resulttest.Reach{"registry.npmjs.org ENV_TOKEN": {Registry: true, Project: true}}
	setupLogins := map[string]string{"SETUP_TOKEN": "registry.npmjs.org", "ENV_TOKEN": ""}
	setupReach := map[string]resulttest.Reach{"registry.npmjs.org SETUP_TOKEN": {Registry: true, Project: true}}
	tests := []releaseCase{
		{
			name:   "brace group on one line",
			steps:  setup + bash(`{ `+token+`; echo "NODE_ENV=production"; } >> "$GITHUB_ENV"`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "brace group over lines",
			steps:  setup + bash("{\n  "+token+"\n  echo \"NODE_ENV=production\"\n} >> \"$GITHUB_ENV\"") + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "subshell",
			steps:  setup + bash(`( `+token+`; echo "NODE_ENV=production" ) >> $GITHUB_ENV`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "brace group through tee -a",
			steps:  setup + bash(`{ `+token+`; echo "NODE_ENV=production"; } | tee -a "$GITHUB_ENV"`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "nested group",
			steps:  setup + bash("{\n  ( "+token+" )\n  echo \"NODE_ENV=production\"\n} >> \"$GITHUB_ENV\"") + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "multi-line value in a group",
			steps:  setup + bash("{\n  echo \"NODE_AUTH_TOKEN<<EOF\"\n  echo \"${{ secrets.ENV_TOKEN }}\"\n  echo EOF\n} >> \"$GITHUB_ENV\"") + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "command of the group redirected elsewhere",
			steps:  setup + bash(`{ `+token+` > token.txt; echo "NODE_ENV=production"; } >> "$GITHUB_ENV"`) + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name:   "group redirected elsewhere",
			steps:  setup + bash("{\n  "+token+"\n} > vars.txt") + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name:   "second write of a line",
			steps:  setup + bash(`echo "NODE_ENV=production" >> "$GITHUB_ENV"; `+token+` >> "$GITHUB_ENV"`) + publish,
			logins: exported, reach: exportedReach,
		},
		{
			name:   "> after the token",
			steps:  setup + bash(token+" >> \"$GITHUB_ENV\"\necho \"NODE_ENV=production\" > \"$GITHUB_ENV\"") + publish,
			logins: setupLogins, reach: setupReach,
		},
		{
			name:   "tee without -a after the token",
			steps:  setup + bash(token+" >> \"$GITHUB_ENV\"\necho \"NODE_ENV=production\" | tee \"$GITHUB_ENV\"") + publish,
			logins: setupLogins, reach: setupReach,
		},
	}
	for _, tt := range tests {
		tt.manifest = `{"name": "app", "version": "1.0.0"}`
		t.Run(tt.name, tt.check)
	}
}

// githubEnvWrites reads the lines that a bash script writes to
// $GITHUB_ENV, as the runner reads the file after the step.
func TestGitHubEnvWritesBash(t *testing.T) {
	env := map[string]string{"V": "v1"}
	tests := []struct {
		name, run string
		want      map[string]string
	}{
		{"here-document of a group", "{\n  echo A=1\n  cat <<EOF\nB=$V\nEOF\n} >> \"$GITHUB_ENV\"", map[string]string{"A": "1", "B": "v1"}},
		{"here-document of a group, quoted delimiter", "{\n  cat <<'EOF'\nB=$V\nEOF\n} >> \"$GITHUB_ENV\"", map[string]string{"B": "$V"}},
		{"stderr of a command of the group", "{ echo A=1 2>/dev/null; echo B=2 >&2; echo C=3 2>&1; echo D=4 2> err.txt; } >> $GITHUB_ENV", map[string]string{"A": "1", "C": "3", "D": "4"}},
		{"piped command of the group", "{ echo A=1 | sed s/1/2/; echo B=2; } >> $GITHUB_ENV", map[string]string{"B": "2"}},
		{"assignments and cd in the group", "( cd web && X=1 && export Y=2 && echo A=$V ) >> $GITHUB_ENV", map[string]string{"A": "v1"}},
		{"if in the group", "{ if [ -n \"$CI\" ]; then echo A=1; else echo A=2; fi; } >> $GITHUB_ENV", map[string]string{"A": "2"}},
		{"another command of the group", "{ echo A=1; ./vars.sh B=2; } >> $GITHUB_ENV", map[string]string{"A": "1", "B": ""}},
		{"here-document to a file before a group", "cat <<EOF > x.json\n{\n  \"a\": 1\nEOF\n{ echo A=1; } >> $GITHUB_ENV", map[string]string{"A": "1"}},
		{"command substitution in the group", "{ echo \"A=$(date)\"; } >> $GITHUB_ENV", map[string]string{"A": "$(date)"}},
		{"group closed on the next line", "( echo A=1\n) >> $GITHUB_ENV", map[string]string{"A": "1"}},
		{"> empties the file", "echo A=1 >> $GITHUB_ENV\n{ echo B=2; } > $GITHUB_ENV", map[string]string{"B": "2"}},
		{"tee -a keeps it", "echo A=1 >> $GITHUB_ENV\necho B=2 | tee --append $GITHUB_ENV", map[string]string{"A": "1", "B": "2"}},
		// An if or a loop redirected as a whole writes what its commands
		// print; its body is read once.
		{"if redirected", "if [ -n \"$CI\" ]; then echo A=1; fi >> $GITHUB_ENV", map[string]string{"A": "1"}},
		{"loop redirected", "for n in 1 2; do\n  echo B=2\ndone >> \"$GITHUB_ENV\"", map[string]string{"B": "2"}},
		// A command of a substitution writes where its own redirection
		// sends its output, and otherwise into the substitution.
		{"write inside a substitution", "x=$(echo A=1 >> $GITHUB_ENV)", map[string]string{"A": "1"}},
		{"substitution output is no write", "{ x=$(echo A=1); echo B=2; } >> $GITHUB_ENV", map[string]string{"B": "2"}},
		// bash expands a variable the script set, exported or not.
		{"variable of the script", "W=abc\necho \"A=$W\" >> $GITHUB_ENV", map[string]string{"A": "abc"}},
		{"single quotes keep the name", "echo 'A=$V' >> $GITHUB_ENV", map[string]string{"A": "$V"}},
		{"echo joins its arguments", "echo A=1   B=2 >> $GITHUB_ENV", map[string]string{"A": "1 B=2"}},
		// The lines of a here-document are no commands.
		{"here-document is text", "cat <<EOF > notes.txt\necho A=1 >> $GITHUB_ENV\nEOF", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := githubEnvWrites(tt.run, env)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("githubEnvWrites(%q) (-got +want):\n%s", tt.run, diff)
			}
		})
	}
}

// githubEnvWrites reads a script in time linear in its length: a line of
// a megabyte of blanks, thousands of writes on one line, or groups nested
// thousands deep, each with a command.
// longEnvScripts are scripts of a megabyte or more that write $GITHUB_ENV:
// a long line, many writes, and deeply nested groups.
func longEnvScripts() []string {
	return []string{
		strings.Repeat(" ", 1<<20) + "echo A=1 >> $GITHUB_ENV",
		strings.Repeat(`echo A=1 >> "$GITHUB_ENV"; `, 40000),
		"{\n" + strings.Repeat("{ echo A=1\n", 100000) + strings.Repeat("}\n", 100000) + "} >> $GITHUB_ENV",
	}
}

func TestGitHubEnvWritesLongLine(t *testing.T) {
	for _, run := range longEnvScripts() {
		got := githubEnvWrites(run, nil)
		if got["A"] != "1" {
			t.Errorf("A = %q, want 1", got["A"])
		}
	}
}

// BenchmarkGitHubEnvLongScripts measures the reading of longEnvScripts,
// whose cost must grow with their length, not its square.
func BenchmarkGitHubEnvLongScripts(b *testing.B) {
	for i, run := range longEnvScripts() {
		b.Run(strconv.Itoa(i), func(b *testing.B) {
			for b.Loop() {
				githubEnvWrites(run, nil)
			}
		})
	}
}
