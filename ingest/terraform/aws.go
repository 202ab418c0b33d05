package terraform

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"

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
	if e.inManagement(b) {
		attrs["management_account"] = "true"
	}
	if pb, ok := attrStr(bv, "permissions_boundary"); ok {
		attrs["permissions_boundary"] = pb
	}
	if kind == "role" {
		if doc, ok := e.policy(b, bv, "assume_role_policy"); ok {
			attrs["trust_policy"] = doc
		}
		attrs["instance_profiles"] = graph.JoinList(e.idx.roleProfiles[arn])
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

// exclusiveAttachments emits the aws_iam_{role,user,group}_policy_attachments_exclusive
// blocks, which list every managed policy of one identity.
func (e *emitter) exclusiveAttachments(b *block, bv *blockVal) {
	kind := strings.TrimSuffix(strings.TrimPrefix(b.typ, "aws_iam_"), "_policy_attachments_exclusive")
	owner, ok := e.require(b, bv, kind+"_name")
	if !ok {
		return
	}
	arn := e.identityARN(kind, owner)
	for _, p := range e.names(b, bv, "policy_arns") {
		e.attach(b, arn, p, b.syn.DefRange())
	}
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

// loginProfile emits the console password of a user.
func (e *emitter) loginProfile(b *block, bv *blockVal) {
	user, ok := e.require(b, bv, "user")
	if !ok {
		return
	}
	userARN := e.identityARN("user", user)
	id := e.loginProfileID(bv)
	rng := b.syn.DefRange()
	e.node(graph.NodeSecret, id, "console password of "+user, rng, map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "console-password",
		graph.AttrLongLived: "true",
		"user":              user,
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	})
	e.edge(id, graph.EdgeAuthenticatesAs, userARN, rng, nil)
}

// loginProfileID returns the id of the console password of an
// aws_iam_user_login_profile block, or "" when its user is unknown.
func (e *emitter) loginProfileID(bv *blockVal) string {
	user, ok := attrStr(bv, "user")
	if !ok {
		return ""
	}
	return "secret:aws:console-password:" + e.identityARN("user", user)
}

// instanceProfile emits an instance profile as a Resource that names its
// role, so that a profile no instance uses yet is still seen.
func (e *emitter) instanceProfile(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	var roles []string
	for _, r := range profileRoleNames(bv) {
		roles = append(roles, e.identityARN("role", r))
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             b.typ,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"role":             graph.JoinList(roles),
		"tf_address":       b.addr,
	}
	if p, ok := attrStr(bv, "path"); ok && p != "/" {
		attrs["path"] = p
	}
	e.node(graph.NodeResource, arn, name, b.syn.DefRange(), attrs)
}

// profileRoleNames returns the role an instance profile holds (role, or
// the older roles list).
func profileRoleNames(bv *blockVal) []string {
	if r, ok := attrStr(bv, "role"); ok {
		return []string{r}
	}
	list, _ := strList(bv.attrs["roles"])
	return list
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
