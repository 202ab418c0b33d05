package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// policyDocument is an IAM policy in the key order the AWS provider
// renders it.
type policyDocument struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

// policyStatement is one statement rendered from an
// aws_iam_policy_document statement block. A list of one renders as a
// plain string, as the provider does.
type policyStatement struct {
	Sid          string `json:"Sid,omitempty"`
	Effect       string `json:"Effect"`
	Action       any    `json:"Action,omitempty"`
	NotAction    any    `json:"NotAction,omitempty"`
	Resource     any    `json:"Resource,omitempty"`
	NotResource  any    `json:"NotResource,omitempty"`
	Principal    any    `json:"Principal,omitempty"`
	NotPrincipal any    `json:"NotPrincipal,omitempty"`
	Condition    any    `json:"Condition,omitempty"`
}

// renderPolicyDocument renders data "aws_iam_policy_document" b as the
// provider does: source documents first, then the block's statements, then
// override documents, a statement with a Sid replacing one with the same
// Sid. ok is false when some part could not be evaluated.
func (ev *evaluator) renderPolicyDocument(b *block) (string, bool) {
	r := docRenderer{ev: ev, b: b}
	doc := policyDocument{Version: "2012-10-17"}
	if s, ok := r.str(b.syn.Body, "version"); ok && s != "" {
		doc.Version = s
	}
	if s, ok := r.str(b.syn.Body, "policy_id"); ok {
		doc.ID = s
	}

	var stmts []sidStatement
	for _, name := range []string{"source_policy_documents", "source_json"} {
		for _, src := range r.list(b.syn.Body, name) {
			stmts = r.mergeJSON(stmts, src, name)
		}
	}
	r.blocks(b.syn.Body, "statement", func(body *hclsyntax.Body) {
		st, sid := r.statement(body)
		raw, err := marshalCompact(st)
		if err != nil {
			r.failed = true
			return
		}
		stmts = mergeStatement(stmts, sidStatement{sid: sid, raw: raw})
	})
	for _, name := range []string{"override_policy_documents", "override_json"} {
		for _, src := range r.list(b.syn.Body, name) {
			stmts = r.mergeJSON(stmts, src, name)
		}
	}
	if r.failed {
		return "", false
	}
	doc.Statement = []json.RawMessage{}
	for _, st := range stmts {
		doc.Statement = append(doc.Statement, st.raw)
	}
	raw, err := marshalCompact(doc)
	if err != nil {
		return "", false
	}
	return string(raw), true
}

type sidStatement struct {
	sid string
	raw json.RawMessage
}

// mergeStatement appends st, or replaces the statement with its Sid.
func mergeStatement(stmts []sidStatement, st sidStatement) []sidStatement {
	if st.sid != "" {
		for i := range stmts {
			if stmts[i].sid == st.sid {
				stmts[i] = st
				return stmts
			}
		}
	}
	return append(stmts, st)
}

// docRenderer evaluates the arguments of one policy document block and
// remembers whether any failed.
type docRenderer struct {
	ev     *evaluator
	b      *block
	failed bool
}

// str evaluates a string argument; ok is false when it is absent or failed.
func (r *docRenderer) str(body *hclsyntax.Body, name string) (string, bool) {
	a := body.Attributes[name]
	if a == nil {
		return "", false
	}
	v, diags := r.ev.value(a.Expr, r.b)
	if diags.HasErrors() {
		r.fail(a.Expr.Range(), name, summary(diags))
		return "", false
	}
	if v.IsKnown() && v.IsNull() {
		return "", false
	}
	s, ok := str(v)
	if !ok {
		r.fail(a.Expr.Range(), name, "")
	}
	return s, ok
}

