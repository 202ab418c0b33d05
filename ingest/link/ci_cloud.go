package link

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// trustWithoutAccount reports whether the input holds the trust policy of
// the role with ARN id under an ARN without an account: Terraform whose
// provider names no account gives arn:aws:iam:::role/NAME. That trust
// policy decides who may assume the role, so the workflow's use of the
// role adds nothing.
func (v *view) trustWithoutAccount(id string) bool {
	_, rest, ok := strings.Cut(id, ":role/")
	if !ok || strings.Contains(id, ":iam:::") {
		return false
	}
	twin, ok := v.node("arn:aws:iam:::role/" + rest)
	return ok && twin.Attr("trust_policy") != ""
}

// linkCloudLogins gives a CI job's OIDC subject CAN_ASSUME to each role
// or service account that the job exchanges its OIDC token for. A GitHub
// Actions job lists them in its oidc_identities, and a GitLab or CircleCI
// job in those of its subject. The edge is possible, and is added only
// when no input shows who may assume the identity, so that what the job
// does as it is still reached. A role
// whose trust policy is in the input is left to linkAssume. A service
// account that the job's subject may impersonate by a grant in the input
// is left to linkGCP, which runs before.
func (v *view) linkCloudLogins() {
	// A service account's grants in Terraform (_member) add to those
	// outside the input, so only a grant the Google Cloud rules matched to
	// the job's own subject settles whether the job may impersonate it.
	impersonated := map[[2]string]bool{}
	for _, e := range v.derivedEdges {
		if e.Kind == graph.EdgeCanAssume && strings.HasPrefix(e.To, "gcp:sa:") {
			impersonated[[2]string{e.From, e.To}] = true
		}
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") != "gha-job" || rt.Attr("oidc_identities") == "" {
			continue
		}
		subject := graph.GHAOIDCSubjectID(rt.ID)
		if _, ok := v.node(subject); !ok {
			continue
		}
		v.oidcLogins(subject, rt.Attr("oidc_identities"), rt.Pos, impersonated,
			"the workflow", " (aws-actions/configure-aws-credentials)", " (google-github-actions/auth)")
	}
	for _, subj := range v.byKind[graph.NodeIdentity] {
		p := subj.Attr(graph.AttrProvider)
		if (p != "gitlab-oidc" && p != "circleci-oidc") || subj.Attr("oidc_identities") == "" {
			continue
		}
		v.oidcLogins(subj.ID, subj.Attr("oidc_identities"), subj.Pos, impersonated, "the job", "", "")
	}
}

// oidcLogins adds the edges of linkCloudLogins from subject to the
// identities of list. actor names the CI file in reasons. awsTool and
// gcpTool name the login steps that assume a role and impersonate a
// service account, or are "".
func (v *view) oidcLogins(subject, list string, pos graph.Pos, impersonated map[[2]string]bool, actor, awsTool, gcpTool string) {
	for _, id := range splitIdentities(list) {
		n, ok := v.node(id)
		if !ok {
			continue
		}
		e := graph.Edge{From: subject, To: id, Kind: graph.EdgeCanAssume, Confidence: graph.Possible, Pos: pos}
		switch {
		case strings.HasPrefix(id, "arn:aws"):
			if n.Attr("trust_policy") != "" || v.trustWithoutAccount(id) {
				continue
			}
			e.SetAttr(graph.AttrActions, "sts:AssumeRoleWithWebIdentity")
			e.SetAttr(graph.AttrReason, actor+" assumes "+id+" with the job's OIDC token"+awsTool+"; undecided: the role's trust policy is not in the input")
		case strings.HasPrefix(id, "gcp:sa:"):
			if impersonated[[2]string{subject, id}] {
				continue
			}
			e.SetAttr(graph.AttrActions, "sts.googleapis.com/token.exchange,iam.serviceAccounts.getAccessToken")
			e.SetAttr(graph.AttrReason, actor+" impersonates "+n.Label+" through workload identity federation with the job's OIDC token"+gcpTool+"; undecided: no grant that lets a principal impersonate it is in the input")
		default:
			continue
		}
		v.addEdge(e)
	}
}

// splitIdentities splits an oidc_identities list. An IAM role's name may
// hold commas, which also separate the items, but no colon, so a piece
// that starts with neither "arn:" nor "gcp:" continues the item before it.
func splitIdentities(list string) []string {
	var out []string
	for _, p := range graph.SplitList(list) {
		if len(out) > 0 && !strings.HasPrefix(p, "arn:") && !strings.HasPrefix(p, "gcp:") {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}
