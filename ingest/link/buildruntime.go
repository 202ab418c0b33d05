package link

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// Values of the via attribute of the DEPENDS_ON edges from a Dockerfile
// that the dockerfile reader writes, as linkBuildRuntimes reads them.
const (
	viaBaseImage = "base-image"
	viaMountFrom = "mount-from"
	viaCopyFrom  = "copy-from"
)

// imageBuilds returns the Runtimes of the image builds of CI jobs
// (graph.RuntimeImageBuild).
func (v *view) imageBuilds() []graph.Node {
	var out []graph.Node
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == graph.RuntimeImageBuild && rt.Attr("dockerfile_id") != "" {
			out = append(out, rt)
		}
	}
	return out
}

// readBuildRuntimes adds the build context of each image build to the
// contexts of its Dockerfile, or of the stages it may build
// (builtImages), as readImageBuilds does for pushed images.
// It also reads the DEPENDS_ON edges of those Dockerfiles: their base
// images and the packages their RUN instructions install by name.
func (v *view) readBuildRuntimes(ctx context.Context, r graph.Reader) error {
	builds := v.imageBuilds()
	if len(builds) == 0 {
		return nil
	}
	if v.buildContexts == nil {
		v.buildContexts = map[string][]string{}
	}

	var ids []string
	seen := map[string]bool{}
	for _, b := range builds {
		c := b.Attr(graph.AttrBuildContext)
		for _, built := range v.builtImages(b) {
			df := built.node.ID
			if c != "" && !slices.Contains(v.buildContexts[df], c) {
				v.buildContexts[df] = append(v.buildContexts[df], c)
				slices.Sort(v.buildContexts[df])
			}
			if !seen[df] {
				seen[df] = true
				ids = append(ids, df)
			}
		}
	}
	slices.Sort(ids)

	es, err := r.Expand(ctx, ids, graph.Out, graph.EdgeDependsOn)
	if err != nil {
		return err
	}
	v.dockerfileDeps = map[string][]graph.Edge{}
	for _, e := range es {
		if strings.HasPrefix(e.From, "dockerfile:") {
			v.dockerfileDeps[e.From] = append(v.dockerfileDeps[e.From], e)
		}
	}
	return nil
}

// buildIndex contains the derived edges that linkBuildRuntimes reads:
// the installs of Dockerfiles (linkImageBuilds), the runner hosts of the
// jobs that run builds, and the exposures of those jobs and hosts.
type buildIndex struct {
	installs map[string][]graph.Edge // DEPENDS_ON edges with via=install, by Dockerfile
	exposes  map[string][]graph.Edge // EXPOSES edges, by runtime
	runsOn   map[string][]graph.Edge // RUNS_ON edges, by job
}

func (v *view) buildIndex(builds []graph.Node) buildIndex {
	jobs := map[string]bool{}
	for _, b := range builds {
		jobs[b.Attr(graph.AttrJob)] = true
	}
	idx := buildIndex{installs: map[string][]graph.Edge{}, exposes: map[string][]graph.Edge{}, runsOn: map[string][]graph.Edge{}}
	var hosts []graph.Edge
	for _, e := range v.derivedEdges {
		switch {
		case e.Kind == graph.EdgeDependsOn && e.Attr(graph.AttrVia) == "install" && strings.HasPrefix(e.From, "dockerfile:"):
			idx.installs[e.From] = append(idx.installs[e.From], e)
		case e.Kind == graph.EdgeRunsOn && jobs[e.From]:
			idx.runsOn[e.From] = append(idx.runsOn[e.From], e)
			hosts = append(hosts, e)
		}
	}
	on := map[string]bool{}
	for _, h := range hosts {
		on[h.To] = true
	}
	for _, e := range v.derivedEdges {
		if e.Kind == graph.EdgeExposes && (jobs[e.From] || on[e.From]) {
			idx.exposes[e.From] = append(idx.exposes[e.From], e)
		}
	}
	return idx
}

// exposesOf returns the EXPOSES edges of a runtime, read and derived.
func (idx buildIndex) exposesOf(v *view, id string) []graph.Edge {
	return append(slices.Clip(v.edgesFrom(graph.EdgeExposes, id)), idx.exposes[id]...)
}

