package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestRunnerHostsOtherCI(t *testing.T) {
	gl := func(job, tags string, more ...string) graph.Node {
		return node(graph.GitLabJobID("example-org/app", ".gitlab-ci.yml", job), graph.NodeRuntime,
			append([]string{"provider", "gitlab", "type", "gitlab-job", "repository", "example-org/app", "tags", tags}, more...)...)
	}
	cc := func(job, class string) graph.Node {
		return node(graph.CircleCIJobID("example-org/app", ".circleci/config.yml", job), graph.NodeRuntime,
			"provider", "circleci", "type", "circleci-job", "repository", "example-org/app", "resource_class", class)
	}
	nodes := []graph.Node{
		gl("build", "docker,linux"),
		gl("deploy", "linux,docker"),
		gl("hosted", "saas-linux-small-amd64"),
		gl("never", "docker,linux", "runs", "never"),
		gl("untagged", ""),
		cc("test", "example-org/runner-linux"),
		cc("cloud", "large"),
	}
	glHost := "runtime:runner:gitlab:example-org/app#docker,linux"
	ccHost := "runtime:runner:circleci:example-org#example-org/runner-linux"
	got := derive(t, nodes, nil, graph.EdgeRunsOn)
	want := []string{
		// Tags are a set: both orders select the same runners.
		graph.CircleCIJobID("example-org/app", ".circleci/config.yml", "test") + " -> " + ccHost + " (certain)",
		graph.GitLabJobID("example-org/app", ".gitlab-ci.yml", "build") + " -> " + glHost + " (certain)",
		graph.GitLabJobID("example-org/app", ".gitlab-ci.yml", "deploy") + " -> " + glHost + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RUNS_ON (-want +got):\n%s", diff)
	}
	got = derive(t, nodes, nil, graph.EdgeCanModify)
	want = []string{
		ccHost + " -> " + graph.CircleCIJobID("example-org/app", ".circleci/config.yml", "test") + " (possible)",
		glHost + " -> " + graph.GitLabJobID("example-org/app", ".gitlab-ci.yml", "build") + " (possible)",
		glHost + " -> " + graph.GitLabJobID("example-org/app", ".gitlab-ci.yml", "deploy") + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_MODIFY (-want +got):\n%s", diff)
	}
}
