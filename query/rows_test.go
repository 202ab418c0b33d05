package query

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// generic hides the store's type, so that BlastRadius walks it through
// graph.Reader alone.
type generic struct{ graph.Store }

// randomStore writes a random graph in two sources: ids of every kind
// (some only ending edges), every edge kind in a shuffled order, possible
// edges, the attributes the walk reads, evidence, and edges that both
// sources assert with different facts.
func randomStore(t *testing.T, seed int64) (*memstore.Store, []string) {
	t.Helper()
	rnd := rand.New(rand.NewSource(seed))
	prefixes := []string{
		"pkg:npm/p", "repo:github.com/example-org/r", "runtime:gha:example-org/r/ci.yml#j",
		"secret:gha:example-org/r/K", "arn:aws:iam::111122223333:role/r", "arn:aws:iam::111122223333:user/u",
		"arn:aws:s3:::b", "k8s:sa:ns/s", "oidc:gha:example-org/r/j", "gcp:secret:s",
		"pkg:docker/img", "pkg:docker/img@1.", "k8s:workload:ns/Pod/p",
	}
	var ids []string
	for i := 0; i < 70; i++ {
		ids = append(ids, fmt.Sprintf("%s%02d", prefixes[rnd.Intn(len(prefixes))], i))
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	kinds := append([]graph.EdgeKind(nil), graph.EdgeKinds...)
	rnd.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })

	batch := func(file string, share []graph.Edge) *graph.Batch {
		b := &graph.Batch{Time: at}
		for _, id := range ids {
			if rnd.Intn(6) == 0 {
				continue // an id that only ends edges
			}
			n := graph.Node{ID: id, Kind: kindFromID(id), Pos: graph.Pos{File: file, Line: 1}}
			switch rnd.Intn(8) {
			case 0:
				n.SetAttr("type", "access-key")
				n.SetAttr("key_id", "AKIAEXAMPLE0")
			case 1:
				n.SetAttr(graph.AttrObserved, "true")
			case 2:
				n.SetAttr("type", "role")
			}
			b.Nodes = append(b.Nodes, n)
		}
		seen := map[graph.EdgeKey]bool{}
		add := func(e graph.Edge) {
			if !seen[e.Key()] {
				seen[e.Key()] = true
				b.Edges = append(b.Edges, e)
			}
		}
		for _, e := range share {
			e.Pos = graph.Pos{File: file, Line: 2}
			e.Confidence = []graph.Confidence{graph.Certain, graph.Possible}[rnd.Intn(2)]
			holder, via := e.Attr(graph.AttrHolder), e.Attr(graph.AttrVia)
			e.Attrs = nil
			if holder != "" {
				e.SetAttr(graph.AttrHolder, holder)
			}
			if e.Kind == graph.EdgeExecutes {
				setPullPolicy(rnd, &e)
			}
			if via != "" {
				e.SetAttr(graph.AttrVia, via)
			}
			switch rnd.Intn(4) {
			case 0:
				e.SetAttr(graph.AttrLockfile, "other-lock.json")
			case 1:
				e.SetAttr("method", "")
				e.SetAttr(graph.AttrLevel, "admin")
			case 2:
				e.SetAttr("denied_only", "false")
			}
			if rnd.Intn(8) == 0 {
				e.Evidence = &graph.Evidence{}
				e.Evidence.Add(at.Add(2*time.Hour), "s3:PutObject", "203.0.113.4", "agent", "", false, graph.Pos{File: file})
			}
			add(e)
		}
		for i := 0; i < 260; i++ {
			e := graph.Edge{
				From: ids[rnd.Intn(len(ids))], To: ids[rnd.Intn(len(ids))],
				// Early kinds come up more often, so kinds differ in number.
				Kind:       kinds[min(rnd.Intn(len(kinds)), rnd.Intn(len(kinds)))],
				Confidence: graph.Certain, Pos: graph.Pos{File: file, Line: 3 + i},
			}
			if rnd.Intn(4) == 0 {
				e.Confidence = graph.Possible
			}
			switch rnd.Intn(6) {
			case 0:
				e.SetAttr(graph.AttrLockfile, "package-lock.json")
			case 1:
				e.SetAttr("method", "passrole")
			case 2:
				e.SetAttr("denied_only", "true")
			case 3:
				e.SetAttr(graph.AttrReason, "a reason")
				e.SetAttr(graph.AttrLevel, "write")
			}
			if e.Kind == graph.EdgeCanGrant {
				// Some holders are never reached, some only late.
				e.SetAttr(graph.AttrHolder, ids[rnd.Intn(len(ids))])
			}
			if e.Kind == graph.EdgeCanInvoke && rnd.Intn(2) == 0 {
				e.SetAttr(graph.AttrVia, graph.ViaPodNetwork)
			}
			if e.Kind == graph.EdgeExecutes {
				setPullPolicy(rnd, &e)
			}
			if rnd.Intn(5) == 0 {
				ev := &graph.Evidence{}
				if rnd.Intn(2) == 0 {
					ev.Add(at.Add(time.Hour), "s3:GetObject", "192.0.2.7", "agent", "AKIAEXAMPLE0", false, graph.Pos{File: file})
				} else {
					ev.Add(at, "s3:GetObject", "198.51.100.9", "agent", "", true, graph.Pos{File: file})
				}
				e.Evidence = ev
			}
			add(e)
		}
		// Pushes to image names that workloads run by tag, with every
		// pull policy.
		var names, versions []string
		for _, id := range ids {
			switch {
			case strings.HasPrefix(id, "pkg:docker/img@"):
				versions = append(versions, id)
			case strings.HasPrefix(id, "pkg:docker/img"):
				names = append(names, id)
			}
		}
		for i := 0; i < 4 && len(names) > 0 && len(versions) > 0; i++ {
			name, version := names[rnd.Intn(len(names))], versions[rnd.Intn(len(versions))]
			pos := graph.Pos{File: file, Line: 300 + i}
			add(graph.Edge{From: ids[rnd.Intn(len(ids))], To: name, Kind: graph.EdgeCanPublish, Confidence: graph.Certain, Pos: pos})
			add(graph.Edge{From: version, To: name, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: pos})
			for j := 0; j < 2; j++ {
				e := graph.Edge{From: ids[rnd.Intn(len(ids))], To: version, Kind: graph.EdgeExecutes, Confidence: graph.Certain, Pos: pos}
				setPullPolicy(rnd, &e)
				add(e)
			}
		}
		return b
	}
	s := memstore.New()
	// In every other graph the source written second comes first in
	// source order.
	files := []string{"a.json", "b.json"}
	if seed%2 == 1 {
		files[0], files[1] = files[1], files[0]
	}
	first := batch(files[0], nil)
	if err := s.Write(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), batch(files[1], first.Edges[:120]), nil); err != nil {
		t.Fatal(err)
	}
	return s, ids
}

