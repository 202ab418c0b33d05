package schema

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/blastradius-dev/blastradius/graph"
)

// SDL is the schema in GraphQL's schema definition language.
//
//go:embed schema.graphql
var SDL string

// Defaults of Options.
const (
	DefaultMaxDepth       = 12
	DefaultMaxQueryBytes  = 64 << 10
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxResults     = 10000
)

// Options are the limits on one request and the rules on who may send
// it. Zero fields take the defaults above.
type Options struct {
	// MaxDepth is the deepest field nesting a query document may have.
	MaxDepth int
	// MaxQueryBytes is the longest query document accepted.
	MaxQueryBytes int
	// MaxBodyBytes is the largest POST body read. Larger bodies get status
	// 413.
	MaxBodyBytes int64
	// RequestTimeout ends a request that runs longer with a TIMEOUT error.
	RequestTimeout time.Duration
	// MaxResults caps the length of BlastRadius.reached and Node.edges.
	MaxResults int
	// Logger receives one access line per request (see [AccessLog]) and
	// the details of internal errors. A nil Logger discards them. No line
	// contains the query document or its variables.
	Logger *slog.Logger
	// Token, when set, is required on /graphql as
	// "Authorization: Bearer TOKEN". The explorer page itself is public.
	Token string
	// AllowedHosts lists the Host header values (without port) accepted,
	// an IPv6 address with or without its brackets.
	// Empty accepts loopback addresses and "localhost" only, and "*"
	// accepts any host. Requests naming another host get status 403.
	AllowedHosts []string
	// Derive re-derives the linker's edges for whatIf edits that change a
	// policy or a trust; nil leaves those edges as the store holds them.
	Derive graph.DeriveFunc
}

func (o Options) withDefaults() Options {
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxQueryBytes <= 0 {
		o.MaxQueryBytes = DefaultMaxQueryBytes
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MaxResults <= 0 {
		o.MaxResults = DefaultMaxResults
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// handler serves the API and the explorer page.
type handler struct {
	opt    Options
	schema *graphql.Schema
}

// NewHandler returns the handler of `blastradius serve`: POST and GET
// /graphql run queries over store, and GET / serves the explorer page.
// It logs each request through [AccessLog] with Options.Logger, unless an
// AccessLog around it logs the request already.
func NewHandler(store graph.Reader, opt Options) http.Handler {
	opt = opt.withDefaults()
	root := &resolver{store: store, maxResults: opt.MaxResults, timeout: opt.RequestTimeout, log: opt.Logger,
		slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), reviewDeps: reviewDeps{derive: opt.Derive, reviews: &reviewCache{}}}
	s := graphql.MustParseSchema(SDL, root,
		graphql.UseStringDescriptions(),
		graphql.UseFieldResolvers(),
		graphql.MaxDepth(opt.MaxDepth),
		graphql.MaxQueryLength(opt.MaxQueryBytes),
		graphql.PanicHandler(panicHandler{}),
		graphql.Logger(panicLogger{log: opt.Logger}),
	)
	return AccessLog(opt.Logger, &handler{opt: opt, schema: s})
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.opt.Logger.LogAttrs(r.Context(), slog.LevelError, "handler panicked", slog.String("panic", fmt.Sprint(v)))
			if rec.status == 0 {
				writeError(rec, http.StatusInternalServerError, CodeInternal, internalMessage)
			}
		}
	}()
	h.serve(rec, r)
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !HostAllowed(h.opt.AllowedHosts, r.Host) {
		ForbidHost(w)
		return
	}
	switch r.URL.Path {
	case "/graphql":
		h.serveGraphQL(w, r)
	case "/":
		serveAsset(w, r, "text/html; charset=utf-8", explorerHTML)
	case "/explorer.js":
		serveAsset(w, r, "text/javascript; charset=utf-8", explorerJS)
	case "/explorer.css":
		serveAsset(w, r, "text/css; charset=utf-8", explorerCSS)
	default:
		http.NotFound(w, r)
	}
}

