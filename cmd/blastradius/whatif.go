package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/query"
	"github.com/blastradius-dev/blastradius/whatif"
)

func newWhatIfCommand(o *options) *cobra.Command {
	// format is local: the shared options.format takes the default of
	// whichever command registers its flag last.
	var format string
	q := &queryFlags{}
	var changes string
	cmd := &cobra.Command{
		Use:   "whatif",
		Short: "Show how planned changes would shrink a blast radius",
		Long: `whatif applies the edits of a change file to the graph in memory (the store
is never written) and compares the blast radius and revocation plan of what
was compromised before and after, with the paths each edit closes. Edits
that change a policy or a trust re-run the linker over the changed graph.

The change file lists edits under changes:, each an object with one key:

  changes:
    - remove_secret: {job: "release / publish", secret: NPM_TOKEN}
    - pin_action: {action: aws-actions/configure-aws-credentials@v4, sha: <40 hex digits>}
    - replace_key_with_oidc: {secret: CI_AWS_ACCESS_KEY_ID, role: arn:aws:iam::111122223333:role/assets-upload, environment: production}
    - add_trust_condition: {role: web-deploy, operator: StringEquals, key: token.actions.githubusercontent.com:sub, values: [repo:example-org/web-app:environment:production]}
    - tighten_policy: {policy: "arn:aws:iam::111122223333:role/web-deploy#inline/deploy", statement: ReadProdSecrets, resources: ["arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/web-*"]}
    - delete_statement: {policy: "arn:aws:iam::111122223333:role/web-deploy#inline/deploy", statement: 2}
    - move_secret_to_environment: {secret: CI_AWS_ACCESS_KEY_ID, environment: production}
    - use_trusted_publishing: {job: "release / publish", secret: NPM_TOKEN}

replace_key_with_oidc takes the key out of every job that receives it (or
the one named by job), and gives those jobs an OIDC role with the key's
permissions, trusted for the environment or branch given. Binding to an
environment puts the jobs in it, which changes their OIDC subject for
every other trust too.

delete_statement also removes a Google Cloud grant (one role given to one
member on one resource, a gcp:grant:... id that blastradius nodes --kind
Policy lists), with statement 1 or the grant's role.

use_trusted_publishing takes an npm or PyPI token out of the jobs that
publish with it (or the one named by job). Each then publishes with its
OIDC token as the workflow's trusted publisher, which can publish the
packages the token's account was shown to publish, not every package on
the registry.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "markdown", "json"); err != nil {
				return err
			}
			if changes == "" {
				return &exitError{code: exitUsage, err: errors.New("missing --changes: name the change file with --changes FILE")}
			}
			opt, err := q.options()
			if err != nil {
				return err
			}
			data, err := os.ReadFile(changes)
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("read --changes: %w", err)}
			}
			edits, err := whatif.ParseChanges(changes, data)
			if err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			return withStore(cmd.Context(), o, func(s graph.Store) error {
				rep, err := whatif.Run(cmd.Context(), s, edits, whatif.Options{Start: q.start, Query: opt, Derive: (&link.Linker{}).Derive})
				switch {
				case errors.Is(err, whatif.ErrEdit), errors.Is(err, query.ErrInvalid):
					return &exitError{code: exitUsage, err: err}
				case errors.Is(err, query.ErrNoMatch):
					return &exitError{code: exitNoMatch, err: err}
				case err != nil:
					return err
				}
				if format == "json" {
					return whatif.WriteJSON(o.stdout, rep)
				}
				return whatif.WriteMarkdown(o.stdout, rep)
			})
		},
	}
	q.register(cmd)
	cmd.Flags().StringVar(&changes, "changes", "", "YAML file of edits to apply")
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown or json")
	return cmd
}
