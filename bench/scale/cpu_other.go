//go:build !unix

package scale

import "time"

// cpuTime returns 0 where the process's processor time is not read.
func cpuTime() time.Duration { return 0 }
