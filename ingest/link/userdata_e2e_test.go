package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// userDataRepos are an application whose CI job builds and pushes its
// image from a lockfile, and infrastructure whose EC2 instance starts
// that image from its user data, with a role that reads a bucket.
var userDataRepos = map[string]map[string]string{
	"api": {
		"package-lock.json": imageLock,
		"Dockerfile":        "FROM node:20\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n",
		".github/workflows/release.yml": `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -t ghcr.io/example-org/api:1.4 . && docker push ghcr.io/example-org/api:1.4
`,
	},
	"infra": {
		"main.tf": `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_role" "api" {
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
resource "aws_instance" "api" {
  ami                  = "ami-12345678"
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.api.name
  user_data            = <<-EOF
    #!/bin/bash
    docker run -d --restart always ghcr.io/example-org/api:1.4
  EOF
}
`,
	},
}

// A package in the image that the instance's user data starts reaches the
// instance, its role and the bucket the role reads.
func TestUserDataImageReachesInstanceRole(t *testing.T) {
	got := reachedIn(t, userDataRepos, "pkg:npm/event-stream@3.3.6", "runtime:aws:", "arn:aws:iam::", "arn:aws:s3:::")
	want := []string{
		"arn:aws:iam::111122223333:role/api-host (certain)",
		"arn:aws:s3:::example-org-reports (certain)",
		"runtime:aws:ec2:111122223333:aws_instance.api (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}
