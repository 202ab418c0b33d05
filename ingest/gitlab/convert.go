package gitlab

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// defaultIssuer is the issuer of ID tokens on GitLab.com.
const defaultIssuer = "https://gitlab.com"

// converter writes the facts of the jobs of one file.
type converter struct {
	f       *ingest.File
	env     *ingest.Env
	res     *ingest.Result
	p       *pipeline
	b       *builder
	self    string // the parsed file, relative to the pipeline's root folder
	prefix  string // the pipeline's root folder, relative to the repository
	project string
	repoID  string
	// repoHost is the GitLab server that names the project in repoID.
	repoHost string
	issuer   string
	wf       *ruleList
	// warned holds the literal credentials of scripts already reported:
	// jobs that extend one template share its script.
	warned map[string]bool
	// pkgRegistry is the publishConfig registry of the project's
	// package.json, once withPackageRegistry has read it.
	pkgRegistry *packageRegistry
}

func newConverter(f *ingest.File, env *ingest.Env, res *ingest.Result, p *pipeline) *converter {
	c := &converter{
		f:       f,
		env:     env,
		res:     res,
		p:       p,
		b:       newBuilder(f.Path, res),
		self:    p.repo.self,
		prefix:  p.repo.prefix,
		project: f.Repo,
	}
	host := ingest.ForgeHost(f.RepoHost, true)
	c.issuer = "https://" + host
	if strings.Contains(host, ":") {
		c.issuer = "https://[" + host + "]"
	}
	if u := serverURL(p.config.get("variables")); u != "" {
		c.issuer = u
		if parsed, err := url.Parse(u); err == nil && parsed.Hostname() != "" {
			host = strings.ToLower(parsed.Hostname())
		}
	}
	// The project is named on the server its ID tokens name. Other files
	// of its folder (lockfiles) are named on the origin's host; jobs keep
	// that host as their checkout host (see checkoutHost).
	c.repoHost = host
	c.repoID = graph.RepoID(host, f.Repo)
	if wr := p.config.get("workflow").get("rules"); wr != nil {
		c.wf = parseRules(p.resolveRefs(wr, 0).v)
	}
	return c
}

// checkoutHost returns the forge host under which the other files of the
// project's folder were read (ingest.File.Forge), or "" when it is the
// project's own. It differs in a folder that also holds .github, which
// the pipeline names on GitHub, and when the variables name a server that
// the clone's origin does not.
func (c *converter) checkoutHost() string {
	if h := c.f.Forge(); c.f.Repo != "" && h != c.repoHost {
		return h
	}
	return ""
}

