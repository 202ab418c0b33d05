provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

provider "aws" {
  alias  = "prod"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::444455556666:role/terraform"
  }
}

provider "aws" {
  alias   = "mgmt"
  profile = "management"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_user" "deployer" {
  provider = aws.prod
  name     = "deployer"
}

resource "aws_iam_user_policy_attachment" "deployer" {
  provider   = aws.prod
  user       = aws_iam_user.deployer.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_secretsmanager_secret" "db" {
  provider = aws.prod
  name     = "db"
}

resource "aws_organizations_organization" "org" {
  provider    = aws.mgmt
  feature_set = "ALL"
}

resource "aws_iam_user" "boss" {
  provider = aws.mgmt
  name     = "boss"
}

resource "aws_iam_user_policy_attachment" "boss" {
  provider   = aws.mgmt
  user       = aws_iam_user.boss.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_secretsmanager_secret" "boss" {
  provider = aws.mgmt
  name     = "boss"
}

resource "aws_organizations_policy" "deny_all" {
  provider = aws.mgmt
  name     = "deny-all"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }]
  })
}

resource "aws_organizations_policy_attachment" "prod" {
  provider  = aws.mgmt
  policy_id = aws_organizations_policy.deny_all.id
  target_id = "444455556666"
}
