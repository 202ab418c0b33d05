package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// k8sView indexes the Kubernetes facts of the graph.
type k8sView struct {
	v          *view
	roles      map[string]*k8sRole
	bindings   map[string][]boundBy // identity id -> bindings that name it
	identities []graph.Node         // service accounts, users and groups
	workloads  []graph.Node
	secrets    []graph.Node // Secret objects
	sas        map[string][]graph.Node
	namespaces []string
	// exposed lists, per Secret, the workload exposures derived so far,
	// for the node that every pod shares.
	exposed map[string]graph.Edge
}

// linkKubernetes derives what Kubernetes identities and pods reach. It
// gives each pod its service account token and each annotated service
// account its AWS role. It turns RBAC grants into Secrets read, service
// accounts assumed, tokens minted and workloads changed, and gives the node
// every Secret of the pods that may run there.
func (v *view) linkKubernetes() {
	k := newK8sView(v)
	if k == nil {
		return
	}
	k.linkTokens()
	k.linkIRSA()
	k.linkRBAC()
	k.linkNode()
}

func isK8s(n graph.Node) bool { return n.Attr(graph.AttrProvider) == "kubernetes" }

// k8sPrefixes maps the id prefixes of graph/ids_k8s.go to what they name.
// The linker goes by ids, which every Kubernetes input spells the same way.
var k8sPrefixes = []struct{ prefix, kind string }{
	{"k8s:sa:", "sa"}, {"k8s:user:", "user"}, {"k8s:group:", "group"},
	{"k8s:workload:", "workload"}, {"k8s:namespace:", "namespace"},
	{"k8s:role:", "role"}, {"k8s:clusterrole:", "clusterrole"},
	{"k8s:rolebinding:", "rolebinding"}, {"k8s:clusterrolebinding:", "clusterrolebinding"},
	{"secret:k8s:sa-token:", "token"}, {"secret:k8s:irsa-token:", "token"}, {"secret:k8s:inline:", "literal"},
	{"secret:k8s:", "secret"},
}

// withIDParts returns the node with the namespace, name and kind attributes
// its id spells, so that nodes of any Kubernetes input read alike.
func withIDParts(n graph.Node) graph.Node {
	var prefix string
	for _, p := range k8sPrefixes {
		if strings.HasPrefix(n.ID, p.prefix) {
			prefix = p.prefix
			break
		}
	}
	var parts []string
	switch k8sKind(n.ID) {
	case "sa", "secret", "role", "rolebinding":
		parts = strings.SplitN(strings.TrimPrefix(n.ID, prefix), "/", 2)
	case "workload":
		parts = strings.SplitN(strings.TrimPrefix(n.ID, prefix), "/", 3)
	case "clusterrole", "clusterrolebinding", "user", "group":
		n.Attrs = copyAttrs(n.Attrs)
		n.SetAttr(graph.AttrName, strings.TrimPrefix(n.ID, prefix))
		return n
	default:
		return n
	}
	n.Attrs = copyAttrs(n.Attrs)
	n.SetAttr("namespace", parts[0])
	switch len(parts) {
	case 2:
		n.SetAttr(graph.AttrName, parts[1])
	case 3:
		n.SetAttr("kind", parts[1])
		n.SetAttr(graph.AttrName, parts[2])
	}
	return n
}

// k8sKind returns what a Kubernetes id names, or "".
func k8sKind(id string) string {
	for _, p := range k8sPrefixes {
		if strings.HasPrefix(id, p.prefix) {
			return p.kind
		}
	}
	return ""
}

func newK8sView(v *view) *k8sView {
	k := &k8sView{v: v, roles: map[string]*k8sRole{}, bindings: map[string][]boundBy{},
		sas: map[string][]graph.Node{}, exposed: map[string]graph.Edge{}}
	seenNS := map[string]bool{}
	any := false
	for _, kind := range graph.NodeKinds {
		for _, n := range v.byKind[kind] {
			if !isK8s(n) {
				continue
			}
			any = true
			if ns := n.Attr("namespace"); ns != "" {
				seenNS[ns] = true
			}
			n = withIDParts(n)
			switch k8sKind(n.ID) {
			case "namespace":
				seenNS[strings.TrimPrefix(n.ID, "k8s:namespace:")] = true
			case "role", "clusterrole":
				k.roles[n.ID] = newK8sRole(n)
			case "sa":
				k.identities = append(k.identities, n)
				k.sas[n.Attr("namespace")] = append(k.sas[n.Attr("namespace")], n)
			case "user", "group":
				k.identities = append(k.identities, n)
			case "workload":
				if n.Attr("service_account") != "" {
					k.workloads = append(k.workloads, n)
				}
			case "secret":
				if n.Attr(graph.AttrName) != "*" {
					k.secrets = append(k.secrets, n)
				}
			}
		}
	}
	if !any {
		return nil
	}
	for _, n := range builtinRoles() {
		if _, ok := k.roles[n.ID]; !ok {
			r := newK8sRole(n)
			r.builtin = true
			k.roles[n.ID] = r
		}
	}
	resolveRoles(k.roles)
	for _, id := range k.identities {
		for _, e := range v.edgesFrom(graph.EdgeHasPolicy, id.ID) {
			b, ok := v.node(e.To)
			if !ok || !strings.HasSuffix(k8sKind(b.ID), "binding") {
				continue
			}
			if conf, undecided, ok := subjectInForce(b, e); ok {
				variants := liveBindings(b)
				for _, lv := range variants {
					c, u := conf, undecided
					if len(variants) > 1 && !boundToRole(e, lv.uids) {
						// Another cluster's object of the name binds
						// this role; the subject's may not.
						c = graph.Possible
						doubt := "dumps of " + b.Label + " from more than one cluster name different roles, and no dump that names " + lv.b.Attr("role") + " names the subject"
						if u != "" {
							doubt = u + "; " + doubt
						}
						u = doubt
					}
					k.bindings[id.ID] = append(k.bindings[id.ID], boundBy{b: lv.b, conf: c, undecided: u})
				}
			}
		}
	}
	for ns := range seenNS {
		k.namespaces = append(k.namespaces, ns)
	}
	sort.Strings(k.namespaces)
	return k
}

