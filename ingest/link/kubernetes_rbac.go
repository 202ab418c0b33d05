package link

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// k8sRule is an RBAC policy rule, as the Kubernetes ingester writes it in
// a role's rules attribute.
type k8sRule struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups"`
	Resources       []string `json:"resources"`
	ResourceNames   []string `json:"resourceNames"`
	NonResourceURLs []string `json:"nonResourceURLs"`
	Line            int      `json:"line"`

	role  *k8sRole  // the role that declares the rule
	index int       // its 1-based place in the rules of its source
	src   graph.Pos // the start of its source, or empty for the role's position
	// someClusters is set on a rule that the dumps of only some of the
	// objects of the role's name state (two clusters, which ids do not
	// tell apart): a subject bound in another cluster may not get it.
	someClusters bool
	// manifest is set on a rule that a manifest states and no dump of the
	// cluster does, to the manifest's position: an apply of the manifest
	// would write it again, so it grants possibly.
	manifest string
}

// key identifies what a rule grants, whatever its line.
func (r *k8sRule) key() string {
	b, _ := json.Marshal([][]string{r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs})
	return string(b)
}

// allows reports whether the rule authorises a resource request, as the
// RBAC authorizer matches one: "*" matches every verb, group and resource
// (subresources included), "*/sub" the subresource sub of any resource,
// and resourceNames, when given, restrict the object's name. Name ""
// requests every object, which a rule with resourceNames never grants.
func (r *k8sRule) allows(verb, group, resource, sub, name string) bool {
	if !anyOf(r.Verbs, verb) || !anyOf(r.APIGroups, group) {
		return false
	}
	combined := resource
	if sub != "" {
		combined += "/" + sub
	}
	res := false
	for _, rr := range r.Resources {
		if rr == "*" || rr == combined || (sub != "" && rr == "*/"+sub) {
			res = true
			break
		}
	}
	if !res {
		return false
	}
	if len(r.ResourceNames) == 0 {
		return true
	}
	return name != "" && contains(r.ResourceNames, name)
}

// allowsSome reports whether the rule authorises the request for at least
// one object name.
func (r *k8sRule) allowsSome(verb, group, resource string) bool {
	if len(r.ResourceNames) == 0 {
		return r.allows(verb, group, resource, "", "")
	}
	return r.allows(verb, group, resource, "", r.ResourceNames[0])
}

// anyOf reports whether list contains "*" or s.
func anyOf(list []string, s string) bool {
	for _, x := range list {
		if x == "*" || x == s {
			return true
		}
	}
	return false
}

// describe renders the rule's place and what it allows. bound is the role
// a binding names, which declares the rule unless it was aggregated.
func (r *k8sRule) describe(bound *k8sRole) string {
	target := strings.Join(r.Resources, ", ")
	if len(r.NonResourceURLs) > 0 {
		target = "non-resource URLs " + strings.Join(r.NonResourceURLs, ", ")
	}
	if len(r.ResourceNames) > 0 {
		target += " named " + strings.Join(r.ResourceNames, ", ")
	}
	if r.role == bound {
		return fmt.Sprintf("its rule %d allows %s on %s", r.index, strings.Join(r.Verbs, ", "), target)
	}
	return fmt.Sprintf("rule %d of %s, aggregated into it, allows %s on %s", r.index, r.role.text(), strings.Join(r.Verbs, ", "), target)
}

// pos returns where the rule is written, or the role's position for a
// built-in role, which no input shows.
func (r *k8sRule) pos() graph.Pos {
	p := r.role.node.Pos
	if r.src.File != "" {
		p = r.src
	}
	if r.Line > 0 && !r.role.builtin {
		p.Line = r.Line
	}
	return p
}

// k8sRole is a Role or ClusterRole with the rules it grants.
type k8sRole struct {
	node    graph.Node
	cluster bool
	builtin bool
	rules   []*k8sRule // as declared
	// live is set when a dump of the cluster states the role: its rules
	// are those in force, already aggregated by the controller.
	live      bool
	labels    map[string]string
	selectors []k8sSelector
	// effective lists the rules after aggregation.
	effective []*k8sRule
	resolved  bool
}

