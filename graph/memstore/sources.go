package memstore

import (
	"context"
	"sort"
)

// Sources returns the name of every source with at least one fact, sorted.
func (s *Store) Sources(_ context.Context) ([]string, error) {
	b := s.cur.Load()
	seen := map[uint32]bool{}
	for f := uint32(0); f < b.nf.len(); f++ {
		seen[b.nf.source(f)] = true
	}
	for f := uint32(0); f < b.ef.len(); f++ {
		seen[b.ef.source(f)] = true
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, b.words.at(w))
	}
	sort.Strings(out)
	return out, nil
}