// ensure adds a node the derived facts need when no input declares it.
func (k *k8sView) ensure(n graph.Node) graph.Node {
	if cur, ok := k.v.node(n.ID); ok {
		return cur
	}
	k.v.addNode(n)
	return n
}

func k8sNode(id string, kind graph.NodeKind, label, typ string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Label: label}
	n.SetAttr(graph.AttrProvider, "kubernetes")
	n.SetAttr("type", typ)
	return n
}

// saNode returns a service account's identity, declared or implied (every
// namespace has a service account named default).
func (k *k8sView) saNode(ns, name string, pos graph.Pos) graph.Node {
	n := k8sNode(graph.K8sServiceAccountID(ns, name), graph.NodeIdentity, "service account "+ns+"/"+name, "service-account")
	n.SetAttr("namespace", ns)
	n.SetAttr(graph.AttrName, name)
	n.Pos = pos
	return k.ensure(n)
}

// token returns the API token of a service account, which acts as it.
func (k *k8sView) token(sa graph.Node) string {
	ns, name := sa.Attr("namespace"), sa.Attr(graph.AttrName)
	t := k8sNode(graph.K8sServiceAccountTokenID(ns, name), graph.NodeSecret, "token of service account "+ns+"/"+name, "service-account-token")
	t.SetAttr("namespace", ns)
	t.SetAttr(graph.AttrName, name)
	t.SetAttr(graph.AttrLongLived, "false")
	t.Pos = sa.Pos
	k.ensure(t)
	e := graph.Edge{From: t.ID, To: sa.ID, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: sa.Pos}
	e.SetAttr(graph.AttrReason, "a service account token authenticates to the API server as its service account")
	k.v.addEdge(e)
	return t.ID
}

// expose adds a workload's EXPOSES edge and remembers it for the node.
func (k *k8sView) expose(e graph.Edge) {
	k.v.addEdge(e)
	if _, ok := k.exposed[e.To]; !ok {
		k.exposed[e.To] = e
	}
}

// linkTokens gives each workload the token of its service account, which
// Kubernetes mounts unless automountServiceAccountToken is false on the
// pod, or on the service account when the pod omits it. A projected
// volume's token counts too.
func (k *k8sView) linkTokens() {
	for _, w := range k.workloads {
		ns := w.Attr("namespace")
		sa := k.saNode(ns, w.Attr("service_account"), w.Pos)
		saName := ns + "/" + sa.Attr(graph.AttrName)
		mount, reason := true, "automountServiceAccountToken is not false, so Kubernetes mounts the token of service account "+saName+" into the pods"
		switch {
		case w.Attr("automount_token") == "true":
			reason = "automountServiceAccountToken: true on the pod mounts the token of service account " + saName
		case w.Attr("automount_token") == "false":
			mount = false
		case sa.Attr("automount_token") == "false":
			mount = false
		}
		tok := ""
		if mount || w.Attr("projected_token") == "true" || w.Attr("projected_token_audiences") != "" {
			tok = k.token(sa)
		}
		e := graph.Edge{From: w.ID, To: tok, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: w.Pos}
		switch {
		case mount:
			e.SetAttr(graph.AttrVia, "token")
			e.SetAttr(graph.AttrReason, reason)
		case w.Attr("projected_token") == "true":
			e.SetAttr(graph.AttrVia, "file")
			e.SetAttr(graph.AttrReason, "a projected volume mounts a token of service account "+ns+"/"+sa.Attr(graph.AttrName)+" for the API server")
		case w.Attr("projected_token_audiences") != "":
			e.Confidence = graph.Possible
			e.SetAttr(graph.AttrVia, "file")
			e.SetAttr(graph.AttrReason, "a projected volume mounts a token of service account "+ns+"/"+sa.Attr(graph.AttrName)+
				" for audience "+w.Attr("projected_token_audiences")+"; undecided: the API server accepts it only if that is one of its audiences, which the input does not show")
		default:
			continue
		}
		k.expose(e)
	}
}

