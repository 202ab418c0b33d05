package awspolicy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A pattern is a policy string compiled for matching: literal characters,
// "*" (any run, possibly empty) and "?" (exactly one character). Policy
// variables are replaced by their values, which match literally.
type pattern []ptok

type ptok struct {
	r    rune
	kind byte // 0 literal, '*' any run, '?' one character
}

// compile turns a policy string into a pattern, resolving ${...} policy
// variables from the context when vars is set; "*" and "?" are wildcards
// when wild is set, else literal characters. It returns Unknown when a
// variable's value is not known (the variable then matches anything), and
// False when the variable is known to be missing and has no default, in
// which case the string matches nothing.
func compile(s string, vars, wild bool, ctx Context) (pattern, Tri, string) {
	pat := make(pattern, 0, len(s))
	res := True
	why := ""
	for i := 0; i < len(s); {
		if vars && strings.HasPrefix(s[i:], "${") {
			end := strings.IndexByte(s[i:], '}')
			if end > 0 && isVariable(s[i+2:i+end]) {
				val, r := resolveVar(s[i+2:i+end], ctx)
				switch r {
				case True:
					for _, c := range val {
						pat = append(pat, ptok{r: c})
					}
				case Unknown:
					// Whatever the value is, it may match: stand in a star.
					pat = append(pat, ptok{kind: '*'})
					res = and(res, Unknown)
					why = "policy variable ${" + s[i+2:i+end] + "} is not known"
				case False:
					return nil, False, "policy variable ${" + s[i+2:i+end] + "} has no value"
				}
				i += end + 1
				continue
			}
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case wild && (c == '*' || c == '?'):
			pat = append(pat, ptok{kind: byte(c)})
		default:
			pat = append(pat, ptok{r: c})
		}
		i += size
	}
	return pat, res, why
}

// isVariable reports whether the body of ${...} is a policy variable: a
// condition key (which has a colon, as aws:username does) or one of the
// escapes ${*}, ${?} and ${$}. Any other ${...}, such as a Terraform
// reference the input left unresolved, is plain text.
func isVariable(body string) bool {
	key, _, _ := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	return key == "*" || key == "?" || key == "$" || strings.Contains(key, ":")
}

// unresolvable returns a policy variable of the statement's Resource,
// NotResource or Condition values that is known to have no value (and no
// default), or "". AWS documents that such a variable may make the whole
// statement invalid.
func (s *Statement) unresolvable(ctx Context) string {
	if s.literal {
		return ""
	}
	bad := ""
	check := func(v string) bool {
		for i := strings.Index(v, "${"); i >= 0; {
			end := strings.IndexByte(v[i:], '}')
			if end < 0 {
				return false
			}
			if body := v[i+2 : i+end]; isVariable(body) {
				if _, r := resolveVar(body, ctx); r == False {
					bad = body
					return true
				}
			}
			next := strings.Index(v[i+end:], "${")
			if next < 0 {
				return false
			}
			i += end + next
		}
		return false
	}
	for _, list := range [][]string{s.Resource, s.NotResource} {
		for _, v := range list {
			if check(v) {
				return bad
			}
		}
	}
	for op, keys := range s.Condition {
		_, base, _ := splitOperator(op)
		if !strings.HasPrefix(base, "String") && !strings.HasPrefix(base, "Arn") {
			continue
		}
		for _, vals := range keys {
			for _, v := range vals {
				if check(v) {
					return bad
				}
			}
		}
	}
	return ""
}

// resolveVar resolves the body of a policy variable: "aws:username",
// "aws:username, 'default'", or the escapes "*", "?" and "$".
func resolveVar(body string, ctx Context) (string, Tri) {
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	switch key {
	case "*", "?", "$":
		return key, True
	}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			def = def[1 : len(def)-1]
		} else {
			hasDef = false
		}
	}
	vals, ok := ctx.lookup(key)
	if ok && len(vals) == 1 {
		return vals[0], True
	}
	if ok && len(vals) > 1 {
		// A multivalued key cannot stand in a policy variable.
		return "", False
	}
	if ok && len(vals) == 0 && hasDef {
		// The key is known to be missing, as conditions read it.
		return def, True
	}
	if ok && len(vals) == 0 {
		return "", False
	}
	if !ctx.Complete {
		return "", Unknown
	}
	if hasDef {
		return def, True
	}
	return "", False
}

