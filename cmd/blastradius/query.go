package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/export"
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/advisory"
	"github.com/blastradius-dev/blastradius/query"
)

// queryFlags are the start and options of query and plan.
type queryFlags struct {
	start      query.Start
	advisories []string
	since      string
	depth      int
	appFlaws   bool
}

func (q *queryFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&q.start.Packages, "package", nil, "compromised package as a purl, with a version or a range (pkg:npm/x@1.2.3, 'pkg:npm/x@>=1.2.0 <1.3.0'); repeatable")
	f.StringArrayVar(&q.advisories, "advisory", nil, "OSV advisory record (JSON file): every package version it affects was compromised; repeatable")
	f.StringArrayVar(&q.start.Secrets, "secret", nil, "leaked secret, by id or name; repeatable")
	f.StringArrayVar(&q.start.Identities, "identity", nil, "compromised identity, by ARN, id or name; repeatable")
	f.StringArrayVar(&q.start.Runtimes, "runtime", nil, "compromised runtime (CI job, function, host), by id or name; repeatable")
	f.StringArrayVar(&q.start.Nodes, "node", nil, "any node id to start from; repeatable")
	f.StringVar(&q.since, "since", "", "compromise time (RFC 3339, e.g. 2026-10-05T09:00:00Z): log evidence after it is flagged")
	f.IntVar(&q.depth, "depth", query.DefaultMaxDepth, "maximum path length")
	f.BoolVar(&q.appFlaws, "assume-app-flaws", false, "assume application flaws: input a runtime receives may run code there, and its messages may carry its secrets (followed as possible steps)")
}

func (q *queryFlags) options() (query.Options, error) {
	if q.depth < 1 || q.depth > 64 {
		return query.Options{}, &exitError{code: exitUsage, err: fmt.Errorf("invalid --depth %d: use 1 to 64", q.depth)}
	}
	opt := query.Options{MaxDepth: q.depth, AssumeAppFlaws: q.appFlaws}
	if q.since != "" {
		t, err := time.Parse(time.RFC3339, q.since)
		if err != nil {
			return opt, &exitError{code: exitUsage, err: fmt.Errorf("invalid --since %q: use RFC 3339, e.g. 2026-10-05T09:00:00Z", q.since)}
		}
		opt.Since = t.UTC()
	}
	if q.start.Empty() {
		return opt, &exitError{code: exitUsage, err: errors.New("name what was compromised: --package, --advisory, --secret, --identity, --runtime or --node")}
	}
	return opt, nil
}

// readAdvisories reads the --advisory files into the start. A file that
// is no OSV record is a wrong argument; a withdrawn record stays in the
// start, where it matches nothing, and is reported.
func (q *queryFlags) readAdvisories(log *slog.Logger) error {
	q.start.Advisories = nil
	for _, path := range q.advisories {
		data, err := advisory.ReadFile(path)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("read --advisory: %w", err)}
		}
		a, warns, err := advisory.Parse(path, data)
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("invalid --advisory: %w", err)}
		}
		for _, w := range warns {
			log.Warn("advisory record read with a warning", "detail", w)
		}
		if a.Withdrawn {
			log.Warn("advisory withdrawn: ignored", "advisory", a.ID, "file", path)
		}
		q.start.Advisories = append(q.start.Advisories, a)
	}
	return nil
}

func runQuery(cmd *cobra.Command, o *options, q *queryFlags, s graph.Store) (*query.Result, error) {
	if err := q.readAdvisories(o.logger); err != nil {
		return nil, err
	}
	opt, err := q.options()
	if err != nil {
		return nil, err
	}
	res, err := query.Run(cmd.Context(), s, q.start, opt)
	switch {
	case errors.Is(err, query.ErrNoMatch):
		return nil, &exitError{code: exitNoMatch, err: err}
	case errors.Is(err, query.ErrInvalid):
		return nil, &exitError{code: exitUsage, err: err}
	case err == nil:
		warnUnknownOwners(o.logger, res)
		if err := warnSplitARNs(cmd.Context(), o.logger, s, res); err != nil {
			return nil, err
		}
		if !opt.Since.IsZero() {
			if err := warnNoLogs(cmd.Context(), o.logger, s); err != nil {
				return nil, err
			}
		}
	}
	return res, err
}

