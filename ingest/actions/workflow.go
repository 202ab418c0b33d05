package actions

import (
	"context"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// Limits on how much of a file is walked, because anchors and aliases can
// make a small file expand to a huge tree. maxWork counts the bytes of
// strings and the entries of mappings and lists read in the whole file.
const (
	maxWork  = 64 << 20
	maxDepth = 64
)

// refAt is a secret reference and the line it was read on.
type refAt struct {
	secretRef
	Line int
}

// workflow holds what the jobs of one workflow file share.
type workflow struct {
	f    *ingest.File
	env  *ingest.Env
	rel  string
	repo string
	// host is the GitHub host of the repository, "" for github.com, and
	// idRepo the repository as the ids of its facts name it
	// (graph.GHARepo).
	host   string
	idRepo string
	root   *yaml.Node
	res    *ingest.Result
	b      *builder
	name   string
	repID  string

	triggers []trigger
	perms    *permissions // nil when the workflow sets none
	envRefs  []refAt      // secret references in the workflow-level env
	defWD    string       // defaults.run.working-directory
	defShell string       // defaults.run.shell
	// callSecrets are the secret names a workflow_call trigger declares.
	// In a called run, secrets.NAME reads the value the caller passed.
	callSecrets map[string]bool

	// triggerText and branchText are triggerList and pushBranches, which
	// every job's attributes repeat.
	triggerText, branchText string
	// manifest is the repository's top package.json, once topManifest
	// has read it.
	manifest *topManifest

	work      int
	truncated bool
}

// spend counts work against maxWork and reports whether any is left.
func (w *workflow) spend(n int) bool {
	w.work += n + 1
	if w.work > maxWork {
		w.truncated = true
		return false
	}
	return true
}

func newWorkflow(f *ingest.File, env *ingest.Env, rel string, root *yaml.Node, res *ingest.Result) *workflow {
	host := graph.RepoHostAttr(f.GitHubForge())
	b := newBuilder(f.Path, res)
	b.host = host
	return &workflow{
		f:      f,
		env:    env,
		rel:    rel,
		repo:   f.Repo,
		host:   host,
		idRepo: graph.GHARepo(host, f.Repo),
		root:   root,
		res:    res,
		b:      b,
		repID:  graph.RepoID(host, f.Repo),
	}
}

func (w *workflow) warnf(n *yaml.Node, format string, args ...any) {
	w.res.Warnf(position(w.f.Path, n), format, args...)
}

// warnScriptCut warns that a bound of the scan left commands of a step's
// script unread from line cut of the script on. The warning sits on that
// line of the file for a literal block scalar (run: |), else on the run
// key's.
func (w *workflow) warnScriptCut(j *job, step string, run *yaml.Node, cut int) {
	pos := position(w.f.Path, run)
	if n := deref(run); n != nil && n.Style&yaml.LiteralStyle != 0 {
		pos.Line, pos.Col = n.Line+cut, 0
	}
	w.res.Warnf(pos, "job %s: step %s: the script passes a bound on commands, nesting, function calls or eval text at its line %d, so some of its installs and code runs may be missing; split the script into smaller steps", j.id, stepNumber(step), cut)
}

// convert reads the workflow-level keys, then each job.
func (w *workflow) convert(ctx context.Context) error {
	defer w.b.flush()
	jobsNode := lookup(w.root, "jobs")
	if !isMap(jobsNode) {
		return ingest.Errorf(position(w.f.Path, jobsNode), "invalid jobs: expected a mapping of job ids")
	}
	w.name = w.rel
	if s, ok := scalar(lookup(w.root, "name")); ok && s != "" {
		w.name = s
	}

	on := lookup(w.root, "on")
	if on == nil {
		w.warnf(w.root, "workflow is missing its on key, so it never runs")
	}
	w.triggers = readTriggers(on)
	w.triggerText, w.branchText = w.triggerList(), w.pushBranches()
	w.callSecrets = map[string]bool{}
	for _, p := range pairs(lookup(lookup(on, "workflow_call"), "secrets")) {
		w.callSecrets[strings.ToUpper(p.key.Value)] = true
	}

	if pn := lookup(w.root, "permissions"); !isNull(pn) {
		perm, ok := readPermissions(pn)
		if !ok {
			w.warnf(pn, "invalid workflow permissions: expected read-all, write-all or a mapping of scopes to read, write or none")
		}
		w.perms = &perm
	}
	w.defWD, _ = scalar(lookup(lookup(lookup(w.root, "defaults"), "run"), "working-directory"))
	w.defShell, _ = scalar(lookup(lookup(lookup(w.root, "defaults"), "run"), "shell"))
	w.collectRefs(lookup(w.root, "env"), "", 0, &w.envRefs)

	w.b.node(w.repID, graph.NodeRepository, w.repo, 0, attrs{
		graph.AttrProvider:   "github",
		graph.AttrRepository: w.repo,
	})

	for _, p := range pairs(jobsNode) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !isMap(p.val) {
			w.warnf(p.key, "job %s skipped: expected a mapping", p.key.Value)
			continue
		}
		if !w.spend(len(deref(p.val).Content)) {
			break
		}
		w.convertJob(p.key, deref(p.val))
		w.res.Records++
	}
	if w.truncated {
		w.warnf(w.root, "file too large or too nested to read in full: facts past the limit are missing")
	}
	return nil
}

// collectRefs appends the secret references in every string under n. key
// is the mapping key n sits under: an if: value is an expression even
// without ${{ }}.
func (w *workflow) collectRefs(n *yaml.Node, key string, depth int, out *[]refAt) {
	n = deref(n)
	if n == nil {
		return
	}
	if depth > maxDepth || !w.spend(len(n.Value)+len(n.Content)) {
		w.truncated = true
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		for _, r := range secretRefs(n.Value, key == "if") {
			*out = append(*out, refAt{secretRef: r, Line: n.Line})
		}
	case yaml.MappingNode:
		for _, p := range pairs(n) {
			w.collectRefs(p.val, p.key.Value, depth+1, out)
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			w.collectRefs(it, "", depth+1, out)
		}
	}
}

