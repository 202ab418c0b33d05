package link

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/kubernetes"
)

// extraRole writes ClusterRole extra, which reads Secrets. labels, when
// set, is its metadata.labels block; a version makes it a dump's object.
func extraRole(version, labels string, line bool) string {
	meta := ""
	if version != "" {
		meta = "\n  uid: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n  resourceVersion: \"" + version + "\""
	}
	pad := ""
	if line {
		pad = "# read by the monitoring stack\n"
	}
	return pad + `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: extra` + meta + labels + `
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
`
}

// viewBinding binds the built-in ClusterRole view to service account
// apps/ci in namespace apps.
const viewBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ci-view
  namespace: apps
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: ci
`

// The label rbac.authorization.k8s.io/aggregate-to-view adds a
// ClusterRole's rules to view, and so to edit and admin. A manifest
// labels extra, and the dump of the cluster shows it without labels: the
// cluster's labels are in force, so view does not read Secrets and apps/ci
// reads none. The same labels in both, the rules at other lines, are no
// drift.
func TestK8sClusterRoleLabelsOfDump(t *testing.T) {
	const label = "\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: \"true\""
	for _, tc := range []struct {
		name       string
		dumpLabels string
		reads      []string
		warn       string
	}{
		{"dump without the label", "", nil, "count=1"},
		{"dump with the label", label, []string{"k8s:sa:apps/ci -> secret:k8s:apps/* (certain)"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			s := ingestFilesLog(t, []ingestInput{
				{"k8s/rbac.yaml", extraRole("", label, false) + "---\n" + viewBinding, kubernetes.New()},
				{"snapshots/roles.yaml", extraRole("5120", tc.dumpLabels, true), kubernetes.New()},
			}, log)
			es, err := s.EdgesByKind(context.Background(), graph.EdgeCanReadSecret)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.reads, got); diff != "" {
				t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
			}
			line := ""
			for _, l := range strings.Split(buf.String(), "\n") {
				if strings.Contains(l, `msg="Kubernetes roles differ between inputs`) {
					line = l
				}
			}
			if tc.warn == "" && line != "" || tc.warn != "" && !strings.Contains(line, tc.warn) {
				t.Errorf("warning %q, want one with %q; log:\n%s", line, tc.warn, buf.String())
			}
			if tc.warn != "" && !strings.Contains(buf.String(), `node=k8s:clusterrole:extra attribute=labels used=`) {
				t.Errorf("no debug line names the labels of extra; log:\n%s", buf.String())
			}
		})
	}
}

// A manifest binds user alice to cluster-admin, and the dump of the
// cluster shows binding ops with roleRef view. roleRef cannot change once
// a binding exists, so the cluster's is in force. alice reads the cluster
// only, because view grants get, list and watch.
func TestK8sBindingRoleOfDump(t *testing.T) {
	binding := func(role, meta string) string {
		return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops` + meta + `
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ` + role + `
subjects:
  - kind: User
    name: alice
`
	}
	s := ingestFilesLog(t, []ingestInput{
		{"k8s/rbac.yaml", binding("cluster-admin", ""), kubernetes.New()},
		{"snapshots/rbac.yaml", binding("view", "\n  uid: 1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9\n  resourceVersion: \"733\""), kubernetes.New()},
	}, nil)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.From+" -> "+e.To+" "+e.Attr(graph.AttrLevel)+" ("+string(e.Confidence)+") role "+e.Attr("role"))
	}
	want := []string{graph.K8sUserID("alice") + " -> " + graph.K8sClusterID() + " read (certain) role " + graph.K8sClusterRoleID("view")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ACCESS (-want +got):\n%s", diff)
	}
}
