provider "aws" {
  region              = "eu-central-1"
  allowed_account_ids = ["111122223333"]
}

variable "log_level" {
  default = "info"
}

resource "aws_iam_role" "fn" {
  name = "report-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_user" "mailer" {
  name = "mailer"
}

resource "aws_iam_access_key" "mailer" {
  user = aws_iam_user.mailer.name
}

resource "aws_ssm_parameter" "db_url" {
  name  = "db-url"
  type  = "String"
  value = "postgres://reports.internal.example/reports"
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = aws_iam_role.fn.arn
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.eu-central-1.amazonaws.com/report:1.4.2"

  environment {
    variables = {
      API_TOKEN     = "CANARY-terraform-7f3a"
      SMTP_PASSWORD = aws_iam_access_key.mailer.ses_smtp_password_v4
      DB_URL        = aws_ssm_parameter.db_url.value
      LOG_LEVEL     = var.log_level
      BUCKET        = aws_s3_bucket.reports.id
      API_KEY       = data.aws_ssm_parameter.api_key.value
    }
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = "example-org-reports"
}

resource "aws_instance" "legacy" {
  ami           = "ami-00000000000000000"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/sh
    export AWS_ACCESS_KEY_ID=AKIACANARYTF7F3A0000
    export AWS_SECRET_ACCESS_KEY=CANARYterraform7f3a/ExampleSecretKey0000
  EOT
}

data "aws_ssm_parameter" "api_key" {
  name = "/report/api-key"
}
