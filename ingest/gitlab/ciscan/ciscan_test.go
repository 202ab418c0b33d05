package ciscan

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestScanInstalls(t *testing.T) {
	tests := []struct {
		name   string
		script string
		wd     string
		want   []Install
	}{
		{"npm ci at root", "npm ci", "", []Install{{"npm", "."}}},
		{"npm run is no install", "npm run build", "", nil},
		{"cd then install", "cd web && npm install\nyarn", "", []Install{{"npm", "web"}, {"npm", "web"}}},
		{"subshell cd ends with it", "(cd scripts/pusher && go build)\nnpm ci", "", []Install{{"golang", "scripts/pusher"}, {"npm", "."}}},
		{"prefix option", "npm --prefix site ci", "app", []Install{{"npm", "app/site"}}},
		{"python -m pip", "python3 -m pip install awscli", "", []Install{{"pypi", "."}}},
		{"sudo and env prefixes", "sudo -E env FOO=1 pip install -r requirements.txt", "", []Install{{"pypi", "."}}},
		{"bundle without subcommand", "bundle", "", []Install{{"gem", "."}}},
		{"comment is skipped", "# npm ci\necho done", "", nil},
		{"quoted operator stays in word", `echo "a; npm ci"`, "", nil},
		{"escaped newline joins", "npm \\\n  ci", "", []Install{{"npm", "."}}},
		{"go mod download", "go mod download", "", []Install{{"golang", "."}}},
		{"redirect duplicate keeps command", "go test ./... 2>&1 | tee out", "", []Install{{"golang", "."}}},
		{"pushd popd", "pushd a\npopd\ncargo build", "", []Install{{"cargo", "."}}},
		{"shell -c script", "bash -c 'cd web && npm ci'\nnpm ci", "", []Install{{"npm", "web"}, {"npm", "."}}},
		// sudo -u USER and env -u NAME take the next word as their value.
		{"sudo option value", "sudo -u runner npm ci", "", []Install{{"npm", "."}}},
		{"env option value", "env -u CI npm ci", "", []Install{{"npm", "."}}},
		{"sudo option value then shell", "sudo -u runner bash -c 'npm ci'", "", []Install{{"npm", "."}}},
		// The commands of a substitution run, in a subshell of their own.
		{"substitution", "VERSION=$(npx semantic-release --dry-run)", "", []Install{{"npm", "."}}},
		{"substitution in quotes", `echo "$(cd web && npm ci)"` + "\nnpm ci", "", []Install{{"npm", "web"}, {"npm", "."}}},
		{"backquotes", "echo `npm ci`", "", []Install{{"npm", "."}}},
		// env -C and sudo -D move the command they run.
		{"env chdir", "env -C web npm ci", "", []Install{{"npm", "web"}}},
		{"sudo chdir", "sudo -D web npm ci", "", []Install{{"npm", "web"}}},
		{"brace group cd stays", "{ cd web; npm ci; }\nnpm ci", "", []Install{{"npm", "web"}, {"npm", "web"}}},
		{"if body", "if [ -f package.json ]; then npm ci; fi", "", []Install{{"npm", "."}}},
		{"loop body once", "for d in a b; do (cd $d && npm ci); done\nnpm ci", "", []Install{{"npm", "$d"}, {"npm", "."}}},
		{"here-document is text", "cat <<EOF > notes\nnpm ci\nEOF", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner()
			s.Scan(tt.script, tt.wd)
			if diff := cmp.Diff(s.Installs(), tt.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("installs (-got +want):\n%s", diff)
			}
		})
	}
}

func TestScanReads(t *testing.T) {
	tests := []struct {
		name    string
		scripts []string
		want    []Read
	}{
		{"plain and braced", []string{`echo $A ${B} ${C:-$D} ${#E}`}, []Read{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}, {Name: "E"}}},
		{"single quotes do not expand", []string{`echo '$A' "$B"`}, []Read{{Name: "B"}}},
		{"escaped dollar and pid", []string{`echo \$A $$B`}, nil},
		{"assignment before read", []string{"X=1\necho $X"}, nil},
		{"read before assignment", []string{`export X=$(cat $X)`}, []Read{{Name: "X", File: true}}},
		{"set in one script, read in the next", []string{"export TOKEN=abc", "curl -H $TOKEN"}, nil},
		{"for and read", []string{"for f in $LIST; do echo $f; done", "read -r line; echo $line"}, []Read{{Name: "LIST"}}},
		{"file use", []string{`cat ${GPG_KEY_PATH}`, `gcloud auth --key-file=$KEY`, `curl --data @$BODY`, `echo $PLAIN`}, []Read{
			{Name: "GPG_KEY_PATH", File: true}, {Name: "KEY", File: true}, {Name: "BODY", File: true}, {Name: "PLAIN"}}},
		{"powershell env", []string{`$env:GOCACHE = (Resolve-Path $env:GOCACHE).Path`, `New-Item -Path "$Env:OTHER"`}, []Read{{Name: "GOCACHE"}, {Name: "OTHER", File: true}}},
		{"arithmetic", []string{"(( N = $COUNT + 1 ))", "let M=$STEP+1"}, []Read{{Name: "COUNT"}, {Name: "STEP"}}},
		{"cmd percent", []string{`echo %TOKEN% & date +%Y%m%d`}, []Read{{Name: "TOKEN"}}},
		{"substitution inside quotes", []string{`echo "$(cat $F)"`}, []Read{{Name: "F", File: true}}},
		{"bash env export", []string{`echo 'export NPM_TOKEN="x"' >> "$BASH_ENV"`, `npm publish --token $NPM_TOKEN`}, []Read{{Name: "BASH_ENV"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner()
			for _, sc := range tt.scripts {
				s.Scan(sc, "")
			}
			if diff := cmp.Diff(s.Reads(), tt.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("reads (-got +want):\n%s", diff)
			}
		})
	}
}

