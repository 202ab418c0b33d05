provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "task" {
  name = "task"
}

resource "aws_iam_role" "exec" {
  name = "exec"
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_access_key" "spare" {
  user = aws_iam_user.ci.name
}

resource "aws_secretsmanager_secret" "api" {
  name = "api/token"
}

resource "aws_ecs_task_definition" "api" {
  family             = "api"
  task_role_arn      = aws_iam_role.task.arn
  execution_role_arn = aws_iam_role.exec.arn
  network_mode       = "host"
  container_definitions = jsonencode([
    {
      name       = "web"
      image      = "nginx:1.27"
      privileged = true
      environment = [
        { name = "TOKEN", value = "CANARY-terraform-7f3a-ecs" },
        { name = "CI_KEY", value = aws_iam_access_key.ci.secret },
      ]
      secrets = [
        { name = "API_TOKEN", valueFrom = aws_secretsmanager_secret.api.arn },
        { name = "DB_URL", valueFrom = "arn:aws:ssm:eu-west-1:111122223333:parameter/api/db-url" },
      ]
    },
    {
      name  = "sidecar"
      image = "ghcr.io/example-org/agent@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    },
  ])

  volume {
    name      = "docker"
    host_path = "/var/run/docker.sock"
  }
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "main"
  task_definition = aws_ecs_task_definition.api.arn

  placement_constraints {
    type       = "memberOf"
    expression = "ec2InstanceId == ${aws_instance.host.id}"
  }
}

import {
  to = aws_instance.host
  id = "i-0123456789abcdef0"
}

resource "aws_key_pair" "ops" {
  key_name   = "ops-2024"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample ops"
}

resource "aws_instance" "host" {
  ami      = "ami-00000000000000000"
  key_name = aws_key_pair.ops.key_name
  user_data = templatefile("${path.module}/templates/boot.sh.tpl", {
    region    = "eu-west-1"
    ci_key    = aws_iam_access_key.ci.secret
    spare_key = aws_iam_access_key.spare.secret
  })
}

resource "aws_instance" "batch" {
  ami = "ami-00000000000000000"
  user_data = base64encode(templatefile("templates/missing.tpl", {
    key = aws_iam_access_key.spare.secret
  }))
}

resource "aws_elastic_beanstalk_application" "shop" {
  name = "shop"
}

resource "aws_iam_role" "eb" {
  name = "eb"
}

resource "aws_iam_instance_profile" "eb" {
  name = "eb-profile"
  role = aws_iam_role.eb.name
}

resource "aws_elastic_beanstalk_environment" "shop" {
  name        = "shop-prod"
  application = aws_elastic_beanstalk_application.shop.name

  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "CI_KEY_ID"
    value     = aws_iam_access_key.ci.id
  }
  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "FEATURE_FLAG"
    value     = "CANARY-terraform-7f3a-eb"
  }
  setting {
    namespace = "aws:elasticbeanstalk:application:environmentsecrets"
    name      = "API_TOKEN"
    value     = aws_secretsmanager_secret.api.arn
  }
  setting {
    namespace = "aws:autoscaling:launchconfiguration"
    name      = "IamInstanceProfile"
    value     = aws_iam_instance_profile.eb.name
  }
  setting {
    namespace = "aws:ec2:vpc"
    name      = "VPCId"
    value     = "vpc-00000000"
  }
}
