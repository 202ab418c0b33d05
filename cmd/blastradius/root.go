package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/graph/neo4jstore"
	"github.com/blastradius-dev/blastradius/internal/secret"
	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// options are the flags every command shares.
type options struct {
	db        string
	store     string
	neo4jUser string
	neo4jPass string
	neo4jDB   string
	neo4jNS   string
	logLevel  string
	logFormat string
	format    string
	stdout    io.Writer
	stderr    io.Writer
	terminal  bool      // stderr is a terminal
	rawStderr io.Writer // stderr unescaped, for the progress bar's own drawing
	logger    *slog.Logger
	profile   profiler
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root, _ := newRoot(stdout, stderr)
	return root
}

// newRoot returns the root command and the options its flags fill.
func newRoot(stdout, stderr io.Writer) (*cobra.Command, *options) {
	o := &options{stdout: safeWriter{stdout}, stderr: safeWriter{stderr}, rawStderr: stderr, terminal: isTerminal(stderr)}
	root := &cobra.Command{
		Use:   "blastradius",
		Short: "Tell what a compromised dependency can reach, and in what order to revoke",
		Long: `blastradius ingests CI configuration, lockfiles, Terraform, IAM policies and
access logs into one graph, then answers for a compromised package, secret,
identity or runtime: where it ran, which credentials it could read, what
those credentials reach, which were used, and the order to contain and revoke.

Results go to stdout; logs and progress go to stderr.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := o.setupLogger(); err != nil {
				return err
			}
			return o.profile.start()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&o.db, "db", filepath.Join(".blastradius", "graph.db"), "path of the embedded store file")
	pf.StringVar(&o.store, "store", "", "graph store: empty for the embedded file (--db), or a Neo4j URI (bolt://HOST:7687, or neo4j://HOST:7687 for a cluster); the password comes from NEO4J_PASSWORD")
	pf.StringVar(&o.neo4jUser, "neo4j-user", "", "Neo4j user name (default: NEO4J_USERNAME)")
	pf.StringVar(&o.neo4jPass, "neo4j-password-file", "", "file holding the Neo4j password (default: NEO4J_PASSWORD); a file keeps it out of the process list")
	pf.StringVar(&o.neo4jDB, "neo4j-database", "neo4j", "Neo4j database name")
	pf.StringVar(&o.neo4jNS, "neo4j-namespace", "default", "namespace separating graphs that share one Neo4j database")
	pf.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	pf.StringVar(&o.logFormat, "log-format", "", "log format: text or json (default text on a terminal, json otherwise)")
	pf.StringVar(&o.profile.cpuPath, "cpuprofile", "", "write a CPU profile of the command to this file")
	pf.StringVar(&o.profile.memPath, "memprofile", "", "write an allocation profile of the command to this file")
	_ = pf.MarkHidden("cpuprofile")
	_ = pf.MarkHidden("memprofile")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	root.AddCommand(
		newIngestCommand(o),
		newQueryCommand(o),
		newPlanCommand(o),
		newServeCommand(o),
		newNodesCommand(o),
		newStatsCommand(o),
		newVerifyCommand(o),
		newHistoryCommand(o),
		newDiffCommand(o),
		newHealthcheckCommand(),
		newReviewCommand(o),
		newWhatIfCommand(o),
		newExportCommand(o),
	)
	return root, o
}

func (o *options) setupLogger() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", o.logLevel)}
	}
	format := o.logFormat
	if format == "" {
		format = "json"
		if o.terminal {
			format = "text"
		}
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch format {
	case "text":
		o.logger = slog.New(slog.NewTextHandler(o.stderr, hopts))
	case "json":
		o.logger = slog.New(slog.NewJSONHandler(o.stderr, hopts))
	default:
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid --log-format %q: use text or json", format)}
	}
	return nil
}

// usesNeo4j reports whether --store names a Neo4j server.
func (o *options) usesNeo4j() bool {
	return o.store != "" && o.store != "embedded"
}

// openStore opens the store for reading and writing.
func (o *options) openStore(ctx context.Context) (graph.Store, error) {
	if !o.usesNeo4j() {
		s, err := memstore.Open(o.db)
		if err != nil {
			return nil, err
		}
		s.SetLogger(o.logger)
		return s, nil
	}
	if !strings.Contains(o.store, "://") {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("invalid --store %q: use bolt://HOST:7687 or neo4j://HOST:7687", o.store)}
	}
	var password string
	if o.neo4jPass != "" {
		var err error
		if password, err = readPasswordFile(o.neo4jPass); err != nil {
			return nil, fmt.Errorf("read --neo4j-password-file: %w", err)
		}
	}
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{
		URI:       o.store,
		Username:  o.neo4jUser,
		Password:  password,
		Database:  o.neo4jDB,
		Namespace: o.neo4jNS,
		Logger:    o.logger,
	})
	if errors.Is(err, neo4jstore.ErrInvalidURI) {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("invalid --store: %w: use bolt://HOST:7687 or neo4j://HOST:7687 (bolt+s:// or neo4j+s:// for TLS)", err)}
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// openExistingStore opens the store for a query and says how to create it
// when it does not exist yet.
func (o *options) openExistingStore(ctx context.Context) (graph.Store, error) {
	o.warnRejected(o.stderr)
	if o.usesNeo4j() {
		return o.openStore(ctx)
	}
	if _, err := os.Stat(o.db); errors.Is(err, os.ErrNotExist) {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("no graph at %s: run `blastradius ingest PATH...` first, or point --db at an existing store", o.db)}
	}
	return o.openStore(ctx)
}

// fingerprinter loads the installation's salt, kept beside the store,
// and makes one when there is none. A new salt beside an embedded store
// that already exists gives its literal secrets new fingerprints, so the
// run warns.
func (o *options) fingerprinter() (*secret.Fingerprinter, error) {
	path := o.saltPath()
	_, saltErr := os.Stat(path)
	fp, err := secret.LoadSalt(path)
	if err != nil {
		return nil, err
	}
	if errors.Is(saltErr, fs.ErrNotExist) && o.store == "" {
		if _, err := os.Stat(o.db); err == nil {
			o.logger.Warn("fingerprint salt not found beside an existing store, so a new one was made",
				"salt", path, "db", o.db,
				"effect", "literal secrets read before get new fingerprints, and review --compare reports them as rotated",
				"fix", "put the store's old salt file back before the next ingest")
		}
	}
	return fp, nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return &exitError{code: exitUsage, err: fmt.Errorf("invalid --format %q: use %s", format, strings.Join(allowed, ", "))}
}

func withStore(ctx context.Context, o *options, fn func(graph.Store) error) error {
	s, err := o.openExistingStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

// usageArgs turns cobra's argument errors into usage errors (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// saltPath returns the file that holds the salt of fingerprints, beside the
// embedded store's file.
func (o *options) saltPath() string { return filepath.Join(filepath.Dir(o.db), "salt") }

// readPasswordFile returns the password a file holds, without its line end
// or a byte order mark. A file that Windows PowerShell 5.1 wrote with > is
// UTF-16 and is decoded.
func readPasswordFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(textenc.Bytes(data)), "\r\n"), nil
}
