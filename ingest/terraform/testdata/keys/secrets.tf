locals {
  creds = {
    id     = aws_iam_access_key.legacy.id
    secret = aws_iam_access_key.legacy.secret
  }
}

resource "github_repository" "api" {
  name       = "api"
  visibility = "private"
}

resource "github_actions_secret" "key_id" {
  repository      = github_repository.api.name
  secret_name     = "aws_access_key_id"
  plaintext_value = aws_iam_access_key.deployer.id
}

resource "github_actions_secret" "key_secret" {
  repository      = "api"
  secret_name     = "AWS_SECRET_ACCESS_KEY"
  plaintext_value = aws_iam_access_key.deployer.secret
}

resource "github_actions_environment_secret" "legacy" {
  repository      = "example-org/api"
  environment     = "production"
  secret_name     = "LEGACY_CREDS"
  plaintext_value = jsonencode(local.creds)
}

resource "github_actions_organization_secret" "npm" {
  secret_name             = "NPM_TOKEN"
  visibility              = "selected"
  plaintext_value         = "CANARY-terraform-7f3a"
  selected_repository_ids = [github_repository.api.repo_id]
}

resource "aws_secretsmanager_secret" "deployer" {
  name = "ci/deployer"
}

resource "aws_secretsmanager_secret_version" "deployer" {
  secret_id = aws_secretsmanager_secret.deployer.id
  secret_string = jsonencode({
    id     = aws_iam_access_key.deployer.id
    secret = aws_iam_access_key.deployer.secret
  })
}

resource "aws_secretsmanager_secret" "legacy" {
  name = "ci/legacy"
}

resource "aws_secretsmanager_secret_version" "legacy" {
  secret_id     = aws_secretsmanager_secret.legacy.arn
  secret_string = "${aws_iam_access_key.legacy.id}:${aws_iam_access_key.legacy.secret}"
}

resource "aws_secretsmanager_secret_policy" "legacy" {
  secret_arn = aws_secretsmanager_secret.legacy.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Principal = "*", Action = "secretsmanager:DeleteSecret", Resource = "*" }]
  })
}

resource "aws_ssm_parameter" "webhook" {
  name  = "/ci/webhook"
  type  = "SecureString"
  value = "CANARY-terraform-7f3a-ssm"
}
