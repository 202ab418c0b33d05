package whatif

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

// Options tune a what-if run.
type Options struct {
	// Start names the compromised things, as for query.Run.
	Start query.Start
	Query query.Options
	// Derive re-derives the linker's edges over the changed graph when an
	// edit needs it. Nil keeps the derived edges as the store has them,
	// so policy and trust edits then change nothing.
	Derive graph.DeriveFunc
}

// Change is one node that an edit takes into or out of the blast radius.
type Change struct {
	Node graph.Node `json:"node"`
	// Path explains how the node was reached: before the edits for a
	// closed node, after them for an opened one.
	Path []query.Hop `json:"path"`
}

// EditResult is one edit with what it does alone.
type EditResult struct {
	Edit        Edit     `json:"edit"`
	Description string   `json:"description"`
	Rederived   bool     `json:"rederived,omitempty"`
	Closes      []string `json:"closes"`
	Opens       []string `json:"opens"`
}

// PlanDiff compares two revocation plans by the nodes of their items.
type PlanDiff struct {
	Removed []string `json:"removed"`
	Added   []string `json:"added"`
	// Moved lists items whose step number changed, as "id: a -> b".
	Moved []string `json:"moved"`
}

// Report is the outcome of a what-if run.
type Report struct {
	Query      string        `json:"query"`
	Edits      []*EditResult `json:"edits"`
	Before     *query.Result `json:"-"`
	After      *query.Result `json:"-"`
	Closed     []Change      `json:"closed"`
	Opened     []Change      `json:"opened"`
	PlanBefore *query.Plan   `json:"planBefore"`
	PlanAfter  *query.Plan   `json:"planAfter"`
	Plan       PlanDiff      `json:"planChanges"`
}

// Apply builds the overlay of base with every edit applied (and the
// linker's edges re-derived when an edit needs it).
func Apply(ctx context.Context, base graph.Reader, edits []Edit, derive graph.DeriveFunc) (*Overlay, bool, error) {
	return (&deriver{fn: derive}).apply(ctx, base, edits)
}

// deriver runs the linker, keeping what it derives over the base graph,
// which is the same for every set of edits.
type deriver struct {
	fn       graph.DeriveFunc
	oldEdges []graph.Edge
	done     bool
}

func (d *deriver) apply(ctx context.Context, base graph.Reader, edits []Edit) (*Overlay, bool, error) {
	derive := d.fn
	o := NewOverlay(base)
	need := false
	for _, e := range edits {
		a, err := apply(ctx, o, e)
		if err != nil {
			return nil, false, err
		}
		need = need || a.derive
	}
	if need && derive != nil {
		if err := d.rederive(ctx, base, o); err != nil {
			return nil, false, err
		}
	}
	return o, need && derive != nil, nil
}

// rederive replaces the derived edges of the base by those the linker
// derives over the overlay: edges it no longer derives are removed, new
// and changed ones put in.
//
// An OBSERVED edge along a permission the edits take away goes with it:
// the log shows what the old policy allowed.
//
// NOTE: an edge that an input file states and the linker also derives is
// removed when the linker stops deriving it. The store keeps such facts
// apart, but a graph.Reader does not show which source asserts an edge.
func (d *deriver) rederive(ctx context.Context, base graph.Reader, o *Overlay) error {
	if !d.done {
		_, edges, err := d.fn(ctx, base)
		if err != nil {
			return fmt.Errorf("derive edges of the graph: %w", err)
		}
		d.oldEdges, d.done = edges, true
	}
	oldEdges := d.oldEdges

	newNodes, newEdges, err := d.fn(ctx, o)
	if err != nil {
		return fmt.Errorf("derive edges of the changed graph: %w", err)
	}
	keep := map[graph.EdgeKey]bool{}
	for _, e := range newEdges {
		keep[e.Key()] = true
	}

	var lost []graph.EdgeKey
	for _, e := range oldEdges {
		if keep[e.Key()] {
			continue
		}
		o.DeleteEdge(e.Key())
		if capability[e.Kind] {
			lost = append(lost, graph.EdgeKey{From: e.From, Kind: graph.EdgeObserved, To: e.To})
		}
	}
	for _, n := range newNodes {
		if _, ok, err := o.node(ctx, n.ID); err != nil {
			return err
		} else if !ok {
			o.PutNode(n)
		}
	}
	for _, e := range newEdges {
		o.PutEdge(e)
	}
	// Log records of a use that only a lost permission allowed show what
	// was possible before the edits, not after them. The same goes for
	// the records the linker copies to CI jobs.
	for _, k := range lost {
		o.DeleteEdge(k)
	}
	return nil
}

