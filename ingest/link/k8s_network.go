package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// The pod network. A pod can open connections to the pods behind every
// Service of the cluster unless a NetworkPolicy isolates them, and a
// NodePort or LoadBalancer Service also takes connections from outside.
// The rules below turn that into application input: each workload whose
// egress no NetworkPolicy closes CAN_INVOKE the pod network node
// (graph.ViaPodNetwork), the node CAN_INVOKE each workload a Service
// selects, and the anonymous caller CAN_INVOKE each workload an
// outside-facing Service selects.
//
// NOTE: only pods behind a Service are targets, though on a flat network
// every pod IP accepts connections. NetworkPolicy peers (namespace and pod selectors,
// address blocks) are not evaluated: a policy with ingress or egress rules
// makes the step possible.

// linkPodNetwork derives the edges of the pod network.
func (v *view) linkPodNetwork() {
	var workloads, services []graph.Node
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == "k8s-workload" {
			workloads = append(workloads, rt)
		}
	}
	for _, r := range v.byKind[graph.NodeResource] {
		if r.Attr("type") == "k8s-service" && r.Attr("selector") != "" {
			services = append(services, r)
		}
	}
	if len(workloads) == 0 || len(services) == 0 {
		return
	}
	// The policies that limit ingress, and egress, by namespace.
	policies, egress := map[string][]graph.Node{}, map[string][]graph.Node{}
	for _, p := range v.byKind[graph.NodePolicy] {
		if p.Attr("type") != "k8s-network-policy" {
			continue
		}
		ns := p.Attr("namespace")
		if p.Attr("ingress") != "" {
			policies[ns] = append(policies[ns], p)
		}
		if p.Attr("egress") != "" {
			egress[ns] = append(egress[ns], p)
		}
	}
	sort.Slice(services, func(i, j int) bool { return services[i].ID < services[j].ID })
	sort.Slice(workloads, func(i, j int) bool { return workloads[i].ID < workloads[j].ID })

	hub := graph.K8sPodNetworkID()
	pods := podIndex(workloads)
	// Each pair of the pod network node, or the anonymous caller, and a
	// workload gets one edge: the first Service that selects the
	// workload names it, as addEdge keeps the first of equal edges.
	served, exposed := make([]bool, len(workloads)), make([]bool, len(workloads))
	ingress := make([]*podAccess, len(workloads))
	targets := 0
	for _, svc := range services {
		ns := svc.Attr("namespace")
		for _, i := range pods.selected(ns, graph.SplitList(svc.Attr("selector"))) {
			w := workloads[i]
			if ingress[i] == nil {
				conf, detail, open := podTraffic(w, policies[ns], ingressRules)
				ingress[i] = &podAccess{conf: conf, detail: detail, open: open}
			}
			a := ingress[i]
			if !a.open {
				continue
			}
			targets++
			if !served[i] {
				served[i] = true
				e := graph.Edge{From: hub, To: w.ID, Kind: graph.EdgeCanInvoke, Confidence: a.conf, Pos: svc.Pos}
				e.SetAttr(graph.AttrVia, "service")
				e.SetAttr(graph.AttrReason, fmt.Sprintf("service %s/%s sends connections on port %s to the workload's pods%s",
					ns, svc.Attr(graph.AttrName), svc.Attr("ports"), a.detail))
				v.addEdge(e)
			}
			if !exposed[i] {
				exposed[i] = v.outsideInput(svc, w, a.detail)
			}
		}
	}
	if targets == 0 {
		return
	}
	n := graph.Node{ID: hub, Kind: graph.NodeResource, Label: "the cluster's pod network"}
	n.SetAttr(graph.AttrProvider, "kubernetes")
	n.SetAttr("type", "k8s-pod-network")
	n.SetAttr("scope", "true")
	v.addNode(n)
	for _, w := range workloads {
		conf, detail, open := podTraffic(w, egress[w.Attr("namespace")], egressRules)
		if !open {
			continue
		}
		e := graph.Edge{From: w.ID, To: hub, Kind: graph.EdgeCanInvoke, Confidence: conf, Pos: w.Pos}
		e.SetAttr(graph.AttrVia, graph.ViaPodNetwork)
		e.SetAttr(graph.AttrReason, "the workload's pods can open connections over the cluster's pod network"+detail)
		v.addEdge(e)
	}
}

