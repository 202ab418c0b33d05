package gitlab

import "github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"

// expandImageDeploys expands the variables in the images that a job's
// commands deploy, in the way expand reads image names. Then
// $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA names the project's image.
func (c *converter) expandImageDeploys(j *jobState, effects []pkgcmd.Effect) {
	for _, e := range effects {
		if e.ImageDeploy != nil {
			e.ImageDeploy.Image = c.expand(j, e.ImageDeploy.Image)
		}
	}
}
