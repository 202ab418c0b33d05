package link

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam/gcppolicy"
)

// gitlabUnknownClaims are GitLab ID token claims whose values the input
// does not show.
var gitlabUnknownClaims = []string{"namespace_id", "project_id", "user_id", "user_login", "user_email",
	"user_access_level", "user_identities", "pipeline_id", "pipeline_source", "job_id", "ref_protected",
	"runner_id", "runner_environment", "sha", "project_visibility", "ci_config_ref_uri", "ci_config_sha",
	"environment_protected", "deployment_tier", "environment_action", "groups_direct", "jti", "nbf", "exp", "iat"}

// isGitLabSubject reports whether an OIDC subject is the identity of a
// GitLab job's ID token.
func isGitLabSubject(subject graph.Node) bool {
	return subject.Attr(graph.AttrProvider) == "gitlab-oidc"
}

// gitlabClaimSets lists the claim sets of a GitLab job's ID tokens, one per
// kind of run in its subs (project_path:P:ref_type:T:ref:R). A ref the job
// can choose is tried at each literal of the provider and at one other value.
func gitlabClaimSets(subject graph.Node, literals []string) []claimSet {
	var out []claimSet
	for _, sub := range graph.SplitList(subject.Attr("subs")) {
		rest, ok := strings.CutPrefix(sub, "project_path:")
		if !ok {
			continue
		}
		project, rest, ok := strings.Cut(rest, ":ref_type:")
		if !ok {
			continue
		}
		refType, refPattern, ok := strings.Cut(rest, ":ref:")
		if !ok {
			continue
		}
		for _, ref := range candidates([]string{refPattern}, literals, "") {
			out = append(out, gitlabClaimSet(subject, project, refType, ref))
			if len(out) >= 4096 {
				return out
			}
		}
	}
	return out
}

// gitlabClaimSet builds the claims of one run of a GitLab job.
func gitlabClaimSet(subject graph.Node, project, refType string, ref gcppolicy.Value) claimSet {
	refText, refKnown := ref.Str()
	refPattern := refText
	if !refKnown {
		refPattern = "*"
	}
	refPrefix := "refs/heads/"
	if refType == "tag" {
		refPrefix = "refs/tags/"
	}
	env := subject.Attr("environment")

	claims := map[string]gcppolicy.Value{
		"iss":            gcppolicy.String(strings.TrimSuffix(subject.Attr("issuer"), "/")),
		"aud":            gcppolicy.Strings("the job chooses the audience it requests", []string{"*"}),
		"project_path":   gcppolicy.String(project),
		"namespace_path": gcppolicy.String(path.Dir(project)),
		"ref_type":       gcppolicy.String(refType),
		"ref":            ref,
		"ref_path":       subValue(refPrefix+refPattern, refKnown),
		"sub":            subValue("project_path:"+project+":ref_type:"+refType+":ref:"+refPattern, refKnown),
	}
	if env != "" {
		claims["environment"] = gcppolicy.String(env)
	}
	for _, name := range gitlabUnknownClaims {
		claims[name] = gcppolicy.UnknownValue("the " + name + " claim is not in the input")
	}

	description := refType + " "
	if refKnown {
		description += refText
	} else {
		description += "other than those the provider names"
	}
	if env != "" {
		description += ", environment " + env
	}
	return claimSet{claims: claims, describe: description}
}