func (r *k8sRole) text() string {
	kind := "Role"
	if r.cluster {
		kind = "ClusterRole"
	}
	name := r.node.Attr(graph.AttrName)
	if ns := r.node.Attr("namespace"); ns != "" && !r.cluster {
		name = ns + "/" + name
	}
	if r.builtin {
		return kind + " " + name + " (built in)"
	}
	return kind + " " + name
}

// k8sSelector is a label selector of an aggregation rule.
type k8sSelector struct {
	MatchLabels      map[string]string `json:"matchLabels"`
	MatchExpressions []struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values"`
	} `json:"matchExpressions"`
}

// matches reports whether the selector selects labels. An empty selector
// selects everything, as in Kubernetes.
func (s k8sSelector) matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, e := range s.MatchExpressions {
		got, ok := labels[e.Key]
		switch e.Operator {
		case "In":
			if !ok || !contains(e.Values, got) {
				return false
			}
		case "NotIn":
			if ok && contains(e.Values, got) {
				return false
			}
		case "Exists":
			if !ok {
				return false
			}
		case "DoesNotExist":
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// newK8sRole reads a role from its Policy node.
func newK8sRole(n graph.Node) *k8sRole {
	r := &k8sRole{node: n, cluster: k8sKind(n.ID) == "clusterrole", live: n.Attr(graph.AttrLiveExport) == "true"}
	var rules []*k8sRule
	// Where a dump of the cluster and a manifest disagree, the cluster's
	// rules are those in force.
	if err := json.Unmarshal([]byte(n.PolicyAttr("rules")), &rules); err == nil {
		// The rules come from the fact that PolicyAttr reads.
		src := n.Pos
		for _, f := range n.LiveFacts() {
			if f.Attrs["rules"] != "" {
				src = f.Pos
				break
			}
		}
		for i, ru := range rules {
			ru.index, ru.src = i+1, src
		}
		r.rules = rules
	}
	// A role of one name in two clusters is one node, so it grants the
	// rules of each cluster's latest dump. Ids carry no cluster, so a
	// binding of one cluster would get the other cluster's rules too: a
	// rule that not every dump states grants possibly.
	if latest := n.LatestLiveFacts(); len(latest) > 1 {
		r.rules = nil
		count := map[string]int{}
		var order []string
		first := map[string]*k8sRule{}
		for _, f := range latest {
			var own []*k8sRule
			if err := json.Unmarshal([]byte(f.Attrs["rules"]), &own); err != nil {
				continue
			}
			seen := map[string]bool{}
			for i, ru := range own {
				key := ru.key()
				if seen[key] {
					continue
				}
				seen[key] = true
				ru.index, ru.src = i+1, f.Pos
				if count[key] == 0 {
					order = append(order, key)
					first[key] = ru
				}
				count[key]++
			}
		}
		for _, key := range order {
			ru := first[key]
			ru.someClusters = count[key] < len(latest)
			r.rules = append(r.rules, ru)
		}
	}
	// A dump states the labels the role has now, which decide the
	// aggregated roles it joins.
	if l := n.PolicyAttr("labels"); l != "" {
		_ = json.Unmarshal([]byte(l), &r.labels)
	}
	if a := n.PolicyAttr("aggregation"); a != "" {
		_ = json.Unmarshal([]byte(a), &r.selectors)
	}
	if len(r.selectors) == 0 {
		r.rules = append(r.rules, manifestOnlyRules(n, r.rules)...)
	}
	for _, ru := range r.rules {
		ru.role = r
	}
	return r
}

// resolveRoles computes the effective rules of every role. The aggregation
// controller sets an aggregated ClusterRole's rules to the union of the
// rules of every ClusterRole its selectors match, and a matched role that
// is aggregated itself contributes its own union. When no role of the
// graph matches, the declared rules are kept, because a cluster dump shows
// them already aggregated. A role that a dump states keeps the dump's
// rules whether or not roles of the graph match: the controller wrote
// them from every ClusterRole of the cluster, which the input may not
// hold.
func resolveRoles(roles map[string]*k8sRole) {
	ids := k8sKeys(roles)
	var visit func(r *k8sRole, depth int) []*k8sRule
	visit = func(r *k8sRole, depth int) []*k8sRule {
		if r.resolved {
			return r.effective
		}
		if len(r.selectors) == 0 || depth > len(roles) {
			r.effective, r.resolved = r.rules, true
			return r.effective
		}
		if r.live {
			r.resolved = true // a cycle contributes nothing more
			r.effective = append(slices.Clip(r.rules), manifestOnlyAggregated(r, ids, roles, visit, depth)...)
			return r.effective
		}
		r.resolved = true // a cycle contributes nothing more
		r.effective = nil
		var agg []*k8sRule
		matched := false
		for _, id := range ids {
			o := roles[id]
			if o == r || !o.cluster {
				continue
			}
			for _, s := range r.selectors {
				if s.matches(o.labels) {
					matched = true
					agg = append(agg, visit(o, depth+1)...)
					break
				}
			}
		}
		if !matched {
			agg = r.rules
		}
		r.effective = agg
		return agg
	}
	for _, id := range ids {
		visit(roles[id], 0)
	}
}

// builtinRoles returns the default ClusterRoles that every cluster has,
// for bindings that name one the input does not declare. admin, edit and
// view are aggregated, as in the cluster, so that ClusterRoles of the
// input labelled to aggregate into them add their rules.
func builtinRoles() []graph.Node {
	write := []string{"create", "delete", "deletecollection", "patch", "update"}
	read := []string{"get", "list", "watch"}
	all := append(append([]string{}, read...), write...)
	rule := func(verbs []string, group string, resources ...string) k8sRule {
		return k8sRule{Verbs: verbs, APIGroups: []string{group}, Resources: resources}
	}
	role := func(name string, labels map[string]string, aggregate string, rules ...k8sRule) graph.Node {
		n := graph.Node{ID: graph.K8sClusterRoleID(name), Kind: graph.NodePolicy, Label: "ClusterRole " + name}
		n.SetAttr(graph.AttrProvider, "kubernetes")
		n.SetAttr("type", "k8s-clusterrole")
		n.SetAttr(graph.AttrName, name)
		n.SetAttr("builtin", "true")
		b, _ := json.Marshal(rules)
		n.SetAttr("rules", string(b))
		if labels != nil {
			b, _ := json.Marshal(labels)
			n.SetAttr("labels", string(b))
		}
		if aggregate != "" {
			n.SetAttr("aggregation", `[{"matchLabels":{"rbac.authorization.k8s.io/`+aggregate+`":"true"}}]`)
		}
		return n
	}
	label := func(aggregate string) map[string]string {
		return map[string]string{"rbac.authorization.k8s.io/" + aggregate: "true"}
	}
	return []graph.Node{
		role("cluster-admin", nil, "",
			rule([]string{"*"}, "*", "*"),
			k8sRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}),
		role("admin", nil, "aggregate-to-admin"),
		role("edit", label("aggregate-to-admin"), "aggregate-to-edit"),
		role("view", label("aggregate-to-edit"), "aggregate-to-view"),
		role("system:aggregate-to-admin", label("aggregate-to-admin"), "",
			rule([]string{"create"}, "authorization.k8s.io", "localsubjectaccessreviews"),
			rule(all, "rbac.authorization.k8s.io", "rolebindings", "roles")),
		role("system:aggregate-to-edit", label("aggregate-to-edit"), "",
			rule(read, "", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"),
			rule([]string{"impersonate"}, "", "serviceaccounts"),
			rule(write, "", "pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"),
			rule([]string{"create"}, "", "pods/eviction"),
			rule(write, "", "configmaps", "endpoints", "persistentvolumeclaims", "replicationcontrollers",
				"replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"),
			rule([]string{"create"}, "", "serviceaccounts/token"),
			rule(write, "apps", "daemonsets", "deployments", "deployments/rollback", "deployments/scale",
				"replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"),
			rule(write, "autoscaling", "horizontalpodautoscalers"),
			rule(write, "batch", "cronjobs", "jobs"),
			rule(write, "policy", "poddisruptionbudgets"),
			rule(write, "networking.k8s.io", "ingresses", "networkpolicies")),
		role("system:aggregate-to-view", label("aggregate-to-view"), "",
			rule(read, "", "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
				"replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
				"bindings", "events", "limitranges", "namespaces", "namespaces/status", "pods/log", "pods/status",
				"replicationcontrollers/status", "resourcequotas", "resourcequotas/status"),
			rule(read, "apps", "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
				"deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
				"statefulsets/scale", "statefulsets/status"),
			rule(read, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
			rule(read, "batch", "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
			rule(read, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
			rule(read, "networking.k8s.io", "ingresses", "ingresses/status", "networkpolicies")),
	}
}

// Groups Kubernetes puts its users in.
const (
	groupMasters       = "system:masters"
	groupAuthenticated = "system:authenticated"
	groupAllSAs        = "system:serviceaccounts"
)

// impliedGroups returns the groups whose grants also apply to an identity.
func impliedGroups(id graph.Node) []string {
	switch k8sKind(id.ID) {
	case "sa":
		return []string{groupAllSAs, groupAllSAs + ":" + id.Attr("namespace"), groupAuthenticated}
	case "user":
		return []string{groupAuthenticated}
	}
	return nil
}

// level classifies what a set of rules allows in a scope.
func k8sLevel(rules []*k8sRule, escalates bool) string {
	if escalates {
		return "admin"
	}
	lv := "read"
	for _, r := range rules {
		if anyOf(r.Verbs, "*") && anyOf(r.Resources, "*") && anyOf(r.APIGroups, "*") {
			return "admin"
		}
		for _, verb := range r.Verbs {
			switch verb {
			case "get", "list", "watch":
			default:
				lv = "write"
			}
		}
	}
	return lv
}

// k8sActions lists "verb:resource" for each rule, with the API group for
// resources outside the core group.
func k8sActions(rules []*k8sRule) []string {
	var out []string
	for _, r := range rules {
		for _, verb := range r.Verbs {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					if g != "" && g != "*" {
						res = g + "/" + res
					}
					out = append(out, verb+":"+res)
				}
			}
			for _, u := range r.NonResourceURLs {
				out = append(out, verb+":"+u)
			}
		}
	}
	sort.Strings(out)
	if len(out) > graph.MaxSeen {
		out = append(out[:graph.MaxSeen], "…")
	}
	return out
}

// manifestOnlyRules returns the rules that a manifest of a dumped role
// states and the dump's rules (have) do not, each marked with the
// manifest's position. The rules of a ClusterRole with an aggregationRule
// are the controller's, which overwrites any others (Kubernetes API
// reference, ClusterRole). So a manifest that states an aggregationRule
// restores none of its rules, and callers skip a role that a dump shows
// aggregated.
func manifestOnlyRules(n graph.Node, have []*k8sRule) []*k8sRule {
	if len(n.LiveFacts()) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, ru := range have {
		seen[ru.key()] = true
	}
	var out []*k8sRule
	for _, f := range n.Facts {
		if f.Attrs[graph.AttrLiveExport] == "true" || f.Attrs["rules"] == "" || aggregates(f.Attrs["aggregation"]) {
			continue
		}
		var own []*k8sRule
		if err := json.Unmarshal([]byte(f.Attrs["rules"]), &own); err != nil {
			continue
		}
		for i, ru := range own {
			if key := ru.key(); !seen[key] {
				seen[key] = true
				ru.index, ru.src = i+1, f.Pos
				ru.manifest = f.Pos.String()
				out = append(out, ru)
			}
		}
	}
	return out
}

// aggregates reports whether a role's aggregation attribute contains at
// least one selector, which makes the controller write the role's rules.
func aggregates(attr string) bool {
	var sels []k8sSelector
	return attr != "" && json.Unmarshal([]byte(attr), &sels) == nil && len(sels) > 0
}

// manifestOnlyAggregated returns the rules that only manifests give the
// ClusterRoles that dumped aggregated role r selects and that r's dump
// lacks. An apply of such a manifest gives the selected role the rule, and
// the controller then adds it to r, so it grants possibly.
func manifestOnlyAggregated(r *k8sRole, ids []string, roles map[string]*k8sRole, visit func(*k8sRole, int) []*k8sRule, depth int) []*k8sRule {
	seen := map[string]bool{}
	for _, ru := range r.rules {
		seen[ru.key()] = true
	}
	var out []*k8sRule
	for _, id := range ids {
		o := roles[id]
		if o == r || !o.cluster || !slices.ContainsFunc(r.selectors, func(s k8sSelector) bool { return s.matches(o.labels) }) {
			continue
		}
		for _, ru := range visit(o, depth+1) {
			if key := ru.key(); ru.manifest != "" && !seen[key] {
				seen[key] = true
				out = append(out, ru)
			}
		}
	}
	return out
}
