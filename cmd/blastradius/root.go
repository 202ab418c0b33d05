package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/internal/secret"
)

// options are the flags every command shares.
type options struct {
	db        string
	logLevel  string
	logFormat string
	format    string
	stdout    io.Writer
	stderr    io.Writer
	logger    *slog.Logger
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	o := &options{stdout: stdout, stderr: stderr}
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
			return o.setupLogger()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&o.db, "db", filepath.Join(".blastradius", "graph.db"), "path of the embedded store file")
	pf.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	pf.StringVar(&o.logFormat, "log-format", "", "log format: text or json (default text on a terminal, json otherwise)")
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
		newHealthcheckCommand(),
	)
	return root
}

func (o *options) setupLogger() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("invalid --log-level %q: use debug, info, warn or error", o.logLevel)}
	}
	format := o.logFormat
	if format == "" {
		format = "json"
		if f, ok := o.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
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

// openStore opens the embedded store file for reading and writing.
func (o *options) openStore() (graph.Store, error) {
	return memstore.Open(o.db)
}

// openExistingStore opens the store for a query and says how to create it
// when it does not exist yet.
func (o *options) openExistingStore() (graph.Store, error) {
	if _, err := os.Stat(o.db); errors.Is(err, os.ErrNotExist) {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("no graph at %s: run `blastradius ingest PATH...` first, or point --db at an existing store", o.db)}
	}
	return o.openStore()
}

// fingerprinter loads the installation's salt, kept beside the store.
func (o *options) fingerprinter() (*secret.Fingerprinter, error) {
	return secret.LoadSalt(filepath.Join(filepath.Dir(o.db), "salt"))
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
	s, err := o.openExistingStore()
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}
