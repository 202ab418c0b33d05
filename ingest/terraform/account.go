package terraform

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// accountID matches a 12-digit AWS account id.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// arnInText finds ARNs that name an account in any text: the partition,
// service, region, account and resource.
var arnInText = regexp.MustCompile(`arn:aws[a-z-]*:([a-z0-9-]*):[a-z0-9*-]*:([0-9]{12}):([^\s"',]*)`)

// providerRegion is the region of the default aws provider, or "".
func (ev *evaluator) providerRegion() string {
	p := ev.m.provider("aws")
	if p == nil || p.Body.Attributes["region"] == nil {
		return ""
	}
	v, diags := ev.value(p.Body.Attributes["region"].Expr, nil)
	s, ok := str(v)
	if diags.HasErrors() || !ok || strings.Contains(s, "${") {
		return ""
	}
	return s
}

// findAccount returns the module's account: the default aws provider's
// allowed account or the account of the role it assumes, a variable or
// local named for it, or the one account that the module's own ARNs name.
func (ev *evaluator) findAccount() string {
	if p := ev.m.provider("aws"); p != nil {
		if acct := ev.providerAccount(p); acct != "" {
			return acct
		}
	}
	names := []string{"account_id", "aws_account_id", "account"}
	for _, n := range names {
		if s, ok := str(ev.vars[n]); ok && accountID.MatchString(s) {
			return s
		}
	}
	for _, n := range names {
		if ev.m.locals[n] == nil {
			continue
		}
		ev.ensure("local." + n)
		if s, ok := str(ev.locals[n]); ok && accountID.MatchString(s) {
			return s
		}
	}
	return ev.arnAccount()
}

// ARN positions, which decide whether an ARN's account is the module's.
const (
	// posArgument is a resource argument, such as a Lambda function's
	// role or a policy attachment's policy_arn. Only IAM ARNs count: a
	// function's role or an attached policy lives in the module's account,
	// while other services' ARNs in arguments often name another
	// account's published resources (Lambda layers, Serverless
	// Application Repository applications).
	posArgument = iota
	// posResource is a Resource or NotResource of a policy statement. An
	// IAM user, role or group there is often another account's (a role
	// to assume), so it counts only when the module declares it.
	posResource
	// posPrincipal is a Principal or NotPrincipal: only a user, role or
	// group the module declares counts. Accounts trusted or granted
	// access (an ELB log-delivery account, say) are not the module's.
	posPrincipal
)

// accountScan collects the accounts that the module's own ARNs name.
type accountScan struct {
	ev       *evaluator
	accounts map[string]bool
	// idents maps "user", "role" and "group" to the path and name of each
	// one the module declares, without the leading slash.
	idents map[string][]string
}

// arnAccount evaluates the module without an account and returns the one
// account that IAM ARNs in its resource arguments, ARNs in the resources of
// its policy statements and the ARNs of its own users, roles and groups
// name. Principal, NotPrincipal and Condition values and arguments that
// name a principal or source otherwise never count.
func (ev *evaluator) arnAccount() string {
	ev.evaluateAll()
	sc := &accountScan{ev: ev, accounts: map[string]bool{}, idents: map[string][]string{}}
	for _, kind := range []string{"user", "role", "group"} {
		for _, b := range ev.instancesOf(ev.m.blocksOfType("aws_iam_" + kind)) {
			a := ev.objs[b.addr].attrs
			name, _ := str(a["name"])
			sc.idents[kind] = append(sc.idents[kind], strings.TrimPrefix(pathOf(a)+name, "/"))
		}
	}
	if p := ev.m.provider("aws"); p != nil {
		for _, ab := range nestedBlocks(p.Body, "assume_role") {
			if a := ab.Body.Attributes["role_arn"]; a != nil {
				v, _ := ev.value(a.Expr, nil)
				sc.value(v, posArgument)
			}
		}
	}
	addrs := make([]string, 0, len(ev.m.blocks))
	for a := range ev.m.blocks {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		b := ev.m.blocks[addr]
		if providerAlias(b, "aws") != "" {
			continue // another provider's account
		}
		for name, v := range ev.objs[addr].attrs {
			if !namesPrincipal(name) {
				sc.value(v, posArgument)
			}
		}
		// A policy document's statements are in its rendered json.
		if !(b.data && b.typ == "aws_iam_policy_document") {
			sc.nested(b, b.syn.Body)
		}
	}
	if len(sc.accounts) != 1 {
		return ""
	}
	for a := range sc.accounts {
		return a
	}
	return ""
}

