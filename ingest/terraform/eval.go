package terraform

import (
	"fmt"
	"math/big"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/blastradius-dev/blastradius/ingest"
)

// Evaluation states of a local or block.
const (
	stateNew uint8 = iota
	stateBusy
	stateDone
)

// evaluator computes the values of a module's variables, locals, data
// sources and resources, each once and on demand, so that a block is
// evaluated after the blocks its expressions refer to.
type evaluator struct {
	m       *module
	account string
	region  string
	owner   string // GitHub owner of the github provider
	// githubHost is the GitHub Enterprise Server that the github
	// provider's base_url names, "" for github.com.
	githubHost string
	files      *moduleFiles
	funcs      map[string]function.Function

	vars     map[string]cty.Value
	varTypes map[string]cty.Type // declared types
	locals   map[string]cty.Value
	objs     map[string]*blockVal // by block or instance address
	// insts holds the instances of the blocks whose count or for_each is
	// known, by block address; an empty list when there are none.
	insts map[string][]*block
	state map[string]uint8
	// scopes holds the account and region of each aliased aws provider.
	scopes map[string]awsScope

	varObj cty.Value // cty.ObjectVal(vars), built on first use

	// diags are evaluation problems, by file name.
	diags    map[string][]ingest.Diagnostic
	reported map[hcl.Pos]bool
	// depth is the number of ensure calls under way, one inside the other.
	depth int
	// tooDeep is set once a chain of references passed maxRefDepth.
	tooDeep bool
	// iters holds the iterators of the dynamic blocks being expanded, by
	// name (see docRenderer.dynamic).
	iters map[string]cty.Value
	// defaultAccount and defaultRegion are those of the default aws
	// provider, which account and region leave while a block of an
	// aliased provider is evaluated.
	defaultAccount, defaultRegion string
	// parent is the evaluator of the module whose module block called
	// this one. tree is shared by all modules of one configuration. It is
	// nil in an evaluator that reads no module calls.
	parent *evaluator
	// via is the module block of parent that calls this module.
	via    *moduleCall
	tree   *callTree
	called map[string]*called // by module block name
	// setVars holds the variables whose value the input decides. In a
	// root module those are the variables a tfvars file sets; the others
	// are open, since a -var flag may set them at apply. In a called
	// module they are all but those whose argument in the module block
	// reads an open variable of the caller.
	setVars map[string]bool
	// openWorkspace makes terraform.workspace unknown, as the workspace
	// selected at apply is, instead of "default".
	openWorkspace bool
	// exact makes value evaluate as exactValue does, without placeholders
	// for unknown values.
	exact bool
}

// blockVal is the evaluated object of a block: its arguments and the
// attributes other blocks read (names, ARNs, ids).
type blockVal struct {
	attrs map[string]cty.Value
	// diags contains the errors of arguments that could not be evaluated.
	diags map[string]hcl.Diagnostics
	// ref is the value a reference to the block yields.
	ref cty.Value
	// key is the for_each key of an instance.
	key string
}

// newEvaluator resolves the module's variables, account, region and GitHub
// owner, and returns an evaluator ready for blocks.
func newEvaluator(m *module, root string) *evaluator {
	vars := map[string]cty.Value{}
	types := map[string]cty.Type{}
	for name, v := range m.vars {
		vars[name] = variableValue(m, name, v)
		if ty, ok := variableType(v); ok {
			types[name] = ty
		}
	}
	files := newModuleFiles(m.dir)
	// pre evaluates the module to find its account. It reads no module
	// calls, and the budget is reset after it, so the module's for
	// expressions count once against the limit.
	pre := bareEvaluator(m, vars, types, files)
	ev := bareEvaluator(m, vars, types, files)
	ev.tree = newCallTree(root)
	ev.region = pre.providerRegion()
	ev.account = pre.findAccount()
	ev.owner = pre.githubOwner()
	ev.githubHost = pre.githubBaseHost()
	*m.budget = evalBudget{}
	ev.defaultAccount, ev.defaultRegion = ev.account, ev.region
	for name := range m.tfvars {
		ev.setVars[name] = true
	}
	return ev
}

