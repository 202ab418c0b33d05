package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// clock is a fake time source moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf)
	c := &clock{t: time.Unix(0, 0)}
	b.now = c.now
	b.Start(1 << 20)
	c.t = c.t.Add(5 * time.Second)
	b.Add(1<<20, 1000)
	b.Finish()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a writer that is no terminal", buf.String())
	}
	if by, recs := b.Counts(); by != 1<<20 || recs != 1000 {
		t.Errorf("counts = %d bytes, %d records; want 1048576 and 1000", by, recs)
	}
}

func TestDrawsAfterDelay(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	b := &Bar{w: &buf, now: c.now}
	b.Start(10 << 20)
	b.Add(1<<20, 0)
	if buf.Len() != 0 {
		t.Fatalf("drew %q before the delay passed", buf.String())
	}
	c.t = c.t.Add(2 * time.Second)
	b.Add(1<<20, 5000)
	c.t = c.t.Add(2 * time.Second)
	b.Add(2<<20, 3000)
	out := buf.String()
	// 5,000 records after 2 seconds; 2 MiB of 10 MiB, in decimal units.
	for _, want := range []string{"ingest: 5000 records (2500/s)", "2.1/10 MB"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	b.Finish()
	if by, recs := b.Counts(); by != 4<<20 || recs != 8000 {
		t.Errorf("counts = %d bytes, %d records; want 4 MiB and 8000", by, recs)
	}
}