// HostAllowed checks a request's Host header against a server's allowed
// host names (see Options.AllowedHosts), so that a server rejects a web
// page on another origin whose name resolves to it (DNS rebinding).
func HostAllowed(allowed []string, hostport string) bool {
	host := hostport
	if hh, _, err := net.SplitHostPort(hostport); err == nil {
		host = hh
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if len(allowed) == 0 {
		if strings.EqualFold(host, "localhost") {
			return true
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	for _, a := range allowed {
		// An IPv6 address may be listed as the Host header writes it.
		a = strings.TrimSuffix(strings.TrimPrefix(a, "["), "]")
		if a == "*" || strings.EqualFold(a, host) {
			return true
		}
	}
	return false
}

// ForbidHost writes the 403 response for a request whose Host header
// HostAllowed rejects.
func ForbidHost(w http.ResponseWriter) {
	http.Error(w, "forbidden host: the server accepts only its configured host names", http.StatusForbidden)
}

// request is the body of a GraphQL request.
type request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (h *handler) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.opt.Token != "" && !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="blastradius"`)
		writeError(w, http.StatusUnauthorized, CodeUnauthenticated, "missing or invalid bearer token: send Authorization: Bearer TOKEN")
		return
	}
	var req request
	switch r.Method {
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, CodeBadInput, "unsupported content type: send Content-Type: application/json")
			return
		}
		body := http.MaxBytesReader(w, r.Body, h.opt.MaxBodyBytes)
		if err := json.NewDecoder(body).Decode(&req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, CodeBadInput,
					fmt.Sprintf("request body is larger than %d bytes", h.opt.MaxBodyBytes))
				return
			}
			writeError(w, http.StatusBadRequest, CodeBadInput, "invalid request body: expected a JSON object with query, variables and operationName")
			return
		}
	case http.MethodGet:
		q := r.URL.Query()
		req.Query = q.Get("query")
		req.OperationName = q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				writeError(w, http.StatusBadRequest, CodeBadInput, "invalid variables: expected a JSON object")
				return
			}
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		writeError(w, http.StatusMethodNotAllowed, CodeBadInput, "method not allowed: use GET or POST")
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		writeError(w, http.StatusBadRequest, CodeBadInput, "missing query: send a GraphQL document in query")
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.opt.RequestTimeout)
	defer cancel()
	budget := &atomic.Int32{}
	budget.Store(MaxTraversalsPerRequest)
	ctx = context.WithValue(ctx, budgetKey{}, budget)
	// The handler responds at the deadline even when a resolver is still
	// busy, as a what-if re-deriving a large graph may be, because the
	// server's write timeout would drop a later response. The resolver
	// stops at its next check of the context.
	type outcome struct {
		resp     *graphql.Response
		panicked any
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- outcome{panicked: v}
			}
		}()
		done <- outcome{resp: h.schema.Exec(ctx, req.Query, req.OperationName, req.Variables)}
	}()
	select {
	case out := <-done:
		if out.panicked != nil {
			panic(out.panicked)
		}
		finishErrors(ctx, h.opt.RequestTimeout, out.resp.Errors)
		writeJSON(w, http.StatusOK, out.resp)
	case <-ctx.Done():
		e := timeoutError(ctx.Err(), h.opt.RequestTimeout)
		writeError(w, http.StatusOK, e.code, e.msg)
	}
}

func (h *handler) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(h.opt.Token)) == 1
}

// writeError responds to a request that never reached the GraphQL
// engine, in the shape of a GraphQL response.
func writeError(w http.ResponseWriter, status int, code Code, msg string) {
	resp := graphql.Response{Errors: []*gqlerrors.QueryError{{Message: msg, Extensions: map[string]any{"code": string(code)}}}}
	writeJSON(w, status, &resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"` + internalMessage + `","extensions":{"code":"INTERNAL"}}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