// setPullPolicy gives an EXECUTES edge a random pull policy, or none.
func setPullPolicy(rnd *rand.Rand, e *graph.Edge) {
	if p := []string{"", graph.PullAlways, graph.PullIfNotPresent, graph.PullNever}[rnd.Intn(4)]; p != "" {
		e.SetAttr(graph.AttrPullPolicy, p)
	}
}

// render returns as JSON everything a caller can read of a result, the edges
// for the plan included.
func render(t *testing.T, s graph.Store, res *Result, ids []string) string {
	t.Helper()
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	return renderResult(res, plan, ids)
}

// renderResult returns a result and its plan as JSON, as render does.
func renderResult(res *Result, plan *Plan, ids []string) string {
	var got []string // the ids Get finds, with the depth it gives
	for _, id := range ids {
		if x := res.Get(id); x != nil {
			got = append(got, fmt.Sprintf("%s %d", id, x.Depth))
		}
	}
	out, err := json.Marshal(struct {
		Result *Result
		Edges  []graph.Edge
		Get    []string
		Plan   *Plan
	}{res, res.walked(), got, plan})
	if err != nil {
		return "marshal: " + err.Error()
	}
	return string(out)
}

func TestRowWalkMatchesGenericWalk(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { slotsAfter = n }(slotsAfter)
	for seed := int64(1); seed <= 4; seed++ {
		// Every other graph's walks index their visits by row from the
		// ninth visit on.
		slotsAfter = []int{4096, 8}[seed%2]
		s, ids := randomStore(t, seed)
		opts := []Options{{}, {MaxDepth: 2}, {Since: time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC)}, {AssumeAppFlaws: true}}
		for i, id := range ids {
			ns, err := s.Nodes(ctx, []string{id})
			if err != nil {
				t.Fatal(err)
			}
			starts := append(ns, graph.Node{ID: "pkg:npm/missing@1.0.0", Kind: graph.NodePackage})
			if i%3 == 0 {
				starts = append(starts, graph.Node{ID: ids[(i+7)%len(ids)], Kind: kindFromID(ids[(i+7)%len(ids)])})
			}
			opt := opts[i%len(opts)]
			fast, err := BlastRadius(ctx, s, starts, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			slow, err := BlastRadius(ctx, generic{s}, starts, id, opt)
			if err != nil {
				t.Fatal(err)
			}
			if fast.lazy == nil || slow.lazy != nil {
				t.Fatalf("graph %d, start %s: the embedded store was not walked by rows, or the wrapped one was", seed, id)
			}
			if got, want := render(t, s, fast, ids), render(t, s, slow, ids); got != want {
				diff := cmp.Diff(indent(got), indent(want))
				t.Errorf("graph %d, start %s: rows walk differs from generic walk (-rows +generic):\n%s", seed, id, diff)
			}
		}
	}
}

