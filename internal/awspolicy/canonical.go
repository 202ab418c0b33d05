package awspolicy

import (
	"encoding/json"
	"slices"
	"strings"
)

// Canonical returns a text that two policies share exactly when they grant
// and deny the same: the statements' effects, actions, resources,
// principals and conditions, with every list sorted and the statements in
// sorted order. Sids, the order of statements and of list items, single
// values written as lists, white space, the case of action names and an
// account id written in place of its root ARN do not change it. Two inputs
// that write one role's policy differently, such as Terraform and an
// export of the live account, give the same text unless the policy
// drifted.
func (p *Policy) Canonical() string {
	type canonicalStatement struct {
		Effect       string                         `json:"e"`
		Action       []string                       `json:"a,omitempty"`
		NotAction    []string                       `json:"na,omitempty"`
		Resource     []string                       `json:"r,omitempty"`
		NotResource  []string                       `json:"nr,omitempty"`
		Principal    map[string][]string            `json:"p,omitempty"`
		NotPrincipal map[string][]string            `json:"np,omitempty"`
		Condition    map[string]map[string][]string `json:"c,omitempty"`
		Literal      bool                           `json:"l,omitempty"`
	}

	sorted := func(list []string) []string {
		out := slices.Clone(list)
		slices.Sort(out)
		return out
	}

	sortedMap := func(m map[string][]string) map[string][]string {
		if len(m) == 0 {
			return nil
		}
		out := make(map[string][]string, len(m))
		for k, v := range m {
			out[k] = sorted(v)
		}
		return out
	}

	// IAM stores an account id given as an AWS principal as the account's
	// root ARN, so both name the account.
	principals := func(m map[string][]string) map[string][]string {
		out := sortedMap(m)
		if vals := out["AWS"]; len(vals) > 0 {
			for i, val := range vals {
				if acct := rootAccount(val); acct != "" {
					vals[i] = acct
				}
			}
			out["AWS"] = sorted(vals)
		}
		return out
	}

	// Action names are case-insensitive.
	actions := func(list []string) []string {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = strings.ToLower(a)
		}
		return sorted(out)
	}

	texts := make([]string, 0, len(p.Statements))
	for i := range p.Statements {
		st := &p.Statements[i]
		c := canonicalStatement{
			Effect: st.Effect, Action: actions(st.Action), NotAction: actions(st.NotAction),
			Resource: sorted(st.Resource), NotResource: sorted(st.NotResource),
			Principal: principals(st.Principal), NotPrincipal: principals(st.NotPrincipal),
			Literal: st.literal,
		}
		if len(st.Condition) > 0 {
			c.Condition = make(map[string]map[string][]string, len(st.Condition))
			for op, keys := range st.Condition {
				c.Condition[op] = sortedMap(keys)
			}
		}
		// encoding/json writes map keys in sorted order.
		b, err := json.Marshal(c)
		if err != nil {
			continue
		}
		texts = append(texts, string(b))
	}

	slices.Sort(texts)
	return strings.Join(texts, "\n")
}
