package gitlab

import "github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"

// deployIdentities names, for each deploy of a job's commands that names
// no identity, the cloud identity of the project's CI/CD variables, as
// one the job may deploy as: the job's cloud commands read credentials it
// does not set itself.
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
			d.MayAs = append(d.MayAs, c.awsIdentity(j.line))
		case "gcp":
			d.MayAs = append(d.MayAs, c.gcpIdentity(j.line))
		}
	}
}
