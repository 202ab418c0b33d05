package cloudtrail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// recordStream writes a delivery file of n GetSecretValue records as it is
// read, so that the file never exists whole. Every sampleEvery records it
// calls sample.
type recordStream struct {
	n, i        int
	sampleEvery int
	sample      func()
	buf         bytes.Buffer
	size        int64 // bytes read so far
}

func (s *recordStream) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.i <= s.n {
		s.fill()
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, err := s.buf.Read(p)
	s.size += int64(n)
	return n, err
}

func (s *recordStream) fill() {
	if s.i == 0 {
		s.buf.WriteString("{\"Records\": [\n")
	}
	if s.i == s.n {
		s.buf.WriteString("\n]}\n")
		s.i++
		return
	}
	if s.i > 0 {
		s.buf.WriteString(",\n")
	}
	user, secret := s.i%50, s.i%200
	fmt.Fprintf(&s.buf, `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE%08d","arn":"arn:aws:iam::111122223333:user/svc-%d","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE%09d","userName":"svc-%d"},`+
		`"eventTime":"2026-05-01T%02d:%02d:%02dZ","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"eu-west-1",`+
		`"sourceIPAddress":"192.0.2.%d","userAgent":"aws-sdk-go-v2/1.30.%d","requestParameters":{"secretId":"app/secret-%d"},"responseElements":null,`+
		`"requestID":"%08d-0000-0000-0000-000000000000","eventID":"%08d-1111-0000-0000-000000000000","readOnly":true,"eventType":"AwsApiCall",`+
		`"managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
		user, user, user, user, s.i/3600%24, s.i/60%60, s.i%60, s.i%250, s.i%7, secret, s.i, s.i)
	s.i++
	if s.sample != nil && s.i%s.sampleEvery == 0 {
		s.sample()
	}
}

// TestMemoryBounded parses a generated 200,000-record delivery file and
// checks that the heap in use stays under 64 MiB while it streams: the
// parser must hold one record at a time, not the Records array.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a generated log of about 145 MB")
	}
	const records = 200_000
	const limit = 64 << 20

	runtime.GC()
	var maxInUse uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		maxInUse = max(maxInUse, ms.HeapInuse)
	}
	stream := &recordStream{n: records, sampleEvery: 10_000, sample: sample}
	f := &ingest.File{
		Path: "generated.json",
		Head: []byte(`{"Records": [{"eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue"}`),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(stream), nil },
	}
	if !New().Detect(f) {
		t.Fatal("Detect = false for the generated log")
	}

	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	sample()

	t.Logf("max heap in use %.1f MiB over %d records, %d MB", float64(maxInUse)/(1<<20), res.Records, stream.size/1e6)
	if maxInUse >= limit {
		t.Errorf("heap in use reached %d MiB, want < %d MiB", maxInUse>>20, limit>>20)
	}
	if res.Records != records {
		t.Errorf("Records = %d, want %d", res.Records, records)
	}
	// 50 users each read the 4 secrets whose number matches theirs
	// modulo 50: 200 edges of 1,000 calls each.
	var observed, calls int64
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeObserved {
			observed++
			calls += e.Evidence.Count
		}
	}
	if observed != 200 || calls != records {
		t.Errorf("OBSERVED edges = %d with %d calls, want 200 with %d", observed, calls, records)
	}
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics = %v, want none", res.Diags[:min(len(res.Diags), 5)])
	}
}
