// Package shellscan parses the shell scripts of CI steps as bash and lists
// their simple commands in the order they appear. Each comes with its
// words, the assignments before it, the variables set before it, the
// folder it runs in and its line.
//
// Every command is read once, wherever it is. That includes lists,
// pipelines, brace groups, subshells, command and process substitutions,
// and the bodies of if, case, while and for. A loop's body is read once,
// with the loop variable unknown. cd, pushd and popd (and PowerShell's
// Set-Location, Push-Location and Pop-Location) move the folder of the
// commands after them in the same shell. A cd inside a subshell, a
// substitution, a pipeline stage or a background command moves only the
// commands inside it. Assignments, export, declare -x and the like set
// and export variables the same way.
//
// A function's body is read where the function is called, in the
// caller's shell, after the call itself, so a cd in it moves the
// commands after the call. A call is a command whose first word names,
// without expansions, a function the shell has defined by then. A
// function that the script never calls that way may still run, from a
// trap or through a name in a variable. So its body is read once where it
// is defined, in a shell of its own. Calls nest at most maxCallDepth deep
// and are followed at most maxCalls times per script.
//
// The text that eval runs, when its words hold no expansion, is parsed
// and read as commands of the same shell, at the eval's line.
// The script that a shell runs with -c (bash -c '...') is one word of
// its command; readers scan it in turn.
//
// Words are unquoted as the shell does. A parameter expansion, command
// substitution or arithmetic expansion is kept as written ($VERSION,
// $(git describe)), and the word is marked Unknown: its value is not
// worked out. GitHub Actions expressions (${{ matrix.dir }}) are kept as
// written too, each as part of the word it appears in.
package shellscan

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// Word is one word of a command after quote removal.
type Word struct {
	// Text is the word without its quotes. Expansions are kept as
	// written.
	Text string
	// Unknown is set when the word contains an expansion whose value
	// the script does not show.
	Unknown bool
	// Raw is the word as the script writes it, quotes included.
	Raw string
}

// Command is one simple command of a script.
type Command struct {
	// Words are the command's words, the program first. A command that
	// only assigns variables has none.
	Words []Word
	// Assigns are the NAME=value assignments in front of the command,
	// or the whole command when Words is empty, values unquoted.
	Assigns []string
	// Prefix are the words of Assigns, with Raw as written.
	Prefix []Word
	// Vars are the environment the command runs with: the one given to
	// Scan, the variables the script exported or changed in it before
	// the command, and the command's own Assigns. The map is shared, so
	// it is valid only during the call and must not be modified.
	Vars pkgcmd.Env
	// Dir is the folder the command runs in: the base folder given to
	// Scan, moved by the cd, pushd and popd before it.
	Dir string
	// Line is the line of the script the command starts on, from 1.
	Line int
	// Redirs are the command's redirections, in order.
	Redirs []Redir
	// Piped are the pipeline stages before the command, whose output
	// it reads, as the script writes them.
	Piped []string
	// Stdout is the destination of the command's standard output.
	Stdout Output
	// Keyword is set on the header of a for, select or case (for NAME
	// in WORDS...), on a [[ ]] test and on an arithmetic command or let.
	// These are listed as commands of their words so that readers see
	// the variables they read and set.
	Keyword bool
	// Branch is set on a command that runs only when a test of the
	// script decides so: in the body of an if, elif, else, case, loop,
	// or after && or ||.
	Branch bool
}

// Redir is one redirection of a command (2>&1, >> "$GITHUB_ENV").
type Redir struct {
	// Op is the operator as written (>, >>, <, &>, >&, <<, <<<), and N
	// the descriptor written before it, or "".
	Op, N string
	// Word is the file, descriptor or here-document delimiter.
	Word Word
	// Doc is the text of a here-document as the script writes it, without
	// the leading tabs that <<- removes.
	Doc string
}

// Output is the destination of a command's standard output, set by its
// own redirection or else by the compound command, pipeline or
// substitution around it. The zero Output is the script's own output.
type Output struct {
	// ID identifies the output. Commands with the same ID write to the
	// same open file or pipe. The script's own output has ID 0.
	ID int
	// Redir is the redirection that sends the output to a file or to
	// another descriptor (>&2), or nil.
	Redir *Redir
	// Piped is set when the next stage of a pipeline reads the output.
	// Pipe are that stage's words, or nil when it is no simple command.
	Piped bool
	Pipe  []string
	// Captured is set inside a command or process substitution, whose
	// output the script reads.
	Captured bool
}

// Args returns the command's words as strings, or nil.
func (c *Command) Args() []string {
	if len(c.Words) == 0 {
		return nil
	}
	out := make([]string, len(c.Words))
	for i, w := range c.Words {
		out[i] = w.Text
	}
	return out
}

// Options bound what Scan reads.
type Options struct {
	// MaxCommands stops the scan after this many commands (0: no
	// bound).
	MaxCommands int
	// Expand replaces $NAME and ${NAME} in words and here-documents by
	// the value of a variable the shell has, as bash does. Other
	// expansions, and variables without a value, are kept as written.
	Expand bool
	// OnLimit, when set, is called once with the line of the first
	// command that a bound leaves unread: MaxCommands, or a bound on
	// nesting, function calls or eval text.
	OnLimit func(line int)
}

// maxNesting bounds how deep groups, compound commands and
// substitutions nest before the commands inside are left unread.
const maxNesting = 100

// Bounds on function calls. maxCallDepth bounds how deep calls nest
// (a function that calls itself), maxCalls the calls followed in one
// script, maxCallStmts the statements read inside them, and maxFuncs the
// definitions kept. A call past a bound is listed, and its body is not
// read.
const (
	maxCallDepth = 16
	maxCalls     = 1000
	maxCallStmts = 100000
	maxFuncs     = 1000
)

// maxEvalBytes bounds the text of eval commands parsed in one script.
const maxEvalBytes = 1 << 20

// ParseError reports a script that does not parse as bash, or that
// nests brackets or compound commands deeper than maxNesting, which the
// parser would follow with a deep recursion. It names only the line,
// since the parser's message quotes the script's text, which may hold a
// secret.
type ParseError struct {
	Line int
	Deep bool
}

