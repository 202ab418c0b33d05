package terraform

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// maxInstances is the largest number of instances evaluated for one
// block. A block with more is read as one instance, with a warning.
const maxInstances = 1024

// instance is the count.index, or each.key and each.value, of one instance
// of a block with count or for_each.
type instance struct {
	index   int64
	key     string
	value   cty.Value
	forEach bool
}

// expand returns the instances of b that Terraform would create, each a
// copy of b whose address names the instance (x[1], x["alice"]). ok is
// false when b is read as one instance: it has no count or for_each, their
// value is unknown or too large, or count is 1 (whose instance keeps the
// block's address).
//
// A count of 0 or an empty for_each gives no instances. The exception is a
// value that a variable the input leaves open decides (a root module's
// default, which a -var flag may change), and the block is then read as
// one instance, so that its access is not missed. An open variable that
// the value reads but that does not decide it (var.create && var.open,
// with create set to false) leaves no instances.
func (ev *evaluator) expand(b *block) (insts []*block, ok bool) {
	if a := b.attr("count"); a != nil {
		n, known := ev.count(a, b)
		switch {
		case !known || n == 1:
			return nil, false
		case n == 0:
			return nil, !ev.fromDefault(a) || ev.openUnknown().noCount(a, b)
		case n > maxInstances:
			ev.warnf(a.Expr.Range(), "%s: count of %d is more than %d instances, so the block is read as one instance", b.addr, n, maxInstances)
			return nil, false
		}
		for i := range n {
			insts = append(insts, b.instance(fmt.Sprintf("[%d]", i), &instance{index: i}))
		}
		return insts, true
	}

	a := b.attr("for_each")
	if a == nil {
		return nil, false
	}
	// The keys must be known. The values may contain attributes known
	// only after apply, as when for_each reads another resource.
	v, diags := ev.exactValue(a.Expr, b)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	vals := map[string]cty.Value{}
	ty := v.Type()
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		vals = v.AsValueMap()
	case ty.IsSetType() && ty.ElementType() != cty.String && ty.ElementType() != cty.DynamicPseudoType:
		ev.warnf(a.Expr.Range(), "%s: for_each is a set of %s, which Terraform rejects: it takes a map or a set of strings; the block is read as one instance", b.addr, ty.ElementType().FriendlyName())
		return nil, false
	case ty.IsSetType():
		for _, e := range v.AsValueSlice() {
			s, ok := str(e)
			if !ok {
				return nil, false
			}
			vals[s] = e
		}
	case ty.IsTupleType() || ty.IsListType():
		ev.warnf(a.Expr.Range(), "%s: for_each is a list, which Terraform rejects: it takes a map or a set of strings (toset makes one); the block is read as one instance", b.addr)
		return nil, false
	default:
		return nil, false
	}

	switch {
	case len(vals) == 0:
		return nil, !ev.fromDefault(a) || ev.openUnknown().noElements(a, b)
	case len(vals) > maxInstances:
		ev.warnf(a.Expr.Range(), "%s: for_each of %d elements is more than %d instances, so the block is read as one instance", b.addr, len(vals), maxInstances)
		return nil, false
	}

	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		insts = append(insts, b.instance("["+strconv.Quote(k)+"]", &instance{key: k, value: vals[k], forEach: true}))
	}
	return insts, true
}

// count evaluates a count argument. known is false unless it is a whole
// number of at least 0.
func (ev *evaluator) count(a *hclsyntax.Attribute, b *block) (n int64, known bool) {
	v, diags := ev.exactValue(a.Expr, b)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return 0, false
	}
	nv, err := convert.Convert(v, cty.Number)
	if err != nil {
		return 0, false
	}
	n, acc := nv.AsBigFloat().Int64()
	if acc != big.Exact || n < 0 {
		return 0, false
	}
	return n, true
}

// fromDefault reports whether the expression reads a variable whose value
// the input leaves open (see evaluator.setVars).
func (ev *evaluator) fromDefault(a *hclsyntax.Attribute) bool {
	return ev.readsOpen(a.Expr, nil, map[followed]bool{})
}

// readsOpen reports whether expr, an argument of instance cur or of no
// instance (nil), reads a variable whose value the input leaves open, or
// terraform.workspace.
// Besides variables and locals it follows the arguments of the blocks
// expr reads, the outputs of called modules, and count.index or each back
// to cur's count or for_each. seen contains what was followed already, so
// a cycle ends.
func (ev *evaluator) readsOpen(expr hcl.Expression, cur *block, seen map[followed]bool) bool {
	ri := ev.refsIn(expr, cur)
	if ri.workspace {
		// terraform workspace select or TF_WORKSPACE sets it at apply.
		return true
	}
	for _, r := range ri.vars {
		if !ev.setVars[r.addr[len("var."):]] {
			return true
		}
	}
	if cur != nil && readsRepetition(expr) && ev.repetitionOpen(cur, seen) {
		return true
	}
	for _, r := range ri.blocks {
		b := r.inst
		if a := b.attr(r.attr); r.attr != "" && a != nil {
			if ev.followOpen(followed{ev, b.addr, r.attr}, a.Expr, b, seen) {
				return true
			}
		}
		if ev.repetitionOpen(b, seen) {
			return true
		}
	}
	for _, o := range ri.outputs {
		st := ev.called[o.call]
		if st == nil {
			continue
		}
		for _, child := range st.children {
			a := child.m.outputs[o.output]
			if a == nil {
				continue
			}
			if child.followOpen(followed{child, "output", o.output}, a.Expr, nil, seen) {
				return true
			}
		}
	}
	return false
}

