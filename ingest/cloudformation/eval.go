package cloudformation

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// trace records what an evaluation read: parameters and resources (with
// the attribute, "" for Ref). A nil trace records nothing.
type trace struct {
	params    map[string]bool
	resources map[string]map[string]bool
}

func newTrace() *trace {
	return &trace{params: map[string]bool{}, resources: map[string]map[string]bool{}}
}

func (tr *trace) param(name string) {
	if tr != nil {
		tr.params[name] = true
	}
}

func (tr *trace) resource(id, att string) {
	if tr == nil {
		return
	}
	if tr.resources[id] == nil {
		tr.resources[id] = map[string]bool{}
	}
	tr.resources[id][att] = true
}

// literal reports whether the evaluation read no parameter or resource:
// its value is written out in the template (pseudo parameters aside).
func (tr *trace) literal() bool { return len(tr.params) == 0 && len(tr.resources) == 0 }

// intrinsic returns the function a node calls, in its long name (Ref,
// Condition, Fn::Name), and its argument: a short-form tag (!Sub) or a
// mapping of one key Ref or Fn::Name.
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := n.Tag[1:]
		arg := *n
		arg.Tag = ""
		if n.Kind == yaml.ScalarNode {
			arg.Tag = "!!str"
		}
		switch name {
		case "Ref", "Condition":
			return name, &arg, true
		}
		return "Fn::" + name, &arg, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, deref(n.Content[1]), true
		}
	}
	return "", nil, false
}

// maxSteps bounds the nodes a template's evaluation visits, because YAML
// aliases can make a small file expand to billions of nodes. The bound is
// an estimate, far above what a template of CloudFormation's 1 MB limit
// takes.
const maxSteps = 2_000_000

// eval evaluates a property's node, its intrinsic functions included.
func (t *template) eval(n *yaml.Node, tr *trace) any {
	n = deref(n)
	if n == nil {
		return nil
	}
	if t.steps++; t.steps > maxSteps {
		if !t.overBudget {
			t.overBudget = true
			t.warnf(n.Line, "the template's values take more than %d evaluation steps, so the rest are left unresolved", maxSteps)
		}
		return placeholder("Fn::Budget")
	}
	if fn, arg, ok := intrinsic(n); ok {
		return t.call(fn, arg, n, tr)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, t.eval(c, tr))
		}
		return out
	case yaml.MappingNode:
		o := newObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			o.set(n.Content[i].Value, t.eval(n.Content[i+1], tr))
		}
		return o
	}
	return nil
}

// scalar returns a scalar's value: numbers, booleans and null in their
// JSON form, anything else (dates such as 2012-10-17 included) as text.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return jsonRaw(n.Value)
		}
	case "!!bool":
		return jsonRaw(strings.ToLower(n.Value))
	case "!!null":
		return jsonRaw("null")
	}
	return n.Value
}

// evalString evaluates a node to a string. ok is false for another value.
func (t *template) evalString(n *yaml.Node, tr *trace) (string, bool) {
	return asString(t.eval(n, tr))
}

// args returns the items of a function's list argument, warning when it
// has fewer than min.
func (t *template) args(fn string, arg, at *yaml.Node, min int) []*yaml.Node {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < min {
		t.warnf(at.Line, "%s needs a list of %d arguments", fn, min)
		return nil
	}
	out := make([]*yaml.Node, len(arg.Content))
	for i, c := range arg.Content {
		out[i] = deref(c)
	}
	return out
}