// job is the state of one job that convertJob gathers before writing facts.
type job struct {
	id      string
	rid     string
	line    int
	env     string
	envDyn  bool
	perms   permissions
	attrs   attrs
	execs   map[string]*execution
	order   []string
	effects []pkgcmd.Effect // effects of the steps on packages, in step order
	locals  []string
	caches  []cacheUse
	logins  map[string]bool // registries the job logged in to with its GITHUB_TOKEN
	// secretLogins lists, per registry host, the secrets the job logged
	// in with.
	secretLogins map[string][]string
	// literalLogins lists, per registry host, the inline secrets of the
	// passwords written into the workflow that the job logged in with.
	literalLogins map[string][]string
	pushes        []imagePush
	// buildSteps are the image builds and push commands of the steps, in
	// order (readScriptBuilds, readActionBuild).
	buildSteps []registry.BuildStep
	// buildRuns are the image builds of the steps, pushed or not, with
	// what each receives of the job's secrets (readScriptBuildRuns,
	// readActionBuildRun).
	buildRuns []buildRun
	// composeCmds are the Compose commands of the job's run steps that
	// build or push images (readComposeCommands).
	composeCmds []registry.ComposeCommand
	// awsIdents and gcpIdents are the cloud identities the job acts as
	// after the steps read so far, awsRegion the region that
	// configure-aws-credentials set, and cloudLogins the registry logins
	// made with those identities.
	awsIdents, gcpIdents []cloudIdentity
	// oidcRoles are the roles and service accounts that the job assumes
	// with its OIDC token, whether or not it pushes images as them.
	oidcRoles   []string
	awsRegion   string
	cloudLogins []cloudLogin
	// gcpAuthSteps maps the id of each google-github-actions/auth step
	// to whether it returns an access token (token_format: access_token).
	gcpAuthSteps map[string]bool
	// metaImages maps the id of each docker/metadata-action step to the
	// images of its images input, whose names its tags output gives.
	metaImages map[string][]string
	// ecsRenders maps the id of each amazon-ecs-render-task-definition
	// step to the containers whose images the file it writes sets.
	ecsRenders map[string][]ecsRender
	// stepOutputs maps the id of each step to the outputs it sets whose
	// values the input shows, by name (setStepOutput).
	stepOutputs map[string]map[string]string
	releases    []release
	// npmHost is the npm registry actions/setup-node set up, and
	// npmrcCreds the secrets that steps wrote to .npmrc.
	npmHost    string
	npmrcCreds []npmrcSecret
	// nodeAuthKeys are the registries that the .npmrc of
	// actions/setup-node's registry-url scopes NODE_AUTH_TOKEN to, the
	// latest last.
	nodeAuthKeys []registry.TokenScope
	// npmScopes are the @scope:registry lines of that .npmrc, the latest
	// last.
	npmScopes []npmScope
	// envLiterals maps the name and value of each literal credential of
	// the env blocks the steps see (readEnvLiterals), and of those that
	// steps exported (exportLiteral), to its inline secret.
	envLiterals map[[2]string]string
	// exported holds the variables that steps exported to the later
	// steps of the job, as a write to $GITHUB_ENV does.
	exported map[string]string
	// npmrcLiterals are the inline secrets of literal tokens that steps
	// wrote to .npmrc or .yarnrc.yml, and npmrcToken is set when a step
	// wrote the job's GITHUB_TOKEN there.
	npmrcLiterals []npmrcLiteral
	npmrcToken    bool
	// poetryLiterals are the inline secrets of literal tokens that steps
	// set with poetry config, by Poetry repository.
	poetryLiterals map[string][]string
	// toolLogins are the secrets that steps stored where cargo, gem,
	// Maven, Gradle and NuGet read their tokens.
	toolLogins registry.ToolLogins
	// cratesAuthSteps maps the id of each rust-lang/crates-io-auth-action
	// step to the registry whose token it returns, and gemOIDCHost is the
	// registry that rubygems/configure-rubygems-credentials logged in to
	// with the job's OIDC token, "" before it.
	cratesAuthSteps map[string]string
	gemOIDCHost     string
	// nugetAuthSteps maps the id of each NuGet/login step to the
	// registry whose API key it returns.
	nugetAuthSteps map[string]string
	// nugetAuthTokenHost is the registry that actions/setup-dotnet's
	// source-url set up to log in with NUGET_AUTH_TOKEN, "" without one.
	nugetAuthTokenHost string
	// mavenPasswordEnv are the variables that actions/setup-java's
	// server-password named, from which Maven reads a server's password.
	mavenPasswordEnv []string
	// npmHostComputed is set when actions/setup-node's registry-url is
	// set at run time.
	npmHostComputed bool
	// workspace lists every checkout of a step, in step order.
	workspace []checkout
	// checkouts lists the folders, relative to the workspace, that
	// actions/checkout puts the workflow's own repository in.
	checkouts []string

	// windows is set when the job runs on a Windows runner, and
	// runnerComputed when an expression names its runner.
	windows, runnerComputed bool

	// cond is set while a step with an if: condition is read.
	cond bool
	// mayFail is set while a step is read whose continue-on-error lets
	// the job go on when it fails.
	mayFail bool

	// permText is perms as the permissions attribute writes it.
	permText string
}

// execution is one package a job runs, with the steps that run it.
type execution struct {
	pkg   string
	line  int
	steps []string
	attrs attrs
	// possible is set when the input does not show for certain that
	// the job runs this package (executeNamed).
	possible bool
	// toolRun is set when a tool command runs the package, and
	// certainRun when one of those commands runs it for certain: a tool
	// run after an install may run an installed command instead.
	toolRun, certainRun bool
}

func (j *job) execute(pkg string, step string, line int, a attrs) {
	ex, ok := j.execs[pkg]
	if !ok {
		ex = &execution{pkg: pkg, line: line, attrs: a}
		j.execs[pkg] = ex
		j.order = append(j.order, pkg)
	} else {
		ex.attrs = pkgcmd.MergeRequests(pkg, ex.attrs, a)
	}
	if step != "" {
		ex.steps = append(ex.steps, step)
	}
}

// afterInstall records the effect of a step whose code the input does not
// show, once the job has installed packages: before that, the step has
// nothing of them to run.
func (j *job) afterInstall(e pkgcmd.Effect) {
	for _, prev := range j.effects {
		if prev.Install {
			j.effects = append(j.effects, e)
			return
		}
	}
}

// envOf merges env: mappings into the variables a step's commands see. A
// variable of inner replaces one of outer. Expressions are kept as written.
func (w *workflow) envOf(outer, inner *yaml.Node) pkgcmd.Env {
	env := pkgcmd.Env{}
	for _, m := range []*yaml.Node{outer, inner} {
		for _, p := range pairs(m) {
			if v, ok := scalar(p.val); ok {
				env[p.key.Value] = v
			}
		}
	}
	return env
}

