package terraform

import (
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestECRRepositoryURL checks the image that an ECS task definition runs
// when it names an ECR repository by its repository_url. With the
// provider's account and region, the image is in the registry of that
// account and region. Without the account or the region the host is not
// known, and the task runs no image the input names.
func TestECRRepositoryURL(t *testing.T) {
	const resources = `
resource "aws_ecr_repository" "app" {
  name = "my-repo"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([{ name = "app", image = "${aws_ecr_repository.app.repository_url}:latest" }])
}
`
	const image = "pkg:docker/my-repo@latest?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	const unversioned = "pkg:docker/my-repo?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"
	for _, tt := range []struct {
		name, provider string
		want           []string
		// images are the ids of the image nodes, sorted.
		images []string
	}{
		{"account and region", "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [\"111122223333\"]\n}\n",
			[]string{image}, []string{unversioned, image}},
		{"no account", "provider \"aws\" {\n  region = \"us-east-1\"\n}\n", nil, nil},
		{"no region", "provider \"aws\" {\n  allowed_account_ids = [\"111122223333\"]\n}\n", nil, nil},
	} {
		root := writeTree(t, map[string]string{"main.tf": tt.provider + resources})
		res := parseIn(t, root, "main.tf")
		var got []string
		for _, e := range res.Edges {
			if e.From == "runtime:aws:ecs-task:app" && e.Kind == graph.EdgeExecutes {
				got = append(got, e.To)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: the task executes %v, want %v", tt.name, got, tt.want)
		}
		var images []string
		for _, n := range res.Nodes {
			if strings.HasPrefix(n.ID, "pkg:docker/") {
				images = append(images, n.ID)
			}
		}
		slices.Sort(images)
		if !slices.Equal(images, tt.images) {
			t.Errorf("%s: image nodes %v, want %v", tt.name, images, tt.images)
		}
	}
}