// serverURL returns the URL of the GitLab server that the top-level
// variables name (CI_SERVER_URL, else CI_SERVER_HOST or CI_SERVER_FQDN
// with https), or "" when they name none or use another variable.
func serverURL(vars *value) string {
	if u := vars.get("CI_SERVER_URL"); u != nil {
		s := readVariable("CI_SERVER_URL", u).value
		if (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.Contains(s, "$") {
			return strings.TrimSuffix(s, "/")
		}
		return ""
	}
	for _, name := range []string{"CI_SERVER_FQDN", "CI_SERVER_HOST"} {
		if h := vars.get(name); h != nil {
			s := readVariable(name, h).value
			if s != "" && !strings.ContainsAny(s, "$/ ") {
				return "https://" + s
			}
		}
	}
	return ""
}

// inRepo turns a path relative to the pipeline's root folder into one
// relative to the repository.
func (c *converter) inRepo(rel string) string {
	if c.prefix == "" {
		return rel
	}
	return c.prefix + "/" + rel
}

func (c *converter) warnf(line int, format string, args ...any) {
	c.res.Warnf(ingest.Position{File: c.f.Path, Line: line}, format, args...)
}

// run writes the facts of every job defined in the parsed file, then the
// problems found in it while loading the pipeline.
func (c *converter) run(ctx context.Context) error {
	c.b.Node(c.repoID, graph.NodeRepository, c.project, 0, attrs{graph.AttrRepository: c.project})
	for i, k := range c.p.config.keys {
		v := c.p.config.vals[i]
		if v.file == c.self && !globalKeywords[k] && !strings.HasPrefix(k, ".") && !v.isMap() {
			c.warnf(v.line, "top-level key %s skipped: a job must be a mapping", k)
		}
	}
	for _, name := range c.p.jobNames() {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw := c.p.config.get(name)
		if raw.file != c.self {
			continue
		}
		c.job(name)
		c.res.Records++
	}
	c.warnLiterals()
	c.templateLiterals()
	for _, d := range c.p.diags {
		if d.file == c.self {
			c.warnf(d.line, "%s", d.msg)
		}
	}
	if c.p.over {
		c.warnf(0, "pipeline too large or too nested to read in full: facts past the limit are missing")
	}
	return nil
}

// jobState is what job gathers about one job before writing edges.
type jobState struct {
	r       *resolved
	rid     string
	line    int
	vars    map[string]variable
	defined map[string]bool // variables the file sets for the job
	runs    runSet
	env     string
	attrs   attrs
	reads   []ciscan.Read
	// scan is the scanner that read the job's scripts.
	scan    *ciscan.Scanner
	scripts []*value // script lines, for positions
	// shellStarts are the indexes of scripts at which a new shell starts:
	// the first of the pre-clone hook, of before_script and script
	// together, and of after_script.
	shellStarts []int
	// literals maps the credentials written into the job's scripts to
	// their inline secrets, while the job is converted.
	literals map[string]string
	// idTokens are the names of the job's id_tokens: entries.
	idTokens []string
	// composeCmds are the Compose commands of the job's scripts, and
	// composeAt the index in scripts of each one's script.
	composeCmds []registry.ComposeCommand
	composeAt   []int
	// oidcRoles maps an ID token to the roles and service accounts the
	// job exchanges it for, for the linker (attr oidc_identities of the
	// token's subject).
	oidcRoles map[string][]string
}

// lineOf is the line of a value when it is written in the parsed file,
// else the line of the job.
func (c *converter) lineOf(j *jobState, v *value) int {
	if v != nil && v.file == c.self && v.line > 0 {
		return v.line
	}
	return j.line
}

// jobProject returns the project as the ids of its jobs name it: the
// path alone on GitLab.com, and host/path on another server, so that the
// jobs of two servers' projects of one path stay apart.
// NOTE: the ids of CI/CD variables and literals still name the path
// alone, as the linker builds them from a job's repository attribute, so
// two servers' projects of one path share those nodes.
func (c *converter) jobProject() string {
	if c.repoHost == ingest.GitLabHost {
		return c.project
	}
	return c.repoHost + "/" + c.project
}

func (c *converter) job(name string) {
	r := c.p.resolve(name)
	v := r.v
	j := &jobState{
		r:       r,
		rid:     graph.GitLabJobID(c.jobProject(), c.inRepo(c.self), name),
		line:    r.raw.line,
		vars:    c.p.variables(v),
		defined: map[string]bool{},
	}
	for k := range j.vars {
		j.defined[k] = true
	}
	c.collectDefined(j, v)

	j.runs = analyse(conditions{
		workflow: c.wf,
		include:  c.p.includeRules[c.self],
		rules:    rulesOf(v),
		only:     parseFilter(v.get("only")),
		except:   parseFilter(v.get("except")),
	})
	j.attrs = attrs{
		graph.AttrProvider:       "gitlab",
		"type":                   "gitlab-job",
		graph.AttrRepository:     c.project,
		graph.AttrRepositoryHost: c.repoHost,
		graph.AttrCheckoutHost:   c.checkoutHost(),
		"pipeline":               c.inRepo(c.p.rootRel),
		"file":                   c.inRepo(c.self),
		"job":                    name,
		"stage":                  v.get("stage").text(),
		"when":                   v.get("when").text(),
		"extends":                strings.Join(dedup(r.extends), ","),
		"tags":                   graph.JoinList(v.get("tags").strings()),
		"pipeline_sources":       strings.Join(j.runs.sources, ","),
		"protected_ref":          j.runs.protected,
	}
	if c.issuer != defaultIssuer {
		// The host of a self-managed server, for commands that call its API.
		j.attrs["server"] = strings.TrimPrefix(strings.TrimPrefix(c.issuer, "https://"), "http://")
	}
	if v.has("trigger") {
		j.attrs["type"] = "gitlab-bridge"
		j.attrs["trigger"] = triggerOf(v.get("trigger"))
	} else if !v.has("script") && !v.has("run") && c.p.whole() && len(r.missing) == 0 {
		// GitLab refuses the pipeline then. The job is kept, since the
		// file in the repository may be whole where this copy is cut off.
		c.warnf(j.line, "job %s has no script, run or trigger, so GitLab reports the pipeline as invalid and runs none of its jobs; check that the file is complete", name)
	}
	c.readEnvironment(j, v)
	c.scanScripts(j, v)
	c.composeCommands(j)
	switch {
	case len(j.runs.runs) == 0:
		j.attrs["runs"] = "never"
	case !j.runs.certain:
		j.attrs["runs"] = "possible" // only when conditions the file cannot decide hold
		c.images(j, v)
	default:
		c.images(j, v)
	}

	c.b.Node(j.rid, graph.NodeRuntime, c.inRepo(c.self)+" / "+name, j.line, j.attrs)
	c.b.Edge(c.repoID, graph.EdgeDefines, j.rid, graph.Certain, j.line, nil)
	if len(j.runs.runs) == 0 {
		return // its rules never let it run
	}
	c.includes(j)
	if j.attrs["type"] == "gitlab-bridge" {
		return // a trigger job runs no code of its own
	}
	c.containerRuns(j)
	c.namedInstalls(j)
	c.variableExposures(j)
	c.inlineSecrets(j)
	c.externalSecrets(j, v)
	c.jobToken(j)
	j.literals = c.scriptLiterals(j)
	c.registryPublish(j)
	c.imageBuilds(j)
	c.buildRuns(j)
	c.registryReleases(j)
	c.s3Deploy(j, v)
	c.idTokens(j, v)
	c.legacyTokens(j)
}

// rulesOf reads a job's rules:, or nil when it has none.
func rulesOf(v *value) *ruleList {
	if !v.has("rules") {
		return nil
	}
	return parseRules(v.get("rules"))
}

// collectDefined adds the variables parallel:matrix, rules: and
// id_tokens: set. GitLab puts each ID token in the variable its
// id_tokens: entry names, and v already holds default:id_tokens when the
// job inherits it.
func (c *converter) collectDefined(j *jobState, v *value) {
	for _, k := range v.get("id_tokens").keysOf() {
		j.defined[k] = true
		j.idTokens = append(j.idTokens, k)
	}
	for _, m := range v.get("parallel").get("matrix").items() {
		for _, k := range m.keysOf() {
			j.defined[k] = true
		}
	}
	var rules []*value
	rules = append(rules, v.get("rules").items()...)
	rules = append(rules, c.p.config.get("workflow").get("rules").items()...)
	for _, r := range rules {
		for _, k := range r.get("variables").keysOf() {
			j.defined[k] = true
		}
	}
}

func triggerOf(v *value) string {
	if s, ok := v.scalar(); ok {
		return s
	}
	if s := v.get("project").text(); s != "" {
		return s
	}
	if inc := v.get("include"); inc != nil {
		return "child-pipeline"
	}
	return ""
}

// readEnvironment reads environment: as a name or as {name: ...}.
func (c *converter) readEnvironment(j *jobState, v *value) {
	ev := v.get("environment")
	name, ok := ev.scalar()
	if !ok {
		name = ev.get("name").text()
	}
	if name == "" {
		return
	}
	j.env = name
	j.attrs["environment"] = name
	if strings.Contains(name, "$") {
		j.attrs["environment_dynamic"] = "true"
	}
}

// scanScripts reads the job's scripts. before_script and script run in
// one shell, so a cd in one applies in the other. after_script and the
// pre-clone hook run in shells of their own.
func (c *converter) scanScripts(j *jobState, v *value) {
	c.warnMappingItems(j, v)
	sc := ciscan.NewScanner()
	for _, k := range sortedKeys(j.vars) {
		sc.SetEnv(k, j.vars[k].value)
	}
	pre := v.get("hooks").get("pre_get_sources_script").scalars()
	main := append(v.get("before_script").scalars(), v.get("script").scalars()...)
	after := v.get("after_script").scalars()
	// shells holds the index of the first effect of each shell.
	var shells []int
	for _, part := range [][]*value{pre, main, after} {
		var lines []string
		for _, s := range part {
			lines = append(lines, s.str)
		}
		if len(lines) > 0 {
			shells = append(shells, len(sc.Effects()))
			sc.Scan(strings.Join(lines, "\n"), ".")
			j.shellStarts = append(j.shellStarts, len(j.scripts))
		}
		j.scripts = append(j.scripts, part...)
	}
	effects := sc.Effects()
	c.expandImageDeploys(j, effects)
	c.deployIdentities(j, effects, shells)
	for k, v := range pkgcmd.Attrs(effects) {
		j.attrs[k] = v
	}
	j.attrs["commands"] = graph.JoinList(sc.Commands())
	j.reads = sc.Reads()
	j.scan = sc
	if sc.Truncated() {
		c.warnf(j.line, "job %s: %s", j.r.name, ciscan.TruncatedWarning)
	}

	// The job's variables are in its environment too, and GitLab expands
	// the references in their values.
	for _, k := range sortedKeys(j.vars) {
		vr := j.vars[k]
		if vr.raw {
			continue
		}
		for _, n := range ciscan.Refs(vr.value) {
			if !sc.Sets(n) {
				j.reads = append(j.reads, ciscan.Read{Name: n})
			}
		}
	}
}

// readLine finds the line of the first script line that reads a
// variable, else the job's line.
func (c *converter) readLine(j *jobState, name string) int {
	for _, s := range j.scripts {
		if strings.Contains(s.str, "$"+name) || strings.Contains(s.str, "${"+name) ||
			strings.Contains(s.str, "%"+name+"%") || strings.Contains(strings.ToLower(s.str), "env:"+strings.ToLower(name)) {
			return c.lineOf(j, s)
		}
	}
	for _, vr := range j.vars {
		if vr.v != nil && strings.Contains(vr.value, name) {
			return c.lineOf(j, vr.v)
		}
	}
	return j.line
}

// exposure returns the attributes every EXPOSES edge of the job carries:
// which pipelines and refs may run it.
func (j *jobState) exposure(a attrs) attrs {
	a["pipeline_sources"] = strings.Join(j.runs.sources, ",")
	a["protected_ref"] = j.runs.protected
	a["environment"] = j.env
	return a
}

// variableExposures writes the edge to every CI/CD variable the project
// receives, and the Secret node of each variable the job reads by name. The
// names read go on the edge (reads, and file_reads for those used as a
// path): whether a variable reaches the job depends on whether it is
// protected and on its environment scope, which other inputs declare, so
// the linker writes the edges to single variables.
func (c *converter) variableExposures(j *jobState) {
	var reads, files []string
	seen := map[string]bool{}
	for _, rd := range j.reads {
		n := rd.Name
		if rd.File {
			files = append(files, n)
		}
		if seen[n] || j.defined[n] || !projectVariable(n) {
			continue
		}
		seen[n] = true
		reads = append(reads, n)
		c.b.Node(graph.GitLabVariableID(c.project, n), graph.NodeSecret, n, c.readLine(j, n), attrs{
			graph.AttrProvider:   "gitlab",
			"type":               "ci-variable",
			graph.AttrName:       n,
			graph.AttrRepository: c.project,
			graph.AttrLongLived:  "true",
		})
	}
	var fileReads []string
	for _, n := range files {
		if seen[n] {
			fileReads = append(fileReads, n)
		}
	}

	all := graph.GitLabAllVariablesID(c.project)
	c.b.Node(all, graph.NodeSecret, c.project+" CI/CD variables", j.line, attrs{
		graph.AttrProvider:   "gitlab",
		"type":               "all-ci-variables",
		graph.AttrName:       "*",
		graph.AttrRepository: c.project,
		graph.AttrLongLived:  "true",
	})
	c.b.Edge(j.rid, graph.EdgeExposes, all, graph.Certain, j.line, j.exposure(attrs{
		graph.AttrVia: "ci-variable",
		"all":         "true",
		"reads":       graph.JoinList(reads),
		"file_reads":  graph.JoinList(fileReads),
		graph.AttrReason: "GitLab hands every CI/CD variable of the project, its groups and the instance to every job; " +
			"protected ones only on protected refs, environment-scoped ones only in their environment",
	}))
}

// shellNames are variables that shells, runners and images set, which
// are not CI/CD variables.
var shellNames = map[string]bool{
	"HOME": true, "PATH": true, "PWD": true, "OLDPWD": true, "USER": true, "SHELL": true,
	"HOSTNAME": true, "TERM": true, "LANG": true, "LC_ALL": true, "TMPDIR": true, "TMP": true,
	"TEMP": true, "RANDOM": true, "UID": true, "EUID": true, "PPID": true, "IFS": true,
	"LINENO": true, "SECONDS": true, "BASH_SOURCE": true, "BASH_VERSION": true, "BASH_ENV": true,
	"GOPATH": true, "GOROOT": true, "GOOS": true, "GOARCH": true, "GOBIN": true, "GOCACHE": true,
	"JAVA_HOME": true, "NODE_VERSION": true, "PYTHON_VERSION": true, "HOSTTYPE": true,
	"OSTYPE": true, "LOGNAME": true, "USERPROFILE": true, "APPDATA": true, "LOCALAPPDATA": true,
	"SYSTEMROOT": true, "WINDIR": true, "COMSPEC": true, "ERRORLEVEL": true, "CD": true,
	"DATE": true, "TIME": true, "LASTEXITCODE": true, "DOCKER_HOST": true, "DOCKER_TLS_CERTDIR": true,
	"DOCKER_DRIVER": true, "DOCKER_CERT_PATH": true, "DOCKER_TLS_VERIFY": true, "DOCKER_BUILDKIT": true,
	"KUBECONFIG": true,
}

// predefinedPrefixes are the families of GitLab's predefined variables.
var predefinedPrefixes = []string{
	"CI_BUILD_", "CI_COMMIT_", "CI_CONCURRENT_", "CI_DEBUG_", "CI_DEFAULT_BRANCH", "CI_DEPENDENCY_PROXY_",
	"CI_ENVIRONMENT_", "CI_EXTERNAL_PULL_REQUEST_", "CI_JOB_", "CI_KUBERNETES_", "CI_MERGE_REQUEST_",
	"CI_NODE_", "CI_PAGES_", "CI_PIPELINE_", "CI_PROJECT_", "CI_RUNNER_", "CI_SERVER_", "GITLAB_USER_",
	"CI_OPEN_MERGE_REQUESTS", "CI_RELEASE_", "CI_TRIGGER_", "FF_", "KUBERNETES_",
}

// predefined are GitLab's predefined variables outside those families.
var predefined = map[string]bool{
	"CI": true, "GITLAB_CI": true, "GITLAB_FEATURES": true, "CHAT_CHANNEL": true, "CHAT_INPUT": true,
	"CHAT_USER_ID": true, "TRIGGER_PAYLOAD": true, "RUNNER_TEMP_PROJECT_DIR": true,
	"CI_API_V4_URL": true, "CI_API_GRAPHQL_URL": true, "CI_BUILDS_DIR": true, "CI_CONFIG_PATH": true,
	"CI_DEPLOY_FREEZE": true, "CI_DISPOSABLE_ENVIRONMENT": true, "CI_GITLAB_FIPS_MODE": true,
	"CI_HAS_OPEN_REQUIREMENTS": true, "CI_REGISTRY": true, "CI_REGISTRY_IMAGE": true,
	"CI_REGISTRY_USER": true, "CI_REGISTRY_PASSWORD": true, "CI_REPOSITORY_URL": true,
	"CI_SERVER": true, "CI_SHARED_ENVIRONMENT": true, "CI_TEMPLATE_REGISTRY_HOST": true,
	"CI_DEPLOY_USER": true, "CI_DEPLOY_PASSWORD": true,
}

// projectVariable reports whether a name a job reads may be a CI/CD
// variable of the project: not predefined, not a shell's, and written in
// upper case as variable names conventionally are. The deploy token
// variables count: they hold the project's gitlab-deploy-token when it
// has one.
func projectVariable(n string) bool {
	if n == "CI_DEPLOY_USER" || n == "CI_DEPLOY_PASSWORD" {
		return true
	}
	if predefined[n] || shellNames[n] {
		return false
	}
	for _, p := range predefinedPrefixes {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	return strings.ToUpper(n) == n && len(n) > 1
}

// inlineSecrets records credentials written as literal variable values.
// Only a fingerprint of each value is kept.
func (c *converter) inlineSecrets(j *jobState) {
	for _, k := range sortedKeys(j.vars) {
		vr := j.vars[k]
		if vr.v == nil || !literal.LooksLikeCredential(k, vr.value) {
			continue
		}
		owner := vr.v.owner
		if owner == "" {
			owner = "variables"
		}
		id := graph.GitLabInlineSecretID(c.project, c.inRepo(vr.v.file), owner, k)
		line := c.lineOf(j, vr.v)
		a := attrs(literal.SecretAttrs(c.env, "gitlab", k, c.project, vr.value))
		c.b.Node(id, graph.NodeSecret, k+" (literal in "+c.inRepo(vr.v.file)+")", line, a)
		c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, j.exposure(attrs{graph.AttrVia: "env", graph.AttrName: k}))
	}
}

// warnMappingItems warns of the script items that YAML reads as
// mappings, such as - echo "key: value" written without quotes. GitLab
// rejects such a pipeline, and scanScripts skips them, so a command or
// credential in one is not read. Each item is reported once, however many
// jobs extend the template that holds it.
func (c *converter) warnMappingItems(j *jobState, v *value) {
	for _, key := range []string{"before_script", "script", "after_script"} {
		for _, item := range v.get(key).mappings() {
			seen := "mapping:" + item.file + ":" + strconv.Itoa(item.line)
			if c.warned == nil {
				c.warned = map[string]bool{}
			}
			if c.warned[seen] {
				continue
			}
			c.warned[seen] = true
			c.warnf(c.lineOf(j, item), "job %s: an item of %s is a mapping, not a command, so it is not read; quote the item", j.r.name, key)
		}
	}
}

// scriptLiterals records the literal credentials of a job's scripts (see
// package literal), as inlineSecrets does those of variables. A finding
// in a literal block (- |) is placed on its own line, others on their
// script item's line.
// It returns the inline secret of each value, by value, for the registry
// logins of the job.
func (c *converter) scriptLiterals(j *jobState) map[string]string {
	ids := map[string]string{}
	found, over := c.scriptFindings(j)
	for _, sf := range found {
		id, f := sf.id, sf.f
		ids[f.Value] = id
		a := attrs(literal.SecretAttrs(c.env, "gitlab", f.Kind, c.project, f.Value))
		c.b.Node(id, graph.NodeSecret, f.Kind+" (literal in "+c.inRepo(sf.s.file)+", line "+strconv.Itoa(sf.valueLine)+")", sf.line, a)
		c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, sf.line, j.exposure(attrs{graph.AttrVia: "script"}))
		if c.warned == nil {
			c.warned = map[string]bool{}
		}
		if !c.warned[id] {
			c.warned[id] = true
			c.warnf(sf.line, "job %s: the script contains a literal %s; store it as a masked CI/CD variable and rotate it", j.r.name, f.Kind)
		}
	}
	if over > 0 {
		c.warnf(over, "job %s: the scripts contain more than %d literal credentials; the rest are not recorded", j.r.name, literal.MaxPerScript)
	}
	return ids
}

