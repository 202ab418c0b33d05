// Package link derives the edges that no single input file shows: which
// identities may assume which roles (trust and identity policies, OIDC
// conditions evaluated against each job's claims), which secrets and
// resources each identity reaches, which packages each CI job executes
// through its repository's lockfiles, which packages the functions that
// jobs deploy load (linkDeploys) and those of the folders Terraform
// deploys (linkTerraformDeploys), which images jobs deploy to runtimes
// (linkImageDeploys), and which environment or "all secrets" references
// resolve to which declared secrets. It also gives a job that applies
// Kubernetes manifests or charts the power to change the workloads they
// declare (linkKubeApplies), and the pods of the only EKS cluster the
// node role credentials of its nodes (linkEKSNodes).
//
// Derive runs over the whole graph after every ingest run, so facts from
// files read in different runs still meet.
package link

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// Linker derives edges. Its zero value is ready to use.
type Linker struct {
	Logger *slog.Logger
	// Workers is the maximum number of goroutines that derive edges at
	// once (AWS principals, lockfile executions), or GOMAXPROCS when 0.
	// The derived graph does not depend on it.
	Workers int
}

// view is the part of the graph the linker reads, indexed.
type view struct {
	// nodes points into byKind; read it through node and get.
	nodes    map[string]*graph.Node
	byKind   map[graph.NodeKind][]graph.Node
	out      map[graph.EdgeKind]map[string][]graph.Edge
	policies map[string]*awspolicy.Policy
	bad      map[string]string // policy id -> why it could not be parsed
	// actsOn caches, per resource id, the catalogue actions that act on
	// each part of the resource.
	actsOn map[string]resourceActions
	// catalogue caches the catalogue actions of each AWS service.
	catalogue map[string][]awspolicy.Action
	// cacheMu guards actsOn and catalogue, which the workers of one
	// derivation share.
	cacheMu *sync.Mutex

	// readable holds readableSecrets' list once it is made.
	readable *[]readableSecret
	// arns holds arnTargets' lists once they are made; forks share it.
	arns *arnLists

	// workers bounds the goroutines of forEach.
	workers int
	// ctx ends the derivation early: forEach stops starting chunks once
	// it is done, and Derive returns its error after the rule.
	ctx context.Context
	// parent is the view a worker's view was forked from, nil for the
	// view of the whole derivation.
	parent *view

	derivedNodes []graph.Node
	derivedEdges []graph.Edge
	seenNodes    map[string]bool
	seenEdges    map[graph.EdgeKey]int
	// collecting is set on a worker's view of forEachCollecting: addEdge
	// appends, and the merge into the parent drops repeats.
	collecting bool
	// execMemo holds the maps of execAttrs; each worker has its own.
	execMemo map[execAttrsKey]map[string]string
	// buildContexts maps a Dockerfile's node to the build context
	// folders of the CI builds that name it (readImageBuilds).
	buildContexts map[string][]string
	// dockerfileDeps maps the Dockerfile of each image build to its
	// DEPENDS_ON edges, read from the graph (readBuildRuntimes).
	dockerfileDeps map[string][]graph.Edge
	// baked maps each Dockerfile that holds literal credentials to the
	// images built from it (readBakedImages).
	baked bakedImages
	// stages indexes the nodes of Dockerfiles' stages (readStages).
	stages dockerfileStages
	// unknownTargets are the DEPENDS_ON edges from images that CI jobs
	// push to the Dockerfiles they build with a --target that a variable
	// names (readImageBuilds).
	unknownTargets []graph.Edge
	// composeVars lists, by job, the variables that the builds of the
	// job's Compose commands read (readComposeBuilds).
	composeVars map[string][]string
	// drifts lists the drift that rules find as they read the graph, which
	// Derive reports after them.
	drifts []drift
	// calledSubjects holds the OIDC subjects of the jobs of workflows that
	// only run when called and that a job of the graph calls
	// (linkReusableCalls). GitHub names the caller's repository and ref
	// in such a job's token, and the job gets its caller's token, so the
	// trust rules skip the subject that names the called repository.
	calledSubjects map[string]bool
}

// structural edge kinds the linker reads.
var readKinds = []graph.EdgeKind{
	graph.EdgeHasPolicy, graph.EdgeMemberOf, graph.EdgeExposes, graph.EdgeLocks,
	graph.EdgeObserved, graph.EdgeAuthenticatesAs, graph.EdgeHolds, graph.EdgeDefines,
	graph.EdgeExecutes, graph.EdgeCanModify, graph.EdgeCanPublish,
}

