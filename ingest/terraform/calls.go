package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Bounds on the modules read through module blocks: how deep calls may
// nest, and how many calls one module and the modules it calls may make
// in all.
const (
	maxCallDepth = 8
	maxCalls     = 256
)

// maxCallBytes bounds the size of the files that the modules one
// configuration calls read, all together. Each call reads its module
// again, so without it a module of 1 MiB called 256 times would cost as
// much as 256 MiB of input.
var maxCallBytes = 8 << 20

// moduleCall is a module block.
type moduleCall struct {
	name string
	syn  *hclsyntax.Block
	file *srcFile
}

// block returns the module block as a block under prefix, whose count
// and for_each expand as a resource's do.
func (c *moduleCall) block(prefix string) *block {
	return &block{typ: "module", name: c.name, addr: prefix + "module." + c.name, file: c.file, syn: c.syn}
}

// called is the evaluation of a module call by one evaluator.
type called struct {
	// children evaluate the called module, one for each instance of the
	// module block that is read. It is empty when the source is not a
	// folder the reader may read.
	children []*evaluator
	outputs  cty.Value
	state    uint8
}

// callTree is shared by a module read from its own folder and every
// module it calls, directly or not.
type callTree struct {
	// root is the folder that module sources must lie in: the
	// repository's root, else the parent of the first module's folder.
	root string
	// resolved is root with its symbolic links followed (see realRoot).
	resolved string
	// repo is the id of the repository whose root root is, or "" when
	// the input places the configuration in none.
	repo  string
	calls int
	// bytes is the size of the files the calls read.
	bytes int
	// warned contains the calls already reported as skipped, and the
	// names of the bounds on calls already reported as passed.
	warned map[any]bool
}

func newCallTree(root string) *callTree {
	return &callTree{root: root, warned: map[any]bool{}}
}

// ensureCall evaluates the module that the module block name calls and
// returns the object of its outputs, or cty.DynamicVal when the module is
// not read. Only local sources (./ and ../ paths) are read, so a registry
// or Git source gives unknown outputs.
//
// A block with count or for_each calls the module once for each instance
// (see evaluator.expand), and its outputs are a tuple (count) or an
// object by key (for_each) of each instance's outputs.
func (ev *evaluator) ensureCall(name string) cty.Value {
	c := ev.m.calls[name]
	if c == nil || ev.tree == nil {
		return cty.DynamicVal
	}
	st := ev.called[name]
	if st == nil {
		st = &called{}
		ev.called[name] = st
	}
	switch st.state {
	case stateDone:
		return st.outputs
	case stateBusy:
		// A cycle through the call's own arguments.
		return cty.DynamicVal
	}
	st.state = stateBusy
	st.outputs = cty.DynamicVal
	defer func() { st.state = stateDone }()

	dir, ok := ev.callSource(c)
	if !ok {
		return st.outputs
	}
	b := c.block(ev.m.prefix)
	insts, expanded := ev.expand(b)
	if !expanded {
		insts = []*block{b}
	}
	outs := make([]cty.Value, len(insts))
	for i, ib := range insts {
		child, out := ev.callInstance(c, ib, dir)
		if child != nil {
			st.children = append(st.children, child)
		}
		outs[i] = out
	}
	switch {
	case b.counted():
		st.outputs = cty.TupleVal(outs)
	case !expanded && b.attr("for_each") != nil:
		// The for_each keys are not known, so the outputs stay unknown.
	case !expanded:
		st.outputs = outs[0]
	default:
		byKey := make(map[string]cty.Value, len(insts))
		for i, ib := range insts {
			byKey[ib.inst.key] = outs[i]
		}
		st.outputs = cty.ObjectVal(byKey)
	}
	return st.outputs
}

