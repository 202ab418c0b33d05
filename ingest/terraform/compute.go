package terraform

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	imageref "github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// instance emits an EC2 instance, the role credentials its metadata
// endpoint hands out, and the credentials its user data holds.
func (e *emitter) instance(b *block, bv *blockVal) {
	runtime := e.ev.instanceID(b.addr)
	rng := b.syn.DefRange()
	name := ""
	if tags := bv.attrs["tags"]; tags != cty.NilVal && tags.IsKnown() && !tags.IsNull() &&
		(tags.Type().IsObjectType() || tags.Type().IsMapType()) {
		if v, ok := tags.AsValueMap()["Name"]; ok {
			name, _ = str(v)
		}
	}
	keyName, _ := attrStr(bv, "key_name")
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "ec2-instance",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		"ssh_key_name":     keyName,
		"tf_address":       b.addr,
	}
	if id, ok := e.ev.importedID(b.addr); ok {
		attrs["instance_id"] = id
		attrs["arn"] = e.ev.arn("ec2", "instance/"+id)
	}
	if objs := e.loadsCode(b, "user_data", "user_data_base64"); objs != "" {
		attrs[graph.AttrLoadsCode] = objs
	}
	level, via := e.internetIngress(b, bv)
	ingressAttrs(attrs, level, via)
	templates := e.instanceTemplates(b)
	if len(templates) > 0 {
		attrs["launched_from"] = graph.JoinList(addresses(templates))
	}
	e.metadataAttrs(attrs, b, templates)
	name = cmp.Or(name, e.ev.addressLabel(b.addr))
	e.node(graph.NodeRuntime, runtime, name, rng, attrs)
	// The instance's own arguments take the place of its template's.
	e.launchFacts(runtime, name, templates, launchUse{
		profile:  b.attr("iam_instance_profile") == nil,
		keyPair:  b.attr("key_name") == nil,
		userData: b.attr("user_data") == nil && b.attr("user_data_base64") == nil,
	})

	if a := b.attr("iam_instance_profile"); a != nil {
		profile, _ := attrStr(bv, "iam_instance_profile")
		role := e.profileRole(b, a.Expr, profile)
		e.roleCredentials(runtime, name, "metadata", role, rng, map[string]string{"instance_profile": profile})
	}
	e.keyPairLogin(runtime, b, bv)
	e.inlineKeys(runtime, b, "user_data", "user_data_base64")
	e.exposesHeld(runtime, b, "file", "user_data", "user_data_base64")
	e.userDataRuns(runtime, b, "user_data", "user_data_base64")
	e.dropMetadataCredentials(runtime, attrs)
}

// ec2RuntimeID returns the id of an EC2 instance or group declared at a
// Terraform address, in the configuration of scope (see configScope).
// Nothing names an instance before it runs, and addresses such as
// aws_instance.web recur across the configurations of one organisation.
// The id holds the scope too, so that two configurations' instances, and
// the role credentials each hands out, are separate nodes.
func ec2RuntimeID(account, scope, addr string) string {
	if scope != "" {
		return "runtime:aws:ec2:" + account + ":" + scope + ":" + addr
	}
	return "runtime:aws:ec2:" + account + ":" + addr
}

// instanceID returns the id of the EC2 instance or group at addr.
func (ev *evaluator) instanceID(addr string) string {
	return ec2RuntimeID(ev.account, ev.configScope(), addr)
}

// addressLabel labels a runtime that no name tag names by its Terraform
// address and configuration, as responders find it in their code.
func (ev *evaluator) addressLabel(addr string) string {
	if scope := ev.configScope(); scope != "" {
		return addr + " in " + scope
	}
	return addr
}

// configScope returns the repository and folder of the root module of the
// configuration ev belongs to (github.com/OWNER/NAME, or that and the
// folder below the repository's root), or "" when the repository is not
// known.
func (ev *evaluator) configScope() string {
	top := ev
	for top.parent != nil {
		top = top.parent
	}
	repo, dir, ok := top.repoFolder()
	if !ok {
		return ""
	}
	repo = strings.TrimPrefix(repo, "repo:")
	if dir == "." {
		return repo
	}
	return repo + "/" + dir
}

