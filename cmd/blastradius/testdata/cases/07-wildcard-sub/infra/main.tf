# Account 111122223333. The role's trust admits every subject of the
# payments-api repository, pull requests included, through a wildcard.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_secretsmanager_secret" "card_processor_key" {
  name = "prod/payments/card-processor-key"
}

resource "aws_iam_role" "payments_any" {
  name = "payments-deploy-any"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/payments-api:*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "payments_any" {
  name = "read-payment-secrets"
  role = aws_iam_role.payments_any.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:111122223333:secret:prod/payments/*" }]
  })
}
