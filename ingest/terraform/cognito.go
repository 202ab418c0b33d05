package terraform

import (
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

// Amazon Cognito turns sign-ins into AWS credentials. A user pool signs
// users in, and an identity pool exchanges a sign-in from one of its
// providers (or no sign-in at all, when it allows unauthenticated
// identities) for credentials of an IAM role. The linker derives who can
// reach those roles; these blocks only record the configuration.

// cognitoUserPoolID returns the id of a user pool. AWS generates
// "<region>_<random>", and the name replaces the random part so that every
// reference in the input agrees.
func (ev *evaluator) cognitoUserPoolID(name string) string { return ev.region + "_" + name }

// cognitoIdentityPoolID returns the id of an identity pool, which AWS
// generates as "<region>:<random>", with the pool name as the random part.
func (ev *evaluator) cognitoIdentityPoolID(name string) string { return ev.region + ":" + name }

func (ev *evaluator) computeCognito(b *block, a map[string]cty.Value, set setFunc) {
	switch b.typ {
	case "aws_cognito_user_pool":
		name := nameOf(b, a, "name")
		id := ev.cognitoUserPoolID(name)
		set("name", name)
		set("id", id)
		set("arn", ev.arn("cognito-idp", "userpool/"+id))
		set("endpoint", "cognito-idp."+ev.region+".amazonaws.com/"+id)
	case "aws_cognito_user_pool_client":
		set("id", nameOf(b, a, "name"))
	case "aws_cognito_identity_pool":
		name := nameOf(b, a, "identity_pool_name")
		id := ev.cognitoIdentityPoolID(name)
		set("id", id)
		set("arn", ev.arn("cognito-identity", "identitypool/"+id))
	}
}

// cognitoUserPool emits a user pool as a Resource. Attribute self_signup
// is "true" unless admin_create_user_config sets
// allow_admin_create_user_only, because anyone may sign up by default. It
// is "undecided" when that setting cannot be resolved.
func (e *emitter) cognitoUserPool(b *block, bv *blockVal) {
	arn, ok := e.require(b, bv, "arn")
	if !ok {
		return
	}
	endpoint, _ := attrStr(bv, "endpoint")
	name, _ := attrStr(bv, "name")
	selfSignup := "true"
	for _, cb := range b.nested("admin_create_user_config") {
		a := cb.Body.Attributes["allow_admin_create_user_only"]
		if a == nil {
			continue
		}
		v, diags := e.ev.value(a.Expr, b)
		switch s, _ := str(v); {
		case s == "true":
			selfSignup = "false"
		case s == "false" || (!diags.HasErrors() && v.IsKnown() && v.IsNull()):
		default:
			selfSignup = "undecided"
		}
	}
	e.node(graph.NodeResource, arn, name, b.syn.DefRange(), map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             b.typ,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"endpoint":         endpoint,
		"self_signup":      selfSignup,
		"tf_address":       b.addr,
	})
}

// cognitoIdentityPool emits an identity pool as an Identity of type
// cognito-identity-pool, with the providers whose sign-ins it accepts.
func (e *emitter) cognitoIdentityPool(b *block, bv *blockVal) {
	arn, ok := e.require(b, bv, "arn")
	if !ok {
		return
	}
	id, _ := attrStr(bv, "id")
	name, _ := attrStr(bv, "identity_pool_name")
	unauthenticated := boolSetting(b, bv, "allow_unauthenticated_identities")
	classic, _ := attrStr(bv, "allow_classic_flow")
	developer, _ := attrStr(bv, "developer_provider_name")

	var userPools []string
	for _, pb := range b.nested("cognito_identity_providers") {
		if p := e.settingStr(b, pb, "provider_name"); p != "" {
			userPools = append(userPools, p)
		}
	}
	var public []string
	if v := bv.attrs["supported_login_providers"]; v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
		for k := range v.AsValueMap() {
			public = append(public, k)
		}
	}
	sort.Strings(public)

	oidc, _ := strList(bv.attrs["openid_connect_provider_arns"])
	saml, _ := strList(bv.attrs["saml_provider_arns"])
	e.node(graph.NodeIdentity, arn, name, b.syn.DefRange(), map[string]string{
		graph.AttrProvider:   providerAWS,
		"type":               "cognito-identity-pool",
		graph.AttrName:       name,
		graph.AttrAccount:    e.ev.account,
		"pool_id":            id,
		"unauthenticated":    unauthenticated,
		"classic_flow":       classic,
		"user_pools":         graph.JoinList(userPools),
		"login_providers":    graph.JoinList(public),
		"oidc_providers":     graph.JoinList(oidc),
		"saml_providers":     graph.JoinList(saml),
		"developer_provider": developer,
		"tf_address":         b.addr,
	})
}

// cognitoRoles records on the identity pool node the roles its identities
// receive: authenticated_role and unauthenticated_role, and role_mapping
// when rules or token claims may choose another role.
func (e *emitter) cognitoRoles(b *block, bv *blockVal) {
	poolID, ok := e.require(b, bv, "identity_pool_id")
	if !ok {
		return
	}
	if strings.Contains(poolID, "${aws_") {
		// An id left as a reference to a block the input lacks names no
		// pool, so a node for it would join nothing. An id that only
		// holds an unresolved variable still names the pool.
		e.warnf(b.syn.DefRange(), "%s: identity_pool_id names no identity pool of the input; block skipped", b.addr)
		return
	}
	attrs := map[string]string{"tf_address_roles": b.addr}
	if v := bv.attrs["roles"]; v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
		for k, role := range v.AsValueMap() {
			if s, ok := str(role); ok && (k == "authenticated" || k == "unauthenticated") {
				attrs[k+"_role"] = s
			}
		}
	}
	if len(b.nested("role_mapping")) > 0 {
		attrs["role_mapping"] = "true"
	}
	e.node(graph.NodeIdentity, e.ev.arn("cognito-identity", "identitypool/"+poolID), "", b.syn.DefRange(), attrs)
}

// boolSetting returns a boolean argument as "true" or "false", "" when it
// is unset or null, and "undecided" when its value cannot be resolved (a
// variable without a default, say).
func boolSetting(b *block, bv *blockVal, name string) string {
	if b.attr(name) == nil {
		return ""
	}
	v := bv.attrs[name]
	if s, ok := str(v); ok && (s == "true" || s == "false") {
		return s
	}
	if v != cty.NilVal && v.IsKnown() && v.IsNull() && !bv.diags[name].HasErrors() {
		return ""
	}
	return "undecided"
}
