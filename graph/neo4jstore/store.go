// Package neo4jstore is the graph store on a Neo4j 5 server, Community
// edition or larger. It is tested with Neo4j 5.26; its Cypher uses the
// variable scope clause of CALL subqueries (CALL (n) { ... }), which early
// 5.x releases lack.
//
// It keeps the facts of each source apart as the embedded store does, and
// returns the same nodes and edges for the same writes. Several stores can
// share one database: each has a namespace, every node carries it in
// property ns, and every query filters by it.
//
// # Model in Neo4j
//
// A node has labels Node and its kind (Package, Secret, ...) and the
// properties key (namespace, NUL, id; unique), ns, id, kind, label, pos,
// also, firstSeen, lastSeen (datetimes), sources (the sources that assert
// it), facts (JSON: the facts of each source) and one property a_NAME per
// merged attribute NAME. An edge is a relationship typed by its kind
// (EXECUTES, CAN_ASSUME, ...) with confidence, pos, also, firstSeen,
// lastSeen, sources, facts, evidence (JSON) and a_NAME attributes. Reads
// decode facts; the other properties restate the merged view for Cypher
// and Neo4j Browser. A node that no source asserts but that an edge still
// joins is kept as a bare Node with only key, ns and id, and reads skip it.
// One StoreMeta node per namespace holds the time of the last write and
// serialises writers.
//
// # Atomic writes
//
// Write runs in one managed write transaction: readers see all of a run or
// none of it, and an error, a cancelled context or a lost client leaves the
// previous graph (the server rolls the transaction back). The derive
// function reads through that transaction, so it sees the batch before
// anyone else does. The driver retries transient failures by running the
// whole transaction again, derive included.
//
// A Write holds the whole run in one server transaction, so the server's
// transaction memory (dbms.memory.transaction.total.max) bounds the size
// of one ingest run.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/blastradius-dev/blastradius/graph"
)

// Config is the connection and layout settings of a store.
type Config struct {
	// URI is bolt://host:port for one server or neo4j://host:port for a
	// cluster (routing).
	URI string
	// Username and Password default to the environment variables
	// NEO4J_USERNAME and NEO4J_PASSWORD; when both are empty the store
	// connects without authentication.
	Username string
	Password string
	// Database defaults to "neo4j".
	Database string
	// Namespace separates stores that share a database; it defaults to
	// "default".
	Namespace string
	// BatchSize bounds the rows of one UNWIND statement; it defaults to 5000.
	BatchSize int
	// Logger receives one line per write with its counts and duration; nil
	// discards them.
	Logger *slog.Logger
	// ReadTimeout and WriteTimeout bound one read call and one write when
	// the caller's context has no deadline, so that a server lost in a
	// network partition gives an error instead of a hang. They default to
	// 2 minutes and 1 hour.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
}

// Timeouts that keep a lost server from hanging a caller.
//
// A server that vanishes without closing its connections (a network
// partition) stalls a call in progress until its deadline: the caller's, or
// Config.ReadTimeout and Config.WriteTimeout.
const (
	// verifyTimeout bounds the connectivity check of Open.
	verifyTimeout = 10 * time.Second
	// socketConnectTimeout bounds one TCP connect.
	socketConnectTimeout = 5 * time.Second
	// acquireTimeout bounds the wait for a pooled or new connection.
	acquireTimeout = 30 * time.Second
	// retryTime bounds the retries of one transaction after transient
	// errors.
	retryTime = 30 * time.Second
)

// Store is a graph.Store on a Neo4j server. It is safe for concurrent use.
type Store struct {
	drv   neo4j.DriverWithContext
	db    string
	ns    string
	batch int
	log   *slog.Logger

	readTimeout, writeTimeout time.Duration
}

var _ graph.Store = (*Store)(nil)

// ErrInvalidURI marks an error from Open for a URI the driver cannot use,
// such as one with an unsupported scheme. Open returns it before dialing.
var ErrInvalidURI = errors.New("invalid Neo4j URI")

