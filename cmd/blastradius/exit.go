package main

// Exit statuses, documented in the README.
const (
	exitOK = 0
	// exitFailure is any failure not listed below.
	exitFailure = 1
	// exitUsage is a wrong flag or argument.
	exitUsage = 2
	// exitRejected is an ingest run that wrote the graph but rejected at
	// least one input file.
	exitRejected = 3
	// exitNoMatch is a query whose start matched no node.
	exitNoMatch = 4
	// exitContinued is a verify run that found use of a revoked credential
	// after the revocation time.
	exitContinued = 5
)

// exitError carries an exit status to main. A nil err prints nothing.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return "exit status"
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }
