package circleci

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// oidcIssuer is the issuer of CircleCI OIDC tokens. The organisation id
// that ends it is not in the file, so it is a pattern.
const oidcIssuer = "https://oidc.circleci.com/org/*"

// maxDepth bounds how deeply commands that call commands are followed.
const maxDepth = 16

// maxSteps bounds the steps read for one job.
const maxSteps = 20000

// orb is an orb the file imports by reference.
type orb struct {
	alias   string
	name    string // namespace/name
	version string
	purl    string // version node
	base    string // name node
	pinned  string
	line    int
}

// converter writes the facts of one configuration file.
type converter struct {
	f      *ingest.File
	env    *ingest.Env
	res    *ingest.Result
	rel    string
	root   *yaml.Node
	b      *builder
	repo   string
	org    string
	repoID string
	// repoHost is the forge host that names the repository in repoID.
	repoHost string

	orbs      map[string]*orb
	inline    map[string]*yaml.Node // inline orbs by alias
	commands  map[string]*yaml.Node
	executors map[string]*yaml.Node
	jobs      map[string]*yaml.Node
	pipeline  map[string]string // pipeline parameter defaults
	setup     bool
	// warned holds the literal credentials of run steps already
	// reported, by line and value: workflows may run one job under
	// several names.
	warned map[string]bool
	// pkgRegistry is the publishConfig registry of the repository's top
	// package.json, once withPackageRegistry has read it.
	pkgRegistry *packageRegistry
}

func newConverter(f *ingest.File, env *ingest.Env, res *ingest.Result, rel string, root *yaml.Node) *converter {
	org, _, _ := strings.Cut(f.Repo, "/")
	return &converter{
		f: f, env: env, res: res, rel: rel, root: root,
		b:         newBuilder(f.Path, res),
		repo:      f.Repo,
		org:       org,
		repoHost:  f.Forge(),
		repoID:    f.RepoID(),
		orbs:      map[string]*orb{},
		inline:    map[string]*yaml.Node{},
		commands:  map[string]*yaml.Node{},
		executors: map[string]*yaml.Node{},
		jobs:      map[string]*yaml.Node{},
		pipeline:  map[string]string{},
	}
}

// idRepo returns the repository as the ids of its CircleCI project name
// it: the path alone on GitHub, and host/path on another forge, since
// CircleCI keeps a project per forge (gh/ORG/NAME, bb/ORG/NAME).
func (c *converter) idRepo() string {
	if c.repoHost == ingest.GitHubHost {
		return c.repo
	}
	return c.repoHost + "/" + c.repo
}

func (c *converter) warnf(n *yaml.Node, format string, args ...any) {
	c.res.Warnf(position(c.f.Path, n), format, args...)
}

// invocation is a job as the workflows run it, under one name.
type invocation struct {
	name      string
	ref       string     // the job definition: a local job or alias/job of an orb
	params    *yaml.Node // the workflow entry's parameters
	line      int
	workflows []string
	contexts  []contextUse
	filters   []*yaml.Node
}

type contextUse struct {
	name     string
	workflow string
	line     int
	dynamic  bool // named by a pipeline parameter: the trigger can change it
}

func (c *converter) run(ctx context.Context) error {
	c.readDefinitions()
	c.b.Node(c.repoID, graph.NodeRepository, c.repo, 0, attrs{graph.AttrRepository: c.repo})
	for _, inv := range c.invocations() {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.job(inv)
		c.res.Records++
	}
	c.unusedLiterals()
	return nil
}

// readDefinitions reads the orbs, commands, executors, jobs and pipeline
// parameters the file defines.
func (c *converter) readDefinitions() {
	c.setup = text(lookup(c.root, "setup")) == "true"
	for _, p := range pairs(lookup(c.root, "orbs")) {
		if isMap(p.val) {
			c.inline[p.key.Value] = deref(p.val)
			continue
		}
		ref, _ := scalar(p.val)
		o, ok := parseOrb(p.key.Value, ref)
		if !ok {
			c.warnf(p.key, "orb %s skipped: expected namespace/name@version", p.key.Value)
			continue
		}
		o.line = p.key.Line
		c.orbs[o.alias] = o
	}
	for _, sec := range []struct {
		key string
		m   map[string]*yaml.Node
	}{{"commands", c.commands}, {"executors", c.executors}, {"jobs", c.jobs}} {
		for _, p := range pairs(lookup(c.root, sec.key)) {
			if !isMap(p.val) {
				c.warnf(p.key, "%s entry %s skipped: expected a mapping", sec.key, p.key.Value)
				continue
			}
			sec.m[p.key.Value] = deref(p.val)
		}
	}
	for _, p := range pairs(lookup(c.root, "parameters")) {
		if d, ok := scalar(lookup(p.val, "default")); ok {
			c.pipeline[p.key.Value] = d
		}
	}
}

// orbRefRE matches namespace/name@version.
var orbRefRE = regexp.MustCompile(`^([a-z0-9][a-z0-9_-]*)/([a-z0-9][a-z0-9_-]*)@(\S+)$`)

// parseOrb reads an orbs: entry written as namespace/name@version.
func parseOrb(alias, ref string) (*orb, bool) {
	m := orbRefRE.FindStringSubmatch(strings.TrimSpace(ref))
	if m == nil || strings.Contains(ref, "<<") {
		return nil, false
	}
	ns, name, version := m[1], m[2], m[3]
	return &orb{
		alias:   alias,
		name:    ns + "/" + name,
		version: version,
		purl:    packageurl.NewPackageURL("circleci", ns, name, version, nil, "").ToString(),
		base:    packageurl.NewPackageURL("circleci", ns, name, "", nil, "").ToString(),
		pinned:  orbPinned(version),
	}, true
}

var exactVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// orbPinned returns how firmly an orb version fixes the code: exact, range
// (1 or 1.2 follow new releases), volatile (the latest) or dev.
func orbPinned(v string) string {
	switch {
	case exactVersion.MatchString(v):
		return "exact"
	case v == "volatile":
		return "volatile"
	case strings.HasPrefix(v, "dev:"):
		return "dev"
	}
	return "range"
}

// reservedKeys are the keys of a workflow job entry that are not job
// parameters.
var reservedKeys = map[string]bool{
	"context": true, "filters": true, "matrix": true, "name": true, "pre-steps": true,
	"post-steps": true, "requires": true, "type": true, "serial-group": true, "override-with": true,
}

// invocations lists the jobs the workflows run, merged by name. A file
// without workflows runs each of its jobs.
func (c *converter) invocations() []*invocation {
	var order []string
	byName := map[string]*invocation{}
	wfs := lookup(c.root, "workflows")
	for _, wp := range pairs(wfs) {
		if wp.key.Value == "version" || !isMap(wp.val) {
			continue
		}
		for _, entry := range items(lookup(wp.val, "jobs")) {
			ref, params, ok := single(entry)
			if !ok || ref == "" {
				c.warnf(entry, "workflow %s: job entry skipped: expected a name or a one-key mapping", wp.key.Value)
				continue
			}
			if text(lookup(params, "type")) == "approval" {
				continue // a hold for a person to approve, which runs no code
			}
			name := ref
			if n := text(lookup(params, "name")); n != "" {
				name = n
			}
			if a := text(lookup(lookup(params, "matrix"), "alias")); a != "" {
				name = a
			}
			inv, ok := byName[name]
			if !ok {
				inv = &invocation{name: name, ref: ref, params: params, line: deref(entry).Line}
				byName[name] = inv
				order = append(order, name)
			}
			inv.workflows = append(inv.workflows, wp.key.Value)
			for _, cn := range items(lookup(params, "context")) {
				c.addContext(inv, cn, wp.key.Value)
			}
			if cn := lookup(params, "context"); cn != nil && deref(cn).Kind == yaml.ScalarNode {
				c.addContext(inv, cn, wp.key.Value)
			}
			if fl := lookup(params, "filters"); fl != nil {
				inv.filters = append(inv.filters, fl)
			} else {
				inv.filters = append(inv.filters, nil)
			}
		}
	}
	if wfs == nil {
		for _, p := range pairs(lookup(c.root, "jobs")) {
			if _, ok := c.jobs[p.key.Value]; ok {
				order = append(order, p.key.Value)
				byName[p.key.Value] = &invocation{name: p.key.Value, ref: p.key.Value, line: p.key.Line, filters: []*yaml.Node{nil}}
			}
		}
	}
	out := make([]*invocation, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out
}

func (c *converter) addContext(inv *invocation, n *yaml.Node, workflow string) {
	name, ok := scalar(n)
	if !ok || name == "" {
		return
	}
	use := contextUse{name: name, workflow: workflow, line: deref(n).Line}
	if strings.Contains(name, "<<") {
		resolved, all := c.subst(name, nil)
		if !all {
			c.warnf(n, "context named by an expression the file does not resolve; not recorded")
			return
		}
		use.name, use.dynamic = resolved, true
	}
	inv.contexts = append(inv.contexts, use)
}

// jobState is what job gathers about one job.
type jobState struct {
	inv     *invocation
	rid     string
	line    int
	attrs   attrs
	scan    *ciscan.Scanner
	orbUses map[string][]string // orb alias -> elements used
	// scope holds the parameters the job runs with.
	scope map[string]*yaml.Node
	// oidcRoles are the roles and service accounts that the job
	// exchanges its OIDC token for, for the linker (attr
	// oidc_identities of its subject).
	oidcRoles []string
	orbLine   map[string]int
	images    []string
	machine   string
	envKeys   map[string]bool
	scripts   []script // the run steps' commands, in order
	// literals maps the credentials written into the run steps to their
	// inline secrets, while the job is converted.
	literals map[string]string
	steps    int
	quiet    int // above zero while reading steps handed to an orb: unknown steps are not reported
	// checkedOut is set once a checkout step has cloned the project into
	// the job's working directory, where run steps start by default.
	checkedOut bool
	// npmRegistry is the value of NPM_CONFIG_REGISTRY when an environment
	// of the job sets it (npmRegistrySet).
	npmRegistry    string
	npmRegistrySet bool
	// shells are the run steps and aws-cli orb logins, each in a shell
	// of its own, by the index of its first effect in scan.
	shells []pkgcmd.Shell
	// composeCmds are the Compose commands of the run steps, and
	// composeAt the index in scripts of each one's step.
	composeCmds []registry.ComposeCommand
	composeAt   []int
}

func (j *jobState) useOrb(o *orb, elem string, line int) {
	if _, ok := j.orbUses[o.alias]; !ok {
		j.orbLine[o.alias] = line
	}
	j.orbUses[o.alias] = append(j.orbUses[o.alias], elem)
}

func (c *converter) job(inv *invocation) {
	j := &jobState{
		inv:     inv,
		rid:     graph.CircleCIJobID(c.idRepo(), c.rel, inv.name),
		line:    inv.line,
		scan:    ciscan.NewScanner(),
		orbUses: map[string][]string{},
		orbLine: map[string]int{},
		envKeys: map[string]bool{},
	}
	var ctxNames []string
	for _, cu := range inv.contexts {
		ctxNames = append(ctxNames, cu.name)
	}
	j.attrs = attrs{
		graph.AttrProvider:       "circleci",
		"type":                   "circleci-job",
		graph.AttrRepository:     c.repo,
		graph.AttrRepositoryHost: graph.RepoHostAttr(c.repoHost),
		"file":                   c.rel,
		"job":                    inv.name,
		"job_ref":                inv.ref,
		"workflows":              graph.JoinList(inv.workflows),
		"contexts":               graph.JoinList(ctxNames),
	}
	if c.setup {
		j.attrs["setup"] = "true"
	}

	def, scope := c.definition(j, inv)
	j.scope = scope
	if def != nil {
		c.executor(j, def, scope)
		c.environment(j, lookup(def, "environment"), scope)
		j.attrs["resource_class"] = text(lookup(def, "resource_class"))
	}
	c.steps(j, lookup(inv.params, "pre-steps"), scope, 0)
	if def != nil {
		c.steps(j, lookup(def, "steps"), scope, 0)
	}
	c.steps(j, lookup(inv.params, "post-steps"), scope, 0)
	c.finishAttrs(j)
	c.composeCommands(j)

	c.b.Node(j.rid, graph.NodeRuntime, c.rel+" / "+inv.name, j.line, j.attrs)
	c.b.Edge(c.repoID, graph.EdgeDefines, j.rid, graph.Certain, j.line, nil)
	c.writeOrbs(j)
	c.projectVariables(j)
	c.contexts(j)
	j.literals = c.scriptLiterals(j)
	c.registryPublish(j)
	c.imageBuilds(j)
	c.buildRuns(j)
	c.registryReleases(j)
	c.containerRuns(j)
	c.namedInstalls(j)
	c.oidc(j)
}

// scriptLiterals records the literal credentials of a job's run steps
// (see package literal), as envValue does those of environment values.
// Each finding is placed on the line that holds its value (see
// script.lineOf). A command that a job runs twice, as a step of a command
// it calls twice, gets a node per value, and a value that several
// workflows or steps run from one line is reported once.
// It returns the inline secret of each value, by value, for the registry
// logins of the job.
func (c *converter) scriptLiterals(j *jobState) map[string]string {
	ids := map[string]string{}
	found, over := scriptFindings(j)
	for _, sf := range found {
		f, line, id := sf.f, sf.line, sf.id
		a := attrs(literal.SecretAttrs(c.env, "circleci", f.Kind, c.repo, f.Value))
		ids[f.Value] = id
		c.b.Node(id, graph.NodeSecret, f.Kind+" (literal in "+j.inv.name+", line "+strconv.Itoa(line)+")", line, a)
		c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, attrs{graph.AttrVia: "script"})
		// The key contains the value, but the map lives only while the
		// file is read.
		key := strconv.Itoa(line) + " " + f.Value
		if !c.warned[key] {
			if c.warned == nil {
				c.warned = map[string]bool{}
			}
			c.warned[key] = true
			c.res.Warnf(ingest.Position{File: c.f.Path, Line: line},
				"job %s: a run step contains a literal %s; store it in a context or project variable and rotate it", j.inv.name, f.Kind)
		}
	}
	if over > 0 {
		c.res.Warnf(ingest.Position{File: c.f.Path, Line: over},
			"job %s: the run steps contain more than %d literal credentials; the rest are not recorded", j.inv.name, literal.MaxPerScript)
	}
	return ids
}