// linkBuildRuntimes links each image build of a CI job, a Runtime of its
// own. The build runs its Dockerfile's RUN instructions in a container
// that gets only what the job passes to it, not the job's environment.
// Those are the instructions of the stage it targets and the stages that
// stage uses (builtImages). A build whose target a variable names gets
// the edges of every stage, possible.
//
// The build EXECUTES the packages that its Dockerfile installs from the
// lockfiles in its context (the DEPENDS_ON edges of linkImageBuilds), by
// the rules of linkLockfiles. A package with an install script runs at
// install time, unless every install of its ecosystem turns scripts off.
// Any package runs at run time when a RUN runs the project's code. The
// build also EXECUTES its base images at run time, and the packages a RUN
// installs by name when they have an install script.
//
// The build EXPOSES each secret of the job that it receives as a build
// argument or a BuildKit secret (graph.AttrBuildInputs). The edge goes to
// the target of the job's own edge, certain when the Dockerfile declares
// the ARG or mounts the secret, or the ARG is a proxy argument that
// Docker predefines, else possible. On a self-hosted runner the
// build possibly EXPOSES the host's metadata credentials too, because its
// RUN instructions share the host's network. The job's other secrets stay
// out of the build's reach.
func (v *view) linkBuildRuntimes() {
	builds := v.imageBuilds()
	if len(builds) == 0 {
		return
	}
	idx := v.buildIndex(builds)
	for _, b := range builds {
		for _, built := range v.builtImages(b) {
			// The CI readers write a Dockerfile's node without its
			// stages when the input does not contain the file.
			hasDockerfile := built.node.Attr("stages") != ""
			v.linkBuildExecutions(b, built, idx)
			v.linkBuildArgBases(b, built)
			v.linkBuildInputs(b, built, hasDockerfile, idx)
		}
		v.linkBuildHost(b, idx)
	}
}

// buildExec reads how a Dockerfile's RUN instructions install and run
// packages, in the form that linkLockfiles reads for a job.
func buildExec(df graph.Node) jobExec {
	installs := graph.SplitList(df.Attr(pkgcmd.AttrInstalls))
	return jobExec{
		own:             installs,
		certainInstalls: installs,
		installs:        installs,
		scriptsOff:      graph.SplitList(df.Attr(pkgcmd.AttrScriptsOff)),
		devOff:          graph.SplitList(df.Attr(pkgcmd.AttrDevOff)),
		devOffBerry:     graph.SplitList(df.Attr(pkgcmd.AttrDevOffBerry)),
		runs:            graph.SplitList(df.Attr(graph.AttrBuildRunsCode)),
		runsVia:         df.Attr(graph.AttrBuildRunsCodeVia),
		mayRun:          graph.SplitList(df.Attr(graph.AttrBuildMayRunCode)),
		mayRunVia:       df.Attr(graph.AttrBuildMayRunCodeVia),
	}
}

// buildWords rewords a reason of linkLockfiles, written of a job, for a
// build.
var buildWords = strings.NewReplacer("the job", "the build", "The job", "The build")

