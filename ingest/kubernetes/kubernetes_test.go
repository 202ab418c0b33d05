package kubernetes

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func bytesFile(path string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{
		Path: path, RelPath: path, Head: head, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
	}
}

// testEnv fingerprints values as "fp(<length>)", which is enough to see
// that a value was fingerprinted and never stored.
func testEnv() *ingest.Env {
	return &ingest.Env{Fingerprint: func(v string) string { return fmt.Sprintf("fp(%d)", len(v)) }}
}

func parseBytes(t *testing.T, path string, data []byte) *ingest.Result {
	t.Helper()
	var res ingest.Result
	if err := New().Parse(context.Background(), bytesFile(path, data), testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	if err := joined(&res); err != nil {
		t.Error(err)
	}
	return &res
}

func parseTestdata(t *testing.T, name string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return parseBytes(t, name, data)
}

// joined checks that nodes are unique and positioned and that edges join
// nodes of the result.
func joined(res *ingest.Result) error {
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if ids[n.ID] {
			return fmt.Errorf("node %s appears twice", n.ID)
		}
		ids[n.ID] = true
		if n.Pos.Line < 1 || n.Pos.File == "" {
			return fmt.Errorf("node %s has no position", n.ID)
		}
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			return fmt.Errorf("edge %s joins a node that is not in the result", e.Key())
		}
		if e.Pos.Line < 1 || e.Pos.File == "" {
			return fmt.Errorf("edge %s has no position", e.Key())
		}
	}
	return nil
}

func nodeOf(t *testing.T, res *ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return graph.Node{}
}

