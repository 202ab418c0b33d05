resource "aws_sqs_queue" "jobs" {
  name = "example-jobs"
}

resource "aws_sns_topic" "events" {
  name = "example-events"
}

resource "aws_iam_role" "worker" {
  name               = "example-worker"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_lambda_function" "worker" {
  function_name = "example-worker"
  role          = aws_iam_role.worker.arn
}

resource "aws_lambda_function" "idle" {
  function_name = "example-idle"
  role          = aws_iam_role.worker.arn
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
}

resource "aws_sns_topic_subscription" "events" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "lambda"
  endpoint  = aws_lambda_function.worker.arn
}

resource "aws_sns_topic_subscription" "mail" {
  topic_arn = aws_sns_topic.events.arn
  protocol  = "email"
  endpoint  = "ops@example.org"
}