// scriptFinding is a literal credential of a job's run steps, with the
// id of its inline secret and the line that holds its value.
type scriptFinding struct {
	f    literal.Finding
	id   string
	line int
}

// scriptFindings lists the literal credentials of a job's run steps,
// each value once, up to literal.MaxPerScript. over is the line of the
// first value past that bound, or 0.
func scriptFindings(j *jobState) (out []scriptFinding, over int) {
	seen := map[string]bool{}
	// count is the number of findings so far of the scripts at a line,
	// which keeps node ids unique.
	count := map[int]int{}
	for _, s := range j.scripts {
		findings := literal.Scan(s.text)
		for i, f := range findings {
			line := s.lineOf(f)
			if seen[f.Value] {
				// The same credential written again is the same secret.
				continue
			}
			if len(seen) == literal.MaxPerScript {
				return out, line
			}
			seen[f.Value] = true
			id := graph.CircleCIInlineSecretID(j.rid, literal.Key("run", s.line, count[s.line]+i))
			out = append(out, scriptFinding{f: f, id: id, line: line})
		}
		count[s.line] += len(findings)
	}
	return out, 0
}

// lineOf returns the file line that holds the value of a finding: the
// line of the parameter that put it into the command, its own line in a
// literal block, else the line of the command.
func (s script) lineOf(f literal.Finding) int {
	for _, p := range s.params {
		if p.line > 0 && strings.Contains(p.text, f.Value) {
			return p.line
		}
	}
	return s.lineAt(f.Line)
}

// lineAt returns the file line of the command's line n, counted from 1:
// exact in a literal block, else the line of the command's value or of
// the step.
func (s script) lineAt(n int) int {
	if s.block > 0 {
		return s.block + n - 1
	}
	if s.command > 0 {
		return s.command
	}
	return s.line
}

// definition finds the job an invocation runs and the parameters it runs
// with: the job's defaults, overridden by the workflow entry.
func (c *converter) definition(j *jobState, inv *invocation) (*yaml.Node, map[string]*yaml.Node) {
	scope := map[string]*yaml.Node{}
	var def *yaml.Node
	if alias, elem, ok := strings.Cut(inv.ref, "/"); ok {
		switch {
		case c.orbs[alias] != nil:
			j.attrs["orb_job"] = "true"
			j.useOrb(c.orbs[alias], elem, j.line)
			j.orbEffect(c.orbs[alias].name, elem)
			c.passedSteps(j, inv.params, scope, 0)
		case c.inline[alias] != nil:
			def = deref(lookup(lookup(c.inline[alias], "jobs"), elem))
			if def == nil {
				c.passedSteps(j, inv.params, scope, 0)
			}
		default:
			c.warnf(at(inv.line), "workflow job names an orb the file does not import")
		}
	} else {
		def = c.jobs[inv.ref]
		if def == nil {
			c.warnf(at(inv.line), "workflow job is not defined in the file")
		}
	}
	for _, p := range pairs(lookup(def, "parameters")) {
		if d := lookup(p.val, "default"); d != nil {
			scope[p.key.Value] = d
		}
	}
	for _, p := range pairs(inv.params) {
		if !reservedKeys[p.key.Value] {
			scope[p.key.Value] = p.val
		}
	}
	return def, scope
}

