package cloudformation

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	imageref "github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// function emits a Lambda function (AWS::Lambda::Function or
// AWS::Serverless::Function): its runtime, role credentials, image,
// environment and code folders, and for a SAM function without a Role
// the role SAM creates.
func (e *emitter) function(r *resource) {
	sam := r.typ == samFunction
	name := e.t.name(r)
	arn := e.t.arn("lambda", "function:"+name)
	runtime := "runtime:aws:lambda:" + arn
	image, imageLine := e.image(r)
	attrs := e.base("lambda", name)
	attrs["arn"] = arn
	attrs["image"] = image
	attrs[graph.AttrTriggeredBy] = graph.JoinList(e.triggers(r))
	attrs[graph.AttrCodeFrom] = graph.JoinList(e.codeFrom(r))
	e.stackAttrs(attrs)
	e.node(graph.NodeRuntime, runtime, name, r.line, attrs)
	if image != "" {
		// Lambda resolves the image to a digest when the function's code
		// is created or updated, and runs that digest until the next update.
		e.executesImage(runtime, image, graph.PullOnDeploy, imageLine)
	}

	switch {
	case e.t.prop(r, "Role") != nil:
		e.roleCredentials(runtime, name, "env", e.roleARN("Role"), r.line)
	case sam:
		e.roleCredentials(runtime, name, "env", e.samRole(r), r.line)
	}
	e.envVars(r, runtime)
}

// roleARN returns the ARN of the role a property names by ARN or name, or
// "" with a warning when the template does not show it: a parameter
// without default or an imported value. A role the template declares
// without a name keeps its placeholder, ${LogicalId}, which the role's
// own node has too.
func (e *emitter) roleARN(key string) string {
	role, ok := e.str(key)
	if !ok || !e.t.shows(role) {
		e.t.warnf(e.line(key), "%s: %s could not be resolved", e.cur.id, key)
		return ""
	}
	return e.t.identityARN("role", role)
}

// image returns the container image of a function, "" for a zip one.
func (e *emitter) image(r *resource) (string, int) {
	n := mapGet(e.t.prop(r, "Code"), "ImageUri")
	if r.typ == samFunction {
		n = e.t.prop(r, "ImageUri")
	}
	if n == nil {
		return "", 0
	}
	s, _ := e.t.evalString(n, nil)
	return s, n.Line
}

// roleCredentials emits the role credentials a runtime hands to its code
// (via "env" for Lambda, "metadata" for an ECS task), and AUTHENTICATES_AS
// to the role when it is known.
func (e *emitter) roleCredentials(runtime, name, via, role string, line int) {
	creds := graph.AWSInstanceCredentialsID(runtime)
	e.node(graph.NodeSecret, creds, "role credentials of "+name, line, map[string]string{
		graph.AttrProvider:  "aws",
		"type":              "role-credentials",
		graph.AttrVia:       via,
		graph.AttrLongLived: "false",
	})
	e.edge(runtime, graph.EdgeExposes, creds, line, map[string]string{graph.AttrVia: via})
	if role != "" {
		e.edge(creds, graph.EdgeAuthenticatesAs, role, line, nil)
	}
}

// executesImage adds EXECUTES from a runtime to the container image it
// runs, with the image's name node. pull, when set, is when the runtime
// pulls the tag again (graph.AttrPullPolicy).
func (e *emitter) executesImage(runtime, image, pull string, line int) {
	nodes, edges := imageref.Runs(runtime, image, pull)
	for _, n := range nodes {
		e.node(n.Kind, n.ID, n.Label, line, n.Attrs)
	}
	for _, ed := range edges {
		e.edge(ed.From, ed.Kind, ed.To, line, ed.Attrs)
		e.res.Edges[len(e.res.Edges)-1].Confidence = ed.Confidence
	}
}

// lambdaReserved are the environment variables that the Lambda runtime
// sets itself and that a function's configuration may not set.
var lambdaReserved = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// dynamicRef matches the dynamic references that fetch a secret when the
// stack is deployed: the secret's id and the rest.
var dynamicRef = regexp.MustCompile(`\{\{resolve:(secretsmanager|ssm-secure):([^}]*)\}\}`)

// envVars emits the environment variables of a function. Those of a SAM
// function merge with Globals.Function's, the function's winning.
func (e *emitter) envVars(r *resource, runtime string) {
	vars := map[string]*yaml.Node{}
	var names []string
	add := func(env *yaml.Node) {
		mapEach(mapGet(env, "Variables"), func(k, v *yaml.Node) {
			if _, ok := vars[k.Value]; !ok {
				names = append(names, k.Value)
			}
			vars[k.Value] = v
		})
	}
	if r.typ == samFunction {
		add(mapGet(e.t.globals, "Environment"))
	}
	add(mapGet(r.props, "Environment"))
	for _, name := range names {
		e.envVar(runtime, "", name, vars[name])
	}
}

