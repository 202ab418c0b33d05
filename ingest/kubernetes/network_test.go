package kubernetes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServicesAndNetworkPolicies(t *testing.T) {
	res := parseTestdata(t, "network.yaml")
	if res.Records != 7 {
		t.Errorf("Records = %d, want 7", res.Records)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics: %v", res.Diags)
	}
	base := func(ns, name, typ string, kv ...string) map[string]string {
		m := map[string]string{"provider": "kubernetes", "type": typ, "namespace": ns, "name": name}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		id   string
		want map[string]string
	}{
		{"k8s:service:data/cache", base("data", "cache", "k8s-service",
			"service_type", "ClusterIP", "selector", "app=store,tier=cache", "ports", "6379")},
		{"k8s:service:web/front", base("web", "front", "k8s-service",
			"service_type", "NodePort", "selector", "app=front", "ports", "80", "node_ports", "30080")},
		// Without a selector a Service sends to endpoints set by hand.
		{"k8s:service:data/external-db", base("data", "external-db", "k8s-service", "service_type", "ClusterIP", "ports", "5432")},
		{"k8s:networkpolicy:data/deny-all", base("data", "deny-all", "k8s-network-policy", "ingress", "deny")},
		{"k8s:networkpolicy:data/from-web", base("data", "from-web", "k8s-network-policy", "pod_selector", "tier=cache", "ingress", "rules")},
		{"k8s:networkpolicy:web/allow-any", base("web", "allow-any", "k8s-network-policy", "selector_expressions", "true", "ingress", "open")},
		// An egress-only policy leaves ingress alone.
		{"k8s:networkpolicy:web/egress-only", base("web", "egress-only", "k8s-network-policy")},
	}
	for _, tt := range tests {
		n := nodeOf(t, res, tt.id)
		if diff := cmp.Diff(tt.want, n.Attrs); diff != "" {
			t.Errorf("%s attrs (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestLabelsWithMergeKeys(t *testing.T) {
	// kubectl resolves YAML merge keys, so the pods carry app=web and
	// tier=back, and the Service selects app=web and tier=front. An
	// explicit key wins over a merged one, and a repeated key takes its
	// last value.
	const doc = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata:
      labels:
        <<: [&base {app: web, tier: base}, {zone: a, app: other}]
        tier: back
        tier: back
    spec:
      containers: [{name: api, image: registry.example.org/shop/api:1.0}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector:
    <<: &sel {app: web}
    tier: middle
    tier: front
  ports: [{port: 80}]
`
	res := parseBytes(t, "merge.yaml", []byte(doc))
	if got := nodeOf(t, res, "k8s:workload:shop/Deployment/api").Attrs["pod_labels"]; got != "app=web,tier=back,zone=a" {
		t.Errorf("pod_labels = %q, want app=web,tier=back,zone=a", got)
	}
	if got := nodeOf(t, res, "k8s:service:shop/web").Attrs["selector"]; got != "app=web,tier=front" {
		t.Errorf("selector = %q, want app=web,tier=front", got)
	}
}
