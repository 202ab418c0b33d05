package kubernetes

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest/link"
)

// linked parses the files (name -> YAML) and adds extra nodes, writes them
// to a store and returns the store and the edges the linker derives.
func linked(t *testing.T, files map[string]string, extra ...graph.Node) (*memstore.Store, []graph.Edge) {
	t.Helper()
	b := &graph.Batch{Time: time.Unix(1_700_000_000, 0).UTC()}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		res := parseBytes(t, name, []byte(files[name]))
		b.Replace = append(b.Replace, name)
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
	}
	for _, n := range extra {
		n.Pos = graph.Pos{File: "extra", Line: 1}
		b.Nodes = append(b.Nodes, n)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	_, derived, err := (&link.Linker{}).Derive(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), &graph.Batch{Time: b.Time}, (&link.Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s, derived
}

// from renders the derived edges leaving id as "KIND -> to (confidence)".
func from(derived []graph.Edge, id string) []string {
	var out []string
	for _, e := range derived {
		if e.From == id {
			out = append(out, string(e.Kind)+" -> "+e.To+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(out)
	return out
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// role writes a Role (namespace set) or ClusterRole with one rule, bound
// to user alice by a RoleBinding in bindNS or, when bindNS is empty, a
// ClusterRoleBinding.
func role(ns, bindNS, rule string) string {
	kind, meta := "ClusterRole", "  name: under-test\n"
	if ns != "" {
		kind, meta = "Role", "  name: under-test\n  namespace: "+ns+"\n"
	}
	out := "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n" + meta + "rules:\n" + rule + "---\n"
	if bindNS == "" {
		return out + "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: alice\n" +
			"roleRef:\n  kind: ClusterRole\n  name: under-test\nsubjects:\n  - kind: User\n    name: alice\n"
	}
	return out + "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: alice\n  namespace: " + bindNS +
		"\nroleRef:\n  kind: " + kind + "\n  name: under-test\nsubjects:\n  - kind: User\n    name: alice\n"
}

const alice = "k8s:user:alice"

// TestRBACRules checks each kind of rule against base.yaml: namespaces
// apps (service account worker, Deployment web running as worker, Secrets
// db-creds and api-key) and tools (service account builder, Pod debug
// running as default, Secret tool-token). Each want list is worked out
// from the rule by hand.
func TestRBACRules(t *testing.T) {
	appsSecrets := []string{
		"CAN_READ_SECRET -> secret:k8s:apps/* (certain)",
		"CAN_READ_SECRET -> secret:k8s:apps/api-key (certain)",
		"CAN_READ_SECRET -> secret:k8s:apps/db-creds (certain)",
	}
	// Every permission in apps: its secrets read, any pod run, any token
	// minted, its workload changed, and a privileged pod possible.
	appsAdmin := func(conf string) []string {
		return []string{
			"CAN_ACCESS -> k8s:namespace:apps (" + conf + ")",
			"CAN_ASSUME -> k8s:sa:apps/default (" + conf + ")",
			"CAN_ASSUME -> k8s:sa:apps/worker (" + conf + ")",
			"CAN_MINT -> secret:k8s:sa-token:apps/default (" + conf + ")",
			"CAN_MINT -> secret:k8s:sa-token:apps/worker (" + conf + ")",
			"CAN_MODIFY -> k8s:node:* (possible)",
			"CAN_MODIFY -> k8s:workload:apps/Deployment/web (" + conf + ")",
			"CAN_READ_SECRET -> secret:k8s:apps/* (" + conf + ")",
			"CAN_READ_SECRET -> secret:k8s:apps/api-key (" + conf + ")",
			"CAN_READ_SECRET -> secret:k8s:apps/db-creds (" + conf + ")",
		}
	}
	tests := []struct {
		name    string
		rbac    string
		subject string
		want    []string
	}{
		{
			name: "get one named secret",
			rbac: role("apps", "apps", `  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["db-creds"]
    verbs: ["get"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:namespace:apps (certain)",
				"CAN_READ_SECRET -> secret:k8s:apps/db-creds (certain)",
			},
		},
		{
			name: "list without get reads every secret of the namespace",
			rbac: role("apps", "apps", `  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
`),
			want: append([]string{"CAN_ACCESS -> k8s:namespace:apps (certain)"}, appsSecrets...),
		},
		{
			name: "get secrets cluster-wide",
			rbac: role("", "", `  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "watch"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:cluster (certain)",
				"CAN_READ_SECRET -> secret:k8s:*/* (certain)",
				"CAN_READ_SECRET -> secret:k8s:apps/api-key (certain)",
				"CAN_READ_SECRET -> secret:k8s:apps/db-creds (certain)",
				"CAN_READ_SECRET -> secret:k8s:tools/tool-token (certain)",
			},
		},
		{
			name: "create deployments runs pods as any service account of the namespace",
			rbac: role("apps", "apps", `  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["create"]
`),
			want: append([]string{
				"CAN_ACCESS -> k8s:namespace:apps (certain)",
				"CAN_ASSUME -> k8s:sa:apps/default (certain)",
				"CAN_ASSUME -> k8s:sa:apps/worker (certain)",
				"CAN_MODIFY -> k8s:node:* (possible)",
			}, appsSecrets...),
		},
		{
			name: "deployments in the wrong API group grant nothing",
			rbac: role("apps", "apps", `  - apiGroups: [""]
    resources: ["deployments"]
    verbs: ["create", "patch"]
`),
			want: []string{"CAN_ACCESS -> k8s:namespace:apps (certain)"},
		},
		{
			name: "patch deployments changes the workload and its pod template",
			rbac: role("apps", "apps", `  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["patch"]
`),
			want: append([]string{
				"CAN_ACCESS -> k8s:namespace:apps (certain)",
				"CAN_ASSUME -> k8s:sa:apps/default (certain)",
				"CAN_ASSUME -> k8s:sa:apps/worker (certain)",
				"CAN_MODIFY -> k8s:node:* (possible)",
				"CAN_MODIFY -> k8s:workload:apps/Deployment/web (certain)",
			}, appsSecrets...),
		},
		{
			name: "patch of another named deployment leaves web alone",
			rbac: role("apps", "apps", `  - apiGroups: ["apps"]
    resources: ["deployments"]
    resourceNames: ["other"]
    verbs: ["patch", "update"]
`),
			want: []string{"CAN_ACCESS -> k8s:namespace:apps (certain)"},
		},
		{
			name: "mint the token of one named service account",
			rbac: role("apps", "apps", `  - apiGroups: [""]
    resources: ["serviceaccounts/token"]
    resourceNames: ["worker"]
    verbs: ["create"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:namespace:apps (certain)",
				"CAN_MINT -> secret:k8s:sa-token:apps/worker (certain)",
			},
		},
		{
			name: "impersonate the service accounts of one namespace",
			rbac: role("", "tools", `  - apiGroups: [""]
    resources: ["serviceaccounts"]
    verbs: ["impersonate"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:namespace:tools (certain)",
				"CAN_ASSUME -> k8s:sa:tools/builder (certain)",
				"CAN_ASSUME -> k8s:sa:tools/default (certain)",
			},
		},
		{
			name: "exec into pods of one namespace",
			rbac: role("tools", "tools", `  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:namespace:tools (certain)",
				"CAN_MODIFY -> k8s:workload:tools/Pod/debug (certain)",
			},
		},
		{
			name: "escalate with update on roles is every permission of the namespace",
			rbac: role("apps", "apps", `  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["roles"]
    verbs: ["escalate", "update"]
`),
			want: appsAdmin("certain"),
		},
		{
			name: "escalate without update is possibly every permission",
			rbac: role("apps", "apps", `  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["roles"]
    verbs: ["escalate"]
`),
			want: appsAdmin("possible"),
		},
		{
			name: "bind any ClusterRole in a namespace where bindings can be created",
			rbac: role("", "apps", `  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["rolebindings"]
    verbs: ["create"]
`),
			want: appsAdmin("certain"),
		},
		{
			name: "impersonate users and groups reaches system:masters",
			rbac: role("", "", `  - apiGroups: [""]
    resources: ["users", "groups"]
    verbs: ["impersonate"]
`),
			want: []string{
				"CAN_ACCESS -> k8s:cluster (certain)",
				"CAN_ASSUME -> k8s:group:system:masters (certain)",
			},
		},
		{
			name: "impersonate groups without a user to impersonate grants nothing",
			rbac: role("", "", `  - apiGroups: [""]
    resources: ["groups"]
    verbs: ["impersonate"]
`),
			want: []string{"CAN_ACCESS -> k8s:cluster (certain)"},
		},
		{
			name: "impersonate users in a RoleBinding grants nothing: users are cluster-scoped",
			rbac: role("", "apps", `  - apiGroups: [""]
    resources: ["users", "groups"]
    verbs: ["impersonate"]
`),
			want: []string{"CAN_ACCESS -> k8s:namespace:apps (certain)"},
		},
		{
			name: "a group of service accounts passes its grants to its members",
			rbac: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: tools-read-apps
  namespace: apps
roleRef:
  kind: ClusterRole
  name: reader
subjects:
  - kind: Group
    name: system:serviceaccounts:tools
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
`,
			subject: "k8s:sa:tools/builder",
			want:    append([]string{"CAN_ACCESS -> k8s:namespace:apps (certain)"}, appsSecrets...),
		},
		{
			name: "the built-in edit role, aggregated, in one namespace",
			rbac: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-edit
  namespace: tools
roleRef:
  kind: ClusterRole
  name: edit
subjects:
  - kind: User
    name: alice
`,
			want: []string{
				"CAN_ACCESS -> k8s:namespace:tools (certain)",
				"CAN_ASSUME -> k8s:sa:tools/builder (certain)",
				"CAN_ASSUME -> k8s:sa:tools/default (certain)",
				"CAN_MINT -> secret:k8s:sa-token:tools/builder (certain)",
				"CAN_MINT -> secret:k8s:sa-token:tools/default (certain)",
				"CAN_MODIFY -> k8s:node:* (possible)",
				"CAN_MODIFY -> k8s:workload:tools/Pod/debug (certain)",
				"CAN_READ_SECRET -> secret:k8s:tools/* (certain)",
				"CAN_READ_SECRET -> secret:k8s:tools/tool-token (certain)",
			},
		},
		{
			name: "a binding to a role the input does not declare",
			rbac: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-custom
  namespace: apps
roleRef:
  kind: Role
  name: custom
subjects:
  - kind: User
    name: alice
`,
			want: []string{"CAN_ACCESS -> k8s:namespace:apps (possible)"},
		},
	}
	base := readTestdata(t, "base.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, derived := linked(t, map[string]string{"base.yaml": base, "rbac.yaml": tt.rbac})
			subject := tt.subject
			if subject == "" {
				subject = alice
			}
			if diff := cmp.Diff(tt.want, from(derived, subject)); diff != "" {
				t.Errorf("edges from %s (-want +got):\n%s", subject, diff)
			}
		})
	}
}

// TestAggregation binds a ClusterRole whose aggregation rule selects one
// of two labelled roles. The aggregated role's own rules are replaced, as
// the aggregation controller does.
func TestAggregation(t *testing.T) {
	rbac := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        example.org/aggregate-to-reader: "true"
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-bits
  labels:
    example.org/aggregate-to-reader: "true"
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: exec-bits
  labels:
    example.org/aggregate-to-writer: "true"
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-reader
  namespace: apps
roleRef:
  kind: ClusterRole
  name: reader
subjects:
  - kind: User
    name: alice
`
	_, derived := linked(t, map[string]string{"base.yaml": readTestdata(t, "base.yaml"), "rbac.yaml": rbac})
	want := []string{
		"CAN_ACCESS -> k8s:namespace:apps (certain)",
		"CAN_READ_SECRET -> secret:k8s:apps/* (certain)",
		"CAN_READ_SECRET -> secret:k8s:apps/api-key (certain)",
		"CAN_READ_SECRET -> secret:k8s:apps/db-creds (certain)",
	}
	if diff := cmp.Diff(want, from(derived, alice)); diff != "" {
		t.Errorf("edges from alice (-want +got):\n%s", diff)
	}
	for _, e := range derived {
		if e.From == alice && e.To == "secret:k8s:apps/db-creds" {
			if !strings.Contains(e.Attr("reason"), "rule 1 of ClusterRole secret-bits, aggregated into it, allows get on secrets") {
				t.Errorf("reason %q does not name the aggregated rule", e.Attr("reason"))
			}
		}
	}
}

// TestSystemMasters follows impersonation to the group the API server
// lets do anything.
func TestSystemMasters(t *testing.T) {
	_, derived := linked(t, map[string]string{
		"base.yaml": readTestdata(t, "base.yaml"),
		"rbac.yaml": role("", "", "  - apiGroups: [\"\"]\n    resources: [\"users\", \"groups\"]\n    verbs: [\"impersonate\"]\n"),
	})
	got := from(derived, "k8s:group:system:masters")
	for _, want := range []string{
		"CAN_ACCESS -> k8s:cluster (certain)",
		"CAN_READ_SECRET -> secret:k8s:*/* (certain)",
		"CAN_READ_SECRET -> secret:k8s:tools/tool-token (certain)",
		"CAN_MODIFY -> k8s:workload:apps/Deployment/web (certain)",
	} {
		if !contains(got, want) {
			t.Errorf("system:masters lacks %s; has %v", want, got)
		}
	}
	for _, e := range derived {
		if e.From == "k8s:group:system:masters" && e.Kind == graph.EdgeCanAccess && e.Attr("level") != "admin" {
			t.Errorf("system:masters level = %s, want admin", e.Attr("level"))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestTokens checks which pods get their service account's token.
func TestTokens(t *testing.T) {
	_, derived := linked(t, map[string]string{
		"base.yaml":      readTestdata(t, "base.yaml"),
		"workloads.yaml": readTestdata(t, "workloads.yaml"),
	})
	var got []string
	for _, e := range derived {
		if e.Kind == graph.EdgeExposes && strings.HasPrefix(e.From, "k8s:workload:") {
			got = append(got, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(got)
	want := []string{
		// backup's pod sets automountServiceAccountToken: true, which wins
		// over the service account's false.
		"k8s:workload:apps/CronJob/backup -> secret:k8s:sa-token:apps/quiet (certain)",
		"k8s:workload:apps/DaemonSet/node-agent -> secret:k8s:sa-token:apps/default (certain)",
		"k8s:workload:apps/Deployment/web -> secret:k8s:sa-token:apps/worker (certain)",
		"k8s:workload:apps/Pod/tuner -> secret:k8s:sa-token:apps/default (certain)",
		// db runs as quiet, whose token is not mounted; its projected
		// token is for another audience.
		"k8s:workload:apps/StatefulSet/db -> secret:k8s:sa-token:apps/quiet (possible)",
		"k8s:workload:tools/Pod/debug -> secret:k8s:sa-token:tools/default (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token exposures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AUTHENTICATES_AS -> k8s:sa:apps/worker (certain)"}, from(derived, "secret:k8s:sa-token:apps/worker")); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}

	// Two pods take over the node, so it reaches every Secret any pod
	// exposes, possibly: which pods share it is not in the input.
	node := from(derived, graph.K8sNodeID())
	wantNode := []string{
		"EXPOSES -> secret:k8s:apps/api-key (possible)",
		"EXPOSES -> secret:k8s:apps/bundle-a (possible)",
		"EXPOSES -> secret:k8s:apps/db-creds (possible)",
		"EXPOSES -> secret:k8s:apps/db-tls (possible)",
		"EXPOSES -> secret:k8s:sa-token:apps/default (possible)",
		"EXPOSES -> secret:k8s:sa-token:apps/quiet (possible)",
		"EXPOSES -> secret:k8s:sa-token:apps/worker (possible)",
		"EXPOSES -> secret:k8s:sa-token:tools/default (possible)",
	}
	if diff := cmp.Diff(wantNode, node); diff != "" {
		t.Errorf("node exposures (-want +got):\n%s", diff)
	}
}

// IRSA: the role web-app trusts the EKS provider for subject
// system:serviceaccount:apps:worker only.
const (
	eksProvider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000"
	webAppRole  = "arn:aws:iam::111122223333:role/web-app"
)

func awsRole(arn, trust string) graph.Node {
	n := graph.Node{ID: arn, Kind: graph.NodeIdentity, Label: arn[strings.LastIndex(arn, "/")+1:]}
	n.SetAttr("provider", "aws")
	n.SetAttr("type", "role")
	n.SetAttr("account", "111122223333")
	if trust != "" {
		n.SetAttr("trust_policy", trust)
	}
	return n
}

func irsaTrust(cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + eksProvider +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":` + cond + `}]}`
}

func annotated(ns, name, arn string) string {
	return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
		"\n  annotations:\n    eks.amazonaws.com/role-arn: " + arn + "\n---\n"
}

func TestIRSA(t *testing.T) {
	exact := irsaTrust(`{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000:sub":"system:serviceaccount:apps:worker","oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000:aud":"sts.amazonaws.com"}}`)
	tests := []struct {
		name   string
		sas    string
		extra  []graph.Node
		assume []string // CAN_ASSUME edges from service accounts
		worker []string // edges from worker's web identity token
	}{
		{
			name:   "trust admits the subject",
			sas:    annotated("apps", "worker", webAppRole),
			extra:  []graph.Node{awsRole(webAppRole, exact)},
			assume: []string{"k8s:sa:apps/worker -> " + webAppRole + " (certain)"},
			worker: []string{"AUTHENTICATES_AS -> " + webAppRole + " (certain)"},
		},
		{
			name:  "trust admits another subject",
			sas:   annotated("tools", "builder", webAppRole),
			extra: []graph.Node{awsRole(webAppRole, exact)},
		},
		{
			name:   "trust admits a pattern of subjects",
			sas:    annotated("apps", "worker", webAppRole) + annotated("tools", "builder", webAppRole),
			extra:  []graph.Node{awsRole(webAppRole, irsaTrust(`{"StringLike":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000:sub":"system:serviceaccount:apps:*"}}`))},
			assume: []string{"k8s:sa:apps/worker -> " + webAppRole + " (certain)"},
			worker: []string{"AUTHENTICATES_AS -> " + webAppRole + " (certain)"},
		},
		{
			name:   "trust not in the input",
			sas:    annotated("apps", "worker", webAppRole),
			assume: []string{"k8s:sa:apps/worker -> " + webAppRole + " (possible)"},
			worker: []string{"AUTHENTICATES_AS -> " + webAppRole + " (possible)"},
		},
		{
			name:   "trust names a provider that may not be the cluster's",
			sas:    annotated("apps", "worker", webAppRole),
			extra:  []graph.Node{awsRole(webAppRole, strings.ReplaceAll(strings.ReplaceAll(exact, "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0000", "k8s.example.org"), "oidc-provider/k8s.example.org", "oidc-provider/k8s.example.org"))},
			assume: []string{"k8s:sa:apps/worker -> " + webAppRole + " (possible)"},
			worker: []string{"AUTHENTICATES_AS -> " + webAppRole + " (possible)"},
		},
	}
	base := readTestdata(t, "base.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, derived := linked(t, map[string]string{"base.yaml": base, "sa.yaml": tt.sas}, tt.extra...)
			var assume []string
			for _, e := range derived {
				if e.Kind == graph.EdgeCanAssume && strings.HasPrefix(e.From, "k8s:sa:") && strings.HasPrefix(e.To, "arn:") {
					assume = append(assume, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
				}
			}
			if diff := cmp.Diff(tt.assume, assume); diff != "" {
				t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.worker, from(derived, graph.K8sIRSATokenID("apps", "worker"))); diff != "" {
				t.Errorf("worker's web identity token (-want +got):\n%s", diff)
			}
			// Deployment web runs as worker and receives the token when the
			// role may accept it.
			exposes := contains(from(derived, "k8s:workload:apps/Deployment/web"), "EXPOSES -> "+graph.K8sIRSATokenID("apps", "worker")+" (certain)")
			if exposes != (len(tt.worker) > 0) {
				t.Errorf("web exposes the web identity token: %v, want %v", exposes, len(tt.worker) > 0)
			}
		})
	}
}

// TestListRevealsValues checks that the reason of a read through list
// says that list returns the values.
func TestListRevealsValues(t *testing.T) {
	_, derived := linked(t, map[string]string{
		"base.yaml": readTestdata(t, "base.yaml"),
		"rbac.yaml": role("apps", "apps", "  - apiGroups: [\"\"]\n    resources: [\"secrets\"]\n    verbs: [\"list\", \"watch\"]\n"),
	})
	for _, e := range derived {
		if e.From != alice || e.To != "secret:k8s:apps/db-creds" {
			continue
		}
		if got := e.Attr("actions"); got != "list,watch" {
			t.Errorf("actions = %q, want list,watch", got)
		}
		if !strings.Contains(e.Attr("reason"), "list and watch return whole Secrets, so the values are read without get") {
			t.Errorf("reason %q does not say that list reveals the values", e.Attr("reason"))
		}
		return
	}
	t.Error("no CAN_READ_SECRET from alice to apps/db-creds")
}