// list evaluates a list-of-strings argument.
func (r *docRenderer) list(body *hclsyntax.Body, name string) []string {
	a := body.Attributes[name]
	if a == nil {
		return nil
	}
	v, diags := r.ev.value(a.Expr, r.b)
	if diags.HasErrors() {
		r.fail(a.Expr.Range(), name, summary(diags))
		return nil
	}
	if v.IsKnown() && v.IsNull() {
		return nil
	}
	out, ok := strList(v)
	if !ok {
		r.fail(a.Expr.Range(), name, "")
	}
	return dedupe(out)
}

func (r *docRenderer) fail(rng hcl.Range, name, why string) {
	r.failed = true
	if why == "" {
		r.ev.warnf(rng, "%s: %s could not be resolved", r.b.addr, name)
		return
	}
	r.ev.warnf(rng, "%s: %s could not be evaluated: %s", r.b.addr, name, why)
}

func (r *docRenderer) statement(body *hclsyntax.Body) (policyStatement, string) {
	st := policyStatement{Effect: "Allow"}
	if s, ok := r.str(body, "sid"); ok {
		st.Sid = s
	}
	if s, ok := r.str(body, "effect"); ok && s != "" {
		st.Effect = s
	}
	st.Action = oneOrMany(r.list(body, "actions"))
	st.NotAction = oneOrMany(r.list(body, "not_actions"))
	st.Resource = oneOrMany(r.list(body, "resources"))
	st.NotResource = oneOrMany(r.list(body, "not_resources"))
	st.Principal = r.principals(body, "principals")
	st.NotPrincipal = r.principals(body, "not_principals")
	st.Condition = r.conditions(body)
	return st, st.Sid
}

// principals renders principals blocks as a map from type to
// identifiers; type "*" with identifier "*" is the bare "*".
func (r *docRenderer) principals(body *hclsyntax.Body, typ string) any {
	byType := map[string][]string{}
	r.blocks(body, typ, func(pb *hclsyntax.Body) {
		t, _ := r.str(pb, "type")
		byType[t] = dedupe(append(byType[t], r.list(pb, "identifiers")...))
	})
	if len(byType) == 0 {
		return nil
	}
	if ids, ok := byType["*"]; ok && len(byType) == 1 && len(ids) == 1 && ids[0] == "*" {
		return "*"
	}
	out := map[string]any{}
	for t, ids := range byType {
		out[t] = oneOrMany(ids)
	}
	return out
}

// conditions renders condition blocks as test -> variable -> values.
func (r *docRenderer) conditions(body *hclsyntax.Body) any {
	byTest := map[string]map[string][]string{}
	r.blocks(body, "condition", func(cb *hclsyntax.Body) {
		test, _ := r.str(cb, "test")
		variable, _ := r.str(cb, "variable")
		if byTest[test] == nil {
			byTest[test] = map[string][]string{}
		}
		byTest[test][variable] = dedupe(append(byTest[test][variable], r.list(cb, "values")...))
	})
	if len(byTest) == 0 {
		return nil
	}
	out := map[string]map[string]any{}
	for test, vars := range byTest {
		out[test] = map[string]any{}
		for v, vals := range vars {
			out[test][v] = oneOrMany(vals)
		}
	}
	return out
}

// maxDynamicItems bounds the blocks that one dynamic block generates.
const maxDynamicItems = 1000

// blocks calls fn with the body of each block of typ in body, in source
// order: each block written out, and each block that a dynamic block of
// typ generates. While fn reads a generated block, the iterator is bound
// as Terraform binds it: NAME.key and NAME.value, where NAME is the
// iterator argument or else typ. A dynamic block whose for_each is not
// known is left out with a warning, and fails the document unless it
// generates Allow statements (see dynamic).
func (r *docRenderer) blocks(body *hclsyntax.Body, typ string, fn func(*hclsyntax.Body)) {
	for _, nb := range body.Blocks {
		switch {
		case nb.Type == typ:
			fn(nb.Body)
		case nb.Type == "dynamic" && len(nb.Labels) == 1 && nb.Labels[0] == typ:
			r.dynamic(nb, fn)
		}
	}
}