// envVar emits one environment variable as the Terraform reader does. A
// value written in the template that is plainly configuration
// (literal.PlainConfig) is left out. Any other becomes a Secret the
// function EXPOSES, with the fingerprint of a value written out. A
// dynamic reference to a secret makes the function EXPOSE that secret.
// Names and ARNs of the template's resources are configuration, and so
// is a plain value of a parameter that is not NoEcho. A parameter without
// default is a credential when its name says so. container names the
// ECS container that sets the variable, "" for a Lambda function.
func (e *emitter) envVar(runtime, container, name string, n *yaml.Node) {
	if container == "" && lambdaReserved[name] {
		e.t.warnf(n.Line, "%s: Lambda reserves the environment variable %s and rejects a function that sets it, so it is not read", e.cur.id, name)
		return
	}
	tr := newTrace()
	v, ok := asString(e.t.eval(n, tr))
	if !ok {
		e.t.warnf(n.Line, "%s: environment variable %s could not be resolved", e.cur.id, name)
		return
	}

	if ms := dynamicRef.FindAllStringSubmatch(v, -1); ms != nil {
		for _, m := range ms {
			if id := e.dynamicSecret(m[1], m[2]); id != "" {
				e.edge(runtime, graph.EdgeExposes, id, n.Line, map[string]string{
					graph.AttrVia: "env", graph.AttrName: name, "container": container,
				})
			}
		}
		return
	}
	var keys []string
	noEcho := false
	for p := range tr.params {
		noEcho = noEcho || e.t.params[p].noEcho
	}
	for id := range tr.resources {
		if r := e.t.res[id]; r != nil && r.typ == iamAccessKey {
			keys = append(keys, e.accessKeyID(r))
		}
	}
	sort.Strings(keys)

	plain := false
	switch {
	case len(keys) > 0 || noEcho:
	case len(tr.params) == 0 && len(tr.resources) > 0:
		// Names, ARNs and URLs of the template's resources.
		plain = true
	case len(unresolvedIn(v)) > 0:
		// A parameter without default, so only its name can mark a
		// credential.
		plain = !literal.CredentialName(name)
	default:
		plain = literal.PlainConfig(name, v)
	}
	if plain {
		return
	}
	id := graph.AWSEnvVarID(runtime, name)
	if container != "" {
		id = graph.AWSEnvVarID(runtime, container+"/"+name)
	}
	attrs := map[string]string{
		graph.AttrProvider: "aws",
		"type":             "env-var",
		graph.AttrName:     name,
		"container":        container,
		graph.AttrAccount:  e.t.account,
	}
	if len(keys) == 0 && v != "" && len(unresolvedIn(v)) == 0 && len(tr.resources) == 0 {
		// The value is written in the template, as a literal or a
		// parameter's default.
		if e.env != nil && e.env.Fingerprint != nil {
			attrs[graph.AttrFingerprint] = e.env.Fingerprint(literalText(v))
		}
		attrs[graph.AttrStoredInline] = "true"
	}
	e.node(graph.NodeSecret, id, name, n.Line, attrs)
	for _, h := range keys {
		e.edge(id, graph.EdgeHolds, h, n.Line, nil)
	}
	e.edge(runtime, graph.EdgeExposes, id, n.Line, map[string]string{graph.AttrVia: "env"})
}

// dynamicSecret returns the id of the secret a dynamic reference fetches:
// {{resolve:secretsmanager:NAME-OR-ARN:...}} or {{resolve:ssm-secure:NAME:VERSION}}.
func (e *emitter) dynamicSecret(service, rest string) string {
	if service == "secretsmanager" {
		if strings.HasPrefix(rest, "arn:") {
			return e.t.secretARN(rest)
		}
		id, _, _ := strings.Cut(rest, ":")
		return e.t.secretARN(id)
	}
	name, _, _ := strings.Cut(rest, ":")
	if strings.HasPrefix(rest, "arn:") {
		parts := strings.SplitN(rest, ":", 7)
		if len(parts) == 7 {
			name, _, _ = strings.Cut(parts[6], ":")
			return strings.Join(parts[:6], ":") + ":" + name
		}
	}
	return e.t.parameterARN(name)
}

