package cloudformation

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
)

// awsManagedPolicy matches the ARN of a policy AWS manages.
var awsManagedPolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/`)

var identityKind = map[string]string{iamRole: "role", iamUser: "user", iamGroup: "group"}

// identity emits a role, user or group: its trust policy, inline Policies,
// ManagedPolicyArns, and a user's Groups and login profile.
func (e *emitter) identity(r *resource) {
	kind := identityKind[r.typ]
	name := e.t.name(r)
	arn := graph.IAMARN(e.t.account, kind, e.t.path(r), name)
	attrs := e.base(kind, name)
	if p := e.t.path(r); p != "/" {
		attrs["path"] = p
	}
	if pb, ok := e.str("PermissionsBoundary"); ok {
		attrs["permissions_boundary"] = pb
	}
	if kind == "role" {
		if doc, ok := e.document("AssumeRolePolicyDocument", e.t.prop(r, "AssumeRolePolicyDocument")); ok {
			attrs["trust_policy"] = doc
		}
		attrs["instance_profiles"] = graph.JoinList(e.profilesOf(name))
	}
	e.node(graph.NodeIdentity, arn, name, r.line, attrs)

	e.inlinePolicies(arn, e.t.prop(r, "Policies"))
	if n := e.t.prop(r, "ManagedPolicyArns"); n != nil {
		for _, p := range e.stringList("ManagedPolicyArns") {
			e.attach(arn, p, n.Line)
		}
	}
	if kind != "user" {
		return
	}

	for _, g := range e.stringList("Groups") {
		e.edge(arn, graph.EdgeMemberOf, e.t.identityARN("group", g), e.line("Groups"), nil)
	}
	if lp := e.t.prop(r, "LoginProfile"); lp != nil {
		id := "secret:aws:console-password:" + arn
		e.node(graph.NodeSecret, id, "console password of "+name, lp.Line, map[string]string{
			graph.AttrProvider: "aws", "type": "console-password", graph.AttrLongLived: "true",
			"user": name, graph.AttrAccount: e.t.account, "cfn_logical_id": r.id,
		})
		e.edge(id, graph.EdgeAuthenticatesAs, arn, lp.Line, nil)
	}
}

// profilesOf returns the ARNs of the instance profiles that hold a role.
func (e *emitter) profilesOf(role string) []string {
	var out []string
	for _, p := range e.t.order {
		if p.typ != iamProfile {
			continue
		}
		roles, _ := asStrings(e.t.eval(e.t.prop(p, "Roles"), nil))
		for _, r := range roles {
			if r == role {
				out = append(out, graph.IAMARN(e.t.account, "instance-profile", e.t.path(p), e.t.name(p)))
				break
			}
		}
	}
	return out
}

// inlinePolicies emits the Policies list of an identity: PolicyName and
// PolicyDocument items.
func (e *emitter) inlinePolicies(owner string, list *yaml.Node) {
	list = deref(list)
	if list == nil {
		return
	}
	if list.Kind != yaml.SequenceNode {
		e.t.warnf(list.Line, "%s: Policies is not a list", e.cur.id)
		return
	}
	for _, it := range list.Content {
		it = deref(it)
		// An item may be a function such as Fn::If, whose value is the
		// policy or AWS::NoValue.
		v := e.t.eval(it, nil)
		if v == noValue {
			continue
		}
		item, ok := v.(*object)
		if !ok {
			e.t.warnf(it.Line, "%s: a policy of Policies is not a mapping; skipped", e.cur.id)
			continue
		}
		name, _ := item.get("PolicyName")
		pname, _ := asString(name)
		if pname == "" {
			e.t.warnf(it.Line, "%s: a policy has no PolicyName; skipped", e.cur.id)
			continue
		}
		docValue, _ := item.get("PolicyDocument")
		doc, _ := e.documentValue("policy "+pname, docValue, it.Line)
		e.inlinePolicyNode(owner, pname, doc, it.Line)
	}
}

// inlinePolicyNode emits an inline policy of an identity and HAS_POLICY.
func (e *emitter) inlinePolicyNode(owner, name, doc string, line int) {
	id := owner + "#inline/" + name
	e.node(graph.NodePolicy, id, name, line, map[string]string{
		graph.AttrProvider: "aws",
		graph.AttrName:     name,
		graph.AttrAccount:  e.t.account,
		"document":         doc,
		"cfn_logical_id":   e.cur.id,
	})
	e.edge(owner, graph.EdgeHasPolicy, id, line, nil)
}

// attach emits HAS_POLICY from an identity to a policy ARN, and a node for
// a policy AWS manages, which no input declares.
func (e *emitter) attach(owner, policyARN string, line int) {
	if !strings.HasPrefix(policyARN, "arn:") {
		e.t.warnf(line, "%s: policy ARN could not be resolved", e.cur.id)
		return
	}
	if awsManagedPolicy.MatchString(policyARN) {
		name := policyARN[strings.LastIndex(policyARN, "/")+1:]
		e.node(graph.NodePolicy, policyARN, name, line, map[string]string{
			graph.AttrProvider: "aws",
			graph.AttrName:     name,
			"managed":          "aws",
		})
	}
	e.edge(owner, graph.EdgeHasPolicy, policyARN, line, nil)
}

// document evaluates a policy document, given as a mapping or as JSON
// text, to compact JSON. It warns when the document is not a JSON object.
func (e *emitter) document(label string, n *yaml.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	return e.documentValue(label, e.t.eval(n, nil), n.Line)
}

// documentValue is document for an evaluated value written at line.
func (e *emitter) documentValue(label string, v any, line int) (string, bool) {
	if v == nil {
		return "", false
	}
	if s, ok := v.(string); ok {
		// JSON strings take a NUL only escaped, so literalOpen is
		// written as its escape for the check and back after it.
		const escaped = `$\u0000{`
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(strings.ReplaceAll(s, literalOpen, escaped))); err != nil || buf.Len() == 0 || buf.Bytes()[0] != '{' {
			e.t.warnf(line, "%s: %s is not a valid JSON policy document", e.cur.id, label)
			return "", false
		}
		return strings.ReplaceAll(buf.String(), escaped, literalOpen), true
	}
	if _, ok := v.(*object); !ok {
		e.t.warnf(line, "%s: %s is not a policy document", e.cur.id, label)
		return "", false
	}
	doc, ok := renderJSON(v)
	if !ok {
		e.t.warnf(line, "%s: %s could not be resolved", e.cur.id, label)
	}
	return doc, ok
}

// owners returns the ARNs of the Roles, Users and Groups a policy names.
func (e *emitter) owners() []string {
	var out []string
	for _, k := range []struct{ key, kind string }{{"Roles", "role"}, {"Users", "user"}, {"Groups", "group"}} {
		for _, name := range e.stringList(k.key) {
			if !e.t.shows(name) {
				e.t.warnf(e.line(k.key), "%s: a name of %s could not be resolved", e.cur.id, k.key)
				continue
			}
			out = append(out, e.t.identityARN(k.kind, name))
		}
	}
	return out
}

// policyResource emits AWS::IAM::Policy: an inline policy of each
// identity it names.
func (e *emitter) policyResource(r *resource) {
	name, ok := e.str("PolicyName")
	if !ok {
		e.t.warnf(r.line, "%s: PolicyName is missing or could not be resolved; skipped", r.id)
		return
	}
	doc, _ := e.document("PolicyDocument", e.t.prop(r, "PolicyDocument"))
	owners := e.owners()
	if len(owners) == 0 {
		e.t.warnf(r.line, "%s: the policy names no role, user or group", r.id)
	}
	for _, o := range owners {
		e.inlinePolicyNode(o, name, doc, r.line)
	}
}

// ownedPolicy emits AWS::IAM::RolePolicy, UserPolicy and GroupPolicy.
func (e *emitter) ownedPolicy(r *resource) {
	kind := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(r.typ, "AWS::IAM::"), "Policy"))
	key := strings.ToUpper(kind[:1]) + kind[1:] + "Name"
	owner, ok := e.str(key)
	if !ok {
		e.t.warnf(r.line, "%s: %s is missing or could not be resolved; skipped", r.id, key)
		return
	}
	name, ok := e.str("PolicyName")
	if !ok {
		e.t.warnf(r.line, "%s: PolicyName is missing or could not be resolved; skipped", r.id)
		return
	}
	doc, _ := e.document("PolicyDocument", e.t.prop(r, "PolicyDocument"))
	e.inlinePolicyNode(e.t.identityARN(kind, owner), name, doc, r.line)
}

// managedPolicy emits AWS::IAM::ManagedPolicy and its attachments.
func (e *emitter) managedPolicy(r *resource) {
	name := e.t.name(r)
	arn := e.t.refValue(r)
	doc, _ := e.document("PolicyDocument", e.t.prop(r, "PolicyDocument"))
	attrs := map[string]string{
		graph.AttrProvider: "aws",
		graph.AttrName:     name,
		graph.AttrAccount:  e.t.account,
		"document":         doc,
		"cfn_logical_id":   r.id,
	}
	if p := e.t.path(r); p != "/" {
		attrs["path"] = p
	}
	e.node(graph.NodePolicy, arn, name, r.line, attrs)
	for _, o := range e.owners() {
		e.attach(o, arn, r.line)
	}
}

// accessKey emits AWS::IAM::AccessKey as the Terraform reader emits
// aws_iam_access_key, labelled with the logical id.
func (e *emitter) accessKey(r *resource) {
	user, ok := e.str("UserName")
	if !ok || !e.t.shows(user) {
		e.t.warnf(r.line, "%s: UserName is missing or could not be resolved; skipped", r.id)
		return
	}
	userARN := e.t.identityARN("user", user)
	id := graph.AWSAccessKeyID(userARN, r.id)
	attrs := map[string]string{
		graph.AttrProvider:  "aws",
		"type":              "access-key",
		graph.AttrLongLived: "true",
		"user":              user,
		graph.AttrAccount:   e.t.account,
		"cfn_logical_id":    r.id,
	}
	if s, ok := e.str("Status"); ok {
		attrs["status"] = s
	}
	e.node(graph.NodeSecret, id, "access key of "+user+" ("+r.id+")", r.line, attrs)
	e.edge(id, graph.EdgeAuthenticatesAs, userARN, r.line, nil)
}

// accessKeyID returns the id of the access key a logical id declares.
func (e *emitter) accessKeyID(r *resource) string {
	user, _ := e.t.evalString(e.t.prop(r, "UserName"), nil)
	return graph.AWSAccessKeyID(e.t.identityARN("user", user), r.id)
}

// instanceProfile emits an instance profile as a Resource that names its
// role.
func (e *emitter) instanceProfile(r *resource) {
	name := e.t.name(r)
	var roles []string
	for _, role := range e.stringList("Roles") {
		roles = append(roles, e.t.identityARN("role", role))
	}
	attrs := e.base("aws_iam_instance_profile", name)
	attrs["role"] = graph.JoinList(roles)
	if p := e.t.path(r); p != "/" {
		attrs["path"] = p
	}
	e.node(graph.NodeResource, graph.IAMARN(e.t.account, "instance-profile", e.t.path(r), name), name, r.line, attrs)
}

// oidcProvider emits AWS::IAM::OIDCProvider.
func (e *emitter) oidcProvider(r *resource) {
	u, ok := e.str("Url")
	if !ok {
		e.t.warnf(r.line, "%s: Url is missing or could not be resolved; skipped", r.id)
		return
	}
	host := oidcHost(u)
	attrs := e.base("oidc-provider", host)
	attrs["url"] = u
	attrs["client_ids"] = graph.JoinList(e.stringList("ClientIdList"))
	e.node(graph.NodeIdentity, e.t.oidcARN(r), host, r.line, attrs)
}
