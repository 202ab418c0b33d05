package link_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
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
		"runtime:aws:ec2:111122223333:github.com/o/001/infra:aws_instance.api (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// instanceConfig is a Terraform configuration whose instance web runs the
// application image with a role of its own, named role.
func instanceConfig(role, userData string) string {
	return `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_role" "web" {
  name               = "` + role + `"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}
resource "aws_iam_instance_profile" "web" {
  name = "` + role + `"
  role = aws_iam_role.web.name
}
resource "aws_instance" "web" {
  ami                  = "ami-12345678"
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.web.name
  user_data            = "` + userData + `"
}
`
}

// Two configurations of one account declare aws_instance.web. They are two
// instances: the one that starts the compromised image hands out its own
// role, and the other one's role stays out of reach.
func TestSameAddressInTwoConfigurations(t *testing.T) {
	repos := map[string]map[string]string{
		"api": userDataRepos["api"],
		"infra": {
			"payments/main.tf": instanceConfig("payments-web", `#!/bin/bash\ndocker run -d ghcr.io/example-org/api:1.4\n`),
			"docs/main.tf":     instanceConfig("docs-web", `#!/bin/bash\ndocker run -d nginx:1.27\n`),
		},
	}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "runtime:aws:ec2:", "arn:aws:iam::")
	want := []string{
		"arn:aws:iam::111122223333:role/payments-web (certain)",
		"runtime:aws:ec2:111122223333:github.com/o/001/infra/payments:aws_instance.web (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// An instance without a Name tag is labelled by its address and
// configuration, and so are the role credentials it hands out.
func TestInstanceLabelWithoutName(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{"infra": {"payments/main.tf": instanceConfig("payments-web", "")}})
	s, _ := ingestDir(t, dir)
	const runtime = "runtime:aws:ec2:111122223333:github.com/o/001/infra/payments:aws_instance.web"
	ns, err := s.Nodes(context.Background(), []string{runtime, graph.AWSInstanceCredentialsID(runtime)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range ns {
		got[n.ID] = n.Label
	}
	want := map[string]string{
		runtime:                                 "aws_instance.web in github.com/o/001/infra/payments",
		graph.AWSInstanceCredentialsID(runtime): "role credentials of aws_instance.web in github.com/o/001/infra/payments",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}
