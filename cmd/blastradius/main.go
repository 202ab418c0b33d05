// Command blastradius reports what a compromised package, secret, identity
// or runtime can reach, and in what order to contain and revoke.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first signal cancels the command, which stops at its next check
	// and leaves the store as it was; a second one ends the process at
	// once (the store file is replaced atomically, so that is safe too).
	go func() {
		<-ctx.Done()
		stop()
	}()
	// Results are written in many small pieces (a table row, a path
	// step), and a blast radius of a large organisation has millions of
	// them: a buffer makes them a few large writes.
	stdout := bufio.NewWriterSize(os.Stdout, 64<<10)
	root, o := newRoot(stdout, os.Stderr)
	err := root.ExecuteContext(ctx)
	if ferr := stdout.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("write results: %w", ferr)
	}
	o.profile.stop(func(what string, err error) {
		fmt.Fprintf(safeWriter{os.Stderr}, "blastradius: %s: %v\n", what, err)
	})
	if msg := errorMessage(err); msg != "" {
		fmt.Fprintln(safeWriter{os.Stderr}, "blastradius:", msg)
	}
	os.Exit(exitCode(err))
}

// exitCode maps an error to the documented exit status.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") {
		return exitUsage
	}
	return exitFailure
}

// errorMessage returns the message main prints for an error, or "" for none.
func errorMessage(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ""
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
