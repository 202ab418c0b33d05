package memstore

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

func TestIDTable(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	set := map[string]bool{"": true, strings.Repeat("x", 300): true, strings.Repeat("x", 301): true}
	for len(set) < 1000 {
		id := fmt.Sprintf("secret:gha:example-org/repo-%06d/%s", rng.Intn(80), strings.Repeat("k", rng.Intn(4)))
		if rng.Intn(5) == 0 {
			id += strings.Repeat("é", rng.Intn(200))
		}
		set[id] = true
	}

	var ids []string
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	for _, n := range []int{0, 1, 16, 17, len(ids)} {
		tab := newIDtab(ids[:n])
		if err := tab.check(); err != nil {
			t.Fatalf("%d ids: check: %v", n, err)
		}
		for i, id := range ids[:n] {
			if got := tab.at(uint32(i)); got != id {
				t.Fatalf("%d ids: at(%d) = %q, want %q", n, i, got, id)
			}
			if got, ok := tab.find(id); !ok || got != uint32(i) {
				t.Fatalf("%d ids: find(%q) = %d, %v; want %d", n, id, got, ok, i)
			}
			if _, ok := tab.find(id + "\x00"); ok && !set[id+"\x00"] {
				t.Fatalf("%d ids: found %q, which is not in the table", n, id+"\x00")
			}
		}
		for _, miss := range []string{"a", "zzz", "secret:gha:example-org/repo-000001/kx"} {
			if _, ok := tab.find(miss); ok {
				t.Errorf("%d ids: found %q, which is not in the table", n, miss)
			}
		}
	}

	// A table whose ids are not in order fails the check.
	tab := newIDtab([]string{"b", "a"})
	if err := tab.check(); err == nil {
		t.Error("check passed ids out of order")
	}

	tab = newIDtab(ids)
	tab.data = tab.data[:len(tab.data)-1]
	if err := tab.check(); err == nil {
		t.Error("check passed a cut table")
	}
}
