package link

import (
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// subjectIndex finds the OIDC subjects a trust statement's subject
// condition can admit without evaluating the condition for every subject.
// A large organisation has thousands of jobs with OIDC tokens and a
// hundred roles that trust the issuer, and each role's condition names a
// few repositories.
//
// The index keys each subject by the literal prefix its subject patterns
// share (the text before the first "*" or "?", "repo:example-org/app:"
// for a GitHub job). A positive StringLike or StringEquals condition on
// the subject admits a candidate only if the candidate starts with the
// literal prefix of one of its values, and every candidate that
// candidateSubs builds for a subject starts with the subject's prefix or
// shares a prefix with it; so a subject whose prefix is not a prefix of a
// value's prefix, and does not start with one, cannot be admitted.
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

// candidates returns, in their original order, the subjects that the
// statement condition cond may admit for issuer host: all of them unless a
// positive subject condition narrows them.
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
// condition on host's sub claim, the narrowest one when several apply
// (conditions are all required, so any one of them may narrow). It
// reports false when no such condition exists.
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