func (e *ParseError) Error() string {
	if e.Deep {
		return fmt.Sprintf("line %d: shell script nests too deep to read", e.Line)
	}
	return fmt.Sprintf("line %d: shell script does not parse", e.Line)
}

// tooDeep returns the line where the brackets and compound commands of
// a script nest deeper than maxNesting, or 0. Quotes are not skipped, so
// the count errs high.
func tooDeep(src string) int {
	depth, line := 0, 1
	wordStart := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\n':
			line++
		case '(', '{':
			depth++
		case ')', '}':
			depth = max(depth-1, 0)
		default:
			if wordStart && c >= 'a' && c <= 'w' {
				switch word(src[i:]) {
				case "if", "case", "for", "while", "until", "select":
					depth++
				case "fi", "esac", "done":
					depth = max(depth-1, 0)
				}
			}
		}
		if depth > maxNesting {
			return line
		}
		wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '{' || c == '}' || c == '`'
	}
	return 0
}

// word returns the keyword that s starts with, up to a blank or
// operator.
func word(s string) string {
	for i := 0; i < len(s) && i < 7; i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return s[:i]
		}
	}
	if len(s) <= 6 {
		return s
	}
	return ""
}

// Scan parses script as bash and calls fn with each simple command, in
// order, until fn returns false. The Command and its slices are valid
// only during the call. base is the folder the script starts
// in ("." for the checkout) and env the variables it starts with. It reports
// whether it stopped short of the end (a bound, or fn), and a
// *ParseError when the script does not parse; then fn was not called.
func Scan(script, base string, env pkgcmd.Env, opt Options, fn func(*Command) bool) (stopped bool, err error) {
	f, src, exprs, err := parse(script)
	if err != nil {
		return false, err
	}
	vars := pkgcmd.Env{}
	for k, v := range env {
		vars[k] = v
	}
	s := &scanner{src: src, exprs: exprs, opt: opt, fn: fn, base: base}
	if mayDefine(src) {
		s.called = callNames(f.Stmts)
	}
	st := &state{dir: base, vars: vars, out: &Output{}}
	s.stmts(f.Stmts, st, 0)
	return s.stop || s.skipped, nil
}

// Function is a function that a script defines, for readers that take a
// script line by line.
type Function struct {
	// Body holds the lines of the script from the body's first command
	// to its last.
	Body []string
	// First and Last are the lines of the whole definition, from 1.
	First, Last int
}

// FunctionLines returns the functions a script defines, by name. Readers
// that take a script line by line read a body again where the function is
// called. A script that does not parse defines none.
func FunctionLines(script string) map[string]Function {
	// Most scripts define no function, and need no second parse.
	if !mayDefine(script) {
		return nil
	}
	f, _, _, err := parse(script)
	if err != nil {
		return nil
	}
	lines := strings.Split(script, "\n")
	out := map[string]Function{}
	syntax.Walk(f, func(n syntax.Node) bool {
		fn, ok := n.(*syntax.FuncDecl)
		if !ok || fn.Name == nil || fn.Body == nil {
			return true
		}
		first, last := fn.Body.Pos().Line(), fn.Body.End().Line()
		if b, ok := fn.Body.Cmd.(*syntax.Block); ok && len(b.Stmts) > 0 {
			first, last = b.Stmts[0].Pos().Line(), b.Stmts[len(b.Stmts)-1].End().Line()
		}
		if first >= 1 && first <= last && int(last) <= len(lines) {
			out[fn.Name.Value] = Function{Body: lines[first-1 : last], First: int(fn.Pos().Line()), Last: int(fn.End().Line())}
		}
		return true
	})
	return out
}

// parsers keeps bash parsers for reuse, because a parser's buffers are
// large next to a CI step's script.
var parsers = sync.Pool{New: func() any {
	return syntax.NewParser(syntax.Variant(syntax.LangBash))
}}

// exprOpen and exprClose wrap the index of a GitHub Actions expression
// in the text handed to the parser: characters of the Unicode private
// use area, which the parser reads as literal text.
const (
	exprOpen  = "\uE000"
	exprClose = "\uE001"
)

// parse parses a script, with each ${{ }} expression replaced by a
// placeholder first, and returns the text parsed and the expressions in
// order.
func parse(script string) (*syntax.File, string, []string, error) {
	var exprs []string
	src := script
	if strings.Contains(script, "${{") {
		var b strings.Builder
		rest := script
		for {
			i := strings.Index(rest, "${{")
			if i < 0 {
				break
			}
			j := strings.Index(rest[i:], "}}")
			if j < 0 {
				break
			}
			b.WriteString(rest[:i])
			b.WriteString(exprOpen + strconv.Itoa(len(exprs)) + exprClose)
			// Newlines inside the expression are kept, so that lines
			// of the text parsed are those of the script.
			b.WriteString(strings.Repeat("\n", strings.Count(rest[i:i+j], "\n")))
			exprs = append(exprs, rest[i:i+j+2])
			rest = rest[i+j+2:]
		}
		b.WriteString(rest)
		src = b.String()
	}
	if line := tooDeep(src); line > 0 {
		return nil, "", nil, &ParseError{Line: line, Deep: true}
	}
	p := parsers.Get().(*syntax.Parser)
	defer parsers.Put(p)
	f, err := p.Parse(strings.NewReader(src), "")
	if err != nil {
		line := 0
		if pe, ok := err.(syntax.ParseError); ok {
			line = int(pe.Pos.Line())
		} else if le, ok := err.(syntax.LangError); ok {
			line = int(le.Pos.Line())
		}
		return nil, "", nil, &ParseError{Line: line}
	}
	return f, src, exprs, nil
}

