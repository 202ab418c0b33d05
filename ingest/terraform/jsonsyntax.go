package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// A .tf.json file is written in Terraform's JSON syntax: objects whose
// properties are blocks or arguments, as the schema of the enclosing block
// decides. parseJSONConfig turns such a file into the native syntax tree
// that the rest of the package reads, so a module may mix both syntaxes.
//
// Terraform takes the schema of a resource's nested blocks from its
// provider. The reader lists the nested block types it reads (jsonNested)
// and keeps every other property as an argument. The object or array value
// of such an argument contains the same values as the blocks would, for
// ingest/gcpiam and for the account and reference scans.

// jsonSchema maps the names of the block types a JSON body may contain to
// their schemas.
type jsonSchema map[string]*jsonBlock

// jsonBlock is the schema of one block type.
type jsonBlock struct {
	// labels is the number of object levels that give the labels.
	labels int
	// nested lists the block types of the body.
	nested jsonSchema
	// modes maps arguments that are not templates to their modes.
	modes map[string]jsonMode
	// literal makes every argument a plain value, nested objects
	// included, as Terraform reads the terraform block's settings.
	literal bool
	// typed makes the first label (a resource or data type) choose the
	// nested block types from jsonNested.
	typed bool
}

// jsonMode is the reading of a JSON string as an expression.
type jsonMode uint8

const (
	// modeTemplate makes a string a template: "${var.x}" is var.x.
	modeTemplate jsonMode = iota
	// modeLiteral keeps a string as it is, as Terraform does with a
	// variable's default and the values of a .tfvars.json file.
	modeLiteral
	// modeTraversal makes a string a reference, as Terraform does with
	// provider ("aws.prod"), depends_on and a dynamic block's iterator.
	modeTraversal
	// modeTypeExpr makes a string a type expression: "list(string)".
	modeTypeExpr
)

// metaModes lists the arguments of resource and data blocks that are
// references rather than values.
var metaModes = map[string]jsonMode{"provider": modeTraversal, "depends_on": modeTraversal}

// jsonTop is the schema of a configuration file.
var jsonTop = jsonSchema{
	"resource": {labels: 2, typed: true, modes: metaModes},
	"data":     {labels: 2, typed: true, modes: metaModes},
	"variable": {labels: 1, modes: map[string]jsonMode{
		"default": modeLiteral, "description": modeLiteral, "sensitive": modeLiteral,
		"nullable": modeLiteral, "ephemeral": modeLiteral, "type": modeTypeExpr,
	}, nested: jsonSchema{"validation": {}}},
	"locals":    {},
	"output":    {labels: 1, modes: map[string]jsonMode{"description": modeLiteral, "sensitive": modeLiteral, "depends_on": modeTraversal}},
	"provider":  {labels: 1, nested: jsonSchema{"assume_role": {}, "assume_role_with_web_identity": {}, "default_tags": {}}},
	"module":    {labels: 1, modes: map[string]jsonMode{"source": modeLiteral, "version": modeLiteral, "depends_on": modeTraversal}},
	"terraform": {literal: true},
	"import":    {modes: map[string]jsonMode{"to": modeTraversal, "provider": modeTraversal}},
	"moved":     {modes: map[string]jsonMode{"from": modeTraversal, "to": modeTraversal}},
	"removed":   {modes: map[string]jsonMode{"from": modeTraversal}},
	"check":     {labels: 1},
}

// jsonMeta lists the nested block types of every resource and data block.
var jsonMeta = jsonSchema{
	"lifecycle":   {modes: map[string]jsonMode{"ignore_changes": modeTraversal}},
	"provisioner": {labels: 1, nested: jsonSchema{"connection": {}}},
	"connection":  {},
}

