package terraform

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestRoleCredentialsLabel checks that the role credentials of a Lambda
// function, an EC2 instance and an ECS task definition are labelled with
// the runtime's name, which query and plan print in place of the id.
func TestRoleCredentialsLabel(t *testing.T) {
	const src = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_lambda_function" "api" {
  function_name = "orders-api"
  role          = "arn:aws:iam::111122223333:role/orders-lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "api.zip"
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = "worker"
}

resource "aws_instance" "worker" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.worker.name
  tags = {
    Name = "batch-worker"
  }
}

resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  task_role_arn         = "arn:aws:iam::111122223333:role/agent"
  container_definitions = "[]"
}
`
	res := parseSource(t, src)
	labels := map[string]string{}
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeSecret && n.Attr("type") == "role-credentials" {
			labels[n.ID] = n.Label
		}
	}
	want := map[string]string{
		"secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:orders-api": "role credentials of orders-api",
		"secret:aws:role-credentials:aws:ecs-task:agent":                                                   "role credentials of agent",
	}
	for id, label := range want {
		got, ok := labels[id]
		if !ok {
			t.Errorf("no role credentials %s among %v", id, labels)
			continue
		}
		if got != label {
			t.Errorf("label of %s = %q, want %q", id, got, label)
		}
	}
	ec2 := 0
	for id, label := range labels {
		if _, named := want[id]; named {
			continue
		}
		ec2++
		if label != "role credentials of batch-worker" {
			t.Errorf("label of %s = %q, want %q", id, label, "role credentials of batch-worker")
		}
	}
	if ec2 != 1 {
		t.Errorf("%d role credentials of EC2 instances, want 1: %v", ec2, labels)
	}
}