// scriptFinding is a literal credential of a job's scripts, with the id
// of its inline secret and the lines it is placed on.
type scriptFinding struct {
	f  literal.Finding
	s  *value
	id string
	// line is the line of the node, and valueLine that of the value,
	// which its label names.
	line, valueLine int
}

// scriptFindings lists the literal credentials of a job's scripts, each
// value once, up to literal.MaxPerScript. over is the line of the first
// value past that bound, or 0.
func (c *converter) scriptFindings(j *jobState) (out []scriptFinding, over int) {
	seen := map[string]bool{}
	for _, s := range j.scripts {
		for i, f := range literal.Scan(s.str) {
			valueLine := s.line
			if s.block {
				valueLine = s.line + f.Line
			}
			// NOTE: a value in an included file is placed on the job's
			// line of the parsed file, so only the label names the file
			// and line that hold it.
			line := c.lineOf(j, s)
			if s.file == c.self && s.line > 0 {
				line = valueLine
			}
			if seen[f.Value] {
				// The same credential written again is the same secret.
				continue
			}
			if len(seen) == literal.MaxPerScript {
				return out, line
			}
			seen[f.Value] = true
			owner := s.owner
			if owner == "" {
				owner = "script"
			}
			id := graph.GitLabInlineSecretID(c.project, c.inRepo(s.file), owner, literal.Key("script", s.line, i))
			out = append(out, scriptFinding{f: f, s: s, id: id, line: line, valueLine: valueLine})
		}
	}
	return out, 0
}

