package query

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestAssumeAppFlaws(t *testing.T) {
	const (
		invoker = "arn:aws:iam::111122223333:role/invoker"
		fn      = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		creds   = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		fnRole  = "arn:aws:iam::111122223333:role/resize"
		apiKey  = "secret:aws:env:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize/API_KEY"
		sub     = "arn:aws:iam::111122223333:user/subscriber"
	)
	s := newG().
		edge(invoker, graph.EdgeCanInvoke, fn, "reason=lambda:InvokeFunction on resize").
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, fnRole).
		edge(sub, graph.EdgeCanReceive, apiKey, "reason=sns:Subscribe on a topic resize publishes to").
		store(t)

	tests := []struct {
		name  string
		start string
		flaws bool
		want  []string
	}{
		{name: "invoke not followed by default", start: invoker, want: nil},
		{name: "invoke followed when assumed", start: invoker, flaws: true, want: []string{fnRole, fn, creds}},
		{name: "receive not followed by default", start: sub, want: nil},
		{name: "receive followed when assumed", start: sub, flaws: true, want: []string{apiKey}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := blast(t, s, tc.start, Options{AssumeAppFlaws: tc.flaws})
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if diff := cmp.Diff(reachedIDs(res), want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("reached (-got +want):\n%s", diff)
			}
			for _, r := range res.Reached {
				if r.Confidence != graph.Possible {
					t.Errorf("%s reached %s, want possible", r.Node.ID, r.Confidence)
				}
			}
		})
	}

	res := blast(t, s, invoker, Options{AssumeAppFlaws: true})
	got := res.Get(fnRole).Path[0]
	want := Hop{From: invoker, To: fn, Kind: graph.EdgeCanInvoke, Confidence: graph.Possible,
		Reason: "lambda:InvokeFunction on resize; assumes the runtime's input handling is exploitable, so the sender may run code there",
		Pos:    graph.Pos{File: "test"}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("first hop (-got +want):\n%s", diff)
	}
	res = blast(t, s, sub, Options{AssumeAppFlaws: true})
	if got, want := res.Get(apiKey).Path[0].Reason, "sns:Subscribe on a topic resize publishes to; assumes the runtime sends the secret it holds in its messages"; got != want {
		t.Errorf("receive reason %q, want %q", got, want)
	}
	// The store keeps the fact as it was written.
	es, err := s.EdgesByKind(t.Context(), graph.EdgeCanInvoke)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Confidence != graph.Certain || es[0].Attr(graph.AttrReason) != "lambda:InvokeFunction on resize" {
		t.Errorf("stored edge changed: %+v", es)
	}
}

func TestAssumeAppFlawsLoadedCode(t *testing.T) {
	const (
		writer = "arn:aws:iam::111122223333:user/uploader"
		host   = "runtime:aws:ec2:111122223333:aws_instance.web"
	)
	s := newG().
		edge(writer, graph.EdgeCanInvoke, host, "reason=s3:PutObject on boot.sh", "via="+graph.ViaLoadedCode).
		store(t)
	res := blast(t, s, writer, Options{AssumeAppFlaws: true})
	got := res.Get(host)
	if got == nil {
		t.Fatal("host not reached")
	}
	want := "s3:PutObject on boot.sh; assumes the runtime loads the object again (a restart or a new instance runs its configuration), so the writer's code runs there"
	if got.Path[0].Reason != want {
		t.Errorf("reason %q, want %q", got.Path[0].Reason, want)
	}
}