// importedID returns the id an import block gives the resource at addr.
func (ev *evaluator) importedID(addr string) (string, bool) {
	expr := ev.m.imports[addr]
	if expr == nil {
		return "", false
	}
	v, diags := ev.value(expr, nil)
	id, ok := str(v)
	if diags.HasErrors() || !ok || id == "" || strings.Contains(id, "${") {
		return "", false
	}
	return id, true
}

// exposesHeld adds EXPOSES from a runtime to the credentials that the
// named arguments of b hold, such as an access key written into user data
// through a template.
func (e *emitter) exposesHeld(runtime string, b *block, via string, names ...string) {
	for _, name := range names {
		a := b.attr(name)
		if a == nil {
			continue
		}
		for _, h := range e.heldBy(e.refs(a.Expr)) {
			e.heldEdge(runtime, graph.EdgeExposes, h, a.Expr.Range(), map[string]string{graph.AttrVia: via})
		}
	}
}

// roleCredentials emits the role credentials a runtime hands to its code
// (through the metadata endpoint or the environment), labelled with the
// runtime's name, and AUTHENTICATES_AS to the role when it is known.
func (e *emitter) roleCredentials(runtime, name, via, role string, rng hcl.Range, extra map[string]string) {
	creds := graph.AWSInstanceCredentialsID(runtime)
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "role-credentials",
		graph.AttrVia:       via,
		graph.AttrLongLived: "false",
	}
	for k, v := range extra {
		attrs[k] = v
	}
	label := ""
	if name != "" {
		label = "role credentials of " + name
	}
	e.node(graph.NodeSecret, creds, label, rng, attrs)
	e.edge(runtime, graph.EdgeExposes, creds, rng, map[string]string{graph.AttrVia: via})
	if role != "" {
		e.edge(creds, graph.EdgeAuthenticatesAs, role, rng, nil)
	}
}

// profileRole returns the ARN of the role of the instance profile that
// expr (whose value is name) names, or "" with a warning when the module
// does not show it.
func (e *emitter) profileRole(b *block, expr hcl.Expression, name string) string {
	profiles := e.refsTo(expr, "aws_iam_instance_profile")
	if len(profiles) == 0 {
		if pb := e.idx.profiles[name]; pb != nil {
			profiles = append(profiles, pb)
		}
	}
	for _, pb := range profiles {
		if roles := profileRoleNames(e.ev.objs[pb.addr]); len(roles) > 0 {
			return e.identityARN("role", roles[0])
		}
	}
	e.warnf(expr.Range(), "%s: the role of its instance profile is not declared in this module", b.addr)
	return ""
}

// lambda emits a Lambda function, its role credentials, its image and its
// environment variables.
func (e *emitter) lambda(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "function_name")
	arn, _ := attrStr(bv, "arn")
	runtime := "runtime:aws:lambda:" + arn
	rng := b.syn.DefRange()
	image, _ := attrStr(bv, "image_uri")
	e.node(graph.NodeRuntime, runtime, name, rng, map[string]string{
		graph.AttrProvider:    providerAWS,
		"type":                "lambda",
		graph.AttrAccount:     e.ev.account,
		graph.AttrName:        name,
		"arn":                 arn,
		"image":               image,
		"tf_address":          b.addr,
		graph.AttrTriggeredBy: graph.JoinList(e.triggers(b)),
		graph.AttrCodeFrom:    e.codeFrom(b, bv),
	})
	if image != "" {
		// Lambda resolves image_uri to a digest when the function's code
		// is created or updated, and runs that digest until the next update.
		e.executesImage(runtime, image, graph.PullOnDeploy, b.attr("image_uri").Expr.Range())
	}

	if a := b.attr("role"); a != nil {
		role, ok := attrStr(bv, "role")
		if !ok || !strings.HasPrefix(role, "arn:") {
			e.warnf(a.Expr.Range(), "%s: role could not be resolved", b.addr)
			role = ""
		}
		e.roleCredentials(runtime, name, "env", role, rng, nil)
	}

	if drng, ok := hasDynamic(b.syn.Body, "environment"); ok {
		e.warnf(drng, "%s: dynamic environment blocks are not expanded", b.addr)
	}
	for _, eb := range b.nested("environment") {
		if a := eb.Body.Attributes["variables"]; a != nil {
			e.envVars(runtime, b, a)
		}
	}
}

