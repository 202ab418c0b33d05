package kubernetes

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// reader turns the objects of one file into facts. Several objects may
// name one node, such as a service account declared once and used by many
// workloads, and then the declaring object's position and attributes win.
type reader struct {
	f        *ingest.File
	env      *ingest.Env
	res      *ingest.Result
	nodes    map[string]int
	declared map[string]bool
	edges    map[graph.EdgeKey]int

	unsetNS     int // namespaced objects without a namespace
	unsetNSLine int
	badB64      int // Secret data values that are not base64
	badB64Line  int
	badB64Where string
}

func newReader(f *ingest.File, env *ingest.Env, res *ingest.Result) *reader {
	return &reader{f: f, env: env, res: res, nodes: map[string]int{}, declared: map[string]bool{}, edges: map[graph.EdgeKey]int{}}
}

// node adds a node at a line. A declared node replaces the position,
// label and attributes of an earlier reference to the same id.
func (r *reader) node(n graph.Node, ln int, declared bool) {
	n.Pos = graph.Pos{File: r.f.Path, Line: ln}
	i, ok := r.nodes[n.ID]
	if !ok {
		r.nodes[n.ID] = len(r.res.Nodes)
		r.declared[n.ID] = declared
		r.res.AddNode(n)
		return
	}
	cur := &r.res.Nodes[i]
	if declared && !r.declared[n.ID] {
		r.declared[n.ID] = true
		for k, v := range cur.Attrs {
			if _, ok := n.Attrs[k]; !ok {
				n.SetAttr(k, v)
			}
		}
		*cur = n
		return
	}
	for k, v := range n.Attrs {
		if _, ok := cur.Attrs[k]; !ok {
			cur.SetAttr(k, v)
		}
	}
}

// edge adds an edge. A repeated edge keeps its first position and merges
// its list attributes.
func (r *reader) edge(e graph.Edge, ln int) {
	e.Pos = graph.Pos{File: r.f.Path, Line: ln}
	if e.Confidence == "" {
		e.Confidence = graph.Certain
	}
	i, ok := r.edges[e.Key()]
	if !ok {
		r.edges[e.Key()] = len(r.res.Edges)
		r.res.AddEdge(e)
		return
	}
	cur := &r.res.Edges[i]
	if e.Confidence == graph.Certain {
		cur.Confidence = graph.Certain
	}
	if e.Kind == graph.EdgeExecutes {
		// Containers of one pod that run one image: the pod pulls it as
		// often as the most eager of them.
		if pull := eagerPull(cur.Attr(graph.AttrPullPolicy), e.Attr(graph.AttrPullPolicy)); pull != "" {
			cur.SetAttr(graph.AttrPullPolicy, pull)
		} else {
			delete(cur.Attrs, graph.AttrPullPolicy)
		}
	}
	for k, v := range e.Attrs {
		old, ok := cur.Attrs[k]
		switch {
		case k == graph.AttrPullPolicy:
		case !ok:
			cur.SetAttr(k, v)
		case listAttrs[k]:
			cur.SetAttr(k, graph.JoinList(append(graph.SplitList(old), graph.SplitList(v)...)))
		}
	}
}

// listAttrs are edge attributes that hold comma lists.
var listAttrs = map[string]bool{graph.AttrVia: true, "keys": true, "containers": true, "escape": true}

func (r *reader) warnf(ln int, format string, args ...any) {
	r.res.Warnf(ingest.Position{File: r.f.Path, Line: ln}, format, args...)
}

// finish adds the warnings that concern the whole file.
func (r *reader) finish() {
	if r.unsetNS > 0 {
		r.warnf(r.unsetNSLine, "%d namespaced objects name no namespace: read in namespace default, where kubectl creates them without -n", r.unsetNS)
	}
	if r.badB64 > 0 {
		r.warnf(r.badB64Line, "%d Secret data values are not base64, the first of %s: fingerprinted as written", r.badB64, r.badB64Where)
	}
}

// object reads one object, or the items of a List. An item of a list is
// never read as a list itself, so that an alias cannot make a cycle.
func (r *reader) object(n *yaml.Node) {
	kind := str(get(n, "kind"))
	if list := get(n, "items"); list != nil && (kind == "List" || strings.HasSuffix(kind, "List")) {
		// Items of a typed list (SecretList) omit their kind.
		ik := ""
		if kind != "List" {
			ik = strings.TrimSuffix(kind, "List")
		}
		for _, it := range items(list) {
			if it.Kind == yaml.MappingNode {
				r.item(it, ik)
			}
		}
		return
	}
	r.item(n, "")
}