// match matches s against the pattern; fold makes letters match without
// regard to case. It runs in linear time with backtracking limited to the
// last star, and decodes s in place rather than copying it.
func (p pattern) match(s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		c, size := utf8.DecodeRuneInString(s[si:])
		switch {
		case pi < len(p) && p[pi].kind == '?':
			pi++
			si += size
		case pi < len(p) && p[pi].kind == 0 && runeEq(p[pi].r, c, fold):
			pi++
			si += size
		case pi < len(p) && p[pi].kind == '*':
			starP, starS = pi, si
			pi++
		case starP >= 0:
			pi = starP + 1
			_, skip := utf8.DecodeRuneInString(s[starS:])
			starS += skip
			si = starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi].kind == '*' {
		pi++
	}
	return pi == len(p)
}

// globMatch matches s against a policy string that holds no policy
// variable, as compile and match together would, without building a
// pattern: "*" and "?" are wildcards when wild is set. Matching runs once
// for every pair of policy and request strings the linker compares, so
// it allocates nothing.
func globMatch(pat, s string, wild, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		c, size := utf8.DecodeRuneInString(s[si:])
		var pc rune
		var psize int
		if pi < len(pat) {
			pc, psize = utf8.DecodeRuneInString(pat[pi:])
		}
		switch {
		case psize > 0 && wild && pc == '?':
			pi += psize
			si += size
		case psize > 0 && wild && pc == '*':
			starP, starS = pi, si
			pi += psize
		case psize > 0 && runeEq(pc, c, fold):
			pi += psize
			si += size
		case starP >= 0:
			pi = starP + 1
			_, skip := utf8.DecodeRuneInString(s[starS:])
			starS += skip
			si = starS
		default:
			return false
		}
	}
	for wild && pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}

