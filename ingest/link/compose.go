package link

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// composeServices indexes the nodes of Compose services that build or
// name images (graph.EcosystemCompose) by the id prefix of their file,
// graph.ComposeServiceID without the service's name.
func (v *view) composeServices() map[string][]graph.Node {
	var out map[string][]graph.Node
	for _, n := range v.byKind[graph.NodePackage] {
		if n.Attr("ecosystem") != graph.EcosystemCompose {
			continue
		}
		i := strings.LastIndexByte(n.ID, '#')
		if i < 0 {
			continue
		}
		if out == nil {
			out = map[string][]graph.Node{}
		}
		out[n.ID[:i]] = append(out[n.ID[:i]], n)
	}
	return out
}

// composeFiles returns the Compose files that a command reads, as the
// id prefixes of composeServices. They are those of its Files (-f or
// COMPOSE_FILE). Without any, they are the first default file of its
// folder that the input holds services of, and the first override file
// there.
func composeFiles(cmd registry.ComposeCommand, repo string, index map[string][]graph.Node) []string {
	prefix := func(file string) string { return composeFilePrefix(repo, file) }
	if len(cmd.Files) > 0 {
		var out []string
		for _, f := range cmd.Files {
			out = append(out, prefix(f))
		}
		return out
	}
	var out []string
	for _, names := range [][]string{registry.ComposeDefaultFiles, registry.ComposeOverrideFiles} {
		for _, name := range names {
			if p := prefix(path.Join(cmd.Dir, name)); len(index[p]) > 0 {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// maxFileSets bounds the sets of files that composeFileSets returns for a
// command whose files a variable names, an estimate far above the
// Compose files of one folder.
const maxFileSets = 16

// fileSet is one set of Compose files that a command may read: the id
// prefixes of composeServices, and the files that stand for the
// patterns of its Files, joined by colons, or "" when it has none.
type fileSet struct {
	prefixes []string
	matched  string
}

// composeFileSets returns the sets of Compose files that a command may
// read. A command whose files are all known reads one (composeFiles).
// With registry.ComposeCommand.FilesUnknown, each pattern of its Files
// stands for each Compose file of the input that it matches, and each
// choice gives a set, up to maxFileSets. A pattern that matches no file
// is left out.
func composeFileSets(cmd registry.ComposeCommand, repo string, index map[string][]graph.Node) []fileSet {
	if !cmd.FilesUnknown {
		return []fileSet{{prefixes: composeFiles(cmd, repo, index)}}
	}
	var paths []string
	for prefix, nodes := range index {
		if strings.HasPrefix(prefix, strings.TrimSuffix(graph.ComposeServiceID(repo, "", ""), "#")) && len(nodes) > 0 {
			paths = append(paths, nodes[0].Attr("path"))
		}
	}
	slices.Sort(paths)
	sets := []fileSet{{}}
	for _, f := range cmd.Files {
		if !strings.Contains(f, "*") {
			for k := range sets {
				sets[k].prefixes = append(sets[k].prefixes, composeFilePrefix(repo, f))
			}
			continue
		}
		var next []fileSet
		for _, set := range sets {
			for _, p := range paths {
				if ok, _ := path.Match(f, p); !ok || len(next) >= maxFileSets {
					continue
				}
				matched := p
				if set.matched != "" {
					matched = set.matched + ":" + p
				}
				next = append(next, fileSet{prefixes: append(slices.Clone(set.prefixes), composeFilePrefix(repo, p)), matched: matched})
			}
		}
		if len(next) > 0 {
			sets = next
		}
	}
	return sets
}

// composeFilePrefix returns the id prefix of composeServices of a file.
func composeFilePrefix(repo, file string) string {
	return strings.TrimSuffix(graph.ComposeServiceID(repo, path.Clean(file), ""), "#")
}

// dotenvSettings returns a command with the files and profiles that the
// .env file of its project directory chooses (graph.AttrDotenvComposeFile,
// graph.AttrDotenvComposeProfiles, on the services of the Compose files
// there), where neither its options nor its environment choose them.
func dotenvSettings(cmd registry.ComposeCommand, repo string, index map[string][]graph.Node) registry.ComposeCommand {
	if cmd.NoDotenv || len(cmd.Files) > 0 && (len(cmd.Profiles) > 0 || cmd.AllProfiles) {
		return cmd
	}
	var svc graph.Node
	found := false
	for _, prefix := range slices.Sorted(maps.Keys(index)) {
		for _, n := range index[prefix] {
			if path.Dir(n.Attr("path")) != cmd.Dir || !strings.HasPrefix(prefix, strings.TrimSuffix(graph.ComposeServiceID(repo, "", ""), "#")) {
				continue
			}
			if n.Attr(graph.AttrDotenvComposeFile) != "" || n.Attr(graph.AttrDotenvComposeProfiles) != "" {
				svc, found = n, true
				break
			}
		}
		if found {
			break
		}
	}
	if !found {
		return cmd
	}
	if v := svc.Attr(graph.AttrDotenvComposeFile); v != "" && len(cmd.Files) == 0 {
		sep := svc.Attr(graph.AttrDotenvComposeSeparator)
		if sep == "" {
			sep = ":"
		}
		var files []string
		for _, f := range strings.Split(v, sep) {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			p := path.Join(cmd.Dir, f)
			if path.IsAbs(f) || p == ".." || strings.HasPrefix(p, "../") {
				return cmd
			}
			files = append(files, p)
		}
		cmd.Files = files
	}
	if v := svc.Attr(graph.AttrDotenvComposeProfiles); v != "" && len(cmd.Profiles) == 0 && !cmd.AllProfiles {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "*" {
				cmd.AllProfiles = true
			} else if p != "" {
				cmd.Profiles = append(cmd.Profiles, p)
			}
		}
	}
	return cmd
}

// selectedServices returns the services with a build that a command
// acts on, by name. They are those it names, with those they depend on
// when the command starts or builds them too
// (registry.ComposeCommand.Dependencies). A command that names none acts
// on all of its files' services whose profiles it enables (enabled). A service of a later file
// replaces one of the same name of an earlier file, as Compose merges
// them. A service without a build is left out.
func selectedServices(cmd registry.ComposeCommand, repo string, files []string, index map[string][]graph.Node) []graph.Node {
	byName := map[string]graph.Node{}
	for _, f := range files {
		for _, n := range index[f] {
			name := n.Attr(graph.AttrComposeService)
			if base, ok := byName[name]; ok {
				n = mergeService(base, n)
			}
			byName[name] = n
		}
	}
	names := cmd.Services
	if len(names) == 0 {
		for name, n := range byName {
			if enabled(cmd, n) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
	} else if cmd.Dependencies {
		names = withDependencies(names, byName)
	}
	var out []graph.Node
	for _, name := range names {
		n, ok := byName[name]
		if !ok || n.Attr("dockerfile_id") == "" {
			continue
		}
		if n, ok = placeBuild(n, cmd.BaseDir(), repo); ok {
			out = append(out, n)
		}
	}
	return out
}

// readComposeBuilds adds an image build (graph.RuntimeImageBuild) for
// each service that a CI job's Compose command builds
// (graph.AttrComposeCommands). The build has the Dockerfile, context,
// target and inputs of the service's node, so linkBuildRuntimes links it
// as it links a build that a CI reader wrote. The job CAN_MODIFY the
// build. It runs before readImageBuilds and readBuildRuntimes, which read
// the builds.
//
// The build receives the job's variables that the service's build
// arguments and secrets read, under the names of the job's secrets that
// give them (registry.ComposeCommand.Vars).
//
// An image that a push command pushes (docker compose push, or build
// --push) after the job built its service DEPENDS_ON the Dockerfile, or
// the stage the service targets, certain, or possible after a build that
// runs only when the runner lacks the image (graph.AttrMayBuild). Each identity that the job's
// logins to the image's registry act as (registry.ComposePublisher) can
// publish every image that a push command pushes, built in the job or
// not.
func (v *view) readComposeBuilds() {
	index := v.composeServices()
	if len(index) == 0 {
		return
	}
	var added []graph.Node
	for _, job := range v.byKind[graph.NodeRuntime] {
		cmds := registry.DecodeCompose(job.Attr(graph.AttrComposeCommands))
		if len(cmds) == 0 {
			continue
		}
		repo := graph.CheckoutRepoIDOf(job)
		built := map[string]graph.Node{} // service name, and the files that patterns matched -> the job's latest build of it
		for _, cmd := range cmds {
			cmd = dotenvSettings(cmd, repo, index)
			for _, set := range composeFileSets(cmd, repo, index) {
				for _, svc := range selectedServices(cmd, repo, set.prefixes, index) {
					svc = v.envImage(svc, cmd)
					key := svc.Attr(graph.AttrComposeService)
					if set.matched != "" {
						key += "@" + set.matched
					}
					if cmd.Builds {
						rt := v.composeBuild(job, cmd, svc, key)
						v.addComposeVars(job.ID, serviceInputs(svc, cmd), cmd)
						added = append(added, rt)
						built[key] = rt
					}
					if cmd.Pushes && svc.Attr("image") != "" {
						if rt, ok := built[key]; ok {
							v.composePush(job, cmd, svc, rt)
						}
						v.composePublish(job, cmd, svc)
					}
				}
			}
		}
	}
	for _, rt := range added {
		if _, ok := v.nodes[rt.ID]; ok {
			continue
		}
		v.byKind[graph.NodeRuntime] = append(v.byKind[graph.NodeRuntime], rt)
		n := rt
		v.nodes[rt.ID] = &n
	}
}

// envImage returns a service whose image name reads a variable
// (graph.AttrComposeImage) with the name that Compose gives it for a
// command: the command's environment (registry.ComposeCommand.Env)
// comes before the project's .env (graph.AttrComposeImageDotenv), which
// counts only when the command reads it. The service keeps its node's
// name when neither changes a variable of the name. A name that then
// has no registry host or owner, or whose registry or path a variable
// of unknown value gives, leaves the service without an image to push.
func (v *view) envImage(svc graph.Node, cmd registry.ComposeCommand) graph.Node {
	raw := svc.Attr(graph.AttrComposeImage)
	if raw == "" {
		return svc
	}
	dotenv := graph.SplitList(svc.Attr(graph.AttrComposeImageDotenv))
	changed := cmd.NoDotenv && len(dotenv) > 0
	names := registry.ComposeVariables(raw)
	for _, n := range names {
		if _, ok := cmd.Env[n]; ok {
			changed = true
		}
	}
	if !changed {
		return svc
	}

	vars := map[string]string{}
	if !cmd.NoDotenv {
		for _, kv := range dotenv {
			if k, val, ok := strings.Cut(kv, "="); ok {
				vars[k] = val
			}
		}
	}
	for _, n := range names {
		if val, ok := cmd.Env[n]; ok {
			vars[n] = val
		}
	}
	attrs := maps.Clone(svc.Attrs)
	delete(attrs, "image")
	svc.Attrs = attrs
	expanded := registry.ExpandCompose(raw, vars)
	ref, ok := image.Parse(expanded)
	if strings.Contains(expanded, "$") {
		ref, ok = image.ParseComputedVersion(strings.ReplaceAll(expanded, "$$", "$"))
	}
	if !ok || ref.Registry == "" && !strings.Contains(ref.Path, "/") {
		return svc
	}
	attrs["image"] = ref.PURL(false)
	v.addNode(graph.Node{ID: attrs["image"], Kind: graph.NodePackage, Label: ref.Name(), Pos: svc.Pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name()}})
	return svc
}

// withDependencies returns the services named and those they depend on
// (graph.AttrComposeDependsOn), directly or through others, each once.
func withDependencies(names []string, byName map[string]graph.Node) []string {
	out := slices.Clone(names)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	for i := 0; i < len(out); i++ {
		for _, dep := range graph.SplitList(byName[out[i]].Attr(graph.AttrComposeDependsOn)) {
			if !seen[dep] {
				seen[dep] = true
				out = append(out, dep)
			}
		}
	}
	return out
}

// enabled reports whether a command that names no service acts on a
// service: one without profiles, or with a profile that the command
// enables. A profile that a variable names counts as enabled, since its
// value is not in the input.
func enabled(cmd registry.ComposeCommand, svc graph.Node) bool {
	profiles := graph.SplitList(svc.Attr(graph.AttrComposeProfiles))
	if len(profiles) == 0 || cmd.AllProfiles {
		return true
	}
	for _, p := range profiles {
		if strings.Contains(p, "$") || slices.Contains(cmd.Profiles, p) {
			return true
		}
	}
	return false
}

// placeBuild sets a service's build context and Dockerfile from the paths
// its files write (graph.AttrComposeContext, graph.AttrComposeDockerfile),
// which Compose reads from base, the project directory, whatever file
// wrote them. It reports false for a context outside the repository. A
// service that an include key brings in keeps its build, which its own
// project directory placed.
func placeBuild(svc graph.Node, base, repo string) (graph.Node, bool) {
	if svc.Attr(graph.AttrComposeInclude) != "" {
		return svc, true
	}
	context, dockerfile := svc.Attr(graph.AttrComposeContext), svc.Attr(graph.AttrComposeDockerfile)
	if context == "" {
		context = "."
	}
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	ctxPath := path.Join(base, context)
	filePath := path.Join(ctxPath, dockerfile)
	for _, p := range []string{ctxPath, filePath} {
		if p == ".." || strings.HasPrefix(p, "../") {
			return graph.Node{}, false
		}
	}
	if ctxPath == svc.Attr(graph.AttrBuildContext) && filePath == svc.Attr(graph.AttrDockerfile) {
		return svc, true
	}
	attrs := make(map[string]string, len(svc.Attrs))
	for k, val := range svc.Attrs {
		attrs[k] = val
	}
	attrs[graph.AttrBuildContext] = ctxPath
	attrs[graph.AttrDockerfile] = filePath
	attrs["dockerfile_id"] = graph.DockerfileID(repo, filePath)
	svc.Attrs = attrs
	return svc, true
}

// mergeService returns the node of a service that a later Compose file
// overrides: the later file's attributes replace the earlier file's, and
// those it leaves out are kept. A target or build argument that only the
// earlier file sets is kept too, as Compose merges the two. Compose
// appends the later file's lists to the earlier file's, so the services
// it depends on and its profiles add up.
func mergeService(base, over graph.Node) graph.Node {
	attrs := make(map[string]string, len(base.Attrs)+len(over.Attrs))
	for k, val := range base.Attrs {
		attrs[k] = val
	}
	for k, val := range over.Attrs {
		switch k {
		case graph.AttrBuildInputs, graph.AttrBuildArgValues, graph.AttrComposeDependsOn, graph.AttrComposeProfiles:
			attrs[k] = graph.JoinList(append(graph.SplitList(attrs[k]), graph.SplitList(val)...))
		default:
			attrs[k] = val
		}
	}
	if attrs[graph.AttrBuildTarget] != "" && over.Attrs[graph.AttrBuildTargetUnknown] == "true" {
		delete(attrs, graph.AttrBuildTarget)
	}
	if over.Attrs[graph.AttrBuildTarget] != "" {
		delete(attrs, graph.AttrBuildTargetUnknown)
	}
	over.Attrs = attrs
	return over
}

// composeBuild adds the Runtime of a service's build that a job's Compose
// command runs, and returns it. key names the service in the build's id:
// its name, and the files that the patterns of the command's files
// matched, if any.
func (v *view) composeBuild(job graph.Node, cmd registry.ComposeCommand, svc graph.Node, key string) graph.Node {
	name := svc.Attr(graph.AttrComposeService)
	file := svc.Attr(graph.AttrDockerfile)
	id := graph.ComposeBuildID(job.ID, cmd.Line, key)
	attrs := map[string]string{
		graph.AttrProvider:       job.Attr(graph.AttrProvider),
		"type":                   graph.RuntimeImageBuild,
		graph.AttrRepository:     job.Attr(graph.AttrRepository),
		graph.AttrJob:            job.ID,
		graph.AttrJobType:        job.Attr("type"),
		"dockerfile_id":          svc.Attr("dockerfile_id"),
		graph.AttrDockerfile:     file,
		graph.AttrBuildContext:   svc.Attr(graph.AttrBuildContext),
		graph.AttrBuildInputs:    graph.JoinList(composeInputs(serviceInputs(svc, cmd), cmd)),
		graph.AttrBuildArgValues: svc.Attr(graph.AttrBuildArgValues),
		"compose_file":           svc.Attr("path"),
		graph.AttrComposeService: name,
	}
	// With pull_policy: build, Compose builds the image even when the
	// runner has it.
	mayBuild := cmd.MayBuild && svc.Attr(graph.AttrComposePullPolicy) != "build"
	if mayBuild {
		attrs[graph.AttrMayBuild] = "true"
	}
	if cmd.FilesUnknown {
		attrs[attrComposeFilesUnknown] = "true"
	}

	for _, k := range []string{graph.AttrRepositoryHost, graph.AttrCheckoutHost, "server"} {
		if val := job.Attr(k); val != "" {
			attrs[k] = val
		}
	}
	for _, k := range []string{graph.AttrBuildTarget, graph.AttrBuildTargetUnknown} {
		if val := svc.Attr(k); val != "" {
			attrs[k] = val
		}
	}
	for k, val := range attrs {
		if val == "" {
			delete(attrs, k)
		}
	}

	pos := job.Pos
	pos.Line = cmd.Line
	rt := graph.Node{ID: id, Kind: graph.NodeRuntime, Pos: pos, Attrs: attrs,
		Label: fmt.Sprintf("image build of %s (service %s of %s) at line %d in %s", file, name, svc.Attr("path"), cmd.Line, job.Label)}
	v.addNode(rt)
	e := graph.Edge{From: job.ID, To: id, Kind: graph.EdgeCanModify, Confidence: graph.Certain, Pos: pos}
	e.SetAttr(graph.AttrVia, "build")
	e.SetAttr(graph.AttrReason, fmt.Sprintf("the job runs the build with Docker Compose: service %s of %s builds %s with context %s, and the job's variables give the arguments and secrets the build receives",
		name, svc.Attr("path"), file, svc.Attr(graph.AttrBuildContext)))
	if mayBuild {
		e.Confidence = graph.Possible
		e.SetAttr(graph.AttrReason, fmt.Sprintf("the job starts service %s of %s with Docker Compose, which builds %s with context %s when the runner does not have the service's image, as a fresh runner does not",
			name, svc.Attr("path"), file, svc.Attr(graph.AttrBuildContext)))
	}
	if cmd.FilesUnknown {
		e.Confidence = graph.Possible
		e.SetAttr(graph.AttrReason, e.Attr(graph.AttrReason)+fmt.Sprintf("; possible: a variable that the input does not set names the Compose files (%s), and %s may be one of them",
			strings.Join(cmd.Files, ", "), svc.Attr("path")))
	}
	v.addEdge(e)
	return rt
}

// attrComposeFilesUnknown is "true" on a Compose build whose command's
// files a variable names (registry.ComposeCommand.FilesUnknown).
const attrComposeFilesUnknown = "compose_files_unknown"

// serviceInputs returns the graph.AttrBuildInputs entries of a service's
// build that a command runs: the service's own and the command's
// --build-arg options.
func serviceInputs(svc graph.Node, cmd registry.ComposeCommand) []string {
	return append(graph.SplitList(svc.Attr(graph.AttrBuildInputs)), cmd.Inputs...)
}

// composeInputs maps the graph.AttrBuildInputs entries of a service,
// VIA:KEY=VARIABLE, to the job's secrets that give each variable in the
// command's environment. A variable that the command's Vars leave out
// keeps its name, unless they are the whole environment (EnvKnown).
func composeInputs(inputs []string, cmd registry.ComposeCommand) []string {
	var out []string
	for _, in := range inputs {
		head, variable, ok := strings.Cut(in, "=")
		names, mapped := cmd.Vars[variable]
		if !ok || !mapped && !cmd.EnvKnown {
			out = append(out, in)
			continue
		}
		for _, n := range names {
			out = append(out, head+"="+n)
		}
	}
	return out
}

// composePush links the image that a job's Compose command pushes to the
// node of the image that the job's build of the service made.
func (v *view) composePush(job graph.Node, cmd registry.ComposeCommand, svc graph.Node, rt graph.Node) {
	img := svc.Attr("image")
	ctx, file := svc.Attr(graph.AttrBuildContext), svc.Attr(graph.AttrDockerfile)
	to := svc.Attr("dockerfile_id")
	kind := file
	if t := svc.Attr(graph.AttrBuildTarget); t != "" {
		// The stage's node is missing when the target is the last stage
		// of a Dockerfile that placeBuild moved, whose node is the image.
		_, hasStage := v.node(graph.DockerfileStageID(to, t))
		if df, ok := v.node(to); hasStage || !ok || df.Attr("last_stage") != t {
			to = graph.DockerfileStageID(to, t)
		}
		kind = "stage " + t + " of " + file
	}
	pos := job.Pos
	pos.Line = cmd.Line
	e := graph.Edge{From: img, To: to, Kind: graph.EdgeDependsOn, Confidence: graph.Certain, Pos: pos}
	if svc.Attr(graph.AttrBuildTargetUnknown) == "true" {
		e.Confidence = graph.Possible
		e.SetAttr(graph.AttrBuildTargetUnknown, "true")
	}
	e.SetAttr(graph.AttrBuildContext, ctx)
	e.SetAttr(graph.AttrDockerfile, file)
	if t := svc.Attr(graph.AttrBuildTarget); t != "" {
		e.SetAttr(graph.AttrBuildTarget, t)
	}
	e.SetAttr(graph.AttrReason, fmt.Sprintf("job %s builds %s with context %s for service %s of %s (%s) and pushes the image with Docker Compose",
		job.Label, kind, ctx, svc.Attr(graph.AttrComposeService), svc.Attr("path"), rt.ID))
	if rt.Attr(graph.AttrMayBuild) == "true" {
		// Without --build, Compose pulls the image, or uses the runner's,
		// and builds it only when it finds none.
		e.Confidence = graph.Possible
		e.SetAttr(graph.AttrReason, fmt.Sprintf("job %s may build %s with context %s for service %s of %s (%s), which Compose does only when it finds no image to use, and pushes the image with Docker Compose",
			job.Label, kind, ctx, svc.Attr(graph.AttrComposeService), svc.Attr("path"), rt.ID))
	}

	if rt.Attr(attrComposeFilesUnknown) == "true" || cmd.FilesUnknown {
		e.Confidence = graph.Possible
		e.SetAttr(graph.AttrReason, e.Attr(graph.AttrReason)+"; possible: a variable that the input does not set names the Compose files, so the service may be another file's")
	}
	v.addEdge(e)
}

// composePublish gives CAN_PUBLISH to the image of a service that a job's
// Compose command pushes from each identity that the job's logins to the
// image's registry act as.
func (v *view) composePublish(job graph.Node, cmd registry.ComposeCommand, svc graph.Node) {
	img := svc.Attr("image")
	if _, ok := v.node(img); !ok && !v.seenNodes[img] {
		return
	}
	host := registry.DockerHub
	if _, q, ok := strings.Cut(img, "?repository_url="); ok {
		q, _, _ = strings.Cut(q, "&")
		if u, err := url.QueryUnescape(q); err == nil {
			host = registry.NormalHost(u)
		}
	}
	pos := job.Pos
	pos.Line = cmd.Line
	for _, p := range cmd.Publishers {
		if p.Host != host {
			continue
		}
		if _, ok := v.node(p.ID); !ok {
			continue
		}
		e := graph.Edge{From: p.ID, To: img, Kind: graph.EdgeCanPublish, Confidence: graph.Certain, Pos: pos}
		if p.Possible || cmd.FilesUnknown {
			// With FilesUnknown, the image may be another file's.
			e.Confidence = graph.Possible
		}
		e.SetAttr(graph.AttrReason, fmt.Sprintf("%s; the push of service %s of %s pushes this image (job %s)",
			p.Reason, svc.Attr(graph.AttrComposeService), svc.Attr("path"), job.Label))
		v.addEdge(e)
	}
}

// addComposeVars records the variables of a job's environment that a
// Compose build reads: those of its inputs that no secret of the job's
// step gives (registry.ComposeCommand.Vars).
func (v *view) addComposeVars(job string, inputs []string, cmd registry.ComposeCommand) {
	for _, in := range inputs {
		_, variable, ok := strings.Cut(in, "=")
		if _, mapped := cmd.Vars[variable]; !ok || mapped || cmd.EnvKnown || slices.Contains(v.composeVars[job], variable) {
			continue
		}
		if v.composeVars == nil {
			v.composeVars = map[string][]string{}
		}
		v.composeVars[job] = append(v.composeVars[job], variable)
	}
}
