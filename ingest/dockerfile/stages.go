package dockerfile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// document is a Dockerfile split into its stages.
type document struct {
	f    *ingest.File
	env  *ingest.Env
	res  *ingest.Result
	root *parser.Node
	lex  *shell.Lex
	id   string
	// meta maps the build arguments declared before the first FROM that
	// have a default to it. FROM may expand them.
	meta vars
	// args are the names of every build argument, for the node.
	args   []string
	stages []*stage
	// runs holds what stageInstalls read of each stage, by index.
	runs []stageRun
}

// stage is one FROM and the instructions up to the next.
type stage struct {
	index int
	name  string // the lower-case name after AS, or ""
	line  int
	// from is the index of the earlier stage that FROM names, or -1.
	from int
	// img is the image FROM names, when hasImg is set: not a stage, not
	// scratch, and resolved.
	img    image.Ref
	hasImg bool
	// raw is FROM's image reference as written, when a build argument
	// chooses it (node:${NODE_VERSION}), else "".
	raw  string
	uses []use
	body []*parser.Node
}

// use is a stage or image that a stage copies files from (COPY --from)
// or mounts (RUN --mount=from=...).
type use struct {
	stage int // the stage's index, or -1 for an image
	img   image.Ref
	via   string // viaCopyFrom or viaMountFrom
	line  int
}

// Values of the via attribute of the DEPENDS_ON edges to base images.
const (
	viaBaseImage = "base-image"
	viaCopyFrom  = "copy-from"
	viaMountFrom = "mount-from"
)

// vars is a set of variables that the Dockerfile lexer expands.
type vars map[string]string

// Get implements shell.EnvGetter.
func (v vars) Get(k string) (string, bool) { s, ok := v[k]; return s, ok }

// Keys implements shell.EnvGetter.
func (v vars) Keys() []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func newDocument(f *ingest.File, res *parser.Result, out *ingest.Result) *document {
	return &document{f: f, res: out, root: res.AST, lex: shell.NewLex(res.EscapeToken), id: id(f), meta: vars{}}
}

func (d *document) pos(line int) ingest.Position { return ingest.Position{File: d.f.Path, Line: line} }

// read splits the instructions into stages, resolves what each FROM names
// and what each stage copies or mounts from.
func (d *document) read() {
	var cur *stage
	for _, n := range d.root.Children {
		switch strings.ToLower(n.Value) {
		case "arg":
			if cur == nil {
				d.metaArgs(n)
				continue
			}
			cur.body = append(cur.body, n)
		case "from":
			cur = d.from(n)
			d.stages = append(d.stages, cur)
		default:
			if cur == nil {
				d.res.Warnf(d.pos(n.StartLine), "%s before the first FROM is not allowed; skipped", strings.ToUpper(n.Value))
				continue
			}
			cur.body = append(cur.body, n)
		}
	}
	for _, s := range d.stages {
		d.readUses(s)
	}
}

// words returns the arguments of an instruction.
func words(n *parser.Node) []string {
	var out []string
	for a := n.Next; a != nil; a = a.Next {
		out = append(out, a.Value)
	}
	return out
}

// metaArgs reads an ARG before the first FROM. Its default is expanded
// with the build arguments before it, as BuildKit does.
func (d *document) metaArgs(n *parser.Node) {
	for _, w := range words(n) {
		name, value, ok := strings.Cut(w, "=")
		d.addArg(name)
		if !ok {
			continue
		}
		d.checkLiteral(n.StartLine, "ARG", name, value)
		r, err := d.lex.ProcessWordWithMatches(value, d.meta)
		if err != nil || len(r.Unmatched) > 0 {
			continue
		}
		d.meta[name] = r.Result
	}
}

func (d *document) addArg(name string) {
	if name != "" && !slices.Contains(d.args, name) {
		d.args = append(d.args, name)
	}
}

// checkLiteral warns about an ARG or ENV whose value is a credential
// (credential). The value goes into the history of the images built from
// the file, or, in a stage the last one only copies from, into the build
// cache. Only the name is reported.
func (d *document) checkLiteral(line int, inst, name, value string) {
	if _, kind, ok := d.credential(name, value); ok {
		d.res.Warnf(d.pos(line), "%s %s has a value that looks like a credential (%s), which the layers, history or build cache of images built from this file keep; the value is not stored", inst, name, kind)
	}
}

