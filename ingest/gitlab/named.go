package gitlab

import "github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"

// namedInstalls makes the job execute the packages its scripts install
// by name (pkgcmd.NamedInstall), at the line of the script item that
// contains the command.
func (c *converter) namedInstalls(j *jobState) {
	var finder *ciscan.NamedFinder
	for _, e := range j.scan.Effects() {
		for _, n := range e.Named {
			if finder == nil {
				texts := make([]string, len(j.scripts))
				for i, s := range j.scripts {
					texts[i] = s.str
				}
				finder = ciscan.NewNamedFinder(texts)
			}
			line := j.line
			if i, _ := finder.Find(n); i >= 0 {
				line = c.lineOf(j, j.scripts[i])
			}
			c.b.NamedInstall(j.rid, n, line)
		}
	}
}
