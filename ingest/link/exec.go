package link

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// attrPhase on an EXECUTES edge from a job to a locked package is the
// moment the package's code runs: phaseInstall while the job installs it (its
// install script), phaseRun when the job runs code that loads it.
const (
	attrPhase    = "phase"
	phaseInstall = "install"
	phaseRun     = "run"
)

// jobExec is the record a runtime's attributes keep of the packages its
// commands install and run.
type jobExec struct {
	installs   []string
	dirs       []string // folders the installs run in
	scriptsOff []string
	devOff     []string // ecosystems whose every install leaves out development dependencies
	// devOffBerry lists those of devOff whose every install leaves out
	// the development dependencies of a Yarn 2+ lockfile too.
	devOffBerry []string
	runs        []string
	runsVia     string
	mayRun      []string
	mayRunVia   string
	// own lists the ecosystems the job's own steps install, and actions,
	// per ecosystem, the local actions that install it (withAction).
	own     []string
	actions map[string][]string
	// certainInstalls lists the ecosystems that the job itself or a local
	// action it certainly runs installs. possibleInstalls maps each other
	// ecosystem that a local action installs to why the job may not run it.
	certainInstalls  []string
	possibleInstalls map[string]string
}

func readJobExec(rt graph.Node) jobExec {
	installs := graph.SplitList(rt.Attr(pkgcmd.AttrInstalls))
	return jobExec{
		own:             installs,
		certainInstalls: installs,
		installs:        installs,
		dirs:            graph.SplitList(rt.Attr(pkgcmd.AttrInstallDirs)),
		scriptsOff:      graph.SplitList(rt.Attr(pkgcmd.AttrScriptsOff)),
		devOff:          graph.SplitList(rt.Attr(pkgcmd.AttrDevOff)),
		devOffBerry:     graph.SplitList(rt.Attr(pkgcmd.AttrDevOffBerry)),
		runs:            graph.SplitList(rt.Attr(pkgcmd.AttrRuns)),
		runsVia:         rt.Attr(pkgcmd.AttrRunsVia),
		mayRun:          graph.SplitList(rt.Attr(pkgcmd.AttrMayRun)),
		mayRunVia:       rt.Attr(pkgcmd.AttrMayRunVia),
	}
}

// execution is the manner in which a job executes a locked package: the
// phase, the confidence, and the end of the reason.
type execution struct {
	phase string
	conf  graph.Confidence
	how   string // end of the reason
	by    string // the local actions that install, from jobExec.installer
}

// execution decides how the job executes a package of eco that it
// installs, given whether the package has an install script. ok is false
// when the job provably runs none of its code.
func (j jobExec) execution(eco string, hook bool) (x execution, ok bool) {
	x, ok = j.executionSure(eco, hook)
	if doubt := j.possibleInstalls[eco]; ok && doubt != "" && !contains(j.certainInstalls, eco) {
		x.conf = graph.Possible
		x.how += "; possible: " + doubt
	}
	return x, ok
}

// executionSure is execution for a job that certainly runs each local
// action that installs eco.
func (j jobExec) executionSure(eco string, hook bool) (x execution, ok bool) {
	off := contains(j.scriptsOff, eco)
	if hook && !off {
		return execution{phase: phaseInstall, conf: graph.Certain, how: "install script runs when the job installs dependencies"}, true
	}
	note := ""
	if hook {
		note = "no install in the job runs install scripts; "
	}
	if contains(j.runs, eco) {
		what := pkgcmd.Via(j.runsVia, eco)
		if what == "" {
			what = "the project's code"
		}
		return execution{phase: phaseRun, conf: graph.Certain, how: note + "imported by the code the job builds and tests: the job runs " + what}, true
	}
	for _, key := range []string{eco, pkgcmd.AnyEco} {
		if !contains(j.mayRun, key) {
			continue
		}
		what := pkgcmd.Via(j.mayRunVia, key)
		if what == "" {
			what = "a step runs code the input does not show"
		}
		return execution{phase: phaseRun, conf: graph.Possible, how: note + "the job may run it: " + what}, true
	}
	return execution{}, false
}