// callInstance evaluates the module in dir for instance ib of module
// block c and returns its evaluator and the object of its outputs. The
// evaluator is nil, and the outputs unknown, when a bound on calls leaves
// the instance out.
func (ev *evaluator) callInstance(c *moduleCall, ib *block, dir string) (*evaluator, cty.Value) {
	if ev.tree.calls >= maxCalls {
		ev.skipLimit(c, "calls", "more than %d module calls in one configuration; %s and the calls after it are not read", maxCalls, ev.callAddr(c))
		return nil, cty.DynamicVal
	}
	if ev.tree.bytes >= maxCallBytes {
		ev.skipLimit(c, "bytes", "%s: the modules called read %d bytes of files, more than %d in all; it and the calls after it are not read", ev.callAddr(c), ev.tree.bytes, maxCallBytes)
		return nil, cty.DynamicVal
	}
	ev.tree.calls++
	cm := loadCalled(dir, ev.m, ib.addr+".")
	ev.tree.bytes += cm.size

	child := ev.callEvaluator(c, cm, ib)
	unspent := ev.m.budget.at == nil
	child.evaluateAll()

	outs := map[string]cty.Value{}
	for out, a := range child.m.outputs {
		if child.m.sensitiveOutputs[out] {
			// The reader keeps no sensitive value, so the output is unknown.
			outs[out] = cty.DynamicVal
			continue
		}
		v, diags := child.value(a.Expr, nil)
		if diags.HasErrors() || v == cty.NilVal {
			v = cty.DynamicVal
		}
		outs[out] = v
	}
	if unspent && ev.m.budget.at != nil {
		// The limit was passed in a file of the called module: the
		// caller's file is rejected at the module block.
		rng := c.syn.DefRange()
		ev.m.budget.at = &rng
	}
	return child, cty.ObjectVal(outs)
}

// callSource returns the folder a module block's source names, when it is
// a local path to a folder inside the tree's root, not too deep and not
// one of the modules that led to this call.
func (ev *evaluator) callSource(c *moduleCall) (string, bool) {
	dir, problem, ok := localSource(c, ev.m.dir, ev.tree.root, ev.tree.realRoot())
	if !ok {
		return "", false
	}
	if problem != "" {
		ev.skipCall(c, "%s", problem)
		return "", false
	}
	depth := 0
	for p := ev; p != nil; p = p.parent {
		if realDir(p.m.dir) == dir {
			src, _ := localPath(c)
			ev.skipCall(c, "module.%s: source %s calls itself; the call is not read", c.name, src)
			return "", false
		}
		depth++
	}
	if depth > maxCallDepth {
		ev.skipLimit(c, c, "%s: calls nest deeper than %d; the module is not read", ev.callAddr(c), maxCallDepth)
		return "", false
	}
	return dir, true
}

// localSource resolves the source of module block c, declared in the
// module in dir, to the folder it names, with its symbolic links followed.
// ok is false when the source is not a local path (./ or ../). problem is
// the reason a local source names no folder inside root that can be read.
func localSource(c *moduleCall, dir, root, realRoot string) (folder, problem string, ok bool) {
	src, isLocal := localPath(c)
	if !isLocal {
		return "", "", false
	}
	folder = filepath.Clean(filepath.Join(dir, filepath.FromSlash(src)))
	outside := fmt.Sprintf("module.%s: source %s is outside %s; the module is not read", c.name, src, root)
	if !ingest.Within(folder, root) {
		return "", outside, true
	}
	if info, err := os.Stat(folder); err != nil || !info.IsDir() {
		return "", fmt.Sprintf("module.%s: source %s is not a folder; the module is not read", c.name, src), true
	}
	// The folder is where its symbolic links lead: a link may point out
	// of the root, or back to a module of the call chain.
	folder, err := filepath.EvalSymlinks(folder)
	if err != nil || !ingest.Within(folder, realRoot) {
		return "", outside, true
	}
	return folder, "", true
}