// templateLiterals records the literal credentials in the scripts of the
// parsed file's hidden jobs (.name) that no job of the file recorded. A
// job records those of the templates it runs (see scriptLiterals). A
// template that no job extends, or whose scripts the jobs that extend it
// replace, runs nowhere, but everyone who can read the repository reads
// the value. Such a value is a Secret that no job exposes, with a
// warning.
func (c *converter) templateLiterals() {
	for i, name := range c.p.config.keys {
		v := c.p.config.vals[i]
		if !strings.HasPrefix(name, ".") || v.file != c.self || !v.isMap() {
			continue
		}
		for _, key := range []string{"before_script", "script", "after_script"} {
			for _, s := range v.get(key).scalars() {
				for n, f := range literal.Scan(s.str) {
					line := s.line
					if s.block {
						line = s.line + f.Line
					}
					owner := s.owner
					if owner == "" {
						owner = name
					}
					// The id a job that ran the item would have given it.
					id := graph.GitLabInlineSecretID(c.project, c.inRepo(s.file), owner, literal.Key("script", s.line, n))
					if c.warned[id] {
						continue
					}
					if c.warned == nil {
						c.warned = map[string]bool{}
					}
					c.warned[id] = true
					a := attrs(literal.SecretAttrs(c.env, "gitlab", f.Kind, c.project, f.Value))
					c.b.Node(id, graph.NodeSecret, f.Kind+" (literal in "+c.inRepo(s.file)+", line "+strconv.Itoa(line)+")", line, a)
					c.warnf(line, "template %s: the script contains a literal %s, which no job runs but everyone who can read the repository can read; rotate it and remove it", name, f.Kind)
				}
			}
		}
	}
}

