package link

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestK8sRuleAllows checks rule matching as the RBAC authorizer does it.
func TestK8sRuleAllows(t *testing.T) {
	r := func(verbs, groups, resources, names []string) *k8sRule {
		return &k8sRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
	}
	l := func(s ...string) []string { return s }
	tests := []struct {
		name                         string
		rule                         *k8sRule
		verb, group, res, sub, named string
		want                         bool
	}{
		{"exact", r(l("get"), l(""), l("secrets"), nil), "get", "", "secrets", "", "", true},
		{"other verb", r(l("get"), l(""), l("secrets"), nil), "list", "", "secrets", "", "", false},
		{"other group", r(l("create"), l(""), l("deployments"), nil), "create", "apps", "deployments", "", "", false},
		{"no groups matches nothing", r(l("get"), nil, l("secrets"), nil), "get", "", "secrets", "", "", false},
		{"star everything", r(l("*"), l("*"), l("*"), nil), "escalate", "rbac.authorization.k8s.io", "roles", "", "", true},
		{"star resource covers subresources", r(l("create"), l(""), l("*"), nil), "create", "", "pods", "exec", "", true},
		{"resource does not cover its subresource", r(l("create"), l(""), l("pods"), nil), "create", "", "pods", "exec", "", false},
		{"star slash sub", r(l("create"), l(""), l("*/exec"), nil), "create", "", "pods", "exec", "", true},
		{"star slash sub is no resource", r(l("get"), l(""), l("*/exec"), nil), "get", "", "pods", "", "", false},
		{"named object", r(l("get"), l(""), l("secrets"), l("a")), "get", "", "secrets", "", "a", true},
		{"other object", r(l("get"), l(""), l("secrets"), l("a")), "get", "", "secrets", "", "b", false},
		{"names never grant every object", r(l("list"), l(""), l("secrets"), l("a")), "list", "", "secrets", "", "", false},
		{"token of a named account", r(l("create"), l(""), l("serviceaccounts/token"), l("ci")), "create", "", "serviceaccounts", "token", "ci", true},
	}
	for _, tt := range tests {
		if got := tt.rule.allows(tt.verb, tt.group, tt.res, tt.sub, tt.named); got != tt.want {
			t.Errorf("%s: allows = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestK8sSelector(t *testing.T) {
	labels := map[string]string{"tier": "web", "team": "a"}
	type expr = struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values"`
	}
	tests := []struct {
		name string
		sel  k8sSelector
		want bool
	}{
		{"empty selects everything", k8sSelector{}, true},
		{"labels", k8sSelector{MatchLabels: map[string]string{"tier": "web"}}, true},
		{"labels differ", k8sSelector{MatchLabels: map[string]string{"tier": "db"}}, false},
		{"In", k8sSelector{MatchExpressions: []expr{{Key: "team", Operator: "In", Values: []string{"a", "b"}}}}, true},
		{"NotIn", k8sSelector{MatchExpressions: []expr{{Key: "team", Operator: "NotIn", Values: []string{"a"}}}}, false},
		{"Exists", k8sSelector{MatchExpressions: []expr{{Key: "tier", Operator: "Exists"}}}, true},
		{"DoesNotExist", k8sSelector{MatchExpressions: []expr{{Key: "tier", Operator: "DoesNotExist"}}}, false},
		{"unknown operator", k8sSelector{MatchExpressions: []expr{{Key: "tier", Operator: "Near"}}}, false},
	}
	for _, tt := range tests {
		if got := tt.sel.matches(labels); got != tt.want {
			t.Errorf("%s: matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestK8sIRSADeny checks that a Deny statement of the trust policy that
// applies to the subject removes the edge, and that a trust policy naming
// only the GitHub provider admits no service account.
func TestK8sIRSADeny(t *testing.T) {
	const host = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE1111"
	provider := "arn:aws:iam::" + acct + ":oidc-provider/" + host
	allow := `{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"` + host + `:sub":"system:serviceaccount:*"}}}`
	deny := `{"Effect":"Deny","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:sub":"system:serviceaccount:ops:blocked"}}}`
	sa := func(ns, name, arn string) graph.Node {
		return node(graph.K8sServiceAccountID(ns, name), graph.NodeIdentity, "provider", "kubernetes",
			"type", "service-account", "namespace", ns, "name", name, "aws_role_arn", arn)
	}
	nodes := []graph.Node{
		role("shared", `{"Statement":[`+allow+`,`+deny+`]}`),
		role("ci-only", trust(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:o/api:ref:refs/heads/main"}}`)),
		sa("ops", "allowed", graph.IAMARN(acct, "role", "", "shared")),
		sa("ops", "blocked", graph.IAMARN(acct, "role", "", "shared")),
		sa("ops", "ci", graph.IAMARN(acct, "role", "", "ci-only")),
	}
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{graph.K8sServiceAccountID("ops", "allowed") + " -> " + graph.IAMARN(acct, "role", "", "shared") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestK8sIDsDecide checks that the linker reads Kubernetes nodes by their
// ids, so that nodes another input wrote with other attributes (an audit
// log's) still take part.
func TestK8sIDsDecide(t *testing.T) {
	sa := graph.K8sServiceAccountID("apps", "ci")
	binding := graph.K8sRoleBindingID("apps", "ci-edit")
	nodes := []graph.Node{
		node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
		node(binding, graph.NodePolicy, "provider", "kubernetes", "namespace", "apps", "name", "ci-edit",
			"role", graph.K8sClusterRoleID("view")),
		node(graph.K8sSecretID("apps", "db"), graph.NodeSecret, "provider", "kubernetes", "type", "secret"),
		node(graph.K8sSecretID("other", "db"), graph.NodeSecret, "provider", "kubernetes", "type", "secret"),
		node(graph.K8sRoleBindingID("apps", "read"), graph.NodePolicy, "provider", "kubernetes", "role", graph.K8sRoleID("apps", "reader")),
		node(graph.K8sRoleID("apps", "reader"), graph.NodePolicy, "provider", "kubernetes",
			"rules", `[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]`),
	}
	edges := []graph.Edge{
		edge(sa, graph.EdgeHasPolicy, binding),
		edge(sa, graph.EdgeHasPolicy, graph.K8sRoleBindingID("apps", "read")),
	}
	got := derive(t, nodes, edges, graph.EdgeCanReadSecret)
	// view reads no Secret; the Role in apps reads those of apps only.
	want := []string{
		sa + " -> " + graph.K8sSecretID("apps", "*") + " (certain)",
		sa + " -> " + graph.K8sSecretID("apps", "db") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
}

// A manifest lets Role reader read the Secrets of apps. The dump of the
// cluster (objects with the server's uid and resourceVersion) shows the
// Role reading ConfigMaps only. The cluster's rules are in force, so the
// service account reads no Secret now. An apply of the manifest would
// grant the read again, so it reads them possibly, as a subject that only
// a manifest binds is bound possibly.
func TestK8sRoleOfClusterDumpWins(t *testing.T) {
	sa := graph.K8sServiceAccountID("apps", "ci")
	binding := graph.K8sRoleBindingID("apps", "read")
	reader := graph.K8sRoleID("apps", "reader")
	manifest := node(reader, graph.NodePolicy, "provider", "kubernetes",
		"rules", `[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]`)
	manifest.Pos = graph.Pos{File: "deploy/rbac.yaml", Line: 1}
	dump := node(reader, graph.NodePolicy, "provider", "kubernetes", graph.AttrLiveExport, "true",
		"rules", `[{"verbs":["get"],"apiGroups":[""],"resources":["configmaps"]}]`)
	dump.Pos = graph.Pos{File: "snapshots/roles.json", Line: 1}
	nodes := []graph.Node{
		node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
		node(binding, graph.NodePolicy, "provider", "kubernetes", "role", reader),
		node(graph.K8sSecretID("apps", "db"), graph.NodeSecret, "provider", "kubernetes", "type", "secret"),
		manifest, dump,
	}
	edges := []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding)}
	want := []string{
		sa + " -> " + graph.K8sSecretID("apps", "*") + " (possible)",
		sa + " -> " + graph.K8sSecretID("apps", "db") + " (possible)",
	}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeCanReadSecret)); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
	// The rule the dump states grants for certain.
	if got := derive(t, nodes, edges, graph.EdgeCanAccess); !slices.Contains(got, sa+" -> "+graph.K8sNamespaceID("apps")+" (certain)") {
		t.Errorf("CAN_ACCESS %v, want the namespace certain through the dump's ConfigMap rule", got)
	}
}

// The dump of the cluster shows aggregated ClusterRole monitoring with the
// rules the aggregation controller wrote: a Secret read that comes from a
// ClusterRole the input does not hold. The input's one labelled ClusterRole
// lists pods only. The dump's rules are those in force, so the bound
// service account reads the Secrets of every namespace.
func TestK8sAggregatedRoleOfClusterDump(t *testing.T) {
	sa := graph.K8sServiceAccountID("apps", "ci")
	binding := graph.K8sClusterRoleBindingID("monitor")
	monitoring := graph.K8sClusterRoleID("monitoring")
	nodes := []graph.Node{
		node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
		node(binding, graph.NodePolicy, "provider", "kubernetes", "role", monitoring),
		node(graph.K8sSecretID("apps", "db"), graph.NodeSecret, "provider", "kubernetes", "type", "secret"),
		node(monitoring, graph.NodePolicy, "provider", "kubernetes", graph.AttrLiveExport, "true",
			"aggregation", `[{"matchLabels":{"example.com/aggregate-to-monitoring":"true"}}]`,
			"rules", `[{"verbs":["list"],"apiGroups":[""],"resources":["pods"]},{"verbs":["get"],"apiGroups":[""],"resources":["secrets"]}]`),
		node(graph.K8sClusterRoleID("pods-lister"), graph.NodePolicy, "provider", "kubernetes",
			"labels", `{"example.com/aggregate-to-monitoring":"true"}`,
			"rules", `[{"verbs":["list"],"apiGroups":[""],"resources":["pods"]}]`),
	}
	edges := []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding)}
	got := derive(t, nodes, edges, graph.EdgeCanReadSecret)
	want := []string{
		sa + " -> " + graph.K8sSecretID("*", "*") + " (certain)",
		sa + " -> " + graph.K8sSecretID("apps", "db") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
}

// The controller overwrites the rules of a ClusterRole with an
// aggregationRule with those of the ClusterRoles it selects. So a Secret
// read that a manifest of aggregated ClusterRole monitoring states grants
// nothing, now or after an apply, whether the manifest or only the dump
// states the aggregation. The bound service account reads no Secret and
// lists pods for certain, as the dump shows.
func TestK8sAggregatedRoleManifestRule(t *testing.T) {
	sa := graph.K8sServiceAccountID("mon", "prom")
	binding := graph.K8sClusterRoleBindingID("monitoring")
	monitoring := graph.K8sClusterRoleID("monitoring")
	const selectors = `[{"matchLabels":{"rbac.example.com/aggregate-to-monitoring":"true"}}]`
	for _, manifestAggregates := range []bool{true, false} {
		attrs := []string{"provider", "kubernetes", "rules", `[{"verbs":["get","list"],"apiGroups":[""],"resources":["secrets"]}]`}
		if manifestAggregates {
			attrs = append(attrs, "aggregation", selectors)
		}
		manifest := node(monitoring, graph.NodePolicy, attrs...)
		manifest.Pos = graph.Pos{File: "k8s/rbac.yaml", Line: 1}
		dump := node(monitoring, graph.NodePolicy, "provider", "kubernetes", graph.AttrLiveExport, "true",
			graph.AttrLiveUID, "1b2c3d4e-0000-4000-8000-000000000001", graph.AttrResourceVersion, "812",
			"aggregation", selectors,
			"rules", `[{"verbs":["get","list","watch"],"apiGroups":[""],"resources":["pods"]}]`)
		dump.Pos = graph.Pos{File: "snapshots/cluster.yaml", Line: 1}
		nodes := []graph.Node{
			node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
			node(binding, graph.NodePolicy, "provider", "kubernetes", "role", monitoring),
			node(graph.K8sSecretID("mon", "db"), graph.NodeSecret, "provider", "kubernetes", "type", "secret"),
			manifest, dump,
		}
		edges := []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding)}
		if got := derive(t, nodes, edges, graph.EdgeCanReadSecret); len(got) != 0 {
			t.Errorf("manifest aggregates %v: CAN_READ_SECRET %v, want none", manifestAggregates, got)
		}
		want := []string{sa + " -> " + graph.K8sClusterID() + " (certain)"}
		if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeCanAccess)); diff != "" {
			t.Errorf("manifest aggregates %v: CAN_ACCESS (-want +got):\n%s", manifestAggregates, diff)
		}
	}
}

// A grant of a rule points at the file that states the rule, at the
// rule's line, and names the rule's place in that file's role. The dump
// of Role apps/reader (snapshots/cluster.yaml) states a ConfigMap read
// at line 14. The manifest (k8s/rbac.yaml) states a Secret read as its
// rule 1, at line 8, which the dump lacks. Either file may come first.
func TestK8sRulePositionInItsFile(t *testing.T) {
	sa := graph.K8sServiceAccountID("apps", "ci")
	binding := graph.K8sRoleBindingID("apps", "read")
	reader := graph.K8sRoleID("apps", "reader")
	manifest := node(reader, graph.NodePolicy, "provider", "kubernetes",
		"rules", `[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"],"line":8}]`)
	manifest.Pos = graph.Pos{File: "k8s/rbac.yaml", Line: 1}
	dump := node(reader, graph.NodePolicy, "provider", "kubernetes", graph.AttrLiveExport, "true",
		graph.AttrLiveUID, "2c3d4e5f-0000-4000-8000-000000000002", graph.AttrResourceVersion, "4411",
		"rules", `[{"verbs":["get"],"apiGroups":[""],"resources":["configmaps"],"line":14}]`)
	dump.Pos = graph.Pos{File: "snapshots/cluster.yaml", Line: 3}
	for _, order := range [][]graph.Node{{manifest, dump}, {dump, manifest}} {
		nodes := append([]graph.Node{
			node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
			node(binding, graph.NodePolicy, "provider", "kubernetes", "role", reader),
		}, order...)
		s := store(t, nodes, []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding)})
		first := order[0].Pos.File

		access := edgeOf(t, s, graph.EdgeCanAccess, sa, graph.K8sNamespaceID("apps"))
		if access == nil {
			t.Fatalf("%s first: no CAN_ACCESS to namespace apps", first)
		}
		if got, want := access.Pos.String(), "snapshots/cluster.yaml:14"; got != want {
			t.Errorf("%s first: CAN_ACCESS at %s, want %s", first, got, want)
		}
		if reason := access.Attr(graph.AttrReason); !strings.Contains(reason, "its rule 1 allows get on configmaps") {
			t.Errorf("%s first: CAN_ACCESS reason %q, want rule 1 of the dump", first, reason)
		}

		read := edgeOf(t, s, graph.EdgeCanReadSecret, sa, graph.K8sSecretID("apps", "*"))
		if read == nil {
			t.Fatalf("%s first: no CAN_READ_SECRET of the Secrets of apps", first)
		}
		if got, want := read.Pos.String(), "k8s/rbac.yaml:8"; got != want {
			t.Errorf("%s first: CAN_READ_SECRET at %s, want %s", first, got, want)
		}
		if reason := read.Attr(graph.AttrReason); !strings.Contains(reason, "its rule 1 allows get on secrets") {
			t.Errorf("%s first: CAN_READ_SECRET reason %q, want rule 1 of the manifest", first, reason)
		}
	}
}