func (w *workflow) convertJob(key, n *yaml.Node) {
	j := &job{
		id:            key.Value,
		rid:           graph.GHAJobID(w.idRepo, w.rel, key.Value),
		line:          key.Line,
		execs:         map[string]*execution{},
		logins:        map[string]bool{},
		secretLogins:  map[string][]string{},
		literalLogins: map[string][]string{},
	}
	j.attrs = attrs{
		graph.AttrProvider:   "github",
		"type":               "gha-job",
		graph.AttrRepository: w.repo,
		"workflow":           w.rel,
		"workflow_name":      w.name,
		"job":                j.id,
		"triggers":           w.triggerText,
		"branches":           w.branchText,
	}
	if s, ok := scalar(lookup(n, "name")); ok {
		j.attrs["job_name"] = s
	}
	w.readEnvironment(j, n)
	w.readPermissions(j, n)
	w.readRunner(j, n)
	w.readContainers(j, n)

	if un := lookup(n, "uses"); un != nil {
		w.readReusableCall(j, n, un)
	} else {
		w.readEnvLiterals(j, n)
		w.readSteps(j, n)
	}
	for k, v := range pkgcmd.Attrs(repoRelative(j.effects, j.checkouts)) {
		j.attrs[k] = v
	}
	j.attrs["local_actions"] = graph.JoinList(j.locals)
	j.attrs["cache_saves"], j.attrs["cache_restores"] = cacheAttrs(j.caches)
	if len(w.callSecrets) > 0 {
		var names []string
		for k := range w.callSecrets {
			names = append(names, k)
		}
		j.attrs["workflow_call_secrets"] = graph.JoinList(names)
	}

	w.writeComposeCommands(j)
	if ids := j.oidcIdentities(); len(ids) > 0 {
		j.attrs["oidc_identities"] = graph.JoinList(ids)
	}
	w.b.node(j.rid, graph.NodeRuntime, w.name+" / "+j.id, j.line, j.attrs)
	w.b.edge(w.repID, graph.EdgeDefines, j.rid, graph.Certain, j.line, nil)
	w.writeExecutions(j)

	var refs []refAt
	refs = append(refs, w.envRefs...)
	w.collectRefs(n, "", 0, &refs)
	w.writeSecrets(j, refs)
	w.writeInlineSecrets(j, n)
	w.writeToken(j)
	w.writePublish(j)
	w.writeImageBuilds(j)
	w.writeBuildRuns(j)
	w.writeOIDC(j)
	w.writeReleases(j)
}

func (w *workflow) triggerList() string {
	var names []string
	for _, t := range w.triggers {
		names = append(names, t.Event)
	}
	return graph.JoinList(names)
}

func (w *workflow) pushBranches() string {
	for _, t := range w.triggers {
		if t.Event == "push" {
			return graph.JoinList(t.Branches)
		}
	}
	return ""
}

// readEnvironment reads environment: as a name or as {name: ...}.
func (w *workflow) readEnvironment(j *job, n *yaml.Node) {
	en := lookup(n, "environment")
	if en == nil || isNull(en) {
		return
	}
	name, ok := scalar(en)
	if !ok {
		name, ok = scalar(lookup(en, "name"))
	}
	if !ok || name == "" {
		w.warnf(en, "job %s: environment name missing", j.id)
		return
	}
	j.env = name
	j.attrs["environment"] = name
	if strings.Contains(name, "${{") {
		j.envDyn = true
		j.attrs["environment_dynamic"] = "true"
	}
}

// readPermissions works out the job's effective token permissions: the
// job's own permissions replace the workflow's.
func (w *workflow) readPermissions(j *job, n *yaml.Node) {
	switch pn := lookup(n, "permissions"); {
	case !isNull(pn):
		perm, ok := readPermissions(pn)
		if !ok {
			w.warnf(pn, "job %s: invalid permissions: expected read-all, write-all or a mapping of scopes to read, write or none", j.id)
		}
		j.perms = perm
	case w.perms != nil:
		j.perms = *w.perms
	default:
		j.perms = permissions{Default: true}
	}
	j.permText = j.perms.String()
	j.attrs["permissions"] = j.permText
	if j.perms.Default {
		j.attrs["permissions_default"] = "true"
	}
}

// readRunner reads runs-on as a label, a list of labels, or a group with
// labels.
func (w *workflow) readRunner(j *job, n *yaml.Node) {
	rn := lookup(n, "runs-on")
	if rn == nil {
		return
	}
	labels := stringList(rn)
	if isMap(rn) {
		labels = stringList(lookup(rn, "labels"))
		if g, ok := scalar(lookup(rn, "group")); ok {
			labels = append(labels, "group:"+g)
		}
	}
	j.attrs["runs_on"] = graph.JoinList(labels)
	for _, l := range labels {
		l = strings.ToLower(l)
		if strings.Contains(l, "self-hosted") {
			j.attrs["self_hosted"] = "true"
		}
		// GitHub's Windows runners are windows-latest, windows-2025 and
		// the like, and self-hosted ones carry the label windows.
		j.windows = j.windows || l == "windows" || strings.HasPrefix(l, "windows-")
		j.runnerComputed = j.runnerComputed || strings.Contains(l, "${{")
	}
}

// readContainers reads the job container and service container images.
func (w *workflow) readContainers(j *job, n *yaml.Node) {
	j.attrs["container"] = imageOf(lookup(n, "container"))
	var images []string
	for _, p := range pairs(lookup(n, "services")) {
		if img := imageOf(p.val); img != "" {
			images = append(images, img)
		}
	}
	j.attrs["services"] = graph.JoinList(images)
}

// imageOf reads a container given as an image or as {image: ...}.
func imageOf(n *yaml.Node) string {
	if s, ok := scalar(n); ok {
		return s
	}
	s, _ := scalar(lookup(n, "image"))
	return s
}

