package link

import (
	"log/slog"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// drift is an IAM role or policy whose inputs disagree on a policy
// document: Terraform that the live account no longer matches, as an
// export of the account shows, or two configurations that declare one
// role.
type drift struct {
	node, attr string
	used       string   // the position of the document the rules read
	sources    []string // the position of every source that gives one
}

// attrAccountExport marks the facts read from an export of the account as
// it is (aws iam get-account-authorization-details).
const attrAccountExport = "account_export"

// settleDrift finds the roles' trust policies and the policies' documents
// that inputs state differently, in a canonical form of their grants, so
// that order, Sids and spacing do not count. When an export of the live
// account is among the sources, the rules read its document: it is what
// an attacker meets now. Otherwise they read the first source's, as the
// store merges it. It returns each such node for reportDrift.
func (v *view) settleDrift() []drift {
	var out []drift
	settle := func(n *graph.Node, attr string) {
		if len(n.Facts) < 2 {
			return
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
		d := drift{node: n.ID, attr: attr}
		var live *graph.NodeFact
		for i := range n.Facts {
			f := &n.Facts[i]
			if f.Attrs[attr] == "" {
				continue
			}
			d.sources = append(d.sources, f.Pos.String())
			if live == nil && f.Attrs[attrAccountExport] == "true" {
				live = f
			}
		}
		d.used = d.sources[0]
		if live != nil && live.Attrs[attr] != n.Attr(attr) {
			// A store may share the merged map with its own facts.
			n.Attrs = copyAttrs(n.Attrs)
			n.Attrs[attr] = live.Attrs[attr]
		}
		if live != nil {
			d.used = live.Pos.String()
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
	return out
}

// reportDrift warns once about the nodes of settleDrift, and lists each at
// the debug level.
func reportDrift(log *slog.Logger, ds []drift) {
	if log == nil || len(ds) == 0 {
		return
	}
	for _, d := range ds {
		log.Debug("inputs disagree on a policy document", "node", d.node, "attribute", d.attr,
			"used", d.used, "sources", strings.Join(d.sources, ", "))
	}
	log.Warn("inputs disagree on the trust or permission policy of some IAM roles and policies; the rules read an export of the account where one is among them, else the input whose path sorts first, so compare the inputs, such as Terraform and the export, to find drift (--log-level debug lists each)",
		"count", len(ds))
}
