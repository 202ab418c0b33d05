provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = "arn:aws:iam::111122223333:role/worker"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "worker.zip"
  environment {
    variables = {
      PARTNER_KEY_ID = "AKIAEXAMPLEWORKER123"
      PARTNER_NOTE   = "AKIAEXAMPLEWORKER123 is the partner key"
    }
  }
}
