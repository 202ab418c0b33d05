package schema

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

func TestAssumeAppFlawsInput(t *testing.T) {
	const (
		invoker = "arn:aws:iam::111122223333:role/example-invoker"
		fn      = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:example-resize"
		creds   = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:example-resize"
	)
	s := memstore.New()
	b := &graph.Batch{Time: at(1, 9, 0),
		Nodes: []graph.Node{
			{ID: invoker, Kind: graph.NodeIdentity, Pos: pos("iam.tf", 1)},
			{ID: fn, Kind: graph.NodeRuntime, Pos: pos("lambda.tf", 1)},
			{ID: creds, Kind: graph.NodeSecret, Pos: pos("lambda.tf", 1)},
		},
		Edges: []graph.Edge{
			{From: invoker, To: fn, Kind: graph.EdgeCanInvoke, Confidence: graph.Certain, Pos: pos("iam.tf", 2)},
			{From: fn, To: creds, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos("lambda.tf", 2)},
		}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, s, Options{})
	const q = `query($start: StartInput!) {
  blastRadius(start: $start) { reached { node { id } confidence } }
}`
	tests := []struct {
		name  string
		start map[string]any
		want  []string
	}{
		{"omitted", map[string]any{"identities": []string{invoker}}, []string{}},
		{"false", map[string]any{"identities": []string{invoker}, "assumeAppFlaws": false}, []string{}},
		{"true", map[string]any{"identities": []string{invoker}, "assumeAppFlaws": true},
			[]string{fn + " possible", creds + " possible"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, body := post(t, srv, q, map[string]any{"start": tc.start})
			r := decode(t, body)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			var a struct {
				BlastRadius struct {
					Reached []struct {
						Node       struct{ ID string }
						Confidence string
					}
				}
			}
			if err := json.Unmarshal(r.Data, &a); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, x := range a.BlastRadius.Reached {
				got = append(got, x.Node.ID+" "+x.Confidence)
			}
			sort.Strings(got)
			want := append([]string{}, tc.want...)
			sort.Strings(want)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("reached (-got +want):\n%s", diff)
			}
		})
	}
}
