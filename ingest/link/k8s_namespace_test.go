package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestInstallNamespace(t *testing.T) {
	const (
		manifest = "deploy/install.yaml"
		sa       = "k8s:sa:payments/api"
		token    = "secret:k8s:sa-token:payments/api"
		binding  = "k8s:clusterrolebinding:api"
		workload = "k8s:workload:default/Deployment/api"
	)
	at := func(n graph.Node, file string) graph.Node {
		n.Pos = graph.Pos{File: file, Line: 1}
		return n
	}
	tests := []struct {
		name        string
		bindingFile string
		wl          []string // workload attributes
		want        []string
	}{
		{name: "binding below the manifest's folder", bindingFile: "deploy/rbac/binding.yaml",
			wl:   []string{"namespace_unset", "true"},
			want: []string{workload + " -> " + token + " (possible)"}},
		{name: "binding in the same folder", bindingFile: "deploy/binding.yaml",
			wl:   []string{"namespace_unset", "true"},
			want: []string{workload + " -> " + token + " (possible)"}},
		{name: "binding of another manifest set", bindingFile: "other/binding.yaml",
			wl: []string{"namespace_unset", "true"}},
		{name: "manifest names its namespace", bindingFile: "deploy/rbac/binding.yaml"},
		{name: "token not mounted", bindingFile: "deploy/rbac/binding.yaml",
			wl: []string{"namespace_unset", "true", "automount_token", "false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wlAttrs := append([]string{"provider", "kubernetes", "type", "k8s-workload", "namespace", "default",
				"service_account", "api"}, tc.wl...)
			nodes := []graph.Node{
				at(node(workload, graph.NodeRuntime, wlAttrs...), manifest),
				at(node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "service-account"), tc.bindingFile),
				at(node(token, graph.NodeSecret, "provider", "kubernetes", "type", "service-account-token"), tc.bindingFile),
				at(node(binding, graph.NodePolicy, "provider", "kubernetes", "type", "k8s-clusterrolebinding",
					"role", graph.K8sClusterRoleID("view")), tc.bindingFile),
			}
			edges := []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding), edge(token, graph.EdgeAuthenticatesAs, sa)}
			var got []string
			for _, e := range derive(t, nodes, edges, graph.EdgeExposes) {
				if e != workload+" -> secret:k8s:sa-token:default/api (certain)" {
					got = append(got, e)
				}
			}
			if diff := cmp.Diff(got, tc.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("EXPOSES (-got +want):\n%s", diff)
			}
		})
	}
}
