package terraform

import (
	"sort"
	"strings"
)

// triggers returns the ARNs of the queues, streams and topics whose
// messages invoke a Lambda function: the event source mappings whose
// function_name refers to the function, and the SNS subscriptions with
// protocol "lambda" whose endpoint refers to it. Sorted, without repeats.
func (e *emitter) triggers(fn *block) []string {
	seen := map[string]bool{}
	var out []string
	add := func(src *block, arg string) {
		a := src.attr(arg)
		if a == nil {
			return
		}
		v, diags := e.ev.value(a.Expr, src)
		arn, ok := str(v)
		if diags.HasErrors() || !ok || !strings.HasPrefix(arn, "arn:") || strings.Contains(arn, ",") || seen[arn] {
			return
		}
		seen[arn] = true
		out = append(out, arn)
	}
	for _, m := range e.blocksOf("aws_lambda_event_source_mapping") {
		if a := m.attr("function_name"); a != nil && refersTo(e.refs(a.Expr), fn.addr) {
			add(m, "event_source_arn")
		}
	}
	for _, sub := range e.blocksOf("aws_sns_topic_subscription") {
		a := sub.attr("endpoint")
		if a == nil || !refersTo(e.refs(a.Expr), fn.addr) {
			continue
		}
		if v, ok := attrStr(e.ev.objs[sub.addr], "protocol"); ok && v == "lambda" {
			add(sub, "topic_arn")
		}
	}
	sort.Strings(out)
	return out
}
