package link

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// BenchmarkPodNetwork derives the pod network of one crowded namespace:
// 1000 workloads whose pods carry 20 labels, and 1000 Services whose
// 19-label selectors each pick a seventh of them, with one NetworkPolicy
// that names sources.
func BenchmarkPodNetwork(b *testing.B) {
	const workloads, services, labels = 1000, 1000, 20
	var nodes []graph.Node
	for i := range workloads {
		ls := []string{fmt.Sprintf("app=a%d", i)}
		for j := range labels - 1 {
			ls = append(ls, fmt.Sprintf("l%02d=v%d", j, i%7))
		}
		name := fmt.Sprintf("w%d", i)
		n := graph.Node{ID: graph.K8sWorkloadID("big", "Deployment", name), Kind: graph.NodeRuntime, Label: name}
		for k, v := range map[string]string{"provider": "kubernetes", "type": "k8s-workload", "namespace": "big",
			"name": name, "pod_labels": strings.Join(ls, ",")} {
			n.SetAttr(k, v)
		}
		nodes = append(nodes, n)
	}
	for i := range services {
		var sel []string
		for j := range labels - 1 {
			sel = append(sel, fmt.Sprintf("l%02d=v%d", j, i%7))
		}
		name := fmt.Sprintf("s%d", i)
		n := graph.Node{ID: graph.K8sServiceID("big", name), Kind: graph.NodeResource, Label: name}
		for k, v := range map[string]string{"provider": "kubernetes", "type": "k8s-service", "namespace": "big",
			"name": name, "service_type": "ClusterIP", "selector": strings.Join(sel, ","), "ports": "80"} {
			n.SetAttr(k, v)
		}
		nodes = append(nodes, n)
	}
	pol := graph.Node{ID: graph.K8sNetworkPolicyID("big", "from-web"), Kind: graph.NodePolicy, Label: "from-web"}
	for k, v := range map[string]string{"provider": "kubernetes", "type": "k8s-network-policy", "namespace": "big",
		"name": "from-web", "pod_selector": "l00=v1", "ingress": "rules"} {
		pol.SetAttr(k, v)
	}
	nodes = append(nodes, pol)
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Nodes: nodes}, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := (&Linker{}).Derive(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
}