// The dump shows aggregated ClusterRole monitoring listing pods, and
// ClusterRole monitoring-secrets, which it selects, listing pods too. A
// manifest gives monitoring-secrets a Secret read. An apply of the
// manifest writes the read into monitoring-secrets, and the controller
// then adds it to monitoring. So the service account bound to monitoring
// reads Secrets possibly, and lists pods for certain.
func TestK8sAggregatedRoleSelectsManifestRule(t *testing.T) {
	sa := graph.K8sServiceAccountID("mon", "prom")
	binding := graph.K8sClusterRoleBindingID("monitoring")
	monitoring := graph.K8sClusterRoleID("monitoring")
	part := graph.K8sClusterRoleID("monitoring-secrets")
	const label = `{"rbac.example.com/aggregate-to-monitoring":"true"}`
	const pods = `[{"verbs":["get","list","watch"],"apiGroups":[""],"resources":["pods"]}]`
	manifest := node(part, graph.NodePolicy, "provider", "kubernetes", "labels", label,
		"rules", `[{"verbs":["get","list"],"apiGroups":[""],"resources":["secrets"],"line":8}]`)
	manifest.Pos = graph.Pos{File: "k8s/rbac.yaml", Line: 1}
	dumped := func(id, uid string, attrs ...string) graph.Node {
		n := node(id, graph.NodePolicy, append([]string{"provider", "kubernetes", graph.AttrLiveExport, "true",
			graph.AttrLiveUID, uid, graph.AttrResourceVersion, "812", "rules", pods}, attrs...)...)
		n.Pos = graph.Pos{File: "snapshots/cluster.yaml", Line: 4}
		return n
	}

	nodes := []graph.Node{
		node(sa, graph.NodeIdentity, "provider", "kubernetes", "type", "serviceaccount"),
		node(binding, graph.NodePolicy, "provider", "kubernetes", "role", monitoring),
		dumped(monitoring, "1b2c3d4e-0000-4000-8000-000000000001",
			"aggregation", `[{"matchLabels":`+label+`}]`, "labels", `{}`),
		dumped(part, "1b2c3d4e-0000-4000-8000-000000000003", "labels", label),
		manifest,
	}
	edges := []graph.Edge{edge(sa, graph.EdgeHasPolicy, binding)}

	want := []string{sa + " -> " + graph.K8sSecretID("*", "*") + " (possible)"}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeCanReadSecret)); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
	want = []string{sa + " -> " + graph.K8sClusterID() + " (certain)"}
	if diff := cmp.Diff(want, derive(t, nodes, edges, graph.EdgeCanAccess)); diff != "" {
		t.Errorf("CAN_ACCESS (-want +got):\n%s", diff)
	}
}
