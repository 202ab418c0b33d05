package terraform

import (
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/blastradius-dev/blastradius/graph"
)

// awsScope is the account and region of one aws provider configuration.
type awsScope struct {
	account, region string
}

// useScope makes the account and region of the aws provider that block b
// uses (provider = aws.alias) those of the evaluator until the returned
// function restores them. Blocks of the default provider keep the
// module's account and region.
func (ev *evaluator) useScope(b *block) func() {
	alias := providerAlias(b, "aws")
	if alias == "" {
		return func() {}
	}
	sc, ok := ev.scopes[alias]
	if !ok {
		// A reference cycle through the provider's own arguments gets
		// the default scope.
		ev.scopes[alias] = awsScope{account: ev.account, region: ev.region}
		sc = ev.aliasScope(alias)
		ev.scopes[alias] = sc
	}
	account, region := ev.account, ev.region
	ev.account, ev.region = sc.account, sc.region
	return func() { ev.account, ev.region = account, region }
}

// aliasScope returns the account and region of an aliased aws provider.
// The account is its allowed_account_ids, else the account of the role
// its assume_role block names. An alias with neither but with a profile
// of its own is of an account the input does not show. One without a
// profile of its own uses the default provider's credentials.
func (ev *evaluator) aliasScope(alias string) awsScope {
	sc := awsScope{account: ev.account, region: ev.region}
	var p *hclsyntax.Block
	for _, c := range ev.m.providers["aws"] {
		a := c.Body.Attributes["alias"]
		if a == nil {
			continue
		}
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() {
			if s, ok := str(v); ok && s == alias {
				p = c
				break
			}
		}
	}
	if p == nil {
		return sc
	}
	if r := ev.providerString(p, "region"); r != "" {
		sc.region = r
	}
	if acct := ev.providerAccount(p); acct != "" {
		sc.account = acct
		return sc
	}
	if prof := ev.providerString(p, "profile"); prof != "" {
		if d := ev.m.provider("aws"); d == nil || ev.providerString(d, "profile") != prof {
			sc.account = ""
		}
	}
	return sc
}

// providerAccount returns the account a provider configuration states:
// the first of its allowed_account_ids, else the account of the role its
// assume_role block names.
func (ev *evaluator) providerAccount(p *hclsyntax.Block) string {
	if a := p.Body.Attributes["allowed_account_ids"]; a != nil {
		v, _ := ev.value(a.Expr, nil)
		list, _ := strList(v)
		for _, s := range list {
			if accountID.MatchString(s) {
				return s
			}
		}
	}
	for _, ab := range nestedBlocks(p.Body, "assume_role") {
		a := ab.Body.Attributes["role_arn"]
		if a == nil {
			continue
		}
		v, diags := ev.value(a.Expr, nil)
		s, ok := str(v)
		if diags.HasErrors() || !ok {
			continue
		}
		if m := arnInText.FindStringSubmatch(s); m != nil && m[1] == "iam" {
			return m[2]
		}
	}
	return ""
}

// providerString evaluates a string argument of a provider configuration;
// "" when it is absent or not known.
func (ev *evaluator) providerString(p *hclsyntax.Block, name string) string {
	a := p.Body.Attributes[name]
	if a == nil {
		return ""
	}
	v, diags := ev.value(a.Expr, nil)
	s, ok := str(v)
	if diags.HasErrors() || !ok || unresolvedRefs(s) != nil {
		return ""
	}
	return s
}

// managementScopes returns the aliases ("" for the default) of the aws
// providers through which the module creates the organization or its
// accounts: only the management account can.
func (m *module) managementScopes() map[string]bool {
	out := map[string]bool{}
	for _, typ := range []string{"aws_organizations_organization", "aws_organizations_account"} {
		for _, b := range m.blocksOfType(typ) {
			out[providerAlias(b, "aws")] = true
		}
	}
	return out
}

// inManagement reports whether block b uses an aws provider through which
// the module creates the organization or its accounts.
func (e *emitter) inManagement(b *block) bool {
	return e.idx.management[providerAlias(b, "aws")]
}

// organization emits the management account of an organization the module
// creates, marked management=true, when its id is known.
func (e *emitter) organization(b *block) {
	if !accountID.MatchString(e.ev.account) {
		return
	}
	e.orgNode(orgAccountID(e.ev.account), "account", e.ev.account, b.syn.DefRange(), map[string]string{
		"management":   "true",
		"tf_address":   b.addr,
		graph.AttrName: "management account",
	})
}
