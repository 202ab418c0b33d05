package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
)

func newNodesCommand(o *options) *cobra.Command {
	var kind string
	cmd := &cobra.Command{
		Use:   "nodes",
		Short: "List the nodes of the graph, to find ids to start a query from",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json"); err != nil {
				return err
			}
			kinds := graph.NodeKinds
			if kind != "" {
				k, ok := nodeKind(kind)
				if !ok {
					return &exitError{code: exitUsage, err: fmt.Errorf("invalid --kind %q: use Package, Repository, Runtime, Secret, Identity, Resource or Policy", kind)}
				}
				kinds = []graph.NodeKind{k}
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				var views []nodeView
				for _, k := range kinds {
					ns, err := s.NodesByKind(cmd.Context(), k)
					if err != nil {
						return err
					}
					for _, n := range ns {
						views = append(views, viewNode(n))
					}
				}
				if o.format == "json" {
					return writeJSON(o.stdout, views)
				}
				tw := tabwriter.NewWriter(o.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "KIND\tID\tLABEL\tFROM")
				for _, v := range views {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Kind, v.ID, v.Label, v.Pos)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only nodes of this kind: Package, Repository, Runtime, Secret, Identity, Resource or Policy")
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table or json")
	return cmd
}

func newStatsCommand(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "stats",
		Short: "Count the nodes and edges of the graph by kind",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				st, err := s.Stats(cmd.Context())
				if err != nil {
					return err
				}
				return writeJSON(o.stdout, st)
			})
		},
	}
}

// nodeKind reads a node kind, in any letter case.
func nodeKind(s string) (graph.NodeKind, bool) {
	for _, k := range graph.NodeKinds {
		if strings.EqualFold(string(k), s) {
			return k, true
		}
	}
	return "", false
}