// readSteps reads the actions each step uses and the packages its run:
// script installs.
func (w *workflow) readSteps(j *job, n *yaml.Node) {
	jobWD, _ := scalar(lookup(lookup(lookup(n, "defaults"), "run"), "working-directory"))
	if jobWD == "" {
		jobWD = w.defWD
	}
	jobShell, _ := scalar(lookup(lookup(lookup(n, "defaults"), "run"), "shell"))
	if jobShell == "" {
		jobShell = w.defShell
	}
	jobEnv := w.envOf(lookup(w.root, "env"), lookup(n, "env"))
	sn := lookup(n, "steps")
	if sn != nil && !isSeq(sn) && !isNull(sn) {
		w.warnf(sn, "job %s: invalid steps: expected a list", j.id)
		return
	}
	if len(items(sn)) == 0 {
		// GitHub refuses a workflow with such a job. The job is kept,
		// since the file in the repository may be whole where this copy
		// is cut off.
		at := sn
		if at == nil {
			at = n
		}
		w.warnf(at, "job %s has no steps and calls no workflow, so GitHub reports the workflow as invalid and runs none of its jobs; check that the file is complete", j.id)
	}
	for i, st := range items(sn) {
		if !isMap(st) {
			if !w.spend(0) {
				return
			}
			w.warnf(st, "job %s: step %d skipped: expected a mapping", j.id, i+1)
			continue
		}
		run, hasRun := scalar(lookup(st, "run"))
		if !w.spend(len(deref(st).Content) + len(run)) {
			return
		}
		step := strconv.Itoa(i)
		// A step's env comes before what earlier steps exported, which
		// comes before the job's and the workflow's env.
		env := w.envOf(nil, lookup(st, "env"))
		j.resolveEnvOutputs(env)
		for k, v := range j.exported {
			if _, ok := env[k]; !ok {
				env[k] = v
			}
		}
		for k, v := range jobEnv {
			if _, ok := env[k]; !ok {
				env[k] = v
			}
		}
		// The step's readers copy and search env, so its size counts
		// for each step: thousands of exported variables read by
		// thousands of steps would otherwise take minutes.
		size := 0
		for k, v := range env {
			size += len(k) + len(v)
		}
		if !w.spend(size) {
			return
		}
		j.cond = conditional(st)
		j.mayFail = continuesOnError(st)
		if un := lookup(st, "uses"); un != nil {
			w.readStepUses(j, step, un, st, env)
		}
		if hasRun {
			wd, _ := scalar(lookup(st, "working-directory"))
			if wd == "" {
				wd = jobWD
			}
			named := len(j.effects)
			effects, cut := scriptEffectsCut(run, wd, env)
			w.expandImageDeploys(effects)
			w.deployIdentities(j, effects, env, lookup(st, "run").Line)
			applyLines(effects, lookup(st, "run").Line)
			j.effects = append(j.effects, effects...)
			if cut > 0 {
				w.warnScriptCut(j, step, lookup(st, "run"), cut)
			}
			w.readContainerRuns(j, run, step, lookup(st, "run").Line)
			w.readToolRuns(j, run, step, lookup(st, "run").Line, env)
			literals := w.writeScriptLiterals(j, step, lookup(st, "run"), run)
			w.readScriptRelease(j, run, step, lookup(st, "run").Line, env, wd, literals)
			w.readScriptPublish(j, run, step, lookup(st, "run").Line, env, literals)
			w.readScriptBuilds(j, run, wd, lookup(st, "run").Line, env)
			w.readScriptBuildRuns(j, run, wd, lookup(st, "run"), env)
			w.readComposeCommands(j, run, wd, lookup(st, "run"), env)
			w.executeNamed(j, j.effects[named:], step, lookup(st, "run").Line)
			shell, _ := scalar(lookup(st, "shell"))
			if shell == "" {
				shell = jobShell
			}
			id, _ := scalar(lookup(st, "id"))
			j.readRunOutputs(id, shell, run, env)
			written := j.envWrites(shell, run, env)
			var envIDs map[string]string
			if len(written) > 0 {
				envIDs = j.envLiteralIDs(env)
			}
			for _, k := range slices.Sorted(maps.Keys(written)) {
				if j.exported == nil {
					j.exported = map[string]string{}
				}
				j.exported[k] = written[k]
				w.exportLiteral(j, step, k, written[k], envIDs, literals, lookup(st, "run"))
			}
		}
	}
}

// stepNumber returns the number of a step for messages, counted from 1 as
// a person counts the steps of a job. Step attributes count from 0.
func stepNumber(step string) string {
	i, err := strconv.Atoi(step)
	if err != nil {
		return step
	}
	return strconv.Itoa(i + 1)
}

// readStepUses reads a step's uses: an action in another repository, a
// docker image, or a local action.
func (w *workflow) readStepUses(j *job, step string, un, st *yaml.Node, env pkgcmd.Env) {
	s, ok := scalar(un)
	if !ok {
		w.warnf(un, "job %s: step %s: invalid uses: expected a string", j.id, stepNumber(step))
		return
	}
	u, err := parseUses(s)
	if err != nil {
		w.warnf(un, "job %s: step %s: action not recorded: %v", j.id, stepNumber(step), err)
		return
	}
	switch u.Kind {
	case usesLocal:
		j.locals = append(j.locals, u.Local)
		j.afterInstall(opaqueStep("the local action " + u.Local))
		w.localAction(j, step, u.Local, un.Line)
	case usesDocker:
		w.dockerPackage(j, step, u, un.Line)
		j.afterInstall(opaqueStep("a container step"))
	case usesRemote:
		pkg := w.actionPackage(u, false, un.Line)
		j.execute(pkg, step, un.Line, attrs{graph.AttrVia: "uses", "pinned": u.Pinned()})
		with := lookup(st, "with")
		input := func(k string) string { v, _ := scalar(lookup(with, k)); return j.resolveInput(v, env) }
		if u.Name() == "actions/checkout" {
			j.readCheckout(input("repository"), input("path"))
		}
		if c := stepCache(u.Name(), u.Path, input); len(c.Saves)+len(c.Restores) > 0 {
			j.caches = append(j.caches, c)
		}
		if id, _ := scalar(lookup(st, "id")); id != "" && strings.EqualFold(u.Name(), "google-github-actions/auth") {
			if j.gcpAuthSteps == nil {
				j.gcpAuthSteps = map[string]bool{}
			}
			format := strings.TrimSpace(input("token_format"))
			j.gcpAuthSteps[id] = format == "access_token" || computed(format)
		}
		if id, _ := scalar(lookup(st, "id")); id != "" && strings.EqualFold(u.Name(), "docker/metadata-action") {
			if j.metaImages == nil {
				j.metaImages = map[string][]string{}
			}
			j.metaImages[id] = metadataImages(input("images"))
		}
		w.readActionPublish(j, u.Name(), step, un.Line, input, env)
		w.readActionBuild(j, u.Name(), un.Line, input)
		w.readActionBuildRun(j, un.Line, input, env)
		w.readActionRelease(j, u.Name(), u.Ref, step, un.Line, input, env)
		id, _ := scalar(lookup(st, "id"))
		j.readRegistryAuthAction(u.Name(), id, step, un.Line, input, env)
		if strings.EqualFold(u.Name(), "google-github-actions/auth") {
			j.readGCPProject(input)
		}
		if es := w.readImageDeployAction(j, u.Name(), id, input, env); len(es) > 0 {
			w.deployIdentities(j, es, env, un.Line)
			j.effects = append(j.effects, es...)
		}
		if e, ok := deployAction(u.Name(), input, env); ok {
			w.deployIdentities(j, []pkgcmd.Effect{e}, env, un.Line)
			j.effects = append(j.effects, e)
		} else if e, ok := stepActionEffect(u.Name(), input); ok {
			j.effects = append(j.effects, e)
		} else if !inertAction(u) {
			j.afterInstall(opaqueStep("the action " + u.Name()))
		}
		w.readActionOutputs(j, u.Name(), id, input, env, un.Line)
	}
}

