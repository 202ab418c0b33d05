locals {
  prefix     = "${local.org}-${local.stage}"
  org        = "example-org"
  stage      = lower("PROD")
  account_id = "111122223333"
  bucket_arn = aws_s3_bucket.logs.arn
  statements = [for a in ["s3:GetObject", "s3:PutObject"] : { Effect = "Allow", Action = a, Resource = "${local.bucket_arn}/*" }]
  policy     = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.prefix}-logs"
}

resource "aws_iam_role" "reader" {
  name = "${local.prefix}-reader"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "reader" {
  role   = aws_iam_role.reader.name
  name   = "logs"
  policy = local.policy
}

resource "aws_iam_instance_profile" "reader" {
  name = "${local.prefix}-reader-profile"
  role = aws_iam_role.reader.name
}

resource "aws_instance" "worker" {
  ami                  = "ami-00000000000000000"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.reader.name
  tags = {
    Name = "${local.prefix}-worker"
  }
}
