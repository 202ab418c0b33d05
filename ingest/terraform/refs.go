package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ref is a reference to a block: its address and the first attribute read
// from it ("" when the whole block is used).
type ref struct {
	addr, attr string
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
}

// literal reports whether the value is written out in the input: it reads
// no block and nothing the input leaves open.
func (ri refInfo) literal() bool { return len(ri.blocks) == 0 && !ri.opaque }

// refs returns the blocks expr reads, whether or not it can be evaluated.
func (ev *evaluator) refs(expr hcl.Expression) refInfo {
	var ri refInfo
	ev.collectRefs(expr, &ri, map[string]bool{}, "")
	return ri
}

func (ev *evaluator) collectRefs(expr hcl.Expression, ri *refInfo, seen map[string]bool, doubt string) {
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
		case "count", "path", "terraform":
		case "module", "each", "self":
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
				ev.collectRefs(l.attr.Expr, ri, seen, refDoubt)
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
			ri.blocks = append(ri.blocks, ref{addr: addr, attr: firstAttr(tr, first), doubt: refDoubt})
			// A data source passes on what its arguments read, e.g. a
			// template rendered with an access key.
			if b.data && !seen[addr] {
				seen[addr] = true
				for _, e := range bodyExprs(b.syn.Body) {
					ev.collectRefs(e, ri, seen, refDoubt)
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

// refsTo returns the blocks of one type that expr reads, in address order.
func (ev *evaluator) refsTo(expr hcl.Expression, typ string) []*block {
	seen := map[string]bool{}
	var out []*block
	for _, r := range ev.refs(expr).blocks {
		b := ev.m.blocks[r.addr]
		t := b.typ
		if b.data {
			t = "data." + t
		}
		if t == typ && !seen[r.addr] {
			seen[r.addr] = true
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}