// actionPackage writes the Package nodes of a remote action or reusable
// workflow and returns the version node's id. The unversioned name node
// has no subpath, because a compromise of the repository reaches every
// action in it.
func (w *workflow) actionPackage(u usesRef, reusable bool, line int) string {
	ver := actionPURL(u.Owner, u.Repo, u.Ref, u.Path)
	name := actionPURL(u.Owner, u.Repo, "", "")
	label := u.Name()
	if u.Path != "" {
		label += "/" + u.Path
	}
	a := attrs{
		"ecosystem": purlTypeActions,
		"name":      u.Name(),
		"version":   u.Ref,
		"subpath":   u.Path,
	}
	if reusable {
		a["reusable"] = "true"
	}
	w.b.node(ver, graph.NodePackage, label+"@"+u.Ref, line, a)
	w.b.node(name, graph.NodePackage, u.Name(), line, attrs{"ecosystem": purlTypeActions, "name": u.Name()})
	w.b.edge(ver, graph.EdgeVersionOf, name, graph.Certain, line, nil)
	if u.Path != "" {
		// A folder of the repository moves with the repository's ref, so a
		// start at owner/repo@ref reaches the jobs that use any part of it.
		root := actionPURL(u.Owner, u.Repo, u.Ref, "")
		w.b.node(root, graph.NodePackage, u.Name()+"@"+u.Ref, line, attrs{
			"ecosystem": purlTypeActions, "name": u.Name(), "version": u.Ref,
		})
		w.b.edge(root, graph.EdgeVersionOf, name, graph.Certain, line, nil)
		w.b.edge(ver, graph.EdgeDependsOn, root, graph.Certain, line, attrs{
			graph.AttrReason: label + " is a folder of " + u.Name() + " at " + u.Ref,
		})
	}
	return ver
}

func (w *workflow) dockerPackage(j *job, step string, u usesRef, line int) {
	ver := w.imagePackage(u.Image, line)
	j.execute(ver, step, line, attrs{graph.AttrVia: "uses", "pinned": u.Pinned()})
}

// imagePackage writes an image's version and name packages and returns
// the version's id.
func (w *workflow) imagePackage(img image.Ref, line int) string {
	ver := img.PURL(true)
	name := img.PURL(false)
	a := attrs{"ecosystem": "docker", "name": img.Name(), "version": img.Version()}
	w.b.node(ver, graph.NodePackage, img.Name()+"@"+img.Version(), line, a)
	w.b.node(name, graph.NodePackage, img.Name(), line, attrs{"ecosystem": "docker", "name": img.Name()})
	w.b.edge(ver, graph.EdgeVersionOf, name, graph.Certain, line, nil)
	return ver
}

// readContainerRuns records the images that a run: script starts with
// docker run, docker container run or podman run as packages the job
// executes (registry.Runs), with the rules of a docker:// step.
func (w *workflow) readContainerRuns(j *job, script, step string, line int) {
	for _, r := range registry.Runs(withoutExpressions(w.expandRepo(script)), nil) {
		ver := w.imagePackage(r.Image, line)
		j.execute(ver, step, line, attrs{graph.AttrVia: "container-run", "pinned": r.Image.Pinned()})
	}
}

// readToolRuns records the packages that a run: script fetches from a
// registry by name and runs (npx, pnpm dlx, yarn dlx, bunx, uvx, pipx
// run). The job executes the version that the command pins, or else the
// package's name. A run after an install of the project's packages of the
// ecosystem may run an installed command instead (pkgcmd.Package.Exec).
func (w *workflow) readToolRuns(j *job, script, step string, line int, env pkgcmd.Env) {
	for _, r := range registry.ToolRuns(withoutExpressions(script), env) {
		target := w.b.toolRunPackages(r, line)
		conf, a := r.Exec(pkgcmd.ProjectInstall(j.effects, r.Eco))
		j.execute(target, step, line, a)
		ex := j.execs[target]
		ex.toolRun = true
		ex.certainRun = ex.certainRun || conf == graph.Certain
	}
}

// attrCheckoutPath on a job's EXECUTES edge to a local action is the
// folder of the workspace that the job checks its repository out into,
// when that is one folder other than the workspace itself.
const attrCheckoutPath = "checkout_path"

// localAction makes the job execute the action that a step names by its
// folder (uses: ./.github/actions/setup): the Package node that the
// action's metadata file gives (see convertAction), so that what the
// action uses reaches the job. The folder is relative to the workspace.
// The action belongs to the repository that the last checkout into the
// deepest folder holding it put there, the job's own or another one. A
// folder outside every checkout, one that a variable sets, or one of a
// repository that an expression names is not recorded. Without any
// checkout the action is taken to be the job's own repository's, and the
// edge is possible.
func (w *workflow) localAction(j *job, step, local string, line int) {
	if strings.ContainsAny(local, "${}") {
		return
	}
	sub := path.Clean(strings.TrimPrefix(local, "./"))
	if sub == ".." || strings.HasPrefix(sub, "../") || path.IsAbs(sub) {
		return
	}
	if sub == "." {
		sub = ""
	}
	conf := graph.Certain
	co, rel, ok := j.checkoutOf(sub)
	reason := "a step runs the action in " + local + " from the job's checkout of "
	switch {
	case !ok && len(j.workspace) > 0:
		// The folder is outside every checkout of the job.
		return
	case !ok:
		// Without a checkout the folder is there only if a step the input
		// does not show put it there, such as a git clone.
		co, rel, conf = checkout{dir: ".", repo: ownRepository}, sub, graph.Possible
		reason = "a step runs the action in " + local + ", though no earlier step checks out a repository; it runs only if another step put the folder there, and then it is taken to be of "
	case co.repo == "":
		return
	}
	repoName := co.repo
	if repoName == ownRepository {
		repoName = w.f.Repo
	}
	owner, repo, found := strings.Cut(strings.ToLower(repoName), "/")
	if !found || owner == "" || repo == "" {
		return
	}
	label := owner + "/" + repo
	if rel != "" {
		label += "/" + rel
	}
	id := actionPURL(owner, repo, "", rel)
	w.b.node(id, graph.NodePackage, label, line, attrs{
		"ecosystem": purlTypeActions, "name": owner + "/" + repo, "subpath": rel, graph.AttrRepository: repoName,
	})

	a := attrs{graph.AttrVia: "uses", "pinned": "local", graph.AttrReason: reason + repoName}
	if co.repo == ownRepository {
		// The action's steps run in the workspace, so the linker makes the
		// folders of their installs relative to the checkout
		// (checkout_path), as repoRelative does for the job's own steps.
		root := ""
		if len(j.checkouts) == 1 && j.checkouts[0] != "." {
			root = j.checkouts[0]
		}
		a[attrCheckoutPath] = root
	}
	j.execute(id, step, line, a)
	if conf == graph.Possible {
		j.execs[id].possible = true
	}
}

