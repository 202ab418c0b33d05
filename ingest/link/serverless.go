package link

import (
	"path"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/serverless"
)

// frameworkPackage is the npm package of the Serverless Framework, which
// a command run in a service's folder loads from there when the folder
// installs it.
const frameworkPackage = "serverless"

// serverlessDeploy links a command of job rt that loads a Serverless
// Framework service (pkgcmd.DeployServerless or pkgcmd.ServerlessPlugins)
// to the service's functions, which the serverless reader declares with
// the service file and its plugins. The job executes each plugin and the
// framework that the lockfile of the service's folder locks: the
// framework loads them in the job, with the job's credentials, whether
// or not only development needs them. Without a lockfile in the folder,
// the lockfile of the nearest folder above counts as a possible one, as
// a workspace's root holds it. A folder that the job computes at run time
// may be any service of the repository's, so each is possible.
//
// A deploy also gives each identity the job deploys as CAN_MODIFY to the
// service's functions, as linkDeploys does for a Lambda upload.
//
// NOTE: the plugins are read from the service's function nodes, so a
// service without functions links no plugin.
func (v *view) serverlessDeploy(rt graph.Node, d pkgcmd.Deploy) {
	repo := graph.CheckoutRepoIDOf(rt)
	dir := d.Dir
	unknown := dir == "" || strings.ContainsAny(dir, "$~") || path.IsAbs(dir)
	if !unknown {
		dir = path.Clean(dir)
	}
	// The services the command may load, by service file.
	services := map[string][]graph.Node{}
	var files []string
	for _, fn := range v.byKind[graph.NodeRuntime] {
		config := fn.Attr(serverless.AttrConfig)
		if config == "" || graph.RepoIDOf(fn) != repo {
			continue
		}
		if !unknown && (path.Dir(config) != dir || d.Name != pkgcmd.AnyServiceFile && path.Base(config) != d.Name) {
			continue
		}
		if _, ok := services[config]; !ok {
			files = append(files, config)
		}
		services[config] = append(services[config], fn)
	}
	slices.Sort(files)
	locks := v.edgesFrom(graph.EdgeLocks, repo)
	for _, config := range files {
		fns := services[config]
		conf := graph.Certain
		doubt := ""
		if unknown || len(files) > 1 {
			conf = graph.Possible
			doubt = "the job computes the folder it runs the framework in, so it may load any service of the repository"
		}
		v.servicePlugins(rt, d, config, fns[0], locks, conf, doubt)
		if d.Service != pkgcmd.DeployServerless {
			continue
		}
		ld := d
		ld.Service = pkgcmd.DeployLambda
		matched := "by its service file " + config
		if doubt != "" {
			matched += ", which the job may deploy"
		}
		for _, fn := range fns {
			target, c, m := v.stageFunction(d, fn, conf, matched)
			v.deployModifies(rt, ld, target, c, m)
		}
	}
}