// linkIRSA follows the EKS annotation that names an IAM role for a service
// account. The role's trust policy must admit the cluster's OIDC provider
// with subject system:serviceaccount:NS:NAME. A trust policy in the graph
// decides, and without one the edges are possible.
func (k *k8sView) linkIRSA() {
	for _, sa := range k.identities {
		arn := sa.Attr("aws_role_arn")
		if arn == "" {
			continue
		}
		ns, name := sa.Attr("namespace"), sa.Attr(graph.AttrName)
		role := k.awsRole(arn, sa.Pos)
		conf, reason, ok := irsaTrust(role, ns, name)
		if !ok {
			continue
		}
		reason = fmt.Sprintf("service account %s/%s is annotated %s=%s; %s", ns, name, "eks.amazonaws.com/role-arn", arn, reason)
		e := graph.Edge{From: sa.ID, To: role.ID, Kind: graph.EdgeCanAssume, Confidence: conf, Pos: sa.Pos}
		e.SetAttr(graph.AttrActions, "sts:AssumeRoleWithWebIdentity")
		e.SetAttr("subject", "system:serviceaccount:"+ns+":"+name)
		e.SetAttr(graph.AttrReason, reason)
		k.v.addEdge(e)

		tok := k8sNode(graph.K8sIRSATokenID(ns, name), graph.NodeSecret, "web identity token of service account "+ns+"/"+name, "web-identity-token")
		tok.SetAttr("namespace", ns)
		tok.SetAttr(graph.AttrName, name)
		tok.SetAttr(graph.AttrLongLived, "false")
		tok.Pos = sa.Pos
		users := false
		for _, w := range k.workloads {
			if w.Attr("namespace") != ns || w.Attr("service_account") != name {
				continue
			}
			if !users {
				k.ensure(tok)
				a := graph.Edge{From: tok.ID, To: role.ID, Kind: graph.EdgeAuthenticatesAs, Confidence: conf, Pos: sa.Pos}
				a.SetAttr(graph.AttrActions, "sts:AssumeRoleWithWebIdentity")
				a.SetAttr(graph.AttrReason, reason)
				k.v.addEdge(a)
				users = true
			}
			x := graph.Edge{From: w.ID, To: tok.ID, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: w.Pos}
			x.SetAttr(graph.AttrVia, "file")
			x.SetAttr(graph.AttrReason, "the EKS pod identity webhook mounts a web identity token and AWS_ROLE_ARN into pods of service account "+ns+"/"+name+", whatever automountServiceAccountToken says")
			k.expose(x)
		}
	}
}

// awsRole returns the role an annotation names: the node with that ARN,
// else one that Terraform wrote without knowing the account, else a node
// made from the ARN.
func (k *k8sView) awsRole(arn string, pos graph.Pos) graph.Node {
	if n, ok := k.v.node(arn); ok {
		return n
	}
	if acct := accountOf(arn); acct != "" {
		if n, ok := k.v.node(strings.Replace(arn, ":"+acct+":", "::", 1)); ok && n.Attr("type") == "role" {
			return n
		}
	}
	name := arn[strings.LastIndex(arn, "/")+1:]
	n := graph.Node{ID: arn, Kind: graph.NodeIdentity, Label: name, Pos: pos}
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr("type", "role")
	n.SetAttr(graph.AttrAccount, accountOf(arn))
	n.SetAttr(graph.AttrName, name)
	k.v.addNode(n)
	return n
}

// irsaTrust decides whether a role's trust policy admits the web identity
// token of service account ns/name. ok is false when it does not.
func irsaTrust(role graph.Node, ns, name string) (conf graph.Confidence, reason string, ok bool) {
	doc := role.Attr("trust_policy")
	if doc == "" {
		return graph.Possible, "undecided: the trust policy of " + role.ID + " is not in the input", true
	}
	trust, err := awspolicy.Parse(doc)
	if err != nil {
		return graph.Possible, "undecided: the trust policy of " + role.ID + " cannot be read", true
	}
	sub := "system:serviceaccount:" + ns + ":" + name
	best, bestConf, bestReason := awspolicy.False, graph.Possible, ""
	denied := false
	for i := range trust.Statements {
		st := &trust.Statements[i]
		if !st.MatchesAction("sts:AssumeRoleWithWebIdentity") {
			continue
		}
		for _, provider := range st.Principal["Federated"] {
			_, host, found := strings.Cut(provider, ":oidc-provider/")
			if !found || host == "token.actions.githubusercontent.com" {
				continue
			}
			ctx := awspolicy.Context{Values: map[string][]string{
				host + ":sub": {sub},
				host + ":aud": {"sts.amazonaws.com"},
			}}
			r, undecided := awspolicy.EvalConditions(st.Condition, ctx)
			if st.Effect == "Deny" {
				if r == awspolicy.True {
					denied = true
				}
				continue
			}
			if st.Effect != "Allow" || r == awspolicy.False {
				continue
			}
			c := graph.Certain
			text := fmt.Sprintf("the trust policy of %s (statement %d) admits subject %s of OIDC provider %s", role.ID, i+1, sub, host)
			if len(st.Condition) == 0 {
				text = fmt.Sprintf("the trust policy of %s (statement %d) admits every subject of OIDC provider %s: it has no condition", role.ID, i+1, host)
			}
			if r == awspolicy.Unknown {
				c = graph.Possible
				text += "; undecided: " + undecided
			}
			if !strings.HasPrefix(host, "oidc.eks.") {
				c = graph.Possible
				text += "; undecided: the input does not show that " + host + " issues the cluster's service account tokens"
			}
			if r > best || (r == best && c == graph.Certain && bestConf != graph.Certain) {
				best, bestConf, bestReason = r, c, text
			}
		}
	}
	if denied || best == awspolicy.False {
		return "", "", false
	}
	return bestConf, bestReason, true
}