// scanner walks the syntax tree of one script.
type scanner struct {
	// src is the text parsed, and exprs the expressions its
	// placeholders stand for.
	src   string
	exprs []string
	opt   Options
	fn    func(*Command) bool
	base  string
	count int
	// stop is set when the scan ends early, skipped when a part nested
	// too deep was left unread.
	stop, skipped bool
	// stage is the pipeline stage being read, and before the stages
	// before it.
	stage  *syntax.Stmt
	before []*syntax.Stmt
	// outputs counts the outputs made so far, for their IDs.
	outputs int
	// st is the state whose variables expand words (Options.Expand).
	st *state
	// cmd is the command handed to fn.
	cmd Command
	// called are the names that the script calls as commands, written
	// without expansions, when it may define functions.
	called map[string]bool
	// frames are the function bodies being read, innermost last, and
	// inCall how many of them are calls.
	frames []*frame
	inCall int
	// calls, callStmts and defs count the calls followed, the
	// statements read inside them and the definitions kept.
	calls, callStmts, defs int
	// evalBytes counts the text of eval commands parsed, and evalLine is
	// the line of the eval being read, or 0.
	evalBytes, evalLine int
	// branches counts the branches (Command.Branch) around the
	// statement being read.
	branches int
}

// frame is one function body being read: the variables it made its own
// (local, or declare without -g), with the values to give them back when
// it returns.
type frame struct {
	saved []binding
	seen  map[binding]bool
}

// binding records a variable of a shell and its kind: exported ('x'),
// the shell's own ('l'), marked for export without a value ('m') or unset
// (0).
type binding struct {
	st   *state
	name string
	kind byte
	val  string
}

// state is the part of a shell's state that the scan tracks. That is its
// folder, the folders pushd saved, its environment (vars), the variables
// it set without exporting them (local), the names it marked for export
// before they have a value (marked), its functions, and where its output
// goes.
type state struct {
	dir    string
	stack  []string
	vars   pkgcmd.Env
	local  map[string]string
	marked map[string]bool
	// funcs maps the names of functions to their definitions. A
	// subshell shares the map with the shell it copies until one of them
	// defines a function (ownFuncs).
	funcs    map[string]*function
	ownFuncs bool
	out      *Output
}

// sub returns the state of a subshell, which starts as a copy of st.
func (st *state) sub() *state {
	vars := make(pkgcmd.Env, len(st.vars))
	for k, v := range st.vars {
		vars[k] = v
	}
	var local map[string]string
	if len(st.local) > 0 {
		local = make(map[string]string, len(st.local))
		for k, v := range st.local {
			local[k] = v
		}
	}
	var marked map[string]bool
	if len(st.marked) > 0 {
		marked = make(map[string]bool, len(st.marked))
		for k := range st.marked {
			marked[k] = true
		}
	}
	st.ownFuncs = false
	return &state{dir: st.dir, stack: append([]string(nil), st.stack...), vars: vars, local: local, marked: marked,
		funcs: st.funcs, out: st.out}
}

// function is the definition of a shell function: its body, and the
// text parsed that the body's positions refer to, with its expressions
// and the line of the eval that ran it (0 for the script's own text).
type function struct {
	body     *syntax.Stmt
	src      string
	exprs    []string
	evalLine int
}

// define sets the definition of a function.
func (st *state) define(name string, fn *function) {
	if !st.ownFuncs {
		funcs := make(map[string]*function, len(st.funcs)+1)
		for k, v := range st.funcs {
			funcs[k] = v
		}
		st.funcs, st.ownFuncs = funcs, true
	}
	st.funcs[name] = fn
}

// lookup returns the value of a variable the shell has.
func (st *state) lookup(k string) (string, bool) {
	if v, ok := st.vars[k]; ok {
		return v, true
	}
	v, ok := st.local[k]
	return v, ok
}

// captured returns the state of a command or process substitution.
func (s *scanner) captured(st *state) *state {
	sub := st.sub()
	s.outputs++
	sub.out = &Output{ID: s.outputs, Captured: true}
	return sub
}

// set assigns a variable of the shell. A variable of the environment
// keeps its place there, and one marked for export goes there. Others
// stay the shell's own until exported.
func (st *state) set(k, v string) {
	if _, ok := st.vars[k]; ok || st.marked[k] {
		delete(st.marked, k)
		st.vars[k] = v
		return
	}
	st.setLocal(k, v)
}

func (st *state) setLocal(k, v string) {
	if st.local == nil {
		st.local = map[string]string{}
	}
	st.local[k] = v
}

// export moves a variable into the environment, with value v when the
// command gives one. A name without a value is marked, so that the
// value assigned to it later goes there.
func (st *state) export(k, v string, hasValue bool) {
	if !hasValue {
		if _, ok := st.vars[k]; ok {
			return
		}
		var ok bool
		if v, ok = st.local[k]; !ok {
			if st.marked == nil {
				st.marked = map[string]bool{}
			}
			st.marked[k] = true
			return
		}
	}
	delete(st.local, k)
	delete(st.marked, k)
	st.vars[k] = v
}

// unexport takes a variable out of the environment (export -n,
// declare +x). It keeps its value in the shell.
func (st *state) unexport(k string) {
	delete(st.marked, k)
	if v, ok := st.vars[k]; ok {
		delete(st.vars, k)
		st.setLocal(k, v)
	}
}

// unsetNames does what bash's unset does with the arguments args: -f
// removes functions, -v (or -n) variables, and a name without either a
// variable, else the function of that name. Both -f and -v are an error
// that removes nothing.
func (st *state) unsetNames(args []string) {
	funcs, vars := false, false
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		funcs = funcs || strings.Contains(a, "f")
		vars = vars || strings.ContainsAny(a, "vn")
	}
	if funcs && vars {
		return
	}
	for _, name := range args[i:] {
		_, isVar := st.lookup(name)
		isVar = isVar || st.marked[name]
		if funcs || (!vars && !isVar) {
			st.undefine(name)
		} else {
			st.unset(name)
		}
	}
}

// undefine removes the function name from the shell.
func (st *state) undefine(name string) {
	if st.funcs[name] == nil {
		return
	}
	st.define(name, nil)
	delete(st.funcs, name)
}