// localPath returns the source of module block c when it is a literal
// local path (./ or ../).
func localPath(c *moduleCall) (string, bool) {
	a := c.syn.Body.Attributes["source"]
	if a == nil {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	src, ok := str(v)
	if diags.HasErrors() || !ok || !(strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../")) {
		return "", false
	}
	return src, true
}

// realDir returns dir with its symbolic links followed, or dir when they
// cannot be.
func realDir(dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}

// realRoot returns the tree's root with its symbolic links followed.
func (t *callTree) realRoot() string {
	if t.resolved == "" {
		t.resolved = realDir(t.root)
	}
	return t.resolved
}

// callAddr returns the address of module block c, module.NAME in the
// configuration read and module.A.module.NAME in the modules it calls.
func (ev *evaluator) callAddr(c *moduleCall) string { return ev.m.prefix + "module." + c.name }

// skipLimit warns, once for each key, that a bound on calls leaves module
// block c out. The warning goes to the module block of the configuration
// read that leads to c, because the warnings of called modules are not
// reported.
func (ev *evaluator) skipLimit(c *moduleCall, key any, format string, args ...any) {
	if ev.tree.warned[key] {
		return
	}
	ev.tree.warned[key] = true
	top, at := ev, c
	for top.parent != nil {
		top, at = top.parent, top.via
	}
	top.warnf(at.syn.DefRange(), format, args...)
}

// skipCall warns, once, at a module block that is not read.
func (ev *evaluator) skipCall(c *moduleCall, format string, args ...any) {
	if ev.tree.warned[c] {
		return
	}
	ev.tree.warned[c] = true
	ev.warnf(c.syn.DefRange(), format, args...)
}

// callEvaluator returns the evaluator of a called module for instance ib
// of module block c. Its variables take the call's arguments, evaluated in
// the calling module with ib's count.index or each, else their defaults. It takes the caller's GitHub owner and AWS account and region,
// those of the aws provider the call passes in providers if any. A default
// aws provider of the called module's own sets them instead.
func (ev *evaluator) callEvaluator(c *moduleCall, m *module, ib *block) *evaluator {
	vars := map[string]cty.Value{}
	types := map[string]cty.Type{}
	for name, v := range m.vars {
		if ty, ok := variableType(v); ok {
			types[name] = ty
		}
		a := c.syn.Body.Attributes[name]
		if a == nil || sensitiveVariable(v) {
			vars[name] = variableValue(m, name, v)
			continue
		}
		val, diags := ev.value(a.Expr, ib)
		if diags.HasErrors() || val == cty.NilVal {
			val = cty.DynamicVal
		}
		vars[name] = typedValue(v, val)
	}

	files := newModuleFiles(m.dir)
	child := bareEvaluator(m, vars, types, files)
	child.parent, child.via = ev, c
	child.tree = ev.tree
	// A variable the call leaves out keeps its default, since this call
	// is the only one that reads the module with these arguments. One the
	// call sets stays open when its argument reads an open variable of
	// the caller, directly or through what it references (readsOpen).
	for name := range m.vars {
		if a := c.syn.Body.Attributes[name]; a == nil || !ev.readsOpen(a.Expr, ib, map[followed]bool{}) {
			child.setVars[name] = true
		}
	}

	passed := callProviders(c)
	scope := ev.passedScope(passed[""])
	for alias, from := range passed {
		if alias != "" {
			child.scopes[alias] = ev.passedScope(from)
		}
	}
	child.owner, child.githubHost = ev.owner, ev.githubHost
	child.account, child.region = scope.account, scope.region
	if m.provider("aws") != nil {
		spent := *m.budget
		defer func() { *m.budget = spent }()
		pre := bareEvaluator(m, vars, types, files)
		pre.parent = ev
		pre.account, pre.region = scope.account, scope.region
		if r := pre.providerRegion(); r != "" {
			child.region = r
		}
		if p := m.provider("aws"); p != nil {
			if acct := pre.providerAccount(p); acct != "" {
				child.account = acct
			}
		}
	}
	child.defaultAccount, child.defaultRegion = child.account, child.region
	return child
}

// callProviders maps the aws provider configurations that a module block
// passes in its providers argument, by alias in the called module ("" for
// its default aws provider), to the alias of the caller's configuration
// passed ("" for the default one).
func callProviders(c *moduleCall) map[string]string {
	out := map[string]string{}
	a := c.syn.Body.Attributes["providers"]
	if a == nil {
		return out
	}
	pairs, diags := hcl.ExprMap(a.Expr)
	if diags.HasErrors() {
		return out
	}
	for _, p := range pairs {
		key, diags := hcl.AbsTraversalForExpr(p.Key)
		if diags.HasErrors() || key.RootName() != "aws" || len(key) > 2 {
			continue
		}
		val, diags := hcl.AbsTraversalForExpr(p.Value)
		if diags.HasErrors() || val.RootName() != "aws" || len(val) > 2 {
			continue
		}
		out[stepName(key, 1)] = stepName(val, 1)
	}
	return out
}

// callerProvider returns the caller's provider configuration, by local
// name and alias, that a called module uses as its configuration name and
// alias: the one the module block's providers argument passes. Without
// that argument, Terraform passes the caller's default configurations, so
// a default configuration is the caller's default one of the same name.
func (ev *evaluator) callerProvider(name, alias string) (string, string, bool) {
	if ev.via != nil {
		if a := ev.via.syn.Body.Attributes["providers"]; a != nil {
			pairs, diags := hcl.ExprMap(a.Expr)
			if diags.HasErrors() {
				return "", "", false
			}
			for _, p := range pairs {
				key, diags := hcl.AbsTraversalForExpr(p.Key)
				if diags.HasErrors() || key.RootName() != name || stepName(key, 1) != alias || len(key) > 2 {
					continue
				}
				val, diags := hcl.AbsTraversalForExpr(p.Value)
				if diags.HasErrors() || len(val) > 2 {
					return "", "", false
				}
				return val.RootName(), stepName(val, 1), true
			}
			// A providers argument passes only the configurations it
			// lists.
			return "", "", false
		}
	}
	return name, alias, alias == ""
}

// passedScope returns the account and region of the caller's aws provider
// configuration of that alias ("" for the default one).
func (ev *evaluator) passedScope(alias string) awsScope {
	if alias == "" {
		return awsScope{account: ev.defaultAccount, region: ev.defaultRegion}
	}
	return ev.aliasScope(alias)
}

// callFacts adds the facts of every module that ev's module blocks call to
// the facts of the file that holds the block, at the block's line. A
// called module's own warnings are left out, because they are reported
// when its folder is read. A file of it that cannot be read gets one
// warning at the block.
func callFacts(ev *evaluator, out map[string]*fileFacts, emit func(*module, *evaluator) map[string]*fileFacts) {
	names := make([]string, 0, len(ev.called))
	for name := range ev.called {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := ev.m.calls[name]
		ff := out[c.file.name]
		if ff == nil {
			continue
		}
		for _, child := range ev.called[name].children {
			instanceFacts(c, child, ff, emit)
		}
	}
}

// instanceFacts adds the facts of one instance of a called module to ff,
// the facts of the file that holds module block c.
func instanceFacts(c *moduleCall, child *evaluator, ff *fileFacts, emit func(*module, *evaluator) map[string]*fileFacts) {
	rng := c.syn.DefRange()
	// Every instance reads the same files, so their problems are reported
	// once for the call: an instance's address in a message (module.m["a"].)
	// becomes the call's (module.m.), and the same message is not repeated.
	callPrefix := child.parent.m.prefix + "module." + c.name + "."
	label := "module." + c.name
	childOut := emit(child.m, child)
	for _, f := range child.m.files {
		cf := childOut[f.name]
		if cf == nil {
			continue
		}
		// The called module's own files are not read on their own, so
		// their problems are reported here, where they are.
		path := filepath.Join(child.m.dir, f.name)
		call := "module." + c.name + ": "
		if cf.err != nil {
			if d := diagAt(rng, label+": "+f.name+" of its source was not read: "+cf.err.Msg); !slices.Contains(ff.diags, d) {
				ff.diags = append(ff.diags, d)
			}
			ff.called = append(ff.called, ingest.Diagnostic{
				Pos: ingest.Position{File: path, Line: cf.err.Pos.Line, Col: cf.err.Pos.Col},
				Msg: call + cf.err.Msg + "; the file is not read through this call"})
			continue
		}
		for _, d := range cf.diags {
			d.Pos.File = path
			d.Msg = strings.ReplaceAll(d.Msg, child.m.prefix, callPrefix)
			// Messages about a block name it by its address, which
			// holds the call already.
			if !strings.HasPrefix(d.Msg, "module."+c.name) && !strings.Contains(d.Msg, callPrefix) {
				d.Msg = call + d.Msg
			}
			ff.called = append(ff.called, d)
		}
		for _, d := range cf.called {
			d.Msg = strings.ReplaceAll(d.Msg, child.m.prefix, callPrefix)
			ff.called = append(ff.called, d)
		}
		for _, n := range cf.nodes {
			// A node of a module that the called module calls in turn
			// keeps the innermost block's place.
			if n.Attrs[graph.AttrDefinedAt] == "" && n.Pos.Line > 0 {
				n.Attrs = copyAttrs(n.Attrs)
				if n.Attrs == nil {
					n.Attrs = map[string]string{}
				}
				n.Attrs[graph.AttrDefinedAt] = fmt.Sprintf("%s:%d", path, n.Pos.Line)
			}
			n.Pos.Line = rng.Start.Line
			ff.nodes = append(ff.nodes, n)
		}
		for _, e := range cf.edges {
			e.Pos.Line = rng.Start.Line
			ff.edges = append(ff.edges, e)
		}
		ff.records += cf.records
	}
}
