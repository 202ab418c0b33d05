package dockerfile

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/shellscan"
)

// state is the setup that a stage's instructions have made up to some
// point: the working folder, the variables RUN expands and passes to its
// commands, and the folders of the build context copied into the image. A
// stage built FROM another starts with that stage's state.
type state struct {
	workdir string
	env     vars
	copies  []copied
}

// copied is one source of a COPY or ADD from the build context.
type copied struct {
	// dest is the folder in the image the source went to, src the
	// folder of the build context it came from ("." for its root).
	dest, src string
	// dir is set when the whole folder src was copied to dest, rather
	// than files from src.
	dir bool
}

func (s state) clone() state {
	env := vars{}
	for k, v := range s.env {
		env[k] = v
	}
	return state{workdir: s.workdir, env: env, copies: slices.Clone(s.copies)}
}

// install is an effect of a RUN command with the line it comes from.
type install struct {
	eff  pkgcmd.Effect
	line int
	// folder is the folder of the build context whose files a COPY or
	// ADD put where a project install runs, or "".
	folder string
}

// maxCommands bounds the commands read from one RUN script.
const maxCommands = 10000

// stageRun is the result of reading one stage's instructions: the state
// they leave, which the stages built FROM it start with, and the effects
// of its RUN commands.
type stageRun struct {
	done bool
	st   state
	ins  []install
}

// installs returns the effects of the RUN commands of stages, in file
// order. The folder of each effect (Effect.Dir) is a folder in the image.
func (d *document) installs(stages []*stage) []install {
	var out []install
	for _, s := range stages {
		ins, _ := d.stageInstalls(s.index)
		out = append(out, ins...)
	}
	return out
}

// stageInstalls reads the instructions of stage i once, after those of
// the stages it is built FROM, and returns the effects of its RUN
// commands and the state it leaves. Reading each stage once keeps the
// nodes of several stages from repeating its warnings.
func (d *document) stageInstalls(i int) ([]install, state) {
	if d.runs == nil {
		d.runs = make([]stageRun, len(d.stages))
	}
	if r := d.runs[i]; r.done {
		return r.ins, r.st
	}
	s := d.stages[i]
	st := state{workdir: "/", env: vars{}}
	if s.from >= 0 {
		_, base := d.stageInstalls(s.from)
		st = base.clone()
	}
	var out []install
	for _, n := range s.body {
		switch strings.ToLower(n.Value) {
		case "workdir":
			if ws := words(n); len(ws) > 0 {
				if dir, ok := d.word(ws[0], st.env); ok {
					st.workdir = imageDir(st.workdir, dir)
				}
			}
		case "arg", "env":
			d.assign(n, st.env)
		case "copy", "add":
			st.copies = append(st.copies, d.copies(n, st)...)
		case "run":
			out = append(out, d.run(n, st)...)
		}
	}
	d.runs[i] = stageRun{done: true, st: st, ins: out}
	return out, st
}

// word expands the variables of an instruction's argument, reporting
// false when one has no value the input shows.
func (d *document) word(w string, env vars) (string, bool) {
	if !strings.Contains(w, "$") {
		return w, true
	}
	r, err := d.lex.ProcessWordWithMatches(w, d.scope(env))
	if err != nil || len(r.Unmatched) > 0 {
		return "", false
	}
	return r.Result, true
}

// assign records the variables of an ARG or ENV. A stage's ARG without
// a default takes that of the build argument declared before the first
// FROM, as BuildKit does.
func (d *document) assign(n *parser.Node, env vars) {
	inst := strings.ToUpper(n.Value)
	if inst == "ARG" {
		for _, w := range words(n) {
			name, _, ok := strings.Cut(w, "=")
			d.addArg(name)
			if v, has := d.meta[name]; !ok && has {
				env[name] = v
			}
		}
	}
	for _, kv := range assignments(n) {
		d.checkLiteral(n.StartLine, inst, kv[0], kv[1])
		if r, err := d.lex.ProcessWordWithMatches(kv[1], d.scope(env)); err == nil {
			env[kv[0]] = r.Result
		}
	}
}