// at gives a node placed at a line, for warnings.
func at(line int) *yaml.Node {
	return &yaml.Node{Line: line}
}

// paramRE matches << parameters.x >>, << pipeline.parameters.x >> and the
// other << >> expressions of CircleCI configuration.
var paramRE = regexp.MustCompile(`<<\s*([A-Za-z0-9_.-]+)\s*>>`)

// subst replaces << parameters.x >> with the scope's scalar values and
// << pipeline.parameters.x >> with their defaults. It reports whether
// every expression was replaced.
func (c *converter) subst(s string, scope map[string]*yaml.Node) (string, bool) {
	all := true
	out := paramRE.ReplaceAllStringFunc(s, func(m string) string {
		name := paramRE.FindStringSubmatch(m)[1]
		if p, ok := strings.CutPrefix(name, "parameters."); ok {
			if v, ok := scalar(scope[p]); ok && !strings.Contains(v, "<<") {
				return v
			}
		}
		if p, ok := strings.CutPrefix(name, "pipeline.parameters."); ok {
			if v, ok := c.pipeline[p]; ok && !strings.Contains(v, "<<") {
				return v
			}
		}
		all = false
		return m
	})
	return out, all
}

// executor reads where a job runs: docker images, a machine image, macOS,
// or a named executor (local or from an orb).
func (c *converter) executor(j *jobState, def *yaml.Node, scope map[string]*yaml.Node) {
	c.executorBody(j, def, scope, 0)
	en := lookup(def, "executor")
	if en == nil {
		return
	}
	name, ok := scalar(en)
	var params *yaml.Node
	if !ok {
		name, params = text(lookup(en, "name")), en
	}
	name, _ = c.subst(name, scope)
	if alias, elem, ok := strings.Cut(name, "/"); ok {
		if o := c.orbs[alias]; o != nil {
			j.useOrb(o, elem, deref(en).Line)
			return
		}
		if in := c.inline[alias]; in != nil {
			if ex := deref(lookup(lookup(in, "executors"), elem)); ex != nil {
				c.executorBody(j, ex, c.paramScope(ex, params, scope), 1)
			}
			return
		}
	}
	if ex := c.executors[name]; ex != nil {
		c.executorBody(j, ex, c.paramScope(ex, params, scope), 1)
		return
	}
	if !strings.Contains(name, "<<") {
		c.warnf(en, "job %s: executor is not defined in the file", j.inv.name)
	}
}

// paramValues returns the values that subst puts into s, each with the
// line of the parameter or pipeline parameter default that holds it.
func (c *converter) paramValues(s string, scope map[string]*yaml.Node) []paramValue {
	var out []paramValue
	for _, m := range paramRE.FindAllStringSubmatch(s, -1) {
		var n *yaml.Node
		if p, ok := strings.CutPrefix(m[1], "parameters."); ok {
			n = deref(scope[p])
		} else if p, ok := strings.CutPrefix(m[1], "pipeline.parameters."); ok {
			n = deref(lookup(lookup(lookup(c.root, "parameters"), p), "default"))
		}
		if v, ok := scalar(n); ok && !strings.Contains(v, "<<") {
			out = append(out, paramValue{text: v, line: n.Line})
		}
	}
	return out
}

// paramScope builds the parameters of a command or executor call: its
// defaults, overridden by the arguments, which are read in the caller's
// scope.
func (c *converter) paramScope(def, args *yaml.Node, caller map[string]*yaml.Node) map[string]*yaml.Node {
	scope := map[string]*yaml.Node{}
	for _, p := range pairs(lookup(def, "parameters")) {
		if d := lookup(p.val, "default"); d != nil {
			scope[p.key.Value] = d
		}
	}
	for _, p := range pairs(args) {
		if p.key.Value == "name" {
			continue
		}
		v := p.val
		if s, ok := scalar(v); ok && strings.Contains(s, "<<") {
			if r, all := c.subst(s, caller); all {
				v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r, Line: deref(v).Line}
			}
		}
		if ref := stepsParam(v); ref != "" && caller[ref] != nil {
			v = caller[ref]
		}
		scope[p.key.Value] = v
	}
	return scope
}

// stepsParam returns x when n is the scalar << parameters.x >>.
func stepsParam(n *yaml.Node) string {
	s, ok := scalar(n)
	if !ok {
		return ""
	}
	m := paramRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || len(m[0]) != len(strings.TrimSpace(s)) {
		return ""
	}
	p, _ := strings.CutPrefix(m[1], "parameters.")
	return p
}

func (c *converter) executorBody(j *jobState, def *yaml.Node, scope map[string]*yaml.Node, depth int) {
	for i, img := range items(lookup(def, "docker")) {
		via := "service"
		if i == 0 && len(j.images) == 0 {
			via = "image"
		}
		c.dockerImage(j, img, scope, via)
	}
	if mn := lookup(def, "machine"); mn != nil {
		image := text(lookup(mn, "image"))
		if image == "" {
			image = "default"
		}
		image, _ = c.subst(image, scope)
		c.machineImage(j, image, deref(mn).Line)
	}
	if mac := lookup(def, "macos"); mac != nil {
		j.attrs["macos_xcode"] = text(lookup(mac, "xcode"))
	}
	if depth == 0 {
		return
	}
	c.environment(j, lookup(def, "environment"), scope)
}

