// Command blastradius tells what a compromised package, secret, identity
// or runtime can reach, and in what order to contain and revoke.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "blastradius:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "blastradius:", err)
	return exitFailure
}
