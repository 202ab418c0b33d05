provider "aws" {
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "reports" {
  name = "reports"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::example-org-reports/*" }]
  })
}

resource "aws_iam_role_policy_attachments_exclusive" "worker" {
  role_name   = aws_iam_role.worker.name
  policy_arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", aws_iam_policy.reports.arn]
}

resource "aws_iam_user" "dana" {
  name = "dana"
}

resource "aws_iam_user_policy_attachments_exclusive" "dana" {
  user_name   = aws_iam_user.dana.name
  policy_arns = [aws_iam_policy.reports.arn]
}

resource "aws_iam_group" "ops" {
  name = "ops"
}

resource "aws_iam_group_policy_attachments_exclusive" "ops" {
  group_name  = aws_iam_group.ops.name
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

resource "aws_iam_user_login_profile" "dana" {
  user = aws_iam_user.dana.name
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker-profile"
  path = "/ec2/"
  role = aws_iam_role.worker.name
}

resource "aws_iam_instance_profile" "spare" {
  name = "spare-profile"
  role = aws_iam_role.worker.name
}

resource "aws_ssm_parameter" "dana_password" {
  name  = "/people/dana/console"
  type  = "SecureString"
  value = aws_iam_user_login_profile.dana.password
}
