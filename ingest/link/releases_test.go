package link

import (
	"context"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestProjectReleasePublishesLockfileName(t *testing.T) {
	// Three accounts release the project at the top of o/a: a token's, a
	// trusted publisher's and a semantic-release token's, which publishes
	// only when configured to. An account of o/b releases from a subfolder
	// and o/c's lockfile names no project: neither gets CAN_PUBLISH.
	account := func(id, repo string, attrs ...string) graph.Node {
		n := graph.Node{ID: id, Kind: graph.NodeIdentity, Pos: graph.Pos{File: repo + "/release.yml", Line: 3},
			Attrs: map[string]string{"type": "registry-account", "ecosystem": "npm", graph.AttrRepository: repo}}
		for i := 0; i+1 < len(attrs); i += 2 {
			n.Attrs[attrs[i]] = attrs[i+1]
		}
		return n
	}
	repo := func(name, project string) graph.Node {
		n := graph.Node{ID: graph.RepoID("", name), Kind: graph.NodeRepository, Pos: graph.Pos{File: name + "/package-lock.json"},
			Attrs: map[string]string{graph.AttrRepository: name}}
		if project != "" {
			n.Attrs[graph.AttrNPMLockProject] = project
			n.Attrs[graph.AttrNPMLockProjectFile] = "package-lock.json"
		}
		return n
	}
	const (
		token   = "registry:registry.npmjs.org/secret:gha:o/a/NPM_TOKEN"
		trusted = "registry:registry.npmjs.org/trusted-publisher:o/a/.github/workflows/release.yml"
		sub     = "registry:registry.npmjs.org/secret:gha:o/b/NPM_TOKEN"
		noName  = "registry:registry.npmjs.org/secret:gha:o/c/NPM_TOKEN"
		semrel  = "registry:registry.npmjs.org/secret:gha:o/a/SEMREL_TOKEN"
	)
	nodes := []graph.Node{
		repo("o/a", "@acme/widget"), repo("o/b", "b-lib"), repo("o/c", ""),
		account(token, "o/a", graph.AttrReleasesProject, "true", graph.AttrReleasesProjectCertain, "true"),
		account(semrel, "o/a", graph.AttrReleasesProject, "true"),
		account(trusted, "o/a", graph.AttrReleasesProject, "true", "trusted_publisher", "true"),
		account(sub, "o/b"),
		account(noName, "o/c", graph.AttrReleasesProject, "true"),
	}
	s, edges := deriveEdges(t, nodes, nil)

	widget := "pkg:npm/%40acme/widget"
	want := map[string]graph.Confidence{token: graph.Certain, trusted: graph.Possible, semrel: graph.Possible}
	got := map[string]graph.Confidence{}
	for k, e := range edges {
		if k.Kind == graph.EdgeCanPublish {
			if k.To != widget {
				t.Errorf("CAN_PUBLISH %s -> %s, want only %s", k.From, k.To, widget)
			}
			got[k.From] = e.Confidence
		}
	}
	for from, conf := range want {
		if got[from] != conf {
			t.Errorf("CAN_PUBLISH from %s: %q, want %s", from, got[from], conf)
		}
	}
	if len(got) != len(want) {
		t.Errorf("CAN_PUBLISH from %d accounts, want %d: %v", len(got), len(want), got)
	}
	ns, err := s.Nodes(context.Background(), []string{widget})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Kind != graph.NodePackage || ns[0].Label != "@acme/widget" {
		t.Errorf("package node %+v, want a Package labelled @acme/widget", ns)
	}
}

func TestProjectReleasePublishesUVName(t *testing.T) {
	// The PyPI account of o/py releases the project its uv.lock names.
	const account = "registry:pypi.org/secret:gha:o/py/PYPI_TOKEN"
	nodes := []graph.Node{
		{ID: graph.RepoID("", "o/py"), Kind: graph.NodeRepository, Pos: graph.Pos{File: "o/py/uv.lock"},
			Attrs: map[string]string{graph.AttrRepository: "o/py", graph.AttrPyPILockProject: "example-app"}},
		{ID: account, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "o/py/release.yml", Line: 3},
			Attrs: map[string]string{"type": "registry-account", "ecosystem": "pypi", graph.AttrRepository: "o/py",
				graph.AttrReleasesProject: "true", graph.AttrReleasesProjectCertain: "true"}},
	}
	_, edges := deriveEdges(t, nodes, nil)
	e, ok := edges[graph.EdgeKey{From: account, Kind: graph.EdgeCanPublish, To: "pkg:pypi/example-app"}]
	if !ok {
		t.Fatal("no CAN_PUBLISH to pkg:pypi/example-app")
	}
	if e.Confidence != graph.Certain {
		t.Errorf("CAN_PUBLISH is %s, want certain", e.Confidence)
	}
}

func TestProjectReleaseOnItsOwnForge(t *testing.T) {
	// A GitHub repository and a GitLab project are both o/a. The GitLab
	// project's account releases the name the GitLab project's lockfile
	// gives, not the GitHub repository's.
	repo := func(host, project string) graph.Node {
		return graph.Node{ID: graph.RepoID(host, "o/a"), Kind: graph.NodeRepository, Pos: graph.Pos{File: host + "/package-lock.json"},
			Attrs: map[string]string{graph.AttrRepository: "o/a", graph.AttrNPMLockProject: project, graph.AttrNPMLockProjectFile: "package-lock.json"}}
	}
	const account = "registry:registry.npmjs.org/secret:gitlab:o/a/NPM_TOKEN"
	nodes := []graph.Node{
		repo("github.com", "github-name"), repo("gitlab.com", "gitlab-name"),
		{ID: account, Kind: graph.NodeIdentity, Pos: graph.Pos{File: ".gitlab-ci.yml", Line: 3},
			Attrs: map[string]string{"type": "registry-account", "ecosystem": "npm", graph.AttrRepository: "o/a",
				graph.AttrRepositoryHost: "gitlab.com", graph.AttrReleasesProject: "true", graph.AttrReleasesProjectCertain: "true"}},
	}
	_, edges := deriveEdges(t, nodes, nil)
	var got []string
	for k := range edges {
		if k.Kind == graph.EdgeCanPublish && k.From == account {
			got = append(got, k.To)
		}
	}
	if want := "pkg:npm/gitlab-name"; len(got) != 1 || got[0] != want {
		t.Errorf("CAN_PUBLISH from the GitLab account to %v, want only %s", got, want)
	}
}
