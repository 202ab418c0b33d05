package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

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
	var withHash bool
	var format string
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count the nodes and edges of the graph by kind",
		Long: `stats counts the nodes and edges of the graph by kind. With --hash it
also prints contentHash, a SHA-256 of every node and edge with their kinds,
labels, attributes, confidences and log evidence, leaving out positions and
the times of ingest runs: two stores that hold the same facts have the same
hash, whatever order and how many times the inputs were read.

The output is JSON unless --format table is given.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "json", "table"); err != nil {
				return err
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				st, err := s.Stats(cmd.Context())
				if err != nil {
					return err
				}
				sum := ""
				if withHash {
					if sum, err = contentHash(cmd.Context(), s); err != nil {
						return err
					}
				}
				if format == "table" {
					return writeStatsTable(o.stdout, st, sum)
				}
				if !withHash {
					return writeJSON(o.stdout, st)
				}
				return writeJSON(o.stdout, struct {
					graph.Stats
					ContentHash string `json:"contentHash"`
				}{st, sum})
			})
		},
	}
	cmd.Flags().BoolVar(&withHash, "hash", false, "also print contentHash, a hash of the graph's content")
	cmd.Flags().StringVar(&format, "format", "json", "output format: json or table")
	return cmd
}

// writeStatsTable prints the counts by kind, largest first, then the
// totals, the sources, the last write and the content hash when given.
func writeStatsTable(w io.Writer, st graph.Stats, hash string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tCOUNT")
	for _, c := range sortedCounts(st.NodesByKind) {
		fmt.Fprintf(tw, "node %s\t%d\n", c.kind, c.n)
	}
	for _, c := range sortedCounts(st.EdgesByKind) {
		fmt.Fprintf(tw, "edge %s\t%d\n", c.kind, c.n)
	}
	fmt.Fprintf(tw, "nodes\t%d\nedges\t%d\nsources\t%d\n", st.Nodes, st.Edges, st.Sources)
	if !st.LastWrite.IsZero() {
		fmt.Fprintf(tw, "last write\t%s\n", st.LastWrite.UTC().Format(time.RFC3339))
	}
	if hash != "" {
		fmt.Fprintf(tw, "content hash\t%s\n", hash)
	}
	return tw.Flush()
}

type kindCount struct {
	kind string
	n    int
}

// sortedCounts returns the counts of a map by kind, largest first, then
// by kind.
func sortedCounts[K ~string](m map[K]int) []kindCount {
	out := make([]kindCount, 0, len(m))
	for k, n := range m {
		out = append(out, kindCount{string(k), n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].kind < out[j].kind
	})
	return out
}

// hashedNode and hashedEdge are the parts of a node and an edge that
// contentHash covers.
type hashedNode struct {
	ID    string            `json:"id"`
	Kind  graph.NodeKind    `json:"kind"`
	Label string            `json:"label,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

type hashedEdge struct {
	From       string            `json:"from"`
	Kind       graph.EdgeKind    `json:"kind"`
	To         string            `json:"to"`
	Confidence graph.Confidence  `json:"confidence"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	Evidence   *graph.Evidence   `json:"evidence,omitempty"`
}

// contentHash returns "sha256:" and the hex digest of the graph's nodes
// and edges in id order, without positions, ingest times or the log
// records behind evidence (which name the files read).
func contentHash(ctx context.Context, r graph.Reader) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, k := range graph.NodeKinds {
		ns, err := r.NodesByKind(ctx, k)
		if err != nil {
			return "", err
		}
		sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
		for _, n := range ns {
			if err := enc.Encode(hashedNode{ID: n.ID, Kind: n.Kind, Label: n.Label, Attrs: n.Attrs}); err != nil {
				return "", err
			}
		}
	}
	for _, k := range graph.EdgeKinds {
		es, err := r.EdgesByKind(ctx, k)
		if err != nil {
			return "", err
		}
		sort.Slice(es, func(i, j int) bool {
			a, b := es[i], es[j]
			if a.From != b.From {
				return a.From < b.From
			}
			return a.To < b.To
		})
		for _, e := range es {
			he := hashedEdge{From: e.From, Kind: e.Kind, To: e.To, Confidence: e.Confidence, Attrs: e.Attrs}
			if e.Evidence != nil {
				ev := e.Evidence.Clone()
				ev.Records = nil
				he.Evidence = ev
			}
			if err := enc.Encode(he); err != nil {
				return "", err
			}
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
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