// grant is one rule that a binding gives an identity in a scope.
type grant struct {
	rule    *k8sRule
	scope   string // namespace, or "" for the whole cluster
	binding graph.Node
	role    *k8sRole
	group   string // the group the grant reaches the identity through
	conf    graph.Confidence
	// undecided is the reason the binding is possible (boundBy).
	undecided string
	// escalation explains a grant that follows from escalate or bind.
	escalation string
	pos        graph.Pos
}

// text describes where the grant comes from.
func (g *grant) text() string {
	if g.escalation != "" {
		return g.escalation
	}
	via := ""
	if g.group != "" {
		via = " to group " + g.group
	}
	scope := "cluster-wide"
	switch {
	case g.scope != "" && g.role.cluster:
		scope = "with its rules in namespace " + g.scope + " only"
	case g.scope != "":
		scope = "in namespace " + g.scope
	}
	return fmt.Sprintf("%s grants %s%s %s: %s", bindingText(g.binding), g.role.text(), via, scope, g.rule.describe(g.role))
}

func bindingText(b graph.Node) string {
	if b.Attr("builtin") == "true" {
		return "the built-in ClusterRoleBinding " + b.Attr(graph.AttrName)
	}
	text := "ClusterRoleBinding " + b.Attr(graph.AttrName)
	if k8sKind(b.ID) == "rolebinding" {
		text = "RoleBinding " + b.Attr("namespace") + "/" + b.Attr(graph.AttrName)
	}
	if b.Pos.File != "" {
		text += " (" + b.Pos.String() + ")"
	}
	return text
}

// in reports whether the grant applies to requests in namespace ns ("" for
// cluster-scoped resources).
func (g *grant) in(ns string) bool { return g.scope == "" || (ns != "" && g.scope == ns) }

// edge returns a derived edge explained by the grant.
func (g *grant) edge(from, to string, kind graph.EdgeKind, actions []string, consequence string) graph.Edge {
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: g.conf, Pos: g.pos}
	e.SetAttr(graph.AttrActions, graph.JoinList(actions))
	reason := g.text() + "; " + consequence
	if g.undecided != "" {
		reason += "; undecided: " + g.undecided
	}
	e.SetAttr(graph.AttrReason, reason)
	e.SetAttr("binding", g.binding.ID)
	e.SetAttr("role", g.role.node.ID)
	if g.scope != "" {
		e.SetAttr("namespace", g.scope)
	}
	return e
}

// grantsOf returns every rule of an identity, from the bindings that name
// it or a group it is in.
func (k *k8sView) grantsOf(id graph.Node) (gs []*grant, unknown []graph.Node) {
	type source struct {
		boundBy
		group string
	}
	var srcs []source
	for _, b := range k.bindings[id.ID] {
		srcs = append(srcs, source{boundBy: b})
	}
	for _, g := range impliedGroups(id) {
		for _, b := range k.bindings[graph.K8sGroupID(g)] {
			srcs = append(srcs, source{boundBy: b, group: g})
		}
	}
	if id.ID == graph.K8sGroupID(groupMasters) {
		b := k8sNode(graph.K8sClusterRoleBindingID("cluster-admin"), graph.NodePolicy, "ClusterRoleBinding cluster-admin", "k8s-clusterrolebinding")
		b.SetAttr(graph.AttrName, "cluster-admin")
		b.SetAttr("role", graph.K8sClusterRoleID("cluster-admin"))
		b.SetAttr("builtin", "true")
		b.Pos = id.Pos
		srcs = append(srcs, source{boundBy: boundBy{b: b, conf: graph.Certain}})
	}
	for _, s := range srcs {
		role, ok := k.roles[s.b.Attr("role")]
		if !ok || (k8sKind(s.b.ID) == "clusterrolebinding" && !role.cluster) {
			unknown = append(unknown, s.b)
			continue
		}
		for _, ru := range role.effective {
			pos := ru.pos()
			if ru.role.builtin {
				pos = s.b.Pos
			}
			scope := ""
			if k8sKind(s.b.ID) == "rolebinding" {
				scope = s.b.Attr("namespace")
			}
			g := &grant{rule: ru, scope: scope, binding: s.b, role: role,
				group: s.group, conf: s.conf, undecided: s.undecided, pos: pos}
			if ru.manifest != "" {
				g.conf = graph.Possible
				doubt := "the dump of the cluster does not state the rule, which " + ru.manifest + " states: it is not granted now, and an apply of that manifest would grant it again"
				if g.undecided != "" {
					doubt = g.undecided + "; " + doubt
				}
				g.undecided = doubt
			}
			if ru.someClusters {
				g.conf = graph.Possible
				doubt := "dumps of " + role.text() + " from more than one cluster state the rule differently, and the input does not show which cluster binds the subject"
				if g.undecided != "" {
					doubt = g.undecided + "; " + doubt
				}
				g.undecided = doubt
			}
			gs = append(gs, g)
		}
	}
	return append(gs, escalations(gs)...), unknown
}

const rbacGroup = "rbac.authorization.k8s.io"

