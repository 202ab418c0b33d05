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
	dir = strings.Trim(path.Clean("/"+dir), "/")
	if dir == "" {
		dir = "."
	}
	own := repository == "" || strings.EqualFold(strings.Join(strings.Fields(repository), ""), "${{github.repository}}")
	repo := ""
	switch {
	case own:
		repo = ownRepository
	case !strings.ContainsAny(repository, "${}") && strings.Count(repository, "/") == 1:
		repo = strings.ToLower(strings.TrimSpace(repository))
	}
	j.workspace = append(j.workspace, checkout{dir: dir, repo: repo})
	if own {
		j.checkouts = append(j.checkouts, dir)
	}
}

// ownRepository is the checkout.repo of a checkout of the workflow's own
// repository.
const ownRepository = "."

// checkout is a repository that a step checks out into a folder of the
// workspace: the workflow's own (ownRepository), another one as
// owner/name, or "" when an expression names it.
type checkout struct {
	dir, repo string
}

// checkoutOf returns the checkout whose folder holds folder sub of the
// workspace, and sub relative to it: of the checkouts into the deepest
// folder that contains sub, the last. ok is false when no checkout holds
// sub.
func (j *job) checkoutOf(sub string) (c checkout, rel string, ok bool) {
	for _, co := range j.workspace {
		inside := co.dir == "." || sub == co.dir || strings.HasPrefix(sub, co.dir+"/")
		if !inside || ok && len(co.dir) < len(c.dir) {
			continue
		}
		c, ok = co, true
	}
	if !ok {
		return checkout{}, "", false
	}
	rel = sub
	if c.dir != "." {
		rel = strings.TrimPrefix(strings.TrimPrefix(sub, c.dir), "/")
	}
	return c, rel, true
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
