package terraform

import (
	"encoding/base64"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions returns the Terraform functions that need no clock,
// randomness or network. file, filebase64, fileexists and templatefile
// read through mf. Others are unknown to the evaluator.
func functions(mf *moduleFiles, bu *evalBudget) map[string]function.Function {
	funcs := map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"alltrue":         allTrueFunc,
		"anytrue":         anyTrueFunc,
		"base64decode":    base64DecodeFunc,
		"base64encode":    base64EncodeFunc,
		"basename":        baseNameFunc,
		"can":             tryfunc.CanFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"dirname":         dirNameFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"endswith":        endsWithFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          boundedFormat(stdlib.FormatFunc),
		"formatlist":      boundedFormat(stdlib.FormatListFunc),
		"indent":          boundedIndent,
		"join":            boundedJoin,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"log":             stdlib.LogFunc,
		"lookup":          lookupFunc,
		"lower":           keepPlaceholders(stdlib.LowerFunc),
		"max":             stdlib.MaxFunc,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"nonsensitive":    identityFunc,
		"one":             oneFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           stdlib.RangeFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"replace":         keepPlaceholders(replaceFunc),
		"reverse":         stdlib.ReverseListFunc,
		"sensitive":       sensitiveFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      boundedSetProduct,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"signum":          stdlib.SignumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"startswith":      startsWithFunc,
		"strcontains":     strContainsFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"title":           keepPlaceholders(stdlib.TitleFunc),
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":        stdlib.MakeToFunc(cty.String),
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"try":             tryfunc.TryFunc,
		"upper":           keepPlaceholders(stdlib.UpperFunc),
		"values":          stdlib.ValuesFunc,
		"yamlencode":      yamlEncodeFunc,
		"zipmap":          stdlib.ZipmapFunc,
	}
	if bu != nil {
		funcs[iterateFunc] = bu.function()
		funcs[elementFunc] = bu.elementFunction()
		funcs["range"] = bu.rangeFunc(funcs["range"])
	}
	if mf != nil {
		funcs["file"] = mf.fileFunc()
		funcs["fileexists"] = mf.fileExistsFunc()
		funcs["filebase64"] = mf.fileBase64Func()
		// A template may not call templatefile itself, as in Terraform.
		inner := make(map[string]function.Function, len(funcs))
		for k, f := range funcs {
			inner[k] = f
		}
		funcs["templatefile"] = mf.templateFileFunc(inner)
	}
	return funcs
}

// yamlEncodeFunc stands for Terraform's yamlencode. It writes the value
// as JSON, which YAML 1.2 reads in flow style, so a reader that parses the
// text as YAML gets the same value as from Terraform's block style.
var yamlEncodeFunc = stdlib.JSONEncodeFunc

// keepPlaceholders applies a string function to the text around the
// "${reference}" placeholders of its first argument and leaves each
// placeholder as it is, so that lower(var.x) or replace(var.x, "_", "-")
// of an unresolved variable still names the variable. A replacement that
// would match across a placeholder is not made.
func keepPlaceholders(f function.Function) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := args[0]
			if !s.IsKnown() || s.IsNull() || s.Type() != cty.String || !strings.Contains(s.AsString(), "${") {
				return f.Call(args)
			}
			text := s.AsString()
			spans := placeholderRef.FindAllStringIndex(text, -1)
			if len(spans) == 0 {
				return f.Call(args)
			}
			var sb strings.Builder
			last := 0
			part := func(lit string) error {
				if lit == "" {
					return nil
				}
				call := append([]cty.Value{cty.StringVal(lit)}, args[1:]...)
				v, err := f.Call(call)
				if err != nil {
					return err
				}
				sb.WriteString(v.AsString())
				return nil
			}
			for _, sp := range spans {
				if err := part(text[last:sp[0]]); err != nil {
					return cty.NilVal, err
				}
				sb.WriteString(text[sp[0]:sp[1]])
				last = sp[1]
			}
			if err := part(text[last:]); err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(sb.String()), nil
		},
	}
	return function.New(spec)
}

// maxGenerated bounds what one function call may generate (combinations,
// padding), so that hostile input cannot exhaust memory through
// setproduct, indent or a format width. The range function has its own
// bound.
const maxGenerated = 4096

// guarded wraps f with a check of its arguments.
func guarded(f function.Function, check func(args []cty.Value) error) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := check(args); err != nil {
				return cty.NilVal, err
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}

// boundedJoin is join limited to results of maxStringLen bytes.
var boundedJoin = guarded(stdlib.JoinFunc, func(args []cty.Value) error {
	total := 0
	for _, list := range args[1:] {
		if !list.IsKnown() || list.IsNull() || !list.CanIterateElements() {
			continue
		}
		for it := list.ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				total += len(v.AsString()) + len(args[0].AsString())
			}
		}
		if total > maxStringLen {
			return errTooLarge
		}
	}
	return nil
})

