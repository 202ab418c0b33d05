package terraform

import (
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// ref is a reference to a block: its address and the first attribute read
// from it ("" when the whole block is used).
type ref struct {
	addr, attr string
	// inst is the instance read: the block's copy for that instance when
	// its count or for_each is known (x["alice"]), else the block itself.
	// It is nil for variables.
	inst *block
	// doubt, when set, says why the value may not contain what the
	// reference gives: it is passed to a template that could not be read.
	doubt string
}

// refInfo is what an expression's value derives from, followed through
// locals and data sources.
type refInfo struct {
	blocks []ref
	// vars are the variables read, as refs with addr var.<name>.
	vars []ref
	// opaque is set when the value depends on something the input does
	// not show: an unset variable, a module output, each, self.
	opaque bool
	// outputs are the outputs of called modules read.
	outputs []outputRef
	// workspace is set when terraform.workspace is read.
	workspace bool
}

// outputRef is a reference to an output of a called module:
// module.NAME.OUTPUT, or module.NAME[KEY].OUTPUT for one instance of a
// module block with count or for_each.
type outputRef struct {
	call, output string
	// key is the index of the instance as an address writes it
	// (["alice"], [1]), or "" for every instance.
	key   string
	doubt string
	// element is set when the reference selects part of the output
	// (module.iam.keys["alice"]), which then is one of what the output
	// contains.
	element bool
}

// moduleOutputRef reads a traversal that starts with module.
func moduleOutputRef(tr hcl.Traversal) (outputRef, bool) {
	o := outputRef{call: stepName(tr, 1)}
	i := 2
	if i < len(tr) {
		if ix, ok := tr[i].(hcl.TraverseIndex); ok {
			switch k := ix.Key; {
			case !k.IsKnown() || k.IsNull():
				return o, false
			case k.Type() == cty.String:
				o.key = "[" + strconv.Quote(k.AsString()) + "]"
			case k.Type() == cty.Number:
				n, acc := k.AsBigFloat().Int64()
				if acc != big.Exact {
					return o, false
				}
				o.key = "[" + strconv.FormatInt(n, 10) + "]"
			default:
				return o, false
			}
			i++
		}
	}
	o.output = stepName(tr, i)
	o.element = len(tr) > i+1
	return o, o.call != "" && o.output != ""
}

// literal reports whether the value is written out in the input: it reads
// no block and nothing the input leaves open.
func (ri refInfo) literal() bool { return len(ri.blocks) == 0 && !ri.opaque }

// refs returns the blocks expr reads, whether or not it can be evaluated.
// A reference to a block with instances reads every instance, unless it
// names one (x["alice"], x[1]).
func (ev *evaluator) refs(expr hcl.Expression) refInfo {
	return ev.refsIn(expr, nil)
}

// refsIn returns the blocks expr reads when expr is an argument of
// instance cur. An index made of count.index or each.key (x[each.key])
// then names one instance, and each.value reads the element of cur's
// for_each. cur is ignored when expr lies outside its block.
func (ev *evaluator) refsIn(expr hcl.Expression, cur *block) refInfo {
	if cur != nil && (cur.inst == nil || !within(expr.Range(), cur.syn.Range())) {
		cur = nil
	}
	var ri refInfo
	ev.collectRefs(expr, &ri, map[string]bool{}, "", cur)
	return ri
}

func (ev *evaluator) collectRefs(expr hcl.Expression, ri *refInfo, seen map[string]bool, doubt string, cur *block) {
	keys := indexedRefs(expr)
	for _, t := range ev.traversals(expr) {
		tr, refDoubt := t.tr, firstOf(doubt, t.doubt)
		switch root := tr.RootName(); root {
		case "var":
			name := stepName(tr, 1)
			v, ok := ev.vars[name]
			if !ok || !v.IsWhollyKnown() {
				ri.opaque = true
			}
			if name != "" && !seen["var."+name] {
				seen["var."+name] = true
				ri.vars = append(ri.vars, ref{addr: "var." + name, doubt: refDoubt})
			}
		case "terraform":
			if stepName(tr, 1) == "workspace" {
				ri.workspace = true
			}
		case "count", "path":
		case "each":
			ri.opaque = true
			if stepName(tr, 1) == "value" && cur != nil && cur.inst.forEach && !seen["each.value"] {
				seen["each.value"] = true
				ev.eachValueRefs(cur, stepName(tr, 2), ri, seen, refDoubt)
			}
		case "module":
			ri.opaque = true
			if o, ok := moduleOutputRef(tr); ok {
				o.doubt = refDoubt
				ri.outputs = append(ri.outputs, o)
			}
		case "self":
			ri.opaque = true
		case "local":
			name := stepName(tr, 1)
			l := ev.m.locals[name]
			if l == nil {
				ri.opaque = true
				continue
			}
			if !seen["local."+name] {
				seen["local."+name] = true
				ev.collectRefs(l.attr.Expr, ri, seen, refDoubt, nil)
			}
		default:
			addr := ev.blockAddr(tr)
			b := ev.m.blocks[addr]
			if b == nil {
				ri.opaque = true
				continue
			}
			first := 2
			if b.data {
				first = 3
			}
			attr := firstAttr(tr, first)
			var key cty.Value
			if len(tr) > first {
				if ix, ok := tr[first].(hcl.TraverseIndex); ok {
					key = ix.Key
				}
			} else if ix, ok := keys[tr.SourceRange().Start]; ok {
				// In x[each.key].secret the key is evaluated in cur, and
				// the attribute read follows the index.
				attr = ix.attr
				if cur != nil {
					if v, diags := ev.exactValue(ix.key, cur); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
						key = v
					}
				}
			}
			insts := ev.instancesRead(b, key)
			if len(insts) == 0 {
				// The block has no instance of that key, or none at all,
				// so the value is not one written out in the input.
				ri.opaque = true
			}
			for _, ib := range insts {
				ri.blocks = append(ri.blocks, ref{addr: addr, attr: attr, inst: ib, doubt: refDoubt})
			}
			// A data source passes on what its arguments read, e.g. a
			// template rendered with an access key.
			if b.data && !seen[addr] {
				seen[addr] = true
				for _, e := range bodyExprs(b.syn.Body) {
					ev.collectRefs(e, ri, seen, refDoubt, nil)
				}
			}
		}
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// traversal is a reference of an expression, with the doubt, if any, that
// it reaches the expression's value.
type traversal struct {
	tr    hcl.Traversal
	doubt string
}

// traversals returns the references of expr. A variable passed to
// templatefile but unused by its template is left out. When the template
// cannot be read, the references of every variable passed carry a doubt.
func (ev *evaluator) traversals(expr hcl.Expression) []traversal {
	all := expr.Variables()
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		out := make([]traversal, len(all))
		for i, tr := range all {
			out[i] = traversal{tr: tr}
		}
		return out
	}
	type span struct {
		rng   hcl.Range
		doubt string // "" leaves the references out
	}
	var spans []span
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok || call.Name != "templatefile" || len(call.Args) != 2 {
			return nil
		}
		used, readable := ev.templateVars(call.Args[0])
		const unread = "the template file passed to templatefile could not be read, so whether it uses this value is unknown"
		obj, isObj := call.Args[1].(*hclsyntax.ObjectConsExpr)
		switch {
		case !isObj && !readable:
			spans = append(spans, span{rng: call.Args[1].Range(), doubt: unread})
		case !isObj:
		default:
			for _, item := range obj.Items {
				kv, diags := item.KeyExpr.Value(nil)
				key, known := str(kv)
				switch {
				case !readable:
					spans = append(spans, span{rng: item.ValueExpr.Range(), doubt: unread})
				case diags.HasErrors() || !known || !used[key]:
					if known && !diags.HasErrors() {
						spans = append(spans, span{rng: item.ValueExpr.Range()})
					}
				}
			}
		}
		return nil
	})
	var out []traversal