// item reads one object, whose kind is itemKind when the object omits it.
func (r *reader) item(n *yaml.Node, itemKind string) {
	kind := str(get(n, "kind"))
	if kind == "" {
		kind = itemKind
	}
	if !readKind(kind) {
		return
	}
	if t := templated(n, 0); t != nil {
		res := helmError(r.f.Path, t.Line)
		r.res.Warnf(res.pos, "%s", res.msg)
		return
	}

	meta := get(n, "metadata")
	name := str(get(meta, "name"))
	ln := line(n, 1)
	if name == "" {
		r.warnf(ln, "%s without metadata.name: skipped", kind)
		return
	}
	r.res.Records++
	ns, nsUnset := "", false
	if kind != "Namespace" && kind != "ClusterRole" && kind != "ClusterRoleBinding" {
		ns = str(get(meta, "namespace"))
		if ns == "" {
			ns, nsUnset = "default", true
			if r.unsetNS == 0 {
				r.unsetNSLine = ln
			}
			r.unsetNS++
		}
	}
	o := &object{n: n, kind: kind, ns: ns, nsUnset: nsUnset, name: name, line: ln, meta: meta}
	switch kind {
	case "ServiceAccount":
		r.serviceAccount(o)
	case "Secret":
		r.secret(o)
	case "Namespace":
		nn := newNode(graph.K8sNamespaceID(name), graph.NodeResource, "namespace "+name, "k8s-namespace")
		nn.SetAttr(graph.AttrName, name)
		r.node(nn, ln, true)
	case "Service":
		r.service(o)
	case "NetworkPolicy":
		r.networkPolicy(o)
	case "Role", "ClusterRole":
		r.role(o)
	case "RoleBinding", "ClusterRoleBinding":
		r.binding(o)
	default:
		r.workload(o)
	}
}

// object is one Kubernetes object being read.
type object struct {
	n, meta  *yaml.Node
	kind     string
	ns, name string
	// nsUnset marks an object that names no namespace, read in default.
	nsUnset bool
	line    int
}

// live reports whether an API server returned the object (kubectl get -o
// yaml or json): the server sets its uid and resourceVersion, which a
// manifest written for kubectl apply leaves out.
func (o *object) live() bool {
	return str(get(o.meta, "uid")) != "" && str(get(o.meta, "resourceVersion")) != ""
}

// markLive sets, on the node or edge of an object that an API server
// returned, graph.AttrLiveExport, graph.AttrResourceVersion and
// graph.AttrLiveUID.
func (o *object) markLive(set func(key, value string)) {
	if o.live() {
		set(graph.AttrLiveExport, "true")
		set(graph.AttrResourceVersion, str(get(o.meta, "resourceVersion")))
		set(graph.AttrLiveUID, str(get(o.meta, "uid")))
	}
}

func (o *object) annotation(key string) string {
	return str(get(get(o.meta, "annotations"), key))
}

// serviceAccountNode returns the node of a service account as a
// reference: no attributes that a declaration might contradict.
func serviceAccountNode(ns, name string) graph.Node {
	n := newNode(graph.K8sServiceAccountID(ns, name), graph.NodeIdentity, "service account "+ns+"/"+name, "service-account")
	n.SetAttr("namespace", ns)
	n.SetAttr(graph.AttrName, name)
	return n
}

// Annotations that bind a service account to a cloud identity.
const (
	annotationIRSA = "eks.amazonaws.com/role-arn"
	annotationGKE  = "iam.gke.io/gcp-service-account"
)