// Open connects to the server, checks that it responds and creates the
// constraints and the index the store relies on.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("open neo4j store: no URI")
	}
	where := redactURI(cfg.URI)
	user, pass := cfg.Username, cfg.Password
	if user == "" {
		user = os.Getenv("NEO4J_USERNAME")
	}
	if pass == "" {
		pass = os.Getenv("NEO4J_PASSWORD")
	}
	token := neo4j.NoAuth()
	if user != "" || pass != "" {
		token = neo4j.BasicAuth(user, pass, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, token, func(c *config.Config) {
		c.SocketConnectTimeout = socketConnectTimeout
		c.ConnectionAcquisitionTimeout = acquireTimeout
		c.MaxTransactionRetryTime = retryTime
		c.SocketKeepalive = true
	})
	if err != nil {
		var usage *neo4j.UsageError
		if errors.As(err, &usage) {
			return nil, fmt.Errorf("open neo4j store at %s: %w: %w", where, ErrInvalidURI, err)
		}
		return nil, fmt.Errorf("open neo4j store at %s: %w", where, err)
	}
	s := &Store{drv: drv, db: cfg.Database, ns: cfg.Namespace, batch: cfg.BatchSize, log: cfg.Logger}
	if s.db == "" {
		s.db = "neo4j"
	}
	if s.ns == "" {
		s.ns = "default"
	}
	if s.batch <= 0 {
		s.batch = 5000
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.readTimeout, s.writeTimeout = cfg.ReadTimeout, cfg.WriteTimeout
	if s.readTimeout <= 0 {
		s.readTimeout = 2 * time.Minute
	}
	if s.writeTimeout <= 0 {
		s.writeTimeout = time.Hour
	}

	vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	if err := drv.VerifyConnectivity(vctx); err != nil {
		drv.Close(context.Background())
		return nil, fmt.Errorf("connect to neo4j at %s: %w: check that a Neo4j server runs there and accepts the given user and password", where, err)
	}
	if err := s.createSchema(vctx); err != nil {
		drv.Close(context.Background())
		return nil, fmt.Errorf("prepare neo4j database %s at %s: %w", s.db, where, err)
	}
	return s, nil
}

// redactURI hides a password written into the URI.
func redactURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the configured URI"
	}
	return u.Redacted()
}

var schema = []string{
	"CREATE CONSTRAINT blastradius_node_key IF NOT EXISTS FOR (n:Node) REQUIRE n.key IS UNIQUE",
	"CREATE INDEX blastradius_node_ns IF NOT EXISTS FOR (n:Node) ON (n.ns)",
	"CREATE CONSTRAINT blastradius_meta_ns IF NOT EXISTS FOR (m:StoreMeta) REQUIRE m.ns IS UNIQUE",
}

// createSchema creates the constraints and the index, one auto-commit
// statement each, and waits until they are online.
func (s *Store) createSchema(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	for _, stmt := range schema {
		res, err := sess.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil && !schemaExists(err) {
			return err
		}
	}
	res, err := sess.Run(ctx, "CALL db.awaitIndexes(60)", nil)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// schemaExists reports the error of a CREATE ... IF NOT EXISTS that lost a
// race with another client creating the same rule.
func schemaExists(err error) bool {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) {
		return false
	}
	switch ne.Code {
	case "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
		"Neo.ClientError.Schema.ConstraintAlreadyExists",
		"Neo.ClientError.Schema.IndexAlreadyExists":
		return true
	}
	return false
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// Namespace returns the namespace the store reads and writes.
func (s *Store) Namespace() string { return s.ns }

// Close closes the connections to the server.
func (s *Store) Close() error {
	return s.drv.Close(context.Background())
}

// Drop deletes every node and edge of the store's namespace, in batches of
// their own transactions so that a large graph does not exhaust the
// server's transaction memory. Other namespaces are left alone.
func (s *Store) Drop(ctx context.Context) error { return s.BulkDrop(ctx) }

// bounded gives ctx a deadline of d when it has none.
func bounded(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}
