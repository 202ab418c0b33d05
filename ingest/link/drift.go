package link

import (
	"log/slog"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// reportDrift warns about IAM roles and policies whose inputs disagree on
// a policy document: Terraform that the live account no longer matches,
// as an export of the account shows, or two configurations that declare
// one role. The rules read the document of the source that sorts first,
// so the warning says which inputs to reconcile. Documents that differ
// only in how they are written (order, Sids, spacing) agree.
func (v *view) reportDrift(log *slog.Logger) {
	drifted := 0
	check := func(n graph.Node, attr string) {
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
		drifted++
		var sources []string
		for _, f := range n.Facts {
			if f.Attrs[attr] != "" {
				sources = append(sources, f.Pos.String())
			}
		}
		log.Debug("inputs disagree on a policy document", "node", n.ID, "attribute", attr,
			"used", sources[0], "sources", strings.Join(sources, ", "))
	}
	for _, n := range v.byKind[graph.NodeIdentity] {
		check(n, "trust_policy")
	}
	for _, n := range v.byKind[graph.NodePolicy] {
		check(n, "document")
	}
	if drifted > 0 {
		log.Warn("inputs disagree on the trust or permission policy of some IAM roles and policies, and each is read as the input that sorts first states it; compare the inputs, such as Terraform and an export of the account, to find drift (--log-level debug lists each)",
			"count", drifted)
	}
}