// capability lists the derived edge kinds that grant a permission.
var capability = map[graph.EdgeKind]bool{
	graph.EdgeCanAssume: true, graph.EdgeCanReadSecret: true, graph.EdgeCanMint: true,
	graph.EdgeCanModify: true, graph.EdgeCanAccess: true, graph.EdgeCanPublish: true,
	graph.EdgeCanInvoke: true, graph.EdgeCanReceive: true, graph.EdgeCanGrant: true,
}

// Run applies the edits and compares the blast radius and revocation plan
// of opt.Start before and after, as a whole and edit by edit.
func Run(ctx context.Context, base graph.Reader, edits []Edit, opt Options) (*Report, error) {
	before, err := query.Run(ctx, base, opt.Start, opt.Query)
	if err != nil {
		return nil, err
	}
	d := &deriver{fn: opt.Derive}
	o, rederived, err := d.apply(ctx, base, edits)
	if err != nil {
		return nil, err
	}
	after, err := radius(ctx, o, opt)
	if err != nil {
		return nil, err
	}
	rep := &Report{Query: opt.Start.String(), Before: before, After: after}
	rep.Closed, rep.Opened = diff(before, after)
	if rep.PlanBefore, err = query.BuildPlan(ctx, base, before); err != nil {
		return nil, err
	}
	if rep.PlanAfter, err = query.BuildPlan(ctx, o, after); err != nil {
		return nil, err
	}
	rep.Plan = diffPlans(rep.PlanBefore, rep.PlanAfter)

	for _, e := range edits {
		er := &EditResult{Edit: e, Description: e.String(), Closes: []string{}, Opens: []string{}}
		if len(edits) == 1 {
			er.Rederived = rederived
			for _, c := range rep.Closed {
				er.Closes = append(er.Closes, c.Node.ID)
			}
			for _, c := range rep.Opened {
				er.Opens = append(er.Opens, c.Node.ID)
			}
		} else {
			one, red, err := d.apply(ctx, base, []Edit{e})
			if err != nil {
				return nil, err
			}
			res, err := radius(ctx, one, opt)
			if err != nil {
				return nil, err
			}
			closed, opened := diff(before, res)
			er.Rederived = red
			for _, c := range closed {
				er.Closes = append(er.Closes, c.Node.ID)
			}
			for _, c := range opened {
				er.Opens = append(er.Opens, c.Node.ID)
			}
		}
		rep.Edits = append(rep.Edits, er)
	}
	return rep, nil
}

// radius computes a blast radius; a start that no longer matches anything
// gives an empty one.
func radius(ctx context.Context, r graph.Reader, opt Options) (*query.Result, error) {
	res, err := query.Run(ctx, r, opt.Start, opt.Query)
	if errors.Is(err, query.ErrNoMatch) {
		return query.BlastRadius(ctx, r, nil, opt.Start.String(), opt.Query)
	}
	return res, err
}

// diff lists the nodes reached before and not after (closed), and after
// and not before (opened), sorted by id.
func diff(before, after *query.Result) (closed, opened []Change) {
	closed, opened = []Change{}, []Change{}
	for _, x := range before.Reached {
		if after.Get(x.Node.ID) == nil {
			closed = append(closed, Change{Node: x.Node, Path: x.Path})
		}
	}
	for _, x := range after.Reached {
		if before.Get(x.Node.ID) == nil {
			opened = append(opened, Change{Node: x.Node, Path: x.Path})
		}
	}
	byID := func(cs []Change) {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Node.ID < cs[j].Node.ID })
	}
	byID(closed)
	byID(opened)
	return closed, opened
}

func diffPlans(a, b *query.Plan) PlanDiff {
	step := func(p *query.Plan) map[string]int {
		out := map[string]int{}
		for _, s := range p.Steps {
			for _, it := range s.Items {
				for _, id := range it.IDs() {
					out[id] = s.Number
				}
			}
		}
		return out
	}
	sa, sb := step(a), step(b)
	d := PlanDiff{Removed: []string{}, Added: []string{}, Moved: []string{}}
	for id, n := range sa {
		m, ok := sb[id]
		switch {
		case !ok:
			d.Removed = append(d.Removed, id)
		case m != n:
			d.Moved = append(d.Moved, fmt.Sprintf("%s: step %d -> %d", id, n, m))
		}
	}
	for id := range sb {
		if _, ok := sa[id]; !ok {
			d.Added = append(d.Added, id)
		}
	}
	sort.Strings(d.Removed)
	sort.Strings(d.Added)
	sort.Strings(d.Moved)
	return d
}

// PathString renders a path as the chain of node ids it passes.
func PathString(path []query.Hop) string {
	if len(path) == 0 {
		return ""
	}
	first := path[0]
	ids := []string{first.From}
	if first.Reversed {
		ids[0] = first.To
	}
	for _, h := range path {
		if h.Reversed {
			ids = append(ids, h.From)
		} else {
			ids = append(ids, h.To)
		}
	}
	return strings.Join(ids, " > ")
}
