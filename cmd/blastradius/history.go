package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/history"
)

// withSnapshots adds --keep and --retain to ingest and records a snapshot
// of the embedded store after every run that wrote the graph, rejected
// files or not. The Neo4j store keeps no history.
func withSnapshots(cmd *cobra.Command, o *options) {
	var keep int
	var retain string
	f := cmd.Flags()
	f.IntVar(&keep, "keep", history.DefaultRetention.Keep, "snapshots to keep in the store's history (DB.history), newest first; 0 keeps every one")
	f.StringVar(&retain, "retain", "90d", "remove snapshots older than this, counted from the newest (90d, 720h); 0 keeps any age")
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if keep < 0 {
			return &exitError{code: exitUsage, err: fmt.Errorf("invalid --keep %d: use 0 (keep every snapshot) or more", keep)}
		}
		age, err := history.ParseAge(retain)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("invalid --retain: %w", err)}
		}
		err = run(c, args)
		var ee *exitError
		if err != nil && !(errors.As(err, &ee) && ee.code == exitRejected) {
			return err
		}
		if o.usesNeo4j() {
			o.logger.Debug("no snapshot taken: the Neo4j store keeps no history")
			return err
		}
		if serr := o.recordSnapshot(history.Retention{Keep: keep, MaxAge: age}); serr != nil {
			return serr
		}
		return err
	}
}

// recordSnapshot links the store file into its history. It holds the
// ingest lock, so the snapshot is the graph current at its time.
func (o *options) recordSnapshot(ret history.Retention) error {
	unlock, err := memstore.Lock(o.db)
	if err != nil {
		return err
	}
	defer unlock()
	snap, removed, err := history.Record(o.db, time.Now(), ret)
	if err != nil {
		return fmt.Errorf("the graph was written, but its snapshot was not: %w", err)
	}
	o.logger.Info("snapshot recorded", "snapshot", snap.Time.Format(time.RFC3339), "file", snap.Path, "removed", len(removed))
	if snap.Replaced {
		o.logger.Warn("snapshot replaced the one an earlier run took in the same second: the history keeps one graph per second, so the graph before this run is not kept",
			"snapshot", snap.Time.Format(time.RFC3339))
	}
	return nil
}

// withAsOf adds --as-of to a command that reads the graph: the command
// then reads the latest snapshot taken at or before that time, read-only.
func withAsOf(cmd *cobra.Command, o *options) {
	var asOf string
	cmd.Flags().StringVar(&asOf, "as-of", "", "read the graph as the last ingest run at or before this time (RFC 3339) left it, from the store's history (DB.history)")
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if asOf != "" {
			snap, err := o.snapshotAt("--as-of", asOf)
			if err != nil {
				return err
			}
			// The list of rejected files is the last ingest's, and the
			// latest snapshot is that ingest's graph.
			if o.latestSnapshot(snap) {
				o.warnRejected(o.stderr)
			}
			o.logger.Info("reading snapshot", "snapshot", snap.Time.Format(time.RFC3339), "file", snap.Path)
			o.db = snap.Path
		}
		return run(c, args)
	}
}

// snapshotAt resolves a time flag to a snapshot of the embedded store.
// latestSnapshot reports whether snap is the store's latest snapshot,
// the graph of the last ingest.
func (o *options) latestSnapshot(snap history.Snapshot) bool {
	list, err := history.List(o.db)
	return err == nil && len(list) > 0 && list[len(list)-1].Path == snap.Path
}

func (o *options) snapshotAt(flag, value string) (history.Snapshot, error) {
	if o.usesNeo4j() {
		return history.Snapshot{}, &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", flag, history.ErrNoHistory)}
	}
	t, err := history.ParseTime(value)
	if err != nil {
		return history.Snapshot{}, &exitError{code: exitUsage, err: fmt.Errorf("invalid %s: %w", flag, err)}
	}
	snap, err := history.At(o.db, t)
	if errors.Is(err, history.ErrNoSnapshot) {
		return snap, &exitError{code: exitFailure, err: fmt.Errorf("%s %s: %w", flag, value, err)}
	}
	return snap, err
}

func newHistoryCommand(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the snapshots of the graph, one per ingest run",
		Long: `history lists the snapshots the embedded store keeps in DB.history, oldest
first: one per ingest run, named by the time of the run. --as-of TIME on
query, plan and serve reads the latest snapshot at or before TIME, and diff
compares two of them. ingest's --keep and --retain say how many to keep.

The Neo4j store keeps no history.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json"); err != nil {
				return err
			}
			if o.usesNeo4j() {
				return &exitError{code: exitUsage, err: history.ErrNoHistory}
			}
			list, err := history.List(o.db)
			if err != nil {
				return err
			}
			// The latest snapshot lacks the facts of the files the last
			// ingest rejected.
			o.warnRejected(o.stderr)
			return renderHistory(o.stdout, o.format, list)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table or json")
	return cmd
}

func renderHistory(w io.Writer, format string, list []history.Snapshot) error {
	if format == "json" {
		if list == nil {
			list = []history.Snapshot{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "no snapshots yet: every ingest run into the embedded store records one")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSIZE\tFILE")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Time.Format(time.RFC3339), byteSize(s.Size), s.Path)
	}
	return tw.Flush()
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
