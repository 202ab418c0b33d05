package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

// Internet ingress of an EC2 instance: whether the internet can send it
// requests, through an internet-facing load balancer that forwards to it or
// through its public address, as the security groups on the way admit.
const (
	ingressOpen      = "open"      // a security group admits 0.0.0.0/0 or ::/0
	ingressUndecided = "undecided" // the admitted addresses are not resolved
)

// internetIngress returns the ingress of an instance (ingressOpen,
// ingressUndecided or "") and what the internet reaches it through: the
// load balancer's address or "public_ip".
func (e *emitter) internetIngress(b *block, bv *blockVal) (level, via string) {
	consider := func(l, v string) {
		if rank(l) > rank(level) {
			level, via = l, v
		}
	}
	// A load balancer comes first: of two ways in, the one that forwards
	// requests to the application explains the edge.
	for _, lb := range e.loadBalancersOf(b) {
		if v := e.ev.objs[lb.addr]; v != nil && isTrue(v.attrs["internal"]) {
			continue
		}
		consider(e.groupsIngress(lb, "security_groups"), lb.addr)
	}
	if isTrue(bv.attrs["associate_public_ip_address"]) {
		consider(e.groupsIngress(b, "vpc_security_group_ids", "security_groups"), "public_ip")
	}
	return level, via
}

func isTrue(v cty.Value) bool {
	return v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.Type() == cty.Bool && v.True()
}

func rank(level string) int {
	switch level {
	case ingressOpen:
		return 2
	case ingressUndecided:
		return 1
	}
	return 0
}

// loadBalancersOf returns the load balancers whose listeners forward to a
// target group that the instance is attached to, sorted by address.
func (e *emitter) loadBalancersOf(inst *block) []*block {
	groups := map[string]bool{}
	for _, att := range e.blocksOf("aws_lb_target_group_attachment", "aws_alb_target_group_attachment") {
		if a := att.attr("target_id"); a == nil || !refersTo(e.refs(a.Expr), inst.addr) {
			continue
		}
		if a := att.attr("target_group_arn"); a != nil {
			for _, r := range e.refs(a.Expr).blocks {
				groups[r.addr] = true
			}
		}
	}
	seen := map[string]bool{}
	var out []*block
	for _, l := range e.blocksOf("aws_lb_listener", "aws_alb_listener") {
		forwards := false
		for _, act := range l.nested("default_action") {
			if a := act.Body.Attributes["target_group_arn"]; a != nil {
				for _, r := range e.refs(a.Expr).blocks {
					forwards = forwards || groups[r.addr]
				}
			}
		}
		a := l.attr("load_balancer_arn")
		if !forwards || a == nil {
			continue
		}
		for _, r := range e.refs(a.Expr).blocks {
			if lb := e.ev.m.blocks[r.addr]; lb != nil && !seen[lb.addr] && (lb.typ == "aws_lb" || lb.typ == "aws_alb") {
				seen[lb.addr] = true
				out = append(out, lb)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}

// blocksOf returns the resource blocks of the given types, sorted by
// address.
func (e *emitter) blocksOf(types ...string) []*block {
	var out []*block
	for _, b := range e.ev.m.blocks {
		if b.data {
			continue
		}
		for _, t := range types {
			if b.typ == t {
				out = append(out, b)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}

func refersTo(ri refInfo, addr string) bool {
	for _, r := range ri.blocks {
		if r.addr == addr || r.inst.addr == addr {
			return true
		}
	}
	return false
}

// groupsIngress returns the widest ingress that the security groups named
// by the arguments of b admit from the internet. A block that names no
// group gets its network's default group, which the input does not show.
func (e *emitter) groupsIngress(b *block, args ...string) string {
	level, named := "", false
	for _, arg := range args {
		a := b.attr(arg)
		if a == nil {
			continue
		}
		named = true
		groups := e.refsTo(a.Expr, "aws_security_group")
		if len(groups) == 0 {
			// Group ids given as variables or literals: rules unknown.
			level = maxLevel(level, ingressUndecided)
		}
		for _, sg := range groups {
			for _, in := range sg.nested("ingress") {
				level = maxLevel(level, e.ruleIngress(sg, in))
			}
		}
	}
	if !named {
		return ingressUndecided
	}
	return level
}

func maxLevel(a, b string) string {
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// ruleIngress reads the address lists of one ingress rule.
func (e *emitter) ruleIngress(sg *block, in *hclsyntax.Block) string {
	level := ""
	for _, name := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
		a := in.Body.Attributes[name]
		if a == nil {
			continue
		}
		v, diags := e.ev.value(a.Expr, sg)
		if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
			level = maxLevel(level, ingressUndecided)
			continue
		}
		for _, el := range v.AsValueSlice() {
			s, ok := str(el)
			switch {
			case !ok || strings.Contains(s, "${"):
				level = maxLevel(level, ingressUndecided)
			case s == "0.0.0.0/0" || s == "::/0":
				level = ingressOpen
			}
		}
	}
	return level
}

// ingressAttrs sets graph.AttrInternetIngress and the attribute naming
// what the internet passes through.
func ingressAttrs(attrs map[string]string, level, via string) {
	if level == "" {
		return
	}
	attrs[graph.AttrInternetIngress] = level
	attrs[graph.AttrInternetIngress+"_via"] = via
}
