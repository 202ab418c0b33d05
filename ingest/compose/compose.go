// Package compose reads Docker Compose files for the images they build.
// A service that names both an image and a build is the usual way to build
// an image and push it (docker compose build, then docker compose push).
// The image's name node DEPENDS_ON the Dockerfile it is built from, with
// the build context, as for an image that a CI job builds. The linker
// then joins the Dockerfile to the lockfiles of that context, so a locked
// package reaches the workloads that run the image.
//
// The edges are possible: the file shows how the image is built, not
// whether anyone pushes it. Only images whose name has a registry host or
// an owner (ghcr.io/acme/api, acme/api) count, because a build can only be
// pushed there: a one-word name such as postgres is an official Docker Hub
// image that the service merely tags locally.
//
// Variables in image names are expanded with the values of the .env file
// of the file's folder that may be kept (versions, tags, image names,
// paths), else to their defaults (${TAG:-1.2}). A variable without either
// leaves the tag computed, and a name that a variable forms is left out
// with a warning.
//
// A service's extends key brings in the service it names, of the same
// file or another file of the repository, and the top-level include key
// the services of other files, which are recorded as services of the
// including file. Their build contexts are read as Compose reads them:
// an extended service's from its own file's folder, an included file's
// from its project directory.
package compose

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// Parser reads Docker Compose files.
type Parser struct{}

// New returns the Compose parser.
func New() *Parser { return &Parser{} }

// Format implements ingest.Parser.
func (*Parser) Format() string { return "compose" }

