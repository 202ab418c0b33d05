# The same module as ../json-pair2-json, written in HCL: nested blocks of
# compute resources. Their facts must be equal, positions aside.

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                         = "ami-00000000000000000"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.web.id]
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::111122223333:role/fn"
  environment {
    variables = {
      API_TOKEN = "CANARY-tfjson-pair2-env"
      MODE      = "prod"
    }
  }
}

resource "aws_iam_access_key" "ci" {
  user = "ci"
}

resource "aws_elastic_beanstalk_environment" "shop" {
  name        = "shop-prod"
  application = "shop"

  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "CI_KEY_ID"
    value     = aws_iam_access_key.ci.id
  }
  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "CI_SECRET"
    value     = aws_iam_access_key.ci.secret
  }
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  task_role_arn         = "arn:aws:iam::111122223333:role/agent"
  container_definitions = jsonencode([{ name = "agent", image = "example-org/agent:1.0", privileged = true }])
  volume {
    name      = "docker"
    host_path = "/var/run/docker.sock"
  }
}

resource "aws_ecs_service" "agent" {
  name            = "agent"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.agent.arn
  placement_constraints {
    type       = "memberOf"
    expression = "ec2InstanceId == ${aws_instance.web.id}"
  }
}

resource "kubernetes_service_account" "api" {
  metadata {
    name      = "api"
    namespace = "shop"
    annotations = {
      "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/api"
    }
  }
}

resource "aws_cognito_user_pool" "users" {
  name = "users"
  admin_create_user_config {
    allow_admin_create_user_only = true
  }
}
