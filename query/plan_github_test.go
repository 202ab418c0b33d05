package query

import (
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// The gh commands of a secret of a GitHub Enterprise Server repository
// name the server: --repo takes HOST/OWNER/NAME, and gh secret set --org,
// which has no host flag, reads the host from GH_HOST.
func TestGHSecretCommandEnterpriseServer(t *testing.T) {
	tests := []struct {
		id, name, env, want string
	}{
		{"secret:gha:ghe.example.com/o/r/TOKEN", "TOKEN", "", "gh secret set TOKEN --repo ghe.example.com/o/r"},
		{"secret:gha:ghe.example.com/o/r/env/prod/DB", "DB", "prod", "gh secret set DB --repo ghe.example.com/o/r --env prod"},
		{"secret:gha:org:ghe.example.com/o/KEY", "KEY", "", "GH_HOST=ghe.example.com gh secret set KEY --org o --visibility all"},
	}
	for _, tt := range tests {
		n := graph.Node{ID: tt.id, Kind: graph.NodeSecret}
		n.SetAttr(graph.AttrName, tt.name)
		if !strings.HasPrefix(tt.id, "secret:gha:org:") {
			n.SetAttr(graph.AttrRepository, "o/r")
			n.SetAttr(graph.AttrRepositoryHost, "ghe.example.com")
		} else {
			n.SetAttr("visibility", "all")
		}
		if tt.env != "" {
			n.SetAttr("environment", tt.env)
		}
		if got := ghSecretCommand(n); got != tt.want {
			t.Errorf("ghSecretCommand(%s) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// A token can push to o/b on a GitHub Enterprise Server. The check of the
// repository's pushes calls the server's API with gh api --hostname.
func TestPlanChecksEnterpriseServerRepository(t *testing.T) {
	const (
		start  = "secret:gha:ghe.example.com/o/a/PUSH_PAT"
		pusher = "github:user:pusher"
		repo   = "repo:ghe.example.com/o/b"
		build  = "runtime:gha:ghe.example.com/o/b/.github/workflows/deploy.yml#build"
	)
	s := newG().
		node(start, "type", "actions-secret", "name", "PUSH_PAT", "repository", "o/a", "repository_host", "ghe.example.com", "long_lived", "true").
		node(build, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/b", "repository_host", "ghe.example.com").
		edge(start, graph.EdgeAuthenticatesAs, pusher).
		edge(pusher, graph.EdgeCanModify, repo).
		edge(repo, graph.EdgeDefines, build).
		store(t)
	plan := planFrom(t, s, start, Options{Since: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)})
	it := plan.Steps[0].Items[0]
	want := `gh api --hostname ghe.example.com --paginate repos/o/b/activity --jq '.[] | select(.timestamp[0:19] >= "2026-12-01T06:00:00") | [.timestamp, .activity_type, .ref, .actor.login] | @tsv'`
	if it.Command != want {
		t.Errorf("command\n%s\nwant\n%s", it.Command, want)
	}
}

// Containing a job of a GitHub Enterprise Server repository disables its
// workflow with --repo HOST/OWNER/NAME, and the job of github.com's
// repository of the same name and workflow gets an item of its own.
func TestPlanContainEnterpriseServerWorkflow(t *testing.T) {
	const (
		gheJob    = "runtime:gha:ghe.example.com/o/a/.github/workflows/ci.yml#build"
		dotcomJob = "runtime:gha:o/a/.github/workflows/ci.yml#build"
	)
	s := newG().
		node(gheJob, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a", "repository_host", "ghe.example.com").
		node(dotcomJob, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		edge(gheJob, graph.EdgeExecutes, bad).
		edge(dotcomJob, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	var commands []string
	for _, it := range plan.Steps[0].Items {
		commands = append(commands, it.Command)
	}
	if len(commands) != 2 {
		t.Fatalf("contain items %q, want one for each repository", commands)
	}
	var ghe, dotcom bool
	for _, c := range commands {
		ghe = ghe || strings.HasPrefix(c, "gh workflow disable .github/workflows/ci.yml --repo ghe.example.com/o/a && ")
		dotcom = dotcom || strings.HasPrefix(c, "gh workflow disable .github/workflows/ci.yml --repo o/a && ")
	}
	if !ghe || !dotcom {
		t.Errorf("commands %q, want a disable of ghe.example.com/o/a and one of o/a", commands)
	}
}
