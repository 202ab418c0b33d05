//go:build unix

// Command firsttouch measures how fast the machine gives a process new
// memory: it maps anonymous memory of each given size, writes one byte
// to every page, and prints the time and the rate. A large ingest grows
// its heap to gigabytes, and on some virtual machines memory touched for
// the first time costs far more than memory the guest already backs.
//
//	go run ./bench/firsttouch -sizes 1,4,8,14
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	sizes := flag.String("sizes", "1,4,8", "comma-separated sizes to map and touch, in GiB")
	flag.Parse()
	page := os.Getpagesize()
	for _, s := range strings.Split(*sizes, ",") {
		gib, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || gib <= 0 {
			fmt.Fprintf(os.Stderr, "firsttouch: invalid size %q: give GiB as a positive number\n", s)
			os.Exit(2)
		}
		n := int(gib * (1 << 30))
		n -= n % page
		mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			fmt.Fprintf(os.Stderr, "firsttouch: map %g GiB: %v\n", gib, err)
			os.Exit(1)
		}
		start := time.Now()
		for i := 0; i < n; i += page {
			mem[i] = 1
		}
		took := time.Since(start)
		fmt.Printf("%g GiB\t%v\t%.2f GiB/s\t%.2f µs per page\n", gib, took.Round(time.Millisecond),
			gib/took.Seconds(), took.Seconds()*1e6/float64(n/page))
		if err := syscall.Munmap(mem); err != nil {
			fmt.Fprintf(os.Stderr, "firsttouch: unmap: %v\n", err)
			os.Exit(1)
		}
	}
}
