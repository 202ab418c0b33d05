package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/blastradius-dev/blastradius/ingest"
)

// maxSteps bounds the elements that the for expressions of one module
// (its templates included) iterate over, all together. Nested for
// expressions multiply: [for i in range(1000) : [for j in range(1000) : j]]
// iterates over 1001000 elements. Real modules stay far below the bound.
const maxSteps = 1 << 16

// maxBytes bounds the text that the elements of for expressions build,
// all together, as a template for directive over a long list does.
const maxBytes = 64 << 20

// maxRefDepth bounds a chain of references (local.a reads local.b, which
// reads local.c ...) evaluated one inside the other.
const maxRefDepth = 512

// iterateFunc is the function that every for expression's collection is
// passed through, to count its elements. The name cannot clash with a
// Terraform function, which has no double underscore.
const iterateFunc = "blastradius__iterate"

// elementFunc is the function that every for expression's element value is
// passed through, to count the text it builds.
const elementFunc = "blastradius__element"

// evalBudget counts the elements that for expressions iterate over.
type evalBudget struct {
	steps int
	bytes int
	// spent is set once steps passes maxSteps: every later collection is
	// then empty, so that nested loops end at once.
	spent bool
	// at is the range of the expression whose evaluation spent the
	// budget.
	at *hcl.Range
}

// function returns the function named iterateFunc. It passes a
// collection through while the budget lasts, and an empty one after.
func (bu *evalBudget) function() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{
			Name: "collection", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true,
		}},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
				return v, nil
			}
			if !bu.spent {
				bu.steps += v.LengthInt()
				bu.spent = bu.steps > maxSteps
			}
			if !bu.spent {
				return v, nil
			}
			ty := v.Type()
			if ty.IsMapType() || ty.IsObjectType() {
				return cty.EmptyObjectVal, nil
			}
			return cty.EmptyTupleVal, nil
		},
	})
}

// elementFunction returns the function named elementFunc. It passes an
// element through while the budget lasts; once the text built passes
// maxBytes it spends the budget and gives empty text.
func (bu *evalBudget) elementFunction() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{
			Name: "element", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true,
		}},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			if !v.IsKnown() || v.IsNull() {
				return v, nil
			}
			u, _ := v.Unmark()
			if u.Type() == cty.String && !bu.spent {
				bu.bytes += len(u.AsString())
				bu.spent = bu.bytes > maxBytes
			}
			if bu.spent && u.Type() == cty.String {
				return cty.StringVal(""), nil
			}
			return v, nil
		},
	})
}

// rangeFunc wraps Terraform's range so that, once the budget is spent, it
// builds no more lists: a loop over range in a loop would otherwise still
// build one list per outer element.
func (bu *evalBudget) rangeFunc(f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type:     function.StaticReturnType(cty.List(cty.Number)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if bu.spent {
				return cty.ListValEmpty(cty.Number), nil
			}
			return f.Call(args)
		},
	})
}

// countIterations makes every for expression under node pass its
// collection through iterateFunc and each element through elementFunc.
func countIterations(node hclsyntax.Node) {
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		if fe, ok := n.(*hclsyntax.ForExpr); ok {
			fe.CollExpr = call(iterateFunc, fe.CollExpr)
			fe.ValExpr = call(elementFunc, fe.ValExpr)
		}
		return nil
	})
}

// call returns a call of a function on one expression, at its range.
func call(name string, arg hclsyntax.Expression) *hclsyntax.FunctionCallExpr {
	rng := arg.Range()
	return &hclsyntax.FunctionCallExpr{
		Name:            name,
		Args:            []hclsyntax.Expression{arg},
		NameRange:       rng,
		OpenParenRange:  rng,
		CloseParenRange: rng,
	}
}

// budgetError rejects the file where evaluation passed the bound, and
// warns in the other files of the module that their values may miss what
// for expressions give.
func budgetError(m *module, at hcl.Range, out map[string]*fileFacts) {
	for name, ff := range out {
		if name == at.Filename {
			out[name] = &fileFacts{err: &ingest.Error{
				Pos: ingest.Position{Line: at.Start.Line, Col: at.Start.Column},
				Msg: fmt.Sprintf("for expressions of the module iterate over more than %d elements or build more than %d MiB of text, the evaluation limit; the file is skipped", maxSteps, maxBytes>>20),
			}}
			continue
		}
		if ff.err == nil {
			ff.diags = append(ff.diags, ingest.Diagnostic{
				Msg: fmt.Sprintf("evaluation of the module passed its limit for for expressions (%d elements, %d MiB of text) at %s:%d; values built with for expressions may be missing",
					maxSteps, maxBytes>>20, at.Filename, at.Start.Line),
			})
		}
	}
}
