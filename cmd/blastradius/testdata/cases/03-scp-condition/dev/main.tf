# Member account 444455556666. The SCP denies IAM writes to every principal
# except roles named breakglass-*, through a condition on the caller's ARN:
# svc-put-self stays fenced, breakglass-admin can make itself admin.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}

resource "aws_iam_user" "put_self" {
  name = "svc-put-self"
}

resource "aws_iam_user_policy" "put_self" {
  name = "self-edit"
  user = aws_iam_user.put_self.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PutUserPolicy", Resource = aws_iam_user.put_self.arn }]
  })
}

resource "aws_iam_role" "breakglass" {
  name = "breakglass-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::444455556666:root" } }]
  })
}

resource "aws_iam_role_policy" "breakglass" {
  name = "self-edit"
  role = aws_iam_role.breakglass.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = aws_iam_role.breakglass.arn }]
  })
}