// warnNoLogs logs a warning when the graph holds no access-log evidence,
// so that --since can flag no use after the compromise: its absence from
// the result then shows nothing.
func warnNoLogs(ctx context.Context, log *slog.Logger, s graph.Reader) error {
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if st.EdgesByKind[graph.EdgeObserved] == 0 {
		log.Warn("--since cannot show use after the compromise: the graph holds no access logs. Ingest CloudTrail, GCP audit, Kubernetes audit or GitHub audit logs to see which credentials were used")
	}
	return nil
}

// warnUnknownOwners logs a warning when the blast radius contains jobs of
// repositories named local/NAME. Ingest found no owner for them, so
// secrets, trust policies and OIDC subjects that name the real owner
// matched none of their jobs, and the result may lack what those reach.
func warnUnknownOwners(log *slog.Logger, res *query.Result) {
	seen := map[string]bool{}
	var repos []string
	for _, r := range res.Reached {
		repo := r.Node.Attr(graph.AttrRepository)
		if strings.HasPrefix(repo, "local/") && !seen[repo] {
			seen[repo] = true
			repos = append(repos, repo)
		}
	}
	if len(repos) == 0 {
		return
	}
	sort.Strings(repos)
	log.Warn("blast radius contains jobs of repositories with no known owner, so what they reach through secrets, trust policies and OIDC subjects may be missing: ingest again with --org OWNER",
		"repositories", strings.Join(repos, ","))
}

// warnSplitARNs logs a warning when the blast radius contains an AWS ARN
// that the graph also contains in another form: without an account, as
// Terraform that names no account writes it, and in an account, as access
// logs name it. Both nodes are one role or secret, so the result misses
// the paths and the use that go through the other node.
func warnSplitARNs(ctx context.Context, log *slog.Logger, r graph.Reader, res *query.Result) error {
	nodes := slices.Clone(res.Starts)
	for _, x := range res.Reached {
		nodes = append(nodes, x.Node)
	}
	pairs, err := splitARNPairs(ctx, r, nodes)
	if err != nil || len(pairs) == 0 {
		return err
	}
	log.Warn("AWS ARNs split in two: each pair may be one role or secret, with and without its account, so paths and use through the other node may be missing; set allowed_account_ids and region in the aws provider and ingest again",
		"pairs", strings.Join(pairs, "; "))
	return nil
}

// splitARNPairs returns, sorted, each ARN of nodes paired with an ARN of
// the graph that names the same resource with the account missing on one
// side: "ARN-without-account and ARN-in-account".
func splitARNPairs(ctx context.Context, r graph.Reader, nodes []graph.Node) ([]string, error) {
	type name struct{ service, resource string }
	type split struct{ id, region string }
	noAccount := map[name]split{}
	inAccount := map[name][]split{}
	kinds := map[graph.NodeKind]bool{}
	for _, n := range nodes {
		service, region, account, resource, ok := splitARN(n.ID)
		switch {
		case !ok:
			continue
		case account == "":
			noAccount[name{service, resource}] = split{n.ID, region}
		default:
			key := name{service, resource}
			inAccount[key] = append(inAccount[key], split{n.ID, region})
		}
		kinds[n.Kind] = true
	}
	if len(noAccount) == 0 && len(inAccount) == 0 {
		return nil, nil
	}
	var pairs []string
	for _, kind := range graph.NodeKinds {
		if !kinds[kind] {
			continue
		}
		ns, err := r.NodesByKind(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			service, region, account, resource, ok := splitARN(n.ID)
			if !ok {
				continue
			}
			key := name{service, resource}
			if sp, found := noAccount[key]; found && account != "" && (sp.region == "" || sp.region == region) {
				pairs = append(pairs, sp.id+" and "+n.ID)
			}
			if account != "" {
				continue
			}
			for _, sp := range inAccount[key] {
				if region == "" || region == sp.region {
					pairs = append(pairs, n.ID+" and "+sp.id)
				}
			}
		}
	}
	sort.Strings(pairs)
	return slices.Compact(pairs), nil
}

