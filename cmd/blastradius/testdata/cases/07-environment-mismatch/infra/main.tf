# Account 111122223333. The role admits only the production environment of
# payments-api; the staging job of the same workflow gets another subject.

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

resource "aws_iam_role" "payments_deploy_prod" {
  name = "payments-deploy-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/payments-api:environment:production"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "payments_deploy_prod" {
  name = "read-payment-secrets"
  role = aws_iam_role.payments_deploy_prod.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:111122223333:secret:prod/payments/*" }]
  })
}
