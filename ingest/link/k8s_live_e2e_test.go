package link_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// liveRunner runs Deployment ci/runner as service account ci/deployer,
// whose token Kubernetes mounts into its pods.
const liveRunner = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: runner
  namespace: ci
spec:
  template:
    spec:
      serviceAccountName: deployer
      containers:
        - name: runner
          image: ghcr.io/o/runner:2.1
`

// liveBinding writes ClusterRoleBinding ci-admin, which grants
// cluster-admin to each group of groups and to user alice. A version
// makes it an object that an API server returned (kubectl get -o yaml),
// which sets metadata.uid and metadata.resourceVersion.
func liveBinding(version string, groups ...string) string {
	return liveBindingOf("5f0c7a3e-2b1d-4e6f-8a9b-0c1d2e3f4a5b", version, groups...)
}

// liveBindingOf is liveBinding with the uid of the object: bindings of
// one name in two clusters have different uids.
func liveBindingOf(uid, version string, groups ...string) string {
	meta := ""
	if version != "" {
		meta = "\n  uid: " + uid + "\n  resourceVersion: \"" + version + "\""
	}
	doc := `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-admin` + meta + `
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: User
    name: alice
`
	for _, g := range groups {
		doc += "  - kind: Group\n    name: " + g + "\n"
	}
	return doc
}

// clusterReach returns how sure query is that the start reaches the
// cluster-wide scope, "" when it does not reach it.
func clusterReach(t *testing.T, files map[string]string, start query.Start, log *slog.Logger) string {
	t.Helper()
	s := ingestRepos(t, map[string]map[string]string{"ops": files}, log)
	res, err := query.Run(context.Background(), s, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reached {
		if r.Node.ID == graph.K8sClusterID() {
			return string(r.Confidence)
		}
	}
	return ""
}

// Kubernetes adds the token of service account ci/deployer to groups
// system:serviceaccounts and system:serviceaccounts:ci. Where the
// manifest binds system:serviceaccounts:ci to cluster-admin and the dump
// of the cluster shows the binding without it, the token is not
// cluster-admin now: an apply of the manifest would make it one again,
// so it reaches the cluster possibly. A subject that the cluster binds
// and the manifest does not is bound now. Of two dumps, the one with
// the higher resourceVersion (10 > 9, though "10" sorts first as text)
// states the subjects; an older dump alone restores nothing. Dumps of
// two objects of one name (two clusters, different uids) each bind their
// own subjects. User alice,
// whom every input binds, stays cluster-admin for certain.
func TestLiveBindingSubjects(t *testing.T) {
	const group = "system:serviceaccounts:ci"
	token := query.Start{Secrets: []string{graph.K8sServiceAccountTokenID("ci", "deployer")}}
	alice := query.Start{Identities: []string{graph.K8sUserID("alice")}}
	for _, tc := range []struct {
		name      string
		files     map[string]string
		token     string
		driftWarn bool
	}{
		{"manifest only", map[string]string{"k8s/rbac.yaml": liveBinding("", group)}, "certain", false},
		{"removed from the cluster", map[string]string{
			"k8s/rbac.yaml":          liveBinding("", group),
			"snapshots/cluster.yaml": liveBinding("4812"),
		}, "possible", true},
		{"added in the cluster", map[string]string{
			"k8s/rbac.yaml":          liveBinding(""),
			"snapshots/cluster.yaml": liveBinding("4812", group),
		}, "certain", true},
		{"removed in the later dump", map[string]string{
			"snapshots/a.yaml": liveBinding("9", group),
			"snapshots/b.yaml": liveBinding("10"),
		}, "", true},
		{"added in the later dump", map[string]string{
			"snapshots/a.yaml": liveBinding("10", group),
			"snapshots/b.yaml": liveBinding("9"),
		}, "certain", true},
		// Dumps of two clusters: each binding is an object of its own,
		// and the one with the lower version binds the group now.
		{"bound in another cluster", map[string]string{
			"snapshots/prod.yaml":    liveBindingOf("0d9e8f7a-1111-4b2c-9d3e-5f6a7b8c9d0e", "10"),
			"snapshots/staging.yaml": liveBindingOf("7a6b5c4d-2222-4e3f-8a9b-1c2d3e4f5a6b", "9", group),
		}, "certain", true},
		// Two dumps of prod's binding and one of staging's, which sorts
		// first: prod's later dump removed the group and staging's never
		// bound it, so nothing binds it now.
		{"removed in one cluster's later dump", map[string]string{
			"snapshots/a-staging.yaml": liveBindingOf("7a6b5c4d-2222-4e3f-8a9b-1c2d3e4f5a6b", "5"),
			"snapshots/b-prod.yaml":    liveBindingOf("0d9e8f7a-1111-4b2c-9d3e-5f6a7b8c9d0e", "9", group),
			"snapshots/c-prod.yaml":    liveBindingOf("0d9e8f7a-1111-4b2c-9d3e-5f6a7b8c9d0e", "10"),
		}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"k8s/runner.yaml": liveRunner}
			for k, v := range tc.files {
				files[k] = v
			}
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			if got := clusterReach(t, files, token, log); got != tc.token {
				t.Errorf("token of ci/deployer reaches the cluster %q, want %q", got, tc.token)
			}
			if got := clusterReach(t, files, alice, nil); got != "certain" {
				t.Errorf("alice reaches the cluster %q, want certain", got)
			}
			warned := strings.Contains(buf.String(), `msg="Kubernetes role bindings differ between inputs`)
			if warned != tc.driftWarn {
				t.Errorf("drift warning = %v, want %v; log:\n%s", warned, tc.driftWarn, buf.String())
			}
		})
	}
}

