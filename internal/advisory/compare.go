package advisory

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Compare orders two versions in the order of a purl type ("semver" for
// OSV SEMVER ranges). It reports false when a version cannot be read.
//
// npm, Cargo, Go, Composer, Hex and Pub versions compare as semantic
// versions; PyPI as PEP 440 describes; RubyGems, Maven, NuGet and the rest
// segment by segment, numbers numerically and pre-release words such as
// alpha, beta and rc before the release. A version in the last group must
// start with a digit, after an optional "v".
func Compare(order, a, b string) (int, bool) {
	va, _ := parseVersion(order, a)
	vb, _ := parseVersion(order, b)
	return compareVersions(order, va, vb)
}

// version is a version read once for comparing in one order.
type version struct {
	sv    *semver.Version
	pep   pep440
	pepOK bool
	segs  []string
	segOK bool
}

// strictSemver reports whether order reads only semantic versions.
func strictSemver(order string) bool {
	switch order {
	case "semver", "npm", "cargo", "golang":
		return true
	}
	return false
}

// totalOrder reports whether versions readable in order are totally
// ordered by compareVersions, so a sorted list can be searched.
func totalOrder(order string) bool { return strictSemver(order) || order == "pypi" }

// parseVersion reads s for comparing in order. It reports false when
// compareVersions can compare s with nothing.
func parseVersion(order, s string) (version, bool) {
	var v version
	s = strings.TrimSpace(s)
	if s == "" {
		return v, false
	}
	switch order {
	case "semver", "npm", "cargo", "golang", "composer", "hex", "pub":
		if sv, err := semver.NewVersion(strings.TrimPrefix(s, "v")); err == nil {
			v.sv = sv
		}
		if strictSemver(order) {
			return v, v.sv != nil
		}
	case "pypi":
		v.pep, v.pepOK = parsePEP440(s)
		return v, v.pepOK
	}
	if t := trimV(s); startsWithDigit(t) {
		v.segs = segmentRe.FindAllString(strings.ToLower(t), -1)
		v.segOK = true
	}
	return v, v.sv != nil || v.segOK
}

// compareVersions orders two versions read by parseVersion in order.
func compareVersions(order string, a, b version) (int, bool) {
	switch {
	case order == "pypi":
		if !a.pepOK || !b.pepOK {
			return 0, false
		}
		return a.pep.compare(b.pep), true
	case a.sv != nil && b.sv != nil:
		return a.sv.Compare(b.sv), true
	case strictSemver(order):
		return 0, false
	case !a.segOK || !b.segOK:
		// A branch name or a commit is no version of any order.
		return 0, false
	}
	return compareSegments(a.segs, b.segs), true
}

// trimV drops the "v" that tags such as v1.2.3 put before a number.
func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') && s[1] >= '0' && s[1] <= '9' {
		return s[1:]
	}
	return s
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// pep440 is a Python version split into the parts PEP 440 orders by.
type pep440 struct {
	epoch   string // decimal digits, leading zeros dropped
	release []string
	pre     [2]int // phase (0 a, 1 b, 2 rc, 3 final, -1 dev release) and number
	post    int    // -1 when none
	dev     int    // max when none
	local   []string
}

var pep440Re = regexp.MustCompile(`^v?(?:(\d+)!)?(\d+(?:\.\d+)*)` +
	`(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d+)?)?` +
	`(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?` +
	`(?:[-_.]?(dev)[-_.]?(\d+)?)?` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)

const maxInt = int(^uint(0) >> 1)

func parsePEP440(s string) (pep440, bool) {
	m := pep440Re.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return pep440{}, false
	}
	v := pep440{epoch: strings.TrimLeft(m[1], "0"), pre: [2]int{3, 0}, post: -1, dev: maxInt}
	for _, part := range strings.Split(m[2], ".") {
		v.release = append(v.release, strings.TrimLeft(part, "0"))
	}
	for len(v.release) > 1 && v.release[len(v.release)-1] == "" {
		v.release = v.release[:len(v.release)-1]
	}
	switch m[3] {
	case "a", "alpha":
		v.pre = [2]int{0, atoi(m[4])}
	case "b", "beta":
		v.pre = [2]int{1, atoi(m[4])}
	case "c", "rc", "pre", "preview":
		v.pre = [2]int{2, atoi(m[4])}
	}
	switch {
	case m[5] != "":
		v.post = atoi(m[5])
	case m[6] != "":
		v.post = atoi(m[7])
	}
	if m[8] != "" {
		v.dev = atoi(m[9])
		if m[3] == "" && v.post < 0 {
			v.pre = [2]int{-1, 0}
		}
	}
	if m[10] != "" {
		v.local = strings.FieldsFunc(m[10], func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	}
	return v, true
}