func bareEvaluator(m *module, vars map[string]cty.Value, types map[string]cty.Type, files *moduleFiles) *evaluator {
	return &evaluator{
		m:        m,
		files:    files,
		funcs:    functions(files, m.budget),
		vars:     vars,
		varTypes: types,
		locals:   map[string]cty.Value{},
		objs:     map[string]*blockVal{},
		insts:    map[string][]*block{},
		called:   map[string]*called{},
		setVars:  map[string]bool{},
		state:    map[string]uint8{},
		scopes:   map[string]awsScope{},
		diags:    map[string][]ingest.Diagnostic{},
		reported: map[hcl.Pos]bool{},
	}
}

// variableValue is a variable's tfvars value, else its default, converted
// to its declared type where possible; cty.DynamicVal when neither is set
// or the variable is sensitive (sensitive = true), whose value the reader
// never keeps.
func variableValue(m *module, name string, v *variable) cty.Value {
	if sensitiveVariable(v) {
		return cty.DynamicVal
	}
	val, ok := m.tfvars[name]
	if !ok {
		a := v.syn.Body.Attributes["default"]
		if a == nil {
			return cty.DynamicVal
		}
		d, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			m.warnf(a.Expr.Range(), "default of var.%s could not be evaluated: %s", name, summary(diags))
			return cty.DynamicVal
		}
		val = d
	}
	return typedValue(v, val)
}

// sensitiveVariable reports whether a variable is marked sensitive. An
// override file may set sensitive on a variable declared elsewhere, so a
// value is hidden when any block of the variable marks it.
func sensitiveVariable(v *variable) bool {
	for _, sb := range append([]*hclsyntax.Block{v.syn}, v.others...) {
		if sensitiveBlock(sb) {
			return true
		}
	}
	return false
}

// typedValue converts a variable's value to its declared type where
// possible, within the bounds on values.
func typedValue(v *variable, val cty.Value) cty.Value {
	if ty, ok := variableType(v); ok {
		if c, err := convert.Convert(val, ty); err == nil {
			val = c
		}
	}
	return bounded(val)
}

// sensitiveBlock reports whether a variable block sets sensitive to other
// than a known false. Terraform converts the argument to a bool, so the
// string "true" counts too.
func sensitiveBlock(sb *hclsyntax.Block) bool {
	a := sb.Body.Attributes["sensitive"]
	if a == nil {
		return false
	}
	s, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return true
	}
	b, err := convert.Convert(s, cty.Bool)
	return err != nil || !b.IsKnown() || b.IsNull() || b.True()
}

// variableType returns a variable's declared type.
func variableType(v *variable) (cty.Type, bool) {
	t := v.syn.Body.Attributes["type"]
	if t == nil {
		return cty.NilType, false
	}
	ty, _, diags := typeexpr.TypeConstraintWithDefaults(t.Expr)
	if diags.HasErrors() {
		return cty.NilType, false
	}
	return ty, true
}

// evaluateAll evaluates every local, block and module call.
func (ev *evaluator) evaluateAll() {
	names := make([]string, 0, len(ev.m.locals))
	for n := range ev.m.locals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ev.ensure("local." + n)
	}
	addrs := make([]string, 0, len(ev.m.blocks))
	for a := range ev.m.blocks {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		ev.ensure(a)
	}
	calls := make([]string, 0, len(ev.m.calls))
	for name := range ev.m.calls {
		calls = append(calls, name)
	}
	sort.Strings(calls)
	for _, name := range calls {
		ev.ensureCall(name)
	}
}

// ensure evaluates a local ("local.x") or block address once. A reference
// cycle leaves the inner use unknown.
func (ev *evaluator) ensure(addr string) {
	if ev.state[addr] != stateNew {
		return
	}
	if ev.depth >= maxRefDepth {
		// Left unknown here: the chain of references is too deep to
		// follow. evaluateAll reaches it later from a shallower start.
		if !ev.tooDeep {
			ev.tooDeep = true
			rng := hcl.Range{}
			if l := ev.m.locals[strings.TrimPrefix(addr, "local.")]; l != nil {
				rng = l.attr.Expr.Range()
			} else if b := ev.m.blocks[addr]; b != nil {
				rng = b.syn.DefRange()
			}
			if rng.Filename != "" {
				ev.warnf(rng, "chain of references deeper than %d; %s is left unresolved where the chain reads it", maxRefDepth, addr)
			}
		}
		return
	}
	ev.depth++
	defer func() { ev.depth-- }()
	if name, ok := strings.CutPrefix(addr, "local."); ok {
		l := ev.m.locals[name]
		if l == nil {
			return
		}
		ev.state[addr] = stateBusy
		v, diags := ev.value(l.attr.Expr, nil)
		if diags.HasErrors() || v == cty.NilVal {
			ev.warnf(l.attr.Expr.Range(), "local.%s could not be evaluated: %s", name, summary(diags))
			v = cty.DynamicVal
		}
		ev.locals[name] = v
	} else {
		b := ev.m.blocks[addr]
		if b == nil {
			return
		}
		ev.state[addr] = stateBusy
		ev.objs[addr] = ev.evaluateBlock(b)
	}
	ev.state[addr] = stateDone
}