// stageFunction returns the function that a deploy of stage d.Stage
// changes where the service file named fn for another stage. The
// function's name template gives the name the stage deploys: a name that
// does not read the stage is fn's own in every stage. A function node of
// that name in fn's account and region (or the deploy's region), which
// another input declares (an export of the account, Terraform), is that
// function. Else fn stands for it, possible: the deployed function runs
// the same code with the same role statements and environment, under a
// name the input does not show.
func (v *view) stageFunction(d pkgcmd.Deploy, fn graph.Node, conf graph.Confidence, matched string) (graph.Node, graph.Confidence, string) {
	stage := fn.Attr(serverless.AttrStage)
	if d.Stage == "" || stage == "" || d.Stage == stage {
		return fn, conf, matched
	}
	template := fn.Attr(serverless.AttrNameTemplate)
	if template == "" {
		// The name reads the stage through another variable, or the graph
		// is from before the template was recorded: a function named as
		// the framework names one that sets no name takes the stage there.
		byDefault := fn.Attr("serverless_service") + "-" + serverless.StagePlaceholder + "-" + fn.Attr("serverless_function")
		if fn.Attr(graph.AttrName) == strings.ReplaceAll(byDefault, serverless.StagePlaceholder, stage) {
			template = byDefault
		}
	}
	if template != "" && !strings.Contains(template, serverless.StagePlaceholder) {
		return fn, conf, matched + ", whose function " + fn.Attr("serverless_function") + " has the name " + template + " in every stage"
	}
	if name := strings.ReplaceAll(template, serverless.StagePlaceholder, d.Stage); template != "" {
		account, region := arnAccountRegion(fn.Attr("arn"))
		if d.Region != "" {
			region = d.Region
		}
		for _, other := range v.byKind[graph.NodeRuntime] {
			if other.Attr(graph.AttrName) != name || other.Attr("type") != "lambda" || other.ID == fn.ID {
				continue
			}
			oAccount, oRegion := arnAccountRegion(other.Attr("arn"))
			if oAccount == "" {
				oAccount = other.Attr(graph.AttrAccount)
			}
			if account != "" && oAccount != "" && account != oAccount || region != "" && oRegion != "" && region != oRegion {
				continue
			}
			return other, conf, matched + ", whose function " + fn.Attr("serverless_function") + " stage " + d.Stage + " names " + name
		}
	}
	return fn, graph.Possible, matched + " (possible: the job deploys stage " + d.Stage + ", and the input shows the service's functions only as stage " +
		stage + " names them, with the same code, role statements and environment)"
}

// arnAccountRegion returns the account and region of an ARN, each empty
// where the ARN does not give it or gives a variable.
func arnAccountRegion(arn string) (account, region string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", ""
	}
	region, account = parts[3], parts[4]
	if strings.Contains(region, "$") {
		region = ""
	}
	if strings.Contains(account, "$") {
		account = ""
	}
	return account, region
}

// servicePlugins makes job rt execute the plugins of the service file
// config, whose functions include fn, and the framework, as the lockfiles
// of the service's folder lock them.
func (v *view) servicePlugins(rt graph.Node, d pkgcmd.Deploy, config string, fn graph.Node, locks []graph.Edge, conf graph.Confidence, doubt string) {
	plugins := graph.SplitList(fn.Attr(serverless.AttrPlugins))
	loaded := map[string]string{frameworkPackage: "runs the framework"}
	for _, p := range plugins {
		loaded[p] = "loads plugin " + p + ", which " + config + " names"
	}
	lockDir, folderDoubt := deployedLockDir(path.Dir(config), locks)
	verb := "loads the service"
	if d.Service == pkgcmd.DeployServerless {
		verb = "deploys the service"
	}
	for _, lock := range locks {
		lockfile := lock.Attr(graph.AttrLockfile)
		if lockfile == "" || path.Dir(path.Clean(lockfile)) != lockDir {
			continue
		}
		pkg, ok := v.node(lock.To)
		if !ok || pkg.Attr("ecosystem") != "npm" || pkg.Attr("version") == "" {
			continue
		}
		how, ok := loaded[pkg.Attr(graph.AttrName)]
		if !ok {
			continue
		}
		c := conf.Weaker(lock.Confidence)
		reason := rt.Label + " " + verb + " of " + config + " with the Serverless Framework, which " + how +
			", and " + lockfile + " locks " + graph.ReadableID(lock.To) + ": the package runs in the job, with its credentials"
		for _, dbt := range []string{doubt, folderDoubt} {
			if dbt != "" {
				c = c.Weaker(graph.Possible)
				reason += "; possible: " + dbt
			}
		}
		e := graph.Edge{From: rt.ID, To: lock.To, Kind: graph.EdgeExecutes, Confidence: c, Pos: deployPos(rt, d)}
		e.SetAttr(graph.AttrVia, "serverless")
		e.SetAttr(attrPhase, phaseRun)
		e.SetAttr(graph.AttrLockfile, lockfile)
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
}
