package shellscan

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// seen is what a test records of one command.
type seen struct {
	Args    []string
	Unknown []int // indexes of the words marked Unknown
	Assigns []string
	Dir     string
	Line    int
}

// scan returns the commands of a script, without the headers of compound
// commands and tests.
func scan(t *testing.T, script string, env pkgcmd.Env) []seen {
	t.Helper()
	var out []seen
	_, err := Scan(script, ".", env, Options{}, func(c *Command) bool {
		if c.Keyword {
			return true
		}
		s := seen{Args: c.Args(), Assigns: slices.Clone(c.Assigns), Dir: c.Dir, Line: c.Line}
		for i, w := range c.Words {
			if w.Unknown {
				s.Unknown = append(s.Unknown, i)
			}
		}
		out = append(out, s)
		return true
	})
	if err != nil {
		t.Fatalf("Scan(%q): %v", script, err)
	}
	return out
}

func TestScanWords(t *testing.T) {
	tests := []struct {
		script string
		want   []seen
	}{
		{`npm  ci --prefix "my app"`, []seen{{Args: []string{"npm", "ci", "--prefix", "my app"}, Dir: ".", Line: 1}}},
		// Backslashes escape any character outside quotes, and only $ ` " \
		// inside double quotes; single quotes keep everything.
		{`echo a\ b "c\d\"e" 'f\g'`, []seen{{Args: []string{"echo", "a b", `c\d"e`, `f\g`}, Dir: ".", Line: 1}}},
		{`echo $'a\tb'`, []seen{{Args: []string{"echo", "a\tb"}, Dir: ".", Line: 1}}},
		// Expansions are kept as written and mark their word.
		{`echo "v=$V" ${W:-x} $(date) plain`, []seen{
			{Args: []string{"date"}, Dir: ".", Line: 1},
			{Args: []string{"echo", "v=$V", "${W:-x}", "$(date)", "plain"}, Unknown: []int{1, 2, 3}, Dir: ".", Line: 1},
		}},
		// A continued line is one command, on the line it starts.
		{"true\nnpm \\\n  ci", []seen{
			{Args: []string{"true"}, Dir: ".", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: ".", Line: 2},
		}},
		{"A=1 B='x y' npm ci", []seen{{Args: []string{"npm", "ci"}, Assigns: []string{"A=1", "B=x y"}, Dir: ".", Line: 1}}},
		{"A=1", []seen{{Assigns: []string{"A=1"}, Dir: ".", Line: 1}}},
		{"export A=1 B", []seen{{Args: []string{"export", "A=1", "B"}, Dir: ".", Line: 1}}},
		// GitHub Actions expressions stay whole, spaces included.
		{"cd ${{ matrix.dir }} && echo \"${{ secrets.X }}\"", []seen{
			{Args: []string{"cd", "${{ matrix.dir }}"}, Dir: ".", Line: 1},
			{Args: []string{"echo", "${{ secrets.X }}"}, Dir: "${{ matrix.dir }}", Line: 1},
		}},
		{"echo ${{\n a }}\nls", []seen{
			{Args: []string{"echo", "${{\n a }}"}, Dir: ".", Line: 1},
			{Args: []string{"ls"}, Dir: ".", Line: 3},
		}},
		// Comments and here-documents hold no commands.
		{"# npm ci\ncat <<EOF\nnpm ci\nEOF\nls # npm ci", []seen{
			{Args: []string{"cat"}, Dir: ".", Line: 2},
			{Args: []string{"ls"}, Dir: ".", Line: 5},
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(scan(t, tt.script, nil), tt.want); diff != "" {
			t.Errorf("Scan(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestScanKeywords(t *testing.T) {
	script := "for f in $LIST b; do :; done\ncase \"$X\" in a) ;; esac\nif [[ -f $KEY_FILE && $A == b ]]; then :; fi\n(( N = $C + 1 ))"
	var got [][]string
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		if c.Keyword {
			got = append(got, c.Args())
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"for", "f", "in", "$LIST", "b"},
		{"case", "$X", "in"},
		{"[[", "-f", "$KEY_FILE", "&&", "$A", "==", "b", "]]"},
		{"((", "N", "$C", "1"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("keyword commands (-got +want):\n%s", diff)
	}
}

// TestScanBranch checks which commands run only as a test decides: the
// bodies of if, elif, else, case and loops, later tests of an if, and the
// commands after && or ||. A first test and the commands around the
// compound commands always run.
func TestScanBranch(t *testing.T) {
	script := `first
if t1; then a; elif t2; then b; else c; fi
case "$X" in x) d ;; esac
while t3; do e; done
for i in 1 2; do f; done
g && h || i
last`
	var got []string
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		if !c.Keyword && c.Branch {
			got = append(got, c.Args()[0])
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "t2", "b", "c", "d", "e", "f", "h", "i"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands in a branch (-want +got):\n%s", diff)
	}
}

func TestScanRaw(t *testing.T) {
	var got [][]string
	_, err := Scan(`A="$B c" X+=1 echo "a $C" 'd'`+"\nexport E='f'", ".", nil, Options{}, func(c *Command) bool {
		var raw []string
		for _, w := range append(c.Prefix, c.Words...) {
			raw = append(raw, w.Raw)
		}
		got = append(got, raw)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{`A="$B c"`, `X+=1`, "echo", `"a $C"`, `'d'`}, {"export", "E='f'"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("raw words (-got +want):\n%s", diff)
	}
}

func TestScanRedirs(t *testing.T) {
	var got [][]Redir
	script := "go test 2>&1 >> \"$LOG\"\ncat <<-EOF\n\tA=$B\n\tEOF"
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		got = append(got, slices.Clone(c.Redirs))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Redir{
		{{Op: ">&", N: "2", Word: Word{Text: "1", Raw: "1"}}, {Op: ">>", Word: Word{Text: "$LOG", Unknown: true, Raw: `"$LOG"`}}},
		{{Op: "<<-", Word: Word{Text: "EOF", Raw: "EOF"}, Doc: "A=$B\n"}},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("redirections (-got +want):\n%s", diff)
	}
}

func TestScanPiped(t *testing.T) {
	var got [][]string
	_, err := Scan("echo \"$PW\" | base64 -d |\n  docker login --password-stdin; true && a | b", ".", nil, Options{}, func(c *Command) bool {
		got = append(got, c.Piped)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{nil, {`echo "$PW"`}, {`echo "$PW"`, "base64 -d"}, nil, nil, {"a"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("piped stages (-got +want):\n%s", diff)
	}
}

func TestScanStdout(t *testing.T) {
	script := `echo a
echo b >> "$F" 2>/dev/null
{ echo c; echo d >&2; echo e 2>&1; } > g
echo f | tee -a "$F"
x=$(echo h)
if true; then echo i; fi &> j`
	type out struct {
		Cmd, File string
		ID        int
		Pipe      []string
		Captured  bool
	}
	var got []out
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		if len(c.Words) == 0 || c.Words[0].Text != "echo" {
			return true
		}
		o := out{Cmd: c.Words[1].Text, ID: c.Stdout.ID, Pipe: c.Stdout.Pipe, Captured: c.Stdout.Captured}
		if r := c.Stdout.Redir; r != nil {
			o.File = r.Op + r.Word.Text
		}
		got = append(got, o)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []out{
		{Cmd: "a"},
		{Cmd: "b", File: ">>$F", ID: 1},
		// The commands of a group share its output, unless their own
		// redirection sends it elsewhere.
		{Cmd: "c", File: ">g", ID: 2},
		{Cmd: "d", File: ">&2", ID: 3},
		{Cmd: "e", File: ">g", ID: 2},
		{Cmd: "f", ID: 4, Pipe: []string{"tee", "-a", "$F"}},
		{Cmd: "h", ID: 5, Captured: true},
		{Cmd: "i", File: "&>j", ID: 6},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("outputs (-got +want):\n%s", diff)
	}
}

func TestScanExpand(t *testing.T) {
	script := "L=local\necho $E \"${L}\" '$E' ${E:-x} $U\ncat <<EOF\n$L\nEOF\ncat <<'EOF'\n$L\nEOF"
	var got [][]string
	_, err := Scan(script, ".", pkgcmd.Env{"E": "env"}, Options{Expand: true}, func(c *Command) bool {
		words := c.Args()
		for _, r := range c.Redirs {
			words = append(words, r.Doc)
		}
		if len(words) > 0 {
			got = append(got, words)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"echo", "env", "local", "$E", "${E:-x}", "$U"},
		{"cat", "local\n"},
		{"cat", "$L\n"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("expanded words (-got +want):\n%s", diff)
	}
}

func TestScanDirs(t *testing.T) {
	tests := []struct {
		script string
		want   []string // the folder of each command but cd, pushd and popd
	}{
		{"cd web && npm ci\ncd ..\nnpm ci", []string{"web", "."}},
		{"pushd web; npm ci; popd; npm ci", []string{"web", "."}},
		// A subshell, a substitution, a pipeline stage and a background
		// command run in a shell of their own.
		{"(cd web && npm ci); npm ci", []string{"web", "."}},
		{"x=$(cd web; pwd); npm ci", []string{"web", ".", "."}},
		{"cd web | true; npm ci", []string{".", "."}},
		{"cd web & npm ci", []string{"."}},
		// A brace group and an if run in the same shell.
		{"{ cd web; }; npm ci", []string{"web"}},
		{"if true; then cd web; fi; npm ci", []string{".", "web"}},
		{"for d in a b; do (cd $d && npm ci); done; npm ci", []string{"$d", "."}},
		{"case $x in a) cd web;; esac; npm ci", []string{"web"}},
		{"f() { cd web; npm ci; }; npm ci", []string{"web", "."}},
		{"cd web; cd; npm ci", []string{"."}},
		{"cd /opt; npm ci", []string{"/opt"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range scan(t, tt.script, nil) {
			if len(c.Args) == 0 || c.Args[0] != "cd" && c.Args[0] != "pushd" && c.Args[0] != "popd" {
				got = append(got, c.Dir)
			}
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Scan(%q) folders (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestScanVars(t *testing.T) {
	var got []pkgcmd.Env
	script := "export A=1\nB=2\n(C=3; echo)\nD=4 echo\nexport B\necho\nfor A in x; do echo; done\nE=6\necho"
	_, err := Scan(script, ".", pkgcmd.Env{"E": "5"}, Options{}, func(c *Command) bool {
		if len(c.Words) > 0 && c.Words[0].Text == "echo" {
			got = append(got, clone(c.Vars))
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	// A variable set without export is the shell's own until exported,
	// unless the environment has it already.
	want := []pkgcmd.Env{
		{"A": "1", "E": "5"},
		{"A": "1", "D": "4", "E": "5"},
		{"A": "1", "B": "2", "E": "5"},
		// The loop variable is unknown in the body and after it.
		{"B": "2", "E": "5"},
		{"B": "2", "E": "6"},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("variables (-got +want):\n%s", diff)
	}
}

func clone(e pkgcmd.Env) pkgcmd.Env {
	out := pkgcmd.Env{}
	for k, v := range e {
		out[k] = v
	}
	return out
}

func TestScanBounds(t *testing.T) {
	n := 0
	stopped, err := Scan(strings.Repeat("npm ci\n", 50), ".", nil, Options{MaxCommands: 10}, func(*Command) bool {
		n++
		return true
	})
	if err != nil || !stopped || n != 10 {
		t.Errorf("MaxCommands 10: %d commands, stopped %v, err %v; want 10, true, nil", n, stopped, err)
	}
	// A long list takes no deep recursion.
	n = 0
	if _, err := Scan(strings.Repeat("true && ", 100000)+"true", ".", nil, Options{}, func(*Command) bool {
		n++
		return true
	}); err != nil || n != 100001 {
		t.Errorf("long list: %d commands, err %v; want 100001", n, err)
	}
	// Deep nesting is refused before the parser recurses into it.
	for _, s := range []string{
		strings.Repeat("(", 200000) + "true" + strings.Repeat(")", 200000),
		"echo " + strings.Repeat(`"$(`, 200000),
		"true\n" + strings.Repeat("if true; then ", 200) + "true" + strings.Repeat("; fi", 200),
	} {
		_, err := Scan(s, ".", nil, Options{}, func(*Command) bool { return true })
		var pe *ParseError
		if !errors.As(err, &pe) || !pe.Deep {
			t.Errorf("Scan(%.20q...): err %v, want a ParseError for nesting", s, err)
		}
	}
}

func TestScanParseErrorQuotesNoSource(t *testing.T) {
	const secret = "s3cr3t-token-value"
	for _, script := range []string{
		"echo " + secret + " )",
		"x=$(echo " + secret + "\nif then",
		"echo \"" + secret,
	} {
		_, err := Scan(script, ".", nil, Options{}, func(*Command) bool { return true })
		if err == nil {
			t.Errorf("Scan(%q): no error", script)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Scan(%q): error %q quotes the script", script, err)
		}
	}
}

// FuzzScan checks that Scan takes any script without a panic, and that a
// script that parses gives each command a line within the script.
func FuzzScan(f *testing.F) {
	f.Add("cd web && npm ci\n( x=$(echo `date` | tee -a \"$F\") ) >> ${{ env.X }}")
	f.Add("for d in a b; do [[ -f $d ]] && cat <<-EOF; done\n\t$d\n\tEOF\nexport A=${B:-c}")
	f.Add("case $x in a) f() { echo ${{\n a }}; };; esac 2>&1 &> o")
	f.Add("f() { local -x A=1; cd a; f | g; }\ng() ( declare +x A; eval 'cd b; f' )\nf\nexport -n A")
	f.Fuzz(func(t *testing.T, script string) {
		lines := strings.Count(script, "\n") + 1
		_, err := Scan(script, ".", pkgcmd.Env{"B": "b"}, Options{Expand: true, MaxCommands: 1000}, func(c *Command) bool {
			if c.Line < 1 || c.Line > lines {
				t.Errorf("line %d outside the script's %d lines", c.Line, lines)
			}
			return true
		})
		_ = err
	})
}

// BenchmarkScan reads the script of a typical CI step.
func BenchmarkScan(b *testing.B) {
	script := "npm ci\nnpm run build --if-present\ncd web && npm test -- --coverage\necho \"VERSION=$(git describe --tags)\" >> \"$GITHUB_ENV\"\n"
	b.ReportAllocs()
	for range b.N {
		if _, err := Scan(script, ".", nil, Options{}, func(*Command) bool { return true }); err != nil {
			b.Fatal(err)
		}
	}
}

// envOf returns the environment and the expanded words of each echo of a
// script, read with Options.Expand.
func envOf(t *testing.T, script string) (envs []pkgcmd.Env, words [][]string) {
	t.Helper()
	_, err := Scan(script, ".", nil, Options{Expand: true}, func(c *Command) bool {
		if len(c.Words) > 0 && c.Words[0].Text == "echo" {
			envs = append(envs, clone(c.Vars))
			var args []string
			if len(c.Words) > 1 {
				args = c.Args()[1:]
			}
			words = append(words, args)
		}
		return true
	})
	if err != nil {
		t.Fatalf("Scan(%q): %v", script, err)
	}
	return envs, words
}

func TestScanDeclareExport(t *testing.T) {
	// man bash, declare: -x marks each name for export to the
	// environment of later commands, and +x turns the attribute off, as
	// export -n does. A variable without the attribute keeps its value in
	// the shell.
	tests := []struct {
		script string
		env    pkgcmd.Env
		words  []string
	}{
		{"declare -x A=1\necho $A", pkgcmd.Env{"A": "1"}, []string{"1"}},
		{"typeset -x A=1\necho $A", pkgcmd.Env{"A": "1"}, []string{"1"}},
		{"declare -rx A=1\necho", pkgcmd.Env{"A": "1"}, nil},
		{"declare -r -x A=1\necho", pkgcmd.Env{"A": "1"}, nil},
		{"A=1\ndeclare -x A\necho", pkgcmd.Env{"A": "1"}, nil},
		{"declare A=1\necho $A", pkgcmd.Env{}, []string{"1"}},
		// The attribute holds for a value assigned later.
		{"export A\nA=1\necho", pkgcmd.Env{"A": "1"}, nil},
		{"declare -x A\nA=1\necho", pkgcmd.Env{"A": "1"}, nil},
		{"export A=1\nexport -n A\necho $A", pkgcmd.Env{}, []string{"1"}},
		{"export A=1\ndeclare +x A\necho $A", pkgcmd.Env{}, []string{"1"}},
		{"export -n A=1\necho $A", pkgcmd.Env{}, []string{"1"}},
		{"export A=1\nA=2\necho", pkgcmd.Env{"A": "2"}, nil},
		{"export A\nunset A\nA=1\necho", pkgcmd.Env{}, nil},
		// local works only inside a function.
		{"local -x A=1\necho $A", pkgcmd.Env{}, []string{"$A"}},
		// -f names functions and -p prints, so they set no variable.
		{"declare -fx A=1\necho", pkgcmd.Env{}, nil},
		{"declare -p A=1\necho", pkgcmd.Env{}, nil},
	}
	for _, tt := range tests {
		envs, words := envOf(t, tt.script)
		if len(envs) != 1 {
			t.Errorf("Scan(%q): %d echo commands, want 1", tt.script, len(envs))
			continue
		}
		if diff := cmp.Diff(envs[0], tt.env); diff != "" {
			t.Errorf("Scan(%q) environment (-got +want):\n%s", tt.script, diff)
		}
		if diff := cmp.Diff(words[0], tt.words); diff != "" {
			t.Errorf("Scan(%q) words (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestScanFunctionCalls(t *testing.T) {
	// man bash, "Shell functions": a function's commands run when its
	// name is called, in the caller's shell, so a cd in them moves the
	// commands after the call. A body in parentheses runs in a subshell.
	tests := []struct {
		script string
		want   []seen
	}{
		{"deploy() {\n  cd web\n  npm publish\n}\ndeploy\nnpm ci", []seen{
			{Args: []string{"deploy"}, Dir: ".", Line: 5},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "publish"}, Dir: "web", Line: 3},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 6},
		}},
		{"f() ( cd web; npm ci )\nf\nnpm ci", []seen{
			{Args: []string{"f"}, Dir: ".", Line: 2},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: ".", Line: 3},
		}},
		// Each call runs the body in the caller's folder.
		{"function f { npm ci; }\ncd a; f; cd ../b; f", []seen{
			{Args: []string{"cd", "a"}, Dir: ".", Line: 2},
			{Args: []string{"f"}, Dir: "a", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: "a", Line: 1},
			{Args: []string{"cd", "../b"}, Dir: "a", Line: 2},
			{Args: []string{"f"}, Dir: "b", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: "b", Line: 1},
		}},
		// A name is looked up when it is called: b is defined by then.
		{"a() { b; }\nb() { cd web; }\na\nnpm ci", []seen{
			{Args: []string{"a"}, Dir: ".", Line: 3},
			{Args: []string{"b"}, Dir: ".", Line: 1},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 4},
		}},
		// A call after && runs in the same shell, a pipeline stage in a
		// subshell.
		{"f() { cd web; }\ntrue && f; npm ci; cd ..; f | cat; npm ci", []seen{
			{Args: []string{"true"}, Dir: ".", Line: 2},
			{Args: []string{"f"}, Dir: ".", Line: 2},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 2},
			{Args: []string{"cd", ".."}, Dir: "web", Line: 2},
			{Args: []string{"f"}, Dir: ".", Line: 2},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 1},
			{Args: []string{"cat"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: ".", Line: 2},
		}},
		// A call before the definition finds no function.
		{"f\nf() { npm ci; }", []seen{{Args: []string{"f"}, Dir: ".", Line: 1}}},
		// A function defined in a subshell is gone after it.
		{"(f() { cd web; })\nf\nnpm ci", []seen{
			{Args: []string{"f"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: ".", Line: 3},
		}},
		// A function that the script never calls by name may still run
		// from a trap or a name in a variable, so its body is read once
		// where it is defined, in a shell of its own.
		{"f() { cd web; npm ci; }\ntrap f EXIT\nnpm ci", []seen{
			{Args: []string{"cd", "web"}, Dir: ".", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 1},
			{Args: []string{"trap", "f", "EXIT"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: ".", Line: 3},
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(scan(t, tt.script, nil), tt.want); diff != "" {
			t.Errorf("Scan(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
}

func TestScanFunctionVars(t *testing.T) {
	// man bash, local: a variable declared with local, or with declare
	// or typeset without -g, inside a function is the function's own and
	// takes its earlier value back when the function returns. export sets
	// the shell's variable.
	tests := []struct {
		script string
		envs   []pkgcmd.Env
	}{
		{"f() { export T=1; }\nf\necho", []pkgcmd.Env{{"T": "1"}}},
		{"f() { local -x T=1; echo; }\nf\necho", []pkgcmd.Env{{"T": "1"}, {}}},
		{"f() { declare -x T=1; echo; }\nf\necho", []pkgcmd.Env{{"T": "1"}, {}}},
		{"f() { typeset -x T=1; }\nf\necho", []pkgcmd.Env{{}}},
		{"f() { declare -gx T=1; }\nf\necho", []pkgcmd.Env{{"T": "1"}}},
		{"export T=a\nf() { local T=b; echo; }\nf\necho", []pkgcmd.Env{{"T": "b"}, {"T": "a"}}},
		{"T=a\nf() { local -x T=b; echo; }\nf\necho $T", []pkgcmd.Env{{"T": "b"}, {}}},
		// A variable made local in an outer call stays so in the calls
		// it makes.
		{"g() { export T=2; }\nf() { local T=1; g; echo; }\nf\necho", []pkgcmd.Env{{"T": "2"}, {}}},
		// Assignments in front of a call hold for the function's commands.
		{"f() { echo; }\nT=1 f\necho", []pkgcmd.Env{{"T": "1"}, {}}},
		{"export T=0\nf() { echo; }\nT=1 f\necho", []pkgcmd.Env{{"T": "1"}, {"T": "0"}}},
	}
	for _, tt := range tests {
		envs, _ := envOf(t, tt.script)
		if diff := cmp.Diff(envs, tt.envs); diff != "" {
			t.Errorf("Scan(%q) environments (-got +want):\n%s", tt.script, diff)
		}
	}
	_, words := envOf(t, "T=a\nf() { local T=b; }\nf\necho $T")
	if diff := cmp.Diff(words, [][]string{{"a"}}); diff != "" {
		t.Errorf("local value after the call (-got +want):\n%s", diff)
	}
}

// functionScripts are scripts whose functions recurse or fan out.
func functionScripts() []string {
	return []string{
		"f() { npm ci; f; }\nf",
		"f() { f; f; f; f; }\nf",
		"a() { b; b; b; b; b; b; b; b; }\nb() { c; c; c; c; c; c; c; c; }\nc() { d; d; d; d; d; d; d; d; }\n" +
			"d() { e; e; e; e; e; e; e; e; }\ne() { g; g; g; g; g; g; g; g; }\ng() { npm ci; }\na",
		strings.Repeat("f() { f; f; }\n", 1000) + "f",
		"f() {\n" + strings.Repeat("npm ci; f\n", 5000) + "}\nf",
	}
}

func TestScanFunctionBounds(t *testing.T) {
	// Recursive functions and calls that fan out end within the bounds
	// on calls, and the scan reports that it stopped short.
	for _, script := range functionScripts() {
		n := 0
		stopped, err := Scan(script, ".", nil, Options{}, func(*Command) bool {
			n++
			return true
		})
		if err != nil || !stopped {
			t.Errorf("Scan(%.30q...): stopped %v, err %v; want true, nil", script, stopped, err)
		}
		// The statements read inside calls are bounded, and those outside
		// are the script's.
		if limit := maxCallStmts + 10000; n > limit {
			t.Errorf("Scan(%.30q...): %d commands, want at most %d", script, n, limit)
		}
	}
}

func TestScanEval(t *testing.T) {
	// man bash, eval: the arguments are joined by blanks into one
	// command, which the shell reads and runs, so a cd in it moves the
	// commands after the eval. Its commands are listed at the eval's
	// line.
	tests := []struct {
		script string
		want   []seen
	}{
		{"eval 'cd web'\nnpm ci", []seen{
			{Args: []string{"eval", "cd web"}, Dir: ".", Line: 1},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 1},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 2},
		}},
		{"true\neval npm \"publish --tag\" next", []seen{
			{Args: []string{"true"}, Dir: ".", Line: 1},
			{Args: []string{"eval", "npm", "publish --tag", "next"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "publish", "--tag", "next"}, Dir: ".", Line: 2},
		}},
		{"true\neval 'cd web &&\n  npm ci'", []seen{
			{Args: []string{"true"}, Dir: ".", Line: 1},
			{Args: []string{"eval", "cd web &&\n  npm ci"}, Dir: ".", Line: 2},
			{Args: []string{"cd", "web"}, Dir: ".", Line: 2},
			{Args: []string{"npm", "ci"}, Dir: "web", Line: 2},
		}},
		{"eval \"echo '${{ secrets.X }}'\"", []seen{
			{Args: []string{"eval", "echo '${{ secrets.X }}'"}, Dir: ".", Line: 1},
			{Args: []string{"echo", "${{ secrets.X }}"}, Dir: ".", Line: 1},
		}},
		// The value of an expansion is not known, so the text to run is
		// not either. The commands of a substitution run all the same.
		{"eval \"$(ssh-agent -s)\"", []seen{
			{Args: []string{"ssh-agent", "-s"}, Dir: ".", Line: 1},
			{Args: []string{"eval", "$(ssh-agent -s)"}, Unknown: []int{1}, Dir: ".", Line: 1},
		}},
		// Text that does not parse runs nothing.
		{"eval 'npm ci )'", []seen{{Args: []string{"eval", "npm ci )"}, Dir: ".", Line: 1}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(scan(t, tt.script, nil), tt.want); diff != "" {
			t.Errorf("Scan(%q) (-got +want):\n%s", tt.script, diff)
		}
	}
	envs, _ := envOf(t, "eval 'export T=1'\necho")
	if diff := cmp.Diff(envs, []pkgcmd.Env{{"T": "1"}}); diff != "" {
		t.Errorf("environment after eval (-got +want):\n%s", diff)
	}
}

// evalScripts are scripts whose evals run again and again.
func evalScripts() []string {
	return []string{
		"f() { eval '" + strings.Repeat("true; ", 20000) + "'; f; f; }\nf",
		strings.Repeat("eval ", 50000) + "true",
	}
}

func TestScanEvalBounds(t *testing.T) {
	// An eval that a function runs at each of its calls parses its text
	// each time, within a bound on the text parsed.
	// So does an eval that runs an eval, and so on.
	for _, script := range evalScripts() {
		stopped, err := Scan(script, ".", nil, Options{}, func(*Command) bool { return true })
		if err != nil || !stopped {
			t.Errorf("Scan(%.30q...): stopped %v, err %v; want true, nil", script, stopped, err)
		}
	}
}

func TestScanEvalFunctionRaw(t *testing.T) {
	// A function keeps the text it was defined in: an eval may call a
	// function of the script, and the script a function an eval defined.
	script := "f() { echo \"$A\"; }\nf\neval 'true; f'\neval 'g() { echo \"${B}\"; }'\ng"
	var got [][]string
	var lines []int
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		if len(c.Words) > 0 && c.Words[0].Text == "echo" {
			got = append(got, []string{c.Words[1].Raw, c.Words[1].Text})
			lines = append(lines, c.Line)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{`"$A"`, "$A"}, {`"$A"`, "$A"}, {`"${B}"`, "${B}"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("words of the function bodies (-got +want):\n%s", diff)
	}
	// The commands of a body are at its lines, or at the line of the eval
	// that defined it.
	if diff := cmp.Diff(lines, []int{1, 1, 4}); diff != "" {
		t.Errorf("lines of the function bodies (-got +want):\n%s", diff)
	}
}

// A folder longer than maxDirLen is unknown, and each cd after it costs
// no more than the bound: 200000 cds into one folder, each of which
// would copy the whole path, finish at once.
// longFolderScript changes into a folder 200,000 times.
func longFolderScript() string { return strings.Repeat("cd abcd; ", 200000) + "npm ci" }

func TestScanLongFolderUnknown(t *testing.T) {
	script := longFolderScript()
	var dir string
	_, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
		dir = c.Dir
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, "$") {
		t.Errorf("npm ci runs in a folder of %d bytes, want one starting with $", len(dir))
	}
	if len(dir) > maxDirLen {
		t.Errorf("folder has %d bytes, want at most %d", len(dir), maxDirLen)
	}
}

// OnLimit gets the line of the first command that a bound leaves
// unread, once per scan, and is not called when every command is read.
func TestScanOnLimitLine(t *testing.T) {
	tests := []struct {
		script string
		opt    Options
		want   []int
	}{
		// The eleventh command, on line 11, passes MaxCommands.
		{strings.Repeat("echo\n", 20), Options{MaxCommands: 10}, []int{11}},
		// f calls itself on line 2 until calls nest maxCallDepth deep.
		{"f() {\n  f\n}\nf\nnpm ci", Options{}, []int{2}},
		// Inside eval text, the eval's line.
		{"true\neval 'a; b; c'", Options{MaxCommands: 2}, []int{2}},
		{"cd web\nnpm ci", Options{}, nil},
	}
	for _, tt := range tests {
		var got []int
		tt.opt.OnLimit = func(line int) { got = append(got, line) }
		if _, err := Scan(tt.script, ".", nil, tt.opt, func(*Command) bool { return true }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Scan(%q): OnLimit lines %v, want %v", tt.script, got, tt.want)
		}
	}
}

// man bash, eval: the text runs as commands of the shell, so a function
// that it defines or calls is called as one written in the script is.
// A cd in the function's body moves the commands after the call.
func TestScanEvalCalls(t *testing.T) {
	for _, script := range []string{
		"eval 'g() { cd web; }; g'\nnpm ci",
		"eval 'g() { cd web; }'\ng\nnpm ci",
		"g() { cd web; }\neval g\nnpm ci",
		"g() { cd web; }\neval \"eval 'g'\"\nnpm ci",
	} {
		dir := ""
		if _, err := Scan(script, ".", nil, Options{}, func(c *Command) bool {
			if len(c.Words) > 0 && c.Words[0].Text == "npm" {
				dir = c.Dir
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if dir != "web" {
			t.Errorf("Scan(%q): npm ci runs in %q, want web", script, dir)
		}
	}
}

// man bash, unset: -f removes functions and -v variables; a name with
// neither is a variable, else the function of that name. A removed
// function is no longer called, so its cd moves nothing.
func TestScanUnsetFunction(t *testing.T) {
	tests := []struct {
		script, dir, x string
	}{
		{"f() { cd a; }\nunset -f f\nf\nnpm ci", ".", ""},
		{"f() { cd a; }\nunset f\nf\nnpm ci", ".", ""},
		// A variable of the name goes first, and the function stays.
		{"export f=1\nf() { cd a; }\nunset f\nf\nnpm ci", "a", ""},
		// unset -f removes no variable.
		{"export X=1\nX() { cd a; }\nunset -f X\nnpm ci", ".", "1"},
		{"export X=1\nunset -v X\nnpm ci", ".", ""},
	}
	for _, tt := range tests {
		dir, x := "", ""
		if _, err := Scan(tt.script, ".", nil, Options{}, func(c *Command) bool {
			if len(c.Words) > 0 && c.Words[0].Text == "npm" {
				dir, x = c.Dir, c.Vars["X"]
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if dir != tt.dir {
			t.Errorf("Scan(%q): npm ci runs in %q, want %q", tt.script, dir, tt.dir)
		}
		if x != tt.x {
			t.Errorf("Scan(%q): npm ci has X=%q, want %q", tt.script, x, tt.x)
		}
	}
}

func TestFunctionLines(t *testing.T) {
	script := "deploy() {\n  cd web\n  npm publish\n}\nbuild() { make; }\necho ${{ secrets.X }}\ndeploy\n"
	got := FunctionLines(script)
	want := map[string]Function{
		"deploy": {Body: []string{"  cd web", "  npm publish"}, First: 1, Last: 4},
		"build":  {Body: []string{"build() { make; }"}, First: 5, Last: 5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FunctionLines (-want +got):\n%s", diff)
	}
	if got := FunctionLines("f() { ((( ;"); got != nil {
		t.Errorf("FunctionLines of a script that does not parse = %v, want nil", got)
	}
}

// BenchmarkScanBounded measures scans that the scanner's bounds stop
// short or keep small: functionScripts, evalScripts and longFolderScript.
func BenchmarkScanBounded(b *testing.B) {
	scripts := append(append(functionScripts(), evalScripts()...), longFolderScript())
	for i, script := range scripts {
		b.Run(strconv.Itoa(i), func(b *testing.B) {
			for b.Loop() {
				if _, err := Scan(script, ".", nil, Options{}, func(*Command) bool { return true }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