// Skip implements ingest.Skipper. A project's .env file is not read on
// its own, but the readers of Compose files and of CI commands read it
// beside them. A .env in a folder without a Compose file is read by
// nothing, and its reason states that.
func (*Parser) Skip(f *ingest.File) string {
	if path.Base(strings.ReplaceAll(f.RelPath, `\`, "/")) != ".env" {
		return ""
	}
	if f.Path != "" && !composeFileIn(filepath.Dir(f.Path)) {
		return "not read: no Compose file is beside it, and no reader takes a .env file on its own, so the graph holds none of its variables"
	}
	return "not read on its own: the readers of Compose files read a .env beside them for COMPOSE_FILE, COMPOSE_PROFILES and the variables of build settings, never storing a value that may be a credential"
}

// composeFileIn reports whether the folder dir holds a file named as
// Compose files are. A folder that cannot be listed counts as holding one.
func composeFileIn(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	for _, e := range entries {
		if !e.IsDir() && fileName.MatchString(e.Name()) {
			return true
		}
	}
	return false
}

// fileName matches the names Compose looks for and their override files:
// compose.yaml, docker-compose.yml, docker-compose.prod.yml.
var fileName = regexp.MustCompile(`^(docker-)?compose(\.[A-Za-z0-9_-]+)*\.ya?ml$`)

// Detect implements ingest.Parser. It accepts the file names Compose uses
// whose head has a services or include key.
func (*Parser) Detect(f *ingest.File) bool {
	name := path.Base(strings.ReplaceAll(f.RelPath, `\`, "/"))
	if !fileName.MatchString(name) {
		return false
	}
	for _, line := range strings.Split(string(f.Head), "\n") {
		if strings.HasPrefix(line, "services:") || strings.HasPrefix(line, "include:") {
			return true
		}
	}
	return false
}

// maxSize is the size of the largest Compose file read, 8 MiB, far above
// the few kilobytes of a usual one.
const maxSize = 8 << 20

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := yamlfile.ReadAll(f, maxSize)
	if err != nil {
		return err
	}
	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}
	services := deref(field(root, "services"))
	incs, varIncs := includes(root, f.RelPath)
	if (services == nil || services.Kind != yaml.MappingNode) && len(incs)+len(varIncs) == 0 {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line}, "missing services mapping")
	}
	for _, v := range varIncs {
		res.Warnf(ingest.Position{File: f.Path, Line: v.line}, "include: the file %s is named by a variable, so its services are not recorded", v.rel)
	}
	dir := path.Dir(strings.ReplaceAll(f.RelPath, `\`, "/"))
	p := newProject(f, root)
	p.vars = p.dotenv(dir)
	seen := map[string]bool{}
	if err := p.readServices(ctx, f, f.RelPath, dir, "", root, seen, res); err != nil {
		return err
	}
	chain := map[string]bool{path.Clean(f.RelPath): true}
	for _, inc := range incs {
		if err := p.readIncluded(ctx, inc, seen, chain, res); err != nil {
			return err
		}
	}
	return nil
}

// readServices reads the services of a Compose file: root is its root
// node, rel its path in the repository and dir the folder its relative
// paths start from. f gives the repository and the service nodes' file,
// and include is the file's path when an include key of f brings it in.
// seen holds the names of the services read so far, which keep the first
// definition.
func (p *project) readServices(ctx context.Context, f *ingest.File, rel, dir, include string, root *yaml.Node, seen map[string]bool, res *ingest.Result) error {
	services := deref(field(root, "services"))
	if services == nil || services.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, svc := services.Content[i].Value, deref(services.Content[i+1])
		if svc == nil || svc.Kind != yaml.MappingNode || seen[name] {
			continue
		}
		seen[name] = true
		res.Records++
		svc, problem := p.extend(svc, rel, 0)
		if problem != "" {
			res.Warnf(ingest.Position{File: f.Path, Line: svc.Line, Col: svc.Column}, "service %s: %s, so only its own keys are read", name, problem)
		}
		readService(f, dir, include, name, svc, deref(field(root, "secrets")), p.vars, res)
	}
	return nil
}

// readIncluded reads the services of a file that an include key names,
// and those of the files it includes in turn, as services of the file
// that p reads. chain holds the files whose includes lead to this one: a
// file among them closes a cycle, which Compose rejects. A file that
// another include read already is not read again, since its services
// are recorded.
func (p *project) readIncluded(ctx context.Context, inc included, seen, chain map[string]bool, res *ingest.Result) error {
	at := ingest.Position{File: p.f.Path, Line: inc.line}
	rel := path.Clean(inc.rel)
	if chain[rel] {
		res.Warnf(at, "include: %s includes itself through the files it includes, a cycle that Compose rejects, so it is read once", inc.rel)
		return nil
	}
	key := rel + "\x00" + inc.dir
	if p.included[key] {
		return nil
	}
	if len(chain) > maxDepth {
		res.Warnf(at, "include: files are followed at most %d deep, so the services of %s are not recorded", maxDepth, inc.rel)
		return nil
	}

	p.included[key] = true
	chain[rel] = true
	defer delete(chain, rel)
	root, err := p.load(inc.rel)
	if err != nil {
		res.Warnf(at, "include: the file %s is not read (%s), so its services are not recorded", inc.rel, reason(err))
		return nil
	}
	g := *p.f
	g.Path = p.fsPath(inc.rel)
	if err := p.readServices(ctx, &g, inc.rel, inc.dir, inc.rel, root, seen, res); err != nil {
		return err
	}

	nested, varIncs := includes(root, inc.rel)
	for _, v := range varIncs {
		res.Warnf(at, "include: the file %s is named by a variable in %s, so its services are not recorded", v.rel, inc.rel)
	}
	for _, n := range nested {
		n.line = inc.line
		if err := p.readIncluded(ctx, n, seen, chain, res); err != nil {
			return err
		}
	}
	return nil
}

// readService records the build of a service that has one, and the
// image it builds, when it names one. secrets is the file's top-level
// secrets mapping, or nil. include is the path of the file that an
// include key brings the service in from, or "". vars are the values of
// the project's .env file that may be kept (dotenv).
func readService(f *ingest.File, dir, include, name string, svc, secrets *yaml.Node, vars map[string]string, res *ingest.Result) {
	build, imageNode := deref(field(svc, "build")), deref(field(svc, "image"))
	imageText := ""
	if imageNode != nil && imageNode.Kind == yaml.ScalarNode {
		imageText = imageNode.Value
	}
	if build == nil {
		imageOnly(f, name, svc, imageNode, imageText, vars, res)
		return
	}
	forImage := ""
	if imageText != "" {
		forImage = " for image " + imageText
	}
	pos := func(n *yaml.Node) ingest.Position { return ingest.Position{File: f.Path, Line: n.Line, Col: n.Column} }
	at := func(n *yaml.Node) graph.Pos { return graph.Pos{File: f.Path, Line: n.Line} }

	contextDir, dockerfile := ".", "Dockerfile"
	setContext, setDockerfile := "", ""
	switch build.Kind {
	case yaml.ScalarNode:
		contextDir = expandWith(build.Value, vars)
		setContext = contextDir
	case yaml.MappingNode:
		if c := expandWith(scalar(build, "context"), vars); c != "" {
			contextDir, setContext = c, c
		}
		if d := expandWith(scalar(build, "dockerfile"), vars); d != "" {
			dockerfile, setDockerfile = d, d
		}
		if field(build, "dockerfile_inline") != nil {
			res.Warnf(pos(build), "service %s: dockerfile_inline is not read, so nothing is recorded%s", name, forImage)
			return
		}
	default:
		return
	}
	if remote(contextDir) || strings.Contains(contextDir, "$") || strings.Contains(dockerfile, "$") ||
		path.IsAbs(contextDir) || path.IsAbs(dockerfile) {
		res.Warnf(pos(build), "service %s: the build context or Dockerfile is not a folder of the repository, so nothing is recorded%s", name, forImage)
		return
	}
	ctxPath := path.Clean(path.Join(dir, contextDir))
	filePath := path.Clean(path.Join(ctxPath, dockerfile))
	if outside(ctxPath) || outside(filePath) {
		res.Warnf(pos(build), "service %s: the build context lies outside the repository, so nothing is recorded%s", name, forImage)
		return
	}

	dockerfileID := graph.DockerfileID(f.RepoID(), filePath)
	res.AddNode(graph.Node{ID: dockerfileID, Kind: graph.NodePackage, Label: f.Repo + "/" + filePath, Pos: at(build),
		Attrs: map[string]string{"ecosystem": "dockerfile", graph.AttrName: filePath, "path": filePath, graph.AttrRepository: f.Repo}})
	var b registry.Build
	if build.Kind == yaml.MappingNode {
		b.SetTarget(expandWith(scalar(build, "target"), vars))
		b.Args = buildArgs(deref(field(build, "args")))
		b.Secrets = buildSecrets(deref(field(build, "secrets")), secrets)
	}
	built := b.BuiltNode(dockerfileID)
	if built != dockerfileID {
		res.AddNode(graph.Node{ID: built, Kind: graph.NodePackage, Label: f.Repo + "/" + filePath + "#" + b.Target, Pos: at(build),
			Attrs: b.StageNodeAttrs(dockerfileID, filePath, f.Repo)})
	}
	svcAttrs := b.TargetAttrs(map[string]string{
		"ecosystem": graph.EcosystemCompose, graph.AttrName: name, "path": f.RelPath, graph.AttrComposeService: name,
		graph.AttrRepository: f.Repo, graph.AttrRepositoryHost: graph.RepoHostAttr(f.Forge()),
		"dockerfile_id": dockerfileID, graph.AttrDockerfile: filePath, graph.AttrBuildContext: ctxPath,
		graph.AttrComposeContext: setContext, graph.AttrComposeDockerfile: setDockerfile,
		graph.AttrComposeProfiles:        graph.JoinList(profiles(deref(field(svc, "profiles")), vars)),
		graph.AttrComposeInclude:         include,
		graph.AttrDotenvComposeFile:      dotenvSetting(include, vars, "COMPOSE_FILE"),
		graph.AttrDotenvComposeSeparator: dotenvSetting(include, vars, "COMPOSE_PATH_SEPARATOR"),
		graph.AttrDotenvComposeProfiles:  dotenvSetting(include, vars, "COMPOSE_PROFILES"),
		graph.AttrComposeDependsOn:       graph.JoinList(dependsOn(deref(field(svc, "depends_on")))),
		graph.AttrComposePullPolicy:      expandWith(scalar(svc, "pull_policy"), vars),
		graph.AttrBuildInputs:            graph.JoinList(b.VariableInputs()),
		graph.AttrBuildArgValues:         graph.JoinList(registry.ArgValues(registry.ExpandArgs(b.Args, func(s string) string { return expandWith(s, vars) }))),
	})
	defer func() {
		for k, v := range svcAttrs {
			if v == "" {
				delete(svcAttrs, k)
			}
		}
		res.AddNode(graph.Node{ID: graph.ComposeServiceID(f.RepoID(), f.RelPath, name), Kind: graph.NodePackage,
			Label: f.Repo + "/" + f.RelPath + "#" + name, Pos: at(build), Attrs: svcAttrs})
	}()
	if imageNode == nil || imageText == "" {
		return
	}

	ref, ok := imageRef(expandWith(imageText, vars))
	if !ok {
		res.Warnf(pos(imageNode), "service %s: image name %s depends on a variable without a default, so it is not recorded", name, imageText)
		return
	}
	if ref.Registry == "" && !strings.Contains(ref.Path, "/") {
		// An official Docker Hub name, which the build only tags locally.
		return
	}
	imageName := ref.PURL(false)
	svcAttrs["image"] = imageName
	if names := registry.ComposeVariables(imageText); len(names) > 0 {
		svcAttrs[graph.AttrComposeImage] = imageText
		var dotenv []string
		for _, n := range names {
			if v, ok := vars[n]; ok && v != withheld && !strings.Contains(v, ",") {
				dotenv = append(dotenv, n+"="+v)
			}
		}
		svcAttrs[graph.AttrComposeImageDotenv] = graph.JoinList(dotenv)
	}
	res.AddNode(graph.Node{ID: imageName, Kind: graph.NodePackage, Label: ref.Name(), Pos: at(imageNode),
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name()}})
	reason := "service " + name + " of " + f.RelPath + " builds the image from " + filePath + " with context " + ctxPath
	if b.Target != "" {
		reason = "service " + name + " of " + f.RelPath + " builds stage " + b.Target + " of " + filePath + " (build.target) with context " + ctxPath
	}
	res.AddEdge(graph.Edge{From: imageName, To: built, Kind: graph.EdgeDependsOn, Confidence: graph.Possible, Pos: at(imageNode),
		Attrs: b.TargetAttrs(map[string]string{
			graph.AttrBuildContext: ctxPath,
			graph.AttrDockerfile:   filePath,
			graph.AttrReason:       reason + "; possible: whether the image is pushed, the input does not show",
		})})
}

// imageOnly records a service without a build that names an image or
// sets profiles, such as an override file's service that renames the
// image an earlier file builds or adds to its profiles. The linker
// merges its node into that earlier service. The image counts only when
// its name has a registry host or an owner.
func imageOnly(f *ingest.File, name string, svc, imageNode *yaml.Node, imageText string, vars map[string]string, res *ingest.Result) {
	imageName := ""
	at := graph.Pos{File: f.Path, Line: svc.Line}
	if imageText != "" {
		ref, ok := imageRef(expandWith(imageText, vars))
		if ok && (ref.Registry != "" || strings.Contains(ref.Path, "/")) {
			at.Line = imageNode.Line
			imageName = ref.PURL(false)
			res.AddNode(graph.Node{ID: imageName, Kind: graph.NodePackage, Label: ref.Name(), Pos: at,
				Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name()}})
		}
	}
	svcProfiles := profiles(deref(field(svc, "profiles")), vars)
	if imageName == "" && len(svcProfiles) == 0 {
		return
	}
	attrs := map[string]string{
		"ecosystem": graph.EcosystemCompose, graph.AttrName: name, "path": f.RelPath, graph.AttrComposeService: name,
		graph.AttrRepository: f.Repo, graph.AttrRepositoryHost: graph.RepoHostAttr(f.Forge()),
	}
	if imageName != "" {
		attrs["image"] = imageName
	}
	if len(svcProfiles) > 0 {
		attrs[graph.AttrComposeProfiles] = graph.JoinList(svcProfiles)
	}
	if deps := dependsOn(deref(field(svc, "depends_on"))); len(deps) > 0 {
		attrs[graph.AttrComposeDependsOn] = graph.JoinList(deps)
	}
	for k, name := range map[string]string{graph.AttrDotenvComposeFile: "COMPOSE_FILE",
		graph.AttrDotenvComposeSeparator: "COMPOSE_PATH_SEPARATOR", graph.AttrDotenvComposeProfiles: "COMPOSE_PROFILES"} {
		if v := vars[name]; v != "" && v != withheld {
			attrs[k] = v
		}
	}
	res.AddNode(graph.Node{ID: graph.ComposeServiceID(f.RepoID(), f.RelPath, name), Kind: graph.NodePackage,
		Label: f.Repo + "/" + f.RelPath + "#" + name, Pos: at, Attrs: attrs})
}

// dotenvSetting returns the value of a composeSetting in the .env file
// for a service of the file read, or "" for one that an include key
// brings in.
func dotenvSetting(include string, vars map[string]string, name string) string {
	if include != "" || vars[name] == withheld {
		return ""
	}
	return vars[name]
}

// dependsOn returns the services of a service's depends_on key: a list
// of names, or a mapping whose keys name them.
func dependsOn(n *yaml.Node) []string {
	var out []string
	switch {
	case n == nil:
	case n.Kind == yaml.SequenceNode:
		for _, it := range n.Content {
			if it = deref(it); it != nil && it.Kind == yaml.ScalarNode && it.Value != "" {
				out = append(out, it.Value)
			}
		}
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k != "" && k != "<<" {
				out = append(out, k)
			}
		}
	}
	return out
}

// profiles returns the names of a service's profiles key. A name that a
// variable gives is taken by its value in vars or its default, else as
// written.
func profiles(n *yaml.Node, vars map[string]string) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, it := range n.Content {
		if it = deref(it); it != nil && it.Kind == yaml.ScalarNode && it.Value != "" {
			out = append(out, expandWith(it.Value, vars))
		}
	}
	return out
}

// buildArgs reads a service's build.args, a mapping or a list of
// NAME=VALUE items. An argument without a value takes the variable of
// its name from the environment Compose runs in.
func buildArgs(n *yaml.Node) []registry.BuildArg {
	var out []registry.BuildArg
	switch {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, deref(n.Content[i+1])
			if k == "" || k == "<<" {
				continue
			}
			if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				out = append(out, registry.BuildArg{Name: k})
				continue
			}
			out = append(out, registry.BuildArg{Name: k, Value: v.Value, HasValue: true})
		}
	case n.Kind == yaml.SequenceNode:
		for _, it := range n.Content {
			if it = deref(it); it == nil || it.Kind != yaml.ScalarNode {
				continue
			}
			k, v, has := strings.Cut(it.Value, "=")
			if k != "" {
				out = append(out, registry.BuildArg{Name: k, Value: v, HasValue: has})
			}
		}
	}
	return out
}

// buildSecrets reads a service's build.secrets, names of the file's
// top-level secrets (short form) or mappings whose source names one. Only
// a secret whose environment key names a variable gives the build a
// value that the input can follow; a file secret is left out.
func buildSecrets(n, top *yaml.Node) []registry.BuildSecret {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []registry.BuildSecret
	for _, it := range n.Content {
		it = deref(it)
		src := ""
		switch {
		case it == nil:
			continue
		case it.Kind == yaml.ScalarNode:
			src = it.Value
		case it.Kind == yaml.MappingNode:
			src = scalar(it, "source")
		}
		if src == "" {
			continue
		}
		if env := scalar(deref(field(top, src)), "environment"); env != "" {
			out = append(out, registry.BuildSecret{ID: src, Env: env})
		}
	}
	return out
}

// imageRef parses an expanded image name. A tag or digest that a variable
// without a default sets leaves the name known.
func imageRef(s string) (image.Ref, bool) {
	if !strings.Contains(s, "$") {
		return image.Parse(s)
	}
	return image.ParseComputedVersion(strings.ReplaceAll(s, "$$", "$"))
}

// expand replaces each variable that has a default (:- and -) by the
// default, and leaves every other variable as ${NAME}, because its value
// comes from the environment Compose runs in.
func expand(s string) string { return expandWith(s, nil) }

// expandWith replaces the variables of s as Compose does with the values
// of vars, the .env file's, and those vars leaves out as expand does.
func expandWith(s string, vars map[string]string) string {
	return registry.ExpandCompose(s, vars)
}

// remote reports whether a build context is a URL or a Git address.
func remote(c string) bool {
	return strings.Contains(c, "://") || strings.HasPrefix(c, "git@") || strings.HasSuffix(c, ".git") ||
		strings.HasPrefix(c, "github.com/")
}

// outside reports whether a cleaned path leaves the repository.
func outside(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// field returns the value of key in a mapping node, or nil. A key of the
// mapping itself comes before one that a merge key (<<: *base) brings in.
func field(m *yaml.Node, key string) *yaml.Node {
	return mergedField(m, key, map[*yaml.Node]bool{})
}

// mergedField finds key as field does, skipping the mappings in seen.
// Each mapping is searched once, so nested merges that name one mapping
// many times cost as many steps as the file has mappings.
func mergedField(m *yaml.Node, key string, seen map[*yaml.Node]bool) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode || seen[m] {
		return nil
	}
	seen[m] = true
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case key:
			return m.Content[i+1]
		case "<<":
			v := deref(m.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				merged = append(merged, v.Content...)
			} else {
				merged = append(merged, v)
			}
		}
	}
	for _, base := range merged {
		if v := mergedField(deref(base), key, seen); v != nil {
			return v
		}
	}
	return nil
}

// scalar returns the text of a scalar field of a mapping, or "".
func scalar(m *yaml.Node, key string) string {
	if v := deref(field(m, key)); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
