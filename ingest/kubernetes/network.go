package kubernetes

import (
	"sort"
	"strings"

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
	types := stringList(get(spec, "policyTypes"))
	ingress := get(spec, "ingress")
	if len(types) > 0 && !hasFold(types, "Ingress") {
		// An egress-only policy leaves the pods' ingress alone.
		r.node(n, o.line, true)
		return
	}
	mode := "deny"
	for _, rule := range items(ingress) {
		mode = "rules"
		if len(items(get(rule, "from"))) == 0 {
			mode = "open"
			break
		}
	}
	n.SetAttr(attrIngress, mode)
	r.node(n, o.line, true)
}

func hasFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