// jsonNested maps a resource type ("data." and the type for a data source)
// to the nested block types that the reader reads as blocks.
var jsonNested = map[string]jsonSchema{
	"aws_iam_role": {"inline_policy": {}},
	"data.aws_iam_policy_document": {"statement": {nested: jsonSchema{
		"principals": {}, "not_principals": {}, "condition": {},
	}}},
	"aws_lambda_function":                          {"environment": {}},
	"aws_elastic_beanstalk_environment":            {"setting": {}},
	"aws_ecs_task_definition":                      {"volume": {}, "placement_constraints": {}},
	"aws_ecs_service":                              {"placement_constraints": {}},
	"aws_lb_listener":                              {"default_action": {}},
	"aws_alb_listener":                             {"default_action": {}},
	"aws_security_group":                           {"ingress": {}, "egress": {}},
	"aws_cognito_user_pool":                        {"admin_create_user_config": {}},
	"aws_cognito_identity_pool":                    {"cognito_identity_providers": {}},
	"aws_cognito_identity_pool_roles_attachment":   {"role_mapping": {nested: jsonSchema{"mapping_rule": {}}}},
	"aws_instance":                                 {"root_block_device": {}, "ebs_block_device": {}},
	"kubernetes_service_account":                   {"metadata": {}},
	"kubernetes_service_account_v1":                {"metadata": {}},
	"google_compute_instance_group_manager":        {"version": {}},
	"google_compute_region_instance_group_manager": {"version": {}},
}

// parseJSONConfig parses a .tf.json file, or a .tfvars.json file when
// vars is set, into a native syntax body.
func parseJSONConfig(src []byte, name string, vars bool) (*hclsyntax.Body, hcl.Diagnostics) {
	root, diags := hcljson.ParseExpression(src, name)
	if diags.HasErrors() {
		return nil, diags
	}
	c := &jsonConv{}
	var body *hclsyntax.Body
	if vars {
		// Terraform reads a .tfvars.json file's values as they are.
		body = c.body(root, &jsonBlock{literal: true}, nil)
	} else {
		body = c.body(root, &jsonBlock{nested: jsonTop}, nil)
	}
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return body, nil
}

// jsonConv converts JSON values and collects the errors it finds.
type jsonConv struct {
	diags hcl.Diagnostics
}

func (c *jsonConv) errorf(rng hcl.Range, summary, detail string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  rng.Ptr(),
	})
}

// jsonProperties returns the properties of a JSON object, nil when v is
// not an object.
func jsonProperties(v hcl.Expression) []hcl.KeyValuePair {
	if m, ok := v.(interface{ ExprMap() []hcl.KeyValuePair }); ok {
		return m.ExprMap()
	}
	return nil
}

// jsonElements returns the elements of a JSON array, nil when v is not
// an array.
func jsonElements(v hcl.Expression) []hcl.Expression {
	if l, ok := v.(interface{ ExprList() []hcl.Expression }); ok {
		return l.ExprList()
	}
	return nil
}

// jsonKey returns a property's name.
func jsonKey(kv hcl.KeyValuePair) string {
	v, _ := kv.Key.Value(nil)
	if v.Type() != cty.String || v.IsNull() {
		return ""
	}
	return v.AsString()
}

// bodyProperties returns the properties of a body, an object or an array
// of objects, in order. It leaves out "//" properties, which are comments.
func (c *jsonConv) bodyProperties(v hcl.Expression) []hcl.KeyValuePair {
	var out []hcl.KeyValuePair
	add := func(props []hcl.KeyValuePair) {
		for _, kv := range props {
			if jsonKey(kv) != "//" {
				out = append(out, kv)
			}
		}
	}
	if props := jsonProperties(v); props != nil {
		add(props)
		return out
	}
	if elems := jsonElements(v); elems != nil {
		for _, e := range elems {
			props := jsonProperties(e)
			if props == nil {
				c.errorf(e.StartRange(), "Incorrect JSON value type", "A JSON object is required here, to define arguments and nested blocks.")
				continue
			}
			add(props)
		}
		return out
	}
	c.errorf(v.StartRange(), "Incorrect JSON value type", "A JSON object or an array of objects is required here, to define arguments and nested blocks.")
	return nil
}