next:
	for _, tr := range all {
		t := traversal{tr: tr}
		for _, sp := range spans {
			if within(tr.SourceRange(), sp.rng) {
				if sp.doubt == "" {
					continue next
				}
				t.doubt = sp.doubt
			}
		}
		out = append(out, t)
	}
	return out
}

// templateVars returns the variables the template named by pathExpr uses,
// or readable false.
func (ev *evaluator) templateVars(pathExpr hcl.Expression) (used map[string]bool, readable bool) {
	v, diags := ev.value(pathExpr, nil)
	path, ok := str(v)
	if diags.HasErrors() || !ok || strings.Contains(path, "${") || ev.files == nil {
		return nil, false
	}
	return ev.files.templateVars(path)
}

// within reports whether inner lies inside outer in the same file.
func within(inner, outer hcl.Range) bool {
	return inner.Filename == outer.Filename &&
		inner.Start.Byte >= outer.Start.Byte && inner.End.Byte <= outer.End.Byte
}

// firstAttr returns the first attribute name at or after step i, skipping
// index steps (count and for_each instances).
func firstAttr(tr hcl.Traversal, i int) string {
	for ; i < len(tr); i++ {
		switch s := tr[i].(type) {
		case hcl.TraverseAttr:
			return s.Name
		case hcl.TraverseIndex:
			continue
		default:
			return ""
		}
	}
	return ""
}

// bodyExprs returns every argument expression of a body and its nested
// blocks, in source order.
func bodyExprs(body *hclsyntax.Body) []hcl.Expression {
	var out []hcl.Expression
	for _, a := range sortedAttrs(body) {
		out = append(out, a.Expr)
	}
	for _, nb := range body.Blocks {
		out = append(out, bodyExprs(nb.Body)...)
	}
	return out
}

