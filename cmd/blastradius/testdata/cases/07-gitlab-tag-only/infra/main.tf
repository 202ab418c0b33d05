# Account 111122223333. The release role trusts gitlab.com's OIDC provider
# for tag pipelines of payments-api only (ref_type tag, refs v*).

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_openid_connect_provider" "gitlab" {
  url            = "https://gitlab.com"
  client_id_list = ["sts.amazonaws.com"]
}

resource "aws_secretsmanager_secret" "signing_key" {
  name = "release/payments/signing-key"
}

resource "aws_iam_role" "release" {
  name = "payments-release"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.gitlab.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "gitlab.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "gitlab.com:sub" = "project_path:example-org/payments-api:ref_type:tag:ref:v*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "release" {
  name = "read-signing-key"
  role = aws_iam_role.release.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:111122223333:secret:release/payments/*" }]
  })
}