// body converts the JSON value of a body of block type bt. nested, when
// not nil, replaces the nested block types of bt.
func (c *jsonConv) body(v hcl.Expression, bt *jsonBlock, nested jsonSchema) *hclsyntax.Body {
	rng := v.Range()
	body := &hclsyntax.Body{
		Attributes: hclsyntax.Attributes{},
		SrcRange:   rng,
		EndRange:   hcl.Range{Filename: rng.Filename, Start: rng.End, End: rng.End},
	}
	if nested == nil {
		nested = bt.nested
	}
	for _, kv := range c.bodyProperties(v) {
		name := jsonKey(kv)
		if sub := nested[name]; sub != nil && !bt.literal {
			c.blocks(body, name, kv.Key.Range(), kv.Value, sub, sub.labels, nil, nil)
			continue
		}
		if prev := body.Attributes[name]; prev != nil {
			c.errorf(kv.Key.Range(), "Argument redefined", "The argument %q was already set at line %d.", name, prev.NameRange.Start.Line)
			continue
		}
		mode := bt.modes[name]
		if bt.literal {
			mode = modeLiteral
		}
		body.Attributes[name] = &hclsyntax.Attribute{
			Name:      name,
			Expr:      c.expr(kv.Value, mode),
			SrcRange:  hcl.RangeBetween(kv.Key.Range(), kv.Value.Range()),
			NameRange: kv.Key.Range(),
		}
	}
	return body
}

// blocks appends to body the blocks of type typ that the JSON value v
// declares: left more levels of labels, then one body or an array of
// bodies. Each block's header is the property that opens it (the last
// label), or its own object in an array, so each block has its own line.
func (c *jsonConv) blocks(body *hclsyntax.Body, typ string, header hcl.Range, v hcl.Expression, bt *jsonBlock, left int, labels []string, labelRanges []hcl.Range) {
	if left > 0 {
		for _, kv := range c.bodyProperties(v) {
			c.blocks(body, typ, kv.Key.Range(), kv.Value, bt, left-1,
				append(labels[:len(labels):len(labels)], jsonKey(kv)),
				append(labelRanges[:len(labelRanges):len(labelRanges)], kv.Key.Range()))
		}
		return
	}
	var nested jsonSchema
	switch {
	case bt.typed:
		nested = jsonResourceSchema(typ, labels[0])
	case typ == "dynamic":
		// The content of a dynamic block has the nested block types of
		// the block type it generates.
		var content jsonSchema
		if gen := bt.nested[labels[0]]; gen != nil {
			content = gen.nested
		}
		nested = jsonSchema{"content": {nested: content}}
	}
	add := func(obj hcl.Expression, header hcl.Range) {
		b := &hclsyntax.Block{
			Type:        typ,
			Labels:      labels,
			Body:        c.body(obj, bt, nested),
			TypeRange:   header,
			LabelRanges: labelRanges,
		}
		if len(labelRanges) > 0 {
			// DefRange runs from the type to the last label, so both
			// are the header.
			b.LabelRanges = append([]hcl.Range(nil), labelRanges...)
			b.LabelRanges[len(b.LabelRanges)-1] = header
		}
		r := obj.Range()
		b.OpenBraceRange = obj.StartRange()
		b.CloseBraceRange = hcl.Range{Filename: r.Filename, Start: r.End, End: r.End}
		body.Blocks = append(body.Blocks, b)
	}
	if elems := jsonElements(v); elems != nil {
		for _, e := range elems {
			if jsonProperties(e) == nil {
				c.errorf(e.StartRange(), "Incorrect JSON value type", "A JSON object is required here, to define a %s block.", typ)
				continue
			}
			add(e, e.StartRange())
		}
		return
	}
	if jsonProperties(v) != nil {
		add(v, header)
		return
	}
	if val, _ := v.Value(nil); val.IsNull() {
		return // no block
	}
	c.errorf(v.StartRange(), "Incorrect JSON value type", "A JSON object or an array of objects is required here, to define %s blocks.", typ)
}