// from reads a FROM instruction and starts its stage.
func (d *document) from(n *parser.Node) *stage {
	s := &stage{index: len(d.stages), line: n.StartLine, from: -1}
	args := words(n)
	if len(args) >= 3 && strings.EqualFold(args[1], "as") {
		s.name = strings.ToLower(args[2])
	}
	if len(args) == 0 {
		d.res.Warnf(d.pos(n.StartLine), "FROM names no image")
		return s
	}
	if strings.Contains(args[0], "$") {
		s.raw = args[0]
	}
	ref, ok := d.expand(args[0], d.meta, n.StartLine, "FROM")
	if !ok {
		return s
	}
	if i := d.stageNamed(ref, s.index); i >= 0 {
		s.from = i
		return s
	}
	if strings.EqualFold(ref, "scratch") {
		return s
	}
	img, ok := image.Parse(ref)
	if !ok {
		d.res.Warnf(d.pos(n.StartLine), "FROM names no image reference that can be read; no base image recorded")
		return s
	}
	s.img, s.hasImg = img, true
	return s
}

// expand expands the build arguments in an image reference or stage
// name. It warns and reports false when one has no value the input shows,
// or when the result contains a credential.
func (d *document) expand(word string, env vars, line int, inst string) (string, bool) {
	if !strings.Contains(word, "$") {
		return word, true
	}
	r, err := d.lex.ProcessWordWithMatches(word, env)
	if err != nil {
		d.res.Warnf(d.pos(line), "%s: the reference does not expand; nothing recorded", inst)
		return "", false
	}
	if len(r.Unmatched) > 0 {
		var names []string
		for k := range r.Unmatched {
			if !withDefault(word, k) {
				names = append(names, k)
			}
		}
		if len(names) > 0 {
			slices.Sort(names)
			if inst == "FROM" {
				d.res.Warnf(d.pos(line), "FROM: build argument %s has no default, so the image is chosen when it is built; only the CI builds that pass it a value link a base image",
					strings.Join(names, ", "))
				return "", false
			}
			d.res.Warnf(d.pos(line), "%s: build argument %s has no default, so the image is chosen when it is built, which the input does not show; nothing recorded",
				inst, strings.Join(names, ", "))
			return "", false
		}
	}
	if fs := literal.Scan(r.Result); len(fs) > 0 {
		d.res.Warnf(d.pos(line), "%s: the reference contains what looks like a credential (%s); nothing recorded", inst, fs[0].Kind)
		return "", false
	}
	return r.Result, true
}

// withDefault reports whether word reads variable name with a default
// for when it is unset: ${NAME:-default} or ${NAME-default}.
func withDefault(word, name string) bool {
	return strings.Contains(word, "${"+name+":-") || strings.Contains(word, "${"+name+"-")
}

// stageNamed returns the index of the stage before index before whose
// name is ref, or -1.
func (d *document) stageNamed(ref string, before int) int {
	ref = strings.ToLower(ref)
	for _, s := range d.stages[:before] {
		if s.name != "" && s.name == ref {
			return s.index
		}
	}
	return -1
}

// stageRef returns the stage that a --from value names, by name or by
// number, among the stages before index before, or -1.
func (d *document) stageRef(ref string, before int) int {
	if i := d.stageNamed(ref, before); i >= 0 {
		return i
	}
	if n, err := strconv.Atoi(ref); err == nil && n >= 0 && n < before {
		return n
	}
	return -1
}

// readUses finds the stages and images that a stage copies or mounts
// from. --from values are expanded with the stage's own ARG and ENV
// values and the build arguments declared before the first FROM.
func (d *document) readUses(s *stage) {
	env := vars{}
	for _, n := range s.body {
		switch strings.ToLower(n.Value) {
		case "arg", "env":
			for _, kv := range assignments(n) {
				if r, err := d.lex.ProcessWordWithMatches(kv[1], d.scope(env)); err == nil {
					env[kv[0]] = r.Result
				}
			}
		case "copy", "add":
			for _, fl := range n.Flags {
				if v, ok := strings.CutPrefix(fl, "--from="); ok {
					d.addUse(s, v, env, viaCopyFrom, strings.ToUpper(n.Value), n.StartLine)
				}
			}
		case "run":
			for _, fl := range n.Flags {
				if v, ok := strings.CutPrefix(fl, "--mount="); ok {
					if from := mountFrom(v); from != "" {
						d.addUse(s, from, env, viaMountFrom, "RUN --mount", n.StartLine)
					}
				}
			}
		}
	}
}