// warnLiterals warns about each literal credential written in the parsed
// file's variables, whether or not a job of this file uses it.
func (c *converter) warnLiterals() {
	for _, f := range c.p.files {
		if f.rel != c.self {
			continue
		}
		blocks := []*value{f.top.get("variables")}
		for i, k := range f.top.keys {
			if k != "variables" {
				blocks = append(blocks, f.top.vals[i].get("variables"))
			}
		}
		for _, b := range blocks {
			for i, k := range b.keysOf() {
				vr := readVariable(k, b.vals[i])
				if literal.LooksLikeCredential(k, vr.value) {
					c.warnf(b.vals[i].line, "variable %s holds a literal credential; store it as a masked CI/CD variable and rotate it", k)
				}
			}
		}
	}
}

// externalSecrets writes the secrets a job reads from an external secret
// manager through secrets:.
func (c *converter) externalSecrets(j *jobState, v *value) {
	sv := v.get("secrets")
	for i, name := range sv.keysOf() {
		s := sv.vals[i]
		engine, path := externalSecret(s)
		line := c.lineOf(j, s)
		if engine == "" || path == "" {
			c.warnf(line, "secret %s skipped: no vault, azure_key_vault, gcp_secret_manager, aws_secrets_manager or akeyless source", name)
			continue
		}
		id := graph.GitLabExternalSecretID(engine, path)
		c.b.Node(id, graph.NodeSecret, engine+" "+path, line, attrs{
			graph.AttrProvider:  engineProvider(engine),
			"type":              "external-secret",
			"engine":            engine,
			graph.AttrName:      path,
			graph.AttrLongLived: "true",
		})
		file := "true"
		if s.get("file").text() == "false" {
			file = "false"
		}
		c.b.Edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, j.exposure(attrs{
			graph.AttrVia:  "ci-secret",
			graph.AttrName: name,
			"file":         file,
		}))
	}
}

