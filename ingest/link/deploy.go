package link

import (
	"log/slog"
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// linkDeploys joins the deploys that CI jobs make (pkgcmd.AttrDeploys) to
// the functions and services the inputs declare. Each such runtime then
// executes the packages that the lockfiles of the deployed folder lock,
// because the function loads them each time it runs.
//
// A deploy names its target by name, and by region, account or project
// when the command, its environment or the job's cloud login gives them.
// A runtime whose attributes contradict one of those is not the target.
// When several runtimes are left, the job cannot tell them apart, and
// each is a possible target. The linker never makes a runtime node of its
// own, since its id could differ from the one Terraform gives the same
// function: a deploy whose target no input declares links nowhere, and is
// counted in a warning.
//
// The function executes the packages at run time only: their install
// scripts ran in the job that installed them, and packages that only
// development needs are left out. A lockfile in the deployed folder
// counts. Without one, the lockfiles of the nearest folder above it count
// as possible ones, because a workspace's lockfile sits at its root. A
// lockfile below the deployed folder belongs to another project, so it
// does not count.
//
// The identities the job deploys as can replace the function's code, so
// each gets CAN_MODIFY to it, unless an input or an earlier rule (IAM
// policies allowing lambda:UpdateFunctionCode) gave it one already.
func (v *view) linkDeploys(log *slog.Logger) {
	var targets *deployIndex
	unmatched := 0
	for _, rt := range v.byKind[graph.NodeRuntime] {
		attr := rt.Attr(pkgcmd.AttrDeploys)
		if attr == "" {
			continue
		}
		if targets == nil {
			targets = newDeployIndex(v)
		}
		for _, d := range pkgcmd.Deploys(attr) {
			if d.Service == pkgcmd.DeployServerless || d.Service == pkgcmd.ServerlessPlugins {
				v.serverlessDeploy(rt, d)
				continue
			}
			if d.Service == pkgcmd.DeployStack {
				if v.stackDeploy(rt, d) == 0 {
					unmatched++
					if log != nil {
						log.Debug("deploy target not declared", "job", rt.ID, "service", d.Service, "template", d.Name)
					}
				}
				continue
			}
			found, matched := targets.match(d)
			if len(found) == 0 {
				unmatched++
				if log != nil {
					log.Debug("deploy target not declared", "job", rt.ID, "service", d.Service, "name", d.Name)
				}
				continue
			}
			conf := graph.Certain
			if len(found) > 1 {
				conf = graph.Possible
			}
			for _, fn := range found {
				v.deployExecutes(rt, d, fn, conf, matched)
				v.deployModifies(rt, d, fn, conf, matched)
			}
		}
	}
	if unmatched > 0 && log != nil {
		log.Warn("deploys link to no runtime because no input declares the function or service they name, so add the Terraform that declares it (--log-level debug lists each)",
			"count", unmatched)
	}
}

// deployIndex holds the runtimes a deploy may target, by service and
// name.
type deployIndex map[[2]string][]deployTarget

// deployTarget is a runtime with the region, account and project that its
// attributes or id contain, "" for those they lack.
type deployTarget struct {
	node                     graph.Node
	region, account, project string
}

func newDeployIndex(v *view) *deployIndex {
	idx := deployIndex{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		var svc string
		t := deployTarget{node: rt}
		switch typ := rt.Attr("type"); {
		case typ == "lambda" || strings.HasPrefix(rt.ID, "runtime:aws:lambda:"):
			svc = pkgcmd.DeployLambda
			arn := rt.Attr("arn")
			if arn == "" {
				arn = strings.TrimPrefix(rt.ID, "runtime:aws:lambda:")
			}
			// arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME
			if p := strings.Split(arn, ":"); len(p) >= 7 && p[2] == "lambda" && p[5] == "function" {
				t.region, t.account = p[3], p[4]
			}
			if t.account == "" {
				t.account = rt.Attr(graph.AttrAccount)
			}
		case typ == "cloud-function" || typ == "cloud-function-2":
			svc = pkgcmd.DeployFunctions
		case typ == "cloud-run-service":
			svc = pkgcmd.DeployRun
		case typ == "cloud-run-job":
			svc = pkgcmd.DeployRunJob
		default:
			continue
		}
		if svc != pkgcmd.DeployLambda {
			t.region, t.project = rt.Attr("location"), rt.Attr("project")
		}
		t.region, t.account, t.project = fixed(t.region), fixed(t.account), fixed(t.project)
		name := rt.Attr(graph.AttrName)
		if name == "" || !fixedName(name) {
			continue
		}
		k := [2]string{svc, name}
		idx[k] = append(idx[k], t)
	}
	return &idx
}

// fixed returns a value the input writes out, or "" for one it leaves to
// a reference (${var.region}) or a variable.
func fixed(s string) string {
	if strings.Contains(s, "$") {
		return ""
	}
	return s
}

// fixedName reports whether a name is written out, without a variable or
// an expression.
func fixedName(s string) bool {
	return !strings.ContainsAny(s, "${}")
}

// match returns the runtimes a deploy may target, and the clause of the
// reason that names the values they were matched by.
func (idx *deployIndex) match(d pkgcmd.Deploy) (found []graph.Node, matched string) {
	if !fixedName(d.Name) {
		return nil, ""
	}
	for _, t := range (*idx)[[2]string{d.Service, d.Name}] {
		if differ(d.Region, t.region) || differ(d.Account, t.account) || differ(d.Project, t.project) {
			continue
		}
		found = append(found, t.node)
	}
	var known []string
	for _, kv := range [][2]string{{"region", d.Region}, {"account", d.Account}, {"project", d.Project}} {
		if kv[1] != "" {
			known = append(known, kv[0]+" "+kv[1])
		}
	}
	matched = "by its name " + d.Name
	if len(known) > 0 {
		matched += " and " + strings.Join(known, " and ")
	}
	if len(found) > 1 {
		matched += ", which several declared runtimes share, so the job may deploy to any of them"
	}
	return found, matched
}

// deployPos returns the position of deploy d of job rt: the line of the
// step or command when the CI reader gave it, else the job's.
func deployPos(rt graph.Node, d pkgcmd.Deploy) graph.Pos {
	if d.Line > 0 && rt.Pos.File != "" {
		return graph.Pos{File: rt.Pos.File, Line: d.Line}
	}
	return rt.Pos
}

// differ reports whether two values both known differ.
func differ(a, b string) bool { return a != "" && b != "" && a != b }

// deployVerb names how a deploy ships its folder, for reasons.
var deployVerb = map[string]string{
	pkgcmd.DeployLambda:    "uploads a zip of %s to",
	pkgcmd.DeployFunctions: "deploys %s to",
	pkgcmd.DeployRun:       "deploys %s from source to",
	pkgcmd.DeployRunJob:    "deploys %s from source to",
}

// deployActions are the permissions by which a deploy changes the code of
// its target.
var deployActions = map[string]string{
	pkgcmd.DeployLambda:    "lambda:UpdateFunctionCode",
	pkgcmd.DeployFunctions: "cloudfunctions.functions.update",
	pkgcmd.DeployRun:       "run.services.update",
	pkgcmd.DeployRunJob:    "run.jobs.update",
	pkgcmd.DeployStack:     "cloudformation:ExecuteChangeSet",
}

// deployExecutes makes fn execute the packages that the lockfiles of the
// deployed folder lock, for the deploy d of job rt.
func (v *view) deployExecutes(rt graph.Node, d pkgcmd.Deploy, fn graph.Node, conf graph.Confidence, matched string) {
	repo := graph.CheckoutRepoIDOf(rt)
	locks := v.edgesFrom(graph.EdgeLocks, repo)
	dir, folderDoubt := deployedLockDir(d.Dir, locks)
	folder := "folder " + d.Dir
	if d.Dir == "." {
		folder = "the root folder"
	}
	if name := rt.Attr(graph.AttrRepository); name != "" {
		folder += " of " + name
	}
	deploy := rt.Label + " " + strings.Replace(deployVerb[d.Service], "%s", folder, 1) + " " + fn.Label +
		" (matched " + matched + ")"
	for _, lock := range locks {
		lockfile := lock.Attr(graph.AttrLockfile)
		if lockfile == "" || lock.Attr("replaced_by") != "" || lock.Attr("dev") == "true" {
			continue
		}
		if dir != "*" && path.Dir(path.Clean(lockfile)) != dir {
			continue
		}
		pkg, ok := v.node(lock.To)
		if !ok || ecosystemOf[pkg.Attr("ecosystem")] == "" {
			continue
		}
		c := conf.Weaker(lock.Confidence)
		reason := deploy + ", and " + lockfile + " locks " + graph.ReadableID(lock.To) + ": the function loads it when it runs"
		if folderDoubt != "" {
			c = c.Weaker(graph.Possible)
			reason += "; possible: " + folderDoubt
		}
		if d.Guessed {
			c = c.Weaker(graph.Possible)
			reason += "; possible: no zip command of the job shows which folder the uploaded zip holds, so it is taken to be the folder the command runs in"
		}
		e := graph.Edge{From: fn.ID, To: lock.To, Kind: graph.EdgeExecutes, Confidence: c, Pos: lock.Pos}
		e.SetAttr(graph.AttrVia, "deploy")
		e.SetAttr(attrPhase, phaseRun)
		e.SetAttr(graph.AttrLockfile, lockfile)
		e.SetAttr("deployed_by", rt.ID)
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
	v.deploySourceBuild(rt, d, fn, conf, deploy)
}

// deploySourceBuild makes a Cloud Run service that d deploys from source
// execute the Dockerfile of the deployed folder, when the repository has
// one there. Cloud Run builds the folder with it, so the service runs
// what it builds on and installs. A folder without one is built with
// Google's buildpacks, which no input shows.
func (v *view) deploySourceBuild(rt graph.Node, d pkgcmd.Deploy, fn graph.Node, conf graph.Confidence, deploy string) {
	if d.Service != pkgcmd.DeployRun && d.Service != pkgcmd.DeployRunJob || d.Dir == "" || strings.ContainsAny(d.Dir, "$~") || path.IsAbs(d.Dir) {
		return
	}
	file := path.Join(path.Clean(d.Dir), "Dockerfile")
	df, ok := v.node(graph.DockerfileID(graph.CheckoutRepoIDOf(rt), file))
	if !ok || df.Kind != graph.NodePackage {
		return
	}
	e := graph.Edge{From: fn.ID, To: df.ID, Kind: graph.EdgeExecutes, Confidence: conf, Pos: df.Pos}
	e.SetAttr(graph.AttrVia, "deploy")
	e.SetAttr(attrPhase, phaseRun)
	e.SetAttr("deployed_by", rt.ID)
	e.SetAttr(graph.AttrReason, deploy+", and Cloud Run builds the folder with "+file+", so the service runs the image it describes")
	v.addEdge(e)
}

// deployedLockDir returns the folder whose lockfiles the deployed folder
// dir runs, and why that is only possible, or "" when it is certain. It
// returns "*" for every folder when dir is not known.
func deployedLockDir(dir string, locks []graph.Edge) (lockDir, doubt string) {
	if dir == "" || strings.ContainsAny(dir, "$~") || path.IsAbs(dir) {
		return "*", "the deployed folder is computed at run time, so any lockfile of the repository may be the one it holds"
	}
	dir = path.Clean(dir)
	dirs := map[string]bool{}
	for _, l := range locks {
		if f := l.Attr(graph.AttrLockfile); f != "" {
			dirs[path.Dir(path.Clean(f))] = true
		}
	}
	if dirs[dir] {
		return dir, ""
	}
	for d := dir; d != "." && d != "/"; {
		d = path.Dir(d)
		if dirs[d] {
			return d, "the folder has no lockfile of its own, and " + d + " above it holds one, as the root of a workspace does"
		}
	}
	return dir, ""
}

// deployModifies gives each identity that job rt deploys d as CAN_MODIFY
// to fn, unless the identity has one already.
func (v *view) deployModifies(rt graph.Node, d pkgcmd.Deploy, fn graph.Node, conf graph.Confidence, matched string) {
	add := func(id string, c graph.Confidence, note string) {
		ident, ok := v.node(id)
		if !ok || ident.Kind != graph.NodeIdentity || v.modifies(id, fn.ID) {
			return
		}
		reason := rt.Label + " deploys code to " + fn.Label + " (matched " + matched + ") as " + ident.Label +
			", which can therefore replace the code the function runs"
		if note != "" {
			reason += "; possible: " + note
		}
		e := graph.Edge{From: id, To: fn.ID, Kind: graph.EdgeCanModify, Confidence: c, Pos: deployPos(rt, d)}
		e.SetAttr(graph.AttrActions, deployActions[d.Service])
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
	for _, id := range d.As {
		add(id, conf, "")
	}
	for i, id := range d.MayAs {
		note := "a condition decides whether the job acts as this identity when it deploys"
		if reason := d.MayAsReason(i); reason != "" {
			add(id, graph.Possible, reason)
			continue
		}
		if strings.HasPrefix(id, "aws:identity-of:") || strings.HasPrefix(id, "gcp:identity-of:") {
			note = "the CI variables hold the credentials the job deploys with, and whose they are is not in the input"
			switch {
			case strings.Contains(id, ":inline:"):
				note = "the job deploys with a key written into its file, and whose it is is not in the input"
			case strings.Contains(id, ":oidc:"):
				note = "the job exchanges its OIDC token for the credentials of an identity that a variable or an expression names, which the input does not show"
			}
		}
		add(id, graph.Possible, note)
	}
}

// modifies reports whether an input or an earlier rule gives from
// CAN_MODIFY to to.
func (v *view) modifies(from, to string) bool {
	if _, ok := v.seenEdges[graph.EdgeKey{From: from, Kind: graph.EdgeCanModify, To: to}]; ok {
		return true
	}
	for _, e := range v.edgesFrom(graph.EdgeCanModify, from) {
		if e.To == to {
			return true
		}
	}
	return false
}
