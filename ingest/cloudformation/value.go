package cloudformation

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest"
)

// Template values are strings, jsonRaw numbers, booleans and nulls, []any
// lists, *object mappings and noValue.
//
// object is a mapping that keeps its keys in the template's order, so that
// a policy document renders in the order it was written.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[k]
	return v, ok
}

// jsonRaw is a number, boolean or null, written as JSON.
type jsonRaw string

// noValueType is the value of Ref AWS::NoValue: the property it sets is
// left out.
type noValueType struct{}

var noValue = noValueType{}

// placeholder returns "${ref}", the text of a value the template does not
// show, such as the name CloudFormation generates for an unnamed resource.
func placeholder(ref string) string { return "${" + ref + "}" }

// literalOpen marks the text "${" that Fn::Sub writes for the escape "${!",
// so that unresolvedIn and a later Fn::Sub do not take it for the start of
// a placeholder. literalText writes it as "${" where a value leaves the
// reader. NOTE: a template that contains this text itself reads it as "${".
const literalOpen = "$\x00{"

// literalText returns s with each literalOpen written as "${".
func literalText(s string) string {
	if !strings.Contains(s, literalOpen) {
		return s
	}
	return strings.ReplaceAll(s, literalOpen, "${")
}

// placeholderRef matches the placeholders placeholder writes: a logical
// id, a logical id and attribute, the stack's name or id, or an imported
// value. IAM policy variables such as ${aws:username} do not match.
var placeholderRef = regexp.MustCompile(`\$\{(AWS::Stack(?:Name|Id)|ImportValue:[^{}]*|[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)\}`)

// unresolvedIn lists the placeholders in texts, without repeats.
func unresolvedIn(texts ...string) []string {
	return ingest.Placeholders(placeholderRef, texts...)
}

// asString returns a value as a string: a string, or a number or boolean
// in its JSON form.
func asString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case jsonRaw:
		if v == "null" {
			return "", false
		}
		return string(v), true
	}
	return "", false
}

// asList returns a value as a list without its AWS::NoValue items. A
// single string is a list of one.
func asList(v any) ([]any, bool) {
	switch v := v.(type) {
	case []any:
		out := make([]any, 0, len(v))
		for _, it := range v {
			if it != noValue {
				out = append(out, it)
			}
		}
		return out, true
	case string, jsonRaw:
		return []any{v}, true
	}
	return nil, false
}

// asStrings returns a list of strings. ok is false when an item is not a
// string.
func asStrings(v any) ([]string, bool) {
	list, ok := asList(v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, it := range list {
		s, ok := asString(it)
		if !ok {
			return out, false
		}
		out = append(out, s)
	}
	return out, true
}

// renderJSON writes a value as compact JSON, keys in their order and
// without HTML escapes, leaving out AWS::NoValue entries.
func renderJSON(v any) (string, bool) {
	var buf bytes.Buffer
	if !writeJSON(&buf, v) {
		return "", false
	}
	return buf.String(), true
}

func writeJSON(buf *bytes.Buffer, v any) bool {
	switch v := v.(type) {
	case string:
		writeString(buf, v)
	case jsonRaw:
		buf.WriteString(string(v))
	case []any:
		buf.WriteByte('[')
		first := true
		for _, it := range v {
			if it == noValue {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			if !writeJSON(buf, it) {
				return false
			}
		}
		buf.WriteByte(']')
	case *object:
		buf.WriteByte('{')
		first := true
		for _, k := range v.keys {
			it := v.vals[k]
			if it == noValue {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeString(buf, k)
			buf.WriteByte(':')
			if !writeJSON(buf, it) {
				return false
			}
		}
		buf.WriteByte('}')
	default:
		return false
	}
	return true
}

// writeString writes s as a JSON string, with each literalOpen kept as it
// is.
func writeString(buf *bytes.Buffer, s string) {
	if strings.Contains(s, literalOpen) {
		// Escaping works character by character, so the parts between
		// the marks escape alone.
		buf.WriteByte('"')
		for i, part := range strings.Split(s, literalOpen) {
			if i > 0 {
				buf.WriteString(literalOpen)
			}
			var b bytes.Buffer
			writeString(&b, part)
			buf.Write(b.Bytes()[1 : b.Len()-1])
		}
		buf.WriteByte('"')
		return
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	buf.Truncate(buf.Len() - 1) // the encoder's newline
}