// externalSecret reads one secrets: entry into its engine and path.
func externalSecret(s *value) (engine, path string) {
	if vs, ok := s.get("vault").scalar(); ok {
		mount := "kv-v2"
		if at := strings.LastIndexByte(vs, '@'); at >= 0 {
			vs, mount = vs[:at], vs[at+1:]
		}
		return "vault", mount + "/" + strings.Trim(vs, "/")
	}
	if vm := s.get("vault"); vm.isMap() {
		mount := vm.get("engine").get("path").text()
		if mount == "" {
			mount = "kv-v2"
		}
		p := strings.Trim(vm.get("path").text(), "/")
		if f := vm.get("field").text(); f != "" {
			p += "/" + f
		}
		return "vault", mount + "/" + p
	}
	for _, e := range []struct{ key, field string }{
		{"azure_key_vault", "name"}, {"gcp_secret_manager", "name"}, {"aws_secrets_manager", "secret_id"},
		{"akeyless", "name"}, {"gitlab_secrets_manager", "name"},
	} {
		if ev := s.get(e.key); ev != nil {
			name := ev.get(e.field).text()
			if name == "" {
				name, _ = ev.scalar()
			}
			return e.key, name
		}
	}
	return "", ""
}

func engineProvider(engine string) string {
	switch engine {
	case "vault":
		return "vault"
	case "azure_key_vault":
		return "azure"
	case "gcp_secret_manager":
		return "gcp"
	case "aws_secrets_manager":
		return "aws"
	case "akeyless":
		return "akeyless"
	}
	return "gitlab"
}

// jobToken writes the job's CI_JOB_TOKEN and what it can do: read the
// project's repository and, on GitLab.com, push to the project's container
// registry. GitLab gives every job the token as CI_REGISTRY_PASSWORD when
// the project's registry is on, which the input does not show, so that
// edge is possible.
func (c *converter) jobToken(j *jobState) {
	tok := graph.GitLabJobTokenID(j.rid)
	ident := graph.GitLabJobTokenIdentityID(j.rid)
	c.b.Node(tok, graph.NodeSecret, "CI_JOB_TOKEN of "+j.r.name, j.line, attrs{
		graph.AttrProvider:   "gitlab",
		"type":               "job-token",
		graph.AttrName:       "CI_JOB_TOKEN",
		graph.AttrRepository: c.project,
		graph.AttrLongLived:  "false",
	})
	c.b.Node(ident, graph.NodeIdentity, "CI_JOB_TOKEN identity of "+j.r.name, j.line, attrs{
		graph.AttrProvider:   "gitlab",
		"type":               "job-token",
		graph.AttrRepository: c.project,
	})
	c.b.Edge(j.rid, graph.EdgeExposes, tok, graph.Certain, j.line, attrs{graph.AttrVia: "token"})
	c.b.Edge(tok, graph.EdgeAuthenticatesAs, ident, graph.Certain, j.line, nil)
	c.b.Edge(ident, graph.EdgeCanAccess, c.repoID, graph.Certain, j.line, attrs{
		graph.AttrLevel:   "read",
		graph.AttrActions: "read_repository",
		graph.AttrReason:  "a job token can clone its own project",
	})
	if c.issuer != defaultIssuer {
		return // the registry's host is not in the input
	}
	if ref, ok := image.Parse("registry.gitlab.com/" + strings.ToLower(c.project)); ok {
		name := ref.PURL(false)
		c.b.Node(name, graph.NodePackage, ref.Name(), j.line, attrs{"ecosystem": "docker", "name": ref.Name()})
		c.b.Edge(ident, graph.EdgeCanPublish, name, graph.Possible, j.line, attrs{
			graph.AttrReason: "a job token can push to its own project's container registry (CI_REGISTRY_PASSWORD), when the project's registry is on",
		})
	}
}

