# Account 111122223333. The two halves of "launch an instance with an admin
# instance profile" sit in a group policy (ec2:RunInstances) and in the
# user's own policy (iam:PassRole). ci-linter is only in the group.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_group" "launchers" {
  name = "instance-launchers"
}

resource "aws_iam_group_policy" "launch" {
  name  = "launch-instances"
  group = aws_iam_group.launchers.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Launch", Effect = "Allow", Action = ["ec2:RunInstances", "ec2:DescribeInstances"], Resource = "*" }]
  })
}

resource "aws_iam_user" "builder" {
  name = "ci-builder"
}

resource "aws_iam_user_policy" "pass" {
  name = "pass-any-role"
  user = aws_iam_user.builder.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Pass", Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
  })
}

resource "aws_iam_user" "linter" {
  name = "ci-linter"
}

resource "aws_iam_group_membership" "launchers" {
  name  = "launchers"
  group = aws_iam_group.launchers.name
  users = [aws_iam_user.builder.name, aws_iam_user.linter.name]
}

resource "aws_iam_role" "ops_admin" {
  name = "ops-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ops_admin" {
  role       = aws_iam_role.ops_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_instance_profile" "ops_admin" {
  name = "ops-admin-profile"
  role = aws_iam_role.ops_admin.name
}