// unset removes a variable.
func (st *state) unset(k string) {
	delete(st.vars, k)
	delete(st.local, k)
	delete(st.marked, k)
}

// binding returns a variable of the shell as it is now.
func (st *state) binding(k string) binding {
	if v, ok := st.vars[k]; ok {
		return binding{st: st, name: k, kind: 'x', val: v}
	}
	if v, ok := st.local[k]; ok {
		return binding{st: st, name: k, kind: 'l', val: v}
	}
	if st.marked[k] {
		return binding{st: st, name: k, kind: 'm'}
	}
	return binding{st: st, name: k}
}

// restore gives a variable back the kind and value that b records.
func (b binding) restore() {
	st := b.st
	st.unset(b.name)
	switch b.kind {
	case 'x':
		st.vars[b.name] = b.val
	case 'l':
		st.setLocal(b.name, b.val)
	case 'm':
		st.export(b.name, "", false)
	}
}

// enter starts reading a function body, and leave ends it, giving the
// variables the body made its own their earlier values back.
func (s *scanner) enter() {
	s.frames = append(s.frames, &frame{})
}

func (s *scanner) leave() {
	f := s.frames[len(s.frames)-1]
	s.frames = s.frames[:len(s.frames)-1]
	for i := len(f.saved) - 1; i >= 0; i-- {
		f.saved[i].restore()
	}
}

// makeLocal makes a variable the own of the function body being read.
// local NAME without a value unsets the shell's own variable of that
// name. bash keeps an exported one in the environment of the commands
// the function runs until it is assigned.
func (s *scanner) makeLocal(st *state, k string, hasValue bool) {
	f := s.frames[len(s.frames)-1]
	key := binding{st: st, name: k}
	if f.seen[key] {
		return
	}
	if f.seen == nil {
		f.seen = map[binding]bool{}
	}
	f.seen[key] = true
	f.saved = append(f.saved, st.binding(k))
	if !hasValue {
		delete(st.local, k)
	}
}

func (s *scanner) stmts(list []*syntax.Stmt, st *state, nest int) {
	for _, x := range list {
		if s.stop {
			return
		}
		s.stmt(x, st, nest)
	}
}

func (s *scanner) stmt(x *syntax.Stmt, st *state, nest int) {
	if x == nil || s.stop {
		return
	}
	if nest > maxNesting {
		s.limit(s.line(x))
		return
	}
	if s.inCall > 0 {
		if s.callStmts++; s.callStmts > maxCallStmts {
			s.limit(s.line(x))
			return
		}
	}
	nest++
	if x.Background {
		// A command run in the background runs in a subshell.
		st = st.sub()
	}
	for _, r := range x.Redirs {
		s.word(r.Word, st, nest)
	}
	if out := s.stdout(x, st); out != nil {
		// The redirection holds for this statement alone.
		prev := st.out
		st.out = out
		defer func() { st.out = prev }()
	}
	switch c := x.Cmd.(type) {
	case *syntax.CallExpr:
		s.call(c.Assigns, c.Args, nil, st, nest, x)
	case *syntax.DeclClause:
		s.call(nil, nil, c, st, nest, x)
	case *syntax.Block:
		s.stmts(c.Stmts, st, nest)
	case *syntax.Subshell:
		s.stmts(c.Stmts, st.sub(), nest)
	case *syntax.BinaryCmd:
		pipe := isPipe(c.Op)
		stages := chain(x, pipe)
		for i, y := range stages {
			if !pipe {
				// After && or ||, a command runs only as the one
				// before it exits.
				if i > 0 {
					s.branches++
				}
				s.stmt(y, st, nest)
				if i > 0 {
					s.branches--
				}
				continue
			}
			// Each stage of a pipeline runs in a subshell.
			sub := st.sub()
			if i+1 < len(stages) {
				s.outputs++
				sub.out = &Output{ID: s.outputs, Piped: true}
				if call, ok := stages[i+1].Cmd.(*syntax.CallExpr); ok {
					s.st = st
					for _, w := range call.Args {
						sub.out.Pipe = append(sub.out.Pipe, s.text(w).Text)
					}
				}
			}
			s.stage, s.before = y, stages[:i]
			s.stmt(y, sub, nest)
		}
	case *syntax.IfClause:
		// The first test always runs. Later ones, and every body, run
		// as the tests before them decide.
		for ic := c; ic != nil && !s.stop; ic = ic.Else {
			if ic != c {
				s.branches++
			}
			s.stmts(ic.Cond, st, nest)
			s.branches++
			s.stmts(ic.Then, st, nest)
			s.branches--
			if ic != c {
				s.branches--
			}
		}
	case *syntax.WhileClause:
		s.stmts(c.Cond, st, nest)
		s.branches++
		s.stmts(c.Do, st, nest)
		s.branches--
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			for _, w := range wi.Items {
				s.word(w, st, nest)
			}
			s.st = st
			keyword := "for"
			if c.Select {
				keyword = "select"
			}
			words := []Word{{Text: keyword, Raw: keyword}, {Text: wi.Name.Value, Raw: wi.Name.Value}}
			if wi.InPos.IsValid() {
				words = append(words, Word{Text: "in", Raw: "in"})
			}
			for _, w := range wi.Items {
				words = append(words, s.text(w))
			}
			if !s.keyword(words, st, x) {
				return
			}
			// The body is read once, with the variable unknown.
			st.unset(wi.Name.Value)
		}
		s.branches++
		s.stmts(c.Do, st, nest)
		s.branches--
	case *syntax.CaseClause:
		s.word(c.Word, st, nest)
		s.st = st
		words := []Word{{Text: "case", Raw: "case"}, s.text(c.Word), {Text: "in", Raw: "in"}}
		if !s.keyword(words, st, x) {
			return
		}
		s.branches++
		for _, it := range c.Items {
			s.stmts(it.Stmts, st, nest)
		}
		s.branches--
	case *syntax.TestClause:
		words := []Word{{Text: "[[", Raw: "[["}}
		words = s.testWords(words, c.X, st, nest, 0)
		words = append(words, Word{Text: "]]", Raw: "]]"})
		s.keyword(words, st, x)
	case *syntax.FuncDecl:
		if c.Name != nil && s.called[c.Name.Value] && s.defs >= maxFuncs {
			s.limit(s.line(c))
		}
		if c.Name != nil && s.called[c.Name.Value] && s.defs < maxFuncs {
			// The body is read at each call.
			s.defs++
			st.define(c.Name.Value, &function{body: c.Body, src: s.src, exprs: s.exprs, evalLine: s.evalLine})
			return
		}
		// The script does not show where the function runs, if at
		// all: its body is read once, here, in a shell of its own.
		s.enter()
		s.stmt(c.Body, st.sub(), nest)
		s.leave()
	case *syntax.TimeClause:
		s.stmt(c.Stmt, st, nest)
	case *syntax.CoprocClause:
		s.stmt(c.Stmt, st.sub(), nest)
	case *syntax.ArithmCmd, *syntax.LetClause, *syntax.TestDecl:
		var words []*syntax.Word
		syntax.Walk(c, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CmdSubst:
				s.stmts(n.Stmts, s.captured(st), nest)
				return false
			case *syntax.ProcSubst:
				s.stmts(n.Stmts, s.captured(st), nest)
				return false
			case *syntax.Word:
				words = append(words, n)
			}
			return !s.stop
		})
		if _, ok := c.(*syntax.TestDecl); ok || s.stop {
			return
		}
		// An arithmetic command or let is listed as a command of its
		// words, so that readers see the variables it reads.
		keyword := "let"
		if _, ok := c.(*syntax.ArithmCmd); ok {
			keyword = "(("
		}
		s.st = st
		list := []Word{{Text: keyword, Raw: keyword}}
		for _, w := range words {
			list = append(list, s.text(w))
		}
		s.keyword(list, st, x)
	}
}