// idTokens writes the ID tokens of id_tokens: and the subject each one
// authenticates as.
func (c *converter) idTokens(j *jobState, v *value) {
	it := v.get("id_tokens")
	for i, name := range it.keysOf() {
		aud := it.vals[i].get("aud").strings()
		c.oidcToken(j, name, c.lineOf(j, it.vals[i]), aud, false)
	}
}

// legacyTokens writes the CI_JOB_JWT tokens GitLab gave every job before
// version 17.0, when the job reads one.
func (c *converter) legacyTokens(j *jobState) {
	for _, rd := range j.reads {
		switch rd.Name {
		case "CI_JOB_JWT", "CI_JOB_JWT_V1":
			c.oidcToken(j, "CI_JOB_JWT", c.readLine(j, rd.Name), nil, true)
		case "CI_JOB_JWT_V2":
			c.oidcToken(j, "CI_JOB_JWT_V2", c.readLine(j, rd.Name), []string{c.issuer}, true)
		}
	}
}

// oidcToken writes one ID token and its subject. The sub claim of the
// first legacy token is the job id, and that of every other token names
// the project and the ref.
func (c *converter) oidcToken(j *jobState, name string, line int, aud []string, legacy bool) {
	tok := graph.GitLabOIDCTokenID(j.rid, name)
	subj := graph.GitLabOIDCSubjectID(j.rid, name)
	ta := attrs{
		graph.AttrProvider:   "gitlab",
		"type":               "oidc-token",
		graph.AttrName:       name,
		graph.AttrRepository: c.project,
		graph.AttrLongLived:  "false",
		"aud":                graph.JoinList(aud),
	}
	sa := attrs{
		graph.AttrProvider:   "gitlab-oidc",
		"type":               "oidc-subject",
		"issuer":             c.issuer,
		graph.AttrRepository: c.project,
		"environment":        j.env,
		"pipeline_sources":   strings.Join(j.runs.sources, ","),
		"token":              name,
		"aud":                graph.JoinList(aud),
	}
	conf := graph.Certain
	ea := attrs{graph.AttrVia: "oidc"}
	if legacy {
		ta["legacy"], sa["legacy"] = "true", "true"
		conf = graph.Possible
		ea[graph.AttrReason] = "GitLab set " + name + " in every job until version 17.0; the instance's version is not in the input"
	}
	if ids := j.oidcRoles[name]; len(ids) > 0 {
		sa["oidc_identities"] = graph.JoinList(ids)
	}
	if name == "CI_JOB_JWT" {
		sa["subs"] = "job_*"
		sa["subs_wildcard"] = "true"
	} else {
		subs, wildcard, anyRef := subjects(c.project, j.runs)
		sa["subs"] = strings.Join(subs, ",")
		if wildcard {
			sa["subs_wildcard"] = "true"
		}
		if anyRef {
			sa["subs_any_ref"] = "true"
		}
	}
	c.b.Node(tok, graph.NodeSecret, name+" of "+j.r.name, line, ta)
	c.b.Node(subj, graph.NodeIdentity, "OIDC subject of "+j.r.name+" ("+name+")", line, sa)
	c.b.Edge(j.rid, graph.EdgeExposes, tok, conf, line, ea)
	c.b.Edge(tok, graph.EdgeAuthenticatesAs, subj, graph.Certain, line, nil)
}

// subjects derives the sub claims of a job's ID tokens under GitLab's
// default format, project_path:P:ref_type:T:ref:R, one per kind of run
// the job's rules allow. A ref the rules do not name is a pattern.
func subjects(project string, rs runSet) (subs []string, wildcard, anyRef bool) {
	prefix := "project_path:" + project + ":ref_type:"
	seen := map[string]bool{}
	for _, sc := range rs.runs {
		typ := "branch"
		if sc.tag {
			typ = "tag"
		}
		ref := "*"
		switch sc.kind {
		case refLiteral:
			ref = sc.lit
		case refPattern:
			ref = rs.patterns[sc.pat].glob
		}
		if strings.Contains(ref, "*") {
			wildcard = true
		}
		if ref == "*" {
			anyRef = true
		}
		s := prefix + typ + ":ref:" + ref
		if !seen[s] {
			seen[s] = true
			subs = append(subs, s)
		}
	}
	sort.Strings(subs)
	return subs, wildcard, anyRef
}