// evaluateBlock evaluates a block and each of its instances when its
// count or for_each is known.
func (ev *evaluator) evaluateBlock(b *block) *blockVal {
	restore := ev.useScope(b)
	insts, expanded := ev.expand(b)
	if !expanded {
		bv := ev.blockObject(b)
		restore()
		bv.ref = ev.refValue(b, bv)
		return bv
	}
	vals := make([]*blockVal, len(insts))
	for i, ib := range insts {
		vals[i] = ev.blockObject(ib)
		vals[i].ref = cty.ObjectVal(vals[i].attrs)
		vals[i].key = ib.inst.key
		ev.objs[ib.addr] = vals[i]
	}
	restore()
	ev.insts[b.addr] = insts
	// Readers that look the block up by its address get its first
	// instance; references to it get every instance.
	bv := &blockVal{attrs: map[string]cty.Value{}, diags: map[string]hcl.Diagnostics{}}
	if len(vals) > 0 {
		bv.attrs, bv.diags = vals[0].attrs, vals[0].diags
	}
	bv.ref = instancesRef(b, vals)
	return bv
}

// blockObject evaluates a block's arguments and adds the attributes that
// Terraform computes for the types modelled here.
func (ev *evaluator) blockObject(b *block) *blockVal {
	bv := &blockVal{attrs: map[string]cty.Value{}, diags: map[string]hcl.Diagnostics{}}
	for name, a := range b.syn.Body.Attributes {
		switch name {
		case "count", "for_each", "depends_on", "provider":
			continue
		}
		v, diags := ev.value(a.Expr, b)
		if diags.HasErrors() {
			bv.diags[name] = diags
			continue
		}
		if v != cty.NilVal {
			bv.attrs[name] = v
		}
	}
	ev.computeAttrs(b, bv.attrs)
	return bv
}

// refValue returns the value a reference to a block that stands for one
// instance yields: its object, a one-element tuple with count, an object
// keyed by for_each keys when they are known. References to other
// instances (x[1], x["other"]) all reach the same object.
func (ev *evaluator) refValue(b *block, bv *blockVal) cty.Value {
	obj := cty.ObjectVal(bv.attrs)
	if b.counted() {
		return cty.TupleVal([]cty.Value{obj})
	}
	if fe := b.attr("for_each"); fe != nil {
		v, diags := ev.value(fe.Expr, b)
		if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
			return cty.DynamicVal
		}
		keys := map[string]cty.Value{}
		ty := v.Type()
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			for k := range v.AsValueMap() {
				keys[k] = obj
			}
		case ty.IsSetType():
			for _, e := range v.AsValueSlice() {
				if s, ok := str(e); ok {
					keys[s] = obj
				}
			}
		default:
			return cty.DynamicVal
		}
		return cty.ObjectVal(keys)
	}
	return obj
}