// readReusableCall reads a job that calls a reusable workflow: the called
// workflow is a package the job executes, and the secrets it hands over
// are recorded on that edge.
func (w *workflow) readReusableCall(j *job, n, un *yaml.Node) {
	j.attrs["reusable_call"] = "true"
	s, ok := scalar(un)
	if !ok {
		w.warnf(un, "job %s: invalid uses: expected a string", j.id)
		return
	}
	u, err := parseUses(s)
	if err == nil && u.Kind == usesDocker {
		err = errUsesForm
	}
	if err != nil {
		w.warnf(un, "job %s: called workflow not recorded: %v", j.id, err)
		return
	}

	a := attrs{graph.AttrVia: "uses", "reusable": "true"}
	var pkg string
	if u.Kind == usesLocal {
		owner, repo, _ := strings.Cut(strings.ToLower(w.repo), "/")
		sub := strings.TrimPrefix(u.Local, "./")
		pkg = actionPURL(owner, repo, "", sub)
		w.b.node(pkg, graph.NodePackage, owner+"/"+repo+"/"+sub, un.Line, attrs{
			"ecosystem": purlTypeActions,
			"name":      owner + "/" + repo,
			"subpath":   sub,
			"reusable":  "true",
			"local":     "true",
		})
		a["pinned"] = "local"
	} else {
		if !strings.HasPrefix(u.Path, ".github/workflows/") {
			w.warnf(un, "job %s: uses does not name a file under .github/workflows", j.id)
		}
		pkg = w.actionPackage(u, true, un.Line)
		a["pinned"] = u.Pinned()
	}

	sn := lookup(n, "secrets")
	if v, ok := scalar(sn); ok && v == "inherit" {
		a["secrets"] = "inherit"
		j.attrs["secrets_inherit"] = "true"
	} else if isMap(sn) {
		var prints []string
		a["secrets"], prints = w.secretMapping(j, sn)
		if len(prints) > 0 {
			a[graph.AttrStoredInline] = "true"
			a[graph.AttrFingerprint] = graph.JoinList(prints)
		}
	}
	j.execute(pkg, "", un.Line, a)
}

// secretMapping renders the secrets: mapping of a reusable workflow call
// as sorted "param=NAME" pairs, NAME being each caller secret the value
// references ("*" for the whole secrets context). A value without a
// secrets reference is listed as "param=". The fingerprints of literal
// values are returned, never the values.
func (w *workflow) secretMapping(j *job, sn *yaml.Node) (string, []string) {
	var out, prints []string
	for _, p := range pairs(sn) {
		var refs []refAt
		w.collectRefs(p.val, "", 0, &refs)
		for _, r := range refs {
			if r.All {
				out = append(out, p.key.Value+"=*")
			} else {
				out = append(out, p.key.Value+"="+r.Name)
			}
		}
		if len(refs) > 0 {
			continue
		}
		out = append(out, p.key.Value+"=")
		if v, ok := scalar(p.val); ok && v != "" && !strings.Contains(v, "${{") {
			w.warnf(p.key, "job %s: secret %s is a literal value: pass a secrets reference instead", j.id, p.key.Value)
			if w.env != nil && w.env.Fingerprint != nil {
				prints = append(prints, w.env.Fingerprint(v))
			}
		}
	}
	return graph.JoinList(out), prints
}

func (w *workflow) writeExecutions(j *job) {
	for _, pkg := range j.order {
		ex := j.execs[pkg]
		// Each execution's attributes serve its one edge.
		a := ex.attrs
		if a == nil {
			a = attrs{}
		}
		a["step"] = strings.Join(ex.steps, ",")
		conf := graph.Certain
		if ex.possible {
			conf = graph.Possible
		}
		if a[graph.AttrVia] == "container-run" {
			conf = graph.Possible
			a[graph.AttrReason] = registry.ContainerRunReason
		}
		if ex.toolRun && !ex.certainRun {
			conf = graph.Possible
		}
		w.b.edge(j.rid, graph.EdgeExecutes, pkg, conf, ex.line, a)
	}
}

// writeSecrets writes an EXPOSES edge for each secret the job's
// expressions (and the workflow-level env) reference. Two kinds of
// reference are recorded on the job for the linker instead. In a workflow
// that only runs when called, the caller decides what each name contains.
// In a job bound to an environment, an environment secret of that name
// takes precedence over the repository's, and only the whole graph shows
// whether one exists.
func (w *workflow) writeSecrets(j *job, refs []refAt) {
	sort.SliceStable(refs, func(a, b int) bool { return refs[a].Line < refs[b].Line })
	callOnly := w.calledOnly()
	var callRefs, envRefs []string
	for _, r := range refs {
		switch {
		case r.Name == "GITHUB_TOKEN":
			continue
		case callOnly && r.All:
			callRefs = append(callRefs, "*")
			continue
		case callOnly:
			callRefs = append(callRefs, r.Name)
			continue
		case r.All && j.env != "" && !j.envDyn:
			envRefs = append(envRefs, "*")
			continue
		case r.All:
			w.exposeAll(j, r.Line)
			continue
		case j.env != "" && !j.envDyn && !w.callSecrets[r.Name]:
			envRefs = append(envRefs, r.Name)
			continue
		}
		id := graph.GHASecretID(w.idRepo, r.Name)
		w.b.node(id, graph.NodeSecret, r.Name, r.Line, attrs{
			graph.AttrProvider:   "github",
			"type":               "actions-secret",
			graph.AttrName:       r.Name,
			graph.AttrRepository: w.repo,
			graph.AttrLongLived:  "true",
		})
		a := attrs{
			graph.AttrVia:  "ci-secret",
			graph.AttrName: r.Name,
			"environment":  j.env,
		}
		if w.callSecrets[r.Name] {
			a["workflow_call_secret"] = "true"
		}
		w.b.edge(j.rid, graph.EdgeExposes, id, graph.Certain, r.Line, a)
	}
	if j.attrs["secrets_inherit"] == "true" {
		// A called workflow hands on its caller's secrets, not those of
		// its own repository.
		if callOnly {
			if !slices.Contains(callRefs, "*") {
				callRefs = append(callRefs, "*")
			}
		} else {
			w.exposeAll(j, j.line)
		}
	}
	w.b.node(j.rid, graph.NodeRuntime, "", j.line, attrs{
		"call_secret_refs":        graph.JoinList(callRefs),
		"environment_secret_refs": graph.JoinList(envRefs),
	})
}

