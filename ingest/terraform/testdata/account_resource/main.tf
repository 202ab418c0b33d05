# A queue ARN in a policy's resources names the module's account; the
# account in the condition does not.

resource "aws_iam_policy" "send" {
  name = "send"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
      Condition = { StringEquals = { "aws:SourceAccount" = "444455556666", "aws:SourceArn" = "arn:aws:sns:eu-west-1:444455556666:events" } }
    }]
  })
}
