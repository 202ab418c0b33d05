package link

import (
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
	runs       []string
	runsVia    string
	mayRun     []string
	mayRunVia  string
}

func readJobExec(rt graph.Node) jobExec {
	return jobExec{
		installs:   graph.SplitList(rt.Attr(pkgcmd.AttrInstalls)),
		dirs:       graph.SplitList(rt.Attr(pkgcmd.AttrInstallDirs)),
		scriptsOff: graph.SplitList(rt.Attr(pkgcmd.AttrScriptsOff)),
		runs:       graph.SplitList(rt.Attr(pkgcmd.AttrRuns)),
		runsVia:    rt.Attr(pkgcmd.AttrRunsVia),
		mayRun:     graph.SplitList(rt.Attr(pkgcmd.AttrMayRun)),
		mayRunVia:  rt.Attr(pkgcmd.AttrMayRunVia),
	}
}

// execution is the manner in which a job executes a locked package: the
// phase, the confidence, and the end of the reason.
type execution struct {
	phase string
	conf  graph.Confidence
	how   string // end of the reason
}

// execution decides how the job executes a package of eco that it
// installs, given whether the package has an install script. ok is false
// when the job provably runs none of its code.
func (j jobExec) execution(eco string, hook bool) (x execution, ok bool) {
	off := contains(j.scriptsOff, eco)
	if hook && !off {
		return execution{phaseInstall, graph.Certain, "install script runs when the job installs dependencies"}, true
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
		return execution{phaseRun, graph.Certain, note + "imported by the code the job builds and tests: the job runs " + what}, true
	}
	for _, key := range []string{eco, pkgcmd.AnyEco} {
		if !contains(j.mayRun, key) {
			continue
		}
		what := pkgcmd.Via(j.mayRunVia, key)
		if what == "" {
			what = "a step runs code the input does not show"
		}
		return execution{phaseRun, graph.Possible, note + "the job may run it: " + what}, true
	}
	return execution{}, false
}
