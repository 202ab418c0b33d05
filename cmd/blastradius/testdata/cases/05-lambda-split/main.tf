# Account 111122223333. "Pass a role to a new Lambda function and invoke
# it", split over two managed policies of one role. ci-packager holds only
# the Lambda half and cannot pass the role.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_policy" "functions" {
  name = "ci-manage-functions"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Functions", Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }]
  })
}

resource "aws_iam_policy" "pass" {
  name = "ci-pass-any-role"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Pass", Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
  })
}

resource "aws_iam_role" "deployer" {
  name = "ci-deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
  managed_policy_arns = [aws_iam_policy.functions.arn, aws_iam_policy.pass.arn]
}

resource "aws_iam_role" "packager" {
  name = "ci-packager"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
  managed_policy_arns = [aws_iam_policy.functions.arn]
}

resource "aws_iam_role" "fn_admin" {
  name = "maintenance-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}
