package link

import (
	"log/slog"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// drift is an IAM role or policy whose inputs grant differently, such as
// Terraform that the live account no longer matches.
type drift struct {
	node, attr string
	used       string   // the position of the document the rules read
	sources    []string // the position of every source that gives one
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
		d := drift{node: n.ID, attr: attr}
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
	return out
}

// reportDrift logs one warning for the nodes of settleDrift and one debug
// line for each.
func reportDrift(log *slog.Logger, ds []drift) {
	if log == nil || len(ds) == 0 {
		return
	}
	for _, d := range ds {
		log.Debug("policy document differs between inputs", "node", d.node, "attribute", d.attr,
			"used", d.used, "sources", strings.Join(d.sources, ", "))
	}
	log.Warn("IAM policy documents differ between inputs, so the rules read the account export where there is one, else the input whose path sorts first. Compare the inputs, such as Terraform and the export, to find drift (--log-level debug lists each)",
		"count", len(ds))
}