// executesImage adds EXECUTES from a runtime to the container image it
// runs, with the image's name node. pull, when set, is when the runtime
// pulls the tag again (graph.AttrPullPolicy).
func (e *emitter) executesImage(runtime, image, pull string, rng hcl.Range) {
	nodes, edges := imageref.Runs(runtime, image, pull)
	for _, n := range nodes {
		e.node(n.Kind, n.ID, n.Label, rng, n.Attrs)
	}
	for _, ed := range edges {
		e.edge(ed.From, ed.Kind, ed.To, rng, ed.Attrs)
		e.ff.edges[len(e.ff.edges)-1].Confidence = ed.Confidence
	}
}

// Beanstalk option namespaces read here.
const (
	ebEnvironment        = "aws:elasticbeanstalk:application:environment"
	ebEnvironmentSecrets = "aws:elasticbeanstalk:application:environmentsecrets"
	ebLaunch             = "aws:autoscaling:launchconfiguration"
)

// beanstalk emits an Elastic Beanstalk environment: a runtime exposing its
// environment properties, the secrets it injects and the role credentials
// of its instances.
func (e *emitter) beanstalk(b *block, bv *blockVal) {
	app, _ := attrStr(bv, "application")
	env, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	runtime := "runtime:aws:elasticbeanstalk:" + app + "/" + env
	rng := b.syn.DefRange()
	e.node(graph.NodeRuntime, runtime, app+"/"+env, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "elasticbeanstalk-environment",
		graph.AttrName:     env,
		"application":      app,
		graph.AttrAccount:  e.ev.account,
		"arn":              arn,
		"tf_address":       b.addr,
	})
	if drng, ok := hasDynamic(b.syn.Body, "setting"); ok {
		e.warnf(drng, "%s: dynamic setting blocks are not expanded", b.addr)
	}
	for _, sb := range b.nested("setting") {
		ns := e.settingStr(b, sb, "namespace")
		name := e.settingStr(b, sb, "name")
		va := sb.Body.Attributes["value"]
		if va == nil || name == "" {
			continue
		}
		switch {
		case ns == ebEnvironment:
			e.envVar(runtime, b, name, va.Expr)
		case ns == ebEnvironmentSecrets:
			v, diags := e.ev.value(va.Expr, b)
			ref, _ := str(v)
			id, ok := e.secretRef(ref)
			if diags.HasErrors() || !ok {
				e.warnf(va.Expr.Range(), "%s: the secret of environment property %s could not be resolved", b.addr, name)
				continue
			}
			e.edge(runtime, graph.EdgeExposes, id, va.Expr.Range(), map[string]string{graph.AttrVia: "env", graph.AttrName: name})
		case ns == ebLaunch && name == "IamInstanceProfile":
			profile := e.settingStr(b, sb, "value")
			role := e.profileRole(b, va.Expr, profile)
			e.roleCredentials(runtime, env, "metadata", role, sb.DefRange(), map[string]string{"instance_profile": profile})
		}
	}
}

// settingStr evaluates a string argument of a setting block, or "".
func (e *emitter) settingStr(b *block, sb *hclsyntax.Block, name string) string {
	a := sb.Body.Attributes[name]
	if a == nil {
		return ""
	}
	v, diags := e.ev.value(a.Expr, b)
	s, _ := str(v)
	if diags.HasErrors() {
		return ""
	}
	return s
}