func (t *template) call(fn string, arg, at *yaml.Node, tr *trace) any {
	switch fn {
	case "Ref":
		name, _ := t.evalString(arg, tr)
		return t.ref(name, at, tr)
	case "Fn::GetAtt":
		return t.getAtt(arg, at, tr)
	case "Fn::Sub":
		return t.sub(arg, at, tr)
	case "Fn::Join":
		a := t.args(fn, arg, at, 2)
		if a == nil {
			return placeholder(fn)
		}
		sep, _ := t.evalString(a[0], tr)
		items, ok := asStrings(t.eval(a[1], tr))
		if !ok {
			t.warnf(at.Line, "Fn::Join needs a list of strings")
		}
		return strings.Join(items, sep)
	case "Fn::Select":
		a := t.args(fn, arg, at, 2)
		if a == nil {
			return placeholder(fn)
		}
		idx, _ := t.evalString(a[0], tr)
		i, err := strconv.Atoi(idx)
		list, ok := asList(t.eval(a[1], tr))
		if err != nil || !ok || i < 0 || i >= len(list) {
			t.warnf(at.Line, "Fn::Select: the index is not within the list")
			return placeholder(fn)
		}
		return list[i]
	case "Fn::Split":
		a := t.args(fn, arg, at, 2)
		if a == nil {
			return placeholder(fn)
		}
		sep, _ := t.evalString(a[0], tr)
		s, _ := t.evalString(a[1], tr)
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out
	case "Fn::If":
		a := t.args(fn, arg, at, 3)
		if a == nil {
			return placeholder(fn)
		}
		// A condition whose value depends on what the input does not
		// show takes the first branch.
		if v, known := t.condition(a[0].Value, at); known && !v {
			return t.eval(a[2], tr)
		}
		return t.eval(a[1], tr)
	case "Fn::FindInMap":
		return t.findInMap(arg, at, tr)
	case "Fn::ImportValue":
		name, _ := t.evalString(arg, tr)
		return placeholder("ImportValue:" + name)
	case "Fn::Base64":
		return t.eval(arg, tr)
	case "Fn::GetAZs":
		return []any{}
	case "Fn::Length":
		list, _ := asList(t.eval(arg, tr))
		return jsonRaw(strconv.Itoa(len(list)))
	case "Fn::ToJsonString":
		s, ok := renderJSON(t.eval(arg, tr))
		if !ok {
			return placeholder(fn)
		}
		return s
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
		v, known := t.condExpr(fn, arg, at)
		if !known {
			return placeholder(fn)
		}
		return jsonRaw(strconv.FormatBool(v))
	}
	t.warnf(at.Line, "%s is not evaluated", fn)
	return placeholder(fn)
}

// pseudo parameters whose values do not depend on the account or region.
var pseudo = map[string]any{
	"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": noValue,
	"AWS::StackName": placeholder("AWS::StackName"), "AWS::StackId": placeholder("AWS::StackId"),
	"AWS::NotificationARNs": []any{},
}

// ref evaluates Ref name.
func (t *template) ref(name string, at *yaml.Node, tr *trace) any {
	switch name {
	case "AWS::AccountId":
		return t.account
	case "AWS::Region":
		return t.region
	}
	if v, ok := pseudo[name]; ok {
		return v
	}
	if p := t.params[name]; p != nil {
		tr.param(name)
		if p.def == nil {
			return placeholder(name)
		}
		d, _ := asString(scalar(p.def))
		if p.def.Kind != yaml.ScalarNode {
			return t.eval(p.def, nil)
		}
		if p.typ == "CommaDelimitedList" || strings.HasPrefix(p.typ, "List<") {
			var out []any
			for _, s := range strings.Split(d, ",") {
				out = append(out, strings.TrimSpace(s))
			}
			return out
		}
		return d
	}
	if r := t.res[name]; r != nil {
		tr.resource(name, "")
		return t.refValue(r)
	}
	t.warnf(at.Line, "Ref names %s, which the template does not declare", name)
	return placeholder(name)
}

// getAtt evaluates Fn::GetAtt, given as "Id.Attr" or [Id, Attr].
func (t *template) getAtt(arg, at *yaml.Node, tr *trace) any {
	var id, att string
	switch arg.Kind {
	case yaml.ScalarNode:
		id, att, _ = strings.Cut(arg.Value, ".")
	case yaml.SequenceNode:
		if len(arg.Content) == 2 {
			id, _ = t.evalString(arg.Content[0], tr)
			att, _ = t.evalString(arg.Content[1], tr)
		}
	}
	return t.attribute(id, att, at, tr)
}

func (t *template) attribute(id, att string, at *yaml.Node, tr *trace) string {
	r := t.res[id]
	if r == nil || att == "" {
		t.warnf(at.Line, "Fn::GetAtt names %s, which the template does not declare", id)
		return placeholder(id + "." + att)
	}
	tr.resource(id, att)
	return t.attValue(r, att)
}

// subVar matches the name inside ${} that Fn::Sub replaces: a parameter,
// a logical id, Id.Attribute or a pseudo parameter.
var subVar = regexp.MustCompile(`^[A-Za-z0-9]+(::[A-Za-z0-9]+)?(\.[A-Za-z0-9.]+)?$`)