// dockerImage reads one entry of docker:, its image, registry
// credentials and environment.
func (c *converter) dockerImage(j *jobState, n *yaml.Node, scope map[string]*yaml.Node, via string) {
	ref, ok := scalar(lookup(n, "image"))
	if !ok {
		c.warnf(n, "job %s: docker entry without an image skipped", j.inv.name)
		return
	}
	ref, _ = c.subst(ref, scope)
	img, ok := image.Parse(ref)
	line := deref(n).Line
	if !ok {
		c.warnf(n, "job %s: image not recorded: it uses a parameter or variable the file does not resolve, or is not an image reference", j.inv.name)
	} else {
		c.executeImage(j, img, line, via)
		j.images = append(j.images, img.Name()+":"+img.Version())
	}
	for _, key := range []string{"auth", "aws_auth"} {
		for _, p := range pairs(lookup(n, key)) {
			c.envValue(j, key+"."+p.key.Value, p.key, p.val, scope)
		}
	}

	c.environment(j, lookup(n, "environment"), scope)
}

// executeImage writes an image's version and name packages and the
// job's EXECUTES edge to the version.
func (c *converter) executeImage(j *jobState, img image.Ref, line int, via string) {
	ver, name := img.PURL(true), img.PURL(false)
	c.b.Node(ver, graph.NodePackage, img.Name()+"@"+img.Version(), line, attrs{"ecosystem": "docker", "name": img.Name(), "version": img.Version()})
	c.b.Node(name, graph.NodePackage, img.Name(), line, attrs{"ecosystem": "docker", "name": img.Name()})
	c.b.Edge(ver, graph.EdgeVersionOf, name, graph.Certain, line, nil)
	conf, a := graph.Certain, attrs{graph.AttrVia: via, "pinned": img.Pinned()}
	if via == "container-run" {
		conf, a[graph.AttrReason] = graph.Possible, registry.ContainerRunReason
	}
	c.b.Edge(j.rid, graph.EdgeExecutes, ver, conf, line, a)
}

// containerRuns writes the images that the job's run steps start with
// docker run, docker container run or podman run as packages the job
// executes (registry.Runs), with the rules of docker: images. The
// packages that tool commands fetch by name and run (registry.ToolRuns)
// are executed too.
func (c *converter) containerRuns(j *jobState) {
	for _, s := range j.scripts {
		for _, r := range registry.Runs(s.text, nil) {
			c.executeImage(j, r.Image, s.lineAt(r.Line), "container-run")
		}
		for _, r := range registry.ToolRuns(s.text, j.scan.Env()) {
			c.b.ToolRun(j.rid, r, s.lineAt(r.Line), pkgcmd.ProjectInstall(j.scan.Effects(), r.Eco))
		}
	}
}

// machineImage records a CircleCI machine image as
// pkg:generic/circleci-machine-image/NAME@VERSION.
func (c *converter) machineImage(j *jobState, image string, line int) {
	name, version, _ := strings.Cut(image, ":")
	if name == "" || strings.ContainsAny(image, " <$") {
		return
	}
	if version == "" {
		version = "default"
	}
	ver := packageurl.NewPackageURL("generic", "circleci-machine-image", name, version, nil, "").ToString()
	base := packageurl.NewPackageURL("generic", "circleci-machine-image", name, "", nil, "").ToString()
	c.b.Node(ver, graph.NodePackage, "machine "+image, line, attrs{"ecosystem": "generic", "name": name, "version": version})
	c.b.Node(base, graph.NodePackage, "machine "+name, line, attrs{"ecosystem": "generic", "name": name})
	c.b.Edge(ver, graph.EdgeVersionOf, base, graph.Certain, line, nil)
	c.b.Edge(j.rid, graph.EdgeExecutes, ver, graph.Certain, line, attrs{graph.AttrVia: "machine"})
	j.machine = image
}

// environment reads an environment: mapping of the job, its executor or
// its containers, which holds for every step.
func (c *converter) environment(j *jobState, n *yaml.Node, scope map[string]*yaml.Node) {
	for k, v := range c.stepEnvironment(j, n, scope) {
		j.scan.SetEnv(k, v)
	}
}

// stepEnvironment reads an environment: mapping and returns its literal
// values, with the parameters of scope put in (envParams).
func (c *converter) stepEnvironment(j *jobState, n *yaml.Node, scope map[string]*yaml.Node) map[string]string {
	env := map[string]string{}
	for _, p := range pairs(n) {
		j.envKeys[p.key.Value] = true
		c.envValue(j, p.key.Value, p.key, p.val, scope)
		if v, ok := scalar(p.val); ok {
			env[p.key.Value] = c.envParams(v, scope)
			if strings.EqualFold(p.key.Value, registry.NPMRegistryEnv) {
				j.npmRegistry, _ = c.subst(v, scope)
				j.npmRegistrySet = true
			}
		}
	}
	return env
}

// envParams returns an environment value with the parameters that subst
// resolves put in. Each other << >> expression becomes a shell variable
// named after it (${parameters_x}), so the readers of the value take it
// as unknown rather than as text.
func (c *converter) envParams(v string, scope map[string]*yaml.Node) string {
	v, all := c.subst(v, scope)
	if all {
		return v
	}
	return paramRE.ReplaceAllStringFunc(v, func(m string) string {
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, paramRE.FindStringSubmatch(m)[1])
		return "${" + name + "}"
	})
}

// envValue records the variables a value reads, and the value itself
// when it is a literal credential. Only a fingerprint is kept.
func (c *converter) envValue(j *jobState, key string, kn, vn *yaml.Node, scope map[string]*yaml.Node) {
	v, ok := scalar(vn)
	if !ok {
		return
	}
	v, _ = c.subst(v, scope)
	j.scan.Scan("true "+shellQuote(v), ".")
	field := key[strings.LastIndexByte(key, '.')+1:]
	if !literalCredential(field, v) {
		return
	}
	id := graph.CircleCIInlineSecretID(j.rid, key)
	a := attrs(literal.SecretAttrs(c.env, "circleci", key, c.repo, v))
	c.b.Node(id, graph.NodeSecret, key+" (literal in "+j.inv.name+")", kn.Line, a)
	c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, kn.Line, attrs{graph.AttrVia: "env", graph.AttrName: key})
	c.warnf(kn, "job %s: %s holds a literal credential; store it in a context or project variable and rotate it", j.inv.name, key)
}