// envVars emits each environment variable of a function as a Secret the
// function EXPOSES.
// lambdaReserved are the environment variables that the Lambda runtime
// sets itself and that a function's configuration may not set: Lambda
// rejects the function, so such a variable holds nothing a deployed
// function exposes. Among them are the keys of the execution role.
var lambdaReserved = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// warnReserved warns of a variable that Lambda reserves. When the value is
// a credential written into the configuration, where anyone who reads the
// file finds it, the warning adds that it must be rotated.
func (e *emitter) warnReserved(rng hcl.Range, b *block, name string, v cty.Value) {
	msg := fmt.Sprintf("%s: Lambda reserves the environment variable %s and rejects a function that sets it, so it is not read", b.addr, name)
	if s, ok := str(v); ok && literal.LooksLikeCredential(name, s) {
		msg += "; its value is a credential written in the configuration: rotate it"
	}
	e.warnf(rng, "%s", msg)
}

func (e *emitter) envVars(runtime string, b *block, a *hclsyntax.Attribute) {
	if oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range oc.Items {
			k, diags := e.ev.value(item.KeyExpr, b)
			name, ok := str(k)
			if diags.HasErrors() || !ok {
				e.warnf(item.KeyExpr.Range(), "%s: environment variable name could not be resolved", b.addr)
				continue
			}
			if lambdaReserved[name] {
				v, _ := e.ev.value(item.ValueExpr, b)
				e.warnReserved(item.KeyExpr.Range(), b, name, v)
				continue
			}
			e.envVar(runtime, b, name, item.ValueExpr)
		}
		return
	}
	v, diags := e.ev.value(a.Expr, b)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() ||
		!(v.Type().IsObjectType() || v.Type().IsMapType()) {
		e.warnf(a.Expr.Range(), "%s: environment variables could not be resolved", b.addr)
		return
	}
	// The values come from one expression: its references hold for every
	// variable, and each value is written out when the whole is.
	ri := e.refs(a.Expr)
	values := v.AsValueMap()
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		if lambdaReserved[name] {
			e.warnReserved(a.Expr.Range(), b, name, values[name])
			continue
		}
		storedCreds := e.heldBy(ri)
		s, ok := str(values[name])
		if ok && ri.literal() && len(storedCreds) == 0 && literal.PlainConfig(name, s) {
			continue
		}
		id, attrs := e.envVarNode(runtime, name)
		for _, h := range storedCreds {
			e.heldEdge(id, graph.EdgeHolds, h, a.Expr.Range(), nil)
		}
		if ok && s != "" && ri.literal() {
			inlineValueAttrs(attrs, e.fingerprint(s), s)
		}
		e.envVarDone(runtime, id, name, attrs, a.Expr.Range())
	}
}

// envVar emits one environment variable whose value is expr, unless the
// value is written out and plainly configuration (literal.PlainConfig):
// a log level or the ARN of a secret to fetch is no credential to rotate.
func (e *emitter) envVar(runtime string, b *block, name string, expr hcl.Expression) {
	if ri := e.refs(expr); ri.literal() {
		v, diags := e.ev.value(expr, b)
		if s, ok := str(v); ok && !diags.HasErrors() && literal.PlainConfig(name, s) {
			return
		}
	}
	id, attrs := e.envVarNode(runtime, name)
	e.holds(id, b, expr, attrs, expr.Range())
	e.envVarDone(runtime, id, name, attrs, expr.Range())
}

func (e *emitter) envVarNode(runtime, name string) (string, map[string]string) {
	return graph.AWSEnvVarID(runtime, name), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "env-var",
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
	}
}

func (e *emitter) envVarDone(runtime, id, name string, attrs map[string]string, rng hcl.Range) {
	e.node(graph.NodeSecret, id, name, rng, attrs)
	e.edge(runtime, graph.EdgeExposes, id, rng, map[string]string{graph.AttrVia: "env"})
}
