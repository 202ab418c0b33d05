package circleci

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// deployIdentities names, for each deploy of a job's steps that names no
// identity, the cloud identity of the project's and the contexts'
// variables, as one the job may deploy as: the job's cloud commands read
// credentials it does not set itself.
func (c *converter) deployIdentities(j *jobState, effects []pkgcmd.Effect) {
	for _, e := range effects {
		d := e.Deploy
		if e.ImageDeploy != nil {
			d = &e.ImageDeploy.Deploy
		}
		if d == nil || len(d.As) > 0 || len(d.MayAs) > 0 {
			continue
		}
		switch pkgcmd.DeployCloud(d.Service) {
		case "aws":
			d.MayAs = append(d.MayAs, c.variablesIdentity(j, graph.CIAWSIdentityID, "aws", "AWS", j.line, deployReason("AWS")))
		case "gcp":
			d.MayAs = append(d.MayAs, c.variablesIdentity(j, graph.CIGCPIdentityID, "gcp", "Google Cloud", j.line, deployReason("Google Cloud")))
		}
	}
}

// deployReason is the reason of the edge to the identity a deploy acts as.
func deployReason(cloud string) string {
	return "the job deploys with " + cloud + " credentials it does not set itself, so the project's or a context's variables hold them; which ones, and whose they are, is not in the input"
}
