package circleci

import "strings"

// namedInstalls makes the job execute the packages its run steps install
// by name (pkgcmd.NamedInstall), at the line of the command that
// contains the install.
func (c *converter) namedInstalls(j *jobState) {
	texts := func() []string {
		out := make([]string, len(j.scripts))
		for i, s := range j.scripts {
			out[i] = s.text
		}
		return out
	}
	line := func(i, at int) int {
		s := j.scripts[i]
		return s.lineAt(strings.Count(s.text[:at], "\n") + 1)
	}
	c.b.NamedInstalls(j.rid, j.scan.Effects(), texts, line, j.line)
}