// refsTo returns the blocks of one type that expr reads in instance cur
// (see refsIn), in address order. For a block with instances, these are
// the instances read.
func (ev *evaluator) refsTo(expr hcl.Expression, typ string, cur *block) []*block {
	seen := map[string]bool{}
	var out []*block
	for _, r := range ev.refsIn(expr, cur).blocks {
		b := r.inst
		t := b.typ
		if b.data {
			t = "data." + t
		}
		if t == typ && !seen[b.addr] {
			seen[b.addr] = true
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}

// indexRef is an index with a computed key that follows a reference to a
// block, as in aws_iam_access_key.x[each.key].secret: the key expression
// and the attribute read after it.
type indexRef struct {
	key  hcl.Expression
	attr string
}

// indexedRefs returns the indexes with computed keys of expr, by the start
// of the reference they follow.
func indexedRefs(expr hcl.Expression) map[hcl.Pos]indexRef {
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return nil
	}
	out := map[hcl.Pos]indexRef{}
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.IndexExpr:
			if st, ok := n.Collection.(*hclsyntax.ScopeTraversalExpr); ok {
				start := st.Traversal.SourceRange().Start
				if _, done := out[start]; !done {
					out[start] = indexRef{key: n.Key}
				}
			}
		case *hclsyntax.RelativeTraversalExpr:
			ix, ok := n.Source.(*hclsyntax.IndexExpr)
			if !ok {
				return nil
			}
			if st, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr); ok {
				out[st.Traversal.SourceRange().Start] = indexRef{key: ix.Key, attr: firstAttr(n.Traversal, 0)}
			}
		}
		return nil
	})
	return out
}

// instancesRead returns the instances of b that a reference with index
// key reads: the one the key names, or every instance when key is
// cty.NilVal. A block read as one instance is read whatever the key.
func (ev *evaluator) instancesRead(b *block, key cty.Value) []*block {
	insts, ok := ev.insts[b.addr]
	if !ok {
		return []*block{b}
	}
	if key == cty.NilVal {
		return insts
	}
	for _, ib := range insts {
		if instanceKey(ib.inst, key) {
			return []*block{ib}
		}
	}
	return nil
}

// instanceKey reports whether an index key names instance in.
func instanceKey(in *instance, key cty.Value) bool {
	if !in.forEach {
		n, err := convert.Convert(key, cty.Number)
		if err != nil || !n.IsKnown() || n.IsNull() {
			return false
		}
		i, acc := n.AsBigFloat().Int64()
		return acc == big.Exact && i == in.index
	}
	s, ok := str(key)
	return ok && s == in.key
}

// eachValueRefs adds the blocks that each.value (each.value.attr) reads
// in instance cur (see elementRefs). When the element is not worked out,
// every block the for_each expression reads is added, with a doubt, so
// its edges are possible.
func (ev *evaluator) eachValueRefs(cur *block, attr string, ri *refInfo, seen map[string]bool, doubt string) {
	fe := cur.attr("for_each")
	if fe == nil {
		return
	}
	if ev.elementRefs(fe.Expr, cur.inst.key, attr, ri, seen, doubt) {
		return
	}
	ev.collectRefs(fe.Expr, ri, seen, firstOf(doubt, "each.value is one element of for_each, and which element holds this value is not worked out"), nil)
}

// elementRefs adds the blocks that the element of key of a for_each
// expression reads, and reports whether it could tell. When the
// expression names a block with for_each, that is the block's instance of
// the same key. When it is an object written out, it is what the item of
// that key reads. A local is followed to its expression.
func (ev *evaluator) elementRefs(expr hcl.Expression, key, attr string, ri *refInfo, seen map[string]bool, doubt string) bool {
	switch x := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		tr := x.Traversal
		if tr.RootName() == "local" {
			name := stepName(tr, 1)
			l := ev.m.locals[name]
			if l == nil || len(tr) != 2 || seen["element:local."+name] {
				return false
			}
			seen["element:local."+name] = true
			return ev.elementRefs(l.attr.Expr, key, attr, ri, seen, doubt)
		}
		addr := ev.blockAddr(tr)
		b := ev.m.blocks[addr]
		if b == nil || b.counted() {
			return false
		}
		steps := 2
		if b.data {
			steps = 3
		}
		if _, ok := ev.insts[b.addr]; !ok || len(tr) != steps {
			// Not expanded, or for_each reads an attribute of the block.
			return false
		}
		for _, ib := range ev.instancesRead(b, cty.StringVal(key)) {
			ri.blocks = append(ri.blocks, ref{addr: addr, attr: attr, inst: ib, doubt: doubt})
		}
		return true
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			kv, diags := item.KeyExpr.Value(nil)
			if k, ok := str(kv); ok && !diags.HasErrors() && k == key {
				ev.collectRefs(item.ValueExpr, ri, seen, doubt, nil)
				return true
			}
		}
	}
	return false
}
