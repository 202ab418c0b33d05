package terraform

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

const fleetProvider = `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_role" "web" {
  name               = "web-host"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "web" {
  name = "web-host"
  role = aws_iam_role.web.name
}
`

// edgesFrom lists the edges of some kinds that leave from as
// "KIND to (confidence)".
func edgesFrom(res ingest.Result, from string, kinds ...graph.EdgeKind) []string {
	var out []string
	for _, e := range res.Edges {
		for _, k := range kinds {
			if e.From == from && e.Kind == k {
				out = append(out, string(k)+" "+e.To+" ("+string(e.Confidence)+")")
			}
		}
	}
	sort.Strings(out)
	return out
}

func findNode(t *testing.T, res ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %s", id)
	return graph.Node{}
}

// An autoscaling group is one runtime for the instances its launch
// template starts: the template's instance profile gives them the role's
// credentials through the metadata endpoint, and its base64 user data
// starts an image. The metadata options are recorded.
func TestAutoscalingGroupLaunchTemplate(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_launch_template" "web" {
  name          = "web"
  image_id      = "ami-12345678"
  instance_type = "t3.small"
  iam_instance_profile {
    name = aws_iam_instance_profile.web.name
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  user_data = base64encode(<<-EOF
    #!/bin/bash
    docker run -d ghcr.io/example-org/web:2.0
  EOF
  )
}
resource "aws_autoscaling_group" "web" {
  name             = "web"
  min_size         = 1
  max_size         = 4
  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}
`)
	fleet := ec2RuntimeID("111122223333", "", "aws_autoscaling_group.web")
	creds := graph.AWSInstanceCredentialsID(fleet)
	got := edgesFrom(res, fleet, graph.EdgeExposes, graph.EdgeExecutes)
	got = append(got, edgesFrom(res, creds, graph.EdgeAuthenticatesAs)...)
	want := []string{
		"EXECUTES pkg:docker/example-org/web@2.0?repository_url=ghcr.io (certain)",
		"EXPOSES " + creds + " (certain)",
		"AUTHENTICATES_AS arn:aws:iam::111122223333:role/web-host (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	n := findNode(t, res, fleet)
	for k, v := range map[string]string{"type": "ec2-fleet", attrIMDSTokens: "required", attrIMDSHopLimit: "2",
		"launched_from": "aws_launch_template.web"} {
		if n.Attr(k) != v {
			t.Errorf("%s = %q, want %q", k, n.Attr(k), v)
		}
	}
}

// A mixed instances policy names its templates by name, overrides
// included; a launch configuration names its profile by name and holds
// plain user data. A template that nothing names gives nothing.
func TestAutoscalingGroupMixedPolicy(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_launch_template" "a" {
  name      = "tmpl-a"
  user_data = base64encode("docker run ghcr.io/example-org/a:1")
}
resource "aws_launch_template" "b" {
  name      = "tmpl-b"
  user_data = base64encode("docker run ghcr.io/example-org/b:1")
}
resource "aws_launch_template" "unused" {
  name      = "tmpl-unused"
  user_data = base64encode("docker run ghcr.io/example-org/unused:1")
  iam_instance_profile {
    name = "web-host"
  }
}
resource "aws_autoscaling_group" "mixed" {
  max_size = 2
  min_size = 0
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_name = "tmpl-a"
      }
      override {
        instance_type = "t3.large"
        launch_template_specification {
          launch_template_id = aws_launch_template.b.id
        }
      }
    }
  }
}
resource "aws_launch_configuration" "old" {
  name                 = "old"
  image_id             = "ami-12345678"
  instance_type        = "t3.small"
  iam_instance_profile = "web-host"
  user_data            = "#!/bin/sh\ndocker run ghcr.io/example-org/old:3\n"
}
resource "aws_autoscaling_group" "old" {
  max_size             = 2
  min_size             = 0
  launch_configuration = aws_launch_configuration.old.name
}
`)
	mixed := ec2RuntimeID("111122223333", "", "aws_autoscaling_group.mixed")
	old := ec2RuntimeID("111122223333", "", "aws_autoscaling_group.old")
	got := append(edgesFrom(res, mixed, graph.EdgeExposes, graph.EdgeExecutes),
		edgesFrom(res, old, graph.EdgeExposes, graph.EdgeExecutes)...)
	want := []string{
		"EXECUTES pkg:docker/example-org/a@1?repository_url=ghcr.io (certain)",
		"EXECUTES pkg:docker/example-org/b@1?repository_url=ghcr.io (certain)",
		"EXECUTES pkg:docker/example-org/old@3?repository_url=ghcr.io (certain)",
		"EXPOSES " + graph.AWSInstanceCredentialsID(old) + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	for _, e := range res.Edges {
		if e.To == "pkg:docker/example-org/unused@1?repository_url=ghcr.io" {
			t.Errorf("the unused template's image is run: %v", e)
		}
	}
}

