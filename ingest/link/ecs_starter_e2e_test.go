package link_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// ecsStarterTerraform declares ECR repository my-repo, task definition
// app that runs its latest image with role app-task, which reads secret
// app-db, and service my-service that runs the task definition.
const ecsStarterTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_ecr_repository" "app" {
  name = "my-repo"
}

resource "aws_secretsmanager_secret" "db" {
  name = "app-db"
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "db" {
  name = "db"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_ecs_task_definition" "app" {
  family        = "app"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "${aws_ecr_repository.app.repository_url}:latest" }])
}

resource "aws_ecs_service" "app" {
  name            = "my-service"
  task_definition = aws_ecs_task_definition.app.arn
}
`

// ecsStarterWorkflow has the shape of the usual ECS deploy workflow: the
// build step names the image from the registry output of
// amazon-ecr-login and the env context, and passes it to the render step
// through $GITHUB_OUTPUT.
const ecsStarterWorkflow = `name: Deploy to Amazon ECS
on:
  push:
    branches: [main]
env:
  AWS_REGION: us-east-1
  ECR_REPOSITORY: my-repo
  ECS_SERVICE: my-service
  ECS_CLUSTER: my-cluster
  ECS_TASK_DEFINITION: .aws/task-definition.json
  CONTAINER_NAME: app
permissions:
  contents: read
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: ${{ env.AWS_REGION }}
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
      - id: build-image
        env:
          ECR_REGISTRY: ${{ steps.login-ecr.outputs.registry }}
          IMAGE_TAG: ${{ github.sha }}
        run: |
          docker build -t $ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG .
          docker push $ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG
          echo "image=$ECR_REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG" >> $GITHUB_OUTPUT
      - id: task-def
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: ${{ env.ECS_TASK_DEFINITION }}
          container-name: ${{ env.CONTAINER_NAME }}
          image: ${{ steps.build-image.outputs.image }}
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.task-def.outputs.task-definition }}
          service: ${{ env.ECS_SERVICE }}
          cluster: ${{ env.ECS_CLUSTER }}
          wait-for-service-stability: true
`

// ecsStarterRepos is one repository with the Terraform, the workflow, a
// Dockerfile that installs the lockfile's runtime packages, and the
// lockfile.
var ecsStarterRepos = map[string]map[string]string{"app": {
	"infra/main.tf":             ecsStarterTerraform,
	".github/workflows/aws.yml": ecsStarterWorkflow,
	"Dockerfile":                appDockerfile,
	"package-lock.json":         imageLock,
}}

// A runtime package of the lockfile, and the Dockerfile's base image,
// reach the Dockerfile, the ECS task that runs the pushed image, its role
// and the secret the role reads. The development package reaches none,
// because the Dockerfile installs with --omit=dev.
func TestECSStarterReachesTask(t *testing.T) {
	const task = "runtime:aws:ecs-task:app"
	const role = "arn:aws:iam::111122223333:role/app-task"
	const secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:app-db"
	// The list is sorted.
	reachedTask := []string{
		role + " (certain)",
		secret + " (certain)",
		"dockerfile:github.com/o/app/Dockerfile (certain)",
		task + " (certain)",
	}
	for purl, want := range map[string][]string{
		"pkg:npm/event-stream@3.3.6":            reachedTask,
		"pkg:docker/node@20":                    reachedTask,
		"pkg:npm/eslint-config-prettier@10.1.6": nil,
	} {
		got := reachedIn(t, ecsStarterRepos, purl, "runtime:aws:", "arn:aws:", "dockerfile:")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// The job's role publishes the image the workflow names, in the registry
// of the role's account and the workflow's region, and not every image of
// that registry.
func TestECSStarterPublishesNamedImage(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, ecsStarterRepos)
	s, _ := ingestDir(t, dir)
	const deployer = "arn:aws:iam::111122223333:role/deployer"
	for kind, want := range map[graph.EdgeKind][]string{
		graph.EdgeCanPublish: {"pkg:docker/my-repo?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"},
		graph.EdgeCanAccess:  nil,
	} {
		es, err := s.Expand(context.Background(), []string{deployer}, graph.Out, kind)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.To)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s from %s (-want +got):\n%s", kind, deployer, diff)
		}
	}
}
