package actions

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// executeNamed makes the job execute the packages that the commands of a
// run: step install by name (pkgcmd.NamedInstall). That is the version
// the command names, or else the package's name (pinned=floating).
func (w *workflow) executeNamed(j *job, effects []pkgcmd.Effect, step string, line int) {
	for _, e := range effects {
		for _, n := range e.Named {
			nameAttrs, verAttrs := n.NodeAttrs()
			w.b.node(n.NameID(), graph.NodePackage, n.Name, line, nameAttrs)
			if verAttrs != nil {
				w.b.node(n.ID(), graph.NodePackage, n.Name+"@"+n.Version, line, verAttrs)
				w.b.edge(n.ID(), graph.EdgeVersionOf, n.NameID(), graph.Certain, line, nil)
			}
			_, seen := j.execs[n.ID()]
			j.execute(n.ID(), step, line, n.EdgeAttrs())
			// One install that shows the package for certain is enough.
			ex := j.execs[n.ID()]
			ex.possible = n.Confidence() == graph.Possible && (!seen || ex.possible)
		}
	}
}
