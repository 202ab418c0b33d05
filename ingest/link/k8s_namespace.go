package link

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// attrNamespaceUnset is the workload attribute that the Kubernetes
// ingester sets to "true" when the manifest names no namespace.
const attrNamespaceUnset = "namespace_unset"

// boundAccount is a service account that a binding names with a
// namespace.
type boundAccount struct {
	ns, binding, file string
}

// linkInstallNamespace derives, for a workload whose manifest names no
// namespace (read in default), a possible EXPOSES of the token of the
// same-named service account in another namespace, when a binding in the
// manifest's folder or below names that account with that namespace. The
// manifests then show where they are meant to be applied (kubectl -n), and
// the workload runs as that account there.
func (v *view) linkInstallNamespace() {
	bound := map[string][]boundAccount{}
	for _, sa := range v.byKind[graph.NodeIdentity] {
		ns, name, ok := strings.Cut(strings.TrimPrefix(sa.ID, "k8s:sa:"), "/")
		if !ok || !strings.HasPrefix(sa.ID, "k8s:sa:") || ns == "" || ns == "default" {
			continue
		}
		for _, e := range v.edgesFrom(graph.EdgeHasPolicy, sa.ID) {
			b, ok := v.node(e.To)
			isBinding := strings.HasPrefix(b.ID, "k8s:clusterrolebinding:") || strings.HasPrefix(b.ID, "k8s:rolebinding:")
			if !ok || !isBinding || b.Pos.File == "" {
				continue
			}
			bound[name] = append(bound[name], boundAccount{ns: ns, binding: b.ID, file: b.Pos.File})
		}
	}
	for _, list := range bound {
		sort.Slice(list, func(i, j int) bool { return list[i].binding < list[j].binding })
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if !strings.HasPrefix(rt.ID, "k8s:workload:") || rt.Attr(attrNamespaceUnset) != "true" || rt.Attr("automount_token") == "false" {
			continue
		}
		sa := rt.Attr("service_account")
		dir := filepath.Dir(rt.Pos.File)
		for _, b := range bound[sa] {
			if b.ns == rt.Attr("namespace") || !within(b.file, dir) {
				continue
			}
			token := graph.K8sServiceAccountTokenID(b.ns, sa)
			if _, ok := v.nodes[token]; !ok && !v.seenNodes[token] {
				// The account's token, and the edge to the account, come
				// from linkKubernetes for every bound account.
				continue
			}
			e := graph.Edge{From: rt.ID, To: token, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: rt.Pos}
			e.SetAttr(graph.AttrVia, "token")
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the workload's manifest names no namespace, and %s (%s) names its service account %s in namespace %s; "+
				"undecided: whether the manifests are applied there (kubectl -n %s), where the pods mount that account's token",
				b.binding, b.file, sa, b.ns, b.ns))
			v.addEdge(e)
		}
	}
}

// within reports whether file lies in dir or below it.
func within(file, dir string) bool {
	rel, err := filepath.Rel(dir, file)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
