package gitlab

// namedInstalls makes the job execute the packages its scripts install
// by name (pkgcmd.NamedInstall), at the line of the script item that
// contains the command.
func (c *converter) namedInstalls(j *jobState) {
	texts := func() []string {
		out := make([]string, len(j.scripts))
		for i, s := range j.scripts {
			out[i] = s.str
		}
		return out
	}
	line := func(i, _ int) int { return c.lineOf(j, j.scripts[i]) }
	c.b.NamedInstalls(j.rid, j.scan.Effects(), texts, line, j.line)
}
