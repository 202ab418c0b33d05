//go:build unix

package scale

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time the process has used, user and
// system, on every thread (the garbage collector's included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
