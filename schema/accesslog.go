package schema

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// loggedKey marks a request's context once an AccessLog handler has taken
// charge of its line.
type loggedKey struct{}

// AccessLog wraps next so that log receives one line per request, written
// when next returns. The line gives the method, the Host header, the client
// address, the status sent, the time taken and the size of the body. Its
// path is the one the client sent, before a handler such as
// http.StripPrefix rewrites it. The query string is left out because it
// may contain a GraphQL document. Requests that next rejects, such as a
// foreign Host header's 403, get a line like any other. An AccessLog
// inside another one leaves the line to the outer one, so each request is
// logged once. A nil log discards the lines.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(loggedKey{}) != nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		method, path, host, remote := r.Method, r.URL.Path, r.Host, r.RemoteAddr
		rec := &recorder{ResponseWriter: w}
		defer func() {
			// A panic that reaches this far aborts the response. The
			// line still records the request, with the status written
			// before the panic (0 for none).
			v := recover()
			status := rec.statusCode()
			if v != nil {
				status = rec.status
			}
			attrs := []slog.Attr{
				slog.String("method", method),
				slog.String("path", path),
				slog.String("host", host),
				slog.String("remote", remote),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
				slog.Int64("bytes", rec.bytes),
			}
			if v != nil {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "http request", attrs...)
			if v != nil {
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), loggedKey{}, true)))
	})
}

// recorder notes the status and size of a response for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the writer underneath.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// statusCode is the status net/http sends: 200 when the handler wrote
// nothing.
func (r *recorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}
