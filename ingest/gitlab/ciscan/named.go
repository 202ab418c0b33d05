package ciscan

import (
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// NamedInstall writes a package that a script of job installs by name
// (pkgcmd.NamedInstall): its Package nodes and the job's EXECUTES edge to
// the version the command names, or else to the package's name.
func (b *Builder) NamedInstall(job string, n pkgcmd.NamedInstall, line int) {
	nameAttrs, verAttrs := n.NodeAttrs()
	b.Node(n.NameID(), graph.NodePackage, n.Name, line, nameAttrs)
	if verAttrs != nil {
		b.Node(n.ID(), graph.NodePackage, n.Name+"@"+n.Version, line, verAttrs)
		b.Edge(n.ID(), graph.EdgeVersionOf, n.NameID(), graph.Certain, line, nil)
	}
	b.Edge(job, graph.EdgeExecutes, n.ID(), n.Confidence(), line, n.EdgeAttrs())
}

// NamedInstalls writes each package that effects install by name
// (NamedInstall), at the line of the script that holds its command.
// scripts returns the job's scripts in the order they run. It is called
// once, when the first package is found. line returns the line of script
// i at byte offset at. A package whose script is not found is at
// fallback, the job's line.
func (b *Builder) NamedInstalls(job string, effects []pkgcmd.Effect, scripts func() []string, line func(i, at int) int, fallback int) {
	var finder *NamedFinder
	for _, e := range effects {
		for _, n := range e.Named {
			if finder == nil {
				finder = NewNamedFinder(scripts())
			}
			l := fallback
			if i, at := finder.Find(n); i >= 0 {
				l = line(i, at)
			}
			b.NamedInstall(job, n, l)
		}
	}
}

// maxNamedMisses bounds the installs by name whose script Find
// searches in vain, since each such search reads every script of a job.
const maxNamedMisses = 64

// NamedFinder finds the script that contains each install by name of a
// job, given in the order the scripts run.
type NamedFinder struct {
	scripts []string
	next    int // the script of the last install found
	misses  int
}

// NewNamedFinder returns a finder over the job's scripts, in the order
// they run.
func NewNamedFinder(scripts []string) *NamedFinder {
	return &NamedFinder{scripts: scripts}
}

// Find returns the index of the script that contains the command that
// installs n (the word that names the package and the command's program)
// and the offset of that word in it, or -1. The search starts at the
// script of the previous install, as the scanner reads installs in
// script order.
func (f *NamedFinder) Find(n pkgcmd.NamedInstall) (script, offset int) {
	if len(f.scripts) == 0 || f.misses >= maxNamedMisses {
		return -1, -1
	}
	prog, _, _ := strings.Cut(n.Command, " ")
	for k := range f.scripts {
		i := (f.next + k) % len(f.scripts)
		s := f.scripts[i]
		if at := strings.Index(s, n.Text); at >= 0 && strings.Contains(s, prog) {
			f.next = i
			return i, at
		}
	}
	f.misses++
	return -1, -1
}