// stdout returns the output that the redirections of a statement send
// its standard output to, or nil when they leave it alone. The last
// redirection of descriptor 1 counts.
func (s *scanner) stdout(x *syntax.Stmt, st *state) *Output {
	var out *Output
	for _, r := range x.Redirs {
		n := ""
		if r.N != nil {
			n = r.N.Value
		}
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.DplOut:
			if n != "" && n != "1" {
				continue
			}
		case syntax.RdrAll, syntax.AppAll, syntax.RdrAllClob, syntax.AppAllClob:
		default:
			continue
		}
		s.st = st
		rd := s.redir(r)
		if r.Op == syntax.DplOut && rd.Word.Text == "1" {
			continue
		}
		s.outputs++
		out = &Output{ID: s.outputs, Redir: &rd}
	}
	return out
}

// redir returns a redirection with its words.
func (s *scanner) redir(r *syntax.Redirect) Redir {
	rd := Redir{Op: r.Op.String(), Word: s.text(r.Word)}
	if r.N != nil {
		rd.N = r.N.Value
	}
	if r.Hdoc != nil {
		rd.Doc = s.docText(r.Hdoc, r.Op == syntax.DashHdoc)
	}
	return rd
}

// keyword lists the header of a compound command, or a test, as a
// command of its words, and reports whether the scan goes on.
func (s *scanner) keyword(words []Word, st *state, x *syntax.Stmt) bool {
	return s.emit(&Command{Words: words, Vars: st.vars, Dir: st.dir, Line: s.line(x), Keyword: true,
		Stdout: *st.out, Branch: s.branches > 0})
}

// testWords appends the words and operators of a [[ ]] test to words,
// reading the substitutions in them.
func (s *scanner) testWords(words []Word, x syntax.TestExpr, st *state, nest, depth int) []Word {
	if depth > maxNesting {
		s.limit(s.line(x))
		return words
	}
	switch x := x.(type) {
	case *syntax.Word:
		s.word(x, st, nest)
		s.st = st
		words = append(words, s.text(x))
	case *syntax.UnaryTest:
		op := x.Op.String()
		words = append(words, Word{Text: op, Raw: op})
		words = s.testWords(words, x.X, st, nest, depth+1)
	case *syntax.BinaryTest:
		words = s.testWords(words, x.X, st, nest, depth+1)
		op := x.Op.String()
		words = append(words, Word{Text: op, Raw: op})
		words = s.testWords(words, x.Y, st, nest, depth+1)
	case *syntax.ParenTest:
		words = s.testWords(words, x.X, st, nest, depth+1)
	}
	return words
}

func isPipe(op syntax.BinCmdOperator) bool {
	return op == syntax.Pipe || op == syntax.PipeAll
}

// chain returns the commands of a list joined by && and || (or of a
// pipeline, when pipe is set), in order, without the deep recursion that
// the nesting of their syntax tree would take.
func chain(x *syntax.Stmt, pipe bool) []*syntax.Stmt {
	var out []*syntax.Stmt
	todo := []*syntax.Stmt{x}
	for len(todo) > 0 {
		y := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		b, ok := y.Cmd.(*syntax.BinaryCmd)
		if ok && isPipe(b.Op) == pipe && (y == x || len(y.Redirs) == 0 && !y.Negated && !y.Background) {
			todo = append(todo, b.Y, b.X)
			continue
		}
		out = append(out, y)
	}
	return out
}

// word reads the commands of the substitutions in a word.
func (s *scanner) word(w *syntax.Word, st *state, nest int) {
	if w == nil {
		return
	}
	s.parts(w.Parts, st, nest)
}

func (s *scanner) parts(parts []syntax.WordPart, st *state, nest int) {
	for _, p := range parts {
		if s.stop {
			return
		}
		switch p := p.(type) {
		case *syntax.DblQuoted:
			s.parts(p.Parts, st, nest)
		case *syntax.CmdSubst:
			s.stmts(p.Stmts, s.captured(st), nest+1)
		case *syntax.ProcSubst:
			s.stmts(p.Stmts, s.captured(st), nest+1)
		case *syntax.ParamExp, *syntax.ArithmExp:
			syntax.Walk(p, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.CmdSubst:
					s.stmts(n.Stmts, s.captured(st), nest+1)
					return false
				case *syntax.ProcSubst:
					s.stmts(n.Stmts, s.captured(st), nest+1)
					return false
				}
				return !s.stop
			})
		}
	}
}