// The reason of the possible grant names the dump and the manifest and
// explains why the grant is not certain.
func TestLiveBindingReason(t *testing.T) {
	files := map[string]string{
		"k8s/runner.yaml":        liveRunner,
		"k8s/rbac.yaml":          liveBinding("", "system:serviceaccounts:ci"),
		"snapshots/cluster.yaml": liveBinding("4812"),
	}
	s := ingestRepos(t, map[string]map[string]string{"ops": files}, nil)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.From == graph.K8sServiceAccountID("ci", "deployer") && e.To == graph.K8sClusterID() {
			r := e.Attr(graph.AttrReason)
			got = append(got, string(e.Confidence)+": "+r[strings.Index(r, "; undecided: ")+2:])
		}
	}
	sort.Strings(got)
	want := []string{"possible: undecided: the dump of the cluster (" + "ops/snapshots/cluster.yaml" +
		") does not name the subject, which ops/k8s/rbac.yaml:12 names: it is not bound now, and an apply of that manifest would bind it again"}
	if diff := cmp.Diff(want, trimDirs(got)); diff != "" {
		t.Errorf("CAN_ACCESS to the cluster (-want +got):\n%s", diff)
	}
}

// trimDirs drops the temporary folder before ops/ in each line.
func trimDirs(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		for {
			j := strings.Index(l, "/ops/")
			if j < 0 {
				break
			}
			k := strings.LastIndexAny(l[:j], " (")
			l = l[:k+1] + l[j+1:]
		}
		out[i] = l
	}
	return out
}

// liveReaderRole writes Role ci/reader as the API server of a cluster
// returns it, with the object's uid and version, granting get on resource.
func liveReaderRole(uid, version, resource string) string {
	return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ci
  uid: ` + uid + `
  resourceVersion: "` + version + `"
rules:
  - apiGroups: [""]
    resources: ["` + resource + `"]
    verbs: ["get"]
`
}

// Role ci/reader has one name in two clusters, so the graph holds one
// node for both. The dump of prod grants get on configmaps, and that of
// staging, with another uid and a lower version, get on secrets. The
// manifest's RoleBinding binds service account ci/deployer to the role,
// so in staging its token reads Secret ci/db-password. With staging's
// dump alone that is certain. With both, the input does not show which
// cluster the binding is in, so the read is possible: not missed, and not
// stated as certain for a subject that may be bound in prod.
func TestLiveRoleRulesOfTwoClusters(t *testing.T) {
	files := map[string]string{
		"k8s/runner.yaml": liveRunner,
		"k8s/rbac.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader-binding
  namespace: ci
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
---
apiVersion: v1
kind: Secret
metadata:
  name: db-password
  namespace: ci
type: Opaque
`,
	}
	staging := liveReaderRole("7a6b5c4d-2222-4e3f-8a9b-1c2d3e4f5a6b", "7", "secrets")
	token := query.Start{Secrets: []string{graph.K8sServiceAccountTokenID("ci", "deployer")}}
	secret := graph.K8sSecretID("ci", "db-password")
	reach := func(files map[string]string) string { return reachedConf(t, files, token, secret) }
	alone := map[string]string{"snapshots/b-staging.yaml": staging}
	for k, v := range files {
		alone[k] = v
	}
	if got := reach(alone); got != "certain" {
		t.Fatalf("with staging's dump alone the token reaches %s %q, want certain", secret, got)
	}
	both := map[string]string{"snapshots/a-prod.yaml": liveReaderRole("0d9e8f7a-1111-4b2c-9d3e-5f6a7b8c9d0e", "20", "configmaps")}
	for k, v := range alone {
		both[k] = v
	}
	if got := reach(both); got != "possible" {
		t.Errorf("with both clusters' dumps the token reaches %s %q, want possible", secret, got)
	}
}

