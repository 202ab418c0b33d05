package awspolicy

import (
	"fmt"
	"sort"
	"strings"
)

// OpenTrust is a trust policy statement that lets a web identity provider's
// tokens assume a role without pinning who the token is for: no condition
// on the token's sub claim, or a sub pattern.
type OpenTrust struct {
	// Statement names the statement: its Sid, or its 1-based position.
	Statement string
	// Providers are the statement's federated principals.
	Providers []string
	// Patterns are the sub values with * or ?, empty when no condition
	// reads the sub claim at all.
	Patterns []string
}

// OpenWebIdentityTrust returns the Allow statements of a trust policy that
// let any token of a federated provider, or any whose sub matches a
// pattern, call sts:AssumeRoleWithWebIdentity.
func OpenWebIdentityTrust(p *Policy) []OpenTrust {
	var out []OpenTrust
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != "Allow" || len(st.Principal["Federated"]) == 0 || !st.MatchesAction("sts:AssumeRoleWithWebIdentity") {
			continue
		}
		name := st.Sid
		if name == "" {
			name = fmt.Sprint(i + 1)
		}
		subs, found := subValues(st.Condition)
		if !found {
			out = append(out, OpenTrust{Statement: name, Providers: st.Principal["Federated"]})
			continue
		}
		var wild []string
		for _, s := range subs {
			if strings.ContainsAny(s, "*?") {
				wild = append(wild, s)
			}
		}
		if len(wild) > 0 {
			out = append(out, OpenTrust{Statement: name, Providers: st.Principal["Federated"], Patterns: wild})
		}
	}
	return out
}

// subValues collects the values of every condition on a sub claim, and
// whether there is one.
func subValues(cond map[string]map[string][]string) ([]string, bool) {
	var out []string
	found := false
	for _, keys := range cond {
		for k, vs := range keys {
			if strings.HasSuffix(strings.ToLower(k), ":sub") {
				found = true
				out = append(out, vs...)
			}
		}
	}
	sort.Strings(out)
	return out, found
}
