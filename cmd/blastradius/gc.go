package main

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// ingestGCPercent lets the heap grow to three times the live data between
// collections while it stays below the memory limit. Ingest allocates many
// short-lived values around a live heap of several GiB at a million
// nodes, and each collection marks that whole heap: at GOGC 100 and 50
// about a third of the run's CPU time went to the collector.
const ingestGCPercent = 200

// paceIngestGC sets how often the collector runs during ingest and returns
// the function to call before the write. With GOGC set, the runtime's own
// settings apply. Otherwise the heap may grow to half of the memory the
// process may use (the machine's, or its cgroup's limit when lower), or to
// GOMEMLIMIT when set, and the collector runs more often as it nears that
// limit. Without a known limit, the heap grows to twice the live data while
// files are parsed and to 1.5 times from the write on.
func paceIngestGC(log *slog.Logger) (beforeWrite func()) {
	noop := func() {}
	if os.Getenv("GOGC") != "" {
		return noop
	}
	limit := debug.SetMemoryLimit(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = int64(usableMemory() / 2)
		if limit <= 0 {
			debug.SetGCPercent(100)
			return func() { debug.SetGCPercent(50) }
		}
		debug.SetMemoryLimit(limit)
	}
	debug.SetGCPercent(ingestGCPercent)
	log.Debug("heap limit set", "bytes", limit, "gogc", ingestGCPercent)
	return noop
}

// usableMemory returns the bytes of memory the process may use: the
// machine's memory, or its cgroup's limit when that is lower. It returns 0
// when neither is known.
func usableMemory() uint64 {
	total, err := memlimit.FromSystem()
	if err != nil {
		total = 0
	}
	if cg, err := memlimit.FromCgroup(); err == nil && cg > 0 && (total == 0 || cg < total) {
		total = cg
	}
	if total > math.MaxInt64 {
		total = math.MaxInt64
	}
	return total
}