func (v *view) linkBuildExecutions(b graph.Node, built builtImage, idx buildIndex) {
	df := built.node
	ctx := b.Attr(graph.AttrBuildContext)
	file := dockerfileName(df)
	x := buildExec(df)
	for _, dep := range idx.installs[df.ID] {
		if dep.Attr(graph.AttrBuildContext) != ctx {
			continue
		}
		pkg, ok := v.node(dep.To)
		if !ok {
			continue
		}
		eco := ecosystemOf[pkg.Attr("ecosystem")]
		run, ok := x.execution(eco, pkg.Attr(graph.AttrInstallHook) == "true")
		if !ok {
			continue
		}
		lockfile := dep.Attr("installed_from")
		e := graph.Edge{From: b.ID, To: pkg.ID, Kind: graph.EdgeExecutes, Confidence: dep.Confidence.Weaker(run.conf).Weaker(built.conf), Pos: dep.Pos}
		e.SetAttr(graph.AttrVia, "install")
		e.SetAttr(attrPhase, run.phase)
		if run.phase == phaseInstall {
			e.SetAttr(graph.AttrInstallHook, "true")
		}
		e.SetAttr(graph.AttrLockfile, lockfile)
		e.SetAttr(graph.AttrBuildContext, ctx)
		e.SetAttr(graph.AttrReason, fmt.Sprintf("the build runs the RUN instruction at line %s of %s, which installs %s dependencies from %s, and %s pins %s; %s%s",
			dep.Attr("run_line"), file, eco, lockfile, lockfile, graph.ReadableID(pkg.ID), buildWords.Replace(run.how), built.doubt))
		v.addEdge(e)
	}
	for _, dep := range v.dockerfileDeps[df.ID] {
		e := graph.Edge{From: b.ID, To: dep.To, Kind: graph.EdgeExecutes, Confidence: dep.Confidence.Weaker(built.conf), Pos: dep.Pos}
		switch via := dep.Attr(graph.AttrVia); via {
		case viaBaseImage, viaMountFrom, viaCopyFrom:
			if via == viaCopyFrom {
				e.Confidence = graph.Possible
			}
			e.SetAttr(graph.AttrVia, via)
			e.SetAttr(attrPhase, phaseRun)
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the build runs the RUN instructions of %s on the files of %s: %s%s", file, graph.ReadableID(dep.To), dep.Attr(graph.AttrReason), built.doubt))
		default:
			pkg, ok := v.node(dep.To)
			if !ok || pkg.Attr(graph.AttrInstallHook) != "true" || dep.Attr(graph.AttrReason) == "" {
				continue
			}
			e.SetAttr(graph.AttrVia, "install")
			e.SetAttr(attrPhase, phaseInstall)
			e.SetAttr(graph.AttrInstallHook, "true")
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the build runs %s, whose install script runs there: %s%s", file, dep.Attr(graph.AttrReason), built.doubt))
		}
		v.addEdge(e)
	}
}

// linkBuildInputs gives a build the job's secrets that it receives.
func (v *view) linkBuildInputs(b graph.Node, built builtImage, hasDockerfile bool, idx buildIndex) {
	df := built.node
	inputs := graph.SplitList(b.Attr(graph.AttrBuildInputs))
	if len(inputs) == 0 {
		return
	}
	job := b.Attr(graph.AttrJob)
	jobExposes := idx.exposesOf(v, job)
	runArgs := graph.SplitList(df.Attr(graph.AttrRunArgs))
	mounts := graph.SplitList(df.Attr(graph.AttrSecretMounts))
	logins := argLogins(df)
	file := b.Attr(graph.AttrDockerfile)
	for _, in := range inputs {
		via, rest, ok := strings.Cut(in, ":")
		key, name, ok2 := strings.Cut(rest, "=")
		if !ok || !ok2 {
			continue
		}
		conf, input := graph.Certain, ""
		switch via {
		case graph.BuildViaArg:
			input = "build argument " + key
			if !contains(runArgs, key) && !proxyArgs[key] {
				conf = graph.Possible
			}
		case graph.BuildViaSecret:
			input = "BuildKit secret " + key
			if !contains(mounts, key) {
				conf = graph.Possible
			}
		default:
			continue
		}
		reads := ", and a stage of " + file + " declares the ARG, so its RUN instructions read it as a variable"
		if via == graph.BuildViaArg && proxyArgs[key] && !contains(runArgs, key) {
			reads = ", which Docker passes to every RUN instruction without an ARG line"
		}
		if via == graph.BuildViaSecret {
			reads = ", and a RUN instruction of " + file + " mounts it"
		}
		switch {
		case !hasDockerfile:
			conf = graph.Possible
			reads = "; possible: the input does not contain " + file + ", so no RUN instruction is known to read it"
		case conf == graph.Possible && via == graph.BuildViaArg:
			reads = "; possible: no stage the image is built from declares ARG " + key + ", which a RUN instruction needs to read it"
		case conf == graph.Possible:
			reads = "; possible: no RUN instruction of " + file + " mounts secret " + key
		}
		if built.conf == graph.Possible && conf == graph.Certain {
			conf, reads = graph.Possible, reads+built.doubt
		}
		for _, je := range jobExposes {
			if !jobSecretNamed(job, je, name) {
				continue
			}
			e := graph.Edge{From: b.ID, To: je.To, Kind: graph.EdgeExposes, Confidence: je.Confidence.Weaker(conf), Pos: b.Pos}
			e.SetAttr(graph.AttrVia, via)
			e.SetAttr(graph.AttrName, key)
			e.SetAttr(graph.AttrReason, fmt.Sprintf("job %s passes secret %s to the build as %s%s", job, name, input, reads))
			v.addEdge(e)
			if via == graph.BuildViaArg && hasDockerfile {
				for _, l := range logins[key] {
					v.buildArgLogin(je.To, name, key, file, l, e.Confidence)
				}
			}
		}
	}
}