// reachedConf returns how sure query is that the start reaches node id,
// "" when it does not reach it.
func reachedConf(t *testing.T, files map[string]string, start query.Start, id string) string {
	t.Helper()
	s := ingestRepos(t, map[string]map[string]string{"ops": files}, nil)
	res, err := query.Run(context.Background(), s, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reached {
		if r.Node.ID == id {
			return string(r.Confidence)
		}
	}
	return ""
}

// ClusterRoleBinding ci-admin has one name in two clusters. Prod's dump
// binds group system:serviceaccounts:ci to ClusterRole view, and
// staging's, with another uid, to cluster-admin. The token of service
// account ci/deployer is in that group, so in staging it reads Secret
// ci/db-password, which view does not grant: the same as with staging's
// dump alone.
func TestLiveBindingRoleOfTwoClusters(t *testing.T) {
	binding := func(uid, version, role string) string {
		return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-admin
  uid: ` + uid + `
  resourceVersion: "` + version + `"
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ` + role + `
subjects:
  - kind: Group
    name: system:serviceaccounts:ci
`
	}
	const secretFile = `apiVersion: v1
kind: Secret
metadata:
  name: db-password
  namespace: ci
type: Opaque
`
	token := query.Start{Secrets: []string{graph.K8sServiceAccountTokenID("ci", "deployer")}}
	secret := graph.K8sSecretID("ci", "db-password")
	staging := binding("7a6b5c4d-2222-4e3f-8a9b-1c2d3e4f5a6b", "5", "cluster-admin")
	prod := binding("0d9e8f7a-1111-4b2c-9d3e-5f6a7b8c9d0e", "10", "view")
	files := func(extra map[string]string) map[string]string {
		out := map[string]string{"k8s/runner.yaml": liveRunner, "k8s/secret.yaml": secretFile}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	if got := reachedConf(t, files(map[string]string{"snapshots/b-staging.yaml": staging}), token, secret); got != "certain" {
		t.Fatalf("with staging's dump alone the token reaches %s %q, want certain", secret, got)
	}
	if got := reachedConf(t, files(map[string]string{"snapshots/a-prod.yaml": prod}), token, secret); got != "" {
		t.Fatalf("with prod's dump alone the token reaches %s %q, want none", secret, got)
	}
	both := files(map[string]string{"snapshots/a-prod.yaml": prod, "snapshots/b-staging.yaml": staging})
	if got := reachedConf(t, both, token, secret); got != "certain" {
		t.Errorf("with both clusters' dumps the token reaches %s %q, want certain", secret, got)
	}
	// When staging's binding names another group, only prod's names the
	// token's group, to view. Staging's cluster-admin may then be a
	// grant of another cluster: the read is possible, not certain.
	other := strings.Replace(staging, "system:serviceaccounts:ci", "ops-admins", 1)
	mixed := files(map[string]string{"snapshots/a-prod.yaml": prod, "snapshots/b-staging.yaml": other})
	if got := reachedConf(t, mixed, token, secret); got != "possible" {
		t.Errorf("with staging binding another group the token reaches %s %q, want possible", secret, got)
	}
}

// deployersBinding writes RoleBinding apps/deployers as the API server of
// a cluster returns it, binding ClusterRole role to each user of users.
func deployersBinding(uid, version, role string, users ...string) string {
	doc := `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployers
  namespace: apps
  uid: ` + uid + `
  resourceVersion: "` + version + `"
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ` + role + `
subjects:
`
	for _, u := range users {
		doc += "  - kind: User\n    name: " + u + "\n"
	}
	return doc
}

// Prod's dump of RoleBinding apps/deployers binds alice to the built-in
// ClusterRole view, and staging's binds bob to edit. Alice reads
// namespace apps for certain and may write it, if her binding is
// staging's. The possible write access must be explained by the grant of
// edit, with the reason it is undecided, not by the certain grant of view.
func TestLiveBindingWriteAccessReason(t *testing.T) {
	files := map[string]string{
		"snapshots/a-prod.yaml":    deployersBinding("11111111-0000-4000-8000-000000000001", "50", "view", "alice"),
		"snapshots/b-staging.yaml": deployersBinding("22222222-0000-4000-8000-000000000002", "7", "edit", "bob"),
	}
	s := ingestRepos(t, map[string]map[string]string{"ops": files}, nil)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(es, func(e graph.Edge) bool {
		return e.From == graph.K8sUserID("alice") && e.To == graph.K8sNamespaceID("apps")
	})
	if i < 0 {
		t.Fatal("no CAN_ACCESS from alice to namespace apps")
	}
	e := es[i]
	if e.Confidence != graph.Possible {
		t.Errorf("confidence %s, want possible", e.Confidence)
	}
	if got := e.Attr(graph.AttrLevel); got != "write" {
		t.Errorf("level %q, want write", got)
	}
	reason := e.Attr(graph.AttrReason)
	if !strings.Contains(reason, "grants ClusterRole edit (built in)") {
		t.Errorf("reason %q, want the grant of edit", reason)
	}
	if !strings.Contains(reason, "; undecided: dumps of RoleBinding apps/deployers from more than one cluster name different roles") {
		t.Errorf("reason %q, want why the grant of edit is possible", reason)
	}
}
