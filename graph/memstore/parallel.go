package memstore

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// minSplit is the length below which sortParallel sorts on one core: the
// goroutines and the merge cost more than they save.
const minSplit = 1 << 15

// sortParallel sorts s by less, splitting it between the cores and merging
// the sorted parts. It returns the sorted list, which may not share s's
// array.
func sortParallel[T any](s []T, less func(a, b T) int) []T {
	parts := runtime.GOMAXPROCS(0)
	if parts < 2 || len(s) < 2*minSplit {
		slices.SortFunc(s, less)
		return s
	}
	parts = min(parts, len(s)/minSplit)

	bounds := make([]int, parts+1)
	for i := range bounds {
		bounds[i] = len(s) * i / parts
	}
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slices.SortFunc(s[bounds[i]:bounds[i+1]], less)
		}()
	}
	wg.Wait()

	// Merge pairs of neighbouring runs until one is left.
	runs := make([][]T, parts)
	for i := range runs {
		runs[i] = s[bounds[i]:bounds[i+1]]
	}
	for len(runs) > 1 {
		next := make([][]T, (len(runs)+1)/2)
		for i := range next {
			if 2*i+1 < len(runs) {
				next[i] = mergeSorted(runs[2*i], runs[2*i+1], func(x, y *T) bool { return less(*x, *y) < 0 })
			} else {
				next[i] = runs[2*i]
			}
		}
		runs = next
	}
	return runs[0]
}

// sortStrings sorts strings on every core.
func sortStrings(s []string) []string { return sortParallel(s, cmp.Compare[string]) }

// readParallel calls read for every record, splitting the list between
// the cores, and returns the results read reports as present, in the
// records' order.
func readParallel[R, T any](recs []R, read func(R) (T, bool)) []T {
	parts := runtime.GOMAXPROCS(0)
	if parts < 2 || len(recs) < 2*minSplit {
		out := make([]T, 0, len(recs))
		for _, r := range recs {
			if x, ok := read(r); ok {
				out = append(out, x)
			}
		}
		return out
	}
	lists := make([][]T, parts)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part := recs[len(recs)*i/parts : len(recs)*(i+1)/parts]
			list := make([]T, 0, len(part))
			for _, r := range part {
				if x, ok := read(r); ok {
					list = append(list, x)
				}
			}
			lists[i] = list
		}()
	}
	wg.Wait()
	return slices.Concat(lists...)
}
