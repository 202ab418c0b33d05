package link

import (
	"encoding/json"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// drift is an object whose inputs grant differently, such as Terraform
// that the live account no longer matches.
type drift struct {
	kind       driftKind
	node, attr string
	used       string   // the position of the source the rules read
	sources    []string // the position of every source that gives one
}

// driftKind is the kind of object that differs. reportDrift warns once
// per kind.
type driftKind int

const (
	driftAWS        driftKind = iota // an IAM trust policy or policy document
	driftK8sRole                     // a Kubernetes role's rules or labels
	driftK8sBinding                  // a Kubernetes binding's role or subjects
	driftGCPGrant                    // a grant that an exported allow policy lacks
)

// driftText gives, per kind, the debug line of each object and the
// warning.
var driftText = map[driftKind]struct{ debug, warn string }{
	driftAWS: {"policy document differs between inputs",
		"IAM policy documents differ between inputs, so the rules read the account export where there is one, else the input whose path sorts first. Compare the inputs, such as Terraform and the export, to find drift (--log-level debug lists each)"},
	driftK8sRole: {"Kubernetes role differs between inputs",
		"Kubernetes roles differ between inputs, so the rules read the dump of the cluster, of two dumps the one with the higher resourceVersion. Compare the manifests with the cluster to find drift (--log-level debug lists each)"},
	driftK8sBinding: {"Kubernetes role binding differs between inputs",
		"Kubernetes role bindings differ between inputs, so the rules read the role and subjects of the dump of the cluster, of two dumps the one with the higher resourceVersion. A subject that only a manifest binds is possible, since an apply would bind it again. Compare the manifests with the cluster to find drift (--log-level debug lists each)"},
	driftGCPGrant: {"Google Cloud grant missing from the exported allow policy",
		"Google Cloud allow policies differ between inputs: grants that a configuration declares are missing from the policy an export states, so they are possible, since an apply would grant them again. Compare the configuration with the export to find drift (--log-level debug lists each)"},
}

// settleDrift finds the trust policies and policy documents that sources
// grant differently, comparing canonical forms so that order, Sids and
// spacing do not count. The rules then read the live account export's
// document, which is what an attacker meets now, or else the first
// source's. It returns each such node for reportDrift.
func (v *view) settleDrift() []drift {
	var out []drift
	settle := func(n *graph.Node, attr string) {
		if len(n.Facts) < 2 {
			return
		}
		// The rules read what every other reader reads
		// (graph.Node.PolicyAttr), whether or not the documents parse.
		if live := n.PolicyAttr(attr); live != n.Attr(attr) {
			// A store may share the merged map with its own facts.
			n.Attrs = copyAttrs(n.Attrs)
			n.Attrs[attr] = live
		}
		docs := n.AttrValues(attr)
		if len(docs) < 2 {
			return
		}
		var canon []string
		for _, doc := range docs {
			p, err := awspolicy.Parse(doc)
			if err != nil {
				return // a document that does not parse is reported apart
			}
			if c := p.Canonical(); !contains(canon, c) {
				canon = append(canon, c)
			}
		}
		if len(canon) < 2 {
			return
		}
		d := drift{kind: driftAWS, node: n.ID, attr: attr}
		for _, f := range n.Facts {
			if f.Attrs[attr] == "" {
				continue
			}
			d.sources = append(d.sources, f.Pos.String())
			if d.used == "" && f.Attrs[graph.AttrLiveExport] == "true" {
				d.used = f.Pos.String()
			}
		}
		if d.used == "" {
			d.used = d.sources[0]
		}
		out = append(out, d)
	}
	for _, kind := range []graph.NodeKind{graph.NodeIdentity, graph.NodePolicy} {
		ns := v.byKind[kind]
		for i := range ns {
			settle(&ns[i], "trust_policy")
			settle(&ns[i], "document")
		}
	}
	return append(out, v.k8sDrift()...)
}

// reportDrift logs one warning for each kind of the drifts and one debug
// line for each drift.
func reportDrift(log *slog.Logger, ds []drift) {
	if log == nil || len(ds) == 0 {
		return
	}
	count := map[driftKind]int{}
	for _, d := range ds {
		log.Debug(driftText[d.kind].debug, "node", d.node, "attribute", d.attr,
			"used", d.used, "sources", strings.Join(d.sources, ", "))
		count[d.kind]++
	}
	for _, kind := range []driftKind{driftAWS, driftK8sRole, driftK8sBinding, driftGCPGrant} {
		if count[kind] > 0 {
			log.Warn(driftText[kind].warn, "count", count[kind])
		}
	}
}

// k8sDrift finds the Kubernetes roles and bindings that a dump of the
// cluster (graph.AttrLiveExport) and other inputs, or two dumps, state
// differently. A role differs in its labels or its rules, which are
// compared without their lines, and not for a ClusterRole that
// aggregates, because the controller writes its rules. A binding differs
// in its role or the subjects each input binds.
func (v *view) k8sDrift() []drift {
	// The subjects each file binds, by binding.
	subjects := map[string]map[string][]string{}
	for _, es := range v.out[graph.EdgeHasPolicy] {
		for _, e := range es {
			if !strings.HasSuffix(k8sKind(e.To), "binding") {
				continue
			}
			if subjects[e.To] == nil {
				subjects[e.To] = map[string][]string{}
			}
			for _, file := range edgeFiles(e) {
				subjects[e.To][file] = append(subjects[e.To][file], e.From)
			}
		}
	}
	var out []drift
	for _, n := range v.byKind[graph.NodePolicy] {
		kind := k8sKind(n.ID)
		lf := n.LiveFacts()
		if kind == "" || len(lf) == 0 {
			continue
		}
		var attrs []string
		differs := func(attr string, value func(f graph.NodeFact) string) {
			for _, f := range n.Facts[1:] {
				if value(f) != value(n.Facts[0]) {
					attrs = append(attrs, attr)
					return
				}
			}
		}
		d := drift{kind: driftK8sRole, node: n.ID, used: lf[0].Pos.String()}
		switch kind {
		case "role", "clusterrole":
			if len(n.AttrValues("aggregation")) == 0 {
				differs("rules", func(f graph.NodeFact) string { return canonicalRules(f.Attrs["rules"]) })
			}
			if kind == "clusterrole" {
				differs("labels", func(f graph.NodeFact) string { return orEmpty(f.Attrs["labels"], "{}") })
			}
		case "rolebinding", "clusterrolebinding":
			d.kind = driftK8sBinding
			differs("role", func(f graph.NodeFact) string { return f.Attrs["role"] })
			differs("subjects", func(f graph.NodeFact) string {
				s := slices.Clone(subjects[n.ID][f.Pos.File])
				sort.Strings(s)
				return strings.Join(slices.Compact(s), ",")
			})
		default:
			continue
		}
		if len(attrs) == 0 {
			continue
		}
		d.attr = strings.Join(attrs, ",")
		for _, f := range n.Facts {
			d.sources = append(d.sources, f.Pos.String())
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].node < out[j].node })
	return out
}

// edgeFiles returns the file of each source that states the edge.
func edgeFiles(e graph.Edge) []string {
	if len(e.Facts) > 0 {
		out := make([]string, len(e.Facts))
		for i, f := range e.Facts {
			out[i] = f.Pos.File
		}
		return out
	}
	out := []string{e.Pos.File}
	for _, p := range e.Also {
		out = append(out, p.File)
	}
	return out
}

// canonicalRules returns a role's rules attribute without the lines the
// rules were read at, sorted, so that a manifest and a dump that grant
// alike compare equal.
func canonicalRules(rules string) string {
	var list []map[string]any
	if err := json.Unmarshal([]byte(rules), &list); err != nil {
		return rules
	}
	out := make([]string, 0, len(list))
	for _, r := range list {
		delete(r, "line")
		b, _ := json.Marshal(r) // keys sorted
		out = append(out, string(b))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func orEmpty(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}