// context returns the evaluation context of the traversals an expression
// makes: the values computed so far of the variables, locals, resources
// and data sources they name, and nothing else, so that evaluating a
// module costs time in proportion to its references rather than to the
// number of its blocks for each expression.
func (ev *evaluator) context(trs []hcl.Traversal) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	var locals, modules map[string]cty.Value
	types := map[string]map[string]cty.Value{}
	var data map[string]map[string]cty.Value
	ref := func(b *block) cty.Value {
		if bv := ev.objs[b.addr]; bv != nil {
			return bv.ref
		}
		return cty.DynamicVal
	}
	// add puts the blocks of one type that a traversal names (all of them
	// when it names none) into group.
	add := func(group map[string]map[string]cty.Value, typ, key, name string) {
		all := ev.m.byType[key]
		if len(all) == 0 {
			return
		}
		if group[typ] == nil {
			group[typ] = map[string]cty.Value{}
		}
		if name != "" {
			if b := ev.m.blocks[ev.m.prefix+key+"."+name]; b != nil {
				group[typ][name] = ref(b)
			}
			return
		}
		for _, b := range all {
			group[typ][b.name] = ref(b)
		}
	}
	for _, tr := range trs {
		switch root := tr.RootName(); root {
		case "var":
			vars["var"] = ev.varObject()
		case "terraform":
			workspace := cty.StringVal("default")
			if ev.openWorkspace {
				workspace = cty.UnknownVal(cty.String)
			}
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": workspace})
		case "path":
			// Paths are relative to the module folder, where files are read.
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal("."), "root": cty.StringVal(ev.rootPath()), "cwd": cty.StringVal(ev.cwd()),
			})
		case "local":
			if locals == nil {
				locals = map[string]cty.Value{}
			}
			names := []string{stepName(tr, 1)}
			if names[0] == "" {
				names = names[:0]
				for n := range ev.m.locals {
					names = append(names, n)
				}
			}
			for _, n := range names {
				if ev.m.locals[n] == nil {
					continue
				}
				v, ok := ev.locals[n]
				if !ok {
					v = cty.DynamicVal
				}
				locals[n] = v
			}
		case "data":
			if data == nil {
				data = map[string]map[string]cty.Value{}
			}
			t := stepName(tr, 1)
			if t == "" {
				for key := range ev.m.byType {
					if dt, ok := strings.CutPrefix(key, "data."); ok {
						add(data, dt, key, "")
					}
				}
				continue
			}
			add(data, t, "data."+t, stepName(tr, 2))
		case "module":
			if modules == nil {
				modules = map[string]cty.Value{}
			}
			if name := stepName(tr, 1); name != "" && ev.m.calls[name] != nil {
				modules[name] = ev.ensureCall(name)
			}
		case "each", "count", "self":
		default:
			add(types, root, root, stepName(tr, 1))
		}
	}
	if locals != nil {
		vars["local"] = cty.ObjectVal(locals)
	}
	if modules != nil {
		vars["module"] = cty.ObjectVal(modules)
	}
	for typ, byName := range types {
		vars[typ] = cty.ObjectVal(byName)
	}
	if data != nil {
		obj := map[string]cty.Value{}
		for typ, byName := range data {
			obj[typ] = cty.ObjectVal(byName)
		}
		vars["data"] = cty.ObjectVal(obj)
	}
	return &hcl.EvalContext{Variables: vars, Functions: ev.funcs}
}

// varObject returns the object of every input variable, built once:
// variables do not change during evaluation.
func (ev *evaluator) varObject() cty.Value {
	if ev.varObj == cty.NilVal {
		ev.varObj = cty.ObjectVal(ev.vars)
	}
	return ev.varObj
}

// value evaluates expr in the scope of block b (nil outside blocks).
//
// A reference whose value is unknown (or undeclared) evaluates to the
// placeholder text "${reference}", so that strings built from it stay
// known. When that makes the expression fail (the reference was used as a
// list, say), the expression is evaluated again without placeholders. An
// exact evaluator (see openUnknown) uses no placeholders.
func (ev *evaluator) value(expr hcl.Expression, b *block) (cty.Value, hcl.Diagnostics) {
	return ev.evaluate(expr, b, !ev.exact)
}

// isStructure reports whether a type is an object, map, tuple or list.
func isStructure(ty cty.Type) bool {
	return ty.IsObjectType() || ty.IsMapType() || ty.IsTupleType() || ty.IsListType()
}

// exactValue evaluates expr in the scope of block b, with unknown values
// where value would put placeholders: for count and for_each, whose
// value must not count the characters of a placeholder or take it for a
// key.
func (ev *evaluator) exactValue(expr hcl.Expression, b *block) (cty.Value, hcl.Diagnostics) {
	return ev.evaluate(expr, b, false)
}