// sub evaluates Fn::Sub: a string, or a string and a mapping of variables.
// The escape ${!Name} gives the text ${Name}, written with literalOpen.
func (t *template) sub(arg, at *yaml.Node, tr *trace) any {
	text := arg
	vars := map[string]any{}
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 {
			t.warnf(at.Line, "Fn::Sub needs a string, or a string and a mapping")
			return placeholder("Fn::Sub")
		}
		text = deref(arg.Content[0])
		mapEach(arg.Content[1], func(k, v *yaml.Node) { vars[k.Value] = t.eval(v, tr) })
	}
	s, ok := t.evalString(text, tr)
	if !ok {
		t.warnf(at.Line, "Fn::Sub needs a string")
		return placeholder("Fn::Sub")
	}
	var sb strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			sb.WriteString(s)
			break
		}
		sb.WriteString(s[:i])
		if strings.HasPrefix(s[i:], "${!") {
			sb.WriteString(literalOpen)
			s = s[i+3:]
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			sb.WriteString(s[i:])
			break
		}
		name := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		if v, ok := vars[name]; ok {
			sb.WriteString(joined(v))
			continue
		}
		if !subVar.MatchString(name) {
			// Not a name Fn::Sub replaces, such as an IAM policy
			// variable: kept as written.
			sb.WriteString("${" + name + "}")
			continue
		}
		if id, att, dotted := strings.Cut(name, "."); dotted && !strings.Contains(id, "::") {
			sb.WriteString(t.attribute(id, att, at, tr))
			continue
		}
		sb.WriteString(joined(t.ref(name, at, tr)))
	}
	return sb.String()
}

// joined returns a value as text, a list's items joined by commas.
func joined(v any) string {
	if s, ok := asString(v); ok {
		return s
	}
	if list, ok := asStrings(v); ok {
		return strings.Join(list, ",")
	}
	return ""
}

// findInMap evaluates Fn::FindInMap [MapName, TopKey, SecondKey].
func (t *template) findInMap(arg, at *yaml.Node, tr *trace) any {
	a := t.args("Fn::FindInMap", arg, at, 3)
	if a == nil {
		return placeholder("Fn::FindInMap")
	}
	var keys [3]string
	for i := range keys {
		keys[i], _ = t.evalString(a[i], tr)
	}
	n := mapGet(mapGet(mapGet(t.mappings, keys[0]), keys[1]), keys[2])
	if n == nil {
		if len(a) > 3 {
			// The DefaultValue option of the language extensions.
			if d := mapGet(a[3], "DefaultValue"); d != nil {
				return t.eval(d, tr)
			}
		}
		return placeholder("Fn::FindInMap")
	}
	return t.eval(n, tr)
}

// condition evaluates a named condition with the parameters' defaults;
// known is false when it depends on what the template does not show.
func (t *template) condition(name string, at *yaml.Node) (v, known bool) {
	switch t.condMemo[name] {
	case 1:
		return false, true
	case 2:
		return true, true
	case 3, 4:
		return false, false // unknown, or being evaluated
	}
	n := t.conds[name]
	if n == nil {
		t.warnf(at.Line, "condition %s is not declared", name)
		return false, false
	}
	t.condMemo[name] = 4
	fn, arg, ok := intrinsic(n)
	if ok {
		v, known = t.condExpr(fn, arg, n)
	}
	switch {
	case !known:
		t.condMemo[name] = 3
	case v:
		t.condMemo[name] = 2
	default:
		t.condMemo[name] = 1
	}
	return v, known
}

// condExpr evaluates a condition function.
func (t *template) condExpr(fn string, arg, at *yaml.Node) (v, known bool) {
	sub := func(n *yaml.Node) (bool, bool) {
		n = deref(n)
		if f, a, ok := intrinsic(n); ok {
			return t.condExpr(f, a, n)
		}
		if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Condition" {
			return t.condition(n.Content[1].Value, n)
		}
		return false, false
	}
	switch fn {
	case "Condition":
		return t.condition(arg.Value, at)
	case "Fn::Equals":
		a := t.args(fn, arg, at, 2)
		if a == nil {
			return false, false
		}
		x, y := joined(t.eval(a[0], nil)), joined(t.eval(a[1], nil))
		if len(unresolvedIn(x, y)) > 0 {
			return false, false
		}
		return x == y, true
	case "Fn::Not":
		a := t.args(fn, arg, at, 1)
		if a == nil {
			return false, false
		}
		v, known := sub(a[0])
		return !v, known
	case "Fn::And", "Fn::Or":
		a := t.args(fn, arg, at, 1)
		all := fn == "Fn::And"
		known = true
		for _, c := range a {
			cv, ck := sub(c)
			if ck && cv != all {
				return !all, true
			}
			known = known && ck
		}
		return all, known && a != nil
	}
	return false, false
}
