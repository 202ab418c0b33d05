package link

import (
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// subjectIndex finds the OIDC subjects that a trust statement's subject
// condition can admit, so the condition is not evaluated for every job of
// a large organisation against every role that trusts the issuer.
//
// Each subject is keyed by the literal prefix its subject patterns share:
// the text before the first "*" or "?", such as "repo:example-org/app:".
// A positive StringLike or StringEquals condition admits a candidate only
// if the candidate starts with the literal prefix of one of its values.
// Every candidate that candidateSubs builds for a subject starts with the
// subject's prefix or shares a prefix with it. So a subject is skipped
// when its prefix and each value's prefix are not prefixes one of the
// other.
type subjectIndex struct {
	all    []graph.Node
	prefix []string         // literal prefix of all[i]'s subject patterns
	sorted []int            // indexes of all, ordered by prefix
	exact  map[string][]int // prefix -> indexes of all, in order
}

func newSubjectIndex(subjects []graph.Node) *subjectIndex {
	ix := &subjectIndex{all: subjects, prefix: make([]string, len(subjects)), exact: map[string][]int{}}
	for i, s := range subjects {
		p, first := "", true
		for _, sub := range graph.SplitList(s.Attr("subs")) {
			lp := literalPrefix(sub)
			if first {
				p, first = lp, false
				continue
			}
			p = commonPrefix(p, lp)
		}
		ix.prefix[i] = p
		ix.sorted = append(ix.sorted, i)
		ix.exact[p] = append(ix.exact[p], i)
	}
	sort.SliceStable(ix.sorted, func(a, b int) bool { return ix.prefix[ix.sorted[a]] < ix.prefix[ix.sorted[b]] })
	return ix
}

// candidates returns the subjects that cond may admit for the issuer host,
// in their original order. Without a positive subject condition that is
// every subject.
func (ix *subjectIndex) candidates(host string, cond map[string]map[string][]string) []graph.Node {
	values, ok := positiveSubValues(host, cond)
	if !ok {
		return ix.all
	}
	keep := make([]bool, len(ix.all))
	for _, v := range values {
		p := literalPrefix(v)
		// Subjects whose prefix starts with p.
		lo := sort.Search(len(ix.sorted), func(k int) bool { return ix.prefix[ix.sorted[k]] >= p })
		for k := lo; k < len(ix.sorted) && strings.HasPrefix(ix.prefix[ix.sorted[k]], p); k++ {
			keep[ix.sorted[k]] = true
		}
		// Subjects whose prefix is a shorter prefix of p.
		for n := 0; n < len(p); n++ {
			for _, i := range ix.exact[p[:n]] {
				keep[i] = true
			}
		}
	}
	var out []graph.Node
	for i, k := range keep {
		if k {
			out = append(out, ix.all[i])
		}
	}
	return out
}

// positiveSubValues returns the values of a StringLike or StringEquals
// condition on the host's sub claim, or false when there is none. Every
// condition must hold, so the one with the fewest values is used.
func positiveSubValues(host string, cond map[string]map[string][]string) ([]string, bool) {
	var best []string
	found := false
	for op, keys := range cond {
		if op != "StringLike" && op != "StringEquals" {
			continue
		}
		for k, vals := range keys {
			if !strings.EqualFold(k, host+":sub") {
				continue
			}
			if !found || len(vals) < len(best) {
				best, found = vals, true
			}
		}
	}
	return best, found
}

// literalPrefix is the text of a subject pattern before its first
// wildcard.
func literalPrefix(s string) string {
	if i := strings.IndexAny(s, "*?"); i >= 0 {
		return s[:i]
	}
	return s
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}