// calledOnly reports whether workflow_call is the workflow's only trigger:
// then every secrets reference reads what a caller passes.
func (w *workflow) calledOnly() bool {
	return len(w.triggers) == 1 && w.triggers[0].Event == "workflow_call"
}

// exposeAll writes the edge to the node standing for every secret of the
// repository.
func (w *workflow) exposeAll(j *job, line int) {
	id := graph.GHAAllSecretsID(w.idRepo)
	w.b.node(id, graph.NodeSecret, w.repo+" secrets", line, attrs{
		graph.AttrProvider:   "github",
		"type":               "all-actions-secrets",
		graph.AttrName:       "*",
		graph.AttrRepository: w.repo,
		graph.AttrLongLived:  "true",
	})
	w.b.edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, attrs{
		graph.AttrVia: "ci-secret",
		"all":         "true",
		"environment": j.env,
	})
}

// writeToken writes the job's GITHUB_TOKEN, the identity it acts as, and
// what that identity can do to the repository. A workflow that only runs
// when called has no token of its own: its jobs run with the caller's,
// which the linker joins to them.
func (w *workflow) writeToken(j *job) {
	if w.calledOnly() {
		return
	}
	perm := j.permText
	tok := graph.GHATokenID(j.rid)
	ident := graph.GHATokenIdentityID(j.rid)
	w.b.node(tok, graph.NodeSecret, "GITHUB_TOKEN of "+j.id, j.line, attrs{
		graph.AttrProvider:   "github",
		"type":               "github-token",
		graph.AttrName:       "GITHUB_TOKEN",
		graph.AttrRepository: w.repo,
		graph.AttrLongLived:  "false",
		"permissions":        perm,
	})
	w.b.node(ident, graph.NodeIdentity, "GITHUB_TOKEN identity of "+j.id, j.line, attrs{
		graph.AttrProvider:   "github",
		"type":               "github-token",
		graph.AttrRepository: w.repo,
		"permissions":        perm,
	})
	w.b.edge(j.rid, graph.EdgeExposes, tok, graph.Certain, j.line, attrs{graph.AttrVia: "token"})
	w.b.edge(tok, graph.EdgeAuthenticatesAs, ident, graph.Certain, j.line, nil)

	if j.perms.Default {
		reason := "the repository's default GITHUB_TOKEN permissions are not in the input; they may include contents:write"
		w.b.edge(ident, graph.EdgeCanModify, w.repID, graph.Possible, j.line, attrs{
			graph.AttrActions: permDefault,
			graph.AttrReason:  reason,
		})
		w.b.edge(ident, graph.EdgeCanAccess, w.repID, graph.Possible, j.line, attrs{
			graph.AttrLevel:   "write",
			graph.AttrActions: permDefault,
			graph.AttrReason:  reason,
		})
		return
	}
	// actions:write starts workflows but changes no code; the linker
	// joins the token to the jobs it can dispatch.
	if j.perms.has("contents", "write") {
		w.b.edge(ident, graph.EdgeCanModify, w.repID, graph.Certain, j.line, attrs{
			graph.AttrActions: "contents:write",
			graph.AttrReason:  "the token can push commits to the repository (its code, not its workflow files)",
		})
	}
	if lvl := j.perms.level(); lvl != "" {
		w.b.edge(ident, graph.EdgeCanAccess, w.repID, graph.Certain, j.line, attrs{
			graph.AttrLevel:   lvl,
			graph.AttrActions: j.perms.repoScopes(),
		})
	}
}

// writeOIDC writes the OIDC token a job can request when its permissions
// grant id-token:write, and the subject it authenticates as.
func (w *workflow) writeOIDC(j *job) {
	if j.perms.Default || !j.perms.has("id-token", "write") {
		return
	}
	tok := graph.GHAOIDCTokenID(j.rid)
	subj := graph.GHAOIDCSubjectID(j.rid)
	subs := oidcSubjects(w.repo, j.env, j.envDyn, w.triggers)
	w.b.node(tok, graph.NodeSecret, "OIDC token of "+j.id, j.line, attrs{
		graph.AttrProvider:   "github",
		"type":               "oidc-token",
		graph.AttrRepository: w.repo,
		graph.AttrLongLived:  "false",
	})
	a := attrs{
		graph.AttrProvider:   "github-oidc",
		"type":               "oidc-subject",
		"issuer":             graph.GHAOIDCIssuer(w.host),
		graph.AttrRepository: w.repo,
		"environment":        j.env,
		"events":             w.triggerText,
		"subs":               strings.Join(subs.Subs, ","),
	}
	if subs.Wildcard {
		a["subs_wildcard"] = "true"
	}
	if subs.AnyRef {
		a["subs_any_ref"] = "true"
	}
	w.b.node(subj, graph.NodeIdentity, "OIDC subject of "+j.id, j.line, a)
	w.b.edge(j.rid, graph.EdgeExposes, tok, graph.Certain, j.line, attrs{graph.AttrVia: "oidc"})
	w.b.edge(tok, graph.EdgeAuthenticatesAs, subj, graph.Certain, j.line, nil)
}