// A variable that a script assigns before reading it contains what its
// values read, as bash expands them: $B is read when A is assigned.
func TestScanSources(t *testing.T) {
	tests := []struct {
		name     string
		scripts  []string
		variable string
		want     []string
	}{
		{"never assigned", []string{"echo $A"}, "A", []string{"A"}},
		{"read before assigned", []string{"echo $A", "A=$B"}, "A", []string{"A"}},
		{"assigned a literal", []string{"A=abc123", "echo $A"}, "A", nil},
		{"assigned a variable", []string{`export A="${B}"`}, "A", []string{"B"}},
		{"through two assignments", []string{"B=$C", "A=prefix-$B"}, "A", []string{"C"}},
		{"every value counts", []string{"A=$B", "echo $A", "A=$C"}, "A", []string{"B", "C"}},
		{"own earlier value", []string{"A=$B", "A=$A:$C"}, "A", []string{"B", "C"}},
		{"command output", []string{"A=$(vault read -field=token $VAULT_PATH)"}, "A", nil},
		{"read input", []string{"read -r A"}, "A", nil},
		{"argument of another command", []string{"docker run -e A=$B image", "echo $A"}, "A", []string{"A"}},
		{"bash env export", []string{`echo "export A=$B" >> $BASH_ENV`}, "A", []string{"B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner()
			for _, sc := range tt.scripts {
				s.Scan(sc, "")
			}
			if diff := cmp.Diff(tt.want, s.Sources(tt.variable), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sources of %s (-want +got):\n%s", tt.variable, diff)
			}
		})
	}
}

func TestScanCommands(t *testing.T) {
	s := NewScanner()
	s.Scan("make release_s3\nsudo -E make x | tee log\n$TOOL run\n./ci/touch_git", "")
	want := []string{"make", "tee", "touch_git"}
	if diff := cmp.Diff(s.Commands(), want); diff != "" {
		t.Errorf("commands (-got +want):\n%s", diff)
	}
}

func TestRegexGlob(t *testing.T) {
	tests := map[string]string{
		`^v[0-9]+\.[0-9]+$`:    "v*.*",
		`\Av[0-9]+-rc[0-9]+\z`: "v*-rc*",
		`release`:              "*release*",
		`^(main|master)$`:      "*",
		`(?i)^main$`:           "*",
		`^feature/`:            "feature/*",
		`(`:                    "*",
	}
	for re, want := range tests {
		if got := RegexGlob(re); got != want {
			t.Errorf("RegexGlob(%q) = %q, want %q", re, got, want)
		}
	}
}

// A command longer than maxCommand is read up to its last whole word
// before the limit: a word cut at the limit would name another package
// (black-formatter==1.0 cut to black). The Scanner reports that it
// stopped short.
func TestScanLongCommand(t *testing.T) {
	pad := strings.Repeat("x", maxCommand-len("pip install a==1.0 ")-len("black-f"))
	s := NewScanner()
	s.Scan("pip install a==1.0 "+pad[:len(pad)-1]+" black-formatter==1.0\nnpm ci", ".")
	var named []string
	for _, e := range s.Effects() {
		for _, n := range e.Named {
			named = append(named, n.Name+"=="+n.Version)
		}
	}
	if want := []string{"a==1.0", pad[:len(pad)-1] + "=="}; !slices.Equal(named, want) {
		t.Errorf("named installs %q, want %q", named, want)
	}
	if !s.Truncated() {
		t.Error("Truncated() = false after a command over the limit")
	}
	if got := s.Installs(); len(got) != 2 || got[1].Eco != "npm" {
		t.Errorf("installs %v: the command after the long one is not read", got)
	}
}

// The Scanner stops after maxCommands commands and reports it.
func TestScanManyCommands(t *testing.T) {
	s := NewScanner()
	s.Scan(strings.Repeat("echo a\n", maxCommands-1), ".")
	if s.Truncated() {
		t.Error("Truncated() = true below the limit")
	}
	s.Scan(strings.Repeat("echo a\n", 2), ".")
	if !s.Truncated() {
		t.Error("Truncated() = false past the limit")
	}
}

// A function that calls itself passes shellscan's bound on calls, and
// the Scanner reports the calls past it as unread. A call within the
// bound leaves the scripts whole.
func TestScanCallBoundTruncates(t *testing.T) {
	s := NewScanner()
	s.Scan("g() { cd web; }\ng\nnpm ci", ".")
	if s.Truncated() {
		t.Error("Truncated() = true for one call")
	}
	s.Scan("f() { f; }\nf\nnpm ci", ".")
	if !s.Truncated() {
		t.Error("Truncated() = false after calls past the bound")
	}
}

// A job's runs of one name in two scripts give one edge, which admits the
// versions that each run requests.
func TestBuilderMergesToolRunRequests(t *testing.T) {
	var res ingest.Result
	b := NewBuilder("ci.yml", &res)
	b.Edge("job", graph.EdgeExecutes, "pkg:npm/foo", graph.Certain, 3, Attrs{"pinned": "floating", "requested": "^1"})
	b.Edge("job", graph.EdgeExecutes, "pkg:npm/foo", graph.Certain, 4, Attrs{"pinned": "floating", "requested": "^2"})
	if len(res.Edges) != 1 {
		t.Fatalf("%d edges, want 1", len(res.Edges))
	}
	if got := res.Edges[0].Attr("requested"); got != "^1 || ^2" {
		t.Errorf("requested %q, want ^1 || ^2", got)
	}
}