// escalations turns escalate and bind into every permission of the scope:
// escalate lets the subject write any rule into a role it can update,
// bind lets it bind any role it can create a binding for. Without the
// companion permission the result is possible.
func escalations(gs []*grant) []*grant {
	var out []*grant
	for _, g := range gs {
		for _, verb := range []string{"escalate", "bind"} {
			for _, res := range []string{"roles", "clusterroles"} {
				if !g.rule.allows(verb, rbacGroup, res, "", "") {
					continue
				}
				needVerbs, needRes := []string{"update", "patch"}, res
				if verb == "bind" {
					needVerbs, needRes = []string{"create"}, "rolebindings"
					if g.scope == "" {
						needRes = "clusterrolebindings"
					}
				}
				// The companion permission, as sure as the surest grant
				// that gives it.
				conf := graph.Possible
				companion := false
				for _, o := range gs {
					for _, nv := range needVerbs {
						if o.scope == g.scope && o.rule.allows(nv, rbacGroup, needRes, "", "") {
							companion = true
							if o.conf == graph.Certain {
								conf = graph.Certain
							}
						}
					}
				}
				conf = conf.Weaker(g.conf)
				where := "namespace " + g.scope
				if g.scope == "" {
					where = "the cluster"
				}
				reason := fmt.Sprintf("%s; %s on %s lets the subject give itself every permission in %s", g.text(), verb, res, where)
				if !companion {
					reason += fmt.Sprintf("; undecided: that also needs %s on %s, which the subject's grants do not show", strings.Join(needVerbs, " or "), needRes)
				}
				all := &k8sRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}, role: g.rule.role, index: g.rule.index}
				out = append(out, &grant{rule: all, scope: g.scope, binding: g.binding, role: g.role, group: g.group,
					conf: conf, undecided: g.undecided, escalation: reason, pos: g.pos})
				break
			}
		}
	}
	return out
}

// scopeText names a grant's scope.
func scopeText(scope string) string {
	if scope == "" {
		return "any namespace"
	}
	return "namespace " + scope
}

// namespacesOf returns the namespaces a grant reaches.
func (k *k8sView) namespacesOf(g *grant) []string {
	if g.scope != "" {
		return []string{g.scope}
	}
	return k.namespaces
}

// podCreators are the requests that run a pod of the caller's choosing:
// creating a pod or a controller, or changing a controller's pod template.
var podCreators = []struct{ verb, group, resource string }{
	{"create", "", "pods"},
	{"create", "", "replicationcontrollers"},
	{"create", "apps", "deployments"},
	{"create", "apps", "replicasets"},
	{"create", "apps", "statefulsets"},
	{"create", "apps", "daemonsets"},
	{"create", "batch", "jobs"},
	{"create", "batch", "cronjobs"},
	{"patch", "apps", "deployments"},
	{"update", "apps", "deployments"},
	{"patch", "apps", "replicasets"},
	{"update", "apps", "replicasets"},
	{"patch", "apps", "statefulsets"},
	{"update", "apps", "statefulsets"},
	{"patch", "apps", "daemonsets"},
	{"update", "apps", "daemonsets"},
	{"patch", "batch", "cronjobs"},
	{"update", "batch", "cronjobs"},
	{"patch", "", "replicationcontrollers"},
	{"update", "", "replicationcontrollers"},
}

// kindResources maps a workload kind to its API group and resource.
var kindResources = map[string][2]string{
	"Pod":                   {"", "pods"},
	"ReplicationController": {"", "replicationcontrollers"},
	"Deployment":            {"apps", "deployments"},
	"ReplicaSet":            {"apps", "replicasets"},
	"StatefulSet":           {"apps", "statefulsets"},
	"DaemonSet":             {"apps", "daemonsets"},
	"Job":                   {"batch", "jobs"},
	"CronJob":               {"batch", "cronjobs"},
}

// podCreator returns the request of the grant that runs a pod of the
// caller's choosing in namespace ns, or "".
func (k *k8sView) podCreator(g *grant, ns string) string {
	if !g.in(ns) {
		return ""
	}
	for _, pc := range podCreators {
		if g.rule.allows(pc.verb, pc.group, pc.resource, "", "") {
			return pc.verb + ":" + pc.resource
		}
	}
	// A named controller whose template the grant may change.
	for _, w := range k.workloads {
		if w.Attr("namespace") != ns {
			continue
		}
		gr := kindResources[w.Attr("kind")]
		for _, pc := range podCreators {
			if pc.verb != "create" && pc.group == gr[0] && pc.resource == gr[1] && g.rule.allows(pc.verb, pc.group, pc.resource, "", w.Attr(graph.AttrName)) {
				return pc.verb + ":" + pc.resource
			}
		}
	}
	return ""
}

// linkRBAC derives the edges each Kubernetes identity's grants make.
func (k *k8sView) linkRBAC() {
	ids := append([]graph.Node(nil), k.identities...)
	sort.Slice(ids, func(i, j int) bool { return ids[i].ID < ids[j].ID })
	for i := 0; i < len(ids); i++ {
		id := ids[i]
		gs, unknown := k.grantsOf(id)
		k.linkUnknown(id, unknown)
		if len(gs) == 0 {
			continue
		}
		k.linkSecretReads(id, gs)
		k.linkPodCreation(id, gs)
		k.linkMintTokens(id, gs)
		for _, added := range k.linkImpersonation(id, gs) {
			if !containsID(ids, added.ID) {
				ids = append(ids, added)
			}
		}
		k.linkWorkloadChanges(id, gs)
		k.linkAccess(id, gs)
	}
}

func containsID(ns []graph.Node, id string) bool {
	for _, n := range ns {
		if n.ID == id {
			return true
		}
	}
	return false
}

