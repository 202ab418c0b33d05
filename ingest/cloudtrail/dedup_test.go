package cloudtrail

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// secretCall is a GetSecretValue record of example-user at time at, with
// eventID id ("" for none).
func secretCall(id, at string) string {
	idField := ""
	if id != "" {
		idField = fmt.Sprintf(`"eventID":%q,`, id)
	}
	return `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/example-user","accountId":"111122223333","userName":"example-user"},` +
		`"eventTime":"2026-05-01T` + at + `Z","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"eu-west-1",` +
		`"sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.0","requestParameters":{"secretId":"app/db"},` + idField +
		`"recipientAccountId":"111122223333"}`
}

func deliveryFile(name string, records ...string) *ingest.File {
	return bytesFile(name, []byte(`{"Records":[`+strings.Join(records, ",")+`]}`))
}

// observedCalls merges the evidence of example-user's OBSERVED edges over
// results, as a store merges the facts of two files.
func observedCalls(results ...*ingest.Result) graph.Evidence {
	var ev graph.Evidence
	for _, res := range results {
		for _, e := range res.Edges {
			if e.Kind == graph.EdgeObserved && strings.HasSuffix(e.From, "user/example-user") && e.Evidence != nil {
				ev.Merge(e.Evidence)
			}
		}
	}
	return ev
}

func TestRepeatedEventsCountedOnce(t *testing.T) {
	const (
		e1 = "11111111-0000-4000-8000-000000000001"
		e2 = "11111111-0000-4000-8000-000000000002"
		e3 = "11111111-0000-4000-8000-000000000003"
	)
	at := func(hour, minute int) time.Time { return time.Date(2026, 5, 1, hour, minute, 0, 0, time.UTC) }

	// a.json: e1 at 08:00 and e2 at 10:00. b.json: e2 again (the latest
	// call), e3 at 09:00, and two calls without an eventID at 09:30. Each
	// event counts once: 2 from a.json, then e3 and the two without an id.
	a := deliveryFile("a.json", secretCall(e1, "08:00:00"), secretCall(e2, "10:00:00"))
	b := deliveryFile("b.json", secretCall(e2, "10:00:00"), secretCall(e3, "09:00:00"),
		secretCall("", "09:30:00"), secretCall("", "09:30:00"))

	p := New()
	var resA, resB ingest.Result
	if err := p.Parse(context.Background(), a, testEnv(), &resA); err != nil {
		t.Fatal(err)
	}
	if err := p.Parse(context.Background(), b, testEnv(), &resB); err != nil {
		t.Fatal(err)
	}

	got := observedCalls(&resA, &resB)
	if got.Count != 5 {
		t.Errorf("count = %d, want 5", got.Count)
	}
	if !got.First.Equal(at(8, 0)) || !got.Last.Equal(at(10, 0)) {
		t.Errorf("first, last = %v, %v; want 08:00, 10:00", got.First, got.Last)
	}
	if gotB := observedCalls(&resB); gotB.Count != 3 || !gotB.Last.Equal(at(9, 30)) {
		t.Errorf("b.json alone: count %d, last %v; want 3, 09:30", gotB.Count, gotB.Last)
	}
	if resA.Records != 2 || resB.Records != 4 {
		t.Errorf("records read = %d, %d; want 2, 4", resA.Records, resB.Records)
	}

	var diags []string
	for _, d := range resB.Diags {
		diags = append(diags, d.String())
	}
	want := []string{"b.json: records that repeat the eventID of a record read before in this run: 1; each event is counted once"}
	if diff := cmp.Diff(diags, want); diff != "" {
		t.Errorf("b.json diagnostics (-got +want):\n%s", diff)
	}
	if len(resA.Diags) != 0 {
		t.Errorf("a.json diagnostics: %v, want none", resA.Diags)
	}
}

// TestRepeatedEventsOneFile checks a record repeated within one file, and
// that another parser, as another run uses, counts the event again.
func TestRepeatedEventsOneFile(t *testing.T) {
	const id = "22222222-0000-4000-8000-000000000001"
	f := deliveryFile("dup.json", secretCall(id, "08:00:00"), secretCall(id, "08:00:00"))
	for run := range 2 {
		var res ingest.Result
		if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
			t.Fatal(err)
		}
		if got := observedCalls(&res); got.Count != 1 {
			t.Errorf("run %d: count = %d, want 1", run, got.Count)
		}
	}
}
