package k8saudit

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestAuditLog(t *testing.T) {
	f := fileAt(t, "testdata/audit.jsonl")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	const deployer = "k8s:sa:ci/deployer"
	want := []string{
		deployer + " -OBSERVED-> secret:k8s:prod/db-password [] [get:secrets] ok=1 denied=0",
		deployer + " -OBSERVED-> secret:k8s:prod/* [denied_only=true] [list:secrets] ok=0 denied=1",
		deployer + " -OBSERVED-> secret:k8s:sa-token:prod/builder [] [create:serviceaccounts/token] ok=1 denied=0",
		deployer + " -OBSERVED-> k8s:clusterrolebinding:escalate [] [create:clusterrolebindings] ok=1 denied=0",
		"k8s:user:alice@example.com -OBSERVED-> k8s:workload:prod/Pod/web-7d9 [] [create:pods/exec] ok=1 denied=0",
		"k8s:user:admin@example.com -OBSERVED-> k8s:sa:kube-system/root-sa [] [impersonate] ok=1 denied=0",
		"k8s:sa:kube-system/root-sa -OBSERVED-> k8s:object:nodes/node-1 [] [get:nodes] ok=1 denied=0",
		"k8s:user:system:anonymous -OBSERVED-> k8s:cluster [] [get:/healthz] ok=1 denied=0",
		"k8s:user:eks:addon-manager -OBSERVED-> k8s:object:configmaps/kube-system/aws-auth [] [update:configmaps] ok=1 denied=0",
	}
	if diff := cmp.Diff(edgeLines(res), sorted(want)); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 9 {
		t.Errorf("Records = %d, want 9", res.Records)
	}
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	if diff := cmp.Diff(diags, []string{"testdata/audit.jsonl:9: record 9 is not valid JSON; skipped"}); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}

	// The secret read keeps the client's address, not the proxy's, and
	// the time of the request.
	for _, e := range res.Edges {
		if e.To != "secret:k8s:prod/db-password" {
			continue
		}
		if len(e.Evidence.Addrs) != 1 || e.Evidence.Addrs[0].Value != "192.0.2.20" {
			t.Errorf("addresses = %+v, want 192.0.2.20 only", e.Evidence.Addrs)
		}
		if want := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC); !e.Evidence.First.Equal(want) {
			t.Errorf("first = %s, want %s", e.Evidence.First, want)
		}
	}
	if n := findNode(res, "k8s:user:eks:addon-manager"); n == nil || n.Attr("iam_arn") != "arn:aws:sts::111122223333:assumed-role/AddonManagerRole/session" {
		t.Errorf("EKS user does not carry its IAM ARN: %+v", n)
	}
	if n := findNode(res, "secret:k8s:prod/db-password"); n == nil || n.Kind != "Secret" {
		t.Errorf("secret node = %+v, want a Secret", n)
	}
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

func TestWrappedRecords(t *testing.T) {
	f := fileAt(t, "testdata/wrapped.jsonl")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"k8s:sa:apps/api -OBSERVED-> secret:k8s:apps/api-key [] [get:secrets] ok=1 denied=0",
		"k8s:user:bob@example.com -OBSERVED-> k8s:workload:apps/Deployment/api [] [delete:deployments] ok=1 denied=0",
		"k8s:sa:apps/api -OBSERVED-> secret:k8s:apps/db-url [denied_only=true] [get:secrets] ok=0 denied=1",
	}
	if diff := cmp.Diff(edgeLines(res), sorted(want)); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 4 {
		t.Errorf("Records = %d, want 4", res.Records)
	}
}

func TestCanary(t *testing.T) {
	res := parse(t, fileAt(t, "testdata/audit.jsonl"))
	if out := marshal(t, res); strings.Contains(out, "CANARY-k8saudit-7f3a") {
		t.Error("a value from a request or response body reached the result")
	}
}

func TestParseResourceName(t *testing.T) {
	tests := []struct {
		in                             string
		resource, namespace, name, sub string
		ok                             bool
	}{
		{"core/v1/namespaces/prod/pods/web/exec", "pods", "prod", "web", "exec", true},
		{"core/v1/namespaces/prod/secrets", "secrets", "prod", "", "", true},
		{"rbac.authorization.k8s.io/v1/clusterrolebindings/admin", "clusterrolebindings", "", "admin", "", true},
		{"core/v1/namespaces/prod", "namespaces", "", "prod", "", true},
		{"core/v1", "", "", "", "", false},
	}
	for _, tt := range tests {
		r, ns, n, sub, ok := ParseResourceName(tt.in)
		if r != tt.resource || ns != tt.namespace || n != tt.name || sub != tt.sub || ok != tt.ok {
			t.Errorf("ParseResourceName(%q) = %q %q %q %q %v, want %q %q %q %q %v", tt.in, r, ns, n, sub, ok, tt.resource, tt.namespace, tt.name, tt.sub, tt.ok)
		}
	}
}

func TestRejects(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"empty", "\n\n", "x.json: file is empty"},
		{"cut array", "[{\"kind\":\"Event\",\"verb\":\"get\"", "x.json:1:2: file ends in the middle of a JSON value"},
		{"no event", "{\"a\": tru}\n{\"b\": }\n", "x.json:1: no record is a Kubernetes audit event"},
		{"text", "nope\n", "x.json:1:1: expected a JSON object or array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile("x.json", []byte(tt.input)), &ingest.Env{}, &res)
			checkError(t, err, "x.json")
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
		})
	}
}

// TestCorpus parses every Kubernetes audit file of the shared corpus.
func TestCorpus(t *testing.T) {
	path := filepath.Join(sharedDir, "corpus", "panther-labs__panther-analysis", "rules", "kubernetes_rules", "_tests_extracted.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared corpus not present")
	}
	f := fileAt(t, path)
	if !New().Detect(f) {
		t.Fatal("Detect = false for the Kubernetes audit samples")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	// 158 lines, one event each; some are GKE entries of no request.
	if res.Records != 158 || len(res.Diags) != 0 {
		t.Errorf("Records = %d with %d diagnostics, want 158 and none: %v", res.Records, len(res.Diags), res.Diags)
	}
	t.Logf("%d nodes, %d edges", len(res.Nodes), len(res.Edges))
}

// A namespace and the cluster get the types the manifest reader gives
// them, so a node that both inputs name reads the same either way.
func TestNamespaceAndClusterTypes(t *testing.T) {
	const log = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"create","user":{"username":"alice@example.com"},"objectRef":{"resource":"namespaces","name":"payments","apiVersion":"v1"},"responseStatus":{"code":201},"requestReceivedTimestamp":"2026-10-05T10:00:00.000000Z"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"list","user":{"username":"alice@example.com"},"objectRef":{"resource":"pods","namespace":"payments","apiVersion":"v1"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-10-05T10:01:00.000000Z"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"get","user":{"username":"alice@example.com"},"requestURI":"/healthz","responseStatus":{"code":200},"requestReceivedTimestamp":"2026-10-05T10:02:00.000000Z"}
`
	res := parse(t, bytesFile("audit.jsonl", []byte(log)))
	for id, want := range map[string]string{
		graph.K8sNamespaceID("payments"): "k8s-namespace",
		graph.K8sClusterID():             "k8s-cluster",
	} {
		if n := findNode(res, id); n == nil || n.Attr("type") != want {
			t.Errorf("node %s = %+v, want type %s", id, n, want)
		}
	}
}
