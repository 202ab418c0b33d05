package serverless

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	imageref "github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

const providerAWS = "aws"

// Defaults of the framework for a deploy without options.
const (
	defaultStage  = "dev"
	defaultRegion = "us-east-1"
)

// lambdaTrust is the trust policy of the role the framework makes.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`

// vpcAccessPolicy is the managed policy that the framework attaches to
// its role when a function runs in a VPC.
const vpcAccessPolicy = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

var (
	awsManagedPolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/`)
	longLivedKeyID   = regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
	// arnAccount finds the account of an ARN.
	arnAccount = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)
)

// lambdaReserved are the environment variables that the Lambda runtime
// sets itself, which a function's configuration may not set: Lambda
// rejects the function, so such a variable holds nothing the function
// exposes. Among them are the keys of the execution role.
var lambdaReserved = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

type emitter struct {
	f        *ingest.File
	env      *ingest.Env
	res      *ingest.Result
	root     *yaml.Node
	provider *yaml.Node
	rv       *resolver

	service string
	plugins []string
	// role is the ARN of the role the framework makes, and roleDone is set
	// once its facts are emitted.
	role     string
	roleDone bool
	seen     map[string]bool // ids of nodes emitted
	// cfn holds the data stores that resources declares, by logical id.
	cfn map[string]cfnResource
	// budget is the number of values that value may still convert, and
	// overrun is set once it ran out.
	budget  int
	overrun bool
	top     *yaml.Node // the value being converted, where a warning goes
}

// maxValues bounds the values converted from one file, so that aliases
// of aliases, which expand exponentially, end.
const maxValues = 50000

func newEmitter(f *ingest.File, env *ingest.Env, res *ingest.Result, root *yaml.Node) *emitter {
	e := &emitter{f: f, env: env, res: res, root: root, provider: get(root, "provider"), seen: map[string]bool{}, budget: maxValues}
	e.rv = &resolver{root: root}
	// The stage and region come first, with their own variables unknown,
	// so that a default such as ${opt:stage, 'prod'} decides them.
	stage := e.rv.str(get(e.provider, "stage")).text
	if stage == "" || strings.Contains(stage, "${") {
		stage = defaultStage
	}
	e.rv.stage = stage
	region := e.rv.str(get(e.provider, "region")).text
	if region == "" {
		region = defaultRegion
	}
	e.rv.region = region
	e.rv.account = e.findAccount()
	e.cfn = e.cfnResources()
	e.emitResources()
	return e
}

func (e *emitter) pos(n *yaml.Node) ingest.Position {
	p := ingest.Position{File: e.f.Path}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	return p
}

func (e *emitter) warnf(n *yaml.Node, format string, args ...any) {
	e.res.Warnf(e.pos(n), format, args...)
}

func (e *emitter) node(kind graph.NodeKind, id, label string, at *yaml.Node, attrs map[string]string) {
	clean := ingest.NodeAttrs(unresolvedVar, id, attrs)
	line := 0
	if at != nil {
		line = at.Line
	}
	e.res.AddNode(graph.Node{ID: id, Kind: kind, Label: label, Attrs: clean, Pos: graph.Pos{Line: line}})
}

func (e *emitter) edge(from string, kind graph.EdgeKind, to string, at *yaml.Node, attrs map[string]string) {
	ed := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain}
	if at != nil {
		ed.Pos = graph.Pos{Line: at.Line}
	}
	for k, v := range attrs {
		if v != "" {
			ed.SetAttr(k, v)
		}
	}
	e.res.AddEdge(ed)
}

// findAccount returns the one account that the ARNs of the file's roles,
// statement resources and managed policies name, or "". The roles that
// resources declares count too.
func (e *emitter) findAccount() string {
	var texts []string
	add := func(n *yaml.Node) {
		if s, ok := e.value(n).(string); ok {
			texts = append(texts, s)
		}
	}
	addAll := func(n *yaml.Node) {
		n = e.rv.node(n)
		if n != nil && n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				add(c)
			}
			return
		}
		add(n)
	}
	iam := get(e.provider, "iam")
	role := get(iam, "role")
	if role != nil && role.Kind == yaml.ScalarNode {
		add(role)
	}
	add(get(e.provider, "role"))

	for _, st := range e.statements() {
		addAll(get(st, "Resource"))
		addAll(get(st, "NotResource"))
	}
	for _, p := range e.managedPolicies() {
		addAll(p)
	}
	_, fns := pairs(e.functionsNode())
	for _, fn := range fns {
		add(get(fn, "role"))
	}
	_, resources := pairs(e.rv.node(get(get(e.root, "resources"), "Resources")))
	for _, r := range resources {
		if e.rv.str(get(r, "Type")).text != "AWS::IAM::Role" {
			continue
		}
		props := get(r, "Properties")
		addAll(get(props, "ManagedPolicyArns"))
		for _, p := range e.seq(get(props, "Policies")) {
			for _, st := range e.seq(get(get(p, "PolicyDocument"), "Statement")) {
				addAll(get(st, "Resource"))
				addAll(get(st, "NotResource"))
			}
		}
	}

	accounts := map[string]bool{}
	for _, t := range texts {
		for _, m := range arnAccount.FindAllStringSubmatch(t, -1) {
			accounts[m[1]] = true
		}
	}
	if len(accounts) != 1 {
		return ""
	}
	for a := range accounts {
		return a
	}
	return ""
}

func (e *emitter) functionsNode() *yaml.Node {
	fns := e.rv.node(get(e.root, "functions"))
	if fns != nil && fns.Kind == yaml.SequenceNode {
		// functions may be a list of mappings, each naming functions.
		merged := &yaml.Node{Kind: yaml.MappingNode, Line: fns.Line}
		for _, c := range fns.Content {
			if c = deref(c); c != nil && c.Kind == yaml.MappingNode {
				merged.Content = append(merged.Content, c.Content...)
			}
		}
		return merged
	}
	return fns
}

// statements returns the IAM statements of the role the framework makes.
func (e *emitter) statements() []*yaml.Node {
	var out []*yaml.Node
	for _, list := range []*yaml.Node{get(get(get(e.provider, "iam"), "role"), "statements"), get(e.provider, "iamRoleStatements")} {
		list = e.rv.node(list)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, st := range list.Content {
			if st = e.rv.node(st); st != nil && st.Kind == yaml.MappingNode {
				out = append(out, st)
			}
		}
	}
	return out
}

// managedPolicies returns the nodes that list the managed policies of the
// role the framework makes.
func (e *emitter) managedPolicies() []*yaml.Node {
	var out []*yaml.Node
	for _, n := range []*yaml.Node{get(get(get(e.provider, "iam"), "role"), "managedPolicies"), get(e.provider, "iamManagedPolicies")} {
		if n = e.rv.node(n); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// value converts a node to the value the framework gives CloudFormation:
// strings with their variables resolved, lists, mappings, and the results
// of the CloudFormation functions Fn::Join and Fn::Sub when the file
// shows their parts. A Ref, Fn::GetAtt or other function becomes a
// placeholder ${cfn:...}.
func (e *emitter) value(n *yaml.Node) any {
	e.top = n
	return e.valueDepth(n, 0)
}

func (e *emitter) valueDepth(n *yaml.Node, depth int) any {
	n = e.rv.node(n)
	if n == nil || depth > maxVarDepth {
		return nil
	}
	if e.budget--; e.budget < 0 {
		if !e.overrun {
			e.overrun = true
			e.warnf(e.top, "the file's aliases expand to more than %d values, so the values past them are left out", maxValues)
		}
		return nil
	}
	switch n.Tag {
	case "!Ref":
		return e.ref(n.Value)
	case "!GetAtt":
		return e.attOf(e.getAtt(n))
	case "!Sub":
		return e.sub(n, depth)
	case "!Join":
		return e.join(n, depth)
	}
	if strings.HasPrefix(n.Tag, "!") && n.Tag != "!!str" && !strings.HasPrefix(n.Tag, "!!") {
		return "${cfn:" + strings.TrimPrefix(n.Tag, "!") + "}"
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return e.rv.text(n.Value).text
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, e.valueDepth(c, depth+1))
		}
		return out
	case yaml.MappingNode:
		keys, vals := pairs(n)
		if len(keys) == 1 {
			switch k := keys[0].Value; k {
			case "Ref":
				return e.ref(deref(vals[0]).Value)
			case "Fn::GetAtt":
				return e.attOf(e.getAtt(deref(vals[0])))
			case "Fn::Sub":
				return e.sub(deref(vals[0]), depth)
			case "Fn::Join":
				return e.join(deref(vals[0]), depth)
			default:
				if strings.HasPrefix(k, "Fn::") {
					return "${cfn:" + strings.TrimPrefix(k, "Fn::") + "}"
				}
			}
		}
		out := map[string]any{}
		for i, k := range keys {
			out[e.rv.text(k.Value).text] = e.valueDepth(vals[i], depth+1)
		}
		return out
	}
	return nil
}

func (e *emitter) getAtt(n *yaml.Node) string {
	if n == nil {
		return "GetAtt"
	}
	if n.Kind == yaml.SequenceNode {
		var parts []string
		for _, c := range n.Content {
			parts = append(parts, deref(c).Value)
		}
		return strings.Join(parts, ".")
	}
	return n.Value
}

// cfnVar matches a variable of Fn::Sub.
var cfnVar = regexp.MustCompile(`\$\{([A-Za-z0-9_.:]+)\}`)

// sub resolves an Fn::Sub string: the pseudo parameters of the region,
// account and partition, and the framework's own variables.
func (e *emitter) sub(n *yaml.Node, depth int) any {
	if n != nil && n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
		n = deref(n.Content[0])
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return "${cfn:Sub}"
	}
	s := e.rv.text(n.Value).text
	return cfnVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		switch name {
		case "AWS::Region":
			return e.rv.region
		case "AWS::Partition":
			return "aws"
		case "AWS::URLSuffix":
			return "amazonaws.com"
		case "AWS::AccountId":
			if e.rv.account != "" {
				return e.rv.account
			}
			return "${aws:accountId}"
		}
		if strings.Contains(name, ":") {
			return m // a variable of the framework or of IAM
		}
		return "${cfn:" + name + "}"
	})
}

func (e *emitter) join(n *yaml.Node, depth int) any {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		return "${cfn:Join}"
	}
	delim, _ := e.valueDepth(n.Content[0], depth+1).(string)
	parts, _ := e.valueDepth(n.Content[1], depth+1).([]any)
	var out []string
	for _, p := range parts {
		s, ok := p.(string)
		if !ok {
			return "${cfn:Join}"
		}
		out = append(out, s)
	}
	return strings.Join(out, delim)
}

// emit emits the facts of the service.
func (e *emitter) emit() {
	svc := e.rv.node(get(e.root, "service"))
	if svc != nil && svc.Kind == yaml.MappingNode {
		svc = get(svc, "name")
	}
	e.service = e.rv.str(svc).text
	e.plugins = e.pluginNames()
	e.res.Records++

	fns := e.functionsNode()
	if fns == nil {
		return
	}
	if fns.Kind != yaml.MappingNode {
		e.warnf(fns, "functions is not a mapping of function names to their settings, so no function is read")
		return
	}
	keys, vals := pairs(fns)
	for i, k := range keys {
		fn := e.rv.node(vals[i])
		if fn == nil || fn.Kind == yaml.ScalarNode && fn.Tag == "!!null" {
			fn = &yaml.Node{Kind: yaml.MappingNode, Line: k.Line}
		}
		if fn.Kind == yaml.ScalarNode && strings.Contains(fn.Value, "${") {
			e.warnf(vals[i], "functions.%s comes from a variable source that is not read, such as another file, so the function is not read", k.Value)
			continue
		}
		if fn.Kind != yaml.MappingNode {
			e.warnf(vals[i], "functions.%s is not a mapping of settings, so the function is not read", k.Value)
			continue
		}
		e.function(k, fn)
	}
}

// pluginNames returns the npm packages that plugins lists: a list, or a
// mapping whose modules is one. Local plugins (./plugins/x) are left out.
func (e *emitter) pluginNames() []string {
	n := e.rv.node(get(e.root, "plugins"))
	if n != nil && n.Kind == yaml.MappingNode {
		n = e.rv.node(get(n, "modules"))
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		name := e.rv.str(c).text
		if name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "/") || strings.Contains(name, "${") {
			continue
		}
		out = append(out, name)
	}
	return out
}

// stageMarker stands for the stage while nameTemplate resolves a name: it
// is no text a service file holds.
const stageMarker = "\x02stage\x02"

// nameTemplate resolves the function name n with the stage unknown, and
// returns it with StagePlaceholder where the stage goes. A name that reads
// the stage only through another variable, such as
// ${self:custom.names.${sls:stage}}, stays unresolved, and the template is
// empty.
func (e *emitter) nameTemplate(n *yaml.Node) string {
	stage := e.rv.stage
	e.rv.stage = stageMarker
	r := e.rv.str(n)
	e.rv.stage = stage
	if len(unresolvedIn(r.text)) > 0 || strings.Contains(r.text, "${") {
		return ""
	}
	return strings.ReplaceAll(r.text, stageMarker, StagePlaceholder)
}

// function emits one function: its runtime, role credentials, image and
// environment variables.
func (e *emitter) function(key, fn *yaml.Node) {
	fname := key.Value
	name := e.rv.str(get(fn, "name")).text
	template := e.service + "-" + StagePlaceholder + "-" + fname
	if name == "" {
		name = e.service + "-" + e.rv.stage + "-" + fname
	} else {
		template = e.nameTemplate(get(fn, "name"))
	}
	arn := "arn:aws:lambda:" + e.rv.region + ":" + e.rv.account + ":function:" + name
	runtime := "runtime:aws:lambda:" + arn

	image := e.image(fn)
	var events []string
	for _, ev := range e.seq(get(fn, "events")) {
		ks, _ := pairs(ev)
		if len(ks) == 1 {
			events = append(events, ks[0].Value)
		}
	}
	sort.Strings(events)
	var layers []string
	layersNode := get(fn, "layers")
	if layersNode == nil {
		layersNode = get(e.provider, "layers")
	}
	for _, l := range e.seq(layersNode) {
		if s, ok := e.value(l).(string); ok && s != "" {
			layers = append(layers, s)
		}
	}
	e.node(graph.NodeRuntime, runtime, name, key, map[string]string{
		graph.AttrProvider:       providerAWS,
		"type":                   "lambda",
		graph.AttrAccount:        e.rv.account,
		graph.AttrName:           name,
		"arn":                    arn,
		"image":                  image,
		"layers":                 graph.JoinList(layers),
		"events":                 graph.JoinList(events),
		"serverless_function":    fname,
		"serverless_service":     e.service,
		AttrStage:                e.rv.stage,
		AttrNameTemplate:         template,
		AttrConfig:               e.f.RelPath,
		graph.AttrRepository:     e.f.Repo,
		graph.AttrRepositoryHost: graph.RepoHostAttr(e.f.Forge()),
		AttrPlugins:              graph.JoinList(e.plugins),
		graph.AttrTriggeredBy:    graph.JoinList(e.triggers(fn)),
		graph.AttrCodeFrom:       e.codeFrom(fname, fn, image),
	})
	if image != "" {
		e.executesImage(runtime, image, get(fn, "image"))
	}

	role := e.functionRole(fn)
	e.roleCredentials(runtime, name, role, key)
	e.envVars(runtime, fn)
}

// seq returns the items of a list, or none.
func (e *emitter) seq(n *yaml.Node) []*yaml.Node {
	n = e.rv.node(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, e.rv.node(c))
	}
	return out
}

// image returns the image a function runs, when it names one by URI.
// An image that provider.ecr.images builds from a folder is left out.
func (e *emitter) image(fn *yaml.Node) string {
	n := e.rv.node(get(fn, "image"))
	if n == nil {
		return ""
	}
	if n.Kind == yaml.MappingNode {
		n = get(n, "uri")
	}
	s, _ := e.value(n).(string)
	if s == "" || !strings.ContainsAny(s, "/@:") {
		return "" // the name of an image that provider.ecr.images builds
	}
	return s
}

// executesImage adds EXECUTES from a function to the container image it
// runs, with the image's name node. Lambda resolves the tag to a digest
// when the function is deployed.
func (e *emitter) executesImage(runtime, image string, at *yaml.Node) {
	nodes, edges := imageref.Runs(runtime, image, graph.PullOnDeploy)
	for _, n := range nodes {
		e.node(n.Kind, n.ID, n.Label, at, n.Attrs)
	}
	for _, ed := range edges {
		e.edge(ed.From, ed.Kind, ed.To, at, ed.Attrs)
		e.res.Edges[len(e.res.Edges)-1].Confidence = ed.Confidence
	}
}

// triggers returns the ARNs of the queues, streams and topics whose
// messages invoke the function, as its sqs, stream and sns events name
// them. Sorted, without repeats.
func (e *emitter) triggers(fn *yaml.Node) []string {
	seen := map[string]bool{}
	var out []string
	for _, ev := range e.seq(get(fn, "events")) {
		ks, vs := pairs(ev)
		if len(ks) != 1 {
			continue
		}
		switch ks[0].Value {
		case "sqs", "stream", "sns":
		default:
			continue
		}
		v := e.rv.node(vs[0])
		if v != nil && v.Kind == yaml.MappingNode {
			v = get(v, "arn")
			if v == nil {
				v = get(vs[0], "topicArn")
			}
		}
		s, _ := e.value(v).(string)
		if !strings.HasPrefix(s, "arn:") || strings.Contains(s, ",") || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// codeFrom returns the AttrCodeFrom attribute of a function: the
// service's folder, or the folder of the function's module or of its own
// package patterns when those name one.
func (e *emitter) codeFrom(fname string, fn *yaml.Node, image string) string {
	if e.f.Repo == "" || image != "" {
		return ""
	}
	pkg := e.rv.node(get(fn, "package"))
	if get(pkg, "artifact") != nil || get(get(e.provider, "package"), "artifact") != nil || get(get(e.root, "package"), "artifact") != nil {
		return "" // a zip built elsewhere
	}
	dir := path.Dir(strings.ReplaceAll(e.f.RelPath, `\`, "/"))
	if m := e.rv.str(get(fn, "module")).text; m != "" && fixedDir(m) {
		dir = path.Join(dir, m)
	} else if d := patternsDir(e.seq(get(pkg, "patterns")), e.rv); d != "" {
		dir = path.Join(dir, d)
	}
	return graph.EncodeCodeSource(graph.CodeSource{Repo: e.f.RepoID(), Dir: dir, By: e.f.RelPath + " functions." + fname,
		Tool: "The Serverless Framework"})
}

// fixedDir reports whether a folder is written out and stays inside the
// service's folder.
func fixedDir(d string) bool {
	d = path.Clean(d)
	return d != "." && !path.IsAbs(d) && d != ".." && !strings.HasPrefix(d, "../") && !strings.ContainsAny(d, "${}*?[")
}

// patternsDir returns the one folder that a function's package patterns
// include after excluding everything (- '!./**' then - 'src/fn/**'), or "".
func patternsDir(patterns []*yaml.Node, rv *resolver) string {
	excludesAll := false
	dir := ""
	for _, p := range patterns {
		s := strings.TrimPrefix(rv.str(p).text, "./")
		switch {
		case s == "!**" || s == "!**/*" || s == "!./**" || s == "!*/**":
			excludesAll = true
		case strings.HasPrefix(s, "!"):
		case strings.HasSuffix(s, "/**"):
			d := strings.TrimSuffix(s, "/**")
			if dir != "" && dir != d || !fixedDir(d) {
				return ""
			}
			dir = d
		}
	}
	if !excludesAll {
		return ""
	}
	return dir
}

// functionRole returns the ARN of the role a function runs as: its own
// role, the provider's, or the one the framework makes. It is "" when the
// file names the role by a CloudFormation reference.
func (e *emitter) functionRole(fn *yaml.Node) string {
	for _, n := range []*yaml.Node{get(fn, "role"), get(get(e.provider, "iam"), "role"), get(e.provider, "role")} {
		n = e.rv.node(n)
		if n == nil || n.Kind == yaml.MappingNode && !intrinsic(n) {
			continue
		}
		s, _ := e.value(n).(string)
		if r, ok := e.cfn[s]; ok && r.typ == "aws_iam_role" {
			return r.arn // the role's logical id
		}
		if strings.HasPrefix(s, "arn:") && strings.Contains(s, ":role/") {
			return s
		}
		e.warnf(n, "the role is a CloudFormation resource without a RoleName or a reference that is not read, so the function's role is unknown")
		return ""
	}
	return e.defaultRole()
}

// intrinsic reports whether a mapping is a CloudFormation function.
func intrinsic(n *yaml.Node) bool {
	keys, _ := pairs(n)
	return len(keys) == 1 && (keys[0].Value == "Ref" || strings.HasPrefix(keys[0].Value, "Fn::"))
}

// defaultRole emits, once, the role the framework makes for the service's
// functions, with its policies, and returns its ARN.
func (e *emitter) defaultRole() string {
	if e.roleDone {
		return e.role
	}
	e.roleDone = true
	roleNode := e.rv.node(get(get(e.provider, "iam"), "role"))
	name := e.rv.str(get(roleNode, "name")).text
	if name == "" {
		name = e.service + "-" + e.rv.stage + "-" + e.rv.region + "-lambdaRole"
	}
	rolePath := e.rv.str(get(roleNode, "path")).text
	e.role = graph.IAMARN(e.rv.account, "role", rolePath, name)
	at := roleNode
	if at == nil {
		at = e.provider
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "role",
		graph.AttrAccount:  e.rv.account,
		graph.AttrName:     name,
		"trust_policy":     lambdaTrust,
	}
	if rolePath != "" && rolePath != "/" {
		attrs["path"] = rolePath
	}
	boundary := get(roleNode, "permissionsBoundary")
	if boundary == nil {
		boundary = get(e.provider, "rolePermissionsBoundary")
	}
	if s, ok := e.value(boundary).(string); ok {
		attrs["permissions_boundary"] = s
	}
	e.node(graph.NodeIdentity, e.role, name, at, attrs)

	policy := e.rv.stage + "-" + e.service + "-lambda"
	id := e.role + "#inline/" + policy
	e.node(graph.NodePolicy, id, policy, at, map[string]string{
		graph.AttrProvider: providerAWS,
		graph.AttrName:     policy,
		graph.AttrAccount:  e.rv.account,
		"document":         e.policyDocument(),
	})
	e.edge(e.role, graph.EdgeHasPolicy, id, at, nil)

	for _, list := range e.managedPolicies() {
		items := []*yaml.Node{list}
		if list.Kind == yaml.SequenceNode {
			items = list.Content
		}
		for _, it := range items {
			s, _ := e.value(it).(string)
			if !strings.HasPrefix(s, "arn:") {
				e.warnf(it, "a managed policy of the role is not given by ARN, so it is not read")
				continue
			}
			e.attach(e.role, s, it)
		}
	}
	if e.usesVPC() {
		e.attach(e.role, vpcAccessPolicy, at)
	}
	return e.role
}

// attach emits HAS_POLICY from a role to a managed policy, and a node
// for a policy AWS manages, which no input declares.
func (e *emitter) attach(owner, arn string, at *yaml.Node) {
	if awsManagedPolicy.MatchString(arn) && !e.seen[arn] {
		e.seen[arn] = true
		name := arn[strings.LastIndex(arn, "/")+1:]
		e.node(graph.NodePolicy, arn, name, at, map[string]string{
			graph.AttrProvider: providerAWS,
			graph.AttrName:     name,
			"managed":          "aws",
		})
	}
	e.edge(owner, graph.EdgeHasPolicy, arn, at, nil)
}

// usesVPC reports whether the provider or a function sets vpc.
func (e *emitter) usesVPC() bool {
	if get(e.provider, "vpc") != nil {
		return true
	}
	_, fns := pairs(e.functionsNode())
	for _, fn := range fns {
		if get(e.rv.node(fn), "vpc") != nil {
			return true
		}
	}
	return false
}

// policyDocument returns the inline policy of the role the framework
// makes: the statements that let the functions write their logs, then
// the file's statements.
func (e *emitter) policyDocument() string {
	logGroups := "arn:aws:logs:" + e.rv.region + ":" + e.accountOrVar() + ":log-group:/aws/lambda/" + e.service + "-" + e.rv.stage + "*"
	stmts := []any{
		map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"}, "Resource": []any{logGroups + ":*"}},
		map[string]any{"Effect": "Allow", "Action": []any{"logs:PutLogEvents"}, "Resource": []any{logGroups + ":*:*"}},
	}
	for _, st := range e.statements() {
		stmts = append(stmts, e.value(st))
	}
	doc, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		return ""
	}
	return string(doc)
}

func (e *emitter) accountOrVar() string {
	if e.rv.account != "" {
		return e.rv.account
	}
	return "${aws:accountId}"
}

// roleCredentials emits the role credentials that Lambda hands a
// function's code through its environment, and AUTHENTICATES_AS to the
// role when it is known.
func (e *emitter) roleCredentials(runtime, name, role string, at *yaml.Node) {
	creds := graph.AWSInstanceCredentialsID(runtime)
	e.node(graph.NodeSecret, creds, "role credentials of "+name, at, map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "role-credentials",
		graph.AttrVia:       "env",
		graph.AttrLongLived: "false",
	})
	e.edge(runtime, graph.EdgeExposes, creds, at, map[string]string{graph.AttrVia: "env"})
	if role != "" {
		e.edge(creds, graph.EdgeAuthenticatesAs, role, at, nil)
	}
}

// envVars emits the environment variables of a function: the provider's,
// and the function's, which replace the provider's of the same name.
func (e *emitter) envVars(runtime string, fn *yaml.Node) {
	type envVar struct{ key, val *yaml.Node }
	vars := map[string]envVar{}
	if k, v := e.pluginEnv(); k != nil {
		vars[datadogAPIKey] = envVar{k, v}
	}
	for _, src := range []*yaml.Node{get(e.provider, "environment"), get(fn, "environment")} {
		src = e.rv.node(src)
		if src == nil {
			continue
		}
		if src.Kind != yaml.MappingNode {
			e.warnf(src, "environment is not a mapping of variables, so it is not read")
			continue
		}
		keys, vals := pairs(src)
		for i, k := range keys {
			vars[e.rv.text(k.Value).text] = envVar{k, vals[i]}
		}
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := vars[name]
		val := e.rv.node(v.val)
		var r resolved
		isText := val != nil && val.Kind == yaml.ScalarNode && (val.Tag == "" || strings.HasPrefix(val.Tag, "!!"))
		if isText {
			r = e.rv.str(val)
		} else {
			s, _ := e.value(val).(string)
			r = resolved{text: s, external: true}
		}
		if lambdaReserved[name] {
			msg := fmt.Sprintf("Lambda reserves the environment variable %s and rejects a function that sets it, so it is not read", name)
			if r.literal() && literal.LooksLikeCredential(name, r.text) {
				msg += "; its value is a credential written in the configuration: rotate it"
			}
			e.warnf(v.key, "%s", msg)
			continue
		}
		if r.literal() && literal.PlainConfig(name, r.text) {
			continue
		}
		id := graph.AWSEnvVarID(runtime, name)
		attrs := map[string]string{
			graph.AttrProvider: providerAWS,
			"type":             "env-var",
			graph.AttrName:     name,
			graph.AttrAccount:  e.rv.account,
		}
		if r.literal() && r.text != "" && e.env != nil && e.env.Fingerprint != nil {
			attrs[graph.AttrFingerprint] = e.env.Fingerprint(r.text)
			attrs[graph.AttrStoredInline] = "true"
			if longLivedKeyID.MatchString(r.text) {
				attrs["key_id"] = r.text
			}
		}
		for _, p := range dedupe(r.params) {
			e.edge(id, graph.EdgeHolds, e.parameter(p, v.key), v.key, nil)
		}
		e.node(graph.NodeSecret, id, name, v.key, attrs)
		e.edge(runtime, graph.EdgeExposes, id, v.key, map[string]string{graph.AttrVia: "env"})
	}
}

func dedupe[T comparable](list []T) []T {
	seen := map[T]bool{}
	var out []T
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// secretsManagerRef is the prefix of an SSM parameter name that reads a
// Secrets Manager secret.
const secretsManagerRef = "/aws/reference/secretsmanager/"

// parameter emits the Secret node of an SSM parameter that the deploy
// reads, given by name or ARN, and returns its id: the parameter's ARN,
// or the secret's for a name under /aws/reference/secretsmanager/. A name
// is in the region p gives, else the service's.
func (e *emitter) parameter(p ssmParam, at *yaml.Node) string {
	name := p.name
	region := cmp.Or(p.region, e.rv.region)
	id := name
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "ssm-parameter",
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.rv.account,
	}
	switch {
	case strings.HasPrefix(name, "arn:"):
	case strings.HasPrefix(name, secretsManagerRef):
		secret := strings.TrimPrefix(name, secretsManagerRef)
		id = "arn:aws:secretsmanager:" + region + ":" + e.rv.account + ":secret:" + secret
		attrs = map[string]string{graph.AttrProvider: providerAWS, "type": "secretsmanager"}
		name = secret
	default:
		id = "arn:aws:ssm:" + region + ":" + e.rv.account + ":parameter/" + strings.TrimPrefix(name, "/")
	}
	if !e.seen[id] {
		e.seen[id] = true
		e.node(graph.NodeSecret, id, name, at, attrs)
	}
	return id
}

// datadogPlugin writes custom.datadog.apiKey into each function's
// environment as datadogAPIKey when it deploys the service.
const (
	datadogPlugin = "serverless-plugin-datadog"
	datadogAPIKey = "DD_API_KEY"
)

// pluginEnv returns the key and value of the environment variable that
// a plugin of the service adds to each function: the Datadog API key that
// serverless-plugin-datadog copies from custom.datadog.apiKey. A
// variable of the file of the same name replaces it.
func (e *emitter) pluginEnv() (key, val *yaml.Node) {
	for _, p := range e.plugins {
		if p != datadogPlugin {
			continue
		}
		dd := e.rv.node(get(get(e.root, "custom"), "datadog"))
		if dd == nil || dd.Kind != yaml.MappingNode {
			return nil, nil
		}
		keys, vals := pairs(dd)
		for i, k := range keys {
			if k.Value == "apiKey" {
				return k, vals[i]
			}
		}
	}
	return nil, nil
}

// cfnResource is a data store or role that the resources section
// declares.
type cfnResource struct {
	typ, name, arn string
	key, node      *yaml.Node // the logical id and the resource
}

// cfnTypes maps the CloudFormation types read to the Terraform types
// whose nodes the Terraform reader emits, and to the property that names
// the resource.
var cfnTypes = map[string][2]string{
	"AWS::S3::Bucket":            {"aws_s3_bucket", "BucketName"},
	"AWS::DynamoDB::Table":       {"aws_dynamodb_table", "TableName"},
	"AWS::DynamoDB::GlobalTable": {"aws_dynamodb_table", "TableName"},
	"AWS::SQS::Queue":            {"aws_sqs_queue", "QueueName"},
	"AWS::SNS::Topic":            {"aws_sns_topic", "TopicName"},
	"AWS::ECR::Repository":       {"aws_ecr_repository", "RepositoryName"},
	"AWS::IAM::Role":             {"aws_iam_role", "RoleName"},
}

// cfnResources reads the resources of resources.Resources that name
// themselves. A resource without a name gets one that CloudFormation
// makes up, which the file does not show, so it is left out.
func (e *emitter) cfnResources() map[string]cfnResource {
	out := map[string]cfnResource{}
	keys, vals := pairs(e.rv.node(get(get(e.root, "resources"), "Resources")))
	for i, k := range keys {
		r := e.rv.node(vals[i])
		t, ok := cfnTypes[e.rv.str(get(r, "Type")).text]
		if !ok {
			continue
		}
		name := e.rv.str(get(get(r, "Properties"), t[1])).text
		if name == "" || strings.Contains(name, "${") {
			continue
		}
		res := cfnResource{typ: t[0], name: name, key: k, node: r}
		prefix := "arn:aws:"
		switch t[0] {
		case "aws_s3_bucket":
			res.arn = prefix + "s3:::" + name
		case "aws_dynamodb_table":
			res.arn = prefix + "dynamodb:" + e.rv.region + ":" + e.rv.account + ":table/" + name
		case "aws_ecr_repository":
			res.arn = prefix + "ecr:" + e.rv.region + ":" + e.rv.account + ":repository/" + name
		case "aws_sqs_queue":
			res.arn = prefix + "sqs:" + e.rv.region + ":" + e.rv.account + ":" + name
		case "aws_sns_topic":
			res.arn = prefix + "sns:" + e.rv.region + ":" + e.rv.account + ":" + name
		case "aws_iam_role":
			res.arn = graph.IAMARN(e.rv.account, "role", e.rv.str(get(get(r, "Properties"), "Path")).text, name)
		}
		out[k.Value] = res
	}
	return out
}

// emitResources emits the resources that resources declares: a Resource
// node for each data store, and each role with its policies.
func (e *emitter) emitResources() {
	ids := make([]string, 0, len(e.cfn))
	for id := range e.cfn {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := e.cfn[id]
		if res.typ == "aws_iam_role" {
			e.cfnRole(res)
			continue
		}
		e.node(graph.NodeResource, res.arn, res.name, res.key, map[string]string{
			graph.AttrProvider: providerAWS,
			"type":             res.typ,
			graph.AttrName:     res.name,
			graph.AttrAccount:  e.rv.account,
		})
	}
}

// cfnRole emits a role that resources declares: its trust policy, inline
// policies and managed policies.
func (e *emitter) cfnRole(res cfnResource) {
	props := get(res.node, "Properties")
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "role",
		graph.AttrAccount:  e.rv.account,
		graph.AttrName:     res.name,
		"trust_policy":     e.jsonText(get(props, "AssumeRolePolicyDocument")),
	}
	if p := e.rv.str(get(props, "Path")).text; p != "" && p != "/" {
		attrs["path"] = p
	}
	if b, ok := e.value(get(props, "PermissionsBoundary")).(string); ok {
		attrs["permissions_boundary"] = b
	}
	e.node(graph.NodeIdentity, res.arn, res.name, res.key, attrs)

	for _, p := range e.seq(get(props, "Policies")) {
		name := e.rv.str(get(p, "PolicyName")).text
		if name == "" {
			continue
		}
		id := res.arn + "#inline/" + name
		e.node(graph.NodePolicy, id, name, p, map[string]string{
			graph.AttrProvider: providerAWS,
			graph.AttrName:     name,
			graph.AttrAccount:  e.rv.account,
			"document":         e.jsonText(get(p, "PolicyDocument")),
		})
		e.edge(res.arn, graph.EdgeHasPolicy, id, p, nil)
	}
	for _, m := range e.seq(get(props, "ManagedPolicyArns")) {
		s, _ := e.value(m).(string)
		if !strings.HasPrefix(s, "arn:") {
			e.warnf(m, "a managed policy of role %s is not given by ARN, so it is not read", res.name)
			continue
		}
		e.attach(res.arn, s, m)
	}
}

// jsonText returns the JSON text of a policy document, or "".
func (e *emitter) jsonText(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	doc, err := json.Marshal(e.value(n))
	if err != nil {
		return ""
	}
	return string(doc)
}

// ref returns the value of a Ref to a logical id: the name of a data
// store or role that resources declares, or a placeholder.
func (e *emitter) ref(id string) string {
	if r, ok := e.cfn[id]; ok {
		if r.typ == "aws_sqs_queue" {
			return "https://sqs." + e.rv.region + ".amazonaws.com/" + e.rv.account + "/" + r.name
		}
		if r.typ == "aws_sns_topic" {
			return r.arn
		}
		return r.name
	}
	switch id {
	case "AWS::Region":
		return e.rv.region
	case "AWS::AccountId":
		return e.accountOrVar()
	case "AWS::Partition":
		return "aws"
	}
	return "${cfn:" + id + "}"
}

// attOf returns the value of Fn::GetAtt X.Arn for a data store or role
// that resources declares, or a placeholder.
func (e *emitter) attOf(att string) string {
	id, attr, _ := strings.Cut(att, ".")
	if r, ok := e.cfn[id]; ok && (attr == "Arn" || attr == "TopicArn") {
		return r.arn
	}
	return "${cfn:" + att + "}"
}