// scope returns the variables that a stage's instructions expand: the
// build arguments declared before the first FROM, overridden by the
// stage's own.
func (d *document) scope(env vars) vars {
	out := vars{}
	for k, v := range d.meta {
		out[k] = v
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}

// addUse records what a --from value names.
func (d *document) addUse(s *stage, ref string, env vars, via, inst string, line int) {
	ref, ok := d.expand(ref, d.scope(env), line, inst)
	if !ok || ref == "" {
		return
	}
	if i := d.stageRef(ref, s.index); i >= 0 {
		s.uses = append(s.uses, use{stage: i, via: via, line: line})
		return
	}
	if strings.EqualFold(ref, "scratch") {
		return
	}
	img, ok := image.Parse(ref)
	if !ok {
		d.res.Warnf(d.pos(line), "--from names neither an earlier stage nor an image reference that can be read; nothing recorded")
		return
	}
	s.uses = append(s.uses, use{stage: -1, img: img, via: via, line: line})
}

// mountFrom returns the from= field of a RUN --mount value, a list of
// KEY=VALUE fields separated by commas.
func mountFrom(spec string) string {
	for _, field := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(field), "=")
		if strings.EqualFold(k, "from") {
			return strings.Trim(v, `"'`)
		}
	}
	return ""
}

// assignments returns the NAME and raw VALUE pairs of an ARG or ENV. An
// ARG without a default is left out. ENV gives its pairs as three words
// each: name, value and "=".
func assignments(n *parser.Node) [][2]string {
	ws := words(n)
	var out [][2]string
	if strings.EqualFold(n.Value, "env") {
		for i := 0; i+1 < len(ws); i += 3 {
			out = append(out, [2]string{ws[i], ws[i+1]})
		}
		return out
	}
	for _, w := range ws {
		if k, v, ok := strings.Cut(w, "="); ok {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// used returns the stages that stage root uses, itself included, in file
// order.
func (d *document) used(root int) []*stage {
	if root < 0 || root >= len(d.stages) {
		return nil
	}
	seen := make([]bool, len(d.stages))
	var visit func(i int)
	visit = func(i int) {
		if i < 0 || seen[i] {
			return
		}
		seen[i] = true
		s := d.stages[i]
		visit(s.from)
		for _, u := range s.uses {
			visit(u.stage)
		}
	}
	visit(root)
	var out []*stage
	for i, s := range d.stages {
		if seen[i] {
			out = append(out, s)
		}
	}
	return out
}

// label names a stage in reasons.
func (s *stage) label() string {
	if s.name != "" {
		return s.name
	}
	return strconv.Itoa(s.index)
}

// fromArgs returns the graph.AttrFromArgs entries of the stages the image
// is built from whose FROM a build argument chooses, and the
// graph.AttrFromArgDefaults entries of the defaults those references use.
// A default that may be a credential is left out.
func (d *document) fromArgs(used []*stage) (refs, defaults []string) {
	for _, s := range used {
		if s.raw == "" || s.from >= 0 {
			continue
		}
		refs = append(refs, strconv.Itoa(s.line)+" "+s.label()+" "+s.raw)
		r, err := d.lex.ProcessWordWithMatches(s.raw, d.meta)
		if err != nil {
			continue
		}
		for name := range r.Matched {
			if v := d.meta[name]; registry.PlainArgValue(name, v) {
				defaults = append(defaults, name+"="+v)
			}
		}
	}
	slices.Sort(defaults)
	return refs, defaults
}

// ExpandReference expands the build arguments in an image reference that
// a FROM instruction writes, with args as the build's values, as BuildKit
// does. It reports false when an argument without a default has no value
// in args, or when the reference does not expand.
func ExpandReference(raw string, args map[string]string) (string, bool) {
	r, err := shell.NewLex('\\').ProcessWordWithMatches(raw, vars(args))
	if err != nil {
		return "", false
	}
	for name := range r.Unmatched {
		if !withDefault(raw, name) {
			return "", false
		}
	}
	return r.Result, true
}