// jsonResourceSchema returns the nested block types of a resource (kind
// "resource") or data block of a type.
func jsonResourceSchema(kind, typ string) jsonSchema {
	key := typ
	if kind == "data" {
		key = "data." + typ
	}
	out := jsonSchema{}
	for name, bt := range jsonMeta {
		out[name] = bt
	}
	for name, bt := range withDynamic(jsonNested[key]) {
		out[name] = bt
	}
	out["dynamic"] = &jsonBlock{labels: 1, nested: withDynamic(jsonNested[key]),
		modes: map[string]jsonMode{"iterator": modeTraversal}}
	return out
}

// withDynamic returns s with the dynamic block type added to the body of
// every block type, nested ones included.
func withDynamic(s jsonSchema) jsonSchema {
	out := jsonSchema{}
	for name, bt := range s {
		inner := withDynamic(bt.nested)
		inner["dynamic"] = &jsonBlock{labels: 1, nested: withDynamic(bt.nested),
			modes: map[string]jsonMode{"iterator": modeTraversal}}
		out[name] = &jsonBlock{labels: bt.labels, nested: inner, modes: bt.modes, literal: bt.literal}
	}
	return out
}

// expr converts a JSON value into an expression.
func (c *jsonConv) expr(v hcl.Expression, mode jsonMode) hclsyntax.Expression {
	rng := v.Range()
	if props := jsonProperties(v); props != nil {
		obj := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: v.StartRange()}
		for _, kv := range props {
			keyMode := modeTemplate
			if mode == modeLiteral {
				keyMode = modeLiteral
			}
			obj.Items = append(obj.Items, hclsyntax.ObjectConsItem{
				KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: c.expr(kv.Key, keyMode), ForceNonLiteral: true},
				ValueExpr: c.expr(kv.Value, mode),
			})
		}
		return obj
	}
	if elems := jsonElements(v); elems != nil {
		tup := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: v.StartRange()}
		for _, e := range elems {
			tup.Exprs = append(tup.Exprs, c.expr(e, mode))
		}
		return tup
	}

	val, _ := v.Value(nil)
	if val.Type() != cty.String || val.IsNull() {
		return &hclsyntax.LiteralValueExpr{Val: val, SrcRange: rng}
	}

	s := val.AsString()
	// The text starts after the opening quote. Escapes in the JSON text
	// shift the later columns of their line, but not the lines.
	start := hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1}
	if mode != modeLiteral && c.tooDeep(s, mode, rng.Filename, start) {
		return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
	}

	switch mode {
	case modeTraversal:
		if tr, diags := hclsyntax.ParseTraversalAbs([]byte(s), rng.Filename, start); !diags.HasErrors() {
			return &hclsyntax.ScopeTraversalExpr{Traversal: tr, SrcRange: rng}
		}
	case modeTypeExpr:
		if e, diags := hclsyntax.ParseExpression([]byte(s), rng.Filename, start); !diags.HasErrors() {
			return e
		}
	case modeTemplate:
		if strings.Contains(s, "${") || strings.Contains(s, "%{") {
			e, diags := hclsyntax.ParseTemplate([]byte(s), rng.Filename, start)
			if diags.HasErrors() {
				c.diags = append(c.diags, diags...)
				return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: rng}
			}
			if w, ok := e.(*hclsyntax.TemplateWrapExpr); ok {
				// "${x}" is the value of x, of any type.
				return w.Wrapped
			}
			return e
		}
	}
	return &hclsyntax.TemplateExpr{
		Parts:    []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: val, SrcRange: rng}},
		SrcRange: rng,
	}
}

// tooDeep reports whether the string s, read in mode, nests deeper than
// maxNesting, and records an error if so. The parser would follow such
// nesting by recursion, and the brackets inside a JSON string are not
// counted with those of the file.
func (c *jsonConv) tooDeep(s string, mode jsonMode, filename string, start hcl.Pos) bool {
	lex := hclsyntax.LexExpression
	if mode == modeTemplate {
		if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
			return false // literal text
		}
		lex = hclsyntax.LexTemplate
	}
	tokens, _ := lex([]byte(s), filename, start)
	pos, deep := tokensTooDeep(tokens)
	if deep {
		c.diags = append(c.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  nestingMsg,
			Subject:  &hcl.Range{Filename: filename, Start: pos, End: pos},
		})
	}
	return deep
}