// repetitionOpen reports whether b's count or for_each reads a variable
// whose value the input leaves open.
func (ev *evaluator) repetitionOpen(b *block, seen map[followed]bool) bool {
	for _, name := range []string{"count", "for_each"} {
		a := b.attr(name)
		if a != nil && ev.followOpen(followed{ev, b.addr, name}, a.Expr, nil, seen) {
			return true
		}
	}
	return false
}

// followed names an argument that readsOpen followed: the evaluator of
// its module, its block's address and its name.
type followed struct {
	ev         *evaluator
	addr, name string
}

// followOpen is readsOpen for the expression of the argument key, when
// seen does not hold key yet.
func (ev *evaluator) followOpen(key followed, expr hcl.Expression, cur *block, seen map[followed]bool) bool {
	if seen[key] {
		return false
	}
	seen[key] = true
	return ev.readsOpen(expr, cur, seen)
}

// readsRepetition reports whether expr reads count.index or each.
func readsRepetition(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if root := tr.RootName(); root == "count" || root == "each" {
			return true
		}
	}
	return false
}

// openUnknown returns an evaluator of the module in which every
// variable whose value the input leaves open is unknown, and so is
// terraform.workspace. It evaluates locals and arguments without
// placeholders, so a comparison with an unknown value stays unknown. It reads no
// module calls, so their outputs are unknown too. It shares the module's
// budget for for expressions.
func (ev *evaluator) openUnknown() *evaluator {
	vars := make(map[string]cty.Value, len(ev.vars))
	for name, v := range ev.vars {
		if !ev.setVars[name] {
			ty, ok := ev.varTypes[name]
			if !ok {
				ty = cty.DynamicPseudoType
			}
			v = cty.UnknownVal(ty)
		}
		vars[name] = v
	}
	alt := bareEvaluator(ev.m, vars, ev.varTypes, ev.files)
	alt.setVars = ev.setVars
	alt.openWorkspace = true
	alt.exact = true
	alt.account, alt.region, alt.owner = ev.account, ev.region, ev.owner
	alt.defaultAccount, alt.defaultRegion = ev.defaultAccount, ev.defaultRegion
	return alt
}

// noCount reports whether a count argument is known to be 0.
func (ev *evaluator) noCount(a *hclsyntax.Attribute, b *block) bool {
	n, known := ev.count(a, b)
	return known && n == 0
}

// noElements reports whether a for_each argument is known to be empty.
func (ev *evaluator) noElements(a *hclsyntax.Attribute, b *block) bool {
	v, diags := ev.exactValue(a.Expr, b)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return false
	}
	ty := v.Type()
	return (ty.IsMapType() || ty.IsObjectType() || ty.IsSetType()) && v.LengthInt() == 0
}

// instance returns a copy of b for the instance whose address ends in
// suffix.
func (b *block) instance(suffix string, in *instance) *block {
	c := *b
	c.addr += suffix
	c.name += suffix
	c.inst = in
	return &c
}

// instanceVars returns the count or each object that expressions of b
// read, or nil. A block with count read as one instance has count.index 0,
// and with for_each its each is left unresolved.
func instanceVars(b *block) map[string]cty.Value {
	switch {
	case b == nil:
		return nil
	case b.inst != nil && b.inst.forEach:
		return map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key": cty.StringVal(b.inst.key), "value": b.inst.value,
		})}
	case b.inst != nil:
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(b.inst.index)})}
	case b.counted():
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(0)})}
	}
	return nil
}

// instancesRef returns the value a reference to an expanded block
// yields: a tuple of its instances with count, an object keyed by
// for_each keys.
func instancesRef(b *block, vals []*blockVal) cty.Value {
	if b.counted() {
		list := make([]cty.Value, len(vals))
		for i, bv := range vals {
			list[i] = cty.ObjectVal(bv.attrs)
		}
		return cty.TupleVal(list)
	}
	byKey := map[string]cty.Value{}
	for _, bv := range vals {
		byKey[bv.key] = cty.ObjectVal(bv.attrs)
	}
	return cty.ObjectVal(byKey)
}

// instancesOf returns the instances of each block, or the block itself
// when it is read as one instance.
func (ev *evaluator) instancesOf(blocks []*block) []*block {
	var out []*block
	for _, b := range blocks {
		if insts, ok := ev.insts[b.addr]; ok {
			out = append(out, insts...)
		} else {
			out = append(out, b)
		}
	}
	return out
}
