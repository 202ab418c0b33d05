package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/history"
	"github.com/blastradius-dev/blastradius/query"
)

func newDiffCommand(o *options) *cobra.Command {
	var from, to string
	var packages []string
	var depth int
	cmd := &cobra.Command{
		Use:   "diff --from TIME [--to TIME] [--package PURL]",
		Short: "List what changed in the graph between two snapshots",
		Long: `diff compares the snapshot current at --from with the one current at --to
(default: the latest): nodes and edges added and removed and, for
--package, the blast-radius paths added and removed. A path is the
explaining path of one reached node; a node reached along another path
shows as one path removed and one added.

Times are RFC 3339, or now. blastradius history lists the snapshots.`,
		Example: `  blastradius diff --from 2026-11-01T00:00:00Z
  blastradius diff --from 2026-11-01T00:00:00Z --to 2026-11-03T00:00:00Z --package pkg:npm/color-streamer@2.4.1`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json"); err != nil {
				return err
			}
			if from == "" {
				return &exitError{code: exitUsage, err: errors.New("name the older time with --from (RFC 3339); blastradius history lists the snapshots")}
			}
			if depth < 1 || depth > 64 {
				return &exitError{code: exitUsage, err: fmt.Errorf("invalid --depth %d: use 1 to 64", depth)}
			}
			start := query.Start{Packages: packages}
			for _, p := range packages {
				if _, err := query.ParsePackage(p); err != nil {
					return &exitError{code: exitUsage, err: err}
				}
			}
			older, err := o.snapshotAt("--from", from)
			if err != nil {
				return err
			}
			newer, err := o.snapshotAt("--to", to)
			if err != nil {
				return err
			}
			if o.latestSnapshot(newer) {
				o.warnRejected(o.stderr)
			}
			a, err := history.Open(older)
			if err != nil {
				return err
			}
			defer a.Close()
			b, err := history.Open(newer)
			if err != nil {
				return err
			}
			defer b.Close()
			d, err := history.Compare(cmd.Context(), a, b, start, query.Options{MaxDepth: depth})
			if errors.Is(err, query.ErrNoMatch) {
				return &exitError{code: exitNoMatch, err: err}
			}
			if err != nil {
				return err
			}
			d.From, d.To = older, newer
			return renderDiff(o.stdout, o.format, d)
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "older time, RFC 3339: its snapshot is the latest at or before it")
	f.StringVar(&to, "to", "now", "newer time, RFC 3339 or now")
	f.StringArrayVar(&packages, "package", nil, "also compare the blast radius of this package (purl, as for query); repeatable")
	f.IntVar(&depth, "depth", query.DefaultMaxDepth, "maximum path length of the compared blast radius")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	return cmd
}

func renderDiff(w io.Writer, format string, d *history.Diff) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	fmt.Fprintf(w, "DIFF %s -> %s\n", d.From.Time.Format(time.RFC3339), d.To.Time.Format(time.RFC3339))
	if d.From.Path == d.To.Path {
		fmt.Fprintln(w, "both times fall on the same snapshot")
	}
	fmt.Fprintf(w, "nodes: +%d -%d  edges: +%d -%d", len(d.NodesAdded), len(d.NodesRemoved), len(d.EdgesAdded), len(d.EdgesRemoved))
	if d.Query != "" {
		fmt.Fprintf(w, "  paths of %s: +%d -%d", d.Query, len(d.PathsAdded), len(d.PathsRemoved))
	}
	fmt.Fprintln(w)

	nodes := func(title, sign string, list []graph.Node) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(list))
		for _, n := range list {
			fmt.Fprintf(w, "  %s %s  %s%s\n", sign, n.Kind, n.ID, posSuffix(n.Pos))
		}
	}
	edges := func(title, sign string, list []graph.Edge) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(list))
		for _, e := range list {
			fmt.Fprintf(w, "  %s %s%s\n", sign, e.Key(), posSuffix(e.Pos))
		}
	}
	paths := func(title, sign string, list []history.Path) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(list))
		for _, p := range list {
			fmt.Fprintf(w, "  %s %s\n      via: %s\n", sign, p.To, p)
		}
	}

	nodes("NODES ADDED", "+", d.NodesAdded)
	nodes("NODES REMOVED", "-", d.NodesRemoved)
	edges("EDGES ADDED", "+", d.EdgesAdded)
	edges("EDGES REMOVED", "-", d.EdgesRemoved)
	paths("PATHS ADDED", "+", d.PathsAdded)
	paths("PATHS REMOVED", "-", d.PathsRemoved)
	return nil
}

// posSuffix renders where a fact was read, or nothing for derived facts.
func posSuffix(p graph.Pos) string {
	if p.File == "" || p.File == graph.DerivedSource {
		return ""
	}
	return "  (" + p.String() + ")"
}