// withAction returns the record of a job that also runs the steps of a
// composite action of its repository, a, whose Package node carries the
// same attributes as a job (a local action, EXECUTES via=uses,
// pinned=local). name names the action in reasons. The action's steps
// run in the workspace, so the folders of its installs are made relative
// to the repository when the job checks it out into the workspace folder
// checkout, as the ingester does for the job's own steps.
//
// NOTE: the action's effects are added to the job's as a whole, and where
// the step comes among the job's other steps is not kept. A job that runs
// npm test before the action installs is taken to run the installed
// packages. A later step of the job whose code the input does not show is
// not taken to run what the action installed.
//
// doubt, when not "", is the reason the job may not run the action. Its
// runs are then added as possible ones, and its installs make possible
// edges unless the job or an action it certainly runs installs the same.
func (j jobExec) withAction(a jobExec, name, checkout, doubt string) jobExec {
	if len(a.installs) == 0 && len(a.runs) == 0 && len(a.mayRun) == 0 {
		return j
	}
	if doubt != "" {
		// The job may not run the action: what it runs the job may run.
		for _, eco := range a.runs {
			if cause := pkgcmd.Via(a.runsVia, eco); cause != "" && pkgcmd.Via(a.mayRunVia, eco) == "" {
				if a.mayRunVia != "" {
					a.mayRunVia += ","
				}
				a.mayRunVia += eco + "=" + cause
			}
		}
		a.mayRun = appendNew(slices.Clip(a.mayRun), a.runs...)
		a.runs, a.runsVia = nil, ""
	}

	out := j
	out.installs = appendNew(slices.Clip(j.installs), a.installs...)
	out.dirs = slices.Clip(j.dirs)
	for _, d := range a.dirs {
		out.dirs = appendNew(out.dirs, underCheckout(d, checkout))
	}

	// An ecosystem's install scripts stay off only when every install of
	// it, the job's and the action's, turns them off.
	out.scriptsOff, out.devOff, out.devOffBerry = nil, nil, nil
	for _, eco := range out.installs {
		if (!contains(j.installs, eco) || contains(j.scriptsOff, eco)) &&
			(!contains(a.installs, eco) || contains(a.scriptsOff, eco)) {
			out.scriptsOff = appendNew(out.scriptsOff, eco)
		}
		// Development dependencies stay out only when every install
		// leaves them out, as install scripts do.
		if (!contains(j.installs, eco) || contains(j.devOff, eco)) &&
			(!contains(a.installs, eco) || contains(a.devOff, eco)) {
			out.devOff = appendNew(out.devOff, eco)
		}
		if (!contains(j.installs, eco) || contains(j.devOffBerry, eco)) &&
			(!contains(a.installs, eco) || contains(a.devOffBerry, eco)) {
			out.devOffBerry = appendNew(out.devOffBerry, eco)
		}
	}

	// pkgcmd.Via reads the first cause of an ecosystem, so the job's own
	// come first.
	out.runs = appendNew(slices.Clip(j.runs), a.runs...)
	out.runsVia = joinVia(j.runsVia, a.runs, a.runsVia, name)
	out.mayRun = appendNew(slices.Clip(j.mayRun), a.mayRun...)
	out.mayRunVia = joinVia(j.mayRunVia, a.mayRun, a.mayRunVia, name)

	out.actions = map[string][]string{}
	for eco, names := range j.actions {
		out.actions[eco] = names
	}
	for _, eco := range a.installs {
		out.actions[eco] = appendNew(slices.Clip(out.actions[eco]), name)
	}

	out.certainInstalls = slices.Clip(j.certainInstalls)
	out.possibleInstalls = j.possibleInstalls
	if doubt == "" {
		out.certainInstalls = appendNew(out.certainInstalls, a.installs...)
		return out
	}
	out.possibleInstalls = maps.Clone(j.possibleInstalls)
	if out.possibleInstalls == nil {
		out.possibleInstalls = map[string]string{}
	}
	for _, eco := range a.installs {
		if out.possibleInstalls[eco] == "" {
			out.possibleInstalls[eco] = doubt
		}
	}
	return out
}

// installer returns how the job installs eco, for the reason of an edge:
// "" when only its own steps do, else the local actions that install it.
func (j jobExec) installer(eco string) string {
	names := j.actions[eco]
	switch {
	case len(names) == 0:
		return ""
	case contains(j.own, eco):
		return " itself and through " + strings.Join(names, " and ")
	}
	return " through " + strings.Join(names, " and ")
}

// joinVia adds to a runs_code_via or may_run_code_via list the causes of
// a local action for ecos, each ending in the action's name.
func joinVia(list string, ecos []string, via, name string) string {
	for _, eco := range ecos {
		cause := pkgcmd.Via(via, eco)
		if cause == "" {
			continue
		}
		if list != "" {
			list += ","
		}
		list += eco + "=" + strings.ReplaceAll(cause+" in "+name, ",", ";")
	}
	return list
}

// underCheckout makes a folder of the workspace relative to the
// repository that the job checks out into checkout. A folder outside the
// checkout, or one that the input does not fix, is kept as it is.
func underCheckout(dir, checkout string) string {
	if checkout == "" || strings.ContainsAny(dir, "$~") {
		return dir
	}
	d := path.Clean(dir)
	switch {
	case d == checkout:
		return "."
	case strings.HasPrefix(d, checkout+"/"):
		return strings.TrimPrefix(d, checkout+"/")
	}
	return dir
}

// localActionName names the action of a Package node in reasons.
func localActionName(act graph.Node) string {
	if sub := act.Attr("subpath"); sub != "" {
		return "the local action " + sub
	}
	return "the local action at the repository root"
}

// appendNew appends the items that list does not hold yet.
func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// devLeftOut reports whether the installs leave out the package of a
// LOCKS edge: it is dev, and every install of its ecosystem leaves such
// packages out. A dev package of a Yarn 2+ lockfile needs an install
// that leaves them out there too, since Yarn 2 and later ignore
// NODE_ENV=production.
func devLeftOut(lock graph.Edge, eco string, devOff, devOffBerry []string) bool {
	if lock.Attr("dev") != "true" {
		return false
	}
	if lock.Attr("yarn_berry") == "true" {
		return contains(devOffBerry, eco)
	}
	return contains(devOff, eco)
}
