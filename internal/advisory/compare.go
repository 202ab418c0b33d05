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
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return 0, false
	}
	switch order {
	case "semver", "npm", "cargo", "golang", "composer", "hex", "pub":
		va, ea := semver.NewVersion(strings.TrimPrefix(a, "v"))
		vb, eb := semver.NewVersion(strings.TrimPrefix(b, "v"))
		if ea == nil && eb == nil {
			return va.Compare(vb), true
		}
		if order == "semver" || order == "npm" || order == "cargo" || order == "golang" {
			return 0, false
		}
	case "pypi":
		pa, oka := parsePEP440(a)
		pb, okb := parsePEP440(b)
		if !oka || !okb {
			return 0, false
		}
		return pa.compare(pb), true
	}
	a, b = trimV(a), trimV(b)
	if !startsWithDigit(a) || !startsWithDigit(b) {
		// A branch name or a commit is no version of any order.
		return 0, false
	}
	return compareSegments(a, b), true
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
	epoch   int
	release []int
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
	v := pep440{epoch: atoi(m[1]), pre: [2]int{3, 0}, post: -1, dev: maxInt}
	for _, part := range strings.Split(m[2], ".") {
		v.release = append(v.release, atoi(part))
	}
	for len(v.release) > 1 && v.release[len(v.release)-1] == 0 {
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
	if c := cmpInt(v.epoch, o.epoch); c != 0 {
		return c
	}
	for i := 0; i < max(len(v.release), len(o.release)); i++ {
		if c := cmpInt(at(v.release, i), at(o.release, i)); c != 0 {
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

func compareSegments(a, b string) int {
	sa := segmentRe.FindAllString(strings.ToLower(a), -1)
	sb := segmentRe.FindAllString(strings.ToLower(b), -1)
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

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

func at(xs []int, i int) int {
	if i < len(xs) {
		return xs[i]
	}
	return 0
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