func (v pep440) compare(o pep440) int {
	if c := compareNumbers(v.epoch, o.epoch); c != 0 {
		return c
	}
	for i := 0; i < max(len(v.release), len(o.release)); i++ {
		if c := compareNumbers(at(v.release, i), at(o.release, i)); c != 0 {
			return c
		}
	}
	for _, c := range []int{cmpInt(v.pre[0], o.pre[0]), cmpInt(v.pre[1], o.pre[1]), cmpInt(v.post, o.post), cmpInt(v.dev, o.dev)} {
		if c != 0 {
			return c
		}
	}
	for i := 0; i < max(len(v.local), len(o.local)); i++ {
		if i >= len(v.local) {
			return -1
		}
		if i >= len(o.local) {
			return 1
		}
		if c := compareWord(v.local[i], o.local[i]); c != 0 {
			return c
		}
	}
	return 0
}

// segment splits a version into numbers and words.
var segmentRe = regexp.MustCompile(`\d+|[a-zA-Z]+`)

// qualifiers ranks the pre-release and post-release words of Maven,
// RubyGems and NuGet versions against the release itself (rank 5).
var qualifiers = map[string]int{
	"a": 1, "alpha": 1, "b": 2, "beta": 2, "m": 3, "milestone": 3,
	"c": 4, "cr": 4, "rc": 4, "pre": 4, "preview": 4, "snapshot": 4,
	"ga": 5, "final": 5, "release": 5,
	"sp": 6, "post": 6, "patch": 6, "pl": 6,
}

func compareSegments(sa, sb []string) int {
	for i := 0; i < max(len(sa), len(sb)); i++ {
		var x, y string
		if i < len(sa) {
			x = sa[i]
		}
		if i < len(sb) {
			y = sb[i]
		}
		if c := compareSegment(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareSegment orders two segments; "" stands for a missing one, which
// equals a zero and a release word, and follows pre-release words.
func compareSegment(x, y string) int {
	rank := func(s string) (int, bool) {
		switch {
		case s == "":
			return 5, false
		case s[0] >= '0' && s[0] <= '9':
			return 7, true
		}
		if r, ok := qualifiers[s]; ok {
			return r, false
		}
		return 0, false
	}
	rx, nx := rank(x)
	ry, ny := rank(y)
	switch {
	case nx && ny:
		return compareNumbers(x, y)
	case nx && y == "":
		return compareNumbers(x, "0")
	case ny && x == "":
		return compareNumbers("0", y)
	case rx != ry:
		return cmpInt(rx, ry)
	case rx == 0:
		return strings.Compare(x, y)
	}
	return 0
}

// compareWord orders PEP 440 local segments: numbers after words.
func compareWord(x, y string) int {
	_, ex := strconv.Atoi(x)
	_, ey := strconv.Atoi(y)
	switch {
	case ex == nil && ey == nil:
		return compareNumbers(x, y)
	case ex == nil:
		return 1
	case ey == nil:
		return -1
	}
	return strings.Compare(x, y)
}

// compareNumbers orders decimal digit strings of any length.
func compareNumbers(x, y string) int {
	x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
	if len(x) != len(y) {
		return cmpInt(len(x), len(y))
	}
	return strings.Compare(x, y)
}

// atoi reads a run of digits, and "" as 0. A number too large for an int
// reads as maxInt-1, because maxInt marks a missing dev release.
func atoi(s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return maxInt - 1
	}
	return min(n, maxInt-1)
}

// at returns the i-th release number, "" (zero) past the end.
func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