// call reads a simple command, or a declaration (export A=b) as the
// command of its words.
func (s *scanner) call(assigns []*syntax.Assign, args []*syntax.Word, decl *syntax.DeclClause, st *state, nest int, x *syntax.Stmt) {
	// The substitutions run before the command.
	for _, a := range assigns {
		s.word(a.Value, st, nest)
	}
	for _, w := range args {
		s.word(w, st, nest)
	}
	if decl != nil {
		for _, a := range decl.Args {
			s.word(a.Value, st, nest)
		}
	}
	if s.stop {
		return
	}

	s.st = st
	// One Command is filled in for every call, so that its slices are
	// allocated once per script.
	c := &s.cmd
	*c = Command{Words: c.Words[:0], Assigns: c.Assigns[:0], Prefix: c.Prefix[:0], Redirs: c.Redirs[:0],
		Dir: st.dir, Line: s.line(x), Stdout: *st.out, Branch: s.branches > 0}
	if x == s.stage {
		for _, b := range s.before {
			c.Piped = append(c.Piped, s.restore(s.source(b)))
		}
	}
	for _, r := range x.Redirs {
		c.Redirs = append(c.Redirs, s.redir(r))
	}
	for _, w := range args {
		c.Words = append(c.Words, s.text(w))
	}
	for _, a := range assigns {
		if a.Name == nil || a.Array != nil || a.Index != nil {
			continue
		}
		w := s.assignWord(a)
		c.Assigns = append(c.Assigns, w.Text)
		c.Prefix = append(c.Prefix, w)
	}
	if decl != nil {
		c.Words = append(c.Words, Word{Text: decl.Variant.Value, Raw: decl.Variant.Value})
		for _, a := range decl.Args {
			switch {
			case a.Name == nil:
				c.Words = append(c.Words, s.text(a.Value))
			case a.Naked:
				c.Words = append(c.Words, Word{Text: a.Name.Value, Raw: a.Name.Value})
			case a.Array == nil && a.Index == nil:
				c.Words = append(c.Words, s.assignWord(a))
			}
		}
	}

	if len(c.Words) == 0 {
		// NAME=value alone sets a variable of the shell.
		for _, a := range c.Assigns {
			k, v, _ := strings.Cut(a, "=")
			st.set(strings.TrimSuffix(k, "+"), v)
		}
		c.Vars = st.vars
		s.emit(c)
		return
	}

	c.Vars = st.vars
	if len(c.Assigns) > 0 {
		c.Vars = make(pkgcmd.Env, len(st.vars)+len(c.Assigns))
		for k, v := range st.vars {
			c.Vars[k] = v
		}
		for _, a := range c.Assigns {
			k, v, _ := strings.Cut(a, "=")
			c.Vars[strings.TrimSuffix(k, "+")] = v
		}
	}

	argv := c.Args()
	var assigned []string
	if len(c.Assigns) > 0 && len(st.funcs) > 0 {
		assigned = slices.Clone(c.Assigns)
	}
	if !s.emit(c) {
		return
	}
	if len(st.funcs) > 0 && len(args) > 0 {
		if name, ok := litName(args[0]); ok && st.funcs[name] != nil {
			s.invoke(st.funcs[name], st, assigned, nest, c.Line)
			return
		}
	}
	switch path.Base(argv[0]) {
	case "eval":
		if text, ok := evalText(c.Words[1:]); ok {
			s.eval(text, st, nest, c.Line)
		}
	case "cd", "chdir", "Set-Location":
		st.dir = ChangeDir(s.base, st.dir, argv[1:])
	case "pushd", "Push-Location":
		st.stack = append(st.stack, st.dir)
		st.dir = ChangeDir(s.base, st.dir, argv[1:])
	case "popd", "Pop-Location":
		if n := len(st.stack); n > 0 {
			st.dir = st.stack[n-1]
			st.stack = st.stack[:n-1]
		}
	case "export", "declare", "typeset", "readonly", "local":
		s.declare(st, argv[0], argv[1:])
	case "unset":
		st.unsetNames(argv[1:])
	}
}

// line returns the line of the script that a node starts on. Inside the
// text that an eval runs, that is the eval's line.
func (s *scanner) line(n syntax.Node) int {
	if s.evalLine > 0 {
		return s.evalLine
	}
	return int(n.Pos().Line())
}

// evalText returns the text that eval runs: its words joined by blanks,
// when none holds an expansion.
func evalText(words []Word) (string, bool) {
	if len(words) > 0 && words[0].Text == "--" {
		words = words[1:]
	}
	if len(words) == 0 {
		return "", false
	}
	texts := make([]string, len(words))
	for i, w := range words {
		if w.Unknown {
			return "", false
		}
		texts[i] = w.Text
	}
	return strings.Join(texts, " "), true
}

// eval reads the commands of the text that eval runs in the shell st, at
// line. Text that does not parse runs nothing.
func (s *scanner) eval(text string, st *state, nest, line int) {
	if s.evalBytes += len(text); s.evalBytes > maxEvalBytes {
		s.limit(line)
		return
	}
	f, src, exprs, err := parse(text)
	if err != nil {
		return
	}
	// The words of the text are read from it, with its own expressions.
	outer, outerExprs, outerLine, stage, before := s.src, s.exprs, s.evalLine, s.stage, s.before
	s.src, s.exprs, s.evalLine = src, exprs, line
	s.stmts(f.Stmts, st, nest+1)
	s.src, s.exprs, s.evalLine, s.stage, s.before = outer, outerExprs, outerLine, stage, before
}

