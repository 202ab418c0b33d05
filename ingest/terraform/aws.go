package terraform

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

const providerAWS = "aws"

// awsManagedPolicy matches the ARN of a policy AWS manages.
var awsManagedPolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/`)

// identity emits an IAM user, role or group, and for a role its trust
// policy, inline_policy blocks and managed_policy_arns.
func (e *emitter) identity(b *block, bv *blockVal) {
	kind := strings.TrimPrefix(b.typ, "aws_iam_")
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	rng := b.syn.DefRange()
	if d := bv.diags["name"]; d.HasErrors() {
		e.warnf(b.attr("name").Expr.Range(), "%s: name could not be evaluated: %s", b.addr, summary(d))
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             kind,
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		"tf_address":       b.addr,
	}
	if p, ok := attrStr(bv, "path"); ok && p != "/" {
		attrs["path"] = p
	}
	if pb, ok := attrStr(bv, "permissions_boundary"); ok {
		attrs["permissions_boundary"] = pb
	}
	if kind == "role" {
		if doc, ok := e.policy(b, bv, "assume_role_policy"); ok {
			attrs["trust_policy"] = doc
		}
	}
	e.node(graph.NodeIdentity, arn, name, rng, attrs)
	if kind != "role" {
		return
	}

	if drng, ok := hasDynamic(b.syn.Body, "inline_policy"); ok {
		e.warnf(drng, "%s: dynamic inline_policy blocks are not expanded", b.addr)
	}
	for _, ib := range b.nested("inline_policy") {
		pname := ""
		if a := ib.Body.Attributes["name"]; a != nil {
			v, _ := e.ev.value(a.Expr, b)
			pname, _ = str(v)
		}
		if pname == "" {
			continue // an empty inline_policy block removes inline policies
		}
		doc := ""
		if a := ib.Body.Attributes["policy"]; a != nil {
			doc, _ = e.policyExpr(b, "inline_policy "+pname, a.Expr)
		}
		e.inlinePolicyNode(b, arn, pname, doc, ib.DefRange())
	}
	if a := b.attr("managed_policy_arns"); a != nil {
		list, ok := strList(bv.attrs["managed_policy_arns"])
		if !ok {
			e.warnf(a.Expr.Range(), "%s: managed_policy_arns could not be resolved", b.addr)
		}
		for _, p := range list {
			e.attach(b, arn, p, a.Expr.Range())
		}
	}
}

// inlinePolicyNode emits an inline policy of an identity and HAS_POLICY.
func (e *emitter) inlinePolicyNode(b *block, owner, name, doc string, rng hcl.Range) {
	id := owner + "#inline/" + name
	e.node(graph.NodePolicy, id, name, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"document":         doc,
		"tf_address":       b.addr,
	})
	e.edge(owner, graph.EdgeHasPolicy, id, rng, nil)
}

// attach emits HAS_POLICY from an identity to a policy ARN, and a node for
// a policy AWS manages, which no input declares.
func (e *emitter) attach(b *block, owner, policyARN string, rng hcl.Range) {
	if !strings.HasPrefix(policyARN, "arn:") {
		e.warnf(rng, "%s: policy ARN could not be resolved", b.addr)
		return
	}
	if awsManagedPolicy.MatchString(policyARN) {
		name := policyARN[strings.LastIndex(policyARN, "/")+1:]
		e.node(graph.NodePolicy, policyARN, name, rng, map[string]string{
			graph.AttrProvider: providerAWS,
			graph.AttrName:     name,
			"managed":          "aws",
		})
	}
	e.edge(owner, graph.EdgeHasPolicy, policyARN, rng, nil)
}

func (e *emitter) managedPolicy(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	doc, _ := e.policy(b, bv, "policy")
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"document":         doc,
		"tf_address":       b.addr,
	}
	if p, ok := attrStr(bv, "path"); ok && p != "/" {
		attrs["path"] = p
	}
	e.node(graph.NodePolicy, arn, name, b.syn.DefRange(), attrs)
}

// inlinePolicy emits aws_iam_role_policy, aws_iam_user_policy and
// aws_iam_group_policy.
func (e *emitter) inlinePolicy(b *block, bv *blockVal) {
	kind := strings.TrimSuffix(strings.TrimPrefix(b.typ, "aws_iam_"), "_policy")
	owner, ok := e.require(b, bv, kind)
	if !ok {
		return
	}
	name := nameOf(b, bv.attrs, "name")
	doc, _ := e.policy(b, bv, "policy")
	e.inlinePolicyNode(b, e.identityARN(kind, owner), name, doc, b.syn.DefRange())
}

// attachment emits aws_iam_{role,user,group}_policy_attachment.
func (e *emitter) attachment(b *block, bv *blockVal) {
	kind := strings.TrimSuffix(strings.TrimPrefix(b.typ, "aws_iam_"), "_policy_attachment")
	owner, ok := e.require(b, bv, kind)
	if !ok {
		return
	}
	policyARN, ok := e.require(b, bv, "policy_arn")
	if !ok {
		return
	}
	e.attach(b, e.identityARN(kind, owner), policyARN, b.syn.DefRange())
}

// policyAttachment emits aws_iam_policy_attachment, which attaches one
// policy to lists of users, roles and groups.
func (e *emitter) policyAttachment(b *block, bv *blockVal) {
	policyARN, ok := e.require(b, bv, "policy_arn")
	if !ok {
		return
	}
	for _, kind := range []string{"user", "role", "group"} {
		for _, name := range e.names(b, bv, kind+"s") {
			e.attach(b, e.identityARN(kind, name), policyARN, b.syn.DefRange())
		}
	}
}

// names returns a list argument, warning when part of it is unresolved.
func (e *emitter) names(b *block, bv *blockVal, name string) []string {
	a := b.attr(name)
	if a == nil {
		return nil
	}
	list, ok := strList(bv.attrs[name])
	if !ok {
		e.warnf(a.Expr.Range(), "%s: %s could not be resolved in full", b.addr, name)
	}
	return list
}

func (e *emitter) groupMembership(b *block, bv *blockVal) {
	group, ok := e.require(b, bv, "group")
	if !ok {
		return
	}
	groupARN := e.identityARN("group", group)
	for _, u := range e.names(b, bv, "users") {
		e.edge(e.identityARN("user", u), graph.EdgeMemberOf, groupARN, b.syn.DefRange(), nil)
	}
}

func (e *emitter) userGroupMembership(b *block, bv *blockVal) {
	user, ok := e.require(b, bv, "user")
	if !ok {
		return
	}
	userARN := e.identityARN("user", user)
	for _, g := range e.names(b, bv, "groups") {
		e.edge(userARN, graph.EdgeMemberOf, e.identityARN("group", g), b.syn.DefRange(), nil)
	}
}

func (e *emitter) accessKey(b *block, bv *blockVal) {
	user, ok := e.require(b, bv, "user")
	if !ok {
		return
	}
	userARN := e.identityARN("user", user)
	id := graph.AWSAccessKeyID(userARN, b.name)
	rng := b.syn.DefRange()
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "access-key",
		graph.AttrLongLived: "true",
		"user":              user,
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	if s, ok := attrStr(bv, "status"); ok {
		attrs["status"] = s
	}
	e.node(graph.NodeSecret, id, "access key of "+user+" ("+b.addr+")", rng, attrs)
	e.edge(id, graph.EdgeAuthenticatesAs, userARN, rng, nil)
}

func (e *emitter) oidcProvider(b *block, bv *blockVal) {
	u, ok := e.require(b, bv, "url")
	if !ok {
		return
	}
	arn, _ := attrStr(bv, "arn")
	clients, _ := strList(bv.attrs["client_id_list"])
	host := oidcHost(u)
	e.node(graph.NodeIdentity, arn, host, b.syn.DefRange(), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "oidc-provider",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     host,
		"url":              u,
		"client_ids":       graph.JoinList(clients),
		"tf_address":       b.addr,
	})
}

// instance emits an EC2 instance, the role credentials its metadata
// endpoint hands out, and access keys written into its user data.
func (e *emitter) instance(b *block, bv *blockVal) {
	runtime := "runtime:aws:ec2:" + e.ev.account + ":" + b.addr
	rng := b.syn.DefRange()
	name := ""
	if tags := bv.attrs["tags"]; tags != cty.NilVal && tags.IsKnown() && !tags.IsNull() &&
		(tags.Type().IsObjectType() || tags.Type().IsMapType()) {
		if v, ok := tags.AsValueMap()["Name"]; ok {
			name, _ = str(v)
		}
	}
	e.node(graph.NodeRuntime, runtime, name, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "ec2-instance",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		"tf_address":       b.addr,
	})

	if a := b.attr("iam_instance_profile"); a != nil {
		profile, _ := attrStr(bv, "iam_instance_profile")
		role := e.profileRole(b, a)
		creds := graph.AWSInstanceCredentialsID(runtime)
		e.node(graph.NodeSecret, creds, "", rng, map[string]string{
			graph.AttrProvider:  providerAWS,
			"type":              "role-credentials",
			graph.AttrVia:       "metadata",
			graph.AttrLongLived: "false",
			"instance_profile":  profile,
		})
		e.edge(runtime, graph.EdgeExposes, creds, rng, map[string]string{graph.AttrVia: "metadata"})
		if role != "" {
			e.edge(creds, graph.EdgeAuthenticatesAs, role, rng, nil)
		}
	}
	e.inlineKeys(runtime, b, "user_data", "user_data_base64")
}

// profileRole returns the ARN of the role of the instance profile an
// instance names, or "" with a warning when the module does not show it.
func (e *emitter) profileRole(b *block, a *hclsyntax.Attribute) string {
	profiles := e.ev.refsTo(a.Expr, "aws_iam_instance_profile")
	if len(profiles) == 0 {
		if name, ok := str(e.ev.objs[b.addr].attrs["iam_instance_profile"]); ok {
			if pb := e.idx.profiles[name]; pb != nil {
				profiles = append(profiles, pb)
			}
		}
	}
	for _, pb := range profiles {
		if role, ok := attrStr(e.ev.objs[pb.addr], "role"); ok {
			return e.identityARN("role", role)
		}
	}
	e.warnf(a.Expr.Range(), "%s: the role of its instance profile is not declared in this module", b.addr)
	return ""
}

// lambda emits a Lambda function, its role credentials and its
// environment variables.
func (e *emitter) lambda(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "function_name")
	arn, _ := attrStr(bv, "arn")
	runtime := "runtime:aws:lambda:" + arn
	rng := b.syn.DefRange()
	image, _ := attrStr(bv, "image_uri")
	e.node(graph.NodeRuntime, runtime, name, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "lambda",
		graph.AttrAccount:  e.ev.account,
		graph.AttrName:     name,
		"image":            image,
		"tf_address":       b.addr,
	})

	if a := b.attr("role"); a != nil {
		creds := graph.AWSInstanceCredentialsID(runtime)
		e.node(graph.NodeSecret, creds, "", rng, map[string]string{
			graph.AttrProvider:  providerAWS,
			"type":              "role-credentials",
			graph.AttrVia:       "env",
			graph.AttrLongLived: "false",
		})
		e.edge(runtime, graph.EdgeExposes, creds, rng, map[string]string{graph.AttrVia: "env"})
		if role, ok := attrStr(bv, "role"); ok && strings.HasPrefix(role, "arn:") {
			e.edge(creds, graph.EdgeAuthenticatesAs, role, rng, nil)
		} else {
			e.warnf(a.Expr.Range(), "%s: role could not be resolved", b.addr)
		}
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

// envVars emits each environment variable of a function as a Secret the
// function EXPOSES.
func (e *emitter) envVars(runtime string, b *block, a *hclsyntax.Attribute) {
	if oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range oc.Items {
			k, diags := e.ev.value(item.KeyExpr, b)
			name, ok := str(k)
			if diags.HasErrors() || !ok {
				e.warnf(item.KeyExpr.Range(), "%s: environment variable name could not be resolved", b.addr)
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
	ri := e.ev.refs(a.Expr)
	values := v.AsValueMap()
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		id, attrs := e.envVarNode(runtime, name)
		for _, to := range e.heldBy(ri) {
			e.edge(id, graph.EdgeHolds, to, a.Expr.Range(), nil)
		}
		if s, ok := str(values[name]); ok && s != "" && ri.literal() {
			attrs[graph.AttrFingerprint] = e.fingerprint(s)
			attrs[graph.AttrStoredInline] = "true"
		}
		e.envVarDone(runtime, id, name, attrs, a.Expr.Range())
	}
}

// envVar emits one environment variable whose value is expr.
func (e *emitter) envVar(runtime string, b *block, name string, expr hcl.Expression) {
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

func (e *emitter) smSecret(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "secretsmanager",
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	if doc, ok := e.policy(b, bv, "policy"); ok {
		attrs["resource_policy"] = doc
	}
	e.node(graph.NodeSecret, arn, name, b.syn.DefRange(), attrs)
}

func (e *emitter) smSecretPolicy(b *block, bv *blockVal) {
	id, ok := e.require(b, bv, "secret_arn")
	if !ok {
		return
	}
	doc, ok := e.policy(b, bv, "policy")
	if !ok {
		return
	}
	e.node(graph.NodeSecret, e.ev.secretARN(id), "", b.syn.DefRange(), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "secretsmanager",
		"resource_policy":  doc,
	})
}

// smSecretVersion links a secret to the credential its value holds, or
// records the fingerprint of a value written out in the input.
func (e *emitter) smSecretVersion(b *block, bv *blockVal) {
	if _, ok := e.require(b, bv, "secret_id"); !ok {
		return
	}
	arn, _ := attrStr(bv, "arn")
	attrs := map[string]string{graph.AttrProvider: providerAWS, "type": "secretsmanager"}
	for _, name := range []string{"secret_string", "secret_binary"} {
		if a := b.attr(name); a != nil {
			e.holds(arn, b, a.Expr, attrs, b.syn.DefRange())
		}
	}
	e.node(graph.NodeSecret, arn, "", b.syn.DefRange(), attrs)
}

func (e *emitter) ssmParameter(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	paramType, _ := attrStr(bv, "type")
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "ssm-parameter",
		"param_type":        paramType,
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	for _, v := range []string{"value", "insecure_value"} {
		if a := b.attr(v); a != nil {
			e.holds(arn, b, a.Expr, attrs, b.syn.DefRange())
		}
	}
	e.node(graph.NodeSecret, arn, name, b.syn.DefRange(), attrs)
}

// resourceName names the argument that names each modelled data store.
var resourceName = map[string]string{
	"aws_s3_bucket":      "bucket",
	"aws_dynamodb_table": "name",
	"aws_sqs_queue":      "name",
	"aws_sns_topic":      "name",
	"aws_ecr_repository": "name",
	"aws_db_instance":    "identifier",
	"aws_rds_cluster":    "cluster_identifier",
}

// resource emits a data store; its inline policy argument, where the type
// has one, becomes attr resource_policy.
func (e *emitter) resource(b *block, bv *blockVal) {
	arn, _ := attrStr(bv, "arn")
	name := b.addr
	if key := resourceName[b.typ]; key != "" {
		name, _ = attrStr(bv, key)
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             b.typ,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"tf_address":       b.addr,
	}
	if doc, ok := e.policy(b, bv, "policy"); ok {
		attrs["resource_policy"] = doc
	}
	e.node(graph.NodeResource, arn, name, b.syn.DefRange(), attrs)
}

// resourcePolicy emits the policy of a separate *_policy block as attr
// resource_policy of the data store it names.
func (e *emitter) resourcePolicy(b *block, bv *blockVal) {
	typ := strings.TrimSuffix(b.typ, "_policy")
	arn, ok := e.targetARN(b, bv, typ)
	if !ok {
		return
	}
	doc, ok := e.policy(b, bv, "policy")
	if !ok {
		return
	}
	e.node(graph.NodeResource, arn, "", b.syn.DefRange(), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             typ,
		"resource_policy":  doc,
	})
}

// targetArg names the argument by which a policy or setting block names
// its data store.
var targetArg = map[string]string{
	"aws_s3_bucket":      "bucket",
	"aws_sqs_queue":      "queue_url",
	"aws_sns_topic":      "arn",
	"aws_kms_key":        "key_id",
	"aws_ecr_repository": "repository",
}

// targetARN returns the ARN of the data store of type typ that block b
// names: through its reference when it has one, else from the value.
func (e *emitter) targetARN(b *block, bv *blockVal, typ string) (string, bool) {
	arg := targetArg[typ]
	a := b.attr(arg)
	if a == nil {
		e.warnf(b.syn.DefRange(), "%s: %s is missing; block skipped", b.addr, arg)
		return "", false
	}
	for _, t := range e.ev.refsTo(a.Expr, typ) {
		if arn, ok := attrStr(e.ev.objs[t.addr], "arn"); ok {
			return arn, true
		}
	}
	v, ok := e.require(b, bv, arg)
	if !ok {
		return "", false
	}
	if strings.HasPrefix(v, "arn:") {
		return v, true
	}
	switch typ {
	case "aws_s3_bucket":
		return "arn:aws:s3:::" + v, true
	case "aws_ecr_repository":
		return e.ev.arn("ecr", "repository/"+v), true
	case "aws_sqs_queue":
		if arn, ok := queueARN(v); ok {
			return arn, true
		}
	}
	e.warnf(a.Expr.Range(), "%s: %s does not name a resource this module declares; block skipped", b.addr, arg)
	return "", false
}

// queueARN turns an SQS queue URL into the queue's ARN.
func queueARN(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host := strings.Split(u.Host, ".")
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(host) < 3 || host[0] != "sqs" || len(parts) != 2 {
		return "", false
	}
	return "arn:aws:sqs:" + host[1] + ":" + parts[0] + ":" + parts[1], true
}

// publicAccessBlock records a bucket's Block Public Access settings on
// the bucket.
func (e *emitter) publicAccessBlock(b *block, bv *blockVal) {
	arn, ok := e.targetARN(b, bv, "aws_s3_bucket")
	if !ok {
		return
	}
	attrs := map[string]string{graph.AttrProvider: providerAWS, "type": "aws_s3_bucket"}
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if s, ok := attrStr(bv, k); ok {
			attrs[k] = s
		}
	}
	e.node(graph.NodeResource, arn, "", b.syn.DefRange(), attrs)
}
