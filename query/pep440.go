package query

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/internal/advisory"
)

// pep440Release matches the epoch and release segments at the start of a
// Python version (PEP 440): 1!2.0.3rc1 gives "1" and "2.0.3".
var pep440Release = regexp.MustCompile(`^v?(?:(\d+)!)?(\d+(?:\.\d+)*)`)

// pypiAdmits reports whether a PEP 440 version specifier set, clauses
// joined by commas (">=1.0,<2", "~=1.4.2", "==1.4.*"), admits a version.
// ok is false when the set or the version cannot be read.
//
// NOTE: the exclusive comparisons < and > compare as Compare orders the
// versions, without PEP 440's special cases for pre-releases, post-
// releases and local versions of the version they name, so they may admit
// a version that pip would not.
func pypiAdmits(spec, version string) (admits, ok bool) {
	if _, ok := advisory.Compare("pypi", version, version); !ok || !pep440Release.MatchString(version) {
		return false, false
	}
	for clause := range strings.SplitSeq(spec, ",") {
		clause = strings.TrimSpace(clause)
		op := clause[:len(clause)-len(strings.TrimLeft(clause, "~=!<>"))]
		want := strings.TrimSpace(clause[len(op):])
		if want == "" {
			return false, false
		}
		in, ok := pypiClause(op, want, version)
		if !ok {
			return false, false
		}
		if !in {
			return false, true
		}
	}
	return true, true
}

// pypiClause reports whether one clause, an operator and a version,
// admits a version.
func pypiClause(op, want, version string) (admits, ok bool) {
	if op == "===" {
		return version == want, true
	}
	if prefix, wild := strings.CutSuffix(want, ".*"); wild {
		if op != "==" && op != "!=" {
			return false, false
		}
		in, ok := releasePrefix(prefix, version)
		return in == (op == "=="), ok
	}
	c, ok := advisory.Compare("pypi", version, want)
	if !ok || !pep440Release.MatchString(want) {
		return false, false
	}
	switch op {
	case "==":
		return c == 0, true
	case "!=":
		return c != 0, true
	case "<=":
		return c <= 0, true
	case ">=":
		return c >= 0, true
	case "<":
		return c < 0, true
	case ">":
		return c > 0, true
	case "~=":
		// ~=V means >=V and ==P.*, where P is V's release without its
		// last segment; V must have at least two.
		m := pep440Release.FindStringSubmatch(want)
		segs := strings.Split(m[2], ".")
		if len(segs) < 2 {
			return false, false
		}
		prefix := strings.Join(segs[:len(segs)-1], ".")
		if m[1] != "" {
			prefix = m[1] + "!" + prefix
		}
		in, ok := releasePrefix(prefix, version)
		return c >= 0 && in, ok
	}
	return false, false
}

// releasePrefix reports whether a version's epoch equals prefix's and its
// release segments start with prefix's, a missing segment counting as 0
// (==1.4.* admits 1.4 and 1.4.5, not 1.40).
func releasePrefix(prefix, version string) (bool, bool) {
	p := pep440Release.FindStringSubmatch(prefix)
	v := pep440Release.FindStringSubmatch(version)
	if p == nil || v == nil || p[0] != prefix {
		return false, false
	}
	if epoch(p[1]) != epoch(v[1]) {
		return false, true
	}
	ps, vs := strings.Split(p[2], "."), strings.Split(v[2], ".")
	for i, s := range ps {
		x := 0
		if i < len(vs) {
			x, _ = strconv.Atoi(vs[i])
		}
		y, _ := strconv.Atoi(s)
		if x != y {
			return false, true
		}
	}
	return true, true
}

func epoch(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