// triggers returns the ARNs of the queues, streams and topics whose
// messages invoke a function: the SQS, Kinesis, DynamoDB, MSK and SNS
// events of a SAM function, and the event source mappings that name the
// function. Sorted, without repeats.
func (e *emitter) triggers(r *resource) []string {
	seen := map[string]bool{}
	add := func(n *yaml.Node) {
		if s, ok := e.t.evalString(n, nil); ok && strings.HasPrefix(s, "arn:") && !strings.Contains(s, ",") {
			seen[s] = true
		}
	}
	mapEach(mapGet(r.props, "Events"), func(_, ev *yaml.Node) {
		props := mapGet(ev, "Properties")
		switch t := mapGet(ev, "Type"); {
		case t == nil:
		case t.Value == "SQS":
			add(mapGet(props, "Queue"))
		case t.Value == "Kinesis" || t.Value == "DynamoDB" || t.Value == "MSK":
			add(mapGet(props, "Stream"))
		case t.Value == "SNS":
			add(mapGet(props, "Topic"))
		}
	})
	for _, m := range e.t.order {
		if m.typ != "AWS::Lambda::EventSourceMapping" {
			continue
		}
		tr := newTrace()
		fn, _ := e.t.evalString(mapGet(m.props, "FunctionName"), tr)
		if tr.resources[r.id] != nil || fn == e.t.name(r) {
			add(mapGet(m.props, "EventSourceArn"))
		}
	}
	return sortedKeys(seen)
}

// codeFrom returns the AttrCodeFrom items of a function: its own code
// folder and those of the layers it lists that the template declares.
func (e *emitter) codeFrom(r *resource) []string {
	var items []string
	if src, ok := e.codeFolder(r, ""); ok {
		items = append(items, graph.EncodeCodeSource(src))
	}
	for _, n := range e.layers(r) {
		l := e.layerOf(n)
		if l == nil {
			continue
		}
		if src, ok := e.codeFolder(l, l.id); ok {
			items = append(items, graph.EncodeCodeSource(src))
		}
	}
	return items
}

// layers returns the nodes of the Layers list of a function, a SAM
// function's Globals layers first.
func (e *emitter) layers(r *resource) []*yaml.Node {
	var out []*yaml.Node
	lists := []*yaml.Node{mapGet(r.props, "Layers")}
	if r.typ == samFunction {
		lists = append([]*yaml.Node{mapGet(e.t.globals, "Layers")}, lists...)
	}
	for _, l := range lists {
		if l != nil && l.Kind == yaml.SequenceNode {
			for _, c := range l.Content {
				out = append(out, deref(c))
			}
		}
	}
	return out
}

// layerOf returns the layer resource a Layers item names, by Ref or by
// the ARN of a layer the template declares, or nil.
func (e *emitter) layerOf(n *yaml.Node) *resource {
	tr := newTrace()
	s, _ := e.t.evalString(n, tr)
	for id := range tr.resources {
		if l := e.t.res[id]; l != nil && (l.typ == samLayer || l.typ == lambdaLayer) {
			return l
		}
	}
	for _, l := range e.t.order {
		if (l.typ == samLayer || l.typ == lambdaLayer) && strings.HasPrefix(s, e.t.arn("lambda", "layer:"+e.t.name(l)+":")) {
			return l
		}
	}
	return nil
}

// codeFolder returns the folder of the repository that a function's or
// layer's code is made of: a SAM CodeUri or ContentUri, or a Code or
// Content path that aws cloudformation package uploads. Paths are
// relative to the template's folder. S3 locations, archives and folders
// outside the repository give none.
func (e *emitter) codeFolder(r *resource, layer string) (graph.CodeSource, bool) {
	var n *yaml.Node
	switch r.typ {
	case samFunction:
		n = e.t.prop(r, "CodeUri")
	case samLayer:
		n = mapGet(r.props, "ContentUri")
	case lambdaFunction:
		n = mapGet(r.props, "Code")
	case lambdaLayer:
		n = mapGet(r.props, "Content")
	}
	if n == nil {
		return graph.CodeSource{}, false
	}
	p, ok := e.t.evalString(n, nil)
	if !ok || p == "" || strings.Contains(p, "://") || len(unresolvedIn(p)) > 0 {
		return graph.CodeSource{}, false
	}
	switch strings.ToLower(path.Ext(p)) {
	case ".zip", ".jar", ".war":
		return graph.CodeSource{}, false
	}
	if e.f.Repo == "" || e.f.RelPath == "" {
		return graph.CodeSource{}, false
	}

	p = strings.ReplaceAll(p, `\`, "/")
	rel := path.Join(path.Dir(e.f.RelPath), p)
	if path.IsAbs(p) || strings.HasPrefix(p, "~") || rel == ".." || strings.HasPrefix(rel, "../") {
		e.t.warnf(n.Line, "%s: the code folder lies outside the repository, so no lockfile of the repository is linked to its code", r.id)
		return graph.CodeSource{}, false
	}
	tool := "CloudFormation"
	if r.typ == samFunction || r.typ == samLayer {
		tool = "SAM"
	}
	return graph.CodeSource{Repo: e.f.RepoID(), Dir: rel, By: e.f.RelPath + "#" + r.id, Layer: layer, Tool: tool}, true
}
