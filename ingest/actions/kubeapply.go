package actions

import "github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"

// applyLines gives the Kubernetes applies among the effects of a run step
// the step's line, which reasons cite.
func applyLines(effects []pkgcmd.Effect, line int) {
	for _, e := range effects {
		if e.KubeApply != nil {
			e.KubeApply.Line = line
		}
	}
}