// proxyArgs are the build arguments that Docker predefines: every RUN
// instruction reads them as variables without an ARG line.
var proxyArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// jobSecretNamed reports whether a job's EXPOSES edge is the one by which
// it reads its secret of that name: the edge's name attribute, or the
// job's own token for GITHUB_TOKEN and CI_JOB_TOKEN.
func jobSecretNamed(job string, e graph.Edge, name string) bool {
	switch {
	case name == "GITHUB_TOKEN":
		return e.To == graph.GHATokenID(job)
	case name == "CI_JOB_TOKEN":
		return e.To == graph.GitLabJobTokenID(job)
	case strings.HasPrefix(job, "runtime:gha:"):
		return strings.EqualFold(e.Attr(graph.AttrName), name)
	}
	return e.Attr(graph.AttrName) == name
}

// linkBuildHost gives a build the metadata credentials of the runner
// hosts that its job runs on, because its RUN instructions share the
// host's network.
func (v *view) linkBuildHost(b graph.Node, idx buildIndex) {
	for _, on := range idx.runsOn[b.Attr(graph.AttrJob)] {
		host, _ := v.node(on.To)
		label := host.Label
		if label == "" {
			label = on.To
		}
		for _, x := range idx.exposesOf(v, on.To) {
			if x.Attr(graph.AttrVia) != "metadata" {
				continue
			}
			e := graph.Edge{From: b.ID, To: x.To, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: b.Pos}
			e.SetAttr(graph.AttrVia, "metadata")
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the build's RUN instructions share the network of %s, whose metadata endpoint gives these credentials; possible: a build container may not reach it (a hop limit of 1, a blocked route)", label))
			v.addEdge(e)
		}
	}
}

// argLogin is an entry of a Dockerfile's graph.AttrArgLogins: the
// registry that a RUN instruction logs in to with a build argument.
type argLogin struct {
	eco, host string
	line      string
}

// argLogins reads a Dockerfile's graph.AttrArgLogins, by build argument.
func argLogins(df graph.Node) map[string][]argLogin {
	var out map[string][]argLogin
	for _, it := range graph.SplitList(df.Attr(graph.AttrArgLogins)) {
		arg, rest, ok := strings.Cut(it, "=")
		eco, rest, ok2 := strings.Cut(rest, "@")
		host, line, ok3 := strings.Cut(rest, "@")
		if !ok || !ok2 || !ok3 || arg == "" || host == "" {
			continue
		}
		if out == nil {
			out = map[string][]argLogin{}
		}
		out[arg] = append(out[arg], argLogin{eco: eco, host: host, line: line})
	}
	return out
}

// buildArgLogin makes a secret that a build receives as a build argument
// AUTHENTICATES_AS the account it logs in as on the registry that a RUN
// instruction writes it into a login for. That is the account that the
// CI readers give a job's .npmrc token (graph.RegistryAccountID of the
// host and the secret), so a release that publishes with the same secret
// publishes from it. conf is that of the build's EXPOSES edge to the
// secret.
func (v *view) buildArgLogin(secret, name, arg, file string, l argLogin, conf graph.Confidence) {
	account := graph.RegistryAccountID(l.host, secret)
	v.addNode(graph.Node{ID: account, Kind: graph.NodeIdentity, Label: l.host + " account of " + name, Attrs: map[string]string{
		graph.AttrProvider: "registry", "type": "registry-account", "registry": l.host, "ecosystem": l.eco,
	}})
	pos := graph.Pos{}
	if n, ok := v.node(secret); ok {
		pos = n.Pos
	}
	e := graph.Edge{From: secret, To: account, Kind: graph.EdgeAuthenticatesAs, Confidence: conf, Pos: pos}
	e.SetAttr(graph.AttrReason, fmt.Sprintf("the build receives secret %s as build argument %s, which the RUN instruction at line %s of %s writes into the %s login of %s",
		name, arg, l.line, file, l.eco, l.host))
	v.addEdge(e)
}
