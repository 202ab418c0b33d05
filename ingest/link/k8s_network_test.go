package link

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestPodNetwork(t *testing.T) {
	wl := func(ns, name, labels string) graph.Node {
		return node(graph.K8sWorkloadID(ns, "Deployment", name), graph.NodeRuntime,
			"provider", "kubernetes", "type", "k8s-workload", "namespace", ns, "name", name, "pod_labels", labels)
	}
	svc := func(ns, name, typ, selector string) graph.Node {
		return node(graph.K8sServiceID(ns, name), graph.NodeResource, "provider", "kubernetes", "type", "k8s-service",
			"namespace", ns, "name", name, "service_type", typ, "selector", selector, "ports", "80")
	}
	pol := func(ns, name, selector, ingress string, extra ...string) graph.Node {
		return node(graph.K8sNetworkPolicyID(ns, name), graph.NodePolicy, append([]string{"provider", "kubernetes",
			"type", "k8s-network-policy", "namespace", ns, "name", name, "pod_selector", selector, "ingress", ingress}, extra...)...)
	}
	cache, batch, front := wl("data", "cache", "app=store,tier=cache"), wl("data", "batch", "app=batch"), wl("web", "front", "app=front")
	tool, api := wl("default", "tool", "app=tool"), wl("default", "api", "app=api,version=2")
	ops := wl("ops", "ops", "app=ops")
	nodes := []graph.Node{cache, batch, front, tool, api,
		svc("data", "cache", "ClusterIP", "app=store,tier=cache"),
		svc("data", "batch", "ClusterIP", "app=batch"),
		svc("web", "front", "NodePort", "app=front"),
		svc("default", "api", "ClusterIP", "app=api"),
		// A selector label the pods lack selects nothing.
		svc("default", "old-api", "LoadBalancer", "app=api,version=1"),
		// cache: a deny-all and a policy with sources, so some pods may
		// connect; batch: deny-all alone closes it.
		pol("data", "deny-all", "", "deny"),
		pol("data", "from-web", "tier=cache", "rules"),
		// front: an open policy whose selector has expressions may or may
		// not select it. Either way nothing isolates front.
		pol("web", "allow-any", "", "open", "selector_expressions", "true"),
		// ops: deny-all isolates it, and an open policy whose selector has
		// expressions may or may not admit every source to it.
		ops, svc("ops", "ops", "ClusterIP", "app=ops"),
		pol("ops", "deny-all", "", "deny"),
		pol("ops", "allow-any", "", "open", "selector_expressions", "true"),
	}
	hub := graph.K8sPodNetworkID()
	want := []string{
		AnonymousID + " -> " + front.ID + " (possible)",
		api.ID + " -> " + hub + " (certain)",
		batch.ID + " -> " + hub + " (certain)",
		cache.ID + " -> " + hub + " (certain)",
		front.ID + " -> " + hub + " (certain)",
		hub + " -> " + api.ID + " (certain)",
		hub + " -> " + cache.ID + " (possible)",
		hub + " -> " + front.ID + " (certain)",
		hub + " -> " + ops.ID + " (possible)",
		ops.ID + " -> " + hub + " (certain)",
		tool.ID + " -> " + hub + " (certain)",
	}
	got := derive(t, nodes, nil, graph.EdgeCanInvoke)
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_INVOKE (-want +got):\n%s", diff)
	}
	// Without a Service nothing is a target, and no edge is made.
	if got := derive(t, []graph.Node{tool, api}, nil, graph.EdgeCanInvoke); len(got) != 0 {
		t.Errorf("CAN_INVOKE without services = %v, want none", got)
	}
}

func TestPodNetworkEgress(t *testing.T) {
	// a's pods may send nothing, b's only to the destinations its policy
	// names, and c's anywhere. A Service selects c so that the pod
	// network has a target.
	wl := func(name string) graph.Node {
		return node(graph.K8sWorkloadID("out", "Deployment", name), graph.NodeRuntime,
			"provider", "kubernetes", "type", "k8s-workload", "namespace", "out", "name", name, "pod_labels", "app="+name)
	}
	pol := func(name, selector, egress string) graph.Node {
		return node(graph.K8sNetworkPolicyID("out", name), graph.NodePolicy, "provider", "kubernetes",
			"type", "k8s-network-policy", "namespace", "out", "name", name, "pod_selector", selector, "egress", egress)
	}
	a, b, c := wl("a"), wl("b"), wl("c")
	nodes := []graph.Node{a, b, c,
		node(graph.K8sServiceID("out", "c"), graph.NodeResource, "provider", "kubernetes", "type", "k8s-service",
			"namespace", "out", "name", "c", "service_type", "ClusterIP", "selector", "app=c", "ports", "80"),
		pol("deny-a", "app=a", "deny"),
		pol("dns-b", "app=b", "rules"),
	}
	hub := graph.K8sPodNetworkID()
	want := []string{
		b.ID + " -> " + hub + " (possible)",
		c.ID + " -> " + hub + " (certain)",
		hub + " -> " + c.ID + " (certain)",
	}
	sort.Strings(want)
	got := derive(t, nodes, nil, graph.EdgeCanInvoke)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_INVOKE (-want +got):\n%s", diff)
	}
}
