package kubernetes

import (
	"strings"
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
		// An egress-only policy leaves ingress alone, and its empty
		// egress list denies every destination.
		{"k8s:networkpolicy:web/egress-only", base("web", "egress-only", "k8s-network-policy", "egress", "deny")},
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

func TestInvalidNetworkPolicySkipped(t *testing.T) {
	// The API server rejects each of these policies, so none isolates a
	// pod. Reading them as deny-all would close paths that exist.
	const doc = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: selector-text, namespace: shop}
spec:
  podSelector: "app=web"
  ingress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lower-case, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress-text, namespace: shop}
spec:
  podSelector: {}
  ingress: "none"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-text, namespace: shop}
spec:
  podSelector: {}
  ingress:
    - from: "nowhere"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: valid, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`
	res := parseBytes(t, "policies.yaml", []byte(doc))
	for _, name := range []string{"selector-text", "lower-case", "ingress-text", "from-text"} {
		for _, n := range res.Nodes {
			if n.ID == "k8s:networkpolicy:shop/"+name {
				t.Errorf("policy %s read as %v, want it skipped", name, n.Attrs)
			}
		}
	}
	if got := nodeOf(t, res, "k8s:networkpolicy:shop/valid").Attrs["ingress"]; got != "deny" {
		t.Errorf("valid policy ingress = %q, want deny", got)
	}
	wantLines := map[int]bool{5: true, 13: true, 20: true, 28: true}
	for _, d := range res.Diags {
		if !wantLines[d.Pos.Line] || !strings.Contains(d.Msg, "the API server rejects") {
			t.Errorf("unexpected diagnostic %v", d)
		}
		delete(wantLines, d.Pos.Line)
	}
	if len(wantLines) > 0 {
		t.Errorf("no diagnostic at lines %v; got %v", wantLines, res.Diags)
	}
}

func TestNetworkPolicyEgress(t *testing.T) {
	// Egress counts when policyTypes lists it, or, without policyTypes,
	// when the policy has egress rules.
	const doc = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-out, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-only, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  egress:
    - to: [{namespaceSelector: {}}]
      ports: [{port: 53, protocol: UDP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: any-out, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
  egress: [{ports: [{port: 443}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-egress, namespace: shop}
spec:
  podSelector: {}
  egress: []
`
	res := parseBytes(t, "egress.yaml", []byte(doc))
	for name, want := range map[string][2]string{
		"deny-out":     {"", "deny"},
		"dns-only":     {"deny", "rules"},
		"any-out":      {"open", "open"},
		"empty-egress": {"deny", ""},
	} {
		attrs := nodeOf(t, res, "k8s:networkpolicy:shop/"+name).Attrs
		if got := attrs["ingress"]; got != want[0] {
			t.Errorf("%s: ingress = %q, want %q", name, got, want[0])
		}
		if got := attrs["egress"]; got != want[1] {
			t.Errorf("%s: egress = %q, want %q", name, got, want[1])
		}
	}
}
