package circleci

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployIdentities names the cloud identity the job may deploy as, for
// each deploy that names none. That is the identity of an AWS key the
// job's environment writes out, or else that of the project's and the
// contexts' variables, which hold the credentials the job does not set.
func (c *converter) deployIdentities(j *jobState, effects []pkgcmd.Effect) {
	pkgcmd.NameDeployIdentities(effects, func(cloud string) string {
		switch {
		case cloud == "aws" && j.awsKey != "":
			return c.literalAWSIdentity(j)
		case cloud == "aws":
			return c.variablesIdentity(j, graph.CIAWSIdentityID, "aws", "AWS", j.line, deployReason("AWS"))
		case cloud == "gcp":
			return c.variablesIdentity(j, graph.CIGCPIdentityID, "gcp", "Google Cloud", j.line, deployReason("Google Cloud"))
		}
		return ""
	})
}

// deployReason is the reason of the edge to the identity a deploy acts as.
func deployReason(cloud string) string {
	return "the job deploys with " + cloud + " credentials it does not set itself, so the project's or a context's variables hold them; which ones, and whose they are, is not in the input"
}

// literalAWSIdentity writes and returns the identity of the literal AWS
// secret key of the job's environment, with the key's AUTHENTICATES_AS
// edge.
func (c *converter) literalAWSIdentity(j *jobState) string {
	id := graph.CIAWSIdentityID(j.awsKey)
	c.b.Node(id, graph.NodeIdentity, "AWS identity of AWS_SECRET_ACCESS_KEY (literal in "+j.inv.name+")", j.line, attrs{
		graph.AttrProvider: "aws", "type": "ci-credentials",
	})
	c.b.Edge(j.awsKey, graph.EdgeAuthenticatesAs, id, graph.Certain, j.line, attrs{
		graph.AttrReason: "the key written into the job's environment authenticates as the AWS identity it belongs to, which is not in the input",
	})
	return id
}