// literalCredential reports whether the value of an environment field is
// a credential written out, not a parameter of an orb or a command.
func literalCredential(field, v string) bool {
	return literal.LooksLikeCredential(field, v) && !strings.Contains(v, "<<")
}

// shellQuote wraps a value in double quotes so that the scanner reads
// its variable references and nothing else.
func shellQuote(v string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
}

// builtinSteps are CircleCI's own steps, which run no user code.
var builtinSteps = map[string]bool{
	"checkout": true, "setup_remote_docker": true, "save_cache": true, "restore_cache": true,
	"persist_to_workspace": true, "attach_workspace": true, "store_artifacts": true,
	"store_test_results": true, "setup_docker_engine": true,
}

// steps reads a list of steps: run steps, conditional steps, steps passed
// as parameters, local commands (followed into their steps) and orb
// commands.
func (c *converter) steps(j *jobState, list *yaml.Node, scope map[string]*yaml.Node, depth int) {
	if depth > maxDepth {
		c.warnf(list, "job %s: commands nested deeper than %d levels; the rest is not read", j.inv.name, maxDepth)
		return
	}
	if ref := stepsParam(list); ref != "" {
		list = scope[ref]
	}
	for _, st := range items(list) {
		if j.steps++; j.steps > maxSteps {
			return
		}
		name, params, ok := single(st)
		if !ok {
			if j.quiet == 0 {
				c.warnf(st, "job %s: step skipped: expected a name or a one-key mapping", j.inv.name)
			}
			continue
		}
		switch {
		case name == "run" || name == "deploy":
			c.runStep(j, params, scope)
		case name == "when" || name == "unless":
			c.steps(j, lookup(params, "steps"), scope, depth+1)
		case name == "steps":
			c.steps(j, params, scope, depth+1)
		case name == "add_ssh_keys":
			c.sshKeys(j, params)
		case name == "checkout":
			// A checkout into another folder (path:) leaves the top of
			// the working directory without the project.
			if p := text(lookup(params, "path")); p == "" || p == "." {
				j.checkedOut = true
			}
		case builtinSteps[name]:
		default:
			c.commandStep(j, st, name, params, scope, depth)
		}
	}
}

// commandStep follows a step that calls a local, inline-orb or orb
// command.
func (c *converter) commandStep(j *jobState, st *yaml.Node, name string, params *yaml.Node, scope map[string]*yaml.Node, depth int) {
	if alias, elem, ok := strings.Cut(name, "/"); ok {
		if o := c.orbs[alias]; o != nil {
			j.useOrb(o, elem, deref(st).Line)
			j.orbEffect(o.name, elem)
			c.orbLogin(j, o, elem, params, scope)
			c.passedSteps(j, params, scope, depth+1)
			return
		}
		if in := c.inline[alias]; in != nil {
			if def := deref(lookup(lookup(in, "commands"), elem)); def != nil {
				c.steps(j, lookup(def, "steps"), c.paramScope(def, params, scope), depth+1)
			} else {
				c.passedSteps(j, params, scope, depth+1)
			}
			return
		}
		if j.quiet == 0 {
			c.warnf(st, "job %s: step names an orb the file does not import", j.inv.name)
		}
		return
	}
	if def := c.commands[name]; def != nil {
		c.steps(j, lookup(def, "steps"), c.paramScope(def, params, scope), depth+1)
		return
	}
	if j.quiet == 0 {
		c.warnf(st, "job %s: step is neither a built-in step nor a command of the file", j.inv.name)
	}
}

// passedSteps reads the arguments of an orb job or command whose
// definition is not in the file: an argument that is a list may be steps
// the orb runs inside the job (an auth: [aws-cli/setup] argument),
// so lists are read as steps, without warnings for what they hold.
func (c *converter) passedSteps(j *jobState, params *yaml.Node, scope map[string]*yaml.Node, depth int) {
	j.quiet++
	defer func() { j.quiet-- }()
	for _, p := range pairs(params) {
		if reservedKeys[p.key.Value] {
			continue
		}
		v := p.val
		if ref := stepsParam(v); ref != "" {
			v = scope[ref]
		}
		if d := deref(v); d != nil && d.Kind == yaml.SequenceNode {
			c.steps(j, v, scope, depth+1)
		}
	}
}

// orbInstalls maps the orb commands and jobs that install dependencies
// to the ecosystem they install from.
var orbInstalls = map[string]string{
	"circleci/node install-packages": "npm", "circleci/node test": "npm", "circleci/node run": "npm",
	"circleci/python install-packages": "pypi", "circleci/python test": "pypi",
	"circleci/ruby install-deps": "gem", "circleci/ruby rspec-test": "gem",
	"circleci/go mod-download": "golang", "circleci/go mod-download-cached": "golang", "circleci/go test": "golang",
	"circleci/php install-packages": "composer",
	"circleci/rust build":           "cargo", "circleci/rust test": "cargo", "circleci/rust clippy": "cargo",
}

// orbRuns are the orb commands and jobs of orbInstalls that also run the
// project's code: tests, scripts, and Rust builds (build scripts run).
var orbRuns = map[string]bool{
	"circleci/node test": true, "circleci/node run": true, "circleci/python test": true,
	"circleci/ruby rspec-test": true, "circleci/go test": true,
	"circleci/rust build": true, "circleci/rust test": true, "circleci/rust clippy": true,
}