// invoke reads the body of a function called in the shell st, with the
// assignments written in front of the call, which bash exports to the
// function's commands until it returns.
// NOTE: the call's arguments are not given to $1, $2 and "$@", which stay
// unknown in the body, and return does not end the body early.
func (s *scanner) invoke(fn *function, st *state, assigned []string, nest, line int) {
	if s.inCall >= maxCallDepth || s.calls >= maxCalls {
		s.limit(line)
		return
	}
	s.calls++
	s.inCall++
	s.enter()
	for _, a := range assigned {
		k, v, _ := strings.Cut(a, "=")
		k = strings.TrimSuffix(k, "+")
		s.makeLocal(st, k, true)
		st.export(k, v, true)
	}
	// The body's words are read from the text it was defined in.
	src, exprs, evalLine := s.src, s.exprs, s.evalLine
	s.src, s.exprs, s.evalLine = fn.src, fn.exprs, fn.evalLine
	s.stmt(fn.body, st, nest)
	s.src, s.exprs, s.evalLine = src, exprs, evalLine
	s.leave()
	s.inCall--
}

// declare reads export, declare, typeset, local and readonly with their
// words (man bash, "Shell builtin commands"). -x marks the names for
// export and +x takes the mark off, as export -n does. Inside a function,
// local, and declare and typeset without -g, make the names the
// function's own. local outside a function fails and sets nothing. -f,
// -F and -p name functions or print, and declare -n makes references;
// these set no variable here.
func (s *scanner) declare(st *state, name string, args []string) {
	exp := 0
	if name == "export" {
		exp = 1
	}
	own := len(s.frames) > 0 && (name == "local" || name == "declare" || name == "typeset")
	if name == "local" && len(s.frames) == 0 {
		return
	}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' && a[0] != '+' {
			break
		}
		on := a[0] == '-'
		for _, c := range a[1:] {
			switch {
			case c == 'f' || c == 'F' || c == 'p':
				return
			case c == 'n' && name == "export":
				if on {
					exp = -1
				}
			case c == 'n':
				return
			case c == 'x' && name != "export" && name != "readonly":
				exp = 1
				if !on {
					exp = -1
				}
			case c == 'g' && name != "local":
				own = own && !on
			}
		}
	}
	for _, a := range args[i:] {
		k, v, hasValue := strings.Cut(a, "=")
		if !IsAssignment(k + "=") {
			continue
		}
		if own {
			s.makeLocal(st, k, hasValue)
		}
		switch {
		case exp > 0:
			st.export(k, v, hasValue)
		case exp < 0:
			st.unexport(k)
			if hasValue {
				st.setLocal(k, v)
			}
		case hasValue:
			st.set(k, v)
		}
	}
}

// limit marks the scan as stopped short by a bound at line, and passes
// the first such line to OnLimit.
func (s *scanner) limit(line int) {
	if !s.skipped && s.opt.OnLimit != nil {
		s.opt.OnLimit(line)
	}
	s.skipped = true
}

// emit hands a command to fn, and reports whether the scan goes on.
func (s *scanner) emit(c *Command) bool {
	s.count++
	if s.opt.MaxCommands > 0 && s.count > s.opt.MaxCommands {
		s.limit(c.Line)
		s.stop = true
		return false
	}
	if !s.fn(c) {
		s.stop = true
		return false
	}
	return true
}

// text returns a word without its quotes, with expansions as written.
func (s *scanner) text(w *syntax.Word) Word {
	if w == nil {
		return Word{}
	}
	var b strings.Builder
	unknown := s.writeParts(&b, w.Parts, false)
	return s.restored(Word{Text: b.String(), Unknown: unknown, Raw: s.source(w)})
}

// docText returns the lines of a here-document as the script writes
// them, without the leading tabs that <<- removes (dash). The end of its
// word lies past the closing delimiter, so the text is that of its
// parts, up to the last newline.
func (s *scanner) docText(w *syntax.Word, dash bool) string {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.ParamExp:
			if v, ok := s.expand(p); ok {
				b.WriteString(v)
			} else {
				b.WriteString(s.source(p))
			}
		default:
			b.WriteString(s.source(p))
		}
	}
	text := b.String()
	text = text[:strings.LastIndexByte(text, '\n')+1]
	if dash {
		lines := strings.SplitAfter(text, "\n")
		for i, ln := range lines {
			lines[i] = strings.TrimLeft(ln, "\t")
		}
		text = strings.Join(lines, "")
	}
	return s.restore(text)
}

// assignWord returns an assignment NAME=value as a word, its value
// unquoted.
func (s *scanner) assignWord(a *syntax.Assign) Word {
	op := "="
	if a.Append {
		op = "+="
	}
	v := s.text(a.Value)
	return s.restored(Word{Text: a.Name.Value + op + v.Text, Unknown: v.Unknown, Raw: s.source(a)})
}

// restored returns w with the expressions in place of their
// placeholders.
func (s *scanner) restored(w Word) Word {
	if len(s.exprs) > 0 {
		if strings.Contains(w.Text, exprOpen) {
			w.Text = s.restore(w.Text)
		}
		if strings.Contains(w.Raw, exprOpen) {
			w.Raw = s.restore(w.Raw)
		}
	}
	return w
}

// writeParts writes the text of word parts and reports whether they
// contain an expansion. quoted is set inside double quotes.
func (s *scanner) writeParts(b *strings.Builder, parts []syntax.WordPart, quoted bool) bool {
	unknown := false
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			writeLit(b, p.Value, quoted)
		case *syntax.SglQuoted:
			if p.Dollar {
				b.WriteString(ansiC(p.Value))
			} else {
				b.WriteString(p.Value)
			}
		case *syntax.DblQuoted:
			if s.writeParts(b, p.Parts, true) {
				unknown = true
			}
		case *syntax.ParamExp:
			if v, ok := s.expand(p); ok {
				b.WriteString(v)
				continue
			}
			b.WriteString(s.source(p))
			unknown = true
		default:
			// An expansion, kept as the script writes it.
			b.WriteString(s.source(p))
			unknown = true
		}
	}
	return unknown
}

// expand returns the value of $NAME or ${NAME} when Options.Expand is
// set and the shell has the variable.
func (s *scanner) expand(p *syntax.ParamExp) (string, bool) {
	if !s.opt.Expand || s.st == nil || p.Param == nil || p.Excl || p.Length || p.Width || p.Index != nil ||
		p.Slice != nil || p.Repl != nil || p.Names != 0 || p.Exp != nil || p.NestedParam != nil {
		return "", false
	}
	return s.st.lookup(p.Param.Value)
}

