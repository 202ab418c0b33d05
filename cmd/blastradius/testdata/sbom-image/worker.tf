resource "aws_iam_role" "worker" {
  name = "worker-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_ecs_task_definition" "worker" {
  family        = "worker"
  task_role_arn = aws_iam_role.worker.arn
  container_definitions = jsonencode([{
    name  = "worker"
    image = "ghcr.io/example-org/worker:2.0.1"
  }])
}
