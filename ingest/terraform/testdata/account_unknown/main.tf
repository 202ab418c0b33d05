# Only a principal, a condition and another account's Lambda layer name an
# account: the module's own account stays unknown.

provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}

resource "aws_s3_bucket" "logs" {
  bucket = "example-org-lb-logs"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.logs.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      Principal = { AWS = "arn:aws:iam::444455556666:root" }
      Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:elasticloadbalancing:eu-west-1:444455556666:loadbalancer/*" } }
    }]
  })
}

resource "aws_iam_policy" "self_service" {
  name = "self-service"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreateAccessKey"
      Resource = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:user/*"
    }]
  })
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.ops.arn
  layers        = ["arn:aws:lambda:eu-west-1:017000801446:layer:Powertools:3"]
}
