package awspolicy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Context holds the condition keys a request supplies. Keys are compared
// case-insensitively, as AWS does. A key that is absent is unknown unless
// the context is Complete, in which case it is known to be missing.
type Context struct {
	Values map[string][]string
	// Complete reports that every key the request carries is in Values.
	Complete bool
}

func (c Context) lookup(key string) ([]string, bool) {
	if v, ok := c.Values[key]; ok {
		return v, true
	}
	for k, v := range c.Values {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// With returns a copy of the context with a key set.
func (c Context) With(key string, values ...string) Context {
	out := Context{Values: make(map[string][]string, len(c.Values)+1), Complete: c.Complete}
	for k, v := range c.Values {
		if !strings.EqualFold(k, key) {
			out.Values[k] = v
		}
	}
	out.Values[key] = values
	return out
}

// EvalConditions evaluates a statement's Condition block: every operator
// and every key must hold. Policy variables in values are resolved.
func EvalConditions(cond map[string]map[string][]string, ctx Context) (Tri, string) {
	return evalConditions(cond, ctx, true)
}

// ConditionsHold is EvalConditions without the explanation. A caller
// that tests one block against many contexts and explains only the one it
// keeps spares formatting a reason for every context that fails.
func ConditionsHold(cond map[string]map[string][]string, ctx Context) Tri {
	result := True
	for op, keys := range cond {
		for key, want := range keys {
			// The result does not depend on the order: False wins over
			// Unknown, and Unknown over True.
			result = and(result, evalOne(op, key, want, ctx, true))
			if result == False {
				return False
			}
		}
	}
	return result
}

func evalConditions(cond map[string]map[string][]string, ctx Context, vars bool) (Tri, string) {
	result := True
	var why []string
	for _, op := range sortedKeys(cond) {
		for _, key := range sortedKeys(cond[op]) {
			want := cond[op][key]
			r := evalOne(op, key, want, ctx, vars)
			if r != True {
				why = append(why, fmt.Sprintf("%s %s %s is %s", op, key, ValuesText(key, want), r))
			}
			result = and(result, r)
			if result == False {
				return False, strings.Join(why, "; ")
			}
		}
	}
	return result, strings.Join(why, "; ")
}

// ValuesText renders a condition's values for an explanation. Values of
// keys that carry a shared secret (sts:ExternalId) are never shown.
func ValuesText(key string, vals []string) string {
	if strings.EqualFold(key, "sts:ExternalId") {
		return "(value not shown)"
	}
	return strings.Join(vals, "|")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// splitOperator takes "ForAllValues:StringLikeIfExists" apart.
func splitOperator(op string) (set, base string, ifExists bool) {
	if i := strings.Index(op, ":"); i >= 0 {
		set, op = op[:i], op[i+1:]
	}
	if strings.HasSuffix(op, "IfExists") {
		ifExists = true
		op = strings.TrimSuffix(op, "IfExists")
	}
	return set, op, ifExists
}

func evalOne(op, key string, want []string, ctx Context, vars bool) Tri {
	set, base, ifExists := splitOperator(op)
	if set != "" && !strings.EqualFold(set, "ForAnyValue") && !strings.EqualFold(set, "ForAllValues") {
		return Unknown
	}
	forAll := strings.EqualFold(set, "ForAllValues")
	forAny := strings.EqualFold(set, "ForAnyValue")

	have, present := ctx.lookup(key)
	if base == "Null" {
		if !present && !ctx.Complete {
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
	cmp, negated, ok := operator(base)
	if !ok {
		return Unknown
	}
	if !present && !ctx.Complete {
		return Unknown
	}
	if len(have) == 0 {
		// The key is missing: IfExists and ForAllValues hold vacuously,
		// ForAnyValue and positive operators fail, negated ones hold.
		switch {
		case ifExists, forAll:
			return True
		case forAny:
			return False
		case negated:
			return True
		}
		return False
	}

	// one reports whether a single request value satisfies the operator:
	// it matches some policy value, or, negated, matches none.
	one := func(v string) Tri {
		hit := False
		for _, w := range want {
			hit = or(hit, cmp(w, v, ctx, vars))
			if hit == True {
				break
			}
		}
		if negated {
			return not(hit)
		}
		return hit
	}
	switch {
	case forAll:
		res := True
		for _, v := range have {
			res = and(res, one(v))
		}
		return res
	case forAny:
		res := False
		for _, v := range have {
			res = or(res, one(v))
		}
		return res
	case negated:
		// A negated operator on several request values holds when none
		// of them matches any policy value.
		res := True
		for _, v := range have {
			res = and(res, one(v))
		}
		return res
	default:
		res := False
		for _, v := range have {
			res = or(res, one(v))
		}
		return res
	}
}

// comparison compares a policy value with a request value.
type comparison func(want, have string, ctx Context, vars bool) Tri

// operator returns the positive comparison behind an operator name and
// whether the operator negates it.
func operator(op string) (comparison, bool, bool) {
	switch op {
	case "StringEquals":
		return stringCmp(false, false), false, true
	case "StringNotEquals":
		return stringCmp(false, false), true, true
	case "StringEqualsIgnoreCase":
		return stringCmp(false, true), false, true
	case "StringNotEqualsIgnoreCase":
		return stringCmp(false, true), true, true
	case "StringLike":
		return stringCmp(true, false), false, true
	case "StringNotLike":
		return stringCmp(true, false), true, true
	case "ArnEquals", "ArnLike":
		return arnCmp, false, true
	case "ArnNotEquals", "ArnNotLike":
		return arnCmp, true, true
	case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
		"NumericGreaterThan", "NumericGreaterThanEquals":
		return orderedCmp(strings.TrimPrefix(op, "Numeric"), parseNumber), op == "NumericNotEquals", true
	case "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
		"DateGreaterThan", "DateGreaterThanEquals":
		return orderedCmp(strings.TrimPrefix(op, "Date"), parseDate), op == "DateNotEquals", true
	case "Bool":
		return boolCmp, false, true
	case "BinaryEquals":
		return binaryCmp, false, true
	case "IpAddress":
		return ipCmp, false, true
	case "NotIpAddress":
		return ipCmp, true, true
	}
	return nil, false, false
}

func stringCmp(like, fold bool) comparison {
	return func(want, have string, ctx Context, vars bool) Tri {
		if !like {
			if !vars || !strings.Contains(want, "${") {
				if fold {
					return triOf(strings.EqualFold(want, have))
				}
				return triOf(want == have)
			}
		}
		if !vars || !strings.Contains(want, "${") {
			return triOf(globMatch(want, have, like, fold))
		}
		p, r, _ := compile(want, vars, like, ctx)
		if r == False || !p.match(have, fold) {
			return False
		}
		return r
	}
}

func arnCmp(want, have string, ctx Context, vars bool) Tri {
	return matchResource(want, have, vars, ctx)
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDate reads an ISO 8601 date or a number of seconds since the epoch.
func parseDate(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return float64(t.UnixNano()) / 1e9, true
		}
	}
	return 0, false
}

// orderedCmp compares numbers or dates. An unreadable value on either side
// matches nothing.
func orderedCmp(rel string, parse func(string) (float64, bool)) comparison {
	return func(want, have string, _ Context, _ bool) Tri {
		w, ok1 := parse(want)
		h, ok2 := parse(have)
		if !ok1 || !ok2 {
			return False
		}
		switch rel {
		case "Equals", "NotEquals":
			return triOf(h == w)
		case "LessThan":
			return triOf(h < w)
		case "LessThanEquals":
			return triOf(h <= w)
		case "GreaterThan":
			return triOf(h > w)
		case "GreaterThanEquals":
			return triOf(h >= w)
		}
		return False
	}
}

func boolCmp(want, have string, _ Context, _ bool) Tri {
	w, err1 := strconv.ParseBool(strings.ToLower(want))
	h, err2 := strconv.ParseBool(strings.ToLower(have))
	if err1 != nil || err2 != nil {
		return False
	}
	return triOf(w == h)
}

func binaryCmp(want, have string, _ Context, _ bool) Tri {
	w, err1 := base64.StdEncoding.DecodeString(want)
	h, err2 := base64.StdEncoding.DecodeString(have)
	if err1 != nil || err2 != nil {
		return triOf(want == have)
	}
	return triOf(bytes.Equal(w, h))
}

// ipCmp reports whether the request address lies in the policy's range,
// given in CIDR notation or as a single address.
func ipCmp(want, have string, _ Context, _ bool) Tri {
	addr, err := netip.ParseAddr(strings.TrimSpace(have))
	if err != nil {
		return False
	}
	want = strings.TrimSpace(want)
	if pfx, err := netip.ParsePrefix(want); err == nil {
		return triOf(pfx.Masked().Contains(addr.Unmap()) || pfx.Masked().Contains(addr))
	}
	if a, err := netip.ParseAddr(want); err == nil {
		return triOf(a.Unmap() == addr.Unmap())
	}
	return False
}

func triOf(b bool) Tri {
	if b {
		return True
	}
	return False
}