// scopeNode returns the resource standing for a namespace or the cluster.
func (k *k8sView) scopeNode(ns string) string {
	if ns == "" {
		n := k8sNode(graph.K8sClusterID(), graph.NodeResource, "every resource of the cluster", "k8s-cluster")
		n.SetAttr("scope", "true")
		return k.ensure(n).ID
	}
	n := k8sNode(graph.K8sNamespaceID(ns), graph.NodeResource, "namespace "+ns, "k8s-namespace")
	n.SetAttr(graph.AttrName, ns)
	return k.ensure(n).ID
}

// linkUnknown records bindings to roles the input does not declare: what
// they grant is unknown.
func (k *k8sView) linkUnknown(id graph.Node, unknown []graph.Node) {
	for _, b := range unknown {
		ns := b.Attr("namespace")
		e := graph.Edge{From: id.ID, To: k.scopeNode(ns), Kind: graph.EdgeCanAccess, Confidence: graph.Possible, Pos: b.Pos}
		e.SetAttr(graph.AttrReason, fmt.Sprintf("%s grants %s, which the input does not declare: its rules are unknown", bindingText(b), b.Attr("role")))
		e.SetAttr("binding", b.ID)
		e.SetAttr("role", b.Attr("role"))
		k.v.addEdge(e)
	}
}

// secretScope returns the node standing for every Secret of a namespace
// (or of every namespace for "").
func (k *k8sView) secretScope(ns string) string {
	label := "every Secret of namespace " + ns
	if ns == "" {
		ns, label = "*", "every Secret of the cluster"
	}
	n := k8sNode(graph.K8sSecretID(ns, "*"), graph.NodeSecret, label, "k8s-secret")
	n.SetAttr("scope", "true")
	n.SetAttr("namespace", ns)
	n.SetAttr(graph.AttrName, "*")
	return k.ensure(n).ID
}

var readVerbs = []string{"get", "list", "watch"}

// linkSecretReads derives CAN_READ_SECRET from get, list and watch on
// secrets. list and watch return whole objects, values included.
func (k *k8sView) linkSecretReads(id graph.Node, gs []*grant) {
	for _, g := range gs {
		var verbs []string
		for _, verb := range readVerbs {
			if g.rule.allows(verb, "", "secrets", "", "") {
				verbs = append(verbs, verb)
			}
		}
		if len(verbs) > 0 {
			k.v.addEdge(g.edge(id.ID, k.secretScope(g.scope), graph.EdgeCanReadSecret, verbs, readConsequence(verbs)))
		}
	}
	for _, s := range k.secrets {
		ns, name := s.Attr("namespace"), s.Attr(graph.AttrName)
		for _, g := range gs {
			if !g.in(ns) {
				continue
			}
			var verbs []string
			for _, verb := range readVerbs {
				if g.rule.allows(verb, "", "secrets", "", name) {
					verbs = append(verbs, verb)
				}
			}
			if len(verbs) > 0 {
				k.v.addEdge(g.edge(id.ID, s.ID, graph.EdgeCanReadSecret, verbs, readConsequence(verbs)))
			}
		}
	}
}

func readConsequence(verbs []string) string {
	if !contains(verbs, "get") {
		return "list and watch return whole Secrets, so the values are read without get"
	}
	return "the subject reads the Secret's values"
}

// linkPodCreation derives what running a pod of one's choosing in a
// namespace gives: any service account of the namespace, every Secret of
// the namespace mounted, and, unless an admission policy forbids
// privileged pods, the node.
func (k *k8sView) linkPodCreation(id graph.Node, gs []*grant) {
	for _, g := range gs {
		for _, ns := range k.namespacesOf(g) {
			req := k.podCreator(g, ns)
			if req == "" {
				continue
			}
			acts := []string{req}
			where := "namespace " + ns
			sas := append([]graph.Node{k.saNode(ns, "default", id.Pos)}, k.sas[ns]...)
			for _, sa := range sas {
				if sa.ID == id.ID {
					continue
				}
				k.v.addEdge(g.edge(id.ID, sa.ID, graph.EdgeCanAssume, acts,
					fmt.Sprintf("%s lets the subject run a pod in %s as service account %s", req, where, sa.Attr(graph.AttrName))))
			}
			for _, s := range k.secrets {
				if s.Attr("namespace") == ns {
					k.v.addEdge(g.edge(id.ID, s.ID, graph.EdgeCanReadSecret, acts,
						fmt.Sprintf("%s lets the subject run a pod in %s that mounts the Secret", req, where)))
				}
			}
			k.v.addEdge(g.edge(id.ID, k.secretScope(g.scope), graph.EdgeCanReadSecret, acts,
				fmt.Sprintf("%s lets the subject run pods that mount any Secret of %s", req, scopeText(g.scope))))
			node := k.ensure(k8sNode(graph.K8sNodeID(), graph.NodeRuntime, "the node a pod runs on", "k8s-node"))
			e := g.edge(id.ID, node.ID, graph.EdgeCanModify, acts,
				fmt.Sprintf("%s lets the subject run a privileged pod on a node of its choosing; undecided: an admission policy that forbids privileged pods is not in the input", req))
			e.Confidence = graph.Possible
			k.v.addEdge(e)
		}
	}
}