// boundedSetProduct is setproduct limited to maxGenerated combinations.
var boundedSetProduct = guarded(stdlib.SetProductFunc, func(args []cty.Value) error {
	n := 1
	for _, a := range args {
		if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
			continue
		}
		n *= a.LengthInt()
		if n > maxGenerated {
			return errTooLarge
		}
	}
	return nil
})

// boundedIndent is indent limited to maxGenerated spaces.
var boundedIndent = guarded(stdlib.IndentFunc, func(args []cty.Value) error {
	if f, _ := args[0].AsBigFloat().Float64(); math.Abs(f) > maxGenerated {
		return errTooLarge
	}
	return nil
})

// formatWidth matches a width or precision in a format verb.
var formatWidth = regexp.MustCompile(`%[-+# 0]*([0-9]+)?(?:\.([0-9]+))?`)

// boundedFormat rejects format widths and precisions above maxGenerated.
func boundedFormat(f function.Function) function.Function {
	return guarded(f, func(args []cty.Value) error {
		if !args[0].IsKnown() || args[0].IsNull() {
			return nil
		}
		for _, m := range formatWidth.FindAllStringSubmatch(args[0].AsString(), -1) {
			for _, n := range m[1:] {
				if len(n) > 4 || (n != "" && mustAtoi(n) > maxGenerated) {
					return errTooLarge
				}
			}
		}
		return nil
	})
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// identityFunc returns its argument; nonsensitive only removes a mark in
// Terraform.
var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// sensitiveFunc returns an unknown value of its argument's type. Terraform
// marks the value as sensitive; the reader keeps no sensitive value, so
// whatever is built from it is not known and never stored.
var sensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return cty.UnknownVal(args[0].Type()), nil },
})

// lengthFunc counts the characters of a string or the elements of a
// collection, as Terraform's length does.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch ty := args[0].Type(); {
		case ty == cty.String:
			return cty.NumberIntVal(int64(utf8.RuneCountInString(args[0].AsString()))), nil
		case ty.IsObjectType():
			// An object's attributes, such as the instances of a
			// for_each resource, are known from its type.
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		case ty.IsTupleType():
			return cty.NumberIntVal(int64(ty.Length())), nil
		}
		return stdlib.LengthFunc.Call(args)
	},
})

// lookupFunc is Terraform's lookup, whose default is optional.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType},
		{Name: "key", Type: cty.String},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) == 3 {
			return stdlib.LookupFunc.ReturnTypeForValues(args)
		}
		return cty.DynamicPseudoType, nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) == 3 {
			return stdlib.LookupFunc.Call(args)
		}
		m, key := args[0], args[1].AsString()
		ty := m.Type()
		switch {
		case ty.IsObjectType() && ty.HasAttribute(key):
			return m.GetAttr(key), nil
		case ty.IsMapType() && m.HasIndex(args[1]).True():
			return m.Index(args[1]), nil
		}
		return cty.NilVal, function.NewArgErrorf(1, "key not found")
	},
})

// replaceFunc is Terraform's replace: a search string wrapped in slashes
// is a regular expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		sub := args[1].AsString()
		if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
			return stdlib.RegexReplaceFunc.Call([]cty.Value{args[0], cty.StringVal(sub[1 : len(sub)-1]), args[2]})
		}
		return stdlib.ReplaceFunc.Call(args)
	},
})

var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var base64DecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil || !utf8.Valid(b) {
			return cty.NilVal, function.NewArgErrorf(0, "invalid base64, or not UTF-8 text")
		}
		return cty.StringVal(string(b)), nil
	},
})

func pathPart(part func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(part(args[0].AsString())), nil
		},
	})
}

// basename and dirname work on the path text only; they read nothing.
var (
	baseNameFunc = pathPart(filepath.Base)
	dirNameFunc  = pathPart(filepath.Dir)
)

func stringTest(test func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(test(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringTest(strings.HasPrefix)
	endsWithFunc    = stringTest(strings.HasSuffix)
	strContainsFunc = stringTest(strings.Contains)
)

// oneFunc returns the only element of a collection, or null when empty.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   func(args []cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		ty := v.Type()
		if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
			return cty.NilVal, function.NewArgErrorf(0, "must be a list, set or tuple")
		}
		switch n := v.LengthInt(); n {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			return v.AsValueSlice()[0], nil
		default:
			return cty.NilVal, function.NewArgErrorf(0, "must have no more than one element")
		}
	},
})

func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for _, e := range args[0].AsValueSlice() {
				if e.IsNull() {
					continue
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

var (
	allTrueFunc = boolFold(true)
	anyTrueFunc = boolFold(false)
)
