package link

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func orgSecret(name string, attrs ...string) graph.Node {
	attrs = append([]string{"provider", "github", "type", "actions-secret", "name", name, "org", "example-org"}, attrs...)
	return node(graph.GHAOrgSecretID("example-org", name), graph.NodeSecret, attrs...)
}

// A repository secret takes precedence over the organisation's of the same
// name, and an organisation secret reaches a job only when visible to its
// repository: certain when its visibility grants it, possible when the
// input does not show it.
func TestOrgSecretPrecedence(t *testing.T) {
	const repo = "example-org/app"
	both := ghSecret(repo, "", "BOTH")
	repoOnly := ghSecret(repo, "", "REPO_ONLY")
	// The repository is public, so a secret for private repositories
	// does not reach it.
	repoNode := node(graph.RepoID("", repo), graph.NodeRepository, "provider", "github", "visibility", "public")
	s := ciStore(t, "org-secrets", both, repoOnly, repoNode,
		orgSecret("BOTH", "visibility", "all"),
		orgSecret("ORG_ONLY", "visibility", "all"),
		orgSecret("ORG_UNKNOWN"),
		orgSecret("ORG_HIDDEN", "visibility", "selected", "selected_repositories", "example-org/other"),
		orgSecret("ORG_PRIVATE", "visibility", "private"),
		orgSecret("ORG_LISTED", "visibility", "selected", "selected_repositories", "example-org/app"),
		orgSecret("ORG_SELECTED", "visibility", "selected"),
	)
	app := func(name string) string { return graph.GHASecretID(repo, name) }
	org := func(name string) string { return graph.GHAOrgSecretID("example-org", name) }

	tests := []struct {
		action, prefix string
		want           []string
	}{
		// secrets.NAME: the ingester's edge to the repository's name stays.
		// The organisation's secret is added where the repository declares
		// none: ORG_ONLY (all), ORG_UNKNOWN (visibility not in the input).
		// Not BOTH (the repository declares it), ORG_HIDDEN (selected for
		// another repository), ORG_PRIVATE (the repository is public).
		{"named-action", "secret:gha:org:", []string{org("ORG_ONLY") + " (certain)", org("ORG_UNKNOWN") + " (possible)"}},
		{"named-action", "secret:gha:example-org/", []string{
			app("BOTH") + " (certain)", app("ORG_HIDDEN") + " (certain)", app("ORG_ONLY") + " (certain)",
			app("ORG_PRIVATE") + " (certain)", app("ORG_UNKNOWN") + " (certain)",
		}},
		// toJSON(secrets): one secret per name. BOTH and REPO_ONLY are the
		// repository's. ORG_ONLY and ORG_LISTED are the organisation's, and
		// ORG_ONLY replaces the name only a workflow reads. ORG_UNKNOWN and
		// ORG_SELECTED (no repository list) are possible, so the name that
		// the workflow reads stays beside ORG_UNKNOWN. ORG_HIDDEN and
		// ORG_PRIVATE are not visible, leaving the names the workflow reads.
		{"dump-action", "secret:gha:org:", []string{
			org("ORG_LISTED") + " (certain)", org("ORG_ONLY") + " (certain)",
			org("ORG_SELECTED") + " (possible)", org("ORG_UNKNOWN") + " (possible)",
		}},
		{"dump-action", "secret:gha:example-org/", []string{
			graph.GHAAllSecretsID(repo) + " (certain)", app("BOTH") + " (certain)", app("ORG_HIDDEN") + " (certain)",
			app("ORG_PRIVATE") + " (certain)", app("ORG_UNKNOWN") + " (certain)", app("REPO_ONLY") + " (certain)",
		}},
	}
	for _, tt := range tests {
		got := pick(radius(t, s, pkgStart("pkg:githubactions/example-vendor/"+tt.action+"@v1")), tt.prefix)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%s reaches %s... (-got +want):\n%s", tt.action, tt.prefix, diff)
		}
	}
}

// A job's edge to the organisation's secret that it reads by name,
// because the repository declares no secret of the name, names that
// repository secret, so the plan can tell that it may not exist.
func TestOrgSecretInsteadOf(t *testing.T) {
	const repo = "example-org/app"
	repoNode := node(graph.RepoID("", repo), graph.NodeRepository, "provider", "github", "visibility", "public")
	s := ciStore(t, "org-secrets", repoNode, orgSecret("ORG_ONLY", "visibility", "all"))
	org := graph.GHAOrgSecretID("example-org", "ORG_ONLY")
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		// The job that reads the whole context receives every secret,
		// and names none.
		if e.To != org || e.Attr(graph.AttrName) == "" {
			continue
		}
		found = true
		if got, want := e.Attr(graph.AttrInsteadOf), graph.GHASecretID(repo, "ORG_ONLY"); got != want {
			t.Errorf("edge %s -> %s: instead_of %q, want %q", e.From, e.To, got, want)
		}
	}
	if !found {
		t.Fatalf("no job reads %s", org)
	}
}