// linkMintTokens derives CAN_MINT from create on serviceaccounts/token, and
// from creating a Secret of type service-account-token, which the token
// controller fills, and reading it back.
func (k *k8sView) linkMintTokens(id graph.Node, gs []*grant) {
	for _, g := range gs {
		for _, ns := range k.namespacesOf(g) {
			sas := append([]graph.Node{k.saNode(ns, "default", id.Pos)}, k.sas[ns]...)
			for _, sa := range sas {
				name := sa.Attr(graph.AttrName)
				if sa.ID == id.ID {
					continue
				}
				if g.rule.allows("create", "", "serviceaccounts", "token", name) {
					k.v.addEdge(g.edge(id.ID, k.token(sa), graph.EdgeCanMint, []string{"create:serviceaccounts/token"},
						"the TokenRequest API issues a token of service account "+ns+"/"+name))
					continue
				}
				if !g.rule.allows("create", "", "secrets", "", "") {
					continue
				}
				var read *grant
				for _, o := range gs {
					if o.in(ns) && (o.rule.allows("get", "", "secrets", "", "") || o.rule.allows("list", "", "secrets", "", "")) {
						if read == nil || o.conf == graph.Certain && read.conf != graph.Certain {
							read = o
						}
					}
				}
				if read != nil {
					e := g.edge(id.ID, k.token(sa), graph.EdgeCanMint, []string{"create:secrets", "get:secrets"},
						"a Secret of type kubernetes.io/service-account-token that names service account "+ns+"/"+name+" is filled with its token, which get or list on secrets reads")
					e.Confidence = g.conf.Weaker(read.conf)
					k.v.addEdge(e)
				}
			}
		}
	}
}

// linkImpersonation derives CAN_ASSUME from impersonate. Users and groups
// are cluster-scoped, so only a cluster-wide grant impersonates them, and
// impersonating a group also needs a user to impersonate. It returns the
// identities it adds (the system:masters group).
func (k *k8sView) linkImpersonation(id graph.Node, gs []*grant) []graph.Node {
	var added []graph.Node
	for _, g := range gs {
		for _, ns := range k.namespacesOf(g) {
			for _, sa := range k.sas[ns] {
				if sa.ID != id.ID && g.rule.allows("impersonate", "", "serviceaccounts", "", sa.Attr(graph.AttrName)) {
					k.v.addEdge(g.edge(id.ID, sa.ID, graph.EdgeCanAssume, []string{"impersonate:serviceaccounts"},
						"the subject can act as service account "+sa.Attr("namespace")+"/"+sa.Attr(graph.AttrName)+" through impersonation"))
				}
			}
		}
		if g.scope != "" {
			continue
		}
		// Impersonating a group also needs a user to impersonate, as
		// sure as the surest grant that allows it.
		canUser, userConf := false, graph.Possible
		for _, o := range gs {
			if o.scope == "" && o.rule.allowsSome("impersonate", "", "users") {
				canUser = true
				if o.conf == graph.Certain {
					userConf = graph.Certain
				}
			}
		}
		groupEdge := func(e graph.Edge) graph.Edge {
			e.Confidence = e.Confidence.Weaker(userConf)
			return e
		}
		for _, other := range k.identities {
			name := other.Attr(graph.AttrName)
			switch {
			case other.ID == id.ID:
			case k8sKind(other.ID) == "user" && g.rule.allows("impersonate", "", "users", "", name):
				k.v.addEdge(g.edge(id.ID, other.ID, graph.EdgeCanAssume, []string{"impersonate:users"},
					"the subject can act as user "+name+" through impersonation"))
			case k8sKind(other.ID) == "group" && canUser && g.rule.allows("impersonate", "", "groups", "", name):
				k.v.addEdge(groupEdge(g.edge(id.ID, other.ID, graph.EdgeCanAssume, []string{"impersonate:groups"},
					"the subject can act as a member of group "+name+" through impersonation")))
			}
		}
		if canUser && g.rule.allows("impersonate", "", "groups", "", groupMasters) {
			m := k8sNode(graph.K8sGroupID(groupMasters), graph.NodeIdentity, "group "+groupMasters, "group")
			m.SetAttr(graph.AttrName, groupMasters)
			m.Pos = g.pos
			m = k.ensure(m)
			if m.ID != id.ID {
				added = append(added, m)
				k.v.addEdge(groupEdge(g.edge(id.ID, m.ID, graph.EdgeCanAssume, []string{"impersonate:groups"},
					"the subject can act as a member of group system:masters, which the API server lets do anything")))
			}
		}
	}
	return added
}

