package ingest

import (
	"regexp"
	"strings"
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