// edgeList renders edges as "FROM -KIND-> TO (confidence) line N".
func edgeList(es []graph.Edge) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s -%s-> %s (%s) line %d", e.From, e.Kind, e.To, e.Confidence, e.Pos.Line))
	}
	sort.Strings(out)
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		path, head string
		want       bool
	}{
		{"a.yaml", "apiVersion: v1\nkind: Secret\n", true},
		{"deploy/b.yml", "# comment\n---\nkind: Deployment\napiVersion: apps/v1\n", true},
		{"chart/templates/c.yaml", "{{- if .Values.rbac }}\napiVersion: v1\nkind: ServiceAccount\n", true},
		{"d.yaml", "on: push\njobs:\n  build: {}\n", false},
		{"e.yaml", "spec:\n  apiVersion: v1\n  kind: Secret\n", false},
		{"f.json", `{"kind":"SecretList","apiVersion":"v1","items":[]}`, true},
		{"g.json", `{"apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "Pod"}], "kind": "List"}`, true},
		{"h.json", `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get"}`, false},
		{"i.json", `{"Version":"2012-10-17","Statement":[]}`, false},
		{"j.txt", "apiVersion: v1\nkind: Secret\n", false},
	}
	for _, tt := range tests {
		got := New().Detect(&ingest.File{Path: tt.path, Head: []byte(tt.head)})
		if got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestBaseFacts(t *testing.T) {
	res := parseTestdata(t, "base.yaml")
	if res.Records != 9 {
		t.Errorf("Records = %d, want 9", res.Records)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics: %v", res.Diags)
	}

	web := nodeOf(t, res, "k8s:workload:apps/Deployment/web")
	wantAttrs := map[string]string{
		"provider": "kubernetes", "type": "k8s-workload", "kind": "Deployment", "namespace": "apps", "name": "web",
		"service_account": "worker", "images": "registry.example.org/example-org/web:2.0.1", "containers": "web", "pod_labels": "app=web",
	}
	if diff := cmp.Diff(wantAttrs, web.Attrs); diff != "" {
		t.Errorf("web attrs (-want +got):\n%s", diff)
	}
	if web.Pos.Line != 52 {
		t.Errorf("web at line %d, want 52", web.Pos.Line)
	}

	db := nodeOf(t, res, "secret:k8s:apps/db-creds")
	wantAttrs = map[string]string{
		"provider": "kubernetes", "type": "k8s-secret", "namespace": "apps", "name": "db-creds",
		"secret_type": "Opaque", "long_lived": "true", "keys": "password",
		"fingerprint": "fp(18)", "stored_inline": "true",
	}
	if diff := cmp.Diff(wantAttrs, db.Attrs); diff != "" {
		t.Errorf("db-creds attrs (-want +got):\n%s", diff)
	}
	// base64 "ZXhhbXBsZS1rZXk=" is "example-key", 11 bytes.
	if got := nodeOf(t, res, "secret:k8s:apps/api-key").Attr("fingerprint"); got != "fp(11)" {
		t.Errorf("api-key fingerprint = %s, want fp(11) of the decoded value", got)
	}

	// The debug pod runs as the namespace's default service account, which
	// no object declares.
	if got := nodeOf(t, res, "k8s:sa:tools/default").Attr("type"); got != "service-account" {
		t.Errorf("tools/default type = %q", got)
	}

	web1 := "pkg:docker/example-org/web@2.0.1?repository_url=registry.example.org"
	want := []string{
		"k8s:workload:apps/Deployment/web -EXECUTES-> " + web1 + " (certain) line 69",
		"k8s:workload:apps/Deployment/web -EXPOSES-> secret:k8s:apps/api-key (certain) line 71",
		"k8s:workload:tools/Pod/debug -EXECUTES-> pkg:docker/busybox@latest (certain) line 82",
		"pkg:docker/busybox@latest -VERSION_OF-> pkg:docker/busybox (certain) line 82",
		web1 + " -VERSION_OF-> pkg:docker/example-org/web?repository_url=registry.example.org (certain) line 69",
	}
	if diff := cmp.Diff(want, edgeList(res.Edges)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestWorkloadFacts(t *testing.T) {
	res := parseTestdata(t, "workloads.yaml")
	dbImage := "pkg:docker/example-org/db@sha256:0000000000000000000000000000000000000000000000000000000000000000?repository_url=registry.example.org"
	var got []string
	for _, l := range edgeList(res.Edges) {
		if !strings.Contains(l, "-VERSION_OF->") {
			got = append(got, l)
		}
	}
	want := []string{
		"k8s:workload:apps/CronJob/backup -EXECUTES-> pkg:docker/example-org/backup@1.0?repository_url=registry.example.org (certain) line 69",
		"k8s:workload:apps/DaemonSet/node-agent -EXECUTES-> pkg:docker/example-org/agent@0.9?repository_url=registry.example.org (certain) line 82",
		// Mounting the Docker socket gives the node; line of the hostPath.
		"k8s:workload:apps/DaemonSet/node-agent -RUNS_ON-> k8s:node:* (certain) line 89",
		"k8s:workload:apps/Pod/tuner -EXECUTES-> pkg:docker/example-org/tuner@1.1?repository_url=registry.example.org (certain) line 99",
		// SYS_ADMIN may give the node, depending on profiles not shown.
		"k8s:workload:apps/Pod/tuner -RUNS_ON-> k8s:node:* (possible) line 102",
		"k8s:workload:apps/StatefulSet/db -EXECUTES-> pkg:docker/alpine@3.20 (certain) line 20",
		"k8s:workload:apps/StatefulSet/db -EXECUTES-> " + dbImage + " (certain) line 29",
		"k8s:workload:apps/StatefulSet/db -EXPOSES-> secret:k8s:apps/bundle-a (certain) line 45",
		"k8s:workload:apps/StatefulSet/db -EXPOSES-> secret:k8s:apps/db-creds (certain) line 22",
		"k8s:workload:apps/StatefulSet/db -EXPOSES-> secret:k8s:apps/db-tls (certain) line 36",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	db := nodeOf(t, res, "k8s:workload:apps/StatefulSet/db")
	if got := db.Attr("projected_token_audiences"); got != "vault.example.org" {
		t.Errorf("projected_token_audiences = %q", got)
	}
	if got := nodeOf(t, res, "k8s:sa:apps/quiet").Attr("automount_token"); got != "false" {
		t.Errorf("quiet automount_token = %q, want false", got)
	}
	if got := nodeOf(t, res, "k8s:workload:apps/CronJob/backup").Attr("automount_token"); got != "true" {
		t.Errorf("backup automount_token = %q, want true", got)
	}
	agent := nodeOf(t, res, "k8s:workload:apps/DaemonSet/node-agent")
	if agent.Attr("host_pid") != "true" || agent.Attr("host_paths") != "/var/run/docker.sock" {
		t.Errorf("node-agent attrs = %v", agent.Attrs)
	}
	for _, e := range res.Edges {
		if e.To == "secret:k8s:apps/db-creds" {
			if e.Attr("via") != "env" || e.Attr("keys") != "password" {
				t.Errorf("db-creds exposure attrs = %v, want via=env keys=password", e.Attrs)
			}
		}
		if e.Kind == graph.EdgeRunsOn && e.From == "k8s:workload:apps/DaemonSet/node-agent" {
			if e.Attr("escape") != "host-path:/var/run/docker.sock" {
				t.Errorf("escape = %q", e.Attr("escape"))
			}
		}
	}
}

func TestHostEscape(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/var/run/docker.sock", true},
		{"/var/run", true}, // holds the Docker socket
		{"/run/containerd/containerd.sock", true},
		{"/var/lib/kubelet/pods", true},
		{"/var/lib", true},
		{"/etc", true},
		{"/etc/kubernetes/pki", true},
		{"/etc/hosts", false},
		{"/var/log", false},
		{"/data", false},
	}
	for _, tt := range tests {
		if got := hostEscape(tt.path) != ""; got != tt.want {
			t.Errorf("hostEscape(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestRBACFacts(t *testing.T) {
	res := parseBytes(t, "rbac.yaml", []byte(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: readers
  namespace: apps
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: secret-reader
subjects:
  - kind: ServiceAccount
    name: worker
  - kind: User
    name: system:serviceaccount:tools:builder
  - kind: Group
    name: example-org:oncall
  - kind: User
    name: alice@example.org
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
  labels:
    example.org/aggregate-to-reader: "true"
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["db-creds"]
    verbs: ["get"]
  - resources: ["configmaps"]
    verbs: ["get"]
`))
	want := []string{
		"k8s:group:example-org:oncall -HAS_POLICY-> k8s:rolebinding:apps/readers (certain) line 15",
		// A service account subject without a namespace is in the binding's.
		"k8s:sa:apps/worker -HAS_POLICY-> k8s:rolebinding:apps/readers (certain) line 11",
		// A user of the service account form is that service account.
		"k8s:sa:tools/builder -HAS_POLICY-> k8s:rolebinding:apps/readers (certain) line 13",
		"k8s:user:alice@example.org -HAS_POLICY-> k8s:rolebinding:apps/readers (certain) line 17",
	}
	if diff := cmp.Diff(want, edgeList(res.Edges)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	b := nodeOf(t, res, "k8s:rolebinding:apps/readers")
	if b.Attr("role") != "k8s:clusterrole:secret-reader" || b.Attr("namespace") != "apps" {
		t.Errorf("binding attrs = %v", b.Attrs)
	}
	r := nodeOf(t, res, "k8s:clusterrole:secret-reader")
	wantRules := `[{"verbs":["get"],"apiGroups":[""],"resources":["secrets"],"resourceNames":["db-creds"],"line":27},{"verbs":["get"],"resources":["configmaps"],"line":31}]`
	if diff := cmp.Diff(wantRules, r.Attr("rules")); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if got := r.Attr("labels"); got != `{"example.org/aggregate-to-reader":"true"}` {
		t.Errorf("labels = %s", got)
	}
	// The rule without apiGroups matches nothing, and the parser warns about it.
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 31 || !strings.Contains(res.Diags[0].Msg, "no apiGroups") {
		t.Errorf("diagnostics = %v, want one about apiGroups at line 31", res.Diags)
	}
}

func TestHelmDocumentSkipped(t *testing.T) {
	res := parseBytes(t, "chart.yaml", []byte(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
  namespace: ci
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: ci
spec: {}
---
apiVersion: v1
kind: Secret
metadata:
  name: runner-token
  namespace: ci
  labels:
    app: "{{ .Chart.Name }}"
---
{{- if .Values.enabled }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: extra
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: templates
data:
  body: "{{ .app.metadata.name }} is out of sync"
---
apiVersion: v1
kind: Secret
metadata:
  name: kept
  namespace: ci
`))
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	msg := "document holds Helm template directives ({{ }}): document skipped; ingest the output of helm template instead"
	want := []string{
		"chart.yaml:10: " + msg,
		"chart.yaml:20: " + msg,
		"chart.yaml:22: " + msg,
	}
	if diff := cmp.Diff(want, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	var ids []string
	for _, n := range res.Nodes {
		ids = append(ids, n.ID)
	}
	wantIDs := []string{"k8s:sa:ci/runner", "secret:k8s:ci/kept"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, data string
		wantErr    string // the rejection, or "" when the file goes in
		wantDiags  []string
	}{
		{name: "syntax", data: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: [a\n", wantErr: "syntax.yaml:4: invalid YAML: did not find expected ',' or ']'"},
		// The flow mapping opened on line 10, in the second document, is
		// never closed.
		{name: "unclosed in a later document", data: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: x\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {b\n  namespace: x\n",
			wantDiags: []string{"unclosed in a later document.yaml:10: invalid YAML: did not find expected ',' or '}'; document skipped"}},
		{name: "one bad of two", data: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: x\n---\nkind: Secret\n  bad: [\n",
			wantDiags: []string{"one bad of two.yaml:8: invalid YAML: mapping values are not allowed in this context; document skipped"}},
		{name: "no name", data: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {}\n",
			wantDiags: []string{"no name.yaml:1: ServiceAccount without metadata.name: skipped"}},
		{name: "no namespace", data: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n",
			wantDiags: []string{"no namespace.yaml:1: 1 namespaced objects name no namespace: read in namespace default, where kubectl creates them without -n"}},
		{name: "scalar", data: "just text\n", wantErr: "scalar.yaml:1:1: document is not a mapping"},
		{name: "scalar after mapping", data: "apiVersion: v1\n---\njust text\n",
			wantDiags: []string{"scalar after mapping.yaml:3:1: document is not a mapping; document skipped"}},
		{name: "control character", data: "# one account\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \"s\x01\"\n",
			wantErr: "control character.yaml:5:11: invalid YAML: control characters are not allowed"},
		{name: "control character in a later document", data: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  namespace: x\n---\nkind: ServiceAccount\nmetadata:\n  name: \"s\x01\"\n",
			wantDiags: []string{"control character in a later document.yaml:9:11: invalid YAML: control characters are not allowed; document skipped"}},
		{name: "anchor", data: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: *secretname\n", wantErr: "anchor.yaml:1: invalid YAML"},
		{name: "bad roleRef", data: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  kind: Role\n  name: r\n",
			wantDiags: []string{"bad roleRef.yaml:6: ClusterRoleBinding b: roleRef kind must be Role or ClusterRole (a ClusterRoleBinding only ClusterRole): skipped"}},
		{name: "sa subject without namespace", data: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: x\n",
			wantDiags: []string{"sa subject without namespace.yaml:9: ClusterRoleBinding b: service account subject 1 names no namespace, so it matches no one: skipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile(tt.name+".yaml", []byte(tt.data)), testEnv(), &res)
			if tt.wantErr != "" {
				var pe *ingest.Error
				if err == nil || !asError(err, &pe) {
					t.Fatalf("err = %v, want *ingest.Error %q", err, tt.wantErr)
				}
				// The first line of an error is at the start of the document.
				if got := err.Error(); got != tt.wantErr {
					t.Errorf("err = %q, want %q", got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var diags []string
			for _, d := range res.Diags {
				diags = append(diags, d.String())
			}
			if diff := cmp.Diff(tt.wantDiags, diags); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func asError(err error, pe **ingest.Error) bool {
	e, ok := err.(*ingest.Error)
	*pe = e
	return ok
}

func TestJSONList(t *testing.T) {
	res := parseBytes(t, "secrets.json", []byte(`{"kind":"SecretList","apiVersion":"v1","items":[
{"metadata":{"name":"t","namespace":"ops","annotations":{"kubernetes.io/service-account.name":"deployer"}},"type":"kubernetes.io/service-account-token","data":{"token":"ZXhhbXBsZQ=="}},
{"metadata":{"name":"plain","namespace":"ops"},"type":"Opaque"}]}
`))
	if res.Records != 2 {
		t.Errorf("Records = %d, want 2", res.Records)
	}
	want := []string{"secret:k8s:ops/t -AUTHENTICATES_AS-> k8s:sa:ops/deployer (certain) line 2"}
	if diff := cmp.Diff(want, edgeList(res.Edges)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if got := nodeOf(t, res, "secret:k8s:ops/t").Attr("secret_type"); got != "kubernetes.io/service-account-token" {
		t.Errorf("secret_type = %q", got)
	}
}

// A Role that the API server returned (uid and resourceVersion set) is
// marked as read from the live cluster. The same Role as a manifest is
// not marked.
func TestRoleFromClusterIsLive(t *testing.T) {
	const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: apps
%s
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
`
	for name, tc := range map[string]struct {
		meta string
		live string
	}{
		"dump":     {"  uid: 6a1f0c2e-0d0b-4c3e-9f43-6f1b8a2d7e10\n  resourceVersion: \"48213\"", "true"},
		"manifest": {"", ""},
	} {
		res := parseBytes(t, "rbac.yaml", []byte(fmt.Sprintf(role, tc.meta)))
		var got string
		found := false
		for _, n := range res.Nodes {
			if n.ID == graph.K8sRoleID("apps", "reader") {
				got, found = n.Attr(graph.AttrLiveExport), true
			}
		}
		if !found || got != tc.live {
			t.Errorf("%s: %s = %q (found %v), want %q", name, graph.AttrLiveExport, got, found, tc.live)
		}
	}
}

// A ClusterRoleBinding that the API server returned marks its node and the
// edge from each subject with live_export and its resourceVersion, so
// that readers tell the subjects of the cluster from a manifest's. A
// dumped ClusterRole without labels states that it has none.
func TestBindingFromClusterIsLive(t *testing.T) {
	res := parseBytes(t, "dump.yaml", []byte(`apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata:
    name: admins
    uid: 0d1e6f8a-5b43-4c0e-8d2f-7a9b3c1e2f40
    resourceVersion: "7301"
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: ClusterRole
    name: cluster-admin
  subjects:
  - kind: Group
    name: platform
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: plain
    uid: 3c2b1a09-8f7e-4d6c-9b5a-0e1f2a3b4c5d
    resourceVersion: "7302"
  rules: []
`))
	b := nodeOf(t, res, graph.K8sClusterRoleBindingID("admins"))
	if b.Attr(graph.AttrLiveExport) != "true" || b.Attr(graph.AttrResourceVersion) != "7301" {
		t.Errorf("binding attrs = %v, want live_export=true resource_version=7301", b.Attrs)
	}
	var e *graph.Edge
	for i := range res.Edges {
		if res.Edges[i].From == graph.K8sGroupID("platform") {
			e = &res.Edges[i]
		}
	}
	if e == nil || e.Attr(graph.AttrLiveExport) != "true" || e.Attr(graph.AttrResourceVersion) != "7301" {
		t.Errorf("subject edge = %+v, want live_export=true resource_version=7301", e)
	}
	if got := nodeOf(t, res, graph.K8sClusterRoleID("plain")).Attr("labels"); got != "{}" {
		t.Errorf("labels of a dumped ClusterRole without labels = %q, want {}", got)
	}
}
