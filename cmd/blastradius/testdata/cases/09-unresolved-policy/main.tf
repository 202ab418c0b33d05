# Account 111122223333. The bucket policy comes from a variable without a
# value, so the input does not show who may read the bucket.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

variable "press_kit_policy" {
  type = string
}

resource "aws_s3_bucket" "press_kit" {
  bucket = "example-org-press-kit"
}

resource "aws_s3_bucket_policy" "press_kit" {
  bucket = aws_s3_bucket.press_kit.id
  policy = var.press_kit_policy
}

resource "aws_iam_role" "web" {
  name = "web-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}