func (ev *evaluator) evaluate(expr hcl.Expression, b *block, withPlaceholders bool) (cty.Value, hcl.Diagnostics) {
	trs := expr.Variables()
	for _, tr := range trs {
		if _, ok := ev.iters[tr.RootName()]; ok {
			continue
		}
		if addr := ev.blockAddr(tr); addr != "" {
			ev.ensure(addr)
		}
	}
	ctx := ev.context(trs)
	if iv := instanceVars(b); iv != nil {
		ctx = ctx.NewChild()
		ctx.Variables = iv
	}
	if len(ev.iters) > 0 {
		ctx = ctx.NewChild()
		ctx.Variables = ev.iters
	}

	// Placeholders first; then unknowns only where a reference fails, so
	// that a missing attribute does not fail the whole expression.
	placeholders := map[string]cty.Value{}
	unknowns := map[string]cty.Value{}
	for _, tr := range trs {
		v, diags := tr.TraverseAbs(ctx)
		if !diags.HasErrors() && v.IsWhollyKnown() {
			continue
		}
		if !diags.HasErrors() && v.IsKnown() && !v.IsNull() && isStructure(v.Type()) {
			// A block's object, or the instances of a block with count or
			// for_each, whose attributes are partly known only after
			// apply: its known parts and its shape (for length and keys)
			// hold, and a placeholder string would stand for neither.
			continue
		}
		if diags.HasErrors() {
			ev.checkDeclared(tr)
			addOverlay(unknowns, ctx, tr, cty.DynamicVal)
		}
		addOverlay(placeholders, ctx, tr, ev.placeholder(tr))
	}
	bu := ev.m.budget
	spent := bu.spent
	defer func() {
		if !spent && bu.spent && bu.at == nil {
			rng := expr.Range()
			bu.at = &rng
		}
	}()
	overlays := []map[string]cty.Value{placeholders, unknowns}
	if !withPlaceholders {
		overlays = overlays[1:]
	}
	for _, overlay := range overlays {
		if len(overlay) == 0 {
			continue
		}
		child := ctx.NewChild()
		child.Variables = overlay
		if v, diags := expr.Value(child); !diags.HasErrors() {
			return bounded(v), diags
		}
	}
	v, diags := expr.Value(ctx)
	return bounded(v), diags
}

// Bounds on evaluated values: a number whose binary exponent is larger, or
// a string that is longer, makes the value unknown, so that hostile input
// cannot grow values from one expression to the next.
const (
	maxExponent  = 1 << 14
	maxStringLen = 1 << 20
)

// bounded returns v, or cty.DynamicVal when v contains a number or string
// beyond the bounds.
func bounded(v cty.Value) cty.Value {
	if v == cty.NilVal {
		return v
	}
	over := false
	_ = cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if over || !e.IsKnown() || e.IsNull() {
			return !over, nil
		}
		e, _ = e.Unmark()
		switch e.Type() {
		case cty.Number:
			over = hugeNumber(e)
		case cty.String:
			over = len(e.AsString()) > maxStringLen
		}
		return !over, nil
	})
	if over {
		return cty.DynamicVal
	}
	return v
}

// hugeNumber reports whether a known number lies beyond maxExponent.
func hugeNumber(v cty.Value) bool {
	f := v.AsBigFloat()
	if f.IsInf() {
		return false
	}
	exp := f.MantExp(nil)
	return exp > maxExponent || exp < -maxExponent
}

// addOverlay grafts leaf at the path of tr into the overlay value of its
// root, starting from the root's value in ctx.
func addOverlay(overlay map[string]cty.Value, ctx *hcl.EvalContext, tr hcl.Traversal, leaf cty.Value) {
	root := tr.RootName()
	base, ok := overlay[root]
	if !ok {
		base = lookupRoot(ctx, root)
	}
	if nv, ok := graft(base, tr[1:], leaf); ok {
		overlay[root] = nv
	}
}

// placeholder returns the value used for an unresolved reference: the text
// "${reference}", as a one-element list for a variable declared as a list
// or set, and unknown for variables of other declared types.
func (ev *evaluator) placeholder(tr hcl.Traversal) cty.Value {
	text := cty.StringVal("${" + ev.m.prefix + traversalText(tr) + "}")
	if tr.RootName() != "var" || len(tr) != 2 {
		return text
	}
	ty, ok := ev.varTypes[stepName(tr, 1)]
	switch {
	case !ok || ty == cty.String || ty == cty.DynamicPseudoType:
		return text
	case (ty.IsListType() || ty.IsSetType()) &&
		(ty.ElementType() == cty.String || ty.ElementType() == cty.DynamicPseudoType):
		return cty.TupleVal([]cty.Value{text})
	default:
		return cty.UnknownVal(ty)
	}
}