// orbEffect records what an orb command or job does with packages. An orb
// step the table does not list, run after the job installed packages, may
// run them: its steps are not in the input.
func (j *jobState) orbEffect(orbName, elem string) {
	key := orbName + " " + elem
	eco := orbInstalls[key]
	switch {
	case eco != "" && orbRuns[key]:
		j.scan.Add(pkgcmd.Effect{Eco: eco, Install: true, Run: pkgcmd.RunCertain, Cause: "the orb step " + key})
	case eco == "npm" || eco == "composer":
		j.scan.Add(pkgcmd.Effect{Eco: eco, Install: true, Run: pkgcmd.RunMaybe,
			Cause: "the orb step " + key + " runs the project's own lifecycle scripts"})
	case eco != "":
		j.scan.Add(pkgcmd.Effect{Eco: eco, Install: true})
	case j.scan.Installed():
		j.scan.Add(pkgcmd.Effect{Eco: pkgcmd.AnyEco, Run: pkgcmd.RunMaybe,
			Cause: "the orb step " + key + " runs code the input does not show"})
	}
}

// runStep reads a run step: its command, directory and environment.
func (c *converter) runStep(j *jobState, params *yaml.Node, scope map[string]*yaml.Node) {
	cmd, ok := scalar(params)
	cmdNode := params
	wd := "."
	var env map[string]string
	if !ok {
		cmdNode = lookup(params, "command")
		cmd = text(cmdNode)
		if d := text(lookup(params, "working_directory")); d != "" {
			wd = d
		}
		env = c.stepEnvironment(j, lookup(params, "environment"), scope)
	}
	lines := strings.Count(cmd, "\n")
	s := script{line: j.line, params: c.paramValues(cmd, scope), top: j.checkedOut && wd == ".", env: pkgcmd.Env{}}
	for k, v := range j.scan.Env() {
		s.env[k] = v
	}
	for k, v := range env {
		s.env[k] = v
	}
	cmd, _ = c.subst(cmd, scope)
	j.shells = append(j.shells, pkgcmd.Shell{Start: len(j.scan.Effects()), Keeps: keepsCredentials(cmd)})
	j.scan.ScanEnv(cmd, wd, env)
	s.text = cmd
	if n := deref(params); n != nil && n.Line > 0 {
		s.line = n.Line
	}
	if n := deref(cmdNode); n != nil && n.Line > 0 {
		s.command = n.Line
	}
	// A literal block keeps its lines, unless a parameter put in more.
	if n := deref(cmdNode); n != nil && n.Style&yaml.LiteralStyle != 0 && strings.Count(cmd, "\n") == lines {
		s.block = n.Line + 1
	}
	j.scripts = append(j.scripts, s)
}

// sshKeys records the project SSH keys an add_ssh_keys step loads.
func (c *converter) sshKeys(j *jobState, params *yaml.Node) {
	fps := items(lookup(params, "fingerprints"))
	if len(fps) == 0 {
		id := graph.CircleCISSHKeyID(c.idRepo(), "*")
		c.sshKey(j, id, "every SSH key of the project", j.line)
		return
	}
	for _, fp := range fps {
		s, ok := scalar(fp)
		if !ok || strings.Contains(s, "<<") {
			continue
		}
		c.sshKey(j, graph.CircleCISSHKeyID(c.idRepo(), s), "SSH key "+s, deref(fp).Line)
	}
}

func (c *converter) sshKey(j *jobState, id, label string, line int) {
	c.b.Node(id, graph.NodeSecret, label, line, attrs{
		graph.AttrProvider:   "circleci",
		"type":               "ssh-key",
		graph.AttrRepository: c.repo,
		graph.AttrLongLived:  "true",
	})
	c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, attrs{graph.AttrVia: "file"})
}

// finishAttrs writes what the steps found into the job's attributes.
func (c *converter) finishAttrs(j *jobState) {
	if j.scan.Truncated() {
		c.warnf(at(j.line), "job %s: %s", j.inv.name, ciscan.TruncatedWarning)
	}
	effects := j.scan.Effects()
	c.deployIdentities(j, effects)
	for k, v := range pkgcmd.Attrs(effects) {
		j.attrs[k] = v
	}
	j.attrs["commands"] = graph.JoinList(j.scan.Commands())
	var reads []string
	for _, r := range j.scan.Reads() {
		if environmentVariable(r.Name) && !j.envKeys[r.Name] {
			reads = append(reads, r.Name)
		}
	}
	j.attrs["env_reads"] = graph.JoinList(reads)
	if len(j.images) > 0 {
		j.attrs["image"] = j.images[0]
		j.attrs["services"] = graph.JoinList(j.images[1:])
	}
	j.attrs["machine"] = j.machine
	var aliases []string
	for a := range j.orbUses {
		aliases = append(aliases, a)
	}
	j.attrs["orbs"] = graph.JoinList(aliases)
	var branches, tags []string
	for _, f := range j.inv.filters {
		branches = append(branches, stringList(lookup(lookup(f, "branches"), "only"))...)
		tags = append(tags, stringList(lookup(lookup(f, "tags"), "only"))...)
	}
	j.attrs["branches"] = graph.JoinList(branches)
	j.attrs["tags"] = graph.JoinList(tags)
}

// environmentVariable reports whether a name a job reads may come from a
// context or the project: not one CircleCI or the shell sets, and upper
// case.
func environmentVariable(n string) bool {
	if strings.HasPrefix(n, "CIRCLE_") || n == "CIRCLECI" || n == "CI" || n == "BASH_ENV" || n == "HOME" ||
		n == "PATH" || n == "PWD" || n == "USER" || n == "SHELL" || n == "HOSTNAME" || n == "TERM" {
		return false
	}
	return strings.ToUpper(n) == n && len(n) > 1
}