// source returns the text of a node as the parser read it, with
// placeholders in place of expressions (text restores them).
func (s *scanner) source(n syntax.Node) string {
	from, to := int(n.Pos().Offset()), int(n.End().Offset())
	if from < 0 || to > len(s.src) || from > to {
		return ""
	}
	return s.src[from:to]
}

// restore puts the expressions back in place of their placeholders.
func (s *scanner) restore(t string) string {
	var b strings.Builder
	for {
		i := strings.Index(t, exprOpen)
		if i < 0 {
			break
		}
		j := strings.Index(t[i:], exprClose)
		if j < 0 {
			break
		}
		k, err := strconv.Atoi(t[i+len(exprOpen) : i+j])
		b.WriteString(t[:i])
		if err == nil && k < len(s.exprs) {
			b.WriteString(s.exprs[k])
		}
		t = t[i+j+len(exprClose):]
	}
	b.WriteString(t)
	return b.String()
}

// writeLit writes a literal without its backslash escapes. Outside
// double quotes a backslash escapes any character. Inside them it
// escapes only $, `, " and \, and removes a newline.
func writeLit(b *strings.Builder, v string, quoted bool) {
	if !strings.Contains(v, "\\") {
		b.WriteString(v)
		return
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		n := v[i+1]
		switch {
		case n == '\n':
			i++
		case !quoted || n == '$' || n == '`' || n == '"' || n == '\\':
			b.WriteByte(n)
			i++
		default:
			b.WriteByte(c)
		}
	}
}

// ansiC returns the text of a $'...' string: its backslash escapes of
// quotes, backslashes and common control characters replaced.
func ansiC(v string) string {
	if !strings.Contains(v, "\\") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"':
			b.WriteByte(v[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// ChangeDir applies cd ARG to dir. cd without an argument, or to ~,
// goes back to the base folder.
func ChangeDir(base, dir string, args []string) string {
	var target string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			target = a
			break
		}
	}
	if target == "" || target == "~" {
		return base
	}
	return JoinDir(dir, target)
}

// maxDirLen bounds the length of a folder that cd, pushd and popd lead
// to. Past it the folder is unknownDir, so that a script of many cds
// costs time in proportion to its length. Linux's PATH_MAX is 4096.
const maxDirLen = 4096

// unknownDir is a folder whose path is not known. It starts with $, so
// folders joined onto it stay text and are never the top.
const unknownDir = "$PWD"

// JoinDir joins a relative folder onto dir. Backslashes separate folders
// too. Absolute paths and paths that start with a variable or ~ are kept
// as written. A folder that starts with a variable or contains a GitHub
// Actions expression is joined as text, since its value is not known.
func JoinDir(dir, rel string) string {
	if len(dir)+len(rel) > maxDirLen {
		return unknownDir
	}
	rel = strings.ReplaceAll(rel, `\`, "/")
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "$") || strings.HasPrefix(rel, "~") {
		return rel
	}
	if strings.HasPrefix(dir, "$") || strings.Contains(dir, "${{") || strings.Contains(rel, "${{") {
		if dir == "." || dir == "" {
			return rel
		}
		return dir + "/" + rel
	}
	return path.Clean(path.Join(dir, rel))
}

// mayDefine reports whether a script may define a function: whether it
// has the word function or an empty pair of parentheses.
func mayDefine(src string) bool {
	if strings.Contains(src, "function") {
		return true
	}
	for {
		i := strings.IndexByte(src, '(')
		if i < 0 {
			return false
		}
		src = strings.TrimLeft(src[i+1:], " \t")
		if strings.HasPrefix(src, ")") {
			return true
		}
	}
}

// callNames returns the names that the commands of a script call,
// written without expansions, wherever the commands are, the text that
// eval runs included. Lists and pipelines are walked as chains, without
// the deep recursion their syntax trees would take.
func callNames(list []*syntax.Stmt) map[string]bool {
	names := map[string]bool{}
	budget := maxEvalBytes
	addCallNames(names, list, &budget)
	return names
}

// addCallNames adds the names that list calls to names. The eval text
// it parses is taken from budget, as Scan's is from maxEvalBytes.
func addCallNames(names map[string]bool, list []*syntax.Stmt, budget *int) {
	var visit func(syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			b, ok := n.Cmd.(*syntax.BinaryCmd)
			if !ok {
				return true
			}
			for _, r := range n.Redirs {
				syntax.Walk(r, visit)
			}
			for _, y := range chain(n, isPipe(b.Op)) {
				syntax.Walk(y, visit)
			}
			return false
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				if name, ok := litName(n.Args[0]); ok {
					names[name] = true
					if name == "eval" {
						addEvalCallNames(names, n.Args[1:], budget)
					}
				}
			}
		}
		return true
	}
	for _, x := range list {
		syntax.Walk(x, visit)
	}
}

// addEvalCallNames adds the names that the text of an eval with the
// arguments args calls, when no argument holds an expansion.
func addEvalCallNames(names map[string]bool, args []*syntax.Word, budget *int) {
	texts := make([]string, 0, len(args))
	for _, a := range args {
		t, ok := litName(a)
		if !ok {
			return
		}
		texts = append(texts, t)
	}
	if len(texts) > 0 && texts[0] == "--" {
		texts = texts[1:]
	}
	text := strings.Join(texts, " ")
	if *budget -= len(text); *budget < 0 || text == "" {
		return
	}
	if f, _, _, err := parse(text); err == nil {
		addCallNames(names, f.Stmts, budget)
	}
}

// litName returns a word without its quotes when it holds no expansion.
func litName(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			writeLit(&b, p.Value, false)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				writeLit(&b, l.Value, true)
			}
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// IsAssignment reports whether a word is NAME=value.
func IsAssignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for i := 0; i < eq; i++ {
		c := w[i]
		if !(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}
