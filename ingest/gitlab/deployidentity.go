package gitlab

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployIdentities names the cloud identity the job may deploy as, for
// each deploy that names none. That is the identity of an AWS key the file
// writes into the job's variables, or else that of the project's CI/CD
// variables, which hold the credentials the job does not set itself.
func (c *converter) deployIdentities(j *jobState, effects []pkgcmd.Effect) {
	pkgcmd.NameDeployIdentities(effects, func(cloud string) string {
		switch cloud {
		case "aws":
			if id := c.literalAWSIdentity(j); id != "" {
				return id
			}
			return c.awsIdentity(j.line)
		case "gcp":
			return c.gcpIdentity(j.line)
		}
		return ""
	})
}

// literalAWSIdentity writes and returns the identity of the AWS secret key
// written as a literal into the job's variables, with the key's
// AUTHENTICATES_AS edge. It returns "" when the file writes no such key.
func (c *converter) literalAWSIdentity(j *jobState) string {
	const k = "AWS_SECRET_ACCESS_KEY"
	vr, ok := j.vars[k]
	if !ok || vr.v == nil || !literal.LooksLikeCredential(k, vr.value) {
		return ""
	}
	owner := vr.v.owner
	if owner == "" {
		owner = "variables"
	}
	key := graph.GitLabInlineSecretID(c.project, c.inRepo(vr.v.file), owner, k)
	id := graph.CIAWSIdentityID(key)
	line := c.lineOf(j, vr.v)
	c.b.Node(id, graph.NodeIdentity, "AWS identity of "+k+" (literal in "+c.inRepo(vr.v.file)+")", line, attrs{
		graph.AttrProvider: "aws", "type": "ci-credentials",
	})
	c.b.Edge(key, graph.EdgeAuthenticatesAs, id, graph.Certain, line, attrs{
		graph.AttrReason: "the key written into the job's variables authenticates as the AWS identity it belongs to, which is not in the input",
	})
	return id
}