// TestRowWalkReusesSlots runs walks of different reach in turn on one
// store, so that slots left set by one walk would change the next.
func TestRowWalkReusesSlots(t *testing.T) {
	s := newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAccess, bkt).
		edge(jobB, graph.EdgeExecutes, lib).
		store(t)
	tests := []struct {
		start string
		want  []string
	}{
		{bad, []string{user, role, bkt, jobA, keyA}},
		{lib, []string{jobB}},
		{keyA, []string{user, role, bkt}},
		{bad, []string{user, role, bkt, jobA, keyA}},
	}
	for _, tt := range tests {
		res := blast(t, s, tt.start, Options{})
		var got []string
		for _, x := range res.Reached {
			got = append(got, x.Node.ID)
		}
		// reachedIDs sorts; the result's own order is by kind, depth, id.
		if diff := cmp.Diff(reachedIDs(res), sortedCopy(tt.want)); diff != "" {
			t.Errorf("%s: reached (-got +want):\n%s", tt.start, diff)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d reached, want %d", tt.start, len(got), len(tt.want))
		}
	}
}

func sortedCopy(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

func indent(s string) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", " "); err != nil {
		return s
	}
	return buf.String()
}

// TestRowWalkConcurrent runs walks of one store from several goroutines
// and checks each against the same walk run alone.
func TestRowWalkConcurrent(t *testing.T) {
	ctx := context.Background()
	s, ids := randomStore(t, 7)
	want := map[string]string{}
	for _, id := range ids[:12] {
		ns, err := s.Nodes(ctx, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		res, err := BlastRadius(ctx, s, ns, id, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[id] = render(t, s, res, ids)
	}
	errs := make(chan string, 4*12)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range ids[:12] {
				ns, err := s.Nodes(ctx, []string{id})
				if err != nil {
					errs <- err.Error()
					return
				}
				res, err := BlastRadius(ctx, s, ns, id, Options{})
				if err != nil {
					errs <- err.Error()
					return
				}
				plan, err := BuildPlan(ctx, s, res)
				if err != nil || plan == nil {
					errs <- fmt.Sprintf("plan of %s: %v", id, err)
					return
				}
				if got := renderResult(res, plan, ids); got != want[id] {
					errs <- "concurrent walk from " + id + " differs from the walk run alone"
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
