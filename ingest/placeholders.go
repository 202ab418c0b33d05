package ingest

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Placeholders lists the first submatch of each match of ref in texts,
// without repeats, in the order found. Readers use it to list the
// ${...} placeholders that unresolved references leave in ids and
// attributes, each reader with its own pattern of what counts as one.
func Placeholders(ref *regexp.Regexp, texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		if !strings.Contains(t, "${") {
			continue
		}
		for _, m := range ref.FindAllStringSubmatch(t, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	return out
}

// NodeAttrs returns attrs without its empty values, plus attribute
// unresolved: the placeholders of ref left in id or in any value other
// than a fingerprint, when there are any.
func NodeAttrs(ref *regexp.Regexp, id string, attrs map[string]string) map[string]string {
	clean := map[string]string{}
	texts := []string{id}
	for k, v := range attrs {
		if v != "" {
			clean[k] = v
			if k != graph.AttrFingerprint {
				texts = append(texts, v)
			}
		}
	}
	if u := Placeholders(ref, texts...); len(u) > 0 {
		clean["unresolved"] = graph.JoinList(u)
	}
	return clean
}
