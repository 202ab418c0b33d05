package actions

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// readCheckout records where an actions/checkout step puts the workflow's
// own repository: the workspace itself unless its path input names a
// folder. A checkout of another repository is left out, because installs
// there read that repository's lockfiles.
func (j *job) readCheckout(repository, dir string) {
	if repository != "" && !strings.EqualFold(strings.Join(strings.Fields(repository), ""), "${{github.repository}}") {
		return
	}
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" {
		dir = "."
	}
	j.checkouts = append(j.checkouts, dir)
}

// repoRelative returns the effects with each folder made relative to the
// repository root instead of the workspace, when the job checks its own
// repository out into one subfolder of the workspace. With no checkout,
// or checkouts into several folders, the folders are left as they are.
func repoRelative(effects []pkgcmd.Effect, checkouts []string) []pkgcmd.Effect {
	if len(checkouts) != 1 || checkouts[0] == "." || strings.Contains(checkouts[0], "${{") {
		return effects
	}
	root := checkouts[0]
	out := make([]pkgcmd.Effect, len(effects))
	for i, e := range effects {
		dir := path.Clean(e.Dir)
		switch {
		case dir == root:
			e.Dir = "."
		case strings.HasPrefix(dir, root+"/"):
			e.Dir = strings.TrimPrefix(dir, root+"/")
		}
		out[i] = e
	}
	return out
}
