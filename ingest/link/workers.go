package link

import (
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
)

// forEach calls fn for every item, on up to v.workers goroutines. The
// items are split into consecutive chunks. Each chunk gets a view of its
// own, which shares the graph and the caches of v and collects what fn
// derives. The collected nodes and edges are added to v in the order of
// items, so v ends as it would after one call after the other.
//
// fn may read the nodes and edges that v derived before forEach, and
// those that the calls before it in its chunk derived. It must not rely on
// what the calls for other items derive.
func forEach[T any](v *view, items []T, fn func(w *view, item T)) {
	forEachIn(v, items, fn, false)
}

// forEachCollecting is forEach for an fn that never reads the edges it
// or the calls before it derived. Its workers collect edges without
// looking for repeats, which the merge into v drops.
func forEachCollecting[T any](v *view, items []T, fn func(w *view, item T)) {
	forEachIn(v, items, fn, true)
}

func forEachIn[T any](v *view, items []T, fn func(w *view, item T), collecting bool) {
	workers := v.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers <= 1 || len(items) <= 1 {
		for _, item := range items {
			fn(v, item)
		}
		return
	}

	// With sixteen chunks per worker, the workers stay busy to the end
	// when items differ in cost. The items of a chunk share one view.
	size := max(1, len(items)/(16*workers))
	chunks := (len(items) + size - 1) / size
	done := make([]*view, chunks)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Chunks of one rule derive about as many edges each, so a
			// chunk's list starts as large as the last one grew: growing
			// it by doubling copies every edge again, millions at a
			// million nodes.
			last := 0
			for c := range next {
				if v.ctx != nil && v.ctx.Err() != nil {
					// Derive returns the context's error after the
					// rule; the chunks left are not worth the time.
					continue
				}
				w := v.fork()
				w.collecting = collecting
				if collecting && last > 0 {
					w.derivedEdges = make([]graph.Edge, 0, last+last/8)
				}
				for _, item := range items[c*size : min((c+1)*size, len(items))] {
					fn(w, item)
				}
				last = len(w.derivedEdges)
				done[c] = w
			}
		}()
	}
	for c := range chunks {
		next <- c
	}
	close(next)
	wg.Wait()

	// Growing the lists once spares copying them as they double: a large
	// organisation derives millions of edges here.
	nn, ne := 0, 0
	for _, w := range done {
		if w != nil {
			nn, ne = nn+len(w.derivedNodes), ne+len(w.derivedEdges)
		}
	}
	v.derivedNodes = slices.Grow(v.derivedNodes, nn)
	// An eighth more room lets later rules add their edges without
	// copying these again. After the lockfile rule the list contains 1.8
	// million edges at a million nodes.
	v.derivedEdges = slices.Grow(v.derivedEdges, ne+(len(v.derivedEdges)+ne)/8)
	if ne > 2*len(v.seenEdges) {
		// A map sized once spares the rehashing of growing it edge by
		// edge: 2M derived edges at a million nodes.
		seen := make(map[graph.EdgeKey]int, len(v.seenEdges)+ne)
		maps.Copy(seen, v.seenEdges)
		v.seenEdges = seen
	}
	for _, w := range done {
		if w == nil {
			continue // skipped after the context ended
		}
		for _, n := range w.derivedNodes {
			v.addNode(n)
		}
		for _, e := range w.derivedEdges {
			v.addEdge(e)
		}
	}
}

// fork returns a view that reads the graph and shares the caches of v,
// with derived nodes and edges of its own.
func (v *view) fork() *view {
	w := *v
	w.parent = v
	w.derivedNodes, w.derivedEdges = nil, nil
	w.seenNodes = map[string]bool{}
	w.seenEdges = map[graph.EdgeKey]int{}
	w.execMemo = nil
	return &w
}