// runeEq compares two characters, ignoring case when fold is set, by the
// same simple case folding strings.EqualFold applies.
func runeEq(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return 'a' <= a|0x20 && a|0x20 <= 'z' && a|0x20 == b|0x20
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// Glob matches s against a pattern with "*" (any run, possibly empty) and
// "?" (exactly one character), case-sensitively.
func Glob(pat, s string) bool {
	return globMatch(pat, s, true, false)
}

// MatchAction matches an action against a pattern such as "s3:Get*". The
// service prefix and the action name are both case-insensitive.
func MatchAction(pattern, action string) bool {
	return globMatch(pattern, action, true, true)
}

// MatchARN matches a resource ARN against a policy pattern without policy
// variables. See matchResource for the rules.
func MatchARN(pattern, arn string) bool {
	return matchResource(pattern, arn, false, Context{}) == True
}

// splitARN splits an ARN or ARN pattern into at most six colon-separated
// parts, treating colons inside ${...} policy variables as part of the
// variable. The sixth part (the resource) keeps its own colons.
func splitARN(s string) []string {
	parts := make([]string, 0, 6)
	start, depth := 0, 0
	for i := 0; i < len(s) && len(parts) < 5; i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// matchMode says how a policy pattern meets a request resource that is
// itself a pattern, such as "arn:aws:s3:::bucket/*" for every object of a
// bucket. A request resource without "*" is one resource, and every mode
// matches it the same way.
type matchMode int

const (
	// modeOverlap: the policy pattern names some of the request's
	// resources (how an Allow is read: it grants part of them).
	modeOverlap matchMode = iota
	// modeCover: the policy pattern names all of them (how a Deny is
	// read: it takes them all away).
	modeCover
)

// matchResource matches a resource ARN against a Resource or NotResource
// entry the way AWS does: "*" matches everything; otherwise the partition,
// service, region and account parts are matched one by one, ignoring case,
// and the resource part case-sensitively. "*" and "?" do not cross a colon,
// except that a pattern with fewer than six parts whose last part ends in
// "*" matches whatever follows. Policy variables are resolved from the
// context when vars is set.
func matchResource(pat, arn string, vars bool, ctx Context) Tri {
	return matchResourceMode(pat, arn, vars, ctx, modeOverlap)
}

func matchResourceMode(pat, arn string, vars bool, ctx Context, mode matchMode) Tri {
	if pat == "*" {
		return True
	}
	pp := splitARN(pat)
	ap := splitARN(arn)
	if len(pp) < 6 {
		if !strings.HasSuffix(pp[len(pp)-1], "*") {
			return False
		}
		for len(pp) < 6 {
			pp = append(pp, "*")
		}
	}
	if len(ap) < 6 {
		// Not an ARN: match the whole string.
		pp, ap = []string{pat}, []string{arn}
	}
	res := True
	for i := range ap {
		fold := len(ap) == 6 && i < 5
		if literal(pp[i]) && !strings.Contains(ap[i], "*") {
			// Two plain strings: no pattern to build.
			if pp[i] != ap[i] && (!fold || !strings.EqualFold(pp[i], ap[i])) {
				return False
			}
			continue
		}
		if (!vars || !strings.Contains(pp[i], "${")) && !strings.Contains(ap[i], "*") {
			if !globMatch(pp[i], ap[i], true, fold) {
				return False
			}
			continue
		}
		p, r, _ := compile(pp[i], vars, true, ctx)
		if r == False || !segmentMatch(p, ap[i], fold, mode) {
			return False
		}
		res = and(res, r)
	}
	return res
}

// literal reports whether a policy pattern has no wildcard and no policy
// variable, so it matches only itself.
func literal(pat string) bool { return !strings.ContainsAny(pat, "*?$") }

// segmentMatch matches one part of a request resource against a policy
// pattern; a request part with "*" stands for every string it matches.
func segmentMatch(p pattern, seg string, fold bool, mode matchMode) bool {
	if !strings.Contains(seg, "*") {
		return p.match(seg, fold)
	}
	if mode == modeOverlap {
		q, _, _ := compile(seg, false, true, Context{})
		return overlaps(p, q, fold)
	}
	// The policy pattern covers the request pattern when it matches it
	// with every star read as nothing and as a run of characters no
	// policy writes literally.
	for _, fill := range []string{"", "\uE000\uE001\uE000"} {
		if !p.match(strings.ReplaceAll(seg, "*", fill), fold) {
			return false
		}
	}
	return true
}

// Overlaps reports whether two ARN patterns name at least one common
// resource, part by part.
func Overlaps(a, b string) bool {
	pa, pb := splitARN(a), splitARN(b)
	if a == "*" || b == "*" {
		return true
	}
	if len(pa) != len(pb) {
		p, _, _ := compile(a, false, true, Context{})
		q, _, _ := compile(b, false, true, Context{})
		return overlaps(p, q, false)
	}
	for i := range pa {
		p, _, _ := compile(pa[i], false, true, Context{})
		q, _, _ := compile(pb[i], false, true, Context{})
		if !overlaps(p, q, len(pa) == 6 && i < 5) {
			return false
		}
	}
	return true
}

// overlaps reports whether two patterns match at least one common string.
func overlaps(p, q pattern, fold bool) bool {
	type state struct{ i, j int }
	seen := map[state]bool{}
	stack := []state{{0, 0}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[s] {
			continue
		}
		seen[s] = true
		if s.i == len(p) && s.j == len(q) {
			return true
		}
		pStar := s.i < len(p) && p[s.i].kind == '*'
		qStar := s.j < len(q) && q[s.j].kind == '*'
		if pStar {
			stack = append(stack, state{s.i + 1, s.j})
			if s.j < len(q) {
				stack = append(stack, state{s.i, s.j + 1})
			}
		}
		if qStar {
			stack = append(stack, state{s.i, s.j + 1})
			if s.i < len(p) {
				stack = append(stack, state{s.i + 1, s.j})
			}
		}
		if s.i < len(p) && s.j < len(q) && !pStar && !qStar {
			a, b := p[s.i], q[s.j]
			if a.kind == '?' || b.kind == '?' || runeEq(a.r, b.r, fold) {
				stack = append(stack, state{s.i + 1, s.j + 1})
			}
		}
	}
	return false
}

// partOf returns the n-th colon-separated part of an ARN ("" when absent).
func partOf(arn string, n int) string {
	parts := splitARN(arn)
	if n < len(parts) {
		return parts[n]
	}
	return ""
}

// AccountOf returns the account id of an ARN, "" when it has none.
func AccountOf(arn string) string { return partOf(arn, 4) }

// ServiceOf returns the service part of an ARN ("s3" for arn:aws:s3:::b).
func ServiceOf(arn string) string { return partOf(arn, 2) }
