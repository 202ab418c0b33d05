package cloudtrail

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// BenchmarkParse parses a generated delivery file of 20,000 records held
// in memory, so that only decoding and aggregating are measured.
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, &recordStream{n: 20_000}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	f := bytesFile("bench.json", data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var res ingest.Result
		if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
			b.Fatal(err)
		}
	}
}
