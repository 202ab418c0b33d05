# Account 111122223333. The bucket policies are heredoc JSON, one with
# Principal {"AWS": "*"}, one that names a role of the module.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_s3_bucket" "press_kit" {
  bucket = "example-org-press-kit"
}

resource "aws_s3_bucket_policy" "press_kit" {
  bucket = aws_s3_bucket.press_kit.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EveryoneMayDownload",
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-org-press-kit/*"
    }
  ]
}
POLICY
}

resource "aws_s3_bucket" "payroll" {
  bucket = "example-org-payroll-exports"
}

resource "aws_iam_role" "payroll" {
  name = "payroll-export"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "web" {
  name = "web-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_s3_bucket_policy" "payroll" {
  bucket = aws_s3_bucket.payroll.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "OnlyPayrollRole",
          "Effect": "Allow",
          "Principal": {"AWS": "${aws_iam_role.payroll.arn}"},
          "Action": "s3:GetObject",
          "Resource": "${aws_s3_bucket.payroll.arn}/*"
        }
      ]
    }
  POLICY
}
