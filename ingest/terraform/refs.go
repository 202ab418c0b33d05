package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ref is a reference to a block: its address and the first attribute read
// from it ("" when the whole block is used).
type ref struct {
	addr, attr string
}

// refInfo is what an expression's value derives from, followed through
// locals and data sources.
type refInfo struct {
	blocks []ref
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
	ev.collectRefs(expr, &ri, map[string]bool{})
	return ri
}

func (ev *evaluator) collectRefs(expr hcl.Expression, ri *refInfo, seen map[string]bool) {
	for _, tr := range expr.Variables() {
		switch root := tr.RootName(); root {
		case "var":
			v, ok := ev.vars[stepName(tr, 1)]
			if !ok || !v.IsWhollyKnown() {
				ri.opaque = true
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
				ev.collectRefs(l.attr.Expr, ri, seen)
			}
		default:
			addr := refAddr(tr)
			b := ev.m.blocks[addr]
			if b == nil {
				ri.opaque = true
				continue
			}
			first := 2
			if b.data {
				first = 3
			}
			ri.blocks = append(ri.blocks, ref{addr: addr, attr: firstAttr(tr, first)})
			// A data source passes on what its arguments read, e.g. a
			// template rendered with an access key.
			if b.data && !seen[addr] {
				seen[addr] = true
				for _, e := range bodyExprs(b.syn.Body) {
					ev.collectRefs(e, ri, seen)
				}
			}
		}
	}
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
