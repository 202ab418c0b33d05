# Example Org's identity setup in account 111122223333. Everything here is
# fictional and exists to show a complete blast radius.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

locals {
  account = "111122223333"
  region  = "us-east-1"
}

# --- stored key for the deploy job's asset upload ---------------------------

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_user_policy" "ci_assets" {
  name = "upload-web-assets"
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject", "s3:ListBucket"]
      Resource = [aws_s3_bucket.assets.arn, "${aws_s3_bucket.assets.arn}/*"]
    }]
  })
}

resource "github_actions_secret" "ci_key_id" {
  repository      = "web-app"
  secret_name     = "CI_AWS_ACCESS_KEY_ID"
  plaintext_value = aws_iam_access_key.ci.id
}

resource "github_actions_secret" "ci_key_secret" {
  repository      = "web-app"
  secret_name     = "CI_AWS_SECRET_ACCESS_KEY"
  plaintext_value = aws_iam_access_key.ci.secret
}

# --- OIDC role for deploys from main ----------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_iam_role" "web_deploy" {
  name = "web-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/web-app:ref:refs/heads/main" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "web_deploy" {
  name = "deploy"
  role = aws_iam_role.web_deploy.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "ReadProdSecrets",
          "Effect": "Allow",
          "Action": "secretsmanager:GetSecretValue",
          "Resource": "arn:aws:secretsmanager:${local.region}:${local.account}:secret:prod/*"
        },
        {
          "Sid": "WriteAssets",
          "Effect": "Allow",
          "Action": ["s3:PutObject", "s3:DeleteObject"],
          "Resource": "arn:aws:s3:::example-org-web-assets/*"
        }
      ]
    }
  POLICY
}

# --- a second credential, stored in Secrets Manager --------------------------

resource "aws_iam_user" "reporting" {
  name = "reporting-bot"
}

resource "aws_iam_access_key" "reporting" {
  user = aws_iam_user.reporting.name
}

resource "aws_secretsmanager_secret" "reporting" {
  name = "prod/reporting-bot-key"
}

resource "aws_secretsmanager_secret_version" "reporting" {
  secret_id = aws_secretsmanager_secret.reporting.id
  secret_string = jsonencode({
    access_key_id     = aws_iam_access_key.reporting.id
    secret_access_key = aws_iam_access_key.reporting.secret
  })
}

resource "aws_iam_user_policy" "reporting" {
  name = "reporting"
  user = aws_iam_user.reporting.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
        Resource = aws_dynamodb_table.orders.arn
      },
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${aws_s3_bucket.finance.arn}/*"
      }
    ]
  })
}

# --- traps: near the blast radius, but out of it ----------------------------

# Readable by no identity in the blast radius: web-deploy reads prod/* only.
resource "aws_secretsmanager_secret" "payments" {
  name = "payments/card-processor-key"
}

# Trusts a different repository's production environment.
resource "aws_iam_role" "billing_deploy" {
  name = "billing-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/billing:environment:production"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "billing_deploy" {
  name = "billing"
  role = aws_iam_role.billing_deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = aws_secretsmanager_secret.payments.arn
    }]
  })
}

# Held only by the release job, which does not install dependencies.
resource "github_actions_secret" "npm_token" {
  repository      = "web-app"
  secret_name     = "NPM_TOKEN"
  encrypted_value = "ZmljdGlvbmFsLWVuY3J5cHRlZC12YWx1ZQ=="
}

# --- data ------------------------------------------------------------------

resource "aws_s3_bucket" "assets" {
  bucket = "example-org-web-assets"
}

resource "aws_s3_bucket" "finance" {
  bucket = "example-org-finance-exports"
}

resource "aws_dynamodb_table" "orders" {
  name         = "customer-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }
}