func (r *reader) serviceAccount(o *object) {
	n := serviceAccountNode(o.ns, o.name)
	if v, ok := boolean(get(o.n, "automountServiceAccountToken")); ok {
		n.SetAttr("automount_token", boolText(v))
	}
	if arn := strings.TrimSpace(o.annotation(annotationIRSA)); arn != "" {
		if strings.HasPrefix(arn, "arn:aws") && strings.Contains(arn, ":role/") {
			n.SetAttr("aws_role_arn", arn)
		} else {
			r.warnf(o.line, "ServiceAccount %s: annotation %s is not an IAM role ARN", label(o.ns, o.name), annotationIRSA)
		}
	}
	if sa := strings.TrimSpace(o.annotation(annotationGKE)); sa != "" {
		n.SetAttr("gcp_service_account", sa)
	}
	r.node(n, o.line, true)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// secretNode returns the node of a Secret object as a reference.
func secretNode(ns, name string) graph.Node {
	n := newNode(graph.K8sSecretID(ns, name), graph.NodeSecret, "Secret "+ns+"/"+name, "k8s-secret")
	n.SetAttr("namespace", ns)
	n.SetAttr(graph.AttrName, name)
	return n
}

// secret records a Secret's type and key names. Values are never kept:
// each one visible in the file is fingerprinted.
func (r *reader) secret(o *object) {
	n := secretNode(o.ns, o.name)
	typ := str(get(o.n, "type"))
	if typ == "" {
		typ = "Opaque"
	}
	n.SetAttr("secret_type", typ)
	n.SetAttr(graph.AttrLongLived, "true")

	var keys, fps []string
	for _, field := range []string{"data", "stringData"} {
		for _, e := range entries(get(o.n, field)) {
			keys = append(keys, e.key)
			v := str(e.val)
			if v == "" {
				continue
			}
			if field != "stringData" {
				dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
				if err != nil {
					if r.badB64 == 0 {
						r.badB64Line, r.badB64Where = line(e.val, o.line), "Secret "+label(o.ns, o.name)+" key "+e.key
					}
					r.badB64++
				} else {
					v = string(dec)
				}
			}
			if r.env != nil && r.env.Fingerprint != nil {
				fps = append(fps, r.env.Fingerprint(v))
			}
			n.SetAttr(graph.AttrStoredInline, "true")
		}
	}
	if len(keys) > 0 {
		n.SetAttr("keys", graph.JoinList(keys))
	}
	if len(fps) > 0 {
		n.SetAttr(graph.AttrFingerprint, graph.JoinList(fps))
	}
	sa := o.annotation("kubernetes.io/service-account.name")
	if typ != "kubernetes.io/service-account-token" {
		sa = ""
	}
	if sa != "" {
		n.SetAttr("service_account", sa)
	}
	r.node(n, o.line, true)

	if sa != "" {
		r.node(serviceAccountNode(o.ns, sa), o.line, false)
		e := graph.Edge{From: n.ID, To: graph.K8sServiceAccountID(o.ns, sa), Kind: graph.EdgeAuthenticatesAs}
		e.SetAttr(graph.AttrReason, "a Secret of type kubernetes.io/service-account-token holds a long-lived API token of service account "+o.ns+"/"+sa)
		r.edge(e, o.line)
	}
}

// rule is an RBAC policy rule as the Policy node's rules attribute
// contains it. An absent apiGroups list stays absent: such a rule matches
// nothing.
type rule struct {
	Verbs           []string `json:"verbs,omitempty"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	ResourceNames   []string `json:"resourceNames,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
	Line            int      `json:"line,omitempty"`
}

// selector is a label selector of an aggregation rule.
type selector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []requirement     `json:"matchExpressions,omitempty"`
}

type requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

func (r *reader) role(o *object) {
	id, typ := graph.K8sRoleID(o.ns, o.name), "k8s-role"
	if o.kind == "ClusterRole" {
		id, typ = graph.K8sClusterRoleID(o.name), "k8s-clusterrole"
	}
	n := newNode(id, graph.NodePolicy, o.kind+" "+label(o.ns, o.name), typ)
	n.SetAttr(graph.AttrName, o.name)
	if o.ns != "" {
		n.SetAttr("namespace", o.ns)
	}

	rules := []rule{}
	for i, rn := range items(get(o.n, "rules")) {
		ru := rule{
			Verbs:           stringList(get(rn, "verbs")),
			Resources:       stringList(get(rn, "resources")),
			ResourceNames:   stringList(get(rn, "resourceNames")),
			NonResourceURLs: stringList(get(rn, "nonResourceURLs")),
			Line:            line(rn, o.line),
		}
		if g := get(rn, "apiGroups"); g != nil {
			ru.APIGroups = append([]string{}, stringList(g)...)
		}
		if len(ru.Resources) > 0 && len(ru.APIGroups) == 0 {
			r.warnf(ru.Line, "%s %s: rule %d names resources but no apiGroups, so it matches nothing (the API server rejects it)", o.kind, label(o.ns, o.name), i+1)
		}
		rules = append(rules, ru)
	}
	n.SetAttr("rules", mustJSON(rules))
	o.markLive(n.SetAttr)

	if o.kind == "ClusterRole" {
		labels := map[string]string{}
		for _, e := range entries(get(o.meta, "labels")) {
			labels[e.key] = str(e.val)
		}
		// A dump lists every label the role has, so "{}" records that it
		// has none where a manifest gives some.
		if len(labels) > 0 || o.live() {
			n.SetAttr("labels", mustJSON(labels))
		}
		if agg := get(o.n, "aggregationRule"); agg != nil {
			var sels []selector
			for _, sn := range items(get(agg, "clusterRoleSelectors")) {
				var s selector
				for _, e := range entries(get(sn, "matchLabels")) {
					if s.MatchLabels == nil {
						s.MatchLabels = map[string]string{}
					}
					s.MatchLabels[e.key] = str(e.val)
				}
				for _, en := range items(get(sn, "matchExpressions")) {
					s.MatchExpressions = append(s.MatchExpressions, requirement{
						Key: str(get(en, "key")), Operator: str(get(en, "operator")), Values: stringList(get(en, "values")),
					})
				}
				sels = append(sels, s)
			}
			n.SetAttr("aggregation", mustJSON(sels))
		}
	}
	r.node(n, o.line, true)
}

