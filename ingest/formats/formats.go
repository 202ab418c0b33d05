// Package formats lists a parser of every input format blastradius reads,
// so that the command and the tests that ingest like it share one list.
package formats

import (
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/awsiam"
	"github.com/blastradius-dev/blastradius/ingest/circleci"
	"github.com/blastradius-dev/blastradius/ingest/cloudformation"
	"github.com/blastradius-dev/blastradius/ingest/cloudtrail"
	"github.com/blastradius-dev/blastradius/ingest/compose"
	"github.com/blastradius-dev/blastradius/ingest/dockerfile"
	"github.com/blastradius-dev/blastradius/ingest/gcpaudit"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam"
	"github.com/blastradius-dev/blastradius/ingest/githubaudit"
	"github.com/blastradius-dev/blastradius/ingest/gitlab"
	"github.com/blastradius-dev/blastradius/ingest/k8saudit"
	"github.com/blastradius-dev/blastradius/ingest/kubernetes"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/ingest/mapping"
	"github.com/blastradius-dev/blastradius/ingest/sbom"
	"github.com/blastradius-dev/blastradius/ingest/serverless"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// All returns a fresh parser of every format, in detection order: the
// first whose Detect accepts a file parses it.
func All() []ingest.Parser {
	return []ingest.Parser{
		mapping.New(),
		actions.New(),
		gitlab.New(),
		circleci.New(),
		lockfile.NewNPM(),
		lockfile.NewGoMod(),
		lockfile.NewPoetry(),
		lockfile.NewRequirements(),
		lockfile.NewYarn(),
		lockfile.NewPNPM(),
		lockfile.NewBun(),
		lockfile.NewUV(),
		lockfile.NewPyProject(),
		lockfile.NewSetuptools(),
		lockfile.NewPipenv(),
		lockfile.NewCargo(),
		lockfile.NewCargoManifest(),
		lockfile.NewGemspec(),
		lockfile.NewPOM(),
		lockfile.NewGradle(),
		lockfile.NewCSProj(),
		lockfile.NewNuGetLock(),
		lockfile.NewBundler(),
		lockfile.NewComposer(),
		dockerfile.New(),
		compose.New(),
		serverless.New(),
		sbom.NewCycloneDX(),
		sbom.NewSPDX(),
		terraform.New(),
		cloudformation.New(),
		kubernetes.New(),
		cloudtrail.New(),
		k8saudit.New(),
		gcpaudit.New(),
		githubaudit.New(),
		awsiam.New(),
		gcpiam.New(),
	}
}