// writeOrbs makes the job execute each orb it uses.
func (c *converter) writeOrbs(j *jobState) {
	aliases := make([]string, 0, len(j.orbUses))
	for a := range j.orbUses {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	for _, a := range aliases {
		o := c.orbs[a]
		line := j.orbLine[a]
		c.b.Node(o.purl, graph.NodePackage, o.name+"@"+o.version, o.line, attrs{"ecosystem": "circleci", "name": o.name, "version": o.version})
		c.b.Node(o.base, graph.NodePackage, o.name, o.line, attrs{"ecosystem": "circleci", "name": o.name})
		c.b.Edge(o.purl, graph.EdgeVersionOf, o.base, graph.Certain, o.line, nil)
		c.b.Edge(j.rid, graph.EdgeExecutes, o.purl, graph.Certain, line, attrs{
			graph.AttrVia: "orb",
			"uses":        graph.JoinList(j.orbUses[a]),
			"pinned":      o.pinned,
		})
	}
}

// projectVariables exposes the project's environment variables, which
// CircleCI hands to every job.
func (c *converter) projectVariables(j *jobState) {
	id := graph.CircleCIProjectVariablesID(c.idRepo())
	c.b.Node(id, graph.NodeSecret, c.repo+" project environment variables", j.line, attrs{
		graph.AttrProvider:   "circleci",
		"type":               "project-variables",
		graph.AttrName:       "*",
		graph.AttrRepository: c.repo,
		graph.AttrLongLived:  "true",
	})
	c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, j.line, attrs{
		graph.AttrVia:    "ci-secret",
		"all":            "true",
		"reads":          j.attrs["env_reads"],
		graph.AttrReason: "CircleCI hands every environment variable of the project to every job; builds of forked pull requests only when the project passes secrets to them",
	})
}

// contexts exposes the environment variables of each context the
// workflows give the job.
func (c *converter) contexts(j *jobState) {
	for _, cu := range j.inv.contexts {
		id := graph.CircleCIContextID(c.org, cu.name)
		c.b.Node(id, graph.NodeSecret, "context "+cu.name, cu.line, attrs{
			graph.AttrProvider:  "circleci",
			"type":              "context",
			graph.AttrName:      cu.name,
			"org":               c.org,
			graph.AttrLongLived: "true",
		})
		conf := graph.Certain
		a := attrs{graph.AttrVia: "ci-secret", "all": "true", "context": cu.name, "workflow": cu.workflow}
		if cu.dynamic {
			conf = graph.Possible
			a[graph.AttrReason] = "the context is named by a pipeline parameter's default, which a trigger can change"
		}
		c.b.Edge(j.rid, graph.EdgeExposes, id, conf, cu.line, a)
	}
}

// oidc writes the OIDC token every job receives and the subject it
// authenticates as. The organisation, project and user ids of the sub
// claim are not in the file, so they are patterns. The second token
// format adds the repository and the ref the workflow filters allow.
func (c *converter) oidc(j *jobState) {
	tok := graph.CircleCIOIDCTokenID(j.rid)
	subj := graph.CircleCIOIDCSubjectID(j.rid)
	subs := []string{"org/*/project/*/user/*"}
	anyRef := false
	for _, ref := range filterRefs(j.inv.filters) {
		subs = append(subs, "org/*/project/*/user/*/vcs-origin/*/"+c.repo+"/vcs-ref/"+ref)
		if ref == "refs/heads/*" || ref == "refs/tags/*" {
			anyRef = true
		}
	}
	sort.Strings(subs)
	var ctxNames []string
	for _, cu := range j.inv.contexts {
		ctxNames = append(ctxNames, cu.name)
	}
	c.b.Node(tok, graph.NodeSecret, "OIDC token of "+j.inv.name, j.line, attrs{
		graph.AttrProvider:   "circleci",
		"type":               "oidc-token",
		graph.AttrName:       "CIRCLE_OIDC_TOKEN",
		graph.AttrRepository: c.repo,
		graph.AttrLongLived:  "false",
	})
	a := attrs{
		graph.AttrProvider:   "circleci-oidc",
		"type":               "oidc-subject",
		"issuer":             oidcIssuer,
		graph.AttrRepository: c.repo,
		"org":                c.org,
		"subs":               strings.Join(dedup(subs), ","),
		"subs_wildcard":      "true",
		"contexts":           graph.JoinList(ctxNames),
		"oidc_identities":    graph.JoinList(j.oidcRoles),
	}
	if anyRef {
		a["subs_any_ref"] = "true"
	}
	c.b.Node(subj, graph.NodeIdentity, "OIDC subject of "+j.inv.name, j.line, a)
	c.b.Edge(j.rid, graph.EdgeExposes, tok, graph.Certain, j.line, attrs{graph.AttrVia: "oidc"})
	c.b.Edge(tok, graph.EdgeAuthenticatesAs, subj, graph.Certain, j.line, nil)
}

// filterRefs lists the refs a job's workflow filters let it run on, as
// vcs-ref globs: every branch unless branches: only or ignore narrows
// them, and tags only when tags: only names them.
func filterRefs(filters []*yaml.Node) []string {
	var out []string
	for _, f := range filters {
		br := lookup(f, "branches")
		only, ignore := stringList(lookup(br, "only")), stringList(lookup(br, "ignore"))
		switch {
		case len(only) > 0:
			for _, b := range only {
				out = append(out, "refs/heads/"+refGlob(b))
			}
		case len(ignore) == 1 && (ignore[0] == "/.*/" || ignore[0] == "/.+/"):
			// every branch ignored: tags only
		default:
			out = append(out, "refs/heads/*")
		}
		for _, t := range stringList(lookup(lookup(f, "tags"), "only")) {
			out = append(out, "refs/tags/"+refGlob(t))
		}
	}
	return dedup(out)
}

// refGlob turns a filter entry (a name, or /regex/) into a glob.
func refGlob(s string) string {
	if len(s) >= 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
		return ciscan.RegexGlob(s[1 : len(s)-1])
	}
	return s
}

func dedup(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