// refAddr returns the address of the local, data source or resource a
// traversal starts with, or "" for other roots.
func refAddr(tr hcl.Traversal) string {
	switch root := tr.RootName(); root {
	case "local":
		if n := stepName(tr, 1); n != "" {
			return "local." + n
		}
	case "data":
		t, n := stepName(tr, 1), stepName(tr, 2)
		if t != "" && n != "" {
			return "data." + t + "." + n
		}
	case "var", "module", "each", "count", "self", "path", "terraform":
	default:
		if n := stepName(tr, 1); n != "" {
			return root + "." + n
		}
	}
	return ""
}

// cwd returns path.cwd: the folder Terraform runs in, the folder of the
// module read from its own folder, as a path relative to the module's
// folder that names it (../prod for envs/prod). Terraform gives an
// absolute path, which the input does not show, but basename(path.cwd)
// and the files below it are the same.
func (ev *evaluator) cwd() string {
	top := ev
	for top.parent != nil {
		top = top.parent
	}
	base := filepath.Base(top.m.dir)
	if base == "." || base == string(filepath.Separator) || base == "" {
		return "."
	}
	rel, err := filepath.Rel(ev.m.dir, filepath.Join(filepath.Dir(top.m.dir), base))
	if err != nil || rel == "." {
		return "../" + base
	}
	return filepath.ToSlash(rel)
}

// blockAddr returns the address of the local, data source or resource a
// traversal starts with in the evaluator's module, or "".
func (ev *evaluator) blockAddr(tr hcl.Traversal) string {
	addr := refAddr(tr)
	if addr == "" || strings.HasPrefix(addr, "local.") {
		return addr
	}
	return ev.m.prefix + addr
}

