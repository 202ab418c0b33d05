package query

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// hops renders a path as "from KIND to" steps, reversed steps marked "<".
func hops(r *Reached) []string {
	var out []string
	for _, h := range r.Path {
		s := h.From + " " + string(h.Kind) + " " + h.To
		if h.Reversed {
			s = "< " + s
		}
		out = append(out, s)
	}
	return out
}

func TestPathsShareParentHops(t *testing.T) {
	s := newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobB, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(jobB, graph.EdgeExposes, keyB).
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(keyB, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAccess, bkt, "level=write").
		store(t)
	res := blast(t, s, bad, Options{})
	stepA := "< " + jobA + " EXECUTES " + bad
	tests := []struct {
		id   string
		want []string
	}{
		{jobA, []string{stepA}},
		{jobB, []string{"< " + jobB + " EXECUTES " + bad}},
		{keyA, []string{stepA, jobA + " EXPOSES " + keyA}},
		// Edges are taken in source order, so the user is reached
		// first from job a's key.
		{user, []string{stepA, jobA + " EXPOSES " + keyA, keyA + " AUTHENTICATES_AS " + user}},
		{role, []string{stepA, jobA + " EXPOSES " + keyA, keyA + " AUTHENTICATES_AS " + user,
			user + " CAN_ASSUME " + role}},
		{bkt, []string{stepA, jobA + " EXPOSES " + keyA, keyA + " AUTHENTICATES_AS " + user,
			user + " CAN_ASSUME " + role, role + " CAN_ACCESS " + bkt}},
	}
	for _, tt := range tests {
		r := res.Get(tt.id)
		if r == nil {
			t.Errorf("%s not reached", tt.id)
			continue
		}
		if diff := cmp.Diff(hops(r), tt.want); diff != "" {
			t.Errorf("path to %s (-got +want):\n%s", tt.id, diff)
		}
		if r.Depth != len(tt.want) {
			t.Errorf("depth of %s = %d, want %d", tt.id, r.Depth, len(tt.want))
		}
	}
	if got := res.Get(bkt).Path[4].Level; got != "write" {
		t.Errorf("level of the last hop = %q, want write", got)
	}
}

// A repository first read and later modified through an identity it
// authenticates as gets that identity as its parent, whose own parent is
// the repository: the parent chain loops. Each path then stops at the
// first node it would repeat.
func TestLoopingParentChainStops(t *testing.T) {
	start := "arn:aws:iam::111122223333:user/start"
	id := "arn:aws:iam::111122223333:role/repo-deploy"
	job := "runtime:gha:o/a/release.yml#publish"
	s := newG().
		edge(start, graph.EdgeCanAccess, repoA, "level=read").
		edge(repoA, graph.EdgeAuthenticatesAs, id).
		edge(id, graph.EdgeCanModify, repoA).
		edge(repoA, graph.EdgeDefines, job).
		store(t)
	res := blast(t, s, start, Options{})
	auth := repoA + " AUTHENTICATES_AS " + id
	modify := id + " CAN_MODIFY " + repoA
	tests := []struct {
		id   string
		want []string
	}{
		{repoA, []string{auth, modify}},
		{id, []string{modify, auth}},
		{job, []string{modify, repoA + " DEFINES " + job}},
	}
	for _, tt := range tests {
		r := res.Get(tt.id)
		if r == nil {
			t.Errorf("%s not reached", tt.id)
			continue
		}
		if diff := cmp.Diff(hops(r), tt.want); diff != "" {
			t.Errorf("path to %s (-got +want):\n%s", tt.id, diff)
		}
	}
	if got := res.Get(repoA).Depth; got != 3 {
		t.Errorf("depth of the repository = %d, want 3", got)
	}
}
