package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/export"
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/query"
)

func newExportCommand(o *options) *cobra.Command {
	// format is local: the shared options.format takes the default of
	// whichever command registers its flag last.
	var format string
	q := &queryFlags{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a blast radius or the whole graph for other tools",
		Long: `export writes the blast radius of what --package, --secret, --identity,
--runtime or --node name (its nodes and the edges among them), or the whole
graph when none is given, as Graphviz DOT, Mermaid, CSV, GraphML or
BloodHound OpenGraph JSON (for BloodHound CE's file upload).

--format runbook writes the revocation plan of the blast radius as a
Markdown runbook: a checklist per step, with each command printed for a
person to run, never executed.`,
		Example: `  blastradius export --package pkg:npm/color-streamer@2.4.1 --format dot | dot -Tsvg > radius.svg
  blastradius export --format opengraph > graph.json
  blastradius export --package pkg:npm/color-streamer@2.4.1 --format runbook > runbook.md`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, append(append([]string(nil), export.Formats...), "runbook")...); err != nil {
				return err
			}
			if q.start.Empty() && format == "runbook" {
				return &exitError{code: exitUsage, err: errors.New("a runbook needs what was compromised: --package, --secret, --identity, --runtime or --node")}
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				if q.start.Empty() {
					g, err := export.Whole(cmd.Context(), s)
					if err != nil {
						return err
					}
					return export.Write(o.stdout, format, g)
				}
				res, err := runQuery(cmd, o, q, s)
				if err != nil {
					return err
				}
				if format == "runbook" {
					plan, err := query.BuildPlan(cmd.Context(), s, res)
					if err != nil {
						return err
					}
					return export.WriteRunbook(o.stdout, plan)
				}
				g, err := export.FromResult(cmd.Context(), s, res)
				if err != nil {
					return err
				}
				return export.Write(o.stdout, format, g)
			})
		},
	}
	q.register(cmd)
	cmd.Flags().StringVar(&format, "format", "dot", "output format: dot, mermaid, csv, graphml, opengraph or runbook")
	return cmd
}