// Derive implements graph.DeriveFunc.
func (l *Linker) Derive(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
	begin := time.Now()
	v := &view{
		nodes:     map[string]*graph.Node{},
		byKind:    map[graph.NodeKind][]graph.Node{},
		out:       map[graph.EdgeKind]map[string][]graph.Edge{},
		policies:  map[string]*awspolicy.Policy{},
		bad:       map[string]string{},
		seenNodes: map[string]bool{},
		seenEdges: map[graph.EdgeKey]int{},
		actsOn:    map[string]resourceActions{},
		catalogue: map[string][]awspolicy.Action{},
		cacheMu:   &sync.Mutex{},
		arns:      &arnLists{},
		workers:   l.Workers,
		ctx:       ctx,
	}
	byKind := make([][]graph.Node, len(graph.NodeKinds))
	total := 0
	for j, k := range graph.NodeKinds {
		ns, err := r.NodesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		byKind[j] = ns
		total += len(ns)
	}
	// A map sized once spares rehashing it as it grows: a million nodes
	// in a large organisation.
	v.nodes = make(map[string]*graph.Node, total)
	for j, k := range graph.NodeKinds {
		ns := byKind[j]
		for i := range ns {
			n := &ns[i]
			if isK8s(*n) || strings.HasPrefix(n.ID, "k8s:") {
				// withIDParts adds attributes in place, and a store
				// may share a node's map with its own facts.
				n.Attrs = copyAttrs(n.Attrs)
			}
			v.nodes[n.ID] = n
		}
		v.byKind[k] = ns
	}
	for _, k := range readKinds {
		es, err := r.EdgesByKind(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		if k == graph.EdgeLocks {
			es = perLockfile(es)
		}
		v.out[k] = bySource(es)
	}
	if err := v.readLocalActionUses(ctx, r); err != nil {
		return nil, nil, err
	}
	v.readComposeBuilds()
	if err := v.readImageBuilds(ctx, r); err != nil {
		return nil, nil, err
	}
	if err := v.readBuildRuntimes(ctx, r); err != nil {
		return nil, nil, err
	}
	if err := v.readBakedImages(ctx, r); err != nil {
		return nil, nil, err
	}
	drifts := v.settleDrift()
	for _, n := range v.byKind[graph.NodePolicy] {
		if doc := n.Attr("document"); doc != "" {
			p, err := awspolicy.Parse(doc)
			if err != nil {
				v.bad[n.ID] = err.Error()
				continue
			}
			v.policies[n.ID] = p
		} else if p, ok := awspolicy.Managed(n.ID); ok {
			v.policies[n.ID] = p
		}
	}

	if l.Logger != nil {
		l.Logger.Debug("graph read", "nodes", len(v.nodes), "policies", len(v.policies),
			"took", time.Since(begin).Round(time.Millisecond))
	}
	reportDrift(l.Logger, drifts)
	rules := []struct {
		name string
		run  func()
	}{
		{"reusable calls", v.linkReusableCalls},
		{"pushed workflows", v.linkPushedWorkflows},
		{"secrets", v.linkSecrets},
		{"CI", v.linkCI},
		{"registry accounts", v.linkRegistryAccounts},
		{"project releases", v.linkProjectReleases},
		{"lockfiles", v.linkLockfiles},
		{"image build targets", v.linkTargetImages},
		{"image builds", v.linkImageBuilds},
		{"build runtimes", v.linkBuildRuntimes},
		{"AWS", v.linkAWS},
		{"privilege escalation", v.linkPrivesc},
		{"ECR publish", v.linkECRPublish},
		{"application input", v.linkAppInput},
		{"GCP", v.linkGCP},
		{"cloud logins", v.linkCloudLogins},
		{"deploys", func() { v.linkDeploys(l.Logger) }},
		{"Terraform deploys", v.linkTerraformDeploys},
		{"image deploys", func() { v.linkImageDeploys(l.Logger) }},
		{"Kubernetes applies", func() { v.linkKubeApplies(l.Logger) }},
		{"Kubernetes", v.linkKubernetes},
		{"EKS nodes", v.linkEKSNodes},
		{"install namespace", v.linkInstallNamespace},
		{"pod network", v.linkPodNetwork},
		{"image literals", v.linkBakedSecrets},
		{"sessions", v.linkSessions},
		{"observed subjects", v.linkObservedSubjects},
		{"same values", v.linkSameValues},
	}
	for _, rule := range rules {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		start, before := time.Now(), len(v.derivedEdges)
		rule.run()
		if l.Logger != nil {
			l.Logger.Debug("rule applied", "rule", rule.name, "edges", len(v.derivedEdges)-before,
				"took", time.Since(start).Round(time.Millisecond))
		}
	}
	// A rule cut short by the context derived only part of its edges.
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	reportDrift(l.Logger, v.drifts)
	if l.Logger != nil {
		l.Logger.Info("edges derived", "nodes", len(v.derivedNodes), "edges", len(v.derivedEdges))
	}
	return v.derivedNodes, v.derivedEdges, nil
}

// perLockfile returns LOCKS edges with one edge per lockfile. Two
// lockfiles of a repository that pin the same package give one merged
// edge, whose attributes name the first lockfile and mark whether that one
// needs the package for development only. The rules that join lockfiles
// to the folders a job, an image or a function installs from need each
// lockfile's own edge, from the merged edge's facts.
func perLockfile(es []graph.Edge) []graph.Edge {
	n := 0
	for i := range es {
		n += max(len(es[i].Facts), 1)
	}
	if n == len(es) {
		return es
	}
	out := make([]graph.Edge, 0, n)
	for _, e := range es {
		if len(e.Facts) == 0 {
			out = append(out, e)
			continue
		}
		for _, f := range e.Facts {
			out = append(out, graph.Edge{From: e.From, To: e.To, Kind: e.Kind, Confidence: f.Confidence,
				Attrs: f.Attrs, Evidence: f.Evidence, Pos: f.Pos, FirstSeen: e.FirstSeen, LastSeen: e.LastSeen})
		}
	}
	return out
}

// bySource groups edges by their source node, keeping their order. A
// store returns them sorted by source, so each group is a part of es
// instead of a copy.
func bySource(es []graph.Edge) map[string][]graph.Edge {
	// Sized for the runs of one source: a store gives them sorted, so
	// that is how many keys the map gets, and it never grows.
	m := make(map[string][]graph.Edge, groups(es))
	for lo := 0; lo < len(es); {
		hi := lo + 1
		for hi < len(es) && es[hi].From == es[lo].From {
			hi++
		}
		from := es[lo].From
		if cur, ok := m[from]; ok {
			m[from] = append(cur, es[lo:hi]...)
		} else {
			// The capacity ends with the group, so an append to it
			// copies instead of overwriting the next group.
			m[from] = es[lo:hi:hi]
		}
		lo = hi
	}
	return m
}

// groups counts the runs of edges with the same source.
func groups(es []graph.Edge) int {
	n := 0
	for i := range es {
		if i == 0 || es[i].From != es[i-1].From {
			n++
		}
	}
	return n
}

func (v *view) addNode(n graph.Node) {
	if _, ok := v.node(n.ID); ok || v.seenNodes[n.ID] {
		return
	}
	v.seenNodes[n.ID] = true
	v.derivedNodes = append(v.derivedNodes, n)
}

// addEdge adds a derived edge; of two derivations of the same edge the
// certain one wins.
func (v *view) addEdge(e graph.Edge) {
	if e.Confidence == "" {
		e.Confidence = graph.Certain
	}
	if v.collecting {
		v.derivedEdges = append(v.derivedEdges, e)
		return
	}
	if i, ok := v.seenEdges[e.Key()]; ok {
		prev := v.derivedEdges[i]
		if prev.Confidence == graph.Possible && e.Confidence == graph.Certain {
			v.derivedEdges[i] = e
		}
		stored := &v.derivedEdges[i]
		if methods := joinMethods(prev, e); methods != "" && methods != stored.Attr("method") {
			// Edges may share an attribute map, so the stored one gets a
			// map of its own.
			stored.Attrs = copyAttrs(stored.Attrs)
			stored.Attrs[attrMethods] = methods
		}
		return
	}
	v.seenEdges[e.Key()] = len(v.derivedEdges)
	v.derivedEdges = append(v.derivedEdges, e)
}

// attrMethods lists every escalation method that derives an edge, when
// more than one does or when the derivation kept (a trust policy's, say)
// has no method. The edge's method attribute names one of them, if any.
const attrMethods = "methods"

// joinMethods returns the escalation methods of two derivations of one
// edge as a list, or "" when they name none.
func joinMethods(a, b graph.Edge) string {
	var all []string
	for _, e := range []graph.Edge{a, b} {
		if ms := e.Attr(attrMethods); ms != "" {
			all = append(all, graph.SplitList(ms)...)
		} else if m := e.Attr("method"); m != "" {
			all = append(all, m)
		}
	}
	return graph.JoinList(all)
}

func (v *view) edgesFrom(kind graph.EdgeKind, id string) []graph.Edge {
	return v.out[kind][id]
}

// linkSecrets resolves references that name secrets only by name, in the
// order GitHub applies: environment, repository, organisation. An
// environment job's secrets go to the environment's secrets, a name that
// the repository does not declare goes to the organisation's secret, and
// a job that receives the whole secrets context gets one secret per name.
func (v *view) linkSecrets() {
	byRepo := map[string][]graph.Node{}
	orgSecrets := v.orgSecretsByOwner()
	for _, n := range v.byKind[graph.NodeSecret] {
		if n.Attr(graph.AttrProvider) != "github" || n.Attr("type") != "actions-secret" || strings.HasPrefix(n.ID, "secret:gha:org:") {
			continue
		}
		if n.Attr(graph.AttrRepository) != "" {
			repo := graph.GHARepoOf(n)
			byRepo[repo] = append(byRepo[repo], n)
		}
	}
	workflows := v.workflowFiles()
	for _, rt := range v.byKind[graph.NodeRuntime] {
		env := rt.Attr("environment")
		jobRepo := graph.GHARepoOf(rt)
		for _, e := range v.edgesFrom(graph.EdgeExposes, rt.ID) {
			name := e.Attr(graph.AttrName)
			// A called workflow's job reads its caller's secrets.
			repo := secretsRepo(v, e, name, jobRepo)
			owner := ghaOwner(repo)
			if env != "" && name != "" {
				envID := graph.GHAEnvSecretID(repo, env, name)
				if _, ok := v.node(envID); ok {
					ne := graph.Edge{From: rt.ID, To: envID, Kind: graph.EdgeExposes, Confidence: e.Confidence, Pos: e.Pos}
					ne.SetAttr(graph.AttrVia, "ci-secret")
					ne.SetAttr(graph.AttrName, name)
					ne.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs in environment %q, whose secret %s takes precedence", env, name))
					v.addEdge(ne)
					continue
				}
			}
			if name != "" && e.To == graph.GHASecretID(repo, name) {
				v.exposeOrgSecret(e, repo, orgSecrets[owner], workflows)
				continue
			}
			if e.To != graph.GHAAllSecretsID(repo) {
				continue
			}
			for _, c := range v.contextSecrets(repo, env, byRepo[repo], orgSecrets[owner], workflows) {
				ae := allSecretsEdge(rt.ID, c.id, e)
				ae.Confidence = e.Confidence.Weaker(c.conf)
				v.addEdge(ae)
			}
		}
	}
}

// orgSecretsByOwner returns the organisations' Actions secrets by
// organisation, named as OWNER, or HOST/OWNER on a GitHub Enterprise
// Server.
func (v *view) orgSecretsByOwner() map[string][]graph.Node {
	out := map[string][]graph.Node{}
	for _, n := range v.byKind[graph.NodeSecret] {
		rest, ok := strings.CutPrefix(n.ID, "secret:gha:org:")
		if !ok || n.Attr(graph.AttrProvider) != "github" || n.Attr("type") != "actions-secret" {
			continue
		}
		// The organisation is the id's text up to the name, which has no
		// slash.
		org := ghaOwner(rest)
		out[org] = append(out[org], n)
	}
	return out
}

// secretsRepo returns the repository whose secrets an EXPOSES edge of a
// job reads. That is jobRepo, except for an edge to a GitHub secret (or
// to every secret) of another repository, which a called workflow's job
// reads from its caller: then it is that repository.
func secretsRepo(v *view, e graph.Edge, name, jobRepo string) string {
	t, ok := v.node(e.To)
	if !ok || t.Attr(graph.AttrProvider) != "github" || t.Attr(graph.AttrRepository) == "" {
		return jobRepo
	}
	r := graph.GHARepoOf(t)
	if r != jobRepo && (e.To == graph.GHAAllSecretsID(r) || (name != "" && e.To == graph.GHASecretID(r, name))) {
		return r
	}
	return jobRepo
}

func allSecretsEdge(from, to string, via graph.Edge) graph.Edge {
	e := graph.Edge{From: from, To: to, Kind: graph.EdgeExposes, Confidence: via.Confidence, Pos: via.Pos}
	e.SetAttr(graph.AttrVia, "ci-secret")
	e.SetAttr(graph.AttrReason, "the job serialises the whole secrets context, so the runner receives every secret")
	return e
}

func visibleToRepo(s graph.Node, repo string) bool {
	switch s.Attr("visibility") {
	case "all", "private", "":
		return true
	case "selected":
		// repo is OWNER/NAME, or HOST/OWNER/NAME, and each selected
		// repository NAME or OWNER/NAME.
		for _, r := range graph.SplitList(s.Attr("selected_repositories")) {
			if r == repo || strings.HasSuffix(repo, "/"+r) {
				return true
			}
		}
	}
	return false
}

// ecosystemOf maps a package's ecosystem to the installer name used in a
// runtime's "installs" attribute.
var ecosystemOf = map[string]string{"npm": "npm", "pypi": "pypi", "golang": "golang", "cargo": "cargo", "gem": "gem", "composer": "composer",
	// A PackageReference package has no install script, because
	// install.ps1 runs only for packages.config projects in Visual Studio.
	// So a job executes NuGet packages at phase run, when it builds
	// (MSBuild targets, analyzers, source generators) or runs the code.
	// Maven and Gradle packages have no install step of their own either.
	"nuget": "nuget",
	"maven": "maven",
}

// linkLockfiles makes the jobs that install an ecosystem's dependencies
// execute the packages their repository's lockfiles pin for it. A package
// with an install script runs at install time, unless every install of
// the ecosystem in the job turned scripts off. Any package runs at run
// time when the job runs the code that loads it (certain) or may run it
// (possible). A job that provably runs none of its code does not execute
// it. A tool run without a version (npx cowsay) runs the project's
// installed copy when there is one, so the job executes the locked
// version of that name too. The install decides how, and without one the
// edge is possible.
func (v *view) linkLockfiles() {
	forEachCollecting(v, v.byKind[graph.NodeRuntime], func(v *view, rt graph.Node) {
		job := v.withLocalActions(rt, readJobExec(rt))
		tools := installedFirst(v.edgesFrom(graph.EdgeExecutes, rt.ID))
		if len(job.installs) == 0 && len(tools) == 0 {
			return
		}
		repo := graph.CheckoutRepoIDOf(rt)
		// A job executes every package of one ecosystem in the same way,
		// except for install scripts, so each decision is made once.
		type execKey struct {
			eco  string
			hook bool
		}
		decided := map[execKey]struct {
			x  execution
			ok bool
		}{}
		for _, lock := range v.edgesFrom(graph.EdgeLocks, repo) {
			if lock.Attr("replaced_by") != "" {
				// A replaced Go requirement's own code never runs; its
				// replacement has a LOCKS edge of its own.
				continue
			}
			pkg, ok := v.node(lock.To)
			if !ok {
				continue
			}
			eco := ecosystemOf[pkg.Attr("ecosystem")]
			if eco == "" {
				continue
			}
			if devLeftOut(lock, eco, job.devOff, job.devOffBerry) {
				// Only development needs the package, and every install
				// of the job leaves such packages out.
				continue
			}
			var run toolRun
			if pkg.Attr("version") != "" {
				// A LOCKS edge to the name (a manifest's range) leads
				// where the tool run's own edge goes.
				run = tools[pkgcmd.PackageID(eco, pkg.Attr(graph.AttrName), "")]
			}
			tool := run.tool
			if !contains(job.installs, eco) {
				if tool != "" {
					v.addEdge(toolCopyEdge(rt.ID, lock, tool, pkg.Attr(graph.AttrName)))
				}
				continue
			}
			k := execKey{eco, pkg.Attr(graph.AttrInstallHook) == "true"}
			d, seen := decided[k]
			if !seen {
				d.x, d.ok = job.execution(k.eco, k.hook)
				decided[k] = d
			}
			x := d.x
			switch {
			case tool != "" && !d.ok:
				v.addEdge(toolCopyEdge(rt.ID, lock, tool, pkg.Attr(graph.AttrName)))
				continue
			case tool != "" && run.afterInstall:
				x.how += "; " + tool + " " + pkg.Attr(graph.AttrName) + " runs this installed copy in place of the registry's latest version"
			}
			if !d.ok {
				continue
			}
			conf := lock.Confidence.Weaker(x.conf)
			if where := installReads(job.dirs, lock.Attr(graph.AttrLockfile)); where != "" {
				conf = conf.Weaker(graph.Possible)
				x.how += "; possible: " + where
			}
			x.by = job.installer(eco)
			e := graph.Edge{From: rt.ID, To: pkg.ID, Kind: graph.EdgeExecutes, Confidence: conf, Pos: lock.Pos,
				Attrs: v.execAttrs(lock, eco, x)}
			v.addEdge(e)
		}
	})
}

// withLocalActions adds to a job's record the effects of the composite
// actions of its repository that its steps run (jobExec.withAction), and
// of the local actions that those use in turn (DEPENDS_ON pinned=local),
// to a depth of maxLocalDepth. An action that the job runs only on a
// possible edge adds its effects as possible ones. A called workflow of
// the repository is no action: the linker joins its jobs to the caller
// apart.
func (v *view) withLocalActions(rt graph.Node, job jobExec) jobExec {
	type visit struct {
		id, checkout string
		doubt        string // why the job may not run the action, or ""
	}
	name := func(id string) string {
		if act, ok := v.node(id); ok {
			return localActionName(act)
		}
		return id
	}
	var level []visit
	for _, e := range v.edgesFrom(graph.EdgeExecutes, rt.ID) {
		if e.Attr(graph.AttrVia) != "uses" || e.Attr("pinned") != "local" || e.Attr("reusable") == "true" {
			continue
		}
		doubt := ""
		if e.Confidence != graph.Certain {
			doubt = "no step of the job checks out a repository before " + name(e.To) + " runs"
		}
		level = append(level, visit{id: e.To, checkout: e.Attr("checkout_path"), doubt: doubt})
	}

	// found keeps the surest way to each action: a certain one when there
	// is one, else the first.
	found := map[string]visit{}
	var order []string
	for range maxLocalDepth {
		var next []visit
		for _, at := range level {
			if prev, seen := found[at.id]; seen && (prev.doubt == "" || at.doubt != "") {
				continue
			} else if !seen {
				order = append(order, at.id)
			}
			found[at.id] = at
			for _, d := range v.edgesFrom(graph.EdgeDependsOn, at.id) {
				if d.Attr(graph.AttrVia) != "uses" || d.Attr("pinned") != "local" {
					continue
				}
				doubt := at.doubt
				if doubt == "" && d.Confidence != graph.Certain {
					doubt = "the input does not show that the version of " + name(at.id) + " the job runs uses " + name(d.To)
				}
				next = append(next, visit{id: d.To, checkout: at.checkout, doubt: doubt})
			}
		}
		level = next
	}

	for _, id := range order {
		act, ok := v.node(id)
		if !ok || act.Kind != graph.NodePackage {
			continue
		}
		at := found[id]
		job = job.withAction(readJobExec(act), localActionName(act), at.checkout, at.doubt)
	}
	return job
}

// maxLocalDepth bounds the chain of local actions that use local actions.
const maxLocalDepth = 8

// readLocalActionUses reads the DEPENDS_ON edges by which the local
// actions that jobs run use other local actions (pinned=local), to a
// depth of maxLocalDepth, for withLocalActions. The other DEPENDS_ON
// edges, a package's dependencies, stay unread.
func (v *view) readLocalActionUses(ctx context.Context, r graph.Reader) error {
	seen := map[string]bool{}
	var ids []string
	for _, es := range v.out[graph.EdgeExecutes] {
		for _, e := range es {
			if e.Attr("pinned") == "local" && !seen[e.To] {
				seen[e.To] = true
				ids = append(ids, e.To)
			}
		}
	}
	var uses []graph.Edge
	for range maxLocalDepth {
		if len(ids) == 0 {
			break
		}
		slices.Sort(ids)
		es, err := r.Expand(ctx, ids, graph.Out, graph.EdgeDependsOn)
		if err != nil {
			return err
		}
		ids = nil
		for _, e := range es {
			if e.Attr(graph.AttrVia) != "uses" || e.Attr("pinned") != "local" {
				continue
			}
			uses = append(uses, e)
			if !seen[e.To] {
				seen[e.To] = true
				ids = append(ids, e.To)
			}
		}
	}
	v.out[graph.EdgeDependsOn] = bySource(uses)
	return nil
}

// toolRun is a run of a package by a tool that prefers the project's
// installed copy: the tool, and whether an install of the project's
// packages came before it (pkgcmd.AttrAfterInstall).
type toolRun struct {
	tool         string
	afterInstall bool
}

// installedFirst returns, for a job's EXECUTES edges, the package names
// that a tool runs without a version and in the project's installed copy
// when there is one (pkgcmd.AttrPrefersInstalled).
func installedFirst(runs []graph.Edge) map[string]toolRun {
	var out map[string]toolRun
	for _, e := range runs {
		if e.Attr(graph.AttrVia) != pkgcmd.ViaToolRun || e.Attr(pkgcmd.AttrPrefersInstalled) != "true" {
			continue
		}
		if out == nil {
			out = map[string]toolRun{}
		}
		r := out[e.To]
		r.tool = e.Attr(pkgcmd.AttrTool)
		r.afterInstall = r.afterInstall || e.Attr(pkgcmd.AttrAfterInstall) == "true"
		out[e.To] = r
	}
	return out
}

// toolCopyEdge returns the EXECUTES edge from a job that runs tool name
// without a version to the version a LOCKS edge pins, when no install of
// the job covers it. The edge is possible, because a cache or an image may
// hold the project's installed packages.
func toolCopyEdge(job string, lock graph.Edge, tool, name string) graph.Edge {
	lockfile := lock.Attr(graph.AttrLockfile)
	e := graph.Edge{From: job, To: lock.To, Kind: graph.EdgeExecutes, Confidence: graph.Possible, Pos: lock.Pos}
	e.SetAttr(graph.AttrVia, pkgcmd.ViaToolRun)
	e.SetAttr(graph.AttrLockfile, lockfile)
	e.SetAttr(attrPhase, phaseRun)
	e.SetAttr(graph.AttrReason, lockfile+" pins "+graph.ReadableID(lock.To)+", and the job runs "+tool+" "+name+
		", which runs the project's installed copy in place of the registry's latest version when there is one: "+
		"the job may run this locked version instead")
	return e
}

// execAttrsKey holds the inputs of the attributes of an edge of
// linkLockfiles: the LOCKS edge's attributes (by map, which the interner
// shares between equal sets), its package, and how the job runs the
// package.
type execAttrsKey struct {
	lock           unsafe.Pointer
	pkg            string
	phase, how, by string
}

// execAttrs returns the attributes of the edge by which a job executes
// the package of a LOCKS edge. Jobs that install the same lockfile get
// one map, so the store numbers each set once instead of once per edge:
// in the generated organisation of 10,000 nodes, 19,193 such edges carry
// 2,114 distinct sets. Nothing changes a derived edge's map once it is
// made.
func (v *view) execAttrs(lock graph.Edge, eco string, x execution) map[string]string {
	k := execAttrsKey{reflect.ValueOf(lock.Attrs).UnsafePointer(), lock.To, x.phase, x.how, x.by}
	if m, ok := v.execMemo[k]; ok {
		return m
	}
	lockfile := lock.Attr(graph.AttrLockfile)
	m := make(map[string]string, 6)
	m[graph.AttrLockfile] = lockfile
	if c := lock.Attr(graph.AttrChain); c != "" {
		m[graph.AttrChain] = c
	}
	if x.phase == phaseInstall {
		m[graph.AttrInstallHook] = "true"
	}
	m[graph.AttrVia] = "install"
	m[attrPhase] = x.phase
	pkg := graph.ReadableID(lock.To)
	locked := "pins " + pkg
	if allowed := lock.Attr("range"); allowed != "" {
		locked = "requires " + pkg + " in range " + allowed
	}
	m[graph.AttrReason] = "the job installs " + eco + " dependencies" + x.by + " and " + lockfile + " " + locked + "; " + x.how
	if v.execMemo == nil {
		v.execMemo = map[execAttrsKey]map[string]string{}
	}
	v.execMemo[k] = m
	return m
}

// installReads compares the folders a job installs in with a lockfile's
// path, both relative to the repository root. It returns "" when an
// install runs in the lockfile's folder or below it, where package
// managers look for it, or when a folder is not known. Otherwise it
// returns the reason the install may not read the lockfile. The edge then
// stays as possible, because a checkout into a subfolder or a hidden cd
// can place the install elsewhere.
func installReads(dirs []string, lockfile string) string {
	if len(dirs) == 0 || lockfile == "" {
		return ""
	}
	lockDir := path.Dir(path.Clean(lockfile))
	for _, d := range dirs {
		if strings.ContainsAny(d, "$~") || path.IsAbs(d) {
			return ""
		}
		d = path.Clean(d)
		if lockDir == "." || d == lockDir || strings.HasPrefix(d, lockDir+"/") {
			return ""
		}
	}
	return fmt.Sprintf("the job installs in %s, outside the folder of %s", strings.Join(dirs, ", "), lockfile)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// linkObservedSubjects joins what access logs show a federated subject do
// to the CI jobs whose tokens carry that subject. A job whose subject
// pattern matches several logged subjects (one per tag or branch it ran
// on) gets one edge per target with the calls of all of them.
func (v *view) linkObservedSubjects() {
	var jobs []graph.Node
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr("type") == "oidc-subject" {
			jobs = append(jobs, n)
		}
	}
	type merged struct {
		edge     graph.Edge
		subjects []string
		denied   bool // every call of every subject was denied
		pushed   bool // the edge leaves the subject of a pushed workflow
	}
	byKey := map[graph.EdgeKey]*merged{}
	var order []graph.EdgeKey
	for _, n := range v.byKind[graph.NodeIdentity] {
		if n.Attr("type") != "oidc-subject-observed" {
			continue
		}
		sub := n.Attr("sub")
		// The subjects of a workflow pushed to a repository match every
		// subject of its jobs. They take a logged subject only when no
		// job of the input carries it: a workflow that is not in the
		// input requested that token.
		var matched []graph.Node
		for _, pushed := range []bool{false, true} {
			for _, j := range jobs {
				if (j.Attr(attrPushedWorkflow) == "true") == pushed && subjectMatches(j, sub) && sameIssuer(j.Attr("issuer"), n.Attr("issuer")) {
					matched = append(matched, j)
				}
			}
			if len(matched) > 0 {
				break
			}
		}
		for _, j := range matched {
			for _, obs := range v.edgesFrom(graph.EdgeObserved, n.ID) {
				edgeKey := graph.EdgeKey{From: j.ID, Kind: graph.EdgeObserved, To: obs.To}
				entry := byKey[edgeKey]
				if entry == nil {
					e := graph.Edge{From: j.ID, To: obs.To, Kind: graph.EdgeObserved, Confidence: graph.Certain,
						Pos: obs.Pos, Evidence: obs.Evidence}
					e.Attrs = copyAttrs(obs.Attrs)
					// Log files that saw the subject each list their own
					// session keys.
					for _, f := range obs.Facts {
						joinListAttrs(&e, f.Attrs)
					}
					byKey[edgeKey] = &merged{edge: e, subjects: []string{sub}, denied: obs.Attr("denied_only") == "true",
						pushed: j.Attr(attrPushedWorkflow) == "true"}
					order = append(order, edgeKey)
					continue
				}
				entry.subjects = append(entry.subjects, sub)
				entry.denied = entry.denied && obs.Attr("denied_only") == "true"
				if obs.Evidence != nil {
					if entry.edge.Evidence == nil {
						entry.edge.Evidence = obs.Evidence
					} else {
						// The first subject's evidence is shared with its
						// own edge, so the merge works on a copy.
						ev := entry.edge.Evidence.Clone()
						ev.Merge(obs.Evidence)
						entry.edge.Evidence = ev
					}
				}
				joinListAttrs(&entry.edge, obs.Attrs)
				for _, f := range obs.Facts {
					joinListAttrs(&entry.edge, f.Attrs)
				}
			}
		}
	}
	for _, edgeKey := range order {
		entry := byKey[edgeKey]
		e := entry.edge
		if entry.denied {
			e.SetAttr("denied_only", "true")
		} else if e.Attrs["denied_only"] != "" {
			delete(e.Attrs, "denied_only")
		}
		slices.Sort(entry.subjects)
		e.SetAttr("subject", graph.JoinList(entry.subjects))
		switch {
		case entry.pushed:
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the log shows subject %s, which no job of the input carries: a workflow pushed to the repository requested the token", strings.Join(entry.subjects, ", ")))
		case len(entry.subjects) == 1:
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the log shows subject %s, which this job's tokens carry", entry.subjects[0]))
		default:
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the log shows subjects %s, which this job's tokens carry", strings.Join(entry.subjects, ", ")))
		}
		v.addEdge(e)
	}
}

// joinListAttrs adds attrs to e's attributes. An attribute that differs
// between the two (session keys, refs, claims of several subjects or log
// files) keeps every value, as a list.
func joinListAttrs(e *graph.Edge, attrs map[string]string) {
	for name, value := range attrs {
		if old, ok := e.Attrs[name]; ok && old != value {
			e.SetAttr(name, graph.JoinList(append(graph.SplitList(old), graph.SplitList(value)...)))
		} else if !ok {
			e.SetAttr(name, value)
		}
	}
}

func subjectMatches(job graph.Node, sub string) bool {
	for _, s := range graph.SplitList(job.Attr("subs")) {
		if s == sub || (strings.Contains(s, "*") && awspolicy.Glob(s, sub)) {
			return true
		}
	}
	return false
}

// sameIssuer compares two OIDC issuers without scheme or trailing slash.
// An issuer may hold "*" for a part its file cannot show (a CircleCI
// organisation id), and then matches any value there.
func sameIssuer(a, b string) bool {
	host := func(s string) string {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		return strings.TrimSuffix(s, "/")
	}
	ha, hb := host(a), host(b)
	return ha == hb || (strings.Contains(ha, "*") && awspolicy.Glob(ha, hb)) || (strings.Contains(hb, "*") && awspolicy.Glob(hb, ha))
}

func copyAttrs(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// node returns the node with the given id that the graph holds.
func (v *view) node(id string) (graph.Node, bool) {
	if n := v.nodes[id]; n != nil {
		return *n, true
	}
	return graph.Node{}, false
}

// get returns the node with the given id, or a node without an id or
// attributes when the graph holds none.
func (v *view) get(id string) graph.Node {
	n, _ := v.node(id)
	return n
}
