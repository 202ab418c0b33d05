package link_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fleetProvider and fleetRole are the AWS provider and an instance
// profile whose role reads a bucket.
const (
	fleetProvider = `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
`
	fleetRole = `resource "aws_iam_role" "api" {
  name               = "api-host"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
  inline_policy {
    name   = "reports"
    policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::example-org-reports/*"}]})
  }
}
resource "aws_iam_instance_profile" "api" {
  name = "api-host"
  role = aws_iam_role.api.name
}
resource "aws_s3_bucket" "reports" {
  bucket = "example-org-reports"
}
resource "aws_launch_template" "api" {
  name          = "api"
  image_id      = "ami-12345678"
  instance_type = "t3.small"
  iam_instance_profile {
    name = aws_iam_instance_profile.api.name
  }
  user_data = base64encode(<<-EOF
    #!/bin/bash
    docker run -d --restart always ghcr.io/example-org/api:1.4
  EOF
  )
}
`
)

// fleetRepos returns the application of userDataRepos, which builds
// ghcr.io/example-org/api:1.4 with event-stream in it, and infrastructure
// made of main.tf and, when manifest is set, a Kubernetes manifest.
func fleetRepos(main, manifest string) map[string]map[string]string {
	infra := map[string]string{"main.tf": main}
	if manifest != "" {
		infra["k8s/api.yaml"] = manifest
	}
	return map[string]map[string]string{"api": userDataRepos["api"], "infra": infra}
}

// A package in the image that a launch template's user data starts
// reaches the autoscaling group that uses the template, the role of the
// template's instance profile and the bucket the role reads.
func TestFleetUserDataImageReachesRole(t *testing.T) {
	main := fleetProvider + fleetRole + `resource "aws_autoscaling_group" "api" {
  name     = "api"
  min_size = 1
  max_size = 4
  launch_template {
    id      = aws_launch_template.api.id
    version = "$Latest"
  }
}
`
	got := reachedIn(t, fleetRepos(main, ""), "pkg:npm/event-stream@3.3.6", "runtime:aws:", "arn:aws:iam::", "arn:aws:s3:::")
	want := []string{
		"arn:aws:iam::111122223333:role/api-host (certain)",
		"arn:aws:s3:::example-org-reports (certain)",
		"runtime:aws:ec2:111122223333:github.com/o/001/infra:aws_autoscaling_group.api (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A launch template that no group, instance or node group uses starts
// nothing, so the image in its user data reaches nothing.
func TestUnusedLaunchTemplateReachesNothing(t *testing.T) {
	got := reachedIn(t, fleetRepos(fleetProvider+fleetRole, ""), "pkg:npm/event-stream@3.3.6", "runtime:aws:", "arn:aws:iam::", "arn:aws:s3:::")
	if len(got) != 0 {
		t.Errorf("reached %v, want nothing", got)
	}
}

// eksMain declares an EKS cluster and a node group whose node role can
// pull every ECR image. metadata is the body of the node group's launch
// template.
func eksMain(metadata string) string {
	return fleetProvider + `resource "aws_iam_role" "node" {
  name               = "eks-node"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
  inline_policy {
    name   = "ecr"
    policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource = "*"}]})
  }
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
` + metadata + `}
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
`
}

// apiDeployment runs ghcr.io/example-org/api:1.4. spec is added to its
// pod spec and container to its container.
func apiDeployment(spec, container string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
` + spec + `      containers:
        - name: api
          image: ghcr.io/example-org/api:1.4
` + container
}

const hopLimitOne = `  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
`

// A package in the image of a Deployment reaches the node role of the
// only EKS cluster's node group, possibly, since the manifest does not
// name its cluster. IMDSv2 with a hop limit of 1 keeps the pods from the
// node's metadata endpoint, unless they use the host network or control
// the node (a privileged container). Tokens required with a hop limit of 2 do not.
func TestEKSNodeRoleFromPods(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/eks-node"
	for _, c := range []struct {
		name, metadata, spec, container string
		want                            []string
	}{
		{"no metadata options", "", "", "", []string{role + " (possible)"}},
		{"hop limit 2", strings.ReplaceAll(hopLimitOne, "= 1", "= 2"), "", "", []string{role + " (possible)"}},
		{"hop limit 1", hopLimitOne, "", "", nil},
		{"hop limit 1, host network", hopLimitOne, "      hostNetwork: true\n", "", []string{role + " (possible)"}},
		{"hop limit 1, privileged", hopLimitOne, "", "          securityContext:\n            privileged: true\n", []string{role + " (possible)"}},
	} {
		got := reachedIn(t, fleetRepos(eksMain(c.metadata), apiDeployment(c.spec, c.container)), "pkg:npm/event-stream@3.3.6", "arn:aws:iam::")
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", c.name, diff)
		}
	}
}

// With two EKS clusters in the input, which one runs the Deployment is
// unknown, and its pods are linked to no node role.
func TestEKSNodeRoleTwoClusters(t *testing.T) {
	main := eksMain("") + `resource "aws_eks_cluster" "staging" {
  name     = "staging"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
`
	if got := reachedIn(t, fleetRepos(main, apiDeployment("", "")), "pkg:npm/event-stream@3.3.6", "arn:aws:iam::"); len(got) != 0 {
		t.Errorf("reached %v, want nothing", got)
	}
}
