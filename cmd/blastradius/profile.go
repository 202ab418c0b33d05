package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiler writes the CPU and allocation profiles that the hidden
// --cpuprofile and --memprofile flags request. Read them with go tool pprof.
type profiler struct {
	cpuPath string
	memPath string
	cpu     *os.File
}

func (p *profiler) start() error {
	if p.cpuPath == "" {
		return nil
	}
	f, err := os.Create(p.cpuPath)
	if err != nil {
		return fmt.Errorf("failed to create --cpuprofile file: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("failed to start the CPU profile: %w", err)
	}
	p.cpu = f
	return nil
}

// stop ends the CPU profile and writes the allocation profile. It passes
// failures to warn, because the command's own result is still valid.
func (p *profiler) stop(warn func(string, error)) {
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			warn("close --cpuprofile", err)
		}
		p.cpu = nil
	}
	if p.memPath == "" {
		return
	}
	f, err := os.Create(p.memPath)
	if err != nil {
		warn("create --memprofile", err)
		return
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		warn("write --memprofile", err)
	}
}