// dynamic calls fn with the content of dynamic block db once for each
// element of its for_each.
func (r *docRenderer) dynamic(db *hclsyntax.Block, fn func(*hclsyntax.Body)) {
	typ := db.Labels[0]
	forEach := db.Body.Attributes["for_each"]
	content := nestedBlocks(db.Body, "content")
	skip := func(why string) {
		r.ev.warnf(db.DefRange(), "%s: dynamic %s block not expanded: %s", r.b.addr, typ, why)
		// Without an Allow statement the document allows less than
		// Terraform's. Without a Deny, a condition or a principal it may
		// allow more, so the document is not rendered.
		if typ != "statement" || len(content) != 1 || !allowsOnly(content[0].Body) {
			r.failed = true
		}
	}
	if forEach == nil || len(content) != 1 {
		skip("it needs for_each and one content block")
		return
	}
	name := typ
	if it := db.Body.Attributes["iterator"]; it != nil {
		name = hcl.ExprAsKeyword(it.Expr)
		if name == "" {
			skip("its iterator is not a name")
			return
		}
	}

	v, diags := r.ev.value(forEach.Expr, r.b)
	if diags.HasErrors() || v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
		skip("its for_each is not known")
		return
	}
	v, _ = v.UnmarkDeep()
	if v.LengthInt() > maxDynamicItems {
		skip(fmt.Sprintf("its for_each has more than %d elements", maxDynamicItems))
		return
	}

	outer := r.ev.iters
	defer func() { r.ev.iters = outer }()
	for it := v.ElementIterator(); it.Next(); {
		key, val := it.Element()
		if v.Type().IsSetType() {
			// The key of a set element is the element.
			key = val
		}
		r.ev.iters = maps.Clone(outer)
		if r.ev.iters == nil {
			r.ev.iters = map[string]cty.Value{}
		}
		r.ev.iters[name] = cty.ObjectVal(map[string]cty.Value{"key": key, "value": val})
		fn(content[0].Body)
	}
}

// allowsOnly reports whether a statement block's effect is Allow whatever
// its iterator is bound to: effect is absent or the literal "Allow".
func allowsOnly(body *hclsyntax.Body) bool {
	a := body.Attributes["effect"]
	if a == nil {
		return true
	}
	if len(a.Expr.Variables()) > 0 {
		return false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return false
	}
	return v.AsString() == "Allow"
}

// mergeJSON merges the statements of a source or override document.
func (r *docRenderer) mergeJSON(stmts []sidStatement, src, name string) []sidStatement {
	list, err := statementsOf(src)
	if err != nil {
		a := r.b.syn.Body.Attributes[name]
		r.failed = true
		r.ev.warnf(a.Expr.Range(), "%s: %s holds a document that is not a valid policy", r.b.addr, name)
		return stmts
	}
	for _, st := range list {
		stmts = mergeStatement(stmts, st)
	}
	return stmts
}

// statementsOf returns the statements of a policy JSON document.
func statementsOf(doc string) ([]sidStatement, error) {
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if t := bytes.TrimSpace(d.Statement); len(t) > 0 && t[0] == '{' {
		raws = []json.RawMessage{d.Statement}
	} else if len(t) > 0 {
		if err := json.Unmarshal(d.Statement, &raws); err != nil {
			return nil, err
		}
	}
	var out []sidStatement
	for _, raw := range raws {
		var s struct{ Sid string }
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		out = append(out, sidStatement{sid: s.Sid, raw: buf.Bytes()})
	}
	return out, nil
}

// normalizePolicy returns a policy JSON document in compact form. It fails
// when the text is not a JSON object.
func normalizePolicy(s string) (string, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return "", err
	}
	if buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return "", errors.New("not a JSON object")
	}
	return buf.String(), nil
}

// marshalCompact encodes v without HTML escaping or a final newline.
func marshalCompact(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func oneOrMany(list []string) any {
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	default:
		return list
	}
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