// namesPrincipal reports whether an argument names who may act rather
// than what the module owns: aws_lambda_permission's principal and
// source_account, a KMS grant's grantee_principal.
func namesPrincipal(arg string) bool {
	return strings.Contains(arg, "principal") || strings.HasPrefix(arg, "source_") || arg == "identifiers"
}

// nested scans the arguments of a block's nested blocks, leaving out
// principals and conditions.
func (sc *accountScan) nested(b *block, body *hclsyntax.Body) {
	for _, nb := range body.Blocks {
		switch nb.Type {
		case "principals", "not_principals", "condition", "dynamic", "provisioner", "connection", "lifecycle":
			continue
		}
		for _, a := range sortedAttrs(nb.Body) {
			if namesPrincipal(a.Name) {
				continue
			}
			v, diags := sc.ev.value(a.Expr, b)
			if !diags.HasErrors() {
				sc.value(v, posArgument)
			}
		}
		sc.nested(b, nb.Body)
	}
}

// value scans every string of v: a policy document by statement, other
// text for ARNs in position pos.
func (sc *accountScan) value(v cty.Value, pos int) {
	if v == cty.NilVal {
		return
	}
	_ = cty.Walk(v, func(_ cty.Path, e cty.Value) (bool, error) {
		if !e.IsKnown() || e.IsNull() {
			return false, nil
		}
		e, _ = e.Unmark()
		if e.Type() == cty.String {
			sc.text(e.AsString(), pos)
		}
		return true, nil
	})
}

func (sc *accountScan) text(s string, pos int) {
	if !strings.Contains(s, "arn:") {
		return
	}
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") && strings.Contains(t, "Statement") {
		if sc.policy(t) {
			return
		}
	}
	for _, m := range arnInText.FindAllStringSubmatch(s, -1) {
		sc.arn(m[1], m[2], m[3], pos)
	}
}

// policy scans a JSON policy document; it returns false when s is not one.
func (sc *accountScan) policy(s string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil || len(doc.Statement) == 0 {
		return false
	}
	var stmts []map[string]any
	if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		var single map[string]any
		if err := json.Unmarshal(doc.Statement, &single); err != nil {
			return false
		}
		stmts = []map[string]any{single}
	}
	for _, st := range stmts {
		for key, val := range st {
			switch key {
			case "Resource", "NotResource":
				sc.jsonStrings(val, posResource)
			case "Principal", "NotPrincipal":
				sc.jsonStrings(val, posPrincipal)
			}
		}
	}
	return true
}

func (sc *accountScan) jsonStrings(v any, pos int) {
	switch t := v.(type) {
	case string:
		for _, m := range arnInText.FindAllStringSubmatch(t, -1) {
			sc.arn(m[1], m[2], m[3], pos)
		}
	case []any:
		for _, e := range t {
			sc.jsonStrings(e, pos)
		}
	case map[string]any:
		for _, e := range t {
			sc.jsonStrings(e, pos)
		}
	}
}

// arn counts the account of one ARN found at pos.
func (sc *accountScan) arn(service, account, resource string, pos int) {
	if service == "iam" {
		for _, kind := range []string{"user", "role", "group"} {
			if rest, ok := strings.CutPrefix(resource, kind+"/"); ok {
				if pos == posArgument || sc.declares(kind, rest) {
					sc.accounts[account] = true
				}
				return
			}
		}
	}
	switch {
	case pos == posResource, pos == posArgument && service == "iam":
		sc.accounts[account] = true
	}
}

// declares reports whether the module declares a user, role or group that
// the path and name of an ARN (which may hold wildcards) stands for.
func (sc *accountScan) declares(kind, pathName string) bool {
	pattern := policyVariable.ReplaceAllString(pathName, "*")
	for _, id := range sc.idents[kind] {
		if id == pathName || glob(pattern, id) {
			return true
		}
	}
	return false
}

// policyVariable matches an IAM policy variable such as ${aws:username},
// which stands for any name when deciding what an ARN may name.
var policyVariable = regexp.MustCompile(`\$\{aws:[^}]*\}`)

// glob matches s against a pattern in which * matches any run of
// characters and ? any one character.
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
