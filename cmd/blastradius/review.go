package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/history"
	"github.com/blastradius-dev/blastradius/review"
)

func newReviewCommand(o *options) *cobra.Command {
	// format is local: the shared options.format takes the default of
	// whichever command registers its flag last.
	var format string
	var critFile, compare, asOf, now string
	var unusedDays, top, depth int
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Rank every credential and package by what it reaches",
		Long: `review computes the blast radius of every credential (secrets, and roles and
service accounts whose sessions are credentials) and every package version,
and ranks them by the live services and resources they reach, each weighted
by its criticality: from --criticality (a YAML object of node id or glob to
a weight, a number or low, medium, high, critical), else a node's own
criticality attribute, tag or label, else 1.

It lists the findings that widen a reach: long-lived keys stored as CI
secrets, credentials unused for --unused-days, OIDC trusts with wildcards,
third-party actions pinned by tag in jobs that hold secrets, privilege
escalation to admin, and secrets delivered to jobs that never use them.
With --compare it shows the paths opened and closed and the credentials
rotated since an earlier review written with --format json.`,
		Example: `  blastradius review --format markdown --criticality criticality.yaml
  blastradius review --format html --unused-days 90 > review.html
  blastradius review --format json --compare last-quarter.json > this-quarter.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "markdown", "json", "csv", "html"); err != nil {
				return err
			}
			if unusedDays < 0 || depth < 1 || depth > 64 || top < 0 {
				return &exitError{code: exitUsage, err: fmt.Errorf("invalid --unused-days, --top or --depth: use 0 or more days, 0 or more entries, and a depth of 1 to 64")}
			}
			opt := review.Options{UnusedDays: unusedDays, MaxDepth: depth}
			if now != "" {
				t, err := time.Parse(time.RFC3339, now)
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("invalid --now %q: use RFC 3339, e.g. 2026-10-05T09:00:00Z", now)}
				}
				opt.AsOf = t.UTC()
			}
			if asOf != "" {
				// As on query and plan, --as-of reads the graph as it
				// stood then, and the review is made at that time.
				snap, err := o.snapshotAt("--as-of", asOf)
				if err != nil {
					return err
				}
				o.logger.Info("reading snapshot", "snapshot", snap.Time.Format(time.RFC3339), "file", snap.Path)
				o.db = snap.Path
				if now == "" {
					t, _ := history.ParseTime(asOf)
					opt.AsOf = t.UTC()
				}
			}
			if critFile != "" {
				data, err := os.ReadFile(critFile)
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("read --criticality: %w", err)}
				}
				c, err := review.ParseCriticality(critFile, data)
				if err != nil {
					return &exitError{code: exitUsage, err: err}
				}
				opt.Criticality = c
			}
			var prev *review.Review
			if compare != "" {
				f, err := os.Open(compare)
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("read --compare: %w", err)}
				}
				prev, err = review.ReadJSON(f)
				f.Close()
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", compare, err)}
				}
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				rv, err := review.Run(cmd.Context(), s, opt)
				if err != nil {
					return err
				}
				if prev != nil {
					review.Compare(rv, prev)
				}
				for _, key := range opt.Criticality.Unused() {
					fmt.Fprintf(o.stderr, "blastradius: warning: %s:%s weighs nothing: it matches no resource or service that a reviewed credential or package reaches (secrets, jobs and identities are not weighed)\n", critFile, key)
				}
				switch format {
				case "json":
					return review.WriteJSON(o.stdout, rv)
				case "csv":
					return review.WriteCSV(o.stdout, rv)
				case "html":
					return review.WriteHTML(o.stdout, rv, top)
				default:
					return review.WriteMarkdown(o.stdout, rv, top)
				}
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&critFile, "criticality", "", "YAML file mapping node ids or globs to weights")
	f.IntVar(&unusedDays, "unused-days", 90, "flag long-lived credentials the logs show unused for this many days (0: off)")
	f.StringVar(&asOf, "as-of", "", "review the graph as the last ingest run at or before this time (RFC 3339) left it, from the store's history")
	f.StringVar(&now, "now", "", "time the review is made, RFC 3339: unused days count up to it (default: --as-of, else the current time)")
	f.StringVar(&compare, "compare", "", "earlier review (written with --format json) to compare with")
	f.IntVar(&top, "top", 50, "entries listed in markdown and html (0: all)")
	f.IntVar(&depth, "depth", 16, "maximum path length of each blast radius")
	f.StringVar(&format, "format", "markdown", "output format: markdown, json, csv or html")
	return cmd
}
