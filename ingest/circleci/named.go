package circleci

import (
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
)

// namedInstalls makes the job execute the packages its run steps install
// by name (pkgcmd.NamedInstall), at the line of the command that
// contains the install.
func (c *converter) namedInstalls(j *jobState) {
	var finder *ciscan.NamedFinder
	for _, e := range j.scan.Effects() {
		for _, n := range e.Named {
			if finder == nil {
				texts := make([]string, len(j.scripts))
				for i, s := range j.scripts {
					texts[i] = s.text
				}
				finder = ciscan.NewNamedFinder(texts)
			}
			line := j.line
			if i, at := finder.Find(n); i >= 0 {
				s := j.scripts[i]
				line = s.lineAt(strings.Count(s.text[:at], "\n") + 1)
			}
			c.b.NamedInstall(j.rid, n, line)
		}
	}
}
