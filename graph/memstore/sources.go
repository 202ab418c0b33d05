package memstore

import (
	"context"
	"sort"
)

// Sources returns the name of every source with at least one fact, sorted.
func (s *Store) Sources(_ context.Context) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.st.bySource))
	for src := range s.st.bySource {
		out = append(out, src)
	}
	sort.Strings(out)
	return out, nil
}
