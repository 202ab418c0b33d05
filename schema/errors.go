package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/blastradius-dev/blastradius/query"
)

// Code classifies an error for clients, in extensions.code.
type Code string

// Error codes.
const (
	// CodeNotFound: the start matched no node of the graph.
	CodeNotFound Code = "NOT_FOUND"
	// CodeBadInput: the request, the query document or an argument is
	// malformed or out of range.
	CodeBadInput Code = "BAD_INPUT"
	// CodeTimeout: the request ran past Options.RequestTimeout or was
	// cancelled.
	CodeTimeout Code = "TIMEOUT"
	// CodeInternal: the server failed, and its log has the details.
	CodeInternal Code = "INTERNAL"
	// CodeUnauthenticated: Options.Token is set and the request does not
	// carry it.
	CodeUnauthenticated Code = "UNAUTHENTICATED"
)

// codedError is an error whose message is safe to show to the client.
type codedError struct {
	code Code
	msg  string
}

func (e *codedError) Error() string { return e.msg }

// Extensions puts the code in the GraphQL error's extensions.
func (e *codedError) Extensions() map[string]any { return map[string]any{"code": string(e.code)} }

func badInput(format string, args ...any) error {
	return &codedError{code: CodeBadInput, msg: fmt.Sprintf(format, args...)}
}

// internalMessage replaces the text of unexpected errors, which may name
// files or quote what a store returned.
const internalMessage = "internal error: the server log has the details"

// classify turns an error of the query layer into one a client may see.
// Unexpected errors are logged in full and reported as INTERNAL.
func classify(ctx context.Context, log *slog.Logger, limit time.Duration, err error) error {
	var ce *codedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, query.ErrNoMatch):
		return &codedError{code: CodeNotFound, msg: err.Error()}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return timeoutError(err, limit)
	}
	log.LogAttrs(ctx, slog.LevelError, "resolver failed", slog.String("error", err.Error()))
	return &codedError{code: CodeInternal, msg: internalMessage}
}

// timeoutError reports a request that ran out of time or whose client
// went away; limit is Options.RequestTimeout.
func timeoutError(err error, limit time.Duration) *codedError {
	if errors.Is(err, context.Canceled) {
		return &codedError{code: CodeTimeout, msg: "request canceled by the client"}
	}
	return &codedError{code: CodeTimeout, msg: fmt.Sprintf("request timed out after %v: ask for a smaller maxDepth or fewer fields, or run the server with a longer --timeout (a what-if that edits a policy or a trust re-derives the whole graph)", limit)}
}

// panicHandler turns a panic inside a resolver into an INTERNAL error
// without the panic value, which may quote data.
type panicHandler struct{}

func (panicHandler) MakePanicError(context.Context, any) *gqlerrors.QueryError {
	return &gqlerrors.QueryError{Message: internalMessage, Extensions: map[string]any{"code": string(CodeInternal)}}
}

// panicLogger logs a resolver's panic without a stack trace.
type panicLogger struct{ log *slog.Logger }

func (l panicLogger) LogPanic(ctx context.Context, value any) {
	l.log.LogAttrs(ctx, slog.LevelError, "resolver panicked", slog.String("panic", fmt.Sprint(value)))
}

// finishErrors gives every error of a response a code. Errors that the
// resolvers raised carry one already, and the rest come from parsing and
// validating the document, or from the deadline.
func finishErrors(ctx context.Context, limit time.Duration, errs []*gqlerrors.QueryError) {
	for _, e := range errs {
		if _, ok := e.Extensions["code"]; ok {
			continue
		}
		if err := ctx.Err(); err != nil {
			te := timeoutError(err, limit)
			e.Message = te.msg
			e.Extensions = te.Extensions()
			continue
		}
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		e.Extensions["code"] = string(CodeBadInput)
	}
}