// splitARN returns the parts of an ARN whose region or account may be
// empty: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func splitARN(id string) (service, region, account, resource string, ok bool) {
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", "", "", false
	}
	return parts[2], parts[3], parts[4], parts[5], true
}

func newQueryCommand(o *options) *cobra.Command {
	q := &queryFlags{}
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Show the blast radius of a compromised package, secret, identity or runtime",
		Long: `query walks the graph from what was compromised: the runtimes that ran it,
the secrets they expose, the identities those act as, and the services and
resources those reach, each with a path that explains it, its confidence
(certain, or possible when a condition or default cannot be decided from
the input), whether it is live, and whether logs show use after --since.`,
		Example: `  blastradius query --package pkg:npm/event-stream@3.3.6
  blastradius query --advisory MAL-2025-1234.json --advisory GHSA-xxxx-xxxx-xxxx.json
  blastradius query --package 'pkg:npm/ua-parser-js@>=0.7.29 <0.7.30' --since 2021-10-22T12:00:00Z
  blastradius query --secret AWS_ACCESS_KEY_ID --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json", "markdown"); err != nil {
				return err
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				res, err := runQuery(cmd, o, q, s)
				if err != nil {
					return err
				}
				if _, err := query.MarkDeadEnds(cmd.Context(), s, res); err != nil {
					return err
				}
				return renderResult(o.stdout, o.format, res)
			})
		},
	}
	q.register(cmd)
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, json or markdown")
	withAsOf(cmd, o)
	return cmd
}

func newPlanCommand(o *options) *cobra.Command {
	q := &queryFlags{}
	var revokedAt string
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Print the order in which to contain and revoke",
		Long: `plan computes the blast radius, then orders what to do: first contain the
runtimes where the compromised code runs (or every replacement leaks too),
then revoke credentials so that none is rotated while a credential that can
re-read or re-mint it is still valid. Each item names the provider action,
a command to run (printed, never executed), the consumers that need the
replacement, and the log query that shows use has stopped.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format, "table", "json", "markdown", "runbook"); err != nil {
				return err
			}
			revoked := ""
			if revokedAt != "" {
				at, err := time.Parse(time.RFC3339, revokedAt)
				if err != nil {
					return &exitError{code: exitUsage, err: fmt.Errorf("invalid --revoked-at %q: use RFC 3339, e.g. 2026-10-05T09:00:00Z", revokedAt)}
				}
				revoked = at.UTC().Format(time.RFC3339)
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				res, err := runQuery(cmd, o, q, s)
				if err != nil {
					return err
				}
				plan, err := query.BuildPlan(cmd.Context(), s, res)
				if err != nil {
					return err
				}
				if revoked != "" {
					fillRevocationTime(plan, revoked)
				}
				if o.format == "runbook" {
					return export.WriteRunbook(o.stdout, plan)
				}
				return renderPlan(o.stdout, o.format, plan)
			})
		},
	}
	q.register(cmd)
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, json, markdown or runbook")
	cmd.Flags().StringVar(&revokedAt, "revoked-at", "", "time the credentials were revoked (RFC 3339), filled in for <revocation time> in the log queries")
	withAsOf(cmd, o)
	return cmd
}

// fillRevocationTime puts the time of revocation in place of its
// placeholder in every command and log query of the plan.
func fillRevocationTime(p *query.Plan, at string) {
	for _, st := range p.Steps {
		for _, it := range st.Items {
			it.Command = strings.ReplaceAll(it.Command, export.RevocationTime, at)
			it.Verify = strings.ReplaceAll(it.Verify, export.RevocationTime, at)
		}
	}
}
