package link

import (
	"runtime"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
)

// forEachPrincipal calls fn for every principal, on up to v.workers
// goroutines. Each call gets a view of its own that shares the graph and
// the caches of v, and collects what fn derives. The collected nodes and
// edges are then added to v in the order of ps, so v ends as it would
// after one call after the other.
//
// fn may read the nodes and edges that v derived before the call, and
// those that its own call derived (through the view it gets). It must not
// rely on what the calls for other principals derive.
func (v *view) forEachPrincipal(ps []*principal, fn func(w *view, p *principal)) {
	workers := v.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(ps))
	if workers <= 1 {
		for _, p := range ps {
			fn(v, p)
		}
		return
	}

	done := make([]*view, len(ps))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				w := v.fork()
				fn(w, ps[i])
				done[i] = w
			}
		}()
	}
	for i := range ps {
		next <- i
	}
	close(next)
	wg.Wait()

	for _, w := range done {
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
	return &w
}