// copies returns the folders of the build context that a COPY or ADD puts
// into the image. A copy from a stage or an image, a here-document, a URL
// or a Git repository copies nothing of the context.
func (d *document) copies(n *parser.Node, st state) []copied {
	for _, fl := range n.Flags {
		if strings.HasPrefix(fl, "--from=") {
			return nil
		}
	}
	if len(n.Heredocs) > 0 {
		return nil
	}
	ws := words(n)
	if len(ws) < 2 {
		return nil
	}

	dest, ok := d.word(ws[len(ws)-1], st.env)
	if !ok {
		return nil
	}
	srcs := ws[:len(ws)-1]
	destDir := imageDir(st.workdir, dest)
	single := len(srcs) == 1 && !strings.ContainsAny(srcs[0], "*?[")
	if single && fileName(path.Base(srcs[0])) && !strings.HasSuffix(dest, "/") && dest != "." && fileName(path.Base(dest)) {
		// One file copied to a file name: its folder is the parent.
		destDir = path.Dir(destDir)
	}

	var out []copied
	for _, w := range srcs {
		src, ok := d.word(w, st.env)
		if !ok || strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
			continue
		}
		src = path.Clean("/" + strings.ReplaceAll(src, `\`, "/"))[1:]
		if src == "" {
			src = "."
		}
		if strings.ContainsAny(path.Base(src), "*?[") || fileName(path.Base(src)) {
			out = append(out, copied{dest: destDir, src: path.Dir(src)})
			continue
		}
		out = append(out, copied{dest: destDir, src: src, dir: true})
	}
	return out
}

// imageDir joins a folder that an instruction names onto dir, a folder
// in the image, and cleans the result: /srv/ is /srv.
func imageDir(dir, rel string) string {
	out := shellscan.JoinDir(dir, rel)
	if strings.HasPrefix(out, "/") {
		return path.Clean(out)
	}
	return out
}

// dotless are manifest and lockfile names without a dot.
var dotless = map[string]bool{"Gemfile": true, "Pipfile": true}

// fileName reports whether a path's last element looks like a file: it
// has an extension or is a manifest without one. Folders rarely have a
// dot in their names, and what matters here are lockfiles and manifests.
func fileName(base string) bool {
	if dotless[base] {
		return true
	}
	i := strings.LastIndexByte(base, '.')
	return i > 0 && i < len(base)-1
}

// folder returns the folder of the build context whose files a COPY or
// ADD put in dir, a folder in the image, or "" when none did. The latest
// copy counts.
func (st state) folder(dir string) string {
	for i := len(st.copies) - 1; i >= 0; i-- {
		c := st.copies[i]
		switch {
		case c.dest == dir:
			return c.src
		case c.dir && strings.HasPrefix(dir, strings.TrimSuffix(c.dest, "/")+"/"):
			return path.Join(c.src, strings.TrimPrefix(dir, strings.TrimSuffix(c.dest, "/")+"/"))
		}
	}
	return ""
}

// run returns the effects of a RUN instruction's commands.
func (d *document) run(n *parser.Node, st state) []install {
	env := d.scope(st.env)
	if n.Attributes["json"] {
		// The exec form runs its words without a shell.
		var out []install
		for _, e := range commandEffects(words(n), st.workdir, pkgcmd.Env(env), 0) {
			out = append(out, install{eff: e, line: n.StartLine, folder: st.folder(e.Dir)})
		}
		return out
	}
	script, first, ok := runScript(n)
	if !ok {
		return nil
	}
	var out []install
	_, err := shellscan.Scan(script, st.workdir, pkgcmd.Env(env), shellscan.Options{MaxCommands: maxCommands}, func(c *shellscan.Command) bool {
		if c.Keyword {
			return true
		}
		for _, e := range commandEffects(c.Args(), c.Dir, c.Vars, 0) {
			out = append(out, install{eff: e, line: first + c.Line - 1, folder: st.folder(e.Dir)})
		}
		return true
	})
	if err != nil {
		d.res.Warnf(d.pos(n.StartLine), "the script of RUN does not parse as a shell script; the packages it installs are not read")
		return nil
	}
	return out
}

// runScript returns the shell script of a RUN instruction in shell form
// and the line of the Dockerfile that its first line is on. ok is false
// for the exec form and for a RUN without arguments.
func runScript(n *parser.Node) (script string, first int, ok bool) {
	ws := words(n)
	if n.Attributes["json"] || len(ws) == 0 {
		return "", 0, false
	}
	script, first = ws[0], n.StartLine
	if len(n.Heredocs) > 0 {
		if only := strings.TrimSpace(script); strings.HasPrefix(only, "<<") && !strings.ContainsAny(only, " \t") && len(n.Heredocs) == 1 {
			// RUN <<EOF runs the here-document as its script.
			script, first = n.Heredocs[0].Content, n.StartLine+1
		} else {
			// The here-documents follow the line, as the shell reads them.
			var b strings.Builder
			b.WriteString(script)
			b.WriteByte('\n')
			for _, h := range n.Heredocs {
				b.WriteString(h.Content)
				if !strings.HasSuffix(h.Content, "\n") {
					b.WriteByte('\n')
				}
				b.WriteString(h.Name)
				b.WriteByte('\n')
			}
			script = b.String()
		}
	}
	return script, first, true
}

// commandEffects returns the effects of one simple command run in dir
// with vars, those of the script it runs with sh -c included.
func commandEffects(words []string, dir string, vars pkgcmd.Env, depth int) []pkgcmd.Effect {
	for len(words) > 0 && (words[0] == "exec" || words[0] == "command") {
		words = words[1:]
	}
	if len(words) == 0 {
		return nil
	}
	switch path.Base(words[0]) {
	case "cd", "pushd", "popd", "export":
		return nil
	}
	if inner, ok := pkgcmd.ShellScript(words); ok {
		if depth >= pkgcmd.MaxShellDepth {
			return nil
		}
		var out []pkgcmd.Effect
		_, err := shellscan.Scan(inner, dir, vars, shellscan.Options{MaxCommands: maxCommands}, func(c *shellscan.Command) bool {
			if !c.Keyword {
				out = append(out, commandEffects(c.Args(), c.Dir, c.Vars, depth+1)...)
			}
			return true
		})
		if err != nil {
			return nil
		}
		return out
	}
	var out []pkgcmd.Effect
	for _, e := range pkgcmd.Effects(words, vars) {
		if e.Dir != "" {
			e.Dir = shellscan.JoinDir(dir, e.Dir)
		} else {
			e.Dir = dir
		}
		files := requirementFiles(words)
		if e.Eco != pkgcmd.PyPI || !e.Install || e.Tool || len(files) == 0 {
			out = append(out, e)
			continue
		}
		// pip reads each requirements file where its path points, which
		// is where a COPY put it.
		for _, f := range files {
			r := e
			r.Dir = imageDir(e.Dir, path.Dir(f))
			out = append(out, r)
		}
	}
	return out
}

// requirementFiles returns the requirements files that a pip install
// names with -r or --requirement, leaving out those a variable names.
func requirementFiles(words []string) []string {
	var out []string
	for i, w := range words {
		var f string
		switch {
		case (w == "-r" || w == "--requirement") && i+1 < len(words):
			f = words[i+1]
		case strings.HasPrefix(w, "--requirement="):
			f = strings.TrimPrefix(w, "--requirement=")
		case strings.HasPrefix(w, "-r") && len(w) > 2 && !strings.HasPrefix(w, "--"):
			f = w[2:]
		}
		if f != "" && !strings.Contains(f, "$") {
			out = append(out, f)
		}
	}
	return out
}
