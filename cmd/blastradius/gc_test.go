package main

import (
	"bufio"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// restoreGC puts back the collector settings a test changes.
func restoreGC(t *testing.T) {
	t.Helper()
	limit := debug.SetMemoryLimit(-1)
	percent := debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	t.Cleanup(func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	})
}

// memTotal reads the machine's memory from /proc/meminfo.
func memTotal(t *testing.T) uint64 {
	t.Helper()
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		t.Skip("no /proc/meminfo")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("no MemTotal in /proc/meminfo")
	return 0
}

func TestPaceIngestGCHalvesMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/meminfo")
	}
	restoreGC(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	total := memTotal(t)
	paceIngestGC(slog.New(slog.DiscardHandler))()
	limit := uint64(debug.SetMemoryLimit(-1))
	// A cgroup may allow less than the machine holds, never more.
	if limit == 0 || limit > total/2 {
		t.Errorf("heap limit %d bytes, want at most half of MemTotal (%d)", limit, total/2)
	}
	if got := debug.SetGCPercent(ingestGCPercent); got != ingestGCPercent {
		t.Errorf("GOGC %d, want %d", got, ingestGCPercent)
	}
}

func TestPaceIngestGCKeepsMemLimit(t *testing.T) {
	restoreGC(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	paceIngestGC(slog.New(slog.DiscardHandler))()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("heap limit %d, want GOMEMLIMIT's %d", got, 1<<30)
	}
	if got := debug.SetGCPercent(ingestGCPercent); got != ingestGCPercent {
		t.Errorf("GOGC %d, want %d", got, ingestGCPercent)
	}
}

func TestPaceIngestGCHonoursGOGC(t *testing.T) {
	restoreGC(t)
	t.Setenv("GOGC", "80")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(80)
	before := debug.SetMemoryLimit(-1)
	paceIngestGC(slog.New(slog.DiscardHandler))()
	if got := debug.SetGCPercent(80); got != 80 {
		t.Errorf("GOGC %d, want 80 as set", got)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("heap limit changed from %d to %d", before, got)
	}
}
