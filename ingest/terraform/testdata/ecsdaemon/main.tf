provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_instance" "node" {
  ami       = "ami-00000000000000000"
  user_data = "#!/bin/bash\necho ECS_CLUSTER=${aws_ecs_cluster.main.name} >> /etc/ecs/ecs.config\n"
}

resource "aws_instance" "other" {
  ami = "ami-00000000000000000"
}

resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  task_role_arn         = "arn:aws:iam::111122223333:role/agent"
  container_definitions = jsonencode([{ name = "agent", image = "example-org/agent:1.0" }])
}

resource "aws_ecs_service" "agent" {
  name                = "agent"
  cluster             = aws_ecs_cluster.main.id
  task_definition     = aws_ecs_task_definition.agent.arn
  scheduling_strategy = "DAEMON"
}

resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "web", image = "example-org/web:1.0" }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
}
