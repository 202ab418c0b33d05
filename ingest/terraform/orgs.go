package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/blastradius-dev/blastradius/graph"
)

// Ids of AWS Organizations facts. A declared policy is named by its name,
// and a policy given only by id (p-...) by that id. Accounts,
// organizational units and roots are named by their ids, which stay
// unresolved for those the module creates.
func orgPolicyID(nameOrID string) string { return "policy:aws:organizations:" + nameOrID }
func orgAccountID(id string) string      { return "aws:account:" + id }
func orgUnitID(id string) string         { return "aws:ou:" + id }

// fullAWSAccess is the id of the service control policy AWS manages and
// attaches everywhere by default: it allows everything.
const fullAWSAccess = "p-FullAWSAccess"

// controlPolicyTypes are the policy types whose content is an IAM-style
// policy document.
var controlPolicyTypes = map[string]bool{"SERVICE_CONTROL_POLICY": true, "RESOURCE_CONTROL_POLICY": true}

// orgPolicy emits an organization policy. The document is kept for service
// and resource control policies only: other types are not IAM policies.
func (e *emitter) orgPolicy(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	id, _ := attrStr(bv, "id")
	typ, ok := attrStr(bv, "type")
	if !ok {
		typ = "SERVICE_CONTROL_POLICY"
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		graph.AttrName:     name,
		"policy_type":      typ,
		graph.AttrAccount:  e.ev.account,
		"tf_address":       b.addr,
	}
	if controlPolicyTypes[typ] {
		if doc, ok := e.policy(b, bv, "content"); ok {
			attrs["document"] = doc
		}
	}
	e.node(graph.NodePolicy, id, name, b.syn.DefRange(), attrs)
}

// orgPolicyAttachment emits HAS_POLICY from the account or organizational
// unit (or root) an organization policy is attached to.
func (e *emitter) orgPolicyAttachment(b *block, bv *blockVal) {
	policy, ok := e.orgPolicyRef(b, bv)
	if !ok {
		return
	}
	target, ok := e.orgTarget(b, bv, "target_id")
	if !ok {
		return
	}
	e.edge(target, graph.EdgeHasPolicy, policy, b.syn.DefRange(), nil)
}

// orgPolicyRef returns the id of the policy an attachment names, adding a
// node for a policy the module does not declare.
func (e *emitter) orgPolicyRef(b *block, bv *blockVal) (string, bool) {
	a := b.attr("policy_id")
	if a == nil {
		e.warnf(b.syn.DefRange(), "%s: policy_id is missing; block skipped", b.addr)
		return "", false
	}
	for _, pb := range e.refsTo(a.Expr, "aws_organizations_policy") {
		if id, ok := attrStr(e.ev.objs[pb.addr], "id"); ok {
			return id, true
		}
	}
	pid, ok := e.require(b, bv, "policy_id")
	if !ok {
		return "", false
	}
	id := orgPolicyID(pid)
	attrs := map[string]string{graph.AttrProvider: providerAWS, graph.AttrName: pid}
	if pid == fullAWSAccess {
		attrs["managed"] = "aws"
		attrs["policy_type"] = "SERVICE_CONTROL_POLICY"
		attrs["document"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	}
	e.node(graph.NodePolicy, id, pid, a.Expr.Range(), attrs)
	return id, true
}

// orgTarget returns the id of the account or organizational unit (or
// root) that argument arg names, and adds its node.
func (e *emitter) orgTarget(b *block, bv *blockVal, arg string) (string, bool) {
	a := b.attr(arg)
	if a == nil {
		e.warnf(b.syn.DefRange(), "%s: %s is missing; block skipped", b.addr, arg)
		return "", false
	}
	v, ok := e.require(b, bv, arg)
	if !ok {
		return "", false
	}
	refs := func(typ string) bool { return len(e.refsTo(a.Expr, typ)) > 0 }
	switch {
	case accountID.MatchString(v) || refs("aws_organizations_account"):
		id := orgAccountID(v)
		e.orgNode(id, "account", v, a.Expr.Range(), nil)
		return id, true
	case strings.HasPrefix(v, "ou-") || refs("aws_organizations_organizational_unit"):
		id := orgUnitID(v)
		e.orgNode(id, "organizational-unit", v, a.Expr.Range(), nil)
		return id, true
	case strings.HasPrefix(v, "r-") || refs("aws_organizations_organization") || refs("data.aws_organizations_organization"):
		id := orgUnitID(v)
		e.orgNode(id, "organization-root", v, a.Expr.Range(), nil)
		return id, true
	}
	e.warnf(a.Expr.Range(), "%s: %s names no account, organizational unit or root; block skipped", b.addr, arg)
	return "", false
}

// orgNode adds an account, organizational unit or root node.
func (e *emitter) orgNode(id, typ, orgID string, rng hcl.Range, extra map[string]string) {
	attrs := map[string]string{graph.AttrProvider: providerAWS, "type": typ}
	if accountID.MatchString(orgID) {
		attrs[graph.AttrAccount] = orgID
	}
	for k, v := range extra {
		attrs[k] = v
	}
	e.node(graph.NodeIdentity, id, extra[graph.AttrName], rng, attrs)
}

// orgAccount emits a member account, MEMBER_OF its parent organizational
// unit or root when parent_id is set.
func (e *emitter) orgAccount(b *block, bv *blockVal) {
	e.orgMember(b, bv, orgAccountID, "account")
}

// orgUnit emits an organizational unit, MEMBER_OF its parent.
func (e *emitter) orgUnit(b *block, bv *blockVal) {
	e.orgMember(b, bv, orgUnitID, "organizational-unit")
}

func (e *emitter) orgMember(b *block, bv *blockVal, idOf func(string) string, typ string) {
	orgID, ok := attrStr(bv, "id")
	if !ok {
		orgID = "${" + b.addr + ".id}"
	}
	name, _ := attrStr(bv, "name")
	id := idOf(orgID)
	e.orgNode(id, typ, orgID, b.syn.DefRange(), map[string]string{graph.AttrName: name, "tf_address": b.addr})
	if b.attr("parent_id") == nil {
		return
	}
	parent, ok := e.orgTarget(b, bv, "parent_id")
	if ok {
		e.edge(id, graph.EdgeMemberOf, parent, b.syn.DefRange(), nil)
	}
}