// mustJSON renders a value whose types always marshal.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// binding records a RoleBinding or ClusterRoleBinding as a Policy node
// naming the role it grants, and a HAS_POLICY edge from each subject.
func (r *reader) binding(o *object) {
	id, typ := graph.K8sClusterRoleBindingID(o.name), "k8s-clusterrolebinding"
	if o.kind == "RoleBinding" {
		id, typ = graph.K8sRoleBindingID(o.ns, o.name), "k8s-rolebinding"
	}
	ref := get(o.n, "roleRef")
	refKind, refName := str(get(ref, "kind")), str(get(ref, "name"))
	var roleID string
	switch {
	case refName == "":
		r.warnf(line(ref, o.line), "%s %s: roleRef names no role: skipped", o.kind, label(o.ns, o.name))
		return
	case refKind == "ClusterRole":
		roleID = graph.K8sClusterRoleID(refName)
	case refKind == "Role" && o.kind == "RoleBinding":
		roleID = graph.K8sRoleID(o.ns, refName)
	default:
		r.warnf(line(ref, o.line), "%s %s: roleRef kind must be Role or ClusterRole (a ClusterRoleBinding only ClusterRole): skipped", o.kind, label(o.ns, o.name))
		return
	}
	n := newNode(id, graph.NodePolicy, o.kind+" "+label(o.ns, o.name), typ)
	n.SetAttr(graph.AttrName, o.name)
	if o.ns != "" {
		n.SetAttr("namespace", o.ns)
	}
	n.SetAttr("role_kind", refKind)
	n.SetAttr("role_name", refName)
	n.SetAttr("role", roleID)
	o.markLive(n.SetAttr)
	r.node(n, o.line, true)

	for i, sn := range items(get(o.n, "subjects")) {
		sl := line(sn, o.line)
		sub := r.subject(o, sn, i, sl)
		if sub == nil {
			continue
		}
		r.node(*sub, sl, false)
		e := graph.Edge{From: sub.ID, To: id, Kind: graph.EdgeHasPolicy}
		e.SetAttr("role", roleID)
		// The subjects of a dump are those in force, so the edge records
		// which dump states it.
		o.markLive(e.SetAttr)
		r.edge(e, sl)
	}
}

// subject returns the identity node a binding subject names, or nil.
func (r *reader) subject(o *object, sn *yaml.Node, i, sl int) *graph.Node {
	kind, name := str(get(sn, "kind")), str(get(sn, "name"))
	if name == "" {
		r.warnf(sl, "%s %s: subject %d has no name: skipped", o.kind, label(o.ns, o.name), i+1)
		return nil
	}
	switch kind {
	case "ServiceAccount":
		ns := str(get(sn, "namespace"))
		if ns == "" {
			// RBAC reads a service account subject without a namespace
			// in the binding's namespace, and a ClusterRoleBinding has none.
			ns = o.ns
		}
		if ns == "" {
			r.warnf(sl, "%s %s: service account subject %d names no namespace, so it matches no one: skipped", o.kind, label(o.ns, o.name), i+1)
			return nil
		}
		n := serviceAccountNode(ns, name)
		return &n
	case "User":
		// A user name of the service account form is that service account.
		if rest, ok := strings.CutPrefix(name, "system:serviceaccount:"); ok {
			if ns, sa, ok := strings.Cut(rest, ":"); ok && ns != "" && sa != "" && !strings.Contains(sa, ":") {
				n := serviceAccountNode(ns, sa)
				return &n
			}
		}
		n := newNode(graph.K8sUserID(name), graph.NodeIdentity, "user "+name, "user")
		n.SetAttr(graph.AttrName, name)
		return &n
	case "Group":
		n := newNode(graph.K8sGroupID(name), graph.NodeIdentity, "group "+name, "group")
		n.SetAttr(graph.AttrName, name)
		return &n
	}
	r.warnf(sl, "%s %s: subject %d has kind other than ServiceAccount, User or Group: skipped", o.kind, label(o.ns, o.name), i+1)
	return nil
}