// An instance started from a launch template gets the template's
// instance profile, key pair and metadata options, but its own user data
// takes the place of the template's.
func TestInstanceLaunchTemplate(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_launch_template" "base" {
  name      = "base"
  key_name  = "deploy"
  user_data = base64encode("docker run ghcr.io/example-org/base:1")
  iam_instance_profile {
    arn = aws_iam_instance_profile.web.arn
  }
  metadata_options {
    http_tokens = "optional"
  }
}
resource "aws_instance" "one" {
  launch_template {
    name = "base"
  }
  user_data = "docker run ghcr.io/example-org/own:1"
}
`)
	rt := ec2RuntimeID("111122223333", "", "aws_instance.one")
	creds := graph.AWSInstanceCredentialsID(rt)
	got := append(edgesFrom(res, rt, graph.EdgeExposes, graph.EdgeExecutes), edgesFrom(res, creds, graph.EdgeAuthenticatesAs)...)
	want := []string{
		"EXECUTES pkg:docker/example-org/own@1?repository_url=ghcr.io (certain)",
		"EXPOSES " + creds + " (certain)",
		"AUTHENTICATES_AS arn:aws:iam::111122223333:role/web-host (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	login := graph.AWSHostUserID(rt, "key-pair")
	if got := edgesFrom(res, login, graph.EdgeCanModify); !cmp.Equal(got, []string{"CAN_MODIFY " + rt + " (possible)"}) {
		t.Errorf("the template's key pair login gives %v", got)
	}
	if n := findNode(t, res, rt); n.Attr(attrIMDSTokens) != "optional" || n.Attr(attrIMDSHopLimit) != "" {
		t.Errorf("metadata options %q %q, want optional and unset", n.Attr(attrIMDSTokens), n.Attr(attrIMDSHopLimit))
	}
}

// A managed node group exposes its node role's credentials. It records
// its cluster and the metadata options of its launch template, and the
// cluster is a resource.
func TestEKSNodeGroup(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_iam_role" "node" {
  name               = "eks-node"
  assume_role_policy = "{}"
}
resource "aws_eks_cluster" "main" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-1"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "1"
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
`)
	rt := ec2RuntimeID("111122223333", "", "aws_eks_node_group.default")
	creds := graph.AWSInstanceCredentialsID(rt)
	got := append(edgesFrom(res, rt, graph.EdgeExposes), edgesFrom(res, creds, graph.EdgeAuthenticatesAs)...)
	want := []string{
		"EXPOSES " + creds + " (certain)",
		"AUTHENTICATES_AS arn:aws:iam::111122223333:role/eks-node (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	n := findNode(t, res, rt)
	for k, v := range map[string]string{"type": "eks-node-group", attrEKSCluster: "prod", attrIMDSTokens: "required", attrIMDSHopLimit: "1"} {
		if n.Attr(k) != v {
			t.Errorf("%s = %q, want %q", k, n.Attr(k), v)
		}
	}
	if c := findNode(t, res, "arn:aws:eks:eu-west-1:111122223333:cluster/prod"); c.Attr("type") != "eks-cluster" {
		t.Errorf("cluster type %q", c.Attr("type"))
	}
}

// The instances of an autoscaling group whose user data joins an ECS
// cluster run that cluster's tasks on EC2 (every instance for a DAEMON
// service), and possibly hold their role credentials, as an instance does.
func TestAutoscalingGroupECSCluster(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_ecs_cluster" "main" {
  name = "jobs"
}
resource "aws_launch_template" "ecs" {
  name      = "ecs"
  user_data = base64encode("#!/bin/bash\necho ECS_CLUSTER=jobs >> /etc/ecs/ecs.config\n")
}
resource "aws_autoscaling_group" "ecs" {
  max_size = 2
  min_size = 0
  launch_template {
    name = aws_launch_template.ecs.name
  }
}
resource "aws_ecs_task_definition" "job" {
  family                = "job"
  task_role_arn         = aws_iam_role.web.arn
  container_definitions = jsonencode([{name = "job", image = "ghcr.io/example-org/job:1"}])
}
resource "aws_ecs_service" "job" {
  name                = "job"
  cluster             = aws_ecs_cluster.main.id
  task_definition     = aws_ecs_task_definition.job.arn
  scheduling_strategy = "DAEMON"
}
`)
	fleet := ec2RuntimeID("111122223333", "", "aws_autoscaling_group.ecs")
	task := ecsTaskID("job")
	got := append(edgesFrom(res, task, graph.EdgeRunsOn), edgesFrom(res, fleet, graph.EdgeExposes)...)
	want := []string{
		"RUNS_ON " + fleet + " (certain)",
		"EXPOSES " + graph.AWSInstanceCredentialsID(task) + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

// The user data of self-managed nodes that runs the EKS bootstrap script
// names the cluster the fleet joins.
func TestAutoscalingGroupEKSBootstrap(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_launch_template" "nodes" {
  name      = "nodes"
  user_data = base64encode("#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args '--node-labels=pool=self'\n")
}
resource "aws_autoscaling_group" "nodes" {
  max_size = 2
  min_size = 0
  launch_template {
    id = aws_launch_template.nodes.id
  }
}
`)
	n := findNode(t, res, ec2RuntimeID("111122223333", "", "aws_autoscaling_group.nodes"))
	if n.Attr(attrEKSCluster) != "prod" {
		t.Errorf("eks_cluster = %q, want prod", n.Attr(attrEKSCluster))
	}
}