// outsideInput derives CAN_INVOKE from the anonymous caller to a workload
// that a NodePort or LoadBalancer Service exposes outside the cluster.
// Whether the nodes or the load balancer face the internet is not in the
// manifests, so the edge is possible.
// It reports whether it added the edge.
func (v *view) outsideInput(svc, w graph.Node, detail string) bool {
	var exposure string
	switch svc.Attr("service_type") {
	case "NodePort":
		exposure = "exposes node port " + svc.Attr("node_ports") + " on every node; undecided: whether the nodes are reachable from the internet"
		if svc.Attr("node_ports") == "" {
			exposure = "exposes a node port on every node; undecided: whether the nodes are reachable from the internet"
		}
	case "LoadBalancer":
		exposure = "exposes its ports through a load balancer; undecided: whether the load balancer faces the internet"
	default:
		return false
	}
	e := graph.Edge{From: AnonymousID, To: w.ID, Kind: graph.EdgeCanInvoke, Confidence: graph.Possible, Pos: svc.Pos}
	e.SetAttr(graph.AttrVia, "service")
	e.SetAttr(graph.AttrReason, fmt.Sprintf("service %s/%s of type %s %s%s",
		svc.Attr("namespace"), svc.Attr(graph.AttrName), svc.Attr("service_type"), exposure, detail))
	v.addNode(anonymousNode())
	v.addEdge(e)
	return true
}

// podAccess is the decision of podTraffic on ingress for one workload:
// whether other pods can connect to its pods, how surely, and why.
type podAccess struct {
	conf   graph.Confidence
	detail string
	open   bool
}

// pods is an index of workloads by namespace and pod label.
type pods struct {
	// byLabel lists, per namespace and "key=value" label, the indexes of
	// the workloads whose pods carry it, ascending.
	byLabel map[string]map[string][]int
	labels  []map[string]bool // per workload
}

// podIndex builds the index of workloads.
func podIndex(workloads []graph.Node) *pods {
	p := &pods{byLabel: map[string]map[string][]int{}, labels: make([]map[string]bool, len(workloads))}
	for i, w := range workloads {
		ns := w.Attr("namespace")
		if p.byLabel[ns] == nil {
			p.byLabel[ns] = map[string][]int{}
		}
		p.labels[i] = map[string]bool{}
		for _, l := range graph.SplitList(w.Attr("pod_labels")) {
			if !p.labels[i][l] {
				p.labels[i][l] = true
				p.byLabel[ns][l] = append(p.byLabel[ns][l], i)
			}
		}
	}
	return p
}

// selected returns the indexes of the workloads of a namespace whose pods
// carry every label of sel, ascending. It reads the workloads with the
// rarest label of sel only.
func (p *pods) selected(ns string, sel []string) []int {
	if len(sel) == 0 {
		return nil
	}
	var rarest []int
	for i, l := range sel {
		ws := p.byLabel[ns][l]
		if i == 0 || len(ws) < len(rarest) {
			rarest = ws
		}
	}
	var out []int
	for _, i := range rarest {
		all := true
		for _, l := range sel {
			if !p.labels[i][l] {
				all = false
				break
			}
		}
		if all {
			out = append(out, i)
		}
	}
	return out
}

// hasLabels reports whether a workload's pods carry every label of sel.
func hasLabels(w graph.Node, sel []string) bool {
	have := graph.SplitList(w.Attr("pod_labels"))
	for _, l := range sel {
		if !contains(have, l) {
			return false
		}
	}
	return true
}

// podTraffic decides whether the NetworkPolicies of a workload's
// namespace let other pods connect to its pods (ingressRules), or its
// pods connect to others (egressRules). Policies add up: one that admits
// every peer opens the pods, and pods that only deny-all policies select
// are closed. Rules that name peers, and selectors with expressions, leave
// it undecided.
func podTraffic(w graph.Node, pols []graph.Node, d trafficRules) (conf graph.Confidence, detail string, open bool) {
	// maybe lists the policies whose expressions may select the pods and
	// that may isolate them, maybeOpen those that admit every peer, so that
	// they open the pods if they select them and close nothing if not.
	var selecting, maybe, maybeOpen []string
	deny := true
	for _, p := range pols {
		if !hasLabels(w, graph.SplitList(p.Attr("pod_selector"))) {
			continue
		}
		name := p.Attr(graph.AttrName)
		if p.Attr("selector_expressions") == "true" {
			if p.Attr(d.attr) == "open" {
				maybeOpen = append(maybeOpen, name)
			} else {
				maybe = append(maybe, name)
			}
			continue
		}
		switch p.Attr(d.attr) {
		case "open":
			return graph.Certain, "; network policy " + name + " " + d.open, true
		case "rules":
			deny = false
		}
		selecting = append(selecting, name)
	}
	switch {
	case len(selecting) == 0 && len(maybe) == 0:
		return graph.Certain, "", true
	case len(maybe) == 0 && len(maybeOpen) == 0 && deny:
		return "", "", false
	}
	names := append(append(selecting, maybe...), maybeOpen...)
	return graph.Possible, "; undecided: network policies " + strings.Join(names, ", ") + " " + d.restrict, true
}

// trafficRules names the NetworkPolicy attribute of one direction of
// traffic, and the words that explain its rules.
type trafficRules struct {
	attr, open, restrict string
}

var (
	ingressRules = trafficRules{attr: "ingress", open: "admits every source",
		restrict: "restrict ingress to sources the input does not resolve"}
	egressRules = trafficRules{attr: "egress", open: "allows every destination",
		restrict: "restrict egress to destinations the input does not resolve"}
)
