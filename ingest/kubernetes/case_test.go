package kubernetes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// ciAgent is the image of the CI agent that runs as build/ci-runner.
const ciAgent = "pkg:docker/example-org/ci-agent@1.4.2?repository_url=registry.example.org"

// blast runs the walk from a node of the store.
func blast(t *testing.T, s graph.Reader, start string) *query.Result {
	t.Helper()
	ns, err := s.Nodes(context.Background(), []string{start})
	if err != nil || len(ns) != 1 {
		t.Fatalf("start %s: %v (%d nodes)", start, err, len(ns))
	}
	res, err := query.BlastRadius(context.Background(), s, ns, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func hopKinds(r *query.Reached) []graph.EdgeKind {
	var out []graph.EdgeKind
	for _, h := range r.Path {
		out = append(out, h.Kind)
	}
	return out
}

// TestCase17 checks that a RoleBinding naming a ClusterRole grants the
// ClusterRole's rules in the binding's namespace only. The compromised CI
// image reads the Secret of payments and not that of billing. It gains
// nothing from the namespaced Role that shares the ClusterRole's name.
func TestCase17(t *testing.T) {
	dir := "../../../shared/cases/17-kubelinter-rolebinding-clusterrole"
	files := map[string]string{}
	for _, name := range []string{"rbac.yaml", "workloads.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skip("case 17 not present")
		}
		files[name] = string(data)
	}
	s, derived := linked(t, files)
	res := blast(t, s, ciAgent)

	card := res.Get("secret:k8s:payments/card-webhook-signing")
	if card == nil {
		t.Fatal("payments/card-webhook-signing not reached")
	}
	want := []graph.EdgeKind{graph.EdgeExecutes, graph.EdgeExposes, graph.EdgeAuthenticatesAs, graph.EdgeCanReadSecret}
	if diff := cmp.Diff(want, hopKinds(card)); diff != "" {
		t.Errorf("path (-want +got):\n%s", diff)
	}
	if card.Confidence != graph.Certain {
		t.Errorf("confidence %s, want certain", card.Confidence)
	}
	last := card.Path[len(card.Path)-1]
	for _, part := range []string{"RoleBinding payments/ci-reads-payment-secrets (rbac.yaml:44) grants ClusterRole secret-reader", "in namespace payments only", "allows get, list, watch on secrets"} {
		if !strings.Contains(last.Reason, part) {
			t.Errorf("reason %q does not say %q", last.Reason, part)
		}
	}
	if last.Pos.File != "rbac.yaml" || last.Pos.Line != 28 {
		t.Errorf("last hop at %s, want the ClusterRole's rule at rbac.yaml:28", last.Pos)
	}

	if r := res.Get("secret:k8s:billing/ledger-db"); r != nil {
		t.Errorf("billing/ledger-db reached through %v: the binding is in payments only", hopKinds(r))
	}
	for _, e := range derived {
		if e.Attr("role") == "k8s:role:payments/secret-reader" {
			t.Errorf("edge %s comes from the Role payments/secret-reader, which no binding names", e.Key())
		}
	}
}

// TestCase17Variants are variations of case 17 written for this package.
func TestCase17Variants(t *testing.T) {
	tests := []struct {
		name         string
		rbac         string
		card, ledger bool
	}{
		{name: "ClusterRoleBinding reaches every namespace", rbac: "clusterrolebinding.yaml", card: true, ledger: true},
		{name: "RoleBinding to the namespaced Role reaches no Secret", rbac: "role-kind.yaml"},
		{name: "subject without namespace is in the binding's namespace", rbac: "subject-namespace.yaml"},
	}
	work := readTestdata(t, "case17/workloads.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := linked(t, map[string]string{"workloads.yaml": work, "rbac.yaml": readTestdata(t, "case17/"+tt.rbac)})
			res := blast(t, s, ciAgent)
			if got := res.Get("secret:k8s:payments/card-webhook-signing") != nil; got != tt.card {
				t.Errorf("payments/card-webhook-signing reached: %v, want %v", got, tt.card)
			}
			if got := res.Get("secret:k8s:billing/ledger-db") != nil; got != tt.ledger {
				t.Errorf("billing/ledger-db reached: %v, want %v", got, tt.ledger)
			}
		})
	}
}