// convertAction writes the Package node of an action metadata file: the
// action is the repository itself, or the folder of the file within it.
func convertAction(f *ingest.File, env *ingest.Env, rel string, root *yaml.Node, res *ingest.Result) {
	res.Records++
	if f.Repo == "" {
		return
	}
	owner, repo, ok := strings.Cut(strings.ToLower(f.Repo), "/")
	if !ok || owner == "" || repo == "" {
		res.Warnf(ingest.Position{File: f.Path}, "repository is not owner/name; the action is not recorded")
		return
	}
	sub := ""
	if d := pathDir(rel); d != "." {
		sub = d
	}
	id := actionPURL(owner, repo, "", sub)
	label := owner + "/" + repo
	if sub != "" {
		label += "/" + sub
	}
	runs := lookup(root, "runs")
	using, _ := scalar(lookup(runs, "using"))
	b := newBuilder(f.Path, res)
	b.host = graph.RepoHostAttr(f.GitHubForge())
	defer b.flush()
	b.node(id, graph.NodePackage, label, 0, attrs{
		"ecosystem":          purlTypeActions,
		"name":               owner + "/" + repo,
		"subpath":            sub,
		graph.AttrRepository: f.Repo,
		"using":              using,
	})
	// An action in a subfolder is its own node. Workflows of other
	// repositories name versions of owner/repo/sub, whose name node is
	// owner/repo, so this node reaches only the jobs of its own
	// repository (see localAction).
	convertActionDependencies(f, env, b, id, sub, runs)
}

// convertActionDependencies records what an action runs besides its own
// code: the actions and images a composite action's steps use, what its
// run steps install and fetch (see composite), and a Docker action's
// image. The file is one version of the action, the one
// in the input. An action at the root of its repository is also the name
// of its released versions, and which of them contain the same steps is
// not in the input, so its edges are possible. Only the jobs of the
// action's own repository run an action in a subfolder by this node, from
// their checkout of the file in the input (localOnly), so its edges are
// certain. sub is the action's folder in the repository, "" at the root.
func convertActionDependencies(f *ingest.File, env *ingest.Env, b *builder, id, sub string, runs *yaml.Node) {
	localOnly := sub != ""
	c := newComposite(b, id, graph.Possible, "which released versions of the action do the same is not in the input")
	if localOnly {
		c = newComposite(b, id, graph.Certain, "")
	}
	c.dir = "."
	if localOnly {
		c.dir = sub
	}
	defer c.flush()
	// depend records a step's action or image with its pinned attribute,
	// as a job's EXECUTES edge to it has.
	depend := func(to string, line int, what, pinned string) {
		a := attrs{graph.AttrVia: "uses", "pinned": pinned, graph.AttrReason: what + " in " + f.RelPath}
		if localOnly {
			b.edge(id, graph.EdgeDependsOn, to, graph.Certain, line, a)
			return
		}
		a[graph.AttrReason] += "; which released versions of the action do the same is not in the input"
		b.edge(id, graph.EdgeDependsOn, to, graph.Possible, line, a)
	}
	image := func(s string, line int) {
		img, ok := image.Parse(strings.TrimPrefix(s, "docker://"))
		if !ok {
			return
		}
		ver, name := img.PURL(true), img.PURL(false)
		b.node(ver, graph.NodePackage, img.Name()+"@"+img.Version(), line, attrs{"ecosystem": "docker", "name": img.Name(), "version": img.Version()})
		b.node(name, graph.NodePackage, img.Name(), line, attrs{"ecosystem": "docker", "name": img.Name()})
		b.edge(ver, graph.EdgeVersionOf, name, graph.Certain, line, nil)
		depend(ver, line, "the action runs image "+img.Name(), img.Pinned())
	}
	if s, ok := scalar(lookup(runs, "image")); ok && strings.HasPrefix(s, "docker://") {
		image(s, lookup(runs, "image").Line)
	}
	for i, st := range items(lookup(runs, "steps")) {
		if script, ok := scalar(lookup(st, "run")); ok {
			actionLiterals(f, env, b, lookup(st, "run"), script)
		}
		c.step(i, st)
		un := lookup(st, "uses")
		s, ok := scalar(un)
		if !ok {
			continue
		}
		u, err := parseUses(s)
		if err != nil {
			b.res.Warnf(ingest.Position{File: f.Path, Line: un.Line, Col: un.Column}, "composite step: action not recorded: %v", err)
			continue
		}
		switch u.Kind {
		case usesDocker:
			image(s, un.Line)
		case usesLocal:
			// A composite step's ./dir is in the workspace of the job
			// that runs the action, not in the action's repository. Only
			// an action in a folder, which only its own repository's jobs
			// reach, has a workspace known here: the job's checkout of
			// the same repository, taken to be at the workspace root.
			// The edge is possible, since a checkout into a folder moves
			// the repository away from the root.
			sub := path.Clean(strings.TrimPrefix(u.Local, "./"))
			owner, repo, ok := strings.Cut(strings.ToLower(f.Repo), "/")
			if !localOnly || !ok || strings.ContainsAny(u.Local, "${}") || sub == ".." || strings.HasPrefix(sub, "../") || path.IsAbs(sub) {
				continue
			}
			if sub == "." {
				sub = ""
			}
			label := owner + "/" + repo
			if sub != "" {
				label += "/" + sub
			}
			local := actionPURL(owner, repo, "", sub)
			if local == id {
				continue
			}
			b.node(local, graph.NodePackage, label, un.Line, attrs{"ecosystem": purlTypeActions, "name": owner + "/" + repo, "subpath": sub, graph.AttrRepository: f.Repo})
			b.edge(id, graph.EdgeDependsOn, local, graph.Possible, un.Line, attrs{graph.AttrVia: "uses", "pinned": "local",
				graph.AttrReason: "a composite step uses the local action " + u.Local + " in " + f.RelPath +
					", found in the workspace of the job that runs the action; possible: it is this repository's when the job checks it out at the workspace root"})
		case usesRemote:
			ver := actionPURL(u.Owner, u.Repo, u.Ref, u.Path)
			name := actionPURL(u.Owner, u.Repo, "", "")
			label := u.Name()
			if u.Path != "" {
				label += "/" + u.Path
			}
			b.node(ver, graph.NodePackage, label+"@"+u.Ref, un.Line, attrs{
				"ecosystem": purlTypeActions, "name": u.Name(), "version": u.Ref, "subpath": u.Path,
			})
			b.node(name, graph.NodePackage, u.Name(), un.Line, attrs{"ecosystem": purlTypeActions, "name": u.Name()})
			b.edge(ver, graph.EdgeVersionOf, name, graph.Certain, un.Line, nil)
			depend(ver, un.Line, "a composite step uses "+label+"@"+u.Ref+" (pinned by "+u.Pinned()+")", u.Pinned())
		}
	}
}

func pathDir(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return "."
}