// stepName returns the attribute name of step i of a traversal, or "".
func stepName(tr hcl.Traversal, i int) string {
	if i >= len(tr) {
		return ""
	}
	if a, ok := tr[i].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// checkDeclared warns about a reference to something the module does not
// declare. Roots that are never declared here (module outputs, each,
// count, self, path) are left alone.
func (ev *evaluator) checkDeclared(tr hcl.Traversal) {
	var what string
	switch root := tr.RootName(); root {
	case "var":
		if n := stepName(tr, 1); n != "" && ev.m.vars[n] == nil {
			what = "variable var." + n
		}
	case "module", "each", "count", "self", "path", "terraform":
	default:
		addr := ev.blockAddr(tr)
		if addr == "" {
			return
		}
		switch {
		case strings.HasPrefix(addr, "local."):
			if ev.m.locals[strings.TrimPrefix(addr, "local.")] == nil {
				what = addr
			}
		case ev.m.blocks[addr] == nil:
			kind := "resource "
			if root == "data" {
				kind = "data source "
			}
			what = kind + addr
		}
	}
	if what == "" {
		return
	}
	rng := tr.SourceRange()
	if ev.reported[rng.Start] {
		return
	}
	ev.reported[rng.Start] = true
	ev.warnf(rng, "reference to undeclared %s", what)
}

func (ev *evaluator) warnf(rng hcl.Range, format string, args ...any) {
	ev.diags[rng.Filename] = append(ev.diags[rng.Filename], diagAt(rng, fmt.Sprintf(format, args...)))
}

// lookupRoot returns the value of a root name in ctx or its parents, or
// cty.DynamicVal.
func lookupRoot(ctx *hcl.EvalContext, name string) cty.Value {
	for c := ctx; c != nil; c = c.Parent() {
		if v, ok := c.Variables[name]; ok {
			return v
		}
	}
	return cty.DynamicVal
}

// traversalText renders a traversal as Terraform source, e.g.
// aws_iam_role.x[0].arn.
func traversalText(tr hcl.Traversal) string {
	var sb strings.Builder
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			sb.WriteString(s.Name)
		case hcl.TraverseAttr:
			sb.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			k := s.Key
			switch {
			case !k.IsKnown() || k.IsNull():
				sb.WriteString("[?]")
			case k.Type() == cty.String:
				sb.WriteString(fmt.Sprintf("[%q]", k.AsString()))
			case k.Type() == cty.Number && !hugeNumber(k):
				sb.WriteString("[" + k.AsBigFloat().Text('f', -1) + "]")
			default:
				sb.WriteString("[?]")
			}
		case hcl.TraverseSplat:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// maxGraftIndex bounds the list a placeholder may be grafted into.
const maxGraftIndex = 64

// graft returns base with leaf placed at the path steps, building objects
// and tuples where base has none. It fails where base has a value of
// another shape at the path.
func graft(base cty.Value, steps hcl.Traversal, leaf cty.Value) (cty.Value, bool) {
	if len(steps) == 0 {
		return leaf, true
	}
	key, idx, isIdx := "", 0, false
	switch s := steps[0].(type) {
	case hcl.TraverseAttr:
		key = s.Name
	case hcl.TraverseIndex:
		k := s.Key
		if !k.IsKnown() || k.IsNull() {
			return cty.NilVal, false
		}
		switch k.Type() {
		case cty.String:
			key = k.AsString()
		case cty.Number:
			i, acc := k.AsBigFloat().Int64()
			if acc != big.Exact || i < 0 || i > maxGraftIndex {
				return cty.NilVal, false
			}
			idx, isIdx = int(i), true
		default:
			return cty.NilVal, false
		}
	default:
		return cty.NilVal, false
	}

	if base.IsMarked() {
		base, _ = base.UnmarkDeep()
	}
	known := base.IsKnown() && !base.IsNull()
	if isIdx {
		var elems []cty.Value
		if known {
			ty := base.Type()
			if !ty.IsTupleType() && !ty.IsListType() {
				return cty.NilVal, false
			}
			elems = base.AsValueSlice()
		}
		for len(elems) <= idx {
			elems = append(elems, cty.DynamicVal)
		}
		child, ok := graft(elems[idx], steps[1:], leaf)
		if !ok {
			return cty.NilVal, false
		}
		elems[idx] = child
		return cty.TupleVal(elems), true
	}
	attrs := map[string]cty.Value{}
	if known {
		ty := base.Type()
		if !ty.IsObjectType() && !ty.IsMapType() {
			return cty.NilVal, false
		}
		for k, v := range base.AsValueMap() {
			attrs[k] = v
		}
	}
	child, ok := attrs[key]
	if !ok {
		child = cty.DynamicVal
	}
	nv, ok := graft(child, steps[1:], leaf)
	if !ok {
		return cty.NilVal, false
	}
	attrs[key] = nv
	return cty.ObjectVal(attrs), true
}

// str returns a known primitive value as a string.
func str(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	v, _ = v.UnmarkDeep()
	if v.Type() != cty.String {
		c, err := convert.Convert(v, cty.String)
		if err != nil || !c.IsKnown() || c.IsNull() {
			return "", false
		}
		v = c
	}
	return v.AsString(), true
}

// strList returns the known strings of a list, set or tuple; a single
// string counts as a list of one. ok is false when any element is unknown.
func strList(v cty.Value) (out []string, ok bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	if ty.IsPrimitiveType() {
		s, ok := str(v)
		if !ok {
			return nil, false
		}
		return []string{s}, true
	}
	if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
		return nil, false
	}
	ok = true
	for _, e := range v.AsValueSlice() {
		s, known := str(e)
		if !known {
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

// githubBaseHost returns the host of the base_url of the default github
// provider: a GitHub Enterprise Server. It returns "" when the provider
// sets no base_url or one on github.com (api.github.com included).
func (ev *evaluator) githubBaseHost() string {
	p := ev.m.provider("github")
	if p == nil || p.Body.Attributes["base_url"] == nil {
		return ""
	}
	v, _ := ev.value(p.Body.Attributes["base_url"].Expr, nil)
	s, ok := str(v)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	// A trailing dot (ghe.example.com.) names the same host.
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "github.com" || strings.HasSuffix(host, ".github.com") {
		return ""
	}
	return host
}

// githubOwner is the owner set on the default github provider, else the
// owner of the repository the module belongs to (the ingest run's --org
// or git remote), else a placeholder naming it.
func (ev *evaluator) githubOwner() string {
	unknown := "${provider.github.owner}"
	if ev.m.repoOwner != "" {
		unknown = ev.m.repoOwner
	}
	p := ev.m.provider("github")
	if p == nil {
		return unknown
	}
	for _, name := range []string{"owner", "organization"} {
		if a := p.Body.Attributes[name]; a != nil {
			v, _ := ev.value(a.Expr, nil)
			if s, ok := str(v); ok && s != "" {
				return s
			}
		}
	}
	return unknown
}
