package kubernetes

import (
	"fmt"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
)

// Network facts: which pods a Service sends connections to, and which pods
// a NetworkPolicy isolates. The linker turns them into the edges of
// application input over the pod network.

// Attributes of Service and NetworkPolicy nodes and of workloads.
const (
	attrPodLabels = "pod_labels" // workload: its pods' labels, "key=value" sorted
	attrSelector  = "selector"   // Service: the labels of the pods it sends to
	// NetworkPolicy: the labels of the pods it applies to (empty: every pod
	// of its namespace), whether it also has matchExpressions, and its
	// ingress rule: deny, open or rules.
	attrPodSelector = "pod_selector"
	attrExpressions = "selector_expressions"
	attrIngress     = "ingress"
	attrEgress      = "egress" // the same for egress: deny, open or rules
)

// labelList returns a label map as sorted "key=value" entries.
func labelList(n *yaml.Node) []string {
	var out []string
	for _, e := range entries(n) {
		out = append(out, e.key+"="+str(e.val))
	}
	sort.Strings(out)
	return out
}

// podLabels returns the labels of the pods a workload runs.
func podLabels(o *object) []string {
	path := workloadKinds[o.kind]
	template := dig(o.n, path[:len(path)-1]...)
	return labelList(dig(template, "metadata", "labels"))
}

func (r *reader) service(o *object) {
	spec := get(o.n, "spec")
	n := newNode(graph.K8sServiceID(o.ns, o.name), graph.NodeResource, "service "+o.ns+"/"+o.name, "k8s-service")
	n.SetAttr("namespace", o.ns)
	n.SetAttr(graph.AttrName, o.name)
	typ := str(get(spec, "type"))
	if typ == "" {
		typ = "ClusterIP"
	}
	n.SetAttr("service_type", typ)
	if sel := labelList(get(spec, "selector")); len(sel) > 0 {
		n.SetAttr(attrSelector, graph.JoinList(sel))
	}
	var ports, nodePorts []string
	for _, p := range items(get(spec, "ports")) {
		if v := str(get(p, "port")); v != "" {
			ports = append(ports, v)
		}
		if v := str(get(p, "nodePort")); v != "" {
			nodePorts = append(nodePorts, v)
		}
	}
	if len(ports) > 0 {
		n.SetAttr("ports", graph.JoinList(ports))
	}
	if len(nodePorts) > 0 {
		n.SetAttr("node_ports", graph.JoinList(nodePorts))
	}
	r.node(n, o.line, true)
}

func (r *reader) networkPolicy(o *object) {
	spec := get(o.n, "spec")
	if bad, problem := invalidPolicy(spec); problem != "" {
		// A policy the API server rejects isolates no pod, and reading it
		// as deny-all would close paths that exist.
		r.warnf(line(bad, o.line), "NetworkPolicy %s: %s, so the API server rejects it: skipped", label(o.ns, o.name), problem)
		return
	}

	n := newNode(graph.K8sNetworkPolicyID(o.ns, o.name), graph.NodePolicy, "network policy "+o.ns+"/"+o.name, "k8s-network-policy")
	n.SetAttr("namespace", o.ns)
	n.SetAttr(graph.AttrName, o.name)
	sel := get(spec, "podSelector")
	if ls := labelList(get(sel, "matchLabels")); len(ls) > 0 {
		n.SetAttr(attrPodSelector, graph.JoinList(ls))
	}
	if len(items(get(sel, "matchExpressions"))) > 0 {
		n.SetAttr(attrExpressions, "true")
	}

	// Without policyTypes a policy limits ingress, and egress too when it
	// has egress rules, as the API server defaults them.
	types := stringList(get(spec, "policyTypes"))
	egress := get(spec, "egress")
	if len(types) == 0 || slices.Contains(types, "Ingress") {
		n.SetAttr(attrIngress, ruleMode(get(spec, "ingress"), "from"))
	}
	if slices.Contains(types, "Egress") || len(types) == 0 && len(items(egress)) > 0 {
		n.SetAttr(attrEgress, ruleMode(egress, "to"))
	}
	r.node(n, o.line, true)
}

// ruleMode returns how the ingress or egress rules of a policy limit its
// pods' traffic: deny (no rule), open (a rule without peers, the from or
// to field) or rules (every rule names peers).
func ruleMode(rules *yaml.Node, peers string) string {
	mode := "deny"
	for _, rule := range items(rules) {
		mode = "rules"
		if len(items(get(rule, peers))) == 0 {
			return "open"
		}
	}
	return mode
}

// invalidPolicy returns the first field of a NetworkPolicy spec whose
// shape the API server rejects, with the problem, or nil and "".
func invalidPolicy(spec *yaml.Node) (*yaml.Node, string) {
	sel := get(spec, "podSelector")
	if !shaped(sel, yaml.MappingNode) {
		return sel, "podSelector is not a mapping"
	}
	if ml := get(sel, "matchLabels"); !shaped(ml, yaml.MappingNode) {
		return ml, "podSelector.matchLabels is not a mapping"
	}
	types := get(spec, "policyTypes")
	if !shaped(types, yaml.SequenceNode) {
		return types, "policyTypes is not a list"
	}
	for _, t := range items(types) {
		if v := str(t); v != "Ingress" && v != "Egress" {
			return t, fmt.Sprintf("policyTypes holds %q, not Ingress or Egress", v)
		}
	}
	for _, dir := range [][2]string{{"ingress", "from"}, {"egress", "to"}} {
		rules := get(spec, dir[0])
		if !shaped(rules, yaml.SequenceNode) {
			return rules, dir[0] + " is not a list"
		}
		for i, rule := range items(rules) {
			if !shaped(rule, yaml.MappingNode) {
				return rule, fmt.Sprintf("%s rule %d is not a mapping", dir[0], i+1)
			}
			if peers := get(rule, dir[1]); !shaped(peers, yaml.SequenceNode) {
				return peers, fmt.Sprintf("%s rule %d: %s is not a list", dir[0], i+1, dir[1])
			}
		}
	}
	return nil, ""
}

// shaped reports whether n is absent, null or of the given kind.
func shaped(n *yaml.Node, kind yaml.Kind) bool {
	n = deref(n)
	return n == nil || n.Kind == kind || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
