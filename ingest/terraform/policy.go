package terraform

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
	if rng, ok := hasDynamic(b.syn.Body, "statement"); ok {
		ev.warnf(rng, "%s: dynamic statement blocks are not expanded", b.addr)
	}
	for _, sb := range b.nested("statement") {
		st, sid := r.statement(sb)
		raw, err := marshalCompact(st)
		if err != nil {
			r.failed = true
			continue
		}
		stmts = mergeStatement(stmts, sidStatement{sid: sid, raw: raw})
	}
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

func (r *docRenderer) statement(sb *hclsyntax.Block) (policyStatement, string) {
	body := sb.Body
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
	if rng, ok := hasDynamic(body, typ); ok {
		r.ev.warnf(rng, "%s: dynamic %s blocks are not expanded", r.b.addr, typ)
	}
	byType := map[string][]string{}
	for _, pb := range nestedBlocks(body, typ) {
		t, _ := r.str(pb.Body, "type")
		byType[t] = dedupe(append(byType[t], r.list(pb.Body, "identifiers")...))
	}
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
	if rng, ok := hasDynamic(body, "condition"); ok {
		r.ev.warnf(rng, "%s: dynamic condition blocks are not expanded", r.b.addr)
	}
	byTest := map[string]map[string][]string{}
	for _, cb := range nestedBlocks(body, "condition") {
		test, _ := r.str(cb.Body, "test")
		variable, _ := r.str(cb.Body, "variable")
		if byTest[test] == nil {
			byTest[test] = map[string][]string{}
		}
		byTest[test][variable] = dedupe(append(byTest[test][variable], r.list(cb.Body, "values")...))
	}
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
