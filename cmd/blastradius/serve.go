package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/schema"
	"github.com/blastradius-dev/blastradius/web"
)

func newServeCommand(o *options) *cobra.Command {
	var listen string
	var allowedHosts []string
	var timeout time.Duration
	var asOf string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web view and the GraphQL API",
		Long: `serve answers GraphQL queries (blastRadius, revocationPlan, node, stats,
review, whatIf, snapshots, diff) at /graphql, serves a web view at / that draws the blast
radius of a package, secret, identity or runtime with its revocation plan,
and the GraphQL explorer at /explorer/; nothing is loaded from the
internet. It listens on loopback by default. On any other address it
requires a bearer token, read from the BLASTRADIUS_TOKEN environment
variable, and accepts only the host names given with --allowed-host.

The embedded store file is re-read when an ingest run replaces it. With
--as-of TIME the server reads the snapshot current at TIME instead.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			token := os.Getenv("BLASTRADIUS_TOKEN")
			loopback, err := isLoopback(listen)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			if !loopback && token == "" {
				return &exitError{code: exitUsage, err: fmt.Errorf("--listen %s is not a loopback address: set BLASTRADIUS_TOKEN to require a bearer token", listen)}
			}
			for _, h := range allowedHosts {
				// The Host header's port is dropped before the names are
				// compared, so a name with a port would match nothing.
				if _, port, err := net.SplitHostPort(h); err == nil && port != "" {
					return &exitError{code: exitUsage, err: fmt.Errorf("invalid --allowed-host %q: give the host name without its port", h)}
				}
			}
			reader, closeStore, err := o.serveReader(cmd.Context(), asOf)
			if err != nil {
				return err
			}
			defer closeStore()
			h := schema.NewHandler(reader, schema.Options{
				Logger:         o.logger,
				Token:          token,
				AllowedHosts:   allowedHosts,
				RequestTimeout: timeout,
				Derive:         (&link.Linker{}).Derive,
			})
			mux := http.NewServeMux()
			mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				fmt.Fprintln(w, "ok")
			})
			mux.Handle("/graphql", h)
			// The schema's own explorer page, at /explorer/: its script
			// sends queries to the relative path graphql, which lands on
			// /graphql once the prefix is stripped.
			mux.Handle("/explorer/", http.StripPrefix("/explorer", h))
			// The page checks the Host header as the API does, so that a
			// rebinding name gets neither.
			page := web.Handler()
			mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !schema.HostAllowed(allowedHosts, r.Host) {
					schema.ForbidHost(w)
					return
				}
				page.ServeHTTP(w, r)
			}))
			// The access log wraps the whole mux so that every request
			// gets one line with the path the client sent. That includes
			// rejected requests and /explorer/, whose prefix the mux
			// strips. The API's handler inside it then logs nothing itself.
			return serveHTTP(cmd.Context(), o, listen, schema.AccessLog(o.logger, mux), timeout)
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "address to listen on (host:port)")
	f.StringArrayVar(&allowedHosts, "allowed-host", nil, "host name, without its port, that clients may use to reach the server; repeatable. Without it, only loopback addresses and localhost are accepted; with it, only the names given")
	f.DurationVar(&timeout, "timeout", schema.DefaultRequestTimeout, "time limit of one request")
	f.StringVar(&asOf, "as-of", "", "serve the graph as the last ingest run at or before this time (RFC 3339) left it, from the store's history (DB.history)")
	return cmd
}

// serveHTTP runs the server until ctx is cancelled, then shuts it down,
// letting requests in flight finish for up to 10 seconds.
func serveHTTP(ctx context.Context, o *options, listen string, h http.Handler, timeout time.Duration) error {
	srv := &http.Server{
		Addr:              listen,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", listen, err)
	}
	o.logger.Info("server listening", "address", ln.Addr().String(), "graphql", "http://"+ln.Addr().String()+"/graphql")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	o.logger.Info("server stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down server: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	o.logger.Info("server stopped")
	return nil
}

func isLoopback(listen string) (bool, error) {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false, fmt.Errorf("invalid --listen %q: use host:port, e.g. 127.0.0.1:8080", listen)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback(), nil
}

// serveReader returns the reader the server queries: the Neo4j
// store, or the embedded store file, re-opened when an ingest run
// replaces it, or with asOf the snapshot current at that time. The
// embedded store's reader offers its history to the snapshots and diff
// queries.
func (o *options) serveReader(ctx context.Context, asOf string) (graph.Reader, func(), error) {
	db := o.db
	if asOf != "" {
		snap, err := o.snapshotAt("--as-of", asOf)
		if err != nil {
			return nil, nil, err
		}
		o.logger.Info("serving snapshot", "snapshot", snap.Time.Format(time.RFC3339), "file", snap.Path)
		o.db = snap.Path
		defer func() { o.db = db }()
	}
	s, err := o.openExistingStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	if o.usesNeo4j() {
		// Neo4j serves every committed run to every reader already.
		return s, func() { s.Close() }, nil
	}
	info, err := os.Stat(o.db)
	if err != nil {
		return nil, nil, err
	}
	r := &reloadingReader{path: o.db, history: db, store: s, mod: info.ModTime(), size: info.Size(), logger: o}
	return r, func() { r.current().Close() }, nil
}

// reloadingReader reads from a store file and re-opens it, at most once a
// second, when the file on disk changes.
type reloadingReader struct {
	path    string
	history string // the store file whose snapshots HistoryDB names
	logger  *options

	mu      sync.Mutex
	store   graph.Store
	mod     time.Time
	size    int64
	checked time.Time
}

func (r *reloadingReader) current() graph.Store {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < time.Second {
		return r.store
	}
	r.checked = time.Now()
	info, err := os.Stat(r.path)
	if err != nil || (info.ModTime().Equal(r.mod) && info.Size() == r.size) {
		return r.store
	}
	s, err := memstore.Open(r.path)
	if err != nil {
		r.logger.logger.Warn("store file changed but could not be read; still serving the previous graph", "file", r.path, "error", err)
		return r.store
	}
	r.store, r.mod, r.size = s, info.ModTime(), info.Size()
	r.logger.logger.Info("store file re-read", "file", r.path)
	return s
}

// Rows gives the rows of the current store file, so that a blast radius
// walks them as it does from the command line (query.RowsReader).
func (r *reloadingReader) Rows() *memstore.Rows {
	if s, ok := r.current().(*memstore.Store); ok {
		return s.Rows()
	}
	return nil
}

// HistoryDB names the store file whose snapshots the API lists.
func (r *reloadingReader) HistoryDB() string { return r.history }

func (r *reloadingReader) Nodes(ctx context.Context, ids []string) ([]graph.Node, error) {
	return r.current().Nodes(ctx, ids)
}

func (r *reloadingReader) NodesByKind(ctx context.Context, kind graph.NodeKind) ([]graph.Node, error) {
	return r.current().NodesByKind(ctx, kind)
}

func (r *reloadingReader) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	return r.current().Expand(ctx, ids, dir, kinds...)
}

func (r *reloadingReader) EdgesByKind(ctx context.Context, kind graph.EdgeKind) ([]graph.Edge, error) {
	return r.current().EdgesByKind(ctx, kind)
}

func (r *reloadingReader) Stats(ctx context.Context) (graph.Stats, error) {
	return r.current().Stats(ctx)
}

func newHealthcheckCommand() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:    "healthcheck",
		Short:  "Exit 0 when the server at --url answers 200 (for container health checks)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			client := &http.Client{Timeout: 5 * time.Second}
			resp, err := client.Get(url)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("health check of %s: status %d", url, resp.StatusCode)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "http://127.0.0.1:8080/healthz", "health endpoint to check")
	return cmd
}
