package gcppolicy

import (
	"strings"
	"time"
)

// Decision is the outcome of a condition.
type Decision int

// Decisions, ordered so that a larger one admits more.
const (
	False Decision = iota
	Unknown
	True
)

func (d Decision) String() string {
	switch d {
	case True:
		return "true"
	case Unknown:
		return "unknown"
	}
	return "false"
}

// truth is the set of outcomes a boolean expression may have: true, false
// and error. A known boolean has one; an undecided one several. Errors
// reject a request as false does, but stay errors under negation.
type truth uint8

const (
	tTrue truth = 1 << iota
	tFalse
	tErr
	tBool = tTrue | tFalse
)

func (t truth) decision() Decision {
	switch {
	case t == tTrue:
		return True
	case t&tTrue != 0:
		return Unknown
	}
	return False
}

type kind uint8

const (
	kNull kind = iota
	kBool
	kString
	kNumber
	kList
	kMap
	kTime
	kStrings // one string of a set the input narrows by patterns
	kUnknown
	kError
)

// Value is a value in an evaluation. Build inputs with String, Strings,
// UnknownValue, Map and Now.
type Value struct {
	k      kind
	b      truth // kBool
	s      string
	n      float64
	list   []Value
	fields map[string]Value
	open   bool // kMap: fields not listed are unknown, not missing
	t      time.Time
	now    bool     // kTime: the time of the request
	pats   []string // kStrings: glob patterns ("*" matches any text)
	excl   []string // kStrings: values it is known not to be
	why    string   // what is unknown, or the error
}

// String returns a known string.
func String(s string) Value { return Value{k: kString, s: s} }

// Strings returns a string the input does not fix, known to match one of
// the glob patterns ("*" matches any text) and to be none of excl.
func Strings(why string, patterns []string, excl ...string) Value {
	return Value{k: kStrings, pats: patterns, excl: excl, why: why}
}

// UnknownValue returns a value the input does not show.
func UnknownValue(why string) Value { return Value{k: kUnknown, why: why} }

// Bool returns a known boolean.
func Bool(b bool) Value {
	if b {
		return Value{k: kBool, b: tTrue}
	}
	return Value{k: kBool, b: tFalse}
}

// List returns a list of known strings.
func List(items ...string) Value {
	v := Value{k: kList}
	for _, s := range items {
		v.list = append(v.list, String(s))
	}
	return v
}

// Map returns a message with the given fields. Reading a field it does not
// have is an error, as CEL makes it (a claim absent from a token).
func Map(fields map[string]Value) Value { return Value{k: kMap, fields: fields} }

// OpenMap returns a message whose unlisted fields are unknown.
func OpenMap(fields map[string]Value, why string) Value {
	return Value{k: kMap, fields: fields, open: true, why: why}
}

// Now returns the time of the request: comparisons with a timestamp are
// decided at t, except that a grant that starts later is undecided.
func Now(t time.Time) Value { return Value{k: kTime, t: t, now: true} }

// Str returns the string of a known string value.
func (v Value) Str() (string, bool) { return v.s, v.k == kString }

// Known reports whether the value is fully known.
func (v Value) Known() bool {
	switch v.k {
	case kStrings, kUnknown, kError:
		return false
	case kBool:
		return v.b == tTrue || v.b == tFalse
	case kList:
		for _, e := range v.list {
			if !e.Known() {
				return false
			}
		}
	}
	return true
}

// Why returns what is unknown about the value, or why it is an error.
func (v Value) Why() string { return v.why }

// Equal decides a == b.
func Equal(a, b Value) Decision { return eq(a, b).decision() }

func errorf(why string) Value { return Value{k: kError, why: why} }

func boolOf(t truth, why string) Value {
	v := Value{k: kBool, b: t}
	if t != tTrue && t != tFalse {
		v.why = why
	}
	return v
}

// asTruth turns a value into the outcomes it stands for as a condition.
func asTruth(v Value) (truth, string) {
	switch v.k {
	case kBool:
		return v.b, v.why
	case kUnknown, kStrings:
		return tBool, v.why
	case kError:
		return tErr, v.why
	}
	return tErr, "a condition that is not a boolean"
}

func and(a, b truth) truth {
	var out truth
	for _, x := range []truth{tTrue, tFalse, tErr} {
		if a&x == 0 {
			continue
		}
		for _, y := range []truth{tTrue, tFalse, tErr} {
			if b&y == 0 {
				continue
			}
			switch {
			case x == tFalse || y == tFalse:
				out |= tFalse
			case x == tErr || y == tErr:
				out |= tErr
			default:
				out |= tTrue
			}
		}
	}
	return out
}

func or(a, b truth) truth {
	var out truth
	for _, x := range []truth{tTrue, tFalse, tErr} {
		if a&x == 0 {
			continue
		}
		for _, y := range []truth{tTrue, tFalse, tErr} {
			if b&y == 0 {
				continue
			}
			switch {
			case x == tTrue || y == tTrue:
				out |= tTrue
			case x == tErr || y == tErr:
				out |= tErr
			default:
				out |= tFalse
			}
		}
	}
	return out
}

func not(a truth) truth {
	var out truth
	if a&tTrue != 0 {
		out |= tFalse
	}
	if a&tFalse != 0 {
		out |= tTrue
	}
	return out | a&tErr
}

// eq compares two values.
func eq(a, b Value) truth {
	if a.k == kError || b.k == kError {
		return tErr
	}
	if a.k == kStrings && b.k == kString {
		a, b = b, a
	}
	switch {
	case a.k == kUnknown || b.k == kUnknown:
		return tBool
	case a.k == kString && b.k == kStrings:
		return b.covers(a.s)
	case a.k == kStrings && b.k == kStrings:
		return tBool
	case a.k == kBool && b.k == kBool:
		if a.b == tTrue && b.b == tTrue || a.b == tFalse && b.b == tFalse {
			return tTrue
		}
		if a.Known() && b.Known() {
			return tFalse
		}
		return tBool
	case a.k != b.k:
		return tFalse
	}
	switch a.k {
	case kNull:
		return tTrue
	case kString:
		return fromBool(a.s == b.s)
	case kNumber:
		return fromBool(a.n == b.n)
	case kTime:
		if a.now || b.now {
			return tBool
		}
		return fromBool(a.t.Equal(b.t))
	case kList:
		if len(a.list) != len(b.list) {
			return tFalse
		}
		out := tTrue
		for i := range a.list {
			out = and(out, eq(a.list[i], b.list[i]))
		}
		return out
	}
	return tBool
}

func fromBool(b bool) truth {
	if b {
		return tTrue
	}
	return tFalse
}

// covers decides whether a string set value equals s.
func (v Value) covers(s string) truth {
	for _, x := range v.excl {
		if x == s {
			return tFalse
		}
	}
	for _, p := range v.pats {
		if Glob(p, s) {
			if p == s && !strings.Contains(p, "*") && len(v.pats) == 1 {
				return tTrue
			}
			return tBool
		}
	}
	return tFalse
}

// Glob matches s against a pattern in which "*" matches any text.
func Glob(pattern, s string) bool {
	// Iterative matching with one backtrack point, linear in practice.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
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