// linkWorkloadChanges derives CAN_MODIFY on the workloads whose code the
// grants let the subject change or run commands in.
func (k *k8sView) linkWorkloadChanges(id graph.Node, gs []*grant) {
	for _, w := range k.workloads {
		ns, name := w.Attr("namespace"), w.Attr(graph.AttrName)
		gr := kindResources[w.Attr("kind")]
		for _, g := range gs {
			if !g.in(ns) {
				continue
			}
			var acts []string
			var reason string
			for _, verb := range []string{"patch", "update"} {
				if gr[1] != "jobs" && g.rule.allows(verb, gr[0], gr[1], "", name) {
					acts = append(acts, verb+":"+gr[1])
					reason = "the subject can change the pod template, and so the code, of " + w.Attr("kind") + " " + ns + "/" + name
					if gr[1] == "pods" {
						reason = "the subject can change the container images, and so the code, of Pod " + ns + "/" + name
					}
				}
			}
			for _, c := range []struct{ verb, sub, action string }{
				{"create", "exec", "run commands in"}, {"get", "exec", "run commands in"},
				{"create", "attach", "attach to"}, {"get", "attach", "attach to"},
				{"patch", "ephemeralcontainers", "add a debug container to"}, {"update", "ephemeralcontainers", "add a debug container to"},
			} {
				if g.rule.allows(c.verb, "", "pods", c.sub, "") {
					acts = append(acts, c.verb+":pods/"+c.sub)
					if reason == "" {
						reason = "the subject can " + c.action + " the pods of " + w.Attr("kind") + " " + ns + "/" + name
					}
				}
			}
			for _, verb := range []string{"patch", "update"} {
				if w.Attr("kind") != "Pod" && g.rule.allows(verb, "", "pods", "", "") {
					acts = append(acts, verb+":pods")
					if reason == "" {
						reason = "the subject can change the image of the running pods of " + w.Attr("kind") + " " + ns + "/" + name
					}
				}
			}
			conf := g.conf
			if g.scope == "" && (g.rule.allows("create", "", "nodes", "proxy", "") || g.rule.allows("get", "", "nodes", "proxy", "")) {
				acts = append(acts, "nodes/proxy")
				if reason == "" {
					reason = "the kubelet API behind nodes/proxy runs commands in any pod, those of " + w.Attr("kind") + " " + ns + "/" + name + " included"
					if !g.rule.allows("create", "", "nodes", "proxy", "") {
						conf = graph.Possible
						reason += "; undecided: with get only, that needs a kubelet that authorises exec over WebSocket by the GET verb"
					}
				}
			}
			if len(acts) == 0 {
				continue
			}
			e := g.edge(id.ID, w.ID, graph.EdgeCanModify, acts, reason)
			e.Confidence = conf
			k.v.addEdge(e)
		}
	}
}

// linkAccess sums up each scope's grants as CAN_ACCESS to the namespace or
// the cluster, at the highest level they give. The edge is certain when
// the certain grants alone give that level, and else possible.
func (k *k8sView) linkAccess(id graph.Node, gs []*grant) {
	byScope := map[string][]*grant{}
	for _, g := range gs {
		byScope[g.scope] = append(byScope[g.scope], g)
	}
	for _, scope := range k8sKeys(byScope) {
		list := byScope[scope]
		all := summarize(list, false)
		certain := summarize(list, true)
		s, conf := all, graph.Possible
		if certain.first != nil && certain.level == all.level {
			s, conf = certain, graph.Certain
		}
		where := "namespace " + scope
		if scope == "" {
			where = "the whole cluster"
		}
		e := s.first.edge(id.ID, k.scopeNode(scope), graph.EdgeCanAccess, s.actions,
			fmt.Sprintf("%s access to %s", s.level, where))
		e.Confidence = conf
		e.SetAttr(graph.AttrLevel, s.level)
		k.v.addEdge(e)
	}
}

// access is the level and actions that some grants of one scope give
// together.
type access struct {
	level   string
	actions []string
	first   *grant // the grant that explains it, an escalation if any
}

// summarize returns the access that the grants, or only the certain ones,
// give. An escalation makes the level admin. The grant that explains it is
// the first whose rule alone gives the level, so a possible write access
// is explained by a grant that writes, not by a certain one that reads.
func summarize(gs []*grant, certainOnly bool) access {
	var rules []*k8sRule
	var used []*grant
	var a access
	var esc *grant
	for _, g := range gs {
		if certainOnly && g.conf != graph.Certain {
			continue
		}
		if g.escalation == "" {
			rules = append(rules, g.rule)
			used = append(used, g)
		} else if esc == nil || (g.conf == graph.Certain && esc.conf != graph.Certain) {
			esc = g
		}
	}
	a.level, a.actions = k8sLevel(rules, esc != nil), k8sActions(rules)
	if esc != nil {
		a.first = esc
		return a
	}
	for _, g := range used {
		if k8sLevel([]*k8sRule{g.rule}, false) == a.level {
			a.first = g
			break
		}
	}
	return a
}

// linkNode gives the node that pods run on every Secret some pod exposes:
// code that controls a node reads the tokens and Secret volumes of the
// pods scheduled there, and which pods share a node is not in the input.
func (k *k8sView) linkNode() {
	node := graph.K8sNodeID()
	if _, ok := k.v.node(node); !ok && !k.v.seenNodes[node] {
		return
	}
	for _, w := range k.workloads {
		for _, e := range k.v.edgesFrom(graph.EdgeExposes, w.ID) {
			if _, ok := k.exposed[e.To]; !ok {
				k.exposed[e.To] = e
			}
		}
	}
	for _, to := range k8sKeys(k.exposed) {
		via := k.exposed[to]
		e := graph.Edge{From: node, To: to, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: via.Pos}
		e.SetAttr(graph.AttrVia, "file")
		e.SetAttr(graph.AttrReason, fmt.Sprintf("%s exposes it; undecided: code that controls a node reads the tokens and Secrets of every pod scheduled there, and the input does not show which node runs %s", via.From, via.From))
		k.v.addEdge(e)
	}
}

// k8sKeys returns a map's keys in order.
func k8sKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for key := range m {
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}