// A launch template's user data read with filebase64 is the file's
// script, base64 encoded.
func TestLaunchTemplateFileBase64(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/bash\ndocker run -d ghcr.io/example-org/worker:3.1\n"
	if err := os.WriteFile(filepath.Join(dir, "init.sh"), []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.tf")
	src := fleetProvider + `
resource "aws_launch_template" "worker" {
  name      = "worker"
  user_data = filebase64("${path.module}/init.sh")
}
resource "aws_autoscaling_group" "worker" {
  max_size = 2
  min_size = 0
  launch_template {
    id = aws_launch_template.worker.id
  }
}
`
	if err := os.WriteFile(main, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: main}, testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	got := edgesFrom(res, ec2RuntimeID("111122223333", "", "aws_autoscaling_group.worker"), graph.EdgeExecutes)
	want := []string{"EXECUTES pkg:docker/example-org/worker@3.1?repository_url=ghcr.io (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

// A group or node group named by a prefix gets a name that Terraform
// makes up from it, so the prefix is recorded apart and the name is
// unknown.
func TestFleetNamePrefix(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_launch_template" "web" {
  name = "web"
}
resource "aws_autoscaling_group" "web" {
  name_prefix = "web-"
  min_size    = 1
  max_size    = 2
  launch_template {
    id = aws_launch_template.web.id
  }
}
resource "aws_eks_node_group" "spot" {
  cluster_name           = "prod"
  node_group_name_prefix = "spot-"
  node_role_arn          = "arn:aws:iam::111122223333:role/eks-node"
  subnet_ids             = ["subnet-1"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
`)
	for _, addr := range []string{"aws_autoscaling_group.web", "aws_eks_node_group.spot"} {
		n := findNode(t, res, ec2RuntimeID("111122223333", "", addr))
		if got := n.Attr(graph.AttrName); got != "" {
			t.Errorf("%s: name %q, want none", addr, got)
		}
	}
	if got := findNode(t, res, ec2RuntimeID("111122223333", "", "aws_autoscaling_group.web")).Attr("name_prefix"); got != "web-" {
		t.Errorf("group name_prefix %q, want web-", got)
	}
	if got := findNode(t, res, ec2RuntimeID("111122223333", "", "aws_eks_node_group.spot")).Attr("name_prefix"); got != "spot-" {
		t.Errorf("node group name_prefix %q, want spot-", got)
	}
}

// A node group that names its cluster by the cluster's id, which is its
// name, is in that cluster.
func TestNodeGroupClusterByID(t *testing.T) {
	res := parseSource(t, fleetProvider+`
resource "aws_eks_cluster" "main" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
}
resource "aws_eks_node_group" "a" {
  cluster_name    = aws_eks_cluster.main.id
  node_group_name = "a"
  node_role_arn   = "arn:aws:iam::111122223333:role/eks-node"
  subnet_ids      = ["subnet-1"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
`)
	n := findNode(t, res, ec2RuntimeID("111122223333", "", "aws_eks_node_group.a"))
	if got := n.Attr(attrEKSCluster); got != "prod" {
		t.Errorf("eks_cluster %q, want prod", got)
	}
}

// A metadata endpoint that every instance turns off hands out no role
// credentials: the instance and the group expose none, while a group with
// one template that leaves it on still does.
func TestMetadataEndpointDisabled(t *testing.T) {
	res := parseSource(t, `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}
resource "aws_instance" "closed" {
  ami                  = "ami-12345678"
  iam_instance_profile = aws_iam_instance_profile.app.name
  metadata_options {
    http_endpoint = "disabled"
  }
}
resource "aws_launch_template" "closed" {
  name = "closed"
  iam_instance_profile {
    name = aws_iam_instance_profile.app.name
  }
  metadata_options {
    http_endpoint = "disabled"
  }
}
resource "aws_launch_template" "open" {
  name = "open"
  iam_instance_profile {
    name = aws_iam_instance_profile.app.name
  }
}
resource "aws_autoscaling_group" "closed" {
  name = "closed"
  launch_template {
    id = aws_launch_template.closed.id
  }
}
resource "aws_autoscaling_group" "mixed" {
  name = "mixed"
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.closed.id
      }
      override {
        launch_template_specification {
          launch_template_id = aws_launch_template.open.id
        }
      }
    }
  }
}
`)
	exposes := map[string]bool{}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeExposes && e.Attr(graph.AttrVia) == "metadata" {
			exposes[e.From] = true
		}
	}
	for addr, want := range map[string]bool{
		"aws_instance.closed":          false,
		"aws_autoscaling_group.closed": false,
		"aws_autoscaling_group.mixed":  true,
	} {
		if got := exposes[ec2RuntimeID("111122223333", "", addr)]; got != want {
			t.Errorf("%s exposes role credentials: %v, want %v", addr, got, want)
		}
	}
}
