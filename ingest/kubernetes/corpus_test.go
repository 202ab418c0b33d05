package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

const corpus = "../../../shared/corpus"

// TestCorpus reads the Kubernetes manifests of the shared corpus: none may
// be rejected, and the counts of objects read are those of the files
// (kinds this package reads, counted by hand or from the item lists).
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present")
	}
	goat := "madhuakula__kubernetes-goat/"
	argo := "argoproj__argo-cd/manifests/"
	fix := "someengineering__fixinventory/plugins/k8s/test/files/"
	tests := []struct {
		path    string
		records int
	}{
		{goat + "scenarios/batch-check/job.yaml", 1},
		{goat + "scenarios/build-code/deployment.yaml", 2},  // Service, Deployment
		{goat + "scenarios/cache-store/deployment.yaml", 3}, // Namespace, Service, Deployment
		{goat + "scenarios/docker-bench-security/deployment.yaml", 1},
		{goat + "scenarios/health-check/deployment.yaml", 2},
		{goat + "scenarios/hidden-in-layers/deployment.yaml", 1},
		{goat + "scenarios/insecure-rbac/setup.yaml", 2},       // ServiceAccount, ClusterRoleBinding
		{goat + "scenarios/internal-proxy/deployment.yaml", 3}, // Deployment, 2 Services
		{goat + "scenarios/kubernetes-goat-home/deployment.yaml", 2},
		{goat + "scenarios/poor-registry/deployment.yaml", 2},
		{goat + "scenarios/system-monitor/deployment.yaml", 3}, // Secret, Deployment, Service
		{goat + "platforms/kind-setup/kind-cluster-setup.yaml", 0},
		// 7 ServiceAccounts, 6 Roles, 6 RoleBindings, 2 Secrets, 6
		// Deployments, 1 StatefulSet, 8 Services, 7 NetworkPolicies;
		// ConfigMaps are not read.
		{argo + "namespace-install.yaml", 43},
		{argo + "cluster-rbac/application-controller/argocd-application-controller-clusterrole.yaml", 1},
		{argo + "cluster-rbac/application-controller/argocd-application-controller-clusterrolebinding.yaml", 1},
		{argo + "base/application-controller-roles/argocd-application-controller-sa.yaml", 1},
		{fix + "api_v1_namespaces.json", 9},
		{fix + "api_v1_pods.json", 33},
		{fix + "api_v1_secrets.json", 21},
		{fix + "api_v1_serviceaccounts.json", 65},
		{fix + "apis_apps_v1_daemonsets.json", 5},
		{fix + "apis_apps_v1_deplpoyments.json", 13},
		{fix + "apis_apps_v1_statefulsets.json", 2},
		{fix + "apis_rbac.authorization.k8s.io_v1_clusterrolebindings.json", 90},
		{fix + "apis_rbac.authorization.k8s.io_v1_clusterroles.json", 103},
		{fix + "apis_rbac.authorization.k8s.io_v1_rolebindings.json", 19},
		{fix + "apis_rbac.authorization.k8s.io_v1_roles.json", 18},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpus, tt.path))
			if err != nil {
				t.Skip("not in the corpus")
			}
			if !New().Detect(bytesFile(tt.path, data)) {
				t.Fatal("not detected")
			}
			res := parseBytes(t, tt.path, data)
			if res.Records != tt.records {
				t.Errorf("Records = %d, want %d", res.Records, tt.records)
			}
			for _, d := range res.Diags {
				// The dump's token values are cut short, so not base64.
				if !strings.Contains(d.Msg, "name no namespace") && !strings.HasPrefix(d.Msg, "27 Secret data values are not base64") {
					t.Errorf("diagnostic: %s", d)
				}
			}
		})
	}
}

// TestCorpusFacts checks the facts the corpus labs' documented paths rest
// on.
func TestCorpusFacts(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("shared corpus not present")
	}
	read := func(path string) []string {
		data, err := os.ReadFile(filepath.Join(corpus, path))
		if err != nil {
			t.Skip("not in the corpus")
		}
		res := parseBytes(t, path, data)
		var out []string
		for _, e := range res.Edges {
			if e.Kind == graph.EdgeRunsOn || e.Kind == graph.EdgeHasPolicy {
				out = append(out, e.From+" -"+string(e.Kind)+"-> "+e.To+" ("+string(e.Confidence)+") "+e.Attr("escape"))
			}
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"madhuakula__kubernetes-goat/scenarios/system-monitor/deployment.yaml",
			[]string{"k8s:workload:default/Deployment/system-monitor-deployment -RUNS_ON-> k8s:node:* (certain) host-path:/,privileged"}},
		{"madhuakula__kubernetes-goat/scenarios/health-check/deployment.yaml",
			[]string{"k8s:workload:default/Deployment/health-check-deployment -RUNS_ON-> k8s:node:* (certain) host-path:/run/containerd/containerd.sock,privileged"}},
		{"madhuakula__kubernetes-goat/scenarios/docker-bench-security/deployment.yaml",
			[]string{"k8s:workload:default/DaemonSet/docker-bench-security -RUNS_ON-> k8s:node:* (certain) host-path:/etc,host-path:/var/lib,host-path:/var/run/docker.sock,privileged"}},
		{"madhuakula__kubernetes-goat/scenarios/insecure-rbac/setup.yaml",
			[]string{"k8s:sa:kube-system/superadmin -HAS_POLICY-> k8s:clusterrolebinding:superadmin (certain) "}},
	}
	for _, tt := range tests {
		if diff := diffStrings(tt.want, read(tt.path)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
	}
}

func diffStrings(want, got []string) string {
	if strings.Join(want, "\n") == strings.Join(got, "\n") {
		return ""
	}
	return "- " + strings.Join(want, "\n- ") + "\n+ " + strings.Join(got, "\n+ ")
}
