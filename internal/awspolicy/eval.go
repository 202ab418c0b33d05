package awspolicy

import (
	"fmt"
	"sort"
	"strings"
)

// Tri is a three-valued truth: a condition can be true, false, or not
// decidable from what the input shows.
type Tri int

const (
	False Tri = iota
	Unknown
	True
)

func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	default:
		return "unknown"
	}
}

func and(a, b Tri) Tri {
	if a == False || b == False {
		return False
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return True
}

// Context holds the condition keys a request supplies. Keys are compared
// case-insensitively, as AWS does. A key that is absent is unknown unless
// the context is Complete, in which case it is known to be missing.
type Context struct {
	Values map[string][]string
	// Complete says every key the request carries is in Values.
	Complete bool
}

func (c Context) lookup(key string) ([]string, bool) {
	for k, v := range c.Values {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// EvalConditions evaluates a statement's Condition block: every operator
// and every key must hold.
func EvalConditions(cond map[string]map[string][]string, ctx Context) (Tri, string) {
	result := True
	var why []string
	for _, op := range sortedKeys(cond) {
		for _, key := range sortedKeys(cond[op]) {
			want := cond[op][key]
			r := evalOne(op, key, want, ctx)
			if r != True {
				why = append(why, fmt.Sprintf("%s %s %s is %s", op, key, strings.Join(want, "|"), r))
			}
			result = and(result, r)
		}
	}
	return result, strings.Join(why, "; ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func evalOne(op, key string, want []string, ctx Context) Tri {
	set := ""
	if i := strings.Index(op, ":"); i >= 0 {
		set, op = op[:i], op[i+1:]
	}
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")

	have, ok := ctx.lookup(key)
	if op == "Null" {
		// Null true means "the key is absent".
		if !ok && !ctx.Complete {
			return Unknown
		}
		absent := len(have) == 0
		for _, w := range want {
			if strings.EqualFold(w, "true") == absent {
				return True
			}
		}
		return False
	}
	if !ok || len(have) == 0 {
		if !ctx.Complete {
			return Unknown
		}
		if ifExists {
			return True
		}
		// A missing key fails positive operators; negated operators and
		// ForAllValues hold vacuously.
		if set == "ForAllValues" || isNegated(op) {
			return True
		}
		return False
	}
	match, ok := operator(op)
	if !ok {
		return Unknown
	}
	negated := isNegated(op)
	one := func(v string) bool {
		hit := false
		for _, w := range want {
			if match(w, v) {
				hit = true
				break
			}
		}
		if negated {
			return !hit
		}
		return hit
	}
	switch set {
	case "ForAllValues":
		for _, v := range have {
			if !one(v) {
				return False
			}
		}
		return True
	default: // ForAnyValue, and single-valued keys
		for _, v := range have {
			if one(v) {
				return True
			}
		}
		return False
	}
}

func isNegated(op string) bool {
	return strings.Contains(op, "Not")
}

// operator returns the positive comparison behind an operator name.
func operator(op string) (func(want, have string) bool, bool) {
	switch op {
	case "StringEquals", "StringNotEquals":
		return func(w, h string) bool { return w == h }, true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return strings.EqualFold, true
	case "StringLike", "StringNotLike":
		return func(w, h string) bool { return Glob(w, h) }, true
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		return func(w, h string) bool { return Glob(w, h) }, true
	case "Bool":
		return func(w, h string) bool { return strings.EqualFold(w, h) }, true
	}
	return nil, false
}

// Effect is the outcome of evaluating policies for one request.
type Effect int

const (
	// NoAllow: nothing allows the request (the implicit deny).
	NoAllow Effect = iota
	// Denied: an explicit Deny applies.
	Denied
	// MaybeAllowed: an Allow applies only if an undecidable condition
	// holds, or an undecidable Deny might apply.
	MaybeAllowed
	// Allowed: an Allow applies unconditionally and no Deny can apply.
	Allowed
)

func (e Effect) String() string {
	return [...]string{"no allow", "denied", "possibly allowed", "allowed"}[e]
}

// Request is one action on one resource.
type Request struct {
	Action   string
	Resource string
	Context  Context
}

// Decision is an Effect with the statements that decided it.
type Decision struct {
	Effect Effect
	// Allow is the first statement that allows the request, and Deny the
	// first that denies it; Why says which condition was undecidable.
	Allow *Ref
	Deny  *Ref
	Why   string
}

// Ref points at a statement of a named policy.
type Ref struct {
	Policy    string
	Statement int
	Sid       string
}

func (r *Ref) String() string {
	if r == nil {
		return ""
	}
	if r.Sid != "" {
		return fmt.Sprintf("%s (statement %q)", r.Policy, r.Sid)
	}
	return fmt.Sprintf("%s (statement %d)", r.Policy, r.Statement+1)
}

// Named is a policy with the name used in explanations.
type Named struct {
	Name   string
	Policy *Policy
}

// Evaluate decides a request against a set of policies that all apply to
// one principal (identity policies) or one resource (resource policies).
// An explicit Deny wins over any Allow.
func Evaluate(policies []Named, req Request) Decision {
	var d Decision
	allow := False
	deny := False
	for _, np := range policies {
		for i := range np.Policy.Statements {
			st := &np.Policy.Statements[i]
			if !st.MatchesAction(req.Action) || !st.MatchesResource(req.Resource) {
				continue
			}
			c, why := EvalConditions(st.Condition, req.Context)
			if c == False {
				continue
			}
			ref := &Ref{Policy: np.Name, Statement: i, Sid: st.Sid}
			if st.Effect == "Deny" {
				if c > deny {
					deny, d.Deny = c, ref
					if c == Unknown {
						d.Why = why
					}
				}
				continue
			}
			if c > allow {
				allow, d.Allow = c, ref
				if c == Unknown && d.Why == "" {
					d.Why = why
				}
			}
		}
	}
	switch {
	case deny == True:
		d.Effect = Denied
	case allow == False:
		d.Effect = NoAllow
	case allow == True && deny == False:
		d.Effect = Allowed
	default:
		d.Effect = MaybeAllowed
	}
	return d
}

// Combine joins the decisions of layers that must all allow (identity
// policies, a permission boundary, service control policies): any Deny
// denies, any missing Allow fails, and any doubt leaves doubt.
func Combine(ds ...Decision) Decision {
	out := Decision{Effect: Allowed}
	for _, d := range ds {
		switch {
		case d.Effect == Denied:
			return d
		case d.Effect == NoAllow && out.Effect != Denied:
			out = d
		case d.Effect == MaybeAllowed && out.Effect == Allowed:
			out.Effect = MaybeAllowed
			out.Why = d.Why
		}
		if out.Allow == nil {
			out.Allow = d.Allow
		}
	}
	return out
}
