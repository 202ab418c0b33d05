// Package progress draws the progress of a long ingest run on a terminal:
// the bytes read with their rate against the total size of the inputs,
// and the records parsed with their rate. It draws nothing when its
// output is not a terminal, and nothing for runs that end within a
// second, so logs and pipes stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// delay is how long a run goes before the bar appears.
const delay = time.Second

// Bar is the progress of one run. It implements ingest.Progress; its
// methods are safe to call from several goroutines.
type Bar struct {
	w   io.Writer // nil when nothing is drawn
	now func() time.Time

	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	start   time.Time
	total   int64
	bytes   int64
	records int64
	shown   time.Time // when the description was last updated
}

// New returns a bar that draws on w when w is a terminal, and otherwise
// draws nothing.
func New(w io.Writer) *Bar {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &Bar{w: w, now: time.Now}
	}
	return &Bar{now: time.Now}
}

// Start records the total size on disk of the inputs.
func (b *Bar) Start(total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.start, b.total = b.now(), total
}

// Add reports bytes read and records parsed since the last call.
func (b *Bar) Add(bytes, records int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bytes += bytes
	b.records += records
	if b.w == nil {
		return
	}
	now := b.now()
	if b.bar == nil {
		if now.Sub(b.start) < delay {
			return
		}
		b.bar = progressbar.NewOptions64(b.total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetDescription(b.describe(now)),
			progressbar.OptionUseANSICodes(true),
		)
		b.bar.Add64(b.bytes)
		b.shown = now
		return
	}
	if now.Sub(b.shown) >= 200*time.Millisecond {
		b.bar.Describe(b.describe(now))
		b.shown = now
	}
	b.bar.Add64(bytes)
}

// describe renders the records parsed and their rate.
func (b *Bar) describe(now time.Time) string {
	rate := 0.0
	if d := now.Sub(b.start).Seconds(); d > 0 {
		rate = float64(b.records) / d
	}
	return fmt.Sprintf("ingest: %d records (%.0f/s)", b.records, rate)
}

// Finish clears the bar. It is safe to call on a bar that never drew.
func (b *Bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		b.bar.Finish()
		b.bar = nil
	}
}

// Counts returns the bytes and records reported so far.
func (b *Bar) Counts() (bytes, records int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes, b.records
}