// includes makes the job execute every include whose content is not in
// the input. It is certain when the job uses a template or reference the
// input lacks and only one such include can hold it.
func (c *converter) includes(j *jobState) {
	n := len(c.p.remotes)
	for _, r := range c.p.remotes {
		line := j.line
		if r.file == c.self {
			line = r.line
		}
		c.remotePackage(r, line)
		conf := graph.Possible
		reason := "the included file is not read; it can set default: keys or add to this job"
		if len(j.r.missing) > 0 && n == 1 {
			conf = graph.Certain
			reason = "the job uses a template or reference that only the included file can define"
		}
		c.b.Edge(j.rid, graph.EdgeExecutes, r.purl, conf, line, attrs{
			graph.AttrVia:    "include",
			"include":        r.kind,
			"pinned":         r.pinned,
			graph.AttrReason: reason,
		})
	}
	if len(j.r.missing) > 0 && n == 0 {
		c.warnf(j.line, "job %s uses templates or references that are not in the input; their keys are missing", j.r.name)
	}
}

func (c *converter) remotePackage(r remote, line int) {
	a := attrs{"ecosystem": r.purlType(), "include": r.kind, "version": r.version}
	c.b.Node(r.purl, graph.NodePackage, r.label, line, a)
	if r.name != "" {
		c.b.Node(r.name, graph.NodePackage, strings.SplitN(r.label, "@", 2)[0], line, attrs{"ecosystem": r.purlType()})
		c.b.Edge(r.purl, graph.EdgeVersionOf, r.name, graph.Certain, line, nil)
	}
}

func (r remote) purlType() string {
	if strings.HasPrefix(r.purl, "pkg:gitlab/") {
		return "gitlab"
	}
	return "generic"
}

// images writes the job's image and services as packages it executes.
func (c *converter) images(j *jobState, v *value) {
	var names []string
	add := func(iv *value, via string) {
		ref, ok := iv.scalar()
		if !ok {
			ref = iv.get("name").text()
		}
		if ref == "" {
			return
		}
		line := c.lineOf(j, iv)
		expanded := c.expand(j, ref)
		img, ok := image.Parse(expanded)
		if !ok {
			names = append(names, ref)
			if iv.file == c.self {
				c.warnf(line, "job %s: %s not recorded: it names a variable the file does not set, or is not an image reference", j.r.name, via)
			}
			return
		}
		names = append(names, img.Name()+":"+img.Version())
		c.executeImage(j, img, line, via)
	}
	if iv := v.get("image"); iv != nil {
		add(iv, "image")
		j.attrs["image"] = strings.Join(names, ",")
		names = nil
	}
	for _, sv := range v.get("services").items() {
		add(sv, "service")
	}
	j.attrs["services"] = graph.JoinList(names)
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

// containerRuns writes the images that the job's scripts start with
// docker run, docker container run or podman run as packages the job
// executes (registry.Runs), with the rules of image:. The packages that
// tool commands fetch by name and run (registry.ToolRuns) are executed
// too.
func (c *converter) containerRuns(j *jobState) {
	expand := func(s string) string { return c.expand(j, s) }
	for _, s := range j.scripts {
		for _, r := range registry.Runs(s.str, expand) {
			c.executeImage(j, r.Image, c.lineOf(j, s), "container-run")
		}
		for _, r := range registry.ToolRuns(s.str, j.scan.Env()) {
			c.b.ToolRun(j.rid, r, c.lineOf(j, s), pkgcmd.ProjectInstall(j.scan.Effects(), r.Eco))
		}
	}
}

// expand replaces the variables of an image name with the values the file
// gives them, and the predefined registry variables with their values on
// GitLab.com. The dependency proxy prefix is read as Docker Hub.
func (c *converter) expand(j *jobState, s string) string {
	for i := 0; i < 10 && strings.Contains(s, "$"); i++ {
		next := expandOnce(s, func(name string) (string, bool) {
			switch name {
			case "CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX", "CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX":
				return "", true
			case "CI_PROJECT_PATH":
				return strings.ToLower(c.project), true
			}
			if vr, ok := j.vars[name]; ok && !vr.raw {
				return vr.value, true
			}
			if c.issuer == defaultIssuer {
				switch name {
				case "CI_REGISTRY":
					return "registry.gitlab.com", true
				case "CI_REGISTRY_IMAGE":
					return "registry.gitlab.com/" + strings.ToLower(c.project), true
				case "CI_SERVER_HOST", "CI_SERVER_FQDN":
					return "gitlab.com", true
				}
			}
			return "", false
		})
		if next == s {
			break
		}
		s = next
	}
	return strings.TrimPrefix(s, "/")
}

// expandOnce replaces $NAME and ${NAME} where lookup returns a value.
func expandOnce(s string, lookup func(string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j, brace := i+1, s[i+1] == '{'
		if brace {
			j++
		}
		start := j
		for j < len(s) && isName(s[j]) {
			j++
		}
		name := s[start:j]
		end := j
		if brace {
			if j >= len(s) || s[j] != '}' {
				b.WriteByte(s[i])
				continue
			}
			end = j + 1
		}
		val, ok := lookup(name)
		if name == "" || !ok {
			b.WriteString(s[i:end])
		} else {
			b.WriteString(val)
		}
		i = end - 1
	}
	return b.String()
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
