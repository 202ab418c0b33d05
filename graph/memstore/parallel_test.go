package memstore

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestSortParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 2*minSplit - 1, 2 * minSplit, 3*minSplit + 17, 9 * minSplit} {
		s := make([]string, n)
		for i := range s {
			// Few distinct values, so equal elements meet in the merge.
			s[i] = "id-" + strconv.Itoa(r.IntN(n/3+1))
		}
		want := slices.Clone(s)
		slices.Sort(want)
		if got := sortStrings(s); !slices.Equal(got, want) {
			t.Fatalf("n=%d: sorted list differs from slices.Sort's", n)
		}
	}
}

func TestSortParallelKeepsEveryItem(t *testing.T) {
	type item struct{ key, seq int }
	n := 4*minSplit + 3
	s := make([]item, n)
	for i := range s {
		s[i] = item{key: (i * 7919) % 10, seq: i}
	}
	byKey := func(a, b item) int { return cmp.Compare(a.key, b.key) }
	got := sortParallel(s, byKey)
	// The parts are sorted with an unstable sort: check that the result
	// is in key order and holds every item once.
	seen := make([]bool, n)
	for i, it := range got {
		if i > 0 && got[i-1].key > it.key {
			t.Fatalf("position %d: key %d after %d", i, it.key, got[i-1].key)
		}
		if seen[it.seq] {
			t.Fatalf("item %d twice", it.seq)
		}
		seen[it.seq] = true
	}
	if len(got) != n {
		t.Fatalf("got %d items, want %d", len(got), n)
	}
}

func TestReadParallelKeepsOrder(t *testing.T) {
	for _, n := range []int{0, 3, 2*minSplit + 5, 5 * minSplit} {
		recs := make([]int, n)
		for i := range recs {
			recs[i] = i
		}
		// Keep the multiples of three, as their squares.
		got := readParallel(recs, func(i int) (int, bool) { return i * i, i%3 == 0 })
		if len(got) != (n+2)/3 {
			t.Fatalf("n=%d: %d results, want %d", n, len(got), (n+2)/3)
		}
		for k, x := range got {
			if want := 9 * k * k; x != want {
				t.Fatalf("n=%d: result %d is %d, want %d", n, k, x, want)
			}
		}
	}
}
